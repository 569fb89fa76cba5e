#!/usr/bin/python3
"""scidl side of `bench/run python_fit`: the three-body network trained from Python through
`import scidl` (Model.fit over NumPy arrays), as bench/python_fit.cpp trains it from C++.

Network 3 -> 10 x Dense(128, ReLU) -> 4, Adam (lr 5e-4, eps 1e-7), MAE, shuffled batches of
--batch rows, 10 batches an epoch. Prints python_ms=<ms per step>: the best of --repeats timed
fits of --steps steps, after one untimed fit of a tenth as many. Needs Debian's python3 (the
module is built for it) with build/python on its path.
"""
import argparse
import time

import numpy as np

import scidl


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    batches_per_epoch = 10
    rng = np.random.default_rng(0)
    x = rng.random((args.batch * batches_per_epoch, 3), dtype=np.float32)
    y = rng.random((args.batch * batches_per_epoch, 4), dtype=np.float32)
    model = scidl.Sequential([scidl.layers.Dense(128, activation="relu", repeat=10),
                              scidl.layers.Dense(4)], inputs=3)
    model.compile(optimizer={"type": "adam", "lr": 5e-4, "eps": 1e-7}, loss="mae")
    warmup_epochs = max(1, args.steps // 10 // batches_per_epoch)
    model.fit(x, y, epochs=warmup_epochs, batch_size=args.batch, verbose=0)
    epochs = max(1, args.steps // batches_per_epoch)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.fit(x, y, epochs=epochs, batch_size=args.batch, verbose=0)
        best = min(best, (time.perf_counter() - start) * 1e3 / (epochs * batches_per_epoch))
    print(f"python_ms={best:.4f}")


if __name__ == "__main__":
    main()
