#!/usr/bin/env bash
# A classification table: the Wisconsin breast cancer data (569 tumours, 30 measurements,
# malignant or benign) from Debian's python3-sklearn, written with its column names by
# tools/sklearn_table.py; a random 30% is held out as test data. test_metrics.csv holds each
# model's accuracy and log-loss on it; plots/ the confusion matrix.
#   bash examples/automl/breast_cancer.sh [OUT_DIR] [TIME_LIMIT_S]
set -euo pipefail
here=$(dirname "$0")
scidl=${SCIDL:-$here/../../build/scidl}
out=${1:-runs/breast_cancer_automl}
limit=${2:-120}
mkdir -p "$out"
/usr/bin/python3 "$here/../../tools/sklearn_table.py" breast_cancer "$out/breast_cancer.csv"
"$scidl" automl --data "$out/breast_cancer.csv" --target diagnosis --train-fraction 0.7 \
  --seed 1 --preset best --time-limit "$limit" --out "$out/run" --overwrite
grep WeightedEnsemble "$out/run/test_metrics.csv"
