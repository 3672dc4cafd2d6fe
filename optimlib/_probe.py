"""A forward and backward pass that only looks: the model is left exactly as it was.

Attacks need the gradient of the loss with respect to the *inputs*, and the multi-task
diagnostic needs each task's gradient on the shared layers. Both run ``forward`` and
``backward``, which overwrite ``model.grads``, and both should see the model as it is deployed
(evaluation mode: no dropout). :func:`probing` does that and puts everything back afterwards.
"""

from contextlib import contextmanager

__all__ = ["probing"]


@contextmanager
def probing(model):
    """Evaluation mode inside the ``with`` block; afterwards the model's mode and the values in
    ``model.grads`` are restored (the parameters are never touched).

    Call it between training steps, not between a forward pass and its backward pass: the
    layers' cached inputs are those of the probe afterwards.
    """
    saved = {name: grad.copy() for name, grad in model.grads.items()}
    training = model.training
    model.eval()
    try:
        yield model
    finally:
        for name, grad in model.grads.items():
            grad[...] = saved[name]
        model.train(training)
