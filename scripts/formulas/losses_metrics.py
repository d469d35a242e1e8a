"""losses-metrics: focal loss, NLL, F1, MCC, IoU, BLEU, ECE, NDCG, thresholds, FGSM."""

import math

import numpy as np

from . import formula


@formula("focal_loss")
def focal_loss(p, y, gamma, alpha=None):
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    pt = y * p + (1 - y) * (1 - p)
    at = 1.0 if alpha is None else y * alpha + (1 - y) * (1 - alpha)
    return float(np.mean(-at * (1 - pt) ** gamma * np.log(pt)))


@formula("f1_score")
def f1_score(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@formula("iou")
def iou(box_a, box_b):
    a, b = np.asarray(box_a, float), np.asarray(box_b, float)
    lo = np.maximum(a[:2], b[:2])
    hi = np.minimum(a[2:], b[2:])
    inter = np.prod(np.clip(hi - lo, 0, None))
    area = lambda r: np.prod(r[2:] - r[:2])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


@formula("negative_log_likelihood")
def negative_log_likelihood(probs, targets):
    probs = np.asarray(probs, dtype=float)
    chosen = probs[np.arange(len(targets)), np.asarray(targets, dtype=int)]
    return -np.mean(np.log(chosen))


@formula("bleu")
def bleu(precisions, candidate_length, reference_length):
    p = np.asarray(precisions, dtype=float)
    if np.any(p == 0):
        return 0.0
    geometric = np.prod(p) ** (1 / len(p))
    bp = 1.0 if candidate_length > reference_length else math.exp(1 - reference_length / candidate_length)
    return bp * geometric


@formula("bayes_optimal_threshold")
def bayes_optimal_threshold(c_fp, c_fn):
    # Flag when p * c_fn > (1 - p) * c_fp; solve the equality for p.
    return 1 / (1 + c_fn / c_fp)


@formula("expected_calibration_error")
def expected_calibration_error(confidences, correct, n_bins=10):
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=float)
    edges = np.arange(n_bins + 1) / n_bins
    # side="left": conf in (edges[i-1], edges[i]] goes to bin i - 1; 0 joins the first bin.
    bins = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        sel = bins == b
        total += sel.mean() * abs(hit[sel].mean() - conf[sel].mean())
    return total


@formula("matthews_corrcoef")
def matthews_corrcoef(tp, fp, fn, tn):
    matrix = np.array([[tn, fp], [fn, tp]], dtype=float)
    # Pearson correlation of the two binary variables, from the 2x2 table.
    n = matrix.sum()
    pred_pos, true_pos = matrix[:, 1].sum() / n, matrix[1, :].sum() / n
    cov = tp / n - pred_pos * true_pos
    denom = math.sqrt(pred_pos * (1 - pred_pos) * true_pos * (1 - true_pos))
    return cov / denom if denom else 0.0


@formula("ndcg_at_k")
def ndcg_at_k(relevances, k=None):
    rel = np.asarray(relevances, dtype=float)
    k = len(rel) if k is None else k
    discounts = 1 / np.log2(np.arange(2, len(rel) + 2))

    def dcg(r):
        return float(np.sum((2**r[:k] - 1) * discounts[:k]))

    ideal = dcg(np.sort(rel)[::-1])
    return dcg(rel) / ideal if ideal > 0 else 0.0


@formula("fgsm")
def fgsm(x, grad, epsilon, clip_min=0.0, clip_max=1.0):
    return np.clip(np.asarray(x, float) + epsilon * np.sign(grad), clip_min, clip_max)
