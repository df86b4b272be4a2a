#!/usr/bin/env bash
# The galaxy example on 2 ranks writes galaxy.h5 in the seed's layout; h5py reads
# the shapes back; the animation script turns it into a GIF; a second run without
# --overwrite is refused with exit code 2 and leaves the file alone.
# `pint run --system galaxy` (3 slices, sequential) writes the same galaxy.h5 bit for
# bit, and refuses --initial with a message naming it.
# Usage: galaxy_gif.sh <pint_galaxy> <pint> <scripts dir> <scratch> <mpiexec and flags...>
set -eu
galaxy=$1; pint=$2; scripts=$3; scratch=$4; shift 4
rm -rf "$scratch"; mkdir -p "$scratch"
"$@" -n 2 "$galaxy" --stars 64 --t1 4 --h 0.02 --save-every 10 --output "$scratch"
/usr/bin/python3 - "$scratch/galaxy.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f["pos_pt"].shape == (64, 21, 3), f["pos_pt"].shape
    assert f["vel_pt"].shape == (64, 21, 3)
    assert f["pos_nuc"].shape == (1, 21, 3) and f["vel_nuc"].shape == (1, 21, 3)
    assert f["t"][-1] == 4.0 and f.attrs["system"] == "galaxy"
    assert list(f["members"][...]) == list(range(64))
print("galaxy.h5 shapes ok")
PY
/usr/bin/python3 "$scripts/galaxy_animation.py" "$scratch/galaxy.h5" -o "$scratch/galaxy.gif"
test -s "$scratch/galaxy.gif"
head -c 6 "$scratch/galaxy.gif" | grep -q GIF8
before=$(md5sum "$scratch/galaxy.h5")
set +e
"$@" -n 2 "$galaxy" --stars 64 --output "$scratch" 2>"$scratch/err"; rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "FAIL: rerun without --overwrite exited $rc"; exit 1; }
grep -q -- "--overwrite" "$scratch/err"
[ "$before" = "$(md5sum "$scratch/galaxy.h5")" ]
"$@" -n 2 "$pint" run --system galaxy --members 64 --seed 0 --t1 4 --slices 2 --sequential \
  --fine leapfrog --fine-h 0.02 --save-every 10 --no-plots --quiet --output "$scratch/cli"
/usr/bin/python3 - "$scratch/galaxy.h5" "$scratch/cli/galaxy.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    for name in ("pos_pt", "vel_pt", "pos_nuc", "vel_nuc"):
        assert np.array_equal(a[name][...], b[name][...]), name
    # Times are computed per slice (t0 of the slice + i dt) in the sliced run:
    # equal to rounding, while the states they label are equal bit for bit.
    assert np.allclose(a["t"][...], b["t"][...], rtol=0, atol=1e-12)
print("pint run --system galaxy: galaxy.h5 equal bit for bit")
PY
set +e
"$@" -n 1 "$pint" run --system galaxy --initial x=1 --output "$scratch/refused" 2>"$scratch/err2"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "pint: error: --initial" "$scratch/err2" && [ ! -e "$scratch/refused" ]
echo "ok: galaxy.h5, galaxy.gif, refusals, pint run --system galaxy"
rm -rf "$scratch"
