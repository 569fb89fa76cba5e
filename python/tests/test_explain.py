"""scidl.explain with Captum's argument names gives integrated gradients that add up."""
import numpy as np
import pytest

import scidl
from scidl import layers


def test_integrated_gradients_of_a_linear_model_are_exact():
    model = scidl.Sequential([layers.Dense(2)], inputs=3, dtype="float64")
    w = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    model.set_weights({"0.weight": w, "0.bias": np.array([0.1, 0.2])})
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    baseline = np.array([0.5, 0.5, 0.5])
    attributions = scidl.explain.integrated_gradients(model, x, target=1, baselines=baseline,
                                                      n_steps=8, method="gausslegendre")
    np.testing.assert_allclose(attributions, (x - baseline) * w[1], rtol=1e-12)


def test_convergence_delta_is_small_for_a_trained_network(blobs):
    x, y, xv, _ = blobs
    model = scidl.Sequential([layers.Dense(16, activation="tanh"), layers.Dense(3)], inputs=4,
                             dtype="float64")
    model.compile(loss="cross_entropy")
    model.fit(x, y, epochs=3, verbose=0)
    attributions, delta = scidl.explain.integrated_gradients(
        model, xv[:10], target=y[:10], n_steps=64, return_convergence_delta=True)
    assert attributions.shape == (10, 4)
    assert np.max(np.abs(delta)) < 1e-6


def test_a_bad_method_lists_captums_names():
    model = scidl.Sequential([layers.Dense(1)], inputs=2)
    with pytest.raises(ValueError, match="gausslegendre"):
        scidl.explain.integrated_gradients(model, np.zeros((1, 2), np.float32), method="simpson")


def test_saliency_is_the_weights_magnitude_for_a_linear_model():
    model = scidl.Sequential([layers.Dense(1)], inputs=2, dtype="float64")
    model.set_weights({"0.weight": np.array([[2.0, -3.0]]), "0.bias": np.array([0.0])})
    np.testing.assert_allclose(scidl.explain.saliency(model, np.ones((2, 2))),
                               [[2.0, 3.0], [2.0, 3.0]])
