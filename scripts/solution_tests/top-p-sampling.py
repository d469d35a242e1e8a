"""Test for coding/top-p-sampling."""

import numpy as np


def check(ns):
    f = ns["filtered_probs"]
    logits = [2.0, 1.0, 0.0, -1.0]
    assert np.allclose(f(logits, top_p=0.9), [0.665240955774822, 0.24472847105479767, 0.09003057317038046, 0.0])
    assert np.allclose(f(logits, temperature=0.5, top_k=2), [0.8807970779778824, 0.11920292202211757, 0, 0])
    assert np.allclose(f(logits, temperature=0), [1, 0, 0, 0])
    p = np.exp(logits) / np.exp(logits).sum()
    assert np.allclose(f(logits), p)
    assert np.allclose(f(logits, temperature=2.0), np.exp(np.array(logits) / 2) / np.exp(np.array(logits) / 2).sum())
    # a confident model: the crossing token is kept, so top-p never empties the support
    assert np.allclose(f([10.0, 0.0, 0.0], top_p=0.5), [1, 0, 0])
    # top-k then top-p combine
    q = f([3.0, 2.9, 2.8, 0.0, -5.0], top_k=3, top_p=0.6)
    assert q[3] == 0 and q[4] == 0 and np.isclose(q.sum(), 1.0)
    # huge logits do not overflow
    assert np.all(np.isfinite(f([1000.0, 999.0])))
    # empirical sampling frequencies follow the filtered distribution
    rng = np.random.default_rng(0)
    draws = [ns["sample_next_token"](logits, rng, top_p=0.9) for _ in range(20000)]
    freq = np.bincount(draws, minlength=4) / len(draws)
    assert freq[3] == 0 and np.allclose(freq, f(logits, top_p=0.9), atol=0.02)
