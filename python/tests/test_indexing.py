"""Tensor[key]: ints and slices as NumPy reads them, a view sharing memory that gradients flow
through, and a clear refusal of what scidl does not index."""
import numpy as np
import pytest

import scidl


def values():
    return np.arange(24, dtype=np.float32).reshape(4, 3, 2)


@pytest.mark.parametrize("key", [0, -1, 3, slice(1, 3), slice(None, None, 2), slice(-2, None),
                                 slice(5, 9), slice(2, 1), (1, 2), (slice(1, 4, 2), -1),
                                 (2, slice(0, 2), 1), (slice(None), 0)])
def test_ints_and_slices_index_as_numpy_does(key):
    a = values()
    got = scidl.tensor(a)[key].numpy()
    assert got.shape == a[key].shape
    np.testing.assert_array_equal(got, a[key])


def test_numpy_integers_index_too_and_rows_iterate():
    t = scidl.tensor(values())
    np.testing.assert_array_equal(t[np.int64(2)].numpy(), values()[2])
    assert [row.shape for row in t] == [(3, 2)] * 4


def test_the_result_shares_the_tensors_memory():
    a = values()
    t = scidl.tensor(a)
    row = t[1]
    a[1, 0, 0] = -7
    assert row.numpy()[0, 0] == -7


def test_gradients_flow_through_an_index():
    x = scidl.tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    (x[1:] * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0], [3, 3], [3, 3]])


def test_what_is_not_supported_is_refused_naming_it():
    t = scidl.tensor(values())
    with pytest.raises(IndexError, match="index 4 is out of range for dimension 0 of size 4"):
        t[4]
    with pytest.raises(IndexError, match="too many indices for a tensor of shape \\(4, 3, 2\\)"):
        t[0, 0, 0, 0]
    with pytest.raises(IndexError, match="step -1"):
        t[::-1]
    with pytest.raises(IndexError, match="a list.*t.numpy\\(\\)\\[...\\]"):
        t[[0, 1]]
    with pytest.raises(IndexError, match="None"):
        t[None]
    with pytest.raises(IndexError, match="Ellipsis"):
        t[..., 0]
    with pytest.raises(IndexError, match="a bool"):
        t[True]
    with pytest.raises(IndexError, match="an array"):
        t[np.array([0, 1])]
