"""Shared helpers of the pint command's tests: running pint on 1 or more ranks,
snapshots of directories, reading results back with h5py, and killing runs."""
import argparse
import glob
import hashlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time


def arguments(extra=None):
    """The options CTest passes to every driver."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--pint", required=True, help="the pint executable")
    ap.add_argument("--source", required=True, help="the source tree")
    ap.add_argument("--launcher", required=True,
                    help="MPI launch command, {ranks} standing for the rank count")
    ap.add_argument("--scratch", required=True, help="a directory the test may empty and use")
    ap.add_argument("--ranks", type=int, default=1)
    if extra:
        extra(ap)
    args = ap.parse_args()
    unmount_under(args.scratch)  # a mount a killed test left there
    shutil.rmtree(args.scratch, ignore_errors=True)
    os.makedirs(args.scratch)
    return args


def arguments_with_members(default=200000):
    """arguments() and --members, the ensemble size (smaller for sanitized builds)."""
    return arguments(lambda ap: ap.add_argument(
        "--members", type=int, default=default,
        help="ensemble size (smaller for sanitized builds)"))


def reference_run(args, problem):
    """Runs `problem` uninterrupted into scratch/reference; returns it and
    scratch/resumed, the folder of the run to interrupt and resume."""
    ref = os.path.join(args.scratch, "reference")
    run(args, ["run", "--output", ref, "--quiet"] + problem)
    return ref, os.path.join(args.scratch, "resumed")


def mounts_under(path):
    """Mount points at or under `path`, deepest first."""
    path = os.path.realpath(path)
    found = []
    with open("/proc/mounts") as f:
        for line in f:
            point = line.split()[1].replace("\\040", " ")
            if point == path or point.startswith(path + os.sep):
                found.append(point)
    return sorted(found, key=len, reverse=True)


def unmount_under(path):
    for point in mounts_under(path):
        subprocess.run(["umount", point], capture_output=True)


def remove_scratch(args):
    """Removes the scratch directory (at the end of a test that passed)."""
    unmount_under(args.scratch)
    shutil.rmtree(args.scratch, ignore_errors=True)


def command(args, pint_args, ranks=None):
    """The command line running `pint pint_args` on `ranks` ranks (1: no launcher)."""
    ranks = args.ranks if ranks is None else ranks
    launch = [] if ranks == 1 else shlex.split(args.launcher.format(ranks=ranks))
    return launch + [args.pint] + [str(a) for a in pint_args]


def run(args, pint_args, ranks=None, timeout=300, check=True, env=None):
    """Runs pint (with `env` added to the environment); returns the CompletedProcess
    (stdout and stderr as text)."""
    cmd = command(args, pint_args, ranks)
    environment = dict(os.environ, **(env or {}))
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=environment)
    if check and p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p


def snapshot(path):
    """Everything observable about a path: every entry's type, size, modification
    time and content hash, directories included (a file created and removed again
    changes its directory's modification time)."""
    if not os.path.lexists(path):
        return None
    entries = {}
    for root, dirs, files in os.walk(path):
        for name in [""] + dirs + files:
            full = os.path.join(root, name) if name else root
            st = os.lstat(full)
            digest = ""
            if os.path.isfile(full) and not os.path.islink(full):
                with open(full, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            entries[os.path.relpath(full, path)] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return entries


def read_h5(path, *names):
    import h5py  # only the tests that read files need h5py
    with h5py.File(path, "r") as f:
        return [f[n][...] for n in names]


def run_attrs(path):
    import h5py
    with h5py.File(path, "r") as f:
        return dict(f.attrs)


def descendants(pid):
    """Every process under `pid` (from /proc)."""
    children = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
        except (OSError, IndexError, ValueError):
            pass
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    """Whether process `pid` runs (exists and is not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_tree(proc):
    """SIGKILL to the Popen `proc` and every process under it; waits up to 30 s
    for them to go; returns whether they all went."""
    victims = [proc.pid] + descendants(proc.pid)
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    deadline = time.time() + 30
    while any(alive(pid) for pid in victims) and time.time() < deadline:
        time.sleep(0.05)
    return not any(alive(pid) for pid in victims)


def results(out):
    """trajectory.h5's data, run.h5's boundary states and convergence history."""
    data, = read_h5(os.path.join(out, "trajectory.h5"), "data")
    states, history = read_h5(os.path.join(out, "run.h5"), "boundary_states",
                                       "convergence")
    return data, states, history


def compare(failures, what, ref, res):
    """Checks that results(what) `res` equal `ref` bit for bit and that `what`
    holds no temporary file."""
    import numpy as np
    for name, a, b in zip(("trajectory.h5 data", "run.h5 boundary_states", "run.h5 convergence"),
                          ref, res):
        failures.check(a.shape == b.shape and np.array_equal(a, b),
                       f"{what}: {name} equals the uninterrupted run's, bit for bit")
    partial = [n for n in os.listdir(what) if n.endswith(".partial")]
    failures.check(not partial, f"{what}: no temporary files remain: {partial}")


def rank_pids(proc):
    """{MPI rank: pid} of the pint processes under the launcher `proc` (Open MPI's
    OMPI_COMM_WORLD_RANK, or PMIX_RANK, in their environment)."""
    ranks = {}
    for pid in descendants(proc.pid):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = dict(item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item)
        except OSError:
            continue
        rank = env.get(b"OMPI_COMM_WORLD_RANK", env.get(b"PMIX_RANK"))
        if rank is not None:
            ranks[int(rank)] = pid
    return ranks


def wait_for(predicate, timeout, proc=None, step=0.01):
    """Polls `predicate` until it returns a true value (returned), `timeout`
    seconds pass or `proc` ends (None returned)."""
    deadline = time.time() + timeout
    while time.time() < deadline and (proc is None or proc.poll() is None):
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


class Failures:
    """Collects failed checks and reports them all at the end."""

    def __init__(self):
        self.failed = []

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failed.append(what)

    def finish(self):
        if self.failed:
            sys.exit(f"{len(self.failed)} check(s) failed:\n  " + "\n  ".join(self.failed))
        print("all checks passed")
