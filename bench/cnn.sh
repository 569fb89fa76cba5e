#!/usr/bin/env bash
# The lecture's Fashion-MNIST baseline CNN: scidl (build/bench/bench_cnn) against PyTorch
# (bench/peers/torch_cnn.py), same shapes, random data, same threads and BLAS core type.
#   bench/run cnn                         training at batch 32 and 128, inference at batch 128
#   bench/run cnn --mode M --batch B      one configuration (--steps N --warmup W also taken)
# Prints `NAME scidl_ips=<images/s> torch_ips=<images/s> ratio=<scidl/torch>` (each side's best
# over SCIDL_BENCH_ROUNDS alternating rounds, default 3); ratio > 1: scidl is faster. Run
# through bench/run, which sets OPENBLAS_CORETYPE and the thread counts.
set -euo pipefail
cd "$(dirname "$0")/.."
scidl_binary=build/bench/bench_cnn
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}

source bench/common.bash  # compare_sides

# compare NAME MODE BATCH STEPS WARMUP
compare() {
  compare_sides "$1" ips higher "$scidl_binary" bench/peers/torch_cnn.py \
    --mode "$2" --batch "$3" --steps "$4" --warmup "$5"
}

if [[ $# -gt 0 ]]; then
  mode=train batch=32 steps=50 warmup=5
  while [[ $# -gt 0 ]]; do
    case $1 in
      --mode) mode=$2 ;;
      --batch) batch=$2 ;;
      --steps) steps=$2 ;;
      --warmup) warmup=$2 ;;
      *) echo "cnn: unknown argument '$1' (use --mode, --batch, --steps, --warmup)" >&2; exit 2 ;;
    esac
    shift 2
  done
  compare "cnn_${mode}_b$batch" "$mode" "$batch" "$steps" "$warmup"
  exit
fi

status=0
compare cnn_train_b32 train 32 60 5 || status=1
compare cnn_train_b128 train 128 20 3 || status=1
compare cnn_infer_b128 infer 128 30 3 || status=1
exit $status
