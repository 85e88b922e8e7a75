#!/bin/bash
# The GPU check, as one timed script for a lent CUDA machine that has python3 with PyTorch (a CUDA
# LibTorch) but no Qt or OpenCV: builds the LibTorch-only core against that LibTorch, then trains BigGAN
# and StyleGAN on Fashion-MNIST at once on the GPU for what time is left, times a DCGAN run, and leaves
# each run's checkpoint (in pieces of 15 MB: `cat NAME.ckpt.* > checkpoint.pt`) and runs.tgz (the runs'
# folders without checkpoints, and the logs) in OUT.
#
#   scripts/gpu_run.sh OUT [SECONDS]   SECONDS: the whole script's budget (default 540)
#
# GAN_JSON_DIR: a folder with nlohmann_jsonConfig.cmake where nlohmann-json is not installed.
# GAN_FM_DIR: Fashion-MNIST's four .gz files, where the Debian package is not installed.
set -u
OUT=${1:?usage: scripts/gpu_run.sh OUT [SECONDS]}
BUDGET=${2:-540}
start=$(date +%s)
left() { echo $((start + BUDGET - $(date +%s))); }
mkdir -p "$OUT" runs/logs
L=runs/logs
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 -c 'import torch; print("python torch", torch.__version__, "CUDA", torch.version.cuda)'
nproc

prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
extra=()
[ -n "${GAN_JSON_DIR:-}" ] && extra+=("-Dnlohmann_json_DIR=$GAN_JSON_DIR")
cmake -S . -B build-core -G Ninja -DCMAKE_BUILD_TYPE=Release -DGAN_BUILD_GUI=OFF -DGAN_BUILD_TESTS=OFF \
  -DCMAKE_DISABLE_FIND_PACKAGE_OpenCV=ON -DCMAKE_PREFIX_PATH="$prefix" "${extra[@]}" > "$L/configure.log" 2>&1
grep -E "GAN Explorer:|Distributed|Error|error" "$L/configure.log"
ninja -C build-core -k 0 gan-explorer > "$L/build.log" 2>&1
built=$?
grep -E "error|FAILED" "$L/build.log" | head -40
echo "build: exit $built after $(( $(date +%s) - start )) s"
[ $built -eq 0 ] || exit 1
B=build-core/gan-explorer

# Fashion-MNIST, unpacked under the .gz names (the reader takes both, with or without zlib).
src=${GAN_FM_DIR:-/usr/share/datasets/fashion-mnist}
mkdir -p /tmp/fm
for f in "$src"/*.gz; do python3 -c 'import gzip,shutil,sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$f" "/tmp/fm/$(basename "$f")"; done
export GAN_EXPLORER_FASHION_MNIST=/tmp/fm

# DCGAN's speed on the GPU: 600 steps at batch 64, the rate the trainer prints.
$B train --model dcgan --data fashion-mnist --steps 600 --device cuda --out runs/dcgan --log-every 200 2>&1 | tr '\r' '\n' | grep -E "it/s|saved" | tail -2

# BigGAN and StyleGAN side by side until 45 s before the end (SIGTERM saves a checkpoint and stops).
secs=$(( $(left) - 45 ))
echo "training BigGAN and StyleGAN for $secs s"
for m in biggan stylegan; do
  timeout -k 30 -s TERM "$secs" $B train --model "$m" --data fashion-mnist --steps 100000 --device cuda \
    --out "runs/$m" --log-every 250 --checkpoint-every 1000 > "$L/$m.log" 2>&1 &
done
wait
for m in biggan stylegan; do tr '\r' '\n' < "$L/$m.log" | grep -E "it/s|saved|error" | tail -2; done
for m in biggan stylegan; do
  [ -f "runs/$m/checkpoint.pt" ] && split -b 15m "runs/$m/checkpoint.pt" "$OUT/$m.ckpt."
done
tar czf "$OUT/runs.tgz" --exclude='*.pt' runs
ls -la "$OUT"
echo "done after $(( $(date +%s) - start )) s"
