"""Test for coding/decision-tree-split: against a brute-force O(n^2) search."""

import numpy as np


def gini(labels):
    if len(labels) == 0:
        return 0.0
    p = np.bincount(labels) / len(labels)
    return 1 - np.sum(p**2)


def brute(x, y):
    best = None
    for t in np.unique(x)[:-1]:
        thr = (t + np.min(x[x > t])) / 2
        w = (np.sum(x <= thr) * gini(y[x <= thr]) + np.sum(x > thr) * gini(y[x > thr])) / len(x)
        if best is None or w < best[1] - 1e-12:
            best = (thr, w)
    return best


def check(ns):
    t, w, gain = ns["best_split"]([1, 2, 3, 4, 5, 6, 7], [0, 0, 1, 0, 1, 1, 1])
    assert np.isclose(t, 4.5) and np.isclose(w, 0.21428571428571427) and np.isclose(gain, 0.27551020408163274)
    rng = np.random.default_rng(0)
    for _ in range(30):
        x = rng.integers(0, 8, size=25).astype(float)        # many repeated values
        y = rng.integers(0, 3, size=25)
        result = ns["best_split"](x, y, 3)
        expected = brute(x, y)
        if expected is None:
            assert result is None
            continue
        assert np.isclose(result[0], expected[0]) and np.isclose(result[1], expected[1])
        assert np.isclose(result[2], gini(y) - expected[1])
    assert ns["best_split"]([2.0, 2.0, 2.0], [0, 1, 0]) is None
