"""The kernel-free explorer: frames drawn in advance behind plain HTML sliders.

What the static page relies on: one frame per combination of slider positions, each the figure
that the drawing function makes for those values, inside HTML that needs no network (no
external URL anywhere), of bounded size, with a script that shows the right frame.
"""

import base64
import io
import json
import math
import re
import shutil
import subprocess

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from optimlib import widgets
from optimlib.problems import Quadratic


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def draw_line(slope, offset, color="C0"):
    """A figure whose pixels depend visibly on both arguments."""
    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 1, 50)
    ax.plot(x, slope * x + offset, color=color, linewidth=3)
    ax.set_ylim(-3, 3)
    ax.set_title(f"slope {slope}, offset {offset}")


GRIDS = {"slope": [-2.0, 0.0, 2.0], "offset": [-1.0, 1.0]}


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def direct_render(slope, offset, dpi=72):
    """The figure of draw_line, rendered here at full colour without the explorer."""
    draw_line(slope, offset)
    buffer = io.BytesIO()
    plt.gcf().savefig(buffer, format="png", dpi=dpi)
    plt.close("all")
    return pixels(buffer.getvalue())


def viewer_data(html):
    payload = re.search(r'<script type="application/json">(.*?)</script>', html, re.S)
    return json.loads(payload.group(1).replace("<\\/", "</"))


@pytest.fixture(scope="module")
def viewer():
    return widgets.precomputed_explorer(draw_line, **GRIDS, labels={"slope": "a"},
                                        start={"offset": 1.0})


def test_one_frame_per_grid_point_and_one_range_slider_per_grid(viewer):
    html = viewer.html()
    data = viewer_data(html)
    assert len(viewer.frames) == len(data["frames"]) == 3 * 2
    assert [base64.b64decode(f) for f in data["frames"]] == viewer.frames
    ranges = re.findall(r'<input type="range" min="0" max="(\d+)" step="1" value="(\d+)"', html)
    assert ranges == [("2", "0"), ("1", "1")]          # start: slope -2 (first), offset 1
    assert data["labels"] == [["-2", "0", "2"], ["-1", "1"]]
    assert data["names"] == ["a", "offset"]             # the label replaces the name
    # the image shown before any script runs is the start frame
    first = re.search(r'<img src="data:image/png;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(first) == viewer.frame(slope=-2.0, offset=1.0)


def test_each_frame_is_the_figure_that_draw_makes_for_its_values(viewer):
    # compare with a direct full-colour rendering: the frame of (slope, offset) is close to
    # the figure drawn with those values, and far from the figure of any other grid point
    combos = [(s, o) for s in GRIDS["slope"] for o in GRIDS["offset"]]
    direct = {combo: direct_render(*combo) for combo in combos}
    for k, combo in enumerate(combos):                   # product order, last varies fastest
        frame = pixels(viewer.frames[k])
        assert frame.shape == direct[combo].shape == (3 * 72, 4 * 72, 3)
        own = np.abs(frame - direct[combo]).mean()
        others = [np.abs(frame - direct[other]).mean() for other in combos if other != combo]
        assert own < 1.0, combo                          # palette rounding only
        assert own < min(others) / 3, combo
        assert viewer.index(slope=combo[0], offset=combo[1]) == k


def test_the_viewer_needs_no_network(viewer):
    html = viewer.html()
    data = viewer_data(html)
    # the markup and code, without the images' base64 text (whose letters can spell "//")
    code = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:", html)
    for frame in data["frames"]:
        code = code.replace(frame, "")
    assert len(code) < 4000
    assert not re.search(r"https?:|//[a-z]|ftp:|\bimport\b|<link|<iframe|fetch\(|XMLHttp",
                         code, flags=re.I)
    sources = re.findall(r'\bsrc="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert html.count("<script") == 2                 # the frames (JSON) and the viewer code
    assert "require(" not in html and "jupyter-widgets" not in html


def test_sizes_are_bounded():
    viewer = widgets.precomputed_explorer(draw_line, slope=[0.0, 1.0], offset=0.0, dpi=50,
                                          colors=16)
    assert Image.open(io.BytesIO(viewer.frames[0])).size == (200, 150)
    assert viewer.nbytes == len(viewer.html().encode()) < 30_000
    assert repr(viewer) == "<PrecomputedExplorer (slope: 2): 2 frames>"
    with pytest.raises(ValueError, match="max_bytes"):
        widgets.precomputed_explorer(draw_line, slope=[0.0, 1.0], offset=0.0, max_bytes=1000)
    with pytest.raises(ValueError, match="max_frames"):
        widgets.precomputed_explorer(draw_line, slope=list(range(8)),
                                     offset=list(range(8)), max_frames=60)


def test_the_palette_makes_frames_smaller_than_full_colour():
    q = Quadratic.with_condition_number(10.0)
    draw = widgets.optimizer_figure(q, [1.0, 1.0])
    palette = widgets.precomputed_explorer(draw, lr=[0.1, 0.5], steps=20)
    full = widgets.precomputed_explorer(draw, lr=[0.1, 0.5], steps=20, colors=None)
    assert sum(map(len, palette.frames)) < 0.6 * sum(map(len, full.frames))
    assert "fixed: steps = 20" in palette.html()


def test_fixed_values_booleans_and_menu_entries():
    seen = []

    def draw(kind, flag, size):
        seen.append((kind, flag, size))
        plt.figure(figsize=(2, 1))

    viewer = widgets.precomputed_explorer(draw, kind=["step", "cosine"], flag=[False, True],
                                          size=3, dpi=30)
    assert seen == [("step", False, 3), ("step", True, 3), ("cosine", False, 3),
                    ("cosine", True, 3)]
    assert viewer_data(viewer.html())["labels"] == [["step", "cosine"], ["False", "True"]]
    assert plt.get_fignums() == []                     # every frame's figure is closed


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="at least one grid"):
        widgets.precomputed_explorer(draw_line, slope=1.0, offset=0.0)
    with pytest.raises(ValueError, match="at least two positions"):
        widgets.precomputed_explorer(draw_line, slope=[1.0], offset=0.0)
    with pytest.raises(ValueError, match="repeats"):
        widgets.precomputed_explorer(draw_line, slope=[1.0, 1.0], offset=0.0)
    with pytest.raises(ValueError, match="start"):
        widgets.precomputed_explorer(draw_line, slope=[1.0, 2.0], offset=0.0,
                                     start={"slope": 3.0})
    with pytest.raises(ValueError, match="labels"):
        widgets.precomputed_explorer(draw_line, slope=[1.0, 2.0], offset=0.0,
                                     labels={"slop": "a"})
    with pytest.raises(ValueError, match="no matplotlib figure"):
        widgets.precomputed_explorer(lambda a: None, a=[1, 2])
    with pytest.raises(ValueError, match="dpi"):
        widgets.precomputed_explorer(draw_line, slope=[1.0, 2.0], offset=0.0, dpi=0)
    with pytest.raises(ValueError, match="draw"):
        widgets.precomputed_explorer("draw", slope=[1.0, 2.0])


def test_log_grid_is_rounded_and_spans_the_range():
    grid = widgets.log_grid(1e-3, 0.65, 16)
    assert grid[0] == 0.001 and grid[-1] == 0.65 and len(grid) == 16
    assert all(float(f"{v:.3g}") == v for v in grid)
    assert np.all(np.diff(grid) > 0)
    ratios = np.diff(np.log(grid))
    assert ratios.max() - ratios.min() < 0.01            # evenly spaced on a log scale
    with pytest.raises(ValueError, match="low"):
        widgets.log_grid(0.0, 1.0, 5)


# The viewer's script, run in Node.js against a minimal stand-in for the page's elements:
# moving the sliders shows the frame of their positions.
NODE_HARNESS = r"""
const fs = require('fs');
const html = fs.readFileSync(0, 'utf8');
const json = html.match(/<script type="application\/json">([\s\S]*?)<\/script>/)[1];
const code = html.match(/<script>([\s\S]*?)<\/script>/)[1];
const maxima = [...html.matchAll(/type="range" min="0" max="(\d+)" step="1" value="(\d+)"/g)];
const inputs = maxima.map(m => ({value: m[2], listeners: [],
  addEventListener(type, f) { if (type === 'input') this.listeners.push(f); }}));
const outputs = inputs.map(() => ({textContent: ''}));
const img = {src: '', alt: ''};
const root = {querySelector(sel) { return sel === 'img' ? img : {textContent: json}; },
              querySelectorAll(sel) { return sel === 'output' ? outputs : inputs; }};
global.document = {currentScript: {parentElement: root}};
eval(code);
const seen = [];
for (const [i, j] of JSON.parse(process.argv[1])) {
  inputs[0].value = String(i); inputs[1].value = String(j);
  inputs[1].listeners.forEach(f => f());
  seen.push({src: img.src, alt: img.alt, shown: outputs.map(o => o.textContent)});
}
process.stdout.write(JSON.stringify(seen));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the script")
def test_the_script_shows_the_frame_of_the_slider_positions(viewer):
    positions = [[0, 0], [2, 1], [1, 0], [2, 0]]
    result = subprocess.run(["node", "-e", NODE_HARNESS, json.dumps(positions)],
                            input=viewer.html(), capture_output=True, text=True, check=True)
    seen = json.loads(result.stdout)
    for (i, j), shown in zip(positions, seen):
        slope, offset = GRIDS["slope"][i], GRIDS["offset"][j]
        expected = base64.b64encode(viewer.frame(slope=slope, offset=offset)).decode()
        assert shown["src"] == "data:image/png;base64," + expected
        assert shown["shown"] == [f"{slope:.3g}", f"{offset:.3g}"]
        assert shown["alt"] == f"figure for a = {slope:.3g}, offset = {offset:.3g}"
    assert math.prod(len(g) for g in GRIDS.values()) == len(viewer.frames)
