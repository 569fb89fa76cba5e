#!/usr/bin/env bash
# The CPU's float32 FMA peak on every core (bench/fma_peak.cpp): what the other benchmarks'
# GFLOP/s are a share of. No peer: a property of the machine, printed beside the figures.
#   bench/run fma_peak
set -euo pipefail
cd "$(dirname "$0")/.."
binary=build/bench/bench_fma_peak
[[ -x $binary ]] || { echo "fma_peak: $binary not built: run scripts/build.sh" >&2; exit 1; }
"$binary"
