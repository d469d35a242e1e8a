//! Formulas of the `probability-stats` category: discrete Bayes updates; moments of linear
//! combinations and mixtures; Poisson counts; Gaussian conditioning; correlation coefficients;
//! coupon collecting and uniform order statistics; Markov-chain stationary distributions;
//! estimators (sample variance, Gaussian MLE, Bernoulli Fisher information, gamma method of
//! moments); conjugate posteriors; confidence intervals and the exact bootstrap; kernel density
//! estimates; z, t, chi-square, Mann–Whitney and McNemar statistics; multiple-testing decisions;
//! effect sizes; A/B-test sample size, power, CUPED and the Bayesian probability to beat control;
//! UCB1; inverse-probability weighting, difference-in-differences and Simpson's paradox;
//! Neyman allocation; Monte Carlo and importance-sampling estimates; inverse-transform sampling;
//! the Metropolis–Hastings acceptance probability; Kaplan–Meier; and split conformal prediction.
//!
//! The special functions (log-gamma, the regularised incomplete gamma function, the standard
//! normal CDF and its inverse) are implemented here, since `std` has none of them.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("discrete_bayes_posterior", discrete_bayes_posterior),
    ("linear_combination_moments", linear_combination_moments),
    ("mixture_moments", mixture_moments),
    ("poisson_counts", poisson_counts),
    ("gaussian_conditional", gaussian_conditional),
    ("correlation_coefficients", correlation_coefficients),
    (
        "coupon_collector_expected_draws",
        coupon_collector_expected_draws,
    ),
    ("uniform_order_statistic", uniform_order_statistic),
    (
        "markov_stationary_distribution",
        markov_stationary_distribution,
    ),
    ("variance_estimators", variance_estimators),
    ("gaussian_mle", gaussian_mle),
    ("bernoulli_fisher_information", bernoulli_fisher_information),
    ("gamma_method_of_moments", gamma_method_of_moments),
    ("beta_binomial_posterior", beta_binomial_posterior),
    ("gamma_poisson_posterior", gamma_poisson_posterior),
    (
        "proportion_confidence_intervals",
        proportion_confidence_intervals,
    ),
    ("exact_bootstrap_percentile", exact_bootstrap_percentile),
    ("gaussian_kde", gaussian_kde),
    ("two_proportion_z_test", two_proportion_z_test),
    ("one_sample_t_test", one_sample_t_test),
    ("welch_t_test", welch_t_test),
    ("chi_square_independence", chi_square_independence),
    ("chi_square_goodness_of_fit", chi_square_goodness_of_fit),
    ("mann_whitney_u", mann_whitney_u),
    ("multiple_testing_rejections", multiple_testing_rejections),
    ("cohens_d", cohens_d),
    ("mcnemar_test", mcnemar_test),
    ("ab_test_sample_size", ab_test_sample_size),
    ("ab_test_power", ab_test_power),
    ("cuped_adjustment", cuped_adjustment),
    ("beta_ab_prob_b_beats_a", beta_ab_prob_b_beats_a),
    ("ucb1_scores", ucb1_scores),
    ("ipw_ate", ipw_ate),
    ("difference_in_differences", difference_in_differences),
    ("simpsons_paradox_rates", simpsons_paradox_rates),
    ("neyman_allocation", neyman_allocation),
    ("monte_carlo_error", monte_carlo_error),
    ("importance_sampling_estimate", importance_sampling_estimate),
    (
        "inverse_transform_exponential",
        inverse_transform_exponential,
    ),
    (
        "metropolis_hastings_acceptance",
        metropolis_hastings_acceptance,
    ),
    ("kaplan_meier", kaplan_meier),
    ("split_conformal_quantile", split_conformal_quantile),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

// ---------------------------------------------------------------------------------------------
// Special functions and small helpers.

/// ln Gamma(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; about 15 digits), with
/// the reflection formula below 1/2.
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln B(a, b), the log of the beta function.
fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// The regularised upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a), by the
/// power series of P = 1 - Q below x = a + 1 and Lentz's continued fraction above.
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let log_prefactor = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * log_prefactor.exp()
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        log_prefactor.exp() * h
    }
}

/// The upper tail P(X >= x) of a chi-square variable with `df` degrees of freedom.
fn chi_square_sf(x: f64, df: f64) -> f64 {
    gamma_q(df / 2.0, x / 2.0)
}

/// The standard normal CDF, through erfc(t) = Q(1/2, t^2).
fn normal_cdf(z: f64) -> f64 {
    let tail = 0.5 * gamma_q(0.5, z * z / 2.0);
    if z < 0.0 { tail } else { 1.0 - tail }
}

/// The standard normal quantile, by bisection on `normal_cdf` (exact to rounding).
fn normal_quantile(p: f64) -> f64 {
    let (mut lo, mut hi) = (-40.0_f64, 40.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if normal_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Sample variance with the n - 1 denominator.
fn sample_variance(xs: &[f64]) -> f64 {
    let m = common::mean(xs);
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() as f64 - 1.0)
}

/// Sample covariance with the n - 1 denominator.
fn sample_covariance(xs: &[f64], ys: &[f64]) -> f64 {
    let (mx, my) = (common::mean(xs), common::mean(ys));
    xs.iter()
        .zip(ys)
        .map(|(x, y)| (x - mx) * (y - my))
        .sum::<f64>()
        / (xs.len() as f64 - 1.0)
}

/// Ranks 1..n, tied values sharing the average of the ranks they span.
fn average_ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut ranks = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]] == xs[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Solves A x = b by Gaussian elimination with partial pivoting; None if A is singular.
fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .zip(b)
        .map(|(row, &bi)| {
            let mut r = row.clone();
            r.push(bi);
            r
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() < 1e-14 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col].clone();
        for (row, values) in m.iter_mut().enumerate() {
            if row != col {
                let f = values[col] / pivot_row[col];
                for (x, p) in values[col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..n).map(|i| m[i][n] / m[i][i]).collect())
}

/// Reads a vector whose entries must all be 0 or more.
fn non_negative(inputs: &Inputs, name: &str) -> Result<Vec<f64>, Error> {
    let v = inputs.vector(name)?;
    if v.iter().any(|x| *x < 0.0) {
        return Err(inputs.invalid(format!("input `{name}` must not hold negative numbers")));
    }
    Ok(v)
}

/// Reads a number that must be 0 or more.
fn non_negative_number(inputs: &Inputs, name: &str) -> Result<f64, Error> {
    let x = inputs.number(name)?;
    if x < 0.0 {
        return Err(inputs.invalid(format!("input `{name}` is {x}; it cannot be negative")));
    }
    Ok(x)
}

/// Reads a significance level strictly between 0 and 1.
fn level(inputs: &Inputs, name: &str, default: f64) -> Result<f64, Error> {
    let x = inputs.number_or(name, default)?;
    if x <= 0.0 || x >= 1.0 {
        return Err(inputs.invalid(format!(
            "input `{name}` is {x}; it must lie strictly between 0 and 1"
        )));
    }
    Ok(x)
}

// ---------------------------------------------------------------------------------------------
// Probability.

/// Posterior over a discrete set of hypotheses: prior_i likelihood_i / sum_j prior_j
/// likelihood_j, for `prior` (non-negative weights, normalised here) and `likelihood` (the
/// probability of the observed evidence under each hypothesis).
fn discrete_bayes_posterior(inputs: &Inputs) -> Result<Value, Error> {
    let prior = non_negative(inputs, "prior")?;
    let likelihood = non_negative(inputs, "likelihood")?;
    inputs.same_length(("prior", prior.len()), ("likelihood", likelihood.len()))?;
    let joint: Vec<f64> = prior.iter().zip(&likelihood).map(|(p, l)| p * l).collect();
    let evidence: f64 = joint.iter().sum();
    if evidence <= 0.0 {
        return Err(inputs.invalid("the evidence has probability 0 under every hypothesis"));
    }
    Ok(array(
        &joint.iter().map(|j| j / evidence).collect::<Vec<_>>(),
    ))
}

/// Mean and variance of a^T X + b for a random vector X with `means` and `covariance`, weights
/// `weights` a and optional `offset` b (default 0): [a^T mu + b, a^T Sigma a].
fn linear_combination_moments(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.vector("weights")?;
    let mu = inputs.vector("means")?;
    let sigma = inputs.matrix("covariance")?;
    let b = inputs.number_or("offset", 0.0)?;
    inputs.same_length(("weights", a.len()), ("means", mu.len()))?;
    if sigma.len() != a.len() || sigma[0].len() != a.len() {
        return Err(inputs.invalid("`covariance` must be square with one row per weight"));
    }
    if !common::is_symmetric(&sigma) {
        return Err(inputs.invalid("`covariance` must be symmetric"));
    }
    let mean = common::dot(&a, &mu) + b;
    let var: f64 = (0..a.len())
        .map(|i| (0..a.len()).map(|j| a[i] * sigma[i][j] * a[j]).sum::<f64>())
        .sum();
    Ok(array(&[mean, var]))
}

/// Moments of a mixture with component `weights` (summing to 1), `means` and `variances`:
/// [mean, E[Var(X | Z)], Var(E[X | Z]), total variance], by the laws of total expectation and
/// total variance.
fn mixture_moments(inputs: &Inputs) -> Result<Value, Error> {
    let w = non_negative(inputs, "weights")?;
    let mu = inputs.vector("means")?;
    let var = non_negative(inputs, "variances")?;
    inputs.same_length(("weights", w.len()), ("means", mu.len()))?;
    inputs.same_length(("weights", w.len()), ("variances", var.len()))?;
    if (w.iter().sum::<f64>() - 1.0).abs() > 1e-9 {
        return Err(inputs.invalid("`weights` must sum to 1"));
    }
    let mean = common::dot(&w, &mu);
    let within = common::dot(&w, &var);
    let between: f64 = w
        .iter()
        .zip(&mu)
        .map(|(wi, m)| wi * (m - mean) * (m - mean))
        .sum();
    Ok(array(&[mean, within, between, within + between]))
}

/// Counts of a Poisson process with `rate` events per unit time over `duration`:
/// [P(N = k), P(N <= k)] for N ~ Poisson(rate * duration).
fn poisson_counts(inputs: &Inputs) -> Result<Value, Error> {
    let rate = inputs.positive("rate")?;
    let duration = inputs.positive("duration")?;
    let k = inputs.count("k")?;
    let lambda = rate * duration;
    let pmf = |i: usize| (-lambda + i as f64 * lambda.ln() - ln_gamma(i as f64 + 1.0)).exp();
    let cdf: f64 = (0..=k).map(pmf).sum();
    Ok(array(&[pmf(k), cdf.min(1.0)]))
}

/// Conditional distribution of the first coordinate of a Gaussian vector with `mean` and
/// `cov`, given the remaining coordinates equal `observed`: [mu_1 + S_12 S_22^-1 (x_2 - mu_2),
/// S_11 - S_12 S_22^-1 S_21].
fn gaussian_conditional(inputs: &Inputs) -> Result<Value, Error> {
    let mu = inputs.vector("mean")?;
    let s = inputs.matrix("cov")?;
    let x2 = inputs.vector("observed")?;
    let n = mu.len();
    if s.len() != n || s[0].len() != n {
        return Err(inputs.invalid("`cov` must be square with one row per entry of `mean`"));
    }
    if !common::is_symmetric(&s) {
        return Err(inputs.invalid("`cov` must be symmetric"));
    }
    if x2.len() + 1 != n {
        return Err(inputs.invalid(
            "`observed` must give every coordinate but the first (one fewer entry than `mean`)",
        ));
    }
    let s22: Vec<Vec<f64>> = (1..n).map(|i| s[i][1..].to_vec()).collect();
    let s21: Vec<f64> = (1..n).map(|i| s[i][0]).collect();
    let diff: Vec<f64> = x2.iter().zip(&mu[1..]).map(|(x, m)| x - m).collect();
    let w = solve(&s22, &diff)
        .ok_or_else(|| inputs.invalid("the covariance of the observed coordinates is singular"))?;
    let v = solve(&s22, &s21)
        .ok_or_else(|| inputs.invalid("the covariance of the observed coordinates is singular"))?;
    let cond_mean = mu[0] + common::dot(&s21, &w);
    let cond_var = s[0][0] - common::dot(&s21, &v);
    Ok(array(&[cond_mean, cond_var]))
}

/// [sample covariance (n - 1), Pearson r, Spearman rho] of paired samples `x` and `y`;
/// Spearman is Pearson on average ranks (ties share their mean rank).
fn correlation_coefficients(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let y = inputs.vector("y")?;
    inputs.same_length(("x", x.len()), ("y", y.len()))?;
    if x.len() < 2 {
        return Err(inputs.invalid("a correlation needs at least two pairs"));
    }
    let pearson = |a: &[f64], b: &[f64]| -> Option<f64> {
        let (va, vb) = (sample_variance(a), sample_variance(b));
        (va > 0.0 && vb > 0.0).then(|| sample_covariance(a, b) / (va * vb).sqrt())
    };
    let r = pearson(&x, &y).ok_or_else(|| inputs.invalid("`x` or `y` is constant"))?;
    let rho = pearson(&average_ranks(&x), &average_ranks(&y))
        .ok_or_else(|| inputs.invalid("`x` or `y` is constant"))?;
    Ok(array(&[sample_covariance(&x, &y), r, rho]))
}

/// Expected draws, with replacement from `n` equally likely coupons, until `distinct` different
/// ones (default all n) have been seen: sum_{i=0}^{distinct-1} n / (n - i).
fn coupon_collector_expected_draws(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("n")?;
    let k = inputs.count_or("distinct", n)?;
    if n == 0 || k > n {
        return Err(inputs.invalid("need n >= 1 and `distinct` <= n"));
    }
    let nf = n as f64;
    Ok(scalar((0..k).map(|i| nf / (nf - i as f64)).sum()))
}

/// The k-th smallest of `n` i.i.d. Uniform(0, 1) draws is Beta(k, n - k + 1): [mean k/(n+1),
/// variance k (n - k + 1) / ((n + 1)^2 (n + 2))]. k = n is the maximum, k = 1 the minimum.
fn uniform_order_statistic(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("n")?;
    let k = inputs.count("k")?;
    if k == 0 || k > n {
        return Err(inputs.invalid("need 1 <= k <= n"));
    }
    let (n, k) = (n as f64, k as f64);
    Ok(array(&[
        k / (n + 1.0),
        k * (n - k + 1.0) / ((n + 1.0) * (n + 1.0) * (n + 2.0)),
    ]))
}

/// The stationary distribution pi = pi P of a row-stochastic `transition` matrix P, solved
/// from (P^T - I) pi = 0 with one equation replaced by sum(pi) = 1. Fails if it is not unique.
fn markov_stationary_distribution(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.matrix("transition")?;
    let n = p.len();
    if p[0].len() != n {
        return Err(inputs.invalid("`transition` must be square"));
    }
    for row in &p {
        if row.iter().any(|x| *x < 0.0) || (row.iter().sum::<f64>() - 1.0).abs() > 1e-9 {
            return Err(inputs.invalid("each row of `transition` must be a distribution"));
        }
    }
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| p[j][i] - if i == j { 1.0 } else { 0.0 })
                .collect()
        })
        .collect();
    a[n - 1] = vec![1.0; n];
    let mut b = vec![0.0; n];
    b[n - 1] = 1.0;
    let pi = solve(&a, &b).ok_or_else(|| {
        inputs.invalid("the stationary distribution is not unique (the chain is reducible)")
    })?;
    Ok(array(&pi))
}

// ---------------------------------------------------------------------------------------------
// Estimation.

/// [mean, variance with 1/n, variance with 1/(n - 1)] of the sample `x`.
fn variance_estimators(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    if x.len() < 2 {
        return Err(inputs.invalid("a variance needs at least two values"));
    }
    let n = x.len() as f64;
    let m = common::mean(&x);
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    Ok(array(&[m, ss / n, ss / (n - 1.0)]))
}

/// Gaussian maximum likelihood for the sample `x`: [mu_hat, sigma^2_hat (1/n), maximised
/// log-likelihood -n/2 (ln(2 pi sigma^2_hat) + 1)] (natural log).
fn gaussian_mle(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let n = x.len() as f64;
    let m = common::mean(&x);
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
    if var <= 0.0 {
        return Err(inputs.invalid("the sample is constant, so the likelihood is unbounded"));
    }
    let ll = -n / 2.0 * ((2.0 * std::f64::consts::PI * var).ln() + 1.0);
    Ok(array(&[m, var, ll]))
}

/// Fisher information of one Bernoulli(`p`) observation and the Cramer–Rao bound for `n`
/// observations: [1 / (p (1 - p)), p (1 - p) / n].
fn bernoulli_fisher_information(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.probability("p")?;
    let n = inputs.positive("n")?;
    if p == 0.0 || p == 1.0 {
        return Err(inputs.invalid("`p` must lie strictly between 0 and 1"));
    }
    let v = p * (1.0 - p);
    Ok(array(&[1.0 / v, v / n]))
}

/// Method-of-moments Gamma fit (shape k, scale theta) to the sample `x`: mean = k theta and
/// variance = k theta^2 with the 1/n sample variance give [k = mean^2 / var, theta = var / mean].
fn gamma_method_of_moments(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let n = x.len() as f64;
    let m = common::mean(&x);
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
    if m <= 0.0 || var <= 0.0 {
        return Err(inputs.invalid("the sample needs a positive mean and a positive variance"));
    }
    Ok(array(&[m * m / var, var / m]))
}

/// Beta(`alpha`, `beta`) prior, `successes` and `failures` observed: [alpha', beta', posterior
/// mean alpha' / (alpha' + beta'), posterior standard deviation].
fn beta_binomial_posterior(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.positive("alpha")? + non_negative_number(inputs, "successes")?;
    let b = inputs.positive("beta")? + non_negative_number(inputs, "failures")?;
    let s = a + b;
    Ok(array(&[a, b, a / s, (a * b / (s * s * (s + 1.0))).sqrt()]))
}

/// Gamma(`shape`, `rate`) prior on a Poisson rate, observed `counts` (one per unit of
/// exposure): [shape + sum(counts), rate + n, posterior mean].
fn gamma_poisson_posterior(inputs: &Inputs) -> Result<Value, Error> {
    let shape = inputs.positive("shape")?;
    let rate = inputs.positive("rate")?;
    let counts = non_negative(inputs, "counts")?;
    let a = shape + counts.iter().sum::<f64>();
    let b = rate + counts.len() as f64;
    Ok(array(&[a, b, a / b]))
}

/// Wald and Wilson intervals for a proportion, `successes` out of `n`, at critical value `z`
/// (default 1.96): [Wald low, Wald high, Wilson low, Wilson high]. Wald is p +/- z sqrt(p(1-p)/n).
fn proportion_confidence_intervals(inputs: &Inputs) -> Result<Value, Error> {
    let k = non_negative_number(inputs, "successes")?;
    let n = inputs.positive("n")?;
    let z = inputs.number_or("z", 1.96)?;
    if k > n {
        return Err(inputs.invalid("`successes` cannot exceed `n`"));
    }
    let p = k / n;
    let half = z * (p * (1.0 - p) / n).sqrt();
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let wilson_half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Ok(array(&[
        p - half,
        p + half,
        centre - wilson_half,
        centre + wilson_half,
    ]))
}

/// The exact bootstrap distribution of the mean of a tiny `sample` (n <= 7): all n^n equally
/// likely resamples are enumerated. Returns [percentile lower, percentile upper, bootstrap
/// standard error], where the lower (upper) end is the smallest resample mean whose cumulative
/// probability reaches (1 - `confidence`)/2 (resp. (1 + `confidence`)/2); `confidence`
/// defaults to 0.95; the standard error is the standard deviation of the bootstrap means.
fn exact_bootstrap_percentile(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("sample")?;
    let confidence = level(inputs, "confidence", 0.95)?;
    let n = x.len();
    if !(2..=7).contains(&n) {
        return Err(inputs.invalid("exact enumeration needs a sample of 2 to 7 values"));
    }
    let total = n.pow(n as u32);
    let mut means = Vec::with_capacity(total);
    let mut idx = vec![0usize; n];
    for _ in 0..total {
        means.push(idx.iter().map(|&i| x[i]).sum::<f64>() / n as f64);
        for digit in idx.iter_mut() {
            *digit += 1;
            if *digit < n {
                break;
            }
            *digit = 0;
        }
    }
    means.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        // The smallest value v with (number of means <= v) / total >= q.
        let need = q * total as f64;
        let mut i = 0;
        while i < total {
            let v = means[i];
            let mut j = i;
            while j + 1 < total && means[j + 1] == v {
                j += 1;
            }
            if (j + 1) as f64 >= need - 1e-9 {
                return v;
            }
            i = j + 1;
        }
        means[total - 1]
    };
    let alpha = 1.0 - confidence;
    let m = common::mean(&means);
    let se = (means.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / total as f64).sqrt();
    Ok(array(&[
        quantile(alpha / 2.0),
        quantile(1.0 - alpha / 2.0),
        se,
    ]))
}

/// Gaussian kernel density estimate with `bandwidth` h from `data`, evaluated at `points`:
/// f(x) = 1/(n h) sum_i phi((x - x_i) / h).
fn gaussian_kde(inputs: &Inputs) -> Result<Value, Error> {
    let data = inputs.vector("data")?;
    let h = inputs.positive("bandwidth")?;
    let points = inputs.values("points")?;
    let n = data.len() as f64;
    let norm = 1.0 / ((2.0 * std::f64::consts::PI).sqrt() * n * h);
    let out: Vec<f64> = points
        .data
        .iter()
        .map(|x| {
            norm * data
                .iter()
                .map(|xi| (-0.5 * ((x - xi) / h).powi(2)).exp())
                .sum::<f64>()
        })
        .collect();
    Ok(points.output(out))
}

// ---------------------------------------------------------------------------------------------
// Tests.

/// Two-proportion z-test of B against A, `successes_a` of `n_a` and `successes_b` of `n_b`:
/// [p_b - p_a, pooled standard error, z, two-sided p-value].
fn two_proportion_z_test(inputs: &Inputs) -> Result<Value, Error> {
    let ka = non_negative_number(inputs, "successes_a")?;
    let na = inputs.positive("n_a")?;
    let kb = non_negative_number(inputs, "successes_b")?;
    let nb = inputs.positive("n_b")?;
    if ka > na || kb > nb {
        return Err(inputs.invalid("successes cannot exceed the number of trials"));
    }
    let (pa, pb) = (ka / na, kb / nb);
    let pooled = (ka + kb) / (na + nb);
    let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
    if se == 0.0 {
        return Err(inputs.invalid("the pooled rate is 0 or 1, so the test is undefined"));
    }
    let z = (pb - pa) / se;
    Ok(array(&[pb - pa, se, z, 2.0 * normal_cdf(-z.abs())]))
}

/// One-sample t statistic of `x` against `mu` (default 0; a paired test is this on the
/// differences): [mean, sample sd, t = (mean - mu) / (sd / sqrt(n)), df = n - 1].
fn one_sample_t_test(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let mu = inputs.number_or("mu", 0.0)?;
    if x.len() < 2 {
        return Err(inputs.invalid("a t-test needs at least two values"));
    }
    let n = x.len() as f64;
    let m = common::mean(&x);
    let sd = sample_variance(&x).sqrt();
    if sd == 0.0 {
        return Err(inputs.invalid("the sample is constant, so t is undefined"));
    }
    Ok(array(&[m, sd, (m - mu) / (sd / n.sqrt()), n - 1.0]))
}

/// Welch's two-sample t statistic of `y` against `x` (unequal variances): [t = (mean_y -
/// mean_x) / sqrt(s_x^2/n_x + s_y^2/n_y), Welch–Satterthwaite degrees of freedom].
fn welch_t_test(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let y = inputs.vector("y")?;
    if x.len() < 2 || y.len() < 2 {
        return Err(inputs.invalid("each group needs at least two values"));
    }
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    let (vx, vy) = (sample_variance(&x) / nx, sample_variance(&y) / ny);
    if vx + vy == 0.0 {
        return Err(inputs.invalid("both groups are constant, so t is undefined"));
    }
    let t = (common::mean(&y) - common::mean(&x)) / (vx + vy).sqrt();
    let df = (vx + vy).powi(2) / (vx * vx / (nx - 1.0) + vy * vy / (ny - 1.0));
    Ok(array(&[t, df]))
}

/// Pearson's chi-square test of independence on a contingency `table` (no continuity
/// correction): [statistic, degrees of freedom (r - 1)(c - 1), p-value].
fn chi_square_independence(inputs: &Inputs) -> Result<Value, Error> {
    let t = inputs.matrix("table")?;
    if t.iter().flatten().any(|x| *x < 0.0) {
        return Err(inputs.invalid("counts cannot be negative"));
    }
    let (r, c) = (t.len(), t[0].len());
    if r < 2 || c < 2 {
        return Err(inputs.invalid("the table needs at least 2 rows and 2 columns"));
    }
    let rows: Vec<f64> = t.iter().map(|row| row.iter().sum()).collect();
    let cols: Vec<f64> = (0..c).map(|j| t.iter().map(|row| row[j]).sum()).collect();
    let n: f64 = rows.iter().sum();
    if rows.iter().chain(&cols).any(|m| *m == 0.0) {
        return Err(inputs.invalid("every row and column needs a non-zero total"));
    }
    let mut stat = 0.0;
    for i in 0..r {
        for j in 0..c {
            let e = rows[i] * cols[j] / n;
            stat += (t[i][j] - e).powi(2) / e;
        }
    }
    let df = ((r - 1) * (c - 1)) as f64;
    Ok(array(&[stat, df, chi_square_sf(stat, df)]))
}

/// Pearson's chi-square goodness-of-fit test of `observed` counts against `expected_probs`
/// (normalised here): [statistic, degrees of freedom k - 1, p-value].
fn chi_square_goodness_of_fit(inputs: &Inputs) -> Result<Value, Error> {
    let obs = non_negative(inputs, "observed")?;
    let probs = non_negative(inputs, "expected_probs")?;
    inputs.same_length(("observed", obs.len()), ("expected_probs", probs.len()))?;
    if obs.len() < 2 || probs.contains(&0.0) {
        return Err(inputs.invalid("need at least 2 categories, each with a non-zero probability"));
    }
    let n: f64 = obs.iter().sum();
    let total: f64 = probs.iter().sum();
    let stat: f64 = obs
        .iter()
        .zip(&probs)
        .map(|(o, p)| {
            let e = n * p / total;
            (o - e).powi(2) / e
        })
        .sum();
    let df = (obs.len() - 1) as f64;
    Ok(array(&[stat, df, chi_square_sf(stat, df)]))
}

/// Mann–Whitney U of samples `x` and `y`: [U_x = #(x_i > y_j) + #ties / 2, U_y = n_x n_y - U_x,
/// U_x / (n_x n_y)] — the last is P(X > Y) + P(X = Y)/2, the AUC of x over y.
fn mann_whitney_u(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let y = inputs.vector("y")?;
    let mut u = 0.0;
    for a in &x {
        for b in &y {
            if a > b {
                u += 1.0;
            } else if a == b {
                u += 0.5;
            }
        }
    }
    let pairs = (x.len() * y.len()) as f64;
    Ok(array(&[u, pairs - u, u / pairs]))
}

/// Which hypotheses each procedure rejects at level `alpha` (default 0.05), given `p_values`:
/// three rows of 0/1 flags in input order — Bonferroni (p <= alpha/m), Holm (step-down) and
/// Benjamini–Hochberg (step-up, FDR).
fn multiple_testing_rejections(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.vector("p_values")?;
    let alpha = level(inputs, "alpha", 0.05)?;
    for &x in &p {
        inputs.check_probability("p_values", x)?;
    }
    let m = p.len();
    let mf = m as f64;
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let bonferroni: Vec<f64> = p
        .iter()
        .map(|&x| f64::from(u8::from(x <= alpha / mf)))
        .collect();
    let mut holm = vec![0.0; m];
    for (rank, &i) in order.iter().enumerate() {
        if p[i] <= alpha / (mf - rank as f64) {
            holm[i] = 1.0;
        } else {
            break;
        }
    }
    let mut bh = vec![0.0; m];
    let largest = order
        .iter()
        .enumerate()
        .filter(|(rank, i)| p[**i] <= (*rank as f64 + 1.0) / mf * alpha)
        .map(|(rank, _)| rank)
        .max();
    if let Some(k) = largest {
        for &i in &order[..=k] {
            bh[i] = 1.0;
        }
    }
    Ok(nested(&[bonferroni, holm, bh]))
}

/// Cohen's d of group B against group A from summary statistics: [pooled sd
/// sqrt(((n_a - 1) s_a^2 + (n_b - 1) s_b^2) / (n_a + n_b - 2)), d = (mean_b - mean_a) / pooled].
fn cohens_d(inputs: &Inputs) -> Result<Value, Error> {
    let ma = inputs.number("mean_a")?;
    let mb = inputs.number("mean_b")?;
    let sa = non_negative_number(inputs, "sd_a")?;
    let sb = non_negative_number(inputs, "sd_b")?;
    let na = inputs.positive("n_a")?;
    let nb = inputs.positive("n_b")?;
    if na + nb <= 2.0 {
        return Err(inputs.invalid("need n_a + n_b > 2"));
    }
    let pooled = (((na - 1.0) * sa * sa + (nb - 1.0) * sb * sb) / (na + nb - 2.0)).sqrt();
    if pooled == 0.0 {
        return Err(inputs.invalid("the pooled standard deviation is 0"));
    }
    Ok(array(&[pooled, (mb - ma) / pooled]))
}

/// McNemar's test on the discordant pairs of two classifiers on the same items, `b` (A right,
/// B wrong) and `c` (A wrong, B right): [(b - c)^2 / (b + c), continuity-corrected
/// (|b - c| - 1)^2 / (b + c), exact two-sided p = min(1, 2 P(Bin(b + c, 1/2) <= min(b, c)))].
fn mcnemar_test(inputs: &Inputs) -> Result<Value, Error> {
    let b = inputs.count("b")?;
    let c = inputs.count("c")?;
    let n = b + c;
    if n == 0 {
        return Err(inputs.invalid("there are no discordant pairs, so the test is undefined"));
    }
    let (bf, cf, nf) = (b as f64, c as f64, n as f64);
    let stat = (bf - cf).powi(2) / nf;
    let corrected = ((bf - cf).abs() - 1.0).max(0.0).powi(2) / nf;
    let lo = b.min(c);
    let tail: f64 = (0..=lo)
        .map(|k| {
            let kf = k as f64;
            (ln_gamma(nf + 1.0)
                - ln_gamma(kf + 1.0)
                - ln_gamma(nf - kf + 1.0)
                - nf * std::f64::consts::LN_2)
                .exp()
        })
        .sum();
    Ok(array(&[stat, corrected, (2.0 * tail).min(1.0)]))
}

/// Per-arm sample size of a two-sided two-proportion test: baseline rate `baseline`, absolute
/// minimum detectable effect `mde` (p_2 = baseline + mde), level `alpha` (default 0.05) and
/// `power` (default 0.8): (z_{1-alpha/2} + z_power)^2 (p_1 q_1 + p_2 q_2) / mde^2, unpooled
/// variance, unrounded.
fn ab_test_sample_size(inputs: &Inputs) -> Result<Value, Error> {
    let p1 = inputs.probability("baseline")?;
    let mde = inputs.number("mde")?;
    let alpha = level(inputs, "alpha", 0.05)?;
    let power = level(inputs, "power", 0.8)?;
    let p2 = p1 + mde;
    if mde == 0.0 || !(0.0..=1.0).contains(&p2) {
        return Err(inputs.invalid("`mde` must be non-zero and keep baseline + mde in [0, 1]"));
    }
    let z = normal_quantile(1.0 - alpha / 2.0) + normal_quantile(power);
    Ok(scalar(
        z * z * (p1 * (1.0 - p1) + p2 * (1.0 - p2)) / (mde * mde),
    ))
}

/// Power of the same test with `n_per_arm` users per arm: Phi(|mde| / SE - z_{1-alpha/2}),
/// SE = sqrt((p_1 q_1 + p_2 q_2) / n) (the far tail is ignored).
fn ab_test_power(inputs: &Inputs) -> Result<Value, Error> {
    let p1 = inputs.probability("baseline")?;
    let mde = inputs.number("mde")?;
    let n = inputs.positive("n_per_arm")?;
    let alpha = level(inputs, "alpha", 0.05)?;
    let p2 = p1 + mde;
    if !(0.0..=1.0).contains(&p2) {
        return Err(inputs.invalid("baseline + mde must lie in [0, 1]"));
    }
    let se = ((p1 * (1.0 - p1) + p2 * (1.0 - p2)) / n).sqrt();
    if se == 0.0 {
        return Err(inputs.invalid("both rates are 0 or 1, so the standard error is 0"));
    }
    Ok(scalar(normal_cdf(
        mde.abs() / se - normal_quantile(1.0 - alpha / 2.0),
    )))
}

/// CUPED with metric `y` and pre-experiment covariate `x`: theta = cov(x, y) / var(x) and
/// y' = y - theta (x - mean x). Returns [theta, var(y), var(y'), 1 - var(y')/var(y)] (sample
/// variances; the last equals the squared correlation).
fn cuped_adjustment(inputs: &Inputs) -> Result<Value, Error> {
    let y = inputs.vector("y")?;
    let x = inputs.vector("x")?;
    inputs.same_length(("y", y.len()), ("x", x.len()))?;
    if y.len() < 3 {
        return Err(inputs.invalid("need at least three users"));
    }
    let vx = sample_variance(&x);
    let vy = sample_variance(&y);
    if vx == 0.0 || vy == 0.0 {
        return Err(inputs.invalid("`x` and `y` must both vary"));
    }
    let theta = sample_covariance(&x, &y) / vx;
    let mx = common::mean(&x);
    let adjusted: Vec<f64> = y
        .iter()
        .zip(&x)
        .map(|(yi, xi)| yi - theta * (xi - mx))
        .collect();
    let va = sample_variance(&adjusted);
    Ok(array(&[theta, vy, va, 1.0 - va / vy]))
}

/// Bayesian A/B test with Beta(`alpha`, `beta`) priors (default 1, 1): [posterior mean of A,
/// posterior mean of B, P(p_B > p_A)], the last by the exact finite sum for an integer
/// posterior alpha_B.
fn beta_ab_prob_b_beats_a(inputs: &Inputs) -> Result<Value, Error> {
    let ka = non_negative_number(inputs, "successes_a")?;
    let na = inputs.positive("n_a")?;
    let kb = non_negative_number(inputs, "successes_b")?;
    let nb = inputs.positive("n_b")?;
    let a0 = inputs.number_or("alpha", 1.0)?;
    let b0 = inputs.number_or("beta", 1.0)?;
    if a0 <= 0.0 || b0 <= 0.0 {
        return Err(inputs.invalid("`alpha` and `beta` must be greater than 0"));
    }
    if ka > na || kb > nb {
        return Err(inputs.invalid("successes cannot exceed the number of trials"));
    }
    let (aa, ba) = (a0 + ka, b0 + na - ka);
    let (ab, bb) = (a0 + kb, b0 + nb - kb);
    if ab.fract() != 0.0 || ab > 1e6 {
        return Err(inputs.invalid("the exact sum needs alpha + successes_b to be an integer"));
    }
    let mut prob = 0.0;
    for i in 0..ab as usize {
        let i = i as f64;
        prob += (ln_beta(aa + i, ba + bb) - (bb + i).ln() - ln_beta(1.0 + i, bb) - ln_beta(aa, ba))
            .exp();
    }
    Ok(array(&[aa / (aa + ba), ab / (ab + bb), prob]))
}

/// UCB1 index of each arm: mean_i + sqrt(2 ln t / n_i), t = total pulls, for `means` and
/// `counts` (every arm pulled at least once).
fn ucb1_scores(inputs: &Inputs) -> Result<Value, Error> {
    let means = inputs.vector("means")?;
    let counts = inputs.vector("counts")?;
    inputs.same_length(("means", means.len()), ("counts", counts.len()))?;
    if counts.iter().any(|n| *n < 1.0) {
        return Err(inputs.invalid("every arm must have been pulled at least once"));
    }
    let t: f64 = counts.iter().sum();
    Ok(array(
        &means
            .iter()
            .zip(&counts)
            .map(|(m, n)| m + (2.0 * t.ln() / n).sqrt())
            .collect::<Vec<_>>(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Causal inference and sampling.

/// Inverse-probability-weighted average treatment effect from `treated` (0/1), `outcomes` and
/// `propensities` e(x) = P(T = 1 | x): [Horvitz–Thompson mean(T y / e) - mean((1 - T) y /
/// (1 - e)), Hajek (weights normalised within each arm)].
fn ipw_ate(inputs: &Inputs) -> Result<Value, Error> {
    let t = inputs.vector("treated")?;
    let y = inputs.vector("outcomes")?;
    let e = inputs.vector("propensities")?;
    inputs.same_length(("treated", t.len()), ("outcomes", y.len()))?;
    inputs.same_length(("treated", t.len()), ("propensities", e.len()))?;
    let n = t.len() as f64;
    let (mut s1, mut w1, mut s0, mut w0) = (0.0, 0.0, 0.0, 0.0);
    for ((&ti, &yi), &ei) in t.iter().zip(&y).zip(&e) {
        if ei <= 0.0 || ei >= 1.0 {
            return Err(inputs.invalid("propensities must lie strictly between 0 and 1"));
        }
        if ti == 1.0 {
            s1 += yi / ei;
            w1 += 1.0 / ei;
        } else if ti == 0.0 {
            s0 += yi / (1.0 - ei);
            w0 += 1.0 / (1.0 - ei);
        } else {
            return Err(inputs.invalid("`treated` must hold 0 or 1"));
        }
    }
    if w1 == 0.0 || w0 == 0.0 {
        return Err(inputs.invalid("both arms need at least one unit"));
    }
    Ok(array(&[(s1 - s0) / n, s1 / w1 - s0 / w0]))
}

/// Difference-in-differences from four group means: (treated_after - treated_before) -
/// (control_after - control_before).
fn difference_in_differences(inputs: &Inputs) -> Result<Value, Error> {
    let tb = inputs.number("treated_before")?;
    let ta = inputs.number("treated_after")?;
    let cb = inputs.number("control_before")?;
    let ca = inputs.number("control_after")?;
    Ok(scalar((ta - tb) - (ca - cb)))
}

/// Per-group and pooled success rates of two treatments: two rows [rate in group 1, ...,
/// pooled rate], for A (`successes_a` / `totals_a`) and B (`successes_b` / `totals_b`).
fn simpsons_paradox_rates(inputs: &Inputs) -> Result<Value, Error> {
    let sa = non_negative(inputs, "successes_a")?;
    let ta = non_negative(inputs, "totals_a")?;
    let sb = non_negative(inputs, "successes_b")?;
    let tb = non_negative(inputs, "totals_b")?;
    inputs.same_length(("successes_a", sa.len()), ("totals_a", ta.len()))?;
    inputs.same_length(("successes_a", sa.len()), ("successes_b", sb.len()))?;
    inputs.same_length(("successes_a", sa.len()), ("totals_b", tb.len()))?;
    let rates = |s: &[f64], t: &[f64]| -> Result<Vec<f64>, Error> {
        if s.iter().zip(t).any(|(si, ti)| *ti == 0.0 || si > ti) {
            return Err(inputs.invalid("each total must be positive and at least its successes"));
        }
        let mut r: Vec<f64> = s.iter().zip(t).map(|(si, ti)| si / ti).collect();
        r.push(s.iter().sum::<f64>() / t.iter().sum::<f64>());
        Ok(r)
    };
    Ok(nested(&[rates(&sa, &ta)?, rates(&sb, &tb)?]))
}

/// Neyman allocation of a total sample `n` across strata with sizes or shares `weights` N_h and
/// within-stratum standard deviations `sds` S_h: n_h = n N_h S_h / sum_k N_k S_k (unrounded).
fn neyman_allocation(inputs: &Inputs) -> Result<Value, Error> {
    let w = non_negative(inputs, "weights")?;
    let s = non_negative(inputs, "sds")?;
    let n = inputs.positive("n")?;
    inputs.same_length(("weights", w.len()), ("sds", s.len()))?;
    let total = common::dot(&w, &s);
    if total == 0.0 {
        return Err(inputs.invalid("some stratum needs a positive weight and spread"));
    }
    Ok(array(
        &w.iter()
            .zip(&s)
            .map(|(wi, si)| n * wi * si / total)
            .collect::<Vec<_>>(),
    ))
}

/// Monte Carlo error: [standard error `std` / sqrt(`n`), samples needed for standard error
/// `target_se`, (std / target_se)^2].
fn monte_carlo_error(inputs: &Inputs) -> Result<Value, Error> {
    let sd = inputs.positive("std")?;
    let n = inputs.positive("n")?;
    let target = inputs.positive("target_se")?;
    Ok(array(&[sd / n.sqrt(), (sd / target).powi(2)]))
}

/// Importance sampling of E_p[f] with draws from q: for `values` f(x_i), `target_density`
/// p(x_i) and `proposal_density` q(x_i), weights w = p / q; returns [mean(w f), sum(w f) /
/// sum(w) (self-normalised), effective sample size (sum w)^2 / sum w^2].
fn importance_sampling_estimate(inputs: &Inputs) -> Result<Value, Error> {
    let f = inputs.vector("values")?;
    let p = non_negative(inputs, "target_density")?;
    let q = non_negative(inputs, "proposal_density")?;
    inputs.same_length(("values", f.len()), ("target_density", p.len()))?;
    inputs.same_length(("values", f.len()), ("proposal_density", q.len()))?;
    if q.contains(&0.0) {
        return Err(inputs.invalid("a draw from q cannot have proposal density 0"));
    }
    let w: Vec<f64> = p.iter().zip(&q).map(|(a, b)| a / b).collect();
    let sw: f64 = w.iter().sum();
    if sw == 0.0 {
        return Err(inputs.invalid("every weight is 0"));
    }
    let swf = common::dot(&w, &f);
    let sw2 = common::dot(&w, &w);
    Ok(array(&[swf / f.len() as f64, swf / sw, sw * sw / sw2]))
}

/// Inverse-transform sampling of Exponential(`rate`): x = -ln(1 - u) / rate for each uniform
/// `u` in [0, 1).
fn inverse_transform_exponential(inputs: &Inputs) -> Result<Value, Error> {
    let u = inputs.values("u")?;
    let rate = inputs.positive("rate")?;
    let mut out = Vec::with_capacity(u.data.len());
    for &x in &u.data {
        if !(0.0..1.0).contains(&x) {
            return Err(inputs.invalid("each `u` must lie in [0, 1)"));
        }
        out.push(-(1.0 - x).ln() / rate);
    }
    Ok(u.output(out))
}

/// Metropolis–Hastings acceptance probability for a move x -> x':
/// min(1, p(x') q(x | x') / (p(x) q(x' | x))) from (unnormalised) `target_current` p(x),
/// `target_proposed` p(x'), and optional `proposal_forward` q(x' | x) and `proposal_backward`
/// q(x | x') (both default 1, a symmetric proposal).
fn metropolis_hastings_acceptance(inputs: &Inputs) -> Result<Value, Error> {
    let pc = inputs.positive("target_current")?;
    let pp = non_negative_number(inputs, "target_proposed")?;
    let qf = inputs.number_or("proposal_forward", 1.0)?;
    let qb = inputs.number_or("proposal_backward", 1.0)?;
    if qf <= 0.0 || qb < 0.0 {
        return Err(inputs.invalid("proposal densities must be positive (forward) and >= 0"));
    }
    Ok(scalar((pp * qb / (pc * qf)).min(1.0)))
}

/// Kaplan–Meier survival curve from `times` and `events` (1 = event observed, 0 = censored):
/// two rows, the distinct event times and S(t) just after each. At a tied time, events are
/// counted before censorings (a unit censored at t is still at risk at t).
fn kaplan_meier(inputs: &Inputs) -> Result<Value, Error> {
    let times = inputs.vector("times")?;
    let events = inputs.vector("events")?;
    inputs.same_length(("times", times.len()), ("events", events.len()))?;
    if events.iter().any(|e| *e != 0.0 && *e != 1.0) {
        return Err(inputs.invalid("`events` must hold 0 (censored) or 1 (event)"));
    }
    let mut event_times: Vec<f64> = times
        .iter()
        .zip(&events)
        .filter(|(_, e)| **e == 1.0)
        .map(|(t, _)| *t)
        .collect();
    event_times.sort_by(f64::total_cmp);
    event_times.dedup();
    if event_times.is_empty() {
        return Err(inputs.invalid("there is no observed event"));
    }
    let mut s = 1.0;
    let mut curve = Vec::with_capacity(event_times.len());
    for &t in &event_times {
        let at_risk = times.iter().filter(|&&ti| ti >= t).count() as f64;
        let deaths = times
            .iter()
            .zip(&events)
            .filter(|(ti, e)| **ti == t && **e == 1.0)
            .count() as f64;
        s *= 1.0 - deaths / at_risk;
        curve.push(s);
    }
    Ok(nested(&[event_times, curve]))
}

/// Split conformal threshold from calibration nonconformity `scores` at miscoverage `alpha`:
/// [k = ceil((n + 1)(1 - alpha)), q_hat = the k-th smallest score]. Fails when k > n (the
/// calibration set is too small for that alpha).
fn split_conformal_quantile(inputs: &Inputs) -> Result<Value, Error> {
    let mut scores = inputs.vector("scores")?;
    let alpha = level(inputs, "alpha", 0.1)?;
    let n = scores.len();
    let k = (((n + 1) as f64) * (1.0 - alpha) - 1e-9).ceil() as usize;
    if k > n {
        return Err(inputs.invalid(format!(
            "k = ceil((n + 1)(1 - alpha)) = {k} exceeds n = {n}; the interval is infinite"
        )));
    }
    scores.sort_by(f64::total_cmp);
    Ok(array(&[k as f64, scores[k.max(1) - 1]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn special_functions_match_known_values() {
        // Gamma(5) = 24, Gamma(1/2) = sqrt(pi).
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
        // Phi(0) = 1/2, Phi(1.96) = 0.9750021048517795, and the quantile inverts it.
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(1.96) - 0.975_002_104_851_779_5).abs() < 1e-13);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        // Chi-square with 2 df: P(X >= x) = exp(-x / 2).
        assert!((chi_square_sf(3.0, 2.0) - (-1.5f64).exp()).abs() < 1e-14);
        assert!((chi_square_sf(30.0, 2.0) - (-15f64).exp()).abs() < 1e-18);
    }

    #[test]
    fn monty_hall() {
        // You pick door 1; the host opens door 3. P(host opens 3 | car behind 1, 2, 3) =
        // 1/2, 1, 0, so the posterior is 1/3, 2/3, 0.
        check(
            "discrete_bayes_posterior",
            json!({ "prior": [1.0, 1.0, 1.0], "likelihood": [0.5, 1.0, 0.0] }),
            json!([1.0 / 3.0, 2.0 / 3.0, 0.0]),
        );
    }

    #[test]
    fn variance_of_a_difference() {
        // Var(X - Y) = 4 + 9 - 2 * 3 = 7; E = 1 - 2 + 5 = 4.
        check(
            "linear_combination_moments",
            json!({ "weights": [1.0, -1.0], "means": [1.0, 2.0],
                    "covariance": [[4.0, 3.0], [3.0, 9.0]], "offset": 5.0 }),
            json!([4.0, 7.0]),
        );
    }

    #[test]
    fn mixture_of_two() {
        // Means 0 and 2, variances 1 and 1, equal weights: mean 1, within 1, between 1.
        check(
            "mixture_moments",
            json!({ "weights": [0.5, 0.5], "means": [0.0, 2.0], "variances": [1.0, 1.0] }),
            json!([1.0, 1.0, 1.0, 2.0]),
        );
    }

    #[test]
    fn poisson_zero_and_one() {
        // lambda = 1: P(0) = P(1) = e^-1, P(N <= 1) = 2 / e.
        let e = (-1f64).exp();
        check(
            "poisson_counts",
            json!({ "rate": 0.5, "duration": 2.0, "k": 1 }),
            json!([e, 2.0 * e]),
        );
    }

    #[test]
    fn bivariate_gaussian_conditional() {
        // Unit variances, correlation 0.5, x2 = 2: mean 1, variance 0.75.
        check(
            "gaussian_conditional",
            json!({ "mean": [0.0, 0.0], "cov": [[1.0, 0.5], [0.5, 1.0]], "observed": [2.0] }),
            json!([1.0, 0.75]),
        );
    }

    #[test]
    fn correlations_of_a_monotone_curve() {
        // x and y = x^2 on -1, 0, 1: covariance 0 (uncorrelated), ranks of y are 2.5, 1, 2.5.
        check(
            "correlation_coefficients",
            json!({ "x": [-1.0, 0.0, 1.0], "y": [1.0, 0.0, 1.0] }),
            json!([0.0, 0.0, 0.0]),
        );
        check(
            "correlation_coefficients",
            json!({ "x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.0] }),
            json!([2.0, 1.0, 1.0]),
        );
    }

    #[test]
    fn coupon_collector_and_order_statistics() {
        // Two coupons: 1 + 2 = 3 draws. Max of 2 uniforms: mean 2/3, variance 2/(9 * 4).
        check(
            "coupon_collector_expected_draws",
            json!({ "n": 2 }),
            json!(3.0),
        );
        check(
            "uniform_order_statistic",
            json!({ "n": 2, "k": 2 }),
            json!([2.0 / 3.0, 2.0 / 36.0]),
        );
    }

    #[test]
    fn two_state_chain() {
        // P(0 -> 1) = 0.1, P(1 -> 0) = 0.3: pi = (0.75, 0.25).
        check(
            "markov_stationary_distribution",
            json!({ "transition": [[0.9, 0.1], [0.3, 0.7]] }),
            json!([0.75, 0.25]),
        );
        let err = check_err(
            "markov_stationary_distribution",
            json!({ "transition": [[1.0, 0.0], [0.0, 1.0]] }),
        );
        assert!(err.to_string().contains("not unique"), "{err}");
    }

    #[test]
    fn estimators_on_small_samples() {
        // 1, 2, 3: mean 2, sum of squares 2.
        check(
            "variance_estimators",
            json!({ "x": [1.0, 2.0, 3.0] }),
            json!([2.0, 2.0 / 3.0, 1.0]),
        );
        // -1, 1: mu 0, sigma^2 1, log-likelihood -(ln(2 pi) + 1).
        check(
            "gaussian_mle",
            json!({ "x": [-1.0, 1.0] }),
            json!([0.0, 1.0, -((2.0 * std::f64::consts::PI).ln() + 1.0)]),
        );
        check(
            "bernoulli_fisher_information",
            json!({ "p": 0.5, "n": 100 }),
            json!([4.0, 0.0025]),
        );
        // 1, 3: mean 2, variance 1 -> shape 4, scale 0.5.
        check(
            "gamma_method_of_moments",
            json!({ "x": [1.0, 3.0] }),
            json!([4.0, 0.5]),
        );
    }

    #[test]
    fn conjugate_updates() {
        // Beta(1, 1) + 1 success, 1 failure = Beta(2, 2): mean 1/2, sd sqrt(4 / (16 * 5)).
        check(
            "beta_binomial_posterior",
            json!({ "alpha": 1, "beta": 1, "successes": 1, "failures": 1 }),
            json!([2.0, 2.0, 0.5, (0.05f64).sqrt()]),
        );
        check(
            "gamma_poisson_posterior",
            json!({ "shape": 1, "rate": 1, "counts": [2, 4] }),
            json!([7.0, 3.0, 7.0 / 3.0]),
        );
    }

    #[test]
    fn proportion_intervals_at_half() {
        // 50 of 100 with z = 2: Wald 0.5 +/- 0.1; Wilson centre 0.5, half 2/1.04 * sqrt(0.0026).
        let h = 2.0 / 1.04 * (0.0025f64 + 0.0001).sqrt();
        check(
            "proportion_confidence_intervals",
            json!({ "successes": 50, "n": 100, "z": 2.0 }),
            json!([0.4, 0.6, 0.5 - h, 0.5 + h]),
        );
    }

    #[test]
    fn exact_bootstrap_of_two_values() {
        // Sample 0, 2: resample means 0, 1, 1, 2 with probability 1/4, 1/2, 1/4. At 50%
        // confidence the ends are the 25% and 75% points: 0 and 1; SE = sqrt(1/2).
        check(
            "exact_bootstrap_percentile",
            json!({ "sample": [0.0, 2.0], "confidence": 0.5 }),
            json!([0.0, 1.0, (0.5f64).sqrt()]),
        );
    }

    #[test]
    fn kde_of_one_point() {
        // One point at 0, h = 1: the standard normal density.
        let phi0 = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
        check(
            "gaussian_kde",
            json!({ "data": [0.0], "bandwidth": 1.0, "points": [0.0, 1.0] }),
            json!([phi0, phi0 * (-0.5f64).exp()]),
        );
    }

    #[test]
    fn z_and_t_statistics() {
        // Equal rates: z = 0, p = 1.
        check(
            "two_proportion_z_test",
            json!({ "successes_a": 10, "n_a": 100, "successes_b": 10, "n_b": 100 }),
            json!([0.0, (0.09f64 * 0.02).sqrt(), 0.0, 1.0]),
        );
        // 1, 2, 3 against 0: mean 2, sd 1, t = 2 sqrt(3).
        check(
            "one_sample_t_test",
            json!({ "x": [1.0, 2.0, 3.0] }),
            json!([2.0, 1.0, 2.0 * 3f64.sqrt(), 2.0]),
        );
        // Two groups of two with variance 2 each: SE^2 = 2, diff 2, df = 4 / (1 + 1) = 2.
        check(
            "welch_t_test",
            json!({ "x": [0.0, 2.0], "y": [2.0, 4.0] }),
            json!([2.0 / 2f64.sqrt(), 2.0]),
        );
    }

    #[test]
    fn chi_square_tests() {
        // Perfectly independent table: statistic 0, p 1.
        check(
            "chi_square_independence",
            json!({ "table": [[10, 20], [30, 60]] }),
            json!([0.0, 1.0, 1.0]),
        );
        // 60 vs 40 against 50/50: (100 + 100) / 50 = 4, df 1, p = erfc(sqrt(2)).
        check(
            "chi_square_goodness_of_fit",
            json!({ "observed": [60, 40], "expected_probs": [0.5, 0.5] }),
            json!([4.0, 1.0, 0.045_500_263_896_358_4]),
        );
    }

    #[test]
    fn mann_whitney_counts_ties_as_half() {
        check(
            "mann_whitney_u",
            json!({ "x": [1.0, 3.0], "y": [1.0, 2.0] }),
            json!([2.5, 1.5, 0.625]),
        );
    }

    #[test]
    fn multiple_testing_procedures_differ() {
        // m = 4, alpha = 0.05. Bonferroni: p <= 0.0125. Holm: 0.01 <= 0.0125, 0.02 > 0.0167
        // stops. BH thresholds 0.0125, 0.025, 0.0375, 0.05: the largest passing rank is 3.
        check(
            "multiple_testing_rejections",
            json!({ "p_values": [0.03, 0.01, 0.2, 0.02], "alpha": 0.05 }),
            json!([
                [0.0, 1.0, 0.0, 0.0],
                [0.0, 1.0, 0.0, 0.0],
                [1.0, 1.0, 0.0, 1.0]
            ]),
        );
    }

    #[test]
    fn effect_size_and_mcnemar() {
        check(
            "cohens_d",
            json!({ "mean_a": 10, "mean_b": 12, "sd_a": 4, "sd_b": 4, "n_a": 10, "n_b": 10 }),
            json!([4.0, 0.5]),
        );
        // b = 0, c = 4: statistic 4, corrected 9/4, exact p = 2 / 16.
        check(
            "mcnemar_test",
            json!({ "b": 0, "c": 4 }),
            json!([4.0, 2.25, 0.125]),
        );
    }

    #[test]
    fn sample_size_and_power_are_consistent() {
        // Power at the computed sample size is the target power.
        let inputs = json!({ "baseline": 0.1, "mde": 0.02, "alpha": 0.05, "power": 0.8 });
        let Value::Object(map) = inputs else {
            unreachable!()
        };
        let n = crate::evaluate("ab_test_sample_size", &map)
            .unwrap()
            .as_f64()
            .unwrap();
        check(
            "ab_test_power",
            json!({ "baseline": 0.1, "mde": 0.02, "n_per_arm": n }),
            json!(0.8),
        );
    }

    #[test]
    fn cuped_with_a_perfect_covariate() {
        // y = 2 x + 1: theta 2, adjusted variance 0, reduction 1.
        check(
            "cuped_adjustment",
            json!({ "y": [3.0, 5.0, 7.0], "x": [1.0, 2.0, 3.0] }),
            json!([2.0, 4.0, 0.0, 1.0]),
        );
    }

    #[test]
    fn bayesian_ab_symmetric() {
        // Identical data: P(B > A) = 1/2. No data, uniform priors: also 1/2.
        check(
            "beta_ab_prob_b_beats_a",
            json!({ "successes_a": 3, "n_a": 10, "successes_b": 3, "n_b": 10 }),
            json!([4.0 / 12.0, 4.0 / 12.0, 0.5]),
        );
        // A: 0 of 1 -> Beta(1, 2); B: 1 of 1 -> Beta(2, 1). P(B > A) = 5/6.
        check(
            "beta_ab_prob_b_beats_a",
            json!({ "successes_a": 0, "n_a": 1, "successes_b": 1, "n_b": 1 }),
            json!([1.0 / 3.0, 2.0 / 3.0, 5.0 / 6.0]),
        );
    }

    #[test]
    fn ucb_and_causal_estimators() {
        // t = 4 pulls in all, 2 per arm: each bonus is sqrt(2 ln 4 / 2) = sqrt(ln 4).
        let bonus = (4f64.ln()).sqrt();
        check(
            "ucb1_scores",
            json!({ "means": [0.5, 0.2], "counts": [2, 2] }),
            json!([0.5 + bonus, 0.2 + bonus]),
        );
        // e = 0.5 everywhere, 1 treated and 3 controls: HT = (3/0.5 - 3 * 1/0.5) / 4 = 0,
        // while Hajek normalises each arm: 3 - 1 = 2.
        check(
            "ipw_ate",
            json!({ "treated": [1, 0, 0, 0], "outcomes": [3.0, 1.0, 1.0, 1.0],
                    "propensities": [0.5, 0.5, 0.5, 0.5] }),
            json!([(6.0 - 6.0) / 4.0, 2.0]),
        );
        check(
            "difference_in_differences",
            json!({ "treated_before": 10, "treated_after": 15,
                    "control_before": 8, "control_after": 10 }),
            json!(3.0),
        );
    }

    #[test]
    fn simpson_rates_and_neyman() {
        check(
            "simpsons_paradox_rates",
            json!({ "successes_a": [1, 5], "totals_a": [1, 10],
                    "successes_b": [8, 0], "totals_b": [10, 1] }),
            json!([[1.0, 0.5, 6.0 / 11.0], [0.8, 0.0, 8.0 / 11.0]]),
        );
        check(
            "neyman_allocation",
            json!({ "weights": [1, 1], "sds": [1, 3], "n": 100 }),
            json!([25.0, 75.0]),
        );
    }

    #[test]
    fn monte_carlo_and_sampling() {
        check(
            "monte_carlo_error",
            json!({ "std": 2.0, "n": 100, "target_se": 0.1 }),
            json!([0.2, 400.0]),
        );
        // Weights 2 and 0: estimate (2 * 3) / 2 = 3, self-normalised 3, ESS 1.
        check(
            "importance_sampling_estimate",
            json!({ "values": [3.0, 5.0], "target_density": [1.0, 0.0],
                    "proposal_density": [0.5, 0.5] }),
            json!([3.0, 3.0, 1.0]),
        );
        check(
            "inverse_transform_exponential",
            json!({ "u": [0.0, 0.5], "rate": 1.0 }),
            json!([0.0, 2f64.ln()]),
        );
        check(
            "metropolis_hastings_acceptance",
            json!({ "target_current": 2.0, "target_proposed": 1.0 }),
            json!(0.5),
        );
    }

    #[test]
    fn kaplan_meier_with_censoring() {
        // Times 1 (event), 2 (censored), 3 (event), 3 (event): S(1) = 3/4; at t = 3 two at
        // risk, two events: S = 0.
        check(
            "kaplan_meier",
            json!({ "times": [1, 2, 3, 3], "events": [1, 0, 1, 1] }),
            json!([[1.0, 3.0], [0.75, 0.0]]),
        );
    }

    #[test]
    fn conformal_rank() {
        // n = 9, alpha = 0.1: k = ceil(10 * 0.9) = 9, the largest score.
        check(
            "split_conformal_quantile",
            json!({ "scores": [5, 1, 4, 2, 3, 9, 8, 7, 6], "alpha": 0.1 }),
            json!([9.0, 9.0]),
        );
        let err = check_err(
            "split_conformal_quantile",
            json!({ "scores": [1, 2, 3], "alpha": 0.1 }),
        );
        assert!(err.to_string().contains("infinite"), "{err}");
    }
}
