#!/usr/bin/env bash
# The checks of a pint GPU bundle (made by scripts/gpu-check.sh bundle, which copies this file
# into the bundle as run-checks.sh). Needs nothing but the bundle and the NVIDIA driver.
#
#   BUNDLE/run-checks.sh [--no-bench] [OUT]
#
# Runs `pint info`, every test executable on 1 rank, the MPI ones on 2 ranks sharing the GPU,
# and the integrator benchmark at 10^6, 10^7 and 10^8 members (with the FP64 peak measured
# in the same binary). Writes OUT/gpu-check.log (everything) and OUT/integrators.json; prints
# one line per check and ends with "N passed, M failed". Exit status 0 when all passed.
# --no-bench skips the benchmark (the relocation test of a CPU build does).
set -uo pipefail
bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=1
if [ "${1:-}" = --no-bench ]; then
  bench=0
  shift
fi
out=${1:-$PWD/gpu-check-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/gpu-check.log
: >"$log"

export LD_LIBRARY_PATH="$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$bundle/ompi/bin:$bundle/bin:$PATH"
# Open MPI and PMIx find their plugins and help texts in the bundle.
export OPAL_PREFIX="$bundle/ompi" PMIX_PREFIX="$bundle/pmix" PMIX_LIBDIR="$bundle/pmix/lib"
export PMIX_PKGLIBDIR="$bundle/pmix/lib/pmix" PMIX_PKGDATADIR="$bundle/pmix/share/pmix"
# Root in containers; one node, shared memory without ptrace; never more ranks than asked.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_plm=isolated
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
export PINT_TEST_SKIP_H5PY=1  # a GPU machine has no h5py: the tests skip their h5py checks
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

passed=0
failed=0
check() { # name command... : one line of verdict, the whole output in the log
  local name=$1 t0=$SECONDS rc
  shift
  echo "===== $name: $*" >>"$log"
  timeout 900 "$@" >>"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    printf '%-40s passed (%ss)\n' "$name" $((SECONDS - t0))
  else
    failed=$((failed + 1))
    printf '%-40s FAILED (exit %s, %ss); see %s\n' "$name" $rc $((SECONDS - t0)) "$log"
  fi
}

cat "$bundle/BUILD_INFO" >>"$log" 2>/dev/null
command -v nvidia-smi >/dev/null && nvidia-smi -L >>"$log" 2>&1
check "pint info" pint info
for t in "$bundle"/bin/pint_*_tests; do
  check "$(basename "$t") (1 rank)" "$t"
done
for t in core parareal io integration; do
  [ -x "$bundle/bin/pint_${t}_tests" ] &&
    check "pint_${t}_tests (2 ranks)" mpiexec -n 2 "$bundle/bin/pint_${t}_tests"
done
check "pint run, seed tutorial (2 ranks)" mpiexec -n 2 pint run --members 1000 \
  --param zeta=linspace:0.3:0.9 --no-plots --output "$work/tutorial"
if [ $bench -eq 1 ]; then
  PINT_BENCH_MEMBERS=1000000,10000000,100000000 check "integrator benchmark" \
    pint_bench_integrators --benchmark_filter='BM_fp64_peak|/(Cuda|HIP)/' \
    --benchmark_out="$out/integrators.json" --benchmark_out_format=json \
    --benchmark_counters_tabular=true
  sed -n '/===== integrator benchmark/,$p' "$log" | grep -vE "^(=====|\*\*\*)" | tail -n 40
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
