"""classical_ml: tree splits, k-means, logistic regression, naive Bayes, SVM, boosting, VIF,
AIC/BIC, kernels, GPs, Bayesian regression, clustering scores, factorisation machines."""

import itertools
import math

import numpy as np

from . import formula


def _impurities(counts):
    c = np.asarray(counts, float)
    p = c / c.sum()
    nz = p[p > 0]
    return 1.0 - float(np.dot(p, p)), float(-np.sum(nz * np.log2(nz)))


@formula("split_impurity_gain")
def split_impurity_gain(left_counts, right_counts):
    left, right = np.asarray(left_counts, float), np.asarray(right_counts, float)
    if left.sum() == 0 or right.sum() == 0:
        raise ValueError("empty child")
    n = left.sum() + right.sum()
    gp, hp = _impurities(left + right)
    gl, hl = _impurities(left)
    gr, hr = _impurities(right)
    gc = (left.sum() * gl + right.sum() * gr) / n
    hc = (left.sum() * hl + right.sum() * hr) / n
    return [gp, gc, gp - gc, hp, hc, hp - hc]


@formula("kmeans_step")
def kmeans_step(points, centroids):
    x, c = np.asarray(points, float), np.asarray(centroids, float)
    dist = np.linalg.norm(x[:, None, :] - c[None, :, :], axis=-1)
    assign = np.argmin(dist, axis=1)  # argmin returns the first (lowest) index on ties
    new = c.copy()
    for j in range(len(c)):
        members = x[assign == j]
        if len(members):
            new[j] = members.mean(axis=0)
    return new


@formula("logistic_regression_gd_step")
def logistic_regression_gd_step(x, y, w, lr):
    x, y, w = np.asarray(x, float), np.asarray(y, float), np.asarray(w, float)
    p = 0.5 * (1.0 + np.tanh(0.5 * (x @ w)))  # sigmoid written through tanh
    return w - lr * x.T @ (p - y) / len(y)


@formula("multinomial_naive_bayes_posterior")
def multinomial_naive_bayes_posterior(class_counts, word_counts, document, alpha=1.0):
    prior = np.asarray(class_counts, float)
    counts = np.asarray(word_counts, float) + alpha
    likelihood = counts / counts.sum(axis=1, keepdims=True)
    doc = np.asarray(document, float)
    log_joint = np.log(prior / prior.sum()) + np.log(likelihood) @ doc
    log_joint -= log_joint.max()
    joint = np.exp(log_joint)
    return joint / joint.sum()


@formula("svm_margin")
def svm_margin(w, b, x, y, c):
    w, x, y = np.asarray(w, float), np.asarray(x, float), np.asarray(y, float)
    slack = np.maximum(0.0, 1.0 - y * (x @ w + b))
    return [2.0 / np.linalg.norm(w), 0.5 * float(w @ w) + c * float(slack.sum())]


@formula("gbm_squared_loss_step")
def gbm_squared_loss_step(y, prediction, leaves, learning_rate):
    y, f = np.asarray(y, float), np.asarray(prediction, float)
    leaves = np.asarray(leaves, int)
    residual = y - f
    out = f.copy()
    for leaf in np.unique(leaves):
        mask = leaves == leaf
        out[mask] += learning_rate * residual[mask].mean()
    return out


@formula("adaboost_round")
def adaboost_round(weights, correct):
    w = np.asarray(weights, float)
    w = w / w.sum()
    wrong = np.asarray(correct, float) == 0
    err = float(w[wrong].sum())
    alpha = 0.5 * math.log((1 - err) / err)
    signs = np.where(wrong, 1.0, -1.0)
    new = w * np.exp(alpha * signs)
    return [err, alpha] + list(new / new.sum())


@formula("variance_inflation_factors")
def variance_inflation_factors(data):
    x = np.asarray(data, float)
    out = []
    for j in range(x.shape[1]):
        target = x[:, j]
        others = np.column_stack([np.ones(len(x)), np.delete(x, j, axis=1)])
        coef, *_ = np.linalg.lstsq(others, target, rcond=None)
        resid = target - others @ coef
        r2 = 1.0 - resid @ resid / np.sum((target - target.mean()) ** 2)
        out.append(1.0 / (1.0 - r2))
    return out


@formula("aic_bic")
def aic_bic(log_likelihood, num_params, n):
    return [2 * num_params - 2 * log_likelihood, num_params * math.log(n) - 2 * log_likelihood]


@formula("hypercube_edge_for_fraction")
def hypercube_edge_for_fraction(fraction, dims):
    d = np.asarray(dims, float)
    return np.exp(np.log(fraction) / d)


@formula("rbf_kernel")
def rbf_kernel(x1, x2, gamma):
    diff = np.asarray(x1, float) - np.asarray(x2, float)
    return math.exp(-gamma * float(diff @ diff))


@formula("gp_posterior")
def gp_posterior(x_train, y_train, x_test, length_scale, signal_variance, noise_variance):
    x = np.asarray(x_train, float)
    y = np.asarray(y_train, float)

    def kern(a, b):
        return signal_variance * np.exp(-np.subtract.outer(a, b) ** 2 / (2 * length_scale**2))

    big_k = kern(x, x) + noise_variance * np.eye(len(x))
    k_star = kern(x, np.array([x_test]))[:, 0]
    chol = np.linalg.cholesky(big_k)
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, y))
    v = np.linalg.solve(chol, k_star)
    return [float(k_star @ alpha), max(float(signal_variance - v @ v), 0.0)]


@formula("bayesian_linear_regression_predictive")
def bayesian_linear_regression_predictive(x, y, alpha, noise_variance, x_test):
    x, y, xs = np.asarray(x, float), np.asarray(y, float), np.asarray(x_test, float)
    beta = 1.0 / noise_variance
    cov = np.linalg.inv(alpha * np.eye(x.shape[1]) + beta * x.T @ x)
    mean = beta * cov @ x.T @ y
    return [float(xs @ mean), float(noise_variance + xs @ cov @ xs)]


@formula("silhouette_score")
def silhouette_score(points, labels):
    x = np.asarray(points, float)
    lab = np.asarray(labels)
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    scores = []
    for i in range(len(x)):
        same = (lab == lab[i]) & (np.arange(len(x)) != i)
        if not same.any():
            scores.append(0.0)
            continue
        a = dist[i, same].mean()
        b = min(dist[i, lab == other].mean() for other in set(lab.tolist()) if other != lab[i])
        scores.append((b - a) / max(a, b) if max(a, b) > 0 else 0.0)
    return float(np.mean(scores))


@formula("adjusted_rand_index")
def adjusted_rand_index(labels_true, labels_pred):
    # Pair counting directly over all pairs of points.
    n = len(labels_true)
    same_true = same_pred = both = 0
    for i, j in itertools.combinations(range(n), 2):
        t = labels_true[i] == labels_true[j]
        p = labels_pred[i] == labels_pred[j]
        same_true += t
        same_pred += p
        both += t and p
    total = math.comb(n, 2)
    expected = same_true * same_pred / total
    maximum = (same_true + same_pred) / 2
    return (both - expected) / (maximum - expected)


@formula("fm_prediction")
def fm_prediction(w0, w, v, x):
    w, v, x = np.asarray(w, float), np.asarray(v, float), np.asarray(x, float)
    pairwise = sum(
        float(v[i] @ v[j]) * x[i] * x[j] for i in range(len(x)) for j in range(i + 1, len(x))
    )
    return w0 + float(w @ x) + pairwise
