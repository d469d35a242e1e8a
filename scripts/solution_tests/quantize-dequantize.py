"""Test for coding/quantize-dequantize."""

import numpy as np


def check(ns):
    x = np.array([0.02, -0.05, 0.1, 8.0])
    s, z = ns["qparams"](-0.05, 8.0, 0, 255)
    q = ns["quantize"](x, s, z, 0, 255)
    assert q.dtype == np.uint8 and list(q) == [3, 0, 5, 255]
    assert np.allclose(ns["dequantize"](q, s, z), [0.031568627450980394, -0.06313725490196079, 0.09470588235294118, 7.98686274509804])

    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 64)) * np.array([[0.01], [0.1], [1.0], [10.0]])  # channel scales differ
    for symmetric in (False, True):
        qt, st, zt = ns["quantize_per_tensor"](w, symmetric=symmetric)
        qc, sc, zc = ns["quantize_per_channel"](w, axis=0, symmetric=symmetric)
        assert qt.dtype == np.int8 and qc.dtype == np.int8 and sc.shape == (4, 1)
        wt, wc = ns["dequantize"](qt, st, zt), ns["dequantize"](qc, sc, zc)
        assert np.all(np.abs(w - wc) <= sc / 2 + 1e-12)              # error at most half a step
        # per-channel is far better for the small-magnitude rows
        assert ns["quantization_mse"](w[0], wc[0]) < 0.01 * ns["quantization_mse"](w[0], wt[0])
        # zero is exactly representable
        assert ns["dequantize"](ns["quantize"](np.zeros(1), sc[0], zc[0]), sc[0], zc[0])[0] == 0.0
    # constant-zero tensor does not divide by zero; values outside the range are clipped
    qz, sz, zz = ns["quantize_per_tensor"](np.zeros(5))
    assert np.all(ns["dequantize"](qz, sz, zz) == 0)
    s, z = ns["qparams"](-1.0, 1.0)
    assert ns["quantize"](np.array([100.0, -100.0]), s, z).tolist() == [127, -128]
