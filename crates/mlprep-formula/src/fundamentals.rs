//! Formulas of the `fundamentals` category: softmax and log-sum-exp, cross-entropy, the
//! bias-variance decomposition, one gradient-descent step of linear regression, backpropagation
//! through a scalar two-layer network, L1's soft-thresholding, Bayes' theorem, the Beta-binomial
//! posterior mode and a matrix's condition number.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("softmax", softmax),
    ("log_sum_exp", log_sum_exp),
    ("cross_entropy", cross_entropy),
    ("bias_variance_decomposition", bias_variance_decomposition),
    ("linear_regression_gd_step", linear_regression_gd_step),
    ("two_layer_backprop", two_layer_backprop),
    ("soft_threshold", soft_threshold),
    ("bayes_test_posterior", bayes_test_posterior),
    ("beta_binomial_map", beta_binomial_map),
    ("condition_number", condition_number),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// `logits` -> softmax(logits), natural exponent, max subtracted first.
fn softmax(inputs: &Inputs) -> Result<Value, Error> {
    Ok(array(&common::softmax(&inputs.vector("logits")?)))
}

/// `logits` -> log(sum(exp(logits))).
fn log_sum_exp(inputs: &Inputs) -> Result<Value, Error> {
    Ok(scalar(common::log_sum_exp(&inputs.vector("logits")?)))
}

/// Natural log-probabilities from exactly one of `logits` (log-softmax) or `probs`.
pub(crate) fn log_probs(inputs: &Inputs, logits: &str, probs: &str) -> Result<Vec<f64>, Error> {
    match (inputs.has(logits), inputs.has(probs)) {
        (true, false) => {
            let z = inputs.vector(logits)?;
            let lse = common::log_sum_exp(&z);
            Ok(z.iter().map(|x| x - lse).collect())
        }
        (false, true) => {
            let p = inputs.vector(probs)?;
            check_distribution(inputs, probs, &p)?;
            Ok(p.iter().map(|x| x.ln()).collect())
        }
        _ => Err(inputs.invalid(format!(
            "give exactly one of `{logits}` (unnormalised scores) or `{probs}` (probabilities)"
        ))),
    }
}

/// Fails unless `p` is a probability distribution (entries in [0, 1], sum 1 within 1e-6).
pub(crate) fn check_distribution(inputs: &Inputs, name: &str, p: &[f64]) -> Result<(), Error> {
    for &x in p {
        inputs.check_probability(name, x)?;
    }
    let total: f64 = p.iter().sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(inputs.invalid(format!(
            "input `{name}` sums to {total}, not 1; give a probability distribution"
        )));
    }
    Ok(())
}

/// Cross-entropy of one prediction, natural log. The prediction is `logits` (computed through a
/// stable log-softmax) or `probs`; `target` is a class index or a target distribution.
fn cross_entropy(inputs: &Inputs) -> Result<Value, Error> {
    let log_p = log_probs(inputs, "logits", "probs")?;
    let target = inputs.required("target", "a class index or a target distribution")?;
    if target.is_array() {
        let t = inputs.vector("target")?;
        inputs.same_length(("target", t.len()), ("prediction", log_p.len()))?;
        check_distribution(inputs, "target", &t)?;
        // A class with target weight 0 contributes 0 even where its probability is 0.
        let loss = t
            .iter()
            .zip(&log_p)
            .filter(|(t, _)| **t > 0.0)
            .map(|(t, l)| -t * l)
            .sum();
        return Ok(scalar(loss));
    }
    let index = inputs.count("target")?;
    let l = log_p.get(index).ok_or_else(|| {
        inputs.invalid(format!(
            "`target` is {index} but there are only {} classes (indices start at 0)",
            log_p.len()
        ))
    })?;
    Ok(scalar(-l))
}

/// Expected squared error = `bias`^2 + `variance` + `noise_variance`.
fn bias_variance_decomposition(inputs: &Inputs) -> Result<Value, Error> {
    let bias = inputs.number("bias")?;
    let variance = inputs.number("variance")?;
    let noise = inputs.number("noise_variance")?;
    if variance < 0.0 || noise < 0.0 {
        return Err(inputs.invalid("variances cannot be negative"));
    }
    Ok(scalar(bias * bias + variance + noise))
}

/// One full-batch gradient step on L = (1/n) sum((w x + b - y)^2); returns `[w, b]`.
fn linear_regression_gd_step(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let y = inputs.vector("y")?;
    inputs.same_length(("x", x.len()), ("y", y.len()))?;
    let (w, b, lr) = (
        inputs.number("w")?,
        inputs.number("b")?,
        inputs.number("lr")?,
    );
    let n = x.len() as f64;
    let residuals: Vec<f64> = x.iter().zip(&y).map(|(x, y)| w * x + b - y).collect();
    let grad_w = 2.0 / n * residuals.iter().zip(&x).map(|(r, x)| r * x).sum::<f64>();
    let grad_b = 2.0 / n * residuals.iter().sum::<f64>();
    Ok(array(&[w - lr * grad_w, b - lr * grad_b]))
}

/// Gradients of 0.5 (y_hat - y)^2 for h = relu(w1 x + b1), y_hat = w2 h + b2; returns
/// `[dL/dw1, dL/db1, dL/dw2, dL/db2]`. ReLU's derivative at exactly 0 is taken as 0, as in PyTorch.
fn two_layer_backprop(inputs: &Inputs) -> Result<Value, Error> {
    let (x, y) = (inputs.number("x")?, inputs.number("y")?);
    let (w1, b1) = (inputs.number("w1")?, inputs.number("b1")?);
    let (w2, b2) = (inputs.number("w2")?, inputs.number("b2")?);
    let z = w1 * x + b1;
    let h = z.max(0.0);
    let delta_out = w2 * h + b2 - y;
    let delta_hidden = delta_out * w2 * if z > 0.0 { 1.0 } else { 0.0 };
    Ok(array(&[
        delta_hidden * x,
        delta_hidden,
        delta_out * h,
        delta_out,
    ]))
}

/// The proximal operator of `lam` |w|, elementwise: sign(z) max(|z| - lam, 0).
fn soft_threshold(inputs: &Inputs) -> Result<Value, Error> {
    let z = inputs.values("z")?;
    let lam = inputs.number("lam")?;
    if lam < 0.0 {
        return Err(inputs.invalid("`lam` is a penalty weight and cannot be negative"));
    }
    let out = z
        .data
        .iter()
        .map(|z| z.signum() * (z.abs() - lam).max(0.0))
        // Turns -0.0 into 0.0 so results print as 0.
        .map(|x| if x == 0.0 { 0.0 } else { x })
        .collect();
    Ok(z.output(out))
}

/// P(condition | positive test) from `prior` (prevalence), `sensitivity` and `specificity`.
fn bayes_test_posterior(inputs: &Inputs) -> Result<Value, Error> {
    let prior = inputs.probability("prior")?;
    let sensitivity = inputs.probability("sensitivity")?;
    let specificity = inputs.probability("specificity")?;
    positive_posterior(inputs, prior, sensitivity, specificity).map(scalar)
}

/// Bayes' theorem for a positive test: sens prior / (sens prior + (1 - spec)(1 - prior)).
pub(crate) fn positive_posterior(
    inputs: &Inputs,
    prior: f64,
    sensitivity: f64,
    specificity: f64,
) -> Result<f64, Error> {
    let true_positive = sensitivity * prior;
    let false_positive = (1.0 - specificity) * (1.0 - prior);
    if true_positive + false_positive == 0.0 {
        return Err(inputs.invalid("a positive test has probability 0 with these inputs"));
    }
    Ok(true_positive / (true_positive + false_positive))
}

/// The mode of the Beta(`alpha` + `heads`, `beta` + `tails`) posterior (the MAP estimate).
fn beta_binomial_map(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.positive("alpha")? + inputs.number("heads")?;
    let b = inputs.positive("beta")? + inputs.number("tails")?;
    if a <= 1.0 || b <= 1.0 {
        return Err(inputs.invalid(format!(
            "the posterior Beta({a}, {b}) has its mode at a boundary or none; the formula \
             (a - 1)/(a + b - 2) needs both parameters above 1"
        )));
    }
    Ok(scalar((a - 1.0) / (a + b - 2.0)))
}

/// The 2-norm condition number of a square `matrix`: largest over smallest singular value (for a
/// symmetric positive-definite matrix, largest over smallest eigenvalue).
fn condition_number(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.matrix("matrix")?;
    if a.len() != a[0].len() {
        return Err(inputs.invalid("`matrix` must be square"));
    }
    // Singular values are |eigenvalues| for a symmetric matrix and sqrt(eig(A^T A)) otherwise.
    let singular: Vec<f64> = if common::is_symmetric(&a) {
        common::symmetric_eigen(&a)
            .0
            .iter()
            .map(|l| l.abs())
            .collect()
    } else {
        let ata = common::matmul(&common::transpose(&a), &a);
        let values = common::symmetric_eigen(&ata).0;
        values.iter().map(|l| l.max(0.0).sqrt()).collect()
    };
    let largest = singular.iter().copied().fold(0.0, f64::max);
    let smallest = singular.iter().copied().fold(f64::INFINITY, f64::min);
    if smallest <= largest * 1e-15 {
        return Err(inputs.invalid("`matrix` is singular, so its condition number is infinite"));
    }
    Ok(scalar(largest / smallest))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn softmax_of_equal_logits_is_uniform_and_stable() {
        check(
            "softmax",
            json!({ "logits": [5.0, 5.0] }),
            json!([0.5, 0.5]),
        );
        check(
            "softmax",
            json!({ "logits": [1000.0, 1000.0, 1000.0, 1000.0] }),
            json!([0.25, 0.25, 0.25, 0.25]),
        );
    }

    #[test]
    fn log_sum_exp_of_zeros_is_log_n() {
        check(
            "log_sum_exp",
            json!({ "logits": [0.0, 0.0, 0.0, 0.0] }),
            json!(4f64.ln()),
        );
        check(
            "log_sum_exp",
            json!({ "logits": [1000.0, 1000.0] }),
            json!(1000.0 + 2f64.ln()),
        );
    }

    #[test]
    fn cross_entropy_from_probs_logits_and_soft_targets() {
        check(
            "cross_entropy",
            json!({ "probs": [0.5, 0.25, 0.25], "target": 1 }),
            json!(4f64.ln()),
        );
        // Logits [0, 0] give probabilities [0.5, 0.5].
        check(
            "cross_entropy",
            json!({ "logits": [0.0, 0.0], "target": 0 }),
            json!(2f64.ln()),
        );
        check(
            "cross_entropy",
            json!({ "probs": [0.5, 0.5], "target": [0.5, 0.5] }),
            json!(2f64.ln()),
        );
        check_err("cross_entropy", json!({ "probs": [0.5, 0.5], "target": 2 }));
        check_err(
            "cross_entropy",
            json!({ "probs": [0.5, 0.5], "logits": [0.0, 0.0], "target": 0 }),
        );
        check_err("cross_entropy", json!({ "probs": [0.5, 0.6], "target": 0 }));
    }

    #[test]
    fn gradient_step_at_the_optimum_stays_put() {
        check(
            "linear_regression_gd_step",
            json!({ "x": [1.0, 2.0], "y": [3.0, 5.0], "w": 2.0, "b": 1.0, "lr": 0.5 }),
            json!([2.0, 1.0]),
        );
    }

    #[test]
    fn dead_relu_passes_no_gradient_to_the_first_layer() {
        check(
            "two_layer_backprop",
            json!({ "x": 1.0, "y": 0.0, "w1": -1.0, "b1": 0.0, "w2": 2.0, "b2": 1.0 }),
            json!([0.0, 0.0, 0.0, 1.0]),
        );
    }

    #[test]
    fn soft_threshold_shrinks_toward_zero() {
        check(
            "soft_threshold",
            json!({ "z": [-3.0, 0.5, 2.0], "lam": 1.0 }),
            json!([-2.0, 0.0, 1.0]),
        );
        check(
            "soft_threshold",
            json!({ "z": 0.25, "lam": 0.5 }),
            json!(0.0),
        );
    }

    #[test]
    fn bayes_with_a_perfect_test_is_certain() {
        check(
            "bayes_test_posterior",
            json!({ "prior": 0.2, "sensitivity": 1.0, "specificity": 1.0 }),
            json!(1.0),
        );
        check(
            "bayes_test_posterior",
            json!({ "prior": 0.5, "sensitivity": 0.8, "specificity": 0.8 }),
            json!(0.8),
        );
    }

    #[test]
    fn beta_binomial_mode() {
        check(
            "beta_binomial_map",
            json!({ "heads": 3, "tails": 1, "alpha": 1.0, "beta": 1.0 }),
            json!(0.75),
        );
        check_err(
            "beta_binomial_map",
            json!({ "heads": 0, "tails": 0, "alpha": 1.0, "beta": 1.0 }),
        );
    }

    #[test]
    fn condition_numbers() {
        check(
            "condition_number",
            json!({ "matrix": [[2.0, 0.0], [0.0, 0.5]] }),
            json!(4.0),
        );
        // Not symmetric: singular values of [[1, 1], [0, 1]] are the golden ratio and its inverse.
        let phi = (1.0 + 5f64.sqrt()) / 2.0;
        check(
            "condition_number",
            json!({ "matrix": [[1.0, 1.0], [0.0, 1.0]] }),
            json!(phi * phi),
        );
        check_err(
            "condition_number",
            json!({ "matrix": [[1.0, 2.0], [2.0, 4.0]] }),
        );
    }
}
