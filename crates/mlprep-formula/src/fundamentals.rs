//! Formulas of the `fundamentals` category: softmax and log-sum-exp, cross-entropy and its
//! gradient, the bias-variance decomposition, gradient descent and the closed forms of least
//! squares and ridge, backpropagation through a scalar two-layer network, L1's soft-thresholding,
//! Bayes' theorem, the Beta-binomial posterior mode, mutual information, linear algebra (condition
//! number, singular values, norms, determinant and trace, power iteration, Mahalanobis distance),
//! sigmoid and logit, floating-point format limits, MLP sizes, Jensen's gap, the Gaussian
//! negative log-likelihood and a PAC sample-size bound.

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
    (
        "bias_variance_from_predictions",
        bias_variance_from_predictions,
    ),
    ("entropy_cross_entropy_kl", entropy_cross_entropy_kl),
    ("mutual_information", mutual_information),
    ("singular_values", singular_values),
    ("least_squares_gradient", least_squares_gradient),
    ("least_squares_solution", least_squares_solution),
    ("ridge_shrinkage_factors", ridge_shrinkage_factors),
    ("sigmoid", sigmoid),
    ("logit", logit),
    ("float_format_properties", float_format_properties),
    ("mlp_param_count", mlp_param_count),
    ("softmax_cross_entropy_grad", softmax_cross_entropy_grad),
    ("directional_derivative", directional_derivative),
    ("mahalanobis_distance", mahalanobis_distance),
    ("matrix_norms", matrix_norms),
    ("determinant_trace", determinant_trace),
    ("power_iteration", power_iteration),
    ("jensen_gap_log", jensen_gap_log),
    ("gaussian_nll", gaussian_nll),
    ("pac_sample_complexity", pac_sample_complexity),
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

/// The bias-variance decomposition measured on `predictions` of one point by models trained on
/// different training sets, against the true function value `target`, with label noise of
/// variance `noise_variance`; returns `[bias^2, variance, bias^2 + variance + noise]`. The
/// variance is the population variance of the predictions (divide by the count, not count - 1).
fn bias_variance_from_predictions(inputs: &Inputs) -> Result<Value, Error> {
    let predictions = inputs.vector("predictions")?;
    let target = inputs.number("target")?;
    let noise = inputs.number("noise_variance")?;
    if noise < 0.0 {
        return Err(inputs.invalid("`noise_variance` cannot be negative"));
    }
    let average = common::mean(&predictions);
    let bias_squared = (average - target).powi(2);
    let variance = common::mean(
        &predictions
            .iter()
            .map(|p| (p - average).powi(2))
            .collect::<Vec<_>>(),
    );
    Ok(array(&[
        bias_squared,
        variance,
        bias_squared + variance + noise,
    ]))
}

/// `[H(p), H(p, q), KL(p || q)]` for distributions `p` and `q`, natural log: entropy
/// -sum p ln p, cross-entropy -sum p ln q, and their difference sum p ln(p / q). Outcomes with
/// p = 0 contribute 0; q = 0 where p > 0 makes the last two infinite, which is an error.
fn entropy_cross_entropy_kl(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.vector("p")?;
    let q = inputs.vector("q")?;
    inputs.same_length(("p", p.len()), ("q", q.len()))?;
    check_distribution(inputs, "p", &p)?;
    check_distribution(inputs, "q", &q)?;
    let (mut entropy, mut cross, mut kl) = (0.0, 0.0, 0.0);
    for (&p, &q) in p.iter().zip(&q) {
        if p > 0.0 {
            entropy -= p * p.ln();
            cross -= p * q.ln();
            kl += p * (p / q).ln();
        }
    }
    Ok(array(&[entropy, cross, kl]))
}

/// I(X; Y) in nats from a `joint` probability table p(x, y) (rows x, columns y):
/// sum p(x, y) ln(p(x, y) / (p(x) p(y))), cells with p(x, y) = 0 contributing 0.
fn mutual_information(inputs: &Inputs) -> Result<Value, Error> {
    let joint = inputs.matrix("joint")?;
    let cells: Vec<f64> = joint.iter().flatten().copied().collect();
    check_distribution(inputs, "joint", &cells)?;
    let row_sums: Vec<f64> = joint.iter().map(|row| row.iter().sum()).collect();
    let column_sums: Vec<f64> = (0..joint[0].len())
        .map(|j| joint.iter().map(|row| row[j]).sum())
        .collect();
    let mut total = 0.0;
    for (i, row) in joint.iter().enumerate() {
        for (j, &p) in row.iter().enumerate() {
            if p > 0.0 {
                total += p * (p / (row_sums[i] * column_sums[j])).ln();
            }
        }
    }
    // Rounding can leave a tiny negative value for independent variables.
    Ok(scalar(total.max(0.0)))
}

/// The singular values of a rectangular matrix, largest first: square roots of the eigenvalues
/// of the smaller of A^T A and A A^T (min(rows, columns) values).
fn singular_values_of(a: &[Vec<f64>]) -> Vec<f64> {
    let at = common::transpose(a);
    let gram = if a.len() >= a[0].len() {
        common::matmul(&at, a)
    } else {
        common::matmul(a, &at)
    };
    let mut values: Vec<f64> = common::symmetric_eigen(&gram)
        .0
        .iter()
        .map(|l| l.max(0.0).sqrt())
        .collect();
    values.sort_by(|x, y| y.total_cmp(x));
    values
}

/// The singular values of `matrix`, largest first.
fn singular_values(inputs: &Inputs) -> Result<Value, Error> {
    Ok(array(&singular_values_of(&inputs.matrix("matrix")?)))
}

/// Solves the square system `a` x = `b` by Gaussian elimination with partial pivoting; `None`
/// when a pivot is negligible against the matrix's largest entry (a singular matrix).
fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = a.len();
    let scale = a.iter().flatten().fold(0.0_f64, |m, x| m.max(x.abs()));
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .zip(b)
        .map(|(row, &rhs)| {
            let mut row = row.clone();
            row.push(rhs);
            row
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        m.swap(col, pivot);
        for row in col + 1..n {
            let factor = m[row][col] / m[col][col];
            // `col < row`, so the pivot row lies in the first half of the split.
            let (upper, lower) = m.split_at_mut(row);
            for (target, source) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *target -= factor * source;
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| m[row][k] * x[k]).sum();
        x[row] = (m[row][n] - rest) / m[row][row];
    }
    Some(x)
}

/// Reads `features` (an n x d design matrix) and `targets` (n values), checking the shapes.
fn design(inputs: &Inputs) -> Result<(Vec<Vec<f64>>, Vec<f64>), Error> {
    let x = inputs.matrix("features")?;
    let y = inputs.vector("targets")?;
    inputs.same_length(("features (rows)", x.len()), ("targets", y.len()))?;
    Ok((x, y))
}

/// The gradient of ||X w - y||^2 (a sum, not a mean) with respect to `w`: 2 X^T (X w - y), for
/// X = `features`, y = `targets`.
fn least_squares_gradient(inputs: &Inputs) -> Result<Value, Error> {
    let (x, y) = design(inputs)?;
    let w = inputs.vector("w")?;
    inputs.same_length(("features (columns)", x[0].len()), ("w", w.len()))?;
    let residual: Vec<f64> = x
        .iter()
        .zip(&y)
        .map(|(row, y)| common::dot(row, &w) - y)
        .collect();
    let gradient: Vec<f64> = common::transpose(&x)
        .iter()
        .map(|column| 2.0 * common::dot(column, &residual))
        .collect();
    Ok(array(&gradient))
}

/// The least-squares weights w = (X^T X)^{-1} X^T y from the normal equations, X = `features`
/// (include a column of ones for an intercept), y = `targets`. X must have full column rank.
fn least_squares_solution(inputs: &Inputs) -> Result<Value, Error> {
    let (x, y) = design(inputs)?;
    let xt = common::transpose(&x);
    let gram = common::matmul(&xt, &x);
    let rhs: Vec<f64> = xt.iter().map(|column| common::dot(column, &y)).collect();
    let w = solve(&gram, &rhs).ok_or_else(|| {
        inputs.invalid(
            "X^T X is singular (the columns of `features` are linearly dependent or there are \
             fewer rows than columns); the least-squares solution is not unique",
        )
    })?;
    Ok(array(&w))
}

/// Ridge's shrinkage factors sigma_i^2 / (sigma_i^2 + `lam`) for the singular values sigma_i of
/// `features`, largest singular value first.
fn ridge_shrinkage_factors(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.matrix("features")?;
    let lam = inputs.number("lam")?;
    if lam < 0.0 {
        return Err(inputs.invalid("`lam` is a penalty weight and cannot be negative"));
    }
    let factors: Vec<f64> = singular_values_of(&x)
        .iter()
        .map(|s| {
            let s2 = s * s;
            if s2 + lam == 0.0 {
                0.0
            } else {
                s2 / (s2 + lam)
            }
        })
        .collect();
    Ok(array(&factors))
}

/// The logistic sigmoid 1 / (1 + e^{-z}), elementwise on `z`, evaluated without overflow.
fn sigmoid(inputs: &Inputs) -> Result<Value, Error> {
    let z = inputs.values("z")?;
    let out = z
        .data
        .iter()
        .map(|&z| {
            if z >= 0.0 {
                1.0 / (1.0 + (-z).exp())
            } else {
                let e = z.exp();
                e / (1.0 + e)
            }
        })
        .collect();
    Ok(z.output(out))
}

/// The logit (log-odds) ln(p / (1 - p)), elementwise on `p`, each strictly between 0 and 1.
fn logit(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.values("p")?;
    if p.data.iter().any(|&p| p <= 0.0 || p >= 1.0) {
        return Err(inputs.invalid("every `p` must lie strictly between 0 and 1"));
    }
    let out = p.data.iter().map(|p| (p / (1.0 - p)).ln()).collect();
    Ok(p.output(out))
}

/// Properties of a binary floating-point format with `exponent_bits` and `mantissa_bits`
/// (stored fraction bits, IEEE-style bias 2^(e-1) - 1, top exponent reserved for inf/NaN):
/// `[machine epsilon 2^-m, largest finite (2 - 2^-m) 2^bias, smallest normal 2^(1 - bias)]`.
fn float_format_properties(inputs: &Inputs) -> Result<Value, Error> {
    let e = inputs.count("exponent_bits")?;
    let m = inputs.count("mantissa_bits")?;
    if !(2..=11).contains(&e) || m > 52 {
        return Err(inputs.invalid(
            "`exponent_bits` must be 2 to 11 and `mantissa_bits` at most 52 (float64's sizes)",
        ));
    }
    let bias = (1i32 << (e - 1)) - 1;
    let epsilon = 2f64.powi(-(m as i32));
    let largest = (2.0 - epsilon) * 2f64.powi(bias);
    let smallest_normal = 2f64.powi(1 - bias);
    Ok(array(&[epsilon, largest, smallest_normal]))
}

/// A fully connected network with `layer_sizes` [input, hidden..., output] and a bias per unit:
/// `[parameters, multiply-adds per example]` = [sum (n_in n_out + n_out), sum n_in n_out].
fn mlp_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let sizes = inputs.vector("layer_sizes")?;
    if sizes.len() < 2 || sizes.iter().any(|&s| s < 1.0 || s.fract() != 0.0) {
        return Err(inputs.invalid(
            "`layer_sizes` needs at least two positive integers (input and output widths)",
        ));
    }
    let weights: f64 = sizes.windows(2).map(|w| w[0] * w[1]).sum();
    let biases: f64 = sizes[1..].iter().sum();
    Ok(array(&[weights + biases, weights]))
}

/// The gradient of cross-entropy through softmax with respect to the `logits`, for the class
/// index `target`: softmax(logits) - one_hot(target).
fn softmax_cross_entropy_grad(inputs: &Inputs) -> Result<Value, Error> {
    let mut p = common::softmax(&inputs.vector("logits")?);
    let target = inputs.count("target")?;
    let classes = p.len();
    let entry = p.get_mut(target).ok_or_else(|| {
        inputs.invalid(format!(
            "`target` is {target} but there are only {classes} classes (indices start at 0)"
        ))
    })?;
    *entry -= 1.0;
    Ok(array(&p))
}

/// The directional derivative of f along `direction` (normalised to unit length): grad . u.
fn directional_derivative(inputs: &Inputs) -> Result<Value, Error> {
    let grad = inputs.vector("grad")?;
    let direction = inputs.vector("direction")?;
    inputs.same_length(("grad", grad.len()), ("direction", direction.len()))?;
    let length = common::norm(&direction);
    if length == 0.0 {
        return Err(inputs.invalid("`direction` is the zero vector and has no direction"));
    }
    Ok(scalar(common::dot(&grad, &direction) / length))
}

/// The Mahalanobis distance sqrt((x - mu)^T cov^{-1} (x - mu)) for a positive-definite `cov`.
fn mahalanobis_distance(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let mu = inputs.vector("mu")?;
    let cov = inputs.matrix("cov")?;
    inputs.same_length(("x", x.len()), ("mu", mu.len()))?;
    if cov.len() != x.len() || cov[0].len() != x.len() {
        return Err(inputs.invalid("`cov` must be a square matrix with as many rows as `x`"));
    }
    if !common::is_symmetric(&cov) || common::symmetric_eigen(&cov).0.iter().any(|&l| l <= 0.0) {
        return Err(inputs.invalid("`cov` must be symmetric positive definite"));
    }
    let d: Vec<f64> = x.iter().zip(&mu).map(|(x, m)| x - m).collect();
    let z = solve(&cov, &d).ok_or_else(|| inputs.invalid("`cov` is singular"))?;
    Ok(scalar(common::dot(&d, &z).max(0.0).sqrt()))
}

/// `[Frobenius norm, spectral norm]` of `matrix`: sqrt of the sum of squared entries, and the
/// largest singular value.
fn matrix_norms(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.matrix("matrix")?;
    let frobenius = a.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    let spectral = singular_values_of(&a)[0];
    Ok(array(&[frobenius, spectral]))
}

/// `[determinant, trace]` of a square `matrix`; the determinant by elimination with partial
/// pivoting.
fn determinant_trace(inputs: &Inputs) -> Result<Value, Error> {
    let mut m = inputs.matrix("matrix")?;
    let n = m.len();
    if m[0].len() != n {
        return Err(inputs.invalid("`matrix` must be square"));
    }
    let trace = (0..n).map(|i| m[i][i]).sum();
    let mut det = 1.0;
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))
            .unwrap_or(col);
        if m[pivot][col] == 0.0 {
            det = 0.0;
            break;
        }
        if pivot != col {
            m.swap(col, pivot);
            det = -det;
        }
        det *= m[col][col];
        for row in col + 1..n {
            let factor = m[row][col] / m[col][col];
            // `col < row`, so the pivot row lies in the first half of the split.
            let (upper, lower) = m.split_at_mut(row);
            for (target, source) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *target -= factor * source;
            }
        }
    }
    Ok(array(&[if det == 0.0 { 0.0 } else { det }, trace]))
}

/// `iterations` steps of power iteration x <- A x / ||A x|| on a square `matrix` from `x0`;
/// returns the unit vector reached.
fn power_iteration(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.matrix("matrix")?;
    let mut x = inputs.vector("x0")?;
    let iterations = inputs.count("iterations")?;
    if a.len() != a[0].len() || a.len() != x.len() {
        return Err(inputs.invalid("`matrix` must be square with as many rows as `x0` has entries"));
    }
    let length = common::norm(&x);
    if length == 0.0 {
        return Err(inputs.invalid("`x0` must not be the zero vector"));
    }
    x.iter_mut().for_each(|v| *v /= length);
    for _ in 0..iterations {
        let y: Vec<f64> = a.iter().map(|row| common::dot(row, &x)).collect();
        let length = common::norm(&y);
        if length == 0.0 {
            return Err(inputs.invalid("A x became the zero vector; `x0` has no component along any eigenvector with a nonzero eigenvalue"));
        }
        x = y.iter().map(|v| v / length).collect();
    }
    Ok(array(&x))
}

/// Jensen's gap for the concave log with equal weights on the positive values `x`:
/// ln(mean x) - mean(ln x), which is at least 0.
fn jensen_gap_log(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    if x.iter().any(|&v| v <= 0.0) {
        return Err(inputs.invalid("every entry of `x` must be positive for the log"));
    }
    let mean_log = common::mean(&x.iter().map(|v| v.ln()).collect::<Vec<_>>());
    Ok(scalar((common::mean(&x).ln() - mean_log).max(0.0)))
}

/// The mean negative log-likelihood of `target` under N(`prediction`, `sigma`^2), natural log:
/// mean((y - y_hat)^2) / (2 sigma^2) + ln(sigma) + ln(2 pi) / 2.
fn gaussian_nll(inputs: &Inputs) -> Result<Value, Error> {
    let prediction = inputs.values("prediction")?.data;
    let target = inputs.values("target")?.data;
    inputs.same_length(("prediction", prediction.len()), ("target", target.len()))?;
    let sigma = inputs.positive("sigma")?;
    let mse = common::mean(
        &prediction
            .iter()
            .zip(&target)
            .map(|(p, t)| (p - t).powi(2))
            .collect::<Vec<_>>(),
    );
    Ok(scalar(
        mse / (2.0 * sigma * sigma) + sigma.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln(),
    ))
}

/// Training-set size sufficient for a consistent learner over a finite class of
/// `hypothesis_count` hypotheses to reach true error at most `epsilon` with probability at
/// least 1 - `delta` (realizable case): (ln |H| + ln(1/delta)) / epsilon, not rounded.
fn pac_sample_complexity(inputs: &Inputs) -> Result<Value, Error> {
    let h = inputs.number("hypothesis_count")?;
    let epsilon = inputs.number("epsilon")?;
    let delta = inputs.number("delta")?;
    if h < 1.0 {
        return Err(inputs.invalid("`hypothesis_count` must be at least 1"));
    }
    if !(epsilon > 0.0 && epsilon < 1.0 && delta > 0.0 && delta < 1.0) {
        return Err(inputs.invalid("`epsilon` and `delta` must lie strictly between 0 and 1"));
    }
    Ok(scalar((h.ln() + (1.0 / delta).ln()) / epsilon))
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

    #[test]
    fn bias_variance_from_two_predictions() {
        // Mean prediction 2 against truth 1: bias^2 = 1; population variance of [1, 3] = 1.
        check(
            "bias_variance_from_predictions",
            json!({ "predictions": [1.0, 3.0], "target": 1.0, "noise_variance": 0.5 }),
            json!([1.0, 1.0, 2.5]),
        );
    }

    #[test]
    fn entropy_cross_entropy_and_kl_of_coins() {
        // A fair coin against itself: H = ln 2, H(p, p) = ln 2, KL = 0.
        check(
            "entropy_cross_entropy_kl",
            json!({ "p": [0.5, 0.5], "q": [0.5, 0.5] }),
            json!([2f64.ln(), 2f64.ln(), 0.0]),
        );
        // A certain outcome scored by a fair coin: H = 0, H(p, q) = KL = ln 2.
        check(
            "entropy_cross_entropy_kl",
            json!({ "p": [1.0, 0.0], "q": [0.5, 0.5] }),
            json!([0.0, 2f64.ln(), 2f64.ln()]),
        );
        check_err(
            "entropy_cross_entropy_kl",
            json!({ "p": [0.5, 0.5], "q": [1.0, 0.0] }),
        );
    }

    #[test]
    fn mutual_information_of_copies_and_independent_bits() {
        check(
            "mutual_information",
            json!({ "joint": [[0.5, 0.0], [0.0, 0.5]] }),
            json!(2f64.ln()),
        );
        check(
            "mutual_information",
            json!({ "joint": [[0.25, 0.25], [0.25, 0.25]] }),
            json!(0.0),
        );
        check_err(
            "mutual_information",
            json!({ "joint": [[0.5, 0.5], [0.5, 0.5]] }),
        );
    }

    #[test]
    fn singular_values_of_scaled_axes() {
        check(
            "singular_values",
            json!({ "matrix": [[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]] }),
            json!([3.0, 2.0]),
        );
        check(
            "singular_values",
            json!({ "matrix": [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]] }),
            json!([2.0, 1.0]),
        );
    }

    #[test]
    fn least_squares_gradient_and_exact_fit() {
        check(
            "least_squares_gradient",
            json!({ "features": [[1.0, 0.0], [0.0, 1.0]], "targets": [1.0, 2.0], "w": [0.0, 0.0] }),
            json!([-2.0, -4.0]),
        );
        // y = 1 + 2x is fitted exactly.
        check(
            "least_squares_solution",
            json!({ "features": [[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], "targets": [1.0, 3.0, 5.0] }),
            json!([1.0, 2.0]),
        );
        check_err(
            "least_squares_solution",
            json!({ "features": [[1.0, 2.0], [2.0, 4.0]], "targets": [1.0, 2.0] }),
        );
    }

    #[test]
    fn ridge_shrinks_weak_directions_more() {
        check(
            "ridge_shrinkage_factors",
            json!({ "features": [[3.0, 0.0], [0.0, 1.0]], "lam": 1.0 }),
            json!([0.9, 0.5]),
        );
    }

    #[test]
    fn sigmoid_and_logit_are_inverses() {
        check("sigmoid", json!({ "z": 0.0 }), json!(0.5));
        check(
            "sigmoid",
            json!({ "z": [3f64.ln(), -1000.0] }),
            json!([0.75, 0.0]),
        );
        check("logit", json!({ "p": 0.75 }), json!(3f64.ln()));
        check_err("logit", json!({ "p": 1.0 }));
    }

    #[test]
    fn float_formats_match_the_standards() {
        check(
            "float_format_properties",
            json!({ "exponent_bits": 5, "mantissa_bits": 10 }),
            json!([2f64.powi(-10), 65504.0, 2f64.powi(-14)]),
        );
        check(
            "float_format_properties",
            json!({ "exponent_bits": 8, "mantissa_bits": 23 }),
            json!([
                f32::EPSILON as f64,
                f32::MAX as f64,
                f32::MIN_POSITIVE as f64
            ]),
        );
    }

    #[test]
    fn mlp_counts() {
        // 2*3 + 3*1 = 9 weights, 3 + 1 = 4 biases.
        check(
            "mlp_param_count",
            json!({ "layer_sizes": [2, 3, 1] }),
            json!([13.0, 9.0]),
        );
        check_err("mlp_param_count", json!({ "layer_sizes": [4] }));
    }

    #[test]
    fn softmax_ce_gradient_is_p_minus_y() {
        check(
            "softmax_cross_entropy_grad",
            json!({ "logits": [0.0, 0.0], "target": 1 }),
            json!([0.5, -0.5]),
        );
    }

    #[test]
    fn directional_derivative_is_largest_along_the_gradient() {
        check(
            "directional_derivative",
            json!({ "grad": [3.0, 4.0], "direction": [0.0, 2.0] }),
            json!(4.0),
        );
        check(
            "directional_derivative",
            json!({ "grad": [3.0, 4.0], "direction": [3.0, 4.0] }),
            json!(5.0),
        );
    }

    #[test]
    fn mahalanobis_divides_by_the_spread() {
        check(
            "mahalanobis_distance",
            json!({ "x": [2.0, 0.0], "mu": [0.0, 0.0], "cov": [[4.0, 0.0], [0.0, 1.0]] }),
            json!(1.0),
        );
        check_err(
            "mahalanobis_distance",
            json!({ "x": [1.0, 0.0], "mu": [0.0, 0.0], "cov": [[1.0, 2.0], [2.0, 1.0]] }),
        );
    }

    #[test]
    fn norms_determinant_and_trace() {
        check(
            "matrix_norms",
            json!({ "matrix": [[3.0, 0.0], [0.0, 4.0]] }),
            json!([5.0, 4.0]),
        );
        check(
            "determinant_trace",
            json!({ "matrix": [[2.0, 1.0], [1.0, 2.0]] }),
            json!([3.0, 4.0]),
        );
        // A row swap flips the sign.
        check(
            "determinant_trace",
            json!({ "matrix": [[0.0, 1.0], [1.0, 0.0]] }),
            json!([-1.0, 0.0]),
        );
    }

    #[test]
    fn one_power_iteration_step() {
        let r = 5f64.sqrt();
        check(
            "power_iteration",
            json!({ "matrix": [[2.0, 0.0], [0.0, 1.0]], "x0": [1.0, 1.0], "iterations": 1 }),
            json!([2.0 / r, 1.0 / r]),
        );
    }

    #[test]
    fn jensen_gap_of_log() {
        check(
            "jensen_gap_log",
            json!({ "x": [1.0, 4.0] }),
            json!(1.25f64.ln()),
        );
        check("jensen_gap_log", json!({ "x": [2.0, 2.0] }), json!(0.0));
    }

    #[test]
    fn gaussian_nll_of_a_perfect_prediction() {
        check(
            "gaussian_nll",
            json!({ "prediction": [0.0], "target": [0.0], "sigma": 1.0 }),
            json!(0.5 * (2.0 * std::f64::consts::PI).ln()),
        );
    }

    #[test]
    fn pac_bound_for_a_finite_class() {
        check(
            "pac_sample_complexity",
            json!({ "hypothesis_count": 100.0, "epsilon": 0.1, "delta": 0.01 }),
            json!(40.0 * 10f64.ln()),
        );
    }
}
