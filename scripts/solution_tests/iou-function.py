"""Test for coding/iou-function."""

import numpy as np


def scalar_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def check(ns):
    iou = ns["pairwise_iou"]
    assert np.isclose(iou([[0, 0, 2, 2]], [[1, 1, 3, 3]])[0, 0], 1 / 7)
    assert iou([[0, 0, 1, 1]], [[2, 2, 3, 3]])[0, 0] == 0.0            # disjoint
    assert iou([[0, 0, 1, 1]], [[1, 0, 2, 1]])[0, 0] == 0.0            # touching
    assert iou([[0, 0, 1, 1]], [[0, 0, 1, 1]])[0, 0] == 1.0
    assert np.isfinite(iou([[1, 1, 1, 1]], [[1, 1, 1, 1]])).all()       # degenerate
    rng = np.random.default_rng(0)
    a = rng.random((7, 2)) * 10
    a = np.concatenate([a, a + rng.random((7, 2)) * 5 + 0.1], axis=1)
    b = rng.random((5, 2)) * 10
    b = np.concatenate([b, b + rng.random((5, 2)) * 5 + 0.1], axis=1)
    m = iou(a, b)
    assert m.shape == (7, 5)
    assert np.allclose(m, [[scalar_iou(x, y) for y in b] for x in a])
    assert np.allclose(iou(b, a), m.T)
    c = ns["cxcywh_to_xyxy"]([[1.0, 1.0, 2.0, 2.0]])
    assert np.allclose(c, [[0, 0, 2, 2]])
