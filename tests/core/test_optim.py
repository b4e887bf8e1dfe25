"""nnlib.optim: SGD's update rule, with and without momentum and weight decay; Adam;
PyTorch's sequences of steps, Adam's steps computed by hand, which parameters decay, and
clear errors for every hyper-parameter."""

from pathlib import Path

import numpy as np
import pytest

from nnlib import SGD, Adam, BatchNorm, Linear, Model, Param, mlp, train
from nnlib import data as nn_data
from nnlib.gradcheck import rel_error

REFS = np.load(Path(__file__).parents[1] / "references" / "regularisation_torch.npz")


def _replay(name, optimizer):
    """nnlib's optimizer on PyTorch's weight (decays) and bias (does not), fed
    the same gradients; every step compared."""
    w = Param("w", REFS[f"{name}_w0"].copy(), None, decays=True)
    b = Param("b", REFS[f"{name}_b0"].copy(), None, decays=False)
    for step, (gw, gb) in enumerate(zip(REFS[f"{name}_grads_w"], REFS[f"{name}_grads_b"],
                                        strict=True)):
        params = [Param("w", w.value, gw, True), Param("b", b.value, gb, False)]
        optimizer.step(params)
        for param, key in ((w, "w"), (b, "b")):
            error = rel_error(param.value, REFS[f"{name}_{key}"][step])
            assert error <= 1e-6, f"{name} step {step + 1} {key}: {error:.1e}"


@pytest.mark.parametrize("name, optimizer", [
    ("sgd_decay", lambda: SGD(0.1, weight_decay=0.05)),
    ("sgd_momentum_decay", lambda: SGD(0.1, momentum=0.9, weight_decay=0.05)),
    ("adam", lambda: Adam(0.01)),
    ("adam_decay", lambda: Adam(0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
])
def test_agrees_with_pytorch_step_by_step(name, optimizer):
    _replay(name, optimizer())


def test_adam_by_hand():
    """Three steps of Adam on one number, theta0 = 1, gradients 2, -1, 0.5, written out
    with lr 0.1, betas (0.9, 0.999), eps 1e-8."""
    theta = Param("theta", np.array([1.0]), None)
    adam = Adam(0.1)
    expected = []
    # step 1: s = 0.1 * 2 = 0.2, r = 0.001 * 4 = 0.004; bias-corrected s_hat = 0.2 / 0.1 = 2,
    # r_hat = 0.004 / 0.001 = 4: the first step is lr * g / |g|, whatever g's size
    expected.append(1.0 - 0.1 * 2 / (np.sqrt(4) + 1e-8))
    # step 2: s = 0.9 * 0.2 + 0.1 * (-1) = 0.08, r = 0.999 * 0.004 + 0.001 * 1 = 0.004996
    s_hat, r_hat = 0.08 / (1 - 0.9**2), 0.004996 / (1 - 0.999**2)
    expected.append(expected[-1] - 0.1 * s_hat / (np.sqrt(r_hat) + 1e-8))
    # step 3: s = 0.9 * 0.08 + 0.1 * 0.5 = 0.122, r = 0.999 * 0.004996 + 0.001 * 0.25
    s_hat = 0.122 / (1 - 0.9**3)
    r_hat = (0.999 * 0.004996 + 0.00025) / (1 - 0.999**3)
    expected.append(expected[-1] - 0.1 * s_hat / (np.sqrt(r_hat) + 1e-8))
    got = []
    for g in (2.0, -1.0, 0.5):
        adam.step([Param("theta", theta.value, np.array([g]))])
        got.append(theta.value[0])
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.isclose(got[0], 0.9)  # the first step: exactly lr, against the sign of g


def test_sgd_weight_decay_adds_wd_times_w_to_the_gradient_of_weights_only():
    w = Param("w", np.array([2.0, -4.0]), np.array([0.5, 0.5]), decays=True)
    b = Param("b", np.array([3.0]), np.array([1.0]), decays=False)
    SGD(0.1, weight_decay=0.5).step([w, b])
    np.testing.assert_allclose(w.value, [2.0 - 0.1 * (0.5 + 0.5 * 2.0),
                                         -4.0 - 0.1 * (0.5 + 0.5 * -4.0)])
    np.testing.assert_allclose(b.value, [3.0 - 0.1 * 1.0])


def test_which_parameters_decay_is_each_layers_declaration():
    model = mlp(3, [4], 2)
    model.layers.insert(1, BatchNorm(4))
    decays = {p.name: p.decays for p in model.parameters()}
    assert decays == {"layers[0].w": True, "layers[0].b": False, "layers[1].gamma": False,
                      "layers[1].beta": False, "layers[3].w": True, "layers[3].b": False}
    assert Linear(2, 2).decay_names == ("w",)


def test_weight_decay_zero_is_the_plain_step():
    rng = np.random.default_rng(0)
    value, grad = rng.normal(size=5), rng.normal(size=5)
    a, b = (Param("w", value.copy(), grad, decays=True) for _ in range(2))
    SGD(0.1, momentum=0.9).step([a])
    SGD(0.1, momentum=0.9, weight_decay=0).step([b])
    np.testing.assert_array_equal(a.value, b.value)


def test_adam_keeps_float32():
    theta = Param("theta", np.ones(3, np.float32), np.ones(3, np.float32), decays=True)
    Adam(0.1, weight_decay=0.1).step([theta])
    assert theta.value.dtype == np.float32


def test_a_missing_gradient_is_named():
    with pytest.raises(ValueError, match=r"no gradient for 'w': call backward\(\) first"):
        Adam().step([Param("w", np.ones(2), None)])


@pytest.mark.parametrize("make, message", [
    (lambda: Adam(lr=0), r"learning rate must be a finite number > 0; got 0"),
    (lambda: Adam(lr=True), r"learning rate must be a finite number > 0; got True"),
    (lambda: Adam(betas=0.9), r"betas must be a pair \(beta1, beta2\) of numbers in "
                              r"\[0, 1\); got 0.9"),
    (lambda: Adam(betas=(0.9, 0.99, 0.9)), r"betas must be a pair"),
    (lambda: Adam(betas=(0.9, 1.0)), r"betas\[1\] must be a number in \[0, 1\); got 1.0"),
    (lambda: Adam(betas=(-0.1, 0.999)), r"betas\[0\] must be a number in \[0, 1\); got -0.1"),
    (lambda: Adam(betas=("0.9", 0.999)), r"betas\[0\] must be a number in \[0, 1\); got '0.9'"),
    (lambda: Adam(eps=0), r"eps must be a finite number > 0; got 0"),
    (lambda: Adam(weight_decay=-1e-4), r"weight_decay must be a finite number >= 0; got"),
    (lambda: Adam(weight_decay=float("inf")), r"weight_decay must be a finite number >= 0"),
    (lambda: SGD(0.1, weight_decay=-0.01), r"weight_decay must be a finite number >= 0; "
                                           r"got -0.01"),
    (lambda: SGD(0.1, weight_decay=False), r"weight_decay must be a finite number >= 0; "
                                           r"got False"),
    (lambda: SGD(0.1, momentum=1.0), r"momentum must be a number in \[0, 1\); got 1.0"),
])
def test_bad_hyper_parameters_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_numpy_numbers_are_accepted():
    adam = Adam(np.float32(0.01), betas=(np.float64(0.9), np.float32(0.99)),
                eps=np.float64(1e-8), weight_decay=np.int64(0))
    assert adam.lr == pytest.approx(0.01) and adam.betas[1] == pytest.approx(0.99)
    assert SGD(np.float64(0.1), weight_decay=np.float32(0.5)).weight_decay == 0.5


# --- SGD: the update rule and its arguments -------------------------------------

@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1"])
def test_bad_learning_rate(lr):
    with pytest.raises(ValueError, match="learning rate must be a finite number > 0"):
        SGD(lr)
    x, labels = nn_data.article_data()
    with pytest.raises(ValueError, match="learning rate"):
        train(Model([Linear(2, 2)]), x, labels, lr=lr)


def test_momentum_follows_its_update_rule():
    # v <- m v - lr g; p <- p + v, with a known sequence of gradients
    layer = Linear(1, 1)
    layer.w[...] = 1.0
    optimizer = SGD(lr=0.5, momentum=0.9)
    expected_w, velocity = 1.0, 0.0
    for grad in [1.0, 2.0, -1.0, 0.0]:
        layer.dw, layer.db = np.array([[grad]]), np.array([0.0])
        optimizer.step(layer.parameters())
        velocity = 0.9 * velocity - 0.5 * grad
        expected_w += velocity
        assert layer.w[0, 0] == pytest.approx(expected_w, abs=1e-15)
    assert expected_w == pytest.approx(-2.4795)  # worked by hand: v = -0.5, -1.45, -0.805, -0.7245


def test_momentum_zero_is_plain_gradient_descent():
    x, labels = nn_data.article_data()
    plain = train(Model([Linear(2, 2)]), x, labels, epochs=30).loss
    zero = train(Model([Linear(2, 2)]), x, labels, epochs=30,
                 optimizer=SGD(0.1, momentum=0.0)).loss
    np.testing.assert_array_equal(plain, zero)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, "0.9"])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\)"):
        SGD(0.1, momentum=momentum)


@pytest.mark.parametrize("lr", [np.float32(0.1), np.float64(0.5), np.int64(1), 2])
def test_learning_rates_of_any_numpy_real_type_are_accepted(lr):
    """A rate from np.logspace or np.float32 is a NumPy scalar: it is a real number."""
    assert SGD(lr).lr == float(lr)
    assert SGD(0.1, momentum=np.float32(0.5)).momentum == 0.5


@pytest.mark.parametrize("lr", [True, np.bool_(True)])
def test_a_bool_is_not_a_learning_rate(lr):
    with pytest.raises(ValueError, match="learning rate must be a finite number > 0; got"):
        SGD(lr)
