#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (in build-fuzz) and runs each for SECONDS (default
# 600) from its seed corpus (fuzz/corpus/NAME, copied to a scratch folder). Inputs that crash go to
# /tmp/gan-fuzz/NAME/crashes/; each one found becomes a regression test. Prints the executions per target.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: idx image checkpoint config
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(idx image checkpoint config)
export CCACHE_BASEDIR="$PWD" CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGAN_BUILD_FUZZ=ON \
    -DGAN_BUILD_GUI=OFF -DGAN_BUILD_TESTS=OFF
fi
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"
for t in "${targets[@]}"; do
  work=/tmp/gan-fuzz/$t
  mkdir -p "$work/corpus" "$work/crashes"
  cp -n fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  echo "== fuzz_$t for $seconds s"
  # LibTorch keeps allocations until exit: not this program's leaks, so leak checking is off.
  GAN_EXPLORER_THREADS=1 ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build-fuzz/fuzz/fuzz_"$t" "$work/corpus" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 \
    -artifact_prefix="$work/crashes/" -print_final_stats=1 > "$work/log" 2>&1 || echo "fuzz_$t stopped: see $work/log"
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|^SUMMARY" "$work/log" || true
  echo "crashes: $(find "$work/crashes" -type f | wc -l)"
done
