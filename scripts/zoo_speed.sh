#!/usr/bin/env bash
# Steps/s of every family with its registry defaults on Fashion-MNIST, measured apart from the
# table's runs so that nothing else competes for the CPU: 25 steps each (accuracy measurement off),
# the median wall time of steps 6-25 from the JSONL log. Run it on a quiet machine.
# Usage: scripts/zoo_speed.sh [FAMILY...]
set -euo pipefail
cd "$(dirname "$0")/.."
families=("$@")
[ ${#families[@]} -eq 0 ] && families=(gan cgan dcgan cgan-conv lsgan wgan wgan-gp sngan sagan acgan sgan)
work=$(mktemp -d)
for f in "${families[@]}"; do
  rm -rf "$work/$f"
  "${GAN_EXPLORER:-build/gan-explorer}" train --model "$f" --data fashion-mnist --steps 25 --log-every 1 --accuracy-every 0 \
      --checkpoint-every 1000 --sample-every 1000 --out "$work/$f" > /dev/null 2>&1
  python3 - "$work/$f/log.jsonl" "$f" <<'PY'
import json, statistics, sys
ms = [j["step_ms"] for j in map(json.loads, open(sys.argv[1])) if "step_ms" in j and j["step"] > 5]
m = statistics.median(ms)
print(f"{sys.argv[2]:10s} median {m:7.1f} ms/step = {1000 / m:5.2f} steps/s ({len(ms)} steps)")
PY
done
rm -rf "$work"
