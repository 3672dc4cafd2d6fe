"""optimlib: the small numpy library that the book *Optimization for Machine Learning* imports.

One module per idea, each meant to be read:

- :mod:`optimlib.problems`  test objectives with exact gradients and known minimizers
- :mod:`optimlib.data`      data sets (synthetic, and the UCI digits shipped in the package),
  splits, k-fold, standardization, minibatches, augmentation
- :mod:`optimlib.optim`     optimizers (``torch.optim`` names and semantics), iterate
  averaging (``torch.optim.swa_utils``)
- :mod:`optimlib.linesearch` Armijo backtracking line search, gradient descent with it
- :mod:`optimlib.stochastic` stochastic gradients on a finite sum: the gradient noise scale,
  the exact expected loss of SGD on least squares, SVRG
- :mod:`optimlib.schedules` learning-rate schedules (``torch.optim.lr_scheduler`` semantics),
  the learning-rate range test
- :mod:`optimlib.nn`        layers with forward/backward (dense and convolutional), losses, an MLP
- :mod:`optimlib.train`     optimization loops that record what happened: ``minimize`` for
  test problems, ``fit`` for models (callbacks, early stopping, divergence detection)
- :mod:`optimlib.metrics`   accuracy, precision, recall, F1, confusion matrix (scikit-learn's
  semantics); ROC and precision-recall curves, calibration curves, Brier score
- :mod:`optimlib.stats`     runs over seeds, mean ± standard error, paired differences,
  exact sign and McNemar tests, the corrected resampled t-test, bootstrap intervals
- :mod:`optimlib.selection` cross-validation (repeated, nested) that trains a fresh model per
  fold, grid search
- :mod:`optimlib.calibration` temperature scaling fitted by the book's optimizers
- :mod:`optimlib.tuning`    hyperparameter search with Optuna's interface: grid, random and
  Bayesian optimization (Gaussian process, expected improvement), successive halving and
  Hyperband pruners
- :mod:`optimlib.prune`     pruning: masks (``torch.nn.utils.prune``'s semantics), training
  that keeps pruned weights at zero, sparsity reports, gradual schedules, compaction,
  lottery tickets
- :mod:`optimlib.distill`   knowledge distillation: the loss of a student taught by a teacher
- :mod:`optimlib.transfer`  transfer learning: freezing layers, a new head, two learning rates,
  measuring features
- :mod:`optimlib.multitask` multi-task learning: a shared trunk with one head per task, the
  weighted loss, the cosine between the tasks' gradients
- :mod:`optimlib.adversarial` adversarial examples (FGSM, PGD) and adversarial training
  through ``fit``
- :mod:`optimlib.gradcheck` finite-difference gradient checking
- :mod:`optimlib.plot`      the book's figures
- :mod:`optimlib.widgets`   interactive explorers (ipywidgets)
- :mod:`optimlib.check`     self-checks for coding exercises
- :mod:`optimlib.book`      helpers for the book's notebooks (numbers glued into the prose)
"""

__version__ = "0.1.0"
