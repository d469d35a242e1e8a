"""Test for coding/welford-running-stats."""

import numpy as np


def check(ns):
    RS = ns["RunningStats"]
    a, b = RS(), RS()
    for x in [2, 4, 4, 4]:
        a.update(x)
    for x in [5, 5, 7, 9]:
        b.update(x)
    assert (a.n, a.mean, a.m2) == (4, 3.5, 3.0)
    a.merge(b)
    assert a.n == 8 and np.isclose(a.mean, 5.0) and np.isclose(a.m2, 32.0) and np.isclose(a.variance(), 4.0)
    # numerically stable where the naive formula fails
    s = RS()
    for x in 1e9 + np.array([4.0, 7.0, 13.0, 16.0]):
        s.update(x)
    assert np.isclose(s.variance(), 22.5) and np.isclose(s.variance(ddof=1), 30.0)
    # merging shards in any order equals one pass; works elementwise on arrays
    rng = np.random.default_rng(0)
    data = rng.normal(loc=3, scale=2, size=(101, 4))
    whole = RS()
    for row in data:
        whole.update(row)
    shards = []
    for chunk in np.array_split(data, 5):
        r = RS()
        for row in chunk:
            r.update(row)
        shards.append(r)
    merged = RS()
    for r in shards[::-1]:
        merged.merge(r)
    assert np.allclose(merged.mean, data.mean(0)) and np.allclose(merged.variance(ddof=1), data.var(0, ddof=1))
    assert np.allclose(whole.variance(), data.var(0))
    empty = RS().merge(RS())
    assert empty.n == 0
