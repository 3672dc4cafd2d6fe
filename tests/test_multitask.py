"""Multi-task learning: the shared-trunk network and the weighted loss against finite
differences and torch autograd, missing labels as torch's ignore_index, the trunk gradients
and their cosine against hand-built cases, training through fit, the cosine callback and the
figure; bad input."""

import numpy as np
import pytest

from optimlib.multitask import (GradientCosine, MultiTaskLoss, MultiTaskNet, gradient_cosine,
                                trunk_gradients)
from optimlib.nn import MLP, CrossEntropyLoss, Linear, MSELoss, ReLU, Sequential, Tanh, \
    gradient_errors
from optimlib.optim import Adam
from optimlib.train import fit

RNG = np.random.default_rng(5)
X = RNG.random((8, 4))
Y = np.stack([RNG.integers(0, 3, 8), RNG.integers(0, 2, 8)], axis=1)


def network(seed=0, activation=Tanh):
    trunk = Sequential(Linear(4, 6, seed=seed), activation())
    return MultiTaskNet(trunk, [Linear(6, 3, seed=seed + 1), Linear(6, 2, seed=seed + 2)])


def test_outputs_are_the_heads_side_by_side_and_parameters_are_shared_arrays():
    net = network()
    features = net.trunk(X)
    np.testing.assert_array_equal(net(X), np.hstack([net.heads[0](features),
                                                     net.heads[1](features)]))
    assert list(net.params) == ["trunk.0.weight", "trunk.0.bias", "heads.0.weight",
                                "heads.0.bias", "heads.1.weight", "heads.1.bias"]
    assert net.params["heads.1.weight"] is net.heads[1].weight
    assert net.grads["trunk.0.weight"] is net.trunk.grads["0.weight"]
    assert (net.in_features, net.out_features, net.head_sizes) == (4, 5, [3, 2])


def test_the_weighted_loss_by_hand():
    loss = MultiTaskLoss([2, 1], weights=[1.0, 3.0], losses=["cross_entropy", "mse"])
    Z = np.array([[0.0, 0.0, 2.0], [np.log(3.0), 0.0, 1.0]])
    value = loss(Z, np.array([[1, 1.5], [0, 1.0]]))
    expected = (np.log(2) - np.log(0.75)) / 2 + 3 * (0.25 + 0.0) / 2
    assert value == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(loss.backward(), [[0.25, -0.25, 1.5], [-0.125, 0.125, 0.0]],
                               rtol=1e-14, atol=1e-16)
    assert loss.task_losses(Z, np.array([[1, 1.5], [0, 1.0]])) == pytest.approx(
        [(np.log(2) - np.log(0.75)) / 2, 0.125])


@pytest.mark.parametrize("weights", [[1.0, 1.0], [0.2, 3.0]])
def test_backpropagation_matches_finite_differences(weights):
    net = network()
    errors = gradient_errors(net, MultiTaskLoss(net.head_sizes, weights=weights), X, Y)
    assert max(errors.values()) < 1e-7


def test_gradients_and_ignore_index_match_torch():
    torch = pytest.importorskip("torch")
    net = network(activation=ReLU)
    Y_missing = Y.copy()
    Y_missing[[1, 4], 0] = -1                 # two images without a label for task 0
    loss = MultiTaskLoss(net.head_sizes, weights=[0.7, 2.0], ignore_index=-1)
    value = loss(net(X), Y_missing)
    net.backward(loss.backward())
    tensors = {name: torch.tensor(array, requires_grad=True)
               for name, array in net.params.items()}
    features = torch.relu(torch.from_numpy(X) @ tensors["trunk.0.weight"]
                          + tensors["trunk.0.bias"])
    outputs = [features @ tensors[f"heads.{t}.weight"] + tensors[f"heads.{t}.bias"]
               for t in range(2)]
    targets = torch.from_numpy(Y_missing)
    expected = (0.7 * torch.nn.functional.cross_entropy(outputs[0], targets[:, 0],
                                                        ignore_index=-1)
                + 2.0 * torch.nn.functional.cross_entropy(outputs[1], targets[:, 1]))
    expected.backward()
    assert value == pytest.approx(expected.item(), rel=1e-12)
    for name, tensor in tensors.items():
        np.testing.assert_allclose(net.grads[name], tensor.grad.numpy(), rtol=1e-10,
                                   atol=1e-14)


def test_trunk_gradients_are_each_tasks_own():
    net = network()
    loss = MultiTaskLoss(net.head_sizes)
    rows = trunk_gradients(net, loss, X, Y)
    for t, part in enumerate(net.head_slices):
        single = CrossEntropyLoss()
        outputs = net(X)
        single(outputs[:, part], Y[:, t])
        grad_output = np.zeros_like(outputs)
        grad_output[:, part] = single.backward()
        net.backward(grad_output)
        expected = np.concatenate([g.ravel() for g in net.trunk.grads.values()])
        np.testing.assert_allclose(rows[t], expected, rtol=1e-12)


def test_cosine_is_one_for_the_same_task_and_minus_one_for_the_opposite_pull():
    net = MultiTaskNet(Sequential(Linear(4, 6, seed=0), Tanh()),
                       [Linear(6, 1, seed=1), Linear(6, 1, seed=1)])   # identical heads
    loss = MultiTaskLoss([1, 1], losses="mse")
    out = net(X)[:, 0]
    target = RNG.standard_normal(8)
    same = np.stack([target, target], axis=1)
    assert gradient_cosine(net, loss, X, same) == pytest.approx(1.0, abs=1e-12)
    # residual of task 1 = -(residual of task 0): the trunk gradients are opposite
    opposite = np.stack([target, 2 * out - target], axis=1)
    assert gradient_cosine(net, loss, X, opposite) == pytest.approx(-1.0, abs=1e-12)


def test_the_cosine_leaves_the_model_as_it_was():
    net = network()
    net.train()
    for grad in net.grads.values():
        grad[...] = 2.0
    before = net.state_dict()
    gradient_cosine(net, MultiTaskLoss(net.head_sizes), X, Y)
    assert net.training
    for name, value in before.items():
        np.testing.assert_array_equal(net.params[name], value)
        np.testing.assert_array_equal(net.grads[name], 2.0)


def test_training_through_fit_records_cosines_and_lowers_both_losses():
    net = network(activation=ReLU)
    loss = MultiTaskLoss(net.head_sizes, weights=[1.0, 0.5])
    before = loss.task_losses(net.predict_outputs(X), Y)
    recorder = GradientCosine(loss, X, Y, every=3)
    history = fit(net, Adam(net.params, lr=0.05), X, Y, loss=loss, epochs=10, batch_size=4,
                  callbacks=[recorder])
    after = loss.task_losses(net.predict_outputs(X), Y)
    assert after[0] < before[0] and after[1] < before[1]
    assert recorder.steps == [0, 3, 6, 9, 12, 15, 18]
    assert all(-1 <= c <= 1 for c in recorder.cosines)
    assert np.isnan(history.train_accuracy[-1])       # no single column of labels
    assert [p.shape for p in net.predict_tasks(X)] == [(8,), (8,)]


def test_an_mlp_trunk_ending_in_an_activation_knows_its_width():
    net = MultiTaskNet(Sequential(Linear(4, 6), ReLU(), Linear(6, 5), ReLU()),
                       [Linear(5, 2), Linear(5, 3)])
    assert net(X).shape == (8, 5)


def test_the_cosine_figure():
    import matplotlib.pyplot as plt

    from optimlib import plot
    _, ax = plt.subplots()
    plot.gradient_cosines([0, 1], {"a": [[0.5, -0.5]], "b": [0.1, 0.2]}, ax)
    assert [line.get_label() for line in ax.get_lines()][:2] == ["a", "b"]
    with pytest.raises(ValueError, match="steps"):
        plot.gradient_cosines([0, 1, 2], {"a": [0.1, 0.2]})
    with pytest.raises(ValueError, match="empty"):
        plot.gradient_cosines([0], {})
    plt.close("all")


# -- bad input -----------------------------------------------------------------------------------
def test_bad_networks_and_losses_are_rejected():
    with pytest.raises(ValueError, match="takes 5 features"):
        MultiTaskNet(Sequential(Linear(4, 6), ReLU()), [Linear(5, 2)])
    with pytest.raises(ValueError, match="non-empty"):
        MultiTaskNet(Sequential(Linear(4, 6), ReLU()), [])
    with pytest.raises(ValueError, match="weights has"):
        MultiTaskLoss([3, 2], weights=[1.0])
    with pytest.raises(ValueError, match="weights\\[1\\]"):
        MultiTaskLoss([3, 2], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="losses has"):
        MultiTaskLoss([3, 2], losses=[MSELoss()])
    loss = MultiTaskLoss([3, 2])
    with pytest.raises(ValueError, match="one column per task"):
        loss(np.zeros((8, 5)), Y[:, 0])
    with pytest.raises(ValueError, match="task 1"):
        loss(np.zeros((8, 5)), np.stack([Y[:, 0], Y[:, 1] + 5], axis=1))
    with pytest.raises(ValueError, match="add up"):
        loss(np.zeros((8, 4)), Y)


def test_the_cosine_rejects_bad_arguments():
    net = network()
    with pytest.raises(ValueError, match="sizes"):
        gradient_cosine(net, MultiTaskLoss([2, 3]), X, Y)
    with pytest.raises(ValueError, match="tasks\\[1\\]"):
        gradient_cosine(net, MultiTaskLoss(net.head_sizes), X, Y, tasks=(0, 2))
    with pytest.raises(ValueError, match="MultiTaskNet"):
        gradient_cosine(MLP([4, 5]), MultiTaskLoss([5]), X, Y[:, :1])
