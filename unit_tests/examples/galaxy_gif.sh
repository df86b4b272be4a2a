#!/usr/bin/env bash
# The galaxy example on 2 ranks writes galaxy.h5 in the seed's layout; h5py reads
# the shapes back; the animation script turns it into a GIF; a second run without
# --overwrite is refused with exit code 2 and leaves the file alone.
# Usage: galaxy_gif.sh <pint_galaxy> <scripts dir> <scratch> <mpiexec and flags...>
set -eu
galaxy=$1; scripts=$2; scratch=$3; shift 3
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
echo "ok: galaxy.h5, galaxy.gif, refusal"
rm -rf "$scratch"
