#!/usr/bin/python3
"""Plots a pint run: trajectories against the exact damped oscillator, and the
convergence history.

    /usr/bin/python3 examples/plot.py OUTPUT_DIR [--member M] [--omega0 W --zeta Z --q0 Q --p0 P]

Reads OUTPUT_DIR/trajectory.h5 (or --trajectory FILE) and, when present,
OUTPUT_DIR/run.h5 (or --run FILE); writes trajectory.png and convergence.png
into OUTPUT_DIR (or --out DIR). The oscillator's parameters come from the
options, else from the attributes omega0, zeta, q0, p0 of trajectory.h5 (a
scalar, or one value per ensemble member), else from run.h5's configuration.
Other systems (trajectory.h5's `system` attribute) are drawn without an exact
solution.
Needs h5py, numpy and matplotlib (Debian: python3-h5py python3-numpy
python3-matplotlib).
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402


def exact(t, omega0, zeta, q0, p0):
    """Closed-form (q, p) of q'' + 2 zeta omega0 q' + omega0^2 q = 0, q(0)=q0, q'(0)=p0."""
    t = np.asarray(t, dtype=float)
    a = zeta * omega0
    if np.isclose(zeta, 1.0):  # critically damped
        c = p0 + omega0 * q0
        e = np.exp(-omega0 * t)
        return e * (q0 + c * t), e * (c - omega0 * (q0 + c * t))
    if zeta < 1.0:  # underdamped
        wd = omega0 * np.sqrt(1.0 - zeta * zeta)
        b = (p0 + a * q0) / wd
        e = np.exp(-a * t)
        c, s = np.cos(wd * t), np.sin(wd * t)
        q = e * (q0 * c + b * s)
        p = e * ((b * wd - a * q0) * c - (q0 * wd + a * b) * s)
        return q, p
    r = omega0 * np.sqrt(zeta * zeta - 1.0)  # overdamped: roots -a +- r
    r1, r2 = -a + r, -a - r
    c1 = (p0 - r2 * q0) / (r1 - r2)
    c2 = q0 - c1
    return c1 * np.exp(r1 * t) + c2 * np.exp(r2 * t), c1 * r1 * np.exp(r1 * t) + c2 * r2 * np.exp(r2 * t)


def parameter(name, given, sources, member_index):
    if given is not None:
        return given
    for attrs in sources:
        if name in attrs:
            value = np.asarray(attrs[name], dtype=float)
            return float(value) if value.ndim == 0 else float(value[member_index])
    sys.exit(f"plot.py: no value for {name}: pass --{name}, or write it as an attribute of "
             f"trajectory.h5")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directory", help="a pint output directory")
    ap.add_argument("--trajectory", help="trajectory file (default DIRECTORY/trajectory.h5)")
    ap.add_argument("--run", help="run file (default DIRECTORY/run.h5, if present)")
    ap.add_argument("--out", help="where the PNGs go (default DIRECTORY)")
    ap.add_argument("--member", type=int, default=0, help="column of `data` to plot (default 0)")
    for name in ("omega0", "zeta", "q0", "p0"):
        ap.add_argument(f"--{name}", type=float)
    args = ap.parse_args()

    trajectory = args.trajectory or os.path.join(args.directory, "trajectory.h5")
    run = args.run or os.path.join(args.directory, "run.h5")
    out = args.out or args.directory
    run_attrs = {}
    history = None
    if os.path.exists(run):
        with h5py.File(run, "r") as f:
            run_attrs = dict(f.attrs)
            history = f["convergence"][...]

    with h5py.File(trajectory, "r") as f:
        t = f["t"][...]
        y = f["data"][:, args.member, :]
        member = int(f["members"][args.member]) if "members" in f else args.member
        attrs = dict(f.attrs)
    system = attrs.get("system", "oscillator")
    system = system.decode() if isinstance(system, bytes) else str(system)
    if system != "oscillator":
        fig, ax = plt.subplots(figsize=(8, 5))
        for c in range(y.shape[1]):
            ax.plot(t, y[:, c], ".", ms=3, label=f"y[{c}] pint")
        ax.set_xlabel("t")
        ax.set_ylabel("state")
        ax.set_title(f"{system}, member {member}")
        ax.legend()
        print(f"member {member}: {len(t)} time points ({system}: no exact solution drawn)")
    else:
        omega0, zeta, q0, p0 = (parameter(n, getattr(args, n), (attrs, run_attrs), member)
                                for n in ("omega0", "zeta", "q0", "p0"))
        q, p = exact(t - t[0], omega0, zeta, q0, p0)
        err = np.max(np.abs(y[:, 0] - q))
        print(f"member {member}: {len(t)} time points, max |q - q_exact| = {err:.3e}")

        fig, (ax, ax_err) = plt.subplots(2, 1, figsize=(8, 6), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1]})
        ax.plot(t, q, "k-", lw=1, label="q exact")
        ax.plot(t, p, "k--", lw=1, label="p exact")
        ax.plot(t, y[:, 0], ".", ms=3, label="q pint")
        ax.plot(t, y[:, 1], ".", ms=3, label="p pint")
        ax.set_ylabel("state")
        ax.set_title(f"damped oscillator, member {member}: omega0={omega0:g}, zeta={zeta:g}")
        ax.legend()
        for values, ref, label in ((y[:, 0], q, "q"), (y[:, 1], p, "p")):
            e = np.abs(values - ref)
            ax_err.semilogy(t, np.where(e > 0, e, np.nan), lw=1, label=label)  # exact: no mark
        ax_err.set_xlabel("t")
        ax_err.set_ylabel("|error|")
        ax_err.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "trajectory.png"), dpi=100)
    written = ["trajectory.png"]

    if history is not None and len(history) > 0:
        fig, ax = plt.subplots(figsize=(6, 4))
        k = np.arange(1, len(history) + 1)
        ax.semilogy(k, history, "o-")
        if "tolerance" in run_attrs:
            ax.axhline(float(run_attrs["tolerance"]), color="gray", ls=":", label="tolerance")
            ax.legend()
        ax.set_xlabel("iteration k")
        ax.set_ylabel("max |U^k - U^(k-1)|")
        ax.set_title("parareal convergence")
        ax.set_xticks(k)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "convergence.png"), dpi=100)
        written.append("convergence.png")
    print("wrote " + ", ".join(os.path.join(out, w) for w in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
