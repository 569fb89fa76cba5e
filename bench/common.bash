# Helpers shared by the bench/NAME.sh drivers (sourced, not run).

# The value of `key=value` in a program's output (stdin), or nothing.
value_of() { sed -n "s/^$1=\([0-9.eE+-]*\)$/\1/p" | tail -n1; }

# a / b to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
