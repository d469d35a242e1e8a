//! Formulas of the `losses-metrics` category: classification and regression losses,
//! divergences, confusion-matrix metrics, ranking metrics, calibration, detection IoU, BLEU,
//! cost-based thresholds, the FGSM adversarial step, and the metrics of the expansion: F-beta and
//! averaged F1, quantile loss, R^2, Brier score, Dice, panoptic quality, Cohen's kappa, Elo,
//! pass@k, QA token F1, WER, distinct-n, PSNR, normalised entropy, lift, the concordance index,
//! IPS, PSI and FPR at a fixed TPR.

use std::collections::HashMap;

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, scalar};
use crate::fundamentals::check_distribution;

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("negative_log_likelihood", negative_log_likelihood),
    (
        "binary_cross_entropy_with_logits",
        binary_cross_entropy_with_logits,
    ),
    ("focal_loss", focal_loss),
    ("hinge_loss", hinge_loss),
    ("mse", mse),
    ("mae", mae),
    ("huber_loss", huber_loss),
    ("kl_divergence", kl_divergence),
    ("precision_recall_f1", precision_recall_f1),
    ("f1_score", f1_score),
    ("matthews_corrcoef", matthews_corrcoef),
    ("roc_auc", roc_auc),
    ("average_precision", average_precision),
    ("ndcg_at_k", ndcg_at_k),
    ("mrr", mrr),
    ("expected_calibration_error", expected_calibration_error),
    ("iou", iou),
    ("bleu", bleu),
    ("bayes_optimal_threshold", bayes_optimal_threshold),
    ("fgsm", fgsm),
    ("fbeta_score", fbeta_score),
    ("f1_averages", f1_averages),
    ("quantile_loss", quantile_loss),
    ("r2_score", r2_score),
    ("brier_score", brier_score),
    ("dice_coefficient", dice_coefficient),
    ("panoptic_quality", panoptic_quality),
    ("cohen_kappa", cohen_kappa),
    ("elo_update", elo_update),
    ("pass_at_k", pass_at_k),
    ("qa_token_f1", qa_token_f1),
    ("word_error_rate", word_error_rate),
    ("distinct_n", distinct_n),
    ("psnr", psnr),
    ("normalized_entropy", normalized_entropy),
    ("lift_at_fraction", lift_at_fraction),
    ("concordance_index", concordance_index),
    ("ips_estimate", ips_estimate),
    ("population_stability_index", population_stability_index),
    ("fpr_at_tpr", fpr_at_tpr),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Mean negative log-likelihood over a batch, natural log: `probs` (one row of class
/// probabilities per example) or `log_probs` (natural), and `targets` (one class index per row).
fn negative_log_likelihood(inputs: &Inputs) -> Result<Value, Error> {
    let (rows, take_log) = match (inputs.has("probs"), inputs.has("log_probs")) {
        (true, false) => (inputs.rows("probs")?, true),
        (false, true) => (inputs.rows("log_probs")?, false),
        _ => {
            return Err(inputs.invalid(
                "give exactly one of `probs` (probabilities) or `log_probs` (natural logs)",
            ));
        }
    };
    let targets = inputs.vector("targets")?;
    inputs.same_length(
        ("targets", targets.len()),
        ("rows of predictions", rows.len()),
    )?;
    let mut total = 0.0;
    for (row, &target) in rows.iter().zip(&targets) {
        if take_log {
            check_distribution(inputs, "probs", row)?;
        }
        let index = class_index(inputs, target, row.len())?;
        total -= if take_log {
            row[index].ln()
        } else {
            row[index]
        };
    }
    Ok(scalar(total / rows.len() as f64))
}

fn class_index(inputs: &Inputs, target: f64, classes: usize) -> Result<usize, Error> {
    if target.fract() != 0.0 || target < 0.0 || target >= classes as f64 {
        return Err(inputs.invalid(format!(
            "target {target} is not a class index in 0..{classes}; targets are indices from 0"
        )));
    }
    Ok(target as usize)
}

/// Mean binary cross-entropy on raw scores: max(x, 0) - x y + log(1 + e^-|x|), which never
/// exponentiates a large positive number. `logits` and `targets` (in [0, 1]) are numbers or arrays.
fn binary_cross_entropy_with_logits(inputs: &Inputs) -> Result<Value, Error> {
    let logits = inputs.values("logits")?.data;
    let targets = inputs.values("targets")?.data;
    inputs.same_length(("logits", logits.len()), ("targets", targets.len()))?;
    let mut total = 0.0;
    for (&x, &y) in logits.iter().zip(&targets) {
        inputs.check_probability("targets", y)?;
        total += x.max(0.0) - x * y + (-x.abs()).exp().ln_1p();
    }
    Ok(scalar(total / logits.len() as f64))
}

/// Binary focal loss, natural log, mean over elements: -alpha_t (1 - p_t)^gamma ln p_t, where
/// p_t is `p` for `y` = 1 and 1 - `p` for `y` = 0, and alpha_t is `alpha` for the positive class
/// and 1 - `alpha` for the negative one (no weighting when `alpha` is absent).
fn focal_loss(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.values("p")?.data;
    let y = inputs.values("y")?.data;
    inputs.same_length(("p", p.len()), ("y", y.len()))?;
    let gamma = inputs.number("gamma")?;
    let alpha = inputs.optional_number("alpha")?;
    let mut total = 0.0;
    for (&p, &y) in p.iter().zip(&y) {
        inputs.check_probability("p", p)?;
        let positive = label(inputs, "y", y)?;
        let p_t = if positive { p } else { 1.0 - p };
        let alpha_t = match alpha {
            None => 1.0,
            Some(a) if positive => a,
            Some(a) => 1.0 - a,
        };
        total += -alpha_t * (1.0 - p_t).powf(gamma) * p_t.ln();
    }
    Ok(scalar(total / p.len() as f64))
}

/// Reads a 0/1 label.
fn label(inputs: &Inputs, name: &str, y: f64) -> Result<bool, Error> {
    match y {
        0.0 => Ok(false),
        1.0 => Ok(true),
        _ => Err(inputs.invalid(format!("`{name}` holds {y}; labels must be 0 or 1"))),
    }
}

/// Mean hinge loss max(0, `margin` - y s) for `scores` s and `labels` y in {-1, +1}; `margin`
/// defaults to 1.
fn hinge_loss(inputs: &Inputs) -> Result<Value, Error> {
    let scores = inputs.values("scores")?.data;
    let labels = inputs.values("labels")?.data;
    inputs.same_length(("scores", scores.len()), ("labels", labels.len()))?;
    let margin = inputs.number_or("margin", 1.0)?;
    let mut total = 0.0;
    for (&s, &y) in scores.iter().zip(&labels) {
        if y != 1.0 && y != -1.0 {
            return Err(inputs.invalid(format!(
                "`labels` holds {y}; hinge loss takes labels -1 and +1"
            )));
        }
        total += (margin - y * s).max(0.0);
    }
    Ok(scalar(total / scores.len() as f64))
}

/// The elementwise errors `prediction` - `target`.
fn errors(inputs: &Inputs) -> Result<Vec<f64>, Error> {
    let prediction = inputs.values("prediction")?.data;
    let target = inputs.values("target")?.data;
    inputs.same_length(("prediction", prediction.len()), ("target", target.len()))?;
    Ok(prediction.iter().zip(&target).map(|(p, t)| p - t).collect())
}

/// Mean squared error of `prediction` against `target`.
fn mse(inputs: &Inputs) -> Result<Value, Error> {
    let e = errors(inputs)?;
    Ok(scalar(common::mean(
        &e.iter().map(|e| e * e).collect::<Vec<_>>(),
    )))
}

/// Mean absolute error of `prediction` against `target`.
fn mae(inputs: &Inputs) -> Result<Value, Error> {
    let e = errors(inputs)?;
    Ok(scalar(common::mean(
        &e.iter().map(|e| e.abs()).collect::<Vec<_>>(),
    )))
}

/// Mean Huber loss as PyTorch's `HuberLoss`: e^2 / 2 where |e| <= `delta`, else
/// `delta` (|e| - `delta` / 2). `delta` defaults to 1.
fn huber_loss(inputs: &Inputs) -> Result<Value, Error> {
    let e = errors(inputs)?;
    let delta = inputs.number_or("delta", 1.0)?;
    if delta <= 0.0 {
        return Err(inputs.invalid("`delta` must be greater than 0"));
    }
    let losses: Vec<f64> = e
        .iter()
        .map(|e| {
            if e.abs() <= delta {
                0.5 * e * e
            } else {
                delta * (e.abs() - 0.5 * delta)
            }
        })
        .collect();
    Ok(scalar(common::mean(&losses)))
}

/// KL(`p` || `q`) = sum p ln(p / q), natural log; terms with p = 0 contribute 0.
fn kl_divergence(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.vector("p")?;
    let q = inputs.vector("q")?;
    Ok(scalar(kl(inputs, &p, &q)?))
}

/// KL(p || q) for two distributions given as inputs `p` and `q`, checked.
pub(crate) fn kl(inputs: &Inputs, p: &[f64], q: &[f64]) -> Result<f64, Error> {
    inputs.same_length(("p", p.len()), ("q", q.len()))?;
    check_distribution(inputs, "p", p)?;
    check_distribution(inputs, "q", q)?;
    let mut total = 0.0;
    for (&p, &q) in p.iter().zip(q) {
        if p == 0.0 {
            continue;
        }
        if q == 0.0 {
            return Err(inputs.invalid(
                "`q` is 0 where `p` is not, so KL(p || q) is infinite; compare distributions \
                 with a shared support or use the JS divergence",
            ));
        }
        total += p * (p / q).ln();
    }
    Ok(total)
}

/// Confusion counts `tp`, `fp`, `fn` as given, or counted from 0/1 arrays `y_true` and `y_pred`.
fn counts(inputs: &Inputs) -> Result<(f64, f64, f64), Error> {
    if inputs.has("y_true") || inputs.has("y_pred") {
        let truth = inputs.vector("y_true")?;
        let predicted = inputs.vector("y_pred")?;
        inputs.same_length(("y_true", truth.len()), ("y_pred", predicted.len()))?;
        let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
        for (&t, &p) in truth.iter().zip(&predicted) {
            match (label(inputs, "y_true", t)?, label(inputs, "y_pred", p)?) {
                (true, true) => tp += 1.0,
                (false, true) => fp += 1.0,
                (true, false) => fn_ += 1.0,
                (false, false) => {}
            }
        }
        return Ok((tp, fp, fn_));
    }
    let tp = inputs.number("tp")?;
    let fp = inputs.number("fp")?;
    let fn_ = inputs.number("fn")?;
    if tp < 0.0 || fp < 0.0 || fn_ < 0.0 {
        return Err(inputs.invalid("confusion-matrix counts cannot be negative"));
    }
    Ok((tp, fp, fn_))
}

/// x / y, or 0 when y is 0 (scikit-learn's `zero_division=0`).
fn ratio(x: f64, y: f64) -> f64 {
    if y == 0.0 { 0.0 } else { x / y }
}

/// `[precision, recall, F1]` of the positive class from `tp`, `fp`, `fn` (or `y_true` and
/// `y_pred`); an undefined ratio is 0.
fn precision_recall_f1(inputs: &Inputs) -> Result<Value, Error> {
    let (tp, fp, fn_) = counts(inputs)?;
    Ok(array(&[
        ratio(tp, tp + fp),
        ratio(tp, tp + fn_),
        ratio(2.0 * tp, 2.0 * tp + fp + fn_),
    ]))
}

/// F1 = 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall.
fn f1_score(inputs: &Inputs) -> Result<Value, Error> {
    let (tp, fp, fn_) = counts(inputs)?;
    Ok(scalar(ratio(2.0 * tp, 2.0 * tp + fp + fn_)))
}

/// Matthews correlation coefficient from `tp`, `fp`, `fn`, `tn`; 0 when a margin is empty.
fn matthews_corrcoef(inputs: &Inputs) -> Result<Value, Error> {
    let tp = inputs.number("tp")?;
    let fp = inputs.number("fp")?;
    let fn_ = inputs.number("fn")?;
    let tn = inputs.number("tn")?;
    let denominator = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
    Ok(scalar(ratio(tp * tn - fp * fn_, denominator)))
}

/// `scores` and 0/1 `labels`, checked to have both classes.
fn scored_labels(inputs: &Inputs) -> Result<(Vec<f64>, Vec<bool>), Error> {
    let scores = inputs.vector("scores")?;
    let labels = inputs
        .vector("labels")?
        .iter()
        .map(|&y| label(inputs, "labels", y))
        .collect::<Result<Vec<_>, _>>()?;
    inputs.same_length(("scores", scores.len()), ("labels", labels.len()))?;
    if labels.iter().all(|&l| l) || labels.iter().all(|&l| !l) {
        return Err(inputs.invalid("`labels` must contain both a 0 and a 1"));
    }
    Ok((scores, labels))
}

/// ROC AUC as the Mann-Whitney statistic: the probability that a random positive scores above a
/// random negative, ties counting one half. Computed from average ranks.
fn roc_auc(inputs: &Inputs) -> Result<Value, Error> {
    let (scores, labels) = scored_labels(inputs)?;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && scores[order[end + 1]] == scores[order[start]] {
            end += 1;
        }
        // Tied scores share the mean of the ranks start+1 ..= end+1.
        let shared = (start + end) as f64 / 2.0 + 1.0;
        for &i in &order[start..=end] {
            ranks[i] = shared;
        }
        start = end + 1;
    }
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    let rank_sum: f64 = (0..labels.len())
        .filter(|&i| labels[i])
        .map(|i| ranks[i])
        .sum();
    Ok(scalar(
        (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives),
    ))
}

/// Average precision without interpolation, as scikit-learn computes it: sum over score
/// thresholds of (recall gained) x (precision there); tied scores form one threshold.
fn average_precision(inputs: &Inputs) -> Result<Value, Error> {
    let (scores, labels) = scored_labels(inputs)?;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let (mut tp, mut seen, mut recall, mut ap) = (0.0, 0.0, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let threshold = scores[order[i]];
        while i < order.len() && scores[order[i]] == threshold {
            seen += 1.0;
            if labels[order[i]] {
                tp += 1.0;
            }
            i += 1;
        }
        let new_recall = tp / positives;
        ap += (new_recall - recall) * tp / seen;
        recall = new_recall;
    }
    Ok(scalar(ap))
}

/// NDCG@k with gain 2^rel - 1 and discount log2(rank + 1); the ideal DCG sorts the same
/// `relevances` in descending order. `k` defaults to the list's length; 0 when nothing is relevant.
fn ndcg_at_k(inputs: &Inputs) -> Result<Value, Error> {
    let relevances = inputs.vector("relevances")?;
    let k = inputs.count_or("k", relevances.len())?;
    if relevances.iter().any(|&r| r < 0.0) {
        return Err(inputs.invalid("relevance grades cannot be negative"));
    }
    let dcg = |rels: &[f64]| -> f64 {
        rels.iter()
            .take(k)
            .enumerate()
            .map(|(i, r)| (2f64.powf(*r) - 1.0) / ((i + 2) as f64).log2())
            .sum()
    };
    let mut ideal = relevances.clone();
    ideal.sort_by(|a, b| b.total_cmp(a));
    Ok(scalar(ratio(dcg(&relevances), dcg(&ideal))))
}

/// Mean reciprocal rank: `relevances` holds one ranked result list per query (any grade above 0
/// counts as relevant); each query scores 1 / (rank of its first relevant result), or 0.
fn mrr(inputs: &Inputs) -> Result<Value, Error> {
    let queries = inputs.rows("relevances")?;
    let reciprocal: Vec<f64> = queries
        .iter()
        .map(|list| {
            list.iter()
                .position(|&r| r > 0.0)
                .map_or(0.0, |i| 1.0 / (i + 1) as f64)
        })
        .collect();
    Ok(scalar(common::mean(&reciprocal)))
}

/// Expected calibration error: `confidences` (top-label confidence) and `correct` (0/1) are
/// grouped into `n_bins` (default 10) equal-width bins (lo, hi], the first also holding 0;
/// ECE = sum over bins of |bin| / n x |accuracy - mean confidence|.
fn expected_calibration_error(inputs: &Inputs) -> Result<Value, Error> {
    let confidences = inputs.vector("confidences")?;
    let correct = inputs.vector("correct")?;
    inputs.same_length(
        ("confidences", confidences.len()),
        ("correct", correct.len()),
    )?;
    let bins = inputs.count_or("n_bins", 10)?;
    if bins == 0 {
        return Err(inputs.invalid("`n_bins` must be at least 1"));
    }
    let mut confidence_sum = vec![0.0; bins];
    let mut correct_sum = vec![0.0; bins];
    let mut size = vec![0.0; bins];
    for (&c, &ok) in confidences.iter().zip(&correct) {
        inputs.check_probability("confidences", c)?;
        let ok = label(inputs, "correct", ok)?;
        // The edges are i / bins, compared directly, so a confidence of 0.3 falls in (0.2, 0.3].
        let b = (0..bins)
            .find(|&i| c <= (i + 1) as f64 / bins as f64)
            .unwrap_or(bins - 1);
        confidence_sum[b] += c;
        correct_sum[b] += if ok { 1.0 } else { 0.0 };
        size[b] += 1.0;
    }
    let n = confidences.len() as f64;
    let ece = (0..bins)
        .filter(|&b| size[b] > 0.0)
        .map(|b| size[b] / n * ((correct_sum[b] - confidence_sum[b]) / size[b]).abs())
        .sum();
    Ok(scalar(ece))
}

/// Reads a box `[x1, y1, x2, y2]` with x1 <= x2 and y1 <= y2.
pub(crate) fn read_box(inputs: &Inputs, name: &str, b: &[f64]) -> Result<[f64; 4], Error> {
    match *b {
        [x1, y1, x2, y2] if x1 <= x2 && y1 <= y2 => Ok([x1, y1, x2, y2]),
        _ => Err(inputs.invalid(format!(
            "`{name}` must be boxes [x1, y1, x2, y2] with x1 <= x2 and y1 <= y2"
        ))),
    }
}

/// Intersection over union of two `[x1, y1, x2, y2]` boxes in continuous coordinates (no +1);
/// 0 when both have zero area.
pub(crate) fn box_iou(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    let width = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let height = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let intersection = width * height;
    let area = |r: &[f64; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    ratio(intersection, area(a) + area(b) - intersection)
}

/// IoU of `box_a` and `box_b`, each `[x1, y1, x2, y2]`.
fn iou(inputs: &Inputs) -> Result<Value, Error> {
    let a = read_box(inputs, "box_a", &inputs.vector("box_a")?)?;
    let b = read_box(inputs, "box_b", &inputs.vector("box_b")?)?;
    Ok(scalar(box_iou(&a, &b)))
}

/// BLEU with uniform weights and the brevity penalty BP = min(1, e^(1 - r/c)), no smoothing.
///
/// Either from summary statistics, `precisions` (p_1..p_N), `candidate_length` (c) and
/// `reference_length` (r); or corpus-level from tokens: `candidates` (one token list per
/// sentence; tokens are strings or integers) and `references` (per candidate one token list, or
/// a list of them), with clipped n-gram counts pooled over the corpus, n = 1..`max_n` (default
/// 4), and r the sum of each candidate's closest reference length (the shorter on a tie).
fn bleu(inputs: &Inputs) -> Result<Value, Error> {
    let (precisions, c, r) = if inputs.has("precisions") {
        let precisions = inputs.vector("precisions")?;
        for &p in &precisions {
            inputs.check_probability("precisions", p)?;
        }
        (
            precisions,
            inputs.number("candidate_length")?,
            inputs.number("reference_length")?,
        )
    } else {
        corpus_statistics(inputs)?
    };
    if c <= 0.0 || precisions.contains(&0.0) {
        return Ok(scalar(0.0));
    }
    let log_mean = precisions.iter().map(|p| p.ln()).sum::<f64>() / precisions.len() as f64;
    let brevity = if c > r { 1.0 } else { (1.0 - r / c).exp() };
    Ok(scalar(brevity * log_mean.exp()))
}

/// Modified n-gram precisions, total candidate length and effective reference length.
fn corpus_statistics(inputs: &Inputs) -> Result<(Vec<f64>, f64, f64), Error> {
    let candidates = token_lists(
        inputs,
        "candidates",
        inputs.required("candidates", "token lists")?,
    )?;
    let references_value = inputs.required("references", "token lists")?;
    let max_n = inputs.count_or("max_n", 4)?;
    if max_n == 0 {
        return Err(inputs.invalid("`max_n` must be at least 1"));
    }
    let wanted = "one reference token list, or a list of them, per candidate";
    let per_candidate = references_value
        .as_array()
        .ok_or_else(|| inputs.malformed("references", wanted, references_value))?;
    inputs.same_length(
        ("candidates", candidates.len()),
        ("references", per_candidate.len()),
    )?;
    let mut matched = vec![0.0; max_n];
    let mut total = vec![0.0; max_n];
    let (mut c, mut r) = (0.0, 0.0);
    for (candidate, refs) in candidates.iter().zip(per_candidate) {
        let several = refs
            .as_array()
            .and_then(|items| items.first())
            .is_some_and(Value::is_array);
        let refs = if several {
            token_lists(inputs, "references", refs)?
        } else {
            vec![tokens(inputs, "references", refs)?]
        };
        if refs.is_empty() {
            return Err(inputs.malformed("references", wanted, references_value));
        }
        c += candidate.len() as f64;
        r += refs
            .iter()
            .map(|reference| reference.len())
            .min_by_key(|&len| (len.abs_diff(candidate.len()), len))
            .unwrap_or(0) as f64;
        for n in 1..=max_n {
            let mut most_in_a_reference: HashMap<&[String], usize> = HashMap::new();
            for reference in &refs {
                for (gram, count) in ngram_counts(reference, n) {
                    let best = most_in_a_reference.entry(gram).or_insert(0);
                    *best = (*best).max(count);
                }
            }
            for (gram, count) in ngram_counts(candidate, n) {
                let clip = most_in_a_reference.get(gram).copied().unwrap_or(0);
                matched[n - 1] += count.min(clip) as f64;
                total[n - 1] += count as f64;
            }
        }
    }
    let precisions = matched
        .iter()
        .zip(&total)
        .map(|(m, t)| ratio(*m, *t))
        .collect();
    Ok((precisions, c, r))
}

fn ngram_counts(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut counts = HashMap::new();
    if tokens.len() >= n {
        for gram in tokens.windows(n) {
            *counts.entry(gram).or_insert(0) += 1;
        }
    }
    counts
}

fn token_lists(inputs: &Inputs, name: &str, value: &Value) -> Result<Vec<Vec<String>>, Error> {
    value
        .as_array()
        .ok_or_else(|| inputs.malformed(name, "an array of token lists", value))?
        .iter()
        .map(|list| tokens(inputs, name, list))
        .collect()
}

fn tokens(inputs: &Inputs, name: &str, value: &Value) -> Result<Vec<String>, Error> {
    let wanted = "token lists (arrays of strings or integers)";
    value
        .as_array()
        .ok_or_else(|| inputs.malformed(name, wanted, value))?
        .iter()
        .map(|token| match token {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
            _ => Err(inputs.malformed(name, wanted, value)),
        })
        .collect()
}

/// The Bayes-optimal threshold on a calibrated probability: flag positive when
/// p > `c_fp` / (`c_fp` + `c_fn`).
fn bayes_optimal_threshold(inputs: &Inputs) -> Result<Value, Error> {
    let c_fp = inputs.number("c_fp")?;
    let c_fn = inputs.number("c_fn")?;
    if c_fp < 0.0 || c_fn < 0.0 || c_fp + c_fn == 0.0 {
        return Err(inputs.invalid("costs must be 0 or more and not both 0"));
    }
    Ok(scalar(c_fp / (c_fp + c_fn)))
}

/// One FGSM step under L-infinity: `x` + `epsilon` sign(`grad`), clipped to [`clip_min`,
/// `clip_max`] (default [0, 1]); sign(0) = 0.
fn fgsm(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.values("x")?;
    let grad = inputs.values("grad")?.data;
    inputs.same_length(("x", x.data.len()), ("grad", grad.len()))?;
    let epsilon = inputs.number("epsilon")?;
    let low = inputs.number_or("clip_min", 0.0)?;
    let high = inputs.number_or("clip_max", 1.0)?;
    if low > high {
        return Err(inputs.invalid("`clip_min` must not exceed `clip_max`"));
    }
    let sign = |g: f64| {
        if g > 0.0 {
            1.0
        } else if g < 0.0 {
            -1.0
        } else {
            0.0
        }
    };
    let out = x
        .data
        .iter()
        .zip(&grad)
        .map(|(x, g)| (x + epsilon * sign(*g)).clamp(low, high))
        .collect();
    Ok(x.output(out))
}

/// F-beta from `tp`, `fp`, `fn` (or `y_true` and `y_pred`) and `beta` > 0:
/// (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp), the weighted harmonic mean of precision and recall
/// in which recall counts `beta` times as much; 0 when undefined.
fn fbeta_score(inputs: &Inputs) -> Result<Value, Error> {
    let (tp, fp, fn_) = counts(inputs)?;
    let b2 = inputs.positive("beta")?.powi(2);
    Ok(scalar(ratio(
        (1.0 + b2) * tp,
        (1.0 + b2) * tp + b2 * fn_ + fp,
    )))
}

/// `[macro, micro, weighted]` F1 over classes from per-class arrays `tp`, `fp`, `fn`: macro is the
/// unweighted mean of per-class F1, micro is F1 of the pooled counts, weighted averages per-class
/// F1 by support (tp + fn). An undefined per-class F1 is 0.
fn f1_averages(inputs: &Inputs) -> Result<Value, Error> {
    let tp = inputs.vector("tp")?;
    let fp = inputs.vector("fp")?;
    let fn_ = inputs.vector("fn")?;
    inputs.same_length(("tp", tp.len()), ("fp", fp.len()))?;
    inputs.same_length(("tp", tp.len()), ("fn", fn_.len()))?;
    if tp.iter().chain(&fp).chain(&fn_).any(|&c| c < 0.0) {
        return Err(inputs.invalid("confusion-matrix counts cannot be negative"));
    }
    let per_class: Vec<f64> = (0..tp.len())
        .map(|c| ratio(2.0 * tp[c], 2.0 * tp[c] + fp[c] + fn_[c]))
        .collect();
    let (stp, sfp, sfn) = (
        tp.iter().sum::<f64>(),
        fp.iter().sum::<f64>(),
        fn_.iter().sum::<f64>(),
    );
    let support_total = stp + sfn;
    let weighted = ratio(
        (0..tp.len())
            .map(|c| per_class[c] * (tp[c] + fn_[c]))
            .sum::<f64>(),
        support_total,
    );
    Ok(array(&[
        common::mean(&per_class),
        ratio(2.0 * stp, 2.0 * stp + sfp + sfn),
        weighted,
    ]))
}

/// Mean pinball (quantile) loss at level `tau` in (0, 1): with residual u = `target` -
/// `prediction`, the loss is tau u when u >= 0 and (tau - 1) u when u < 0.
fn quantile_loss(inputs: &Inputs) -> Result<Value, Error> {
    let e = errors(inputs)?;
    let tau = inputs.number("tau")?;
    if !(tau > 0.0 && tau < 1.0) {
        return Err(inputs.invalid("`tau` must lie strictly between 0 and 1"));
    }
    let losses: Vec<f64> = e
        .iter()
        .map(|e| {
            let u = -e;
            if u >= 0.0 { tau * u } else { (tau - 1.0) * u }
        })
        .collect();
    Ok(scalar(common::mean(&losses)))
}

/// Coefficient of determination R^2 = 1 - SS_res / SS_tot of `prediction` against `target`;
/// negative when the predictions are worse than the target's mean.
fn r2_score(inputs: &Inputs) -> Result<Value, Error> {
    let e = errors(inputs)?;
    let target = inputs.vector("target")?;
    let mean = common::mean(&target);
    let ss_tot: f64 = target.iter().map(|t| (t - mean).powi(2)).sum();
    if ss_tot == 0.0 {
        return Err(inputs.invalid("`target` is constant, so R^2 is undefined"));
    }
    let ss_res: f64 = e.iter().map(|e| e * e).sum();
    Ok(scalar(1.0 - ss_res / ss_tot))
}

/// Brier score of binary forecasts: the mean of (`p` - `y`)^2 with `y` in {0, 1}.
fn brier_score(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.values("p")?.data;
    let y = inputs.values("y")?.data;
    inputs.same_length(("p", p.len()), ("y", y.len()))?;
    let mut total = 0.0;
    for (&p, &y) in p.iter().zip(&y) {
        inputs.check_probability("p", p)?;
        let y = if label(inputs, "y", y)? { 1.0 } else { 0.0 };
        total += (p - y).powi(2);
    }
    Ok(scalar(total / p.len() as f64))
}

/// (Soft) Dice coefficient (2 sum p g + `smooth`) / (sum p + sum g + `smooth`) of `prediction`
/// (probabilities or a 0/1 mask) against the 0/1 mask `target`; `smooth` defaults to 0. The Dice
/// loss is one minus this.
fn dice_coefficient(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.vector("prediction")?;
    let g = inputs.vector("target")?;
    inputs.same_length(("prediction", p.len()), ("target", g.len()))?;
    let smooth = inputs.number_or("smooth", 0.0)?;
    if smooth < 0.0 {
        return Err(inputs.invalid("`smooth` cannot be negative"));
    }
    for &x in &p {
        inputs.check_probability("prediction", x)?;
    }
    for &x in &g {
        inputs.check_probability("target", x)?;
    }
    let overlap: f64 = p.iter().zip(&g).map(|(p, g)| p * g).sum();
    let denominator = p.iter().sum::<f64>() + g.iter().sum::<f64>() + smooth;
    if denominator == 0.0 {
        return Err(inputs.invalid("both masks are empty and `smooth` is 0: Dice is undefined"));
    }
    Ok(scalar((2.0 * overlap + smooth) / denominator))
}

/// `[PQ, SQ, RQ]` of panoptic segmentation from the IoUs of the matched (true-positive) segment
/// pairs, `matched_ious` (each above 0.5), and the unmatched counts `fp` and `fn`:
/// SQ = mean matched IoU, RQ = TP / (TP + FP/2 + FN/2), PQ = SQ x RQ.
fn panoptic_quality(inputs: &Inputs) -> Result<Value, Error> {
    let ious = inputs.vector("matched_ious")?;
    let fp = inputs.number("fp")?;
    let fn_ = inputs.number("fn")?;
    if fp < 0.0 || fn_ < 0.0 {
        return Err(inputs.invalid("`fp` and `fn` cannot be negative"));
    }
    if ious.iter().any(|&x| !(x > 0.5 && x <= 1.0)) {
        return Err(inputs.invalid(
            "a matched pair needs IoU above 0.5 (and at most 1); lower-IoU pairs are not matches",
        ));
    }
    let tp = ious.len() as f64;
    let sq = common::mean(&ious);
    let rq = tp / (tp + 0.5 * fp + 0.5 * fn_);
    Ok(array(&[sq * rq, sq, rq]))
}

/// Cohen's kappa from the square agreement `matrix` of counts (rows: rater A's class, columns:
/// rater B's): 1 - sum(w O) / sum(w E), with E the counts expected from the margins under
/// independence. `weighting` is absent (unweighted: w = 1 off the diagonal), "linear"
/// (|i - j| / (K - 1)) or "quadratic" ((i - j)^2 / (K - 1)^2).
fn cohen_kappa(inputs: &Inputs) -> Result<Value, Error> {
    let m = inputs.matrix("matrix")?;
    let k = m.len();
    if m[0].len() != k || k < 2 {
        return Err(inputs.invalid("`matrix` must be square with at least 2 classes"));
    }
    if m.iter().flatten().any(|&c| c < 0.0) {
        return Err(inputs.invalid("counts cannot be negative"));
    }
    let scheme = match inputs.raw("weighting") {
        None => "none",
        Some(Value::String(s)) if s == "linear" || s == "quadratic" || s == "none" => s.as_str(),
        Some(other) => {
            return Err(inputs.malformed(
                "weighting",
                "\"linear\", \"quadratic\" or \"none\"",
                other,
            ));
        }
    };
    let n: f64 = m.iter().flatten().sum();
    let rows: Vec<f64> = m.iter().map(|r| r.iter().sum()).collect();
    let cols: Vec<f64> = (0..k).map(|j| m.iter().map(|r| r[j]).sum()).collect();
    let weight = |i: usize, j: usize| -> f64 {
        let d = i.abs_diff(j) as f64 / (k - 1) as f64;
        match scheme {
            "linear" => d,
            "quadratic" => d * d,
            _ => {
                if i == j {
                    0.0
                } else {
                    1.0
                }
            }
        }
    };
    let (mut observed, mut expected) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            observed += weight(i, j) * m[i][j];
            expected += weight(i, j) * rows[i] * cols[j] / n;
        }
    }
    if expected == 0.0 {
        return Err(
            inputs.invalid("chance disagreement is 0 (one class only), so kappa is undefined")
        );
    }
    Ok(scalar(1.0 - observed / expected))
}

/// One Elo update: expected score E_a = 1 / (1 + 10^((`rating_b` - `rating_a`) / 400)), then
/// R_a += `k` (`score_a` - E_a) and R_b -= the same amount; `score_a` is 1 (A wins), 0.5 or 0.
/// Returns `[new_rating_a, new_rating_b]`.
fn elo_update(inputs: &Inputs) -> Result<Value, Error> {
    let ra = inputs.number("rating_a")?;
    let rb = inputs.number("rating_b")?;
    let score = inputs.probability("score_a")?;
    let k = inputs.positive("k")?;
    let expected = 1.0 / (1.0 + 10f64.powf((rb - ra) / 400.0));
    let delta = k * (score - expected);
    Ok(array(&[ra + delta, rb - delta]))
}

/// Unbiased pass@k from `n` samples of which `c` are correct: 1 - C(n - c, k) / C(n, k),
/// computed as 1 - prod_{i = n-c+1}^{n} (1 - k / i) so no binomial coefficient overflows.
fn pass_at_k(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("n")?;
    let c = inputs.count("c")?;
    let k = inputs.count("k")?;
    if c > n || k == 0 || k > n {
        return Err(inputs.invalid("need 0 <= c <= n and 1 <= k <= n"));
    }
    if n - c < k {
        return Ok(scalar(1.0));
    }
    let all_fail: f64 = ((n - c + 1)..=n)
        .map(|i| 1.0 - k as f64 / i as f64)
        .product();
    Ok(scalar(1.0 - all_fail))
}

/// SQuAD-style token F1 between `prediction_tokens` and `reference_tokens` (already normalised):
/// overlap = size of the multiset intersection, precision = overlap / |prediction|, recall =
/// overlap / |reference|; 1 when both are empty, 0 when only one is.
fn qa_token_f1(inputs: &Inputs) -> Result<Value, Error> {
    let prediction = tokens(
        inputs,
        "prediction_tokens",
        inputs.required("prediction_tokens", "a token list")?,
    )?;
    let reference = tokens(
        inputs,
        "reference_tokens",
        inputs.required("reference_tokens", "a token list")?,
    )?;
    if prediction.is_empty() || reference.is_empty() {
        let both = prediction.is_empty() && reference.is_empty();
        return Ok(scalar(if both { 1.0 } else { 0.0 }));
    }
    let mut available: HashMap<&str, usize> = HashMap::new();
    for token in &reference {
        *available.entry(token.as_str()).or_insert(0) += 1;
    }
    let mut overlap = 0.0;
    for token in &prediction {
        if let Some(left) = available.get_mut(token.as_str())
            && *left > 0
        {
            *left -= 1;
            overlap += 1.0;
        }
    }
    let precision = overlap / prediction.len() as f64;
    let recall = overlap / reference.len() as f64;
    Ok(scalar(ratio(2.0 * precision * recall, precision + recall)))
}

/// Word error rate (S + D + I) / N: the Levenshtein distance between the `reference` and
/// `hypothesis` token lists (unit costs) divided by the reference length N. On character lists
/// it is the character error rate.
fn word_error_rate(inputs: &Inputs) -> Result<Value, Error> {
    let reference = tokens(
        inputs,
        "reference",
        inputs.required("reference", "a token list")?,
    )?;
    let hypothesis = tokens(
        inputs,
        "hypothesis",
        inputs.required("hypothesis", "a token list")?,
    )?;
    if reference.is_empty() {
        return Err(inputs.invalid("`reference` is empty, so the error rate is undefined"));
    }
    let mut previous: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut current = vec![i + 1; hypothesis.len() + 1];
        for (j, h) in hypothesis.iter().enumerate() {
            let substitute = previous[j] + usize::from(r != h);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    Ok(scalar(
        previous[hypothesis.len()] as f64 / reference.len() as f64,
    ))
}

/// distinct-n: the number of distinct n-grams over all `candidates` (token lists) divided by the
/// total number of n-grams they contain; `n` defaults to 1.
fn distinct_n(inputs: &Inputs) -> Result<Value, Error> {
    let candidates = token_lists(
        inputs,
        "candidates",
        inputs.required("candidates", "token lists")?,
    )?;
    let n = inputs.count_or("n", 1)?;
    if n == 0 {
        return Err(inputs.invalid("`n` must be at least 1"));
    }
    let mut distinct: HashMap<&[String], usize> = HashMap::new();
    let mut total = 0usize;
    for candidate in &candidates {
        for (gram, count) in ngram_counts(candidate, n) {
            *distinct.entry(gram).or_insert(0) += count;
            total += count;
        }
    }
    if total == 0 {
        return Err(inputs.invalid("the candidates contain no n-grams of this length"));
    }
    Ok(scalar(distinct.len() as f64 / total as f64))
}

/// PSNR in decibels: 10 log10(`max_value`^2 / MSE) of `prediction` against `target`.
fn psnr(inputs: &Inputs) -> Result<Value, Error> {
    let e = errors(inputs)?;
    let peak = inputs.positive("max_value")?;
    let mse = common::mean(&e.iter().map(|e| e * e).collect::<Vec<_>>());
    if mse == 0.0 {
        return Err(inputs.invalid("the images are identical: PSNR is infinite"));
    }
    Ok(scalar(10.0 * (peak * peak / mse).log10()))
}

/// Normalised entropy of binary predictions: the mean log loss of `p` on labels `y`, natural log,
/// divided by the entropy of the base rate, -(b ln b + (1 - b) ln(1 - b)); `base_rate` b defaults
/// to the mean of `y`. Below 1 means better than always predicting the base rate.
fn normalized_entropy(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.vector("p")?;
    let y = inputs.vector("y")?;
    inputs.same_length(("p", p.len()), ("y", y.len()))?;
    let mut log_loss = 0.0;
    for (&p, &y) in p.iter().zip(&y) {
        inputs.check_probability("p", p)?;
        log_loss -= if label(inputs, "y", y)? {
            p.ln()
        } else {
            (1.0 - p).ln()
        };
    }
    log_loss /= p.len() as f64;
    let b = match inputs.optional_number("base_rate")? {
        Some(b) => b,
        None => common::mean(&y),
    };
    if !(b > 0.0 && b < 1.0) {
        return Err(inputs.invalid("the base rate must lie strictly between 0 and 1"));
    }
    let entropy = -(b * b.ln() + (1.0 - b) * (1.0 - b).ln());
    Ok(scalar(log_loss / entropy))
}

/// Lift in the top `fraction` of `scores`: the positive rate among the k = round(`fraction` x n)
/// highest-scored examples divided by the overall positive rate of 0/1 `labels`. Tied scores keep
/// their input order.
fn lift_at_fraction(inputs: &Inputs) -> Result<Value, Error> {
    let (scores, labels) = scored_labels(inputs)?;
    let fraction = inputs.number("fraction")?;
    let n = scores.len();
    let k = (fraction * n as f64).round();
    if !(fraction > 0.0 && fraction <= 1.0) || k < 1.0 {
        return Err(inputs.invalid("`fraction` must be in (0, 1] and select at least one example"));
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let k = k as usize;
    let hits = order[..k].iter().filter(|&&i| labels[i]).count() as f64;
    let base = labels.iter().filter(|&&l| l).count() as f64 / n as f64;
    Ok(scalar(hits / k as f64 / base))
}

/// Harrell's concordance index: over comparable pairs (i, j) with `times`[i] < `times`[j] and
/// an observed event at i (`events`[i] = 1), the fraction where `risk_scores`[i] >
/// `risk_scores`[j], ties in risk counting one half. Pairs with equal times are not compared.
fn concordance_index(inputs: &Inputs) -> Result<Value, Error> {
    let times = inputs.vector("times")?;
    let events = inputs.vector("events")?;
    let risk = inputs.vector("risk_scores")?;
    inputs.same_length(("times", times.len()), ("events", events.len()))?;
    inputs.same_length(("times", times.len()), ("risk_scores", risk.len()))?;
    let (mut concordant, mut comparable) = (0.0, 0.0);
    for i in 0..times.len() {
        if !label(inputs, "events", events[i])? {
            continue;
        }
        for j in 0..times.len() {
            if times[i] < times[j] {
                comparable += 1.0;
                if risk[i] > risk[j] {
                    concordant += 1.0;
                } else if risk[i] == risk[j] {
                    concordant += 0.5;
                }
            }
        }
    }
    if comparable == 0.0 {
        return Err(inputs.invalid("no comparable pairs: need an event before another time"));
    }
    Ok(scalar(concordant / comparable))
}

/// Inverse propensity scoring estimate of a target policy's mean reward from logged data: the
/// mean of w r with w = `target_probs` / `logging_probs` (the two policies' probabilities of the
/// logged action) and `rewards` r; an optional `clip` caps each weight at that value.
fn ips_estimate(inputs: &Inputs) -> Result<Value, Error> {
    let rewards = inputs.vector("rewards")?;
    let target = inputs.vector("target_probs")?;
    let logging = inputs.vector("logging_probs")?;
    inputs.same_length(("rewards", rewards.len()), ("target_probs", target.len()))?;
    inputs.same_length(("rewards", rewards.len()), ("logging_probs", logging.len()))?;
    let clip = inputs.optional_number("clip")?;
    let mut total = 0.0;
    for ((&r, &pi), &mu) in rewards.iter().zip(&target).zip(&logging) {
        inputs.check_probability("target_probs", pi)?;
        inputs.check_probability("logging_probs", mu)?;
        if mu == 0.0 {
            return Err(inputs.invalid("a logged action cannot have logging probability 0"));
        }
        let w = pi / mu;
        total += clip.map_or(w, |c| w.min(c)) * r;
    }
    Ok(scalar(total / rewards.len() as f64))
}

/// Population stability index sum (c - b) ln(c / b) between the bin proportions of a `baseline`
/// sample b and a `current` sample c (each summing to 1, no empty bin).
fn population_stability_index(inputs: &Inputs) -> Result<Value, Error> {
    let b = inputs.vector("baseline")?;
    let c = inputs.vector("current")?;
    inputs.same_length(("baseline", b.len()), ("current", c.len()))?;
    check_distribution(inputs, "baseline", &b)?;
    check_distribution(inputs, "current", &c)?;
    if b.iter().chain(&c).any(|&x| x == 0.0) {
        return Err(inputs
            .invalid("an empty bin makes PSI infinite; merge bins or add a small floor first"));
    }
    Ok(scalar(
        b.iter().zip(&c).map(|(b, c)| (c - b) * (c / b).ln()).sum(),
    ))
}

/// False-positive rate at the highest score threshold whose true-positive rate reaches `tpr`
/// (default 0.95), predicting positive when score >= threshold. `labels`: 1 = positive (e.g.
/// in-distribution), 0 = negative.
fn fpr_at_tpr(inputs: &Inputs) -> Result<Value, Error> {
    let (scores, labels) = scored_labels(inputs)?;
    let target = inputs.number_or("tpr", 0.95)?;
    if !(target > 0.0 && target <= 1.0) {
        return Err(inputs.invalid("`tpr` must lie in (0, 1]"));
    }
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    let mut thresholds = scores.clone();
    thresholds.sort_by(|a, b| b.total_cmp(a));
    thresholds.dedup();
    for t in thresholds {
        let tp = (0..scores.len())
            .filter(|&i| labels[i] && scores[i] >= t)
            .count() as f64;
        if tp / positives >= target - 1e-12 {
            let fp = (0..scores.len())
                .filter(|&i| !labels[i] && scores[i] >= t)
                .count() as f64;
            return Ok(scalar(fp / negatives));
        }
    }
    Err(inputs.invalid("no threshold reaches the requested TPR"))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn nll_from_probs_and_log_probs() {
        check(
            "negative_log_likelihood",
            json!({ "probs": [[0.5, 0.5], [0.25, 0.75]], "targets": [0, 0] }),
            json!((2f64.ln() + 4f64.ln()) / 2.0),
        );
        check(
            "negative_log_likelihood",
            json!({ "log_probs": [[-1.0, -2.0]], "targets": [1] }),
            json!(2.0),
        );
        check_err(
            "negative_log_likelihood",
            json!({ "probs": [[0.5, 0.5]], "targets": [2] }),
        );
    }

    #[test]
    fn bce_with_logits_is_stable() {
        check(
            "binary_cross_entropy_with_logits",
            json!({ "logits": 0.0, "targets": 1.0 }),
            json!(2f64.ln()),
        );
        // A confident correct logit costs about e^-1000: 0, not NaN.
        check(
            "binary_cross_entropy_with_logits",
            json!({ "logits": [1000.0, -1000.0], "targets": [1.0, 0.0] }),
            json!(0.0),
        );
        check(
            "binary_cross_entropy_with_logits",
            json!({ "logits": [-1000.0], "targets": [1.0] }),
            json!(1000.0),
        );
    }

    #[test]
    fn focal_loss_with_gamma_zero_is_weighted_cross_entropy() {
        check(
            "focal_loss",
            json!({ "p": 0.5, "y": 0, "gamma": 0.0, "alpha": 0.25 }),
            json!(0.75 * 2f64.ln()),
        );
        check(
            "focal_loss",
            json!({ "p": [0.5, 0.5], "y": [1, 0], "gamma": 1.0 }),
            json!(0.5 * 2f64.ln()),
        );
    }

    #[test]
    fn regression_losses() {
        let pair = json!({ "prediction": [1.0, 4.0], "target": [1.0, 1.0] });
        check("mse", pair.clone(), json!(4.5));
        check("mae", pair, json!(1.5));
        // Errors 0.5 (quadratic: 0.125) and 3 (linear: 1 * (3 - 0.5) = 2.5).
        check(
            "huber_loss",
            json!({ "prediction": [0.5, 3.0], "target": [0.0, 0.0] }),
            json!((0.125 + 2.5) / 2.0),
        );
        check(
            "hinge_loss",
            json!({ "scores": [2.0, 0.5, -1.0], "labels": [1, 1, 1] }),
            json!((0.0 + 0.5 + 2.0) / 3.0),
        );
        check_err("hinge_loss", json!({ "scores": [1.0], "labels": [0] }));
    }

    #[test]
    fn kl_divergence_of_two_coins() {
        check(
            "kl_divergence",
            json!({ "p": [1.0, 0.0], "q": [0.5, 0.5] }),
            json!(2f64.ln()),
        );
        check(
            "kl_divergence",
            json!({ "p": [0.3, 0.7], "q": [0.3, 0.7] }),
            json!(0.0),
        );
        check_err("kl_divergence", json!({ "p": [0.5, 0.5], "q": [1.0, 0.0] }));
    }

    #[test]
    fn confusion_metrics() {
        check(
            "precision_recall_f1",
            json!({ "tp": 6, "fp": 2, "fn": 6 }),
            json!([0.75, 0.5, 0.6]),
        );
        check(
            "precision_recall_f1",
            json!({ "y_true": [1, 1, 0, 0], "y_pred": [1, 0, 1, 0] }),
            json!([0.5, 0.5, 0.5]),
        );
        check(
            "precision_recall_f1",
            json!({ "tp": 0, "fp": 0, "fn": 3 }),
            json!([0.0, 0.0, 0.0]),
        );
        check(
            "matthews_corrcoef",
            json!({ "tp": 5, "fp": 0, "fn": 0, "tn": 5 }),
            json!(1.0),
        );
        check(
            "matthews_corrcoef",
            json!({ "tp": 0, "fp": 0, "fn": 5, "tn": 5 }),
            json!(0.0),
        );
    }

    #[test]
    fn ranking_of_scores() {
        // Pairs (pos, neg): (0.9, 0.1) win, (0.9, 0.4) win, (0.35, 0.1) win, (0.35, 0.4) loss.
        let case = json!({ "scores": [0.1, 0.4, 0.35, 0.9], "labels": [0, 0, 1, 1] });
        check("roc_auc", case.clone(), json!(0.75));
        // Ranked: 0.9 (+), 0.4 (-), 0.35 (+), 0.1 (-): AP = (1/2)(1) + (1/2)(2/3).
        check("average_precision", case, json!(0.5 + 1.0 / 3.0));
        // A tie between a positive and a negative counts one half.
        check(
            "roc_auc",
            json!({ "scores": [0.5, 0.5], "labels": [1, 0] }),
            json!(0.5),
        );
        check(
            "average_precision",
            json!({ "scores": [0.5, 0.5], "labels": [1, 0] }),
            json!(0.5),
        );
        check_err("roc_auc", json!({ "scores": [0.5, 0.7], "labels": [1, 1] }));
    }

    #[test]
    fn ranking_of_lists() {
        // DCG = 1/log2(3) = 0.6309; ideal = 1.
        check(
            "ndcg_at_k",
            json!({ "relevances": [0, 1, 0], "k": 3 }),
            json!(1.0 / 3f64.log2()),
        );
        check(
            "ndcg_at_k",
            json!({ "relevances": [2, 3], "k": 1 }),
            json!(3.0 / 7.0),
        );
        check("ndcg_at_k", json!({ "relevances": [0, 0] }), json!(0.0));
        check(
            "mrr",
            json!({ "relevances": [[0, 0, 1], [1, 0], [0, 0]] }),
            json!((1.0 / 3.0 + 1.0) / 3.0),
        );
    }

    #[test]
    fn calibration_error_of_a_perfect_and_an_overconfident_model() {
        check(
            "expected_calibration_error",
            json!({ "confidences": [1.0, 1.0], "correct": [1, 1] }),
            json!(0.0),
        );
        // One bin (0.8, 0.9]: mean confidence 0.85, accuracy 0.5.
        check(
            "expected_calibration_error",
            json!({ "confidences": [0.9, 0.8000001], "correct": [1, 0] }),
            json!(0.3500000500),
        );
        // 0.3 sits on an edge and belongs to (0.2, 0.3] (gap 0.7), 0.35 to (0.3, 0.4] (gap
        // 0.35); pooled into one bin they would give 0.175.
        check(
            "expected_calibration_error",
            json!({ "confidences": [0.3, 0.35], "correct": [1, 0], "n_bins": 10 }),
            json!(0.525),
        );
    }

    #[test]
    fn iou_of_nested_and_disjoint_boxes() {
        check(
            "iou",
            json!({ "box_a": [0.0, 0.0, 4.0, 4.0], "box_b": [0.0, 0.0, 2.0, 2.0] }),
            json!(0.25),
        );
        check(
            "iou",
            json!({ "box_a": [0.0, 0.0, 1.0, 1.0], "box_b": [2.0, 2.0, 3.0, 3.0] }),
            json!(0.0),
        );
        check_err(
            "iou",
            json!({ "box_a": [1.0, 0.0, 0.0, 1.0], "box_b": [0.0, 0.0, 1.0, 1.0] }),
        );
    }

    #[test]
    fn bleu_from_tokens() {
        // A perfect match longer than 4 tokens scores 1.
        check(
            "bleu",
            json!({
                "candidates": [["the", "cat", "sat", "on", "the", "mat"]],
                "references": [["the", "cat", "sat", "on", "the", "mat"]]
            }),
            json!(1.0),
        );
        // "the the the the": unigram precision clipped to 1/4, no bigram matches at all, so
        // BLEU-4 is 0 without smoothing. BLEU-1 is 1/4 times BP: the closest reference has 5
        // tokens (distance 1, against 2 for "the cat"), so BP = e^(1 - 5/4).
        let repeated = json!({
            "candidates": [["the", "the", "the", "the"]],
            "references": [[["the", "cat"], ["a", "cat", "on", "a", "mat"]]]
        });
        check("bleu", repeated.clone(), json!(0.0));
        let mut one = repeated.as_object().cloned().unwrap();
        one.insert("max_n".into(), json!(1));
        check(
            "bleu",
            serde_json::Value::Object(one),
            json!(0.25 * (-0.25f64).exp()),
        );
        // Integer tokens; candidate 2 long against reference 4: p1 = 1, p2 = 1, BP = e^(1 - 2).
        check(
            "bleu",
            json!({ "candidates": [[1, 2]], "references": [[1, 2, 3, 4]], "max_n": 2 }),
            json!((-1f64).exp()),
        );
    }

    #[test]
    fn bleu_from_precisions() {
        check(
            "bleu",
            json!({ "precisions": [0.5, 0.5, 0.5, 0.5], "candidate_length": 10, "reference_length": 5 }),
            json!(0.5),
        );
    }

    #[test]
    fn threshold_and_fgsm() {
        check(
            "bayes_optimal_threshold",
            json!({ "c_fp": 1.0, "c_fn": 3.0 }),
            json!(0.25),
        );
        check(
            "fgsm",
            json!({ "x": [0.95, 0.5, 0.02], "grad": [1.0, 0.0, -2.0], "epsilon": 0.1 }),
            json!([1.0, 0.5, 0.0]),
        );
    }

    #[test]
    fn fbeta_and_f1_averages() {
        // P = 0.5, R = 1: F2 = 5 * 0.5 / (4 * 0.5 + 1) = 2.5 / 3.
        check(
            "fbeta_score",
            json!({ "tp": 1, "fp": 1, "fn": 0, "beta": 2.0 }),
            json!(2.5 / 3.0),
        );
        check(
            "fbeta_score",
            json!({ "tp": 8, "fp": 2, "fn": 4, "beta": 1.0 }),
            json!(16.0 / 22.0),
        );
        // Class 0: F1 = 4/5 (support 2); class 1: F1 = 0 (support 1, missed).
        // Pooled: tp 2, fp 1, fn 1 -> micro 4 / 6.
        check(
            "f1_averages",
            json!({ "tp": [2, 0], "fp": [1, 0], "fn": [0, 1] }),
            json!([(0.8 + 0.0) / 2.0, 4.0 / 6.0, 0.8 * 2.0 / 3.0]),
        );
    }

    #[test]
    fn quantile_r2_brier() {
        // tau = 0.9: under-prediction by 2 costs 1.8, over-prediction by 2 costs 0.2.
        check(
            "quantile_loss",
            json!({ "prediction": [0.0, 4.0], "target": [2.0, 2.0], "tau": 0.9 }),
            json!(1.0),
        );
        check(
            "r2_score",
            json!({ "prediction": [2.0, 2.0], "target": [1.0, 3.0] }),
            json!(0.0),
        );
        check(
            "r2_score",
            json!({ "prediction": [3.0, 1.0], "target": [1.0, 3.0] }),
            json!(-3.0),
        );
        check_err(
            "r2_score",
            json!({ "prediction": [1.0, 2.0], "target": [1.0, 1.0] }),
        );
        check(
            "brier_score",
            json!({ "p": [1.0, 0.5], "y": [1, 0] }),
            json!(0.125),
        );
    }

    #[test]
    fn segmentation_overlap() {
        // Overlap 1, sizes 2 and 1: Dice = 2/3 (IoU would be 1/2).
        check(
            "dice_coefficient",
            json!({ "prediction": [1, 1, 0], "target": [1, 0, 0] }),
            json!(2.0 / 3.0),
        );
        check(
            "dice_coefficient",
            json!({ "prediction": [0, 0], "target": [0, 0], "smooth": 1.0 }),
            json!(1.0),
        );
        // SQ = 0.8, RQ = 2 / (2 + 1) ; PQ = 0.8 * 2/3.
        check(
            "panoptic_quality",
            json!({ "matched_ious": [0.7, 0.9], "fp": 1, "fn": 1 }),
            json!([0.8 * 2.0 / 3.0, 0.8, 2.0 / 3.0]),
        );
        check_err(
            "panoptic_quality",
            json!({ "matched_ious": [0.4], "fp": 0, "fn": 0 }),
        );
    }

    #[test]
    fn kappa_of_perfect_chance_and_ordinal_agreement() {
        check(
            "cohen_kappa",
            json!({ "matrix": [[5, 0], [0, 5]] }),
            json!(1.0),
        );
        // Observed agreement 0.5 equals chance agreement 0.5.
        check(
            "cohen_kappa",
            json!({ "matrix": [[1, 1], [1, 1]] }),
            json!(0.0),
        );
        // Two classes: linear and quadratic weights both equal the unweighted ones.
        check(
            "cohen_kappa",
            json!({ "matrix": [[4, 1], [1, 4]], "weighting": "quadratic" }),
            json!(0.6),
        );
        check_err(
            "cohen_kappa",
            json!({ "matrix": [[1, 0], [0, 1]], "weighting": "cubic" }),
        );
    }

    #[test]
    fn elo_and_pass_at_k() {
        // Equal ratings: expected 0.5, a win moves each by k / 2.
        check(
            "elo_update",
            json!({ "rating_a": 1500, "rating_b": 1500, "score_a": 1, "k": 32 }),
            json!([1516.0, 1484.0]),
        );
        // n = 4, c = 1, k = 2: 1 - C(3,2)/C(4,2) = 1 - 3/6.
        check("pass_at_k", json!({ "n": 4, "c": 1, "k": 2 }), json!(0.5));
        check("pass_at_k", json!({ "n": 5, "c": 4, "k": 2 }), json!(1.0));
        check("pass_at_k", json!({ "n": 5, "c": 0, "k": 2 }), json!(0.0));
    }

    #[test]
    fn text_overlap_and_edit_metrics() {
        // Overlap {the, cat} = 2; P = 2/3, R = 2/2 -> F1 = 0.8.
        check(
            "qa_token_f1",
            json!({ "prediction_tokens": ["the", "cat", "sat"], "reference_tokens": ["the", "cat"] }),
            json!(0.8),
        );
        check(
            "qa_token_f1",
            json!({ "prediction_tokens": [], "reference_tokens": [] }),
            json!(1.0),
        );
        // One substitution in 3 words.
        check(
            "word_error_rate",
            json!({ "reference": ["a", "b", "c"], "hypothesis": ["a", "x", "c"] }),
            json!(1.0 / 3.0),
        );
        // One reference word, three hypothesis words: 1 substitution-or-match + 2 insertions.
        check(
            "word_error_rate",
            json!({ "reference": ["a"], "hypothesis": ["b", "c", "d"] }),
            json!(3.0),
        );
        // Unigrams: a b a b -> 2 distinct of 4.
        check(
            "distinct_n",
            json!({ "candidates": [["a", "b"], ["a", "b"]], "n": 1 }),
            json!(0.5),
        );
    }

    #[test]
    fn psnr_and_normalized_entropy() {
        // MSE 0.01 on a [0, 1] scale: 10 log10(100) = 20 dB.
        check(
            "psnr",
            json!({ "prediction": [0.1, 0.9], "target": [0.0, 1.0], "max_value": 1.0 }),
            json!(20.0),
        );
        // Predicting the base rate 0.5 everywhere: NE = 1.
        check(
            "normalized_entropy",
            json!({ "p": [0.5, 0.5], "y": [1, 0] }),
            json!(1.0),
        );
    }

    #[test]
    fn lift_cindex_ips_psi_fpr() {
        // Top 2 of 4 hold both positives: rate 1 against base 0.5 -> lift 2.
        check(
            "lift_at_fraction",
            json!({ "scores": [0.9, 0.8, 0.2, 0.1], "labels": [1, 1, 0, 0], "fraction": 0.5 }),
            json!(2.0),
        );
        // Comparable pairs: (0,1), (0,2), (1,2) ... event at 0 and 1; 2 censored.
        // risk [3, 1, 2]: (0,1) yes, (0,2) yes, (1,2) no -> 2/3.
        check(
            "concordance_index",
            json!({ "times": [1, 2, 3], "events": [1, 1, 0], "risk_scores": [3, 1, 2] }),
            json!(2.0 / 3.0),
        );
        check(
            "ips_estimate",
            json!({ "rewards": [1, 0], "target_probs": [0.5, 0.5], "logging_probs": [0.25, 0.5] }),
            json!(1.0),
        );
        check(
            "ips_estimate",
            json!({ "rewards": [1, 0], "target_probs": [0.5, 0.5], "logging_probs": [0.25, 0.5], "clip": 1.5 }),
            json!(0.75),
        );
        check(
            "population_stability_index",
            json!({ "baseline": [0.5, 0.5], "current": [0.5, 0.5] }),
            json!(0.0),
        );
        check(
            "population_stability_index",
            json!({ "baseline": [0.5, 0.5], "current": [0.25, 0.75] }),
            json!(0.25 * 3f64.ln()),
        );
        // Positives 0.9, 0.8; negatives 0.85, 0.1. TPR 1 needs threshold 0.8, which also
        // admits the negative at 0.85: FPR = 1/2.
        check(
            "fpr_at_tpr",
            json!({ "scores": [0.9, 0.8, 0.85, 0.1], "labels": [1, 1, 0, 0], "tpr": 1.0 }),
            json!(0.5),
        );
    }
}
