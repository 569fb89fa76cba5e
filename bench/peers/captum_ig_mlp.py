#!/usr/bin/python3
"""Captum peer of bench_ig_mlp: integrated gradients of the Breen et al. three-body network.

Network: 3 -> 10 x [Linear(., 128) + ReLU] -> Linear(128, 4), float32, eval mode. The weights,
the 100 inputs and scidl's attributions come from the safetensors file bench_ig_mlp writes
(--weights-out), read here with a few lines of Python (no safetensors package needed).
Times IntegratedGradients.attribute(inputs, target=0, n_steps=50, method="gausslegendre",
return_convergence_delta=True) and prints max_rel_diff=<vs scidl> and captum_ms=<median ms>.
--torch-mode compiled: Captum over torch.compile of the model (torch_modes.py).

Run with Debian's torch (/usr/bin/python3) and Captum from PyPI
(/usr/bin/python3 -m pip install --break-system-packages --no-deps captum==0.6.0). BLAS settings
(OPENBLAS_CORETYPE, thread counts) must be in the environment before this starts; bench/ig_mlp.sh
sets them.
"""

import argparse
import json
import os
import statistics
import struct
import sys
import time

import torch
from torch import nn


# The matplotlib stub is shared with the fixture tool (tools/captum_without_matplotlib.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import captum_without_matplotlib  # noqa: E402,F401  (before captum)

from captum.attr import IntegratedGradients  # noqa: E402

import torch_modes  # noqa: E402


def read_safetensors(path):
    """name -> float32/float64 tensor, from the safetensors layout (8-byte length, JSON, bytes)."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    body = raw[8 + length:]
    dtypes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=dtypes[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out


def threads():
    return int(os.environ.get("OMP_NUM_THREADS") or len(os.sched_getaffinity(0)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", required=True, help="safetensors written by bench_ig_mlp")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    torch_modes.add_argument(parser)
    args = parser.parse_args()
    torch_modes.require(args.torch_mode, ("eager", "compiled"))
    torch.set_num_threads(threads())

    tensors = read_safetensors(args.weights)
    layers, width = [], 3
    for _ in range(10):
        layers += [nn.Linear(width, 128), nn.ReLU()]
        width = 128
    model = nn.Sequential(*layers, nn.Linear(128, 4))
    model.load_state_dict({k: v for k, v in tensors.items() if k not in ("inputs", "attributions")})
    model.eval()
    inputs = tensors["inputs"]

    ig = IntegratedGradients(torch_modes.compiled(args.torch_mode, model))
    times = []
    for r in range(args.warmup + args.repeats):
        start = time.perf_counter()
        attributions, delta = ig.attribute(inputs, target=0, n_steps=args.steps, method="gausslegendre",
                                           return_convergence_delta=True)
        if r >= args.warmup:
            times.append(time.perf_counter() - start)
    theirs = tensors["attributions"]
    scale = attributions.abs().max().item()
    print(f"max_rel_diff={((attributions - theirs).abs().max().item() / scale):.3g}")
    print(f"captum_ms={statistics.median(times) * 1e3:.4f}")


if __name__ == "__main__":
    main()
