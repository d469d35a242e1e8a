//! Formulas of the `compression-serving` category: affine quantization, the gradual-pruning
//! sparsity schedule, distillation's temperature softmax, N:M sparse storage, low-rank
//! factorization, the roofline, speculative decoding, and serving arithmetic (memory-bandwidth
//! limit on decoding, KV-cache concurrency, peak activations, Little's law, replicas, cost and
//! energy).

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
    ("nm_sparse_bits_per_weight", nm_sparse_bits_per_weight),
    ("low_rank_param_fraction", low_rank_param_fraction),
    ("matmul_arithmetic_intensity", matmul_arithmetic_intensity),
    ("roofline_attainable_tflops", roofline_attainable_tflops),
    ("speculative_expected_tokens", speculative_expected_tokens),
    ("speculative_speedup", speculative_speedup),
    ("max_concurrent_sequences", max_concurrent_sequences),
    (
        "sequential_peak_activation_bytes",
        sequential_peak_activation_bytes,
    ),
    ("replicas_needed", replicas_needed),
    ("cost_per_million_tokens", cost_per_million_tokens),
    ("energy_per_inference_joules", energy_per_inference_joules),
    ("ternary_absmean_quantize", ternary_absmean_quantize),
    ("smoothquant_scales", smoothquant_scales),
    ("mnasnet_reward", mnasnet_reward),
    ("cascade_expected_cost", cascade_expected_cost),
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

/// Bits stored per original (dense) weight under N:M sparsity: `n` of every `m` weights are kept,
/// each as a `value_bits` value plus a ceil(log2 `m`)-bit position index, so
/// (n / m) (value_bits + ceil(log2 m)). For 2:4 this is half the weights plus 2 index bits each.
fn nm_sparse_bits_per_weight(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("n")?;
    let m = inputs.count("m")?;
    let value_bits = inputs.positive("value_bits")?;
    if n == 0 || m < 2 || n > m {
        return Err(inputs.invalid("need 1 <= n <= m and m >= 2"));
    }
    let index_bits = (m as f64).log2().ceil();
    Ok(scalar(n as f64 / m as f64 * (value_bits + index_bits)))
}

/// Parameters of a rank-`rank` factorization W ~ U V of a `d_out` x `d_in` matrix, as a fraction
/// of the dense count: rank (d_in + d_out) / (d_in d_out). Below 1 only for
/// rank < d_in d_out / (d_in + d_out).
fn low_rank_param_fraction(inputs: &Inputs) -> Result<Value, Error> {
    let d_in = inputs.positive("d_in")?;
    let d_out = inputs.positive("d_out")?;
    let rank = inputs.positive("rank")?;
    Ok(scalar(rank * (d_in + d_out) / (d_in * d_out)))
}

/// FLOPs per byte of an (`m` x `k`) by (`k` x `n`) matrix multiply that reads both operands and
/// writes the result once: 2 m k n / (`bytes_per_element` (m k + k n + m n)).
fn matmul_arithmetic_intensity(inputs: &Inputs) -> Result<Value, Error> {
    let m = inputs.positive("m")?;
    let k = inputs.positive("k")?;
    let n = inputs.positive("n")?;
    let bytes = inputs.positive("bytes_per_element")?;
    let flops = 2.0 * m * k * n;
    let traffic = bytes * (m * k + k * n + m * n);
    Ok(scalar(flops / traffic))
}

/// The roofline: attainable TFLOP/s = min(`peak_tflops`, `arithmetic_intensity` (FLOP/byte) x
/// `bandwidth_tb_per_s`).
fn roofline_attainable_tflops(inputs: &Inputs) -> Result<Value, Error> {
    let peak = inputs.positive("peak_tflops")?;
    let bandwidth = inputs.positive("bandwidth_tb_per_s")?;
    let intensity = inputs.positive("arithmetic_intensity")?;
    Ok(scalar(peak.min(intensity * bandwidth)))
}

/// Expected tokens produced per target-model pass in speculative decoding when each of `gamma`
/// drafted tokens is accepted independently with probability `alpha`:
/// (1 - alpha^(gamma + 1)) / (1 - alpha), and gamma + 1 when alpha = 1.
fn speculative_expected_tokens(inputs: &Inputs) -> Result<Value, Error> {
    let alpha = inputs.probability("alpha")?;
    let gamma = inputs.count("gamma")?;
    Ok(scalar(expected_tokens(alpha, gamma)))
}

fn expected_tokens(alpha: f64, gamma: usize) -> f64 {
    // The geometric sum 1 + alpha + ... + alpha^gamma, which is exact at alpha = 1 too.
    (0..=gamma).map(|i| alpha.powi(i as i32)).sum()
}

/// Wall-clock speedup of speculative decoding over plain decoding (Leviathan et al.): expected
/// tokens per iteration divided by the iteration's cost in target-pass units, gamma `c` + 1, where
/// `c` is the draft's cost per token relative to one target pass.
fn speculative_speedup(inputs: &Inputs) -> Result<Value, Error> {
    let alpha = inputs.probability("alpha")?;
    let gamma = inputs.count("gamma")?;
    let c = inputs.number("c")?;
    if c < 0.0 {
        return Err(inputs.invalid("the draft cost ratio `c` cannot be negative"));
    }
    Ok(scalar(
        expected_tokens(alpha, gamma) / (gamma as f64 * c + 1.0),
    ))
}

/// How many sequences of `seq_len` tokens fit in the KV cache: floor((`gpu_memory_gb` -
/// `weights_gb`) 1e9 / (`kv_bytes_per_token` seq_len)), with decimal gigabytes and no memory set
/// aside for activations or fragmentation.
fn max_concurrent_sequences(inputs: &Inputs) -> Result<Value, Error> {
    let memory = inputs.positive("gpu_memory_gb")?;
    let weights = inputs.number("weights_gb")?;
    let per_token = inputs.positive("kv_bytes_per_token")?;
    let seq_len = inputs.positive("seq_len")?;
    if weights < 0.0 || weights >= memory {
        return Err(inputs.invalid("`weights_gb` must be at least 0 and below `gpu_memory_gb`"));
    }
    Ok(scalar(
        ((memory - weights) * 1e9 / (per_token * seq_len)).floor(),
    ))
}

/// Peak activation memory of a chain of layers run one at a time, where layer i reads tensor i
/// and writes tensor i + 1 and only those two are alive: max_i (sizes_i + sizes_{i+1}) x
/// `bytes_per_element`, with `sizes` the element counts of the tensors in order.
fn sequential_peak_activation_bytes(inputs: &Inputs) -> Result<Value, Error> {
    let sizes = inputs.vector("sizes")?;
    let bytes = inputs.positive("bytes_per_element")?;
    if sizes.len() < 2 || sizes.iter().any(|&s| s < 0.0) {
        return Err(inputs.invalid("`sizes` needs at least two non-negative tensor sizes"));
    }
    let peak = sizes
        .windows(2)
        .map(|pair| pair[0] + pair[1])
        .fold(0.0, f64::max);
    Ok(scalar(peak * bytes))
}

/// Replicas needed to serve `arrival_rate_per_s` when one replica sustains
/// `replica_throughput_per_s` and is to run at `target_utilization` of it:
/// ceil(rate / (throughput x utilization)).
fn replicas_needed(inputs: &Inputs) -> Result<Value, Error> {
    let rate = inputs.number("arrival_rate_per_s")?;
    let throughput = inputs.positive("replica_throughput_per_s")?;
    let utilization = inputs.probability("target_utilization")?;
    if rate < 0.0 || utilization == 0.0 {
        return Err(inputs.invalid("need a non-negative rate and a utilization above 0"));
    }
    // Round away float noise (e.g. 2.0000000000000004) before taking the ceiling.
    let exact = rate / (throughput * utilization);
    Ok(scalar(((exact * 1e9).round() / 1e9).ceil()))
}

/// Serving cost in dollars per million generated tokens: `gpu_cost_per_hour` / (`tokens_per_s`
/// x `utilization` x 3600) x 1e6, where `tokens_per_s` is the aggregate throughput of the GPU(s)
/// the hourly price pays for while busy and `utilization` the fraction of paid time it is busy.
fn cost_per_million_tokens(inputs: &Inputs) -> Result<Value, Error> {
    let price = inputs.number("gpu_cost_per_hour")?;
    let throughput = inputs.positive("tokens_per_s")?;
    let utilization = inputs.probability("utilization")?;
    if price < 0.0 || utilization == 0.0 {
        return Err(inputs.invalid("need a non-negative price and a utilization above 0"));
    }
    Ok(scalar(price / (throughput * utilization * 3600.0) * 1e6))
}

/// Energy per inference in joules: average `power_watts` drawn while serving divided by
/// `throughput_per_s` (inferences, or tokens, per second).
fn energy_per_inference_joules(inputs: &Inputs) -> Result<Value, Error> {
    let power = inputs.positive("power_watts")?;
    let throughput = inputs.positive("throughput_per_s")?;
    Ok(scalar(power / throughput))
}

/// BitNet b1.58 absmean ternarisation: gamma = mean |`weights`|, codes =
/// clamp(round(w / gamma), -1, 1) with half-to-even rounding. Returns the codes in {-1, 0, 1}.
fn ternary_absmean_quantize(inputs: &Inputs) -> Result<Value, Error> {
    let weights = inputs.vector("weights")?;
    let gamma = weights.iter().map(|w| w.abs()).sum::<f64>() / weights.len() as f64;
    if gamma == 0.0 {
        return Err(inputs.invalid("all weights are zero, so the absmean scale is 0"));
    }
    let codes: Vec<f64> = weights
        .iter()
        .map(|w| (w / gamma).round_ties_even().clamp(-1.0, 1.0))
        .collect();
    Ok(array(&codes))
}

/// SmoothQuant per-channel smoothing factors s_j = `act_absmax`_j^`alpha` /
/// `weight_absmax`_j^(1 - alpha); activations are divided by s_j and weights multiplied by it.
fn smoothquant_scales(inputs: &Inputs) -> Result<Value, Error> {
    let act = inputs.vector("act_absmax")?;
    let weight = inputs.vector("weight_absmax")?;
    let alpha = inputs.probability("alpha")?;
    inputs.same_length(("act_absmax", act.len()), ("weight_absmax", weight.len()))?;
    if act.iter().chain(&weight).any(|&x| x <= 0.0) {
        return Err(inputs.invalid("channel maxima must be greater than 0"));
    }
    let scales: Vec<f64> = act
        .iter()
        .zip(&weight)
        .map(|(a, w)| a.powf(alpha) / w.powf(1.0 - alpha))
        .collect();
    Ok(array(&scales))
}

/// MnasNet's latency-aware reward: `accuracy` x (`latency_ms` / `target_ms`)^`w`, with w < 0 a
/// soft penalty for exceeding the target (the paper uses w = -0.07).
fn mnasnet_reward(inputs: &Inputs) -> Result<Value, Error> {
    let accuracy = inputs.probability("accuracy")?;
    let latency = inputs.positive("latency_ms")?;
    let target = inputs.positive("target_ms")?;
    let w = inputs.number("w")?;
    Ok(scalar(accuracy * (latency / target).powf(w)))
}

/// Expected cost per request of a two-model cascade: every request pays `cost_small`, and the
/// fraction `escalation_rate` also pays `cost_large`.
fn cascade_expected_cost(inputs: &Inputs) -> Result<Value, Error> {
    let small = inputs.number("cost_small")?;
    let large = inputs.number("cost_large")?;
    let rate = inputs.probability("escalation_rate")?;
    if small < 0.0 || large < 0.0 {
        return Err(inputs.invalid("costs cannot be negative"));
    }
    Ok(scalar(small + rate * large))
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

    #[test]
    fn nm_sparsity_and_low_rank_storage() {
        // 2:4 with fp16 values: half the weights, 16 + 2 bits each = 9 bits per dense weight.
        check(
            "nm_sparse_bits_per_weight",
            json!({ "n": 2, "m": 4, "value_bits": 16 }),
            json!(9.0),
        );
        // Rank 1 of a 2 x 2 matrix: 1 * (2 + 2) / 4 = 1, no saving.
        check(
            "low_rank_param_fraction",
            json!({ "d_in": 2, "d_out": 2, "rank": 1 }),
            json!(1.0),
        );
        check(
            "low_rank_param_fraction",
            json!({ "d_in": 100, "d_out": 100, "rank": 10 }),
            json!(0.2),
        );
    }

    #[test]
    fn roofline_arithmetic() {
        // Square n x n fp32 matmul: 2n^3 / (4 * 3n^2) = n/6; n = 6 gives 1 FLOP/byte.
        check(
            "matmul_arithmetic_intensity",
            json!({ "m": 6, "k": 6, "n": 6, "bytes_per_element": 4 }),
            json!(1.0),
        );
        // Memory-bound: 2 FLOP/B x 3 TB/s = 6 TFLOP/s under a 100 TFLOP/s peak.
        check(
            "roofline_attainable_tflops",
            json!({ "peak_tflops": 100.0, "bandwidth_tb_per_s": 3.0, "arithmetic_intensity": 2.0 }),
            json!(6.0),
        );
        check(
            "roofline_attainable_tflops",
            json!({ "peak_tflops": 100.0, "bandwidth_tb_per_s": 3.0, "arithmetic_intensity": 1000.0 }),
            json!(100.0),
        );
    }

    #[test]
    fn speculative_decoding() {
        // alpha = 0.5, gamma = 2: 1 + 0.5 + 0.25 = 1.75 tokens per target pass.
        check(
            "speculative_expected_tokens",
            json!({ "alpha": 0.5, "gamma": 2 }),
            json!(1.75),
        );
        check(
            "speculative_expected_tokens",
            json!({ "alpha": 1.0, "gamma": 3 }),
            json!(4.0),
        );
        // Same, with a draft costing 0.25 of a target pass: 1.75 / 1.5.
        check(
            "speculative_speedup",
            json!({ "alpha": 0.5, "gamma": 2, "c": 0.25 }),
            json!(1.75 / 1.5),
        );
    }

    #[test]
    fn memory_budgets() {
        // 10 GB free, 1 MB per token, 1000 tokens: 10 sequences.
        check(
            "max_concurrent_sequences",
            json!({ "gpu_memory_gb": 12.0, "weights_gb": 2.0, "kv_bytes_per_token": 1e6, "seq_len": 1000 }),
            json!(10.0),
        );
        // Pairs 1+4, 4+2, 2+8: the peak is 10 elements, 20 bytes at fp16.
        check(
            "sequential_peak_activation_bytes",
            json!({ "sizes": [1, 4, 2, 8], "bytes_per_element": 2 }),
            json!(20.0),
        );
    }

    #[test]
    fn capacity_cost_and_energy() {
        // 100 req/s over 25 req/s per replica at 80%: 5 replicas exactly.
        check(
            "replicas_needed",
            json!({ "arrival_rate_per_s": 100.0, "replica_throughput_per_s": 25.0, "target_utilization": 0.8 }),
            json!(5.0),
        );
        check(
            "replicas_needed",
            json!({ "arrival_rate_per_s": 101.0, "replica_throughput_per_s": 25.0, "target_utilization": 0.8 }),
            json!(6.0),
        );
        // $3.60/h at 1000 tokens/s fully used: 3.6e6 tokens per hour, so $1 per million.
        check(
            "cost_per_million_tokens",
            json!({ "gpu_cost_per_hour": 3.6, "tokens_per_s": 1000.0, "utilization": 1.0 }),
            json!(1.0),
        );
        check(
            "energy_per_inference_joules",
            json!({ "power_watts": 300.0, "throughput_per_s": 150.0 }),
            json!(2.0),
        );
    }

    #[test]
    fn ternary_smoothing_and_search_rewards() {
        // mean |w| = 0.5: w / 0.5 = [2, -0.4, 0.8, -2.4] rounds and clamps to [1, 0, 1, -1].
        check(
            "ternary_absmean_quantize",
            json!({ "weights": [1.0, -0.2, 0.4, -1.2] }),
            json!([1.0, 0.0, 1.0, -1.0]),
        );
        // alpha = 0.5: sqrt(16) / sqrt(4) = 2 and sqrt(1) / sqrt(1) = 1.
        check(
            "smoothquant_scales",
            json!({ "act_absmax": [16.0, 1.0], "weight_absmax": [4.0, 1.0], "alpha": 0.5 }),
            json!([2.0, 1.0]),
        );
        // On target the reward is the accuracy itself.
        check(
            "mnasnet_reward",
            json!({ "accuracy": 0.75, "latency_ms": 80.0, "target_ms": 80.0, "w": -0.07 }),
            json!(0.75),
        );
    }

    #[test]
    fn cascade_cost() {
        check(
            "cascade_expected_cost",
            json!({ "cost_small": 1.0, "cost_large": 10.0, "escalation_rate": 0.5 }),
            json!(6.0),
        );
    }
}
