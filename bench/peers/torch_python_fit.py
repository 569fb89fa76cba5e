#!/usr/bin/python3
"""PyTorch peer of `bench/run python_fit`: the three-body network trained from Python the way a
PyTorch user writes the loop (a shuffled permutation per epoch, slices of it as batches,
zero_grad, forward, L1 loss, backward, Adam step).

Network 3 -> 10 x [Linear(., 128) + ReLU] -> Linear(128, 4), Adam (lr 5e-4, eps 1e-7), batches
of --batch rows, 10 batches an epoch. Prints torch_ms=<ms per step>: the best of --repeats timed
runs of --steps steps, after one untimed run of a tenth as many.
"""
import argparse
import os
import time

import torch
from torch import nn


def fit(model, optimizer, x, y, batch, epochs):
    loss_function = nn.L1Loss()
    for _ in range(epochs):
        order = torch.randperm(x.shape[0])
        for start in range(0, x.shape[0], batch):
            rows = order[start:start + batch]
            optimizer.zero_grad()
            loss = loss_function(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or len(os.sched_getaffinity(0))))
    torch.manual_seed(0)
    batches_per_epoch = 10
    layers, width = [], 3
    for _ in range(10):
        layers += [nn.Linear(width, 128), nn.ReLU()]
        width = 128
    model = nn.Sequential(*layers, nn.Linear(128, 4))
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.999), eps=1e-7)
    x = torch.rand(args.batch * batches_per_epoch, 3)
    y = torch.rand(args.batch * batches_per_epoch, 4)
    fit(model, optimizer, x, y, args.batch, max(1, args.steps // 10 // batches_per_epoch))
    epochs = max(1, args.steps // batches_per_epoch)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        fit(model, optimizer, x, y, args.batch, epochs)
        best = min(best, (time.perf_counter() - start) * 1e3 / (epochs * batches_per_epoch))
    print(f"torch_ms={best:.4f}")


if __name__ == "__main__":
    main()
