"""Layers, losses and models: gradients against finite differences (float64), values by hand,
initialization against its variance formulas, the params/grads contract with the optimizers,
and the errors for bad input. Against torch where it is installed."""

import numpy as np
import pytest

from optimlib import nn
from optimlib.gradcheck import gradient_error, numerical_gradient
from optimlib.optim import SGD, Adam

RNG = np.random.default_rng(42)
X = RNG.standard_normal((6, 4))
LABELS = np.array([0, 2, 1, 2, 0, 1])
SOFT = nn.softmax(RNG.standard_normal((6, 3)))


def input_gradient_error(layer, X, G):
    """Check dL/dX of a layer for L = sum(G * layer(X)) (G a fixed random matrix)."""
    def loss(X):
        return float(np.sum(G * layer.forward(X)))

    def grad(X):
        layer.forward(X)
        return layer.backward(G)

    return gradient_error(loss, grad, X)


# -- gradient checks of every layer ------------------------------------------------------------
@pytest.mark.parametrize("layer", [nn.Linear(4, 3, seed=1), nn.ReLU(), nn.Tanh(), nn.Sigmoid(),
                                   nn.Dropout(0.0), nn.Dropout(0.5).eval(),
                                   nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))],
                         ids=repr)
def test_input_gradient_of_every_layer(layer):
    G = RNG.standard_normal(layer.forward(X).shape)
    X_away_from_kinks = X + 0.1 * np.sign(X)            # ReLU is not differentiable at 0
    assert input_gradient_error(layer, X_away_from_kinks, G) < 1e-8


def test_dropout_gradient_in_training_mode_with_a_fixed_mask():
    layer = nn.Dropout(0.4, seed=3)
    G = RNG.standard_normal(X.shape)

    def with_mask_of_seed_3(X):                        # same generator state: same mask
        layer.rng = np.random.default_rng(3)
        return layer.forward(X)

    error = gradient_error(lambda X: float(np.sum(G * with_mask_of_seed_3(X))),
                           lambda X: (with_mask_of_seed_3(X), layer.backward(G))[1], X)
    assert error < 1e-8


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_parameter_gradients_of_an_mlp(activation, loss):
    model = nn.MLP([4, 7, 5, 3], activation=activation, seed=0)
    errors = nn.gradient_errors(model, loss, X, LABELS)
    assert set(errors) == {"0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"}
    assert max(errors.values()) < 1e-7, errors


def test_gradient_errors_catches_a_wrong_backward_and_restores_parameters():
    class HalfTanh(nn.Tanh):
        def backward(self, grad_output):
            return 0.5 * super().backward(grad_output)     # a missing factor

    model = nn.Sequential(nn.Linear(4, 5), HalfTanh(), nn.Linear(5, 3))
    before = model.state_dict()
    errors = nn.gradient_errors(model, "cross_entropy", X, LABELS)
    assert errors["0.weight"] > 0.1 and errors["2.weight"] < 1e-7
    for name, value in before.items():
        np.testing.assert_array_equal(model.params[name], value)


@pytest.mark.parametrize("loss, targets", [
    (nn.CrossEntropyLoss(), LABELS),
    (nn.CrossEntropyLoss(), SOFT),
    (nn.CrossEntropyLoss(temperature=3.0), LABELS),
    (nn.CrossEntropyLoss(temperature=0.5), SOFT),
    (nn.MSELoss(), SOFT),
    (nn.MSELoss(), LABELS),                                    # one-hot encoded
    (nn.CrossEntropyLoss(label_smoothing=0.2), LABELS),
    (nn.CrossEntropyLoss(temperature=2.0, label_smoothing=0.1), SOFT),
], ids=["ce-labels", "ce-soft", "ce-T3", "ce-soft-T0.5", "mse", "mse-labels", "ce-smooth",
        "ce-soft-T2-smooth"])
def test_gradient_of_every_loss(loss, targets):
    logits = 2 * RNG.standard_normal((6, 3))

    def grad(Z):
        loss(Z, targets)
        return loss.backward()

    assert gradient_error(lambda Z: loss(Z, targets), grad, logits) < 1e-8


# -- values by hand ----------------------------------------------------------------------------
def test_linear_forward_and_backward_by_hand():
    layer = nn.Linear(2, 1)
    layer.weight[...] = [[2.0], [3.0]]
    layer.bias[...] = 1.0
    out = layer(np.array([[1.0, 1.0], [0.0, 2.0]]))
    np.testing.assert_array_equal(out, [[6.0], [7.0]])
    grad_X = layer.backward(np.array([[1.0], [-1.0]]))
    np.testing.assert_array_equal(layer.grads["weight"], [[1.0], [-1.0]])   # X^T G
    np.testing.assert_array_equal(layer.grads["bias"], [0.0])
    np.testing.assert_array_equal(grad_X, [[2.0, 3.0], [-2.0, -3.0]])     # G W^T


def test_activations_by_hand():
    x = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(nn.ReLU()(x), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(nn.Tanh()(x), np.tanh(x))
    np.testing.assert_allclose(nn.Sigmoid()(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    with np.errstate(over="raise", invalid="raise"):             # no overflow far out
        np.testing.assert_array_equal(nn.Sigmoid()(np.array([[-1000.0, 1000.0]])), [[0.0, 1.0]])
    relu = nn.ReLU()
    relu(x)
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])


def test_cross_entropy_by_hand_and_far_out():
    loss = nn.CrossEntropyLoss()
    logits = np.array([[0.0, np.log(3.0)], [np.log(4.0), 0.0]])     # p = (1/4, 3/4), (4/5, 1/5)
    assert loss(logits, np.array([1, 1])) == pytest.approx(-(np.log(3 / 4) + np.log(1 / 5)) / 2)
    np.testing.assert_allclose(loss.backward(), [[0.25, -0.25], [0.8, -0.8]] / np.array(2.0))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert loss(np.array([[1000.0, 0.0]]), np.array([0])) == 0.0
        assert loss(np.array([[1000.0, 0.0]]), np.array([1])) == pytest.approx(1000.0)


def test_cross_entropy_temperature_and_soft_targets_by_hand():
    logits = np.array([[0.0, 2 * np.log(3.0)]])                    # at T = 2: p = (1/4, 3/4)
    loss = nn.CrossEntropyLoss(temperature=2.0)
    target = np.array([[0.5, 0.5]])
    assert loss(logits, target) == pytest.approx(-(np.log(1 / 4) + np.log(3 / 4)) / 2)
    np.testing.assert_allclose(loss.backward(), [[(0.25 - 0.5) / 2, (0.75 - 0.5) / 2]])
    # soft targets equal to a one-hot row give the same loss as the label
    plain = nn.CrossEntropyLoss()
    assert plain(logits, np.array([[0.0, 1.0]])) == pytest.approx(plain(logits, np.array([1])))


def test_label_smoothing_by_hand():
    # eps = 0.3, K = 2: the label 1 becomes the target row (0.15, 0.85)
    logits = np.array([[0.0, np.log(3.0)]])                      # p = (1/4, 3/4)
    loss = nn.CrossEntropyLoss(label_smoothing=0.3)
    expected = -(0.15 * np.log(0.25) + 0.85 * np.log(0.75))
    assert loss(logits, np.array([1])) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(loss.backward(), [[0.25 - 0.15, 0.75 - 0.85]], rtol=1e-14)
    # eps = 1 is the uniform target whatever the label; eps = 0 is the plain loss
    uniform = nn.CrossEntropyLoss(label_smoothing=1.0)
    assert uniform(logits, np.array([0])) == pytest.approx(uniform(logits, np.array([1])))
    assert nn.CrossEntropyLoss(label_smoothing=0.0)(logits, np.array([1])) == pytest.approx(
        -np.log(0.75), rel=1e-14)
    assert repr(loss) == "CrossEntropyLoss(temperature=1.0, label_smoothing=0.3)"


@pytest.mark.parametrize("targets", [LABELS, SOFT], ids=["labels", "probabilities"])
def test_label_smoothing_matches_torch(targets):
    torch = pytest.importorskip("torch")
    logits = 3 * RNG.standard_normal((6, 3))
    loss = nn.CrossEntropyLoss(label_smoothing=0.15)
    value = loss(logits, targets)
    Z = torch.tensor(logits, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(Z, torch.from_numpy(targets),
                                                 label_smoothing=0.15)
    expected.backward()
    assert value == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(loss.backward(), Z.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_mse_by_hand_and_one_hot_labels():
    loss = nn.MSELoss()
    outputs = np.array([[0.5, 0.0], [0.0, 1.0]])
    assert loss(outputs, np.array([0, 1])) == pytest.approx(((0.5 - 1) ** 2) / 4)
    np.testing.assert_allclose(loss.backward(), 2 / 4 * np.array([[-0.5, 0.0], [0.0, 0.0]]))
    assert loss(np.array([[1.0], [2.0]]), np.array([1.0, 0.0])) == pytest.approx(2.0)


def test_softmax_rows_sum_to_one_and_temperature_flattens():
    z = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(nn.softmax(z).sum(axis=1), 1.0)
    np.testing.assert_allclose(nn.softmax(z), np.exp(z) / np.exp(z).sum())
    assert np.ptp(nn.softmax(z, temperature=10.0)) < np.ptp(nn.softmax(z))
    np.testing.assert_allclose(nn.softmax(z, temperature=1e6), 1 / 3, rtol=1e-5)


# -- initialization ----------------------------------------------------------------------------
def test_he_initialization_has_variance_two_over_fan_in():
    W = nn.init_weight(400, 500, "he", seed=0)
    assert W.mean() == pytest.approx(0.0, abs=3 * np.sqrt(2 / 400) / np.sqrt(W.size))
    assert W.var() == pytest.approx(2 / 400, rel=0.02)              # 200 000 draws


def test_xavier_initialization_is_uniform_with_the_glorot_bound():
    W = nn.init_weight(400, 500, "xavier", seed=0)
    bound = np.sqrt(6 / 900)
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.999 * bound
    assert W.var() == pytest.approx(bound**2 / 3, rel=0.02)         # = 2 / (fan_in + fan_out)


def test_he_keeps_the_activation_scale_through_deep_relu_layers():
    # He et al. (2015), eq. 10: with Var W = 2/d_in, E[z^2] is the same after every ReLU
    # layer; the first layer (no ReLU before it) doubles it, so the ratio is 2 in expectation.
    # Xavier's Var W = 1/d here halves it at each of the 10 ReLUs instead: about 2^-9.
    inputs = np.random.default_rng(1).standard_normal((100, 128))

    def mean_ratio(init):
        return np.mean([np.mean(nn.MLP([128] * 11, init=init, seed=seed)
                                .predict_outputs(inputs) ** 2) / np.mean(inputs**2)
                        for seed in range(5)])

    assert 1.2 < mean_ratio("he") < 4                      # 2 in expectation
    assert mean_ratio("xavier") < 0.01                      # about 2^-9 = 0.002


def test_initialization_is_seeded_and_dtype_independent():
    a, b = nn.MLP([3, 4, 2], seed=5), nn.MLP([3, 4, 2], seed=5)
    c = nn.MLP([3, 4, 2], seed=6)
    f32 = nn.MLP([3, 4, 2], seed=5, dtype=np.float32)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
        np.testing.assert_array_equal(f32.params[name], a.params[name].astype(np.float32))
        assert f32.params[name].dtype == np.float32
    assert not np.array_equal(a.params["0.weight"], c.params["0.weight"])
    assert nn.MLP([3, 4, 2], activation="tanh").layers[0].init == "xavier"
    np.testing.assert_array_equal(a.params["0.bias"], 0.0)


# -- dropout -----------------------------------------------------------------------------------
def test_dropout_drops_p_and_rescales_so_the_mean_is_kept():
    layer = nn.Dropout(0.3, seed=0)
    out = layer(np.ones((200, 500)))
    assert np.mean(out == 0) == pytest.approx(0.3, abs=0.005)
    np.testing.assert_allclose(out[out != 0], 1 / 0.7)
    assert out.mean() == pytest.approx(1.0, abs=0.01)
    np.testing.assert_array_equal(layer.backward(np.ones_like(out)), out)   # same mask
    assert not np.array_equal(layer(np.ones((200, 500))), out)              # new mask each time


def test_dropout_is_the_identity_in_eval_mode_and_modes_propagate():
    model = nn.MLP([4, 8, 3], dropout=0.5, seed=0)
    assert [type(layer).__name__ for layer in model.layers] == ["Linear", "ReLU", "Dropout",
                                                                 "Linear"]
    model.eval()
    assert not model.layers[2].training
    np.testing.assert_array_equal(model(X), model(X))
    model.train()
    assert model.layers[2].training and not np.array_equal(model(X), model(X))
    np.testing.assert_array_equal(model.predict_outputs(X), model.predict_outputs(X))
    assert model.training                          # predict_outputs restores the mode


# -- the model contract ------------------------------------------------------------------------
def test_params_are_the_layers_arrays_and_an_optimizer_updates_the_model():
    model = nn.MLP([4, 8, 3], seed=0)
    assert list(model.params) == list(model.grads) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert model.params["2.weight"] is model.layers[2].weight
    grads_before = {name: id(array) for name, array in model.grads.items()}
    loss = nn.CrossEntropyLoss()
    opt = Adam(model.params, lr=0.05)
    first = loss(model(X), LABELS)
    for _ in range(20):
        loss(model(X), LABELS)
        model.backward(loss.backward())
        opt.step(model.grads)
    assert {name: id(array) for name, array in model.grads.items()} == grads_before
    assert loss(model(X), LABELS) < 0.5 * first


def test_backward_overwrites_grads_instead_of_accumulating():
    model = nn.MLP([4, 3], seed=0)
    loss = nn.MSELoss()
    for _ in range(2):
        loss(model(X), SOFT)
        model.backward(loss.backward())
    expected = numerical_gradient(lambda W: nn.MSELoss()(X @ W + model.layers[0].bias, SOFT),
                                  model.layers[0].weight)
    np.testing.assert_allclose(model.grads["0.weight"], expected, rtol=1e-6)


def test_one_sgd_step_matches_the_update_by_hand():
    model = nn.Sequential(nn.Linear(2, 1))
    model.params["0.weight"][...] = [[1.0], [1.0]]
    loss = nn.MSELoss()
    Xb, yb = np.array([[1.0, 2.0]]), np.array([1.0])
    loss(model(Xb), yb)                  # prediction 3, residual 2
    model.backward(loss.backward())      # dL/dW = 2 * 2 * x = (4, 8), dL/db = 4
    SGD(model.params, lr=0.1).step(model.grads)
    np.testing.assert_allclose(model.params["0.weight"].ravel(), [0.6, 0.2])
    np.testing.assert_allclose(model.params["0.bias"], [-0.4])


def test_num_params_predict_and_repr():
    model = nn.MLP([64, 128, 10])
    assert model.num_params() == 64 * 128 + 128 + 128 * 10 + 10
    assert model.predict(np.zeros((5, 64))).shape == (5,)
    assert model.predict(np.zeros((5, 64))).dtype.kind == "i"
    np.testing.assert_allclose(model.predict_proba(np.zeros((2, 64))).sum(axis=1), 1.0)
    regression = nn.MLP([3, 4, 1])
    assert regression.predict(np.ones((2, 3))).shape == (2,)
    assert "Linear(64, 128)" in repr(model) and "ReLU()" in repr(model)
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25)"
    assert repr(nn.CrossEntropyLoss(2.0)) == "CrossEntropyLoss(temperature=2.0)"


def test_state_dict_round_trip_keeps_the_arrays_bound():
    model = nn.MLP([4, 8, 3], seed=0)
    saved = model.state_dict()
    weight = model.params["0.weight"]
    saved_copy = {k: v.copy() for k, v in saved.items()}
    Adam(model.params, lr=0.1).step({k: np.ones_like(v) for k, v in model.params.items()})
    assert not np.array_equal(weight, saved["0.weight"])          # a copy, not a view
    model.load_state_dict(saved)
    assert model.params["0.weight"] is weight                     # restored in place
    for name in saved:
        np.testing.assert_array_equal(model.params[name], saved_copy[name])


def test_float32_model_computes_in_float32():
    model = nn.MLP([4, 8, 3], dtype=np.float32)
    out = model(X)                                  # float64 input is converted
    assert out.dtype == np.float32
    for loss, targets in ((nn.CrossEntropyLoss(), LABELS), (nn.CrossEntropyLoss(), SOFT),
                          (nn.MSELoss(), SOFT)):    # float64 targets
        loss(out, targets)
        assert loss.backward().dtype == np.float32
        assert model.backward(loss.backward()).dtype == np.float32
        assert all(g.dtype == np.float32 for g in model.grads.values())
    Adam(model.params).step(model.grads)            # the optimizer accepts the grads


def test_mlp_forward_and_backward_match_torch():
    torch = pytest.importorskip("torch")
    model = nn.MLP([4, 6, 3], activation="tanh", seed=0)
    loss = nn.CrossEntropyLoss()
    value = loss(model(X), LABELS)
    model.backward(loss.backward())
    layers = [torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)]
    reference = torch.nn.Sequential(*layers).double()
    with torch.no_grad():
        for i in (0, 2):
            layers[i].weight.copy_(torch.from_numpy(model.params[f"{i}.weight"].T))
            layers[i].bias.copy_(torch.from_numpy(model.params[f"{i}.bias"]))
    expected = torch.nn.functional.cross_entropy(reference(torch.from_numpy(X)),
                                                 torch.from_numpy(LABELS))
    expected.backward()
    assert value == pytest.approx(expected.item(), rel=1e-12)
    for i in (0, 2):
        np.testing.assert_allclose(model.grads[f"{i}.weight"], layers[i].weight.grad.numpy().T,
                                   rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(model.grads[f"{i}.bias"], layers[i].bias.grad.numpy(),
                                   rtol=1e-10, atol=1e-14)


def test_mlp_training_reproduces_sklearn_mlpclassifier_from_the_same_start():
    """Two epochs of MLPClassifier (Adam, no L2) on digits, replayed with optimlib's MLP and
    loss: same initial weights and minibatch order, and the update written here in
    scikit-learn's form of Adam (eps added to sqrt(v) before bias correction). The final
    weights agree to 1e-12, so forward pass, loss and backward pass are the same."""
    neural_network = pytest.importorskip("sklearn.neural_network")
    from sklearn.utils import shuffle

    from optimlib.data import load_digits
    X_digits, y_digits = load_digits()
    X_digits = (X_digits[:300] - 8.0) / 8.0
    y_digits = y_digits[:300]
    seed, sizes, epochs, batch, lr, beta1, beta2, eps = 3, [64, 16, 10], 2, 32, 1e-2, 0.9, \
        0.999, 1e-8
    generator = np.random.RandomState(seed)         # MLPClassifier's draws, in its order
    model = nn.MLP(sizes)
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        model.params[f"{2 * i}.weight"][...] = generator.uniform(-bound, bound,
                                                                  (fan_in, fan_out))
        model.params[f"{2 * i}.bias"][...] = generator.uniform(-bound, bound, fan_out)
    m = {name: np.zeros_like(p) for name, p in model.params.items()}
    v = {name: np.zeros_like(p) for name, p in model.params.items()}
    loss, order, t = nn.CrossEntropyLoss(), np.arange(len(y_digits)), 0
    for _ in range(epochs):
        order = shuffle(order, random_state=generator)
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            loss(model(X_digits[rows]), y_digits[rows])
            model.backward(loss.backward())
            t += 1
            step = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
            for name, g in model.grads.items():
                m[name] = beta1 * m[name] + (1 - beta1) * g
                v[name] = beta2 * v[name] + (1 - beta2) * g ** 2
                model.params[name] -= step * m[name] / (np.sqrt(v[name]) + eps)
    reference = neural_network.MLPClassifier(
        hidden_layer_sizes=(sizes[1],), alpha=0.0, batch_size=batch, learning_rate_init=lr,
        max_iter=epochs, random_state=seed, tol=0.0, n_iter_no_change=epochs + 1)
    with pytest.warns(Warning):                     # ConvergenceWarning: max_iter reached
        reference.fit(X_digits, y_digits)
    for i in range(2):
        np.testing.assert_allclose(model.params[f"{2 * i}.weight"], reference.coefs_[i],
                                   rtol=0, atol=1e-12)
        np.testing.assert_allclose(model.params[f"{2 * i}.bias"], reference.intercepts_[i],
                                   rtol=0, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X_digits), reference.predict(X_digits))


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: nn.Linear(0, 3), "in_features"),
    (lambda: nn.Linear(2, 3, init="lecun"), "init"),
    (lambda: nn.Linear(2, 3, dtype=np.int64), "dtype"),
    (lambda: nn.Dropout(1.0), "p"),
    (lambda: nn.Dropout(-0.1), "p"),
    (lambda: nn.MLP([4]), "sizes"),
    (lambda: nn.MLP([4, 0, 2]), r"sizes\[1\]"),
    (lambda: nn.MLP([4, 2], activation="gelu"), "activation"),
    (lambda: nn.MLP([4, 2], dropout=1.5), "dropout"),
    (lambda: nn.MLP([4, 2], seed=-1), "seed"),
    (lambda: nn.Sequential(nn.Linear(2, 2), "relu"), "Module"),
    (lambda: nn.CrossEntropyLoss(temperature=0.0), "temperature"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), "label_smoothing"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=-0.1), "label_smoothing"),
    (lambda: nn.as_loss("hinge"), "loss"),
])
def test_bad_construction_is_rejected(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("inputs, message", [
    (np.ones((3, 5)), "5 columns.*expects 4 features"),
    (np.ones(4), "2-D"),
    (np.array([[1.0, np.nan, 0.0, 0.0]]), r"NaN.*X\[0, 1\]"),
    (np.array([[1.0, np.inf, 0.0, 0.0]]), "infinite"),
    ([["a", "b", "c", "d"]], "real numbers"),
])
def test_bad_model_input_is_rejected(inputs, message):
    with pytest.raises(ValueError, match=message):
        nn.MLP([4, 3])(inputs)
    with pytest.raises(ValueError, match="expects inputs of shape"):
        nn.Linear(4, 3)(np.ones((2, 5)))


@pytest.mark.parametrize("loss, outputs, targets, message", [
    (nn.CrossEntropyLoss(), np.zeros((2, 3)), np.array([0, 3]), r"label 3 at index 1.*\[0, 2\]"),
    (nn.CrossEntropyLoss(), np.zeros((2, 3)), np.array([-1, 0]), "label -1 at index 0"),
    (nn.CrossEntropyLoss(), np.zeros((2, 3)), np.array([0.5, 1.0]), "integer class labels"),
    (nn.CrossEntropyLoss(), np.zeros((2, 3)), np.array([0, 1, 2]), "3 labels for 2 rows"),
    (nn.CrossEntropyLoss(), np.zeros((2, 3)), np.ones((2, 3)), "sum to 1"),
    (nn.CrossEntropyLoss(), np.zeros((2, 3)), np.ones((2, 2)) / 2, "shape"),
    (nn.CrossEntropyLoss(), np.zeros(3), np.array([0]), "2-D"),
    (nn.MSELoss(), np.zeros((2, 3)), np.zeros((2, 2)), "do not match"),
    (nn.MSELoss(), np.zeros((2, 3)), np.zeros(2), "do not match"),
    (nn.MSELoss(), np.zeros((2, 1)), np.array([0.0, np.nan]), "NaN"),
    (nn.MSELoss(), np.zeros((2, 3)), np.array([0, 5]), "label 5"),
])
def test_bad_targets_are_rejected(loss, outputs, targets, message):
    with pytest.raises(ValueError, match=message):
        loss(outputs, targets)


def test_load_state_dict_rejects_mismatches_and_leaves_the_model_unchanged():
    model = nn.MLP([4, 8, 3], seed=0)
    before = model.state_dict()
    wrong_shape = dict(before, **{"2.weight": np.zeros((3, 8))})
    with pytest.raises(ValueError, match="shape"):
        model.load_state_dict(wrong_shape)
    with pytest.raises(ValueError, match="missing.*0.bias"):
        model.load_state_dict({k: v for k, v in before.items() if k != "0.bias"})
    for name in before:
        np.testing.assert_array_equal(model.params[name], before[name])
