//! Formulas of the `nlp-llm` category: perplexity, LoRA's parameter count, cosine similarity of
//! embeddings, FActScore, vocabulary cost, n-gram smoothing, TF-IDF and BM25, rank fusion, word2vec
//! noise distribution, MinHash-LSH banding, product-quantisation compression, QLoRA storage, the
//! preference losses (reward model, DPO), PPO's clipped objective, GRPO advantages and semantic
//! entropy. BLEU lives with the other metrics in `losses_metrics`.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("perplexity", perplexity),
    ("lora_param_count", lora_param_count),
    ("cosine_similarity", cosine_similarity),
    ("factscore", factscore),
    ("vocab_embedding_params", vocab_embedding_params),
    ("add_k_smoothing", add_k_smoothing),
    ("tf_idf", tf_idf),
    ("bm25_term_score", bm25_term_score),
    ("reciprocal_rank_fusion", reciprocal_rank_fusion),
    (
        "negative_sampling_distribution",
        negative_sampling_distribution,
    ),
    ("lsh_candidate_probability", lsh_candidate_probability),
    ("pq_compression_ratio", pq_compression_ratio),
    ("qlora_bits_per_param", qlora_bits_per_param),
    ("reward_model_pairwise_loss", reward_model_pairwise_loss),
    ("dpo_loss", dpo_loss),
    ("ppo_clipped_objective", ppo_clipped_objective),
    ("grpo_advantages", grpo_advantages),
    ("semantic_entropy", semantic_entropy),
    ("ties_merge", ties_merge),
    ("compound_success_probability", compound_success_probability),
    ("language_sampling_probs", language_sampling_probs),
    ("vlm_image_tokens", vlm_image_tokens),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// exp(mean negative log-likelihood in nats) of the observed tokens, from `token_probs` (the
/// probability the model gave each observed token) or `log_probs` (their natural logs).
fn perplexity(inputs: &Inputs) -> Result<Value, Error> {
    let log_probs = match (inputs.has("token_probs"), inputs.has("log_probs")) {
        (true, false) => {
            let probs = inputs.vector("token_probs")?;
            for &p in &probs {
                inputs.check_probability("token_probs", p)?;
            }
            probs.iter().map(|p| p.ln()).collect()
        }
        (false, true) => inputs.vector("log_probs")?,
        _ => {
            return Err(
                inputs.invalid("give exactly one of `token_probs` or `log_probs` (natural logs)")
            );
        }
    };
    if log_probs.iter().any(|&l| l > 0.0) {
        return Err(inputs.invalid("log-probabilities cannot be positive"));
    }
    Ok(scalar((-common::mean(&log_probs)).exp()))
}

/// LoRA's trainable parameters for one `d_out` x `d_in` weight: `rank` (`d_in` + `d_out`), the
/// matrices A (rank x d_in) and B (d_out x rank).
fn lora_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let d_in = inputs.count("d_in")? as f64;
    let d_out = inputs.count("d_out")? as f64;
    let rank = inputs.count("rank")? as f64;
    Ok(scalar(rank * (d_in + d_out)))
}

/// a . b / (||a|| ||b||).
fn cosine_similarity(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.vector("a")?;
    let b = inputs.vector("b")?;
    inputs.same_length(("a", a.len()), ("b", b.len()))?;
    let norms = common::norm(&a) * common::norm(&b);
    if norms == 0.0 {
        return Err(inputs.invalid("cosine similarity is undefined for a zero vector"));
    }
    Ok(scalar(common::dot(&a, &b) / norms))
}

/// FActScore over responses: the mean of each response's `supported` / `total` atomic facts (no
/// length penalty).
fn factscore(inputs: &Inputs) -> Result<Value, Error> {
    let supported = inputs.vector("supported")?;
    let total = inputs.vector("total")?;
    inputs.same_length(("supported", supported.len()), ("total", total.len()))?;
    let mut fractions = Vec::with_capacity(total.len());
    for (&s, &t) in supported.iter().zip(&total) {
        if t <= 0.0 || s < 0.0 || s > t {
            return Err(inputs.invalid(format!(
                "each response needs 0 <= supported <= total and total > 0, got {s} of {t}"
            )));
        }
        fractions.push(s / t);
    }
    Ok(scalar(common::mean(&fractions)))
}

/// Parameters in the token-embedding matrix and the output (unembedding) projection:
/// `vocab_size` x `d_model`, counted once when `tied` (default false) and twice otherwise.
fn vocab_embedding_params(inputs: &Inputs) -> Result<Value, Error> {
    let vocab = inputs.count("vocab_size")? as f64;
    let d_model = inputs.count("d_model")? as f64;
    let tied = inputs.flag_or("tied", false)?;
    let copies = if tied { 1.0 } else { 2.0 };
    Ok(scalar(copies * vocab * d_model))
}

/// Add-k (Lidstone) estimate of P(w | context): (`count` + `k`) / (`context_count` + `k` *
/// `vocab_size`); `k` = 1 is Laplace smoothing.
fn add_k_smoothing(inputs: &Inputs) -> Result<Value, Error> {
    let count = inputs.number("count")?;
    let context_count = inputs.number("context_count")?;
    let vocab = inputs.count("vocab_size")? as f64;
    let k = inputs.number("k")?;
    if count < 0.0 || k < 0.0 || count > context_count {
        return Err(inputs.invalid("need 0 <= count <= context_count and k >= 0"));
    }
    let denominator = context_count + k * vocab;
    if denominator <= 0.0 {
        return Err(inputs.invalid("context_count + k * vocab_size must be positive"));
    }
    Ok(scalar((count + k) / denominator))
}

/// TF-IDF weight of a term in a document: raw `term_count` times ln(`num_docs` / `doc_freq`).
fn tf_idf(inputs: &Inputs) -> Result<Value, Error> {
    let tf = inputs.number("term_count")?;
    let n = inputs.number("num_docs")?;
    let df = inputs.number("doc_freq")?;
    if tf < 0.0 || df <= 0.0 || df > n {
        return Err(inputs.invalid("need term_count >= 0 and 0 < doc_freq <= num_docs"));
    }
    Ok(scalar(tf * (n / df).ln()))
}

/// BM25 contribution of one query term to one document, with the non-negative (Lucene) IDF
/// ln(1 + (N - n + 0.5) / (n + 0.5)) and saturation tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)).
/// `k1` defaults to 1.2 and `b` to 0.75.
fn bm25_term_score(inputs: &Inputs) -> Result<Value, Error> {
    let tf = inputs.number("tf")?;
    let doc_len = inputs.positive("doc_len")?;
    let avg_doc_len = inputs.positive("avg_doc_len")?;
    let n = inputs.number("num_docs")?;
    let df = inputs.number("doc_freq")?;
    let k1 = inputs.number_or("k1", 1.2)?;
    let b = inputs.number_or("b", 0.75)?;
    if tf < 0.0 || df < 0.0 || df > n || k1 < 0.0 || !(0.0..=1.0).contains(&b) {
        return Err(
            inputs.invalid("need tf >= 0, 0 <= doc_freq <= num_docs, k1 >= 0 and b in [0, 1]")
        );
    }
    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    let norm = k1 * (1.0 - b + b * doc_len / avg_doc_len);
    if tf == 0.0 {
        return Ok(scalar(0.0));
    }
    Ok(scalar(idf * tf * (k1 + 1.0) / (tf + norm)))
}

/// Reciprocal rank fusion score of one document: the sum over result lists of 1 / (`k` + rank),
/// with 1-based `ranks` (one per list that returned the document) and `k` defaulting to 60.
fn reciprocal_rank_fusion(inputs: &Inputs) -> Result<Value, Error> {
    let ranks = inputs.vector("ranks")?;
    let k = inputs.number_or("k", 60.0)?;
    if k < 0.0 || ranks.iter().any(|&r| r < 1.0 || r.fract() != 0.0) {
        return Err(inputs.invalid("ranks must be whole numbers from 1 and k must be >= 0"));
    }
    Ok(scalar(ranks.iter().map(|r| 1.0 / (k + r)).sum()))
}

/// word2vec's negative-sampling noise distribution: `counts` raised to `power` (default 0.75),
/// normalised to sum to 1.
fn negative_sampling_distribution(inputs: &Inputs) -> Result<Value, Error> {
    let counts = inputs.vector("counts")?;
    let power = inputs.number_or("power", 0.75)?;
    if counts.iter().any(|&c| c < 0.0) || counts.iter().all(|&c| c == 0.0) {
        return Err(inputs.invalid("counts must be >= 0 and not all zero"));
    }
    let weights: Vec<f64> = counts.iter().map(|c| c.powf(power)).collect();
    let total: f64 = weights.iter().sum();
    Ok(common::array(
        &weights.iter().map(|w| w / total).collect::<Vec<_>>(),
    ))
}

/// Probability that two documents with Jaccard `similarity` s become an LSH candidate pair with
/// `bands` bands of `rows` MinHash rows each: 1 - (1 - s^rows)^bands.
fn lsh_candidate_probability(inputs: &Inputs) -> Result<Value, Error> {
    let s = inputs.probability("similarity")?;
    let bands = inputs.count("bands")?;
    let rows = inputs.count("rows")?;
    if bands == 0 || rows == 0 {
        return Err(inputs.invalid("bands and rows must be at least 1"));
    }
    Ok(scalar(1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)))
}

/// Compression ratio of product quantisation: a `dim`-dimensional vector of `float_bytes`-byte
/// floats (default 4) against `num_subspaces` codes of `bits_per_code` bits (codebooks excluded).
fn pq_compression_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let dim = inputs.count("dim")? as f64;
    let m = inputs.count("num_subspaces")? as f64;
    let bits = inputs.count("bits_per_code")? as f64;
    let float_bytes = inputs.number_or("float_bytes", 4.0)?;
    if m == 0.0 || bits == 0.0 || dim == 0.0 || float_bytes <= 0.0 {
        return Err(
            inputs.invalid("dim, num_subspaces, bits_per_code and float_bytes must be positive")
        );
    }
    Ok(scalar(dim * float_bytes * 8.0 / (m * bits)))
}

/// Storage bits per weight under block-wise quantisation: `weight_bits` plus one `scale_bits`
/// scale per `block_size` weights; with double quantisation (`second_block_size` and
/// `second_scale_bits`, both or neither) the scales are themselves quantised to `scale_bits` and
/// one `second_scale_bits` constant is kept per `second_block_size` scales.
fn qlora_bits_per_param(inputs: &Inputs) -> Result<Value, Error> {
    let weight_bits = inputs.positive("weight_bits")?;
    let block = inputs.positive("block_size")?;
    let scale_bits = inputs.positive("scale_bits")?;
    let second_block = inputs.optional_number("second_block_size")?;
    let second_bits = inputs.optional_number("second_scale_bits")?;
    let extra = match (second_block, second_bits) {
        (None, None) => 0.0,
        (Some(b2), Some(bits2)) if b2 > 0.0 && bits2 > 0.0 => bits2 / (block * b2),
        _ => {
            return Err(inputs.invalid(
                "give both second_block_size and second_scale_bits (positive), or neither",
            ));
        }
    };
    Ok(scalar(weight_bits + scale_bits / block + extra))
}

/// ln(1 + e^x), computed without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// Reward-model (Bradley-Terry) loss: the mean over pairs of -ln sigmoid(r_chosen - r_rejected).
fn reward_model_pairwise_loss(inputs: &Inputs) -> Result<Value, Error> {
    let chosen = inputs.vector("chosen_rewards")?;
    let rejected = inputs.vector("rejected_rewards")?;
    inputs.same_length(
        ("chosen_rewards", chosen.len()),
        ("rejected_rewards", rejected.len()),
    )?;
    let losses: Vec<f64> = chosen
        .iter()
        .zip(&rejected)
        .map(|(w, l)| softplus(-(w - l)))
        .collect();
    Ok(scalar(common::mean(&losses)))
}

/// DPO loss: the mean over pairs of -ln sigmoid(`beta` ((pi_w - ref_w) - (pi_l - ref_l))), from
/// the sequence log-probabilities (natural logs) of the chosen and rejected responses under the
/// policy and the frozen reference.
fn dpo_loss(inputs: &Inputs) -> Result<Value, Error> {
    let pi_w = inputs.vector("policy_chosen_logp")?;
    let pi_l = inputs.vector("policy_rejected_logp")?;
    let ref_w = inputs.vector("ref_chosen_logp")?;
    let ref_l = inputs.vector("ref_rejected_logp")?;
    let beta = inputs.positive("beta")?;
    inputs.same_length(
        ("policy_chosen_logp", pi_w.len()),
        ("policy_rejected_logp", pi_l.len()),
    )?;
    inputs.same_length(
        ("policy_chosen_logp", pi_w.len()),
        ("ref_chosen_logp", ref_w.len()),
    )?;
    inputs.same_length(
        ("policy_chosen_logp", pi_w.len()),
        ("ref_rejected_logp", ref_l.len()),
    )?;
    let losses: Vec<f64> = (0..pi_w.len())
        .map(|i| softplus(-beta * ((pi_w[i] - ref_w[i]) - (pi_l[i] - ref_l[i]))))
        .collect();
    Ok(scalar(common::mean(&losses)))
}

/// PPO's clipped surrogate for one sample (to be maximised): min(r A, clip(r, 1 - eps, 1 + eps) A)
/// with probability `ratio` r, `advantage` A and `epsilon`.
fn ppo_clipped_objective(inputs: &Inputs) -> Result<Value, Error> {
    let ratio = inputs.number("ratio")?;
    let advantage = inputs.number("advantage")?;
    let epsilon = inputs.number("epsilon")?;
    if ratio < 0.0 || !(0.0..1.0).contains(&epsilon) {
        return Err(inputs.invalid("need ratio >= 0 and epsilon in [0, 1)"));
    }
    let clipped = ratio.clamp(1.0 - epsilon, 1.0 + epsilon);
    Ok(scalar((ratio * advantage).min(clipped * advantage)))
}

/// GRPO's group-relative advantages: (r_i - mean(r)) / std(r) over one prompt's group of
/// `rewards`; population std unless `unbiased` (default false); all zeros when every reward is
/// equal.
fn grpo_advantages(inputs: &Inputs) -> Result<Value, Error> {
    let rewards = inputs.vector("rewards")?;
    let unbiased = inputs.flag_or("unbiased", false)?;
    let n = rewards.len() as f64;
    if unbiased && rewards.len() < 2 {
        return Err(inputs.invalid("the unbiased std needs at least 2 rewards"));
    }
    let mean = common::mean(&rewards);
    let ss: f64 = rewards.iter().map(|r| (r - mean).powi(2)).sum();
    let std = (ss / if unbiased { n - 1.0 } else { n }).sqrt();
    if std == 0.0 {
        return Ok(common::array(&vec![0.0; rewards.len()]));
    }
    Ok(common::array(
        &rewards.iter().map(|r| (r - mean) / std).collect::<Vec<_>>(),
    ))
}

/// Discrete semantic entropy in nats: -sum_c p_c ln p_c with p_c = `cluster_counts`[c] / total,
/// the share of sampled answers that fall in each meaning cluster.
fn semantic_entropy(inputs: &Inputs) -> Result<Value, Error> {
    let counts = inputs.vector("cluster_counts")?;
    if counts.iter().any(|&c| c < 0.0) || counts.iter().all(|&c| c == 0.0) {
        return Err(inputs.invalid("cluster_counts must be >= 0 and not all zero"));
    }
    let total: f64 = counts.iter().sum();
    Ok(scalar(
        -counts
            .iter()
            .filter(|&&c| c > 0.0)
            .map(|c| (c / total) * (c / total).ln())
            .sum::<f64>(),
    ))
}

/// TIES-merging of fine-tuned models that share `base`: per model (a row of `finetuned`), take
/// the task vector finetuned - base and keep its `density` fraction (rounded) of largest-magnitude
/// entries; elect each parameter's sign as the sign of the sum of the trimmed values; average the
/// trimmed values that agree with the elected sign (0 where none do); return base + `lam`
/// (default 1) times that merge.
fn ties_merge(inputs: &Inputs) -> Result<Value, Error> {
    let base = inputs.vector("base")?;
    let finetuned = inputs.matrix("finetuned")?;
    let density = inputs.probability("density")?;
    let lam = inputs.number_or("lam", 1.0)?;
    let n = base.len();
    if finetuned[0].len() != n {
        return Err(inputs.invalid("each row of `finetuned` must have as many entries as `base`"));
    }
    let keep = (density * n as f64).round() as usize;
    let trimmed: Vec<Vec<f64>> = finetuned
        .iter()
        .map(|row| {
            let tau: Vec<f64> = row.iter().zip(&base).map(|(f, b)| f - b).collect();
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&i, &j| tau[j].abs().total_cmp(&tau[i].abs()));
            let mut kept = vec![0.0; n];
            for &i in order.iter().take(keep) {
                kept[i] = tau[i];
            }
            kept
        })
        .collect();
    let merged: Vec<f64> = (0..n)
        .map(|i| {
            let total: f64 = trimmed.iter().map(|t| t[i]).sum();
            let sign = total.signum();
            let agreeing: Vec<f64> = trimmed
                .iter()
                .map(|t| t[i])
                .filter(|&v| v != 0.0 && total != 0.0 && v.signum() == sign)
                .collect();
            if agreeing.is_empty() {
                0.0
            } else {
                common::mean(&agreeing)
            }
        })
        .collect();
    Ok(common::array(
        &base
            .iter()
            .zip(&merged)
            .map(|(b, m)| b + lam * m)
            .collect::<Vec<_>>(),
    ))
}

/// Chance that a task of `steps` independent steps succeeds when each step succeeds with
/// probability `step_success`: step_success^steps.
fn compound_success_probability(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.probability("step_success")?;
    let steps = inputs.count("steps")?;
    Ok(scalar(p.powi(steps as i32)))
}

/// Temperature sampling of languages for multilingual pretraining: p_i proportional to
/// (`sizes`_i / total)^`alpha`; alpha = 1 keeps natural proportions and alpha = 0 is uniform.
fn language_sampling_probs(inputs: &Inputs) -> Result<Value, Error> {
    let sizes = inputs.vector("sizes")?;
    let alpha = inputs.number("alpha")?;
    if sizes.iter().any(|&s| s <= 0.0) || !(0.0..=1.0).contains(&alpha) {
        return Err(inputs.invalid("sizes must be positive and alpha must lie in [0, 1]"));
    }
    let total: f64 = sizes.iter().sum();
    let weights: Vec<f64> = sizes.iter().map(|s| (s / total).powf(alpha)).collect();
    let norm: f64 = weights.iter().sum();
    Ok(common::array(
        &weights.iter().map(|w| w / norm).collect::<Vec<_>>(),
    ))
}

/// Visual tokens a vision-language model spends on one image: `tiles` (default 1) crops of
/// `height` x `width` pixels, each cut into `patch_size` patches, with `merge` x `merge`
/// neighbouring patches (default 1) pooled into one token.
fn vlm_image_tokens(inputs: &Inputs) -> Result<Value, Error> {
    let height = inputs.count("height")?;
    let width = inputs.count("width")?;
    let patch = inputs.count("patch_size")?;
    let merge = inputs.count_or("merge", 1)?;
    let tiles = inputs.count_or("tiles", 1)?;
    if patch == 0 || merge == 0 || height % patch != 0 || width % patch != 0 {
        return Err(inputs.invalid("height and width must be positive multiples of patch_size"));
    }
    let (rows, cols) = (height / patch, width / patch);
    if rows % merge != 0 || cols % merge != 0 {
        return Err(inputs.invalid("the patch grid must divide evenly by merge"));
    }
    Ok(scalar((tiles * (rows / merge) * (cols / merge)) as f64))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn perplexity_of_a_uniform_model_is_the_vocabulary_size() {
        check(
            "perplexity",
            json!({ "token_probs": [0.1, 0.1, 0.1] }),
            json!(10.0),
        );
        check(
            "perplexity",
            json!({ "log_probs": [-(2f64.ln()), -(8f64.ln())] }),
            json!(4.0),
        );
    }

    #[test]
    fn lora_cosine_factscore() {
        check(
            "lora_param_count",
            json!({ "d_in": 10, "d_out": 6, "rank": 2 }),
            json!(32),
        );
        check(
            "cosine_similarity",
            json!({ "a": [1.0, 0.0], "b": [-2.0, 0.0] }),
            json!(-1.0),
        );
        check_err(
            "cosine_similarity",
            json!({ "a": [0.0, 0.0], "b": [1.0, 0.0] }),
        );
        check(
            "factscore",
            json!({ "supported": [1, 2], "total": [1, 4] }),
            json!(0.75),
        );
    }

    #[test]
    fn vocab_smoothing_tfidf_bm25_rrf() {
        check(
            "vocab_embedding_params",
            json!({ "vocab_size": 100, "d_model": 10 }),
            json!(2000.0),
        );
        check(
            "vocab_embedding_params",
            json!({ "vocab_size": 100, "d_model": 10, "tied": true }),
            json!(1000.0),
        );
        // (2 + 1) / (8 + 1 * 4) = 0.25
        check(
            "add_k_smoothing",
            json!({ "count": 2, "context_count": 8, "vocab_size": 4, "k": 1 }),
            json!(0.25),
        );
        check(
            "tf_idf",
            json!({ "term_count": 3, "num_docs": 100, "doc_freq": 100 }),
            json!(0.0),
        );
        // b = 0 and k1 = 1: tf 1 gives idf * 2 / 2 = idf = ln(1 + 1.5 / 1.5) = ln 2.
        check(
            "bm25_term_score",
            json!({ "tf": 1, "doc_len": 50, "avg_doc_len": 100, "num_docs": 2,
                     "doc_freq": 1, "k1": 1.0, "b": 0.0 }),
            json!(2f64.ln()),
        );
        check(
            "reciprocal_rank_fusion",
            json!({ "ranks": [1, 4], "k": 0 }),
            json!(1.25),
        );
        check_err("reciprocal_rank_fusion", json!({ "ranks": [0] }));
    }

    #[test]
    fn noise_lsh_pq_qlora() {
        // 16^0.75 = 8 and 1^0.75 = 1.
        check(
            "negative_sampling_distribution",
            json!({ "counts": [16, 1] }),
            json!([8.0 / 9.0, 1.0 / 9.0]),
        );
        // s = 0.5, one band of 1 row: 0.5; two bands of one row: 1 - 0.25 = 0.75.
        check(
            "lsh_candidate_probability",
            json!({ "similarity": 0.5, "bands": 2, "rows": 1 }),
            json!(0.75),
        );
        check(
            "pq_compression_ratio",
            json!({ "dim": 8, "num_subspaces": 4, "bits_per_code": 8 }),
            json!(8.0),
        );
        check(
            "qlora_bits_per_param",
            json!({ "weight_bits": 4, "block_size": 64, "scale_bits": 32 }),
            json!(4.5),
        );
        check(
            "qlora_bits_per_param",
            json!({ "weight_bits": 4, "block_size": 64, "scale_bits": 8,
                     "second_block_size": 256, "second_scale_bits": 32 }),
            json!(4.0 + 0.125 + 32.0 / 16384.0),
        );
        check_err(
            "qlora_bits_per_param",
            json!({ "weight_bits": 4, "block_size": 64, "scale_bits": 8, "second_block_size": 256 }),
        );
    }

    #[test]
    fn preference_and_rl_losses() {
        // Equal rewards: -ln sigmoid(0) = ln 2.
        check(
            "reward_model_pairwise_loss",
            json!({ "chosen_rewards": [1.0], "rejected_rewards": [1.0] }),
            json!(2f64.ln()),
        );
        // Policy equal to the reference: margin 0, loss ln 2 whatever beta.
        check(
            "dpo_loss",
            json!({ "policy_chosen_logp": [-5.0], "policy_rejected_logp": [-7.0],
                     "ref_chosen_logp": [-5.0], "ref_rejected_logp": [-7.0], "beta": 0.1 }),
            json!(2f64.ln()),
        );
        check(
            "ppo_clipped_objective",
            json!({ "ratio": 1.5, "advantage": 2.0, "epsilon": 0.2 }),
            json!(2.4),
        );
        check(
            "ppo_clipped_objective",
            json!({ "ratio": 0.5, "advantage": -1.0, "epsilon": 0.2 }),
            json!(-0.8),
        );
        check(
            "grpo_advantages",
            json!({ "rewards": [1, 0] }),
            json!([1.0, -1.0]),
        );
        check(
            "grpo_advantages",
            json!({ "rewards": [1, 1, 1] }),
            json!([0.0, 0.0, 0.0]),
        );
        check(
            "semantic_entropy",
            json!({ "cluster_counts": [5, 5] }),
            json!(2f64.ln()),
        );
        check(
            "semantic_entropy",
            json!({ "cluster_counts": [10, 0] }),
            json!(0.0),
        );
    }

    #[test]
    fn ties_trims_elects_and_averages() {
        // Task vectors [3, -1, 0.5] and [1, 2, -4]; density 2/3 keeps [3, -1, 0] and [0, 2, -4].
        // Signs: +, +, -; agreeing means: 3, 2, -4.
        check(
            "ties_merge",
            json!({ "base": [0.0, 0.0, 0.0], "finetuned": [[3.0, -1.0, 0.5], [1.0, 2.0, -4.0]],
                     "density": 0.6666666667 }),
            json!([3.0, 2.0, -4.0]),
        );
        check(
            "ties_merge",
            json!({ "base": [1.0], "finetuned": [[3.0], [2.0]], "density": 1.0, "lam": 0.5 }),
            json!([1.75]),
        );
    }

    #[test]
    fn compound_success_multiplies_steps() {
        check(
            "compound_success_probability",
            json!({ "step_success": 0.5, "steps": 3 }),
            json!(0.125),
        );
        check(
            "compound_success_probability",
            json!({ "step_success": 0.9, "steps": 0 }),
            json!(1.0),
        );
    }

    #[test]
    fn language_sampling_and_image_tokens() {
        // alpha = 0.5 on shares 0.8 and 0.2: sqrt gives 0.894 and 0.447, i.e. 2/3 and 1/3.
        check(
            "language_sampling_probs",
            json!({ "sizes": [80, 20], "alpha": 0.5 }),
            json!([2.0 / 3.0, 1.0 / 3.0]),
        );
        check(
            "language_sampling_probs",
            json!({ "sizes": [5, 1, 4], "alpha": 0.0 }),
            json!([1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]),
        );
        check(
            "vlm_image_tokens",
            json!({ "height": 28, "width": 56, "patch_size": 14 }),
            json!(8.0),
        );
        check(
            "vlm_image_tokens",
            json!({ "height": 56, "width": 56, "patch_size": 14, "merge": 2, "tiles": 3 }),
            json!(12.0),
        );
        check_err(
            "vlm_image_tokens",
            json!({ "height": 30, "width": 28, "patch_size": 14 }),
        );
    }
}
