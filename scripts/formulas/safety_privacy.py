"""safety-privacy: DP mechanisms, composition, randomised response, DP-SGD noise, DP bounds on
membership inference, FedAvg, k-anonymity, fairness gaps, disparate impact, Shapley values,
randomised smoothing, canary exposure, watermark z-score, PPV."""

import itertools
import math
from statistics import NormalDist

import numpy as np

from . import formula


@formula("gaussian_mechanism_sigma")
def gaussian_mechanism_sigma(sensitivity, epsilon, delta):
    return math.sqrt(2 * math.log(1.25 / delta)) * sensitivity / epsilon


@formula("dp_membership_tpr_bound")
def dp_membership_tpr_bound(epsilon, fpr, delta):
    return min(1.0, math.exp(epsilon) * fpr + delta)


@formula("fedavg")
def fedavg(client_sizes, client_weights):
    return np.average(np.asarray(client_weights, float), axis=0, weights=np.asarray(client_sizes, float))


@formula("disparate_impact_ratio")
def disparate_impact_ratio(selected, totals):
    rates = np.asarray(selected, float) / np.asarray(totals, float)
    return float(rates.min() / rates.max())


@formula("ppv_from_sensitivity_specificity")
def ppv_from_sensitivity_specificity(sensitivity, specificity, prevalence):
    true_pos = sensitivity * prevalence
    false_pos = (1 - specificity) * (1 - prevalence)
    return true_pos / (true_pos + false_pos)


@formula("laplace_mechanism_scale")
def laplace_mechanism_scale(sensitivity, epsilon):
    return sensitivity / epsilon


@formula("dp_advanced_composition")
def dp_advanced_composition(epsilon, k, delta):
    basic = k * epsilon
    advanced = epsilon * np.sqrt(2 * k * np.log(1 / delta)) + k * epsilon * (np.exp(epsilon) - 1)
    return [float(basic), float(advanced)]


@formula("randomized_response_estimate")
def randomized_response_estimate(epsilon, reported_yes_rate):
    # P(report yes) = p*pi + (1-p)*(1-pi); solve for pi.
    p = np.exp(epsilon) / (np.exp(epsilon) + 1)
    return float((reported_yes_rate + p - 1) / (2 * p - 1))


@formula("dp_sgd_noise_std")
def dp_sgd_noise_std(noise_multiplier, max_norm, batch):
    return noise_multiplier * max_norm / batch


@formula("dp_membership_advantage_bound")
def dp_membership_advantage_bound(epsilon, delta=0.0):
    # The best attack sits at the corner of the region DP allows, where
    # TPR = e^eps FPR + delta and 1 - FPR = e^eps (1 - TPR) + delta meet.
    fpr = (1 - delta) / (1 + math.exp(epsilon))
    tpr = math.exp(epsilon) * fpr + delta
    return min(1.0, tpr - fpr)


@formula("k_anonymity")
def k_anonymity(records):
    _, counts = np.unique(np.asarray(records, float), axis=0, return_counts=True)
    return float(counts.min())


@formula("fairness_gaps")
def fairness_gaps(y_true, y_pred, groups):
    y_true, y_pred, groups = (np.asarray(a, float) for a in (y_true, y_pred, groups))
    sel, tpr, fpr = [], [], []
    for g in np.unique(groups):
        m = groups == g
        sel.append(y_pred[m].mean())
        tpr.append(y_pred[m & (y_true == 1)].mean())
        fpr.append(y_pred[m & (y_true == 0)].mean())
    return [float(np.ptp(sel)), float(np.ptp(tpr)), float(np.ptp(fpr))]


@formula("shapley_values")
def shapley_values(coalition_values):
    # Average marginal contribution over all n! orderings of the features.
    v = list(coalition_values)
    n = int(round(math.log2(len(v))))
    phi = np.zeros(n)
    orders = list(itertools.permutations(range(n)))
    for order in orders:
        mask = 0
        for i in order:
            phi[i] += v[mask | (1 << i)] - v[mask]
            mask |= 1 << i
    return (phi / len(orders)).tolist()


@formula("randomized_smoothing_radius")
def randomized_smoothing_radius(sigma, p_a, p_b=None):
    if p_b is None:
        p_b = 1 - p_a
    inv = NormalDist().inv_cdf
    return sigma / 2 * (inv(p_a) - inv(p_b))


@formula("canary_exposure")
def canary_exposure(candidates, rank):
    return float(np.log2(candidates / rank))


@formula("watermark_z_score")
def watermark_z_score(green_count, tokens, gamma):
    mean = gamma * tokens
    std = math.sqrt(tokens * gamma * (1 - gamma))
    return (green_count - mean) / std
