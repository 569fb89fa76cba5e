#!/usr/bin/python3
"""PyTorch peer for the Fashion-MNIST CNN (the Keras baseline of the lecture), on random data.

Network on 28x28x1 inputs (NCHW): Conv2d(1,32,3)+ReLU -> Conv2d(32,64,3)+ReLU -> MaxPool2d(2) ->
Dropout(0.25) -> Flatten -> Linear(9216,128)+ReLU -> Dropout(0.5) -> Linear(128,10);
SGD(lr 0.01, momentum 0.9), CrossEntropyLoss.
  --mode train: times full steps (zero_grad, forward, loss, backward, step), dropout active;
  --mode infer: times forward passes in eval mode without autograd.
Prints exactly one line: torch_ips=<images per second>, batch / median step time.
--torch-mode: eager, or through torch.compile (torch_modes.py; inference: the model compiled).

Run with Debian's torch (/usr/bin/python3); bench/run exports OPENBLAS_CORETYPE and thread counts,
which must be set before torch loads OpenBLAS.
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


def keras_baseline_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(64 * 12 * 12, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("train", "infer"), default="train")
    parser.add_argument("--batch", type=int, default=None, help="default 32 (train), 128 (infer)")
    parser.add_argument("--steps", type=int, default=50, help="timed steps")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    torch_modes.add_argument(parser)
    args = parser.parse_args()
    torch_modes.require(args.torch_mode,
                        torch_modes.MODES if args.mode == "train" else ("eager", "compiled"))
    batch = args.batch or (32 if args.mode == "train" else 128)

    torch.set_num_threads(threads())
    torch.manual_seed(0)
    model = keras_baseline_cnn()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_function = torch_modes.loss_of(args.torch_mode, model, nn.CrossEntropyLoss())
    optimizer_step = torch_modes.step_of(args.torch_mode, optimizer)
    forward = torch_modes.compiled(args.torch_mode, model)
    images = torch.rand(batch, 1, 28, 28)
    labels = torch.randint(0, 10, (batch,))

    def train_step():
        optimizer.zero_grad()
        loss_function(images, labels).backward()
        optimizer_step()

    def infer_step():
        with torch.no_grad():
            forward(images)

    if args.mode == "train":
        model.train()
        step = train_step
    else:
        model.eval()
        step = infer_step

    times = []
    for i in range(args.warmup + args.steps):
        start = time.perf_counter()
        step()
        if i >= args.warmup:
            times.append(time.perf_counter() - start)
    print(f"torch_ips={batch / statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
