#!/usr/bin/env bash
# bench/run automl_bike [TIME_LIMIT] [PRESET] [SPLITS]: the lecture's AutoML case, daily bike
# rentals (Debian gretl-data), cnt without casual and registered. Each of SPLITS (default 10)
# seeded 70/30 splits is written once (bench/peers/automl_bike.py split), so every side fits
# and is tested on the same rows; figures are means over the splits (one split's test RMSE moves
# by +-30 with the seed alone, and two models' paired difference by about +-17, so three splits
# could not tell a 6-point lead from noise; bench/RESULTS.md).
#   scidl automl at the time limit (default 60 s, preset medium); XGBoost alone on scidl's own
#   holdout (--models XGBoost, the same folds); AutoGluon at the same limit and preset where
#   it imports (SCIDL_AUTOGLUON_PYTHON, default /work/venvs/autogluon/bin/python); XGBoost
#   (Python), scikit-learn's HistGradientBoosting and scidl's MLP written in PyTorch.
# Line: `automl_bike scidl_rmse=.. peer_rmse=.. scidl_s=.. peer_s=..` (mean test RMSE of each
# side's ensemble, mean wall seconds of fitting), then the best single models of each side and
# the figures of each split. SCIDL_BENCH_KEEP=DIR keeps every split's folders (leaderboards,
# predictors) in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-60}
preset=${2:-medium}
splits=${3:-10}
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}
ag_python=${SCIDL_AUTOGLUON_PYTHON:-/work/venvs/autogluon/bin/python}
source bench/common.bash

out=$(mktemp -d /tmp/scidl_bench_automl.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Test RMSE of a model in a scidl leaderboard.csv (score_test is the negated RMSE).
test_rmse() { awk -F, -v m="$2" '$1 == m { printf "%.2f", -$2 }' "$1/leaderboard.csv"; }
best_single() { awk -F, 'NR > 1 && $1 != "WeightedEnsemble_L2" && (b == "" || -$2 < b) { b = -$2 }
                         END { printf "%.2f", b }' "$1/leaderboard.csv"; }
has_autogluon=0
"$ag_python" -c "import autogluon.tabular" 2>/dev/null && has_autogluon=1
[[ $has_autogluon == 1 ]] || echo "automl_bike: AutoGluon does not import with $ag_python" >&2

results=$out/results.txt
for ((seed = 1; seed <= splits; ++seed)); do
  d=$out/split$seed
  mkdir -p "$d"
  /usr/bin/python3 bench/peers/automl_bike.py split "$d" --seed "$seed"
  start=$(date +%s.%N)
  build/scidl automl -q --data "$d/train.csv" --test "$d/test.csv" --target cnt --seed "$seed" \
    --time-limit "$limit" --preset "$preset" --out "$d/scidl"
  echo "scidl_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" >>"$results"
  echo "scidl_rmse=$(test_rmse "$d/scidl" WeightedEnsemble_L2)" >>"$results"
  echo "scidl_single=$(best_single "$d/scidl")" >>"$results"
  awk -F, 'NR > 1 && $1 != "WeightedEnsemble_L2" { printf "scidl_model:%s=%.2f\n", $1, -$2 }' \
    "$d/scidl/leaderboard.csv" >>"$results"
  build/scidl automl -q --data "$d/train.csv" --test "$d/test.csv" --target cnt --seed "$seed" \
    --preset "$preset" --models XGBoost --out "$d/xgb"
  echo "xgb_same_folds=$(test_rmse "$d/xgb" XGBoost)" >>"$results"
  if [[ $has_autogluon == 1 ]]; then
    "$ag_python" bench/peers/automl_bike.py autogluon "$d" --time-limit "$limit" \
      --preset "$preset" 2>/dev/null >>"$results"
  fi
  { "$ag_python" bench/peers/automl_bike.py xgboost "$d" 2>/dev/null || true; } >>"$results"
  { /usr/bin/python3 bench/peers/automl_bike.py hgb "$d" 2>/dev/null || true; } >>"$results"
  { "$python" bench/peers/automl_bike.py torch_mlp "$d" 2>/dev/null || true; } >>"$results"
done
mean() { awk -F= -v k="$1" '$1 == k { s += $2; n++ } END { if (n) printf "%.2f", s / n; else printf "n/a" }' "$results"; }
echo "automl_bike scidl_rmse=$(mean scidl_rmse) peer_rmse=$(mean autogluon_rmse)" \
  "scidl_s=$(mean scidl_s) peer_s=$(mean autogluon_s) limit_s=$limit preset=$preset splits=$splits"
# The model of a side whose mean test RMSE over the splits (fitted in all of them) is lowest:
# what "better than every single model of its own zoo" compares the ensemble with (the line
# after picks each split's best by its test score, a choice no fit can make).
best_model() {
  awk -F= -v p="$1:" -v k="$splits" 'index($1, p) == 1 { m = substr($1, length(p) + 1); s[m] += $2; n[m]++ }
    END { for (m in s) if (n[m] == k && (b == "" || s[m] / n[m] < b)) { b = s[m] / n[m]; bm = m }
          if (b == "") print "n/a"; else printf "%s %.2f", bm, b }' "$results"
}
echo "  best model over the splits: scidl $(best_model scidl_model), AutoGluon $(best_model autogluon_model)"
echo "  each split's best single model (by test score): scidl $(mean scidl_single), AutoGluon $(mean autogluon_best_single_rmse);" \
  "XGBoost alone: on scidl's folds $(mean xgb_same_folds), Python $(mean xgboost_rmse);" \
  "HistGradientBoosting $(mean hgb_rmse); scidl's MLP in PyTorch $(mean torch_mlp_rmse)"
# Per split: each side's ensemble and its best model over the splits (one split's test RMSE
# moves by 10-20 with its 219 test days alone, so a few splits decide little).
per_split() { awk -F= -v k="$1" '$1 == k { printf "%s%.1f", n++ ? " " : "", $2 }' "$results"; }
scidl_best=$(best_model scidl_model | cut -d' ' -f1)
ag_best=$(best_model autogluon_model | cut -d' ' -f1)
echo "  per split: scidl ensemble $(per_split scidl_rmse), $scidl_best $(per_split "scidl_model:$scidl_best");" \
  "AutoGluon ensemble $(per_split autogluon_rmse), $ag_best $(per_split "autogluon_model:$ag_best")"
# Paired differences over the splits, mean and its standard error: what the means above can tell.
paired() {
  awk -F= -v a="$1" -v b="$2" '$1 == a { x[na++] = $2 } $1 == b { y[nb++] = $2 }
    END { n = na < nb ? na : nb; if (n < 2) { printf "n/a"; exit }
          for (i = 0; i < n; i++) { d = x[i] - y[i]; s += d; q += d * d }
          m = s / n; v = (q - n * m * m) / (n - 1); printf "%+.2f +- %.2f", m, sqrt(v / n) }' "$results"
}
echo "  paired, mean +- standard error over the splits: scidl ensemble - $scidl_best" \
  "$(paired scidl_rmse "scidl_model:$scidl_best"); scidl ensemble - AutoGluon ensemble" \
  "$(paired scidl_rmse autogluon_rmse)"
if [[ -n ${SCIDL_BENCH_KEEP:-} ]]; then mkdir -p "$SCIDL_BENCH_KEEP" && cp -r "$out"/. "$SCIDL_BENCH_KEEP"; fi
