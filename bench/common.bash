# Helpers shared by the bench/NAME.sh drivers (sourced, not run).

# The value of `key=value` in a program's output (stdin), or nothing.
value_of() { sed -n "s/^$1=\([0-9.eE+-]*\)$/\1/p" | tail -n1; }

# a / b to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# The better of two figures: the larger when HIGHER is "higher" (a throughput), else the smaller.
better() {
  if [[ -z $2 ]]; then echo "$3"; return; fi
  awk -v h="$1" -v a="$2" -v b="$3" 'BEGIN { print ((h == "higher") == (b > a)) ? b : a }'
}

# compare_sides NAME UNIT HIGHER SCIDL_BINARY PEER_SCRIPT ARGS...
# Runs the peer (PEER_SCRIPT with $python) and scidl's binary with the same ARGS, each printing
# `torch_UNIT=<x>` / `scidl_UNIT=<x>`, and prints
#   NAME scidl_UNIT=.. torch_UNIT=.. torch_mode=M ratio=.. [torch_eager_UNIT=.. ratio_eager=..]
# against the fastest way PyTorch ran the work (M: eager, compiled or compiled_step, see
# bench/peers/torch_modes.py; the peer is run once per mode, SCIDL_BENCH_TORCH_MODES chooses
# which), and against eager too when that was not the fastest. ratio > 1 when scidl is better:
# scidl/torch when HIGHER is "higher" (a throughput), torch/scidl otherwise (a time). The sides
# alternate for SCIDL_BENCH_ROUNDS rounds (default 3) and each keeps its best figure: this shared
# machine has slow phases lasting seconds to minutes (1.4-1.6x), and alternating gives both sides
# the same chance of a quiet one. Fails, after printing what it has, when a side gives nothing.
compare_sides() {
  local name=$1 unit=$2 higher=$3 binary=$4 peer=$5
  shift 5
  if [[ ! -x $binary ]]; then
    echo "$name scidl_$unit=missing ratio=n/a ($binary not built: run scripts/build.sh)"
    return 1
  fi
  local modes mode round value scidl_value="" top="" top_mode=""
  read -ra modes <<<"${SCIDL_BENCH_TORCH_MODES:-eager compiled compiled_step}"
  local -A torch_value=()
  for ((round = 0; round < ${SCIDL_BENCH_ROUNDS:-3}; ++round)); do
    for mode in "${modes[@]}"; do
      value=$("$python" "$peer" "$@" --torch-mode "$mode" | value_of "torch_$unit")
      [[ -n $value ]] && torch_value[$mode]=$(better "$higher" "${torch_value[$mode]:-}" "$value")
    done
    value=$("$binary" "$@" | value_of "scidl_$unit")
    [[ -n $value ]] && scidl_value=$(better "$higher" "$scidl_value" "$value")
  done
  for mode in "${modes[@]}"; do
    value=${torch_value[$mode]:-}
    [[ -z $value ]] && continue
    if [[ -z $top || $(better "$higher" "$top" "$value") != "$top" ]]; then
      top=$value top_mode=$mode
    fi
  done
  if [[ -z $scidl_value || -z $top ]]; then
    echo "$name: a side printed nothing (scidl_$unit='$scidl_value', torch_$unit='$top')" >&2
    return 1
  fi
  # scidl's advantage over a peer figure: > 1 when scidl is better.
  advantage() {
    if [[ $higher == higher ]]; then ratio "$scidl_value" "$1"; else ratio "$1" "$scidl_value"; fi
  }
  local line="$name scidl_$unit=$scidl_value torch_$unit=$top torch_mode=$top_mode"
  line+=" ratio=$(advantage "$top")"
  if [[ $top_mode != eager && -n ${torch_value[eager]:-} ]]; then
    line+=" torch_eager_$unit=${torch_value[eager]} ratio_eager=$(advantage "${torch_value[eager]}")"
  fi
  echo "$line"
}
