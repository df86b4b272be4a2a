#!/usr/bin/env bash
# Smoke test of the scaling driver: runs scripts/scaling_study.py --quick (tiny
# sizes, 1 and 2 ranks) and checks that it wrote its CSV, JSON and plots.
#   scaling_study_quick.sh <source dir> <build dir> <scratch dir>
# Exit 77 (skipped) when Debian's python3 lacks numpy or matplotlib.
set -euo pipefail
src=$1 build=$2 out=$3
if ! /usr/bin/python3 -c "import numpy, matplotlib" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 has no numpy/matplotlib (apt-get install python3-matplotlib)"
  exit 77
fi
rm -rf "$out"
"$src/scripts/scaling_study.py" --quick --max-ranks 2 --build-dir "$build" --out "$out"
for f in scaling.csv scaling.json strong.png weak.png prediction.png; do
  [ -s "$out/$f" ] || { echo "missing or empty: $out/$f"; exit 1; }
done
/usr/bin/python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
report = json.load(open(f"{out}/scaling.json"))
rows = list(csv.DictReader(open(f"{out}/scaling.csv")))
assert len(rows) == len(report["points"]) == 8, len(rows)
assert {(r["study"], r["decomposition"]) for r in rows} == {
    (s, d) for s in ("strong", "weak") for d in ("time", "member")}
for key in ("git", "kokkos", "kokkos_backends", "cores_usable", "date"):
    assert report["context"].get(key) is not None, key
assert report["network"]["latency"] > 0 and report["network"]["bandwidth"] > 0
assert len(report["predictions"]["ranks"]) == 13  # 1 .. 4096
assert report["peers"]["tutorial_sequential"]["pint_over_plain_time"] > 0
assert report["peers"]["ensemble_kernel_rk4_1e6"]["pint_over_blocked_rate"] > 0
for png in ("strong", "weak", "prediction"):
    assert open(f"{out}/{png}.png", "rb").read(8) == b"\x89PNG\r\n\x1a\n", png
print("scaling_study_quick: outputs complete")
PY
