"""optimlib.prune: masks by hand and against torch.nn.utils.prune, training that keeps pruned
weights at zero (also against torch's weight_orig * weight_mask), the sparsity report, the
cubic schedule, compaction and the lottery-ticket helpers.

Every comparison with torch skips where torch is not installed; the hand-computed cases always
run. Our Linear stores W as (d_in, d_out), torch as (d_out, d_in): torch's mask is our mask
transposed.
"""

import math

import numpy as np
import pytest

from optimlib.nn import MLP, CrossEntropyLoss
from optimlib.optim import SGD, Adam, AdamW
from optimlib.prune import (GradualPruning, MaskedTraining, RewindPoint, apply_masks, compact,
                            cubic_sparsity, global_unstructured, iterative_magnitude_pruning,
                            l1_unstructured, ln_structured, magnitude_prune, masked_step,
                            prunable_weights, random_reinit, random_unstructured, rewind,
                            sparsity_report)
from optimlib.train import fit


def distinct(shape, seed=0):
    """Weights with distinct magnitudes (no ties), so that every mask is unique."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    magnitudes = rng.permutation(np.arange(1, size + 1)) / size
    return (magnitudes * rng.choice([-1.0, 1.0], size)).reshape(shape)


# -- l1_unstructured by hand -------------------------------------------------------------------
def test_l1_unstructured_prunes_the_smallest_magnitudes():
    w = np.array([[0.3, -2.0], [0.1, 1.5], [-0.7, 0.05]])
    np.testing.assert_array_equal(l1_unstructured(w, 0.5),
                                  [[False, True], [False, True], [True, False]])
    np.testing.assert_array_equal(l1_unstructured(w, 2),
                                  [[True, True], [False, True], [True, False]])


def test_float_amount_is_rounded_as_python_rounds_half_to_even():
    # torch: round(amount * n); round(2.5) = 2, round(3.5) = 4, 0.3 * 10 = 3.0000000000000004
    assert np.sum(~l1_unstructured(distinct((5,)), 0.5)) == 2
    assert np.sum(~l1_unstructured(distinct((7,)), 0.5)) == 4
    assert np.sum(~l1_unstructured(distinct((10,)), 0.3)) == 3
    assert np.sum(~l1_unstructured(distinct((10,)), 0.25)) == 2     # round(2.5) = 2
    assert np.sum(~l1_unstructured(distinct((10,)), 0.35)) == 4     # round(3.5) = 4


def test_amount_counts_only_what_the_mask_still_keeps():
    w = np.array([5.0, 4.0, 0.1, 3.0, 0.2, 2.0, 1.0, 0.3])
    old = np.array([False, False, True, True, True, True, True, True])   # 5.0, 4.0 gone
    new = l1_unstructured(w, 0.5, mask=old)          # 3 of the 6 kept: 0.1, 0.2, 0.3
    np.testing.assert_array_equal(new, [False, False, False, True, False, True, True, False])
    # an already pruned entry is never a candidate, however small
    tiny_pruned = np.array([True, True, False, True, True, True, True, True])
    again = l1_unstructured(w, 1, mask=tiny_pruned)
    np.testing.assert_array_equal(~again, [False, False, True, False, True, False, False, False])


def test_repeated_calls_compound_like_torchs_container():
    w = distinct((20,))
    mask = l1_unstructured(w, 0.5)                     # 10 go
    mask = l1_unstructured(w, 0.5, mask=mask)          # 5 of the 10 left
    mask = l1_unstructured(w, 0.4, mask=mask)          # 2 of the 5 left
    assert mask.sum() == 3
    order = np.argsort(np.abs(w))
    np.testing.assert_array_equal(np.sort(np.flatnonzero(mask)), np.sort(order[-3:]))


def test_ties_are_broken_by_position():
    w = np.array([1.0, 1.0, 1.0, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(l1_unstructured(w, 2), [False, False, True, True, True, True])
    np.testing.assert_array_equal(l1_unstructured(-w, 5), [False] * 5 + [True])


def test_amount_zero_and_everything():
    w = distinct((3, 4))
    assert l1_unstructured(w, 0.0).all() and l1_unstructured(w, 0).all()
    assert not l1_unstructured(w, 1.0).any() and not l1_unstructured(w, 12).any()
    assert l1_unstructured(w, 1).sum() == 11     # the int 1 is one entry, the float 1.0 all


def test_computing_a_mask_changes_neither_weight_nor_mask():
    w = distinct((4, 5))
    w_before = w.copy()
    mask = l1_unstructured(w, 0.3)
    mask_before = mask.copy()
    l1_unstructured(w, 0.5, mask=mask)
    ln_structured(w, 0.5, mask=mask)
    random_unstructured(w, 0.5, mask=mask)
    global_unstructured({"w": w}, 0.5, {"w": mask})
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(mask, mask_before)


@pytest.mark.parametrize("function", [
    lambda w, amount, m: l1_unstructured(w, amount, mask=m),
    lambda w, amount, m: random_unstructured(w, amount, mask=m),
    lambda w, amount, m: ln_structured(w, amount, mask=m),
    lambda w, amount, m: global_unstructured({"w": w}, amount, {"w": m}),
], ids=["l1_unstructured", "random_unstructured", "ln_structured", "global_unstructured"])
@pytest.mark.parametrize("amount", [-1, -0.1, 1.5, 7, float("nan"), "0.5", None, True],
                         ids=["negative int", "negative float", "above 1", "int above kept",
                              "NaN", "string", "None", "bool"])
def test_bad_amount_is_rejected_naming_amount_and_nothing_changes(function, amount):
    w = distinct((3, 4))
    mask = np.ones((3, 4), dtype=bool)
    mask[:, :2] = False                 # 6 entries and 2 columns kept
    w_before, mask_before = w.copy(), mask.copy()
    with pytest.raises(ValueError, match="amount"):
        function(w, amount, mask)
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(mask, mask_before)


def test_weights_that_cannot_be_ranked_are_rejected():
    for weight in (np.array([1.0, np.nan]), np.array([np.inf, 1.0]), np.array(["a", "b"]),
                   np.float64(1.0)):
        with pytest.raises(ValueError, match="weight"):
            l1_unstructured(weight, 1)


def test_mask_of_wrong_shape_or_values_is_rejected():
    with pytest.raises(ValueError, match="mask"):
        l1_unstructured(np.ones((2, 3)), 0.5, mask=np.ones((3, 2), dtype=bool))
    with pytest.raises(ValueError, match="mask"):
        l1_unstructured(np.ones(3), 0.5, mask=np.array([0.5, 1.0, 1.0]))
    # 0/1 masks (torch's are floats) are accepted
    np.testing.assert_array_equal(l1_unstructured(np.arange(1.0, 4.0), 1, mask=[1.0, 1.0, 0.0]),
                                  [False, True, False])


# -- random_unstructured -----------------------------------------------------------------------
def test_random_unstructured_prunes_the_right_number_among_the_kept():
    mask = np.array([True] * 6 + [False] * 4)
    new = random_unstructured(np.zeros(10), 0.5, mask=mask, seed=1)
    assert new.sum() == 3 and not (new & ~mask).any()
    np.testing.assert_array_equal(new, random_unstructured(np.zeros(10), 0.5, mask=mask, seed=1))


def test_random_unstructured_is_uniform():
    # each of 10 entries is pruned with probability 3/10; 4000 draws: 5 standard deviations
    counts = sum(~random_unstructured(np.zeros(10), 3, seed=seed) for seed in range(4000))
    expected, sd = 4000 * 0.3, math.sqrt(4000 * 0.3 * 0.7)
    assert np.all(np.abs(counts - expected) < 5 * sd), counts


# -- ln_structured by hand ---------------------------------------------------------------------
def test_ln_structured_prunes_whole_output_neurons():
    W = np.array([[1.0, 0.1, -2.0, 0.5], [1.0, 0.2, 0.0, -0.5]])   # norms 1.41, .22, 2, .71
    mask = ln_structured(W, 0.5, dim=1)
    np.testing.assert_array_equal(mask, [[True, False, True, False]] * 2)
    # L1: 2, 0.3, 2, 1 -> the tie between columns 0 and 2 is broken by position
    np.testing.assert_array_equal(ln_structured(W, 3, n=1, dim=1)[0], [False, False, True, False])
    # L-infinity: 1, 0.2, 2, 0.5
    np.testing.assert_array_equal(ln_structured(W, 2, n=np.inf, dim=1)[0],
                                  [True, False, True, False])
    # rows: norms 2.29, 1.14
    np.testing.assert_array_equal(ln_structured(W, 1, dim=0), [[True] * 4, [False] * 4])
    np.testing.assert_array_equal(ln_structured(W, 1, dim=-2), ln_structured(W, 1, dim=0))


def test_ln_structured_compounds_among_remaining_slices_on_the_masked_weight():
    W = np.array([[3.0, 1.0, 2.0, 0.5], [0.0, 1.0, 0.1, 0.5]])
    first = ln_structured(W, 1, dim=1)                 # column 3 (norm 0.71) goes
    # 0.5 of the 3 columns left -> round(1.5) = 2
    second = ln_structured(W, 0.5, dim=1, mask=first)
    np.testing.assert_array_equal(second[0], [True, False, False, False])
    # the norm is taken with pruned entries zeroed: after W[0, 0] = 3 is pruned, column 0
    # has norm 0 and goes first
    unstructured = np.ones_like(W, dtype=bool)
    unstructured[0, 0] = False
    np.testing.assert_array_equal(ln_structured(W, 1, dim=1, mask=unstructured)[0],
                                  [False, True, True, True])
    np.testing.assert_array_equal(ln_structured(W, 1, dim=1, mask=unstructured)[1],
                                  [False, True, True, True])


def test_ln_structured_rejects_bad_arguments():
    with pytest.raises(ValueError, match="2 dimensions"):
        ln_structured(np.ones(4), 0.5)
    with pytest.raises(ValueError, match="dim"):
        ln_structured(np.ones((2, 3)), 0.5, dim=2)
    for n in (0, -1, "fro", float("nan")):
        with pytest.raises(ValueError, match="n must"):
            ln_structured(np.ones((2, 3)), 0.5, n=n)
    with pytest.raises(ValueError, match="amount"):     # 3 columns, 1 already gone
        ln_structured(np.ones((2, 3)), 3, mask=[[True, True, False]] * 2)


# -- global_unstructured -----------------------------------------------------------------------
def test_global_unstructured_uses_one_threshold():
    weights = {"a": np.array([[3.0, 0.1], [0.4, 4.0]]), "b": np.array([0.2, 0.3, 5.0])}
    masks = global_unstructured(weights, 3)              # 0.1, 0.2, 0.3
    np.testing.assert_array_equal(masks["a"], [[True, False], [True, True]])
    np.testing.assert_array_equal(masks["b"], [False, False, True])
    again = global_unstructured(weights, 0.5, masks)     # round(0.5 * 4) = 2: 0.4, 3.0
    np.testing.assert_array_equal(again["a"], [[False, False], [False, True]])
    np.testing.assert_array_equal(again["b"], [False, False, True])


def test_global_unstructured_is_l1_on_the_concatenation():
    weights = {"a": distinct((4, 5), seed=1), "b": distinct((6,), seed=2) / 3}
    masks = global_unstructured(weights, 0.4)
    flat = l1_unstructured(np.concatenate([weights["a"].ravel(), weights["b"]]), 0.4)
    np.testing.assert_array_equal(np.concatenate([masks["a"].ravel(), masks["b"]]), flat)


def test_global_unstructured_rejects_masks_of_unknown_weights():
    with pytest.raises(ValueError, match="not in weights"):
        global_unstructured({"a": np.ones(3)}, 0.5, {"b": np.ones(3, dtype=bool)})
    with pytest.raises(ValueError, match="weights"):
        global_unstructured({}, 0.5)


# -- against torch.nn.utils.prune --------------------------------------------------------------
def torch_linear(torch, W):
    """A torch Linear whose weight is our (d_in, d_out) W, transposed."""
    layer = torch.nn.Linear(*W.shape, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(W.T.copy()))
    return layer


def torch_mask(layer):
    return layer.weight_mask.detach().numpy().T.astype(bool)


@pytest.mark.parametrize("amounts", [[0.3], [0.5, 0.5], [7, 0.25, 3], [0.0, 1.0], [0.35, 0.45]])
def test_l1_unstructured_matches_torch_fresh_and_compounding(amounts):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    W = distinct((6, 5), seed=3)
    layer, mask = torch_linear(torch, W), None
    for amount in amounts:
        prune.l1_unstructured(layer, "weight", amount=amount)
        mask = l1_unstructured(W, amount, mask=mask)
        np.testing.assert_array_equal(mask, torch_mask(layer))


@pytest.mark.parametrize("n", [1, 2, np.inf])
@pytest.mark.parametrize("amounts", [[0.4], [1, 0.5], [0.25, 0.34, 1]])
def test_ln_structured_matches_torch_with_our_dim_1_as_its_dim_0(n, amounts):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    W = distinct((5, 8), seed=4)
    layer, mask = torch_linear(torch, W), None
    for amount in amounts:
        prune.ln_structured(layer, "weight", amount=amount, n=n, dim=0)
        mask = ln_structured(W, amount, n=n, dim=1, mask=mask)
        np.testing.assert_array_equal(mask, torch_mask(layer))


def test_structured_after_unstructured_matches_torch():
    # the norms are taken on the pruned weight, and emptied columns are not candidates
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    W = distinct((4, 6), seed=5)
    layer = torch_linear(torch, W)
    prune.l1_unstructured(layer, "weight", amount=0.5)
    mask = l1_unstructured(W, 0.5)
    prune.ln_structured(layer, "weight", amount=0.5, n=2, dim=0)
    mask = ln_structured(W, 0.5, n=2, dim=1, mask=mask)
    np.testing.assert_array_equal(mask, torch_mask(layer))
    prune.l1_unstructured(layer, "weight", amount=2)
    mask = l1_unstructured(W, 2, mask=mask)
    np.testing.assert_array_equal(mask, torch_mask(layer))


def test_global_unstructured_matches_torch_fresh_and_compounding():
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    weights = {"first": distinct((8, 6), seed=6), "second": distinct((6, 3), seed=7) / 2}
    layers = {name: torch_linear(torch, W) for name, W in weights.items()}
    parameters = [(layers[name], "weight") for name in weights]
    masks = None
    for amount in (0.3, 10, 0.5):
        prune.global_unstructured(parameters, pruning_method=prune.L1Unstructured,
                                  amount=amount)
        masks = global_unstructured(weights, amount, masks)
        for name in weights:
            np.testing.assert_array_equal(masks[name], torch_mask(layers[name]))


def test_with_ties_torch_and_we_prune_the_same_number_below_the_same_threshold():
    # torch.topk breaks ties in an unspecified order, so the chosen entries may differ
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    W = np.round(distinct((6, 8), seed=8) * 4) / 4        # magnitudes 0, 0.25, ..., 1
    layer = torch_linear(torch, W)
    for amount in (0.3, 0.5):
        prune.l1_unstructured(layer, "weight", amount=amount)
        ours = l1_unstructured(W, amount, mask=None if amount == 0.3 else ours)
        theirs = torch_mask(layer)
        assert ours.sum() == theirs.sum()
        for mask in (ours, theirs):
            assert np.abs(W[~mask]).max() <= np.abs(W[mask]).min()
        np.testing.assert_array_equal(np.sort(np.abs(W[ours])), np.sort(np.abs(W[theirs])))


def test_random_unstructured_prunes_as_many_as_torch():
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    W = distinct((5, 5), seed=9)
    layer, mask = torch_linear(torch, W), None
    for amount in (0.3, 4, 0.5):
        prune.random_unstructured(layer, "weight", amount=amount)
        mask = random_unstructured(W, amount, mask=mask, seed=0)
        assert mask.sum() == torch_mask(layer).sum()


@pytest.mark.parametrize("amount", [-1, 1.5, 31])
def test_torch_rejects_the_amounts_we_reject(amount):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    layer = torch_linear(torch, distinct((5, 6)))
    with pytest.raises(ValueError):
        prune.l1_unstructured(layer, "weight", amount=amount)
    with pytest.raises(ValueError, match="amount"):
        l1_unstructured(distinct((5, 6)), amount)


# -- applying masks, pruning a model -----------------------------------------------------------
def test_apply_masks_zeros_in_place_and_checks_names_and_shapes():
    params = {"w": np.array([[1.0, -2.0], [3.0, -4.0]]), "b": np.array([1.0, 2.0])}
    w = params["w"]
    apply_masks(params, {"w": np.array([[True, False], [False, True]])})
    assert params["w"] is w
    np.testing.assert_array_equal(w, [[1.0, 0.0], [0.0, -4.0]])
    assert not np.signbit(w).any() or w[1, 1] < 0    # zeros are +0.0
    np.testing.assert_array_equal(params["b"], [1.0, 2.0])
    with pytest.raises(ValueError, match="no array"):
        apply_masks(params, {"v": np.ones(2, dtype=bool)})
    with pytest.raises(ValueError, match="shape"):
        apply_masks(params, {"b": np.ones(3, dtype=bool)})


def test_magnitude_prune_layer_wise_and_global():
    model = MLP([10, 20, 5], seed=0)
    bias = model.params["0.bias"]
    bias += 1.0
    masks = magnitude_prune(model, 0.7)
    report = sparsity_report(prunable_weights(model))
    assert [layer.nonzeros for layer in report.layers] == [60, 30]       # 30 % of 200 and 100
    assert set(masks) == {"0.weight", "2.weight"}
    np.testing.assert_array_equal(model.params["0.bias"], 1.0)          # biases are not pruned
    for name, mask in masks.items():
        np.testing.assert_array_equal(model.params[name] != 0, mask)
    # compounding to a higher sparsity keeps a subset
    denser = {name: mask.copy() for name, mask in masks.items()}
    masks = magnitude_prune(model, 0.9, scope="global", masks=masks)
    assert sparsity_report(prunable_weights(model)).nonzeros == 30
    assert all(not (masks[name] & ~denser[name]).any() for name in masks)
    with pytest.raises(ValueError, match="already prune"):
        magnitude_prune(model, 0.5, masks=masks)
    with pytest.raises(ValueError, match="scope"):
        magnitude_prune(model, 0.5, scope="layers")
    with pytest.raises(ValueError, match="sparsity"):
        magnitude_prune(model, 1.2)


def test_global_pruning_is_one_threshold_over_the_layers():
    model = MLP([10, 20, 5], seed=0)
    weights = {name: w.copy() for name, w in prunable_weights(model).items()}
    magnitude_prune(model, 0.6, scope="global")
    kept = np.concatenate([np.abs(weights[n][model.params[n] != 0]) for n in weights])
    pruned = np.concatenate([np.abs(weights[n][model.params[n] == 0]) for n in weights])
    assert pruned.max() < kept.min() and pruned.size == 180


# -- training a pruned model -------------------------------------------------------------------
def digits_like(n=96, d=8, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, np.argmax(X[:, :k] + 0.3 * rng.standard_normal((n, k)), axis=1)


OPTIMIZERS = {
    "SGD(momentum, weight decay)": lambda p: SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-2),
    "SGD(nesterov)": lambda p: SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    "Adam(weight decay)": lambda p: Adam(p, lr=0.01, weight_decay=1e-2),
    "AdamW": lambda p: AdamW(p, lr=0.01, weight_decay=0.1),
}


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_pruned_weights_stay_exactly_zero_through_fit(make):
    X, y = digits_like()
    model = MLP([8, 16, 16, 3], seed=0)
    optimizer = make(model.params)
    fit(model, optimizer, X, y, epochs=3, batch_size=16)       # dense: the state fills up
    before = {name: w.copy() for name, w in prunable_weights(model).items()}
    masks = magnitude_prune(model, 0.8, scope="global")
    fit(model, optimizer, X, y, epochs=5, batch_size=16, callbacks=[MaskedTraining(masks)])
    for name, mask in masks.items():
        assert np.all(model.params[name][~mask] == 0), name
        # the rest trains (a weight into a dead ReLU may not move)
        assert np.mean(model.params[name][mask] != before[name][mask]) > 0.8, name


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_without_the_callback_momentum_and_decay_revive_pruned_weights(make):
    # the control: what MaskedTraining prevents really happens
    X, y = digits_like()
    model = MLP([8, 16, 3], seed=0)
    optimizer = make(model.params)
    fit(model, optimizer, X, y, epochs=3, batch_size=16)
    masks = magnitude_prune(model, 0.8)
    fit(model, optimizer, X, y, epochs=1, batch_size=16)
    assert any(np.any(model.params[name][~mask] != 0) for name, mask in masks.items())


def masked_minibatch_step(model, loss, optimizer, X, y, rows, masks):
    """One step of a hand-written training loop with masked_step."""
    loss(model(X[rows]), y[rows])
    model.backward(loss.backward())
    masked_step(optimizer, model, masks)


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_masked_step_keeps_pruned_weights_zero_in_a_bare_loop(make):
    X, y = digits_like()
    model, loss = MLP([8, 16, 3], seed=1), CrossEntropyLoss()
    optimizer = make(model.params)
    masks = {}
    for step in range(60):
        rows = slice(16 * (step % 6), 16 * (step % 6 + 1))
        masked_minibatch_step(model, loss, optimizer, X, y, rows, masks)
        if step == 20:
            masks = magnitude_prune(model, 0.75)
    for name, mask in masks.items():
        assert np.all(model.params[name][~mask] == 0)


def torch_mlp(torch, model):
    layers = [torch_linear(torch, model.params["0.weight"]), torch.nn.ReLU(),
              torch_linear(torch, model.params["2.weight"])]
    with torch.no_grad():
        for i in (0, 2):
            layers[i].bias.copy_(torch.from_numpy(model.params[f"{i}.bias"]))
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_masked_training_matches_torchs_weight_orig_times_mask(name):
    # torch: dense steps, then prune (weight_orig keeps the same Parameter, so the optimizer
    # keeps its state), then training through the mask. Ours: masked_step. The effective
    # weights must agree, although torch's weight_orig drifts at pruned entries and ours is 0.
    torch = pytest.importorskip("torch")
    from torch.nn.utils import prune
    X, y = digits_like(n=64)
    model, loss = MLP([8, 12, 3], seed=2), CrossEntropyLoss()
    net = torch_mlp(torch, model)
    hyper = {"SGD": dict(lr=0.05, momentum=0.9, weight_decay=1e-2),
             "Adam": dict(lr=0.01, weight_decay=1e-2),
             "AdamW": dict(lr=0.01, weight_decay=0.1)}[name]
    ours = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}[name](model.params, **hyper)
    theirs = getattr(torch.optim, name)(net.parameters(), **hyper)
    masks = {}
    for step in range(40):
        rows = slice(16 * (step % 4), 16 * (step % 4 + 1))
        masked_minibatch_step(model, loss, ours, X, y, rows, masks)
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(net(torch.from_numpy(X[rows])),
                                          torch.from_numpy(y[rows])).backward()
        theirs.step()
        if step == 9:
            masks = magnitude_prune(model, 0.6, scope="global")
            for i in (0, 2):
                prune.custom_from_mask(net[i], "weight",
                                       torch.from_numpy(masks[f"{i}.weight"].T.copy()))
    for i in (0, 2):
        effective = (net[i].weight_orig * net[i].weight_mask).detach().numpy().T
        np.testing.assert_allclose(model.params[f"{i}.weight"], effective, rtol=0, atol=1e-10)
        np.testing.assert_allclose(model.params[f"{i}.bias"], net[i].bias.detach().numpy(),
                                   rtol=0, atol=1e-10)
    if name != "Adam":   # torch's hidden weight_orig has moved at pruned entries; ours is 0
        orig = net[0].weight_orig.detach().numpy().T
        assert np.any(orig[~masks["0.weight"]] != 0)


# -- the sparsity report -----------------------------------------------------------------------
def test_sparsity_report_by_hand():
    W = np.zeros((3, 4))
    W[0, 1], W[2, 3] = 1.0, -2.0
    report = sparsity_report({"W": W, "b": np.array([0.0, 5.0], dtype=np.float32)})
    first, second = report.layers
    assert (first.size, first.nonzeros, first.sparsity) == (12, 2, 10 / 12)
    assert first.dense_bytes == 96 and first.sparse_bytes == 2 * 12 + 4 * 4   # 4 row pointers
    assert second.dense_bytes == 8 and second.sparse_bytes == 8 + 2 * 4
    assert report.nonzeros == 3 and report.size == 14
    assert report.compression == 14 / 3
    assert report.byte_compression == 104 / (40 + 16)
    assert "total" in str(report) and "compression 4.7x" in str(report)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sparse_bytes_are_what_scipy_csr_stores(dtype):
    sparse = pytest.importorskip("scipy.sparse")
    W = distinct((30, 20)).astype(dtype)
    W[~l1_unstructured(W, 0.9)] = 0
    csr = sparse.csr_matrix(W)
    assert csr.indices.dtype == np.int32
    layer = sparsity_report({"W": W}).layers[0]
    assert layer.sparse_bytes == csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes


def test_sparsity_report_of_a_model_counts_every_parameter():
    model = MLP([4, 3, 2], seed=0)
    report = sparsity_report(model)
    assert report.size == model.num_params() == 23
    assert report.nonzeros == 4 * 3 + 3 * 2                   # the biases start at zero
    with pytest.raises(ValueError, match="index_bytes"):
        sparsity_report(model, index_bytes=0)


# -- gradual pruning ---------------------------------------------------------------------------
def test_cubic_schedule_values():
    assert cubic_sparsity(10, 0.9, begin_step=10, end_step=110) == 0.0
    assert cubic_sparsity(110, 0.9, begin_step=10, end_step=110) == 0.9
    # halfway: s_f + (s_i - s_f) / 8
    assert cubic_sparsity(60, 0.9, initial_sparsity=0.1, begin_step=10, end_step=110) == \
        pytest.approx(0.9 - 0.8 / 8, abs=1e-15)
    assert cubic_sparsity(35, 0.8, begin_step=10, end_step=110) == \
        pytest.approx(0.8 * (1 - 0.75 ** 3), abs=1e-15)
    values = cubic_sparsity(np.arange(0, 200), 0.9, begin_step=10, end_step=110)
    assert values[:11].max() == 0 and values[110:].min() == 0.9
    assert np.all(np.diff(values) >= 0) and np.all(np.diff(values, 2)[10:109] <= 1e-15)


def test_cubic_schedule_rejects_bad_arguments():
    with pytest.raises(ValueError, match="end_step"):
        cubic_sparsity(0, 0.9, begin_step=10, end_step=10)
    with pytest.raises(ValueError, match="initial_sparsity"):
        cubic_sparsity(0, 0.5, initial_sparsity=0.6, end_step=10)
    with pytest.raises(ValueError, match="final_sparsity"):
        cubic_sparsity(0, 1.5, end_step=10)


def test_gradual_pruning_follows_the_schedule_and_keeps_pruned_weights_zero():
    X, y = digits_like()
    model = MLP([8, 32, 3], seed=0)
    pruning = GradualPruning(0.9, begin_step=6, end_step=26, frequency=5)
    fit(model, SGD(model.params, lr=0.05, momentum=0.9), X, y, epochs=6, batch_size=16,
        callbacks=[pruning])
    steps = [t for t, _ in pruning.schedule]
    assert steps == [6, 11, 16, 21, 26]
    np.testing.assert_allclose([s for _, s in pruning.schedule],
                               0.9 - 0.9 * (1 - np.arange(5) / 4) ** 3, rtol=0, atol=1e-15)
    report = sparsity_report(prunable_weights(model))
    assert [layer.nonzeros for layer in report.layers] == [26, 10]   # round(0.1 * 256), of 96
    for name, mask in pruning.masks.items():
        assert np.all(model.params[name][~mask] == 0)
    with pytest.raises(ValueError, match="multiple of frequency"):
        GradualPruning(0.9, begin_step=1, end_step=10, frequency=4)


# -- compaction --------------------------------------------------------------------------------
def random_biases(model, seed=0):
    rng = np.random.default_rng(seed)
    for name, array in model.params.items():
        if name.endswith("bias"):
            array[...] = rng.normal(size=array.shape)
    return model


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_compact_equals_the_structurally_pruned_network(activation):
    model = random_biases(MLP([12, 20, 16, 5], activation=activation, seed=0))
    for name in ("0.weight", "2.weight"):
        apply_masks(model.params, {name: ln_structured(model.params[name], 0.5, dim=1)})
    small = compact(model)
    assert small.sizes == [12, 10, 8, 5]
    X = np.random.default_rng(1).standard_normal((50, 12))
    np.testing.assert_allclose(small(X), model(X), rtol=0, atol=1e-12)
    assert small.num_params() == 12 * 10 + 10 + 10 * 8 + 8 + 8 * 5 + 5


def test_compact_removes_neurons_without_outputs_and_cascades():
    model = random_biases(MLP([6, 8, 7, 3], seed=2), seed=3)
    model.params["2.weight"][[1, 4], :] = 0            # neurons 1, 4 of layer 1: no outputs
    model.params["2.weight"][:, 6] = 0                 # neuron 6 of layer 2: no inputs...
    model.params["0.weight"][:, [0, 2]] = 0            # ...and 0, 2 of layer 1 are constant
    X = np.random.default_rng(4).standard_normal((30, 6))
    expected = model(X)
    small = compact(model)
    assert small.sizes == [6, 4, 6, 3]
    np.testing.assert_allclose(small(X), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model(X), expected, rtol=0, atol=0)   # model is unchanged


def test_compact_keeps_one_silent_neuron_when_a_layer_dies():
    model = random_biases(MLP([4, 5, 2], seed=0))
    model.params["0.weight"][...] = 0
    X = np.random.default_rng(0).standard_normal((7, 4))
    small = compact(model)
    assert small.sizes == [4, 1, 2]
    np.testing.assert_allclose(small(X), model(X), rtol=0, atol=1e-12)


def test_compact_keeps_the_dtype_ignores_dropout_and_needs_an_mlp():
    model = MLP([5, 6, 2], dropout=0.5, seed=0, dtype=np.float32).eval()
    model.params["0.weight"][:, :3] = 0
    small = compact(model)
    assert small.dtype == np.float32 and small.sizes == [5, 3, 2]
    X = np.ones((2, 5), dtype=np.float32)
    np.testing.assert_allclose(small(X), model(X), rtol=1e-6)
    assert compact(MLP([3, 2], seed=0)).sizes == [3, 2]      # no hidden layer: a copy
    from optimlib.nn import Linear, Sequential
    with pytest.raises(ValueError, match="MLP"):
        compact(Sequential(Linear(2, 2)))


# -- lottery tickets ---------------------------------------------------------------------------
def test_rewind_point_saves_the_state_at_the_step():
    X, y = digits_like(n=48)
    for step in (0, 3):
        model = MLP([8, 6, 3], seed=0)
        initial = model.state_dict()
        point = RewindPoint(step)
        fit(model, Adam(model.params, lr=0.01), X, y, epochs=1, batch_size=16,
            callbacks=[point])                         # 3 steps in all
        expected = initial if step == 0 else model.state_dict()
        for name in expected:
            np.testing.assert_array_equal(point.state[name], expected[name])
    with pytest.raises(ValueError, match="never reached"):
        rewind(model, RewindPoint(99).state, {})


def test_rewind_and_random_reinit():
    model = random_biases(MLP([8, 10, 3], seed=0))
    initial = model.state_dict()
    masks = magnitude_prune(model, 0.5)
    model.params["0.weight"] += 1.0                     # pretend it trained
    rewind(model, initial, masks)
    for name, mask in masks.items():
        np.testing.assert_array_equal(model.params[name][mask], initial[name][mask])
        assert np.all(model.params[name][~mask] == 0)
    np.testing.assert_array_equal(model.params["0.bias"], initial["0.bias"])
    random_reinit(model, masks, seed=5)
    for name, mask in masks.items():
        assert np.all(model.params[name][~mask] == 0)
        assert not np.any(model.params[name][mask] == initial[name][mask])
    assert np.all(model.params["0.bias"] == 0)
    redrawn = model.params["0.weight"].copy()
    random_reinit(model, masks, seed=5)
    np.testing.assert_array_equal(model.params["0.weight"], redrawn)
    # same distribution as the initialization: He, variance 2 / fan_in, over many draws
    big = MLP([200, 300, 3], seed=0)
    random_reinit(big, {}, seed=1)
    assert big.params["0.weight"].std() == pytest.approx(math.sqrt(2 / 200), rel=0.01)


def test_iterative_magnitude_pruning_with_and_without_rewinding():
    X, y = digits_like()
    for rewound in (False, True):
        model = MLP([8, 16, 3], seed=0)
        start = RewindPoint(0)
        fit(model, Adam(model.params, lr=0.01), X, y, epochs=3, batch_size=16,
            callbacks=[start])
        seen = []

        def train(model, masks):
            seen.append({name: model.params[name].copy() for name in masks})
            fit(model, Adam(model.params, lr=0.01), X, y, epochs=1, batch_size=16,
                callbacks=[MaskedTraining(masks)])
            return sparsity_report(prunable_weights(model)).sparsity

        trained = {name: w.copy() for name, w in prunable_weights(model).items()}
        rounds = iterative_magnitude_pruning(model, train, [0.5, 0.75, 0.875],
                                             rewind_to=start.state if rewound else None)
        assert [r.sparsity for r in rounds] == [0.5, 0.75, 0.875]
        np.testing.assert_allclose([r.result for r in rounds], [0.5, 0.75, 0.875], atol=0.01)
        for earlier, later in zip(rounds, rounds[1:]):
            for name in later.masks:
                assert not (later.masks[name] & ~earlier.masks[name]).any()
        first = rounds[0].masks
        for name, mask in first.items():        # what the first retraining started from
            reference = start.state[name] if rewound else trained[name]
            np.testing.assert_array_equal(seen[0][name][mask], reference[mask])
    with pytest.raises(ValueError, match="increasing"):
        iterative_magnitude_pruning(model, train, [0.5, 0.4])
