"""Callbacks for ``Model.fit``, with Keras's names and options.

The built-in ones are scidl's own (train/callbacks/), built from the same ``[[callbacks]]``
tables a run config holds, so each option means what it means there: relative paths are
relative to the working directory. A subclass of :class:`Callback` runs Python code at epoch
(and, when it defines ``on_batch_end``, batch) ends; setting ``model.stop_training = True`` in
it stops training, as in Keras.
"""


class _Configured:
    type = None

    def __init__(self, **options):
        self.options = {k: v for k, v in options.items() if v is not None}

    def to_config(self):
        return {"type": self.type, **self.options}

    def __repr__(self):
        options = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"{type(self).__name__}({options})"


class EarlyStopping(_Configured):
    type = "early_stopping"

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor=monitor, min_delta=min_delta, patience=patience,
                         verbose=verbose, mode=mode, baseline=baseline,
                         restore_best_weights=restore_best_weights,
                         start_from_epoch=start_from_epoch)


class ModelCheckpoint(_Configured):
    type = "model_checkpoint"

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, mode="auto",
                 save_freq=None, initial_value_threshold=None, every_n_epochs=None):
        super().__init__(filepath=str(filepath), monitor=monitor, verbose=verbose,
                         save_best_only=save_best_only, mode=mode,
                         initial_value_threshold=initial_value_threshold,
                         every_n_epochs=every_n_epochs)
        if save_freq not in (None, "epoch"):
            raise ValueError(f"save_freq={save_freq!r}: scidl's ModelCheckpoint saves at epoch "
                             "ends; use every_n_epochs=N for every N-th epoch")


class TensorBoard(_Configured):
    type = "tensorboard"

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 update_freq="epoch", **options):
        super().__init__(log_dir=str(log_dir), histogram_freq=histogram_freq,
                         write_graph=write_graph, write_images=write_images,
                         update_freq=update_freq, **options)


class CSVLogger(_Configured):
    type = "csv_logger"

    def __init__(self, filename, separator=",", append=False):
        super().__init__(filename=str(filename), separator=separator, append=append)


class TerminateOnNaN(_Configured):
    type = "terminate_on_nan"


class Callback:
    """Python code at fit's events (Keras's method names). ``self.model`` is the model."""

    model = None

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class History(Callback):
    """What fit returns: ``history.history["loss"]`` is the loss of each epoch, and so on for
    every logged value; ``history.epoch`` the epochs' numbers (0-based, as Keras counts)."""

    def __init__(self, epochs_logs=(), initial_epoch=0, stopped_because=""):
        self.history = {}
        self.epoch = []
        self.stopped_because = stopped_because
        for i, logs in enumerate(epochs_logs):
            self.epoch.append(initial_epoch + i)
            for key, value in logs.items():
                self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={sorted(self.history)})"


class _Dispatcher:
    """Calls the Python callbacks for the C++ fit loop; a True return asks it to stop."""

    def __init__(self, model, callbacks):
        self.model = model
        self.callbacks = callbacks
        for cb in callbacks:
            cb.model = model
        self.wants_batches = any(hasattr(cb, "on_batch_end") for cb in callbacks)

    def _stop(self):
        return bool(self.model.stop_training)

    def on_train_begin(self):
        for cb in self.callbacks:
            cb.on_train_begin({})
        return self._stop()

    def on_epoch_begin(self, epoch):
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, {})
        return self._stop()

    def on_batch_end(self, step, logs):
        for cb in self.callbacks:
            if hasattr(cb, "on_batch_end"):
                cb.on_batch_end(step, logs)
        return self._stop()

    def on_epoch_end(self, epoch, logs):
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)
        return self._stop()

    def on_train_end(self, logs):
        for cb in self.callbacks:
            cb.on_train_end(logs)
        return self._stop()
