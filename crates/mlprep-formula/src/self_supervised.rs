//! Formulas of the `self-supervised` category: the contrastive InfoNCE loss and CLIP's symmetric
//! version, BYOL's regression loss, and the masked reconstruction loss of masked autoencoders.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("info_nce", info_nce),
    ("clip_symmetric_loss", clip_symmetric_loss),
    ("byol_loss", byol_loss),
    ("masked_mse", masked_mse),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Cross-entropy of `logits` toward class `target`, through a stable log-sum-exp.
fn cross_entropy(logits: &[f64], target: usize) -> f64 {
    common::log_sum_exp(logits) - logits[target]
}

/// InfoNCE for one anchor, natural log: -log softmax(`similarities` / `temperature`) at the
/// positive, whose index is `positive` (default 0); the other entries are negatives.
fn info_nce(inputs: &Inputs) -> Result<Value, Error> {
    let similarities = inputs.vector("similarities")?;
    let temperature = inputs.positive("temperature")?;
    let positive = inputs.count_or("positive", 0)?;
    if positive >= similarities.len() {
        return Err(inputs.invalid(format!(
            "`positive` is {positive} but there are only {} similarities",
            similarities.len()
        )));
    }
    let logits: Vec<f64> = similarities.iter().map(|s| s / temperature).collect();
    Ok(scalar(cross_entropy(&logits, positive)))
}

/// CLIP's symmetric contrastive loss: with logits = `similarity` / `temperature` (rows are
/// images, columns texts, matched pairs on the diagonal), the mean of the image-to-text loss
/// (cross-entropy of each row toward its diagonal) and the text-to-image loss (each column),
/// each averaged over the batch; natural log.
fn clip_symmetric_loss(inputs: &Inputs) -> Result<Value, Error> {
    let similarity = inputs.matrix("similarity")?;
    let temperature = inputs.positive("temperature")?;
    let n = similarity.len();
    if similarity[0].len() != n {
        return Err(inputs.invalid("`similarity` must be square: one text per image"));
    }
    let logits: Vec<Vec<f64>> = similarity
        .iter()
        .map(|row| row.iter().map(|s| s / temperature).collect())
        .collect();
    let columns = common::transpose(&logits);
    let image_to_text: f64 = (0..n).map(|i| cross_entropy(&logits[i], i)).sum::<f64>() / n as f64;
    let text_to_image: f64 = (0..n).map(|j| cross_entropy(&columns[j], j)).sum::<f64>() / n as f64;
    Ok(scalar((image_to_text + text_to_image) / 2.0))
}

/// BYOL's loss: the squared L2 distance between the L2-normalised `prediction` and `target`,
/// equal to 2 - 2 cos(prediction, target).
fn byol_loss(inputs: &Inputs) -> Result<Value, Error> {
    let prediction = inputs.vector("prediction")?;
    let target = inputs.vector("target")?;
    inputs.same_length(("prediction", prediction.len()), ("target", target.len()))?;
    let (np, nt) = (common::norm(&prediction), common::norm(&target));
    if np == 0.0 || nt == 0.0 {
        return Err(inputs.invalid("a zero vector cannot be normalised"));
    }
    let distance: f64 = prediction
        .iter()
        .zip(&target)
        .map(|(p, t)| (p / np - t / nt).powi(2))
        .sum();
    Ok(scalar(distance))
}

/// Mean squared error over the masked positions only (`mask` = 1 means masked, hence predicted);
/// visible positions are ignored.
fn masked_mse(inputs: &Inputs) -> Result<Value, Error> {
    let target = inputs.vector("target")?;
    let prediction = inputs.vector("prediction")?;
    let mask = inputs.vector("mask")?;
    inputs.same_length(("target", target.len()), ("prediction", prediction.len()))?;
    inputs.same_length(("target", target.len()), ("mask", mask.len()))?;
    if mask.iter().any(|&m| m != 0.0 && m != 1.0) {
        return Err(inputs.invalid("`mask` holds 1 (masked) and 0 (visible) only"));
    }
    let squared: Vec<f64> = (0..target.len())
        .filter(|&i| mask[i] == 1.0)
        .map(|i| (prediction[i] - target[i]).powi(2))
        .collect();
    if squared.is_empty() {
        return Err(inputs.invalid("no position is masked, so the loss is undefined"));
    }
    Ok(scalar(common::mean(&squared)))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn info_nce_with_equal_similarities_is_log_n() {
        check(
            "info_nce",
            json!({ "similarities": [0.3, 0.3, 0.3, 0.3], "temperature": 0.1 }),
            json!(4f64.ln()),
        );
        check(
            "info_nce",
            json!({ "similarities": [0.0, 1.0], "temperature": 1.0, "positive": 1 }),
            json!((1.0 + (-1f64).exp()).ln()),
        );
        check_err(
            "info_nce",
            json!({ "similarities": [0.0, 1.0], "temperature": 1.0, "positive": 2 }),
        );
    }

    #[test]
    fn clip_loss_of_uniform_similarities_is_log_n() {
        check(
            "clip_symmetric_loss",
            json!({ "similarity": [[0.5, 0.5], [0.5, 0.5]], "temperature": 0.07 }),
            json!(2f64.ln()),
        );
    }

    #[test]
    fn byol_and_masked_mse() {
        check(
            "byol_loss",
            json!({ "prediction": [2.0, 0.0], "target": [0.0, 5.0] }),
            json!(2.0),
        );
        check(
            "masked_mse",
            json!({ "target": [0.0, 0.0, 0.0], "prediction": [3.0, 1.0, 100.0], "mask": [1, 1, 0] }),
            json!(5.0),
        );
    }
}
