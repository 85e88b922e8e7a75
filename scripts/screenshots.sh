#!/usr/bin/env bash
# Regenerates the README's pictures from a trained checkpoint (default runs/long/checkpoint.pt):
# the sample grid and interpolation strip (CLI), and a screenshot of the real window training
# under Xvfb (scripts/screenshot.cpp). Needs ./run.sh to have built once.
set -euo pipefail
cd "$(dirname "$0")/.."
ckpt=${1:-runs/long/checkpoint.pt}
mkdir -p docs
cmake --build build --target gan-screenshot
build/gan-explorer sample --checkpoint "$ckpt" --n 64 --out docs/dcgan-4000.png
build/gan-explorer interpolate --checkpoint "$ckpt" --from-seed 3 --to-seed 11 --frames 10 --out docs/interp.png
# Continue a copy of the run in the GUI for a minute, so the plot shows its history and live points.
work=$(mktemp -d)
cp "$ckpt" "$work/checkpoint.pt"
xvfb-run -a -s "-screen 0 1600x1000x24" build/app/gan-screenshot --checkpoint "$work/checkpoint.pt" \
  --steps 100000 --seconds "${SECONDS_TRAINING:-60}" --t 0.35 --out docs/gui-training.png
rm -rf "$work"
echo "wrote docs/dcgan-4000.png docs/interp.png docs/gui-training.png"
