"""Tests of the plotting helper added for Chapter 4 (heatmap)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optimlib import plot


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def grid():
    x, y = np.linspace(0.0, 3.0, 4), np.linspace(-1.0, 1.0, 3)
    return x, y, y[:, None] * 10 + x[None, :]


def test_heatmap_colours_every_cell_with_its_value():
    x, y, values = grid()
    _, ax = plt.subplots()
    plot.heatmap(values, x, y, ax=ax, xlabel="a", ylabel="b", title="t", colorbar_label="v")
    mesh = ax.collections[0]
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).reshape(values.shape), values)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("a", "b", "t")
    colorbars = [other for other in ax.figure.axes if other is not ax]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "v"


def test_heatmap_colour_range_defaults_to_the_finite_values_and_can_be_set():
    x, y, values = grid()
    values[1, 2] = np.nan
    _, ax = plt.subplots()
    plot.heatmap(values, x, y, ax=ax)
    assert ax.collections[0].get_clim() == (np.nanmin(values), np.nanmax(values))
    _, ax = plt.subplots()
    plot.heatmap(values, x, y, ax=ax, vmin=0.0, vmax=1.0)
    assert ax.collections[0].get_clim() == (0.0, 1.0)


def test_heatmap_marks_missing_cells_in_gray_with_a_legend_entry():
    x, y, values = grid()
    values[0, :2] = np.nan
    _, ax = plt.subplots()
    plot.heatmap(values, x, y, ax=ax, missing_label="diverges")
    mesh = ax.collections[0]
    assert np.ma.getmaskarray(mesh.get_array()).sum() == 2
    np.testing.assert_allclose(mesh.get_cmap().get_bad(),
                               plt.matplotlib.colors.to_rgba(plot.MISSING_COLOR))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["diverges"]


def test_heatmap_without_missing_cells_adds_no_legend():
    x, y, values = grid()
    _, ax = plt.subplots()
    plot.heatmap(values, x, y, ax=ax, missing_label="diverges")
    assert ax.get_legend() is None


def test_heatmap_draws_contour_lines_at_the_levels():
    x, y, values = grid()
    _, ax = plt.subplots()
    plot.heatmap(values, x, y, ax=ax, levels=[5.0, 0.0])
    contours = [c for c in ax.collections[1:] if hasattr(c, "levels")]
    assert len(contours) == 1
    np.testing.assert_array_equal(contours[0].levels, [0.0, 5.0])


@pytest.mark.parametrize("values, x, y, message", [
    (np.ones((3, 4)), np.ones((2, 2)), np.ones(3), "1-D"),
    (np.ones((4, 3)), np.ones(4), np.ones(3), r"shape \(len\(y\), len\(x\)\) = \(3, 4\)"),
    (np.full((3, 4), np.nan), np.arange(4.0), np.arange(3.0), "no finite entry"),
])
def test_heatmap_rejects_bad_input_with_a_message(values, x, y, message):
    with pytest.raises(ValueError, match=message):
        plot.heatmap(values, x, y)
