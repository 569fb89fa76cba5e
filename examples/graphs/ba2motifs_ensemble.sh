#!/usr/bin/env bash
# BA-2Motifs explained by an ensemble: MEMBERS networks of ba2motifs.toml, each from its own seed
# but all holding out the same tenth of the graphs (data.split_seed), explained together by
# integrated gradients on the edges as the mean of their outputs. One network's attributions vary
# much with its seed (examples/graphs/README.md, "Planted motifs"); their mean varies less and
# finds the motif better.
#   bash examples/graphs/ba2motifs_ensemble.sh [OUT_DIR] [MEMBERS] [SPLIT_SEED]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scidl=${SCIDL:-$here/../../build/scidl}
out=${1:-runs/ba2motifs_ensemble}
members=${2:-5}
split=${3:-1}
mkdir -p "$out"
[[ -f $out/BA2Motifs/BA2Motifs_A.txt ]] ||
  "$scidl" graphs generate --motifs ba2 --graphs 1000 --out "$out/BA2Motifs"
data=$(cd "$out/BA2Motifs" && pwd)  # a config's relative paths are read from its folder
models=()
for ((k = 1; k <= members; ++k)); do
  "$scidl" train "$here/ba2motifs.toml" --set data.path="$data" \
    --set seed=$((100 * split + k)) --set data.split_seed="$split" \
    --set output.dir="$out/member$k" --overwrite | tail -n 1
  models+=(--model "$out/member$k/best.scidl")
done
"$scidl" explain "${models[@]}" --data "$data" --method ig --score log_odds \
  --out "$out/explain"
