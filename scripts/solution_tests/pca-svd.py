"""Test for coding/pca-svd."""

import numpy as np


def check(ns):
    X = np.array([[0, 0], [2, 2], [1, 3], [3, 1]], dtype=float)
    model = ns["pca_fit"](X, 2)
    assert np.allclose(model["explained_variance_ratio"], [0.6, 0.4])
    assert np.allclose(model["explained_variance"], [2.0, 4 / 3])
    assert np.allclose(np.abs(model["components"][0]), [1 / np.sqrt(2)] * 2)
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5)) + 10.0
    full = ns["pca_fit"](Y, 5)
    Z = ns["pca_transform"](full, Y)
    assert np.allclose(ns["pca_inverse_transform"](full, Z), Y)            # lossless at full rank
    assert np.allclose(np.cov(Z.T), np.diag(full["explained_variance"]), atol=1e-8)
    evals = np.sort(np.linalg.eigvalsh(np.cov(Y.T)))[::-1]
    assert np.allclose(full["explained_variance"], evals)
    assert np.allclose(full["components"] @ full["components"].T, np.eye(5))
    # rank-2 reconstruction error equals the discarded variance
    two = ns["pca_fit"](Y, 2)
    R = ns["pca_inverse_transform"](two, ns["pca_transform"](two, Y))
    assert np.isclose(((Y - R) ** 2).sum(), evals[2:].sum() * (len(Y) - 1))
    # deterministic signs
    again = ns["pca_fit"](Y[::-1], 5)
    assert np.allclose(again["components"], full["components"])
