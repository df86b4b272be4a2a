#!/usr/bin/env bash
# A self-contained bundle of a GPU build of pint, and the checks it runs on a GPU machine.
#
#   scripts/gpu-check.sh bundle [BUILD] [BUNDLE]
#       On the build machine: gathers BUILD's (default build/cuda) `pint`, its GoogleTest
#       executables and the kernel benchmarks (integrators, coarse correction), the shared libraries they load that a bare GPU machine lacks (Open MPI
#       with its plugins and mpiexec, PMIx, parallel HDF5, their own dependencies), and a
#       runner into BUNDLE (default build/gpu-bundle), then runs the ldd check below.
#   scripts/gpu-check.sh ldd BUNDLE
#       Every library the bundle's programs and plugins load resolves inside the bundle, or
#       to glibc, libstdc++/libgcc_s or the CUDA driver (libcuda), which the machine has.
#   BUNDLE/run-checks.sh [OUT]
#       On the GPU machine (only the NVIDIA driver needed): `pint info`, every test executable
#       on 1 rank and the MPI ones on 2 ranks sharing the GPU, and the integrator benchmark at
#       10^6, 10^7 and 10^8 members beside the GPU's FP64 peak measured in the same binary.
#       Logs and JSON go to OUT (default ./gpu-check-out); exits non-zero if a check failed.
#
#   scripts/gpu-check.sh selftest BUILD BUNDLE
#       The relocation test (CTest runs it on the Debian build): bundles BUILD, then runs the
#       bundle's checks (no benchmark) in a private mount namespace where every system copy of
#       a bundled library, Open MPI's and PMIx's trees and mpiexec are hidden. Needs root
#       and unshare; exits 77 (skipped) without them.
#
# Any build directory works (the Debian default too), which is how the bundle's own
# relocation is tested on a machine without a GPU.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
limit_mib=60

die() { echo "gpu-check: $*" >&2; exit 1; }

# Libraries a GPU machine provides itself: glibc, the C++ runtime, the CUDA driver.
is_system_lib() {
  case "$1" in
    linux-vdso.so.* | ld-linux*.so.* | libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | \
      librt.so.* | libresolv.so.* | libutil.so.* | libanl.so.* | libstdc++.so.* | \
      libgcc_s.so.* | libcuda.so.* | libnvidia-*.so.*) return 0 ;;
  esac
  return 1
}

# Open MPI components left out: network transports that need drivers a single GPU node does
# not use (UCX, libfabric, InfiniBand, PSM), and OpenSHMEM.
skip_component() {
  case "$1" in
    *ucx* | *ofi* | *openib* | *psm* | *_spml_* | *_sshmem_* | *_scoll_* | *_atomic_* | *_memheap_*) return 0 ;;
  esac
  return 1
}

# Copies every non-system library FILE loads into $bundle/lib (by soname).
gather_libs() {
  local file=$1 name path
  while read -r name path; do
    is_system_lib "$name" && continue
    [ -n "$path" ] && [ -e "$path" ] || die "$file needs $name, which is not found here"
    [ -e "$bundle/lib/$name" ] || cp -L "$path" "$bundle/lib/$name"
  done < <(ldd "$file" | awk '/=>/ { print $1, ($3 == "not" ? "" : $3) }')
}

bundle_cmd() {
  local build=${1:-build/cuda}
  bundle=${2:-build/gpu-bundle}
  [ -x "$build/apps/pint" ] || die "no $build/apps/pint: build first (cmake --build --preset cuda)"
  command -v ompi_info >/dev/null || die "Open MPI's ompi_info is missing (scripts/install-deps.sh)"
  rm -rf "$bundle"
  mkdir -p "$bundle"/{bin,lib,ompi/bin,ompi/share}
  bundle=$(cd "$bundle" && pwd)

  # Programs: pint, the test executables, the benchmarks, and Open MPI's launcher.
  cp "$build/apps/pint" "$bundle/bin/"
  # The tests built a second time with the GPU's mapping for CPUs are the plain ones on a GPU.
  find "$build/unit_tests" -maxdepth 1 -type f -executable -name 'pint_*_tests' \
    ! -name '*_one_member_per_item_tests' -exec cp {} "$bundle/bin/" \;
  local b
  for b in integrators correction; do
    if [ -x "$build/benchmarks/pint_bench_$b" ]; then cp "$build/benchmarks/pint_bench_$b" "$bundle/bin/"; fi
  done
  local launcher
  launcher=$(readlink -f "$(command -v mpiexec)")
  cp "$launcher" "$bundle/ompi/bin/mpiexec"
  cp "$(command -v orted)" "$bundle/ompi/bin/orted"

  # Open MPI's and PMIx's plugins and help texts, at the paths their prefixes imply
  # (OPAL_PREFIX and PMIX_PREFIX point there at run time).
  local pkglib prefix rel pmix_dir
  prefix=$(ompi_info --path prefix --parsable | sed 's/.*prefix://')
  pkglib=$(ompi_info --path pkglibdir --parsable | sed 's/.*pkglibdir://')
  rel=${pkglib#"$prefix"/}
  mkdir -p "$bundle/ompi/$rel"
  local c
  for c in "$pkglib"/mca_*.so; do
    skip_component "$(basename "$c")" || cp "$c" "$bundle/ompi/$rel/"
  done
  cp -r "$(ompi_info --path pkgdatadir --parsable | sed 's/.*pkgdatadir://')" "$bundle/ompi/share/"
  pmix_dir=$(dirname "$(dirname "$(readlink -f "$(ldconfig -p | awk '/libpmix.so.2 / { print $NF; exit }')")")")
  if [ -d "$pmix_dir/lib/pmix" ]; then
    mkdir -p "$bundle/pmix/lib"
    cp -r "$pmix_dir/lib/pmix" "$bundle/pmix/lib/"
    [ -d "$pmix_dir/share" ] && cp -r "$pmix_dir/share" "$bundle/pmix/"
  fi

  # Strip debug symbols (the CUDA fat binaries stay), then gather libraries.
  strip --strip-unneeded "$bundle"/bin/* "$bundle"/ompi/bin/* 2>/dev/null || true
  local f
  for f in "$bundle"/bin/* "$bundle"/ompi/bin/* "$bundle/ompi/$rel"/*.so "$bundle"/pmix/lib/pmix/*.so; do
    [ -e "$f" ] && gather_libs "$f"
  done
  # Libraries of libraries are in ldd's transitive output already; strip them too.
  strip --strip-unneeded "$bundle"/lib/* 2>/dev/null || true

  cp "$here/gpu-check-runner.sh" "$bundle/run-checks.sh"
  chmod +x "$bundle/run-checks.sh"
  echo "pint GPU bundle from $(cd "$build" && pwd), $(date -u +%FT%TZ)" >"$bundle/BUILD_INFO"
  "$bundle/bin/pint" info --json >>"$bundle/BUILD_INFO" 2>/dev/null || true
  ldd_cmd "$bundle"
}

ldd_cmd() {
  local b=${1:?usage: gpu-check.sh ldd BUNDLE}
  b=$(cd "$b" && pwd)
  local bad=0 f name path files=0
  while IFS= read -r f; do
    files=$((files + 1))
    while read -r name path; do
      if [ -z "$path" ]; then
        is_system_lib "$name" || { echo "ldd: $f: $name not found" >&2; bad=1; }
      elif [[ $path != "$b"/* ]] && ! is_system_lib "$name"; then
        echo "ldd: $f: $name resolves outside the bundle ($path)" >&2
        bad=1
      fi
    done < <(LD_LIBRARY_PATH="$b/lib" ldd "$f" | awk '/=>/ { print $1, ($3 == "not" ? "" : $3) }')
  done < <(find "$b" -type f \( -name '*.so*' -o -perm -u+x \) ! -name '*.sh' ! -name '*.txt' \
             -exec sh -c 'head -c 4 "$1" | grep -q ELF' _ {} \; -print)
  local mib
  mib=$(du -sm "$b" | cut -f1)
  echo "gpu-check: $files ELF files; $(ls "$b/lib" | wc -l) bundled libraries; ${mib} MiB in $b"
  [ "$mib" -le "$limit_mib" ] || { echo "gpu-check: the bundle is over ${limit_mib} MiB" >&2; bad=1; }
  if [ $bad -ne 0 ]; then
    echo "gpu-check: ldd check FAILED" >&2
    return 1
  fi
  echo "gpu-check: ldd check passed: every library resolves inside the bundle, or to glibc," \
    "libstdc++/libgcc_s or the CUDA driver"
}

# Inside a private mount namespace: hides the system's copies of what BUNDLE carries, then
# runs the bundle's checks without the benchmark.
hidden_cmd() {
  local b=$1 l d n
  for l in "$b"/lib/*; do
    n=$(basename "$l")
    for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
      if [ -e "$d/$n" ]; then mount --bind /dev/null "$(readlink -f "$d/$n")"; fi
    done
  done
  for d in "$(ompi_info --path prefix --parsable 2>/dev/null | sed 's/.*prefix://')"/lib/*/openmpi \
    "$(dirname "$(dirname "$(readlink -f "$(ldconfig -p | awk '/libpmix.so.2 / { print $NF; exit }')")")")" \
    /usr/share/openmpi /etc/openmpi; do
    if [ -d "$d" ] && [ "$d" != / ]; then mount -t tmpfs none "$d"; fi
  done
  for n in mpiexec orterun orted; do
    if command -v $n >/dev/null; then mount --bind /dev/null "$(readlink -f "$(command -v $n)")"; fi
  done
  if ldd "$b/bin/pint" | grep -v "$b/lib" | grep -q -E "libmpi|libhdf5"; then
    die "selftest: the system's MPI or HDF5 is still visible"
  fi
  "$b/run-checks.sh" --no-bench "$(dirname "$b")/gpu-check-selftest-out"
}

selftest_cmd() {
  local build=${1:?usage: gpu-check.sh selftest BUILD BUNDLE} b=${2:?usage: gpu-check.sh selftest BUILD BUNDLE}
  if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
    echo "gpu-check selftest: skipped (needs root and unshare -m to hide the system's libraries)"
    exit 77
  fi
  bundle_cmd "$build" "$b"
  unshare -m "$0" _hidden "$bundle"
  rm -rf "$bundle" "$(dirname "$bundle")/gpu-check-selftest-out"  # only when it passed (set -e)
}

case ${1:-} in
  bundle) shift; bundle_cmd "$@" ;;
  ldd) shift; ldd_cmd "$@" ;;
  selftest) shift; selftest_cmd "$@" ;;
  _hidden) shift; hidden_cmd "$@" ;;
  *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
