#!/usr/bin/env bash
# Runs both sides of the three-body integrator benchmark on the same 100 Breen et al. initial
# conditions and ends with one summary line. Needs build/bench/bench_three_body_integrator
# (cmake -DSCIDL_BUILD_BENCH=ON) and REBOUND for python3 (pip install rebound).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${SCIDL_BUILD_DIR:-build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ours="$("$build/bench/bench_three_body_integrator" --initial "$work/ic.csv" --final "$work/final.csv")"
peer="$(python3 bench/three_body_integrator.py --initial "$work/ic.csv" --final "$work/final.csv")"
echo "$ours"
echo "$peer" | grep -v '^max_position_diff=' | grep -v '^rebound_ms_per_run='
value() { echo "$1" | grep "^$2=" | cut -d= -f2; }
echo "three_body_integrator scidl_ms_per_run=$(value "$ours" scidl_ms_per_run)" \
  "rebound_ms_per_run=$(value "$peer" rebound_ms_per_run)" \
  "max_position_diff=$(value "$peer" max_position_diff)"
