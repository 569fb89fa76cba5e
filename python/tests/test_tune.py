"""scidl.tune: the study `scidl tune` runs, from Python, on Debian's Iris (python3-sklearn): a
leaderboard and best trial back as Python values, a dict config, a study resumed, the lock
naming its holder, Ctrl-C stopping trials at a checkpoint."""
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest

import scidl

IRIS = os.path.join(os.environ.get("SCIDL_SOURCE_DIR", os.path.join(os.path.dirname(__file__),
                                                                    "..", "..")),
                    "examples", "tune", "iris.toml")


def study(tmp_path, **changes):
    config = {
        "base": os.path.abspath(IRIS),
        "metric": "val_loss",
        "mode": "min",
        "searcher": "random",
        "scheduler": "asha",
        "num_samples": 4,
        "concurrency": 2,
        "seed": 3,
        "asha": {"max_t": 3, "grace_period": 1, "reduction_factor": 2},
        "space": {"model.layers[1].units": {"choice": [4, 8, 16]},
                  "optimizer.lr": {"loguniform": [1e-3, 1e-1]},
                  "training.epochs": 3},
        "output": {"dir": str(tmp_path / "study")},
    }
    config.update(changes)
    return config


def test_tune_returns_the_leaderboard_and_the_best_trial(tmp_path, capsys):
    result = scidl.tune(study(tmp_path))
    board = result["leaderboard"]
    assert [row["trial"] for row in board] != []
    assert sorted(row["trial"] for row in board) == [0, 1, 2, 3]
    ranked = [row for row in board if row["rank"] is not None]
    assert [row["rank"] for row in ranked] == list(range(1, len(ranked) + 1))
    assert [row["val_loss"] for row in ranked] == sorted(row["val_loss"] for row in ranked)
    best = board[0]
    assert result["best_trial"] == best["trial"]
    assert set(best["params"]) == {"model.layers[1].units", "optimizer.lr", "training.epochs"}
    assert result["best_params"] == best["params"]
    assert result["best_config"]["model"]["layers"][1]["units"] == \
        best["params"]["model.layers[1].units"]
    assert result["best_config"]["optimizer"]["lr"] == pytest.approx(best["params"]["optimizer.lr"])
    assert os.path.isfile(result["best_model"])
    assert result["output_dir"] == str(tmp_path / "study")
    assert best["ended"] in ("completed", ) or best["ended"].startswith("stopped")
    # The same leaderboard the CLI writes.
    with open(tmp_path / "study" / "leaderboard.csv") as f:
        assert [r["trial"] for r in csv.DictReader(f)] == \
            [f"trial_{row['trial']:04d}" for row in board]
    out = capsys.readouterr().out  # the study's lines reach sys.stdout, plain (not a terminal)
    assert "starting trial_0000" in out and "\x1b" not in out
    # The model it found predicts as any scidl model does.
    model = scidl.load_model(result["best_model"])
    assert model.predict([[5.1, 3.5, 1.4, 0.2]]).shape == (1, 3)


def test_a_finished_study_resumes_to_the_same_leaderboard_and_overrides_apply(tmp_path):
    first = scidl.tune(study(tmp_path), overrides={"num_samples": 2}, verbose=False)
    assert len(first["leaderboard"]) == 2
    again = scidl.tune(study(tmp_path), overrides=["num_samples=2"], resume=True, verbose=False)
    assert again["leaderboard"] == first["leaderboard"]  # nothing was run again
    with pytest.raises(ValueError, match="num_samples"):  # another config: refused, naming it
        scidl.tune(study(tmp_path), resume=True, verbose=False)
    # The CLI cannot read a dict back: it says how to resume instead.
    cli = subprocess.run([scidl.studies._executable(), "tune", "--resume", str(tmp_path / "study")],
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 1
    assert "made from a Python dict" in cli.stderr and "resume=True" in cli.stderr


def test_a_study_from_a_file_resumes_with_its_folder_alone(tmp_path):
    config = tmp_path / "search.toml"
    config.write_text(
        f'base = "{os.path.abspath(IRIS)}"\nnum_samples = 2\nseed = 1\n'
        '[space]\n"optimizer.lr" = { loguniform = [1e-3, 1e-1] }\n"training.epochs" = 2\n'
        '[output]\ndir = "study"\n')
    first = scidl.tune(config, verbose=False)
    again = scidl.tune(output_dir=tmp_path / "study", resume=True, verbose=False)
    assert again["leaderboard"] == first["leaderboard"]


def test_bad_tune_configs_are_refused_with_scidls_message(tmp_path):
    with pytest.raises(ValueError, match="val_acuracy.*did you mean"):
        scidl.tune(study(tmp_path, metric="val_acuracy"))
    with pytest.raises(ValueError, match="layrs"):
        scidl.tune(study(tmp_path, space={"model.layrs[1].units": {"choice": [4]}}))
    with pytest.raises(ValueError, match="needs a tune config"):
        scidl.tune()


def test_sigint_stops_the_running_trials_at_a_checkpoint_and_the_study_stays_resumable(tmp_path):
    config = study(tmp_path, num_samples=2, concurrency=1, scheduler="fifo",
                   space={"optimizer.lr": {"choice": [0.01]}, "training.epochs": 100000})
    started = tmp_path / "study" / "trials" / "trial_0000" / "checkpoint.scidl"

    def interrupt_once_a_checkpoint_exists():
        for _ in range(1200):
            if started.exists():
                break
            threading.Event().wait(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Thread(target=interrupt_once_a_checkpoint_exists)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        scidl.tune(config, verbose=False)
    timer.join()
    assert started.exists()
    assert not (tmp_path / "study" / "leaderboard.csv").exists()  # not finished: resumable
    with sqlite3.connect(tmp_path / "study" / "study.db") as db:  # trial 0 is to be continued
        assert db.execute("SELECT state FROM trials WHERE id = 0").fetchone() == ("running",)


def test_a_running_study_refuses_a_second_tuner_naming_the_program_that_holds_it(tmp_path):
    config = study(tmp_path, num_samples=1, concurrency=1, scheduler="fifo",
                   space={"optimizer.lr": {"choice": [0.01]}, "training.epochs": 100000})
    script = "import json, sys, scidl\nscidl.tune(json.loads(sys.argv[1]), verbose=False)\n"
    holder = subprocess.Popen([sys.executable, "-c", script, json.dumps(config)])
    try:
        started = tmp_path / "study" / "trials" / "trial_0000.toml"
        for _ in range(1200):
            if started.exists():
                break
            threading.Event().wait(0.05)
        with pytest.raises(RuntimeError, match=rf"another `scidl.tune` \(pid {holder.pid} on"):
            scidl.tune(config, resume=True, verbose=False)
    finally:
        holder.send_signal(signal.SIGINT)
        holder.wait(timeout=60)
