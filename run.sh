#!/usr/bin/env bash
# GAN Explorer: set up, build, and run the GUI (./run.sh) or the test suite (./run.sh test);
# ./run.sh sanitize builds with sanitizers and runs the suite under them (not part of CI).
# Installs missing Debian packages (sudo when not root), then configures and builds incrementally.
# Anything after the command is passed on: ./run.sh gui train --help, ./run.sh test -R test_models.
set -euo pipefail
cd "$(dirname "$0")"
cmd=${1:-gui}
[ $# -gt 0 ] && shift

packages=(build-essential cmake ninja-build ccache pkg-config qt6-base-dev libgl-dev libtorch-dev
          libopencv-dev libqcustomplot-dev nlohmann-json3-dev zlib1g-dev libopenblas0-pthread
          dataset-fashion-mnist python3-torch xvfb xauth libgloo-dev libgif-dev
          libfreetype-dev libfontconfig-dev fonts-dejavu-core fonts-liberation2)
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
build() {  # build DIR [CMAKE OPTIONS...] [-- TARGETS...]
  local dir=$1
  shift
  local opts=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift && targets=(--target "$@")
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${opts[@]}"
  fi
  cmake --build "$dir" -j "$jobs" "${targets[@]}"
}
[ "$cmd" != sanitize ] && build build

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
  sanitize)
    # AddressSanitizer and UndefinedBehaviorSanitizer over the whole suite (LibTorch's own allocations
    # at exit are not this program's leaks: leak checking is off), then ThreadSanitizer over the tests
    # of the session, the explorer, the metric worker and the folder reader's decoding threads, with
    # LibTorch and OpenBLAS on one thread each
    # so that what TSan sees is this program's threads.
    build build-asan -DGAN_SANITIZE=address
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure "$@"
    build build-tsan -DGAN_SANITIZE=thread -DGAN_BUILD_GUI=OFF -- test_session test_metrics test_datasets
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
      GAN_EXPLORER_THREADS=1 OPENBLAS_NUM_THREADS=1 \
      ctest --test-dir build-tsan --output-on-failure -R 'test_session|test_metrics|test_datasets' ;;
  *)
    echo "usage: ./run.sh [gui|test|bench|sanitize] [ARGS...]" >&2; exit 2 ;;
esac
