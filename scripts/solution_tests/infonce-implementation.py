"""Test for coding/infonce-implementation."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    n, d = 6, 5
    img, txt = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    loss = ns["clip_loss"](img, txt, temperature=0.1)
    zi = img / np.linalg.norm(img, axis=1, keepdims=True)
    zt = txt / np.linalg.norm(txt, axis=1, keepdims=True)
    s = zi @ zt.T / 0.1
    rows = -np.mean([s[i, i] - np.log(np.exp(s[i]).sum()) for i in range(n)])
    cols = -np.mean([s[i, i] - np.log(np.exp(s[:, i]).sum()) for i in range(n)])
    assert np.isclose(loss, (rows + cols) / 2)
    # scale invariance (normalisation), chance level log N, perfect alignment near 0
    assert np.isclose(ns["clip_loss"](img * 7.0, txt * 0.1, 0.1), loss)
    same = np.ones((n, d))
    assert np.isclose(ns["clip_loss"](same, same, 0.1), np.log(n))
    eye = np.eye(n)
    assert ns["clip_loss"](eye, eye, 0.01) < 1e-10
    assert np.isfinite(ns["clip_loss"](img, txt, 1e-4))   # tiny temperature: no overflow
    # matched pairs identical: lower loss than unrelated pairs
    assert ns["clip_loss"](img, img, 0.1) < ns["clip_loss"](img, txt, 0.1)
