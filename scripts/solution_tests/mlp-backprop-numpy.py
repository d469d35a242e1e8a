"""Test for coding/mlp-backprop-numpy: gradients against central differences, then training."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(1)
    params = ns["init_params"](4, 6, 3, rng)
    for p in params.values():
        p += rng.normal(scale=0.1, size=p.shape)  # non-zero biases
    X = rng.normal(size=(5, 4))
    y = np.array([0, 2, 1, 2, 0])
    loss, cache = ns["forward"](params, X, y)
    grads = ns["backward"](params, cache)
    h = 1e-6
    for name, p in params.items():
        assert grads[name].shape == p.shape, name
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = ns["forward"](params, X, y)[0]
            p[idx] = old - h
            down = ns["forward"](params, X, y)[0]
            p[idx] = old
            num[idx] = (up - down) / (2 * h)
        err = np.linalg.norm(num - grads[name]) / (np.linalg.norm(num) + np.linalg.norm(grads[name]))
        assert err < 1e-6, (name, err)

    # a few hundred SGD steps fit a tiny dataset
    start = loss
    for _ in range(300):
        loss, cache = ns["forward"](params, X, y)
        ns["sgd_step"](params, ns["backward"](params, cache), 0.5)
    assert loss < 0.1 * start, (start, loss)
