//! Formulas of the `losses-metrics` category: classification and regression losses,
//! divergences, confusion-matrix metrics, ranking metrics, calibration, detection IoU, BLEU,
//! cost-based thresholds and the FGSM adversarial step.

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
}
