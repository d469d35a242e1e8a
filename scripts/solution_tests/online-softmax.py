"""Test for coding/online-softmax."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(5, 8)), rng.normal(size=(13, 8)), rng.normal(size=(13, 3))
    ref = ns["attention_reference"](q, k, v)
    s = q @ k.T / np.sqrt(8)
    w = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    assert np.allclose(ref, w @ v)
    for block in (1, 2, 4, 5, 13, 64):
        assert np.allclose(ns["flash_attention"](q, k, v, block), ref), block
    # huge scores do not overflow
    big = ns["flash_attention"](q * 1000, k, v, 4)
    assert np.all(np.isfinite(big)) and np.allclose(big, ns["attention_reference"](q * 1000, k, v))
    # the worked example: one query whose scores are [1, 3, 2, 5] gives the softmax weights
    qq = np.array([[1.0]])
    kk = np.array([[1.0], [3.0], [2.0], [5.0]])
    out = ns["flash_attention"](qq, kk, np.eye(4), block_size=2)
    assert np.allclose(out[0], [0.01521942886415593, 0.11245721367093256, 0.041370696920960154, 0.8309526605439514])
