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
    let is_matrix = inputs
        .required("x", "a vector or a matrix")?
        .as_array()
        .is_some_and(|items| items.first().is_some_and(Value::is_array));
    let rows = if is_matrix {
        inputs.matrix("x")?
    } else {
        vec![inputs.vector("x")?]
    };
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
}
