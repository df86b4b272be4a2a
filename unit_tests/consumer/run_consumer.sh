#!/usr/bin/env bash
# Installs this build of pint into a scratch prefix, then configures, builds and
# runs a separate project against it with find_package(pint).
# Usage: run_consumer.sh <pint build dir> <consumer source dir> <scratch dir> [cmake args...]
set -eu
build=$1; src=$2; scratch=$3; shift 3
rm -rf "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
test -f "$scratch/prefix/include/pint/core/runtime.hpp"
test -f "$scratch/prefix/lib/cmake/pint/pintConfig.cmake" || \
  test -f "$scratch/prefix/lib64/cmake/pint/pintConfig.cmake"
cmake -S "$src" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" "$@" >/dev/null
cmake --build "$scratch/build" >/dev/null
"$scratch/build/consumer"
rm -rf "$scratch"
