#!/usr/bin/python3
"""The fidelity-diversity figure: `gan-explorer metrics --sweep ... --json` outputs plotted, IS against
FID and IS against the MS-SSIM among samples, a line per file, each point labelled with its value.
Needs python3-matplotlib.

  scripts/sweep_plot.py OUT.png LABEL=SWEEP.json [LABEL=SWEEP.json ...]
"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main():
    out, runs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for label, path in runs:
        j = json.load(open(path))
        pts = j["points"]
        isv = [p["is_mean"] for p in pts]
        for ax, key in zip(axes, ["fid", "ms_ssim"]):
            xs = [p[key] for p in pts]
            line, = ax.plot(xs, isv, marker="o", label="%s (%s)" % (label, j["label"]))
            for x, y, p in zip(xs, isv, pts):
                ax.annotate(p["value"], (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8,
                            color=line.get_color())
    real = json.load(open(runs[0][1]))["points"][0]
    axes[0].set_xscale("log")
    axes[0].set_xlabel("FID (classifier features; lower: closer to the data)")
    axes[1].set_xlabel("MS-SSIM among samples (higher: less varied; real images %.3f)" % real["ms_ssim_real"])
    axes[1].axvline(real["ms_ssim_real"], color="grey", lw=0.8, ls=":")
    for ax in axes:
        ax.set_ylabel("IS (classifier)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Truncation: %d samples per point, %s" % (real["n_fake"], real["extractor"].split(";")[0]), fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print("wrote", out)


if __name__ == "__main__":
    main()
