"""Run configs, the TOML files `scidl train` reads (train/run_config.h), from Python."""
import os

from . import _core


def _config(config):
    return config if isinstance(config, dict) else os.fspath(config)


def read_run_config(config):
    """The config (a TOML path, or a dict of its sections) checked and resolved, as a dict."""
    return _core.read_run_config(_config(config))


def load_run_data(config):
    """The arrays (x, y) the config's [data] section names."""
    return _core.load_run_data(_config(config))


def train(config, output_dir=None, overwrite=False, resume=False, verbose=True):
    """The whole run `scidl train CONFIG` makes (run folder, checkpoints, best.scidl,
    history.csv, plots). Returns a dict: "history" (each logged name -> its value per epoch, as
    Keras' History.history), "epochs" (the same as one dict per epoch), "metrics" (the last
    epoch's), "output_dir" (the run folder), "best_model", "last_model", "stopped_because"."""
    return _core.train_run(_config(config), None if output_dir is None else os.fspath(output_dir),
                           overwrite, resume, verbose)
