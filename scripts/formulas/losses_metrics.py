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


# --- Twins of formulas the seed examples did not need in NumPy, and the expansion's metrics. ---


def _labels01(y):
    y = np.asarray(y, dtype=float)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    return y


@formula("roc_auc")
def roc_auc(scores, labels):
    s = np.asarray(scores, dtype=float)
    y = _labels01(labels).astype(bool)
    pos, neg = s[y], s[~y]
    # Every (positive, negative) pair: win 1, tie 1/2.
    diff = pos[:, None] - neg[None, :]
    return float(np.mean((diff > 0) + 0.5 * (diff == 0)))


@formula("average_precision")
def average_precision(scores, labels):
    s = np.asarray(scores, dtype=float)
    y = _labels01(labels)
    thresholds = np.unique(s)[::-1]
    precisions, recalls = [], []
    for t in thresholds:
        picked = s >= t
        precisions.append(y[picked].sum() / picked.sum())
        recalls.append(y[picked].sum() / y.sum())
    recalls = np.concatenate([[0.0], recalls])
    return float(np.sum(np.diff(recalls) * np.asarray(precisions)))


@formula("mae")
def mae(prediction, target):
    return float(np.mean(np.abs(np.asarray(prediction, float) - np.asarray(target, float))))


@formula("mse")
def mse(prediction, target):
    return float(np.mean((np.asarray(prediction, float) - np.asarray(target, float)) ** 2))


@formula("huber_loss")
def huber_loss(prediction, target, delta=1.0):
    r = np.abs(np.asarray(prediction, float) - np.asarray(target, float))
    quadratic = np.minimum(r, delta)
    linear = r - quadratic
    # Decomposition: 0.5 q^2 + delta * l equals both branches of Huber.
    return float(np.mean(0.5 * quadratic**2 + delta * linear))


@formula("fbeta_score")
def fbeta_score(tp, fp, fn, beta):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    b2 = beta**2
    return (1 + b2) * p * r / (b2 * p + r) if (b2 * p + r) else 0.0


@formula("f1_averages")
def f1_averages(tp, fp, fn):
    tp, fp, fn = (np.asarray(a, dtype=float) for a in (tp, fp, fn))
    denom = 2 * tp + fp + fn
    per_class = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    support = tp + fn
    micro_denom = 2 * tp.sum() + fp.sum() + fn.sum()
    micro = 2 * tp.sum() / micro_denom if micro_denom else 0.0
    weighted = float(np.average(per_class, weights=support)) if support.sum() else 0.0
    return [float(per_class.mean()), float(micro), weighted]


@formula("quantile_loss")
def quantile_loss(prediction, target, tau):
    u = np.asarray(target, float) - np.asarray(prediction, float)
    return float(np.mean(np.maximum(tau * u, (tau - 1) * u)))


@formula("r2_score")
def r2_score(prediction, target):
    y = np.asarray(target, float)
    yhat = np.asarray(prediction, float)
    return float(1 - np.sum((y - yhat) ** 2) / np.sum((y - y.mean()) ** 2))


@formula("brier_score")
def brier_score(p, y):
    return float(np.mean((np.asarray(p, float) - _labels01(y)) ** 2))


@formula("dice_coefficient")
def dice_coefficient(prediction, target, smooth=0.0):
    p = np.asarray(prediction, float)
    g = np.asarray(target, float)
    return float((2 * np.dot(p, g) + smooth) / (p.sum() + g.sum() + smooth))


@formula("panoptic_quality")
def panoptic_quality(matched_ious, fp, fn):
    ious = np.asarray(matched_ious, float)
    tp = len(ious)
    sq = ious.sum() / tp
    rq = tp / (tp + fp / 2 + fn / 2)
    # PQ written directly as sum IoU / (TP + FP/2 + FN/2).
    pq = ious.sum() / (tp + fp / 2 + fn / 2)
    return [pq, sq, rq]


@formula("cohen_kappa")
def cohen_kappa(matrix, weighting="none"):
    m = np.asarray(matrix, float)
    k = m.shape[0]
    n = m.sum()
    if weighting == "none":
        po = np.trace(m) / n
        pe = np.dot(m.sum(axis=1), m.sum(axis=0)) / n**2
        return float((po - pe) / (1 - pe))
    i, j = np.indices((k, k))
    power = {"linear": 1, "quadratic": 2}[weighting]
    w = (np.abs(i - j) / (k - 1)) ** power
    expected = np.outer(m.sum(axis=1), m.sum(axis=0)) / n
    return float(1 - (w * m).sum() / (w * expected).sum())


@formula("elo_update")
def elo_update(rating_a, rating_b, score_a, k):
    expected_a = 1 / (1 + 10 ** ((rating_b - rating_a) / 400))
    expected_b = 1 - expected_a
    return [rating_a + k * (score_a - expected_a), rating_b + k * ((1 - score_a) - expected_b)]


@formula("pass_at_k")
def pass_at_k(n, c, k):
    # Exact integer binomials: C(n - c, k) / C(n, k).
    return 1 - math.comb(n - c, k) / math.comb(n, k)


@formula("qa_token_f1")
def qa_token_f1(prediction_tokens, reference_tokens):
    from collections import Counter

    if not prediction_tokens or not reference_tokens:
        return float(prediction_tokens == reference_tokens)
    common = sum((Counter(map(str, prediction_tokens)) & Counter(map(str, reference_tokens))).values())
    if common == 0:
        return 0.0
    precision = common / len(prediction_tokens)
    recall = common / len(reference_tokens)
    return 2 * precision * recall / (precision + recall)


@formula("word_error_rate")
def word_error_rate(reference, hypothesis):
    ref, hyp = [str(t) for t in reference], [str(t) for t in hypothesis]
    d = np.zeros((len(ref) + 1, len(hyp) + 1), dtype=int)
    d[:, 0] = np.arange(len(ref) + 1)
    d[0, :] = np.arange(len(hyp) + 1)
    for i in range(1, len(ref) + 1):
        for j in range(1, len(hyp) + 1):
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]))
    return d[-1, -1] / len(ref)


@formula("distinct_n")
def distinct_n(candidates, n=1):
    grams = [tuple(map(str, c[i : i + n])) for c in candidates for i in range(len(c) - n + 1)]
    return len(set(grams)) / len(grams)


@formula("psnr")
def psnr(prediction, target, max_value):
    err = np.mean((np.asarray(prediction, float) - np.asarray(target, float)) ** 2)
    return float(20 * np.log10(max_value) - 10 * np.log10(err))


@formula("normalized_entropy")
def normalized_entropy(p, y, base_rate=None):
    p = np.asarray(p, float)
    y = _labels01(y)
    log_loss = -np.mean(np.log(np.where(y == 1, p, 1 - p)))
    b = y.mean() if base_rate is None else base_rate
    return float(log_loss / -(b * np.log(b) + (1 - b) * np.log(1 - b)))


@formula("lift_at_fraction")
def lift_at_fraction(scores, labels, fraction):
    s = np.asarray(scores, float)
    y = _labels01(labels)
    k = int(math.floor(fraction * len(s) + 0.5))
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].mean() / y.mean())


@formula("concordance_index")
def concordance_index(times, events, risk_scores):
    t = np.asarray(times, float)
    e = _labels01(events).astype(bool)
    r = np.asarray(risk_scores, float)
    comparable = (t[:, None] < t[None, :]) & e[:, None]
    win = (r[:, None] > r[None, :]) + 0.5 * (r[:, None] == r[None, :])
    return float((win * comparable).sum() / comparable.sum())


@formula("ips_estimate")
def ips_estimate(rewards, target_probs, logging_probs, clip=None):
    w = np.asarray(target_probs, float) / np.asarray(logging_probs, float)
    if clip is not None:
        w = np.minimum(w, clip)
    return float(np.mean(w * np.asarray(rewards, float)))


@formula("population_stability_index")
def population_stability_index(baseline, current):
    b = np.asarray(baseline, float)
    c = np.asarray(current, float)
    # PSI is the symmetrised KL: KL(c || b) + KL(b || c).
    return float(np.sum(c * np.log(c / b)) + np.sum(b * np.log(b / c)))


@formula("fpr_at_tpr")
def fpr_at_tpr(scores, labels, tpr=0.95):
    s = np.asarray(scores, float)
    y = _labels01(labels).astype(bool)
    # Threshold = the smallest positive score that still keeps ceil(tpr * P) positives above it.
    pos = np.sort(s[y])[::-1]
    needed = int(math.ceil(tpr * len(pos) - 1e-12))
    threshold = pos[needed - 1]
    return float(np.mean(s[~y] >= threshold))


@formula("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits(logits, targets):
    x = np.asarray(logits, float)
    t = np.asarray(targets, float)
    # log(1 + e^x) - t x, with softplus written via logaddexp.
    return float(np.mean(np.logaddexp(0.0, x) - t * x))
