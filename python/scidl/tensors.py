"""scidl.Tensor and autograd: the C++ Tensor, plus the ``no_grad`` scope PyTorch users write."""
import contextlib

from . import _core

Tensor = _core.Tensor


@contextlib.contextmanager
def no_grad():
    """Operations inside record no autograd history (evaluation, manual weight updates)."""
    previous = _core.is_grad_enabled()
    _core.set_grad_enabled(False)
    try:
        yield
    finally:
        _core.set_grad_enabled(previous)

is_grad_enabled = _core.is_grad_enabled
set_grad_enabled = _core.set_grad_enabled
