"""Test for coding/em-gmm."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    a = rng.multivariate_normal([0, 0], [[1.0, 0.6], [0.6, 1.0]], size=600)
    b = rng.multivariate_normal([6, 3], [[0.5, 0.0], [0.0, 2.0]], size=300)
    X = np.concatenate([a, b])
    weights, means, covs, history = ns["em_gmm"](X, 2, np.random.default_rng(3))
    j = int(np.argmin(np.linalg.norm(means - [0, 0], axis=1)))
    assert np.allclose(means[j], [0, 0], atol=0.2) and np.allclose(means[1 - j], [6, 3], atol=0.3)
    assert np.allclose(weights[j], 2 / 3, atol=0.03)
    assert np.allclose(covs[j], [[1.0, 0.6], [0.6, 1.0]], atol=0.2)
    # log-likelihood never decreases (up to round-off)
    diffs = np.diff(history)
    assert np.all(diffs > -1e-8 * np.abs(np.array(history[1:]))), diffs.min()
    # log density matches the textbook formula
    x = rng.normal(size=(4, 2))
    cov = np.array([[2.0, 0.3], [0.3, 0.5]])
    m = np.array([0.5, -1.0])
    diff = x - m
    expected = -0.5 * (2 * np.log(2 * np.pi) + np.log(np.linalg.det(cov))
                       + np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff))
    assert np.allclose(ns["log_gaussian"](x, m, cov), expected)
    # high-dimensional data: no underflow to NaN
    Z = np.concatenate([rng.normal(size=(50, 60)), rng.normal(size=(50, 60)) + 3])
    w, mu, _, h = ns["em_gmm"](Z, 2, np.random.default_rng(0), n_iter=30, reg=1e-3)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(mu)) and np.all(np.isfinite(h))
