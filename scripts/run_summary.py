#!/usr/bin/env python3
"""Summarises runs from their log.jsonl: the live metric points (FID, IS), the measured series
(test accuracies, modes covered) and window means of per-step scalars; optionally the correlation of
a per-step scalar with FID over the run. Plain Python (no numpy), for the README's signature figures.

  scripts/run_summary.py RUN_DIR... [--windows 1-50,200-500] [--scalars d_fake,loss_g]
                                    [--corr wasserstein] [--every 1]
"""
import argparse
import json
import math
import os
import sys


def rows_of(run):
    path = os.path.join(run, "log.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def pearson(xs, ys):
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("runs", nargs="+")
    p.add_argument("--windows", default="", help="step ranges for the window means, e.g. 1-50,200-500")
    p.add_argument("--scalars", default="", help="per-step scalars to average over the windows")
    p.add_argument("--corr", default="", help="a per-step scalar to correlate with FID (mean over the 100 steps before each point)")
    p.add_argument("--measured", default="", help="measured series to list (default: every one found)")
    a = p.parse_args()
    windows = [tuple(int(x) for x in w.split("-")) for w in a.windows.split(",") if w]
    scalars = [s for s in a.scalars.split(",") if s]
    for run in a.runs:
        rows = rows_of(run)
        steps = [r for r in rows if "step" in r and "event" not in r and "config" not in r]
        metrics = [r for r in rows if r.get("event") == "metric"]
        print(f"## {run}: {steps[-1]['step'] if steps else 0} steps logged")
        if metrics:
            print("FID: " + ", ".join(f"{m['step']}: {m['fid']:.0f}" for m in metrics))
            print("IS:  " + ", ".join(f"{m['step']}: {m['is_mean']:.2f}" for m in metrics))
        known = {"step", "loss_d", "loss_g", "d_real", "d_fake", "wasserstein", "gp", "grad_norm", "loss_sup", "step_ms", "time",
                 "steps_per_sec"}
        measured = [s for s in a.measured.split(",") if s] or sorted(
            {k for r in steps for k in r if k not in known and not k.startswith("loss")})
        for key in measured:
            pts = [(r["step"], r[key]) for r in steps if key in r]
            if pts:
                print(f"{key}: " + ", ".join(f"{s}: {v:.4f}" for s, v in pts))
        for key in scalars:
            parts = []
            for lo, hi in windows:
                xs = [r[key] for r in steps if key in r and lo <= r["step"] <= hi]
                parts.append(f"steps {lo}-{hi}: {mean(xs):.3f} ({len(xs)} rows)")
            print(f"{key} means: " + "; ".join(parts))
        if a.corr and metrics:
            xs, ys = [], []
            for m in metrics:
                window = [r[a.corr] for r in steps if a.corr in r and m["step"] - 100 < r["step"] <= m["step"]]
                if window:
                    xs.append(mean(window))
                    ys.append(m["fid"])
            print(f"{a.corr} (mean of the 100 steps before each FID point): " +
                  ", ".join(f"{x:.4f}" for x in xs))
            print(f"Pearson r({a.corr}, FID) over {len(xs)} points: {pearson(xs, ys):.3f}")
        print()


if __name__ == "__main__":
    sys.exit(main())
