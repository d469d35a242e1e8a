"""Test for coding/einsum-exercises: against explicit matmuls."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 5, 2))
    assert np.allclose(ns["batched_matmul"](a, b), a @ b)
    q, k, v = rng.normal(size=(2, 3, 4, 8)), rng.normal(size=(2, 3, 6, 8)), rng.normal(size=(2, 3, 6, 5))
    s = ns["attention_scores"](q, k)
    assert s.shape == (2, 3, 4, 6) and np.allclose(s, q @ k.swapaxes(-1, -2) / np.sqrt(8))
    w = rng.random((2, 3, 4, 6))
    assert np.allclose(ns["attend"](w, v), w @ v)
    x, A, y = rng.normal(size=(7, 3)), rng.normal(size=(3, 4)), rng.normal(size=(7, 4))
    assert np.allclose(ns["bilinear"](x, A, y), [x[i] @ A @ y[i] for i in range(7)])
    m = rng.normal(size=(5, 4, 4))
    assert np.allclose(ns["batched_trace"](m), np.trace(m, axis1=1, axis2=2))
    # the broadcasting trap is caught
    y_pred, y_true = np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 2.0, 4.0])
    assert np.isclose(ns["mse"](y_pred, y_true), 1 / 3)
    assert not np.isclose(np.mean((y_pred - y_true) ** 2), 1 / 3)   # what the bug would give
