"""optimlib: the small numpy library that the book *Optimization for Machine Learning* imports.

One module per idea, each meant to be read:

- :mod:`optimlib.problems`  test objectives with exact gradients and known minimizers
- :mod:`optimlib.data`      data sets, standardization, minibatches
- :mod:`optimlib.optim`     optimizers (``torch.optim`` names and semantics)
- :mod:`optimlib.train`     optimization loops that record what happened
- :mod:`optimlib.gradcheck` finite-difference gradient checking
- :mod:`optimlib.plot`      the book's figures
- :mod:`optimlib.widgets`   interactive explorers (ipywidgets)
- :mod:`optimlib.check`     self-checks for coding exercises
"""

__version__ = "0.1.0"
