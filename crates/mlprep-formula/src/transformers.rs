//! Formulas of the `transformers` category: scaled dot-product attention (with masks), the online
//! softmax behind FlashAttention, positional schemes (sinusoidal, ALiBi), and the parameter and
//! memory counts of attention (projection weights, score matrices, the KV cache), RoPE, parameter
//! and FLOP counts of whole blocks and models, mixture-of-experts accounting, and decoding
//! (length normalisation, sampling filters, repetition penalties).

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("scaled_dot_product_attention", scaled_dot_product_attention),
    ("online_softmax", online_softmax),
    (
        "sinusoidal_positional_encoding",
        sinusoidal_positional_encoding,
    ),
    ("alibi_slopes", alibi_slopes),
    ("mha_param_count", mha_param_count),
    ("attention_score_memory_bytes", attention_score_memory_bytes),
    ("kv_cache_bytes", kv_cache_bytes),
    ("rope_rotate", rope_rotate),
    ("rope_ntk_base", rope_ntk_base),
    ("ffn_param_count", ffn_param_count),
    ("transformer_param_count", transformer_param_count),
    ("transformer_flops_per_token", transformer_flops_per_token),
    ("moe_param_count", moe_param_count),
    ("moe_load_balancing_loss", moe_load_balancing_loss),
    ("length_normalized_log_prob", length_normalized_log_prob),
    ("sampling_distribution", sampling_distribution),
    ("repetition_penalty_logits", repetition_penalty_logits),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// softmax(`q` `k`^T * scale + mask) `v`, the softmax over keys, one row per query. `q` is
/// (n x d), `k` (m x d), `v` (m x d_v). Optional: `mask` (n x m, 1 = may attend, 0 = masked to
/// -inf), `causal` (true or 1: query i sees keys 0..=i, PyTorch's top-left alignment), and
/// `scale` (default 1/sqrt(d)). A query that can attend to nothing is an error.
fn scaled_dot_product_attention(inputs: &Inputs) -> Result<Value, Error> {
    let q = inputs.matrix("q")?;
    let k = inputs.matrix("k")?;
    let v = inputs.matrix("v")?;
    let d = q[0].len();
    inputs.same_length(("columns of q", d), ("columns of k", k[0].len()))?;
    inputs.same_length(("rows of k", k.len()), ("rows of v", v.len()))?;
    let mask = inputs.optional_matrix("mask")?;
    if let Some(mask) = &mask {
        if mask.len() != q.len() || mask[0].len() != k.len() {
            return Err(inputs.invalid(format!(
                "`mask` must be (queries x keys) = ({} x {}), one row per query",
                q.len(),
                k.len()
            )));
        }
        if mask.iter().flatten().any(|&x| x != 0.0 && x != 1.0) {
            return Err(inputs.invalid("`mask` holds 1 (may attend) and 0 (masked) only"));
        }
    }
    let causal = inputs.flag_or("causal", false)?;
    let scale = inputs.number_or("scale", 1.0 / (d as f64).sqrt())?;
    let mut out = Vec::with_capacity(q.len());
    for (i, query) in q.iter().enumerate() {
        let visible =
            |j: usize| mask.as_ref().is_none_or(|m| m[i][j] == 1.0) && (!causal || j <= i);
        let keys: Vec<usize> = (0..k.len()).filter(|&j| visible(j)).collect();
        if keys.is_empty() {
            return Err(inputs.invalid(format!(
                "query {i} may attend to no key, so its softmax is undefined; unmask at least \
                 one key per query"
            )));
        }
        let scores: Vec<f64> = keys
            .iter()
            .map(|&j| common::dot(query, &k[j]) * scale)
            .collect();
        let weights = common::softmax(&scores);
        let row = (0..v[0].len())
            .map(|c| keys.iter().zip(&weights).map(|(&j, w)| w * v[j][c]).sum())
            .collect();
        out.push(row);
    }
    Ok(nested(&out))
}

/// Softmax of `scores` computed block by block (`block_size` entries at a time) with a running
/// maximum and a running sum, rescaling what was accumulated whenever the maximum grows: the
/// recurrence FlashAttention uses. The result equals the ordinary softmax.
fn online_softmax(inputs: &Inputs) -> Result<Value, Error> {
    let scores = inputs.vector("scores")?;
    let block = inputs.count("block_size")?;
    if block == 0 {
        return Err(inputs.invalid("`block_size` must be at least 1"));
    }
    let mut running_max = f64::NEG_INFINITY;
    let mut running_sum = 0.0;
    // Unnormalised weights exp(s - running_max), rescaled when the maximum changes.
    let mut weights: Vec<f64> = Vec::with_capacity(scores.len());
    for chunk in scores.chunks(block) {
        let new_max = chunk.iter().copied().fold(running_max, f64::max);
        let rescale = (running_max - new_max).exp();
        running_sum *= rescale;
        for w in weights.iter_mut() {
            *w *= rescale;
        }
        for &s in chunk {
            let w = (s - new_max).exp();
            running_sum += w;
            weights.push(w);
        }
        running_max = new_max;
    }
    Ok(array(
        &weights.iter().map(|w| w / running_sum).collect::<Vec<_>>(),
    ))
}

/// The sinusoidal encoding of position `pos` in `d_model` dimensions, interleaved: entry 2i is
/// sin(pos / base^(2i / d_model)) and entry 2i + 1 the cosine of the same angle; `base`
/// defaults to 10000.
fn sinusoidal_positional_encoding(inputs: &Inputs) -> Result<Value, Error> {
    let pos = inputs.number("pos")?;
    let d = inputs.count("d_model")?;
    let base = inputs.number_or("base", 10_000.0)?;
    if d == 0 || base <= 0.0 {
        return Err(inputs.invalid("`d_model` must be at least 1 and `base` positive"));
    }
    let encoding: Vec<f64> = (0..d)
        .map(|j| {
            let pair = (j / 2 * 2) as f64;
            let angle = pos / base.powf(pair / d as f64);
            if j % 2 == 0 { angle.sin() } else { angle.cos() }
        })
        .collect();
    Ok(array(&encoding))
}

/// ALiBi head slopes for `num_heads` heads (Press et al. 2022). For H a power of two, head h
/// (1-based) has slope 2^(-8h/H). Otherwise, as in the reference code, the slopes of the largest
/// power of two below H are followed by every other slope of twice that power, up to H in all.
fn alibi_slopes(inputs: &Inputs) -> Result<Value, Error> {
    let heads = inputs.count("num_heads")?;
    if heads == 0 {
        return Err(inputs.invalid("`num_heads` must be at least 1"));
    }
    fn geometric(n: usize) -> Vec<f64> {
        (1..=n)
            .map(|h| 2f64.powf(-8.0 * h as f64 / n as f64))
            .collect()
    }
    let power = 1usize << heads.ilog2();
    let mut slopes = geometric(power);
    if power < heads {
        slopes.extend(
            geometric(2 * power)
                .into_iter()
                .step_by(2)
                .take(heads - power),
        );
    }
    Ok(array(&slopes))
}

/// Parameters of multi-head attention's projections W^Q, W^K, W^V, W^O, each `d_model` x
/// `d_model`: 4 d^2, plus 4 d with `bias`. The head count only splits d_model, so it must
/// divide it.
fn mha_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let d = inputs.count("d_model")?;
    let heads = inputs.count("num_heads")?;
    let bias = inputs.flag_or("bias", false)?;
    if heads == 0 || d % heads != 0 {
        return Err(inputs.invalid(format!("`num_heads` ({heads}) must divide `d_model` ({d})")));
    }
    let d = d as f64;
    Ok(scalar(4.0 * d * d + if bias { 4.0 * d } else { 0.0 }))
}

/// Bytes of one layer's attention score matrices: `seq_len`^2 x `heads` x `bytes_per_element`
/// x `batch` (default 1).
fn attention_score_memory_bytes(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.number("seq_len")?;
    let heads = inputs.number("heads")?;
    let bytes = inputs.number("bytes_per_element")?;
    let batch = inputs.number_or("batch", 1.0)?;
    Ok(scalar(n * n * heads * bytes * batch))
}

/// Bytes of the KV cache: 2 (keys and values) x `num_layers` x `num_kv_heads` x `head_dim` x
/// `seq_len` x `bytes_per_element` x `batch` (default 1).
fn kv_cache_bytes(inputs: &Inputs) -> Result<Value, Error> {
    let product = [
        "num_layers",
        "num_kv_heads",
        "head_dim",
        "seq_len",
        "bytes_per_element",
    ]
    .iter()
    .map(|name| inputs.number(name))
    .product::<Result<f64, Error>>()?;
    let batch = inputs.number_or("batch", 1.0)?;
    Ok(scalar(2.0 * product * batch))
}

/// RoPE applied to the vector `x` (even length d) at position `pos`: each interleaved pair
/// (x[2i], x[2i+1]) is rotated by the angle pos * theta_i with theta_i = `base`^(-2i/d)
/// (`base` defaults to 10000), as in the RoFormer paper.
fn rope_rotate(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let pos = inputs.number("pos")?;
    let base = inputs.number_or("base", 10_000.0)?;
    if x.len() % 2 != 0 || base <= 0.0 {
        return Err(inputs.invalid("`x` must have an even length and `base` must be positive"));
    }
    let d = x.len() as f64;
    let mut out = Vec::with_capacity(x.len());
    for (i, pair) in x.chunks(2).enumerate() {
        let angle = pos * base.powf(-2.0 * i as f64 / d);
        let (sin, cos) = angle.sin_cos();
        out.push(pair[0] * cos - pair[1] * sin);
        out.push(pair[0] * sin + pair[1] * cos);
    }
    Ok(array(&out))
}

/// NTK-aware RoPE base for a context stretched by `scale`: `base` x `scale`^(d / (d - 2)) with
/// d = `head_dim`, which stretches the lowest frequency's wavelength by exactly `scale` while
/// leaving the highest frequency unchanged.
fn rope_ntk_base(inputs: &Inputs) -> Result<Value, Error> {
    let base = inputs.positive("base")?;
    let scale = inputs.positive("scale")?;
    let d = inputs.count("head_dim")?;
    if d < 4 || d % 2 != 0 {
        return Err(inputs.invalid("`head_dim` must be even and at least 4"));
    }
    let d = d as f64;
    Ok(scalar(base * scale.powf(d / (d - 2.0))))
}

/// Weights of one position-wise FFN without biases: 2 `d_model` `d_ff` (up and down
/// projections), or 3 `d_model` `d_ff` when `gated` (GLU variants such as SwiGLU have a second
/// up projection).
fn ffn_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let d = inputs.count("d_model")? as f64;
    let d_ff = inputs.count("d_ff")? as f64;
    let gated = inputs.flag_or("gated", false)?;
    Ok(scalar(if gated { 3.0 } else { 2.0 } * d * d_ff))
}

/// Weight-matrix parameters of a decoder-only transformer, ignoring biases and norm gains:
/// `num_layers` x (4 d^2 attention + FFN as in `ffn_param_count`) + `vocab_size` x d for the
/// input embedding, doubled when the output embedding is untied (`tied_embeddings`, default
/// true), + `max_positions` x d for a learned position table (default 0).
fn transformer_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let layers = inputs.count("num_layers")? as f64;
    let d = inputs.count("d_model")? as f64;
    let d_ff = inputs.count("d_ff")? as f64;
    let vocab = inputs.count("vocab_size")? as f64;
    let gated = inputs.flag_or("gated", false)?;
    let tied = inputs.flag_or("tied_embeddings", true)?;
    let positions = inputs.count_or("max_positions", 0)? as f64;
    let ffn = if gated { 3.0 } else { 2.0 } * d * d_ff;
    let per_layer = 4.0 * d * d + ffn;
    let embeddings = vocab * d * if tied { 1.0 } else { 2.0 } + positions * d;
    Ok(scalar(layers * per_layer + embeddings))
}

/// FLOPs per token: forward 2 `params` + 4 `num_layers` `seq_len` `d_model` (the QK^T and AV
/// products over a full, unmasked context of `seq_len`, 2 FLOPs per multiply-add); with
/// `training` (default false) three times that, as in PaLM's 6N + 12 L H Q T.
fn transformer_flops_per_token(inputs: &Inputs) -> Result<Value, Error> {
    let params = inputs.number("params")?;
    let layers = inputs.count("num_layers")? as f64;
    let seq_len = inputs.count("seq_len")? as f64;
    let d = inputs.count("d_model")? as f64;
    let training = inputs.flag_or("training", false)?;
    if params < 0.0 {
        return Err(inputs.invalid("`params` cannot be negative"));
    }
    let forward = 2.0 * params + 4.0 * layers * seq_len * d;
    Ok(scalar(if training { 3.0 } else { 1.0 } * forward))
}

/// Total and active parameters of a mixture-of-experts model: [`dense_params` + `num_experts` x
/// `params_per_expert`, `dense_params` + `top_k` x `params_per_expert`], where
/// `params_per_expert` sums one expert's weights over all MoE layers.
fn moe_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let dense = inputs.number("dense_params")?;
    let per_expert = inputs.number("params_per_expert")?;
    let experts = inputs.count("num_experts")?;
    let top_k = inputs.count("top_k")?;
    if top_k == 0 || top_k > experts || dense < 0.0 || per_expert < 0.0 {
        return Err(inputs.invalid(
            "`top_k` must be between 1 and `num_experts`, and parameter counts non-negative",
        ));
    }
    Ok(array(&[
        dense + experts as f64 * per_expert,
        dense + top_k as f64 * per_expert,
    ]))
}

/// The Switch Transformer load-balancing loss without its coefficient: N sum_i f_i P_i, with
/// `token_fractions` f (share of tokens routed to expert i) and `router_probs` P (mean router
/// probability of expert i), N the number of experts. It equals 1 under uniform routing.
fn moe_load_balancing_loss(inputs: &Inputs) -> Result<Value, Error> {
    let f = inputs.vector("token_fractions")?;
    let p = inputs.vector("router_probs")?;
    inputs.same_length(("token_fractions", f.len()), ("router_probs", p.len()))?;
    for (name, xs) in [("token_fractions", &f), ("router_probs", &p)] {
        for &x in xs.iter() {
            inputs.check_probability(name, x)?;
        }
    }
    Ok(scalar(f.len() as f64 * common::dot(&f, &p)))
}

/// Length-normalised beam score of each hypothesis: sum of its token `log_probs` divided by
/// length^`alpha` (alpha 0: raw log-probability; 1: mean per token). One row per hypothesis.
fn length_normalized_log_prob(inputs: &Inputs) -> Result<Value, Error> {
    let hypotheses = inputs.rows("log_probs")?;
    let alpha = inputs.number("alpha")?;
    if hypotheses.iter().flatten().any(|&lp| lp > 0.0) {
        return Err(inputs.invalid("`log_probs` are log-probabilities, so none can exceed 0"));
    }
    let scores: Vec<f64> = hypotheses
        .iter()
        .map(|h| h.iter().sum::<f64>() / (h.len() as f64).powf(alpha))
        .collect();
    Ok(array(&scores))
}

/// The distribution sampled from after temperature and truncation, in this order: softmax of
/// `logits` / `temperature` (default 1); keep the `top_k` most probable tokens (optional); keep
/// the smallest most-probable set whose renormalised mass reaches `top_p` (optional); keep
/// tokens whose probability is at least `min_p` times the largest (optional); renormalise.
/// Removed tokens get probability 0.
fn sampling_distribution(inputs: &Inputs) -> Result<Value, Error> {
    let logits = inputs.vector("logits")?;
    let temperature = inputs.number_or("temperature", 1.0)?;
    let top_k = match inputs.raw("top_k") {
        None => None,
        Some(_) => Some(inputs.count("top_k")?),
    };
    let top_p = inputs.optional_number("top_p")?;
    let min_p = inputs.optional_number("min_p")?;
    if temperature <= 0.0 {
        return Err(
            inputs.invalid("`temperature` must be positive (0 means greedy: take the argmax)")
        );
    }
    if top_k == Some(0) {
        return Err(inputs.invalid("`top_k` must be at least 1"));
    }
    for (name, value) in [("top_p", top_p), ("min_p", min_p)] {
        if let Some(x) = value
            && !(x > 0.0 && x <= 1.0)
        {
            return Err(inputs.invalid(format!("`{name}` must lie in (0, 1]")));
        }
    }
    let scaled: Vec<f64> = logits.iter().map(|z| z / temperature).collect();
    let mut probs = common::softmax(&scaled);
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    let renormalise = |p: &mut Vec<f64>| {
        let total: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= total);
    };
    if let Some(k) = top_k {
        for &i in order.iter().skip(k) {
            probs[i] = 0.0;
        }
        renormalise(&mut probs);
    }
    if let Some(p) = top_p {
        let mut mass = 0.0;
        let mut reached = false;
        for &i in &order {
            if reached {
                probs[i] = 0.0;
            } else {
                mass += probs[i];
                reached = mass >= p;
            }
        }
        renormalise(&mut probs);
    }
    if let Some(m) = min_p {
        let largest = probs[order[0]];
        for p in probs.iter_mut() {
            if *p < m * largest {
                *p = 0.0;
            }
        }
        renormalise(&mut probs);
    }
    Ok(array(&probs))
}

/// Logits after repetition penalties, given how often each token already occurred (`counts`).
/// The CTRL `repetition_penalty` (default 1) divides positive logits of seen tokens by it and
/// multiplies negative ones; then `frequency_penalty` (default 0) subtracts count x penalty and
/// `presence_penalty` (default 0) subtracts the penalty once for every seen token.
fn repetition_penalty_logits(inputs: &Inputs) -> Result<Value, Error> {
    let logits = inputs.vector("logits")?;
    let counts = inputs.vector("counts")?;
    inputs.same_length(("logits", logits.len()), ("counts", counts.len()))?;
    let theta = inputs.number_or("repetition_penalty", 1.0)?;
    let frequency = inputs.number_or("frequency_penalty", 0.0)?;
    let presence = inputs.number_or("presence_penalty", 0.0)?;
    if theta <= 0.0 || counts.iter().any(|&c| c < 0.0 || c.fract() != 0.0) {
        return Err(inputs
            .invalid("`repetition_penalty` must be positive and `counts` non-negative integers"));
    }
    let out: Vec<f64> = logits
        .iter()
        .zip(&counts)
        .map(|(&z, &c)| {
            if c == 0.0 {
                return z;
            }
            let z = if z > 0.0 { z / theta } else { z * theta };
            z - c * frequency - presence
        })
        .collect();
    Ok(array(&out))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn attention_with_equal_scores_averages_values() {
        check(
            "scaled_dot_product_attention",
            json!({ "q": [[0.0, 0.0]], "k": [[1.0, 2.0], [3.0, 4.0]], "v": [[1.0], [3.0]] }),
            json!([[2.0]]),
        );
    }

    #[test]
    fn causal_flag_and_mask_agree() {
        let expected = json!([[1.0], [2.0]]);
        let q = json!([[0.0], [0.0]]);
        check(
            "scaled_dot_product_attention",
            json!({ "q": q, "k": [[1.0], [1.0]], "v": [[1.0], [3.0]], "causal": true }),
            expected.clone(),
        );
        check(
            "scaled_dot_product_attention",
            json!({ "q": q, "k": [[1.0], [1.0]], "v": [[1.0], [3.0]], "mask": [[1, 0], [1, 1]] }),
            expected,
        );
        check_err(
            "scaled_dot_product_attention",
            json!({ "q": q, "k": [[1.0], [1.0]], "v": [[1.0], [3.0]], "mask": [[0, 0], [1, 1]] }),
        );
    }

    #[test]
    fn attention_scale_is_one_over_sqrt_d() {
        // Scores [4, 0] / sqrt(4) = [2, 0]: weights sigmoid(2) and 1 - sigmoid(2).
        let w = 1.0 / (1.0 + (-2f64).exp());
        check(
            "scaled_dot_product_attention",
            json!({
                "q": [[1.0, 1.0, 1.0, 1.0]],
                "k": [[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]],
                "v": [[1.0], [0.0]]
            }),
            json!([[w]]),
        );
    }

    #[test]
    fn online_softmax_equals_softmax() {
        check(
            "online_softmax",
            json!({ "scores": [0.0, 1000.0, 0.0, 1000.0], "block_size": 1 }),
            json!([0.0, 0.5, 0.0, 0.5]),
        );
        check(
            "online_softmax",
            json!({ "scores": [3.0, 3.0, 3.0], "block_size": 2 }),
            json!([1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]),
        );
    }

    #[test]
    fn positional_encoding_at_zero() {
        check(
            "sinusoidal_positional_encoding",
            json!({ "pos": 0, "d_model": 4 }),
            json!([0.0, 1.0, 0.0, 1.0]),
        );
    }

    #[test]
    fn alibi_for_powers_of_two_and_others() {
        check(
            "alibi_slopes",
            json!({ "num_heads": 2 }),
            json!([1.0 / 16.0, 1.0 / 256.0]),
        );
        // 6 heads: the 4-head slopes 2^-2, 2^-4, 2^-6, 2^-8, then the first two of the 8-head
        // slopes taken every other one (2^-1, 2^-3, ...).
        check(
            "alibi_slopes",
            json!({ "num_heads": 6 }),
            json!([0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]),
        );
    }

    #[test]
    fn counts_and_memory() {
        check(
            "mha_param_count",
            json!({ "d_model": 4, "num_heads": 2, "bias": true }),
            json!(80),
        );
        check_err("mha_param_count", json!({ "d_model": 10, "num_heads": 3 }));
        check(
            "attention_score_memory_bytes",
            json!({ "seq_len": 10, "heads": 2, "bytes_per_element": 4, "batch": 3 }),
            json!(2400),
        );
        check(
            "kv_cache_bytes",
            json!({ "num_layers": 2, "num_kv_heads": 1, "head_dim": 4, "seq_len": 10, "bytes_per_element": 2 }),
            json!(320),
        );
    }

    #[test]
    fn rope_rotates_pairs_and_keeps_position_zero() {
        check(
            "rope_rotate",
            json!({ "x": [1.0, 2.0, 3.0, 4.0], "pos": 0 }),
            json!([1.0, 2.0, 3.0, 4.0]),
        );
        // d = 2: a single pair rotated by pos * 1 radian; pi/2 maps (1, 0) to (0, 1).
        let half_pi = std::f64::consts::FRAC_PI_2;
        let got = crate::evaluate(
            "rope_rotate",
            json!({ "x": [1.0, 0.0], "pos": half_pi })
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert!(
            crate::matches(&json!([0.0, 1.0]), &got, 1e-12).is_ok(),
            "{got}"
        );
    }

    #[test]
    fn ntk_base_for_head_dim_four() {
        // d / (d - 2) = 2, so base 10 with scale 3 becomes 10 * 9 = 90.
        check(
            "rope_ntk_base",
            json!({ "base": 10.0, "scale": 3.0, "head_dim": 4 }),
            json!(90.0),
        );
    }

    #[test]
    fn ffn_and_model_counts() {
        check(
            "ffn_param_count",
            json!({ "d_model": 2, "d_ff": 8 }),
            json!(32),
        );
        check(
            "ffn_param_count",
            json!({ "d_model": 2, "d_ff": 8, "gated": true }),
            json!(48),
        );
        // 1 layer, d = 2, d_ff = 8: 16 + 32 = 48, plus vocab 10 x 2 = 20 tied, + 3 positions x 2.
        check(
            "transformer_param_count",
            json!({ "num_layers": 1, "d_model": 2, "d_ff": 8, "vocab_size": 10, "max_positions": 3 }),
            json!(74),
        );
        check(
            "transformer_param_count",
            json!({ "num_layers": 1, "d_model": 2, "d_ff": 8, "vocab_size": 10, "tied_embeddings": false }),
            json!(88),
        );
    }

    #[test]
    fn flops_per_token() {
        // 2 * 100 + 4 * 2 * 10 * 4 = 520 forward; training triples it.
        check(
            "transformer_flops_per_token",
            json!({ "params": 100, "num_layers": 2, "seq_len": 10, "d_model": 4 }),
            json!(520),
        );
        check(
            "transformer_flops_per_token",
            json!({ "params": 100, "num_layers": 2, "seq_len": 10, "d_model": 4, "training": true }),
            json!(1560),
        );
    }

    #[test]
    fn moe_counts_and_balance_loss() {
        check(
            "moe_param_count",
            json!({ "dense_params": 10, "params_per_expert": 5, "num_experts": 8, "top_k": 2 }),
            json!([50, 20]),
        );
        check_err(
            "moe_param_count",
            json!({ "dense_params": 10, "params_per_expert": 5, "num_experts": 2, "top_k": 3 }),
        );
        check(
            "moe_load_balancing_loss",
            json!({ "token_fractions": [0.5, 0.5], "router_probs": [0.5, 0.5] }),
            json!(1.0),
        );
        check(
            "moe_load_balancing_loss",
            json!({ "token_fractions": [1.0, 0.0], "router_probs": [1.0, 0.0] }),
            json!(2.0),
        );
    }

    #[test]
    fn length_normalisation() {
        check(
            "length_normalized_log_prob",
            json!({ "log_probs": [[-1.0, -1.0], [-3.0]], "alpha": 1.0 }),
            json!([-1.0, -3.0]),
        );
        check(
            "length_normalized_log_prob",
            json!({ "log_probs": [[-1.0, -1.0], [-3.0]], "alpha": 0.0 }),
            json!([-2.0, -3.0]),
        );
    }

    #[test]
    fn sampling_filters() {
        // Logits ln 4, ln 2, ln 1, ln 1: probabilities 0.5, 0.25, 0.125, 0.125.
        let logits = json!([4f64.ln(), 2f64.ln(), 0.0, 0.0]);
        check(
            "sampling_distribution",
            json!({ "logits": logits }),
            json!([0.5, 0.25, 0.125, 0.125]),
        );
        check(
            "sampling_distribution",
            json!({ "logits": logits, "top_k": 2 }),
            json!([2.0 / 3.0, 1.0 / 3.0, 0.0, 0.0]),
        );
        // 0.5 < 0.6, 0.5 + 0.25 >= 0.6: the first two survive.
        check(
            "sampling_distribution",
            json!({ "logits": logits, "top_p": 0.6 }),
            json!([2.0 / 3.0, 1.0 / 3.0, 0.0, 0.0]),
        );
        // min_p 0.3: threshold 0.15 removes the two 0.125 tokens.
        check(
            "sampling_distribution",
            json!({ "logits": logits, "min_p": 0.3 }),
            json!([2.0 / 3.0, 1.0 / 3.0, 0.0, 0.0]),
        );
        // Temperature 0.5 squares the odds: 16 : 4 : 1 : 1.
        check(
            "sampling_distribution",
            json!({ "logits": logits, "temperature": 0.5 }),
            json!([16.0 / 22.0, 4.0 / 22.0, 1.0 / 22.0, 1.0 / 22.0]),
        );
        check_err(
            "sampling_distribution",
            json!({ "logits": logits, "temperature": 0.0 }),
        );
    }

    #[test]
    fn repetition_penalties() {
        check(
            "repetition_penalty_logits",
            json!({ "logits": [2.0, -2.0, 1.0], "counts": [1, 1, 0], "repetition_penalty": 2.0 }),
            json!([1.0, -4.0, 1.0]),
        );
        check(
            "repetition_penalty_logits",
            json!({ "logits": [2.0, 1.0], "counts": [3, 0], "frequency_penalty": 0.5, "presence_penalty": 1.0 }),
            json!([-0.5, 1.0]),
        );
    }
}
