"""Attributions with Captum's argument names, over scidl's explain/ room.

    attributions, delta = scidl.explain.integrated_gradients(
        model, x, target=0, baselines=None, n_steps=50, method="gausslegendre",
        return_convergence_delta=True)
"""
from . import _core


def integrated_gradients(model, inputs, target=None, baselines=None, n_steps=50,
                         method="gausslegendre", internal_batch_size=None,
                         multiply_by_inputs=True, return_convergence_delta=False):
    """Captum's IntegratedGradients(model).attribute(inputs, ...): attributions shaped like
    inputs and, when asked, the convergence delta per example."""
    return _core.explain.integrated_gradients(
        model._built(inputs), inputs, target=target, baselines=baselines, n_steps=n_steps,
        method=method, internal_batch_size=internal_batch_size,
        multiply_by_inputs=multiply_by_inputs,
        return_convergence_delta=return_convergence_delta)


def saliency(model, inputs, target=None, abs=True):
    """Captum's Saliency: the gradient's magnitude (abs=True) or the signed gradient."""
    return _core.explain.saliency(model._built(inputs), inputs, target=target, abs=abs)


def input_x_gradient(model, inputs, target=None):
    """Captum's InputXGradient: inputs times the gradient."""
    return _core.explain.input_x_gradient(model._built(inputs), inputs, target=target)
