"""The published site builds from scratch with every notebook re-executed and no warning, and
every formula on it is typeset.

The build is the same command as the README's build command, plus ``-W -n --keep-going`` so
that a broken reference, a missing citation or a failing cell fails the test. ``_config.yml``
sets ``execute_notebooks: force``, so no cached output can hide a change to optimlib. The site
is built once per test session (the ``built_site`` fixture) and every check below reads it.

A clean build is not enough for the math: a line of TeX that the Markdown parser takes apart
(a ``$`` block glued to the line above, a ``-`` at the start of a line inside ``$...$``) builds
without a warning and shows the reader raw TeX. Typeset math reaches the HTML inside a math
container (``<span class="math">\\(...\\)</span>``, ``<div class="math">\\[...\\]</div>``), so a
``$`` left in the visible text outside code is such a failure.
"""

import re
import shutil
import subprocess
import sys
from bisect import bisect_right
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def built_site():
    """Build the book once, from a clean ``_build``; return the completed process."""
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--all", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT,
    )


def test_book_builds_from_clean_build_dir_without_warnings(built_site):
    log = built_site.stdout + built_site.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line and "TCP" not in line]
    assert built_site.returncode == 0, ("book build failed:\n"
                                        + "\n".join(warnings or log.splitlines()[-40:]))
    assert (HTML / "index.html").exists()
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        page = HTML / "chapters" / f"{notebook.stem}.html"
        assert page.exists(), f"no page was built for {notebook.name}"


def test_built_pages_show_no_raw_tex(built_site):
    assert (HTML / "index.html").exists(), "the book was not built"
    found = pages_with_stray_dollars(HTML)
    report = [f"{page}:{line}: ...{snippet}..." for page, hits in found.items()
              for line, snippet in hits]
    assert not found, ("a literal $ in the text of a built page (math the parser did not "
                       "recognise; [math] and [code] stand for the typeset math and code):\n"
                       + "\n".join(report))


# -- the check, and its own tests on small pieces of HTML ------------------------------------

#: elements whose text is code, not prose (``pre`` is also the class of Sphinx's code tokens,
#: e.g. the default values in a function signature); ``math`` holds what MathJax typesets
_CODE_TAGS = {"code", "pre", "kbd", "samp", "textarea", "script", "style"}
_CODE_CLASSES = {"pre", "highlight"}
_MATH_CLASSES = {"math"}
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
              "param", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    """The text of a page outside code and math, with ``[code]``/``[math]`` where they were."""

    def __init__(self):
        super().__init__(convert_charrefs=True)          # &#36; is a $ as well
        self.open = []                                    # (tag, placeholder or None)
        self.chunks, self.starts, self.lines = [], [], []
        self.length = 0

    def _emit(self, text):
        self.starts.append(self.length)
        self.lines.append(self.getpos()[0])
        self.chunks.append(text)
        self.length += len(text)

    def _hidden(self):
        return any(placeholder for _, placeholder in self.open)

    def handle_starttag(self, tag, attrs):
        if tag in _VOID_TAGS:
            return
        classes = set((dict(attrs).get("class") or "").split())
        placeholder = ("[math]" if classes & _MATH_CLASSES else
                       "[code]" if tag in _CODE_TAGS or classes & _CODE_CLASSES else None)
        if placeholder and not self._hidden() and tag not in ("script", "style"):
            self._emit(placeholder)
        self.open.append((tag, placeholder))

    def handle_startendtag(self, tag, attrs):
        pass                                              # <br/>, <img/>: no text inside

    def handle_endtag(self, tag):
        names = [name for name, _ in self.open]
        if tag in names:                                  # close it and anything left open in it
            del self.open[len(names) - 1 - names[::-1].index(tag):]

    def handle_data(self, data):
        if not self._hidden():
            self._emit(data)


def stray_dollars(html, context=50):
    """Each ``$`` in the visible text of ``html`` outside code and math, as ``(line, snippet)``.

    ``line`` is the line of the HTML source, ``snippet`` the text around the ``$`` with
    whitespace collapsed, ``[math]`` and ``[code]`` standing for what was skipped.
    """
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.chunks)
    hits = []
    for match in re.finditer(r"\$", text):
        line = parser.lines[bisect_right(parser.starts, match.start()) - 1]
        around = text[max(0, match.start() - context):match.end() + context]
        hits.append((line, " ".join(around.split())))
    return hits


def pages_with_stray_dollars(html_root):
    """``{page: stray_dollars(page)}`` for every built page under ``html_root`` that has any."""
    html_root = Path(html_root)
    found = {}
    for page in sorted(html_root.rglob("*.html")):
        relative = page.relative_to(html_root)
        if relative.parts[0] in ("_static", "_sources", "_images"):
            continue
        hits = stray_dollars(page.read_text(encoding="utf-8"))
        if hits:
            found[str(relative)] = hits
    return found


def test_a_dollar_left_in_prose_is_found():
    # what Solution 1.1 looked like: "- \bar y = 0$" started a list item inside $...$
    html = ('<p>Set the derivative to zero:</p>\n<ul><li><p>\\bar y = 0'
            '<span class="math notranslate nohighlight">\\(, so the model predicts \\)</span>'
            '\\bar x$. This holds</p></li></ul>')
    hits = stray_dollars(html)
    assert [line for line, _ in hits] == [2]
    assert "\\bar x$. This holds" in hits[0][1] and "[math]" in hits[0][1]
    assert len(stray_dollars("<p>costs &#36;5 and $x$</p>")) == 3


def test_dollars_in_code_scripts_and_signatures_are_not_prose():
    html = """<html><head><style>a::after { content: "$"; }</style>
    <script>var price = "$1"; if (a < b) { $("x"); }</script></head><body>
    <pre>ax.set_xlabel("step $t$")</pre>
    <div class="highlight"><pre><span class="s2">"$\\eta$"</span></pre></div>
    <p>The label <code class="docutils literal notranslate"><span class="pre">"$y$"</span></code>
    is drawn<br>by matplotlib <kbd>$</kbd>.</p>
    <dt class="sig"><em class="sig-param"><span class="pre">xlabel='iteration</span>
    <span class="pre">$t$'</span></em></dt>
    <script type="application/vnd.jupyter.widget-state+json">{"v": "$x$"}</script>
    </body></html>"""
    assert stray_dollars(html) == []


def test_typeset_math_passes_and_the_text_after_it_is_still_read():
    html = ('<p>Rate <span class="math notranslate nohighlight">\\(\\eta\\)</span>.</p>'
            '<div class="math notranslate nohighlight">\n\\[\\theta_{t+1} = \\theta_t\\]\n</div>'
            '<p>Cost <span class="math notranslate nohighlight">\\(\\text{in \\$}\\)</span>'
            ' and <code>a<br>b</code> then <img src="x.png" alt="$"/> text</p>')
    assert stray_dollars(html) == []
    assert len(stray_dollars(html + '<p>and $x$ left raw</p>')) == 2
    assert len(stray_dollars('<div class="math"><span>\\(a\\)</span></div> $')) == 1
