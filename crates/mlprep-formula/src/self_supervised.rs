//! Formulas of the `self-supervised` category: the contrastive InfoNCE loss, its mutual-information
//! bound and CLIP's symmetric version, SigLIP's pairwise sigmoid loss, BYOL's regression loss,
//! Barlow Twins' redundancy-reduction loss, the uniformity loss, the effective rank of an
//! embedding spectrum, linear CKA, the masked reconstruction loss of masked autoencoders, and the
//! metric-learning losses (triplet, ArcFace, log-Q corrected sampled softmax).

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("info_nce", info_nce),
    ("clip_symmetric_loss", clip_symmetric_loss),
    ("byol_loss", byol_loss),
    ("masked_mse", masked_mse),
    ("infonce_mi_bound", infonce_mi_bound),
    ("siglip_loss", siglip_loss),
    ("barlow_twins_loss", barlow_twins_loss),
    ("uniformity_loss", uniformity_loss),
    ("effective_rank", effective_rank),
    ("linear_cka", linear_cka),
    ("triplet_loss", triplet_loss),
    ("arcface_loss", arcface_loss),
    ("logq_corrected_loss", logq_corrected_loss),
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

/// The InfoNCE lower bound on mutual information, in nats: log(`n`) - `loss`, where `n` is the
/// number of candidates per anchor (the positive plus the negatives) and `loss` the mean InfoNCE
/// loss in nats. The bound can never exceed log(`n`).
fn infonce_mi_bound(inputs: &Inputs) -> Result<Value, Error> {
    let loss = inputs.number("loss")?;
    let n = inputs.count("n")?;
    if loss < 0.0 {
        return Err(inputs.invalid("`loss` is a cross-entropy, so it cannot be negative"));
    }
    if n < 2 {
        return Err(inputs.invalid("`n` counts the positive and at least one negative: 2 or more"));
    }
    Ok(scalar((n as f64).ln() - loss))
}

/// -log(sigmoid(x)) = log(1 + e^-x), computed without overflow.
fn neg_log_sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        (-x).exp().ln_1p()
    } else {
        -x + x.exp().ln_1p()
    }
}

/// SigLIP's pairwise sigmoid loss: logits = `scale` * `similarity` + `bias` (rows are images,
/// columns texts, matched pairs on the diagonal); every pair is a binary problem with label +1
/// on the diagonal and -1 elsewhere; the summed -log sigmoid(label * logit) is divided by the
/// batch size N (not by N^2), as in the paper.
fn siglip_loss(inputs: &Inputs) -> Result<Value, Error> {
    let similarity = inputs.matrix("similarity")?;
    let scale = inputs.positive("scale")?;
    let bias = inputs.number("bias")?;
    let n = similarity.len();
    if similarity[0].len() != n {
        return Err(inputs.invalid("`similarity` must be square: one text per image"));
    }
    let mut total = 0.0;
    for (i, row) in similarity.iter().enumerate() {
        for (j, s) in row.iter().enumerate() {
            let label = if i == j { 1.0 } else { -1.0 };
            total += neg_log_sigmoid(label * (scale * s + bias));
        }
    }
    Ok(scalar(total / n as f64))
}

/// Barlow Twins' loss on the cross-correlation `matrix` C of the two views' standardised
/// embeddings: sum_i (1 - C_ii)^2 + `lam` * sum_{i != j} C_ij^2.
fn barlow_twins_loss(inputs: &Inputs) -> Result<Value, Error> {
    let c = inputs.matrix("matrix")?;
    let lam = inputs.number("lam")?;
    if lam < 0.0 {
        return Err(inputs.invalid("`lam` weights a penalty, so it cannot be negative"));
    }
    if c[0].len() != c.len() {
        return Err(inputs.invalid("the cross-correlation `matrix` must be square (D x D)"));
    }
    let mut invariance = 0.0;
    let mut redundancy = 0.0;
    for (i, row) in c.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if i == j {
                invariance += (1.0 - v).powi(2);
            } else {
                redundancy += v * v;
            }
        }
    }
    Ok(scalar(invariance + lam * redundancy))
}

/// L2-normalises each row of `x`; fails on a zero row.
fn normalise_rows(inputs: &Inputs, x: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, Error> {
    x.iter()
        .map(|row| {
            let n = common::norm(row);
            if n == 0.0 {
                Err(inputs.invalid("a zero embedding cannot be put on the unit sphere"))
            } else {
                Ok(row.iter().map(|v| v / n).collect())
            }
        })
        .collect()
}

/// Wang and Isola's uniformity loss: the rows of `x` are L2-normalised, then
/// log mean_{i<j} exp(-`t` * ||x_i - x_j||^2) over all distinct pairs; `t` defaults to 2.
/// Lower means more uniformly spread on the hypersphere.
fn uniformity_loss(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.matrix("x")?;
    let t = match inputs.optional_number("t")? {
        Some(t) if t <= 0.0 => return Err(inputs.invalid("`t` must be greater than 0")),
        Some(t) => t,
        None => 2.0,
    };
    if x.len() < 2 {
        return Err(inputs.invalid("`x` needs at least two embeddings to form a pair"));
    }
    let x = normalise_rows(inputs, &x)?;
    let mut exponents = Vec::new();
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            let d2: f64 = x[i].iter().zip(&x[j]).map(|(a, b)| (a - b).powi(2)).sum();
            exponents.push(-t * d2);
        }
    }
    Ok(scalar(
        common::log_sum_exp(&exponents) - (exponents.len() as f64).ln(),
    ))
}

/// Effective rank (Roy and Vetterli) of a spectrum: with p_k = `singular_values`_k / sum, it is
/// exp(-sum_k p_k log p_k), taking 0 log 0 = 0. It is 1 for a single non-zero value and K for K
/// equal values.
fn effective_rank(inputs: &Inputs) -> Result<Value, Error> {
    let sv = inputs.vector("singular_values")?;
    if sv.iter().any(|&s| s < 0.0) {
        return Err(inputs.invalid("singular values cannot be negative"));
    }
    let total: f64 = sv.iter().sum();
    if total == 0.0 {
        return Err(inputs.invalid("all singular values are 0, so the spectrum has no rank"));
    }
    let entropy: f64 = sv
        .iter()
        .filter(|&&s| s > 0.0)
        .map(|s| {
            let p = s / total;
            -p * p.ln()
        })
        .sum();
    Ok(scalar(entropy.exp()))
}

/// Subtracts each column's mean from the matrix `x` (rows are examples).
fn centre_columns(x: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = x.len() as f64;
    let means: Vec<f64> = (0..x[0].len())
        .map(|j| x.iter().map(|row| row[j]).sum::<f64>() / n)
        .collect();
    x.iter()
        .map(|row| row.iter().zip(&means).map(|(v, m)| v - m).collect())
        .collect()
}

/// Squared Frobenius norm.
fn frobenius_sq(a: &[Vec<f64>]) -> f64 {
    a.iter().flatten().map(|v| v * v).sum()
}

/// Linear CKA between representations `x` (n x d1) and `y` (n x d2) of the same n examples
/// (rows): after centring each column, ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F).
fn linear_cka(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.matrix("x")?;
    let y = inputs.matrix("y")?;
    inputs.same_length(("x", x.len()), ("y", y.len()))?;
    let (x, y) = (centre_columns(&x), centre_columns(&y));
    let (xt, yt) = (common::transpose(&x), common::transpose(&y));
    let cross = frobenius_sq(&common::matmul(&yt, &x));
    let xx = frobenius_sq(&common::matmul(&xt, &x)).sqrt();
    let yy = frobenius_sq(&common::matmul(&yt, &y)).sqrt();
    if xx == 0.0 || yy == 0.0 {
        return Err(
            inputs.invalid("a representation is constant across examples, so CKA is undefined")
        );
    }
    Ok(scalar(cross / (xx * yy)))
}

/// Triplet loss: max(0, d(`anchor`, `positive`) - d(`anchor`, `negative`) + `margin`), with d the
/// Euclidean distance, or the squared Euclidean distance when `squared` is true (FaceNet).
fn triplet_loss(inputs: &Inputs) -> Result<Value, Error> {
    let anchor = inputs.vector("anchor")?;
    let positive = inputs.vector("positive")?;
    let negative = inputs.vector("negative")?;
    let margin = inputs.number("margin")?;
    let squared = inputs.flag_or("squared", false)?;
    inputs.same_length(("anchor", anchor.len()), ("positive", positive.len()))?;
    inputs.same_length(("anchor", anchor.len()), ("negative", negative.len()))?;
    if margin < 0.0 {
        return Err(inputs.invalid("`margin` cannot be negative"));
    }
    let distance = |other: &[f64]| {
        let d2: f64 = anchor.iter().zip(other).map(|(a, b)| (a - b).powi(2)).sum();
        if squared { d2 } else { d2.sqrt() }
    };
    Ok(scalar(
        (distance(&positive) - distance(&negative) + margin).max(0.0),
    ))
}

/// ArcFace's additive angular margin loss for one example: `cosines` are cos(theta_j) between the
/// normalised embedding and each normalised class weight; the target class's logit becomes
/// `scale` * cos(theta_target + `margin`) (margin in radians), the others `scale` * cos(theta_j);
/// the loss is the softmax cross-entropy toward `target`, natural log.
fn arcface_loss(inputs: &Inputs) -> Result<Value, Error> {
    let cosines = inputs.vector("cosines")?;
    let target = inputs.count("target")?;
    let scale = inputs.positive("scale")?;
    let margin = inputs.number("margin")?;
    if target >= cosines.len() {
        return Err(inputs.invalid(format!(
            "`target` is {target} but there are only {} classes",
            cosines.len()
        )));
    }
    if cosines.iter().any(|c| !(-1.0..=1.0).contains(c)) {
        return Err(inputs.invalid("`cosines` are cosines, so each must lie in [-1, 1]"));
    }
    if margin < 0.0 {
        return Err(inputs.invalid("`margin` cannot be negative"));
    }
    let logits: Vec<f64> = cosines
        .iter()
        .enumerate()
        .map(|(j, &c)| {
            if j == target {
                scale * (c.acos() + margin).cos()
            } else {
                scale * c
            }
        })
        .collect();
    Ok(scalar(cross_entropy(&logits, target)))
}

/// Sampled softmax with the log-Q correction: each candidate's logit has log(`sampling_probs`_j)
/// subtracted (the probability that candidate j appears as an in-batch negative), then the loss
/// is the cross-entropy toward index `positive` (default 0), natural log.
fn logq_corrected_loss(inputs: &Inputs) -> Result<Value, Error> {
    let logits = inputs.vector("logits")?;
    let q = inputs.vector("sampling_probs")?;
    let positive = inputs.count_or("positive", 0)?;
    inputs.same_length(("logits", logits.len()), ("sampling_probs", q.len()))?;
    if positive >= logits.len() {
        return Err(inputs.invalid(format!(
            "`positive` is {positive} but there are only {} candidates",
            logits.len()
        )));
    }
    if q.iter().any(|&p| p <= 0.0 || p > 1.0) {
        return Err(inputs.invalid("each sampling probability must lie in (0, 1]"));
    }
    let corrected: Vec<f64> = logits.iter().zip(&q).map(|(s, p)| s - p.ln()).collect();
    Ok(scalar(cross_entropy(&corrected, positive)))
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

    #[test]
    fn mi_bound_is_log_n_minus_loss() {
        check(
            "infonce_mi_bound",
            json!({ "loss": 0.0, "n": 8 }),
            json!(8f64.ln()),
        );
        check_err("infonce_mi_bound", json!({ "loss": -1.0, "n": 8 }));
    }

    #[test]
    fn siglip_with_zero_logits_is_n_log_2() {
        // Every logit is 0, so each of the N^2 = 4 pairs costs log 2; divided by N = 2.
        check(
            "siglip_loss",
            json!({ "similarity": [[0.0, 0.0], [0.0, 0.0]], "scale": 10.0, "bias": 0.0 }),
            json!(2.0 * 2f64.ln()),
        );
    }

    #[test]
    fn barlow_twins_of_identity_is_zero() {
        check(
            "barlow_twins_loss",
            json!({ "matrix": [[1.0, 0.0], [0.0, 1.0]], "lam": 0.005 }),
            json!(0.0),
        );
        // (1 - 0.5)^2 * 2 + 1 * (0.5^2 * 2) = 0.5 + 0.5.
        check(
            "barlow_twins_loss",
            json!({ "matrix": [[0.5, 0.5], [0.5, 0.5]], "lam": 1.0 }),
            json!(1.0),
        );
    }

    #[test]
    fn uniformity_of_antipodal_pair() {
        // Two antipodal unit vectors are at squared distance 4: log exp(-2 * 4) = -8.
        check(
            "uniformity_loss",
            json!({ "x": [[3.0, 0.0], [-1.0, 0.0]] }),
            json!(-8.0),
        );
        check_err("uniformity_loss", json!({ "x": [[1.0, 0.0]] }));
    }

    #[test]
    fn effective_rank_of_flat_and_spiked_spectra() {
        check(
            "effective_rank",
            json!({ "singular_values": [2.0, 2.0, 2.0, 2.0] }),
            json!(4.0),
        );
        check(
            "effective_rank",
            json!({ "singular_values": [5.0, 0.0, 0.0] }),
            json!(1.0),
        );
    }

    #[test]
    fn linear_cka_is_invariant_to_scale_and_rotation() {
        let x = json!([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]);
        check("linear_cka", json!({ "x": x, "y": x }), json!(1.0));
        // y = 3 * x rotated by 90 degrees: same geometry, CKA 1.
        check(
            "linear_cka",
            json!({ "x": x, "y": [[0.0, 3.0], [-3.0, 0.0], [3.0, -3.0]] }),
            json!(1.0),
        );
    }

    #[test]
    fn triplet_loss_hinge() {
        // d(a,p) = 1, d(a,n) = 2: max(0, 1 - 2 + 0.5) = 0; squared: max(0, 1 - 4 + 0.5) = 0.
        check(
            "triplet_loss",
            json!({ "anchor": [0.0, 0.0], "positive": [1.0, 0.0], "negative": [0.0, 2.0], "margin": 0.5 }),
            json!(0.0),
        );
        // d(a,p) = 2, d(a,n) = 1: 2 - 1 + 0.5 = 1.5.
        check(
            "triplet_loss",
            json!({ "anchor": [0.0, 0.0], "positive": [0.0, 2.0], "negative": [1.0, 0.0], "margin": 0.5 }),
            json!(1.5),
        );
        check(
            "triplet_loss",
            json!({ "anchor": [0.0, 0.0], "positive": [0.0, 2.0], "negative": [1.0, 0.0], "margin": 0.5, "squared": true }),
            json!(3.5),
        );
    }

    #[test]
    fn arcface_with_zero_margin_is_scaled_softmax() {
        // Two classes, cosines 0 and 0, no margin: cross-entropy log 2.
        check(
            "arcface_loss",
            json!({ "cosines": [0.0, 0.0], "target": 0, "scale": 64.0, "margin": 0.0 }),
            json!(2f64.ln()),
        );
        // cos(pi/2 + pi/2) = -1 for the target: logits -1 and 0 with scale 1.
        check(
            "arcface_loss",
            json!({ "cosines": [0.0, 0.0], "target": 0, "scale": 1.0, "margin": std::f64::consts::FRAC_PI_2 }),
            json!((1.0 + 1f64.exp()).ln()),
        );
    }

    #[test]
    fn logq_correction_with_uniform_sampling_changes_nothing() {
        check(
            "logq_corrected_loss",
            json!({ "logits": [1.0, 1.0], "sampling_probs": [0.25, 0.25] }),
            json!(2f64.ln()),
        );
        // q = [1, e^-1]: corrected logits [1, 2]; loss = log(e + e^2) - 1 = log(1 + e).
        check(
            "logq_corrected_loss",
            json!({ "logits": [1.0, 1.0], "sampling_probs": [1.0, (-1f64).exp()] }),
            json!((1.0 + 1f64.exp()).ln()),
        );
    }
}
