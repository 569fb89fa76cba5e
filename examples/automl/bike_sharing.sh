#!/usr/bin/env bash
# The lecture's AutoML case: daily bike rentals in Washington D.C., 2011-2012 (Fanaee-T and Gama
# 2014; Debian gretl-data's copy, whose days become the columns year, month, day and weekday),
# predicting cnt without casual and registered, which add up to it. The lecture's two splits:
# a random 70% for training as in its AutoGluon run, and a random 27% as in its Azure run; the
# rest is the test data every model is scored on (leaderboard.md: score_test is -RMSE).
#   bash examples/automl/bike_sharing.sh [OUT_DIR] [TIME_LIMIT_S]
set -euo pipefail
scidl=${SCIDL:-$(dirname "$0")/../../build/scidl}
out=${1:-runs/bike_automl}
limit=${2:-120}
data=/usr/share/gretl/data/misc/bikesharing.gdt
for fraction in 0.7 0.27; do
  "$scidl" automl --data "$data" --target cnt --exclude casual --exclude registered \
    --train-fraction "$fraction" --seed 1 --preset best --time-limit "$limit" \
    --out "$out/train_$fraction" --overwrite
done
grep -h -A3 "^| model" "$out"/train_*/leaderboard.md
