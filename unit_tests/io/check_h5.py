#!/usr/bin/python3
"""Checks a pint HDF5 file with h5py against a JSON specification, bit for bit.

Usage: check_h5.py SPEC.json

SPEC: {"file": path,
       "datasets": {name: {"bin": raw little-endian float64 file, "shape": [...],
                           "virtual": true|false (optional)}},
       "int_datasets": {name: [ints]},
       "string_datasets": {name: [strings]},
       "attrs": {object path ("/" or a dataset): {name: number | string | [strings]}}}
Also: check_h5.py --names K T0 T1 ...  prints the seed's file names of the slices.
Exit status 0 when everything matches; otherwise a message per mismatch.
"""
import json
import sys

import h5py
import numpy as np


def seed_name(k, t0, t1):
    # generate_filename() of the seed tutorial, verbatim in behaviour.
    return f"fine-{k:04}-{int(t0*1000):06}-{int(t1*1000):06}.h5"


def bits(a):
    return np.ascontiguousarray(a, dtype="<f8").view("<u8")


def check(spec):
    errors = []
    with h5py.File(spec["file"], "r") as f:
        for name, d in spec.get("datasets", {}).items():
            expected = np.fromfile(d["bin"], dtype="<f8").reshape(d["shape"])
            got = f[name][...]
            if got.dtype != np.float64:
                errors.append(f"{name}: dtype {got.dtype}, expected float64")
            elif got.shape != expected.shape:
                errors.append(f"{name}: shape {got.shape}, expected {expected.shape}")
            elif not np.array_equal(bits(got), bits(expected)):
                where = np.argwhere(bits(got) != bits(expected))[0]
                errors.append(f"{name}: first differing element {tuple(where)}: "
                              f"{got[tuple(where)]!r} != {expected[tuple(where)]!r}")
            if "virtual" in d and f[name].is_virtual != d["virtual"]:
                errors.append(f"{name}: is_virtual {f[name].is_virtual}, expected {d['virtual']}")
        for name, values in spec.get("int_datasets", {}).items():
            got = f[name][...]
            if got.dtype.kind != "i" or got.tolist() != values:
                errors.append(f"{name}: {got!r}, expected {values!r}")
        for name, values in spec.get("string_datasets", {}).items():
            got = [v.decode() if isinstance(v, bytes) else v for v in f[name].asstr()[...]]
            if got != values:
                errors.append(f"{name}: {got!r}, expected {values!r}")
        for obj, attrs in spec.get("attrs", {}).items():
            a = f[obj].attrs
            for name, value in attrs.items():
                if name not in a:
                    errors.append(f"{obj}: attribute {name} missing")
                    continue
                got = a[name]
                if isinstance(value, str):
                    ok = isinstance(got, str) and got == value
                elif isinstance(value, list):
                    ok = [str(v) for v in got] == value
                elif isinstance(value, float):
                    ok = np.float64(got).tobytes() == np.float64(value).tobytes()
                else:
                    ok = np.issubdtype(np.asarray(got).dtype, np.integer) and int(got) == value
                if not ok:
                    errors.append(f"{obj}: attribute {name} = {got!r}, expected {value!r}")
    return errors


def main(argv):
    if len(argv) >= 2 and argv[1] == "--names":
        k = int(argv[2])
        t = [float(x) for x in argv[3:]]
        for t0, t1 in zip(t[:-1], t[1:]):
            print(seed_name(k, t0, t1))
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as s:
        spec = json.load(s)
    errors = check(spec)
    for e in errors:
        print(f"check_h5.py: {spec['file']}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
