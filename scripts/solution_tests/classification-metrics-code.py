"""Test for coding/classification-metrics-code."""

import numpy as np


def check(ns):
    cm = np.array([[5, 1, 0], [2, 3, 1], [0, 0, 8]])
    y_true = np.repeat([0, 0, 1, 1, 1, 2], [5, 1, 2, 3, 1, 8])
    y_pred = np.repeat([0, 1, 0, 1, 2, 2], [5, 1, 2, 3, 1, 8])
    rep = ns["classification_report"](y_true, y_pred, 3)
    assert np.array_equal(rep["confusion"], cm)
    assert np.allclose(rep["f1"], [10 / 13, 0.6, 16 / 17])
    assert np.isclose(rep["macro_f1"], 0.7701357466063348)
    assert np.isclose(rep["micro_f1"], 0.8) and np.isclose(rep["weighted_f1"], 0.7872398190045249)
    assert np.allclose(rep["precision"], [5 / 7, 3 / 4, 8 / 9]) and np.allclose(rep["recall"], [5 / 6, 0.5, 1])
    rng = np.random.default_rng(0)
    yt, yp = rng.integers(0, 4, 300), rng.integers(0, 4, 300)
    r = ns["classification_report"](yt, yp, 4)
    assert np.isclose(r["micro_f1"], np.mean(yt == yp))            # micro-F1 = accuracy
    r = ns["classification_report"]([0, 1, 2], [0, 0, 0], 3)         # classes never predicted
    assert np.all(np.isfinite(r["precision"])) and r["precision"][1] == 0
