#!/usr/bin/python3
"""One run at a time per output folder: a second run refuses while the first runs,
and a lock left by a killed run is taken over.

1. A run (the first) on --ranks ranks; once its lock file is there, three
   second runs at once into the same folder, on one rank each, with
   --overwrite (the case that killed both runs before), with --resume, and
   plain: each exits 2 with one line naming
   the running one (the first's rank 0 pid, its host, since when) and what to
   do, and removes no file; the first ends with exit 0, its files complete,
   its lock gone.
2. The same run killed (SIGKILL to mpiexec and every rank): its lock file
   stays; `--resume` notes that it takes the stale lock over, and ends with
   the first run's result, bit for bit. A lock file whose pid still runs but
   that no process holds (flock) is stale too.

--members as kill_and_resume.py: smaller for sanitized builds."""
import os
import re
import subprocess

import pint_cli

PROBLEM = ["--param", "zeta=linspace:0.1:0.9", "--fine", "rk4",
           "--fine-steps", "500", "--coarse", "euler", "--slices", "8", "--t1", "8",
           "--tolerance", "1e-8", "--save-every", "500", "--no-plots"]
LOCK = ".pint.lock"


def holder(path):
    try:
        with open(path) as f:
            return dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)
    except OSError:
        return None


def fine_files(out):
    return {n for n in os.listdir(out) if n.startswith("fine-")} if os.path.isdir(out) else set()


def main():
    args = pint_cli.arguments_with_members()
    problem = ["--members", str(args.members)] + PROBLEM
    failures = pint_cli.Failures()
    first = os.path.join(args.scratch, "first")
    lock = os.path.join(first, LOCK)

    # 1. Two runs at once.
    proc = subprocess.Popen(pint_cli.command(args, ["run", "--output", first, "--quiet"] + problem),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        held = pint_cli.wait_for(lambda: (holder(lock) or {}).get("since"), 300, proc)
        ranks = pint_cli.rank_pids(proc) if args.ranks > 1 else {0: proc.pid}
        info = holder(lock) or {}
        print(f"the first run's lock: {info}; its ranks: {ranks}")
        failures.check(held is not None and info.get("pid") == str(ranks.get(0)),
                       "the first run's rank 0 holds the lock")
        # Three at once, on one rank each (quick to start and to refuse).
        cases = (["--overwrite"], ["--resume"], [])
        before = fine_files(first)
        seconds = [subprocess.Popen(pint_cli.command(args, ["run", "--output", first, "--quiet"] +
                                                     extra + problem, ranks=1),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for extra in cases]
        ends = [p.communicate(timeout=300) for p in seconds]
        after = fine_files(first)
        running = proc.poll() is None
        failures.check(running, "the first run still runs when the second ones have ended")
        for extra, p, (_, err) in zip(cases, seconds, ends):
            lines = err.splitlines()
            print(f"second run {extra}: exit code {p.returncode}, stderr:\n{err}")
            failures.check(
                p.returncode == 2 and len(lines) == 1 and re.fullmatch(
                    r"pint: error: --output: '" + re.escape(first) + r"' is in use by another "
                    r"pint run \(pid " + info.get("pid", "?") + r" on host " +
                    re.escape(info.get("host", "?")) + r", since " +
                    re.escape(info.get("since", "?")) + r"\); wait for it to end or stop it, or "
                    r"choose another --output", lines[0]) is not None,
                f"a second run {' '.join(extra)} while the first runs: exit code 2, one line "
                "naming the first (pid, host, since) and what to do")
        failures.check(before <= after, f"the second runs removed no file: "
                                        f"{sorted(before - after)}")
        out, err = proc.communicate(timeout=300)
    finally:
        pint_cli.kill_tree(proc)
    failures.check(proc.returncode == 0, f"the first run ends well: exit code {proc.returncode}"
                                         f"\n{err}")
    failures.check(not os.path.exists(lock), "its lock is gone when it ends")
    reference = pint_cli.results(first)

    # 2. A killed run's lock.
    killed = os.path.join(args.scratch, "killed")
    proc = subprocess.Popen(pint_cli.command(args, ["run", "--output", killed, "--quiet"] +
                                             problem),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stale = pint_cli.wait_for(
        lambda: fine_files(killed) and (holder(os.path.join(killed, LOCK)) or {}).get("since"),
        300, proc)
    failures.check(stale is not None and proc.poll() is None, "the run is going")
    failures.check(pint_cli.kill_tree(proc), "mpiexec and every rank are killed")
    info = holder(os.path.join(killed, LOCK))
    failures.check(info is not None, f"the killed run's lock file stays: {info}")
    p = pint_cli.run(args, ["run", "--output", killed, "--resume", "--quiet"] + problem)
    print(p.stderr)
    failures.check(
        re.search(r"pint: note: '" + re.escape(killed) + r"' was locked by a pint run that no "
                  r"longer runs \(pid " + (info or {}).get("pid", "?") + r" on host .*\); taking "
                  r"its lock over", p.stderr) is not None,
        "--resume notes that it takes the stale lock over")
    pint_cli.compare(failures, killed, reference, pint_cli.results(killed))
    failures.check(not os.path.exists(os.path.join(killed, LOCK)), "the resumed run's lock is gone")

    # A lock file no process holds, naming a process that runs (this one): stale too.
    with open(os.path.join(killed, LOCK), "w") as f:
        f.write(f"pid={os.getpid()}\nhost={os.uname().nodename}\nsince=then\n")
    p = pint_cli.run(args, ["run", "--output", killed, "--overwrite", "--quiet", "--save-members",
                            "none"] + problem)
    failures.check(f"(pid {os.getpid()} on host" in p.stderr and "taking its lock over" in p.stderr,
                   f"a lock file nobody holds is taken over: {p.stderr}")
    failures.finish()
    pint_cli.remove_scratch(args)


if __name__ == "__main__":
    main()
