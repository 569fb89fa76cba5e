#!/usr/bin/python3
"""A classifier with Keras's calls: three Gaussian blobs of 4 features (or Iris, where Debian's
python3-sklearn ships it), fit with validation data and early stopping, then predict, evaluate,
save and load.

    python3 examples/python/classify.py [OUT_DIR]
"""
import os
import sys

import numpy as np

import scidl
from scidl import layers

IRIS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv"


def data():
    if os.path.exists(IRIS):  # 150 rows: 4 measurements, the species as 0, 1, 2
        table = np.loadtxt(IRIS, delimiter=",", skiprows=1)
        return table[:, :4].astype(np.float32), table[:, 4].astype(np.int64)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    centres = np.array([[0, 0, 0, 0], [3, 3, 0, 0], [0, 3, 3, 3]], dtype=np.float32)
    return (centres[y] + rng.normal(0, 0.7, (300, 4))).astype(np.float32), y


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "runs/python_classify"
    os.makedirs(out, exist_ok=True)
    x, y = data()
    order = np.random.default_rng(1).permutation(len(x))
    x, y = x[order], y[order]
    split = len(x) * 4 // 5
    model = scidl.Sequential([layers.Normalization(),
                              layers.Dense(32, activation="relu"),
                              layers.Dense(3)], inputs=4, seed=1)
    model.compile(optimizer={"type": "adam", "lr": 0.01}, loss="cross_entropy",
                  metrics=["accuracy"])
    history = model.fit(x[:split], y[:split], validation_data=(x[split:], y[split:]),
                        epochs=100, batch_size=16, verbose=0,
                        callbacks=[scidl.callbacks.EarlyStopping(patience=10,
                                                                 restore_best_weights=True),
                                   scidl.callbacks.CSVLogger(os.path.join(out, "history.csv"))])
    print(f"{len(history.epoch)} epochs, validation accuracy "
          f"{history.history['val_accuracy'][-1]:.3f}")
    print("evaluate:", model.evaluate(x[split:], y[split:]))
    path = os.path.join(out, "classifier.scidl")
    model.save(path)
    again = scidl.load_model(path)
    assert np.array_equal(again.predict(x[:5]), model.predict(x[:5]))
    print("classes of the first five:", again.predict(x[:5]).argmax(1), "true:", y[:5])


if __name__ == "__main__":
    main()
