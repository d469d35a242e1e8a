//! Formulas of the `distributed` category: ring all-reduce traffic, the effective batch of
//! gradient accumulation, the pipeline bubble, and ZeRO's memory per GPU.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    (
        "ring_allreduce_bytes_per_device",
        ring_allreduce_bytes_per_device,
    ),
    ("effective_batch_size", effective_batch_size),
    ("pipeline_bubble_fraction", pipeline_bubble_fraction),
    ("zero_memory_per_gpu_bytes", zero_memory_per_gpu_bytes),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Data each device sends in a ring all-reduce (and receives as much): a reduce-scatter and an
/// all-gather, each moving (N - 1)/N of the buffer, so 2 (N - 1)/N x `gradient_gb` for N =
/// `num_devices`, in the unit of the gradient's size.
fn ring_allreduce_bytes_per_device(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("num_devices")?;
    let size = inputs.number("gradient_gb")?;
    if n == 0 {
        return Err(inputs.invalid("`num_devices` must be at least 1"));
    }
    let n = n as f64;
    Ok(scalar(2.0 * (n - 1.0) / n * size))
}

/// Samples per optimizer step: `micro_batch` x `accumulation_steps` x `num_gpus`.
fn effective_batch_size(inputs: &Inputs) -> Result<Value, Error> {
    let micro = inputs.count("micro_batch")?;
    let steps = inputs.count("accumulation_steps")?;
    let gpus = inputs.count("num_gpus")?;
    Ok(scalar((micro * steps * gpus) as f64))
}

/// The idle fraction of a GPipe / 1F1B step with p = `stages` and m = `micro_batches`:
/// (p - 1) / (m + p - 1).
fn pipeline_bubble_fraction(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.count("stages")?;
    let m = inputs.count("micro_batches")?;
    if p == 0 || m == 0 {
        return Err(inputs.invalid("`stages` and `micro_batches` must be at least 1"));
    }
    Ok(scalar((p - 1) as f64 / (m + p - 1) as f64))
}

/// Model-state bytes per GPU under ZeRO with mixed-precision Adam (Rajbhandari et al. 2020):
/// 2 bytes of fp16 weights, 2 of fp16 gradients and K (`optimizer_bytes`, default 12: fp32
/// weights, momentum, variance) per parameter, for Psi = `params` over N = `num_gpus`. Stage 0
/// (plain data parallelism) keeps (4 + K) Psi; stage 1 shards the optimizer state, 4 Psi + K Psi/N;
/// stage 2 also the gradients, 2 Psi + (2 + K) Psi/N; stage 3 everything, (4 + K) Psi/N.
fn zero_memory_per_gpu_bytes(inputs: &Inputs) -> Result<Value, Error> {
    let psi = inputs.number("params")?;
    let n = inputs.count("num_gpus")?;
    let stage = inputs.count("stage")?;
    let k = inputs.number_or("optimizer_bytes", 12.0)?;
    if n == 0 {
        return Err(inputs.invalid("`num_gpus` must be at least 1"));
    }
    let n = n as f64;
    let bytes = match stage {
        0 => (4.0 + k) * psi,
        1 => 4.0 * psi + k * psi / n,
        2 => 2.0 * psi + (2.0 + k) * psi / n,
        3 => (4.0 + k) * psi / n,
        _ => return Err(inputs.invalid(format!("ZeRO has stages 0 to 3, not {stage}"))),
    };
    Ok(scalar(bytes))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn allreduce_and_batches() {
        check(
            "ring_allreduce_bytes_per_device",
            json!({ "num_devices": 2, "gradient_gb": 3.0 }),
            json!(3.0),
        );
        check(
            "effective_batch_size",
            json!({ "micro_batch": 2, "accumulation_steps": 3, "num_gpus": 4 }),
            json!(24),
        );
        check(
            "pipeline_bubble_fraction",
            json!({ "stages": 1, "micro_batches": 4 }),
            json!(0.0),
        );
        check(
            "pipeline_bubble_fraction",
            json!({ "stages": 2, "micro_batches": 1 }),
            json!(0.5),
        );
    }

    #[test]
    fn zero_stages() {
        let at = |stage: u64| json!({ "params": 1.0, "num_gpus": 4, "stage": stage });
        check("zero_memory_per_gpu_bytes", at(0), json!(16.0));
        check("zero_memory_per_gpu_bytes", at(1), json!(7.0));
        check("zero_memory_per_gpu_bytes", at(2), json!(5.5));
        check("zero_memory_per_gpu_bytes", at(3), json!(4.0));
        check_err("zero_memory_per_gpu_bytes", at(4));
    }
}
