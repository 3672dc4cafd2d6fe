"""Figures and widgets: they draw what they say, with titles, labels and legends."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import plot, widgets
from optimlib.data import make_linear_regression
from optimlib.problems import LinearRegression, Quadratic, Rosenbrock
from optimlib.train import minimize


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_every_figure_module_is_reexported_from_plot():
    # the chapters call plot.<name>; each figure lives in a themed module of the package
    import importlib
    import pkgutil
    modules = [info.name for info in pkgutil.iter_modules(plot.__path__)
               if not info.name.startswith("_")]
    assert {"style", "landscapes", "curves", "data"} <= set(modules)
    for name in modules:
        module = importlib.import_module(f"optimlib.plot.{name}")
        for public in module.__all__:     # autodoc documents __all__ on the API page
            assert getattr(plot, public) is getattr(module, public), f"{name}.{public}"
            assert public in plot.__all__, f"{name}.{public}"
    for old_name in ["contour", "trajectory", "loss_curves", "gallery", "heatmap",
                     "MISSING_COLOR", "range_test", "compare_runs", "digit_images",
                     "regression_1d", "compare_scores", "scatter_features"]:
        assert hasattr(plot, old_name)


def test_use_style_sets_colour_and_linestyle_cycle():
    plot.use_style()
    cycle = plt.rcParams["axes.prop_cycle"].by_key()
    assert cycle["color"][:2] == plot.PALETTE[:2]
    assert len(set(map(str, cycle["linestyle"]))) == len(cycle["linestyle"])


def test_contour_labels_window_and_minimizer():
    q = Quadratic.with_condition_number(10.0, minimizer=[0.5, -0.5])
    ax = plot.contour(q, labels=("$a$", "$b$"))
    assert ax.get_xlabel() == "$a$" and ax.get_ylabel() == "$b$"
    assert ax.get_xlim() == pytest.approx((-1.5, 2.5))          # minimizer +- 2
    star = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(star) == 1
    np.testing.assert_allclose(star[0].get_xydata()[0], [0.5, -0.5])


def test_contour_of_a_slice_of_a_three_parameter_problem():
    p = LinearRegression(*make_linear_regression())
    ax = plot.contour(p, dims=(0, 1), xlim=(0, 4), ylim=(1, 5))
    assert ax.get_xlabel() == r"$\theta_1$"
    # a slice away from the optimal bias does not contain the minimizer: no star
    ax2 = plt.figure().gca()
    plot.contour(p, ax2, at=[2.0, 3.0, 0.0], xlim=(0, 4), ylim=(1, 5))
    assert not [line for line in ax2.lines if line.get_marker() == "*"]


def test_rosenbrock_uses_its_plot_range():
    ax = plot.contour(Rosenbrock())
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)


def test_trajectory_skips_non_finite_points():
    ax = plt.figure().gca()
    line = plot.trajectory(ax, [[0.0, 0.0], [1.0, 1.0], [np.inf, np.nan]], label="run")
    assert line.get_xydata().shape == (2, 2)
    assert line.get_label() == "run"


def test_loss_curves_legend_reference_and_log_scale():
    ax = plot.loss_curves({"a": [1.0, 0.1], "b": ([0, 2], [1.0, 0.5])}, reference=0.01,
                          reference_label="floor", title="T")
    assert ax.get_yscale() == "log" and ax.get_title() == "T"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "floor"]
    single = plot.loss_curves({"only": [1.0, 0.5]}, plt.figure().gca(), log=False)
    assert single.get_legend() is None and single.get_yscale() == "linear"


def test_trajectory_gallery_one_panel_per_run_with_titles():
    q = Quadratic.with_condition_number(5.0)
    runs = {f"lr={lr}": minimize(q, [1.0, 1.0], steps=5, lr=lr) for lr in (0.1, 0.5, 1.0, 1.5)}
    fig = plot.trajectory_gallery(q, runs, ncols=3, suptitle="S")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == list(runs)
    assert len(fig.axes) == 6 and fig._suptitle.get_text() == "S"


def test_explorer_redraws_when_a_control_changes():
    calls = []
    slider = widgets.lr_slider(0.1, 1e-3, 1.0)
    box = widgets.explorer(lambda lr: calls.append(lr), lr=slider)
    assert calls == [pytest.approx(0.1)]
    slider.value = 0.5
    assert calls[-1] == pytest.approx(0.5)
    assert box.children[0].children[0] is slider


def test_gd_explorer_builds_and_sliders_are_validated():
    q = Quadratic.with_condition_number(10.0)
    box = widgets.gd_explorer(q, [1.0, 1.0], lr=(0.5, 0.01, 2.2), steps=(10, 1, 50))
    lr, steps = box.children[0].children
    assert lr.value == pytest.approx(0.5) and steps.value == 10
    with pytest.raises(ValueError, match="value"):
        widgets.lr_slider(5.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="low"):
        widgets.lr_slider(0.5, 0.0, 1.0)


def test_optimizer_explorer_passes_mapped_hyperparameters_to_the_optimizer(monkeypatch):
    from optimlib.optim import Adam
    seen = []
    original = widgets.minimize

    def spy(problem, theta0, optimizer, steps, **hyper):
        seen.append((optimizer, steps, hyper))
        return original(problem, theta0, optimizer, steps=steps, **hyper)

    monkeypatch.setattr(widgets, "minimize", spy)
    q = Quadratic.with_condition_number(10.0)
    box = widgets.optimizer_explorer(
        q, [1.0, 1.0], Adam, steps=(5, 1, 10),
        hyperparameters=lambda lr, beta1: dict(lr=lr, betas=(beta1, 0.999)),
        lr=widgets.lr_slider(0.1, 0.01, 1.0), beta1=widgets.float_slider(0.8, 0.0, 0.99, "β1"))
    assert [c.description for c in box.children[0].children] == ["η (lr)", "β1", "steps"]
    assert seen[-1][0] is Adam and seen[-1][1] == 5
    assert seen[-1][2]["betas"] == (pytest.approx(0.8), 0.999)
    box.children[0].children[1].value = 0.5
    assert seen[-1][2]["betas"][0] == pytest.approx(0.5)
