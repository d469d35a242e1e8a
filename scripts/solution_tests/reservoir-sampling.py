"""Test for coding/reservoir-sampling: inclusion probabilities are k/n."""

import random

import numpy as np


def check(ns):
    rs = ns["reservoir_sample"]
    rng = random.Random(0)
    assert sorted(rs(range(3), 5, rng)) == [0, 1, 2]               # fewer items than k
    n, k, trials = 20, 5, 20000
    counts = np.zeros(n)
    for _ in range(trials):
        sample = rs(iter(range(n)), k, rng)
        assert len(sample) == k and len(set(sample)) == k
        counts[sample] += 1
    freq = counts / trials
    # each item is included with probability k/n = 0.25; 4 standard errors is about 0.012
    assert np.all(np.abs(freq - k / n) < 0.015), freq
    # weighted: an item with 9x the weight is chosen far more often as the single sample
    wins = sum(ns["weighted_reservoir_sample"]([("a", 1.0), ("b", 9.0)], 1, rng)[0] == "b" for _ in range(5000))
    assert abs(wins / 5000 - 0.9) < 0.02, wins
    w = ns["weighted_reservoir_sample"]([(i, 1.0) for i in range(10)], 3, rng)
    assert len(set(w)) == 3
