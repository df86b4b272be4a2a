#!/usr/bin/python3
"""One rank killed: the job ends, and --resume gets the uninterrupted result bit for bit.

Parareal on --ranks ranks (2 and 3 in CTest): an uninterrupted reference run;
the same run started again, and once iteration 2 is under way (rank 0 printed
iteration 1's progress line; iterations take about 0.3 s) SIGKILL goes to one rank's process alone (rank 1), not to mpiexec. The job
must end within 30 s, with a non-zero exit code: Open MPI's launcher ends
every rank when one dies (its default; no rank may wait forever for the dead
one). Then `--resume` (taking over the lock the killed run left, if any) must
give trajectory.h5 and run.h5 equal to the reference's, bit for bit.

--members as kill_and_resume.py: smaller for sanitized builds."""
import os
import signal
import subprocess
import time

import pint_cli

PROBLEM = ["--param", "zeta=linspace:0.1:0.9", "--fine", "rk4",
           "--fine-steps", "500", "--coarse", "euler", "--slices", "8", "--t1", "8",
           "--tolerance", "1e-8", "--save-every", "500", "--no-plots"]
VICTIM = 1  # the rank killed
LIMIT = 30  # seconds the job may take to end after the kill


def main():
    args = pint_cli.arguments_with_members()
    problem = ["--members", str(args.members)] + PROBLEM
    failures = pint_cli.Failures()
    ref, res = pint_cli.reference_run(args, problem)

    proc = subprocess.Popen(pint_cli.command(args, ["run", "--output", res] + problem),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Rank 0 prints iteration 1's line when the iteration has ended everywhere.
        head = []
        for line in proc.stdout:
            head.append(line)
            if line.startswith("iteration  1:"):
                break
        ranks = pint_cli.rank_pids(proc)
        failures.check(head[-1:] and head[-1].startswith("iteration  1:") and
                       proc.poll() is None and len(ranks) == args.ranks,
                       f"iteration 2 is under way on ranks {ranks}")
        os.kill(ranks[VICTIM], signal.SIGKILL)
        killed = time.time()
        try:
            out, err = proc.communicate(timeout=LIMIT + 5)
        except subprocess.TimeoutExpired:
            out, err = "", ""
        took = time.time() - killed
        out = "".join(head) + out
        print(f"the job ended {took:.1f} s after SIGKILL to rank {VICTIM} (pid {ranks[VICTIM]}), "
              f"exit code {proc.returncode}\nits stdout:\n{out}its stderr:\n{err}")
        failures.check("iteration  2:" not in out, "iteration 2 did not end")
        failures.check(proc.returncode is not None and took <= LIMIT,
                       f"the job ends within {LIMIT} s of one rank's death: {took:.1f} s")
        failures.check(proc.returncode not in (None, 0),
                       f"a non-zero exit code: {proc.returncode}")
    finally:
        failures.check(pint_cli.kill_tree(proc), "no process of the killed job remains")
    names = sorted(os.listdir(res))
    print("left by the killed run:", " ".join(names))
    failures.check("trajectory.h5" not in names and "run.json" not in names,
                   "the killed run did not finish")
    p = pint_cli.run(args, ["run", "--output", res, "--resume", "--quiet"] + problem)
    print(p.stdout, p.stderr)
    pint_cli.compare(failures, res, pint_cli.results(ref), pint_cli.results(res))
    failures.check(not os.path.exists(os.path.join(res, ".pint.lock")),
                   "the resumed run removed its lock at its end")
    failures.finish()
    pint_cli.remove_scratch(args)


if __name__ == "__main__":
    main()
