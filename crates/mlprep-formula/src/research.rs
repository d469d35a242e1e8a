//! Formulas of the `research` category: the sample size needed to estimate a proportion; scaling
//! laws (the Chinchilla loss fit, the compute-optimal split, lifetime training-plus-inference
//! FLOPs, the effective size of repeated data, power-law extrapolation from small runs); the
//! minimum-norm least-squares solution; gradient descent on a quadratic (edge of stability); the
//! cosines between centred class means (neural collapse); the REINFORCE gradient of a softmax
//! policy; the tabular Q-learning update; a t-interval over seeds; and the logit shift a
//! sign-of-weight perturbation causes in a linear model; and the kNN-LM next-token mixture.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("sample_size_proportion", sample_size_proportion),
    ("chinchilla_loss", chinchilla_loss),
    ("chinchilla_allocation", chinchilla_allocation),
    ("lifetime_flops", lifetime_flops),
    (
        "repeated_data_effective_tokens",
        repeated_data_effective_tokens,
    ),
    ("power_law_extrapolation", power_law_extrapolation),
    ("min_norm_solution", min_norm_solution),
    ("gd_quadratic_iterates", gd_quadratic_iterates),
    ("class_mean_cosines", class_mean_cosines),
    ("reinforce_logit_gradient", reinforce_logit_gradient),
    ("q_learning_update", q_learning_update),
    (
        "seed_mean_confidence_interval",
        seed_mean_confidence_interval,
    ),
    ("linear_adversarial_shift", linear_adversarial_shift),
    ("knn_lm_interpolation", knn_lm_interpolation),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Samples needed to estimate a proportion `p` within +/- `margin` by the normal approximation:
/// z^2 p (1 - p) / margin^2, unrounded (round up to use it). `z` defaults to 1.96 (95%).
fn sample_size_proportion(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.probability("p")?;
    let margin = inputs.positive("margin")?;
    let z = inputs.number_or("z", 1.96)?;
    Ok(scalar(z * z * p * (1.0 - p) / (margin * margin)))
}

/// The Chinchilla parametric loss fit L(N, D) = E + A / N^alpha + B / D^beta for N = `params`
/// and D = `tokens`, with Hoffmann et al.'s (2022, approach 3) constants as defaults: `e` 1.69,
/// `a` 406.4, `b` 410.7, `alpha` 0.34, `beta` 0.28 (loss in nats per token).
fn chinchilla_loss(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.positive("params")?;
    let d = inputs.positive("tokens")?;
    let e = inputs.number_or("e", 1.69)?;
    let a = inputs.number_or("a", 406.4)?;
    let b = inputs.number_or("b", 410.7)?;
    let alpha = inputs.number_or("alpha", 0.34)?;
    let beta = inputs.number_or("beta", 0.28)?;
    Ok(scalar(e + a / n.powf(alpha) + b / d.powf(beta)))
}

/// The compute-optimal split of a training budget C = `compute` FLOPs under C = 6 N D with a
/// fixed ratio r = D / N = `tokens_per_param` (default 20): [N = sqrt(C / (6 r)), D = r N].
fn chinchilla_allocation(inputs: &Inputs) -> Result<Value, Error> {
    let compute = inputs.positive("compute")?;
    let ratio = inputs.number_or("tokens_per_param", 20.0)?;
    if ratio <= 0.0 {
        return Err(inputs.invalid("`tokens_per_param` must be greater than 0"));
    }
    let params = (compute / (6.0 * ratio)).sqrt();
    Ok(array(&[params, ratio * params]))
}

/// Lifetime FLOPs of a dense model with N = `params`: [training 6 N D_train, inference
/// 2 N D_inference, their sum], for D_train = `train_tokens` and D_inference =
/// `inference_tokens` (tokens processed at serving time; attention FLOPs ignored).
fn lifetime_flops(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.positive("params")?;
    let train = inputs.number("train_tokens")?;
    let infer = inputs.number("inference_tokens")?;
    if train < 0.0 || infer < 0.0 {
        return Err(inputs.invalid("token counts cannot be negative"));
    }
    let training = 6.0 * n * train;
    let inference = 2.0 * n * infer;
    Ok(array(&[training, inference, training + inference]))
}

/// The effective number of tokens when `unique_tokens` U are trained on for `epochs` E >= 1
/// (Muennighoff et al. 2023): U (1 + R* (1 - exp(-R / R*))), R = E - 1 repetitions, R* =
/// `r_star` (default 15.4, their fitted value for data).
fn repeated_data_effective_tokens(inputs: &Inputs) -> Result<Value, Error> {
    let unique = inputs.positive("unique_tokens")?;
    let epochs = inputs.number("epochs")?;
    let r_star = inputs.number_or("r_star", 15.4)?;
    if epochs < 1.0 {
        return Err(inputs.invalid("`epochs` must be at least 1 (one pass over the unique data)"));
    }
    if r_star <= 0.0 {
        return Err(inputs.invalid("`r_star` must be greater than 0"));
    }
    let repeats = epochs - 1.0;
    Ok(scalar(
        unique * (1.0 + r_star * (1.0 - (-repeats / r_star).exp())),
    ))
}

/// Fits y = c x^k to the points (`x`, `y`) by least squares on log y against log x and
/// extrapolates to `x_new`: [c, k, c x_new^k].
fn power_law_extrapolation(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let y = inputs.vector("y")?;
    inputs.same_length(("x", x.len()), ("y", y.len()))?;
    let x_new = inputs.positive("x_new")?;
    if x.len() < 2 {
        return Err(inputs.invalid("fitting a power law needs at least two points"));
    }
    if x.iter().chain(&y).any(|&v| v <= 0.0) {
        return Err(inputs.invalid("`x` and `y` must be positive to take logarithms"));
    }
    let lx: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let ly: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let (mx, my) = (common::mean(&lx), common::mean(&ly));
    let sxx: f64 = lx.iter().map(|a| (a - mx) * (a - mx)).sum();
    if sxx == 0.0 {
        return Err(inputs.invalid("`x` needs at least two distinct values"));
    }
    let sxy: f64 = lx.iter().zip(&ly).map(|(a, b)| (a - mx) * (b - my)).sum();
    let k = sxy / sxx;
    let c = (my - k * mx).exp();
    Ok(array(&[c, k, c * x_new.powf(k)]))
}

/// Solves the square system `a` x = `b` by Gaussian elimination with partial pivoting; `None`
/// when it is (numerically) singular.
fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .zip(b)
        .map(|(row, &rhs)| row.iter().copied().chain([rhs]).collect())
        .collect();
    let scale = a.iter().flatten().fold(0.0_f64, |s, v| s.max(v.abs()));
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col].clone();
        for row in m.iter_mut().skip(col + 1) {
            let factor = row[col] / pivot_row[col];
            for (target, source) in row.iter_mut().zip(&pivot_row).skip(col) {
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

/// The minimum-norm solution of the under-determined system X w = y, X = `features` (n x d,
/// n <= d, full row rank), y = `targets`: w = X^T (X X^T)^{-1} y, the interpolating solution
/// gradient descent from w = 0 converges to.
fn min_norm_solution(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.matrix("features")?;
    let y = inputs.vector("targets")?;
    inputs.same_length(("features (rows)", x.len()), ("targets", y.len()))?;
    if x.len() > x[0].len() {
        return Err(inputs.invalid(
            "`features` has more rows than columns; the minimum-norm interpolant is for \
             under-determined systems (use least_squares_solution)",
        ));
    }
    let gram = common::matmul(&x, &common::transpose(&x));
    let alpha = solve(&gram, &y).ok_or_else(|| {
        inputs.invalid("X X^T is singular: the rows of `features` are linearly dependent")
    })?;
    let w: Vec<f64> = common::transpose(&x)
        .iter()
        .map(|column| common::dot(column, &alpha))
        .collect();
    Ok(array(&w))
}

/// Gradient descent on the 1-D quadratic f(x) = lambda x^2 / 2 with lambda = `sharpness` and
/// step size `lr`: x_{t+1} = (1 - lr lambda) x_t, starting at `x0`, for `steps` steps. Returns
/// [x_0, ..., x_steps]; the iterates shrink iff lambda < 2 / lr.
fn gd_quadratic_iterates(inputs: &Inputs) -> Result<Value, Error> {
    let lambda = inputs.number("sharpness")?;
    let lr = inputs.positive("lr")?;
    let x0 = inputs.number("x0")?;
    let steps = inputs.count("steps")?;
    if steps > 10_000 {
        return Err(inputs.invalid("`steps` is capped at 10000"));
    }
    let factor = 1.0 - lr * lambda;
    let mut xs = vec![x0];
    for _ in 0..steps {
        let last = xs[xs.len() - 1];
        xs.push(factor * last);
    }
    Ok(array(&xs))
}

/// The K x K cosine similarities between class means after subtracting their average (the
/// global mean for balanced classes), `class_means` given one row per class. Under neural
/// collapse the off-diagonal entries all equal -1 / (K - 1).
fn class_mean_cosines(inputs: &Inputs) -> Result<Value, Error> {
    let means = inputs.matrix("class_means")?;
    if means.len() < 2 {
        return Err(inputs.invalid("`class_means` needs at least two classes"));
    }
    let k = means.len() as f64;
    let d = means[0].len();
    let global: Vec<f64> = (0..d)
        .map(|j| means.iter().map(|row| row[j]).sum::<f64>() / k)
        .collect();
    let centred: Vec<Vec<f64>> = means
        .iter()
        .map(|row| row.iter().zip(&global).map(|(a, g)| a - g).collect())
        .collect();
    let norms: Vec<f64> = centred.iter().map(|row| common::norm(row)).collect();
    if norms.contains(&0.0) {
        return Err(inputs.invalid("a class mean equals the global mean; its cosine is undefined"));
    }
    let cosines: Vec<Vec<f64>> = centred
        .iter()
        .zip(&norms)
        .map(|(a, na)| {
            centred
                .iter()
                .zip(&norms)
                .map(|(b, nb)| common::dot(a, b) / (na * nb))
                .collect()
        })
        .collect();
    Ok(nested(&cosines))
}

/// The REINFORCE gradient of log pi(a) (G - b) with respect to the logits of a softmax policy:
/// (G - b)(onehot(a) - softmax(logits)), for `logits`, the sampled `action` (0-based index),
/// its return G = `episode_return` and a `baseline` b (default 0). Ascend this gradient.
fn reinforce_logit_gradient(inputs: &Inputs) -> Result<Value, Error> {
    let logits = inputs.vector("logits")?;
    let action = inputs.count("action")?;
    let g = inputs.number("episode_return")?;
    let b = inputs.number_or("baseline", 0.0)?;
    if action >= logits.len() {
        return Err(inputs.invalid(format!(
            "`action` is {action} but there are only {} logits (indices start at 0)",
            logits.len()
        )));
    }
    let probs = common::softmax(&logits);
    let grad: Vec<f64> = probs
        .iter()
        .enumerate()
        .map(|(i, p)| (g - b) * (if i == action { 1.0 } else { 0.0 } - p))
        .collect();
    Ok(array(&grad))
}

/// One tabular Q-learning update: target y = `reward` + `gamma` max_a' Q(s', a') (just the reward
/// when `done`, default false), with Q(s', .) = `next_q`; the new value Q(s, a) + `lr` (y -
/// Q(s, a)), Q(s, a) = `q_value`. Returns [y, new Q(s, a)].
fn q_learning_update(inputs: &Inputs) -> Result<Value, Error> {
    let q = inputs.number("q_value")?;
    let reward = inputs.number("reward")?;
    let gamma = inputs.probability("gamma")?;
    let next_q = inputs.vector("next_q")?;
    let done = inputs.flag_or("done", false)?;
    let lr = inputs.probability("lr")?;
    let bootstrap = next_q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let target = if done {
        reward
    } else {
        reward + gamma * bootstrap
    };
    Ok(array(&[target, q + lr * (target - q)]))
}

/// A confidence interval for the mean over seeds: [mean, sample standard deviation (n - 1),
/// half-width t s / sqrt(n)] for the per-seed `scores` and the critical value `t_critical` of
/// Student's t with n - 1 degrees of freedom (e.g. 2.776 for 95% and 5 seeds).
fn seed_mean_confidence_interval(inputs: &Inputs) -> Result<Value, Error> {
    let scores = inputs.vector("scores")?;
    let t = inputs.positive("t_critical")?;
    if scores.len() < 2 {
        return Err(inputs.invalid("a spread needs at least two seeds"));
    }
    let n = scores.len() as f64;
    let mean = common::mean(&scores);
    let var = scores.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / (n - 1.0);
    let std = var.sqrt();
    Ok(array(&[mean, std, t * std / n.sqrt()]))
}

/// The largest change in a linear score w . x that a perturbation with ||delta||_inf <=
/// `epsilon` can cause: epsilon ||w||_1, reached by delta = epsilon sign(w), for `weights` w.
fn linear_adversarial_shift(inputs: &Inputs) -> Result<Value, Error> {
    let w = inputs.vector("weights")?;
    let epsilon = inputs.number("epsilon")?;
    if epsilon < 0.0 {
        return Err(inputs.invalid("`epsilon` is a perturbation budget and cannot be negative"));
    }
    Ok(scalar(epsilon * w.iter().map(|v| v.abs()).sum::<f64>()))
}

/// The kNN-LM next-token distribution (Khandelwal et al. 2020): lambda p_kNN + (1 - lambda)
/// p_LM, where p_LM = `lm_probs` over the vocabulary, p_kNN puts weight exp(-d_i) on the token
/// `neighbor_tokens`_i (0-based vocabulary index) of each retrieved neighbour at distance
/// `neighbor_distances`_i, normalised over neighbours, and lambda = `lam`.
fn knn_lm_interpolation(inputs: &Inputs) -> Result<Value, Error> {
    let lm = inputs.vector("lm_probs")?;
    let tokens = inputs.vector("neighbor_tokens")?;
    let distances = inputs.vector("neighbor_distances")?;
    inputs.same_length(
        ("neighbor_tokens", tokens.len()),
        ("neighbor_distances", distances.len()),
    )?;
    let lam = inputs.probability("lam")?;
    for &p in &lm {
        inputs.check_probability("lm_probs", p)?;
    }
    if (lm.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
        return Err(inputs.invalid("`lm_probs` must sum to 1"));
    }
    let negated: Vec<f64> = distances.iter().map(|d| -d).collect();
    let weights = common::softmax(&negated);
    let mut knn = vec![0.0; lm.len()];
    for (&token, w) in tokens.iter().zip(&weights) {
        if token < 0.0 || token.fract() != 0.0 || token as usize >= lm.len() {
            return Err(inputs.invalid(format!(
                "`neighbor_tokens` holds {token}; entries must be vocabulary indices 0..{}",
                lm.len()
            )));
        }
        knn[token as usize] += w;
    }
    let mixed: Vec<f64> = lm
        .iter()
        .zip(&knn)
        .map(|(p, k)| lam * k + (1.0 - lam) * p)
        .collect();
    Ok(array(&mixed))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn sample_size_at_half() {
        // z = 2, p = 0.5, margin 0.1: 4 * 0.25 / 0.01 = 100.
        check(
            "sample_size_proportion",
            json!({ "p": 0.5, "margin": 0.1, "z": 2.0 }),
            json!(100.0),
        );
    }

    #[test]
    fn chinchilla_loss_with_unit_constants() {
        // E = 1, A = B = 100, alpha = beta = 0.5, N = 100, D = 10000: 1 + 10 + 1 = 12.
        check(
            "chinchilla_loss",
            json!({ "params": 100.0, "tokens": 10000.0, "e": 1.0, "a": 100.0, "b": 100.0,
                    "alpha": 0.5, "beta": 0.5 }),
            json!(12.0),
        );
    }

    #[test]
    fn chinchilla_allocation_splits_compute() {
        // C = 6 * 20 * 100^2 = 1.2e6 at 20 tokens per parameter: N = 100, D = 2000.
        check(
            "chinchilla_allocation",
            json!({ "compute": 1.2e6 }),
            json!([100.0, 2000.0]),
        );
    }

    #[test]
    fn lifetime_flops_adds_training_and_inference() {
        // N = 10, 5 training tokens (300 FLOPs), 20 inference tokens (400 FLOPs).
        check(
            "lifetime_flops",
            json!({ "params": 10.0, "train_tokens": 5.0, "inference_tokens": 20.0 }),
            json!([300.0, 400.0, 700.0]),
        );
    }

    #[test]
    fn repeated_data_one_epoch_is_the_data() {
        check(
            "repeated_data_effective_tokens",
            json!({ "unique_tokens": 100.0, "epochs": 1.0 }),
            json!(100.0),
        );
        // With R* = 1 and R = ln 2 (so e^{-R} = 1/2): U (1 + 0.5).
        check(
            "repeated_data_effective_tokens",
            json!({ "unique_tokens": 100.0, "epochs": 1.0 + 2f64.ln(), "r_star": 1.0 }),
            json!(150.0),
        );
        check_err(
            "repeated_data_effective_tokens",
            json!({ "unique_tokens": 100.0, "epochs": 0.5 }),
        );
    }

    #[test]
    fn power_law_through_exact_points() {
        // y = 4 x^{-1/2}: at x = 1, 4, 16 it is 4, 2, 1; at 64 it is 0.5.
        check(
            "power_law_extrapolation",
            json!({ "x": [1.0, 4.0, 16.0], "y": [4.0, 2.0, 1.0], "x_new": 64.0 }),
            json!([4.0, -0.5, 0.5]),
        );
    }

    #[test]
    fn min_norm_solution_of_one_equation() {
        // w1 + w2 = 2: the minimum-norm solution is (1, 1).
        check(
            "min_norm_solution",
            json!({ "features": [[1.0, 1.0]], "targets": [2.0] }),
            json!([1.0, 1.0]),
        );
        check_err(
            "min_norm_solution",
            json!({ "features": [[1.0], [2.0]], "targets": [1.0, 2.0] }),
        );
    }

    #[test]
    fn gd_on_a_quadratic_oscillates_past_two_over_lr() {
        // lr = 0.5, lambda = 6: factor 1 - 3 = -2, iterates 1, -2, 4.
        check(
            "gd_quadratic_iterates",
            json!({ "sharpness": 6.0, "lr": 0.5, "x0": 1.0, "steps": 2 }),
            json!([1.0, -2.0, 4.0]),
        );
    }

    #[test]
    fn one_hot_class_means_form_a_simplex() {
        // Three one-hot means, centred, have pairwise cosine -1/2.
        check(
            "class_mean_cosines",
            json!({ "class_means": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]] }),
            json!([[1.0, -0.5, -0.5], [-0.5, 1.0, -0.5], [-0.5, -0.5, 1.0]]),
        );
    }

    #[test]
    fn reinforce_with_a_baseline() {
        // Uniform over two actions, action 0, G - b = 0.5: 0.5 * ([1, 0] - [0.5, 0.5]).
        check(
            "reinforce_logit_gradient",
            json!({ "logits": [0.0, 0.0], "action": 0, "episode_return": 1.0, "baseline": 0.5 }),
            json!([0.25, -0.25]),
        );
    }

    #[test]
    fn q_learning_bootstraps_unless_done() {
        // y = 1 + 0.5 * 4 = 3; Q = 1 + 0.5 * (3 - 1) = 2.
        check(
            "q_learning_update",
            json!({ "q_value": 1.0, "reward": 1.0, "gamma": 0.5, "next_q": [2.0, 4.0], "lr": 0.5 }),
            json!([3.0, 2.0]),
        );
        check(
            "q_learning_update",
            json!({ "q_value": 1.0, "reward": 1.0, "gamma": 0.5, "next_q": [2.0, 4.0],
                    "lr": 0.5, "done": true }),
            json!([1.0, 1.0]),
        );
    }

    #[test]
    fn seed_interval_on_two_seeds() {
        // Scores 1 and 3: mean 2, s = sqrt(2), half-width 1 * sqrt(2) / sqrt(2) = 1.
        check(
            "seed_mean_confidence_interval",
            json!({ "scores": [1.0, 3.0], "t_critical": 1.0 }),
            json!([2.0, 2f64.sqrt(), 1.0]),
        );
    }

    #[test]
    fn linear_shift_is_epsilon_times_l1() {
        check(
            "linear_adversarial_shift",
            json!({ "weights": [1.0, -2.0, 3.0], "epsilon": 0.5 }),
            json!(3.0),
        );
    }

    #[test]
    fn knn_lm_mixes_retrieval_and_model() {
        // Two neighbours at equal distance, both token 2: p_kNN = (0, 0, 1); lambda = 0.5.
        check(
            "knn_lm_interpolation",
            json!({ "lm_probs": [0.5, 0.3, 0.2], "neighbor_tokens": [2, 2],
                    "neighbor_distances": [1.0, 1.0], "lam": 0.5 }),
            json!([0.25, 0.15, 0.6]),
        );
    }
}
