#!/usr/bin/env bash
# The main demo (README command 1), run after a build with the default preset.
# Prints the build and rank map, then runs an ensemble on 2 MPI ranks and leaves
# its outputs in ./output/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${PINT_BUILD_DIR:-build/default}
launcher=(mpiexec -n 2)
if mpiexec --version 2>/dev/null | grep -q "Open MPI"; then
  launcher+=(--oversubscribe)
  [ "$(id -u)" -eq 0 ] && launcher+=(--allow-run-as-root)
fi
"${launcher[@]}" "$build/apps/pint" info
