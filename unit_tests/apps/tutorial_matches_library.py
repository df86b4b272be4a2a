#!/usr/bin/python3
"""`pint run --config examples/tutorial.toml` reproduces the seed tutorial's run
exactly as the library does: 14 iterations, and the same convergence history
and slice boundary states, bit for bit, as parareal::solve with the same
options (examples/tutorial.cpp: pint_tutorial --json), on any number of ranks.
It draws the PNG plots, and without Python it still succeeds and says so."""
import json
import os
import subprocess

import numpy as np

import pint_cli


def extra(ap):
    ap.add_argument("--reference", required=True, help="pint_tutorial (run with --json)")


def main():
    args = pint_cli.arguments(extra)
    failures = pint_cli.Failures()
    ref = json.loads(subprocess.run([args.reference, "--json"], capture_output=True, text=True,
                                    check=True).stdout)
    ref_history = np.array([float.fromhex(v) for v in ref["history"]])
    ref_boundaries = np.array([float.fromhex(v) for v in ref["boundaries"]]).reshape(20, 1, 2)
    failures.check(ref["iterations"] == 14, f"the library converges in 14 iterations: "
                                            f"{ref['iterations']}")

    out = os.path.join(args.scratch, "tutorial")
    config = os.path.join(args.source, "examples", "tutorial.toml")
    p = pint_cli.run(args, ["run", "--config", config, "--output", out])
    lines = [line for line in p.stdout.splitlines() if line.startswith("iteration")]
    failures.check(len(lines) == 14, f"one progress line per iteration: {len(lines)}")
    boundaries, history, times = pint_cli.read_h5(os.path.join(out, "run.h5"), "boundary_states",
                                                  "convergence", "boundary_times")
    attrs = pint_cli.run_attrs(os.path.join(out, "run.h5"))
    failures.check(int(attrs["iterations"]) == 14, f"run.h5: 14 iterations: {attrs['iterations']}")
    failures.check(np.array_equal(history, ref_history), "run.h5: the library's history, exactly")
    failures.check(np.array_equal(boundaries, ref_boundaries),
                   "run.h5: the library's boundary states, bit for bit")
    failures.check(np.array_equal(times, np.linspace(0.0, 15.0, 20)),
                   "run.h5: boundary times linspace(0, 15, 20)")
    run = json.load(open(os.path.join(out, "run.json")))
    failures.check(run["result"]["iterations"] == 14 and run["result"]["converged"],
                   "run.json: converged after 14 iterations")
    failures.check(len(run["ranks"]) == args.ranks and len(run["timings"]["ranks"]) == args.ranks,
                   "run.json: one placement and one timing row per rank")
    data, t, bounds = pint_cli.read_h5(os.path.join(out, "trajectory.h5"), "data", "t",
                                       "boundaries")
    # 79 steps in each of the 19 slices, the boundary rows once.
    failures.check(data.shape == (19 * 79 + 1, 1, 2), f"trajectory.h5: 1502 x 1 x 2: {data.shape}")
    rows = [int(np.argmax(t == b)) for b in bounds]
    # After k = 14 iterations the first 14 slices are the fine solution exactly; the
    # boundaries after them carry the last coarse correction, below the tolerance.
    failures.check(np.array_equal(data[rows[:15]], ref_boundaries[:15]),
                   "trajectory.h5 passes through boundaries U_0 .. U_14 exactly")
    failures.check(np.abs(data[rows] - ref_boundaries).max() < 1e-4,
                   "and within the tolerance of the others")
    failures.check(run["files"]["plots"] == ["trajectory.png", "convergence.png"] and
                   all(os.path.getsize(os.path.join(out, png)) > 0
                       for png in run["files"]["plots"]),
                   f"the plots are drawn: {run['files']['plots_note']}")

    # Without Python the run still succeeds, and says the plots were skipped.
    p = pint_cli.run(args, ["run", "--config", config, "--output", out, "--overwrite"],
                     env={"PINT_PYTHON": "/nonexistent/python3"})
    run = json.load(open(os.path.join(out, "run.json")))
    failures.check("plots skipped: /nonexistent/python3 not found" in p.stdout and
                   run["files"]["plots"] == [] and not os.path.exists(
                       os.path.join(out, "trajectory.png")),
                   "without Python: no plots, the run says so and succeeds")
    failures.finish()


if __name__ == "__main__":
    main()
