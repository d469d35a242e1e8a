"""coding: standard error of a measured accuracy, and the implementation exercises' examples."""

import itertools
import math

import numpy as np

from . import formula


@formula("accuracy_standard_error")
def accuracy_standard_error(accuracy, n):
    variance_of_mean = accuracy * (1 - accuracy) / n
    return math.sqrt(variance_of_mean)


@formula("gradient_check_relative_error")
def gradient_check_relative_error(analytic, numeric):
    a, n = np.asarray(analytic, float), np.asarray(numeric, float)
    scale = np.sqrt(np.sum(a * a)) + np.sqrt(np.sum(n * n))
    return 0.0 if scale == 0 else float(np.sqrt(np.sum((a - n) ** 2)) / scale)


@formula("conv2d")
def conv2d(image, kernel, stride=1, padding=0):
    # Cross-correlation via sliding windows over the zero-padded image.
    x = np.pad(np.asarray(image, float), padding)
    k = np.asarray(kernel, float)
    windows = np.lib.stride_tricks.sliding_window_view(x, k.shape)[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, k)


@formula("bilinear_resize")
def bilinear_resize(image, out_h, out_w, align_corners=False):
    img = np.asarray(image, float)

    def axis_weights(n_in, n_out):
        # Interpolation matrix (n_out, n_in): row d holds the two linear weights of output d.
        d = np.arange(n_out)
        if align_corners:
            src = d * (n_in - 1) / (n_out - 1) if n_out > 1 else np.zeros(n_out)
        else:
            src = (d + 0.5) * (n_in / n_out) - 0.5
        src = np.minimum(np.maximum(src, 0), n_in - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = src - lo
        m = np.zeros((n_out, n_in))
        np.add.at(m, (d, lo), 1 - frac)
        np.add.at(m, (d, hi), frac)
        return m

    return axis_weights(img.shape[0], out_h) @ img @ axis_weights(img.shape[1], out_w).T


@formula("bpe_best_pair")
def bpe_best_pair(words, counts):
    totals = {}
    for word, count in zip(words, counts):
        for left, right in zip(word[:-1], word[1:]):
            key = (int(left), int(right))
            totals[key] = totals.get(key, 0) + count
    # Highest count first, then the smallest pair.
    (left, right), count = min(totals.items(), key=lambda item: (-item[1], item[0]))
    return [left, right, count]


@formula("pca_explained_variance_ratio")
def pca_explained_variance_ratio(data):
    x = np.asarray(data, float)
    singular = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)
    variances = np.zeros(x.shape[1])
    variances[: singular.size] = singular**2
    return variances / variances.sum()


@formula("pairwise_sq_distances")
def pairwise_sq_distances(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)


@formula("best_split_gini")
def best_split_gini(x, y):
    x, y = np.asarray(x, float), np.asarray(y)

    def impurity(labels):
        if labels.size == 0:
            return 0.0
        _, c = np.unique(labels, return_counts=True)
        p = c / labels.size
        return 1.0 - float(np.sum(p * p))

    distinct = np.unique(x)
    best = None
    for t in (distinct[:-1] + distinct[1:]) / 2:
        left, right = y[x <= t], y[x > t]
        weighted = (left.size * impurity(left) + right.size * impurity(right)) / y.size
        if best is None or weighted < best[1] - 1e-12:
            best = (float(t), weighted)
    return [best[0], best[1], impurity(y) - best[1]]


@formula("viterbi_path")
def viterbi_path(initial, transition, emission, observations):
    # Brute force over every state sequence: independent of the dynamic programme.
    pi, A, B = (np.asarray(v, float) for v in (initial, transition, emission))
    obs = [int(o) for o in observations]
    best_path, best_p = None, -1.0
    for path in itertools.product(range(pi.size), repeat=len(obs)):
        p = pi[path[0]] * B[path[0], obs[0]]
        for t in range(1, len(obs)):
            p *= A[path[t - 1], path[t]] * B[path[t], obs[t]]
        if p > best_p:
            best_path, best_p = path, p
    return list(best_path)


@formula("welford_merge")
def welford_merge(n_a, mean_a, m2_a, n_b, mean_b, m2_b):
    # Through raw sums of squares: sum x^2 = m2 + n mean^2 for each shard.
    n = n_a + n_b
    total = n_a * mean_a + n_b * mean_b
    squares = (m2_a + n_a * mean_a**2) + (m2_b + n_b * mean_b**2)
    mean = total / n
    return [n, mean, squares - n * mean**2]
