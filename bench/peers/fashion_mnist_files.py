"""Debian's dataset-fashion-mnist files as NumPy arrays, for the peers that train on real data."""

import gzip
import os

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"


def _idx(name, offset):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def fashion_mnist(prefix):
    """("train" or "t10k") -> (float32 images [n, 28, 28] scaled to [0, 1], uint8 labels [n])."""
    images = _idx(f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    return images.astype(np.float32) / 255, _idx(f"{prefix}-labels-idx1-ubyte.gz", 8)
