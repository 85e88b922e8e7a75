#!/usr/bin/env bash
# Slider to painted image in the real window under Xvfb: DCGAN and StyleGAN (defaults, 32 px, Fashion-MNIST)
# each trained while their latent explorer's slider is moved (100 moves, one every 50 ms), then paused and
# moved again. Prints the medians and p95s and writes docs/latency.json. Extra arguments go to gan-latency.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target gan-latency
export GAN_EXPLORER_RUNS=${GAN_EXPLORER_RUNS:-/tmp/gan-latency-runs}
xvfb-run -a -s "-screen 0 1440x900x24" build/app/gan-latency --out docs/latency.json "$@"
