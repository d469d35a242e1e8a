"""Test for coding/kmeans-implementation."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    true = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    X = np.concatenate([c + rng.normal(scale=0.5, size=(100, 2)) for c in true])
    centers, labels, inertia = ns["kmeans"](X, 3, np.random.default_rng(1))
    # each true centre is matched by a found centre
    for c in true:
        assert np.min(np.linalg.norm(centers - c, axis=1)) < 0.3
    # fixed point: labels are nearest centres, centres are cluster means
    d2 = ((X[:, None, :] - centers[None]) ** 2).sum(-1)
    assert np.array_equal(labels, d2.argmin(1))
    for j in range(3):
        assert np.allclose(centers[j], X[labels == j].mean(0))
    assert np.isclose(inertia, d2.min(1).sum())
    # k-means++ picks distinct seeds spread over the clusters
    seeds = ns["kmeans_plus_plus"](X, 3, np.random.default_rng(2))
    assert len({tuple(np.round(s, 6)) for s in seeds}) == 3
    # duplicated points and k larger than the number of distinct points: no NaN
    Y = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5)
    c, lab, inert = ns["kmeans"](Y, 3, np.random.default_rng(0))
    assert np.all(np.isfinite(c)) and np.isclose(inert, 0.0)
