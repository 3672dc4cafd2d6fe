r"""Neural networks from layers that know their own derivative.

A network is a chain of layers, :math:`x \to f_1 \to f_2 \to \dots \to f_L \to \hat y`, and
every layer has two methods:

``forward(X)``
    computes the layer's output and remembers what ``backward`` will need;
``backward(grad_output)``
    receives :math:`\partial\mathcal L/\partial(\text{output})`, **writes** the gradients of the
    layer's parameters into ``layer.grads`` (overwriting them; nothing accumulates) and returns
    :math:`\partial\mathcal L/\partial(\text{input})`.

Backpropagation is the chain rule applied by calling ``backward`` in reverse order
(Goodfellow, Bengio and Courville 2016, Section 6.5). Samples are rows, so a batch ``X`` has
shape ``(n, d)`` and a linear layer computes :math:`Z = XW + b` with ``W`` of shape
``(d_in, d_out)`` (torch stores the transpose). Convolutional layers (:class:`Conv2d`,
:class:`MaxPool2d`, :class:`Flatten`) take images ``(n, channels, height, width)`` and store
their weights as torch does.

A model's ``params`` and ``grads`` are dicts with the same stable keys (``"0.weight"``,
``"0.bias"``, ...). They hold the very arrays the layers compute with, so an optimizer from
:mod:`optimlib.optim` updates the model in place, and one training step is three lines:

>>> import numpy as np
>>> from optimlib.optim import Adam
>>> X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1])
>>> model, loss = MLP([2, 8, 2], seed=0), CrossEntropyLoss()
>>> opt = Adam(model.params, lr=0.01)
>>> value = loss(model(X), y)                 # forward pass and loss
>>> grad_X = model.backward(loss.backward())   # fills model.grads
>>> opt.step(model.grads)                     # updates model.params
>>> bool(loss(model(X), y) < value)
True
"""

import numpy as np

from optimlib._validation import check_array, check_int, check_labels, check_real, check_rng
from optimlib.gradcheck import gradient_error

__all__ = ["Module", "Linear", "ReLU", "Tanh", "Sigmoid", "Dropout", "Sequential", "MLP",
           "Loss", "MSELoss", "CrossEntropyLoss", "as_loss", "softmax", "log_softmax",
           "one_hot", "init_weight", "gradient_errors"]


# -- the base class ----------------------------------------------------------------------------
class Module:
    """Base class of layers and models: parameters, gradients, mode, saving and loading.

    Attributes
    ----------
    params : dict of str -> ndarray
        The parameters, updated in place by an optimizer.
    grads : dict of str -> ndarray
        Same keys and shapes; overwritten by every :meth:`backward`.
    training : bool
        Training mode (the default) or evaluation mode; only :class:`Dropout` behaves
        differently. Switch with :meth:`train` and :meth:`eval`.
    """

    #: input and output widths, where the module knows them (linear layers and models)
    in_features = out_features = None
    #: dimensions of the inputs it takes: 2 for rows ``(n, d)``, 4 for images
    #: ``(n, channels, height, width)``, None for any
    input_ndim = 2

    def __init__(self):
        self.params, self.grads = {}, {}
        self.training = True

    @property
    def dtype(self):
        """The dtype of the parameters (float64 for a module without parameters)."""
        return next(iter(self.params.values())).dtype if self.params else np.dtype(np.float64)

    def forward(self, X):  # pragma: no cover - every layer overrides it
        """Outputs for the inputs ``X`` (one sample per row); remembers what backward needs."""
        raise NotImplementedError

    def backward(self, grad_output):  # pragma: no cover
        r"""Given :math:`\partial\mathcal L/\partial(\text{outputs})` of the last forward
        pass, fill ``grads`` and return :math:`\partial\mathcal L/\partial X`."""
        raise NotImplementedError

    def __call__(self, X):
        return self.forward(X)

    def train(self, mode=True):
        """Set training mode (``mode=False``: evaluation mode); returns the module."""
        self.training = bool(mode)
        return self

    def eval(self):
        """Set evaluation mode (dropout off); returns the module."""
        return self.train(False)

    def num_params(self):
        """Number of scalar parameters."""
        return sum(array.size for array in self.params.values())

    def predict_outputs(self, X):
        """The outputs for ``X`` in evaluation mode; the mode is restored afterwards."""
        training = self.training
        self.eval()
        try:
            return self.forward(X)
        finally:
            self.train(training)

    def predict(self, X):
        """Predicted class of each row: the index of the largest output.

        A model with a single output (regression) returns that output instead, shape ``(n,)``.
        Computed in evaluation mode (dropout off).
        """
        outputs = self.predict_outputs(X)
        return outputs[:, 0] if outputs.shape[1] == 1 else np.argmax(outputs, axis=1)

    def predict_proba(self, X, temperature=1.0):
        """Class probabilities: the :func:`softmax` of the outputs (logits) at ``temperature``."""
        return softmax(self.predict_outputs(X), temperature)

    def state_dict(self):
        """A copy of the parameters, ``{name: array}``, to save or to restore later."""
        return {name: array.copy() for name, array in self.params.items()}

    def load_state_dict(self, state_dict):
        """Copy saved parameters into the model's arrays (in place, so optimizers stay bound).

        Raises
        ------
        ValueError
            If the keys or shapes differ from the model's; the model is then unchanged.
        """
        missing = [name for name in self.params if name not in state_dict]
        extra = [name for name in state_dict if name not in self.params]
        if missing or extra:
            raise ValueError(f"state_dict keys do not match the model: missing {missing}, "
                             f"unexpected {extra}")
        for name, array in self.params.items():
            if np.shape(state_dict[name]) != array.shape:
                raise ValueError(f"state_dict[{name!r}] has shape {np.shape(state_dict[name])}, "
                                 f"the model's parameter has {array.shape}")
        for name, array in self.params.items():
            array[...] = state_dict[name]

    def __repr__(self):
        return f"{type(self).__name__}()"


# -- layers ------------------------------------------------------------------------------------
_INITS = ("he", "xavier")


def init_weight(fan_in, fan_out, init="he", *, seed=0, dtype=np.float64):
    r"""A random weight matrix of shape ``(fan_in, fan_out)`` that keeps signals at a good scale.

    ``"he"`` draws :math:`W_{ij} \sim \mathcal N(0, 2/d_{\text{in}})`, which keeps the variance
    of the activations constant through ReLU layers (He et al. 2015, equation 10).
    ``"xavier"`` draws :math:`W_{ij} \sim U[-a, a]` with :math:`a = \sqrt{6/(d_{\text{in}} +
    d_{\text{out}})}`, a compromise between the forward and backward variance for tanh and
    sigmoid layers (Glorot and Bengio 2010, equation 16). The draw is in float64, then cast,
    so the same seed gives the same weights in every dtype.

    Parameters
    ----------
    fan_in, fan_out : int
        :math:`d_{\text{in}}, d_{\text{out}} \ge 1`.
    init : {"he", "xavier"}, default "he"
    seed : int or numpy.random.Generator, default 0
    dtype : numpy floating dtype, default float64

    Returns
    -------
    ndarray, shape (fan_in, fan_out)

    References
    ----------
    He, Zhang, Ren and Sun (2015). Delving deep into rectifiers. ICCV.
    Glorot and Bengio (2010). Understanding the difficulty of training deep feedforward
    neural networks. AISTATS.
    """
    fan_in = check_int("fan_in", fan_in, low=1)
    fan_out = check_int("fan_out", fan_out, low=1)
    if init not in _INITS:
        raise ValueError(f"init must be one of {_INITS}, got {init!r}")
    rng = check_rng(seed)
    if init == "he":
        weight = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    else:
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        weight = rng.uniform(-bound, bound, size=(fan_in, fan_out))
    return weight.astype(_float_dtype(dtype))


def _float_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


class Linear(Module):
    r"""Affine layer :math:`Z = XW + \mathbf 1 b^\top`.

    Backward, with :math:`G = \partial\mathcal L/\partial Z`:

    .. math::

        \frac{\partial\mathcal L}{\partial W} = X^\top G, \qquad
        \frac{\partial\mathcal L}{\partial b} = G^\top \mathbf 1, \qquad
        \frac{\partial\mathcal L}{\partial X} = G W^\top .

    Parameters
    ----------
    in_features, out_features : int
        :math:`d_{\text{in}}, d_{\text{out}} \ge 1`.
    init : {"he", "xavier"}, default "he"
        Weight initialization, see :func:`init_weight`; the bias starts at zero.
    seed : int or numpy.random.Generator, default 0
    dtype : {float64, float32}, default float64

    Attributes
    ----------
    weight : ndarray, shape (in_features, out_features)
        ``params["weight"]`` (the same array).
    bias : ndarray, shape (out_features,)
        ``params["bias"]``.

    Examples
    --------
    >>> layer = Linear(3, 2, seed=0)
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    >>> layer.num_params()
    8
    """

    def __init__(self, in_features, out_features, *, init="he", seed=0, dtype=np.float64):
        super().__init__()
        self.in_features = check_int("in_features", in_features, low=1)
        self.out_features = check_int("out_features", out_features, low=1)
        self.init = init
        weight = init_weight(in_features, out_features, init, seed=seed, dtype=dtype)
        self.params = {"weight": weight, "bias": np.zeros(out_features, dtype=weight.dtype)}
        self.grads = {name: np.zeros_like(array) for name, array in self.params.items()}

    @property
    def weight(self):
        return self.params["weight"]

    @property
    def bias(self):
        return self.params["bias"]

    def forward(self, X):
        if X.ndim != 2 or X.shape[1] != self.in_features:
            raise ValueError(f"{self!r} expects inputs of shape (n, {self.in_features}), "
                             f"got {X.shape}")
        self._input = X
        Z = X @ self.weight
        Z += self.bias
        return Z

    def backward(self, grad_output):
        np.matmul(self._input.T, grad_output, out=self.grads["weight"])
        np.sum(grad_output, axis=0, out=self.grads["bias"])
        return grad_output @ self.weight.T

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features})"


class ReLU(Module):
    r"""Rectified linear unit :math:`\max(0, x)`; its derivative is 1 where :math:`x > 0`, else 0.

    References
    ----------
    Glorot, Bordes and Bengio (2011). Deep sparse rectifier neural networks. AISTATS.
    """

    def forward(self, X):
        self._active = X > 0
        return X * self._active

    def backward(self, grad_output):
        return grad_output * self._active


class Tanh(Module):
    r""":math:`\tanh x`; its derivative is :math:`1 - \tanh^2 x`, computed from the output."""

    def forward(self, X):
        self._output = np.tanh(X)
        return self._output

    def backward(self, grad_output):
        return grad_output * (1 - self._output**2)


class Sigmoid(Module):
    r"""Logistic function :math:`\sigma(x) = 1/(1 + e^{-x})`; derivative :math:`\sigma(1 - \sigma)`.

    Computed as :math:`\sigma(x) = \tfrac12(1 + \tanh(x/2))`, the same function without
    overflow in :math:`e^{-x}` for large negative :math:`x`.
    """

    def forward(self, X):
        self._output = 0.5 * (1 + np.tanh(0.5 * X))
        return self._output

    def backward(self, grad_output):
        return grad_output * self._output * (1 - self._output)


class Dropout(Module):
    r"""Inverted dropout: in training mode, zero each entry with probability ``p``.

    The kept entries are divided by :math:`1 - p`, so the expected output equals the input and
    evaluation mode needs no rescaling: there the layer is the identity. The backward pass
    multiplies by the same mask (Srivastava et al. 2014).

    Parameters
    ----------
    p : float, default 0.5
        Drop probability, in [0, 1).
    seed : int or numpy.random.Generator, default 0
        Source of the masks (attribute ``rng``); a new mask is drawn at every forward pass.

    References
    ----------
    Srivastava, Hinton, Krizhevsky, Sutskever and Salakhutdinov (2014). Dropout: a simple way to
    prevent neural networks from overfitting. JMLR 15.

    Examples
    --------
    >>> layer = Dropout(0.5, seed=0)
    >>> layer(np.ones((1, 6)))
    array([[2., 0., 0., 0., 2., 2.]])
    >>> layer.eval()(np.ones((1, 6)))
    array([[1., 1., 1., 1., 1., 1.]])
    """

    def __init__(self, p=0.5, *, seed=0):
        super().__init__()
        self.p = check_real("p", p, low=0, high=1, high_open=True)
        self.rng = check_rng(seed)

    def forward(self, X):
        if not self.training or self.p == 0:
            self._mask = None
            return X
        keep = self.rng.random(X.shape) >= self.p
        self._mask = keep.astype(X.dtype) / (1 - self.p)
        return X * self._mask

    def backward(self, grad_output):
        return grad_output if self._mask is None else grad_output * self._mask

    def __repr__(self):
        return f"Dropout(p={self.p})"


class Sequential(Module):
    """Layers applied one after the other; backward runs them in reverse (the chain rule).

    The parameters of layer ``i`` appear in ``params`` and ``grads`` as ``"i.weight"``,
    ``"i.bias"``, ... (torch's names). The model checks its input: a 2-D array of finite
    numbers, as wide as the first linear layer expects (4-D images ``(n, c, h, w)`` if the
    first layer is :class:`Conv2d`), converted to the model's dtype.

    Parameters
    ----------
    *layers : Module

    Examples
    --------
    >>> model = Sequential(Linear(4, 3), Tanh(), Linear(3, 2))
    >>> list(model.params)
    ['0.weight', '0.bias', '2.weight', '2.bias']
    >>> model.params["0.weight"] is model.layers[0].weight
    True
    """

    def __init__(self, *layers):
        super().__init__()
        for layer in layers:
            if not isinstance(layer, Module):
                raise ValueError(f"Sequential takes Module layers, got {type(layer).__name__}")
        self.layers = list(layers)
        for i, layer in enumerate(self.layers):
            self.params.update({f"{i}.{name}": array for name, array in layer.params.items()})
            self.grads.update({f"{i}.{name}": array for name, array in layer.grads.items()})
        linear = [layer for layer in self.layers if hasattr(layer, "in_features")]
        self.in_features = linear[0].in_features if linear else None
        self.out_features = linear[-1].out_features if linear else None
        self.input_ndim = self.layers[0].input_ndim if self.layers else 2

    def forward(self, X):
        X = self._checked_input(X)
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def _checked_input(self, X):
        try:
            X = np.asarray(X, dtype=self.dtype)
        except (TypeError, ValueError) as error:
            raise ValueError(f"X must be an array of real numbers: {error}") from None
        if self.input_ndim == 2 and X.ndim != 2:
            raise ValueError(f"X must be 2-D, one sample per row, got shape {X.shape}")
        if self.input_ndim == 4 and X.ndim != 4:
            raise ValueError(f"X must be 4-D images (n, channels, height, width), got shape "
                             f"{X.shape}")
        if self.in_features is not None and X.shape[1] != self.in_features:
            raise ValueError(f"X has {X.shape[1]} columns, but the model's first layer expects "
                             f"{self.in_features} features")
        if not np.isfinite(X).all():
            bad = tuple(np.argwhere(~np.isfinite(X))[0])
            where = ", ".join(map(str, bad))
            raise ValueError(f"X contains NaN or infinite values, e.g. X[{where}] = {X[bad]}")
        return X

    def backward(self, grad_output):
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    def train(self, mode=True):
        for layer in self.layers:
            layer.train(mode)
        return super().train(mode)

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


class MLP(Sequential):
    r"""Multilayer perceptron: linear layers with an activation between them.

    ``MLP([64, 128, 10])`` is ``Sequential(Linear(64, 128), ReLU(), Linear(128, 10))``: the
    last layer has no activation, so its outputs are logits for :class:`CrossEntropyLoss` (or
    predictions for :class:`MSELoss`).

    Parameters
    ----------
    sizes : sequence of int
        Widths :math:`d_0` (input), hidden widths, :math:`d_L` (output); at least two entries.
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
    init : {"he", "xavier"}, optional
        Default: ``"he"`` for ReLU, ``"xavier"`` for tanh and sigmoid (see :func:`init_weight`).
    dropout : float, default 0
        If positive, a :class:`Dropout` layer with this ``p`` after every hidden activation.
    seed : int or numpy.random.Generator, default 0
        Initializes the layers in order (and drives the dropout masks).
    dtype : {float64, float32}, default float64

    Examples
    --------
    >>> model = MLP([64, 128, 10], activation="relu", seed=0)
    >>> model.num_params()              # 64*128 + 128 + 128*10 + 10
    9610
    >>> model
    MLP(
      (0): Linear(64, 128)
      (1): ReLU()
      (2): Linear(128, 10)
    )
    """

    def __init__(self, sizes, *, activation="relu", init=None, dropout=0.0, seed=0,
                 dtype=np.float64):
        sizes = [check_int(f"sizes[{i}]", size, low=1) for i, size in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width, got {sizes}")
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(_ACTIVATIONS)}, got {activation!r}")
        init = ("he" if activation == "relu" else "xavier") if init is None else init
        dropout = check_real("dropout", dropout, low=0, high=1, high_open=True)
        rng = check_rng(seed)
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(fan_in, fan_out, init=init, seed=rng, dtype=dtype))
            if i < len(sizes) - 2:                     # hidden layer
                layers.append(_ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(Dropout(dropout, seed=rng))
        super().__init__(*layers)
        self.sizes, self.activation = sizes, activation


# -- convolution -------------------------------------------------------------------------------
__all__ += ["Conv2d", "MaxPool2d", "Flatten"]


def _pair(name, value, low):
    """An int or a pair of ints, each at least ``low``, as a pair (torch's convention)."""
    values = (value, value) if not isinstance(value, (tuple, list)) else tuple(value)
    if len(values) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    return tuple(check_int(name, v, low=low) for v in values)


def _windows(X, kernel_size, stride):
    """Every ``kernel_size`` window of the images ``X`` (n, c, h, w), ``stride`` apart: a view
    (no copy) of shape (n, c, out_h, out_w, kh, kw)."""
    view = np.lib.stride_tricks.sliding_window_view(X, kernel_size, axis=(2, 3))
    return view[:, :, ::stride[0], ::stride[1]]


def _fold(window_grads, shape, stride):
    """The adjoint of :func:`_windows`: add the gradient of every window entry back onto the
    pixel it was read from (overlapping windows add up). One pass per kernel position."""
    _, _, out_h, out_w, kh, kw = window_grads.shape
    grad = np.zeros(shape, dtype=window_grads.dtype)
    for i in range(kh):
        for j in range(kw):
            grad[:, :, i:i + stride[0] * out_h:stride[0], j:j + stride[1] * out_w:stride[1]] += (
                window_grads[:, :, :, :, i, j])
    return grad


def _check_images(module, X, channels):
    if X.ndim != 4 or (channels is not None and X.shape[1] != channels):
        expected = f"(n, {channels}, height, width)" if channels else "(n, c, height, width)"
        raise ValueError(f"{module!r} expects images of shape {expected}, got {X.shape}")


class Conv2d(Module):
    r"""Two-dimensional convolution (cross-correlation, as in every deep-learning library).

    Output channel :math:`o` at position :math:`(i, j)` is a weighted sum over the input
    channels :math:`c` and a :math:`k_h \times k_w` window of the (zero-padded) input
    :math:`X`, plus a bias:

    .. math:: Z_{o,i,j} = b_o + \sum_{c}\sum_{p<k_h}\sum_{q<k_w}
       W_{o,c,p,q}\, X_{c,\,s i + p,\, s j + q},

    with stride :math:`s`. The same few weights are used at every position: a convolutional
    layer is a linear layer with shared, local weights (LeCun et al. 1998). The windows are
    read through a strided view of the input, copied into one matrix with a row per output
    position ("im2col") and multiplied with the weights in one matrix product. Backward, with :math:`G = \partial\mathcal L/\partial Z`:
    :math:`\partial\mathcal L/\partial W_{o,c,p,q} = \sum_{n,i,j} G_{n,o,i,j}
    X_{n,c,si+p,sj+q}`, :math:`\partial\mathcal L/\partial b_o = \sum_{n,i,j} G_{n,o,i,j}`,
    and the input gradient adds :math:`G_{n,o,i,j}W_{o,c,p,q}` back onto every pixel a
    window read.

    Layouts are torch's: inputs ``(n, in_channels, h, w)``, outputs ``(n, out_channels,
    out_h, out_w)`` with :math:`\text{out}_h = \lfloor (h + 2\,\text{padding} - k_h)/s\rfloor
    + 1`, weights ``(out_channels, in_channels, kh, kw)``. So the same numbers give the same
    outputs and gradients as ``torch.nn.Conv2d``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : int or (int, int), default 0
        Zeros added on each side of the height and width.
    init : {"he", "xavier"}, default "he"
        As :func:`init_weight` with :math:`d_{\text{in}}` = ``in_channels * kh * kw`` (and
        :math:`d_{\text{out}}` = ``out_channels`` for "xavier"); the bias starts at zero.
    seed : int or numpy.random.Generator, default 0
    dtype : {float64, float32}, default float64

    References
    ----------
    LeCun, Bottou, Bengio and Haffner (1998). Gradient-based learning applied to document
    recognition. Proceedings of the IEEE 86(11).

    Examples
    --------
    >>> layer = Conv2d(1, 4, kernel_size=3, padding=1)
    >>> layer(np.ones((2, 1, 8, 8))).shape
    (2, 4, 8, 8)
    >>> layer.params["weight"].shape, layer.num_params()    # 4*1*3*3 + 4
    ((4, 1, 3, 3), 40)
    """

    input_ndim = 4

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *,
                 init="he", seed=0, dtype=np.float64):
        super().__init__()
        self.in_channels = check_int("in_channels", in_channels, low=1)
        self.out_channels = check_int("out_channels", out_channels, low=1)
        self.kernel_size = _pair("kernel_size", kernel_size, low=1)
        self.stride = _pair("stride", stride, low=1)
        self.padding = _pair("padding", padding, low=0)
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        weight = init_weight(fan_in, out_channels, init, seed=seed, dtype=dtype)
        weight = np.ascontiguousarray(weight.T.reshape(out_channels, in_channels,
                                                       *self.kernel_size))
        self.params = {"weight": weight, "bias": np.zeros(out_channels, dtype=weight.dtype)}
        self.grads = {name: np.zeros_like(array) for name, array in self.params.items()}

    def forward(self, X):
        _check_images(self, X, self.in_channels)
        (ph, pw), (kh, kw) = self.padding, self.kernel_size
        if X.shape[2] + 2 * ph < kh or X.shape[3] + 2 * pw < kw:
            raise ValueError(f"{self!r}: images of {X.shape[2]} x {X.shape[3]} pixels are "
                             f"smaller than the kernel")
        if ph or pw:                                                    # zero padding
            padded = np.zeros((*X.shape[:2], X.shape[2] + 2 * ph, X.shape[3] + 2 * pw),
                              dtype=X.dtype)
            padded[:, :, ph:ph + X.shape[2], pw:pw + X.shape[3]] = X
            X = padded
        windows = _windows(X, self.kernel_size, self.stride)           # (n, c, oh, ow, kh, kw)
        n, c, out_h, out_w = windows.shape[:4]
        # im2col: one row per output position, one column per (channel, kernel position)
        self._columns = np.ascontiguousarray(windows.transpose(0, 2, 3, 1, 4, 5)).reshape(
            n * out_h * out_w, c * kh * kw)
        self._padded_shape, self._out_shape = X.shape, (n, out_h, out_w)
        Z = self._columns @ self.params["weight"].reshape(self.out_channels, -1).T
        Z += self.params["bias"]                                        # (n oh ow, out)
        return Z.reshape(n, out_h, out_w, self.out_channels).transpose(0, 3, 1, 2)

    def backward(self, grad_output):
        W = self.params["weight"].reshape(self.out_channels, -1)          # (out, c kh kw)
        G = grad_output.transpose(0, 2, 3, 1).reshape(-1, self.out_channels)   # (n oh ow, out)
        self.grads["weight"][...] = (G.T @ self._columns).reshape(W.shape[0], self.in_channels,
                                                                  *self.kernel_size)
        self.grads["bias"][...] = G.sum(axis=0)
        window_grads = (G @ W).reshape(*self._out_shape, self.in_channels, *self.kernel_size)
        grad = _fold(window_grads.transpose(0, 3, 1, 2, 4, 5), self._padded_shape, self.stride)
        (ph, pw), (_, _, h, w) = self.padding, self._padded_shape
        return grad[:, :, ph:h - ph, pw:w - pw]

    def __repr__(self):
        return (f"Conv2d({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding})")


class MaxPool2d(Module):
    r"""The largest value of each ``kernel_size`` window, per channel (torch's layout).

    With stride :math:`s` (default: the kernel size, so the windows tile the image) the output
    has :math:`\lfloor (h - k)/s\rfloor + 1` rows. Backward, the gradient of each output goes
    to the input that was largest in its window (the first one, if several tie, as in
    torch); the other inputs get none.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Default ``kernel_size``.

    Examples
    --------
    >>> X = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> MaxPool2d(2)(X)
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    """

    input_ndim = 4

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = _pair("kernel_size", kernel_size, low=1)
        self.stride = self.kernel_size if stride is None else _pair("stride", stride, low=1)

    def forward(self, X):
        _check_images(self, X, None)
        if X.shape[2] < self.kernel_size[0] or X.shape[3] < self.kernel_size[1]:
            raise ValueError(f"{self!r}: images of {X.shape[2]} x {X.shape[3]} pixels are "
                             "smaller than the window")
        windows = _windows(X, self.kernel_size, self.stride)
        flat = windows.reshape(*windows.shape[:4], -1)                  # (n, c, oh, ow, kh kw)
        self._input_shape, self._largest = X.shape, np.argmax(flat, axis=-1)
        return flat.max(axis=-1)

    def backward(self, grad_output):
        # each output's gradient goes to the position of its window's maximum
        kh, kw = self.kernel_size
        window_grads = np.zeros((grad_output.size, kh * kw), dtype=grad_output.dtype)
        window_grads[np.arange(grad_output.size), self._largest.ravel()] = grad_output.ravel()
        return _fold(window_grads.reshape(*grad_output.shape, kh, kw), self._input_shape,
                     self.stride)

    def __repr__(self):
        return f"MaxPool2d(kernel_size={self.kernel_size}, stride={self.stride})"


class Flatten(Module):
    """Images ``(n, c, h, w)`` (or any ``(n, ...)``) to rows ``(n, c*h*w)``, in torch's order,
    so that a :class:`Linear` layer can follow convolutions.

    Examples
    --------
    >>> Flatten()(np.zeros((2, 3, 4, 4))).shape
    (2, 48)
    """

    input_ndim = None

    def forward(self, X):
        self._input_shape = X.shape
        return X.reshape(X.shape[0], -1)

    def backward(self, grad_output):
        return grad_output.reshape(self._input_shape)


# -- losses ------------------------------------------------------------------------------------
def log_softmax(logits, temperature=1.0):
    r""":math:`\log\operatorname{softmax}(z/T)` row by row, computed stably.

    Subtracting the row maximum :math:`m` first changes nothing mathematically,
    :math:`\log\operatorname{softmax}(z)_k = (z_k - m) - \log\sum_j e^{z_j - m}`, but keeps
    every exponential at most 1, so large logits cannot overflow.

    Examples
    --------
    >>> np.exp(log_softmax(np.array([[0.0, np.log(3.0)], [1000.0, 0.0]])))
    array([[0.25, 0.75],
           [1.  , 0.  ]])
    """
    scaled = logits / temperature if temperature != 1 else logits
    shifted = scaled - scaled.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits, temperature=1.0):
    r"""Probabilities :math:`p_k = e^{z_k/T} / \sum_j e^{z_j/T}` row by row.

    A temperature :math:`T > 1` softens the distribution (Hinton, Vinyals and Dean 2015).
    """
    temperature = check_real("temperature", temperature, low=0, low_open=True)
    return np.exp(log_softmax(np.asarray(logits), temperature))


def one_hot(labels, n_classes, dtype=np.float64):
    """Rows of the identity matrix: ``one_hot([2, 0], 3)`` is ``[[0, 0, 1], [1, 0, 0]]``.

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    n_classes = check_int("n_classes", n_classes, low=1)
    labels = check_labels("labels", labels, n_classes=n_classes)
    encoded = np.zeros((labels.size, n_classes), dtype=dtype)
    encoded[np.arange(labels.size), labels] = 1
    return encoded


class Loss:
    """Base class: ``loss(outputs, targets)`` returns the mean loss over the rows (a float) and
    remembers what :meth:`backward` needs; ``backward()`` returns
    :math:`\\partial\\mathcal L/\\partial(\\text{outputs})`."""

    #: True for a loss whose third argument is a teacher's logits (distillation); then
    #: :func:`optimlib.train.fit` needs ``teacher=``
    takes_teacher_logits = False

    def __call__(self, outputs, targets, *args):
        return self.forward(outputs, targets, *args)

    def forward(self, outputs, targets):  # pragma: no cover - abstract
        """The mean loss over the rows, a float; remembers what backward needs."""
        raise NotImplementedError

    def backward(self):  # pragma: no cover - abstract
        r""":math:`\partial\mathcal L/\partial(\text{outputs})` for the last forward call."""
        raise NotImplementedError

    def check_targets(self, targets, shape):  # pragma: no cover - abstract
        """Return ``targets`` validated and converted for outputs of ``shape``, or raise."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


def _outputs(outputs):
    outputs = np.asarray(outputs)
    if outputs.ndim != 2 or not np.issubdtype(outputs.dtype, np.floating):
        raise ValueError(f"outputs must be a 2-D float array (n, k), got {outputs.dtype} "
                         f"array of shape {outputs.shape}")
    return outputs


class MSELoss(Loss):
    r"""Mean squared error over all entries, :math:`\mathcal L = \frac{1}{nk}\sum_{i,j}
    (\hat y_{ij} - y_{ij})^2` (no factor 1/2, as in the book and in torch).

    Its gradient is :math:`\partial\mathcal L/\partial\hat y = \frac{2}{nk}(\hat y - y)`.

    Targets may have the shape of the outputs ``(n, k)``; shape ``(n,)`` for a single output
    ``(n, 1)``; or, for ``k > 1`` outputs, integer class labels of shape ``(n,)``, which are
    one-hot encoded (least-squares classification).

    Examples
    --------
    >>> loss = MSELoss()
    >>> loss(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]))   # (1 + 4) / 2
    2.5
    >>> loss.backward()                          # 2 (yhat - y) / 2
    array([[1.],
           [2.]])
    """

    def forward(self, outputs, targets):
        outputs = _outputs(outputs)
        targets = self.check_targets(targets, outputs.shape).astype(outputs.dtype, copy=False)
        self._residual = outputs - targets
        return float(np.vdot(self._residual, self._residual)) / self._residual.size

    def backward(self):
        return (2 / self._residual.size) * self._residual

    def check_targets(self, targets, shape):
        targets = np.asarray(targets)
        n, k = shape
        if targets.shape == (n,) and k > 1 and not np.issubdtype(targets.dtype, np.floating):
            return one_hot(targets, k)
        if targets.shape == (n,) and k == 1:
            targets = targets.reshape(n, 1)
        if targets.shape != (n, k):
            raise ValueError(f"targets of shape {targets.shape} do not match outputs of shape "
                             f"{(n, k)} (accepted: {(n, k)}, or ({n},) for one output or for "
                             "integer class labels)")
        return check_array("targets", targets)


class CrossEntropyLoss(Loss):
    r"""Cross-entropy of the softmax of the logits, :math:`\mathcal L = -\frac1n\sum_i
    \sum_k y_{ik}\log\operatorname{softmax}(z_i/T)_k`.

    Targets are class labels :math:`c_i` (then :math:`y_{ik} = [k = c_i]` and the loss is
    :math:`-\frac1n\sum_i \log p_{i c_i}`, the negative log-likelihood), or rows of class
    probabilities (soft targets, as in distillation). The gradient is

    .. math:: \frac{\partial\mathcal L}{\partial z_i} = \frac{1}{nT}\,(p_i - y_i),
       \qquad p_i = \operatorname{softmax}(z_i/T),

    and :func:`log_softmax` keeps it finite for any logits. For distillation, Hinton et al.
    (2015) multiply this loss by :math:`T^2` so that its gradients keep their size as
    :math:`T` changes; :class:`optimlib.distill.DistillationLoss` does.

    **Label smoothing** (Szegedy et al. 2016) replaces each target row by
    :math:`(1 - \varepsilon)\,y_i + \varepsilon/K` with :math:`K` classes, a soft target
    without a teacher: torch's ``label_smoothing``, for labels and for probability rows alike.

    Parameters
    ----------
    temperature : float, default 1
        :math:`T > 0`; the logits are divided by it before the softmax.
    label_smoothing : float, default 0
        :math:`\varepsilon \in [0, 1]`, the weight of the uniform distribution in the targets.

    References
    ----------
    Goodfellow, Bengio and Courville (2016), Section 6.2.2.3. Hinton, Vinyals and Dean (2015).
    Distilling the knowledge in a neural network. Szegedy, Vanhoucke, Ioffe, Shlens and Wojna
    (2016). Rethinking the Inception architecture for computer vision. CVPR.

    Examples
    --------
    >>> loss = CrossEntropyLoss()
    >>> logits = np.array([[0.0, np.log(3.0)]])   # probabilities 1/4, 3/4
    >>> print(f"{loss(logits, np.array([1])):.6f} = -log(3/4) = "
    ...       f"{-np.log(0.75):.6f}")
    0.287682 = -log(3/4) = 0.287682
    >>> loss.backward()                                   # p - y
    array([[ 0.25, -0.25]])
    """

    def __init__(self, temperature=1.0, label_smoothing=0.0):
        self.temperature = check_real("temperature", temperature, low=0, low_open=True)
        self.label_smoothing = check_real("label_smoothing", label_smoothing, low=0, high=1)

    def forward(self, outputs, targets):
        outputs = _outputs(outputs)
        self._targets = self.check_targets(targets, outputs.shape)
        if self.label_smoothing > 0:          # (1 - ε) y + ε/K, as rows of probabilities
            k = outputs.shape[1]
            rows = (one_hot(self._targets, k, dtype=outputs.dtype) if self._targets.ndim == 1
                    else self._targets)
            self._targets = (1 - self.label_smoothing) * rows + self.label_smoothing / k
        log_p = log_softmax(outputs, self.temperature)
        self._probabilities = np.exp(log_p)
        n = outputs.shape[0]
        if self._targets.ndim == 1:
            return -float(np.sum(log_p[np.arange(n), self._targets])) / n
        return -float(np.vdot(self._targets, log_p)) / n

    def backward(self):
        grad = self._probabilities.copy()
        n = grad.shape[0]
        if self._targets.ndim == 1:
            grad[np.arange(n), self._targets] -= 1
        else:
            grad -= self._targets
        grad *= 1 / (n * self.temperature)
        return grad

    def check_targets(self, targets, shape):
        targets = np.asarray(targets)
        n, k = shape
        if targets.ndim == 1:
            if targets.shape != (n,):
                raise ValueError(f"targets has {targets.size} labels for {n} rows of outputs")
            return check_labels("targets", targets, n_classes=k)
        if targets.shape != (n, k):
            raise ValueError(f"targets must be class labels of shape ({n},) or class "
                             f"probabilities of shape {(n, k)}, got shape {targets.shape}")
        targets = check_array("targets", targets)
        if np.any(targets < 0) or not np.allclose(targets.sum(axis=1), 1, rtol=0, atol=1e-6):
            raise ValueError("targets of shape (n, k) must be class probabilities: "
                             "non-negative rows that sum to 1")
        return targets

    def __repr__(self):
        smoothing = (f", label_smoothing={self.label_smoothing}" if self.label_smoothing
                     else "")
        return f"CrossEntropyLoss(temperature={self.temperature}{smoothing})"


LOSSES = {"cross_entropy": CrossEntropyLoss, "mse": MSELoss}


def as_loss(loss):
    """A :class:`Loss` from a loss object or its name (``"cross_entropy"``, ``"mse"``)."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]()
    raise ValueError(f"loss must be a Loss object or one of {tuple(LOSSES)}, got {loss!r}")


# -- gradient checking -------------------------------------------------------------------------
def gradient_errors(model, loss, X, y, *, eps=1e-6):
    r"""Relative error of backpropagation against central differences, for each parameter.

    For each parameter array :math:`\theta` the analytic gradient from :meth:`Module.backward`
    is compared with the central difference of :math:`\theta \mapsto \mathcal L(\theta)` (see
    :mod:`optimlib.gradcheck`), as :math:`\|g - \hat g\| / (\|g\| + \|\hat g\|)`. In float64 a
    correct backward pass gives about :math:`10^{-7}` or less. Dropout must be off (evaluation
    mode) or its mask would change between evaluations. The parameters are left unchanged.

    Parameters
    ----------
    model : Module
    loss : Loss or str
    X : array_like, shape (n, d)
        A few samples suffice (each parameter entry costs two forward passes).
    y : array_like
        Targets for ``loss``.
    eps : float, default 1e-6

    Returns
    -------
    dict of str -> float

    Examples
    --------
    >>> model = MLP([3, 4, 2], activation="tanh", seed=0)
    >>> X = np.random.default_rng(0).standard_normal((5, 3))
    >>> y = np.array([0, 1, 1, 0, 1])
    >>> errors = gradient_errors(model, "cross_entropy", X, y)
    >>> max(errors.values()) < 1e-7
    True
    """
    loss = as_loss(loss)
    loss(model(X), y)
    model.backward(loss.backward())
    errors = {}
    for name, param in model.params.items():
        analytic, original = model.grads[name].copy(), param.copy()

        def loss_at(value):
            param[...] = value
            return loss(model(X), y)

        try:
            errors[name] = gradient_error(loss_at, lambda _: analytic, original, eps)
        finally:
            param[...] = original
    return errors
