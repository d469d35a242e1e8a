"""safety-privacy: Gaussian mechanism, DP membership bound, FedAvg, disparate impact, PPV."""

import math

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
