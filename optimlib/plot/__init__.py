"""Figures used by the chapters: contours with trajectories, loss curves, small multiples.

Colours are the Okabe–Ito palette (distinguishable with colour-vision deficiency) and every
colour comes with its own line style, so curves stay distinguishable in grayscale.
Call :func:`~optimlib.plot.style.use_style` once at the top of a notebook.

Every figure is importable from here (``from optimlib import plot; plot.contour(...)``);
each lives in the module of its theme:

- :mod:`optimlib.plot.style`       colours, line styles, markers, the book's matplotlib
  defaults and the grid of small multiples that every other module uses
- :mod:`optimlib.plot.landscapes`  parameter space: contours of a loss, optimization paths on
  them, parameters against the iteration, heatmaps over two hyperparameters
- :mod:`optimlib.plot.curves`      what a run measured: loss, learning and validation curves,
  the learning-rate range test, scores of repeated runs
- :mod:`optimlib.plot.data`        data space: samples, images, fitted curves, decision
  boundaries
- :mod:`optimlib.plot.distillation` a teacher's soft targets at several temperatures
- :mod:`optimlib.plot.pruning`     pruned networks: weight histograms, accuracy against
  compression, which input connections survive
- :mod:`optimlib.plot.evaluation`  confusion matrices, ROC and precision-recall curves with a
  threshold's operating point, reliability diagrams
- :mod:`optimlib.plot.tuning`      hyperparameter search: grid and random designs, Gaussian
  process posteriors and expected improvement, best-so-far curves, pruned learning curves,
  Pareto fronts
- :mod:`optimlib.plot.adversarial` adversarial examples: the perturbation and the model's
  probabilities, small multiples over the attack's radius
- :mod:`optimlib.plot.multitask`   the cosine between two tasks' gradients on a shared trunk

A new chapter whose figures fit none of these themes gets a module of its own (e.g.
``optimlib/plot/pruning.py``, with an ``__all__``), re-exported below like the others and
documented on the API page.
"""

from . import curves, data, distillation, evaluation, landscapes, pruning, style, tuning
from . import adversarial, multitask
from .adversarial import adversarial_example, adversarial_gallery
from .curves import (compare_scores, curves_with_bounds, finite_difference_errors,
                     history_gallery, learning_curves, loss_curves, range_test,
                     validation_curve)
from .data import decision_boundary, digit_images, regression_1d, scatter_features
from .distillation import soft_target_gallery, soft_targets
from .evaluation import (confusion_matrix_heatmap, reliability_diagram, roc_pr_curves,
                         threshold_gallery, threshold_view)
from .landscapes import (MISSING_COLOR, compare_runs, contour, heatmap, parameter_paths,
                         trajectory, trajectory_gallery)
from .multitask import gradient_cosines
from .pruning import connection_maps, pruning_curves, weight_histograms
from .style import LINESTYLES, PALETTE, gallery, use_style
from .tuning import (best_so_far, bo_gallery, gp_posterior, halving_curves, mark_trials,
                     pareto_plot, search_designs)

__all__ = (style.__all__ + landscapes.__all__ + curves.__all__ + data.__all__ + distillation.__all__
           + pruning.__all__ + evaluation.__all__ + tuning.__all__ + adversarial.__all__
           + multitask.__all__)
