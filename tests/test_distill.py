"""The distillation loss: its value and gradient against the formulas written out here, finite
differences and torch; stability for large logits; the T^2 factor and the high-temperature
limit of Hinton et al. (2015, Section 2.1); training a student through fit; bad input."""

import numpy as np
import pytest

from optimlib.data import make_moons, minibatch_indices
from optimlib.distill import DistillationLoss
from optimlib.gradcheck import gradient_error
from optimlib.nn import MLP, CrossEntropyLoss
from optimlib.optim import Adam
from optimlib.train import fit

RNG = np.random.default_rng(11)
N, K = 7, 5
STUDENT = 3 * RNG.standard_normal((N, K))
TEACHER = 3 * RNG.standard_normal((N, K))
LABELS = RNG.integers(0, K, N)
SETTINGS = [(1.0, 0.5), (4.0, 0.9), (0.5, 0.3), (20.0, 1.0), (2.0, 0.0)]


def probabilities(logits, T):
    """softmax(logits / T) row by row, written out independently of optimlib.nn."""
    e = np.exp(logits / T - np.max(logits / T, axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def expected_value(s, y, t, T, alpha):
    p, q = probabilities(t, T), probabilities(s, T)
    kl = np.sum(p * (np.log(p) - np.log(q))) / len(s)
    ce = -np.mean(np.log(probabilities(s, 1.0)[np.arange(len(s)), y]))
    return alpha * T * T * kl + (1 - alpha) * ce


def expected_gradient(s, y, t, T, alpha):
    # (alpha T (softmax(s/T) - softmax(t/T)) + (1 - alpha)(softmax(s) - onehot(y))) / n
    onehot = np.eye(s.shape[1])[y]
    return (alpha * T * (probabilities(s, T) - probabilities(t, T))
            + (1 - alpha) * (probabilities(s, 1.0) - onehot)) / len(s)


# -- the formulas ------------------------------------------------------------------------------
@pytest.mark.parametrize("T, alpha", SETTINGS)
def test_value_and_gradient_are_the_closed_forms(T, alpha):
    loss = DistillationLoss(temperature=T, alpha=alpha)
    value = loss(STUDENT, LABELS, TEACHER)
    assert value == pytest.approx(expected_value(STUDENT, LABELS, TEACHER, T, alpha), rel=1e-12)
    np.testing.assert_allclose(loss.backward(), expected_gradient(STUDENT, LABELS, TEACHER, T,
                                                                  alpha), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("T, alpha", SETTINGS)
def test_gradient_matches_finite_differences(T, alpha):
    loss = DistillationLoss(temperature=T, alpha=alpha)

    def grad(s):
        loss(s, LABELS, TEACHER)
        return loss.backward()

    # a step of 1e-5: the T^2-scaled values make the rounding error of 1e-6 visible at T = 20
    assert gradient_error(lambda s: loss(s, LABELS, TEACHER), grad, STUDENT, eps=1e-5) < 1e-8


@pytest.mark.parametrize("T, alpha", SETTINGS)
def test_matches_torchs_usual_form(T, alpha):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    s = torch.tensor(STUDENT, requires_grad=True)
    t = torch.from_numpy(TEACHER)
    expected = (alpha * T * T * F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1),
                                         reduction="batchmean")
                + (1 - alpha) * F.cross_entropy(s, torch.from_numpy(LABELS)))
    expected.backward()
    loss = DistillationLoss(temperature=T, alpha=alpha)
    assert loss(STUDENT, LABELS, TEACHER) == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(loss.backward(), s.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_the_two_ends_of_alpha():
    # alpha = 0 is the plain cross-entropy with the labels
    plain = CrossEntropyLoss()
    loss = DistillationLoss(temperature=3.0, alpha=0.0)
    assert loss(STUDENT, LABELS, TEACHER) == pytest.approx(plain(STUDENT, LABELS), rel=1e-14)
    np.testing.assert_allclose(loss.backward(), plain.backward(), rtol=1e-14)
    # alpha = 1 ignores the labels, and a student equal to its teacher has nothing to learn
    only_teacher = DistillationLoss(temperature=3.0, alpha=1.0)
    other_labels = (LABELS + 1) % K
    assert only_teacher(STUDENT, LABELS, TEACHER) == only_teacher(STUDENT, other_labels, TEACHER)
    assert only_teacher(TEACHER, LABELS, TEACHER) == 0.0
    np.testing.assert_array_equal(only_teacher.backward(), 0.0)


def test_shifting_a_row_of_logits_changes_nothing():
    # softmax is invariant to adding a constant to a row, so the loss is too
    loss = DistillationLoss(temperature=2.0, alpha=0.7)
    shifts = RNG.standard_normal((N, 1))
    assert loss(STUDENT + 5 * shifts, LABELS, TEACHER - 3 * shifts) == pytest.approx(
        loss(STUDENT, LABELS, TEACHER), rel=1e-12)


# -- stability ---------------------------------------------------------------------------------
def test_finite_for_large_logits():
    loss = DistillationLoss(temperature=2.0, alpha=0.5)
    s = 1e4 * np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.5]])
    t = 1e4 * np.array([[0.0, 1.0, -1.0], [0.0, 1.0, 0.5]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = loss(s, np.array([0, 1]), t)
        grad = loss.backward()
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    # row 1: student = teacher and the label is its top class, so it contributes nothing;
    # row 0: the teacher is sure of class 1, the student of class 0 (a gap of 1e4 logits)
    kl_row_0 = 1e4 / 2.0                        # KL(e_1 || softmax(s_0 / T)) = (s_00 - s_01)/T
    assert value == pytest.approx(0.5 * 4.0 * kl_row_0 / 2, rel=1e-12)
    np.testing.assert_allclose(grad, [[0.5 * 2.0 / 2, -0.5 * 2.0 / 2, 0.0], [0.0, 0.0, 0.0]],
                               atol=1e-12)


# -- temperature: the T^2 factor and the high-temperature limit --------------------------------
def zero_mean(logits):
    return logits - logits.mean(axis=1, keepdims=True)


def test_the_soft_gradient_keeps_its_size_across_temperatures_thanks_to_T_squared():
    s, t = zero_mean(STUDENT), zero_mean(TEACHER)
    sizes, unscaled = [], []
    for T in (10.0, 100.0, 1000.0):
        loss = DistillationLoss(temperature=T, alpha=1.0)
        loss(s, LABELS, t)
        sizes.append(np.linalg.norm(loss.backward()))
        unscaled.append(sizes[-1] / T**2)           # the same gradient without the T^2
    assert sizes[1] / sizes[2] == pytest.approx(1.0, abs=0.01)
    assert sizes[0] / sizes[1] == pytest.approx(1.0, abs=0.1)
    assert unscaled[1] / unscaled[2] == pytest.approx(100.0, rel=0.01)


def test_high_temperature_limit_is_matching_logits():
    # Hinton et al. (2015), eq. (4): for zero-mean logits and T >> |logits|, the gradient of
    # the soft term tends to (s - t) / (n K); the loss to mean_i |s_i - t_i|^2 / (2 K)
    s, t = zero_mean(STUDENT), zero_mean(TEACHER)
    limit_grad = (s - t) / (N * K)
    limit_value = np.sum((s - t) ** 2) / (2 * K * N)
    errors = []
    for T in (1e2, 1e3, 1e4):
        loss = DistillationLoss(temperature=T, alpha=1.0)
        value = loss(s, LABELS, t)
        errors.append(np.linalg.norm(loss.backward() - limit_grad) / np.linalg.norm(limit_grad))
        assert value == pytest.approx(limit_value, rel=10 / T)
    assert errors[-1] < 1e-3
    # the error of the approximation falls like 1/T
    assert errors[0] / errors[1] == pytest.approx(10, rel=0.05)
    assert errors[1] / errors[2] == pytest.approx(10, rel=0.05)


# -- training a student with fit ---------------------------------------------------------------
X, Y = make_moons(200, noise=0.25, seed=0)
X_VAL, Y_VAL = make_moons(100, noise=0.25, seed=1)


def trained_teacher(seed=1):
    teacher = MLP([2, 32, 32, 2], seed=seed)
    fit(teacher, Adam(teacher.params, lr=0.01), X, Y, epochs=40, batch_size=20, seed=seed)
    return teacher


TEACHERS = [trained_teacher(1), trained_teacher(2)]


def distill(teacher, seed=0, epochs=5, loss=None, y=Y):
    student = MLP([2, 8, 2], seed=seed)
    history = fit(student, Adam(student.params, lr=0.02), X, y, epochs=epochs, batch_size=25,
                  loss=loss or DistillationLoss(temperature=3.0, alpha=0.8), teacher=teacher,
                  validation_data=(X_VAL, Y_VAL), seed=seed)
    return student, history


def test_a_student_trained_with_a_teacher_is_deterministic_and_the_teacher_unchanged():
    saved = [teacher.state_dict() for teacher in TEACHERS]
    first, first_history = distill(TEACHERS, seed=3)
    second, second_history = distill(TEACHERS, seed=3)
    for name in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"):
        assert getattr(first_history, name) == getattr(second_history, name)   # bit-identical
    for name, array in first.params.items():
        np.testing.assert_array_equal(array, second.params[name])
    for teacher, state in zip(TEACHERS, saved):
        for name, array in teacher.params.items():
            np.testing.assert_array_equal(array, state[name])
    other, _ = distill(TEACHERS, seed=4)
    assert not np.array_equal(other.params["0.weight"], first.params["0.weight"])


def test_fit_is_the_minibatch_loop_with_the_averaged_teacher_logits():
    # fit with an ensemble teacher = this loop written out, to the last bit
    loss = DistillationLoss(temperature=3.0, alpha=0.8)
    student, history = distill(TEACHERS, seed=5, epochs=3, loss=loss)
    averaged = (TEACHERS[0].predict_outputs(X) + TEACHERS[1].predict_outputs(X)) / 2
    replay = MLP([2, 8, 2], seed=5)
    optimizer = Adam(replay.params, lr=0.02)
    rng = np.random.default_rng(5)
    for _ in range(3):
        for rows in minibatch_indices(len(X), 25, seed=rng):
            loss(replay(X[rows]), Y[rows], averaged[rows])
            replay.backward(loss.backward())
            optimizer.step(replay.grads)
    for name, array in replay.params.items():
        np.testing.assert_array_equal(student.params[name], array)
    # the validation loss it records uses the ensemble's averaged validation logits
    val_averaged = (TEACHERS[0].predict_outputs(X_VAL) + TEACHERS[1].predict_outputs(X_VAL)) / 2
    assert history.val_loss[-1] == loss(student.predict_outputs(X_VAL), Y_VAL, val_averaged)


def test_with_alpha_one_the_student_learns_the_teacher_not_the_labels():
    # the labels are scrambled; a student trained on soft targets alone ignores them
    scrambled = np.random.default_rng(0).permutation(Y)
    student, _ = distill(TEACHERS[0], epochs=60, y=scrambled,
                         loss=DistillationLoss(temperature=2.0, alpha=1.0))
    agreement = np.mean(student.predict(X_VAL) == TEACHERS[0].predict(X_VAL))
    assert agreement > 0.9
    assert np.mean(student.predict(X_VAL) == Y_VAL) > 0.8


def test_float32_student_gets_a_float32_gradient():
    loss = DistillationLoss()
    loss(STUDENT.astype(np.float32), LABELS, TEACHER)
    assert loss.backward().dtype == np.float32


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"temperature": 0.0}, "temperature"),
    ({"temperature": -1.0}, "temperature"),
    ({"temperature": np.inf}, "temperature"),
    ({"alpha": -0.1}, "alpha"),
    ({"alpha": 1.5}, "alpha"),
    ({"alpha": "half"}, "alpha"),
])
def test_bad_hyperparameters_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DistillationLoss(**kwargs)


@pytest.mark.parametrize("student, labels, teacher, message", [
    (STUDENT, LABELS, TEACHER[:, :3], r"teacher_logits has shape \(7, 3\).*\(7, 5\)"),
    (STUDENT, LABELS, TEACHER[:4], r"teacher_logits has shape \(4, 5\)"),
    (STUDENT, LABELS, TEACHER[0], "teacher_logits has shape"),
    (STUDENT, LABELS, np.full((N, K), np.nan), "teacher_logits contains NaN"),
    (STUDENT, LABELS, None, "needs the teacher's logits"),
    (STUDENT, LABELS[:3], TEACHER, "3 labels for 7 rows"),
    (STUDENT, LABELS + K, TEACHER, "label"),
    (STUDENT[0], LABELS, TEACHER, "2-D"),
])
def test_bad_logits_and_labels_are_rejected(student, labels, teacher, message):
    with pytest.raises(ValueError, match=message):
        DistillationLoss()(student, labels, teacher)


def test_fit_checks_the_teacher_against_the_student():
    student = MLP([2, 8, 2], seed=0)
    with pytest.raises(ValueError, match="needs a teacher"):
        fit(student, Adam(student.params), X, Y, epochs=1, batch_size=20,
            loss=DistillationLoss())
    with pytest.raises(ValueError, match="shape"):
        fit(student, Adam(student.params), X, Y, epochs=1, batch_size=20,
            loss=DistillationLoss(), teacher=MLP([2, 4, 3]))


# -- figures -----------------------------------------------------------------------------------
def test_soft_target_figures_draw_the_softmax_at_each_temperature():
    import matplotlib.pyplot as plt

    from optimlib import plot
    logits = np.array([[4.0, 1.0, 0.0], [0.0, 3.0, -2.0]])
    fig = plot.soft_target_gallery(np.zeros((2, 64)), logits, [1, 5], labels=[0, 1])
    assert len(fig.axes) == 2 * 3
    bars = fig.axes[2].patches                       # first image at T = 5
    expected = np.exp(logits[0] / 5) / np.exp(logits[0] / 5).sum()
    np.testing.assert_allclose([bar.get_height() for bar in bars], expected, rtol=1e-12)
    assert bars[0].get_facecolor() != bars[1].get_facecolor()      # the true class stands out
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a 0", "T = 1", "T = 5"]
    _, ax = plt.subplots()
    plot.soft_targets([0.5, 0.5 - 1e-12, 1e-12], ax, log=True)
    assert ax.get_yscale() == "log" and ax.get_ylim()[0] == pytest.approx(1e-8)
    plt.close("all")


@pytest.mark.parametrize("call, message", [
    (lambda plot: plot.soft_targets([0.5, 0.6]), "probabilities"),
    (lambda plot: plot.soft_targets([[0.5, 0.5]]), "probabilities"),
    (lambda plot: plot.soft_targets([0.5, 0.5], label=2), "label"),
    (lambda plot: plot.soft_target_gallery(np.zeros((2, 64)), np.zeros((3, 4)), [1]), "logits"),
    (lambda plot: plot.soft_target_gallery(np.zeros((2, 63)), np.zeros((2, 4)), [1]), "images"),
    (lambda plot: plot.soft_target_gallery(np.zeros((2, 64)), np.zeros((2, 4)), []),
     "temperatures"),
    (lambda plot: plot.soft_target_gallery(np.zeros((2, 64)), np.zeros((2, 4)), [1],
                                           labels=[0]), "labels"),
])
def test_soft_target_figures_reject_bad_input(call, message):
    import matplotlib.pyplot as plt

    from optimlib import plot
    with pytest.raises(ValueError, match=message):
        call(plot)
    plt.close("all")
