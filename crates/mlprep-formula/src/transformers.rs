//! Formulas of the `transformers` category: scaled dot-product attention (with masks), the online
//! softmax behind FlashAttention, positional schemes (sinusoidal, ALiBi), and the parameter and
//! memory counts of attention (projection weights, score matrices, the KV cache).

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
}
