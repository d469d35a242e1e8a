"""Test for coding/pairwise-distances-knn."""

import numpy as np


def check(ns):
    d = ns["pairwise_sq_dists"]
    assert np.allclose(d([[0, 0], [1, 1]], [[3, 4], [1, 0]]), [[25, 1], [13, 1]])
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(7, 4)), rng.normal(size=(9, 4))
    assert np.allclose(d(A, B), ((A[:, None] - B[None]) ** 2).sum(-1))
    far = rng.normal(size=(50, 3)) * 1e-4 + 1e4                # cancellation-prone
    assert np.all(d(far, far) >= 0) and np.all(np.isfinite(np.sqrt(d(far, far))))
    # kNN on separable blobs, and a tie broken by the nearest neighbour
    X = np.concatenate([rng.normal(size=(50, 2)), rng.normal(size=(50, 2)) + 6])
    y = np.array([0] * 50 + [1] * 50)
    assert np.array_equal(ns["knn_predict"](X, y, np.array([[0.0, 0.0], [6.0, 6.0]]), k=5), [0, 1])
    Xt = np.array([[0.0], [1.0], [3.0], [4.0]])
    yt = np.array([1, 0, 1, 0])
    # query 1.9: neighbours by distance 1.0 (label 0), 3.0 (label 1) -> k=2 tie -> nearest wins
    assert ns["knn_predict"](Xt, yt, np.array([[1.9]]), k=2)[0] == 0
    assert ns["knn_predict"](Xt, yt, np.array([[2.2]]), k=2)[0] == 1
    assert np.array_equal(ns["knn_predict"](X, y, X, k=1), y)
