#!/usr/bin/python3
"""A damaged per-slice file is detected when resuming, said, and computed again.

The tutorial run with --keep-iterations on --ranks ranks (2 in CTest) is the
reference. Copies of it get one damaged per-slice file each, then `--resume`:

- one byte flipped in the middle of the stored data chunk of a final file of
  iteration 14 (its offset found with h5py, so the flip is in the data itself);
- a final file of an earlier iteration truncated to half its size;
- a file of the member-block layout (4 members, --p-time 1: two ranks write
  every file together) with a flipped byte.

Each resumed run must exit 0, print one line naming the damaged file and
saying its slice is computed again, leave trajectory.h5 and run.h5 equal to
the uninterrupted run's bit for bit (no NaN), and leave the file intact again.
Undamaged files are read back, not computed (fine_stored in run.json).
`pint combine` of a run holding a damaged file refuses it, naming the file.
"""
import json
import os
import shutil

import h5py
import numpy as np

import pint_cli

TUTORIAL = ["--keep-iterations", "--no-plots", "--quiet"]


def results(out):
    data, = pint_cli.read_h5(os.path.join(out, "trajectory.h5"), "data")
    states, history = pint_cli.read_h5(os.path.join(out, "run.h5"), "boundary_states",
                                       "convergence")
    return data, states, history


def flip_data_byte(path):
    """Flips every bit of one byte in the middle of the first stored chunk of
    'data'; returns the file offset."""
    with h5py.File(path, "r") as f:
        info = f["data"].id.get_chunk_info(0)
    offset = info.byte_offset + info.size // 2 + 7  # the high byte of a float64
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ 0xFF]))
    return offset


def truncate(path):
    size = os.path.getsize(path)
    os.truncate(path, size // 2)
    return size


def final_file(out, iteration):
    with h5py.File(os.path.join(out, "trajectory.h5"), "r") as f:
        names = [n.decode() for n in f["slice_files"][...]]
    return next(n for n in names if n.startswith(f"fine-{iteration:04d}-"))


def check_resumed(failures, args, what, ref, out, name, problem):
    damaged = os.path.join(out, name)
    p = pint_cli.run(args, ["run", "--output", out, "--resume"] + problem, check=False)
    lines = [line for line in p.stderr.splitlines() if "damaged" in line]
    failures.check(p.returncode == 0, f"{what}: the resumed run exits 0 (got {p.returncode})")
    failures.check(len(lines) == 1 and damaged in lines[0] and "computed again" in lines[0],
                   f"{what}: one line names the damaged file and says it is computed again: "
                   f"{lines}")
    print(f"  {what}: {lines[0] if lines else p.stderr.strip()}")
    for label, a, b in zip(("trajectory.h5 data", "run.h5 boundary_states", "run.h5 convergence"),
                           results(ref), results(out)):
        failures.check(a.shape == b.shape and np.array_equal(a, b) and not np.isnan(b).any(),
                       f"{what}: {label} equals the uninterrupted run's, bit for bit")
    a, = pint_cli.read_h5(os.path.join(ref, name), "data")
    b, = pint_cli.read_h5(damaged, "data")
    failures.check(np.array_equal(a, b), f"{what}: {name} is whole again")
    run = json.load(open(os.path.join(out, "run.json")))
    stored = sum(r["fine_stored"] for r in run["timings"]["ranks"])
    solved = sum(r["fine_solves"] for r in run["timings"]["ranks"])
    failures.check(stored > 0 and solved > 0,
                   f"{what}: the intact files are read back ({stored}), the damaged one "
                   f"computed ({solved} fine solve(s))")
    partial = [n for n in os.listdir(out) if n.endswith(".partial")]
    failures.check(not partial, f"{what}: no temporary files remain: {partial}")


def main():
    args = pint_cli.arguments()
    failures = pint_cli.Failures()
    tutorial = ["--config", os.path.join(args.source, "examples", "tutorial.toml")] + TUTORIAL
    ref = os.path.join(args.scratch, "reference")
    pint_cli.run(args, ["run", "--output", ref] + tutorial)

    # A flipped byte in the data of a final file of iteration 14.
    flipped = os.path.join(args.scratch, "flipped")
    shutil.copytree(ref, flipped)
    name = final_file(ref, 14)
    offset = flip_data_byte(os.path.join(flipped, name))
    print(f"flipped the byte at {offset} of {name}")
    p = pint_cli.run(args, ["combine", flipped], check=False)
    failures.check(p.returncode != 0 and name in p.stderr and "damaged" in p.stderr
                   and not os.path.exists(os.path.join(flipped, "trajectory-combined.h5")),
                   f"combine refuses the damaged {name} (exit {p.returncode}): "
                   f"{p.stderr.strip()}")
    check_resumed(failures, args, "flipped byte", ref, flipped, name, tutorial)

    # A truncated final file of an earlier iteration.
    truncated = os.path.join(args.scratch, "truncated")
    shutil.copytree(ref, truncated)
    name = final_file(ref, 5)
    size = truncate(os.path.join(truncated, name))
    print(f"truncated {name} from {size} to {size // 2} bytes")
    check_resumed(failures, args, "truncated file", ref, truncated, name, tutorial)

    # Member blocks: the ranks write each file together, each its own members.
    if args.ranks > 1:
        blocks = tutorial + ["--members", "4", "--param", "zeta=linspace:0.3:0.9", "--p-time",
                             "1"]
        ref_blocks = os.path.join(args.scratch, "blocks-reference")
        pint_cli.run(args, ["run", "--output", ref_blocks] + blocks)
        damaged_blocks = os.path.join(args.scratch, "blocks")
        shutil.copytree(ref_blocks, damaged_blocks)
        name = final_file(ref_blocks, 14)
        flip_data_byte(os.path.join(damaged_blocks, name))
        check_resumed(failures, args, "member blocks", ref_blocks, damaged_blocks, name, blocks)
    shutil.rmtree(args.scratch, ignore_errors=True)
    failures.finish()


if __name__ == "__main__":
    main()
