"""Test for coding/focal-loss-implementation."""

import numpy as np


def reference(z, y, alpha, gamma):
    p = 1 / (1 + np.exp(-z))
    pt = np.where(y == 1, p, 1 - p)
    at = np.where(y == 1, alpha, 1 - alpha)
    return -at * (1 - pt) ** gamma * np.log(pt)


def check(ns):
    f = ns["focal_loss_with_logits"]
    p = np.array([0.9, 0.2, 0.6])
    z = np.log(p / (1 - p))
    y = np.array([1, 0, 0])
    assert np.isclose(f(z, y, 0.25, 2.0), 0.0847854018115309)
    assert np.isclose(f(z, y, 0.25, 0.0), 0.2936386137685767)
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3, size=50)
    y = rng.integers(0, 2, size=50)
    assert np.isclose(f(z, y, 0.25, 2.0), reference(z, y, 0.25, 2.0).mean())
    assert np.isclose(f(z, y, 0.25, 2.0, normalizer=y.sum()), reference(z, y, 0.25, 2.0).sum() / y.sum())
    # gamma = 0, alpha = 0.5 is half the binary cross-entropy
    bce = np.mean(np.logaddexp(0, z) - y * z)
    assert np.isclose(f(z, y, 0.5, 0.0), 0.5 * bce)
    # extreme logits stay finite and correct
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        big = f(np.array([200.0, -200.0]), np.array([0, 1]), 0.25, 2.0, normalizer=1)
    assert np.isclose(big, 0.75 * 200 + 0.25 * 200)
    assert f(np.array([50.0]), np.array([1]), 0.25, 2.0) < 1e-40
