#!/usr/bin/python3
"""PyTorch peer of bench_mlp_step: one training step of the Breen et al. three-body network.

Network: 3 -> 10 x [Linear(., 128) + ReLU (or Tanh)] -> Linear(128, 4), float32; Adam(lr 5e-4,
betas (0.9, 0.999), eps 1e-7); L1 loss (MAE); one fixed random batch. Times each full step
(zero_grad, forward, loss, backward, step) and prints exactly one line: torch_ms=<median ms>.
--torch-mode: eager, or through torch.compile (torch_modes.py).

Run with Debian's torch (/usr/bin/python3). BLAS settings (OPENBLAS_CORETYPE, thread counts) must be
in the environment before this starts, because OpenBLAS reads them when torch loads it; bench/run
exports them.
"""

import argparse
import os
import statistics
import time

import torch
from torch import nn

import torch_modes


def threads():
    """OMP_NUM_THREADS if the driver set it, else every core this process may run on."""
    return int(os.environ.get("OMP_NUM_THREADS") or len(os.sched_getaffinity(0)))


def breen_network(activation):
    layers, width = [], 3
    for _ in range(10):
        layers += [nn.Linear(width, 128), nn.Tanh() if activation == "tanh" else nn.ReLU()]
        width = 128
    return nn.Sequential(*layers, nn.Linear(128, 4))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--steps", type=int, default=30, help="timed steps")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    parser.add_argument("--activation", choices=["relu", "tanh"], default="relu")
    torch_modes.add_argument(parser)
    args = parser.parse_args()
    torch_modes.require(args.torch_mode)

    torch.set_num_threads(threads())
    torch.manual_seed(0)
    model = breen_network(args.activation)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.999), eps=1e-7)
    loss_function = torch_modes.loss_of(args.torch_mode, model, nn.L1Loss())
    optimizer_step = torch_modes.step_of(args.torch_mode, optimizer)
    x = torch.rand(args.batch, 3)
    y = torch.rand(args.batch, 4)

    times = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_function(x, y)
        loss.backward()
        optimizer_step()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    print(f"torch_ms={statistics.median(times) * 1e3:.4f}")


if __name__ == "__main__":
    main()
