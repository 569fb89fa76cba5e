#!/usr/bin/python3
"""PyTorch peer of bench_pipeline: GPipe over torch.distributed.pipelining (PyTorch 2.x).

Network: --width inputs -> (--layers - 1) x [Linear(width, width) + ReLU] -> Linear(width, 8),
float32; Adam(lr 1e-4); MSE loss. Two processes (torch.multiprocessing, gloo over loopback,
OMP_NUM_THREADS threads each: 1 under bench/pipeline.sh), the first half of the Linear layers on
rank 0 and the rest on rank 1 (the cut scidl's balance by parameter count makes), one fixed
random batch of --batch rows, ScheduleGPipe with each of --micro-batches. Times each full step
(zero_grad, the schedule's forwards and backwards, Adam) on rank 0 and prints one line per count:
torch_pipeline micro_batches=M torch_ms=<median ms>.
"""

import argparse
import os
import statistics
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.distributed.pipelining import PipelineStage, ScheduleGPipe


def worker(rank, args, port, results):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=2)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or 1))
    torch.manual_seed(0)
    layers = []
    for _ in range(args.layers - 1):
        layers += [nn.Linear(args.width, args.width), nn.ReLU()]
    layers.append(nn.Linear(args.width, 8))
    cut = 2 * (args.layers // 2)
    part = nn.Sequential(*(layers[:cut] if rank == 0 else layers[cut:]))
    optimizer = torch.optim.Adam(part.parameters(), lr=1e-4)
    generator = torch.Generator().manual_seed(1)
    x = torch.rand(args.batch, args.width, generator=generator)
    y = torch.rand(args.batch, 8, generator=generator)
    for m in [int(v) for v in args.micro_batches.split(",")]:
        stage = PipelineStage(part, rank, 2, torch.device("cpu"))
        schedule = ScheduleGPipe(stage, n_microbatches=m, loss_fn=nn.MSELoss())
        times = []
        for step in range(args.warmup + args.steps):
            start = time.perf_counter()
            optimizer.zero_grad()
            if rank == 0:
                schedule.step(x)
            else:
                schedule.step(target=y)
            optimizer.step()
            if step >= args.warmup:
                times.append(time.perf_counter() - start)
        if rank == 0:
            results.put((m, statistics.median(times) * 1e3))
    if rank == 0:
        results.put(None)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--layers", type=int, default=9)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--micro-batches", default="1,2,4,8")
    args = parser.parse_args()
    context = mp.get_context("spawn")
    results = context.SimpleQueue()
    port = 29500 + os.getpid() % 1000
    processes = mp.start_processes(worker, args=(args, port, results), nprocs=2,
                                   start_method="spawn", join=False)
    while (item := results.get()) is not None:
        print(f"torch_pipeline micro_batches={item[0]} torch_ms={item[1]:.2f}", flush=True)
    processes.join()


if __name__ == "__main__":
    main()
