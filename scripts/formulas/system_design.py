"""system-design: back-of-the-envelope capacity estimates and small decision rules."""

import numpy as np

from . import formula


@formula("peak_qps")
def peak_qps(daily_active_users, requests_per_user_per_day, peak_to_average):
    requests_per_day = float(daily_active_users) * float(requests_per_user_per_day)
    mean_qps = requests_per_day / (24 * 60 * 60)
    return [mean_qps, mean_qps * peak_to_average]


@formula("embedding_storage_bytes")
def embedding_storage_bytes(num_vectors, dim, bytes_per_element, replicas=1):
    return float(np.prod([num_vectors, dim, bytes_per_element, replicas], dtype=float))


@formula("fanout_tail_probability")
def fanout_tail_probability(num_shards, per_shard_slow_prob):
    # P(at least one slow) = 1 - P(none slow); log1p keeps small p accurate.
    return float(-np.expm1(num_shards * np.log1p(-per_shard_slow_prob)))


@formula("reviewers_needed")
def reviewers_needed(items_per_day, flag_rate, reviews_per_reviewer_per_day):
    flagged = items_per_day * flag_rate
    staff = np.ceil(round(flagged / reviews_per_reviewer_per_day, 9))
    return [flagged, float(staff)]


@formula("expected_false_alarms")
def expected_false_alarms(num_series, checks_per_day, alpha):
    tests_per_day = num_series * checks_per_day
    return tests_per_day * alpha


@formula("newsvendor_critical_ratio")
def newsvendor_critical_ratio(underage_cost, overage_cost):
    return underage_cost / (underage_cost + overage_cost)


@formula("linear_demand_optimal_price")
def linear_demand_optimal_price(demand_intercept, demand_slope, unit_cost):
    # profit(p) = (p - c)(a - b p); solve the quadratic's vertex numerically via its coefficients.
    a, b, c = demand_intercept, demand_slope, unit_cost
    coeffs = np.array([-b, a + b * c, -a * c])  # -b p^2 + (a + b c) p - a c
    price = -coeffs[1] / (2 * coeffs[0])
    quantity = a - b * price
    return [float(price), float(quantity), float(np.polyval(coeffs, price))]
