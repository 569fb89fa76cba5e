"""scidl.Tensor and NumPy share memory where the layout allows, and autograd works from Python."""
import numpy as np
import pytest

import scidl


def test_contiguous_array_is_shared_not_copied():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = scidl.Tensor(a)
    a[0, 0] = 42
    assert t.numpy()[0, 0] == 42
    back = np.asarray(t)  # the buffer protocol: no copy either
    back[1, 2] = -1
    assert a[1, 2] == -1
    assert np.shares_memory(back, a)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_each_dtype_round_trips(dtype):
    a = np.arange(12, dtype=dtype).reshape(3, 4)
    t = scidl.from_numpy(a)
    assert t.dtype == np.dtype(dtype).name
    assert t.shape == (3, 4)
    np.testing.assert_array_equal(t.numpy(), a)


def test_tensor_array_outlives_the_tensor():
    t = scidl.ones([1000])
    a = t.numpy()
    del t
    assert a.sum() == 1000


def test_wrong_dtype_names_it_and_the_dtypes_scidl_holds():
    with pytest.raises(ValueError, match=r"int32 is not one scidl holds: float32, float64 or int64"):
        scidl.Tensor(np.zeros(3, dtype=np.int32))


def test_non_contiguous_array_is_copied_with_a_warning():
    a = np.arange(12, dtype=np.float32).reshape(3, 4).T
    with pytest.warns(UserWarning, match="not C-contiguous, so it was copied"):
        t = scidl.Tensor(a)
    np.testing.assert_array_equal(t.numpy(), a)
    a[0, 0] = 99
    assert t.numpy()[0, 0] == 0  # a copy


def test_backward_gives_the_gradients_of_a_small_network():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3))
    w = rng.normal(size=(3, 2))
    wt = scidl.Tensor(w, requires_grad=True)
    loss = (scidl.Tensor(x) @ wt).relu().sum() * 0.5
    loss.backward()
    z = x @ w
    expected = 0.5 * x.T @ (z > 0).astype(float)
    np.testing.assert_allclose(wt.grad.numpy(), expected, rtol=1e-12)
    assert wt.is_leaf and not loss.is_leaf


def test_mean_and_arithmetic_with_numbers():
    t = scidl.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    y = ((t * 2 + 1) - t / 2).mean()
    y.backward()
    assert y.item() == pytest.approx((1.5 * 2 + 1))
    np.testing.assert_allclose(t.grad.numpy(), [0.5, 0.5, 0.5])


def test_no_grad_records_no_history():
    t = scidl.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    with scidl.no_grad():
        y = (t * 3).sum()
    assert not y.requires_grad
    assert scidl.is_grad_enabled()  # restored on leaving the scope
    assert (t * 3).sum().requires_grad


def test_requires_grad_on_integers_is_refused():
    with pytest.raises(ValueError, match="requires_grad needs a float32 or float64 tensor, got int64"):
        scidl.Tensor(np.arange(3), requires_grad=True)


def test_dlpack_both_ways_shares_memory():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = scidl.from_dlpack(a)  # NumPy's __dlpack__
    a[1, 1] = -7
    assert t.numpy()[1, 1] == -7 and t.shape == (2, 3) and t.dtype == "float64"
    b = np.from_dlpack(scidl.Tensor(np.arange(4, dtype=np.int64)))  # scidl's __dlpack__
    np.testing.assert_array_equal(b, [0, 1, 2, 3])
    c = scidl.ones([3])
    shared = np.from_dlpack(c)  # NumPy marks DLPack imports read-only
    c.numpy()[0] = 5
    assert shared[0] == 5


def test_dlpack_of_an_unsupported_dtype_names_it():
    with pytest.raises(ValueError, match="not one scidl holds"):
        scidl.from_dlpack(np.zeros(3, dtype=np.int32))
