#!/usr/bin/env bash
# The README's ProGAN comparison (the paper's Figure 4, on this machine): the same networks trained
# with progressive growing and without it (at 32x32 from the start), side by side for the same wall
# time, one thread each, with the live classifier FID every 250 steps on 1 000 samples.
# Usage: scripts/progan_compare.sh [SECONDS] (default 1200)       then: scripts/progan_compare.sh --summary
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--summary" ]; then
  seconds=${1:-1200}
  common=(--model progan --data fashion-mnist --steps 1000000 --metrics-every 250 --metrics-samples 1000
          --sample-every 250 --log-every 10)
  rm -rf runs/progan-grow runs/progan-flat
  GAN_EXPLORER_THREADS=1 timeout -s INT "$seconds" build/gan-explorer train "${common[@]}" --out runs/progan-grow \
    --fade_images 12000 --stable_images 12000 > runs/progan-grow.txt 2>&1 &
  GAN_EXPLORER_THREADS=1 timeout -s INT "$seconds" build/gan-explorer train "${common[@]}" --out runs/progan-flat \
    --grow off > runs/progan-flat.txt 2>&1 &
  wait
fi
# FID against wall time (from each run's start), with the stage and images shown at that step.
python3 - <<'PY'
import json
runs = {}
for name in ("progan-grow", "progan-flat"):
    t0, steps, fid = None, {}, []
    for line in open(f"runs/{name}/log.jsonl"):
        j = json.loads(line)
        if j.get("event") == "start": t0 = j["time"]
        elif j.get("event") == "metric": fid.append((j["step"], j["time"] - t0, j["fid"]))
        elif "step_ms" in j: steps[j["step"]] = j
    last = max(steps)
    runs[name] = (fid, steps, last, steps[last]["time"] - t0)
    print(f"{name}: {last} steps, {steps[last]['kimg']:.1f}k images in {steps[last]['time'] - t0:.0f} s")
print("| minutes | growing: step, side, FID | not growing: step, FID |")
print("|---|---|---|")
for m in range(2, 21, 2):
    row = [f"{m}"]
    for name in ("progan-grow", "progan-flat"):
        fid, steps = runs[name][0], runs[name][1]
        before = [p for p in fid if p[1] <= m * 60]
        if not before: row.append("–"); continue
        s, t, f = before[-1]
        side = int(steps[max(k for k in steps if k <= s)]["resolution"])
        row.append(f"{s}, {side}×{side}, {f:.0f}" if name == "progan-grow" else f"{s}, {f:.0f}")
    print("| " + " | ".join(row) + " |")
PY
