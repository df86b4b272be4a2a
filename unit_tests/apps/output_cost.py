#!/usr/bin/python3
"""Output that costs what it must (issue 15), through the pint command.

The seed tutorial (examples/tutorial.toml, 14 iterations):
- default output: one file per slice, each written once (the files the ranks
  completed add up to the slices), the same trajectory bit for bit as with
  --keep-iterations (every fine solve streamed and kept) and as with
  --memory-budget 0 (every solve streamed, the superseded ones removed);
- the bytes stated before the run match the files' data;
- --save-members none: no per-slice files, no trajectory.h5, run.h5 with the
  same boundary states bit for bit, no writer time;
- per-slice files say which iterate they hold (input_iteration = k - 1);
- output time is booked as output: `fine` + `output` fit in `solve`.
A run whose output would exceed the limit stops before it starts (exit 2, one
line naming --large-output, the bytes and the options that reduce them)."""
import glob
import json
import os
import re

import numpy as np

import pint_cli

TUTORIAL = ["--config", "examples/tutorial.toml", "--no-plots"]


def run_json(out):
    with open(os.path.join(out, "run.json")) as f:
        return json.load(f)


def main():
    args = pint_cli.arguments()
    failures = pint_cli.Failures()
    os.chdir(args.source)
    dirs = {}
    for name, extra in (("default", []), ("keep", ["--keep-iterations"]),
                        ("streamed", ["--memory-budget", "0"]),
                        ("none", ["--save-members", "none"])):
        dirs[name] = os.path.join(args.scratch, name)
        p = pint_cli.run(args, ["run", "--output", dirs[name]] + TUTORIAL + extra)
        if name == "default":
            stated = re.search(r"^output: (\d+) bytes", p.stdout, re.M)
            failures.check(stated is not None, f"the bytes are stated before the run: {p.stdout}")

    fine = {k: sorted(os.path.basename(f) for f in glob.glob(os.path.join(d, "fine-*.h5")))
            for k, d in dirs.items()}
    runs = {k: run_json(d) for k, d in dirs.items()}
    slices = runs["default"]["configuration"]["slices"]
    failures.check(len(fine["default"]) == slices, f"one file per slice: {fine['default']}")
    written = {k: sum(r["files_written"] for r in runs[k]["timings"]["ranks"]) for k in runs}
    solves = sum(r["fine_solves"] for r in runs["keep"]["timings"]["ranks"])
    failures.check(written["default"] == slices,
                   f"each slice's file written once: {written['default']} files for {slices} "
                   "slices")
    failures.check(written["keep"] == solves and solves > slices,
                   f"--keep-iterations writes every fine solve's file: {written['keep']} of "
                   f"{solves}")
    failures.check(written["streamed"] == solves and fine["streamed"] == fine["default"],
                   f"--memory-budget 0 streams every solve ({written['streamed']} of {solves}) "
                   "and keeps the same final files")
    failures.check(fine["none"] == [] and not os.path.exists(
        os.path.join(dirs["none"], "trajectory.h5")) and written["none"] == 0,
                   f"--save-members none writes no per-slice file: {fine['none']}")
    failures.check(all(r["writer"] == 0 for r in runs["none"]["timings"]["ranks"]) and all(
        r["writer"] > 0 for r in runs["default"]["timings"]["ranks"]),
                   "the writer worked only where files were written")

    data = {k: pint_cli.read_h5(os.path.join(dirs[k], "trajectory.h5"), "data")[0]
            for k in ("default", "keep", "streamed")}
    for k in ("keep", "streamed"):
        failures.check(np.array_equal(data[k], data["default"]),
                       f"trajectory.h5 of {k} equals the default run's bit for bit")
    states = {k: pint_cli.read_h5(os.path.join(dirs[k], "run.h5"), "boundary_states")[0]
              for k in dirs}
    for k in ("keep", "streamed", "none"):
        failures.check(np.array_equal(states[k], states["default"]),
                       f"run.h5 boundary states of {k} equal the default run's bit for bit")

    import h5py
    data_bytes = 0
    for name in fine["default"]:
        with h5py.File(os.path.join(dirs["default"], name), "r") as f:
            a = f["data"].attrs
            data_bytes += f["data"].nbytes + f["t"].nbytes + f["members"].nbytes
            failures.check(a["input_iteration"] == a["iteration"] - 1 and "F(U_n^{k-1})" in str(
                a["holds"]), f"{name} says which iterate it holds")
    size = runs["default"]["output_bytes"]
    failures.check(size["per_slice_files"] == data_bytes and size["files"] == slices,
                   f"the bytes stated up front are the files' data: {size} vs {data_bytes}")
    for r in runs["default"]["timings"]["ranks"]:
        failures.check(r["output"] > 0 and r["fine"] + r["coarse"] <= r["solve"],
                       f"rank {r['rank']}: output booked apart from fine: {r}")

    # Above the limit, without --large-output or a chosen output: refused up front.
    big = os.path.join(args.scratch, "big")
    p = pint_cli.run(args, ["run", "--output", big, "--members", "1000000"] + TUTORIAL,
                     check=False)
    lines = p.stderr.strip().splitlines()
    failures.check(p.returncode == 2 and len(lines) == 1 and lines[0].startswith(
        "pint: error: --large-output: ") and "--save-every" in lines[0] and
                   "--save-members" in lines[0] and "bytes" in lines[0] and
                   not os.path.exists(big),
                   f"a run above the output limit stops before it starts: {p.returncode} "
                   f"{p.stderr!r}")
    failures.finish()


if __name__ == "__main__":
    main()
