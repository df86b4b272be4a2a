#!/usr/bin/python3
"""pint's scaling study: strong and weak scaling of parareal, measured and modelled.

    scripts/scaling_study.py --out DIR [--max-ranks P] [--quick] [--repeat R]
                             [--build-dir build/default] [--attempts A] [--quiet-wait S]
                             [--retry-budget S]

One command runs, on 1 .. P MPI ranks (powers of two and P; P defaults to the
cores this process may use):

  strong scaling   a fixed problem (M members, N = max(2, P) slices)
  weak scaling     work per rank fixed: slices grow with the ranks (time-parallel,
                   N = P, M fixed) or members grow with the ranks (member-parallel,
                   M = m0 P, N fixed)

for two decompositions of parareal: time-parallel (P_time = P, one member
block) and member-parallel (P_members = P, P_time = 1: every rank runs parareal
over its own block of members). The sequential fine run of the strong problem
(all members, one rank) is measured once; it is the reference of every speedup.
It also runs an MPI ping-pong (latency and bandwidth between 2 ranks; before and
after the study, the model takes the slower) and two peer comparisons (pint
against plain code), and writes into DIR:

  scaling.csv      one row per measured point
  scaling.json     the points, the per-run JSON of pint_bench_parareal, the network,
                   the peers, the model and its predictions, the targets, the context
                   (git, Kokkos, cores, date, load), warnings
  strong.png       speedup and efficiency against ranks, measured, model, ideal
  weak.png         weak efficiency and scaled speedup against ranks
  prediction.png   the model to 4096 ranks (log x) beside the measured points
  raw/             every program's JSON and output

A shared machine. The driver counts the CPU time other processes take while each
program runs (busy time in /proc/stat, steal included, minus its own children's).
A run during which others took more than 1% of the CPUs is run again after waiting
for a quiet moment (--attempts, --quiet-wait), until --retry-budget seconds into
the study; the least disturbed attempt is kept, every point records its share
(foreign_cpu_fraction), and a point that stayed disturbed is named in the
warnings. The study also warns when ranks outnumber the usable cores
(os.sched_getaffinity) or the machine was loaded when it started.

Definitions. T(P) is the measured parareal time on P ranks (median of the
repeats; the bars show min..max), T_seq the sequential fine run of the same
problem. Strong: speedup S = T_seq / T(P), efficiency S / P. Weak: efficiency
T(1) / T(P) of the same decomposition, scaled speedup T_seq(P) / T(P) where the
sequential time of the grown problem is the strong problem's, scaled by
members x slices (the fine propagator's cost is linear in both).

The model (SPEC section 3, pipelined, plus communication). tau_F, tau_G: fine and
coarse cost of one slice for the members one rank holds; K iterations after the
initial coarse sweep; N slices on P_time time ranks, s = ceil(N / P_time) slices
per rank; P = P_time x P_members ranks; alpha, beta: latency and bandwidth from
the ping-pong; b = 8 (dim M / P_members + 1) bytes, one boundary message:

  T_par = N tau_G + K s (tau_F + tau_G)       the pipelined schedule
        + (P_time - 1 + K) (alpha + b / beta)  boundary messages on the critical path:
                                               the first coarse sweep crosses P_time - 1
                                               links, and each iteration adds one
                                               (a rank completes its send before its
                                               next fine solve)
        + K ceil(log2 P) alpha                 one all-reduce per iteration (its
                                               decision), counted as if never overlapped
  T_seq = N P_members tau_F                    the fine propagator, all members, one rank

tau_F and tau_G scale with the members a rank holds (the ensemble kernel's cost is
linear in members), so the member-parallel model divides the one-rank costs by
P_members. The curves use tau_F, tau_G, K of the decomposition's run on the
fewest ranks; each point's "measured / model" uses that run's own tau_F, tau_G, K
(as pint_bench_parareal prints). Predictions to 4096 ranks keep K and the
per-slice costs as measured: strong time-parallel for a problem of 4096 slices
(speedup bounded by tau_F / tau_G as P grows), strong member-parallel for the
measured M members, weak time-parallel with one slice per rank, weak
member-parallel with m0 members per rank. They ignore what this machine cannot
show: network contention and topology, load imbalance, kernel-launch overheads
for tiny blocks, and a K that may grow with N for harder problems.
"""

import argparse
import csv
import datetime
import json
import math
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Problem sizes. Full: each measured point takes 2-5 s on one Zen 3 core
# (10^6 oscillators, RK4 fine 2000 steps per slice, RK4 coarse 40 steps).
SIZES = {
    "full": {"members": 1_000_000, "weak_members_per_rank": 500_000, "member_slices": 2,
             "fine_steps": 2000, "coarse_steps": 40, "slice_length": 1.0, "tolerance": 1e-6,
             "repeat": 5, "pingpong": ["--seconds", "0.2", "--batches", "5"],
             "gbench_repetitions": 5},
    "quick": {"members": 4000, "weak_members_per_rank": 2000, "member_slices": 2,
              "fine_steps": 200, "coarse_steps": 20, "slice_length": 1.0, "tolerance": 1e-6,
              "repeat": 1,
              "pingpong": ["--seconds", "0.01", "--batches", "3", "--max-bytes", "1048576"],
              "gbench_repetitions": 1},
}
PREDICT_MAX_RANKS = 4096
INTEGRATOR_FILTER = "BM_oscillator<rk4>/Serial/1000000/|BM_reference_rk4<(naive|blocked64)>"


class StudyError(RuntimeError):
    pass


def warn(warnings, text):
    print(f"scaling_study: warning: {text}", file=sys.stderr)
    warnings.append(text)


def usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def rank_counts(max_ranks):
    counts, p = [], 1
    while p < max_ranks:
        counts.append(p)
        p *= 2
    return counts + [max_ranks]


class Machine:
    """Who else uses the CPUs: busy time in /proc/stat (steal included) minus ours."""

    tick = os.sysconf("SC_CLK_TCK")

    def __init__(self, cores):
        self.cores = cores
        self.available = Path("/proc/stat").exists()

    def _busy(self):
        v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return (sum(v) - v[3] - v[4]) / self.tick  # all but idle and iowait

    @staticmethod
    def _ours():
        a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime

    def snapshot(self):
        return (self._busy(), self._ours()) if self.available else (0.0, 0.0)

    def foreign(self, since):
        """CPU seconds other processes used since `since` (a snapshot)."""
        busy, ours = self.snapshot()
        return max(0.0, (busy - since[0]) - (ours - since[1]))

    def wait_quiet(self, limit):
        """Waits (at most `limit` s) until others use under 0.05 cores for 2 s."""
        deadline = time.monotonic() + limit
        while self.available and time.monotonic() < deadline:
            snap = self.snapshot()
            time.sleep(2.0)
            if self.foreign(snap) < 0.1:
                return


class Launcher:
    """mpiexec with one thread per rank, bound to cores unless oversubscribed.

    A run during which other processes used more than DISTURBED of the machine's
    CPU time is run again (up to `attempts` in all, after waiting for a quiet
    moment) until `retry_until` (a time.monotonic() value); the least disturbed
    attempt is kept, and every run records how much CPU others took while it ran.
    With every core busy with ranks, whatever others run comes out of some rank's
    time, and the slowest rank sets the pace: hence a strict threshold."""

    DISTURBED = 0.01

    def __init__(self, cores, out, attempts, quiet_wait, retry_until, warnings):
        self.cores, self.raw, self.attempts = cores, out / "raw", attempts
        self.quiet_wait, self.retry_until, self.warnings = quiet_wait, retry_until, warnings
        self.machine = Machine(cores)
        self.mpiexec = shutil.which("mpiexec")
        if not self.mpiexec:
            raise StudyError("mpiexec not found on PATH")
        version = subprocess.run([self.mpiexec, "--version"], capture_output=True, text=True)
        text = version.stdout + version.stderr
        self.mpi = text.strip().splitlines()[0] if text.strip() else "unknown"
        self.openmpi = "Open MPI" in text or "OpenRTE" in text
        self.env = dict(os.environ, OMP_NUM_THREADS="1")
        if self.openmpi:
            self.env.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
            if os.geteuid() == 0:
                self.env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    def _once(self, name, ranks, argv):
        cmd = [self.mpiexec, "-n", str(ranks)]
        if self.openmpi:
            cmd += ["--bind-to", "core"] if ranks <= self.cores else \
                ["--oversubscribe", "--bind-to", "none"]
        json_file = self.raw / f"{name}.json"
        cmd += [str(a).replace("{json}", str(json_file)) for a in argv]
        snap, started = self.machine.snapshot(), time.monotonic()
        p = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        wall = time.monotonic() - started
        foreign = self.machine.foreign(snap)
        log = self.raw / f"{name}.log"
        log.write_text(" ".join(cmd) + "\n\n" + p.stdout + p.stderr)
        if p.returncode != 0:
            raise StudyError(f"{' '.join(cmd)} failed (exit {p.returncode}); see {log}")
        return {"wall_seconds": wall, "foreign_cpu_seconds": foreign,
                "foreign_cpu_fraction": foreign / (wall * self.cores)}

    def run(self, name, ranks, argv):
        """Runs argv on `ranks` ranks ("{json}" in argv: raw/<name>.json); returns
        the JSON it wrote, with the machine's record under "machine"."""
        tried = []
        for attempt in range(1, self.attempts + 1):
            if attempt > 1 and time.monotonic() > self.retry_until:
                break
            self.machine.wait_quiet(min(self.quiet_wait, self.retry_until - time.monotonic()))
            tag = f"{name}.attempt{attempt}"
            rec = self._once(tag, ranks, argv)
            tried.append((rec["foreign_cpu_fraction"], tag, rec))
            busy = rec["foreign_cpu_fraction"] > self.DISTURBED
            print(f"  {name:<30} {rec['wall_seconds']:6.1f} s   others used "
                  f"{100 * rec['foreign_cpu_fraction']:4.1f}% of the CPUs"
                  f"{'  (disturbed)' if busy else ''}", flush=True)
            if not busy:
                break
        fraction, tag, rec = min(tried)
        for suffix in (".json", ".log"):
            if (self.raw / f"{tag}{suffix}").exists():
                shutil.copyfile(self.raw / f"{tag}{suffix}", self.raw / f"{name}{suffix}")
        if fraction > self.DISTURBED:
            warn(self.warnings, f"{name}: other processes used {100 * fraction:.1f}% of the CPUs "
                                f"even in the least disturbed of {len(tried)} attempt(s)")
        result = json.loads((self.raw / f"{name}.json").read_text())
        result["machine"] = dict(rec, attempts=len(tried), attempt_kept=tag,
                                 file=f"raw/{name}.json")
        return result


# ---------------------------------------------------------------- the model

def model_time(n, p_time, p_members, k, tau_f, tau_g, net, members):
    """Pipelined parareal plus communication (see the module docstring)."""
    s = math.ceil(n / p_time)
    t = n * tau_g + k * s * (tau_f + tau_g)
    if p_time > 1:
        message = 8 * (2 * members / p_members + 1)
        t += (p_time - 1 + k) * (net["latency"] + message / net["bandwidth"])
    p = p_time * p_members
    if p > 1:
        t += k * math.ceil(math.log2(p)) * net["latency"]
    return t


class Curve:
    """One decomposition's model, from its base run (the fewest ranks)."""

    def __init__(self, study, decomposition, base, net):
        self.study, self.dec, self.net = study, decomposition, net
        r = base["result"]
        # Costs of one slice for base["members"] members on one rank.
        self.k = max(1, r["iterations"])
        self.tau_f = r["tau_f"] * base["p_members"]
        self.tau_g = r["tau_g"] * base["p_members"]
        self.base = base

    def problem(self, p, slices=None):
        """(slices, members) of this study at p ranks."""
        b = self.base
        if self.study == "strong":
            return slices or b["slices"], b["members"]
        if self.dec == "time":
            return p * b["slices"] // b["ranks"], b["members"]
        return b["slices"], b["members"] * p // b["ranks"]

    def times(self, p, slices=None):
        """(T_par, T_seq) predicted at p ranks."""
        n, m = self.problem(p, slices)
        scale = m / self.base["members"]  # per-slice cost of all m members, one rank
        tau_f, tau_g = self.tau_f * scale, self.tau_g * scale
        p_time, p_members = (p, 1) if self.dec == "time" else (1, p)
        t = model_time(n, p_time, p_members, self.k, tau_f / p_members, tau_g / p_members,
                       self.net, m)
        return t, n * tau_f

    def speedup(self, p, slices=None):
        t, seq = self.times(p, slices)
        return seq / t

    def weak_efficiency(self, p):
        return self.times(self.base["ranks"])[0] / self.times(p)[0]


# ---------------------------------------------------------------- measuring

class Study:
    def __init__(self, args, out, warnings):
        self.args, self.out, self.warnings = args, out, warnings
        self.sizes = dict(SIZES["quick" if args.quick else "full"])
        if args.repeat:
            self.sizes["repeat"] = args.repeat
        self.cores = usable_cores()
        self.max_ranks = args.max_ranks or self.cores
        self.bin = Path(args.build_dir).resolve() / "benchmarks"
        for exe in ("pint_bench_parareal", "pint_bench_pingpong", "pint_bench_peers",
                    "pint_bench_integrators"):
            if not (self.bin / exe).exists():
                raise StudyError(f"{self.bin / exe} is missing; build with "
                                 "`cmake --build --preset default` first")
        attempts = args.attempts or (1 if args.quick else 4)
        quiet_wait = 0 if args.quick else args.quiet_wait
        retry_until = time.monotonic() + args.retry_budget
        self.launcher = Launcher(self.cores, out, attempts, quiet_wait, retry_until, warnings)
        self.runs = {}  # identical configurations are measured once

    def parareal(self, ranks, p_members, members, slices):
        sz = self.sizes
        key = (ranks, p_members, members, slices)
        if key not in self.runs:
            name = f"parareal_np{ranks}_pm{p_members}_m{members}_n{slices}"
            self.runs[key] = self.launcher.run(name, ranks, [
                self.bin / "pint_bench_parareal", "--members", members, "--slices", slices,
                "--t-end", slices * sz["slice_length"], "--fine-steps", sz["fine_steps"],
                "--coarse-steps", sz["coarse_steps"], "--tolerance", sz["tolerance"],
                "--p-members", p_members, "--skip-sequential", "--repeat", sz["repeat"],
                "--json", "{json}"])
        return self.runs[key]

    def sequential(self, members, slices):
        sz = self.sizes
        return self.launcher.run(f"sequential_m{members}_n{slices}", 1, [
            self.bin / "pint_bench_parareal", "--members", members, "--slices", slices,
            "--t-end", slices * sz["slice_length"], "--fine-steps", sz["fine_steps"],
            "--sequential-only", "--repeat", sz["repeat"], "--json", "{json}"])

    def network(self, name):
        j = self.launcher.run(name, 2, [self.bin / "pint_bench_pingpong", "--json",
                                              "{json}"] + self.sizes["pingpong"])
        return {"latency": j["latency_seconds"], "bandwidth": j["bandwidth_bytes_per_second"],
                "mpi_library": j.get("mpi_library"), "sizes": j["sizes"],
                "machine": j["machine"]}

    def gbench(self, name, exe, extra):
        reps = self.sizes["gbench_repetitions"]
        argv = [self.bin / exe, "--benchmark_out={json}", "--benchmark_out_format=json",
                f"--benchmark_repetitions={reps}"] + extra
        if self.args.quick:
            argv.append("--benchmark_min_time=0.01")
        return self.launcher.run(name, 1, argv)

    def peers(self):
        tutorial = self.gbench("peers_tutorial", "pint_bench_peers", ["--benchmark_filter=BM_tutorial"])
        kernels = self.gbench("peers_ensemble_kernel", "pint_bench_integrators",
                              [f"--benchmark_filter={INTEGRATOR_FILTER}"])

        def find(values, fragment):
            hits = [v for k, v in values.items() if fragment in k]
            if len(hits) != 1:
                raise StudyError(f"expected one benchmark matching {fragment!r}, got {values}")
            return hits[0]

        tutorial_report, kernel_report = tutorial, kernels
        tutorial = gbench_values(tutorial, "real_time")
        kernels = gbench_values(kernels, "member_steps_per_s")
        pint_t, plain_t = find(tutorial, "BM_tutorial_pint"), find(tutorial, "BM_tutorial_plain")
        rk4 = find(kernels, "BM_oscillator<rk4>/Serial/1000000/")
        blocked = find(kernels, "BM_reference_rk4<blocked64>")
        naive = find(kernels, "BM_reference_rk4<naive>")
        return {
            "tutorial_sequential": {
                "problem": "omega0 = 1, zeta = 0.5, y0 = (1, 0), linspace(0, 15, 20), "
                           "forward Euler h = 0.01, 1 member",
                "pint_seconds": pint_t, "plain_seconds": plain_t,
                "pint_over_plain_time": pint_t / plain_t},
            "ensemble_kernel_rk4_1e6": {
                "pint_member_steps_per_s": rk4, "blocked_member_steps_per_s": blocked,
                "naive_member_steps_per_s": naive,
                "pint_over_blocked_rate": rk4 / blocked, "pint_over_naive_rate": rk4 / naive},
            "files": ["raw/peers_tutorial.json", "raw/peers_ensemble_kernel.json"],
            "machine": [tutorial_report["machine"], kernel_report["machine"]],
        }


def gbench_values(report, field):
    """{benchmark: value of field}, the median over repetitions (seconds for times)."""
    runs = {}
    for b in report["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        v = b[field]
        if field.endswith("_time"):
            v *= {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
        runs.setdefault(b["run_name"], []).append(v)
    return {k: statistics.median(v) for k, v in runs.items()}


# ---------------------------------------------------------------- the study

def point(study, decomposition, run, t_seq, seq_estimated, cores):
    times = run["parareal_seconds_all"]
    t = run["parareal_seconds"]
    return {
        "study": study, "decomposition": decomposition, "ranks": run["ranks"],
        "p_time": run["p_time"], "p_members": run["p_members"], "members": run["members"],
        "slices": run["slices"], "t_end": run["t_end"], "fine_steps": run["fine_steps"],
        "coarse_steps": run["coarse_steps"], "iterations": run["iterations"],
        "converged": run["converged"], "tau_f": run["tau_f"], "tau_g": run["tau_g"],
        "seconds": t, "seconds_min": min(times), "seconds_max": max(times),
        "repeats": len(times), "sequential_seconds": t_seq,
        "sequential_estimated": seq_estimated, "speedup": t_seq / t,
        "model_seconds": run.get("model_seconds", run["model_pipelined_seconds"]),
        "model_speedup": run["model_speedup"],
        "oversubscribed": run["ranks"] > cores, "run_file": run["machine"]["file"],
        "foreign_cpu_fraction": run["machine"]["foreign_cpu_fraction"],
        "attempts": run["machine"]["attempts"], "result": run,
    }


def measure(s):
    sz, P = s.sizes, s.max_ranks
    ranks = rank_counts(P)
    n_strong, m_strong = max(2, P), sz["members"]
    print(f"scaling_study: ranks {ranks} on {s.cores} usable core(s); strong problem "
          f"{m_strong} members x {n_strong} slices, {sz['repeat']} repeat(s) per point",
          flush=True)
    seq = s.sequential(m_strong, n_strong)
    t_seq = seq["sequential_seconds"]
    per_member_slice = t_seq / (m_strong * n_strong)
    points = []
    for p in ranks:
        points.append(point("strong", "time", s.parareal(p, 1, m_strong, n_strong), t_seq,
                            False, s.cores))
        points.append(point("strong", "member", s.parareal(p, p, m_strong, n_strong), t_seq,
                            False, s.cores))
    # Weak: the sequential time of the grown problem is estimated from the strong
    # one's (measured only where the problems coincide).
    m0, n_member = sz["weak_members_per_rank"], sz["member_slices"]
    for p in ranks:
        points.append(point("weak", "time", s.parareal(p, 1, m_strong, p),
                            per_member_slice * m_strong * p, p != n_strong, s.cores))
        points.append(point("weak", "member", s.parareal(p, p, m0 * p, n_member),
                            per_member_slice * m0 * p * n_member, True, s.cores))
    for dec in ("time", "member"):
        pts = [q for q in points if q["study"] == "weak" and q["decomposition"] == dec]
        for q in pts:
            q["weak_efficiency"] = pts[0]["seconds"] / q["seconds"]
    for q in points:
        q["efficiency"] = q["speedup"] / q["ranks"]
        q["speedup_over_model"] = q["speedup"] / q["model_speedup"]
    return {"sequential": seq, "points": points}


def curves(points, net):
    out = {}
    for study in ("strong", "weak"):
        for dec in ("time", "member"):
            pts = [q for q in points if q["study"] == study and q["decomposition"] == dec]
            out[(study, dec)] = Curve(study, dec, pts[0], net)
    return out


def predictions(cv, max_ranks):
    ps = rank_counts(PREDICT_MAX_RANKS)
    n_big = PREDICT_MAX_RANKS
    pred = {"ranks": ps, "strong_time_slices": n_big}
    st, sm = cv[("strong", "time")], cv[("strong", "member")]
    wt, wm = cv[("weak", "time")], cv[("weak", "member")]
    pred["strong_time_speedup"] = [st.speedup(p, n_big) for p in ps]
    pred["strong_time_speedup_bound"] = st.tau_f / st.tau_g
    # At most one member per block: the member-parallel curve stops at M ranks.
    pred["strong_member_ranks"] = [p for p in ps if p <= sm.base["members"]]
    pred["strong_member_speedup"] = [sm.speedup(p) for p in pred["strong_member_ranks"]]
    pred["weak_time_efficiency"] = [wt.weak_efficiency(p) for p in ps]
    pred["weak_time_scaled_speedup"] = [wt.speedup(p) for p in ps]
    pred["weak_member_efficiency"] = [wm.weak_efficiency(p) for p in ps]
    pred["weak_member_scaled_speedup"] = [wm.speedup(p) for p in ps]
    pred["measured_ranks"] = rank_counts(max_ranks)
    return pred


# ---------------------------------------------------------------- output

CSV_FIELDS = ["study", "decomposition", "ranks", "p_time", "p_members", "members", "slices",
              "t_end", "fine_steps", "coarse_steps", "iterations", "converged", "tau_f", "tau_g",
              "seconds", "seconds_min", "seconds_max", "repeats", "sequential_seconds",
              "sequential_estimated", "speedup", "efficiency", "weak_efficiency",
              "model_seconds", "model_speedup", "speedup_over_model", "curve_model_seconds",
              "curve_model_speedup", "oversubscribed", "foreign_cpu_fraction", "attempts",
              "run_file"]


def csv_value(v):
    if v is None:
        return ""
    return f"{v:.6g}" if isinstance(v, float) else v


def write_csv(path, points):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for q in points:
            w.writerow({k: csv_value(q.get(k)) for k in CSV_FIELDS})


def plots(out, points, cv, pred, max_ranks):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"time": "tab:blue", "member": "tab:orange"}
    labels = {"time": "time-parallel (P_time = P)", "member": "member-parallel (P_members = P)"}
    xs = list(range(1, max_ranks + 1))

    def measured(ax, study, dec, value, spread=True):
        pts = [q for q in points if q["study"] == study and q["decomposition"] == dec]
        x = [q["ranks"] for q in pts]
        y = [value(q, q["seconds"]) for q in pts]
        if spread:
            lo = [y[i] - value(q, q["seconds_max"]) for i, q in enumerate(pts)]
            hi = [value(q, q["seconds_min"]) - y[i] for i, q in enumerate(pts)]
            ax.errorbar(x, y, yerr=[lo, hi], fmt="o", color=colors[dec], capsize=4,
                        label=f"{labels[dec]}, measured")
        else:
            ax.plot(x, y, "o", color=colors[dec], label=f"{labels[dec]}, measured")

    def finish(ax, xlabel, ylabel, title, log=False):
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        if log:
            ax.set_xscale("log", base=2)
        else:
            ax.set_xticks(xs)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)

    # Strong: speedup and efficiency.
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for dec in ("time", "member"):
        c = cv[("strong", dec)]
        measured(a1, "strong", dec, lambda q, t: q["sequential_seconds"] / t)
        measured(a2, "strong", dec, lambda q, t: q["sequential_seconds"] / t / q["ranks"])
        a1.plot(xs, [c.speedup(p) for p in xs], "--", color=colors[dec], label=f"model ({dec})")
        a2.plot(xs, [c.speedup(p) / p for p in xs], "--", color=colors[dec],
                label=f"model ({dec})")
    a1.plot(xs, xs, ":", color="gray", label="ideal")
    a2.plot(xs, [1] * len(xs), ":", color="gray", label="ideal")
    sample = points[0]
    problem = (f"{sample['members']:,} oscillators, {sample['slices']} slices, RK4 "
               f"{sample['fine_steps']}/{sample['coarse_steps']} steps per slice")
    finish(a1, "ranks P", "speedup T_seq / T(P)", f"strong scaling: {problem}")
    finish(a2, "ranks P", "efficiency speedup / P", "strong scaling efficiency")
    a2.set_ylim(0, 1.15)
    fig.tight_layout()
    fig.savefig(out / "strong.png", dpi=90)
    plt.close(fig)

    # Weak: efficiency T(1)/T(P) and scaled speedup.
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for dec in ("time", "member"):
        c = cv[("weak", dec)]
        base = [q for q in points if q["study"] == "weak" and q["decomposition"] == dec][0]
        measured(a1, "weak", dec, lambda q, t: base["seconds"] / t, spread=True)
        measured(a2, "weak", dec, lambda q, t: q["sequential_seconds"] / t)
        a1.plot(xs, [c.weak_efficiency(p) for p in xs], "--", color=colors[dec],
                label=f"model ({dec})")
        a2.plot(xs, [c.speedup(p) for p in xs], "--", color=colors[dec],
                label=f"model ({dec})")
    a1.plot(xs, [1] * len(xs), ":", color="gray", label="ideal")
    a2.plot(xs, xs, ":", color="gray", label="ideal")
    finish(a1, "ranks P", "weak efficiency T(1) / T(P)",
           "weak scaling: slices (time) or members (member) grow with P")
    a1.set_ylim(0, 1.15)
    finish(a2, "ranks P", "scaled speedup T_seq(P) / T(P)", "weak scaling, scaled speedup")
    fig.tight_layout()
    fig.savefig(out / "weak.png", dpi=90)
    plt.close(fig)

    # The model beyond the machine.
    ps = pred["ranks"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    a1.plot(ps, ps, ":", color="gray", label="ideal")
    a1.plot(ps, pred["strong_time_speedup"], "-", color=colors["time"],
            label=f"model, time-parallel, N = {pred['strong_time_slices']} slices")
    a1.axhline(pred["strong_time_speedup_bound"], color=colors["time"], lw=0.8, ls="-.",
               label="bound tau_F / tau_G")
    a1.plot(pred["strong_member_ranks"], pred["strong_member_speedup"], "-",
            color=colors["member"],
            label="model, member-parallel")
    measured(a1, "strong", "time", lambda q, t: q["sequential_seconds"] / t, spread=False)
    measured(a1, "strong", "member", lambda q, t: q["sequential_seconds"] / t, spread=False)
    a1.set_yscale("log", base=2)
    finish(a1, "ranks P", "speedup", "strong scaling, predicted to 4096 ranks", log=True)
    a2.plot(ps, [1] * len(ps), ":", color="gray", label="ideal")
    a2.plot(ps, pred["weak_time_efficiency"], "-", color=colors["time"],
            label="model, time-parallel (one slice per rank)")
    a2.plot(ps, pred["weak_member_efficiency"], "-", color=colors["member"],
            label="model, member-parallel")
    for dec in ("time", "member"):
        base = [q for q in points if q["study"] == "weak" and q["decomposition"] == dec][0]
        measured(a2, "weak", dec, lambda q, t: base["seconds"] / t, spread=False)
    a2.set_ylim(0, 1.1)
    finish(a2, "ranks P", "weak efficiency T(1) / T(P)", "weak scaling, predicted to 4096 ranks",
           log=True)
    fig.tight_layout()
    fig.savefig(out / "prediction.png", dpi=90)
    plt.close(fig)


def run_git(*argv):
    p = subprocess.run(["git", "-C", str(ROOT), *argv], capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else None


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def targets(points, sequential):
    """The study's acceptance figures, where this run has them (medians of the
    repeats; "from_fastest_runs": the same from each point's fastest repeat)."""
    out = []
    weak = [q for q in points if q["study"] == "weak" and q["decomposition"] == "member"
            and q["ranks"] == 2]
    if weak:
        base = [q for q in points if q["study"] == "weak" and q["decomposition"] == "member"][0]
        out.append({"name": "weak scaling, member-parallel, 1 -> 2 ranks: efficiency",
                    "value": weak[0]["weak_efficiency"], "threshold": 0.9,
                    "met": weak[0]["weak_efficiency"] >= 0.9,
                    "from_fastest_runs": base["seconds_min"] / weak[0]["seconds_min"]})
    strong = [q for q in points if q["study"] == "strong" and q["decomposition"] == "time"
              and q["ranks"] == 2]
    if strong:
        q = strong[0]
        out.append({"name": f"strong scaling, parareal on 2 ranks (K = {q['iterations']}): "
                            "measured speedup / model speedup",
                    "value": q["speedup_over_model"], "threshold": 0.9,
                    "met": q["speedup_over_model"] >= 0.9,
                    "against_curve_from_one_rank_costs": q["speedup"] / q["curve_model_speedup"],
                    "from_fastest_runs": min(sequential["sequential_seconds_all"]) / q["seconds_min"]
                    / q["model_speedup"]})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--max-ranks", type=int, default=0,
                    help="largest rank count (default: the usable cores)")
    ap.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test, seconds")
    ap.add_argument("--repeat", type=int, default=0, help="timed runs per point (default 5)")
    ap.add_argument("--attempts", type=int, default=0,
                    help="runs of a point disturbed by other processes, at most (default 4; "
                         "--quick: 1)")
    ap.add_argument("--quiet-wait", type=float, default=30,
                    help="seconds to wait for a quiet machine before each run (default 30)")
    ap.add_argument("--retry-budget", type=float, default=360,
                    help="no waiting or rerunning after this many seconds (default 360), so "
                         "that a busy machine cannot stretch the study without end")
    ap.add_argument("--build-dir", default=str(ROOT / "build" / "default"),
                    help="pint's build directory (default build/default)")
    args = ap.parse_args()
    if min(args.max_ranks, args.repeat, args.attempts, args.quiet_wait, args.retry_budget) < 0:
        ap.error("--max-ranks, --repeat, --attempts, --quiet-wait and --retry-budget must not "
                 "be negative")
    started = time.monotonic()
    out = Path(args.out)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    warnings = []
    load_before = os.getloadavg()
    try:
        s = Study(args, out, warnings)
        if s.max_ranks > s.cores:
            warn(warnings, f"{s.max_ranks} ranks on {s.cores} usable core(s): ranks will "
                           "outnumber cores (oversubscribed), and those timings mean little")
        if s.cores < 2:
            warn(warnings, "the ping-pong runs 2 ranks on 1 core (oversubscribed)")
        if load_before[0] > 0.35 * s.cores:
            warn(warnings, f"1-minute load {load_before[0]:.2f} on {s.cores} core(s) before "
                           "the study: other work may disturb the timings")
        # The ping-pong runs before and after the study (shared-memory transfers
        # between two vCPUs vary with where the host places them); the model
        # takes the slower of the two.
        nets = [s.network("pingpong_before")]
        measured_data = measure(s)
        peers = s.peers()
        nets.append(s.network("pingpong_after"))
    except StudyError as e:
        print(f"scaling_study: {e}", file=sys.stderr)
        return 1
    net = dict(min(nets, key=lambda n: n["bandwidth"]), runs=nets)
    points = measured_data["points"]
    cv = curves(points, net)
    for q in points:
        c = cv[(q["study"], q["decomposition"])]
        t, seq = c.times(q["ranks"])
        q["curve_model_seconds"], q["curve_model_speedup"] = t, seq / t
    pred = predictions(cv, s.max_ranks)
    plots(out, points, cv, pred, s.max_ranks)
    write_csv(out / "scaling.csv", points)

    first = points[0]["result"]
    context = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": socket.gethostname(), "cpu": cpu_model(), "cores_usable": s.cores,
        "cpu_count": os.cpu_count(), "git": run_git("rev-parse", "HEAD"),
        "git_dirty": bool(run_git("status", "--porcelain")), "build_git": first["git"],
        "kokkos": first["kokkos"], "kokkos_backends": first["backends"],
        "execution_space": first["execution_space"],
        "threads_per_rank": first["threads_per_rank"], "mpiexec": s.launcher.mpi,
        "mpi_library": net["mpi_library"], "python": platform.python_version(),
        "command": [sys.argv[0]] + sys.argv[1:], "quick": args.quick, "sizes": s.sizes,
        "max_ranks": s.max_ranks, "load_before": load_before, "load_after": os.getloadavg(),
    }
    tg = targets(points, measured_data["sequential"])
    wall = time.monotonic() - started
    report = {
        "context": context, "warnings": warnings, "wall_seconds": wall,
        "network": net, "sequential": measured_data["sequential"], "points": points,
        "model": {
            "formula": "T_par = N tau_G + K s (tau_F + tau_G) + (P_time - 1 + K) (alpha + b/beta)"
                       " + K ceil(log2 P) alpha; T_seq = N P_members tau_F",
            "curves": {f"{k[0]}_{k[1]}": {"tau_f_one_rank": c.tau_f, "tau_g_one_rank": c.tau_g,
                                          "iterations": c.k, "base_run": c.base["run_file"]}
                       for k, c in cv.items()},
            "alpha": net["latency"], "beta": net["bandwidth"]},
        "predictions": pred, "peers": peers, "targets": tg,
        "files": ["scaling.csv", "strong.png", "weak.png", "prediction.png"],
    }
    (out / "scaling.json").write_text(json.dumps(report, indent=1, default=str) + "\n")

    print(f"\n{'study':<7}{'decomposition':<14}{'P':>3}{'members':>10}{'slices':>7}{'K':>3}"
          f"{'T[s]':>9}{'min..max':>16}{'speedup':>9}{'eff':>7}{'model':>8}{'meas/model':>11}")
    for q in points:
        eff = q.get("weak_efficiency", q["efficiency"])
        print(f"{q['study']:<7}{q['decomposition']:<14}{q['ranks']:>3}{q['members']:>10}"
              f"{q['slices']:>7}{q['iterations']:>3}{q['seconds']:>9.3f}"
              f"{q['seconds_min']:>8.3f}..{q['seconds_max']:<6.3f}{q['speedup']:>9.3f}"
              f"{eff:>7.3f}{q['model_speedup']:>8.3f}{q['speedup_over_model']:>11.3f}")
    print(f"\nsequential fine run: {measured_data['sequential']['sequential_seconds']:.3f} s; "
          "network (ping-pong before, after the study): latency " +
          ", ".join(f"{n['latency'] * 1e6:.2f}" for n in nets) + " us, bandwidth " +
          ", ".join(f"{n['bandwidth'] / 1e9:.2f}" for n in nets) + " GB/s")
    t = peers["tutorial_sequential"]
    k = peers["ensemble_kernel_rk4_1e6"]
    print(f"peers: tutorial run, pint {t['pint_seconds'] * 1e6:.2f} us vs plain loop "
          f"{t['plain_seconds'] * 1e6:.2f} us (pint / plain time {t['pint_over_plain_time']:.2f}); "
          f"RK4 kernel at 10^6 members, pint / hand-written blocked rate "
          f"{k['pint_over_blocked_rate']:.3f}, pint / naive {k['pint_over_naive_rate']:.3f}")
    for x in tg:
        print(f"target: {x['name']} = {x['value']:.3f} (>= {x['threshold']}): "
              f"{'met' if x['met'] else 'MISSED'}")
    print(f"scaling_study: wrote {out}/scaling.csv, scaling.json, strong.png, weak.png, "
          f"prediction.png in {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
