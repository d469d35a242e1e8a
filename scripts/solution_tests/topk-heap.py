"""Test for coding/topk-heap."""

import numpy as np


def check(ns):
    rng = np.random.default_rng(0)
    scores = rng.normal(size=1000)
    items = [{"id": i} for i in range(1000)]                       # unorderable items
    top = ns["top_k_stream"](zip(items, scores), 10)
    expected = np.argsort(-scores)[:10]
    assert [t[0]["id"] for t in top] == list(expected)
    assert [t[1] for t in top] == sorted(scores[expected], reverse=True)
    ties = ns["top_k_stream"]([({"a": 1}, 1.0), ({"b": 2}, 1.0), ({"c": 3}, 0.5)], 2)
    assert [t[1] for t in ties] == [1.0, 1.0]
    assert ns["top_k_stream"]([("x", 1.0)], 5) == [("x", 1.0)]
    idx = ns["top_k_array"](scores, 10)
    assert list(idx) == list(expected)
    assert list(ns["top_k_array"]([3, 1, 2], 5)) == [0, 2, 1]
    shards = [list(zip(range(i, 1000, 4), scores[i::4])) for i in range(4)]
    shard_tops = [ns["top_k_stream"](s, 10) for s in shards]
    merged = ns["merge_shard_top_k"](shard_tops, 10)
    assert [m[0] for m in merged] == list(expected)
