#!/usr/bin/python3
"""`pint run --sequential` (the fine propagator alone, one file per slice,
iteration 0, members split over the ranks) against parareal run to k = N
(--tolerance 0): the stitched trajectories and the boundary states are equal bit
for bit, whatever the rank layout (with 2 ranks also --p-time 1: two member
blocks sharing every file through MPI-IO) and with time windows. `pint combine` materialises the
same numbers."""
import json
import os

import numpy as np

import pint_cli

SLICES = 6
PROBLEM = ["--members", "64", "--param", "zeta=linspace:0.1:0.9", "--param",
           "omega0=random:0.5:1.5", "--seed", "3", "--t1", "6", "--slices", str(SLICES),
           "--fine", "heun", "--fine-h", "0.01", "--coarse", "euler", "--save-every", "3",
           # a stride whose stop lies past the last member: members 0, 3, ..., 63
           "--save-members", "0:65:3", "--tolerance", "0", "--no-plots", "--quiet"]


def main():
    args = pint_cli.arguments()
    failures = pint_cli.Failures()
    runs = {"sequential": ["--sequential"], "parareal": [], "parareal --window 4": ["--window", "4"]}
    if args.ranks > 1:
        runs["parareal --p-time 1"] = ["--p-time", "1"]
    results = {}
    for name, extra in runs.items():
        out = os.path.join(args.scratch, name.replace(" ", "_"))
        pint_cli.run(args, ["run", "--output", out] + PROBLEM + extra)
        data, t, members = pint_cli.read_h5(os.path.join(out, "trajectory.h5"), "data", "t",
                                            "members")
        states, = pint_cli.read_h5(os.path.join(out, "run.h5"), "boundary_states")
        results[name] = (data, t, states)
        run = json.load(open(os.path.join(out, "run.json")))
        fine = sorted(n for n in os.listdir(out) if n.startswith("fine-"))
        failures.check(len(fine) == SLICES, f"{name}: one file per slice: {fine}")
        failures.check(np.array_equal(members, np.arange(0, 64, 3)), f"{name}: saved members")
        if name == "sequential":
            failures.check(all(n.startswith("fine-0000-") for n in fine),
                           "sequential: every file is iteration 0")
            failures.check(run["result"]["iterations"] == 0, "sequential: no iterations")
        else:  # windows of 4 and 2 slices: 4 + 2 iterations
            failures.check(run["result"]["iterations"] == SLICES,
                           f"{name}: --tolerance 0 runs to k = N = {SLICES}")
    seq = results["sequential"]
    for name, res in results.items():
        if name == "sequential":
            continue
        failures.check(np.array_equal(seq[1], res[1]), f"{name}: the same saved times")
        failures.check(np.array_equal(seq[0], res[0]),
                       f"{name}: trajectory.h5 equals the sequential run's, bit for bit")
        failures.check(np.array_equal(seq[2], res[2]),
                       f"{name}: run.h5 boundary states equal the sequential run's, bit for bit")

    out = os.path.join(args.scratch, "sequential")
    pint_cli.run(args, ["combine", out, "--compression", "4"])
    combined, = pint_cli.read_h5(os.path.join(out, "trajectory-combined.h5"), "data")
    failures.check(np.array_equal(combined, seq[0]),
                   "pint combine: trajectory-combined.h5 holds the same numbers")
    failures.finish()


if __name__ == "__main__":
    main()
