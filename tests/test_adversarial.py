"""Attacks and adversarial training: hand cases, finite differences and torch autograd for the
input gradient and the attacks; PGD stays in the ball and the valid range; the model is left
as it was; on a trained model PGD is at least as strong as FGSM, and restarts only make it
stronger; Goodfellow et al.'s mixed objective is exact, through fit and against torch; bad
input."""

import numpy as np
import pytest

from optimlib.adversarial import AdversarialTraining, MixedLoss, fgsm, input_gradient, pgd
from optimlib.data import load_digits, train_val_test_split
from optimlib.gradcheck import gradient_error
from optimlib.metrics import accuracy
from optimlib.nn import MLP, CrossEntropyLoss, Linear
from optimlib.optim import SGD, Adam
from optimlib.train import fit

RNG = np.random.default_rng(3)
X_SMALL = RNG.random((6, 4))
Y_SMALL = np.array([0, 1, 2, 1, 0, 2])


def small_model(seed=0):
    return MLP([4, 5, 3], activation="tanh", seed=seed)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    (X_train, y_train), _, (X_test, y_test) = train_val_test_split(X / 16, y, seed=0)
    return X_train, y_train, X_test, y_test


@pytest.fixture(scope="module")
def trained(digits):
    X_train, y_train, _, _ = digits
    model = MLP([64, 32, 10], seed=0)
    fit(model, Adam(model.params, lr=3e-3), X_train, y_train, epochs=8, batch_size=32)
    return model


# -- hand cases --------------------------------------------------------------------------------
def linear_model(weight):
    model = Linear(len(weight), len(weight[0]), seed=0)
    model.params["weight"][...] = weight
    return model


def test_fgsm_on_a_linear_model_by_hand():
    # logits (-0.5, 0.5); the cross-entropy of class 0 rises along (-1, +1)
    model = linear_model([[1.0, -1.0], [-2.0, 2.0]])
    X_adv = fgsm(model, "cross_entropy", [[0.5, 0.5]], [0], eps=0.1)
    np.testing.assert_array_equal(X_adv, [[0.4, 0.6]])


def test_input_gradient_of_the_mse_by_hand():
    # out = 3 x0 - x1 = 2, d/dout (out - 0)^2 = 4, d/dx = 4 * (3, -1)
    model = linear_model([[3.0], [-1.0]])
    np.testing.assert_array_equal(input_gradient(model, "mse", [[1.0, 1.0]], [0.0]),
                                  [[12.0, -4.0]])


def test_pgd_by_hand_projects_onto_the_ball_and_the_clip_range():
    model = linear_model([[3.0], [-1.0]])
    X = np.array([[0.5, 0.5]])
    # steps of 0.15 along (+1, -1): 0.65/0.35, then the ball [0.3, 0.7] stops it
    unclipped = pgd(model, "mse", X, [0.0], eps=0.2, step_size=0.15, steps=3,
                    random_start=False)
    np.testing.assert_allclose(unclipped, [[0.7, 0.3]], rtol=0, atol=1e-15)
    clipped = pgd(model, "mse", X, [0.0], eps=0.2, step_size=0.15, steps=3,
                  random_start=False, clip=(0.0, 0.6))
    np.testing.assert_allclose(clipped, [[0.6, 0.3]], rtol=0, atol=1e-15)


def test_fgsm_does_not_move_inputs_whose_gradient_is_zero():
    model = linear_model([[1.0, -1.0], [0.0, 0.0]])      # the second input is ignored
    X_adv = fgsm(model, "cross_entropy", [[0.3, 0.3]], [0], eps=0.1)
    assert X_adv[0, 1] == 0.3 and X_adv[0, 0] != 0.3


# -- the input gradient and the attacks against independent computations ---------------------
def test_input_gradient_matches_finite_differences():
    model = small_model()
    loss = CrossEntropyLoss()

    def loss_at(x):
        return loss(model(x.reshape(X_SMALL.shape)), Y_SMALL)

    analytic = input_gradient(model, loss, X_SMALL, Y_SMALL)
    error = gradient_error(loss_at, lambda _: analytic.ravel(), X_SMALL.ravel(), 1e-6)
    assert error < 1e-8


def test_pgd_with_one_step_of_eps_and_no_random_start_is_fgsm():
    model = small_model()
    for eps in (0.05, 0.3):
        np.testing.assert_array_equal(
            pgd(model, "cross_entropy", X_SMALL, Y_SMALL, eps, step_size=eps, steps=1,
                random_start=False),
            fgsm(model, "cross_entropy", X_SMALL, Y_SMALL, eps))
    np.testing.assert_array_equal(fgsm(model, "cross_entropy", X_SMALL, Y_SMALL, 0.0),
                                  X_SMALL)


def torch_attacks(torch, model, X, y, eps, step_size, steps, start, clip):
    """FGSM and PGD written with torch autograd on a copy of ``model`` (tanh MLP)."""
    layers = []
    for layer in model.layers:
        if isinstance(layer, Linear):
            linear = torch.nn.Linear(layer.in_features, layer.out_features).double()
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(layer.weight.T.copy()))
                linear.bias.copy_(torch.from_numpy(layer.bias.copy()))
            layers.append(linear)
        else:
            layers.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*layers)
    x, target = torch.from_numpy(X), torch.from_numpy(y)
    low, high = clip

    def grad_at(z):
        z = z.clone().requires_grad_(True)
        torch.nn.functional.cross_entropy(net(z), target).backward()
        return z.grad

    x_fgsm = torch.clamp(x + eps * grad_at(x).sign(), low, high)
    z = torch.clamp(torch.clamp(x + torch.from_numpy(start), x - eps, x + eps), low, high)
    for _ in range(steps):
        z = z + step_size * grad_at(z).sign()
        z = torch.clamp(torch.min(torch.max(z, x - eps), x + eps), low, high)
    return x_fgsm.numpy(), z.detach().numpy()


def test_fgsm_and_pgd_match_torch_autograd():
    torch = pytest.importorskip("torch")
    model = small_model(seed=1)
    eps, step_size, steps, seed, clip = 0.1, 0.03, 5, 7, (0.0, 1.0)
    # our random start: the first draw of the seed's generator
    start = np.random.default_rng(seed).uniform(-eps, eps, size=X_SMALL.shape)
    expected_fgsm, expected_pgd = torch_attacks(torch, model, X_SMALL, Y_SMALL, eps, step_size,
                                                steps, start, clip)
    np.testing.assert_allclose(fgsm(model, "cross_entropy", X_SMALL, Y_SMALL, eps, clip=clip),
                               expected_fgsm, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pgd(model, "cross_entropy", X_SMALL, Y_SMALL, eps, step_size,
                                   steps, seed=seed, clip=clip),
                               expected_pgd, rtol=0, atol=1e-12)


# -- properties ----------------------------------------------------------------------------------
@pytest.mark.parametrize("eps, random_start, clip", [(0.05, True, None), (0.2, True, (0, 1)),
                                                     (0.3, False, (0.1, 0.9))])
def test_pgd_stays_in_the_ball_and_the_clip_range(eps, random_start, clip):
    model = small_model()
    X = np.clip(X_SMALL, *(clip or (0, 1)))
    X_adv = pgd(model, "cross_entropy", X, Y_SMALL, eps, step_size=eps / 2, steps=6,
                random_start=random_start, clip=clip, seed=2, restarts=2)
    assert np.max(np.abs(X_adv - X)) <= eps + 1e-15
    if clip is not None:
        assert X_adv.min() >= clip[0] and X_adv.max() <= clip[1]
    if clip is None:           # six steps of eps/2 reach the boundary of the ball
        assert np.isclose(np.max(np.abs(X_adv - X)), eps)


@pytest.mark.parametrize("attack", ["fgsm", "pgd"])
def test_attacks_leave_parameters_gradients_and_mode_unchanged(attack):
    model = small_model()
    model.train()
    for grad in model.grads.values():
        grad[...] = 1.5
    params = model.state_dict()
    if attack == "fgsm":
        fgsm(model, "cross_entropy", X_SMALL, Y_SMALL, 0.1)
    else:
        pgd(model, "cross_entropy", X_SMALL, Y_SMALL, 0.1, 0.03, 4, restarts=2)
    assert model.training
    for name, value in params.items():
        np.testing.assert_array_equal(model.params[name], value)
        np.testing.assert_array_equal(model.grads[name], 1.5)
    model.eval()
    fgsm(model, "cross_entropy", X_SMALL, Y_SMALL, 0.1)
    assert not model.training


def test_on_a_trained_model_pgd_is_at_least_as_strong_as_fgsm(digits, trained):
    _, _, X_test, y_test = digits
    loss = CrossEntropyLoss()
    for eps in (0.05, 0.1, 0.2):
        X_fgsm = fgsm(trained, loss, X_test, y_test, eps, clip=(0, 1))
        X_pgd = pgd(trained, loss, X_test, y_test, eps, step_size=eps / 4, steps=10,
                    clip=(0, 1))
        acc_fgsm = accuracy(y_test, trained.predict(X_fgsm))
        acc_pgd = accuracy(y_test, trained.predict(X_pgd))
        assert acc_pgd <= acc_fgsm < accuracy(y_test, trained.predict(X_test))
        assert (loss(trained.predict_outputs(X_pgd), y_test)
                >= loss(trained.predict_outputs(X_fgsm), y_test))


def test_restarts_only_make_pgd_stronger(digits, trained):
    _, _, X_test, y_test = digits
    kwargs = dict(eps=0.1, step_size=0.02, steps=5, clip=(0, 1), seed=4)
    one = pgd(trained, "cross_entropy", X_test, y_test, **kwargs)
    three = pgd(trained, "cross_entropy", X_test, y_test, restarts=3, **kwargs)
    wrong_one = trained.predict(one) != y_test
    wrong_three = trained.predict(three) != y_test
    # the first restart is the single run (same draws), so every image it fools stays fooled
    assert np.all(wrong_three[wrong_one]) and wrong_three.sum() >= wrong_one.sum()


def test_the_result_does_not_depend_on_the_block_size(digits, trained):
    _, _, X_test, y_test = digits
    X, y = X_test[:100], y_test[:100]
    for batch_size in (7, 32):
        np.testing.assert_array_equal(
            fgsm(trained, "cross_entropy", X, y, 0.1, batch_size=batch_size),
            fgsm(trained, "cross_entropy", X, y, 0.1))
        np.testing.assert_array_equal(
            pgd(trained, "cross_entropy", X, y, 0.1, 0.03, 4, restarts=2,
                batch_size=batch_size),
            pgd(trained, "cross_entropy", X, y, 0.1, 0.03, 4, restarts=2))
    with pytest.raises(ValueError, match="batch_size"):
        fgsm(trained, "cross_entropy", X, y, 0.1, batch_size=0)


def test_accuracy_falls_to_at_most_the_largest_class_at_eps_one_half(digits, trained):
    # with pixels in [0, 1] and eps = 1/2 the grey image 0.5 is in every ball
    _, _, X_test, y_test = digits
    X_adv = pgd(trained, "cross_entropy", X_test, y_test, 0.5, 0.1, 10, clip=(0, 1))
    assert accuracy(y_test, trained.predict(X_adv)) <= np.bincount(y_test).max() / len(y_test)


# -- adversarial training ----------------------------------------------------------------------
def test_mixed_loss_weights_clean_and_adversarial_rows_exactly():
    rng = np.random.default_rng(0)
    outputs, targets = rng.standard_normal((5, 3)), np.array([0, 2, 1, 1, 0])
    base = CrossEntropyLoss()
    for alpha, clean_rows in [(0.25, 2), (0.5, 3), (0.0, 1)]:
        mixed = MixedLoss(CrossEntropyLoss(), alpha)
        mixed.clean_rows = clean_rows
        value, grad = mixed(outputs, targets), mixed.backward()
        clean = base(outputs[:clean_rows], targets[:clean_rows])
        clean_grad = base.backward()
        adversarial = base(outputs[clean_rows:], targets[clean_rows:])
        adversarial_grad = base.backward()
        assert value == pytest.approx(alpha * clean + (1 - alpha) * adversarial, rel=1e-14)
        np.testing.assert_allclose(grad[:clean_rows], alpha * clean_grad, rtol=1e-14)
        np.testing.assert_allclose(grad[clean_rows:], (1 - alpha) * adversarial_grad,
                                   rtol=1e-14)
        # without a layout (validation data) it is the base loss
        assert mixed(outputs, targets) == pytest.approx(base(outputs, targets), rel=1e-14)


def test_equal_halves_with_the_plain_mean_are_alpha_one_half():
    rng = np.random.default_rng(1)
    outputs, targets = rng.standard_normal((6, 3)), np.array([0, 2, 1, 0, 2, 1])
    mixed = MixedLoss("cross_entropy", 0.5)
    mixed.clean_rows = 3
    assert mixed(outputs, targets) == pytest.approx(CrossEntropyLoss()(outputs, targets),
                                                    rel=1e-14)


@pytest.mark.parametrize("alpha", [0.3, 0.0])
def test_one_step_of_fit_descends_goodfellows_objective(alpha):
    # one full-batch SGD step: theta - lr (alpha g_clean + (1 - alpha) g_adversarial), with
    # the adversarial inputs made by FGSM at the starting parameters
    model, reference = small_model(), small_model()
    eps, lr = 0.1, 0.5
    X_adv = fgsm(reference, "cross_entropy", X_SMALL, Y_SMALL, eps)
    loss = CrossEntropyLoss()
    loss(reference(X_SMALL), Y_SMALL)
    reference.backward(loss.backward())
    clean = {name: grad.copy() for name, grad in reference.grads.items()}
    loss(reference(X_adv), Y_SMALL)
    reference.backward(loss.backward())
    expected = {name: reference.params[name] - lr * (alpha * clean[name]
                                                     + (1 - alpha) * reference.grads[name])
                for name in reference.params}
    adversarial = AdversarialTraining("fgsm", eps=eps, alpha=alpha)
    fit(model, SGD(model.params, lr=lr), X_SMALL, Y_SMALL, epochs=1, batch_size=len(X_SMALL),
        loss=adversarial.loss, transform=adversarial)
    for name, value in expected.items():
        np.testing.assert_allclose(model.params[name], value, rtol=1e-12, atol=1e-14)


def test_mixed_objective_gradient_matches_torch():
    torch = pytest.importorskip("torch")
    model, alpha, eps = small_model(seed=2), 0.3, 0.1
    adversarial = AdversarialTraining("fgsm", eps=eps, alpha=alpha)
    X_batch, y_batch = adversarial(model, X_SMALL, Y_SMALL)
    value = adversarial.loss(model(X_batch), y_batch)
    model.backward(adversarial.loss.backward())
    x = torch.from_numpy(X_SMALL)
    x_adv = torch.from_numpy(X_batch[len(X_SMALL):])
    weights = [torch.tensor(layer.weight, requires_grad=True) for layer in model.layers[::2]]
    biases = [torch.tensor(layer.bias, requires_grad=True) for layer in model.layers[::2]]

    def net(z):
        h = torch.tanh(z @ weights[0] + biases[0])
        return h @ weights[1] + biases[1]

    target = torch.from_numpy(Y_SMALL)
    expected = (alpha * torch.nn.functional.cross_entropy(net(x), target)
                + (1 - alpha) * torch.nn.functional.cross_entropy(net(x_adv), target))
    expected.backward()
    assert value == pytest.approx(expected.item(), rel=1e-12)
    for i, (w, b) in enumerate(zip(weights, biases)):
        np.testing.assert_allclose(model.grads[f"{2 * i}.weight"], w.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(model.grads[f"{2 * i}.bias"], b.grad.numpy(), atol=1e-12)


def test_adversarial_training_makes_a_model_more_robust(digits):
    X_train, y_train, X_test, y_test = digits
    accuracies = []
    for adversarial in (None, AdversarialTraining("pgd", eps=0.1, alpha=0.0, steps=3,
                                                  clip=(0, 1))):
        model = MLP([64, 32, 10], seed=0)
        extra = {} if adversarial is None else dict(loss=adversarial.loss,
                                                    transform=adversarial)
        fit(model, Adam(model.params, lr=3e-3), X_train, y_train, epochs=5, batch_size=32,
            **extra)
        X_adv = pgd(model, "cross_entropy", X_test, y_test, 0.1, 0.025, 10, clip=(0, 1))
        accuracies.append(accuracy(y_test, model.predict(X_adv)))
    assert accuracies[1] > accuracies[0] + 0.1


def test_fit_counts_the_running_accuracy_over_the_rows_the_transform_returns():
    model = small_model()
    adversarial = AdversarialTraining("fgsm", eps=0.0, alpha=0.5)   # eps 0: two clean copies
    history = fit(model, SGD(model.params, lr=0.0), X_SMALL, Y_SMALL, epochs=1, batch_size=6,
                  loss=adversarial.loss, transform=adversarial)
    expected = accuracy(Y_SMALL, model.predict(X_SMALL))
    assert history.train_accuracy[-1] == pytest.approx(expected)


def test_a_forgotten_mixed_loss_is_reported():
    model = small_model()
    adversarial = AdversarialTraining("fgsm", eps=0.1, alpha=0.5)
    with pytest.raises(ValueError, match="loss="):
        fit(model, SGD(model.params, lr=0.1), X_SMALL, Y_SMALL, epochs=1, batch_size=3,
            transform=adversarial)


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, match", [
    (dict(eps=-0.1, step_size=0.1, steps=1), "eps"),
    (dict(eps=0.1, step_size=0.0, steps=1), "step_size"),
    (dict(eps=0.1, step_size=0.1, steps=0), "steps"),
    (dict(eps=0.1, step_size=0.1, steps=1, restarts=0), "restarts"),
    (dict(eps=0.1, step_size=0.1, steps=1, clip=(1, 0)), "clip"),
    (dict(eps=0.1, step_size=0.1, steps=1, clip=(0, 0.5)), "outside clip"),
])
def test_pgd_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pgd(small_model(), "cross_entropy", X_SMALL, Y_SMALL, **kwargs)


def test_fgsm_rejects_bad_arguments():
    with pytest.raises(ValueError, match="eps"):
        fgsm(small_model(), "cross_entropy", X_SMALL, Y_SMALL, eps=-1)
    with pytest.raises(ValueError, match="clip"):
        fgsm(small_model(), "cross_entropy", X_SMALL, Y_SMALL, eps=0.1, clip=(0, 1, 2))
    with pytest.raises(ValueError, match="NaN"):
        fgsm(small_model(), "cross_entropy", np.full((2, 4), np.nan), [0, 1], eps=0.1)


def test_restarts_need_class_labels():
    model = linear_model([[3.0], [-1.0]])
    with pytest.raises(ValueError, match="class labels"):
        pgd(model, "mse", [[0.5, 0.5]], [0.0], 0.1, 0.05, 2, restarts=2)


@pytest.mark.parametrize("kwargs, match", [(dict(attack="cw", eps=0.1), "attack"),
                                           (dict(eps=0.1, alpha=1.0), "alpha"),
                                           (dict(eps=-0.1), "eps"),
                                           (dict(attack="pgd", eps=0.1, steps=0), "steps")])
def test_adversarial_training_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        AdversarialTraining(**kwargs)


def test_fit_rejects_a_bad_transform():
    model = small_model()
    with pytest.raises(ValueError, match="transform must be a callable"):
        fit(model, SGD(model.params, lr=0.1), X_SMALL, Y_SMALL, epochs=1, batch_size=3,
            transform="fgsm")


def test_adversarial_figures_check_their_input():
    from optimlib import plot
    with pytest.raises(ValueError, match="pixels"):
        plot.adversarial_example(np.zeros(10), np.zeros(10), [0.5, 0.5], label=0)
    with pytest.raises(ValueError, match="probabilities"):
        plot.adversarial_gallery(np.zeros((1, 2, 64)), np.zeros((1, 3, 2)), [0, 0.1], 0)
    fig = plot.adversarial_gallery(np.zeros((1, 2, 64)), np.full((1, 2, 2), 0.5), [0, 0.1],
                                   label=1, row_labels=["model"])
    assert len(fig.axes) == 4
    fig = plot.adversarial_example(np.zeros(64), np.full((2, 64), 0.1), [[0.3, 0.7],
                                                                         [0.9, 0.1]],
                                   label=0, row_labels=["a", "b"])
    assert len(fig.axes) == 8
    assert fig.axes[7].get_title() == "predicted 0 (p = 0.90)"
    with pytest.raises(ValueError, match="one row per"):
        plot.adversarial_example(np.zeros(64), np.zeros((2, 64)), [0.5, 0.5], label=0)


@pytest.mark.parametrize("attack", ["fgsm", "pgd"])
def test_a_radius_of_zero_trains_on_clean_copies(attack):
    adversarial = AdversarialTraining(attack, eps=0.0, alpha=0.5)
    X_batch, y_batch = adversarial(small_model(), X_SMALL, Y_SMALL)
    np.testing.assert_array_equal(X_batch, np.concatenate([X_SMALL, X_SMALL]))
    np.testing.assert_array_equal(y_batch, np.concatenate([Y_SMALL, Y_SMALL]))
