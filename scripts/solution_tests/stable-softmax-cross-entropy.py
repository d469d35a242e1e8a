"""Test for coding/stable-softmax-cross-entropy: loss and gradient from raw logits."""

import numpy as np


def check(ns):
    f = ns["softmax_cross_entropy"]
    loss, grad = f([[1000.0, 1001.0, 1002.0]], [0])
    assert np.isfinite(loss) and abs(loss - 2.4076059644443806) < 1e-9, loss

    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 5)) * 3
    targets = np.array([0, 3, 1, 4])
    loss, grad = f(logits, targets)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert abs(loss - (-np.log(p[np.arange(4), targets]).mean())) < 1e-12
    # gradient matches a central finite difference of the mean loss
    eps = 1e-6
    num = np.zeros_like(logits)
    for idx in np.ndindex(*logits.shape):
        up, down = logits.copy(), logits.copy()
        up[idx] += eps
        down[idx] -= eps
        num[idx] = (f(up, targets)[0] - f(down, targets)[0]) / (2 * eps)
    assert np.allclose(grad, num, atol=1e-7)
