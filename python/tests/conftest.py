"""Small real-sized data for the module's tests: three Gaussian blobs of 4 features (as Iris
has), and a smooth regression."""
import numpy as np
import pytest


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0, 0, 0], [3, 3, 0, 0], [0, 3, 3, 3]], dtype=np.float32)
    y = rng.integers(0, 3, size=300)
    x = (centres[y] + rng.normal(0, 0.7, size=(300, 4))).astype(np.float32)
    return x[:240], y[:240].astype(np.int64), x[240:], y[240:].astype(np.int64)


@pytest.fixture
def regression():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(256, 3)).astype(np.float32)
    y = (np.sin(x[:, :1] * 2) + x[:, 1:2] * x[:, 2:3]).astype(np.float32)
    return x, y
