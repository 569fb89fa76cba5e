#!/usr/bin/python3
"""PyTorch peer of bench_ddp: DistributedDataParallel training steps of the Breen et al. network.

Network: 3 -> 10 x [Linear(., 128) + ReLU] -> Linear(128, 4), float32; Adam(lr 5e-4, eps 1e-7);
L1 loss. --ranks processes (torch.multiprocessing, the gloo backend over loopback), each with
OMP_NUM_THREADS threads (1 under bench/ddp.sh) and --batch / --ranks rows of one fixed random
batch, DDP with its defaults (25 MB buckets, all-reduce overlapping backward). Times each full
step (zero_grad, forward, loss, backward with its all-reduce, step) on rank 0 and prints one
line: torch_ddp_ms=<median ms>. --compile: the model through torch.compile first.
--rank R --master ADDR: this process is rank R alone (as torchrun starts them, one per host;
bench/ddp.sh runs one in each network-namespace host), rank 0 at ADDR; rank 0 prints the line.
--model cnn: instead bench/peers/torch_cnn.py's Keras baseline CNN (Adam lr 1e-3, cross entropy)
on random 28x28 images, as bench_ddp --model cnn.
"""

import argparse
import os
import statistics
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch_cnn import keras_baseline_cnn


def breen_network():
    layers, width = [], 3
    for _ in range(10):
        layers += [nn.Linear(width, 128), nn.ReLU()]
        width = 128
    return nn.Sequential(*layers, nn.Linear(128, 4))


def worker(rank, args, port, results):
    os.environ["MASTER_ADDR"] = args.master
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=args.ranks)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or 1))
    torch.manual_seed(0)
    cnn = args.model == "cnn"
    model = nn.parallel.DistributedDataParallel(keras_baseline_cnn() if cnn else breen_network())
    step_model = torch.compile(model) if args.compile else model
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3 if cnn else 5e-4, betas=(0.9, 0.999),
                                 eps=1e-7)
    loss_function = nn.CrossEntropyLoss() if cnn else nn.L1Loss()
    generator = torch.Generator().manual_seed(1 + rank)
    rows = args.batch // args.ranks
    if cnn:
        x = torch.rand(rows, 1, 28, 28, generator=generator)
        y = torch.arange(rows) % 10
    else:
        x = torch.rand(rows, 3, generator=generator)
        y = torch.rand(rows, 4, generator=generator)
    times = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = loss_function(step_model(x), y)
        loss.backward()
        optimizer.step()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    if rank == 0 and results is None:
        print(f"torch_ddp{'_compiled' if args.compile else ''}_ms={statistics.median(times) * 1e3:.4f}")
    elif rank == 0:
        results.put(statistics.median(times) * 1e3)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=5000, help="the job's rows a step")
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--steps", type=int, default=30, help="timed steps")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--model", choices=["three_body", "cnn"], default="three_body")
    parser.add_argument("--rank", type=int, help="run only this rank (one process per host)")
    parser.add_argument("--master", default="127.0.0.1", help="rank 0's address")
    parser.add_argument("--port", type=int, default=29500 + os.getpid() % 1000)
    args = parser.parse_args()
    if args.rank is not None:
        worker(args.rank, args, args.port, None)
        return
    context = mp.get_context("spawn")
    results = context.SimpleQueue()
    mp.start_processes(worker, args=(args, args.port, results), nprocs=args.ranks, start_method="spawn")
    print(f"torch_ddp{'_compiled' if args.compile else ''}_ms={results.get():.4f}")


if __name__ == "__main__":
    main()
