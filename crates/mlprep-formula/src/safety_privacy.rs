//! Formulas of the `safety-privacy` category: differential privacy (the Laplace and Gaussian
//! mechanisms' noise, composition, randomised response, DP-SGD's noise, the bounds DP puts on
//! membership inference), federated averaging, k-anonymity, fairness gaps and the
//! disparate-impact ratio, exact Shapley values, randomised-smoothing certificates, canary
//! exposure, text-watermark detection, and the positive predictive value of a screening model.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};
use crate::fundamentals::positive_posterior;

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("gaussian_mechanism_sigma", gaussian_mechanism_sigma),
    ("dp_membership_tpr_bound", dp_membership_tpr_bound),
    ("fedavg", fedavg),
    ("disparate_impact_ratio", disparate_impact_ratio),
    (
        "ppv_from_sensitivity_specificity",
        ppv_from_sensitivity_specificity,
    ),
    ("laplace_mechanism_scale", laplace_mechanism_scale),
    ("dp_advanced_composition", dp_advanced_composition),
    ("randomized_response_estimate", randomized_response_estimate),
    ("dp_sgd_noise_std", dp_sgd_noise_std),
    (
        "dp_membership_advantage_bound",
        dp_membership_advantage_bound,
    ),
    ("k_anonymity", k_anonymity),
    ("fairness_gaps", fairness_gaps),
    ("shapley_values", shapley_values),
    ("randomized_smoothing_radius", randomized_smoothing_radius),
    ("canary_exposure", canary_exposure),
    ("watermark_z_score", watermark_z_score),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// The classic Gaussian mechanism (Dwork and Roth, Theorem A.1):
/// sigma = `sensitivity` sqrt(2 ln(1.25 / `delta`)) / `epsilon`, valid for 0 < epsilon < 1.
fn gaussian_mechanism_sigma(inputs: &Inputs) -> Result<Value, Error> {
    let sensitivity = inputs.positive("sensitivity")?;
    let epsilon = inputs.positive("epsilon")?;
    let delta = inputs.positive("delta")?;
    if epsilon >= 1.0 {
        return Err(inputs.invalid(
            "the classic analysis holds only for epsilon < 1; use the analytic Gaussian \
             mechanism or an accountant for larger epsilon",
        ));
    }
    if delta >= 1.0 {
        return Err(inputs.invalid("`delta` must be below 1"));
    }
    Ok(scalar(
        sensitivity * (2.0 * (1.25 / delta).ln()).sqrt() / epsilon,
    ))
}

/// Under (epsilon, delta)-DP every membership-inference attack has
/// TPR <= e^`epsilon` `fpr` + `delta`, and never more than 1.
fn dp_membership_tpr_bound(inputs: &Inputs) -> Result<Value, Error> {
    let epsilon = inputs.number("epsilon")?;
    let fpr = inputs.probability("fpr")?;
    let delta = inputs.probability("delta")?;
    if epsilon < 0.0 {
        return Err(inputs.invalid("`epsilon` cannot be negative"));
    }
    Ok(scalar((epsilon.exp() * fpr + delta).min(1.0)))
}

/// FedAvg's aggregate: clients' models (`client_weights`, one number or one parameter vector per
/// client) averaged with weights n_k / n from `client_sizes`.
fn fedavg(inputs: &Inputs) -> Result<Value, Error> {
    let sizes = inputs.vector("client_sizes")?;
    let per_client_vectors = inputs
        .required(
            "client_weights",
            "one number or parameter vector per client",
        )?
        .as_array()
        .and_then(|clients| clients.first())
        .is_some_and(Value::is_array);
    let models = if per_client_vectors {
        inputs.matrix("client_weights")?
    } else {
        inputs
            .vector("client_weights")?
            .into_iter()
            .map(|w| vec![w])
            .collect()
    };
    inputs.same_length(
        ("client_sizes", sizes.len()),
        ("client_weights", models.len()),
    )?;
    if sizes.iter().any(|&n| n < 0.0) || sizes.iter().sum::<f64>() <= 0.0 {
        return Err(inputs.invalid("client sizes must be 0 or more, with a positive total"));
    }
    let total: f64 = sizes.iter().sum();
    let average: Vec<f64> = (0..models[0].len())
        .map(|j| {
            sizes
                .iter()
                .zip(&models)
                .map(|(n, m)| n * m[j])
                .sum::<f64>()
                / total
        })
        .collect();
    Ok(if per_client_vectors {
        common::array(&average)
    } else {
        scalar(average[0])
    })
}

/// The disparate-impact ratio: the lowest selection rate over the highest, each rate being a
/// group's `selected` / `totals`. Below 0.8 fails the four-fifths rule.
fn disparate_impact_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let selected = inputs.vector("selected")?;
    let totals = inputs.vector("totals")?;
    inputs.same_length(("selected", selected.len()), ("totals", totals.len()))?;
    let mut rates = Vec::with_capacity(totals.len());
    for (&s, &t) in selected.iter().zip(&totals) {
        if t <= 0.0 || s < 0.0 || s > t {
            return Err(inputs.invalid(format!(
                "each group needs 0 <= selected <= totals and totals > 0, got {s} of {t}"
            )));
        }
        rates.push(s / t);
    }
    let highest = rates.iter().copied().fold(0.0, f64::max);
    let lowest = rates.iter().copied().fold(f64::INFINITY, f64::min);
    if highest == 0.0 {
        return Err(inputs.invalid("no group has anyone selected, so the ratio is undefined"));
    }
    Ok(scalar(lowest / highest))
}

/// Positive predictive value: sens prev / (sens prev + (1 - spec)(1 - prev)) from
/// `sensitivity`, `specificity` and `prevalence`.
fn ppv_from_sensitivity_specificity(inputs: &Inputs) -> Result<Value, Error> {
    let sensitivity = inputs.probability("sensitivity")?;
    let specificity = inputs.probability("specificity")?;
    let prevalence = inputs.probability("prevalence")?;
    positive_posterior(inputs, prevalence, sensitivity, specificity).map(scalar)
}

/// The Laplace mechanism's noise scale b = `sensitivity` / `epsilon` (L1 sensitivity), which
/// gives epsilon-DP; the noise's standard deviation is sqrt(2) b.
fn laplace_mechanism_scale(inputs: &Inputs) -> Result<Value, Error> {
    let sensitivity = inputs.positive("sensitivity")?;
    let epsilon = inputs.positive("epsilon")?;
    Ok(scalar(sensitivity / epsilon))
}

/// Composition of `k` runs of an `epsilon`-DP mechanism: returns [basic, advanced], where basic
/// composition gives k epsilon and the advanced composition theorem (Dwork, Rothblum and Vadhan)
/// gives sqrt(2 k ln(1/`delta`)) epsilon + k epsilon (e^epsilon - 1), at the price of an extra
/// `delta` (delta' in the theorem) on top of k times each run's own delta.
fn dp_advanced_composition(inputs: &Inputs) -> Result<Value, Error> {
    let epsilon = inputs.positive("epsilon")?;
    let k = inputs.count("k")?;
    let delta = inputs.positive("delta")?;
    if k == 0 {
        return Err(inputs.invalid("`k` must be at least 1"));
    }
    if delta >= 1.0 {
        return Err(inputs.invalid("`delta` must be below 1"));
    }
    let k = k as f64;
    let basic = k * epsilon;
    let advanced = (2.0 * k * (1.0 / delta).ln()).sqrt() * epsilon + k * epsilon * epsilon.exp_m1();
    Ok(common::array(&[basic, advanced]))
}

/// Randomised response: each person answers truthfully with probability
/// p = e^`epsilon` / (1 + e^`epsilon`) and lies otherwise, which is epsilon-local-DP. From the
/// observed `reported_yes_rate` lambda, the unbiased estimate of the true rate is
/// (lambda - (1 - p)) / (2p - 1).
fn randomized_response_estimate(inputs: &Inputs) -> Result<Value, Error> {
    let epsilon = inputs.positive("epsilon")?;
    let reported = inputs.probability("reported_yes_rate")?;
    let truthful = 1.0 / (1.0 + (-epsilon).exp());
    Ok(scalar(
        (reported - (1.0 - truthful)) / (2.0 * truthful - 1.0),
    ))
}

/// The standard deviation, per coordinate, of the noise DP-SGD adds to the averaged gradient:
/// `noise_multiplier` times the clipping norm `max_norm`, divided by the batch size `batch`.
fn dp_sgd_noise_std(inputs: &Inputs) -> Result<Value, Error> {
    let multiplier = inputs.positive("noise_multiplier")?;
    let clip = inputs.positive("max_norm")?;
    let batch = inputs.count("batch")?;
    if batch == 0 {
        return Err(inputs.invalid("`batch` must be at least 1"));
    }
    Ok(scalar(multiplier * clip / batch as f64))
}

/// The largest membership-inference advantage (TPR - FPR) any attack can reach against an
/// (`epsilon`, `delta`)-DP mechanism: (e^epsilon - 1 + 2 delta) / (e^epsilon + 1), which is
/// tanh(epsilon / 2) when delta = 0.
fn dp_membership_advantage_bound(inputs: &Inputs) -> Result<Value, Error> {
    let epsilon = inputs.number("epsilon")?;
    let delta = inputs.number_or("delta", 0.0)?;
    if epsilon < 0.0 {
        return Err(inputs.invalid("`epsilon` cannot be negative"));
    }
    inputs.check_probability("delta", delta)?;
    let e = epsilon.exp();
    Ok(scalar(((e - 1.0 + 2.0 * delta) / (e + 1.0)).min(1.0)))
}

/// k of k-anonymity: the size of the smallest group of `records` (one row of quasi-identifier
/// codes per person) that share the same quasi-identifier values.
fn k_anonymity(inputs: &Inputs) -> Result<Value, Error> {
    let records = inputs.matrix("records")?;
    let mut sorted: Vec<&Vec<f64>> = records.iter().collect();
    sorted.sort_by(|a, b| {
        a.iter()
            .zip(b.iter())
            .map(|(x, y)| x.total_cmp(y))
            .find(|order| order.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut smallest = usize::MAX;
    let mut run = 1;
    for pair in sorted.windows(2) {
        if pair[0] == pair[1] {
            run += 1;
        } else {
            smallest = smallest.min(run);
            run = 1;
        }
    }
    smallest = smallest.min(run);
    Ok(scalar(smallest as f64))
}

/// Group fairness gaps of binary predictions: [demographic-parity gap, TPR gap, FPR gap], each
/// the largest minus the smallest per-group rate over the groups named in `groups`.
fn fairness_gaps(inputs: &Inputs) -> Result<Value, Error> {
    let y_true = inputs.vector("y_true")?;
    let y_pred = inputs.vector("y_pred")?;
    let groups = inputs.vector("groups")?;
    inputs.same_length(("y_true", y_true.len()), ("y_pred", y_pred.len()))?;
    inputs.same_length(("y_true", y_true.len()), ("groups", groups.len()))?;
    if y_true.iter().chain(&y_pred).any(|&v| v != 0.0 && v != 1.0) {
        return Err(inputs.invalid("`y_true` and `y_pred` must hold only 0 and 1"));
    }
    let mut names: Vec<f64> = groups.clone();
    names.sort_by(f64::total_cmp);
    names.dedup();
    let (mut selection, mut tpr, mut fpr) = (Vec::new(), Vec::new(), Vec::new());
    for name in &names {
        let (mut n, mut selected, mut pos, mut tp, mut neg, mut fp) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for ((&t, &p), _) in y_true
            .iter()
            .zip(&y_pred)
            .zip(&groups)
            .filter(|(_, g)| *g == name)
        {
            n += 1.0;
            selected += p;
            if t == 1.0 {
                pos += 1.0;
                tp += p;
            } else {
                neg += 1.0;
                fp += p;
            }
        }
        if pos == 0.0 || neg == 0.0 {
            return Err(inputs.invalid(format!(
                "group {name} needs at least one positive and one negative example for TPR and FPR"
            )));
        }
        selection.push(selected / n);
        tpr.push(tp / pos);
        fpr.push(fp / neg);
    }
    let gap = |rates: &[f64]| {
        rates.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - rates.iter().copied().fold(f64::INFINITY, f64::min)
    };
    Ok(common::array(&[gap(&selection), gap(&tpr), gap(&fpr)]))
}

/// Exact Shapley values from `coalition_values`, the value function v(S) of every coalition
/// indexed by bitmask (bit i set = feature i present), so it has 2^n entries:
/// phi_i = sum over S without i of |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)).
fn shapley_values(inputs: &Inputs) -> Result<Value, Error> {
    let v = inputs.vector("coalition_values")?;
    let n = v.len().trailing_zeros() as usize;
    if v.len() < 2 || 1usize << n != v.len() || n > 20 {
        return Err(inputs.invalid(format!(
            "`coalition_values` must have 2^n entries (n from 1 to 20), got {}",
            v.len()
        )));
    }
    let factorial = |m: usize| (1..=m).map(|x| x as f64).product::<f64>();
    let phi: Vec<f64> = (0..n)
        .map(|i| {
            (0..v.len())
                .filter(|mask| mask & (1 << i) == 0)
                .map(|mask| {
                    let size = mask.count_ones() as usize;
                    let weight = factorial(size) * factorial(n - size - 1) / factorial(n);
                    weight * (v[mask | (1 << i)] - v[mask])
                })
                .sum()
        })
        .collect();
    Ok(common::array(&phi))
}

/// The inverse of the standard normal CDF by Acklam's rational approximation (relative error
/// below 1.2e-9), for 0 < p < 1.
fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The certified L2 radius of randomised smoothing (Cohen et al., 2019):
/// R = `sigma` / 2 (Phi^-1(`p_a`) - Phi^-1(`p_b`)), with p_b = 1 - p_a unless given, which gives
/// R = sigma Phi^-1(p_a). `p_a` is a lower bound on the top class's probability under noise.
fn randomized_smoothing_radius(inputs: &Inputs) -> Result<Value, Error> {
    let sigma = inputs.positive("sigma")?;
    let p_a = inputs.probability("p_a")?;
    let p_b = inputs.number_or("p_b", 1.0 - p_a)?;
    inputs.check_probability("p_b", p_b)?;
    if p_a <= 0.5 || p_a >= 1.0 || p_b <= 0.0 || p_b >= p_a || p_a + p_b > 1.0 + 1e-12 {
        return Err(inputs.invalid(
            "need 0 < p_b < p_a < 1, p_a > 1/2 and p_a + p_b <= 1; below p_a = 1/2 the smoothed \
             classifier abstains",
        ));
    }
    Ok(scalar(
        sigma / 2.0 * (inverse_normal_cdf(p_a) - inverse_normal_cdf(p_b)),
    ))
}

/// Exposure of a canary (Carlini et al., 2019): log2 of the number of `candidates` minus log2 of
/// the canary's `rank` among them by model likelihood (rank 1 = most likely).
fn canary_exposure(inputs: &Inputs) -> Result<Value, Error> {
    let candidates = inputs.positive("candidates")?;
    let rank = inputs.positive("rank")?;
    if rank < 1.0 || rank > candidates {
        return Err(inputs.invalid("`rank` must lie between 1 and `candidates`"));
    }
    Ok(scalar(candidates.log2() - rank.log2()))
}

/// The z-score of the green-list watermark test (Kirchenbauer et al., 2023):
/// (|s|_G - gamma T) / sqrt(T gamma (1 - gamma)) for `green_count` green tokens out of `tokens`,
/// with green-list fraction `gamma`.
fn watermark_z_score(inputs: &Inputs) -> Result<Value, Error> {
    let green = inputs.number("green_count")?;
    let tokens = inputs.positive("tokens")?;
    let gamma = inputs.probability("gamma")?;
    if gamma <= 0.0 || gamma >= 1.0 {
        return Err(inputs.invalid("`gamma` must lie strictly between 0 and 1"));
    }
    if green < 0.0 || green > tokens {
        return Err(inputs.invalid("`green_count` must lie between 0 and `tokens`"));
    }
    Ok(scalar(
        (green - gamma * tokens) / (tokens * gamma * (1.0 - gamma)).sqrt(),
    ))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn gaussian_mechanism() {
        // ln(1.25 / delta) = 2 when delta = 1.25 e^-2: sigma = sqrt(4) / 0.5 = 4.
        check(
            "gaussian_mechanism_sigma",
            json!({ "sensitivity": 1.0, "epsilon": 0.5, "delta": 1.25 * (-2f64).exp() }),
            json!(4.0),
        );
        check_err(
            "gaussian_mechanism_sigma",
            json!({ "sensitivity": 1.0, "epsilon": 2.0, "delta": 1e-5 }),
        );
    }

    #[test]
    fn membership_bound_is_capped_at_one() {
        check(
            "dp_membership_tpr_bound",
            json!({ "epsilon": 0.0, "fpr": 0.1, "delta": 0.05 }),
            json!(0.15),
        );
        check(
            "dp_membership_tpr_bound",
            json!({ "epsilon": 5.0, "fpr": 0.5, "delta": 0.0 }),
            json!(1.0),
        );
    }

    #[test]
    fn fedavg_weights_by_size() {
        check(
            "fedavg",
            json!({ "client_sizes": [1, 3], "client_weights": [[0.0, 4.0], [4.0, 0.0]] }),
            json!([3.0, 1.0]),
        );
    }

    #[test]
    fn fairness_and_ppv() {
        check(
            "disparate_impact_ratio",
            json!({ "selected": [10, 40, 20], "totals": [100, 100, 100] }),
            json!(0.25),
        );
        check(
            "ppv_from_sensitivity_specificity",
            json!({ "sensitivity": 1.0, "specificity": 0.5, "prevalence": 0.5 }),
            json!(2.0 / 3.0),
        );
    }

    #[test]
    fn laplace_and_composition() {
        check(
            "laplace_mechanism_scale",
            json!({ "sensitivity": 1.0, "epsilon": 0.5 }),
            json!(2.0),
        );
        // ln(1/delta) = 2 with delta = e^-2: sqrt(2 * 1 * 2) * eps + eps (e^eps - 1).
        let eps: f64 = 0.1;
        check(
            "dp_advanced_composition",
            json!({ "epsilon": eps, "k": 1, "delta": (-2f64).exp() }),
            json!([0.1, 2.0 * eps + eps * eps.exp_m1()]),
        );
    }

    #[test]
    fn randomized_response_inverts_the_noise() {
        // If everyone's true answer is yes, the reported rate is p; the estimate recovers 1.
        let eps: f64 = 1.0;
        let p = eps.exp() / (1.0 + eps.exp());
        check(
            "randomized_response_estimate",
            json!({ "epsilon": eps, "reported_yes_rate": p }),
            json!(1.0),
        );
        check(
            "randomized_response_estimate",
            json!({ "epsilon": 2.0, "reported_yes_rate": 0.5 }),
            json!(0.5),
        );
    }

    #[test]
    fn dp_sgd_noise_and_advantage() {
        check(
            "dp_sgd_noise_std",
            json!({ "noise_multiplier": 1.0, "max_norm": 2.0, "batch": 4 }),
            json!(0.5),
        );
        // e^eps = 3: (3 - 1) / (3 + 1) = 0.5; with delta = 0.1: (2 + 0.2) / 4.
        check(
            "dp_membership_advantage_bound",
            json!({ "epsilon": 3f64.ln() }),
            json!(0.5),
        );
        check(
            "dp_membership_advantage_bound",
            json!({ "epsilon": 3f64.ln(), "delta": 0.1 }),
            json!(0.55),
        );
    }

    #[test]
    fn k_anonymity_is_the_smallest_class() {
        check(
            "k_anonymity",
            json!({ "records": [[1, 2], [1, 2], [3, 4], [1, 2], [3, 4]] }),
            json!(2.0),
        );
        check(
            "k_anonymity",
            json!({ "records": [[1], [1], [1]] }),
            json!(3.0),
        );
    }

    #[test]
    fn fairness_gaps_by_group() {
        // Group 0: labels 1,0 predicted 1,0 (sel 0.5, TPR 1, FPR 0).
        // Group 1: labels 1,0 predicted 1,1 (sel 1, TPR 1, FPR 1).
        check(
            "fairness_gaps",
            json!({ "y_true": [1, 0, 1, 0], "y_pred": [1, 0, 1, 1], "groups": [0, 0, 1, 1] }),
            json!([0.5, 0.0, 1.0]),
        );
    }

    #[test]
    fn shapley_of_an_interaction() {
        // v(S) = 1 only when both features are present: the credit is split equally.
        check(
            "shapley_values",
            json!({ "coalition_values": [0.0, 0.0, 0.0, 1.0] }),
            json!([0.5, 0.5]),
        );
        // Additive game: each feature gets its own contribution.
        check(
            "shapley_values",
            json!({ "coalition_values": [0.0, 2.0, 3.0, 5.0] }),
            json!([2.0, 3.0]),
        );
    }

    #[test]
    fn smoothing_radius() {
        // Phi^-1(0.5) = 0, so p_a = 0.5 would certify nothing; the radius is antisymmetric.
        assert!(super::inverse_normal_cdf(0.5).abs() < 1e-12);
        assert!((super::inverse_normal_cdf(0.975) - 1.959963984540054).abs() < 1e-8);
        assert!((super::inverse_normal_cdf(0.001) + 3.090232306167813).abs() < 1e-8);
        let got = crate::evaluate(
            "randomized_smoothing_radius",
            json!({ "sigma": 1.0, "p_a": 0.975 }).as_object().unwrap(),
        )
        .unwrap();
        assert!((got.as_f64().unwrap() - 1.959963984540054).abs() < 1e-8);
        check_err(
            "randomized_smoothing_radius",
            json!({ "sigma": 1.0, "p_a": 0.4 }),
        );
    }

    #[test]
    fn exposure_and_watermark() {
        check(
            "canary_exposure",
            json!({ "candidates": 1024, "rank": 1 }),
            json!(10.0),
        );
        check(
            "canary_exposure",
            json!({ "candidates": 1024, "rank": 1024 }),
            json!(0.0),
        );
        // 100 tokens, gamma 0.5: mean 50, sd 5; 60 green gives z = 2.
        check(
            "watermark_z_score",
            json!({ "green_count": 60, "tokens": 100, "gamma": 0.5 }),
            json!(2.0),
        );
    }
}
