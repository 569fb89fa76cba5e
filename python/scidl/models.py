"""Models as Keras users know them: built from layers, a spec dict or a run config; compile,
fit, predict, evaluate, save; weights as dicts of arrays with PyTorch's names; and the forward
pass with autograd for a loop of one's own."""
import os
import sys

import numpy as np

from . import _core
from .callbacks import History, _Configured, _Dispatcher


def _spec_of(layers, inputs, dtype, init):
    spec = {"layers": [l.to_config() if hasattr(l, "to_config") else dict(l) for l in layers]}
    if inputs is not None:
        spec["inputs"] = list(inputs) if isinstance(inputs, tuple) else inputs
    if dtype is not None:
        spec["dtype"] = dtype
    if init is not None:
        spec["init"] = init
    return spec


def _example_shape(x):
    shape = np.shape(x)
    if len(shape) < 1:
        raise ValueError(f"x has shape {shape}: give examples in rows, shape [N, ...]")
    return shape[1] if len(shape) == 2 else (list(shape[1:]) if len(shape) > 2 else 1)


class Model:
    """A scidl network. Build one with :func:`Sequential`, :meth:`from_config` or
    :func:`scidl.load_model`."""

    def __init__(self, spec, seed=0):
        self._spec = dict(spec)
        self._seed = seed
        self._core = _core.Model(self._spec, seed) if "inputs" in self._spec else None
        self._compile_args = None
        self.stop_training = False
        self.history = None
        self.fit_defaults = {}

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config, seed=None):
        """A model from a spec dict (``{"inputs": 4, "layers": [...]}``), or from a run config
        (a TOML path, or a dict with a ``model`` section) compiled with its optimizer, loss and
        metrics; its training options become fit's defaults."""
        if isinstance(config, dict) and "layers" in config:
            return cls(config, 0 if seed is None else seed)
        run = _core.read_run_config(os.fspath(config) if not isinstance(config, dict) else config)
        model = cls(run["model"], run["seed"] if seed is None else seed)
        training = run["training"]
        model.compile(optimizer=run["optimizer"], loss=training["loss"],
                      metrics=[m for m in training.get("metrics", []) if m != "confusion_matrix"])
        model.fit_defaults = {"epochs": training["epochs"], "batch_size": training["batch_size"],
                              "shuffle": training.get("shuffle", True), "seed": run["seed"],
                              "callbacks": run.get("callbacks", [])}
        return model

    @classmethod
    def _from_core(cls, core):
        model = cls.__new__(cls)
        model._spec = core.spec
        model._seed = 0
        model._core = core
        model._compile_args = None
        model.stop_training = False
        model.history = None
        model.fit_defaults = {}
        return model

    def _built(self, x=None, call="this call"):
        if self._core is None:
            if x is None:
                raise ValueError(f"{call} needs the model built: give Sequential(..., inputs=N), "
                                 "or call fit or predict with data first")
            self._spec["inputs"] = _example_shape(x)
            self._core = _core.Model(self._spec, self._seed)
            if self._compile_args is not None:
                self._core.compile(*self._compile_args)
        return self._core

    def compile(self, optimizer="adam", loss="mse", metrics=None, learning_rate=None):
        """The optimizer (a name, or a dict of its options: ``{"type": "adam", "lr": 1e-3}``),
        the loss (mse, mae, huber, cross_entropy, nll, bce_with_logits) and metrics by name."""
        if isinstance(optimizer, str):
            optimizer = {"type": optimizer}
        optimizer = dict(optimizer.to_config() if hasattr(optimizer, "to_config") else optimizer)
        if learning_rate is not None:
            optimizer["lr"] = learning_rate
        self._compile_args = (optimizer, loss, list(metrics or []))
        if self._core is not None:
            self._core.compile(*self._compile_args)

    # -- training and inference ----------------------------------------------------------------
    def fit(self, x, y, batch_size=None, epochs=None, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=None, initial_epoch=0,
            seed=None):
        """Trains on (x, y) and returns a History. validation_split holds out the last rows,
        as Keras does (validation_data wins when both are given). Ctrl-C stops after the batch
        in progress and raises KeyboardInterrupt; the model keeps the weights it had reached."""
        if validation_data is None and validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(f"validation_split must lie in (0, 1), got {validation_split}")
            rows = len(x)
            cut = rows - int(rows * validation_split)
            if cut in (0, rows):
                raise ValueError(f"validation_split={validation_split} of {rows} rows leaves "
                                 "no training or no validation rows")
            x, y, validation_data = x[:cut], y[:cut], (x[cut:], y[cut:])
        core = self._built(x)
        if self._compile_args is None and not core.compiled:
            raise ValueError("fit needs a loss: call model.compile(optimizer=\"adam\", "
                             "loss=\"mse\") first")
        d = self.fit_defaults
        epochs = d.get("epochs", 1) if epochs is None else epochs
        batch_size = d.get("batch_size", 32) if batch_size is None else batch_size
        shuffle = d.get("shuffle", True) if shuffle is None else shuffle
        seed = d.get("seed", 0) if seed is None else seed
        if callbacks is None:
            callbacks = d.get("callbacks", [])
        configured = [c.to_config() if isinstance(c, _Configured) else c for c in callbacks
                      if isinstance(c, (_Configured, dict))]
        own = [c for c in callbacks if not isinstance(c, (_Configured, dict))]
        vx = vy = None
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (x_val, y_val), got "
                                 f"{len(validation_data)} items")
            vx, vy = validation_data
        self.stop_training = False
        result = core.fit(x, y, vx, vy, epochs, batch_size, shuffle, seed, initial_epoch,
                          configured, _Dispatcher(self, own) if own else None,
                          _progress_style(verbose))
        self.history = History(result["epochs"], initial_epoch, result["stopped_because"])
        return self.history

    def predict(self, x, batch_size=4096, verbose=0):
        """The model's outputs for x as a NumPy array, in eval mode, without gradients."""
        return self._built(x).predict(x, batch_size)

    def evaluate(self, x, y, batch_size=1024, verbose=0):
        """The loss and metrics over (x, y) as a dict: {"loss": ..., "mae": ...}."""
        return self._built(x).evaluate(x, y, batch_size)

    def __call__(self, x):
        """The forward pass as a Tensor, recording autograd history (unless in no_grad)."""
        return self._built(x).forward(x)

    # -- files and weights -----------------------------------------------------------------
    def save(self, path):
        """A scidl model file (docs/model_file_format.md): the spec, the weights, and the
        compile settings, which load_model restores."""
        self._built(call="save").save(os.fspath(path))

    def get_weights(self):
        """Every parameter and buffer as a NumPy copy, by PyTorch's names ("0.weight")."""
        return self._built(call="get_weights").state_dict()

    def set_weights(self, weights, strict=True):
        """Copies in arrays by name (as get_weights gives them); shapes must match."""
        self._built(call="set_weights").load_state_dict(dict(weights), strict)

    state_dict = get_weights
    load_state_dict = set_weights

    def parameters(self):
        """The parameters as Tensors (shared: an optimizer of one's own may update them)."""
        return self._built(call="parameters").parameters()

    def named_parameters(self):
        return self._built(call="named_parameters").named_parameters().items()

    def train(self, mode=True):
        self._built(call="train").train(mode)
        return self

    def eval(self):
        self._built(call="eval").eval()
        return self

    def summary(self, print_fn=print):
        print_fn(self._built(call="summary").summary().rstrip("\n"))

    def count_params(self):
        return self._built(call="count_params").count_params()

    @property
    def spec(self):
        """The model spec, as a run config's [model] holds it."""
        return self._core.spec if self._core is not None else dict(self._spec)

    @property
    def dtype(self):
        return self._built(call="dtype").dtype

    def __repr__(self):
        if self._core is None:
            return f"scidl.Model(not built yet, {len(self._spec['layers'])} layers)"
        return f"scidl.Model({self._core.count_params()} parameters)\n{self._core.summary()}"


def _progress_style(verbose):
    """Keras's verbose: 0 silent, 2 one line per epoch, 1 or "auto" a progress bar on a
    terminal and one line per epoch elsewhere (a notebook, a log file)."""
    if verbose == 0:
        return "none"
    if verbose == 2:
        return "lines"
    return "bar" if sys.stdout.isatty() and sys.stdout is sys.__stdout__ else "lines"


def Sequential(layers, inputs=None, seed=0, dtype=None, init=None):
    """A stack of layers. ``inputs`` is each example's shape (4, or (3, 28, 28)); without it the
    model is built at its first fit, predict or call, from the data's shape."""
    return Model(_spec_of(layers, inputs, dtype, init), seed)


def load_model(path):
    """A model from a scidl model file (a `scidl train` run's best.scidl, or Model.save's)."""
    return Model._from_core(_core.Model.load(os.fspath(path)))
