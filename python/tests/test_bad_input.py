"""Bad input is refused with a message naming what was wrong, as the CLI refuses it."""
import json
import struct
import zlib

import numpy as np
import pytest

import scidl
from scidl import layers


def model(**kw):
    m = scidl.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)], inputs=3, **kw)
    m.compile(loss="mse")
    return m


def test_wrong_feature_count_names_both_shapes():
    with pytest.raises(ValueError, match=r"x: the model takes inputs of shape \[3\] but the data's "
                                         r"examples have shape \[4\]"):
        model().predict(np.zeros((5, 4), dtype=np.float32))


def test_wrong_dtype_names_it():
    with pytest.raises(ValueError, match="float16 is not one scidl holds"):
        model().fit(np.zeros((5, 3), dtype=np.float16), np.zeros((5, 1)), verbose=0)


def test_nan_in_the_training_data_is_refused_naming_the_example_and_column():
    x = np.zeros((10, 3), dtype=np.float32)
    x[6, 2] = np.nan
    with pytest.raises(ValueError, match=r"example 7 holds nan in column 2; training needs finite"):
        model().fit(x, np.zeros((10, 1), dtype=np.float32), verbose=0)


def test_targets_of_another_length_are_refused():
    with pytest.raises(ValueError, match=r"y has shape \[4, 1\] but the inputs have 5 rows"):
        model().fit(np.zeros((5, 3)), np.zeros((4, 1)), verbose=0)


def test_a_non_contiguous_batch_still_trains_with_one_warning():
    x = np.asfortranarray(np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32))
    with pytest.warns(UserWarning, match="not C-contiguous") as record:
        model().fit(x, np.zeros((32, 1), dtype=np.float32), epochs=1, verbose=0)
    assert len([w for w in record if "C-contiguous" in str(w.message)]) == 1


def test_fit_before_compile_says_what_to_do():
    m = scidl.Sequential([layers.Dense(1)], inputs=3)
    with pytest.raises(ValueError, match=r"call model.compile"):
        m.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)


def test_unknown_loss_and_layer_options_are_named():
    with pytest.raises(ValueError, match="msee"):
        model().compile(loss="msee")
    with pytest.raises(ValueError, match="unitz"):
        scidl.Sequential([layers.Layer("dense", unitz=3)], inputs=3)


def test_missing_model_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.scidl"):
        scidl.load_model(tmp_path / "nothing.scidl")


def _rewrite_header(path, edit):
    data = bytearray(path.read_bytes())
    (header_length,) = struct.unpack_from("<Q", data, 12)
    header = json.loads(data[20:20 + header_length])
    edit(header)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    assert len(text) <= header_length
    data[20:20 + header_length] = text + b" " * (header_length - len(text))
    struct.pack_into("<I", data, len(data) - 12, zlib.crc32(bytes(data[:len(data) - 12])))
    path.write_bytes(bytes(data))


def test_a_model_from_a_newer_scidl_is_refused_naming_both_versions(tmp_path):
    path = tmp_path / "graph.scidl"
    graph = scidl.Model.from_config({"inputs": 3, "layers": [
        {"name": "h", "type": "dense", "units": 4},
        {"name": "out", "type": "dense", "units": 1, "inputs": ["h"]}]})
    graph.save(path)
    _rewrite_header(path, lambda h: h["meta"].update(model_spec_version=9))
    with pytest.raises(ValueError, match=r"spec version 9, written by a newer scidl; this build "
                                         r"reads model spec versions 1 to 2"):
        scidl.load_model(path)


def test_a_model_file_of_a_newer_format_is_refused(tmp_path):
    path = tmp_path / "m.scidl"
    model().save(path)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 8, 7)
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="newer"):
        scidl.load_model(path)
