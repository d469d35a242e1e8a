"""Test for coding/conv2d-naive: loops and im2col agree with an independent einsum reference."""

import numpy as np


def reference(x, w, b, stride, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    f, c, kh, kw = w.shape
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijuv,fcuv->nfij", windows, w) + b[None, :, None, None]


def check(ns):
    rng = np.random.default_rng(0)
    for (n, c, h, wd, f, kh, kw, stride, pad) in [(2, 3, 7, 6, 4, 3, 3, 1, 1), (1, 2, 8, 8, 3, 3, 2, 2, 0), (2, 1, 5, 5, 2, 1, 1, 1, 0), (1, 3, 9, 7, 2, 3, 3, 2, 2)]:
        x = rng.normal(size=(n, c, h, wd))
        w = rng.normal(size=(f, c, kh, kw))
        b = rng.normal(size=f)
        ref = reference(x, w, b, stride, pad)
        loops = ns["conv2d_loops"](x, w, b, stride, pad)
        fast = ns["conv2d_im2col"](x, w, b, stride, pad)
        assert loops.shape == ref.shape == fast.shape, (loops.shape, ref.shape, fast.shape)
        assert np.allclose(loops, ref) and np.allclose(fast, ref)
    # the worked example: no kernel flip
    img = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], float)[None, None]
    k = np.array([[1, 0, -1]] * 3, float)[None, None]
    assert np.allclose(ns["conv2d_im2col"](img, k, np.zeros(1))[0, 0], [[-2, -2], [2, -2]])
    assert np.allclose(ns["conv2d_loops"](img, k, np.zeros(1), 2, 1)[0, 0], [[-3, 0], [-4, -2]])
