#!/usr/bin/env bash
# The main demo (README command 1), run after a build with the default preset:
# the build and rank map, the seed tutorial's parareal run on 2 MPI ranks, and a
# 10^5-member ensemble against the sequential fine run and the performance model.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${PINT_BUILD_DIR:-build/default}
launcher=(mpiexec -n 2)
if mpiexec --version 2>/dev/null | grep -qE "Open MPI|OpenRTE"; then
  export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}
  launcher+=(--oversubscribe)
  [ "$(id -u)" -eq 0 ] && launcher+=(--allow-run-as-root)
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
echo "== pint info"
"${launcher[@]}" "$build/apps/pint" info
echo
echo "== the seed tutorial's run (parareal, 19 slices, 2 ranks)"
"${launcher[@]}" "$build/examples/pint_tutorial"
echo
echo "== an ensemble of 10^5 oscillators: parareal vs the sequential fine run"
"${launcher[@]}" "$build/benchmarks/pint_bench_parareal" --members 100000 --fine-steps 1000
