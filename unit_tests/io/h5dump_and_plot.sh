#!/usr/bin/env bash
# Writes a small run with pint::io (pint_io_example_run), opens every file with
# h5dump, and plots it with examples/plot.py against the exact solution.
# Usage: h5dump_and_plot.sh <example program> <plot.py> <python> <scratch directory>
set -eu
example=$1; plot=$2; python=$3; scratch=$4
rm -rf "$scratch"; mkdir -p "$scratch"
trap 'rm -rf "$scratch"' EXIT
"$example" "$scratch"
for f in "$scratch"/*.h5; do
  h5dump -H "$f" >/dev/null || { echo "FAIL: h5dump cannot read $f"; exit 1; }
done
# The virtual dataset's values are readable by h5dump too.
h5dump -d /data "$scratch/trajectory.h5" | grep -q "DATA {" || {
  echo "FAIL: h5dump shows no data in trajectory.h5"; exit 1; }
h5dump -A -d /data "$scratch/fine-0000-000000-002000.h5" | grep -q 'ATTRIBUTE "integrator"'
out=$("$python" "$plot" "$scratch")
echo "$out"
# Forward Euler with h = 0.01 stays within 2e-2 of the exact solution here.
echo "$out" | awk '/max \|q - q_exact\|/ { if ($NF + 0 > 2e-2) exit 1; found = 1 } END { exit !found }' || {
  echo "FAIL: the plotted trajectory is not close to the exact solution"; exit 1; }
for png in trajectory.png convergence.png; do
  test -s "$scratch/$png" || { echo "FAIL: $png was not written"; exit 1; }
done
echo "ok: every file opens with h5dump; plot.py wrote trajectory.png and convergence.png"
