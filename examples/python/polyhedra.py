#!/usr/bin/python3
"""Euler's formula learnt from data: random convex lattice polyhedra (scidl's polyhedra case)
and a network that predicts the number of faces from vertices and edges (F = 2 - V + E).

    python3 examples/python/polyhedra.py
"""
import numpy as np

import scidl
from scidl import layers


def main():
    table = scidl.cases.random_polyhedra(2000, seed=1)
    x = np.stack([table["vertices"], table["edges"]], axis=1).astype(np.float32)
    y = table["faces"].astype(np.float32)
    model = scidl.Sequential([layers.Normalization(), layers.Dense(16, activation="relu"),
                              layers.Dense(1)], inputs=2, seed=1)
    model.compile(optimizer={"type": "adam", "lr": 0.01}, loss="mse", metrics=["mae"])
    history = model.fit(x[:1600], y[:1600], validation_data=(x[1600:], y[1600:]), epochs=30,
                        batch_size=32, verbose=0)
    print(f"validation MAE in faces: {history.history['val_mae'][-1]:.3f}")
    v, e = 8, 12  # a cube
    faces = model.predict(np.array([[v, e]], np.float32))[0, 0]
    print(f"a cube (V=8, E=12): predicted F = {faces:.2f} (Euler: {2 - v + e})")


if __name__ == "__main__":
    main()
