"""Convolution in optimlib.nn: Conv2d, MaxPool2d and Flatten against their definitions,
finite differences and torch; a small CNN trained on the digits with the MLP's loop."""

import numpy as np
import pytest

from optimlib.data import load_digits, train_val_test_split
from optimlib.metrics import accuracy
from optimlib.nn import (Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, ReLU,
                         Sequential, Tanh, gradient_errors)
from optimlib.optim import SGD, Adam
from optimlib.train import fit


def conv_by_definition(X, W, b, stride, padding):
    """Z[n, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] X[n, c, s i + p, s j + q], by loops."""
    X = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, h, w = X.shape
    out, _, kh, kw = W.shape
    out_h, out_w = (h - kh) // stride + 1, (w - kw) // stride + 1
    Z = np.empty((n, out, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = X[:, :, stride * i:stride * i + kh, stride * j:stride * j + kw]
            Z[:, :, i, j] = np.einsum("ncpq,ocpq->no", window, W) + b
    return Z


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_conv2d_computes_its_definition(stride, padding):
    rng = np.random.default_rng(0)
    layer = Conv2d(3, 4, kernel_size=3, stride=stride, padding=padding, seed=1)
    layer.params["bias"][...] = rng.standard_normal(4)
    X = rng.standard_normal((2, 3, 9, 8))
    expected = conv_by_definition(X, layer.params["weight"], layer.params["bias"], stride,
                                  padding)
    assert layer(X).shape == expected.shape
    assert np.allclose(layer(X), expected, rtol=1e-12, atol=1e-12)


def test_conv2d_with_a_rectangular_kernel_and_separate_strides():
    rng = np.random.default_rng(1)
    layer = Conv2d(2, 3, kernel_size=(2, 3), stride=(1, 2), padding=(1, 0))
    X = rng.standard_normal((2, 2, 5, 7))
    assert layer(X).shape == (2, 3, 6, 3)       # (5 + 2 - 2) + 1, (7 - 3) // 2 + 1


def test_max_pool_and_flatten_by_hand():
    X = np.array([[[[1.0, 5.0, 2.0, 0.0],
                    [3.0, 4.0, 8.0, 1.0],
                    [0.0, 0.0, 7.0, 7.0],
                    [2.0, 1.0, 7.0, 6.0]]]])
    pool = MaxPool2d(2)
    assert pool(X).tolist() == [[[[5.0, 8.0], [2.0, 7.0]]]]
    grad = pool.backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]))
    # each gradient goes to the first maximum of its window (ties: the first, as torch)
    assert grad.tolist() == [[[[0.0, 10.0, 0.0, 0.0], [0.0, 0.0, 20.0, 0.0],
                               [0.0, 0.0, 40.0, 0.0], [30.0, 0.0, 0.0, 0.0]]]]
    overlapping = MaxPool2d(3, stride=1)(X)
    assert overlapping.tolist() == [[[[8.0, 8.0], [8.0, 8.0]]]]
    flat = Flatten()
    assert np.array_equal(flat(X), X.reshape(1, 16))
    assert flat.backward(np.arange(16.0).reshape(1, 16)).shape == (1, 1, 4, 4)


def small_cnn(activation=Tanh, seed=0, dtype=np.float64):
    return Sequential(Conv2d(2, 3, 3, padding=1, seed=seed, dtype=dtype), activation(),
                      MaxPool2d(2), Conv2d(3, 4, 2, stride=2, seed=seed + 1, dtype=dtype),
                      activation(), Flatten(), Linear(16, 3, seed=seed + 2, dtype=dtype))


def test_gradients_of_a_cnn_match_finite_differences():
    rng = np.random.default_rng(2)
    model = small_cnn()
    X, y = rng.standard_normal((4, 2, 8, 8)), np.array([0, 1, 2, 1])
    errors = gradient_errors(model, "cross_entropy", X, y)
    assert set(errors) == {"0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"}
    assert max(errors.values()) < 1e-7
    # and the input gradient, through every layer
    loss = CrossEntropyLoss()
    loss(model(X), y)
    grad_X = model.backward(loss.backward())
    h, numeric = 1e-6, np.zeros_like(X)
    for index in np.ndindex(X.shape):
        shifted = X.copy()
        shifted[index] += h
        up = loss(model(shifted), y)
        shifted[index] -= 2 * h
        numeric[index] = (up - loss(model(shifted), y)) / (2 * h)
    assert np.allclose(grad_X, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cnn_forward_and_backward_equal_torch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    ours = small_cnn(activation=ReLU, dtype=dtype)
    for name, array in ours.params.items():          # nonzero biases too
        array[...] = rng.standard_normal(array.shape)
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(2, 3, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(3, 4, 2, stride=2), torch.nn.ReLU(), torch.nn.Flatten(),
        torch.nn.Linear(16, 3))
    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32
    theirs = theirs.to(torch_dtype)
    with torch.no_grad():
        for name, parameter in theirs.named_parameters():
            value = ours.params[name]
            parameter.copy_(torch.from_numpy(value.T.copy() if name == "6.weight" else value))
    X, y = rng.standard_normal((5, 2, 8, 8)).astype(dtype), np.array([0, 1, 2, 1, 0])
    loss = CrossEntropyLoss()
    value = loss(ours(X), y)
    grad_X = ours.backward(loss.backward())
    X_torch = torch.from_numpy(X).requires_grad_()
    torch_value = torch.nn.functional.cross_entropy(theirs(X_torch), torch.from_numpy(y))
    torch_value.backward()
    tolerance = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-4,
                                                                              atol=1e-5)
    assert np.allclose(value, torch_value.item(), **tolerance)
    assert np.allclose(grad_X, X_torch.grad.numpy(), **tolerance)
    for name, parameter in theirs.named_parameters():
        grad = parameter.grad.numpy()
        assert np.allclose(ours.grads[name], grad.T if name == "6.weight" else grad,
                           **tolerance), name
        assert ours.grads[name].dtype == dtype


def test_overlapping_max_pool_and_strided_conv_equal_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    X = rng.standard_normal((2, 3, 7, 7))
    G = rng.standard_normal((2, 3, 3, 3))
    pool = MaxPool2d(3, stride=2)
    X_torch = torch.from_numpy(X).requires_grad_()
    out = torch.nn.functional.max_pool2d(X_torch, 3, stride=2)
    out.backward(torch.from_numpy(G))
    assert np.array_equal(pool(X), out.detach().numpy())
    assert np.allclose(pool.backward(G), X_torch.grad.numpy())


def test_a_cnn_trains_on_the_digits_with_the_mlp_loop():
    X, y = load_digits()
    train, val, _ = train_val_test_split(X, y, val_size=0.2, test_size=0.2, seed=0)
    images = train[0].reshape(-1, 1, 8, 8) / 16
    val_images = val[0].reshape(-1, 1, 8, 8) / 16
    model = Sequential(Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
                       Linear(8 * 4 * 4, 10, seed=1))
    history = fit(model, Adam(model.params, lr=0.01), images, train[1], epochs=4,
                  batch_size=32, validation_data=(val_images, val[1]))
    assert history.val_accuracy[-1] > 0.9
    assert accuracy(val[1], model.predict(val_images)) == history.val_accuracy[-1]
    # any optimizer updates the 4-D weights in place
    before = model.params["0.weight"].copy()
    fit(model, SGD(model.params, lr=0.01, momentum=0.9), images, train[1], epochs=1,
        batch_size=64)
    assert model.params["0.weight"] is model.layers[0].params["weight"]
    assert not np.array_equal(before, model.params["0.weight"])


def test_bad_convolution_inputs_are_rejected_with_clear_messages():
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2d(1, 2, kernel_size=0)
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2d(1, 2, kernel_size=(3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        Conv2d(1, 2, 3, padding=-1)
    with pytest.raises(ValueError, match="stride"):
        MaxPool2d(2, stride=0)
    layer = Conv2d(3, 2, 3)
    with pytest.raises(ValueError, match=r"\(n, 3, height, width\)"):
        layer(np.zeros((1, 1, 8, 8)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        layer(np.zeros((1, 3, 2, 8)))
    model = Sequential(Conv2d(1, 2, 3), Flatten(), Linear(72, 10))
    with pytest.raises(ValueError, match="4-D images"):
        model(np.zeros((5, 64)))
    with pytest.raises(ValueError, match=r"X\[0, 0, 1, 2\] = nan"):
        bad = np.zeros((1, 1, 8, 8))
        bad[0, 0, 1, 2] = np.nan
        model(bad)
    with pytest.raises(ValueError, match="X must be 4-dimensional"):
        fit(model, SGD(model.params, lr=0.1), np.zeros((5, 64)), np.zeros(5, dtype=int),
            epochs=1, batch_size=5)
    assert repr(layer) == "Conv2d(3, 2, kernel_size=(3, 3), stride=(1, 1), padding=(0, 0))"
    assert repr(MaxPool2d(2)) == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2))"
