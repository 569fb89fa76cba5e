#!/usr/bin/env bash
# bench/run tune_iris [SAMPLES]: the lecture's Iris search (examples/tune/iris_asha.toml: 40
# trials, ASHA max_t 30, grace 1, reduction factor 4, one trial per core) with scidl tune, Ray
# Tune and Optuna (each peer driving a PyTorch loop of the same network, bench/peers/tune_iris.py).
# Line: `tune_iris scidl_s=.. ray_s=.. optuna_s=.. scidl_best=.. ray_best=.. optuna_best=..`
# (wall time of the whole study; validation accuracy of each study's best trial) and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
samples=${1:-40}
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}
cores=$(nproc)
source bench/common.bash

out=$(mktemp -d /tmp/scidl_bench_tune.XXXXXX)
trap 'rm -rf "$out" /tmp/scidl_bench_ray' EXIT
start=$(date +%s.%N)
build/scidl tune -q examples/tune/iris_asha.toml --set num_samples="$samples" \
  --set concurrency="$cores" --out "$out/study"
scidl_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
best=$(sed -n 2p "$out/study/leaderboard.csv" | cut -d, -f2)
scidl_best=$(python3 - "$out/study/trials/$best/history.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{float(rows[-1]['val_accuracy']):.4f}")
PY
)
ray=$("$python" bench/peers/tune_iris.py ray --samples "$samples" --concurrency "$cores" 2>/dev/null)
optuna=$("$python" bench/peers/tune_iris.py optuna --samples "$samples" --concurrency "$cores" 2>/dev/null)
ray_s=$(value_of ray_s <<<"$ray"); ray_best=$(value_of ray_best <<<"$ray")
optuna_s=$(value_of optuna_s <<<"$optuna"); optuna_best=$(value_of optuna_best <<<"$optuna")
echo "tune_iris scidl_s=$scidl_s ray_s=$ray_s optuna_s=$optuna_s scidl_best=$scidl_best" \
  "ray_best=$ray_best optuna_best=$optuna_best" \
  "vs_ray=$(ratio "$ray_s" "$scidl_s") vs_optuna=$(ratio "$optuna_s" "$scidl_s")"
