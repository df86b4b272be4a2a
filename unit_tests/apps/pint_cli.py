"""Shared helpers of the pint command's tests: running pint on 1 or more ranks,
snapshots of directories, and reading results back with h5py."""
import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys


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
    shutil.rmtree(args.scratch, ignore_errors=True)
    os.makedirs(args.scratch)
    return args


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
