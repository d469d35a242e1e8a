//! Formulas of the `compression-serving` category: affine quantization, the gradual-pruning
//! sparsity schedule, distillation's temperature softmax, and serving bounds (memory-bandwidth
//! limit on decoding, Little's law).

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("affine_quantize_dequantize", affine_quantize_dequantize),
    ("cubic_sparsity_schedule", cubic_sparsity_schedule),
    ("softmax_temperature", softmax_temperature),
    (
        "decode_tokens_per_second_bound",
        decode_tokens_per_second_bound,
    ),
    ("littles_law", littles_law),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Quantizes `x` (a number or array) onto [`q_min`, `q_max`] for the real range [`x_min`,
/// `x_max`] and dequantizes it back: s = (x_max - x_min)/(q_max - q_min),
/// z = q_min - round(x_min / s), q = clamp(round(x / s) + z, q_min, q_max), x_hat = s (q - z).
/// Rounding is half to even, as `torch.round` and NumPy do.
fn affine_quantize_dequantize(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.values("x")?;
    let (x_min, x_max) = (inputs.number("x_min")?, inputs.number("x_max")?);
    let (q_min, q_max) = (
        inputs.integer("q_min")? as f64,
        inputs.integer("q_max")? as f64,
    );
    if x_max <= x_min || q_max <= q_min {
        return Err(inputs.invalid("need x_min < x_max and q_min < q_max"));
    }
    let s = (x_max - x_min) / (q_max - q_min);
    let z = q_min - (x_min / s).round_ties_even();
    let out = x
        .data
        .iter()
        .map(|x| {
            let q = ((x / s).round_ties_even() + z).clamp(q_min, q_max);
            s * (q - z)
        })
        .collect();
    Ok(x.output(out))
}

/// Zhu and Gupta's gradual pruning schedule: s_f + (s_i - s_f) (1 - progress)^3, with
/// `progress` = (t - t0) / (n dt) clamped to [0, 1].
fn cubic_sparsity_schedule(inputs: &Inputs) -> Result<Value, Error> {
    let initial = inputs.probability("s_i")?;
    let target = inputs.probability("s_f")?;
    let progress = inputs.number("progress")?.clamp(0.0, 1.0);
    Ok(scalar(
        target + (initial - target) * (1.0 - progress).powi(3),
    ))
}

/// softmax(`logits` / `temperature`), as in knowledge distillation.
fn softmax_temperature(inputs: &Inputs) -> Result<Value, Error> {
    let logits = inputs.vector("logits")?;
    let temperature = inputs.positive("temperature")?;
    let scaled: Vec<f64> = logits.iter().map(|z| z / temperature).collect();
    Ok(array(&common::softmax(&scaled)))
}

/// The memory-bandwidth upper bound on single-stream decoding speed: every token reads all the
/// weights once, so tokens/s <= `bandwidth_gb_per_s` / `model_gb`.
fn decode_tokens_per_second_bound(inputs: &Inputs) -> Result<Value, Error> {
    let bandwidth = inputs.positive("bandwidth_gb_per_s")?;
    let model = inputs.positive("model_gb")?;
    Ok(scalar(bandwidth / model))
}

/// Little's law: requests in flight L = `arrival_rate_per_s` x `latency_s`.
fn littles_law(inputs: &Inputs) -> Result<Value, Error> {
    let rate = inputs.number("arrival_rate_per_s")?;
    let latency = inputs.number("latency_s")?;
    if rate < 0.0 || latency < 0.0 {
        return Err(inputs.invalid("rates and latencies cannot be negative"));
    }
    Ok(scalar(rate * latency))
}

#[cfg(test)]
mod tests {
    use crate::check;
    use serde_json::json;

    #[test]
    fn quantization_round_trips_grid_points_and_clamps() {
        // s = 1/255 * 255 = 1 on [0, 255]: integers survive, out-of-range values clamp.
        check(
            "affine_quantize_dequantize",
            json!({ "x": [3.0, 300.0, -4.0], "x_min": 0.0, "x_max": 255.0, "q_min": 0, "q_max": 255 }),
            json!([3.0, 255.0, 0.0]),
        );
        // Half to even: 2.5 rounds to 2 and 3.5 to 4.
        check(
            "affine_quantize_dequantize",
            json!({ "x": [2.5, 3.5], "x_min": 0.0, "x_max": 255.0, "q_min": 0, "q_max": 255 }),
            json!([2.0, 4.0]),
        );
    }

    #[test]
    fn sparsity_schedule_endpoints() {
        check(
            "cubic_sparsity_schedule",
            json!({ "s_i": 0.1, "s_f": 0.9, "progress": 0.0 }),
            json!(0.1),
        );
        check(
            "cubic_sparsity_schedule",
            json!({ "s_i": 0.1, "s_f": 0.9, "progress": 2.0 }),
            json!(0.9),
        );
    }

    #[test]
    fn high_temperature_flattens() {
        check(
            "softmax_temperature",
            json!({ "logits": [2.0, 0.0], "temperature": 2.0 }),
            json!([1.0 / (1.0 + (-1f64).exp()), 1.0 / (1.0 + 1f64.exp())]),
        );
    }

    #[test]
    fn serving_bounds() {
        check(
            "decode_tokens_per_second_bound",
            json!({ "bandwidth_gb_per_s": 50.0, "model_gb": 10.0 }),
            json!(5.0),
        );
        check(
            "littles_law",
            json!({ "arrival_rate_per_s": 4.0, "latency_s": 0.5 }),
            json!(2.0),
        );
    }
}
