"""self-supervised: InfoNCE, CLIP's symmetric loss, BYOL, masked reconstruction."""

import numpy as np

from . import formula


def _row_nll(logits, targets):
    """Cross-entropy of each row of ``logits`` toward its target column, via a shifted logsumexp."""
    logits = np.asarray(logits, dtype=float)
    top = logits.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return log_norm - logits[np.arange(len(logits)), targets]


@formula("info_nce")
def info_nce(similarities, temperature, positive=0):
    logits = np.asarray(similarities, dtype=float)[None, :] / temperature
    return float(_row_nll(logits, [positive])[0])


@formula("clip_symmetric_loss")
def clip_symmetric_loss(similarity, temperature):
    logits = np.asarray(similarity, dtype=float) / temperature
    matched = np.arange(len(logits))
    return float((_row_nll(logits, matched).mean() + _row_nll(logits.T, matched).mean()) / 2)


@formula("byol_loss")
def byol_loss(prediction, target):
    p, t = np.asarray(prediction, float), np.asarray(target, float)
    return float(2 - 2 * (p @ t) / (np.linalg.norm(p) * np.linalg.norm(t)))


@formula("masked_mse")
def masked_mse(target, prediction, mask):
    m = np.asarray(mask, dtype=bool)
    diff = np.asarray(prediction, float)[m] - np.asarray(target, float)[m]
    return float(np.mean(diff**2))
