r"""Knowledge distillation: a small *student* network learns from a trained *teacher*.

A classifier's softmax says more than its top class. A digit classifier that is sure an image
is a 7 may still give it hundreds of times more probability of being a 1 than of being a 6,
and those relative probabilities of the wrong classes say how the teacher generalizes.
Hinton, Vinyals and Dean (2015) call it *dark knowledge* and transfer it by training the
student on the teacher's probabilities softened by a **temperature** :math:`T`,

.. math:: p_k = \operatorname{softmax}(t/T)_k = \frac{e^{t_k/T}}{\sum_j e^{t_j/T}},

where :math:`t` are the teacher's logits; :math:`T > 1` lifts the small probabilities so that
they weigh in the loss. The student's logits :math:`s` give :math:`q = \operatorname{softmax}
(s/T)` at the same temperature, and the student minimizes

.. math:: \mathcal L = \alpha\,T^2\,\frac1n\sum_i \operatorname{KL}(p_i \,\|\, q_i)
   + (1 - \alpha)\,\frac1n\sum_i \operatorname{CE}(s_i, y_i),

a weighted sum of matching the teacher (*soft targets*) and the ordinary cross-entropy with
the labels :math:`y_i` (*hard targets*, at temperature 1). The factor :math:`T^2` keeps the
soft term's gradients the same size whatever :math:`T` is.

Training a student is ordinary training with this loss: :func:`optimlib.train.fit` takes
``teacher=`` (a model, or a list of models whose logits are averaged) and passes each
minibatch's teacher logits to the loss. The softmax with a temperature lives in
:mod:`optimlib.nn` (:func:`~optimlib.nn.softmax`, :func:`~optimlib.nn.log_softmax`).

References
----------
Hinton, Vinyals and Dean (2015). Distilling the knowledge in a neural network.
arXiv:1503.02531.
Buciluǎ, Caruana and Niculescu-Mizil (2006). Model compression. KDD.
"""

import numpy as np

from optimlib import nn
from optimlib._validation import check_array, check_real

__all__ = ["DistillationLoss"]


class DistillationLoss(nn.Loss):
    r"""Hinton et al.'s distillation loss: soft targets at temperature :math:`T` and labels.

    .. math::

        \mathcal L(s) = \alpha\,T^2\,\frac1n\sum_{i=1}^n \sum_k p_{ik}
            \log\frac{p_{ik}}{q_{ik}}
            \;+\; (1 - \alpha)\,\frac1n\sum_{i=1}^n -\log\operatorname{softmax}(s_i)_{y_i},

    with :math:`p_i = \operatorname{softmax}(t_i/T)` from the teacher's logits :math:`t_i` and
    :math:`q_i = \operatorname{softmax}(s_i/T)` from the student's logits :math:`s_i`. Its
    gradient with respect to the student's logits is

    .. math::

        \frac{\partial\mathcal L}{\partial s_i} = \frac1n\Bigl(\alpha\,T\,(q_i - p_i)
            + (1 - \alpha)\,\bigl(\operatorname{softmax}(s_i) - e_{y_i}\bigr)\Bigr),

    where :math:`e_{y}` is the one-hot row of label :math:`y`. The soft term's gradient is
    :math:`T^2 \cdot \frac{1}{nT}(q_i - p_i)`: without the :math:`T^2` it would shrink like
    :math:`1/T^2` for large :math:`T`, because :math:`q_i - p_i` itself is of order
    :math:`1/T`. For large :math:`T` and logits of zero mean in each row it tends to
    :math:`\alpha (s_i - t_i)/(nK)` with :math:`K` classes: matching logits by squared error
    (Hinton et al. 2015, Section 2.1). Every term is computed from
    :func:`~optimlib.nn.log_softmax`, so it stays finite for any finite logits.

    This equals torch's usual form ``alpha*T*T*F.kl_div(F.log_softmax(s/T, 1),
    F.softmax(t/T, 1), reduction="batchmean") + (1-alpha)*F.cross_entropy(s, y)``.

    Parameters
    ----------
    temperature : float, default 4.0
        :math:`T > 0`; 1 is the teacher's ordinary softmax.
    alpha : float, default 0.9
        Weight :math:`\alpha \in [0, 1]` of the soft term; 1 trains on the teacher alone, 0 is
        the ordinary cross-entropy with the labels.

    Raises
    ------
    ValueError
        For a temperature that is not positive, an alpha outside [0, 1], and, when called,
        teacher logits missing or of another shape than the student's.

    References
    ----------
    Hinton, Vinyals and Dean (2015). Distilling the knowledge in a neural network.
    arXiv:1503.02531.

    Examples
    --------
    >>> loss = DistillationLoss(temperature=2.0, alpha=0.5)
    >>> student = np.array([[1.0, 0.0, -1.0]])
    >>> teacher = np.array([[3.0, 1.0, -1.0]])
    >>> round(loss(student, np.array([0]), teacher), 6)
    0.324341
    >>> np.round(loss.backward(), 4)  # (αT(q-p) + (1-α)(softmax(s)-e_y))/n
    array([[-0.3261,  0.1848,  0.1413]])

    The same student trained with a teacher, through :func:`optimlib.train.fit`:

    >>> from optimlib.nn import MLP
    >>> from optimlib.optim import Adam
    >>> from optimlib.train import fit
    >>> X = np.random.default_rng(0).standard_normal((40, 2))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> teacher, student = MLP([2, 16, 2], seed=1), MLP([2, 4, 2], seed=0)
    >>> _ = fit(teacher, Adam(teacher.params, lr=0.05), X, y, epochs=30,
    ...         batch_size=10)
    >>> history = fit(student, Adam(student.params, lr=0.05), X, y, epochs=30,
    ...               batch_size=10, loss=DistillationLoss(), teacher=teacher)
    >>> history.train_accuracy[-1] > 0.9
    True
    """

    takes_teacher_logits = True

    def __init__(self, temperature=4.0, alpha=0.9):
        self.temperature = check_real("temperature", temperature, low=0, low_open=True)
        self.alpha = check_real("alpha", alpha, low=0, high=1)
        self._hard = nn.CrossEntropyLoss()          # the labels, at temperature 1

    def forward(self, student_logits, labels, teacher_logits=None):
        """The loss, a float (batch mean); remembers what :meth:`backward` needs.

        Parameters
        ----------
        student_logits : ndarray, shape (n, k)
        labels : array_like, shape (n,)
            Class labels (or rows of class probabilities, as
            :class:`~optimlib.nn.CrossEntropyLoss` accepts).
        teacher_logits : array_like, shape (n, k)
            The teacher's logits for the same samples.
        """
        if teacher_logits is None:
            raise ValueError("DistillationLoss needs the teacher's logits: call "
                             "loss(student_logits, labels, teacher_logits), or pass "
                             "teacher= to optimlib.train.fit")
        hard = self._hard(student_logits, labels)   # also checks student_logits and labels
        student_logits = np.asarray(student_logits)
        teacher_logits = check_array("teacher_logits", teacher_logits)
        if teacher_logits.shape != student_logits.shape:
            raise ValueError(f"teacher_logits has shape {teacher_logits.shape}, but "
                             f"student_logits has {student_logits.shape}: one row of "
                             "logits per sample and one column per class for both")
        T = self.temperature
        log_p = nn.log_softmax(teacher_logits.astype(student_logits.dtype, copy=False), T)
        log_q = nn.log_softmax(student_logits, T)
        self._p, self._q = np.exp(log_p), np.exp(log_q)
        n = student_logits.shape[0]
        kl = float(np.sum(self._p * (log_p - log_q))) / n     # mean_i KL(p_i || q_i)
        return self.alpha * T * T * kl + (1 - self.alpha) * hard

    def backward(self):
        r""":math:`\partial\mathcal L/\partial s`, shape (n, k), for the last call."""
        n = self._q.shape[0]
        grad = (self.alpha * self.temperature / n) * (self._q - self._p)
        grad += (1 - self.alpha) * self._hard.backward()
        return grad

    def check_targets(self, targets, shape):
        """The labels are checked as :class:`~optimlib.nn.CrossEntropyLoss` checks them."""
        return self._hard.check_targets(targets, shape)

    def __repr__(self):
        return f"DistillationLoss(temperature={self.temperature}, alpha={self.alpha})"
