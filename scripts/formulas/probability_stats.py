"""probability_stats: discrete Bayes, moments, Poisson counts, Gaussian conditioning,
correlations, coupon collecting, order statistics, Markov chains, estimators, conjugate
posteriors, intervals, the exact bootstrap, KDE, z/t/chi-square/Mann-Whitney/McNemar tests,
multiple testing, effect sizes, A/B-test design, CUPED, Bayesian A/B, UCB1, IPW, DiD,
Simpson's paradox, Neyman allocation, Monte Carlo and importance sampling, inverse-transform
sampling, Metropolis-Hastings, Kaplan-Meier and split conformal prediction.

Special functions come from the standard library (math.lgamma, math.erfc,
statistics.NormalDist); chi-square tails use the closed forms for integer degrees of freedom.
"""

import itertools
import math
from collections import Counter
from statistics import NormalDist

import numpy as np

from . import formula

_N = NormalDist()


def _chi2_sf(x, df):
    """P(chi2_df >= x) for integer df, by the closed forms of the incomplete gamma function."""
    df = int(round(df))
    y = x / 2.0
    if df % 2 == 0:
        return math.exp(-y) * sum(y**i / math.factorial(i) for i in range(df // 2))
    tail = math.erfc(math.sqrt(y))
    return tail + math.exp(-y) * sum(
        y ** (j + 0.5) / math.gamma(j + 1.5) for j in range((df - 1) // 2)
    )


@formula("discrete_bayes_posterior")
def discrete_bayes_posterior(prior, likelihood):
    joint = np.asarray(prior, float) * np.asarray(likelihood, float)
    return joint / joint.sum()


@formula("linear_combination_moments")
def linear_combination_moments(weights, means, covariance, offset=0.0):
    a = np.asarray(weights, float)
    return [a @ np.asarray(means, float) + offset, a @ np.asarray(covariance, float) @ a]


@formula("mixture_moments")
def mixture_moments(weights, means, variances):
    w, mu, var = (np.asarray(v, float) for v in (weights, means, variances))
    mean = np.sum(w * mu)
    second = np.sum(w * (var + mu**2))  # E[X^2] of the mixture
    within = np.sum(w * var)
    total = second - mean**2
    return [mean, within, total - within, total]


@formula("poisson_counts")
def poisson_counts(rate, duration, k):
    lam = rate * duration
    pmf = [math.exp(-lam) * lam**i / math.factorial(i) for i in range(int(k) + 1)]
    return [pmf[-1], sum(pmf)]


@formula("gaussian_conditional")
def gaussian_conditional(mean, cov, observed):
    # Condition through the precision matrix: x1 | x2 has variance 1/Lambda_11 and mean
    # mu1 - Lambda_11^-1 Lambda_12 (x2 - mu2).
    mu, s = np.asarray(mean, float), np.asarray(cov, float)
    lam = np.linalg.inv(s)
    d = np.asarray(observed, float) - mu[1:]
    return [mu[0] - lam[0, 1:] @ d / lam[0, 0], 1.0 / lam[0, 0]]


def _ranks(v):
    v = np.asarray(v, float)
    ranks = np.empty(len(v))
    for value in np.unique(v):
        idx = np.where(v == value)[0]
        # Positions (1-based) the tied block occupies in sorted order.
        below = np.sum(v < value)
        ranks[idx] = below + (len(idx) + 1) / 2.0
    return ranks


@formula("correlation_coefficients")
def correlation_coefficients(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    cov = np.cov(x, y, ddof=1)[0, 1]
    return [cov, np.corrcoef(x, y)[0, 1], np.corrcoef(_ranks(x), _ranks(y))[0, 1]]


@formula("coupon_collector_expected_draws")
def coupon_collector_expected_draws(n, distinct=None):
    k = n if distinct is None else distinct
    # Waiting time for the j-th new coupon is geometric with success probability (n - j + 1)/n.
    return sum(1.0 / ((n - j + 1) / n) for j in range(1, int(k) + 1))


@formula("uniform_order_statistic")
def uniform_order_statistic(n, k):
    a, b = k, n - k + 1  # Beta(a, b)
    return [a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))]


@formula("markov_stationary_distribution")
def markov_stationary_distribution(transition):
    p = np.asarray(transition, float)
    values, vectors = np.linalg.eig(p.T)
    i = np.argmin(np.abs(values - 1.0))
    if np.sum(np.abs(values - 1.0) < 1e-9) > 1:
        raise ValueError("stationary distribution not unique")
    v = np.real(vectors[:, i])
    return v / v.sum()


@formula("variance_estimators")
def variance_estimators(x):
    x = np.asarray(x, float)
    return [x.mean(), np.var(x, ddof=0), np.var(x, ddof=1)]


@formula("gaussian_mle")
def gaussian_mle(x):
    x = np.asarray(x, float)
    mu, var = x.mean(), x.var()
    ll = np.sum(-0.5 * np.log(2 * np.pi * var) - (x - mu) ** 2 / (2 * var))
    return [mu, var, ll]


@formula("bernoulli_fisher_information")
def bernoulli_fisher_information(p, n):
    # I(p) = E[(d/dp log f)^2] = p (1/p)^2 + (1 - p) (1/(1 - p))^2.
    info = p / p**2 + (1 - p) / (1 - p) ** 2
    return [info, 1.0 / (n * info)]


@formula("gamma_method_of_moments")
def gamma_method_of_moments(x):
    x = np.asarray(x, float)
    m1, m2 = x.mean(), np.mean(x**2)
    var = m2 - m1**2
    return [m1**2 / var, var / m1]


@formula("beta_binomial_posterior")
def beta_binomial_posterior(alpha, beta, successes, failures):
    a, b = alpha + successes, beta + failures
    mean = a / (a + b)
    return [a, b, mean, math.sqrt(mean * (1 - mean) / (a + b + 1))]


@formula("gamma_poisson_posterior")
def gamma_poisson_posterior(shape, rate, counts):
    c = np.asarray(counts, float)
    return [shape + c.sum(), rate + len(c), (shape + c.sum()) / (rate + len(c))]


@formula("proportion_confidence_intervals")
def proportion_confidence_intervals(successes, n, z=1.96):
    p = successes / n
    wald = z * math.sqrt(p * (1 - p) / n)
    # Wilson: solve (p - pi)^2 = z^2 pi (1 - pi) / n for pi.
    a = 1 + z * z / n
    b = -(2 * p + z * z / n)
    c = p * p
    disc = math.sqrt(b * b - 4 * a * c)
    return [p - wald, p + wald, (-b - disc) / (2 * a), (-b + disc) / (2 * a)]


@formula("exact_bootstrap_percentile")
def exact_bootstrap_percentile(sample, confidence=0.95):
    x = list(map(float, sample))
    n = len(x)
    # Enumerate multisets of indices with their multinomial probabilities (not ordered tuples).
    dist = Counter()
    for combo in itertools.combinations_with_replacement(range(n), n):
        counts = Counter(combo)
        ways = math.factorial(n)
        for c in counts.values():
            ways //= math.factorial(c)
        dist[round(sum(x[i] for i in combo) / n, 12)] += ways
    total = n**n
    values = sorted(dist)
    probs = np.array([dist[v] for v in values], float) / total
    cdf = np.cumsum(probs)
    alpha = 1 - confidence

    def q(level):
        return values[int(np.argmax(cdf >= level - 1e-12))]

    mean = np.dot(values, probs)
    se = math.sqrt(np.dot((np.array(values) - mean) ** 2, probs))
    return [q(alpha / 2), q(1 - alpha / 2), se]


@formula("gaussian_kde")
def gaussian_kde(data, bandwidth, points):
    d = np.asarray(data, float)
    x = np.atleast_1d(np.asarray(points, float))
    dens = np.array([np.mean([_N.pdf((xi - di) / bandwidth) for di in d]) / bandwidth for xi in x])
    return float(dens[0]) if np.ndim(points) == 0 else dens


@formula("two_proportion_z_test")
def two_proportion_z_test(successes_a, n_a, successes_b, n_b):
    pa, pb = successes_a / n_a, successes_b / n_b
    pool = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pool * (1 - pool) * (1 / n_a + 1 / n_b))
    z = (pb - pa) / se
    return [pb - pa, se, z, math.erfc(abs(z) / math.sqrt(2))]


@formula("one_sample_t_test")
def one_sample_t_test(x, mu=0.0):
    x = np.asarray(x, float)
    sd = x.std(ddof=1)
    return [x.mean(), sd, (x.mean() - mu) * math.sqrt(len(x)) / sd, len(x) - 1]


@formula("welch_t_test")
def welch_t_test(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    a, b = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    t = (y.mean() - x.mean()) / math.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (len(x) - 1) + b**2 / (len(y) - 1))
    return [t, df]


@formula("chi_square_independence")
def chi_square_independence(table):
    t = np.asarray(table, float)
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()
    stat = float(np.sum((t - expected) ** 2 / expected))
    df = (t.shape[0] - 1) * (t.shape[1] - 1)
    return [stat, df, _chi2_sf(stat, df)]


@formula("chi_square_goodness_of_fit")
def chi_square_goodness_of_fit(observed, expected_probs):
    o = np.asarray(observed, float)
    p = np.asarray(expected_probs, float)
    e = o.sum() * p / p.sum()
    stat = float(np.sum((o - e) ** 2 / e))
    return [stat, len(o) - 1, _chi2_sf(stat, len(o) - 1)]


@formula("mann_whitney_u")
def mann_whitney_u(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    # Rank-sum form: U_x = R_x - n_x (n_x + 1) / 2 with average ranks over the pooled sample.
    ranks = _ranks(np.concatenate([x, y]))
    u = ranks[: len(x)].sum() - len(x) * (len(x) + 1) / 2
    pairs = len(x) * len(y)
    return [u, pairs - u, u / pairs]


@formula("multiple_testing_rejections")
def multiple_testing_rejections(p_values, alpha=0.05):
    p = np.asarray(p_values, float)
    m = len(p)
    bonf = (p * m <= alpha).astype(float)
    # Adjusted p-values: Holm = running max of (m - i + 1) p_(i); BH = running min from the top
    # of m p_(i) / i. Reject where the adjusted value is <= alpha.
    order = np.argsort(p, kind="stable")
    sp = p[order]
    holm_adj = np.maximum.accumulate((m - np.arange(m)) * sp)
    bh_adj = np.minimum.accumulate((m * sp / np.arange(1, m + 1))[::-1])[::-1]
    holm, bh = np.zeros(m), np.zeros(m)
    holm[order] = (holm_adj <= alpha + 1e-15).astype(float)
    bh[order] = (bh_adj <= alpha + 1e-15).astype(float)
    return [bonf, holm, bh]


@formula("cohens_d")
def cohens_d(mean_a, mean_b, sd_a, sd_b, n_a, n_b):
    pooled_var = ((n_a - 1) * sd_a**2 + (n_b - 1) * sd_b**2) / (n_a + n_b - 2)
    return [math.sqrt(pooled_var), (mean_b - mean_a) / math.sqrt(pooled_var)]


@formula("mcnemar_test")
def mcnemar_test(b, c):
    n = b + c
    exact = 2 * sum(math.comb(n, k) for k in range(min(b, c) + 1)) / 2**n
    return [(b - c) ** 2 / n, max(abs(b - c) - 1, 0) ** 2 / n, min(1.0, exact)]


@formula("ab_test_sample_size")
def ab_test_sample_size(baseline, mde, alpha=0.05, power=0.8):
    p2 = baseline + mde
    z = _N.inv_cdf(1 - alpha / 2) + _N.inv_cdf(power)
    return z**2 * (baseline * (1 - baseline) + p2 * (1 - p2)) / mde**2


@formula("ab_test_power")
def ab_test_power(baseline, mde, n_per_arm, alpha=0.05):
    p2 = baseline + mde
    se = math.sqrt((baseline * (1 - baseline) + p2 * (1 - p2)) / n_per_arm)
    return _N.cdf(abs(mde) / se - _N.inv_cdf(1 - alpha / 2))


@formula("cuped_adjustment")
def cuped_adjustment(y, x):
    y, x = np.asarray(y, float), np.asarray(x, float)
    # theta is the OLS slope of y on x.
    theta = np.polyfit(x, y, 1)[0]
    adjusted = y - theta * (x - x.mean())
    vy, va = y.var(ddof=1), adjusted.var(ddof=1)
    return [theta, vy, va, 1 - va / vy]


@formula("beta_ab_prob_b_beats_a")
def beta_ab_prob_b_beats_a(successes_a, n_a, successes_b, n_b, alpha=1.0, beta=1.0):
    aa, ba = alpha + successes_a, beta + n_a - successes_a
    ab, bb = alpha + successes_b, beta + n_b - successes_b
    # Numerical integration: P(B > A) = integral of f_B(x) F_A(x) dx on a fine grid.
    x = np.linspace(0.0, 1.0, 400_001)

    def pdf(a, b):
        # x^(a-1) (1-x)^(b-1) / B(a, b); an exponent of 0 contributes 1 even at the ends.
        with np.errstate(divide="ignore", invalid="ignore"):
            left = np.zeros_like(x) if a == 1 else (a - 1) * np.log(x)
            right = np.zeros_like(x) if b == 1 else (b - 1) * np.log1p(-x)
        logp = left + right - (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
        return np.exp(logp)  # exp(-inf) = 0 at an end where the density vanishes

    fa, fb = pdf(aa, ba), pdf(ab, bb)
    h = x[1] - x[0]
    cdf_a = np.concatenate([[0.0], np.cumsum((fa[1:] + fa[:-1]) * h / 2)])
    integrand = fb * cdf_a
    prob = float(np.sum((integrand[1:] + integrand[:-1]) * h / 2))
    return [aa / (aa + ba), ab / (ab + bb), prob]


@formula("ucb1_scores")
def ucb1_scores(means, counts):
    m, c = np.asarray(means, float), np.asarray(counts, float)
    return m + np.sqrt(2 * np.log(c.sum()) / c)


@formula("ipw_ate")
def ipw_ate(treated, outcomes, propensities):
    t, y, e = (np.asarray(v, float) for v in (treated, outcomes, propensities))
    w1, w0 = t / e, (1 - t) / (1 - e)
    ht = np.mean(w1 * y) - np.mean(w0 * y)
    hajek = np.average(y, weights=w1) - np.average(y, weights=w0)
    return [ht, hajek]


@formula("difference_in_differences")
def difference_in_differences(treated_before, treated_after, control_before, control_after):
    # Same quantity written as the change in the treated-minus-control gap.
    return (treated_after - control_after) - (treated_before - control_before)


@formula("simpsons_paradox_rates")
def simpsons_paradox_rates(successes_a, totals_a, successes_b, totals_b):
    rows = []
    for s, t in ((successes_a, totals_a), (successes_b, totals_b)):
        s, t = np.asarray(s, float), np.asarray(t, float)
        rows.append(list(s / t) + [s.sum() / t.sum()])
    return rows


@formula("neyman_allocation")
def neyman_allocation(weights, sds, n):
    ws = np.asarray(weights, float) * np.asarray(sds, float)
    return n * ws / ws.sum()


@formula("monte_carlo_error")
def monte_carlo_error(std, n, target_se):
    return [math.sqrt(std**2 / n), std**2 / target_se**2]


@formula("importance_sampling_estimate")
def importance_sampling_estimate(values, target_density, proposal_density):
    f = np.asarray(values, float)
    w = np.asarray(target_density, float) / np.asarray(proposal_density, float)
    wn = w / w.sum()
    return [np.mean(w * f), np.sum(wn * f), 1.0 / np.sum(wn**2)]


@formula("inverse_transform_exponential")
def inverse_transform_exponential(u, rate):
    out = -np.log1p(-np.asarray(u, float)) / rate
    return float(out) if np.ndim(u) == 0 else out


@formula("metropolis_hastings_acceptance")
def metropolis_hastings_acceptance(
    target_current, target_proposed, proposal_forward=1.0, proposal_backward=1.0
):
    ratio = (target_proposed / target_current) * (proposal_backward / proposal_forward)
    return min(1.0, ratio)


@formula("kaplan_meier")
def kaplan_meier(times, events):
    t, e = np.asarray(times, float), np.asarray(events, float)
    grid = np.unique(t[e == 1])
    hazards = [np.sum((t == u) & (e == 1)) / np.sum(t >= u) for u in grid]
    return [grid, np.cumprod(1 - np.array(hazards))]


@formula("split_conformal_quantile")
def split_conformal_quantile(scores, alpha=0.1):
    s = np.sort(np.asarray(scores, float))
    n = len(s)
    # Smallest k with k / (n + 1) >= 1 - alpha, in exact rational arithmetic where possible.
    k = next(k for k in range(1, n + 2) if k >= (n + 1) * (1 - alpha) - 1e-9)
    if k > n:
        raise ValueError("k exceeds n: the interval is infinite")
    return [k, s[k - 1]]
