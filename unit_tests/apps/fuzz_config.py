#!/usr/bin/python3
"""Fuzzed configuration files: every run exits 0 or 2 in time, never by a signal.

--count random mutations (500 in CTest; 40 under the sanitizers) of the example
TOML files (examples/*.toml, shrunk first to a few members so a valid mutant is
a run of a fraction of a second): values of another type, out-of-range, huge
and tiny numbers, unknown keys and tables, duplicated keys, non-UTF-8 and NUL
bytes, empty and very long values, broken syntax. Each mutant runs as
`pint run --config MUTANT --output DIR --no-plots --quiet` (the command line
wins over the file's `output`), on one rank without a launcher, --jobs at a
time, each within --timeout seconds, into a directory that is absent, empty,
or a finished run's (with --overwrite). Every run must exit 0 or 2 (never by a
signal, never time out), or 1 when the values overflow the state (a huge
initial value or parameter): then it says "diverged" and keeps its files; on
exit 2 stderr is one line "pint: error: ..." and
the directory is exactly as before (absent stays absent).

The mutants come from --seed (printed); `--seed S --case I` runs case I alone
and keeps its file, so a failure is reproduced from the two numbers printed
with it. Then the state overflowing (1e308 as an initial value and as a
parameter): a "diverged" end, exit 1, the files kept for inspection."""
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import time

import pint_cli

# The examples, shrunk: (file, {key: value}) replaced before mutating.
SHRINK = {
    "tutorial.toml": {},
    "ensemble.toml": {"members": "64", "save-members": '"0:64:16"', "fine-steps": "40",
                      "save-every": "4"},
    "galaxy.toml": {"members": "40", "t1": "3.0"},
}

VALUES = [
    "0", "-1", "1", "2", "-0.0", "0.5", "3.75", "1e308", "-1e308", "1e-308", "5e-324", "1e20",
    "-1e20", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    # (no valid but huge step counts such as 2147483648: hours of work is no fault)
    "1e400", "nan", "+inf", "-inf", "0x10", "1_000",
    "007", "1.", ".5", "true", "false", '""', '" "', '"x"', '"1"', '"0.01"', '"nan"',
    '"linspace:0:1"', '"linspace:1e308:-1e308"', '"random:1:0"', '"random:0:1e308"',
    '"0:1000000000000"', '"all"', '"none"', '"0:64:0"', '"5,abc"', '"-1"', '"euler"', '"rk4"',
    '"leapfrog"', '"oscillator"', '"galaxy"', '"lorenz"', '"Oscillator"', "[]", "[1, 2]",
    '["a", 1]', "{}", "{ a = 1 }", "1979-05-27T07:32:00Z", "07:32:00", "'literal'",
    '"""multi\nline"""', '"\\u00e9\\u0000"', '"\\uD800"', '"tab\\there"',
]
KEYS = ["bogus", "member", "Members", "fine_h", "slices2", "param", "initial", "q", "omega0",
        "zeta", "m_host", "x-y", '"quoted key"', "a.b", "output", "resume", "overwrite",
        "config", "members.x", ""]
SECTIONS = [b"[param]", b"[initial]", b"[params]", b"[init]", b"[[param]]", b"[param.sub]",
            b"[]", b"[system]", b"[members]", b"[initial"]
JUNK = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\x80", b"\xed\xa0\x80", b"\x00", b"\x1b[31m", b"\r",
        b"\t", b"=", b"[", b"]", b"\"", b"'", b"{", b"}", b"#", b"\\", b"\n", b",", b"."]
KV = re.compile(rb"^\s*([A-Za-z0-9_.\"-]+)\s*=")


def long_value(rng):
    n = rng.choice([1000, 100000])
    return rng.choice(['"' + "a" * n + '"', "9" * n, "0." + "1" * n, "1" + "0" * n + ".0",
                       "[" + ", ".join(["1"] * (n // 10)) + "]"])


def mutate_once(rng, lines):
    kv = [i for i, line in enumerate(lines) if KV.match(line)]
    op = rng.randrange(12)
    if op <= 2 and kv:  # another value
        i = rng.choice(kv)
        key = KV.match(lines[i]).group(0)
        lines[i] = key + b" " + rng.choice(VALUES).encode()
    elif op == 3 and kv:  # a number scaled far out, or negated
        i = rng.choice(kv)
        key = KV.match(lines[i]).group(0)
        value = lines[i][len(key):].strip()
        try:
            v = float(value.decode().split("#")[0].strip().strip('"'))
            # Far out (|k| >= 20): absurd, or tiny enough to be refused or cheap; a
            # valid value that makes hours of work (h / 1e6) is no fault of pint's.
            k = rng.choice([-1, 1]) * rng.randint(20, 320)
            scaled = rng.choice([-v, v * 10.0 ** k, v + 0.5, -v * 10.0 ** k])
            lines[i] = key + b" " + repr(scaled).encode()
        except (ValueError, UnicodeDecodeError, OverflowError):
            lines[i] = key + b" " + rng.choice(VALUES).encode()
    elif op == 4 and lines:  # a line removed
        del lines[rng.randrange(len(lines))]
    elif op == 5 and kv:  # a key given twice
        i = rng.choice(kv)
        lines.insert(rng.randrange(len(lines) + 1), lines[i])
    elif op == 6:  # an unknown key, anywhere
        lines.insert(rng.randrange(len(lines) + 1),
                     rng.choice(KEYS).encode() + b" = " + rng.choice(VALUES).encode())
    elif op == 7 and lines:  # junk bytes (non-UTF-8, NUL, syntax characters)
        i = rng.randrange(len(lines))
        p = rng.randint(0, len(lines[i]))
        lines[i] = lines[i][:p] + rng.choice(JUNK) + lines[i][p:]
    elif op == 8 and kv:  # empty or very long value
        i = rng.choice(kv)
        key = KV.match(lines[i]).group(0)
        lines[i] = key + b" " + rng.choice(['""', "", long_value(rng)]).encode()
    elif op == 9:  # a table header added, renamed or repeated
        header = rng.choice(SECTIONS)
        headers = [i for i, line in enumerate(lines) if line.startswith(b"[")]
        if headers and rng.random() < 0.5:
            lines[rng.choice(headers)] = header
        else:
            lines.insert(rng.randrange(len(lines) + 1), header)
    elif op == 10 and lines:  # the file cut short
        text = b"\n".join(lines)
        lines[:] = text[:rng.randrange(len(text) + 1)].split(b"\n")
    else:  # a byte removed
        text = b"\n".join(lines)
        if text:
            p = rng.randrange(len(text))
            lines[:] = (text[:p] + text[p + 1:]).split(b"\n")


def shrunk(path, changes):
    lines = open(path, "rb").read().split(b"\n")
    for i, line in enumerate(lines):
        m = KV.match(line)
        if m and m.group(1).decode() in changes:
            lines[i] = m.group(0) + b" " + changes[m.group(1).decode()].encode()
    return lines


def make_case(bases, seed, index):
    """The mutant of case `index` and where its output goes: 'absent',
    'empty' or 'finished' (a finished run's directory, with --overwrite)."""
    rng = random.Random(f"{seed}:{index}")
    name = rng.choice(sorted(bases))
    lines = list(bases[name])
    for _ in range(rng.choice([1, 1, 2, 3])):
        mutate_once(rng, lines)
    return name, b"\n".join(lines), rng.choice(["absent", "empty", "finished"])


def run_case(args, bases, finished, seed, index, timeout, keep):
    name, text, where = make_case(bases, seed, index)
    work = os.path.join(args.scratch, f"case-{index}")
    os.makedirs(work)
    config = os.path.join(work, "mutant.toml")
    with open(config, "wb") as f:
        f.write(text)
    out = os.path.join(work, "out")
    extra = []
    if where == "empty":
        os.makedirs(out)
    elif where == "finished":
        shutil.copytree(finished, out)
        extra = ["--overwrite"]
    before = pint_cli.snapshot(out)
    cmd = [args.pint, "run", "--config", config, "--output", out, "--no-plots", "--quiet"] + extra
    start = time.time()
    problem = None
    try:
        # Its own TMPDIR: Open MPI's daemonless singletons share a session
        # directory name, which one run removes under another.
        tmp = os.path.join(work, "tmp")
        os.makedirs(tmp)
        p = subprocess.run(cmd, capture_output=True, timeout=timeout,
                           env=dict(os.environ, TMPDIR=tmp))
        rc, stderr = p.returncode, p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        rc, stderr = None, (e.stderr or b"").decode(errors="replace")
    seconds = time.time() - start
    lines = stderr.strip().splitlines()
    if rc is None:
        problem = f"no exit within {timeout} s"
    elif rc < 0:
        problem = f"killed by signal {-rc}"
    elif rc == 1 and "diverged" in stderr:
        if not os.path.isfile(os.path.join(out, "run.json")):
            problem = "diverged without keeping its files"
    elif rc not in (0, 2):
        problem = f"exit {rc}"
    elif rc == 2:
        if len(lines) != 1 or not lines[0].startswith("pint: error: "):
            problem = "exit 2 without one 'pint: error:' line"
        elif pint_cli.snapshot(out) != before:
            problem = f"exit 2 changed the output directory ({where})"
    if not keep and problem is None:
        shutil.rmtree(work, ignore_errors=True)
    first = (lines[0][:200] if not problem else "\n    ".join(lines[:12])[:1500]) if lines else ""
    return index, name, where, rc, seconds, problem, first, config


def overflow_cases(args, failures, env):
    """The state overflows: a clear "diverged" end, exit 1, files kept."""
    tutorial = os.path.join(args.source, "examples", "tutorial.toml")
    for what in (["--initial", "q=1e308"], ["--param", "omega0=1e308"]):
        out = os.path.join(args.scratch, "overflow-" + what[1].split("=")[0])
        p = subprocess.run([args.pint, "run", "--config", tutorial, "--output", out,
                            "--no-plots"] + what, capture_output=True, text=True, timeout=120,
                           env=env)
        said = (p.stdout + p.stderr).lower()
        kept = sorted(os.listdir(out)) if os.path.isdir(out) else []
        failures.check(p.returncode == 1 and "diverged" in said,
                       f"{' '.join(what)}: exit 1 ({p.returncode}) and says it diverged")
        failures.check({"run.h5", "run.json", "pint-config.json"} <= set(kept)
                       and any(n.startswith("fine-") for n in kept),
                       f"{' '.join(what)}: the files are kept for inspection: {kept}")
        lines = [line for line in (p.stdout + p.stderr).splitlines() if "diverged" in line]
        print(f"  {' '.join(what)}: exit {p.returncode}: {lines[:1]}")


def main():
    def extra(ap):
        ap.add_argument("--count", type=int, default=500)
        ap.add_argument("--seed", type=int,
                        default=int(os.environ.get("PINT_FUZZ_SEED", "17")))
        ap.add_argument("--case", type=int, default=None, help="run only this case, keep it")
        ap.add_argument("--jobs", type=int, default=4)
        ap.add_argument("--timeout", type=float, default=30)
    args = pint_cli.arguments(extra)
    # One rank without a launcher; Open MPI's singleton starts faster without
    # its daemon and its network transports (ignored by other MPIs).
    env = dict(os.environ, OMPI_MCA_ess_singleton_isolated="1", OMPI_MCA_pml="ob1",
               OMPI_MCA_btl="self,vader", OMP_NUM_THREADS="1")
    os.environ.update(env)
    failures = pint_cli.Failures()
    examples = os.path.join(args.source, "examples")
    bases = {n: shrunk(os.path.join(examples, n), c) for n, c in SHRINK.items()}
    finished = os.path.join(args.scratch, "finished")
    pint_cli.run(args, ["run", "--config", os.path.join(examples, "tutorial.toml"), "--output",
                        finished, "--no-plots", "--quiet"], ranks=1, env=env)
    for name, lines in bases.items():  # the shrunk examples themselves run
        config = os.path.join(args.scratch, "shrunk-" + name)
        with open(config, "wb") as f:
            f.write(b"\n".join(lines))
        p = subprocess.run([args.pint, "run", "--config", config, "--output",
                            os.path.join(args.scratch, "base-" + name), "--no-plots", "--quiet"],
                           capture_output=True, timeout=args.timeout)
        failures.check(p.returncode == 0, f"the shrunk {name} runs (exit {p.returncode}) "
                       f"{p.stderr.decode(errors='replace').strip()[:300]}")

    cases = [args.case] if args.case is not None else range(args.count)
    print(f"fuzzing {len(cases)} configuration(s) with seed {args.seed} "
          f"(reproduce one: --seed {args.seed} --case I)", flush=True)
    start = time.time()
    codes, slowest = {}, (0.0, None)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        jobs = [pool.submit(run_case, args, bases, finished, args.seed, i, args.timeout,
                            args.case is not None) for i in cases]
        for job in jobs:
            index, name, where, rc, seconds, problem, first, config = job.result()
            codes[rc] = codes.get(rc, 0) + 1
            slowest = max(slowest, (seconds, index))
            if problem or args.case is not None:
                print(f"case {index} ({name}, output {where}): exit {rc} in {seconds:.1f} s: "
                      f"{first}\n  file: {config}")
            if problem:
                failures.check(False, f"case {index} (--seed {args.seed} --case {index}): "
                                      f"{problem}")
    print(f"{len(cases)} runs in {time.time() - start:.1f} s, exit codes {codes}, slowest "
          f"case {slowest[1]} ({slowest[0]:.1f} s)")
    failures.check(set(codes) <= {0, 1, 2}, f"every run exits 0 or 2 (1 only diverged): {codes}")
    overflow_cases(args, failures, env)
    if not failures.failed and args.case is None:
        shutil.rmtree(args.scratch, ignore_errors=True)
    failures.finish()


if __name__ == "__main__":
    main()
