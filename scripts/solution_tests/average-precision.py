"""Test for coding/average-precision."""

import numpy as np


def check(ns):
    ap = ns["average_precision"]
    assert np.isclose(ap([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 0, 1]), 0.7555555555555555)
    assert np.isclose(ap([0.9, 0.1], [1, 0]), 1.0)
    # ties: the whole tied group is accepted at once, so order inside it does not matter
    a = ap([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])
    b = ap([0.9, 0.5, 0.5, 0.1], [1, 0, 1, 0])
    assert np.isclose(a, b) and np.isclose(a, 0.5 * 1 + 0.5 * (2 / 3))
    p, r, t = ns["precision_recall_curve"]([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])
    assert np.allclose(p, [1, 2 / 3, 0.5]) and np.allclose(r, [0.5, 1, 1]) and np.allclose(t, [0.9, 0.5, 0.1])
    # without ties AP is the mean precision at the positives' ranks
    rng = np.random.default_rng(0)
    s = rng.normal(size=50)
    y = rng.integers(0, 2, size=50)
    order = np.argsort(-s)
    hits = np.cumsum(y[order])
    ranks = np.arange(1, 51)
    expected = np.mean((hits / ranks)[y[order] == 1])
    assert np.isclose(ap(s, y), expected)
