"""Test for coding/batchnorm-forward-backward."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    bn = ns["BatchNorm1d"](3)
    bn.gamma = rng.normal(size=3)
    bn.beta = rng.normal(size=3)
    x = rng.normal(loc=2.0, scale=3.0, size=(6, 3))

    y = bn.forward(x)
    assert np.allclose(((y - bn.beta) / bn.gamma).mean(axis=0), 0, atol=1e-12)
    assert np.allclose(bn.running_mean, 0.1 * x.mean(axis=0))
    assert np.allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=0, ddof=1))

    # training-mode gradients against central differences of sum(y * w)
    w = rng.normal(size=(6, 3))

    def loss(xx):
        b = ns["BatchNorm1d"](3)
        b.gamma, b.beta = bn.gamma, bn.beta
        return np.sum(b.forward(xx) * w)

    bn.forward(x)
    dx = bn.backward(w)
    h = 1e-6
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        num[idx] = (loss(up) - loss(down)) / (2 * h)
    assert np.allclose(dx, num, atol=1e-6), np.abs(dx - num).max()
    xh = (x - x.mean(0)) / np.sqrt(x.var(0) + bn.eps)
    assert np.allclose(bn.dgamma, (w * xh).sum(0)) and np.allclose(bn.dbeta, w.sum(0))

    # eval mode: running statistics, batch-independent, affine gradient
    bn.training = False
    rm, rv = bn.running_mean.copy(), bn.running_var.copy()
    y_eval = bn.forward(x)
    assert np.allclose(y_eval, bn.gamma * (x - rm) / np.sqrt(rv + bn.eps) + bn.beta)
    assert np.allclose(bn.forward(x[:1]), y_eval[:1])
    assert np.array_equal(bn.running_mean, rm)
    assert np.allclose(bn.backward(w), w * bn.gamma / np.sqrt(rv + bn.eps))
