#!/usr/bin/env bash
# The README's ProGAN comparison (the paper's Figure 4, on this machine): the same networks trained
# with progressive growing and without it (at 32x32 from the start), side by side for the same wall
# time, one thread each, with the live metrics every 250 steps: classifier FID and MS-SSIM on 1 000
# samples, and the sliced Wasserstein distance on 500 of them against 500 training images.
# Usage: scripts/progan_compare.sh [SECONDS] (default 1200)       then: scripts/progan_compare.sh --summary
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--summary" ]; then
  seconds=${1:-1200}
  common=(--model progan --data fashion-mnist --steps 1000000 --metrics-every 250 --metrics-samples 1000 --metrics-swd 500
          --sample-every 250 --log-every 10)
  rm -rf runs/progan-grow runs/progan-flat
  GAN_EXPLORER_THREADS=1 timeout -s INT "$seconds" build/gan-explorer train "${common[@]}" --out runs/progan-grow \
    --fade_images 12000 --stable_images 12000 > runs/progan-grow.txt 2>&1 &
  GAN_EXPLORER_THREADS=1 timeout -s INT "$seconds" build/gan-explorer train "${common[@]}" --out runs/progan-flat \
    --grow off > runs/progan-flat.txt 2>&1 &
  wait
fi
# FID and SWD against wall time (from each run's start), with the stage at that step; a growing run's
# points before its last stage is complete are measured against real images brought to that stage (*).
/usr/bin/python3 - <<'PY'
import json
runs = {}
for name in ("progan-grow", "progan-flat"):
    t0, steps, fid = None, {}, []
    for line in open(f"runs/{name}/log.jsonl"):
        j = json.loads(line)
        if j.get("event") == "start": t0 = j["time"]
        elif j.get("event") == "metric": fid.append((j["step"], j["time"] - t0, j["fid"], j.get("swd") or {},
                                                     j.get("ms_ssim"), j.get("ms_ssim_real"), j.get("real_path", "")))
        elif "step_ms" in j: steps[j["step"]] = j
    last = max(steps)
    runs[name] = (fid, steps, last, steps[last]["time"] - t0)
    print(f"{name}: {last} steps, {steps[last]['kimg']:.1f}k images in {steps[last]['time'] - t0:.0f} s")
print("| minutes | growing: step, side, FID, SWD | not growing: step, FID, SWD |")
print("|---|---|---|")
for m in range(2, 21, 2):
    row = [f"{m}"]
    for name in ("progan-grow", "progan-flat"):
        fid, steps = runs[name][0], runs[name][1]
        before = [p for p in fid if p[1] <= m * 60]
        if not before: row.append("–"); continue
        s, t, f, swd, ms, ms_real, path = before[-1]
        side = int(steps[max(k for k in steps if k <= s)]["resolution"])
        w = f"{swd['mean_x1e3']:.1f}" if swd else "–"
        star = "*" if path else ""
        row.append(f"{s}, {side}×{side}{star}, {f:.0f}, {w}" if name == "progan-grow" else f"{s}, {f:.0f}, {w}")
    print("| " + " | ".join(row) + " |")
for name in ("progan-grow", "progan-flat"):
    s, t, f, swd, ms, ms_real, path = runs[name][0][-1]
    levels = ", ".join(f"{side} px {v:.2f}" for side, v in zip(swd.get("sides", []), swd.get("per_level_x1e3", [])))
    print(f"{name} last point (step {s}): FID {f:.1f}, SWD x1e3 {levels}; MS-SSIM {ms:.4f} (real {ms_real:.4f})")
# The curves, when Debian's python3-matplotlib is there: FID and SWD against minutes; a growing run's
# points measured below its final stage are hollow.
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    raise SystemExit("(python3-matplotlib is not installed: no figure)")
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100)
for name, colour, label in (("progan-grow", "tab:red", "growing"), ("progan-flat", "tab:blue", "not growing")):
    pts = runs[name][0]
    for ax, key in ((axes[0], "fid"), (axes[1], "swd")):
        xs = [p[1] / 60 for p in pts]
        ys = [p[2] if key == "fid" else (p[3] or {}).get("mean_x1e3") for p in pts]
        ax.plot(xs, ys, "-", color=colour, label=label, linewidth=1.4)
        for x, y, p in zip(xs, ys, pts):
            if y is not None:
                ax.plot(x, y, "o", color=colour, markerfacecolor="white" if p[6] else colour, markersize=4)
axes[0].set_ylabel("FID (classifier, 1 000 samples)")
axes[1].set_ylabel("SWD ×10³, mean of levels (500 images)")
for ax in axes:
    ax.set_xlabel("minutes")
    ax.grid(alpha=0.3)
    ax.legend()
fig.suptitle("ProGAN on Fashion-MNIST, same networks, same wall time (hollow: measured at an earlier stage)", fontsize=10)
fig.tight_layout()
fig.savefig("docs/progan/figure4.png")
print("wrote docs/progan/figure4.png")
PY
