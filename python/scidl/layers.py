"""Layers as Keras names them, each one entry of scidl's model spec (nn/model_spec.h).

A layer is a dict in the end: ``Dense(64, activation="relu")`` is
``{"type": "dense", "units": 64, "activation": "relu"}``, exactly what a ``[model]`` table of a
run config holds, so a model built from these and one read from a TOML file are the same model.
Options are passed through as written and checked by scidl, whose messages name the layer and
the key.
"""


class Layer:
    """One layer of a model spec: a type and its options (``None`` options are left out)."""

    def __init__(self, type, **options):
        self.config = {"type": type}
        self.config.update({k: v for k, v in options.items() if v is not None})

    def to_config(self):
        return dict(self.config)

    def __repr__(self):
        options = ", ".join(f"{k}={v!r}" for k, v in self.config.items() if k != "type")
        return f"{type(self).__name__}({options})"


def _layer(type_name, doc):
    class _Named(Layer):
        def __init__(self, **options):
            super().__init__(type_name, **options)

    _Named.__doc__ = doc
    return _Named


class Dense(Layer):
    """A fully connected layer (PyTorch's Linear), with an optional activation."""

    def __init__(self, units, activation=None, **options):
        super().__init__("dense", units=units, activation=activation, **options)


class Dropout(Layer):
    def __init__(self, rate, **options):
        super().__init__("dropout", rate=rate, **options)


class Conv2D(Layer):
    """A 2-D convolution over NCHW images."""

    def __init__(self, filters, kernel_size, strides=None, padding=None, activation=None,
                 **options):
        super().__init__("conv2d", filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, activation=activation, **options)


class MaxPooling2D(Layer):
    def __init__(self, pool_size=2, strides=None, **options):
        super().__init__("maxpool2d", pool_size=pool_size, strides=strides, **options)


class AveragePooling2D(Layer):
    def __init__(self, pool_size=2, strides=None, **options):
        super().__init__("avgpool2d", pool_size=pool_size, strides=strides, **options)


class Embedding(Layer):
    def __init__(self, input_dim, output_dim, **options):
        super().__init__("embedding", input_dim=input_dim, output_dim=output_dim, **options)


class LSTM(Layer):
    def __init__(self, units, **options):
        super().__init__("lstm", units=units, **options)


class GRU(Layer):
    def __init__(self, units, **options):
        super().__init__("gru", units=units, **options)


Flatten = _layer("flatten", "Flattens each example to one vector.")
BatchNormalization = _layer("batchnorm", "Batch normalization.")
LayerNormalization = _layer("layernorm", "Layer normalization.")
Normalization = _layer("normalization", "Keras's Normalization: adapted on the training data.")
GlobalAveragePooling2D = _layer("global_avg_pool", "The mean over each channel's pixels.")
Dropout2D = _layer("dropout2d", "Drops whole channels.")
ReLU = _layer("relu", "max(x, 0).")
Tanh = _layer("tanh", "tanh(x).")
Sigmoid = _layer("sigmoid", "1 / (1 + exp(-x)).")
LeakyReLU = _layer("leaky_relu", "x, or a small slope times x below 0.")
ELU = _layer("elu", "The exponential linear unit.")
GELU = _layer("gelu", "The Gaussian error linear unit.")
SiLU = _layer("silu", "x * sigmoid(x).")
Softmax = _layer("softmax", "The softmax over the last axis.")
LogSoftmax = _layer("log_softmax", "The log of the softmax over the last axis.")
Add = _layer("add", "The sum of several inputs (a model graph).")
Concatenate = _layer("concat", "Several inputs side by side (a model graph).")
