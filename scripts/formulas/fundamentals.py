"""fundamentals: softmax, cross-entropy, bias-variance, linear regression, backprop, L1, Bayes."""

import numpy as np

from . import formula


def log_softmax(z):
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z)
    return shifted - np.log(np.sum(np.exp(shifted)))


@formula("softmax")
def softmax(logits):
    return np.exp(log_softmax(logits))


@formula("cross_entropy")
def cross_entropy(target, logits=None, probs=None):
    if (logits is None) == (probs is None):
        raise ValueError("give exactly one of logits or probs")
    logp = log_softmax(logits) if logits is not None else np.log(np.asarray(probs, dtype=float))
    t = np.asarray(target, dtype=float)
    if t.ndim == 0:
        return -logp[int(target)]
    return -np.sum(np.where(t > 0, t * logp, 0.0))


@formula("bias_variance_decomposition")
def bias_variance_decomposition(bias, variance, noise_variance):
    return bias**2 + variance + noise_variance


@formula("linear_regression_gd_step")
def linear_regression_gd_step(x, y, w, b, lr):
    design = np.column_stack([np.asarray(x, float), np.ones(len(x))])
    theta = np.array([w, b], dtype=float)
    gradient = 2.0 / len(x) * design.T @ (design @ theta - np.asarray(y, float))
    return theta - lr * gradient


@formula("two_layer_backprop")
def two_layer_backprop(x, y, w1, b1, w2, b2):
    pre = w1 * x + b1
    hidden = pre if pre > 0 else 0.0
    err = (w2 * hidden + b2) - y  # dL/dy_hat for L = (y_hat - y)^2 / 2
    back = err * w2 * (1.0 if pre > 0 else 0.0)
    return [back * x, back, err * hidden, err]


@formula("soft_threshold")
def soft_threshold(z, lam):
    z = np.asarray(z, dtype=float)
    return np.sign(z) * np.clip(np.abs(z) - lam, 0.0, None) + 0.0


@formula("bayes_test_posterior")
def bayes_test_posterior(prior, sensitivity, specificity):
    evidence = sensitivity * prior + (1 - specificity) * (1 - prior)
    return sensitivity * prior / evidence


@formula("beta_binomial_map")
def beta_binomial_map(heads, tails, alpha, beta):
    a, b = alpha + heads, beta + tails
    return (a - 1) / (a + b - 2)


@formula("condition_number")
def condition_number(matrix):
    return np.linalg.cond(np.asarray(matrix, dtype=float), 2)
