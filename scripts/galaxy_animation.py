#!/usr/bin/python3
"""Animated GIF of a galaxy collision written by pint (galaxy.h5, the seed's layout).

    /usr/bin/python3 scripts/galaxy_animation.py output/galaxy/galaxy.h5 [-o galaxy.gif]

Reads pos_pt (stars x time points x 3) and pos_nuc (1 x time points x 3) and draws,
for each time point, the stars and the nucleus projected on the x-y plane, with
the host galaxy's centre at the origin. Needs Debian's python3-h5py and
python3-matplotlib (Pillow writes the GIF).
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", help="galaxy.h5 written by pint")
    ap.add_argument("-o", "--output", help="GIF to write (default: next to the file)")
    ap.add_argument("--fps", type=int, default=15)
    ap.add_argument("--max-frames", type=int, default=200, help="use at most this many time points")
    args = ap.parse_args()
    try:
        with h5py.File(args.file, "r") as f:
            pos = f["pos_pt"][...]
            nuc = f["pos_nuc"][...]
            t = f["t"][...]
    except (OSError, KeyError) as e:
        sys.exit(f"galaxy_animation: {args.file}: not a pint galaxy file ({e}); "
                 "make one with pint_galaxy or pint run --system galaxy")
    stride = max(1, len(t) // args.max_frames)
    frames = range(0, len(t), stride)
    out = args.output or args.file.rsplit(".", 1)[0] + ".gif"

    lim = max(abs(pos[:, :, :2]).max(), abs(nuc[:, :, :2]).max()) * 1.05
    fig, ax = plt.subplots(figsize=(5, 5), dpi=80)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.plot([0], [0], marker="*", color="darkorange", markersize=14, label="host centre")
    stars = ax.scatter(pos[:, 0, 0], pos[:, 0, 1], s=2, color="steelblue", label="stars")
    (nucleus,) = ax.plot([nuc[0, 0, 0]], [nuc[0, 0, 1]], "o", color="crimson", label="nucleus")
    title = ax.set_title("")
    ax.legend(loc="upper right", fontsize=8)

    def draw(k):
        stars.set_offsets(pos[:, k, :2])
        nucleus.set_data([nuc[0, k, 0]], [nuc[0, k, 1]])
        title.set_text(f"t = {t[k]:.2f}   ({pos.shape[0]} stars)")
        return stars, nucleus, title

    FuncAnimation(fig, draw, frames=frames, blit=False).save(out, writer=PillowWriter(fps=args.fps))
    print(f"wrote {out} ({len(frames)} frames)")


if __name__ == "__main__":
    main()
