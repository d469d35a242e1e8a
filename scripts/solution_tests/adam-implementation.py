"""Test for coding/adam-implementation: against an independent AdamW and the worked example."""

import math

import numpy as np


def check(ns):
    AdamW = ns["AdamW"]
    p = [np.array([1.0, -2.0])]
    opt = AdamW(p, lr=0.01, weight_decay=0.1)
    opt.step([np.array([0.5, -0.001])])
    assert np.allclose(p[0], [0.9890000002, -1.988000099999], atol=1e-12), p[0]

    # several steps against a scalar re-implementation
    rng = np.random.default_rng(0)
    theta = rng.normal(size=4)
    params = [theta.copy()]
    opt = AdamW(params, lr=0.05, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    ref, m, v = theta.copy(), np.zeros(4), np.zeros(4)
    for t in range(1, 21):
        g = rng.normal(size=4)
        opt.step([g])
        ref = ref * (1 - 0.05 * 0.1)
        m = 0.9 * m + 0.1 * g
        v = 0.95 * v + 0.05 * g * g
        ref = ref - 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.95**t)) + 1e-8)
    assert np.allclose(params[0], ref, atol=1e-12)

    # minimises a quadratic; with weight decay 0 it converges to the minimum
    w = [np.array([5.0, -3.0])]
    opt = AdamW(w, lr=0.1, weight_decay=0.0)
    for _ in range(2000):
        opt.step([2 * (w[0] - np.array([1.0, 2.0]))])
    assert np.allclose(w[0], [1.0, 2.0], atol=1e-2), w[0]
    assert math.isclose(opt.t, 2000)
