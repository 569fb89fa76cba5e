"""Models from layers, dicts and TOML run configs; compile, fit, predict, evaluate, save, load,
and weights as arrays with PyTorch's names."""
import textwrap

import numpy as np
import pytest

import scidl
from scidl import layers


def classifier(**kw):
    model = scidl.Sequential([layers.Dense(16, activation="relu"), layers.Dense(3)], inputs=4,
                             seed=1, **kw)
    model.compile(optimizer={"type": "adam", "lr": 0.01}, loss="cross_entropy",
                  metrics=["accuracy"])
    return model


def test_fit_learns_the_blobs_and_reports_each_epoch(blobs):
    x, y, xv, yv = blobs
    model = classifier()
    history = model.fit(x, y, validation_data=(xv, yv), epochs=15, batch_size=32, verbose=0)
    assert history.epoch == list(range(15))
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    assert history.history["val_accuracy"][-1] > 0.9
    scores = model.evaluate(xv, yv)
    assert scores["accuracy"] == pytest.approx(history.history["val_accuracy"][-1])
    predictions = model.predict(xv)
    assert predictions.shape == (60, 3) and predictions.dtype == np.float32
    assert np.mean(predictions.argmax(1) == yv) == pytest.approx(scores["accuracy"])


def test_model_is_built_from_the_data_when_inputs_are_not_given(regression):
    x, y = regression
    model = scidl.Sequential([layers.Dense(32, activation="tanh"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x, y[:, 0], epochs=2, batch_size=64, verbose=0)  # y of shape [N] as Keras takes it
    assert model.spec["inputs"] == 3
    assert model.predict(x).shape == (256, 1)


def test_float64_data_trains_a_float32_model(regression):
    x, y = regression
    model = scidl.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)], inputs=3)
    model.compile(loss="mae")
    history = model.fit(x.astype(np.float64), y.astype(np.float64), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.dtype == "float32"


def test_the_same_model_from_layers_a_dict_and_a_toml_file(tmp_path, regression):
    x, _ = regression
    from_layers = scidl.Sequential([layers.Dense(8, activation="relu", repeat=2),
                                    layers.Dense(1)], inputs=3, seed=5)
    from_dict = scidl.Model.from_config(
        {"inputs": 3, "layers": [{"type": "dense", "units": 8, "activation": "relu",
                                  "repeat": 2}, {"type": "dense", "units": 1}]}, seed=5)
    config = tmp_path / "run.toml"
    config.write_text(textwrap.dedent("""
        seed = 5
        [data]
        source = "damped_oscillator"
        trajectories = 4
        points = 10
        [model]
        inputs = 3
        layers = [{ type = "dense", units = 8, activation = "relu", repeat = 2 },
                  { type = "dense", units = 1 }]
        [optimizer]
        type = "sgd"
        lr = 0.05
        [training]
        epochs = 3
        batch_size = 16
        loss = "mae"
    """))
    from_toml = scidl.Model.from_config(config)
    for other in (from_dict, from_toml):
        for name, w in from_layers.get_weights().items():
            np.testing.assert_array_equal(other.get_weights()[name], w)
    assert from_toml.fit_defaults["epochs"] == 3
    assert scidl.read_run_config(config)["optimizer"]["type"] == "sgd"
    xd, yd = scidl.load_run_data(config)
    assert xd.shape == (40, 3) and yd.shape[0] == 40
    history = from_toml.fit(xd, yd, verbose=0)
    assert len(history.epoch) == 3


def test_save_and_load_keep_weights_predictions_and_compile(tmp_path, blobs):
    x, y, xv, yv = blobs
    model = classifier()
    model.fit(x, y, epochs=2, verbose=0)
    path = tmp_path / "model.scidl"
    model.save(path)
    loaded = scidl.load_model(path)
    np.testing.assert_array_equal(loaded.predict(xv), model.predict(xv))
    assert loaded.evaluate(xv, yv) == pytest.approx(model.evaluate(xv, yv))
    loaded.fit(x, y, epochs=1, verbose=0)  # compiled again from the file


def test_weights_have_pytorch_names_and_round_trip(blobs):
    x = blobs[0]
    model = classifier()
    weights = model.get_weights()
    assert sorted(weights) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert weights["0.weight"].shape == (16, 4)  # PyTorch's [out, in]
    other = classifier()
    other.set_weights({k: v.astype(np.float64) for k, v in weights.items()})
    np.testing.assert_array_equal(other.predict(x), model.predict(x))


def test_set_weights_of_the_wrong_shape_names_both_shapes():
    model = classifier()
    weights = model.get_weights()
    weights["0.weight"] = np.zeros((4, 16), dtype=np.float32)
    with pytest.raises(ValueError, match=r"0\.weight") as e:
        model.set_weights(weights)
    assert "[4, 16]" in str(e.value) and "[16, 4]" in str(e.value)


def test_callbacks_write_their_files_and_stop_early(tmp_path, blobs, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y, xv, yv = blobs
    model = classifier()
    history = model.fit(
        x, y, validation_data=(xv, yv), epochs=50, verbose=0,
        callbacks=[scidl.callbacks.EarlyStopping(monitor="val_loss", patience=1,
                                                 min_delta=0.5),
                   scidl.callbacks.CSVLogger("log.csv"),
                   scidl.callbacks.ModelCheckpoint("best.scidl", save_best_only=True),
                   scidl.callbacks.TensorBoard(log_dir="tb")])
    assert len(history.epoch) < 50
    rows = (tmp_path / "log.csv").read_text().splitlines()
    assert rows[0].startswith("epoch,") and len(rows) == len(history.epoch) + 1
    assert scidl.load_model(tmp_path / "best.scidl").predict(xv).shape == (60, 3)
    assert any((tmp_path / "tb" / "train").iterdir())


def test_a_python_callback_sees_each_epoch_and_can_stop_training(blobs):
    x, y, _, _ = blobs

    class StopAtThree(scidl.callbacks.Callback):
        seen = []

        def on_epoch_end(self, epoch, logs=None):
            self.seen.append((epoch, round(logs["loss"], 6)))
            if epoch == 2:
                self.model.stop_training = True

    cb = StopAtThree()
    history = classifier().fit(x, y, epochs=10, verbose=0, callbacks=[cb])
    assert [e for e, _ in cb.seen] == [0, 1, 2]
    assert [round(v, 6) for v in history.history["loss"]] == [v for _, v in cb.seen]


def test_an_error_in_a_python_callback_reaches_the_caller(blobs):
    x, y, _, _ = blobs

    class Broken(scidl.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise ZeroDivisionError("from the callback")

    with pytest.raises(ZeroDivisionError, match="from the callback"):
        classifier().fit(x, y, epochs=3, verbose=0, callbacks=[Broken()])


def test_notebook_progress_is_one_line_per_epoch(blobs, capsys):
    x, y, _, _ = blobs
    classifier().fit(x, y, epochs=3, batch_size=8, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert [l.split()[1] for l in lines] == ["1/3", "2/3", "3/3"]


def test_forward_records_history_for_a_loop_of_ones_own(regression):
    x, y = regression
    model = scidl.Sequential([layers.Dense(4, activation="tanh"), layers.Dense(1)], inputs=3)
    out = model(x)
    loss = ((out - scidl.Tensor(y)) * (out - scidl.Tensor(y))).mean()
    loss.backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    assert set(grads) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert all(g is not None and np.abs(g.numpy()).sum() > 0 for g in grads.values())


def test_validation_split_holds_out_the_last_rows_as_keras_does(blobs):
    x, y, _, _ = blobs
    model = classifier()
    history = model.fit(x, y, validation_split=0.25, epochs=2, verbose=0)
    assert model.evaluate(x[180:], y[180:])["loss"] == pytest.approx(
        history.history["val_loss"][-1], rel=1e-5)
