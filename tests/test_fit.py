"""The training loop: against gradient descent on the running example, determinism, divergence,
early stopping, schedulers, the progress bar, learning-curve plots and bad arguments."""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import schedules
from optimlib.data import make_linear_regression, make_moons
from optimlib.nn import MLP, Linear, MSELoss, Sequential
from optimlib.optim import SGD, Adam
from optimlib.plot import decision_boundary, learning_curves
from optimlib.problems import LinearRegression
from optimlib.train import (Callback, DivergenceError, EarlyStopping, History, evaluate, fit,
                            minimize)

X_MOONS, Y_MOONS = make_moons(200, noise=0.2, seed=0)
X_VAL, Y_VAL = make_moons(100, noise=0.2, seed=1)


def moons_run(epochs=5, seed=0, model_seed=0, dropout=0.0, **kwargs):
    model = MLP([2, 16, 2], seed=model_seed, dropout=dropout)
    history = fit(model, Adam(model.params, lr=0.01), X_MOONS, Y_MOONS, epochs=epochs,
                  batch_size=32, validation_data=(X_VAL, Y_VAL), seed=seed, **kwargs)
    return model, history


def without_wall_time(history):
    values = dataclasses.asdict(history)
    del values["wall_time"]
    return values


# -- against gradient descent ------------------------------------------------------------------
def test_full_batch_fit_of_a_linear_model_is_gradient_descent_on_the_running_example():
    X, y = make_linear_regression(noise=0.1)
    model = Sequential(Linear(2, 1))
    model.params["0.weight"][...] = 0.0
    history = fit(model, SGD(model.params, lr=0.1), X, y, epochs=60, batch_size=len(X),
                  loss="mse")
    run = minimize(LinearRegression(X, y), np.zeros(3), steps=60, lr=0.1)
    theta = np.concatenate([model.params["0.weight"].ravel(), model.params["0.bias"]])
    np.testing.assert_allclose(theta, run.thetas[-1], rtol=1e-12)
    # with one batch per epoch the recorded loss is the loss before each step
    np.testing.assert_allclose(history.train_loss, run.losses[:-1], rtol=1e-12)
    assert np.all(np.isnan(history.train_accuracy))           # regression: no accuracy


def test_history_records_one_entry_per_epoch():
    model, history = moons_run(epochs=4)
    assert len(history) == 4 and history.epoch == [1, 2, 3, 4]
    for name in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "wall_time"):
        assert len(getattr(history, name)) == 4
    assert history.lr == [0.01] * 4
    assert all(0 <= a <= 1 for a in history.train_accuracy + history.val_accuracy)
    assert np.all(np.diff(history.wall_time) > 0)
    # the last validation entry is the trained model evaluated on the validation set
    val_loss, val_accuracy = evaluate(model, "cross_entropy", X_VAL, Y_VAL)
    assert history.val_loss[-1] == val_loss
    assert history.val_accuracy[-1] == np.mean(model.predict(X_VAL) == Y_VAL)
    assert not model.training                                  # left in evaluation mode
    assert "val_loss=" in repr(history) and repr(History()) == "History(epochs=0)"


def test_training_loss_of_an_epoch_is_the_average_over_its_minibatches():
    model = MLP([2, 4, 2], seed=0)
    before = model.state_dict()
    history = fit(model, SGD(model.params, lr=0.0), X_MOONS, Y_MOONS, epochs=1, batch_size=32)
    model.load_state_dict(before)                       # lr = 0: the weights never moved
    assert history.train_loss[0] == pytest.approx(evaluate(model, "cross_entropy",
                                                           X_MOONS, Y_MOONS)[0], rel=1e-12)
    assert history.train_accuracy[0] == np.mean(model.predict(X_MOONS) == Y_MOONS)


# -- determinism -------------------------------------------------------------------------------
def test_same_seeds_give_bit_identical_histories_and_weights():
    model_a, history_a = moons_run(dropout=0.2)
    model_b, history_b = moons_run(dropout=0.2)
    assert without_wall_time(history_a) == without_wall_time(history_b)
    for name in model_a.params:
        np.testing.assert_array_equal(model_a.params[name], model_b.params[name])
    _, other_order = moons_run(seed=1)
    _, other_init = moons_run(model_seed=1)
    assert other_order.train_loss != history_a.train_loss
    assert other_init.train_loss != history_a.train_loss


# -- divergence --------------------------------------------------------------------------------
def diverging_fit(**kwargs):
    """Gradient descent on least squares with a step far above 2/L: |error| grows ~1000x a step."""
    X, y = make_linear_regression()
    model = Sequential(Linear(2, 1))
    return fit(model, SGD(model.params, lr=1e3), X, y, epochs=100, batch_size=10, loss="mse",
               **kwargs)


def test_divergence_stops_with_epoch_step_learning_rate_and_advice():
    with pytest.raises(DivergenceError,
                       match=r"at epoch \d+ of 100, minibatch \d+ of 10, with learning rate "
                             r"lr=1000\. Try a smaller learning rate \(e\.g\. lr=100\)"):
        diverging_fit()
    with pytest.raises(DivergenceError, match="standardize the inputs"):
        diverging_fit()


def test_callbacks_end_even_when_training_fails():
    class Recorder(Callback):
        ended = False

        def on_train_end(self, model, history):
            Recorder.ended = True

    with pytest.raises(DivergenceError):
        diverging_fit(callbacks=[Recorder()])
    assert Recorder.ended


# -- early stopping ----------------------------------------------------------------------------
def test_early_stopping_by_hand_and_restores_the_best_weights():
    model = MLP([2, 2], seed=0)
    history = History()
    stopper = EarlyStopping(patience=2)
    stopper.on_train_begin(model, history)
    decisions = []
    for epoch, val_loss in enumerate([3.0, 2.0, 2.5, 2.1], start=1):
        model.params["0.bias"][...] = epoch                # a weight that tells the epoch
        history.append(epoch=epoch, val_loss=val_loss)
        decisions.append(stopper.on_epoch_end(model, history))
    assert decisions == [False, False, False, True]          # 2 epochs without improvement
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (2.0, 2, 4)
    stopper.on_train_end(model, history)
    np.testing.assert_array_equal(model.params["0.bias"], [2.0, 2.0])


def test_early_stopping_on_accuracy_maximizes_and_min_delta_counts():
    model, history = MLP([2, 2], seed=0), History()
    stopper = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05,
                            restore_best=False)
    stopper.on_train_begin(model, history)
    history.append(epoch=1, val_accuracy=0.80)
    assert not stopper.on_epoch_end(model, history)
    history.append(epoch=2, val_accuracy=0.83)                # not better by 0.05
    assert stopper.on_epoch_end(model, history) and stopper.best_epoch == 1


def test_early_stopping_in_fit_stops_and_leaves_the_best_model():
    stopper = EarlyStopping(patience=3)
    model = MLP([2, 64, 64, 2], seed=0)
    # a small training set and many epochs: the validation loss turns up (overfitting)
    history = fit(model, Adam(model.params, lr=0.02), X_MOONS[:40], Y_MOONS[:40], epochs=300,
                  batch_size=8, validation_data=(X_VAL, Y_VAL), callbacks=[stopper])
    assert stopper.stopped_epoch == len(history) < 300
    assert stopper.best_epoch == history.best_epoch("val_loss") == len(history) - 3
    assert evaluate(model, "cross_entropy", X_VAL, Y_VAL)[0] == \
        pytest.approx(min(history.val_loss), rel=1e-12)


# -- schedulers --------------------------------------------------------------------------------
def test_epoch_schedulers_are_stepped_once_per_epoch():
    model = MLP([2, 8, 2], seed=0)
    opt = Adam(model.params, lr=0.1)
    history = fit(model, opt, X_MOONS, Y_MOONS, epochs=5, batch_size=50,
                  scheduler=schedules.StepLR(opt, step_size=2, gamma=0.5))
    assert history.lr == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_plateau_scheduler_is_stepped_with_the_validation_loss():
    class Recording(schedules.ReduceLROnPlateau):
        seen = []

        def step(self, metric):
            self.seen.append(metric)
            super().step(metric)

    model = MLP([2, 8, 2], seed=0)
    opt = Adam(model.params, lr=0.01)
    history = fit(model, opt, X_MOONS, Y_MOONS, epochs=4, batch_size=50,
                  validation_data=(X_VAL, Y_VAL), scheduler=Recording(opt, patience=0))
    assert Recording.seen == history.val_loss


def test_one_cycle_is_stepped_once_per_minibatch():
    model = MLP([2, 8, 2], seed=0)
    opt = Adam(model.params, lr=0.01)
    steps_per_epoch = 4                                     # 200 samples, batches of 50
    sched = schedules.OneCycleLR(opt, max_lr=0.05, epochs=3, steps_per_epoch=steps_per_epoch)
    history = fit(model, opt, X_MOONS, Y_MOONS, epochs=3, batch_size=50, scheduler=sched)
    assert sched.last_epoch == 3 * steps_per_epoch
    expected = [schedules.one_cycle_lr(e * steps_per_epoch, 0.05, 12) for e in range(3)]
    np.testing.assert_allclose(history.lr, expected, rtol=1e-12)


def test_warmup_then_cosine_is_stepped_per_minibatch_when_asked():
    model = MLP([2, 8, 2], seed=0)
    opt = Adam(model.params, lr=0.04)
    warmup = schedules.LinearLR(opt, start_factor=0.25, total_iters=4)   # one epoch
    decay = schedules.CosineAnnealingLR(opt, T_max=8)                     # two epochs
    sched = schedules.SequentialLR(opt, [warmup, decay], milestones=[4])
    history = fit(model, opt, X_MOONS, Y_MOONS, epochs=3, batch_size=50, scheduler=sched,
                  scheduler_interval="step")
    assert sched.last_epoch == 12                             # 3 epochs of 4 minibatches
    # the rate at the start of each epoch: step 0 (warmup start), 4 and 8 (cosine 0 and 4)
    np.testing.assert_allclose(history.lr, [0.01, 0.04, 0.02], rtol=1e-12)
    assert opt.lr == pytest.approx(0.0, abs=1e-15)            # cosine ends at eta_min = 0


def test_one_cycle_can_be_stepped_per_epoch_and_others_per_step():
    model = MLP([2, 8, 2], seed=0)
    opt = Adam(model.params, lr=0.1)
    sched = schedules.StepLR(opt, step_size=2, gamma=0.5)
    fit(model, opt, X_MOONS, Y_MOONS, epochs=2, batch_size=50, scheduler=sched,
        scheduler_interval="step")
    assert sched.last_epoch == 8 and opt.lr == pytest.approx(0.1 * 0.5 ** 4)
    opt = Adam(model.params, lr=0.1)
    sched = schedules.OneCycleLR(opt, max_lr=0.05, total_steps=3)
    fit(model, opt, X_MOONS, Y_MOONS, epochs=3, batch_size=50, scheduler=sched,
        scheduler_interval="epoch")
    assert sched.last_epoch == 3


# -- progress bar ------------------------------------------------------------------------------
def test_progress_bar_only_when_asked(capsys):
    moons_run(epochs=2)
    assert capsys.readouterr().err == ""
    moons_run(epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "epoch" in err and "val_loss" in err


# -- plots -------------------------------------------------------------------------------------
def test_learning_curves_draw_training_validation_and_marker():
    _, history = moons_run(epochs=3)
    loss_ax, accuracy_ax = learning_curves(history, mark_epoch=2, log=True)
    np.testing.assert_array_equal(loss_ax.get_lines()[0].get_ydata(), history.train_loss)
    np.testing.assert_array_equal(loss_ax.get_lines()[1].get_ydata(), history.val_loss)
    assert loss_ax.get_yscale() == "log" and accuracy_ax.get_ylabel() == "accuracy"
    X, y = make_linear_regression(n_samples=20)
    model = Sequential(Linear(2, 1))
    regression = fit(model, SGD(model.params, lr=0.1), X, y, epochs=2, batch_size=5,
                     loss=MSELoss())
    assert len(learning_curves(regression)) == 1               # no accuracy panel
    with pytest.raises(ValueError, match="needs 2 axes"):
        learning_curves(history, axes=[loss_ax])


def test_decision_boundary_colours_the_predicted_classes():
    model, _ = moons_run(epochs=20)
    _, ax = plt.subplots()
    ax = decision_boundary(model, X_MOONS, Y_MOONS, ax=ax, resolution=30, title="moons")
    assert ax.get_title() == "moons" and len(ax.get_legend().get_texts()) == 2
    with pytest.raises(ValueError, match="shape"):
        decision_boundary(model, np.ones((3, 3)), [0, 1, 0])


# -- bad arguments -----------------------------------------------------------------------------
@pytest.mark.parametrize("change, message", [
    (dict(epochs=0), "epochs"),
    (dict(batch_size=0), "batch_size"),
    (dict(batch_size=201), r"batch_size.*\[1, 200\]"),
    (dict(X=np.ones((200, 3))), "X has 3 columns, but the model expects 2"),
    (dict(X=np.full((200, 2), np.nan)), "X contains NaN"),
    (dict(y=np.full(200, 2)), r"y: targets has label 2 at index 0.*\[0, 1\]"),
    (dict(y=np.zeros(199, dtype=int)), "y: targets has 199 labels for 200 rows"),
    (dict(validation_data=X_VAL), "pair"),
    (dict(validation_data=(X_VAL[:, :1], Y_VAL)), "X_val has 1 columns"),
    (dict(validation_data=(X_VAL, Y_VAL + 5)), "y_val"),
    (dict(loss="hinge"), "loss"),
    (dict(callbacks=[EarlyStopping()]), "validation_data"),
])
def test_bad_arguments_are_rejected(change, message):
    model = MLP([2, 4, 2], seed=0)
    arguments = dict(X=X_MOONS, y=Y_MOONS, epochs=2, batch_size=32)
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        fit(model, Adam(model.params), **arguments)


def test_scheduler_must_belong_to_the_optimizer_and_plateau_needs_validation():
    model = MLP([2, 4, 2], seed=0)
    opt = Adam(model.params)
    other = schedules.StepLR(Adam(MLP([2, 4, 2]).params), step_size=1)
    with pytest.raises(ValueError, match="built on the optimizer"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32, scheduler=other)
    with pytest.raises(ValueError, match="pass validation_data"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32,
            scheduler=schedules.ReduceLROnPlateau(opt))
    with pytest.raises(ValueError, match="must be 'epoch'"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32,
            validation_data=(X_VAL, Y_VAL), scheduler=schedules.ReduceLROnPlateau(opt),
            scheduler_interval="step")
    with pytest.raises(ValueError, match="scheduler_interval"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32,
            scheduler=schedules.StepLR(opt, 1), scheduler_interval="batch")


@pytest.mark.parametrize("make, message", [
    (lambda: EarlyStopping(monitor="loss"), "monitor"),
    (lambda: EarlyStopping(patience=0), "patience"),
    (lambda: EarlyStopping(min_delta=-1), "min_delta"),
    (lambda: History().best_epoch("val_loss"), "no val_loss"),
])
def test_bad_callback_arguments_are_rejected(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# -- per-step hooks and a teacher --------------------------------------------------------------
class StepRecorder(Callback):
    """Records the step numbers and what the parameters look like around each step."""

    def __init__(self, freeze=None):
        self.freeze, self.calls = freeze, []

    def on_step_begin(self, model, step):
        self.calls.append(("begin", step, model.params["0.weight"].copy()))
        if self.freeze is not None:                 # this entry's gradient is masked
            model.grads["0.weight"][self.freeze] = 0.0

    def on_step_end(self, model, step):
        self.calls.append(("end", step, model.params["0.weight"].copy()))


def test_step_hooks_bracket_every_optimizer_step_and_count_steps_across_epochs():
    recorder = StepRecorder()
    moons_run(epochs=2, callbacks=[recorder])
    steps_per_epoch = -(-len(X_MOONS) // 32)
    kinds = [kind for kind, _, _ in recorder.calls]
    assert kinds == ["begin", "end"] * (2 * steps_per_epoch)
    steps = [step for _, step, _ in recorder.calls]
    assert steps[::2] == steps[1::2] == list(range(1, 2 * steps_per_epoch + 1))
    # the optimizer step happens between the two hooks (and nothing else changes the weights)
    for (_, _, before), (_, _, after) in zip(recorder.calls[::2], recorder.calls[1::2]):
        assert not np.array_equal(before, after)
    for (_, _, after), (_, _, before) in zip(recorder.calls[1::2], recorder.calls[2::2]):
        np.testing.assert_array_equal(after, before)


def test_a_gradient_masked_in_on_step_begin_leaves_its_weight_unchanged_under_sgd():
    model = MLP([2, 16, 2], seed=0)
    frozen = model.params["0.weight"][0, 3]
    fit(model, SGD(model.params, lr=0.1, momentum=0.9), X_MOONS, Y_MOONS, epochs=3,
        batch_size=32, callbacks=[StepRecorder(freeze=(0, 3))])
    assert model.params["0.weight"][0, 3] == frozen


class MatchTeacher(MSELoss):
    """A toy distillation loss: the squared distance to the teacher's logits."""

    takes_teacher_logits = True

    def forward(self, outputs, targets, teacher_logits):
        self.seen = teacher_logits
        return super().forward(outputs, teacher_logits)

    def check_targets(self, targets, shape):
        return np.asarray(targets)


def test_fit_with_a_teacher_passes_its_logits_row_by_row_and_never_changes_it():
    teachers = [MLP([2, 8, 2], seed=s) for s in (1, 2)]
    saved = [t.state_dict() for t in teachers]
    student = MLP([2, 32, 2], seed=0)
    target = (teachers[0].predict_outputs(X_MOONS) + teachers[1].predict_outputs(X_MOONS)) / 2
    before = np.mean((student.predict_outputs(X_MOONS) - target) ** 2)
    loss = MatchTeacher()
    history = fit(student, Adam(student.params, lr=0.01), X_MOONS, Y_MOONS, epochs=40,
                  batch_size=len(X_MOONS), loss=loss, teacher=teachers,
                  validation_data=(X_VAL, Y_VAL))
    np.testing.assert_array_equal(loss.seen, (teachers[0].predict_outputs(X_VAL)
                                              + teachers[1].predict_outputs(X_VAL)) / 2)
    after = np.mean((student.predict_outputs(X_MOONS) - target) ** 2)
    assert after < before / 10
    assert history.train_loss[-1] < history.train_loss[0] / 5
    for teacher, state in zip(teachers, saved):
        for name, array in teacher.params.items():
            np.testing.assert_array_equal(array, state[name])


def test_a_teacher_needs_a_loss_that_takes_its_logits_and_the_same_number_of_classes():
    model = MLP([2, 8, 2], seed=0)
    opt = SGD(model.params, lr=0.1)
    with pytest.raises(ValueError, match="does not take a teacher"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32, teacher=MLP([2, 4, 2]))
    with pytest.raises(ValueError, match="needs a teacher"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32, loss=MatchTeacher())
    with pytest.raises(ValueError, match="shape"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32, loss=MatchTeacher(),
            teacher=MLP([2, 4, 3]))
    with pytest.raises(ValueError, match="teacher must be a model"):
        fit(model, opt, X_MOONS, Y_MOONS, epochs=1, batch_size=32, loss=MatchTeacher(),
            teacher=[])


def test_fit_trains_an_optimizer_with_parameter_groups_and_logs_the_first_groups_rate():
    # two rates as torch writes them (one optimizer, two groups) give the same weights, bit for
    # bit, as two optimizers stepped together; History.lr is param_groups[0]["lr"]
    from optimlib.transfer import ExtraOptimizer, params_of
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 8)), rng.integers(0, 5, 40)

    def train(groups):
        model = MLP([8, 16, 16, 5], seed=1)
        head, body = params_of(model, -1), params_of(model, slice(None, -1))
        if groups:
            optimizer, callbacks = Adam([{"params": head}, {"params": body, "lr": 1e-3}],
                                        lr=1e-2), []
        else:
            optimizer, callbacks = Adam(head, lr=1e-2), [ExtraOptimizer(Adam(body, lr=1e-3))]
        history = fit(model, optimizer, X, y, epochs=3, batch_size=8, seed=0,
                      callbacks=callbacks)
        return model, history

    (grouped, history), (separate, _) = train(True), train(False)
    assert history.lr == [1e-2, 1e-2, 1e-2]
    for name in grouped.params:
        np.testing.assert_array_equal(grouped.params[name], separate.params[name])


def test_divergence_message_names_every_groups_rate():
    X, y = make_linear_regression()
    model = Sequential(Linear(2, 1))
    optimizer = SGD([{"params": {"0.weight": model.params["0.weight"]}},
                     {"params": {"0.bias": model.params["0.bias"]}, "lr": 2e3}], lr=1e3)
    with pytest.raises(DivergenceError, match=r"the groups' learning rates=1000, 2000\. Try a "
                                              r"smaller learning rate \(e\.g\. lr=100, 200\)"):
        fit(model, optimizer, X, y, epochs=100, batch_size=10, loss="mse")
