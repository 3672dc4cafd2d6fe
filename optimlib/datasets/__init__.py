"""Data files shipped inside optimlib (no downloads); see README.md and LICENSE in this folder.

Load them through :mod:`optimlib.data`, e.g. :func:`optimlib.data.load_digits`.
"""
