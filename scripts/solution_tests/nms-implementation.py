"""Test for coding/nms-implementation."""

import numpy as np


def check(ns):
    nms = ns["nms"]
    boxes = [[0, 0, 10, 10], [5, 0, 15, 10], [8, 0, 18, 10]]
    assert nms(boxes, [0.9, 0.8, 0.7], 0.5) == [0, 1]
    assert nms(boxes, [0.9, 0.8, 0.7], 0.3) == [0, 2]
    assert nms(boxes, [0.7, 0.8, 0.9], 0.5) == [2, 0]        # order follows the scores
    # every kept pair overlaps less than the threshold; every removed box overlaps a kept one
    rng = np.random.default_rng(0)
    xy = rng.random((60, 2)) * 50
    b = np.concatenate([xy, xy + 5 + rng.random((60, 2)) * 10], axis=1)
    s = rng.random(60)
    keep = nms(b, s, 0.4)

    def iou(p, q):
        w = max(0, min(p[2], q[2]) - max(p[0], q[0]))
        h = max(0, min(p[3], q[3]) - max(p[1], q[1]))
        inter = w * h
        return inter / ((p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter)

    for i in keep:
        for j in keep:
            if i != j:
                assert iou(b[i], b[j]) < 0.4
    for r in set(range(60)) - set(keep):
        assert any(iou(b[r], b[k]) >= 0.4 and s[k] >= s[r] for k in keep)
    assert list(s[keep]) == sorted(s[keep], reverse=True)
    # per class: identical boxes of different classes both survive
    same = [[0, 0, 10, 10], [0, 0, 10, 10], [1, 1, 10, 10]]
    kept = ns["batched_nms"](same, [0.9, 0.8, 0.7], [0, 1, 0], 0.5)
    assert sorted(kept) == [0, 1]
