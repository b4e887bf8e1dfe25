"""check_batchnorm_backward accepts right answers in several styles and names each usual
mistake."""

import numpy as np
import pytest

from nnlib.exercises import check_batchnorm_backward as check

EPS = 1e-5


def compact(x, gamma, grad):
    mean, var = x.mean(axis=0), x.var(axis=0)
    inv_std = 1 / np.sqrt(var + EPS)
    x_hat = (x - mean) * inv_std
    g = grad * gamma
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, (grad * x_hat).sum(axis=0), grad.sum(axis=0)


def staged(x, gamma, grad):
    """The graph, node by node, as cs231n's staged backward."""
    batch = len(x)
    mean = x.mean(axis=0)
    centred = x - mean
    var = (centred**2).mean(axis=0)
    std = np.sqrt(var + EPS)
    x_hat = centred / std
    dx_hat = grad * gamma
    dvar = (dx_hat * centred).sum(axis=0) * -0.5 * std**-3
    dmean = -(dx_hat / std).sum(axis=0) + dvar * -2 * centred.mean(axis=0)
    dx = dx_hat / std + dvar * 2 * centred / batch + dmean / batch
    return dx, (grad * x_hat).sum(axis=0), grad.sum(axis=0)


def sums(x, gamma, grad):
    """The compact form written with sums and B, as the paper writes it."""
    batch = len(x)
    std = np.sqrt(x.var(axis=0) + EPS)
    x_hat = (x - x.mean(axis=0)) / std
    g = grad * gamma
    dx = (batch * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0)) / (batch * std)
    return [dx, np.einsum("nh,nh->h", grad, x_hat), np.einsum("nh->h", grad)]


def float32(fn):
    def wrapped(x, gamma, grad):
        return tuple(np.asarray(a, np.float32) for a in fn(*(np.asarray(a, np.float32)
                                                           for a in (x, gamma, grad))))
    wrapped.__name__ = fn.__name__
    return wrapped


@pytest.mark.parametrize("fn", [compact, staged, sums])
def test_right_answers_pass(fn, capsys):
    result = check(fn)
    assert result, result.message
    assert "is correct" in capsys.readouterr().out


def test_casting_every_input_to_float32_is_told_why_it_fails():
    # the float32 test case passes (compact keeps float32 inputs' dtype), but a tiny
    # variance in float32 cannot reach 1e-6: the message names the dtype, not a mistake
    result = check(float32(compact), verbose=False)
    assert not result and "float32 cannot reach the accuracy" in " ".join(
        result.message.split())


def _var(x, ddof=0, eps=EPS):
    return 1 / np.sqrt(x.var(axis=0, ddof=ddof) + eps)


def _x_hat(x, ddof=0, eps=EPS):
    return (x - x.mean(axis=0)) * _var(x, ddof, eps)


def constants(x, gamma, grad):
    return grad * gamma * _var(x), (grad * _x_hat(x)).sum(0), grad.sum(0)


def no_var_path(x, gamma, grad):
    g = grad * gamma
    return _var(x) * (g - g.mean(0)), (grad * _x_hat(x)).sum(0), grad.sum(0)


def no_mean_path(x, gamma, grad):
    g, xh = grad * gamma, _x_hat(x)
    return _var(x) * (g - xh * (g * xh).mean(0)), (grad * xh).sum(0), grad.sum(0)


def no_gamma(x, gamma, grad):
    return compact(x, np.ones_like(gamma), grad)[0], *compact(x, gamma, grad)[1:]


def summed_terms(x, gamma, grad):
    g, xh = grad * gamma, _x_hat(x)
    dx = _var(x) * (g - g.sum(0) - xh * (g * xh).sum(0))
    return dx, (grad * xh).sum(0), grad.sum(0)


def sign_flipped(x, gamma, grad):
    g, xh = grad * gamma, _x_hat(x)
    dx = _var(x) * (g - g.mean(0) + xh * (g * xh).mean(0))
    return dx, (grad * xh).sum(0), grad.sum(0)


def unbiased(x, gamma, grad):
    g, xh = grad * gamma, _x_hat(x, ddof=1)
    dx = _var(x, ddof=1) * (g - g.mean(0) - xh * (g * xh).mean(0))
    return dx, (grad * xh).sum(0), grad.sum(0)


def no_eps(x, gamma, grad):
    g, xh = grad * gamma, _x_hat(x, eps=0)
    dx = _var(x, eps=0) * (g - g.mean(0) - xh * (g * xh).mean(0))
    return dx, (grad * xh).sum(0), grad.sum(0)


def replace(index, make):
    def fn(x, gamma, grad):
        out = list(compact(x, gamma, grad))
        out[index] = make(x, gamma, grad)
        return tuple(out)
    return fn


WRONG = [
    (constants, "treats the batch mean and variance as constants"),
    (no_var_path, "misses the path through the variance"),
    (no_mean_path, "misses the path through the mean"),
    (no_gamma, "dx leaves out gamma"),
    (summed_terms, "sums where the compact form has means"),
    (sign_flipped, "the variance term has the wrong sign"),
    (unbiased, "divided by B - 1 (unbiased)"),
    (no_eps, "eps is missing"),
    (replace(1, lambda x, gamma, grad: grad * _x_hat(x)), "dgamma is not summed"),
    (replace(1, lambda x, gamma, grad: (grad * x).sum(0)), "dgamma uses x instead of x_hat"),
    (replace(1, lambda x, gamma, grad: (grad * _x_hat(x)).mean(0)), "averaged over the batch"),
    (replace(2, lambda x, gamma, grad: grad.mean(0)), "averaged over the batch"),
    (replace(2, lambda x, gamma, grad: grad), "dbeta is not summed"),
    (replace(2, lambda x, gamma, grad: grad.sum(1)), "summed over axis 1"),
    (lambda x, gamma, grad: compact(x, gamma, grad)[:2], "got 2 values"),
    (lambda x, gamma, grad: (compact(x, gamma, grad)[0], None, None),
     "dgamma and dbeta are still None"),
]


@pytest.mark.parametrize("fn, phrase", WRONG)
def test_wrong_answers_are_named(fn, phrase):
    result = check(fn, verbose=False)
    assert not result
    assert phrase in " ".join(result.message.split()), result.message


def test_the_stub_is_not_implemented_yet():
    def batchnorm_backward(x, gamma, grad):
        return None

    result = check(batchnorm_backward, verbose=False)
    assert not result and "not implemented yet" in result.message
