#!/usr/bin/env bash
# GAN Explorer: set up, build, and run the GUI (./run.sh) or the test suite (./run.sh test).
# Installs missing Debian packages (sudo when not root), then configures and builds incrementally.
# Anything after the command is passed on: ./run.sh gui train --help, ./run.sh test -R test_models.
set -euo pipefail
cd "$(dirname "$0")"
cmd=${1:-gui}
[ $# -gt 0 ] && shift

packages=(build-essential cmake ninja-build ccache pkg-config qt6-base-dev libgl-dev libtorch-dev
          libopencv-dev libqcustomplot-dev nlohmann-json3-dev zlib1g-dev libopenblas0-pthread
          dataset-fashion-mnist python3-torch xvfb xauth)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export CCACHE_BASEDIR="$PWD"  # relative paths: clones share the cache
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
jobs=$(nproc)
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build -j "$jobs"

case "$cmd" in
  gui)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "No display found: running the GUI under Xvfb would show nothing. Use build/gan-explorer help for the command line." >&2
      exit 1
    fi
    exec build/gan-explorer "$@" ;;
  test)
    exec ctest --test-dir build --output-on-failure "$@" ;;
  bench)
    exec build/gan-explorer bench "$@" ;;
  *)
    echo "usage: ./run.sh [gui|test|bench] [ARGS...]" >&2; exit 2 ;;
esac
