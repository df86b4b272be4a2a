#!/usr/bin/python3
"""Kill a run mid-iteration, resume it, get the uninterrupted result bit for bit.

Parareal on --ranks ranks (2 in CTest): an uninterrupted reference run; the same
run started again and killed (SIGKILL to mpiexec and every process under it)
once the first per-slice file of iteration 2 or later is complete; then
`--resume`. trajectory.h5, run.h5's boundary states and history must equal the
reference's exactly, no temporary file may remain, and fine solves must have
been read back. Then the sequential run: its last slices' files removed (as if
it had been killed there) and resumed, against an uninterrupted sequential run.

--members sets the ensemble size: 200000 makes a run of a few seconds in an
optimised build, long enough to kill mid-iteration; sanitized builds, about a
hundred times slower, pass a smaller ensemble for a run of similar length."""
import json
import os
import re
import subprocess
import time


import pint_cli

PROBLEM = ["--param", "zeta=linspace:0.1:0.9", "--fine", "rk4",
           "--fine-steps", "500", "--coarse", "euler", "--slices", "8", "--t1", "8",
           "--tolerance", "1e-8", "--save-every", "500", "--no-plots"]


def main():
    args = pint_cli.arguments_with_members()
    problem = ["--members", str(args.members)] + PROBLEM
    failures = pint_cli.Failures()
    ref, res = pint_cli.reference_run(args, problem)

    proc = subprocess.Popen(pint_cli.command(args, ["run", "--output", res] + problem),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    later = re.compile(r"fine-(\d{4})-.*\.h5$")
    seen = None
    deadline = time.time() + 300
    while seen is None and proc.poll() is None and time.time() < deadline:
        names = os.listdir(res) if os.path.isdir(res) else []
        seen = next((n for n in names if later.match(n) and int(later.match(n).group(1)) >= 2),
                    None)
        if seen is None:
            time.sleep(0.01)
    failures.check(seen is not None and proc.poll() is None,
                   f"the run is still going when {seen} appears")
    failures.check(pint_cli.kill_tree(proc), "mpiexec and every process under it are gone")
    names = sorted(os.listdir(res))
    print("left by the killed run:", " ".join(names))
    failures.check("trajectory.h5" not in names and "run.json" not in names,
                   "the killed run did not finish")
    p = pint_cli.run(args, ["run", "--output", res, "--resume"] + problem)
    print(p.stdout)
    pint_cli.compare(failures, res, pint_cli.results(ref), pint_cli.results(res))
    run = json.load(open(os.path.join(res, "run.json")))
    stored = sum(r["fine_stored"] for r in run["timings"]["ranks"])
    failures.check(stored > 0, f"fine solves read back from the complete files: {stored}")
    failures.check(run["model"]["measured_over_model"] is None
                   and run["model"]["fine_solves_read_back"] == stored
                   and "measured / model" not in p.stdout,
                   "no model ratio for a run whose fine solves were read back: "
                   f"{run['model']['measured_over_model']}")
    failures.check(run["result"]["iterations"] == json.load(
        open(os.path.join(ref, "run.json")))["result"]["iterations"], "the same iteration count")

    # The sequential run, interrupted after 5 of its 8 slices.
    seq_ref = os.path.join(args.scratch, "sequential-reference")
    seq = os.path.join(args.scratch, "sequential-resumed")
    pint_cli.run(args, ["run", "--sequential", "--output", seq_ref, "--quiet"] + problem)
    pint_cli.run(args, ["run", "--sequential", "--output", seq, "--quiet"] + problem)
    for name in sorted(os.listdir(seq)):
        if name in ("trajectory.h5", "run.h5", "run.json") or (
                name.startswith("fine-") and name > "fine-0000-005000"):
            os.remove(os.path.join(seq, name))
    print("left of the sequential run:", " ".join(sorted(os.listdir(seq))))
    pint_cli.run(args, ["run", "--sequential", "--output", seq, "--resume"] + problem)
    pint_cli.compare(failures, seq, pint_cli.results(seq_ref), pint_cli.results(seq))
    run = json.load(open(os.path.join(seq, "run.json")))
    failures.check(all(r["fine_stored"] == 5 for r in run["timings"]["ranks"]),
                   "the sequential run read back its first 5 slices")
    failures.finish()


if __name__ == "__main__":
    main()
