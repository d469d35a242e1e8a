"""fundamentals: softmax, cross-entropy, bias-variance, least squares, backprop, L1, Bayes, linear algebra, information theory."""

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


@formula("bias_variance_from_predictions")
def bias_variance_from_predictions(predictions, target, noise_variance):
    preds = np.asarray(predictions, dtype=float)
    bias_sq = (preds.mean() - target) ** 2
    var = preds.var()  # population variance (ddof=0)
    return [bias_sq, var, bias_sq + var + noise_variance]


@formula("mutual_information")
def mutual_information(joint):
    pxy = np.asarray(joint, dtype=float)
    outer = np.outer(pxy.sum(axis=1), pxy.sum(axis=0))
    mask = pxy > 0
    return max(float(np.sum(pxy[mask] * (np.log(pxy[mask]) - np.log(outer[mask])))), 0.0)


@formula("singular_values")
def singular_values(matrix):
    return np.linalg.svd(np.asarray(matrix, dtype=float), compute_uv=False)


@formula("least_squares_gradient")
def least_squares_gradient(features, targets, w):
    X = np.asarray(features, dtype=float)
    return 2.0 * X.T @ (X @ np.asarray(w, float) - np.asarray(targets, float))


@formula("least_squares_solution")
def least_squares_solution(features, targets):
    X = np.asarray(features, dtype=float)
    w, _, rank, _ = np.linalg.lstsq(X, np.asarray(targets, float), rcond=None)
    if rank < X.shape[1]:
        raise ValueError("features are rank deficient")
    return w


@formula("ridge_shrinkage_factors")
def ridge_shrinkage_factors(features, lam):
    s = np.linalg.svd(np.asarray(features, dtype=float), compute_uv=False)
    return s**2 / (s**2 + lam)


@formula("sigmoid")
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    # exp(-logaddexp(0, -z)) = 1 / (1 + e^-z), without overflow
    return np.exp(-np.logaddexp(0.0, -z))


@formula("logit")
def logit(p):
    p = np.asarray(p, dtype=float)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("p must be in (0, 1)")
    return np.log(p) - np.log1p(-p)


@formula("float_format_properties")
def float_format_properties(exponent_bits, mantissa_bits):
    emax = 2 ** (exponent_bits - 1) - 1
    eps = np.ldexp(1.0, -mantissa_bits)
    largest = np.ldexp(1.0, emax) * (2.0 - eps)
    tiny = np.ldexp(1.0, 1 - emax)
    return [eps, largest, tiny]


@formula("mlp_param_count")
def mlp_param_count(layer_sizes):
    sizes = np.asarray(layer_sizes, dtype=float)
    macs = float(np.dot(sizes[:-1], sizes[1:]))
    return [macs + float(sizes[1:].sum()), macs]


@formula("softmax_cross_entropy_grad")
def softmax_cross_entropy_grad(logits, target):
    p = softmax(logits)
    return p - np.eye(len(p))[int(target)]


@formula("directional_derivative")
def directional_derivative(grad, direction):
    u = np.asarray(direction, dtype=float)
    return float(np.asarray(grad, float) @ (u / np.linalg.norm(u)))


@formula("mahalanobis_distance")
def mahalanobis_distance(x, mu, cov):
    d = np.asarray(x, float) - np.asarray(mu, float)
    return float(np.sqrt(d @ np.linalg.inv(np.asarray(cov, float)) @ d))


@formula("matrix_norms")
def matrix_norms(matrix):
    a = np.asarray(matrix, dtype=float)
    return [np.linalg.norm(a, "fro"), np.linalg.norm(a, 2)]


@formula("determinant_trace")
def determinant_trace(matrix):
    a = np.asarray(matrix, dtype=float)
    return [np.linalg.det(a), np.trace(a)]


@formula("power_iteration")
def power_iteration(matrix, x0, iterations):
    a = np.asarray(matrix, dtype=float)
    v = np.asarray(x0, dtype=float)
    v = v / np.linalg.norm(v)
    for _ in range(int(iterations)):
        v = a @ v
        v = v / np.linalg.norm(v)
    return v


@formula("jensen_gap_log")
def jensen_gap_log(x):
    x = np.asarray(x, dtype=float)
    return float(np.log(np.mean(x)) - np.mean(np.log(x)))


@formula("gaussian_nll")
def gaussian_nll(prediction, target, sigma):
    r = np.atleast_1d(np.asarray(target, float) - np.asarray(prediction, float))
    return float(np.mean(0.5 * np.log(2 * np.pi * sigma**2) + r**2 / (2 * sigma**2)))


@formula("pac_sample_complexity")
def pac_sample_complexity(hypothesis_count, epsilon, delta):
    return (np.log(hypothesis_count) + np.log(1.0 / delta)) / epsilon


@formula("entropy_cross_entropy_kl")
def entropy_cross_entropy_kl(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    support = p > 0
    h = -np.sum(p[support] * np.log(p[support]))
    kl = np.sum(p[support] * (np.log(p[support]) - np.log(q[support])))
    return [h, h + kl, kl]  # cross-entropy via H(p, q) = H(p) + KL(p || q)
