#!/usr/bin/env bash
# A configure that must stop with one clear message naming the missing piece.
# Usage: bad_configure.sh <pint source dir> <scratch dir> <case> [cmake args of the real build...]
#   no-kernels : Kokkos Kernels hidden from find_package
#   old-kokkos : a Kokkos 3.2.00 package config ahead of the real one
set -u
src=$1; scratch=$2; case_name=$3; shift 3
rm -rf "$scratch"; mkdir -p "$scratch"
args=(-S "$src" -B "$scratch/build" "$@" -DPINT_ENABLE_TESTS=OFF -DPINT_ENABLE_BENCHMARKS=OFF)
case "$case_name" in
  no-kernels)
    args+=(-DCMAKE_DISABLE_FIND_PACKAGE_KokkosKernels=ON)
    expect=("Kokkos Kernels was not found" "libtrilinos-kokkos-kernels-dev" "KokkosKernels_ROOT") ;;
  old-kokkos)
    mkdir -p "$scratch/old/lib/cmake/Kokkos"
    printf 'set(PACKAGE_VERSION 3.2.00)\nset(PACKAGE_VERSION_COMPATIBLE TRUE)\n' \
      >"$scratch/old/lib/cmake/Kokkos/KokkosConfigVersion.cmake"
    printf 'set(Kokkos_FOUND TRUE)\n' >"$scratch/old/lib/cmake/Kokkos/KokkosConfig.cmake"
    args+=(-DKokkos_DIR="$scratch/old/lib/cmake/Kokkos")
    expect=("Kokkos 3.2.00" "is too old" "Kokkos_ROOT") ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
out=$(cmake "${args[@]}" 2>&1); rc=$?
if [ $rc -eq 0 ]; then echo "FAIL: configure succeeded"; exit 1; fi
for e in "${expect[@]}"; do
  if ! grep -qF -- "$e" <<<"$out"; then echo "FAIL: message lacks '$e':"; echo "$out"; exit 1; fi
done
errors=$(grep -c "CMake Error" <<<"$out")
if [ "$errors" -ne 1 ]; then echo "FAIL: $errors CMake errors, expected one:"; echo "$out"; exit 1; fi
echo "ok: $(grep -A3 'CMake Error' <<<"$out" | tr -s ' \n' ' ')"
rm -rf "$scratch"
