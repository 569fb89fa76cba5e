"""scidl.tune: the hyperparameter study `scidl tune` runs (searchers, ASHA / median stopping,
trials in parallel as processes, a study that survives a crash), from Python."""
import os
import shutil
import sys

from . import _core


def _executable():
    """The scidl command each trial runs: $SCIDL_EXECUTABLE, the one a wheel carries, the one
    built beside this module, or `scidl` on PATH."""
    candidates = [os.environ.get("SCIDL_EXECUTABLE"),
                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "scidl"),
                  _core.build_tree_cli, shutil.which("scidl")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise RuntimeError("scidl.tune runs each trial as a `scidl train` process, but found no scidl "
                       "executable (looked at $SCIDL_EXECUTABLE, " + candidates[1] +
                       ", the build tree and PATH): build the project (bash scripts/build.sh) "
                       "or set SCIDL_EXECUTABLE to the scidl command")


def _overrides(overrides):
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        return [f"{key}={_toml_value(value)}" for key, value in overrides.items()]
    return [str(o) for o in overrides]


def _toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def tune(config=None, overrides=None, output_dir=None, resume=False, verbose=True,
         status_every_s=30.0):
    """Run a study: `config` is a tune config (a TOML path, or a dict of the same tables, its
    relative paths from the working directory); `overrides` are `--set`s ({"num_samples": 8,
    "base.training.epochs": 5} or ["num_samples=8"]). With resume=True the study in output_dir
    continues (config may then be left out when it was made from a file).

    Returns a dict: "leaderboard" (rows best first: rank, trial, params, the metric's last value,
    best, epochs, ended, seconds), "best_trial", "best_params", "best_config" (the best trial's
    run config), "best_model" (its model file), "output_dir", "metric", "mode". Ctrl-C stops the
    running trials at a checkpoint and raises KeyboardInterrupt; resume=True continues."""
    if config is not None and not isinstance(config, dict):
        config = os.fspath(config)
    live = verbose and hasattr(sys.stdout, "isatty") and sys.stdout.isatty() and \
        os.environ.get("TERM") != "dumb"
    width = shutil.get_terminal_size().columns if live else 0
    return _core.tune_run(config, _overrides(overrides),
                          None if output_dir is None else os.fspath(output_dir), bool(resume),
                          bool(verbose), _executable(), bool(live), int(width),
                          float(status_every_s))
