#!/usr/bin/env bash
# Integrated gradients (50 Gauss-Legendre steps, 100 inputs, deltas) of the three-body network
# 3 -> 10 x 128 ReLU -> 4: scidl (build/bench/bench_ig_mlp) against Captum
# (bench/peers/captum_ig_mlp.py) on the same weights and inputs, which scidl exports as
# safetensors. Ends with `ig_mlp scidl_ms=<median> captum_ms=<median> torch_mode=M
# ratio=<captum/scidl>` against the faster of Captum over the eager and the torch.compile'd model
# (M; `captum_eager_ms=.. ratio_eager=..` too when compiled was faster); ratio > 1: scidl is faster. bench/run sets BLAS the same way for both sides; run directly,
# this script does it itself (SkylakeX kernels on AVX-512 machines, 2 threads).
#   bench/run ig_mlp [--inputs N] [--steps S] [--repeats R]
set -euo pipefail
cd "$(dirname "$0")/.."
scidl_binary=build/bench/bench_ig_mlp
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}
if [[ -z ${OPENBLAS_CORETYPE:-} ]] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}

inputs=100 steps=50 repeats=30
while [[ $# -gt 0 ]]; do
  case $1 in
    --inputs) inputs=$2 ;;
    --steps) steps=$2 ;;
    --repeats) repeats=$2 ;;
    *) echo "ig_mlp: unknown argument '$1' (use --inputs, --steps, --repeats)" >&2; exit 2 ;;
  esac
  shift 2
done

source bench/common.bash  # value_of, ratio

if [[ ! -x $scidl_binary ]]; then
  echo "ig_mlp scidl_ms=missing captum_ms=n/a ratio=n/a ($scidl_binary not built: configure with -DSCIDL_BUILD_BENCH=ON)"
  exit 1
fi
if ! "$python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('captum') is None)"; then
  echo "ig_mlp: the peer needs Captum: $python -m pip install --break-system-packages --no-deps captum==0.6.0" >&2
  exit 1
fi
weights=$(mktemp --suffix=.safetensors)
trap 'rm -f "$weights"' EXIT
scidl_out=$("$scidl_binary" --inputs "$inputs" --steps "$steps" --repeats "$repeats" --weights-out "$weights")
scidl_ms=$(value_of scidl_ms <<<"$scidl_out")
captum_ms="" captum_mode="" eager_ms=""
for mode in ${SCIDL_BENCH_TORCH_MODES:-eager compiled}; do
  [[ $mode == compiled_step ]] && continue  # no optimizer in attribution
  out=$("$python" bench/peers/captum_ig_mlp.py --weights "$weights" --steps "$steps" \
    --repeats "$repeats" --torch-mode "$mode")
  ms=$(value_of captum_ms <<<"$out")
  [[ -z $ms ]] && continue
  [[ $mode == eager ]] && eager_ms=$ms
  if [[ -z $captum_ms || $(better lower "$captum_ms" "$ms") != "$captum_ms" ]]; then
    captum_ms=$ms captum_mode=$mode captum_out=$out
  fi
done
if [[ -z $scidl_ms || -z $captum_ms ]]; then
  echo "ig_mlp: a side printed no timing (scidl_ms='$scidl_ms', captum_ms='$captum_ms')" >&2
  exit 1
fi
echo "ig_mlp attributions: scidl vs captum max_rel_diff=$(value_of max_rel_diff <<<"$captum_out")," \
  "scidl max_abs_delta=$(value_of max_abs_delta <<<"$scidl_out")"
line="ig_mlp scidl_ms=$scidl_ms captum_ms=$captum_ms torch_mode=$captum_mode"
line+=" ratio=$(ratio "$captum_ms" "$scidl_ms")"
if [[ $captum_mode != eager && -n $eager_ms ]]; then
  line+=" captum_eager_ms=$eager_ms ratio_eager=$(ratio "$eager_ms" "$scidl_ms")"
fi
echo "$line"
