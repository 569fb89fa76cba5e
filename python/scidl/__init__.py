"""scidl from Python: the C++ library's tensors, models, training and explanations, with
NumPy in and out (C-contiguous float32, float64 and int64 arrays are shared, not copied).

    import scidl
    model = scidl.Sequential([scidl.layers.Dense(64, activation="relu"),
                              scidl.layers.Dense(3)], inputs=4)
    model.compile(optimizer="adam", loss="cross_entropy", metrics=["accuracy"])
    history = model.fit(x, y, validation_data=(xv, yv), epochs=20, batch_size=32)
    model.predict(x); model.save("iris.scidl"); scidl.load_model("iris.scidl")
    study = scidl.tune("examples/tune/iris_asha.toml", overrides={"num_samples": 8})
"""
from . import _core
from . import automl, callbacks, cases, explain, layers
from ._core import (from_dlpack, from_numpy, manual_seed, matmul, mean, ones, relu, sigmoid,
                    softmax, sum, tanh, tensor, zeros)
from .models import Model, Sequential, load_model
from .runs import load_run_data, read_run_config, train
from .tensors import Tensor, is_grad_enabled, no_grad, set_grad_enabled
from .studies import tune

__version__ = _core.__version__

__all__ = ["Model", "Sequential", "Tensor", "automl", "callbacks", "cases", "explain", "from_dlpack",
           "from_numpy", "is_grad_enabled", "layers", "load_model", "load_run_data", "manual_seed",
           "matmul", "mean", "no_grad", "ones", "read_run_config", "relu", "set_grad_enabled",
           "sigmoid", "softmax", "sum", "tanh", "tensor", "train", "tune", "zeros"]
