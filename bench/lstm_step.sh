#!/usr/bin/env bash
# bench/run lstm_step: a training step of an LSTM regressor (issue 22), scidl against PyTorch,
# alternated. Lines `lstm_step scidl_ms=.. torch_ms=.. ratio=..` (the lecture's model: windows
# of 10 2-D points, hidden 64, batch 64) and `lstm_step_large ...` (hidden 256, 100 steps).
set -euo pipefail
cd "$(dirname "$0")/.."
scidl_binary=build/bench/bench_lstm_step
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}

source bench/common.bash  # compare_sides

status=0
compare_sides lstm_step ms lower "$scidl_binary" bench/peers/torch_lstm_step.py \
  --batch 64 --hidden 64 --length 10 --steps 50 --warmup 5 || status=1
compare_sides lstm_step_large ms lower "$scidl_binary" bench/peers/torch_lstm_step.py \
  --batch 64 --hidden 256 --length 100 --steps 10 --warmup 2 || status=1
exit $status
