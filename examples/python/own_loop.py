#!/usr/bin/python3
"""A training loop of one's own, PyTorch style: scidl's forward with autograd, backward(),
.grad, and a plain SGD update under `with scidl.no_grad()`.

    python3 examples/python/own_loop.py
"""
import numpy as np

import scidl
from scidl import layers


def main():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, (512, 1)).astype(np.float32)
    y = np.sin(x).astype(np.float32)
    model = scidl.Sequential([layers.Dense(32, activation="tanh"), layers.Dense(1)], inputs=1)
    target = scidl.Tensor(y)
    for step in range(301):
        out = model(x)
        loss = ((out - target) * (out - target)).mean()
        for p in model.parameters():
            p.zero_grad()
        loss.backward()
        with scidl.no_grad():
            for p in model.parameters():
                p.numpy()[...] -= 0.1 * p.grad.numpy()  # in place: arrays share the memory
        if step % 100 == 0:
            print(f"step {step}: mse {loss.item():.5f}")


if __name__ == "__main__":
    main()
