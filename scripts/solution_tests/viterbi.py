"""Test for coding/viterbi: against brute-force enumeration."""

import itertools

import numpy as np


def check(ns):
    pi = np.array([0.6, 0.4])
    A = np.array([[0.7, 0.3], [0.4, 0.6]])
    B = np.array([[0.1, 0.4, 0.5], [0.6, 0.3, 0.1]])
    path, logp = ns["viterbi"](pi, A, B, [0, 1, 2])
    assert path == [1, 0, 0] and np.isclose(logp, np.log(0.01344))
    rng = np.random.default_rng(0)
    for _ in range(10):
        S, O, T = 3, 4, 5
        pi = rng.dirichlet(np.ones(S))
        A = rng.dirichlet(np.ones(S), size=S)
        A[0, 1] = 0.0                                   # an impossible transition
        A /= A.sum(1, keepdims=True)
        B = rng.dirichlet(np.ones(O), size=S)
        obs = rng.integers(0, O, size=T)
        best, best_p = None, -1
        for p in itertools.product(range(S), repeat=T):
            prob = pi[p[0]] * B[p[0], obs[0]] * np.prod([A[p[t - 1], p[t]] * B[p[t], obs[t]] for t in range(1, T)])
            if prob > best_p:
                best, best_p = list(p), prob
        path, logp = ns["viterbi"](pi, A, B, obs)
        assert path == best and np.isclose(logp, np.log(best_p))
    # long sequences do not underflow
    obs = rng.integers(0, 3, size=2000)
    path, logp = ns["viterbi"](np.array([0.5, 0.5]), np.array([[0.9, 0.1], [0.1, 0.9]]),
                               np.array([[0.5, 0.4, 0.1], [0.1, 0.4, 0.5]]), obs)
    assert len(path) == 2000 and np.isfinite(logp)
