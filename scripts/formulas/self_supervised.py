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


@formula("infonce_mi_bound")
def infonce_mi_bound(loss, n):
    return float(np.log(n) - loss)


@formula("siglip_loss")
def siglip_loss(similarity, scale, bias):
    z = scale * np.asarray(similarity, float) + bias
    labels = 2 * np.eye(len(z)) - 1
    # -log sigmoid(l * z) = log(1 + exp(-l * z)) = logaddexp(0, -l * z)
    return float(np.logaddexp(0.0, -labels * z).sum() / len(z))


@formula("barlow_twins_loss")
def barlow_twins_loss(matrix, lam):
    c = np.asarray(matrix, float)
    on_diag = np.diag(c)
    off_diag = c - np.diag(on_diag)
    return float(((1 - on_diag) ** 2).sum() + lam * (off_diag**2).sum())


@formula("uniformity_loss")
def uniformity_loss(x, t=2.0):
    x = np.asarray(x, float)
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    sq_dist = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    i, j = np.triu_indices(len(x), k=1)
    return float(np.log(np.mean(np.exp(-t * sq_dist[i, j]))))


@formula("effective_rank")
def effective_rank(singular_values):
    s = np.asarray(singular_values, float)
    p = s[s > 0] / s.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


@formula("linear_cka")
def linear_cka(x, y):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    x = x - x.mean(axis=0)
    y = y - y.mean(axis=0)
    # Equivalent Gram-matrix form: HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), K = XX^T, L = YY^T.
    k, l_ = x @ x.T, y @ y.T
    return float((k * l_).sum() / np.sqrt((k * k).sum() * (l_ * l_).sum()))


@formula("triplet_loss")
def triplet_loss(anchor, positive, negative, margin, squared=False):
    a, p, n = (np.asarray(v, float) for v in (anchor, positive, negative))
    d_ap, d_an = np.sum((a - p) ** 2), np.sum((a - n) ** 2)
    if not squared:
        d_ap, d_an = np.sqrt(d_ap), np.sqrt(d_an)
    return float(max(0.0, d_ap - d_an + margin))


@formula("arcface_loss")
def arcface_loss(cosines, target, scale, margin):
    cos = np.asarray(cosines, float)
    theta = np.arccos(cos)
    logits = scale * cos
    logits[target] = scale * np.cos(theta[target] + margin)
    return float(_row_nll(logits[None, :], [target])[0])


@formula("logq_corrected_loss")
def logq_corrected_loss(logits, sampling_probs, positive=0):
    corrected = np.asarray(logits, float) - np.log(np.asarray(sampling_probs, float))
    return float(_row_nll(corrected[None, :], [positive])[0])
