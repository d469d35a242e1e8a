"""Test for coding/gradient-check."""

import numpy as np


def check(ns):
    f = lambda x: np.sum(x**3) + np.sum(np.sin(x))  # noqa: E731
    grad = lambda x: 3 * x**2 + np.cos(x)  # noqa: E731
    x = np.array([[2.0, -1.0], [0.5, 0.3]])
    before = x.copy()
    ok, err = ns["gradient_check"](f, grad, x)
    assert ok and err < 1e-8, err
    assert np.array_equal(x, before)  # the input is not modified
    ok, err = ns["gradient_check"](f, lambda x: 3 * x**2, x)  # cos term missing
    assert not ok and err > 1e-3, err
    assert ns["relative_error"]([0.0], [0.0]) == 0.0
    assert np.allclose(ns["numerical_gradient"](f, x), grad(x), atol=1e-8)
