#!/usr/bin/python3
"""Every invalid input to `pint run` / `pint combine` / `pint`: exit code 2, one
line on stderr naming the option (printed by rank 0 only), nothing created or
changed on disk, no hang.

Each case runs against an output directory that does not exist yet (it must not
be created) and, unless the case is about the directory itself, against the
directory of a finished run with --overwrite (nothing in it may change: every
check comes before the first write). With --ranks 2 the cases marked for two
ranks run under mpiexec: still one line, from rank 0."""
import os
import stat

import pint_cli

SMALL = ["--slices", "4", "--t1", "2", "--no-plots", "--quiet"]

# (name, pint arguments, the option the message must start with, where, ranks)
# where: "both" (a new directory, and a finished run's with --overwrite),
#        "new" (a new directory only), or the name of a prepared directory.
CASES = [
    ("unknown system", ["--system", "pendulum"], "--system", "both", (1, 2)),
    ("unknown fine method", ["--fine", "eulr"], "--fine", "both", (1,)),
    ("unknown coarse method", ["--coarse", "rk5"], "--coarse", "both", (1,)),
    ("NaN step", ["--fine-h", "nan"], "--fine-h", "both", (1, 2)),
    ("infinite step", ["--fine-h", "inf"], "--fine-h", "both", (1,)),
    ("negative step", ["--fine-h", "-0.01"], "--fine-h", "both", (1,)),
    ("zero fine steps", ["--fine-steps", "0"], "--fine-steps", "both", (1,)),
    ("zero coarse step", ["--coarse-h", "0"], "--coarse-h", "both", (1,)),
    ("negative tolerance", ["--tolerance", "-1e-4"], "--tolerance", "both", (1,)),
    ("NaN tolerance", ["--tolerance", "nan"], "--tolerance", "both", (1,)),
    ("empty time span", ["--t1", "0"], "--t1", "both", (1,)),
    ("infinite start", ["--t0", "-inf"], "--t0", "both", (1,)),
    ("zero slices", ["--slices", "0"], "--slices", "both", (1,)),
    ("zero members", ["--members", "0"], "--members", "both", (1, 2)),
    ("fractional members", ["--members", "2.5"], "--members", "both", (1,)),
    ("negative seed", ["--seed", "-1"], "--seed", "both", (1,)),
    ("P not divisible", ["--p-time", "3"], "--p-time", "both", (1, 2)),
    ("more time ranks than slices", ["--slices", "1"], "--p-time", "both", (2,)),
    ("a window with too few slices", ["--slices", "5", "--window", "2"], "--window", "both", (2,)),
    ("members fewer than member blocks", ["--p-time", "1", "--members", "1"], "--members", "both",
     (2,)),
    ("sequential with fewer members than ranks", ["--sequential"], "--sequential", "both", (2,)),
    ("member subset out of range", ["--members", "100", "--save-members", "0:101"],
     "--save-members", "both", (1, 2)),
    ("member subset malformed", ["--members", "100", "--save-members", "5,abc"],
     "--save-members", "both", (1,)),
    ("compression level", ["--compression", "10"], "--compression", "both", (1,)),
    ("unknown parameter", ["--param", "omega=1"], "--param omega", "both", (1,)),
    ("malformed range", ["--param", "zeta=linspace:0.1"], "--param zeta", "both", (1,)),
    ("empty random range", ["--param", "zeta=random:1:1"], "--param zeta", "both", (1,)),
    ("NaN initial value", ["--initial", "q=nan"], "--initial q", "both", (1,)),
    ("not NAME=VALUE", ["--param", "0.5"], "--param", "both", (1,)),
    ("zero save interval", ["--save-every", "0"], "--save-every", "both", (1,)),
    ("negative iteration limit", ["--max-iterations", "-1"], "--max-iterations", "both", (1,)),
    ("negative window", ["--window", "-2"], "--window", "both", (1,)),
    ("step size and count", ["--fine-h", "0.01", "--fine-steps", "10"], "--fine-steps", "both",
     (1,)),
    ("slices sharing a file name", ["--slices", "20000", "--t1", "1"], "--slices", "both", (1, 2)),
    ("unknown option", ["--bogus"], "--bogus", "both", (1, 2)),
    ("leapfrog on a system that is not separable", ["--fine", "leapfrog"], "--fine", "both",
     (1,)),
    ("an ensemble no node can hold", ["--members", "9223372036854775807"], "--members", "both",
     (1, 2)),
    ("missing value", ["--members"], "--members", "new", (1,)),
    ("TOML syntax error", ["--config", "{cfg}/syntax.toml"], "--config", "both", (1, 2)),
    ("TOML type error", ["--config", "{cfg}/type.toml"], "--slices ({cfg}/type.toml line 1)",
     "both", (1,)),
    ("TOML unknown key", ["--config", "{cfg}/unknown.toml"], "--config", "both", (1, 2)),
    ("TOML parameter of the wrong type", ["--config", "{cfg}/param.toml"], "--param zeta", "both",
     (1,)),
    ("TOML NaN", ["--config", "{cfg}/nan.toml"], "--fine-h", "both", (1,)),
    ("TOML not a table", ["--config", "{cfg}/table.toml"], "--param", "both", (1,)),
    ("config file missing", ["--config", "{cfg}/missing.toml"], "--config", "both", (1,)),
    ("--overwrite with --resume", ["--overwrite", "--resume"], "--overwrite", "new", (1,)),
    ("directory not empty", [], "--output", "foreign", (1, 2)),
    ("directory of a finished run", [], "--output", "finished", (1,)),
    ("resume into foreign files", ["--resume"], "--resume", "foreign", (1,)),
    ("resume a run of another configuration", ["--resume", "--tolerance", "1e-6"], "--resume",
     "finished", (1, 2)),
    ("resume without pint-config.json", ["--resume"], "--resume", "noconfig", (1,)),
    ("output is a file", [], "--output", "file", (1,)),
    ("output under a file", [], "--output", "underfile", (1,)),
    ("output not creatable", [], "--output", "uncreatable", (1, 2)),
    ("output not writable", [], "--output", "readonly", (1,)),
]

# Other commands: (name, full pint arguments, option, ranks); {dir} is a scratch directory.
OTHER = [
    ("no command", [], "pint", (1, 2)),
    ("unknown command", ["frobnicate"], "frobnicate", (1,)),
    ("combine without trajectory.h5", ["combine", "{dir}/foreign"], "DIR", (1, 2)),
    ("combine compression level", ["combine", "{dir}/finished", "--compression", "12"],
     "--compression", (1,)),
    ("combine onto an existing file", ["combine", "{dir}/finished", "-o",
                                       "{dir}/finished/run.h5"], "--output", (1,)),
    ("info with an argument", ["info", "--verbose"], "--verbose", (1,)),
]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def prepare(args):
    cfg = os.path.join(args.scratch, "cfg")
    os.makedirs(cfg)
    write(f"{cfg}/syntax.toml", "slices = = 19\n")
    write(f"{cfg}/type.toml", 'slices = "19"\n')
    write(f"{cfg}/unknown.toml", "slices = 4\nbogus = 1\n")
    write(f"{cfg}/param.toml", "[param]\nzeta = true\n")
    write(f"{cfg}/nan.toml", "fine-h = nan\n")
    write(f"{cfg}/table.toml", "param = 3\n")
    dirs = {}
    dirs["finished"] = os.path.join(args.scratch, "finished")
    pint_cli.run(args, ["run", "--output", dirs["finished"]] + SMALL, ranks=1)
    dirs["foreign"] = os.path.join(args.scratch, "foreign")
    os.makedirs(dirs["foreign"])
    write(os.path.join(dirs["foreign"], "notes.txt"), "mine\n")
    dirs["noconfig"] = os.path.join(args.scratch, "noconfig")
    os.makedirs(dirs["noconfig"])
    for name in os.listdir(dirs["finished"]):
        if name.startswith("fine-"):
            os.link(os.path.join(dirs["finished"], name), os.path.join(dirs["noconfig"], name))
    dirs["file"] = os.path.join(args.scratch, "a-file")
    write(dirs["file"], "not a directory\n")
    dirs["underfile"] = os.path.join(dirs["file"], "out")
    # Not creatable even for root: procfs refuses new entries.
    dirs["uncreatable"] = "/proc/pint-test-output"
    dirs["readonly"] = os.path.join(args.scratch, "readonly")
    os.makedirs(dirs["readonly"])
    os.chmod(dirs["readonly"], stat.S_IRUSR | stat.S_IXUSR)
    return cfg, dirs


def expect(args, failures, name, pint_args, option, watched, ranks):
    """Runs one invalid input and checks its answer and the watched paths."""
    before = {p: pint_cli.snapshot(p) for p in watched}
    p = pint_cli.run(args, pint_args, ranks=ranks, timeout=120, check=False)
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("pint: error: ")]
    label = f"[{ranks} rank(s)] {name}: pint {' '.join(pint_args)}"
    failures.check(p.returncode == 2, f"{label}: exit code {p.returncode}, expected 2")
    failures.check(len(lines) == 1 and len(errors) == 1,
                   f"{label}: one line on stderr, got {lines!r}")
    failures.check(bool(errors) and errors[0].startswith("pint: error: " + option),
                   f"{label}: the line names {option!r}: {errors[0] if errors else None!r}")
    failures.check(not p.stdout.strip(), f"{label}: nothing on stdout, got {p.stdout!r}")
    for path in watched:
        failures.check(pint_cli.snapshot(path) == before[path], f"{label}: {path} unchanged")


def main():
    args = pint_cli.arguments()
    failures = pint_cli.Failures()
    cfg, dirs = prepare(args)
    if os.geteuid() == 0:
        print("running as root: the read-only directory is writable, that case is skipped")
    for name, extra, option, where, ranks in CASES:
        if args.ranks not in ranks:
            continue
        if where == "readonly" and os.geteuid() == 0:
            continue
        extra = [a.format(cfg=cfg) for a in extra]
        option = option.format(cfg=cfg)
        if where in ("both", "new"):
            new = os.path.join(args.scratch, "new", "out")
            expect(args, failures, name, ["run", "--output", new] + SMALL + extra, option,
                   [os.path.dirname(new), new], args.ranks)
            failures.check(not os.path.exists(os.path.dirname(new)) or
                           not os.listdir(os.path.dirname(new)),
                           f"{name}: the new output directory was not created")
        if where == "both":
            expect(args, failures, name + " (over a finished run)",
                   ["run", "--output", dirs["finished"], "--overwrite"] + SMALL + extra, option,
                   [dirs["finished"]], args.ranks)
        if where not in ("both", "new"):
            target = dirs[where]
            watched = [target, os.path.dirname(target)] if not target.startswith("/proc") else []
            expect(args, failures, name, ["run", "--output", target] + SMALL + extra, option,
                   watched, args.ranks)
    for name, pint_args, option, ranks in OTHER:
        if args.ranks not in ranks:
            continue
        pint_args = [a.format(dir=args.scratch) for a in pint_args]
        expect(args, failures, name, pint_args, option, [args.scratch], args.ranks)
    os.chmod(dirs["readonly"], stat.S_IRWXU)
    failures.finish()


if __name__ == "__main__":
    main()
