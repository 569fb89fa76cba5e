#!/usr/bin/env bash
# The lecture's Fashion-MNIST baseline CNN: scidl (build/bench/bench_cnn) against PyTorch
# (bench/peers/torch_cnn.py), same shapes, random data, same threads and BLAS core type.
#   bench/run cnn                         training at batch 32 and 128, inference at batch 128
#   bench/run cnn --mode M --batch B      one configuration (--steps N --warmup W also taken)
# Prints `NAME scidl_ips=<images/s> torch_ips=<images/s> ratio=<scidl/torch>`; ratio > 1: scidl
# is faster. Run through bench/run, which sets OPENBLAS_CORETYPE and the thread counts.
set -euo pipefail
cd "$(dirname "$0")/.."
scidl_binary=build/bench/bench_cnn
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}

source bench/common.bash  # value_of, ratio

# compare NAME MODE BATCH STEPS WARMUP
compare() {
  local name=$1 args=(--mode "$2" --batch "$3" --steps "$4" --warmup "$5")
  local torch_ips scidl_ips
  torch_ips=$("$python" bench/peers/torch_cnn.py "${args[@]}" | value_of torch_ips)
  if [[ ! -x $scidl_binary ]]; then
    echo "$name scidl_ips=missing torch_ips=$torch_ips ratio=n/a ($scidl_binary not built:" \
      "run scripts/build.sh)"
    return 1
  fi
  scidl_ips=$("$scidl_binary" "${args[@]}" | value_of scidl_ips)
  if [[ -z $scidl_ips || -z $torch_ips ]]; then
    echo "$name: a side printed no figure (scidl_ips='$scidl_ips', torch_ips='$torch_ips')" >&2
    return 1
  fi
  echo "$name scidl_ips=$scidl_ips torch_ips=$torch_ips" \
    "ratio=$(ratio "$scidl_ips" "$torch_ips")"
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
