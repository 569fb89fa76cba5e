"""The lecture's Fashion-MNIST baseline in Keras itself, on the real data: the reference accuracy.

The lecture's model and recipe exactly as Keras builds them (examples/fashion_mnist/
keras_baseline.toml is scidl's copy): Conv2D(32, 3x3, ReLU) -> Conv2D(64, 3x3, ReLU) ->
MaxPooling2D(2x2) -> Dropout(0.25) -> Flatten -> Dense(128, ReLU) -> Dropout(0.5) ->
Dense(10, softmax); Keras's default initialisers (Glorot-uniform kernels, zero biases);
SGD(learning_rate=0.01, momentum=0.9); categorical cross-entropy; batch 32; 15 epochs;
pixels / 255; model.fit's per-epoch shuffle; validation_data=(x_test, y_test), so the test
accuracy is printed after every epoch. Reads Debian's dataset-fashion-mnist. It answers whether
the lecture's 92.84% is what Keras gets from this recipe or one lucky run; it is not a timed
benchmark. Needs TensorFlow from PyPI (a peer only, never a dependency of scidl):
  python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu
  /tmp/tfenv/bin/python bench/peers/keras_fashion_baseline.py [--seed S] [--epochs N]
Ends with one line `keras_test_accuracy=<last epoch>`.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402
from tensorflow import keras  # noqa: E402

from fashion_mnist_files import fashion_mnist  # noqa: E402


def split(prefix):
    x, y = fashion_mnist(prefix)
    return x.reshape(-1, 28, 28, 1), keras.utils.to_categorical(y, 10)


class PrintTestAccuracy(keras.callbacks.Callback):
    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1}/{self.epochs} loss {logs['loss']:.6f} "
              f"test_accuracy {logs['val_accuracy']:.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()
    keras.utils.set_random_seed(args.seed)
    threads = int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    x, y = split("train")
    x_test, y_test = split("t10k")
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.Conv2D(64, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Dropout(0.25),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=args.epochs, verbose=0,
                        validation_data=(x_test, y_test),
                        callbacks=[PrintTestAccuracy(args.epochs)])
    print(f"keras_test_accuracy={history.history['val_accuracy'][-1]:.4f}")


if __name__ == "__main__":
    main()
