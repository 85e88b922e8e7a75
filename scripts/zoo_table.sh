#!/usr/bin/env bash
# The README's family table: every family trained for the same number of generator steps on
# Fashion-MNIST with its registry defaults and seed 1, then a sample grid and FID-10k with the
# dataset classifier. SGAN runs twice, at 100 and 1000 labels, measuring test accuracy on all
# 10 000 test images. Usage: scripts/zoo_table.sh [STEPS] [FAMILY...]   (default 500, every family)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-500}
shift || true
bin=${GAN_EXPLORER:-build/gan-explorer}
families=("$@")
[ ${#families[@]} -eq 0 ] && families=(gan cgan dcgan cgan-conv lsgan wgan wgan-gp sngan sagan acgan sgan-100 sgan-1000)
mkdir -p runs/zoo docs/zoo
for f in "${families[@]}"; do
  model=$f; extra=()
  case $f in
    sgan-*) model=sgan; extra=(--labels "${f#sgan-}" --accuracy-every 100 --accuracy-samples 0) ;;
    acgan) extra=(--accuracy-every 100 --accuracy-samples 0) ;;
  esac
  out=runs/zoo/$f
  rm -rf "$out"
  echo "== $f: $steps steps"
  start=$(date +%s.%N)
  "$bin" train --model "$model" --data fashion-mnist --steps "$steps" --seed 1 --out "$out" \
      --checkpoint-every "$steps" --sample-every "$steps" "${extra[@]}" > "$out.train.txt" 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "wall_s %.1f\n", b - a }' > "$out.time.txt"
  "$bin" sample --checkpoint "$out/checkpoint.pt" --out "docs/zoo/$f.png" --n 64
  "$bin" metrics --checkpoint "$out/checkpoint.pt" --n 10000 --json > "$out.metrics.json"
  tail -1 "$out/log.jsonl"
done
