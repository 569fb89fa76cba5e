#!/usr/bin/python3
"""Integrated gradients with Captum's argument names: which inputs a trained regression
network's output depends on (y = 3 x0 - 2 x1, x2 and x3 unused).

    python3 examples/python/explain.py
"""
import numpy as np

import scidl
from scidl import layers


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 4))
    y = 3 * x[:, :1] - 2 * x[:, 1:2]
    model = scidl.Sequential([layers.Dense(32, activation="tanh"), layers.Dense(1)], inputs=4,
                             dtype="float64")
    model.compile(optimizer={"type": "adam", "lr": 0.01}, loss="mse")
    model.fit(x, y, epochs=20, batch_size=64, verbose=0)
    attributions, delta = scidl.explain.integrated_gradients(
        model, x[:200], baselines=None, n_steps=50, method="gausslegendre",
        return_convergence_delta=True)
    print("mean |attribution| per input:", np.abs(attributions).mean(0).round(3))
    print("largest convergence delta:", float(np.abs(delta).max()))


if __name__ == "__main__":
    main()
