#!/usr/bin/python3
"""PyTorch peer of bench_lstm_step: one training step of an LSTM regressor.

nn.LSTM(2, hidden, batch_first=True) over windows of `length` 2-D points, nn.Linear(hidden, 2)
on the last time step, float32, MSE, Adam(lr 1e-3). Times each full step (zero_grad, forward,
loss, backward, step) and prints exactly one line: torch_ms=<median ms>. --torch-mode: eager,
or through torch.compile (torch_modes.py).
"""

import argparse
import os
import statistics
import time

import torch
from torch import nn

import torch_modes


class Regressor(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(2, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--length", type=int, default=10)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    torch_modes.add_argument(parser)
    args = parser.parse_args()
    torch_modes.require(args.torch_mode)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or len(os.sched_getaffinity(0))))
    torch.manual_seed(0)
    model = Regressor(args.hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_function = torch_modes.loss_of(args.torch_mode, model, nn.MSELoss())
    optimizer_step = torch_modes.step_of(args.torch_mode, optimizer)
    x = torch.rand(args.batch, args.length, 2)
    y = torch.rand(args.batch, 2)
    times = []
    for step in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_function(x, y)
        loss.backward()
        optimizer_step()
        t1 = time.perf_counter()
        if step >= args.warmup:
            times.append((t1 - t0) * 1e3)
    print(f"torch_ms={statistics.median(times):.4f}")


if __name__ == "__main__":
    main()
