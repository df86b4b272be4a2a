#!/usr/bin/env bash
# Installs this build of pint into a scratch prefix, builds examples/lorenz
# against it (pint_add_cli: a pint command that knows the Lorenz system), and
# runs it on 2 ranks: parareal with RK4 to k = N iterations must give the
# --sequential run's trajectory bit for bit, and members with rho < 1 must
# decay to the origin (lorenz_compare reads both results back).
# Usage: run_lorenz.sh <pint build dir> <examples/lorenz> <scratch dir> "<launcher> -n" [cmake args...]
set -eu
build=$1; src=$2; scratch=$3; launch=$4; shift 4
rm -rf "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
test -f "$scratch/prefix/include/pint/apps/system_entry.hpp"
cmake -S "$src" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" "$@" >/dev/null
cmake --build "$scratch/build" >/dev/null
cli="$scratch/build/lorenz_pint"

$launch 2 "$cli" info | tee "$scratch/info.txt"
grep -q "^systems: oscillator vanderpol galaxy lorenz$" "$scratch/info.txt"

# 43 members, rho = 0, 0.5, ..., 21; 6 slices of [0, 30]; RK4 fine h = 0.01,
# RK4 coarse h = 0.05; tolerance 0: parareal runs to k = N = 6.
common=(--config "$src/lorenz.toml" --t1 30 --slices 6 --no-plots --quiet)
$launch 2 "$cli" run "${common[@]}" --tolerance 0 --output "$scratch/parareal"
$launch 2 "$cli" run "${common[@]}" --sequential --output "$scratch/sequential"
grep -q '"iterations": 6,' "$scratch/parareal/run.json"
grep -q '"system": "lorenz"' "$scratch/parareal/run.json"
"$scratch/build/lorenz_compare" "$scratch/parareal" "$scratch/sequential" 0 21

# A parameter without a default (sigma has one; an unknown name is refused).
if $launch 1 "$cli" run --system lorenz --param kappa=1 --output "$scratch/bad" 2>"$scratch/err.txt"; then
  echo "an unknown parameter was accepted"; exit 1
fi
grep -q "unknown name for lorenz; accepted: sigma, rho, beta" "$scratch/err.txt"
test ! -e "$scratch/bad"
echo "lorenz consumer: all checks passed"
rm -rf "$scratch"
