#!/usr/bin/env bash
# The GUI soak test: MINUTES (default 60) of DCGAN training in the real window under Xvfb, with live
# metrics every 100 steps and the explorer's sliders dragged all the while. Writes docs/soak.json (stalls,
# memory over time, the loss plot's repaint at the end) and docs/gui-soak.png.
# A small DCGAN (16 px, widths 16) steps fast enough for about 10^5 loss points an hour on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
cmake --build build --target gan-soak
export GAN_EXPLORER_RUNS=${GAN_EXPLORER_RUNS:-/tmp/gan-soak-runs}
xvfb-run -a -s "-screen 0 1440x900x24" build/app/gan-soak --minutes "$minutes" --out docs/soak.json --shot docs/gui-soak.png \
  --model dcgan --param resolution=16 --param ngf=16 --param ndf=16 --param batch=16 \
  --metrics-every 100 --metrics-samples 500
cat docs/soak.json
