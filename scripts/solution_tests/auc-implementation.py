"""Test for coding/auc-implementation: against the O(n^2) pairwise definition."""

import numpy as np


def pairwise(scores, labels):
    s, y = np.asarray(scores, float), np.asarray(labels).astype(bool)
    d = s[y][:, None] - s[~y][None, :]
    return np.mean((d > 0) + 0.5 * (d == 0))


def check(ns):
    auc = ns["roc_auc"]
    assert np.isclose(auc([0.9, 0.8, 0.8, 0.6, 0.4, 0.4], [1, 1, 0, 1, 0, 0]), 0.8333333333333334)
    assert np.allclose(ns["average_ranks"]([10, 20, 20, 5]), [2, 3.5, 3.5, 1])
    rng = np.random.default_rng(0)
    for _ in range(20):
        s = rng.integers(0, 6, size=40).astype(float)          # many ties
        y = rng.integers(0, 2, size=40)
        if y.min() == y.max():
            continue
        assert np.isclose(auc(s, y), pairwise(s, y))
    s = rng.normal(size=100)
    y = rng.integers(0, 2, size=100)
    assert np.isclose(auc(s, y), auc(np.exp(3 * s), y))             # monotone invariance
    assert np.isclose(auc(s, y) + auc(-s, y), 1.0)
    assert auc([1, 1, 1], [0, 1, 0]) == 0.5
    try:
        auc([0.1, 0.2], [1, 1])
    except ValueError:
        pass
    else:
        raise AssertionError("one-class input must raise")
