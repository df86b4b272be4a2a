#!/usr/bin/python3
"""A full disk mid-run: one line naming the file and the OS error, no file under a
final name incomplete, and --resume on a larger disk gets the uninterrupted result.

An uninterrupted reference run on the scratch disk gives the size of each
per-slice file; a tmpfs (mounted by the test: root only, the test skips where
mount is not permitted) with room for pint-config.json, the first three
slices' files and half the fourth's takes the same run, which must fail
writing one of them: exit code non-zero, one line on stderr per rank that met
the full disk ("pint: error: writing DIR/fine-...h5: No space left on device
..."; the ranks write their files at the same time, after the window), at most
three complete files, every *.h5 under a final name readable to the last byte
with h5py, no lock left.
The same run once more with --verbose prints HDF5's error stack after the
line. Then a tmpfs with room for all but most of run.h5 (written by all ranks
together through MPI-IO): the job must end, within 60 s, with one line naming
run.h5 and the full disk. Then the folder from the first failure is copied to the scratch disk and `--resume` must equal
the reference bit for bit. The tmpfs is unmounted whatever happens (also on
SIGTERM, CTest's timeout)."""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys

import pint_cli

SKIP = 77  # CTest's SKIP_RETURN_CODE for this test
PROBLEM = ["--param", "zeta=linspace:0.1:0.9", "--fine", "rk4", "--fine-steps", "500",
           "--coarse", "euler", "--slices", "8", "--t1", "8", "--tolerance", "1e-8",
           "--save-every", "5", "--no-plots", "--quiet"]
PAGE = 4096


def read_fully(path):
    """Opens an HDF5 file and reads every dataset and attribute; returns an error text or None."""
    import h5py
    try:
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    obj[...]
                dict(obj.attrs)
            f.visititems(visit)
            dict(f.attrs)
        return None
    except Exception as e:  # noqa: BLE001 - any failure to read is the finding
        return f"{type(e).__name__}: {e}"


def check_final_files(failures, out):
    names = sorted(n for n in os.listdir(out) if n.endswith(".h5") and not n.startswith("."))
    for name in names:
        error = read_fully(os.path.join(out, name))
        failures.check(error is None, f"{name} (a final name) reads to the last byte: {error}")
    return names


def main():
    args = pint_cli.arguments(
        lambda ap: ap.add_argument("--members", type=int, default=2000, help="ensemble size"))
    problem = ["--members", str(args.members)] + PROBLEM
    failures = pint_cli.Failures()
    ref = os.path.join(args.scratch, "reference")
    mnt = os.path.join(args.scratch, "tmpfs")
    res = os.path.join(args.scratch, "resumed")
    pint_cli.run(args, ["run", "--output", ref] + problem)
    files = sorted(glob.glob(os.path.join(ref, "fine-*.h5")))
    # The blocks a file takes (HDF5 leaves holes in partly filled chunks).
    blocks = lambda d, name: os.stat(os.path.join(d, name)).st_blocks * 512  # noqa: E731
    sizes = [blocks(ref, os.path.basename(f)) for f in files]
    config = blocks(ref, "pint-config.json")
    pages = lambda n: (n + PAGE - 1) // PAGE  # noqa: E731
    room = (pages(config) + sum(pages(s) for s in sizes[:3]) + pages(sizes[3]) // 2 + 2) * PAGE
    print(f"per-slice files taking {sizes} bytes; a tmpfs of {room} bytes")

    os.makedirs(mnt)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # the finally below runs
    try:
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={room}", "tmpfs", mnt],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"SKIPPED: this test mounts a tmpfs, which needs root (or CAP_SYS_ADMIN): "
                  f"mount said: {p.stderr.strip()}")
            sys.exit(SKIP)
        out = os.path.join(mnt, "run")
        p = pint_cli.run(args, ["run", "--output", out] + problem, check=False)
        lines = p.stderr.splitlines()
        print(f"exit code {p.returncode}; stderr:\n{p.stderr}")
        failures.check(p.returncode != 0, f"the run fails: exit code {p.returncode}")
        # Each rank that meets the full disk prints its line: the ranks write
        # their slices' files at the same time (after the window), so one or
        # more. The file named is the one whose write met the full disk: which
        # slice's that is depends on how the ranks' writes interleave.
        failures.check(1 <= len(lines) <= args.ranks,
                       f"one line on stderr per rank that met the full disk: {len(lines)}")
        expected = re.compile(r"pint: error: writing " + re.escape(out) +
                              r"/fine-\d{4}-\d{6}-\d{6}\.h5: No space left on device \(.*\); "
                              r"make room .* --resume .*")
        failures.check(lines and all(expected.fullmatch(line) is not None for line in lines),
                       "each names the file, the OS error and what to do")
        names = check_final_files(failures, out)
        reference = [os.path.basename(f) for f in files]
        failures.check(len(names) <= 3 and all(n in reference for n in names),
                       f"the complete files are at most three of the run's, room for 3.5: {names}")
        failures.check(not os.path.exists(os.path.join(out, ".pint.lock")),
                       "the failed run removed its lock")
        shutil.copytree(out, res)

        # --verbose: the same line, then HDF5's stack with the OS error.
        shutil.rmtree(out)
        p = pint_cli.run(args, ["run", "--output", out, "--verbose"] + problem, check=False)
        lines = p.stderr.splitlines()
        failures.check(p.returncode != 0 and len(lines) > 3 and expected.match(lines[0])
                       and "pint: HDF5's error stack, outermost first:" in lines[1:]
                       and "errno = 28" in p.stderr,
                       f"--verbose adds HDF5's error stack:\n{p.stderr}")
        pint_cli.unmount_under(mnt)

        # Room for every per-slice file and trajectory.h5, not for run.h5: written by
        # all ranks together through MPI-IO, the rank that meets the full disk must
        # end the job (before, it left the others waiting in a collective call).
        room = (pages(config) + sum(pages(s) for s in sizes) + pages(blocks(ref, "trajectory.h5"))
                + pages(blocks(ref, "run.h5")) // 3 + 2) * PAGE
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={room}", "tmpfs", mnt], check=True)
        try:
            p = pint_cli.run(args, ["run", "--output", out] + problem, check=False, timeout=60)
        except subprocess.TimeoutExpired:
            p = None
        print(f"a tmpfs of {room} bytes: {p and p.returncode}, stderr:\n{p and p.stderr}")
        failures.check(p is not None and p.returncode != 0, "the run ends (within 60 s) and fails")
        lines = p.stderr.splitlines() if p else []
        failures.check(len(lines) == 1 and re.fullmatch(
            r"pint: error: writing " + re.escape(out) + r"/run\.h5: No space left on device .*"
            r"make room .* --resume .*", lines[0]) is not None,
            "one line naming run.h5 and the full disk")
        check_final_files(failures, out)
    finally:
        pint_cli.unmount_under(mnt)
    failures.check(not pint_cli.mounts_under(mnt), "the tmpfs is unmounted")

    p = pint_cli.run(args, ["run", "--output", res, "--resume"] + problem)
    pint_cli.compare(failures, res, pint_cli.results(ref), pint_cli.results(res))
    failures.finish()
    pint_cli.remove_scratch(args)


if __name__ == "__main__":
    main()
