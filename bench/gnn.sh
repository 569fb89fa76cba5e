#!/usr/bin/env bash
# bench/run gnn: one training epoch of the lecture's graph network over the NCI molecules
# (Debian's rdkit-data, prepared by `scidl molecules prepare`), batch 128, scidl against PyTorch
# Geometric (bench/peers/setup_torch2.sh installs it with PyTorch 2.x), alternated. Ends with
# `gnn_epoch scidl_s=.. pyg_s=.. ratio=..`; the issue's target is a ratio of 2 or more.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${SCIDL_TORCH_PYTHON:-/usr/bin/python3}
source bench/common.bash  # compare_sides

data=${SCIDL_BENCH_NCI:-build/bench/NCI}
if [[ ! -f $data/NCI_A.txt ]]; then
  build/scidl molecules prepare --smiles /usr/share/RDKit/Data/NCI/first_5K.smi --out "$data" \
    > /dev/null 2>&1
fi
if ! "$python" -c "import torch_geometric" 2> /dev/null; then
  echo "gnn_epoch: the peer needs torch_geometric ($python has none): run bench/peers/setup_torch2.sh"
  exit 1
fi
compare_sides gnn_epoch s lower build/bench/bench_gnn bench/peers/pyg_gnn.py \
  --data "$data" --dim 64 --batch 128 --epochs 3 | sed 's/torch_s=/pyg_s=/'
