"""Test for coding/beam-search: beats greedy on a toy model, matches brute force with a wide beam."""

import itertools
import math

import numpy as np

BOS, EOS, A, B = 0, 1, 2, 3


def toy(prefix):
    # 'a' is the greedy first choice, but everything after 'a' is uncertain;
    # 'b' is followed by EOS with high probability.
    last = prefix[-1]
    table = {
        BOS: [0.0, 0.1, 0.5, 0.4],
        A: [0.0, 0.34, 0.33, 0.33],
        B: [0.0, 0.9, 0.05, 0.05],
    }
    p = np.array(table[last])
    with np.errstate(divide="ignore"):
        return np.log(p)


def brute_force(step, max_len, alpha):
    best, best_score = None, -math.inf
    for n in range(1, max_len + 1):
        for seq in itertools.product([EOS, A, B], repeat=n):
            if EOS in seq[:-1]:
                continue
            if seq[-1] != EOS and n < max_len:
                continue
            tokens, score = [BOS], 0.0
            for t in seq:
                score += step(tokens)[t]
                tokens = tokens + [t]
            normalised = score / n**alpha
            if normalised > best_score:
                best, best_score = tokens, normalised
    return best, best_score


def check(ns):
    search = ns["beam_search"]
    tokens, score = search(toy, BOS, EOS, beam_size=2, max_len=5, alpha=0.0)
    assert tokens == [BOS, B, EOS], tokens
    assert math.isclose(score, math.log(0.4) + math.log(0.9))
    greedy, _ = search(toy, BOS, EOS, beam_size=1, max_len=5, alpha=0.0)
    assert greedy[1] == A                                        # greedy is fooled

    rng = np.random.default_rng(0)
    tables = {t: rng.dirichlet(np.ones(3)) for t in (BOS, A, B)}

    def random_model(prefix):
        p = np.zeros(4)
        p[1:] = tables[prefix[-1]]
        with np.errstate(divide="ignore"):
            return np.log(p)

    for alpha in (0.0, 0.7, 1.0):
        tokens, score = search(random_model, BOS, EOS, beam_size=64, max_len=3, alpha=alpha)
        best, best_score = brute_force(random_model, 3, alpha)
        assert tokens == best, (alpha, tokens, best)
        assert math.isclose(score / (len(tokens) - 1) ** alpha, best_score)
