#!/usr/bin/python3
"""--final-sweep through the pint command (issue 15), on the seed tutorial.

After convergence at iteration K, each slice's file holds F(U_n^K), the fine
solve from run.h5's converged boundary:
- the first row of slice n's file is run.h5's boundary U_n^K, bit for bit, for
  every slice (slices exact before keep the file of their exact solve);
- the rows equal, bit for bit, the fine solves F(U_n^K) computed by parareal
  itself: the same run without a final sweep, forced on to iteration K + 1
  (tolerance 1e-300, --max-iterations K+1), whose fine solves of iteration
  K + 1 start from U^K (slices exact before: the same exact solves);
- the files say so (final_sweep = 1, input_iteration = K, iteration K + 1 for
  the slices solved again), run.json records the setting and the solves, and
  trajectory.h5's last row is F(U_{N-1}^K)'s last row;
- the default run's files are not a sweep (final_sweep = 0);
- a run resumed with --final-sweep after losing some sweep files and its
  result writes the same files bit for bit, reading the rest back."""
import glob
import json
import os
import shutil

import numpy as np

import pint_cli

TUTORIAL = ["--config", "examples/tutorial.toml", "--no-plots"]


def files_by_slice(d):
    import h5py
    result = {}
    for path in sorted(glob.glob(os.path.join(d, "fine-*.h5"))):
        with h5py.File(path, "r") as f:
            a = f["data"].attrs
            result[int(a["slice"])] = {
                "name": os.path.basename(path), "data": f["data"][...], "t": f["t"][...],
                "iteration": int(a["iteration"]), "input_iteration": int(a["input_iteration"]),
                "final_sweep": int(a["final_sweep"]), "holds": str(a["holds"])}
    return result


def main():
    args = pint_cli.arguments()
    failures = pint_cli.Failures()
    os.chdir(args.source)
    sweep = os.path.join(args.scratch, "sweep")
    p = pint_cli.run(args, ["run", "--output", sweep, "--final-sweep"] + TUTORIAL)
    with open(os.path.join(sweep, "run.json")) as f:
        info = json.load(f)
    K = info["result"]["iterations"] if "result" in info else info["iterations"]
    slices = info["configuration"]["slices"]
    failures.check(info["configuration"]["final_sweep"] is True,
                   f"run.json records --final-sweep: {info['configuration']}")
    # Reference: the same iterations, then iteration K + 1's fine solves from U^K.
    forced = os.path.join(args.scratch, "forced")
    pint_cli.run(args, ["run", "--output", forced, "--tolerance", "1e-300", "--max-iterations",
                        str(K + 1)] + TUTORIAL)
    plain = os.path.join(args.scratch, "plain")
    pint_cli.run(args, ["run", "--output", plain] + TUTORIAL)

    boundaries = pint_cli.read_h5(os.path.join(sweep, "run.h5"), "boundary_states")[0]
    mine, ref = files_by_slice(sweep), files_by_slice(forced)
    failures.check(sorted(mine) == list(range(slices)), f"one file per slice: {sorted(mine)}")
    resolved = 0
    for n in sorted(mine):
        f, r = mine[n], ref.get(n)
        failures.check(np.array_equal(f["data"][0], boundaries[n]),
                       f"slice {n}: the first row is run.h5's boundary U_{n}^K bit for bit")
        failures.check(r is not None and np.array_equal(f["data"], r["data"]) and
                       np.array_equal(f["t"], r["t"]),
                       f"slice {n}: the rows are F(U_n^K) as parareal computes it in iteration "
                       f"K+1, bit for bit")
        if f["iteration"] == K + 1:
            resolved += 1
            failures.check(f["final_sweep"] == 1 and f["input_iteration"] == K and
                           "F(U_n^K)" in f["holds"], f"slice {n}'s file says it is the sweep's")
        else:
            failures.check(f["iteration"] == n + 1 and n < K,
                           f"slice {n} kept its exact solve's file: {f['name']}")
    failures.check(resolved == slices - K, f"{resolved} slices solved again, {slices - K} expected")
    solved = sum(r["output_solves"] for r in info["timings"]["ranks"])
    failures.check(solved == slices - K, f"run.json counts the sweep's solves: {solved}")
    traj = pint_cli.read_h5(os.path.join(sweep, "trajectory.h5"), "data")[0]
    failures.check(np.array_equal(traj[-1], mine[slices - 1]["data"][-1]) and
                   not np.array_equal(traj[-1], boundaries[-1]),
                   "trajectory.h5 ends with F(U_{N-1}^K), not run.h5's corrected U_N^K")
    failures.check(all(v["final_sweep"] == 0 for v in files_by_slice(plain).values()),
                   "the default run's files are not a sweep's")

    # Resume: the last two sweep files and the results gone; the rest read back.
    for n in (slices - 1, slices - 2):
        os.remove(os.path.join(sweep, mine[n]["name"]))
    for name in ("trajectory.h5", "run.h5", "run.json"):
        os.remove(os.path.join(sweep, name))
    pint_cli.run(args, ["run", "--output", sweep, "--final-sweep", "--resume"] + TUTORIAL)
    again = files_by_slice(sweep)
    failures.check(sorted(again) == sorted(mine) and all(
        again[n]["name"] == mine[n]["name"] and np.array_equal(again[n]["data"], mine[n]["data"])
        for n in mine), "the resumed --final-sweep run has the same files bit for bit")
    with open(os.path.join(sweep, "run.json")) as f:
        resumed = json.load(f)
    stored = sum(r["output_stored"] for r in resumed["timings"]["ranks"])
    solved = sum(r["output_solves"] for r in resumed["timings"]["ranks"])
    failures.check(solved == 2 and stored == slices - K - 2,
                   f"the resumed sweep solved the 2 lost slices again and read {stored} back")
    failures.check(np.array_equal(
        pint_cli.read_h5(os.path.join(sweep, "run.h5"), "boundary_states")[0], boundaries),
                   "the resumed run's boundaries are the same bit for bit")
    for d in (forced, plain):
        shutil.rmtree(d, ignore_errors=True)
    failures.finish()


if __name__ == "__main__":
    main()
