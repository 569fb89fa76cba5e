#!/usr/bin/env bash
# Training the Breen et al. three-body network (3 -> 10 x Dense(128, ReLU) -> 4, Adam, MAE) for a
# fixed number of steps from Python: through `import scidl` (bench/python_fit_scidl.py, Debian's
# python3, the module in build/python) against PyTorch 2.x (bench/peers/torch_python_fit.py, the
# peer's interpreter), and the same fit from C++ alone (build/bench/bench_python_fit), so the
# Python layer's cost shows.
#   bench/run python_fit                      batch 5000 (the paper's, 50 steps) and batch 64
#   bench/run python_fit --batch B --steps N  one configuration
# Prints `python_fit scidl_ms=.. torch_ms=.. ratio=<torch/scidl>` and
# `python_fit_layer python_ms=.. cpp_ms=.. overhead=<python/cpp - 1, %>`; each side's best over
# SCIDL_BENCH_ROUNDS alternating rounds (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.bash  # value_of, ratio, better
torch_python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}
scidl_python=/usr/bin/python3
cpp=build/bench/bench_python_fit
if ! compgen -G "build/python/scidl/_core*.so" >/dev/null || [[ ! -x $cpp ]]; then
  echo "python_fit: build/python/scidl/_core*.so or $cpp is missing: run scripts/build.sh" >&2
  exit 1
fi

run() {  # NAME BATCH STEPS
  local name=$1 args=(--batch "$2" --steps "$3")
  local py="" torch="" native="" round value
  for ((round = 0; round < ${SCIDL_BENCH_ROUNDS:-3}; ++round)); do
    value=$(PYTHONPATH=build/python "$scidl_python" bench/python_fit_scidl.py "${args[@]}" | value_of python_ms)
    py=$(better lower "$py" "$value")
    value=$("$torch_python" bench/peers/torch_python_fit.py "${args[@]}" | value_of torch_ms)
    torch=$(better lower "$torch" "$value")
    value=$("$cpp" "${args[@]}" | value_of cpp_ms)
    native=$(better lower "$native" "$value")
  done
  echo "$name scidl_ms=$py torch_ms=$torch ratio=$(ratio "$torch" "$py")"
  echo "${name}_layer python_ms=$py cpp_ms=$native" \
    "overhead=$(awk -v p="$py" -v c="$native" 'BEGIN { printf "%.1f%%", (p / c - 1) * 100 }')"
}

if [[ $# -gt 0 ]]; then
  batch=5000 steps=50
  while [[ $# -gt 0 ]]; do
    case $1 in
      --batch) batch=$2 ;;
      --steps) steps=$2 ;;
      *) echo "python_fit: unknown argument '$1' (use --batch, --steps)" >&2; exit 2 ;;
    esac
    shift 2
  done
  run "python_fit_b$batch" "$batch" "$steps"
  exit
fi
run python_fit 5000 50
# A small batch is mostly per-step overhead: where a Python layer would show.
run python_fit_b64 64 2000
