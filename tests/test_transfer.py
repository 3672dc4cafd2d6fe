"""Transfer learning: freezing is an optimizer over a subset of the parameters (fit steps only
those), a new head leaves the pretrained model alone, two optimizers in one fit are two
learning rates (and the same as one optimizer when the rates agree), and the two feature
measures against their definitions; bad input."""

import numpy as np
import pytest

from optimlib.data import make_moons
from optimlib.nn import MLP, CrossEntropyLoss, Linear, ReLU, Sequential
from optimlib.optim import SGD, Adam
from optimlib.train import fit
from optimlib.transfer import (ExtraOptimizer, class_separation, effective_dimension,
                               params_of, replace_head)

X_MOONS, Y_MOONS = make_moons(60, noise=0.1, seed=0)


def model(seed=0):
    return MLP([2, 8, 8, 2], seed=seed)


def test_params_of_selects_the_layers_own_arrays():
    net = model()
    head = params_of(net, -1)
    assert sorted(head) == ["4.bias", "4.weight"]
    assert all(head[name] is net.params[name] for name in head)
    assert sorted(params_of(net, slice(None, -1))) == ["0.bias", "0.weight", "2.bias",
                                                       "2.weight"]
    assert sorted(params_of(net, [0, 4])) == ["0.bias", "0.weight", "4.bias", "4.weight"]


@pytest.mark.parametrize("layers, match", [(5, "indices"), ([0, -6], "indices"),
                                           (1, "no parameters"), (True, "indices")])
def test_params_of_rejects_bad_layers(layers, match):
    with pytest.raises(ValueError, match=match):
        params_of(model(), layers)
    with pytest.raises(ValueError, match="Sequential"):
        params_of(Linear(2, 2), 0)


def test_replace_head_copies_the_body_and_draws_a_new_head():
    pretrained = model()
    before = pretrained.state_dict()
    new = replace_head(pretrained, 3, seed=5)
    assert new.out_features == 3 and new.layers[-1].in_features == 8
    body = Sequential(*pretrained.layers[:-1])
    np.testing.assert_array_equal(Sequential(*new.layers[:-1])(X_MOONS), body(X_MOONS))
    fit(new, Adam(new.params, lr=0.1), X_MOONS, Y_MOONS, epochs=3, batch_size=20)
    for name, value in before.items():            # training the copy left the original alone
        np.testing.assert_array_equal(pretrained.params[name], value)
    assert not np.array_equal(new.params["0.weight"], before["0.weight"])
    with pytest.raises(ValueError, match="Linear head"):
        replace_head(Sequential(Linear(2, 2), ReLU()), 3)


def test_fit_with_an_optimizer_on_the_head_freezes_the_body():
    net = model()
    before = net.state_dict()
    fit(net, Adam(params_of(net, -1), lr=0.05), X_MOONS, Y_MOONS, epochs=5, batch_size=16)
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        np.testing.assert_array_equal(net.params[name], before[name])
    assert not np.array_equal(net.params["4.weight"], before["4.weight"])


def test_two_optimizers_with_one_rate_are_one_optimizer():
    one, two = model(), model()
    fit(one, Adam(one.params, lr=0.01), X_MOONS, Y_MOONS, epochs=4, batch_size=16, seed=3)
    body = Adam(params_of(two, slice(None, -1)), lr=0.01)
    fit(two, Adam(params_of(two, -1), lr=0.01), X_MOONS, Y_MOONS, epochs=4, batch_size=16,
        seed=3, callbacks=[ExtraOptimizer(body)])
    for name in one.params:
        np.testing.assert_array_equal(two.params[name], one.params[name])


def test_the_second_optimizer_moves_the_body_at_its_own_rate():
    # one full-batch SGD step: the head moves by lr_head * g, the body by lr_body * g
    net, reference = model(), model()
    loss = CrossEntropyLoss()
    loss(reference(X_MOONS), Y_MOONS)
    reference.backward(loss.backward())
    loss_grads = {name: grad.copy() for name, grad in reference.grads.items()}
    before = net.state_dict()
    fit(net, SGD(params_of(net, -1), lr=0.5), X_MOONS, Y_MOONS, epochs=1, batch_size=60,
        callbacks=[ExtraOptimizer(SGD(params_of(net, slice(None, -1)), lr=0.05))])
    for name, value in before.items():
        rate = 0.5 if name.startswith("4.") else 0.05
        np.testing.assert_allclose(net.params[name], value - rate * loss_grads[name],
                                   rtol=1e-12, atol=1e-14)


def test_extra_optimizer_checks_its_parameters():
    net, other = model(), model(seed=1)
    with pytest.raises(ValueError, match="dict"):
        ExtraOptimizer(SGD([net.params["0.weight"]], lr=0.1))
    wrong = ExtraOptimizer(SGD(params_of(other, 0), lr=0.1))   # another model's arrays
    with pytest.raises(ValueError, match="own parameter arrays"):
        fit(net, SGD(params_of(net, -1), lr=0.1), X_MOONS, Y_MOONS, epochs=1, batch_size=30,
            callbacks=[wrong])


# -- measuring features --------------------------------------------------------------------------
def test_class_separation_by_hand_and_its_invariances():
    h = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 1.0], [12.0, 1.0], [5.0, 9.0], [5.0, 11.0]])
    y = np.array([0, 0, 1, 1, 2, 2])
    means = np.array([[1.0, 0.0], [11.0, 1.0], [5.0, 10.0]])
    between = np.mean(np.sum((means - h.mean(axis=0)) ** 2, axis=1))
    assert class_separation(h, y) == pytest.approx(between / 1.0, rel=1e-14)   # spread 1
    rotation = np.array([[0.6, -0.8], [0.8, 0.6]])
    assert class_separation(3 * h @ rotation + 7, y) == pytest.approx(class_separation(h, y),
                                                                      rel=1e-12)


def test_effective_dimension_is_the_participation_ratio_of_the_eigenvalues():
    rng = np.random.default_rng(0)
    h = rng.standard_normal((200, 5)) * np.array([3.0, 1.0, 1.0, 0.5, 0.1])
    centred = h - h.mean(axis=0)
    eigenvalues = np.linalg.eigvalsh(centred.T @ centred / len(h))
    expected = eigenvalues.sum() ** 2 / np.sum(eigenvalues ** 2)
    assert effective_dimension(h) == pytest.approx(expected, rel=1e-10)
    assert effective_dimension(np.eye(4)) == pytest.approx(3.0)   # 4 points span a 3-simplex
    assert np.isnan(effective_dimension(np.ones((3, 2))))


def test_feature_measures_reject_bad_input():
    with pytest.raises(ValueError, match="two classes"):
        class_separation(np.ones((3, 2)), [1, 1, 1])
    with pytest.raises(ValueError, match="entries"):
        class_separation(np.ones((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="2-dimensional"):
        effective_dimension(np.ones(3))
