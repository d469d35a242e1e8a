"""Test for coding/rope-implementation."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    d, L = 8, 6
    cos, sin = ns["rope_tables"](L, d)
    x = rng.normal(size=(L, d))
    for apply in (ns["apply_rope"], ns["apply_rope_interleaved"]):
        y = apply(x, cos, sin)
        assert np.allclose(np.linalg.norm(y, axis=-1), np.linalg.norm(x, axis=-1))  # rotation
        assert np.allclose(y[0], x[0])                                               # position 0
    # scores depend only on the relative offset
    q, k = rng.normal(size=d), rng.normal(size=d)
    cos, sin = ns["rope_tables"](40, d)

    def rotated(v, p):
        return ns["apply_rope"](v[None], cos[p:p + 1], sin[p:p + 1])[0]

    s1 = rotated(q, 7) @ rotated(k, 3)
    s2 = rotated(q, 30) @ rotated(k, 26)
    assert np.isclose(s1, s2)
    # the two pairings differ by a permutation of the head dimensions
    perm = np.concatenate([np.arange(0, d, 2), np.arange(1, d, 2)])   # interleaved -> half-split
    cos, sin = ns["rope_tables"](L, d)
    assert np.allclose(ns["apply_rope"](x[:, perm], cos, sin), ns["apply_rope_interleaved"](x, cos, sin)[:, perm])
    # pair 0 of position p is rotated by angle p (theta_0 = 1)
    e = np.zeros(d)
    e[0] = 1.0
    cos, sin = ns["rope_tables"](3, d)
    assert np.allclose(ns["apply_rope"](np.tile(e, (3, 1)), cos, sin)[2, [0, d // 2]], [np.cos(2), np.sin(2)])
    # offset for a KV cache: rotating with offset equals slicing the longer table
    qb, kb = rng.normal(size=(1, 2, 3, d)), rng.normal(size=(1, 2, 3, d))
    q1, k1 = ns["rotate_qk"](qb, kb, offset=5)
    full_cos, full_sin = ns["rope_tables"](8, d)
    assert np.allclose(q1, ns["apply_rope"](qb, full_cos[5:], full_sin[5:]))
    assert np.allclose(k1, ns["apply_rope"](kb, full_cos[5:], full_sin[5:]))
