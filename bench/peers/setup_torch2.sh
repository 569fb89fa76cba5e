#!/usr/bin/env bash
# Installs the PyTorch 2.x peer from PyPI (torch, torch_geometric, captum) into a virtual
# environment, once: bench/run then prefers it to Debian's PyTorch 1.13. PyPI's Linux torch is
# the CUDA build (its CPU code links the CUDA libraries, so they come too: ~5.5 GB); the CPU-only
# index (download.pytorch.org) is not PyPI and not reachable from every machine.
#   bench/peers/setup_torch2.sh [VENV]     (default: $SCIDL_PEER_VENV or ~/.cache/scidl/torch2)
set -euo pipefail
venv=${1:-${SCIDL_PEER_VENV:-$HOME/.cache/scidl/torch2}}
if [[ ! -x $venv/bin/python ]]; then
  /usr/bin/python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "torch>=2" torch_geometric captum numpy
"$venv/bin/python" -c "import torch, torch_geometric, captum; print('torch', torch.__version__, \
'torch_geometric', torch_geometric.__version__, 'captum', captum.__version__)"
echo "bench/run uses $venv/bin/python (set SCIDL_TORCH_PYTHON to choose another)"
