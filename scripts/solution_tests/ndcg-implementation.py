"""Test for coding/ndcg-implementation."""

import numpy as np


def check(ns):
    ndcg = ns["ndcg_at_k"]
    assert np.isclose(ndcg([3, 2, 0, 1], 3), 0.9467676761267002)
    assert np.isclose(ndcg([3, 2, 1, 0], 4), 1.0)
    assert np.isclose(ns["dcg_at_k"]([3, 2, 0, 1], 3), 7 + 3 / np.log2(3))
    assert np.isclose(ns["dcg_at_k"]([3, 2], 2, gain="linear"), 3 + 2 / np.log2(3))
    # the ideal comes from all judged items, not only the retrieved ones
    assert np.isclose(ndcg([1], 3), 1.0)
    assert ndcg([1], 3, all_relevances=[3, 1, 2]) < 0.2
    assert ndcg([0, 0, 0], 3) == 0.0
    assert np.isclose(ns["mean_ndcg"]([([3, 2, 0, 1], [3, 2, 0, 1]), ([0, 1], [0, 1])], 3),
                      (0.9467676761267002 + 1 / np.log2(3)) / 2)
