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
# `torch_UNIT=<x>` / `scidl_UNIT=<x>`, and prints `NAME scidl_UNIT=.. torch_UNIT=.. ratio=..`
# with ratio > 1 when scidl is better: scidl/torch when HIGHER is "higher" (a throughput),
# torch/scidl otherwise (a time). The sides alternate for SCIDL_BENCH_ROUNDS rounds (default
# 3) and each keeps its best figure: this shared machine has slow phases lasting seconds to
# minutes (1.4-1.6x), and alternating gives both sides the same chance of a quiet one. Fails,
# after printing what it has, when a side gives nothing.
compare_sides() {
  local name=$1 unit=$2 higher=$3 binary=$4 peer=$5
  shift 5
  if [[ ! -x $binary ]]; then
    echo "$name scidl_$unit=missing ratio=n/a ($binary not built: run scripts/build.sh)"
    return 1
  fi
  local torch_value="" scidl_value="" round value
  for ((round = 0; round < ${SCIDL_BENCH_ROUNDS:-3}; ++round)); do
    value=$("$python" "$peer" "$@" | value_of "torch_$unit")
    [[ -n $value ]] && torch_value=$(better "$higher" "$torch_value" "$value")
    value=$("$binary" "$@" | value_of "scidl_$unit")
    [[ -n $value ]] && scidl_value=$(better "$higher" "$scidl_value" "$value")
  done
  if [[ -z $scidl_value || -z $torch_value ]]; then
    echo "$name: a side printed nothing (scidl_$unit='$scidl_value', torch_$unit='$torch_value')" >&2
    return 1
  fi
  local r
  if [[ $higher == higher ]]; then r=$(ratio "$scidl_value" "$torch_value"); else r=$(ratio "$torch_value" "$scidl_value"); fi
  echo "$name scidl_$unit=$scidl_value torch_$unit=$torch_value ratio=$r"
}
