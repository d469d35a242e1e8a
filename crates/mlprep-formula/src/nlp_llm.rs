//! Formulas of the `nlp-llm` category: perplexity, LoRA's parameter count, cosine similarity of
//! embeddings and FActScore. BLEU lives with the other metrics in `losses_metrics`.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("perplexity", perplexity),
    ("lora_param_count", lora_param_count),
    ("cosine_similarity", cosine_similarity),
    ("factscore", factscore),
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
}
