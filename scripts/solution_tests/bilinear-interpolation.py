"""Test for coding/bilinear-interpolation."""

import numpy as np


def check(ns):
    resize = ns["bilinear_resize"]
    img = np.array([[0.0, 10.0], [20.0, 30.0]])
    assert np.allclose(resize(img, 4, 4), [[0, 2.5, 7.5, 10], [5, 7.5, 12.5, 15], [15, 17.5, 22.5, 25], [20, 22.5, 27.5, 30]])
    assert np.allclose(resize([[0.0, 10.0]], 1, 4, align_corners=True), [[0, 10 / 3, 20 / 3, 10]])
    rng = np.random.default_rng(0)
    x = rng.random((5, 7))
    assert np.allclose(resize(x, 5, 7), x)                      # identity size
    assert np.allclose(resize(x, 5, 7, align_corners=True), x)
    # a linear ramp stays linear (in the interior) under align_corners=True
    ramp = np.tile(np.arange(4.0), (3, 1))
    assert np.allclose(resize(ramp, 3, 7, align_corners=True)[0], np.linspace(0, 3, 7))
    # channels are handled independently
    rgb = rng.random((4, 6, 3))
    out = resize(rgb, 7, 5)
    assert out.shape == (7, 5, 3)
    for ch in range(3):
        assert np.allclose(out[..., ch], resize(rgb[..., ch], 7, 5))
    # 2x downsampling with half-pixel centres averages each 2x2 block
    assert np.allclose(resize(x[:4, :6], 2, 3), x[:4, :6].reshape(2, 2, 3, 2).mean(axis=(1, 3)))
