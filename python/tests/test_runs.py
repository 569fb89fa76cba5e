"""scidl.train: the run `scidl train` makes, with its history, last metrics and run folder back
as a dict."""
import os

import scidl


def test_train_returns_history_metrics_and_the_run_folder(tmp_path):
    config = {
        "seed": 1,
        "data": {"source": "damped_oscillator", "trajectories": 20, "points": 50,
                 "validation_split": 0.2},
        "model": {"inputs": 3, "layers": [{"type": "dense", "units": 16, "activation": "tanh"},
                                          {"type": "dense", "units": 1}]},
        "training": {"epochs": 3, "batch_size": 16, "loss": "mse"},
        "output": {"dir": str(tmp_path / "run"), "plots": False},
    }
    result = scidl.train(config, verbose=False)
    assert result["output_dir"] == str(tmp_path / "run")
    assert len(result["history"]["loss"]) == 3 and len(result["history"]["val_loss"]) == 3
    assert result["metrics"] == result["epochs"][-1]
    assert result["metrics"]["val_loss"] == result["history"]["val_loss"][-1]
    assert os.path.isfile(result["best_model"]) and os.path.isfile(result["last_model"])
    assert os.path.isfile(tmp_path / "run" / "history.csv")
