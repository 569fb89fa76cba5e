#!/usr/bin/env bash
# Fuzzes every file reader scidl has, each for SECONDS (default 60), with libFuzzer under ASan
# and UBSan:   bash tests/fuzz/run.sh [SECONDS] [TARGET ...]
# Targets: one per tests/fuzz/fuzz_TARGET.cpp (csv, idx, model_file, ...; default: all). Builds
# with clang into build-fuzz/ (SCIDL_FUZZ=ON; SCIDL_FUZZ_BUILD=DIR elsewhere). Each target
# starts from tests/fuzz/seeds/TARGET and keeps what it learns in BUILD/corpus/TARGET; an input
# that crashes it is written to BUILD/findings/ (keep it in the seeds as found_*.EXT once fixed)
# and the script exits non-zero after the remaining targets have run.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for source in tests/fuzz/fuzz_*.cpp; do
    name=$(basename "$source" .cpp)
    targets+=("${name#fuzz_}")
  done
fi

build=${SCIDL_FUZZ_BUILD:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSCIDL_FUZZ=ON -DSCIDL_BUILD_TESTS=OFF -DSCIDL_BUILD_BENCH=OFF -DSCIDL_WERROR=OFF >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

mkdir -p "$build/findings"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  echo "fuzz_$t: ${seconds} s"
  # -rss_limit_mb: a header that promises terabytes must be refused, not allocated.
  if ! "$build/tests/fuzz/fuzz_$t" "$build/corpus/$t" "tests/fuzz/seeds/$t" \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$build/findings/$t-" -print_final_stats=1 2>"$build/fuzz_$t.log"; then
    echo "fuzz_$t: FOUND A PROBLEM ($build/fuzz_$t.log, $build/findings/$t-*)"
    status=1
  fi
  grep -E "stat::number_of_executed_units|cov:" "$build/fuzz_$t.log" | tail -2 || true
done
exit $status
