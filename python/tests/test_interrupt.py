"""Ctrl-C during fit stops after the batch in progress and raises KeyboardInterrupt; the model
keeps working with the weights it reached."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import scidl
from scidl import layers


def test_sigint_during_fit_stops_training_and_raises_keyboard_interrupt():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 8)).astype(np.float32)
    y = x[:, :1].copy()
    model = scidl.Sequential([layers.Dense(64, activation="relu"), layers.Dense(1)], inputs=8)
    model.compile(loss="mse")
    before = model.get_weights()["0.weight"].copy()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=100000, batch_size=32, verbose=0)
    timer.join()
    assert time.monotonic() - started < 60  # stopped, not run to the end
    after = model.get_weights()["0.weight"]
    assert not np.array_equal(before, after)  # it trained until the interrupt
    assert np.all(np.isfinite(model.predict(x[:4])))


def test_fit_releases_the_gil_so_other_python_threads_run():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4096, 8)).astype(np.float32)
    model = scidl.Sequential([layers.Dense(64, activation="relu"), layers.Dense(1)], inputs=8)
    model.compile(loss="mse")
    counted = [0]
    done = threading.Event()

    def count():
        while not done.is_set():
            counted[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        at_start = counted[0]
        model.fit(x, x[:, :1].copy(), epochs=3, batch_size=16, verbose=0)
        during = counted[0] - at_start
    finally:
        done.set()
        thread.join()
    # Holding the GIL for the whole fit would leave the other thread at a standstill.
    assert during > 10000


def test_sigint_during_a_whole_run_leaves_a_checkpoint_to_resume(tmp_path):
    config = {
        "seed": 1,
        "data": {"source": "damped_oscillator", "trajectories": 20, "points": 50},
        "model": {"inputs": 3, "layers": [{"type": "dense", "units": 16, "activation": "tanh"},
                                          {"type": "dense", "units": 1}]},
        "training": {"epochs": 100000, "batch_size": 8, "loss": "mse"},
        "output": {"dir": str(tmp_path / "run")},
    }
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        scidl.train(config, verbose=False)
    timer.join()
    assert (tmp_path / "run" / "checkpoint.scidl").exists()  # `scidl train --resume` goes on
