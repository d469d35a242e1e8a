"""Test for coding/dropout-implementation."""

import numpy as np


def check(ns):
    fwd, bwd = ns["dropout_forward"], ns["dropout_backward"]
    rng = np.random.default_rng(0)
    x = np.ones((2000, 100))
    for p in (0.1, 0.5, 0.8):
        y, mask = fwd(x, p, True, rng)
        kept = y != 0
        assert abs(kept.mean() - (1 - p)) < 0.01
        assert np.allclose(y[kept], 1 / (1 - p))           # survivors scaled by 1/(1-p)
        assert abs(y.mean() - 1.0) < 0.02                    # expectation preserved
        dout = rng.normal(size=x.shape)
        assert np.array_equal(bwd(dout, mask), dout * mask)  # same mask in backward
        assert np.array_equal(bwd(dout, mask) != 0, kept)
    y, mask = fwd(x, 0.5, False, rng)
    assert np.array_equal(y, x) and np.array_equal(bwd(x, mask), x)  # eval: identity
    y, _ = fwd(x, 1.0, True, rng)
    assert np.all(y == 0)
