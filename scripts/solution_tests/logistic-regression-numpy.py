"""Test for coding/logistic-regression-numpy."""

import numpy as np


def check(ns):
    sigmoid, loss_and_grad = ns["sigmoid"], ns["loss_and_grad"]
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # overflow or log(0) is an error
        s = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        loss, _, _ = loss_and_grad(np.array([1.0]), 0.0, np.array([[-800.0], [800.0]]), np.array([1.0, 0.0]))
    assert np.allclose(s, [0.0, 0.5, 1.0])
    assert abs(loss - 800.0) < 1e-9, loss

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    true_w, true_b = np.array([2.0, -1.0, 0.5]), 0.3
    y = (rng.random(400) < 1 / (1 + np.exp(-(X @ true_w + true_b)))).astype(float)

    # analytic gradient matches central differences
    w, b = rng.normal(size=3), 0.1
    _, gw, gb = loss_and_grad(w, b, X, y, l2=0.1)
    h = 1e-6
    for i in range(3):
        e = np.zeros(3)
        e[i] = h
        num = (loss_and_grad(w + e, b, X, y, 0.1)[0] - loss_and_grad(w - e, b, X, y, 0.1)[0]) / (2 * h)
        assert abs(num - gw[i]) < 1e-6
    num_b = (loss_and_grad(w, b + h, X, y, 0.1)[0] - loss_and_grad(w, b - h, X, y, 0.1)[0]) / (2 * h)
    assert abs(num_b - gb) < 1e-6

    # training converges to a stationary point and classifies well
    w, b = ns["fit_logistic_regression"](X, y, lr=0.5, epochs=3000, l2=0.01)
    _, gw, gb = loss_and_grad(w, b, X, y, l2=0.01)
    assert np.linalg.norm(gw) < 1e-6 and abs(gb) < 1e-6
    acc = np.mean((ns["predict_proba"](X, w, b) > 0.5) == y)
    bayes = np.mean(((X @ true_w + true_b) > 0) == y)  # accuracy of the true model
    assert acc > bayes - 0.03, (acc, bayes)
    assert np.sign(w[0]) == 1 and np.sign(w[1]) == -1
