//! Formulas of the `distributed` category: ring all-reduce traffic and time, the effective batch of
//! gradient accumulation, token-weighted losses across ranks, the pipeline bubble, ZeRO's memory
//! per GPU, activation memory and checkpointing, wave quantisation, MFU, training time and cost,
//! Amdahl's law, cluster failure rates, Young's checkpoint interval and PowerSGD compression.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    (
        "ring_allreduce_bytes_per_device",
        ring_allreduce_bytes_per_device,
    ),
    ("effective_batch_size", effective_batch_size),
    ("pipeline_bubble_fraction", pipeline_bubble_fraction),
    ("zero_memory_per_gpu_bytes", zero_memory_per_gpu_bytes),
    ("ring_allreduce_time", ring_allreduce_time),
    ("token_weighted_loss_mean", token_weighted_loss_mean),
    (
        "activation_memory_per_layer_bytes",
        activation_memory_per_layer_bytes,
    ),
    ("checkpoint_segment_memory", checkpoint_segment_memory),
    ("wave_quantization", wave_quantization),
    ("model_flops_utilization", model_flops_utilization),
    ("training_time_cost", training_time_cost),
    ("amdahl_speedup", amdahl_speedup),
    ("cluster_failure_rate", cluster_failure_rate),
    ("young_checkpoint_interval", young_checkpoint_interval),
    ("powersgd_compression_ratio", powersgd_compression_ratio),
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
/// (p - 1) / (m + p - 1). With the interleaved schedule each device holds v = `chunks` (default
/// 1) model chunks, the fill/drain shrinks v-fold, and the fraction is (p - 1) / (v m + p - 1).
fn pipeline_bubble_fraction(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.count("stages")?;
    let m = inputs.count("micro_batches")?;
    let v = inputs.count_or("chunks", 1)?;
    if p == 0 || m == 0 || v == 0 {
        return Err(inputs.invalid("`stages`, `micro_batches` and `chunks` must be at least 1"));
    }
    Ok(scalar((p - 1) as f64 / (v * m + p - 1) as f64))
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

/// Time of a ring all-reduce under the alpha-beta model: 2 (N - 1) steps, each paying the
/// latency alpha = `latency_s` (default 0), plus 2 (N - 1)/N x `message_bytes` moved over each
/// link at `bandwidth_bytes_per_s`; N = `num_devices`. In seconds.
fn ring_allreduce_time(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("num_devices")?;
    let size = inputs.number("message_bytes")?;
    let bandwidth = inputs.positive("bandwidth_bytes_per_s")?;
    let alpha = inputs.number_or("latency_s", 0.0)?;
    if n == 0 || size < 0.0 || alpha < 0.0 {
        return Err(inputs.invalid(
            "`num_devices` must be at least 1, `message_bytes` and `latency_s` non-negative",
        ));
    }
    let steps = 2.0 * (n as f64 - 1.0);
    Ok(scalar(steps * alpha + steps / n as f64 * size / bandwidth))
}

/// Two ways to average a loss over ranks (or micro-batches) with different token counts, from
/// each rank's summed token loss `loss_sums` and its `token_counts`: [the correct global token
/// mean sum(loss_sums) / sum(token_counts), the naive mean of the per-rank means].
fn token_weighted_loss_mean(inputs: &Inputs) -> Result<Value, Error> {
    let sums = inputs.vector("loss_sums")?;
    let tokens = inputs.vector("token_counts")?;
    inputs.same_length(("loss_sums", sums.len()), ("token_counts", tokens.len()))?;
    if sums.is_empty() || tokens.iter().any(|&t| t <= 0.0) {
        return Err(inputs.invalid("give at least one rank, each with a positive token count"));
    }
    let global = sums.iter().sum::<f64>() / tokens.iter().sum::<f64>();
    let naive = sums.iter().zip(&tokens).map(|(l, t)| l / t).sum::<f64>() / sums.len() as f64;
    Ok(array(&[global, naive]))
}

/// Activation bytes one transformer layer stores for the backward pass with 16-bit activations
/// and 1-byte dropout masks (Korthikanti et al. 2022), for s = `seq_len`, b = `micro_batch`,
/// h = `hidden`, a = `heads`, t = `tensor_parallel` (default 1): s b h (34 + 5 a s / h) without
/// parallelism; s b h (10 + 24/t + 5 a s/(h t)) with tensor parallelism; s b h (34 + 5 a s/h)/t
/// when `sequence_parallel` (default false) also splits the LayerNorm/dropout regions. With
/// `flash_attention` (default false) the 5 a s^2 b term (softmax output, its dropout mask and
/// output) is not stored.
fn activation_memory_per_layer_bytes(inputs: &Inputs) -> Result<Value, Error> {
    let s = inputs.count("seq_len")? as f64;
    let b = inputs.count("micro_batch")? as f64;
    let h = inputs.count("hidden")? as f64;
    let a = inputs.count("heads")? as f64;
    let t = inputs.count_or("tensor_parallel", 1)?;
    let sp = inputs.flag_or("sequence_parallel", false)?;
    let flash = inputs.flag_or("flash_attention", false)?;
    if h == 0.0 || a == 0.0 || t == 0 {
        return Err(inputs.invalid("`hidden`, `heads` and `tensor_parallel` must be at least 1"));
    }
    let t = t as f64;
    let scores = if flash { 0.0 } else { 5.0 * a * s / h };
    let per_sbh = if sp {
        (34.0 + scores) / t
    } else {
        10.0 + 24.0 / t + scores / t
    };
    Ok(scalar(s * b * h * per_sbh))
}

/// Peak activation memory of sqrt(n)-style checkpointing (Chen et al. 2016), in units of one
/// layer's stored activations: n = `num_layers` split into segments of k = `segment_layers`
/// keeps ceil(n/k) segment-boundary checkpoints plus the k layers of the segment being
/// recomputed, ceil(n/k) + k, minimised near k = sqrt(n).
fn checkpoint_segment_memory(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("num_layers")?;
    let k = inputs.count("segment_layers")?;
    if n == 0 || k == 0 || k > n {
        return Err(inputs.invalid("need 1 <= `segment_layers` <= `num_layers`"));
    }
    Ok(scalar((n.div_ceil(k) + k) as f64))
}

/// Tile and wave quantisation of an `m` x `n` GEMM output computed in `tile_m` x `tile_n` tiles,
/// one tile per SM at a time on `num_sms` SMs: [tiles, waves, tile efficiency (useful / padded
/// output elements), wave efficiency (tiles / (waves x SMs))].
fn wave_quantization(inputs: &Inputs) -> Result<Value, Error> {
    let m = inputs.count("m")?;
    let n = inputs.count("n")?;
    let tm = inputs.count("tile_m")?;
    let tn = inputs.count("tile_n")?;
    let sms = inputs.count("num_sms")?;
    if m == 0 || n == 0 || tm == 0 || tn == 0 || sms == 0 {
        return Err(inputs.invalid("all sizes must be at least 1"));
    }
    let (rows, cols) = (m.div_ceil(tm), n.div_ceil(tn));
    let tiles = rows * cols;
    let waves = tiles.div_ceil(sms);
    let tile_eff = (m * n) as f64 / (rows * tm * cols * tn) as f64;
    let wave_eff = tiles as f64 / (waves * sms) as f64;
    Ok(array(&[tiles as f64, waves as f64, tile_eff, wave_eff]))
}

/// Model FLOPs utilisation: 6 x `params` FLOPs per trained token (forward + backward, attention
/// ignored) times the cluster's `tokens_per_second`, over `num_gpus` x `peak_flops_per_gpu`.
fn model_flops_utilization(inputs: &Inputs) -> Result<Value, Error> {
    let params = inputs.positive("params")?;
    let tps = inputs.number("tokens_per_second")?;
    let gpus = inputs.count("num_gpus")?;
    let peak = inputs.positive("peak_flops_per_gpu")?;
    if gpus == 0 || tps < 0.0 {
        return Err(inputs.invalid("`num_gpus` must be at least 1, `tokens_per_second` >= 0"));
    }
    Ok(scalar(6.0 * params * tps / (gpus as f64 * peak)))
}

/// Wall-clock time and cost of training `params` parameters on `tokens` tokens with 6 N D FLOPs:
/// [days, GPU-hours, dollars], at `num_gpus` GPUs of `peak_flops_per_gpu` run at utilisation
/// `mfu`, paying `price_per_gpu_hour`.
fn training_time_cost(inputs: &Inputs) -> Result<Value, Error> {
    let params = inputs.positive("params")?;
    let tokens = inputs.positive("tokens")?;
    let gpus = inputs.count("num_gpus")?;
    let peak = inputs.positive("peak_flops_per_gpu")?;
    let mfu = inputs.positive("mfu")?;
    let price = inputs.number("price_per_gpu_hour")?;
    if gpus == 0 || mfu > 1.0 || price < 0.0 {
        return Err(inputs.invalid("need `num_gpus` >= 1, 0 < `mfu` <= 1, price >= 0"));
    }
    let gpu_seconds = 6.0 * params * tokens / (peak * mfu);
    let gpu_hours = gpu_seconds / 3600.0;
    let days = gpu_seconds / gpus as f64 / 86400.0;
    Ok(array(&[days, gpu_hours, gpu_hours * price]))
}

/// Amdahl's law for a job whose `parallel_fraction` p of single-worker time parallelises over
/// N = `num_workers`: [speedup 1 / ((1 - p) + p / N), scaling efficiency speedup / N].
fn amdahl_speedup(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.probability("parallel_fraction")?;
    let n = inputs.count("num_workers")?;
    if n == 0 {
        return Err(inputs.invalid("`num_workers` must be at least 1"));
    }
    let n = n as f64;
    let speedup = 1.0 / ((1.0 - p) + p / n);
    Ok(array(&[speedup, speedup / n]))
}

/// Failures of a job on `num_components` independent parts, each failing at a constant rate
/// with mean time between failures `component_mtbf_hours`, over `duration_hours`:
/// [cluster MTBF = component MTBF / count, expected failures = duration / cluster MTBF,
/// probability of no failure = exp(-expected failures)].
fn cluster_failure_rate(inputs: &Inputs) -> Result<Value, Error> {
    let mtbf = inputs.positive("component_mtbf_hours")?;
    let count = inputs.count("num_components")?;
    let duration = inputs.number("duration_hours")?;
    if count == 0 || duration < 0.0 {
        return Err(inputs.invalid("need `num_components` >= 1 and `duration_hours` >= 0"));
    }
    let cluster = mtbf / count as f64;
    let expected = duration / cluster;
    Ok(array(&[cluster, expected, (-expected).exp()]))
}

/// Young's first-order optimal checkpoint interval for a checkpoint that costs `checkpoint_cost`
/// and a mean time between failures `mtbf` (same time unit): [tau = sqrt(2 C M), overhead
/// C / tau + tau / (2 M)], the overhead being time spent writing checkpoints plus expected work
/// lost to failures (half an interval per failure), as fractions of useful time; restart time is
/// not included.
fn young_checkpoint_interval(inputs: &Inputs) -> Result<Value, Error> {
    let c = inputs.positive("checkpoint_cost")?;
    let m = inputs.positive("mtbf")?;
    let tau = (2.0 * c * m).sqrt();
    Ok(array(&[tau, c / tau + tau / (2.0 * m)]))
}

/// Compression of a rank-r PowerSGD update of an m x n gradient matrix: the m n numbers are sent
/// as factors P (m x r) and Q (n x r), a ratio of m n / ((m + n) r).
fn powersgd_compression_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let m = inputs.count("rows")?;
    let n = inputs.count("cols")?;
    let r = inputs.count("rank")?;
    if m == 0 || n == 0 || r == 0 {
        return Err(inputs.invalid("`rows`, `cols` and `rank` must be at least 1"));
    }
    Ok(scalar((m * n) as f64 / ((m + n) * r) as f64))
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

    #[test]
    fn interleaved_bubble_and_allreduce_time() {
        check(
            "pipeline_bubble_fraction",
            json!({ "stages": 3, "micro_batches": 2, "chunks": 2 }),
            json!(2.0 / 6.0),
        );
        // 4 devices: 6 steps of 1 us latency, plus 2 * 3/4 * 8 bytes / 2 B/s = 6 s.
        check(
            "ring_allreduce_time",
            json!({ "num_devices": 4, "message_bytes": 8.0, "bandwidth_bytes_per_s": 2.0, "latency_s": 1e-6 }),
            json!(6.0 + 6e-6),
        );
    }

    #[test]
    fn loss_means_and_activations() {
        // Ranks with 1 and 3 tokens and summed losses 2 and 3: global 5/4, naive (2 + 1)/2.
        check(
            "token_weighted_loss_mean",
            json!({ "loss_sums": [2.0, 3.0], "token_counts": [1.0, 3.0] }),
            json!([1.25, 1.5]),
        );
        // s = b = 1, h = a = 1: 34 + 5 = 39 bytes; flash drops the 5.
        let base = json!({ "seq_len": 1, "micro_batch": 1, "hidden": 1, "heads": 1 });
        check("activation_memory_per_layer_bytes", base, json!(39.0));
        check(
            "activation_memory_per_layer_bytes",
            json!({ "seq_len": 1, "micro_batch": 1, "hidden": 1, "heads": 1, "flash_attention": true }),
            json!(34.0),
        );
        // t = 2: 10 + 12 + 2.5; with sequence parallelism 39 / 2.
        check(
            "activation_memory_per_layer_bytes",
            json!({ "seq_len": 1, "micro_batch": 1, "hidden": 1, "heads": 1, "tensor_parallel": 2 }),
            json!(24.5),
        );
        check(
            "activation_memory_per_layer_bytes",
            json!({ "seq_len": 1, "micro_batch": 1, "hidden": 1, "heads": 1, "tensor_parallel": 2, "sequence_parallel": true }),
            json!(19.5),
        );
        check(
            "checkpoint_segment_memory",
            json!({ "num_layers": 16, "segment_layers": 4 }),
            json!(8.0),
        );
        check(
            "checkpoint_segment_memory",
            json!({ "num_layers": 10, "segment_layers": 3 }),
            json!(7.0),
        );
    }

    #[test]
    fn gpu_efficiency_and_cost() {
        // 3 x 3 output in 2 x 2 tiles: 4 tiles, 9/16 useful; on 3 SMs 2 waves, 4/6 busy.
        check(
            "wave_quantization",
            json!({ "m": 3, "n": 3, "tile_m": 2, "tile_n": 2, "num_sms": 3 }),
            json!([4.0, 2.0, 0.5625, 4.0 / 6.0]),
        );
        check(
            "model_flops_utilization",
            json!({ "params": 1.0, "tokens_per_second": 10.0, "num_gpus": 2, "peak_flops_per_gpu": 60.0 }),
            json!(0.5),
        );
        // 6 * 1 * 3600 FLOPs at 1 FLOP/s x 0.5 = 43200 GPU-seconds = 12 GPU-hours.
        check(
            "training_time_cost",
            json!({ "params": 1.0, "tokens": 3600.0, "num_gpus": 2, "peak_flops_per_gpu": 1.0, "mfu": 0.5, "price_per_gpu_hour": 2.0 }),
            json!([0.25, 12.0, 24.0]),
        );
        check(
            "amdahl_speedup",
            json!({ "parallel_fraction": 0.5, "num_workers": 2 }),
            json!([4.0 / 3.0, 2.0 / 3.0]),
        );
    }

    #[test]
    fn failures_checkpoints_and_compression() {
        check(
            "cluster_failure_rate",
            json!({ "component_mtbf_hours": 100.0, "num_components": 10, "duration_hours": 20.0 }),
            json!([10.0, 2.0, (-2.0f64).exp()]),
        );
        check(
            "young_checkpoint_interval",
            json!({ "checkpoint_cost": 2.0, "mtbf": 100.0 }),
            json!([20.0, 0.2]),
        );
        check(
            "powersgd_compression_ratio",
            json!({ "rows": 4, "cols": 4, "rank": 1 }),
            json!(2.0),
        );
    }
}
