#!/usr/bin/env bash
# Records onnxruntime's outputs on the ONNX export test's models (tests/nn/test_onnx_export.cpp)
# into tests/data/onnx_runtime, so that every machine checks them without onnxruntime (PyPI's
# only). Run by hand after a change to the exporter or to the test's models, with a built tree:
#   tools/make_onnx_fixtures.sh [PYTHON]   (a python with onnxruntime and numpy; default: the
#                                           benchmarks' PyTorch venv, with onnxruntime added)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-${SCIDL_PEER_VENV:-$HOME/.cache/scidl/torch2}/bin/python}
"$python" -c 'import onnxruntime, numpy' 2>/dev/null || "$python" -m pip install --quiet onnxruntime
out=$PWD/tests/data/onnx_runtime
rm -rf "$out" && mkdir -p "$out"  # a model no longer tested leaves no file behind
SCIDL_ONNXRUNTIME_PYTHON=$python SCIDL_RECORD_ONNX_FIXTURES=$out \
  build/tests/scidl_tests --gtest_filter='OnnxExport.OnnxRuntime*'
echo "recorded $(ls "$out"/*.json | wc -l) models' onnxruntime outputs in $out"
