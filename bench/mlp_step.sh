#!/usr/bin/env bash
# One training step of the Breen et al. three-body MLP (3 -> 10 x 128 ReLU -> 4, Adam, L1 loss):
# scidl (build/bench/bench_mlp_step) against PyTorch (bench/peers/torch_mlp_step.py).
#   bench/run mlp_step                              batch 5000 (the paper's) and batch 64
#   bench/run mlp_step --batch B --steps N --warmup W   one configuration
# Prints `NAME scidl_ms=<median> torch_ms=<median> ratio=<torch/scidl>` (each side's best median over
# SCIDL_BENCH_ROUNDS alternating rounds, default 3); ratio > 1: scidl is faster.
# Run through bench/run, which sets OPENBLAS_CORETYPE and the thread counts for both sides.
set -euo pipefail
cd "$(dirname "$0")/.."
scidl_binary=build/bench/bench_mlp_step
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}

source bench/common.bash  # compare_sides

# compare NAME BATCH STEPS WARMUP [ACTIVATION]
compare() {
  compare_sides "$1" ms lower "$scidl_binary" bench/peers/torch_mlp_step.py \
    --batch "$2" --steps "$3" --warmup "$4" --activation "${5:-relu}"
}

if [[ $# -gt 0 ]]; then
  batch=5000 steps=30 warmup=5 activation=relu
  while [[ $# -gt 0 ]]; do
    case $1 in
      --batch) batch=$2 ;;
      --steps) steps=$2 ;;
      --warmup) warmup=$2 ;;
      --activation) activation=$2 ;;
      *)
        echo "mlp_step: unknown argument '$1' (use --batch, --steps, --warmup, --activation)" >&2
        exit 2
        ;;
    esac
    shift 2
  done
  suffix=$([[ $activation == relu ]] || echo "_$activation")
  compare "mlp_step${suffix}_b$batch" "$batch" "$steps" "$warmup" "$activation"
  exit
fi

# Both configurations run even if the first fails, so the peer's figures always appear.
status=0
compare mlp_step 5000 30 5 || status=1
# The same step as separate ops (model(x), the loss, backward()), as PyTorch runs it; the line
# above is the fused pass `scidl train` takes for a chain of dense layers and MAE/MSE.
SCIDL_STEP=eager compare mlp_step_eager 5000 30 5 || status=1
# A small batch is all overhead, not GEMM: many more steps for a stable median.
compare mlp_step_b64 64 300 30 || status=1
# The same network with tanh, the activation of smooth surrogates (PINNs, neural ODEs): the
# elementwise tanh and its gradient, not the products, are what differ.
compare mlp_step_tanh 5000 30 5 tanh || status=1
exit $status
