#!/usr/bin/env bash
# bench/run automl_bike [TIME_LIMIT] [PRESET]: the lecture's AutoML case, daily bike rentals
# (Debian gretl-data), cnt without casual and registered, one seeded 70/30 split written once
# (bench/peers/automl_bike.py split) so every side fits and is tested on the same rows.
#   scidl automl at the time limit (default 60 s, preset medium); XGBoost alone on scidl's own
#   holdout (--models XGBoost, the same folds); AutoGluon at the same limit and preset where
#   it imports (SCIDL_AUTOGLUON_PYTHON, default /work/venvs/autogluon/bin/python), and
#   XGBoost (Python), scikit-learn's HistGradientBoosting and a PyTorch MLP.
# Line: `automl_bike scidl_rmse=.. peer_rmse=.. scidl_s=.. peer_s=..` (test RMSE of each
# side's ensemble, wall seconds of fitting), then the best single models of each side.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-60}
preset=${2:-medium}
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}
ag_python=${SCIDL_AUTOGLUON_PYTHON:-/work/venvs/autogluon/bin/python}
source bench/common.bash

out=$(mktemp -d /tmp/scidl_bench_automl.XXXXXX)
trap 'rm -rf "$out"' EXIT
/usr/bin/python3 bench/peers/automl_bike.py split "$out"

# Test RMSE of a model in a scidl leaderboard.csv (score_test is the negated RMSE).
test_rmse() { awk -F, -v m="$2" '$1 == m { printf "%.2f", -$2 }' "$1/leaderboard.csv"; }
best_single() { awk -F, 'NR > 1 && $1 != "WeightedEnsemble_L2" && (b == "" || -$2 < b) { b = -$2 }
                         END { printf "%.2f", b }' "$1/leaderboard.csv"; }

start=$(date +%s.%N)
build/scidl automl -q --data "$out/train.csv" --test "$out/test.csv" --target cnt \
  --time-limit "$limit" --preset "$preset" --out "$out/scidl"
scidl_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
build/scidl automl -q --data "$out/train.csv" --test "$out/test.csv" --target cnt \
  --preset "$preset" --models XGBoost --out "$out/xgb"

peer_rmse=n/a peer_s=n/a peer_single=n/a
if "$ag_python" -c "import autogluon.tabular" 2>/dev/null; then
  ag=$("$ag_python" bench/peers/automl_bike.py autogluon "$out" --time-limit "$limit" \
    --preset "$preset" 2>/dev/null)
  peer_rmse=$(value_of autogluon_rmse <<<"$ag"); peer_s=$(value_of autogluon_s <<<"$ag")
  peer_single=$(value_of autogluon_best_single_rmse <<<"$ag")
else
  echo "automl_bike: AutoGluon does not import with $ag_python; peers below only" >&2
fi
xgb_py=$("$ag_python" bench/peers/automl_bike.py xgboost "$out" 2>/dev/null || true)
others=$(/usr/bin/python3 bench/peers/automl_bike.py hgb "$out" 2>/dev/null || true)
others+=$'\n'$("$python" bench/peers/automl_bike.py torch_mlp "$out" 2>/dev/null || true)
echo "automl_bike scidl_rmse=$(test_rmse "$out/scidl" WeightedEnsemble_L2) peer_rmse=$peer_rmse" \
  "scidl_s=$scidl_s peer_s=$peer_s limit_s=$limit preset=$preset"
echo "  best single model: scidl $(best_single "$out/scidl"), AutoGluon $peer_single;" \
  "XGBoost alone: on scidl's folds $(test_rmse "$out/xgb" XGBoost)," \
  "Python $(value_of xgboost_rmse <<<"$xgb_py");" \
  "HistGradientBoosting $(value_of hgb_rmse <<<"$others"); PyTorch MLP $(value_of torch_mlp_rmse <<<"$others")"
