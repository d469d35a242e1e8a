//! Formulas of the `optimization` category: optimizer steps (Adam, AdamW), learning-rate
//! schedules and scaling, gradient clipping, normalization layers, initialization and
//! hyperparameter search.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, Values, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("adam_step", adam_step),
    ("adamw_step", adamw_step),
    ("step_lr", step_lr),
    ("cosine_lr", cosine_lr),
    ("linear_warmup_lr", linear_warmup_lr),
    ("linear_lr_scaling", linear_lr_scaling),
    ("clip_grad_norm", clip_grad_norm),
    ("layer_norm", layer_norm),
    ("batch_norm", batch_norm),
    ("he_init_std", he_init_std),
    (
        "random_search_hit_probability",
        random_search_hit_probability,
    ),
    ("minibatch_gradient_variance", minibatch_gradient_variance),
    ("sgd_momentum_step", sgd_momentum_step),
    ("adagrad_step", adagrad_step),
    ("sqrt_lr_scaling", sqrt_lr_scaling),
    ("inverted_dropout", inverted_dropout),
    ("update_to_weight_ratio", update_to_weight_ratio),
    ("rms_norm", rms_norm),
    ("lars_trust_ratio", lars_trust_ratio),
    ("sam_perturbation", sam_perturbation),
    (
        "adafactor_factored_second_moment",
        adafactor_factored_second_moment,
    ),
    ("z_loss", z_loss),
    ("pcgrad_projection", pcgrad_projection),
    ("gd_linear_rate_steps", gd_linear_rate_steps),
    ("ema_update", ema_update),
    ("prob_example_never_sampled", prob_example_never_sampled),
    ("ewc_penalty", ewc_penalty),
    ("successive_halving_rungs", successive_halving_rungs),
    ("effective_lr_scale_invariant", effective_lr_scale_invariant),
    ("layerwise_lr_decay", layerwise_lr_decay),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// One Adam step as PyTorch computes it; returns the new parameter (same shape as `param`).
/// Inputs: `param`, `grad` (numbers or arrays), `lr`, `beta1` (0.9), `beta2` (0.999), `eps`
/// (1e-8, added outside the square root), `step` (t, counting from 1), and optional previous
/// moments `m` and `v` (zero by default, i.e. the first step).
fn adam_step(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.values("param")?;
    let updated = adam(inputs, &param, param.data.clone())?;
    Ok(param.output(updated))
}

/// AdamW as in PyTorch: the parameter first decays by a factor (1 - `lr` * `weight_decay`), then
/// takes the Adam step of [`adam_step`]. `weight_decay` defaults to PyTorch's 0.01.
fn adamw_step(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.values("param")?;
    let lr = inputs.number("lr")?;
    let decay = inputs.number_or("weight_decay", 0.01)?;
    let decayed = param.data.iter().map(|p| p * (1.0 - lr * decay)).collect();
    let updated = adam(inputs, &param, decayed)?;
    Ok(param.output(updated))
}

/// The Adam update applied to `start` (the parameter, possibly already decayed).
fn adam(inputs: &Inputs, param: &Values, start: Vec<f64>) -> Result<Vec<f64>, Error> {
    let grad = inputs.values("grad")?;
    inputs.same_length(("param", param.data.len()), ("grad", grad.data.len()))?;
    let lr = inputs.number("lr")?;
    let beta1 = inputs.number_or("beta1", 0.9)?;
    let beta2 = inputs.number_or("beta2", 0.999)?;
    let eps = inputs.number_or("eps", 1e-8)?;
    let step = inputs.integer("step")?;
    if step < 1 {
        return Err(inputs.invalid("`step` counts optimizer steps from 1"));
    }
    for (name, beta) in [("beta1", beta1), ("beta2", beta2)] {
        if !(0.0..1.0).contains(&beta) {
            return Err(inputs.invalid(format!("`{name}` must lie in [0, 1)")));
        }
    }
    let zeros = vec![0.0; grad.data.len()];
    let m = moment(inputs, "m", &zeros)?;
    let v = moment(inputs, "v", &zeros)?;
    let t = step as i32;
    let correction1 = 1.0 - beta1.powi(t);
    let correction2 = 1.0 - beta2.powi(t);
    Ok(start
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let g = grad.data[i];
            let m = beta1 * m[i] + (1.0 - beta1) * g;
            let v = beta2 * v[i] + (1.0 - beta2) * g * g;
            p - lr * (m / correction1) / ((v / correction2).sqrt() + eps)
        })
        .collect())
}

fn moment(inputs: &Inputs, name: &str, zeros: &[f64]) -> Result<Vec<f64>, Error> {
    if !inputs.has(name) {
        return Ok(zeros.to_vec());
    }
    let values = inputs.values(name)?.data;
    inputs.same_length((name, values.len()), ("grad", zeros.len()))?;
    Ok(values)
}

/// Step decay: `base_lr` * `gamma`^floor(`step` / `step_size`); `gamma` defaults to 0.1.
fn step_lr(inputs: &Inputs) -> Result<Value, Error> {
    let base = inputs.number("base_lr")?;
    let gamma = inputs.number_or("gamma", 0.1)?;
    let step_size = inputs.count("step_size")?;
    let step = inputs.count("step")?;
    if step_size == 0 {
        return Err(inputs.invalid("`step_size` must be at least 1"));
    }
    Ok(scalar(base * gamma.powi((step / step_size) as i32)))
}

/// Cosine annealing without warmup or restarts:
/// `min_lr` + (`max_lr` - `min_lr`) (1 + cos(pi t / T)) / 2, with t = `step` capped at
/// T = `total_steps`. `min_lr` defaults to 0.
fn cosine_lr(inputs: &Inputs) -> Result<Value, Error> {
    let max_lr = inputs.number("max_lr")?;
    let min_lr = inputs.number_or("min_lr", 0.0)?;
    let step = inputs.number("step")?;
    let total = inputs.positive("total_steps")?;
    let progress = step.clamp(0.0, total) / total;
    Ok(scalar(
        min_lr + (max_lr - min_lr) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()),
    ))
}

/// Linear warmup: `max_lr` * `step` / `warmup_steps` during warmup, `max_lr` after. With
/// `total_steps`, the rate then decays linearly to 0 at `total_steps` (the schedule of Hugging
/// Face's `get_linear_schedule_with_warmup`).
fn linear_warmup_lr(inputs: &Inputs) -> Result<Value, Error> {
    let max_lr = inputs.number("max_lr")?;
    let step = inputs.number("step")?;
    let warmup = inputs.number("warmup_steps")?;
    let total = inputs.optional_number("total_steps")?;
    if step < 0.0 || warmup < 0.0 {
        return Err(inputs.invalid("`step` and `warmup_steps` cannot be negative"));
    }
    if step < warmup {
        return Ok(scalar(max_lr * step / warmup));
    }
    match total {
        None => Ok(scalar(max_lr)),
        Some(total) if total <= warmup => Err(inputs.invalid(
            "`total_steps` must exceed `warmup_steps`, or leave it out for a constant rate",
        )),
        Some(total) => Ok(scalar(
            max_lr * ((total - step) / (total - warmup)).max(0.0),
        )),
    }
}

/// The linear scaling rule: `base_lr` * `batch` / `base_batch`.
fn linear_lr_scaling(inputs: &Inputs) -> Result<Value, Error> {
    let base_lr = inputs.number("base_lr")?;
    let base_batch = inputs.positive("base_batch")?;
    let batch = inputs.positive("batch")?;
    Ok(scalar(base_lr * batch / base_batch))
}

/// Clipping by global L2 norm: `grad` scaled by min(1, `max_norm` / (||grad|| + `eps`)).
/// `eps` defaults to 0 (PyTorch's `clip_grad_norm_` adds 1e-6).
fn clip_grad_norm(inputs: &Inputs) -> Result<Value, Error> {
    let grad = inputs.values("grad")?;
    let max_norm = inputs.positive("max_norm")?;
    let eps = inputs.number_or("eps", 0.0)?;
    let norm = common::norm(&grad.data);
    let factor = if norm + eps > 0.0 {
        (max_norm / (norm + eps)).min(1.0)
    } else {
        1.0
    };
    Ok(grad.output(grad.data.iter().map(|g| g * factor).collect()))
}

/// Layer normalization of `x` (a vector, or a matrix normalized row by row) with the biased
/// (population) variance: `gamma` (x - mean) / sqrt(var + `eps`) + `beta`. `eps` defaults to
/// 1e-5; `gamma` and `beta` to ones and zeros.
fn layer_norm(inputs: &Inputs) -> Result<Value, Error> {
    let (rows, is_matrix) = inputs.vector_or_matrix("x")?;
    let eps = inputs.number_or("eps", 1e-5)?;
    let (gamma, beta) = affine(inputs, rows[0].len())?;
    let out: Vec<Vec<f64>> = rows
        .iter()
        .map(|row| normalize(row, eps, &gamma, &beta))
        .collect();
    Ok(if is_matrix {
        nested(&out)
    } else {
        array(&out[0])
    })
}

/// Batch normalization in training mode: `x` is a (batch x features) matrix and each feature
/// (column) is normalized with the batch's mean and biased variance, then scaled by `gamma` and
/// shifted by `beta`. `eps` defaults to 1e-5.
fn batch_norm(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.matrix("x")?;
    let eps = inputs.number_or("eps", 1e-5)?;
    let (gamma, beta) = affine(inputs, x[0].len())?;
    let columns: Vec<Vec<f64>> = common::transpose(&x)
        .iter()
        .enumerate()
        .map(|(j, column)| normalize(column, eps, &[gamma[j]], &[beta[j]]))
        .collect();
    Ok(nested(&common::transpose(&columns)))
}

/// The optional `gamma` and `beta`, checked against the feature count.
fn affine(inputs: &Inputs, features: usize) -> Result<(Vec<f64>, Vec<f64>), Error> {
    let gamma = inputs
        .optional_vector("gamma")?
        .unwrap_or_else(|| vec![1.0; features]);
    let beta = inputs
        .optional_vector("beta")?
        .unwrap_or_else(|| vec![0.0; features]);
    inputs.same_length(("gamma", gamma.len()), ("features of x", features))?;
    inputs.same_length(("beta", beta.len()), ("features of x", features))?;
    Ok((gamma, beta))
}

/// Standardizes `xs`; `gamma` and `beta` have one entry per element or one for all.
fn normalize(xs: &[f64], eps: f64, gamma: &[f64], beta: &[f64]) -> Vec<f64> {
    let mean = common::mean(xs);
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
    let std = (var + eps).sqrt();
    xs.iter()
        .enumerate()
        .map(|(i, x)| {
            let (g, b) = if gamma.len() == 1 {
                (gamma[0], beta[0])
            } else {
                (gamma[i], beta[i])
            };
            g * (x - mean) / std + b
        })
        .collect()
}

/// He (Kaiming) normal initialization, fan-in mode: `gain` / sqrt(`fan_in`), with the ReLU gain
/// sqrt(2) by default.
fn he_init_std(inputs: &Inputs) -> Result<Value, Error> {
    let fan_in = inputs.positive("fan_in")?;
    let gain = inputs.number_or("gain", std::f64::consts::SQRT_2)?;
    Ok(scalar(gain / fan_in.sqrt()))
}

/// The chance that at least one of `trials` independent random draws lands in the best
/// `top_fraction` of the space: 1 - (1 - top_fraction)^trials.
fn random_search_hit_probability(inputs: &Inputs) -> Result<Value, Error> {
    let fraction = inputs.probability("top_fraction")?;
    let trials = inputs.number("trials")?;
    if trials < 0.0 {
        return Err(inputs.invalid("`trials` cannot be negative"));
    }
    Ok(scalar(1.0 - (1.0 - fraction).powf(trials)))
}

/// The variance of a minibatch-mean gradient: `per_example_variance` / `batch` for draws with
/// replacement. With `dataset_size` N (sampling without replacement) it is multiplied by the
/// finite-population correction (N - B) / (N - 1), which is 0 for the full batch.
fn minibatch_gradient_variance(inputs: &Inputs) -> Result<Value, Error> {
    let variance = inputs.number("per_example_variance")?;
    let batch = inputs.positive("batch")?;
    if variance < 0.0 {
        return Err(inputs.invalid("`per_example_variance` cannot be negative"));
    }
    let correction = match inputs.optional_number("dataset_size")? {
        None => 1.0,
        Some(n) if n < batch || n < 2.0 => {
            return Err(inputs.invalid(
                "`dataset_size` must be at least 2 and at least `batch` (sampling without \
                 replacement)",
            ));
        }
        Some(n) => (n - batch) / (n - 1.0),
    };
    Ok(scalar(variance / batch * correction))
}

/// One SGD step with momentum as PyTorch writes it (no dampening): the buffer becomes
/// b = `momentum` * `velocity` + g (`velocity` is the previous buffer, zero by default); the
/// parameter moves by -`lr` * b, or by -`lr` * (g + `momentum` * b) when `nesterov` is true.
/// Returns the new parameter.
fn sgd_momentum_step(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.values("param")?;
    let grad = inputs.values("grad")?;
    inputs.same_length(("param", param.data.len()), ("grad", grad.data.len()))?;
    let lr = inputs.number("lr")?;
    let mu = inputs.number("momentum")?;
    if !(0.0..1.0).contains(&mu) {
        return Err(inputs.invalid("`momentum` must lie in [0, 1)"));
    }
    let nesterov = inputs.flag_or("nesterov", false)?;
    let zeros = vec![0.0; grad.data.len()];
    let velocity = moment(inputs, "velocity", &zeros)?;
    let out = param
        .data
        .iter()
        .zip(&grad.data)
        .zip(&velocity)
        .map(|((p, g), v)| {
            let buffer = mu * v + g;
            let direction = if nesterov { g + mu * buffer } else { buffer };
            p - lr * direction
        })
        .collect();
    Ok(param.output(out))
}

/// One Adagrad step as PyTorch computes it: the accumulator s = `accumulator` + g^2 (the sum of
/// earlier squared gradients, zero by default), then the parameter moves by
/// -`lr` * g / (sqrt(s) + `eps`); `eps` defaults to 1e-10. Returns the new parameter.
fn adagrad_step(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.values("param")?;
    let grad = inputs.values("grad")?;
    inputs.same_length(("param", param.data.len()), ("grad", grad.data.len()))?;
    let lr = inputs.number("lr")?;
    let eps = inputs.number_or("eps", 1e-10)?;
    let zeros = vec![0.0; grad.data.len()];
    let accumulator = moment(inputs, "accumulator", &zeros)?;
    if accumulator.iter().any(|a| *a < 0.0) {
        return Err(inputs.invalid("`accumulator` sums squares, so it cannot be negative"));
    }
    let out = param
        .data
        .iter()
        .zip(&grad.data)
        .zip(&accumulator)
        .map(|((p, g), a)| {
            let sum = a + g * g;
            let denominator = sum.sqrt() + eps;
            if denominator == 0.0 {
                *p
            } else {
                p - lr * g / denominator
            }
        })
        .collect();
    Ok(param.output(out))
}

/// The square-root scaling rule used with Adam: `base_lr` * sqrt(`batch` / `base_batch`).
fn sqrt_lr_scaling(inputs: &Inputs) -> Result<Value, Error> {
    let base_lr = inputs.number("base_lr")?;
    let base_batch = inputs.positive("base_batch")?;
    let batch = inputs.positive("batch")?;
    Ok(scalar(base_lr * (batch / base_batch).sqrt()))
}

/// Inverted dropout at training time: `x` * `mask` / (1 - `p`), where `mask` holds 1 for kept
/// units and 0 for dropped ones and `p` is the drop probability. At test time the layer is the
/// identity.
fn inverted_dropout(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.values("x")?;
    let mask = inputs.values("mask")?;
    inputs.same_length(("x", x.data.len()), ("mask", mask.data.len()))?;
    let p = inputs.probability("p")?;
    if p >= 1.0 {
        return Err(inputs.invalid("`p` is the drop probability and must be below 1"));
    }
    if mask.data.iter().any(|m| *m != 0.0 && *m != 1.0) {
        return Err(inputs.invalid("`mask` entries must be 0 (dropped) or 1 (kept)"));
    }
    let out = x
        .data
        .iter()
        .zip(&mask.data)
        .map(|(x, m)| x * m / (1.0 - p))
        .collect();
    Ok(x.output(out))
}

/// The update-to-weight ratio of a plain SGD step: ||`lr` * `grad`|| / ||`param`||.
fn update_to_weight_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.values("param")?;
    let grad = inputs.values("grad")?;
    inputs.same_length(("param", param.data.len()), ("grad", grad.data.len()))?;
    let lr = inputs.number("lr")?;
    let weight_norm = common::norm(&param.data);
    if weight_norm == 0.0 {
        return Err(inputs.invalid("`param` is all zeros, so the ratio is undefined"));
    }
    Ok(scalar(lr.abs() * common::norm(&grad.data) / weight_norm))
}

/// RMSNorm of `x` (a vector, or a matrix normalized row by row): `gamma` * x / sqrt(mean(x^2) +
/// `eps`), with no mean subtraction and no bias. `eps` defaults to 1e-6, `gamma` to ones.
fn rms_norm(inputs: &Inputs) -> Result<Value, Error> {
    let (rows, is_matrix) = inputs.vector_or_matrix("x")?;
    let eps = inputs.number_or("eps", 1e-6)?;
    let gamma = inputs
        .optional_vector("gamma")?
        .unwrap_or_else(|| vec![1.0; rows[0].len()]);
    inputs.same_length(("gamma", gamma.len()), ("features of x", rows[0].len()))?;
    let out: Vec<Vec<f64>> = rows
        .iter()
        .map(|row| {
            let mean_square = row.iter().map(|x| x * x).sum::<f64>() / row.len() as f64;
            let rms = (mean_square + eps).sqrt();
            row.iter().zip(&gamma).map(|(x, g)| g * x / rms).collect()
        })
        .collect();
    if out.iter().flatten().any(|y| !y.is_finite()) {
        return Err(inputs.invalid("`x` is all zeros and `eps` is 0, so the RMS is 0"));
    }
    Ok(if is_matrix {
        nested(&out)
    } else {
        array(&out[0])
    })
}

/// The LARS layer-wise trust ratio (local learning-rate multiplier):
/// `trust_coefficient` * ||w|| / (||g|| + `weight_decay` * ||w||), with w = `param` and
/// g = `grad` of one layer. `trust_coefficient` defaults to 0.001, `weight_decay` to 0.
fn lars_trust_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.values("param")?;
    let grad = inputs.values("grad")?;
    inputs.same_length(("param", param.data.len()), ("grad", grad.data.len()))?;
    let eta = inputs.number_or("trust_coefficient", 0.001)?;
    let decay = inputs.number_or("weight_decay", 0.0)?;
    let w = common::norm(&param.data);
    let denominator = common::norm(&grad.data) + decay * w;
    if denominator <= 0.0 {
        return Err(
            inputs.invalid("the gradient (plus decay) norm is 0, so the ratio is undefined")
        );
    }
    Ok(scalar(eta * w / denominator))
}

/// The SAM ascent step: epsilon = `rho` * g / ||g|| for the gradient `grad`.
fn sam_perturbation(inputs: &Inputs) -> Result<Value, Error> {
    let grad = inputs.values("grad")?;
    let rho = inputs.number("rho")?;
    if rho < 0.0 {
        return Err(inputs.invalid("`rho` is a radius and cannot be negative"));
    }
    let norm = common::norm(&grad.data);
    if norm == 0.0 {
        return Err(inputs.invalid("`grad` is zero, so its direction is undefined"));
    }
    Ok(grad.output(grad.data.iter().map(|g| rho * g / norm).collect()))
}

/// Adafactor's rank-1 reconstruction of a non-negative second-moment matrix `v`:
/// V_ij ~ R_i C_j / sum(R), with R the row sums and C the column sums.
fn adafactor_factored_second_moment(inputs: &Inputs) -> Result<Value, Error> {
    let v = inputs.matrix("v")?;
    if v.iter().flatten().any(|x| *x < 0.0) {
        return Err(inputs.invalid("`v` holds squared-gradient averages, so it cannot be negative"));
    }
    let rows: Vec<f64> = v.iter().map(|row| row.iter().sum()).collect();
    let columns: Vec<f64> = common::transpose(&v)
        .iter()
        .map(|column| column.iter().sum())
        .collect();
    let total: f64 = rows.iter().sum();
    if total == 0.0 {
        return Err(inputs.invalid("`v` sums to 0, so the factorization divides by 0"));
    }
    let out: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| columns.iter().map(|c| r * c / total).collect())
        .collect();
    Ok(nested(&out))
}

/// The auxiliary z-loss: `coefficient` * (log Z)^2 with log Z the log-sum-exp of `logits`, averaged
/// over rows when `logits` is a matrix (one row per token). `coefficient` defaults to 1e-4.
fn z_loss(inputs: &Inputs) -> Result<Value, Error> {
    let (rows, _) = inputs.vector_or_matrix("logits")?;
    let coefficient = inputs.number_or("coefficient", 1e-4)?;
    let mean_square = rows
        .iter()
        .map(|row| common::log_sum_exp(row).powi(2))
        .sum::<f64>()
        / rows.len() as f64;
    Ok(scalar(coefficient * mean_square))
}

/// PCGrad's projection of task gradient `g1` against `g2`: when g1 . g2 < 0 it removes the
/// conflicting component, g1 - (g1 . g2 / ||g2||^2) g2; otherwise g1 is returned unchanged.
fn pcgrad_projection(inputs: &Inputs) -> Result<Value, Error> {
    let g1 = inputs.vector("g1")?;
    let g2 = inputs.vector("g2")?;
    inputs.same_length(("g1", g1.len()), ("g2", g2.len()))?;
    let d = common::dot(&g1, &g2);
    if d >= 0.0 {
        return Ok(array(&g1));
    }
    let scale = d / common::dot(&g2, &g2);
    Ok(array(
        &g1.iter()
            .zip(&g2)
            .map(|(a, b)| a - scale * b)
            .collect::<Vec<_>>(),
    ))
}

/// Gradient descent with step 1/L on an L-smooth, mu-strongly convex function contracts the
/// suboptimality by (1 - 1/`kappa`) per step (kappa = L / mu). Returns the number of steps the
/// bound needs to shrink it by the factor `reduction` (e.g. 1e-6): the smallest integer t with
/// (1 - 1/kappa)^t <= reduction.
fn gd_linear_rate_steps(inputs: &Inputs) -> Result<Value, Error> {
    let kappa = inputs.number("kappa")?;
    let reduction = inputs.positive("reduction")?;
    if kappa <= 1.0 {
        return Err(inputs.invalid("`kappa` = L / mu must exceed 1 (at 1 one step is exact)"));
    }
    if reduction >= 1.0 {
        return Err(inputs.invalid("`reduction` must lie in (0, 1)"));
    }
    let steps = (reduction.ln() / (1.0 - 1.0 / kappa).ln()).ceil();
    Ok(scalar(steps))
}

/// One exponential-moving-average update of weights: `decay` * `ema` + (1 - `decay`) * `param`.
fn ema_update(inputs: &Inputs) -> Result<Value, Error> {
    let ema = inputs.values("ema")?;
    let param = inputs.values("param")?;
    inputs.same_length(("ema", ema.data.len()), ("param", param.data.len()))?;
    let decay = inputs.probability("decay")?;
    let out = ema
        .data
        .iter()
        .zip(&param.data)
        .map(|(e, p)| decay * e + (1.0 - decay) * p)
        .collect();
    Ok(ema.output(out))
}

/// The chance that a given example is never drawn in `draws` uniform draws with replacement from
/// `n` examples: (1 - 1/n)^draws. `draws` defaults to n (one "epoch" of sampling with
/// replacement), where the value tends to 1/e.
fn prob_example_never_sampled(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.positive("n")?;
    let draws = inputs.number_or("draws", n)?;
    if draws < 0.0 {
        return Err(inputs.invalid("`draws` cannot be negative"));
    }
    Ok(scalar((1.0 - 1.0 / n).powf(draws)))
}

/// The EWC penalty (`lam` / 2) * sum_i F_i (theta_i - theta*_i)^2, with `fisher` the diagonal
/// Fisher information, `param` the current and `old_param` the previous task's parameters.
fn ewc_penalty(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.vector("param")?;
    let old = inputs.vector("old_param")?;
    let fisher = inputs.vector("fisher")?;
    inputs.same_length(("param", param.len()), ("old_param", old.len()))?;
    inputs.same_length(("param", param.len()), ("fisher", fisher.len()))?;
    let lam = inputs.number("lam")?;
    if fisher.iter().any(|f| *f < 0.0) || lam < 0.0 {
        return Err(inputs.invalid("`fisher` entries and `lam` cannot be negative"));
    }
    let sum: f64 = param
        .iter()
        .zip(&old)
        .zip(&fisher)
        .map(|((p, o), f)| f * (p - o).powi(2))
        .sum();
    Ok(scalar(0.5 * lam * sum))
}

/// Successive halving's rungs: starting with `n` configurations at budget `min_budget`, each
/// rung keeps floor(n_i / `eta`) configurations and multiplies the budget by `eta`, until one
/// configuration is left. Returns [[configurations, budget per configuration], ...].
fn successive_halving_rungs(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("n")?;
    let eta = inputs.count("eta")?;
    let budget = inputs.positive("min_budget")?;
    if n == 0 || eta < 2 {
        return Err(inputs.invalid("`n` must be at least 1 and `eta` at least 2"));
    }
    let mut rungs = Vec::new();
    let (mut configs, mut per_config) = (n, budget);
    while configs >= 1 {
        rungs.push(vec![configs as f64, per_config]);
        if configs == 1 {
            break;
        }
        configs /= eta;
        per_config *= eta as f64;
    }
    Ok(nested(&rungs))
}

/// The effective learning rate of a scale-invariant weight (e.g. followed by BatchNorm): the
/// gradient scales as 1/||w|| and the angular change per step as `lr` / ||w||^2, with w = `param`.
fn effective_lr_scale_invariant(inputs: &Inputs) -> Result<Value, Error> {
    let param = inputs.values("param")?;
    let lr = inputs.number("lr")?;
    let norm = common::norm(&param.data);
    if norm == 0.0 {
        return Err(inputs.invalid("`param` is all zeros, so the effective rate is undefined"));
    }
    Ok(scalar(lr / (norm * norm)))
}

/// Layer-wise learning-rate decay for fine-tuning: layer l of `num_layers` (1 = closest to the
/// input) gets `base_lr` * `decay`^(num_layers - l), so the top layer keeps `base_lr`. Returns the
/// rates from the bottom layer to the top.
fn layerwise_lr_decay(inputs: &Inputs) -> Result<Value, Error> {
    let base_lr = inputs.number("base_lr")?;
    let decay = inputs.number("decay")?;
    let layers = inputs.count("num_layers")?;
    if layers == 0 || !(0.0..=1.0).contains(&decay) || decay == 0.0 {
        return Err(inputs.invalid("`num_layers` must be at least 1 and `decay` in (0, 1]"));
    }
    let rates: Vec<f64> = (1..=layers)
        .map(|l| base_lr * decay.powi((layers - l) as i32))
        .collect();
    Ok(array(&rates))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn first_adam_step_moves_by_lr() {
        // On step 1 the bias-corrected ratio m_hat / sqrt(v_hat) is sign(grad) (eps = 0).
        check(
            "adam_step",
            json!({ "param": [1.0, 1.0], "grad": [4.0, -0.5], "lr": 0.1, "eps": 0.0, "step": 1 }),
            json!([0.9, 1.1]),
        );
    }

    #[test]
    fn adam_uses_given_moments() {
        // m = 0.9*1 + 0.1*1 = 1, v = 0.999*1 + 0.001*1 = 1; step 2 corrections 0.19 and 0.001999.
        let m_hat = 1.0 / 0.19;
        let v_hat = 1.0 / (1.0 - 0.999f64.powi(2));
        check(
            "adam_step",
            json!({ "param": 0.0, "grad": 1.0, "lr": 1.0, "eps": 0.0, "step": 2, "m": 1.0, "v": 1.0 }),
            json!(-m_hat / v_hat.sqrt()),
        );
    }

    #[test]
    fn adamw_decays_before_the_step() {
        check(
            "adamw_step",
            json!({ "param": 2.0, "grad": 1.0, "lr": 0.1, "eps": 0.0, "weight_decay": 0.5, "step": 1 }),
            json!(2.0 * 0.95 - 0.1),
        );
    }

    #[test]
    fn schedules() {
        check(
            "step_lr",
            json!({ "base_lr": 0.1, "gamma": 0.5, "step_size": 10, "step": 25 }),
            json!(0.025),
        );
        check(
            "cosine_lr",
            json!({ "max_lr": 1.0, "min_lr": 0.2, "step": 50, "total_steps": 100 }),
            json!(0.6),
        );
        check(
            "cosine_lr",
            json!({ "max_lr": 1.0, "step": 150, "total_steps": 100 }),
            json!(0.0),
        );
        check(
            "linear_warmup_lr",
            json!({ "max_lr": 1.0, "step": 25, "warmup_steps": 100 }),
            json!(0.25),
        );
        check(
            "linear_warmup_lr",
            json!({ "max_lr": 1.0, "step": 400, "warmup_steps": 100 }),
            json!(1.0),
        );
        check(
            "linear_warmup_lr",
            json!({ "max_lr": 1.0, "step": 550, "warmup_steps": 100, "total_steps": 1000 }),
            json!(0.5),
        );
        check(
            "linear_lr_scaling",
            json!({ "base_lr": 0.1, "base_batch": 256, "batch": 64 }),
            json!(0.025),
        );
    }

    #[test]
    fn clipping_only_shrinks() {
        check(
            "clip_grad_norm",
            json!({ "grad": [0.3, 0.4], "max_norm": 1.0 }),
            json!([0.3, 0.4]),
        );
        check(
            "clip_grad_norm",
            json!({ "grad": [6.0, 8.0], "max_norm": 5.0 }),
            json!([3.0, 4.0]),
        );
    }

    #[test]
    fn layer_norm_standardizes_each_row() {
        check(
            "layer_norm",
            json!({ "x": [[1.0, 3.0], [10.0, 12.0]], "eps": 0.0, "gamma": [2.0, 2.0], "beta": [1.0, 0.0] }),
            json!([[-1.0, 2.0], [-1.0, 2.0]]),
        );
        check_err("layer_norm", json!({ "x": [1.0, 3.0], "gamma": [1.0] }));
    }

    #[test]
    fn batch_norm_standardizes_each_column() {
        check(
            "batch_norm",
            json!({ "x": [[1.0, 4.0], [3.0, 6.0]], "eps": 0.0, "beta": [0.0, 7.0] }),
            json!([[-1.0, 6.0], [1.0, 8.0]]),
        );
    }

    #[test]
    fn init_and_search() {
        check("he_init_std", json!({ "fan_in": 8 }), json!(0.5));
        check(
            "random_search_hit_probability",
            json!({ "top_fraction": 0.5, "trials": 3 }),
            json!(0.875),
        );
    }

    #[test]
    fn minibatch_variance_falls_as_one_over_batch() {
        check(
            "minibatch_gradient_variance",
            json!({ "per_example_variance": 4.0, "batch": 16 }),
            json!(0.25),
        );
        // Without replacement from 5 examples, batch 5 is the full gradient: no variance.
        check(
            "minibatch_gradient_variance",
            json!({ "per_example_variance": 4.0, "batch": 5, "dataset_size": 5 }),
            json!(0.0),
        );
    }

    #[test]
    fn momentum_and_nesterov_steps() {
        // Buffer 0.9 * 1 + 1 = 1.9; heavy ball moves by 0.19, Nesterov by 0.1 * (1 + 1.71).
        check(
            "sgd_momentum_step",
            json!({ "param": 0.0, "grad": 1.0, "lr": 0.1, "momentum": 0.9, "velocity": 1.0 }),
            json!(-0.19),
        );
        check(
            "sgd_momentum_step",
            json!({ "param": 0.0, "grad": 1.0, "lr": 0.1, "momentum": 0.9, "velocity": 1.0, "nesterov": true }),
            json!(-0.271),
        );
    }

    #[test]
    fn adagrad_divides_by_root_of_summed_squares() {
        check(
            "adagrad_step",
            json!({ "param": 1.0, "grad": 2.0, "lr": 0.5, "eps": 0.0 }),
            json!(0.5),
        );
        check(
            "adagrad_step",
            json!({ "param": [0.0], "grad": [3.0], "lr": 1.0, "eps": 0.0, "accumulator": [16.0] }),
            json!([-0.6]),
        );
    }

    #[test]
    fn sqrt_scaling() {
        check(
            "sqrt_lr_scaling",
            json!({ "base_lr": 0.001, "base_batch": 256, "batch": 1024 }),
            json!(0.002),
        );
    }

    #[test]
    fn dropout_scales_kept_units() {
        check(
            "inverted_dropout",
            json!({ "x": [1.0, 2.0, 3.0, 4.0], "mask": [1, 0, 1, 0], "p": 0.5 }),
            json!([2.0, 0.0, 6.0, 0.0]),
        );
        check_err(
            "inverted_dropout",
            json!({ "x": [1.0], "mask": [0.5], "p": 0.5 }),
        );
    }

    #[test]
    fn update_ratio() {
        check(
            "update_to_weight_ratio",
            json!({ "param": [3.0, 4.0], "grad": [0.6, 0.8], "lr": 0.01 }),
            json!(0.002),
        );
    }

    #[test]
    fn rms_norm_divides_by_root_mean_square() {
        // mean(x^2) = 1 for ones, and 4 for [2, -2], so the RMS is 1 and 2.
        check(
            "rms_norm",
            json!({ "x": [1.0, 1.0, 1.0, 1.0], "eps": 0.0 }),
            json!([1.0, 1.0, 1.0, 1.0]),
        );
        check(
            "rms_norm",
            json!({ "x": [[2.0, -2.0]], "eps": 0.0, "gamma": [1.0, 3.0] }),
            json!([[1.0, -3.0]]),
        );
    }

    #[test]
    fn lars_ratio() {
        check(
            "lars_trust_ratio",
            json!({ "param": [3.0, 4.0], "grad": [0.0, 1.0], "trust_coefficient": 0.001, "weight_decay": 0.2 }),
            json!(0.0025),
        );
    }

    #[test]
    fn sam_step_has_length_rho() {
        check(
            "sam_perturbation",
            json!({ "grad": [3.0, 4.0], "rho": 0.05 }),
            json!([0.03, 0.04]),
        );
    }

    #[test]
    fn adafactor_recovers_rank_one_matrices() {
        check(
            "adafactor_factored_second_moment",
            json!({ "v": [[1.0, 2.0], [2.0, 4.0]] }),
            json!([[1.0, 2.0], [2.0, 4.0]]),
        );
        check(
            "adafactor_factored_second_moment",
            json!({ "v": [[1.0, 0.0], [0.0, 1.0]] }),
            json!([[0.5, 0.5], [0.5, 0.5]]),
        );
    }

    #[test]
    fn z_loss_of_uniform_logits() {
        // Two zero logits: log Z = ln 2.
        check(
            "z_loss",
            json!({ "logits": [0.0, 0.0], "coefficient": 1.0 }),
            json!(2f64.ln().powi(2)),
        );
    }

    #[test]
    fn pcgrad_removes_only_conflicts() {
        check(
            "pcgrad_projection",
            json!({ "g1": [1.0, 1.0], "g2": [-1.0, 0.0] }),
            json!([0.0, 1.0]),
        );
        check(
            "pcgrad_projection",
            json!({ "g1": [1.0, 1.0], "g2": [1.0, 0.0] }),
            json!([1.0, 1.0]),
        );
    }

    #[test]
    fn gd_steps_from_condition_number() {
        // (1/2)^t <= 1/8 first at t = 3.
        check(
            "gd_linear_rate_steps",
            json!({ "kappa": 2.0, "reduction": 0.125 }),
            json!(3.0),
        );
    }

    #[test]
    fn ema_and_sampling() {
        check(
            "ema_update",
            json!({ "ema": [1.0, 0.0], "param": [0.0, 1.0], "decay": 0.75 }),
            json!([0.75, 0.25]),
        );
        check("prob_example_never_sampled", json!({ "n": 2 }), json!(0.25));
    }

    #[test]
    fn ewc_weights_squared_moves_by_fisher() {
        check(
            "ewc_penalty",
            json!({ "param": [1.0, 2.0], "old_param": [0.0, 0.0], "fisher": [2.0, 0.5], "lam": 1.0 }),
            json!(2.0),
        );
    }

    #[test]
    fn successive_halving_by_three() {
        check(
            "successive_halving_rungs",
            json!({ "n": 9, "eta": 3, "min_budget": 1.0 }),
            json!([[9.0, 1.0], [3.0, 3.0], [1.0, 9.0]]),
        );
    }

    #[test]
    fn scale_invariant_rate() {
        check(
            "effective_lr_scale_invariant",
            json!({ "param": [0.3, 0.4], "lr": 0.1 }),
            json!(0.4),
        );
    }

    #[test]
    fn layerwise_decay_keeps_top_rate() {
        check(
            "layerwise_lr_decay",
            json!({ "base_lr": 1.0, "decay": 0.5, "num_layers": 3 }),
            json!([0.25, 0.5, 1.0]),
        );
    }
}
