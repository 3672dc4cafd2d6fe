"""Sphinx fix for the book's HTML pages (loaded by ``_config.yml``, ``sphinx.local_extensions``).

Every page used to carry some inline ``<script>`` blocks twice: sphinx-thebe's configuration
(so the browser's console said ``Identifier 'THEBE_JS_URL' has already been declared``, and
Thebe's settings were declared twice) and sphinx-togglebutton's selector. The cause is in
Sphinx 7 itself: an extension that calls ``app.add_js_file(None, body=...)`` after the HTML
builder has started (sphinx-thebe does at ``env-before-read-docs``) gets its script into the
builder's list as ``None``, and again, when the builder collects late registrations before
writing, as ``''``; the two compare unequal, so both are written. Sphinx fixed it in 8.2
(sphinx-doc/sphinx#13402); Jupyter Book 1 requires Sphinx 7. Until then, this drops the second
copy of any script that is the same file (or the same inline body) with the same attributes.
"""


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script)
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (filename or "", getattr(script, "priority", None), attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    # after the handlers that add a page's own scripts (myst-nb's, priority 500)
    app.connect("html-page-context", _drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
