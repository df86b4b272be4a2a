#!/usr/bin/env bash
# The main demo (README command 1), run after a build with the default preset:
# the build and rank map, the seed tutorial's parareal run with `pint run` on 2
# MPI ranks, and a 10^5-member ensemble with parareal and with the sequential
# fine propagator alone. Every run leaves its HDF5 files, run.json and PNG plots
# under output/demo (or $PINT_DEMO_OUTPUT).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${PINT_BUILD_DIR:-build/default}
out=${PINT_DEMO_OUTPUT:-output/demo}
launcher=(mpiexec -n 2)
if mpiexec --version 2>/dev/null | grep -qE "Open MPI|OpenRTE"; then
  export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}
  launcher+=(--oversubscribe)
  [ "$(id -u)" -eq 0 ] && launcher+=(--allow-run-as-root)
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
pint=("${launcher[@]}" "$build/apps/pint")
echo "== pint info"
"${pint[@]}" info
echo
echo "== the seed tutorial's run (examples/tutorial.toml: parareal, 19 slices, 2 ranks)"
"${pint[@]}" run --config examples/tutorial.toml --output "$out/tutorial" --overwrite
echo
echo "== an ensemble of 10^5 oscillators (examples/ensemble.toml, fewer members): parareal"
ensemble=(--config examples/ensemble.toml --members 100000 --save-members 0:100000:1000)
"${pint[@]}" run "${ensemble[@]}" --output "$out/ensemble" --overwrite
echo
echo "== the same ensemble, the fine propagator alone (--sequential, the reference)"
"${pint[@]}" run "${ensemble[@]}" --sequential --output "$out/ensemble-sequential" --overwrite \
  --no-plots
echo
echo "== the output, under $(pwd)/$out:"
for d in tutorial ensemble ensemble-sequential; do
  echo "   $d/: $(ls "$out/$d" | grep -v '^fine-' | tr '\n' ' ')and $(ls "$out/$d" | grep -c '^fine-') fine-*.h5"
done
