"""Test for coding/matrix-factorization-sgd: beats the bias-only baseline on held-out ratings."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    n_users, n_items, k = 60, 40, 3
    U, V = rng.normal(size=(n_users, k)), rng.normal(size=(n_items, k))
    full = 3.0 + U @ V.T + rng.normal(scale=0.1, size=(n_users, n_items))
    cells = [(u, i) for u in range(n_users) for i in range(n_items) if rng.random() < 0.5]
    data = np.array([(u, i, full[u, i]) for u, i in cells])
    rng.shuffle(data)
    train, test = data[: int(0.8 * len(data))], data[int(0.8 * len(data)):]
    model = ns["train_mf"](train, n_users, n_items, k=3, lr=0.02, reg=0.02, epochs=60)
    baseline = ns["train_mf"](train, n_users, n_items, k=1, lr=0.0, reg=0.0, epochs=0)
    mu = train[:, 2].mean()
    assert np.isclose(baseline[0], mu)
    test_rmse = ns["rmse"](model, test)
    mean_rmse = float(np.sqrt(np.mean((test[:, 2] - mu) ** 2)))
    assert test_rmse < 0.5 * mean_rmse, (test_rmse, mean_rmse)
    assert ns["rmse"](model, train) < test_rmse + 0.2
    p = ns["predict"](model, [0, 1], [2, 3])
    mu_, bu, bi, P, Q = model
    assert np.allclose(p, [mu_ + bu[0] + bi[2] + P[0] @ Q[2], mu_ + bu[1] + bi[3] + P[1] @ Q[3]])
