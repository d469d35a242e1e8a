//! Formulas of the `coding` category: the standard error of a measured accuracy, and the worked
//! examples of the implementation exercises (gradient checking, naive convolution, bilinear
//! resizing, a BPE merge step, PCA, pairwise distances, a decision-tree split, Viterbi decoding,
//! mergeable running statistics). (The coding questions' stable softmax and cross-entropy live in
//! `fundamentals`, which owns them; metrics, attention and optimiser steps live with their owners.)

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("accuracy_standard_error", accuracy_standard_error),
    (
        "gradient_check_relative_error",
        gradient_check_relative_error,
    ),
    ("conv2d", conv2d),
    ("bilinear_resize", bilinear_resize),
    ("bpe_best_pair", bpe_best_pair),
    ("pca_explained_variance_ratio", pca_explained_variance_ratio),
    ("pairwise_sq_distances", pairwise_sq_distances),
    ("best_split_gini", best_split_gini),
    ("viterbi_path", viterbi_path),
    ("welford_merge", welford_merge),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// The binomial standard error of an `accuracy` measured on `n` examples, by the normal
/// approximation: sqrt(acc (1 - acc) / n).
fn accuracy_standard_error(inputs: &Inputs) -> Result<Value, Error> {
    let accuracy = inputs.probability("accuracy")?;
    let n = inputs.positive("n")?;
    Ok(scalar((accuracy * (1.0 - accuracy) / n).sqrt()))
}

/// The relative error of a gradient check: ||analytic - numeric||_2 / (||analytic||_2 +
/// ||numeric||_2), and 0 when both gradients are zero.
fn gradient_check_relative_error(inputs: &Inputs) -> Result<Value, Error> {
    let analytic = inputs.vector("analytic")?;
    let numeric = inputs.vector("numeric")?;
    inputs.same_length(("analytic", analytic.len()), ("numeric", numeric.len()))?;
    let diff: Vec<f64> = analytic.iter().zip(&numeric).map(|(a, n)| a - n).collect();
    let denominator = common::norm(&analytic) + common::norm(&numeric);
    if denominator == 0.0 {
        return Ok(scalar(0.0));
    }
    Ok(scalar(common::norm(&diff) / denominator))
}

/// Single-channel 2-D convolution as deep-learning libraries define it (cross-correlation, the
/// kernel is not flipped): `image` (H x W) zero-padded by `padding` (default 0) on every side,
/// `kernel` (kh x kw) slid with `stride` (default 1). Output is
/// (floor((H + 2p - kh) / s) + 1) x (floor((W + 2p - kw) / s) + 1).
fn conv2d(inputs: &Inputs) -> Result<Value, Error> {
    let image = inputs.matrix("image")?;
    let kernel = inputs.matrix("kernel")?;
    let stride = inputs.count_or("stride", 1)?;
    let padding = inputs.count_or("padding", 0)?;
    if stride == 0 {
        return Err(inputs.invalid("`stride` must be at least 1"));
    }
    let (h, w) = (image.len() + 2 * padding, image[0].len() + 2 * padding);
    let (kh, kw) = (kernel.len(), kernel[0].len());
    if kh > h || kw > w {
        return Err(inputs.invalid("the kernel is larger than the padded image"));
    }
    // Reads the padded image: zero outside the original.
    let at = |r: usize, c: usize| -> f64 {
        if r < padding || c < padding {
            return 0.0;
        }
        image
            .get(r - padding)
            .and_then(|row| row.get(c - padding))
            .copied()
            .unwrap_or(0.0)
    };
    let (out_h, out_w) = ((h - kh) / stride + 1, (w - kw) / stride + 1);
    let out: Vec<Vec<f64>> = (0..out_h)
        .map(|i| {
            (0..out_w)
                .map(|j| {
                    let mut sum = 0.0;
                    for (u, kernel_row) in kernel.iter().enumerate() {
                        for (v, k) in kernel_row.iter().enumerate() {
                            sum += k * at(i * stride + u, j * stride + v);
                        }
                    }
                    sum
                })
                .collect()
        })
        .collect();
    Ok(nested(&out))
}

/// Source coordinate of output index `d` when resizing `n_in` samples to `n_out`:
/// half-pixel centres (d + 0.5) n_in / n_out - 0.5 by default, d (n_in - 1) / (n_out - 1) with
/// `align_corners`; clamped to [0, n_in - 1].
fn source_coordinate(d: usize, n_in: usize, n_out: usize, align_corners: bool) -> f64 {
    let x = if align_corners {
        if n_out == 1 {
            0.0
        } else {
            d as f64 * (n_in - 1) as f64 / (n_out - 1) as f64
        }
    } else {
        (d as f64 + 0.5) * n_in as f64 / n_out as f64 - 0.5
    };
    x.clamp(0.0, (n_in - 1) as f64)
}

/// Bilinear resize of a single-channel `image` to `out_h` x `out_w`. Coordinates follow
/// `source_coordinate` (`align_corners` defaults to false, the half-pixel convention of OpenCV
/// and of PyTorch's default); each output is the area-weighted mix of the 4 nearest inputs.
fn bilinear_resize(inputs: &Inputs) -> Result<Value, Error> {
    let image = inputs.matrix("image")?;
    let out_h = inputs.count("out_h")?;
    let out_w = inputs.count("out_w")?;
    let align_corners = inputs.flag_or("align_corners", false)?;
    if out_h == 0 || out_w == 0 {
        return Err(inputs.invalid("`out_h` and `out_w` must be at least 1"));
    }
    let (in_h, in_w) = (image.len(), image[0].len());
    let out: Vec<Vec<f64>> = (0..out_h)
        .map(|i| {
            let y = source_coordinate(i, in_h, out_h, align_corners);
            let (y0, fy) = (y.floor() as usize, y - y.floor());
            let y1 = (y0 + 1).min(in_h - 1);
            (0..out_w)
                .map(|j| {
                    let x = source_coordinate(j, in_w, out_w, align_corners);
                    let (x0, fx) = (x.floor() as usize, x - x.floor());
                    let x1 = (x0 + 1).min(in_w - 1);
                    (1.0 - fy) * (1.0 - fx) * image[y0][x0]
                        + (1.0 - fy) * fx * image[y0][x1]
                        + fy * (1.0 - fx) * image[y1][x0]
                        + fy * fx * image[y1][x1]
                })
                .collect()
        })
        .collect();
    Ok(nested(&out))
}

/// One BPE training step's choice: `words` are token-id sequences and `counts` their corpus
/// frequencies; every adjacent pair is counted with its word's frequency. Returns
/// `[left, right, count]` of the most frequent pair; ties go to the smallest (left, right).
fn bpe_best_pair(inputs: &Inputs) -> Result<Value, Error> {
    let words = inputs.rows("words")?;
    let counts = inputs.vector("counts")?;
    inputs.same_length(("words", words.len()), ("counts", counts.len()))?;
    if words.iter().flatten().any(|t| t.fract() != 0.0 || *t < 0.0) {
        return Err(inputs.invalid("`words` must hold non-negative integer token ids"));
    }
    let mut pairs: Vec<((i64, i64), f64)> = Vec::new();
    for (word, count) in words.iter().zip(&counts) {
        for window in word.windows(2) {
            let pair = (window[0] as i64, window[1] as i64);
            match pairs.iter_mut().find(|(p, _)| *p == pair) {
                Some((_, total)) => *total += count,
                None => pairs.push((pair, *count)),
            }
        }
    }
    let best = pairs
        .iter()
        .fold(None::<&((i64, i64), f64)>, |best, candidate| match best {
            Some(b) if b.1 > candidate.1 || (b.1 == candidate.1 && b.0 < candidate.0) => Some(b),
            _ => Some(candidate),
        })
        .ok_or_else(|| inputs.invalid("no word has two or more tokens, so there is no pair"))?;
    Ok(array(&[best.0.0 as f64, best.0.1 as f64, best.1]))
}

/// PCA explained-variance ratios of `data` (rows are samples): the eigenvalues of the sample
/// covariance, in descending order, each divided by their sum (the total variance).
fn pca_explained_variance_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let data = inputs.matrix("data")?;
    let (n, d) = (data.len(), data[0].len());
    if n < 2 {
        return Err(inputs.invalid("`data` needs at least 2 rows (samples)"));
    }
    let means: Vec<f64> = (0..d)
        .map(|j| data.iter().map(|row| row[j]).sum::<f64>() / n as f64)
        .collect();
    let covariance: Vec<Vec<f64>> = (0..d)
        .map(|a| {
            (0..d)
                .map(|b| {
                    data.iter()
                        .map(|row| (row[a] - means[a]) * (row[b] - means[b]))
                        .sum::<f64>()
                        / (n - 1) as f64
                })
                .collect()
        })
        .collect();
    let (mut eigenvalues, _) = common::symmetric_eigen(&covariance);
    eigenvalues.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = eigenvalues.iter().sum();
    if total <= 0.0 {
        return Err(inputs.invalid("every column of `data` is constant: there is no variance"));
    }
    // Round-off can leave tiny negative eigenvalues of a rank-deficient covariance.
    let ratios: Vec<f64> = eigenvalues.iter().map(|e| e.max(0.0) / total).collect();
    Ok(array(&ratios))
}

/// Squared Euclidean distances between every row of `a` (n x d) and every row of `b` (m x d),
/// as an n x m matrix.
fn pairwise_sq_distances(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.matrix("a")?;
    let b = inputs.matrix("b")?;
    if a[0].len() != b[0].len() {
        return Err(inputs.invalid("rows of `a` and `b` must have the same dimension"));
    }
    let out: Vec<Vec<f64>> = a
        .iter()
        .map(|x| {
            b.iter()
                .map(|y| x.iter().zip(y).map(|(p, q)| (p - q) * (p - q)).sum())
                .collect()
        })
        .collect();
    Ok(nested(&out))
}

/// Gini impurity 1 - sum_k p_k^2 of a list of class labels.
fn gini(labels: &[i64]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let mut classes: Vec<i64> = labels.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let n = labels.len() as f64;
    1.0 - classes
        .iter()
        .map(|c| {
            let p = labels.iter().filter(|l| *l == c).count() as f64 / n;
            p * p
        })
        .sum::<f64>()
}

/// Best threshold split of one numeric feature `x` for class labels `y` by Gini impurity.
/// Candidate thresholds are midpoints between consecutive distinct sorted values; `x <= t` goes
/// left. Returns `[threshold, weighted child impurity, impurity decrease]`; ties go to the
/// smallest threshold.
fn best_split_gini(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let y = inputs.vector("y")?;
    inputs.same_length(("x", x.len()), ("y", y.len()))?;
    if y.iter().any(|v| v.fract() != 0.0) {
        return Err(inputs.invalid("`y` must hold integer class labels"));
    }
    let labels: Vec<i64> = y.iter().map(|v| *v as i64).collect();
    let mut values = x.clone();
    values.sort_by(f64::total_cmp);
    values.dedup();
    if values.len() < 2 {
        return Err(inputs.invalid("`x` has a single distinct value, so no split exists"));
    }
    let n = x.len() as f64;
    let parent = gini(&labels);
    let mut best: Option<(f64, f64)> = None;
    for pair in values.windows(2) {
        let t = (pair[0] + pair[1]) / 2.0;
        let left: Vec<i64> = (0..x.len())
            .filter(|&i| x[i] <= t)
            .map(|i| labels[i])
            .collect();
        let right: Vec<i64> = (0..x.len())
            .filter(|&i| x[i] > t)
            .map(|i| labels[i])
            .collect();
        let weighted = left.len() as f64 / n * gini(&left) + right.len() as f64 / n * gini(&right);
        if best.is_none_or(|(_, b)| weighted < b - 1e-12) {
            best = Some((t, weighted));
        }
    }
    let (t, weighted) = best.expect("at least one candidate threshold");
    Ok(array(&[t, weighted, parent - weighted]))
}

/// Most likely hidden-state path of an HMM with `initial` state probabilities, `transition`
/// matrix A[i][j] = P(j | i), `emission` matrix B[i][o] = P(o | i) and integer `observations`,
/// by Viterbi dynamic programming in log space. Returns the state indices.
fn viterbi_path(inputs: &Inputs) -> Result<Value, Error> {
    let initial = inputs.vector("initial")?;
    let transition = inputs.matrix("transition")?;
    let emission = inputs.matrix("emission")?;
    let observations = inputs.vector("observations")?;
    let s = initial.len();
    if transition.len() != s || transition[0].len() != s || emission.len() != s {
        return Err(inputs.invalid(
            "`transition` must be S x S and `emission` S x O, with S = the length of `initial`",
        ));
    }
    let symbols = emission[0].len();
    let obs: Vec<usize> = observations
        .iter()
        .map(|o| {
            if o.fract() == 0.0 && *o >= 0.0 && (*o as usize) < symbols {
                Ok(*o as usize)
            } else {
                Err(inputs.invalid(format!(
                    "observation {o} is not a symbol index in 0..{symbols}"
                )))
            }
        })
        .collect::<Result<_, _>>()?;
    let ln = |p: f64| if p > 0.0 { p.ln() } else { f64::NEG_INFINITY };
    let mut score: Vec<f64> = (0..s)
        .map(|i| ln(initial[i]) + ln(emission[i][obs[0]]))
        .collect();
    let mut back: Vec<Vec<usize>> = Vec::new();
    for &o in &obs[1..] {
        let mut next = vec![f64::NEG_INFINITY; s];
        let mut from = vec![0; s];
        for j in 0..s {
            for i in 0..s {
                let candidate = score[i] + ln(transition[i][j]);
                if candidate > next[j] {
                    next[j] = candidate;
                    from[j] = i;
                }
            }
            next[j] += ln(emission[j][o]);
        }
        back.push(from);
        score = next;
    }
    let mut state = (0..s).fold(0, |best, i| if score[i] > score[best] { i } else { best });
    if score[state] == f64::NEG_INFINITY {
        return Err(inputs.invalid("every path has probability 0"));
    }
    let mut path = vec![state];
    for from in back.iter().rev() {
        state = from[state];
        path.push(state);
    }
    path.reverse();
    Ok(array(&path.iter().map(|&i| i as f64).collect::<Vec<_>>()))
}

/// Merges the running statistics of two shards (Chan et al.): counts `n_a`, `n_b`, means
/// `mean_a`, `mean_b` and sums of squared deviations `m2_a`, `m2_b`. Returns `[n, mean, m2]`;
/// the population variance is m2 / n and the sample variance m2 / (n - 1).
fn welford_merge(inputs: &Inputs) -> Result<Value, Error> {
    let n_a = inputs.number("n_a")?;
    let mean_a = inputs.number("mean_a")?;
    let m2_a = inputs.number("m2_a")?;
    let n_b = inputs.number("n_b")?;
    let mean_b = inputs.number("mean_b")?;
    let m2_b = inputs.number("m2_b")?;
    if n_a < 0.0 || n_b < 0.0 || n_a + n_b == 0.0 || m2_a < 0.0 || m2_b < 0.0 {
        return Err(inputs.invalid("counts and m2 values must be 0 or more, with n_a + n_b > 0"));
    }
    let n = n_a + n_b;
    let delta = mean_b - mean_a;
    let mean = mean_a + delta * n_b / n;
    let m2 = m2_a + m2_b + delta * delta * n_a * n_b / n;
    Ok(array(&[n, mean, m2]))
}

#[cfg(test)]
mod tests {
    use crate::check;
    use serde_json::json;

    #[test]
    fn standard_error_of_a_coin() {
        check(
            "accuracy_standard_error",
            json!({ "accuracy": 0.5, "n": 100 }),
            json!(0.05),
        );
    }

    #[test]
    fn gradient_check_error() {
        // ||(3, 4) - (0, 0)|| = 5 over 5 + 0: a completely wrong gradient scores 1.
        check(
            "gradient_check_relative_error",
            json!({ "analytic": [3.0, 4.0], "numeric": [0.0, 0.0] }),
            json!(1.0),
        );
        // (1, 0) vs (1, 0.5): 0.5 / (1 + sqrt(1.25)).
        check(
            "gradient_check_relative_error",
            json!({ "analytic": [1.0, 0.0], "numeric": [1.0, 0.5] }),
            json!(0.5 / (1.0 + 1.25_f64.sqrt())),
        );
    }

    #[test]
    fn conv2d_by_hand() {
        // A 2x2 all-ones kernel sums each 2x2 window.
        check(
            "conv2d",
            json!({ "image": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 1], [1, 1]] }),
            json!([[12.0, 16.0], [24.0, 28.0]]),
        );
        // Not flipped: the kernel [[1, 0], [0, 0]] picks the top-left of each window.
        check(
            "conv2d",
            json!({ "image": [[1, 2], [3, 4]], "kernel": [[1, 0], [0, 0]], "padding": 1, "stride": 2 }),
            json!([[0.0, 0.0], [0.0, 4.0]]),
        );
    }

    #[test]
    fn bilinear_by_hand() {
        check(
            "bilinear_resize",
            json!({ "image": [[0, 10]], "out_h": 1, "out_w": 4 }),
            json!([[0.0, 2.5, 7.5, 10.0]]),
        );
        check(
            "bilinear_resize",
            json!({ "image": [[0, 30]], "out_h": 1, "out_w": 4, "align_corners": true }),
            json!([[0.0, 10.0, 20.0, 30.0]]),
        );
    }

    #[test]
    fn bpe_pair_counts_weighted_by_word_frequency() {
        // (1, 2) occurs in both words: 5 + 2 = 7; (2, 3) only in the second: 2.
        check(
            "bpe_best_pair",
            json!({ "words": [[1, 2], [1, 2, 3]], "counts": [5, 2] }),
            json!([1.0, 2.0, 7.0]),
        );
        // A tie goes to the smaller pair.
        check(
            "bpe_best_pair",
            json!({ "words": [[4, 5], [1, 2]], "counts": [1, 1] }),
            json!([1.0, 2.0, 1.0]),
        );
    }

    #[test]
    fn pca_of_points_on_a_line() {
        check(
            "pca_explained_variance_ratio",
            json!({ "data": [[0, 0], [1, 1], [2, 2]] }),
            json!([1.0, 0.0]),
        );
        // Independent axes with variances 4 and 1 (sample covariance of +-2 and +-1).
        check(
            "pca_explained_variance_ratio",
            json!({ "data": [[2, 0], [-2, 0], [0, 1], [0, -1]] }),
            json!([0.8, 0.2]),
        );
    }

    #[test]
    fn pairwise_distances_by_hand() {
        check(
            "pairwise_sq_distances",
            json!({ "a": [[0, 0], [1, 1]], "b": [[3, 4]] }),
            json!([[25.0], [13.0]]),
        );
    }

    #[test]
    fn gini_split_of_a_separable_feature() {
        // Perfectly separable at 2.5: children are pure, so the decrease is the parent's 0.5.
        check(
            "best_split_gini",
            json!({ "x": [1, 2, 3, 4], "y": [0, 0, 1, 1] }),
            json!([2.5, 0.0, 0.5]),
        );
    }

    #[test]
    fn viterbi_follows_the_emissions_when_transitions_are_uniform() {
        check(
            "viterbi_path",
            json!({
                "initial": [0.5, 0.5],
                "transition": [[0.5, 0.5], [0.5, 0.5]],
                "emission": [[0.9, 0.1], [0.2, 0.8]],
                "observations": [0, 1, 1, 0]
            }),
            json!([0.0, 1.0, 1.0, 0.0]),
        );
    }

    #[test]
    fn welford_merge_by_hand() {
        // {1, 3} (mean 2, m2 2) and {5} (mean 5, m2 0): {1, 3, 5} has mean 3 and m2 8.
        check(
            "welford_merge",
            json!({ "n_a": 2, "mean_a": 2.0, "m2_a": 2.0, "n_b": 1, "mean_b": 5.0, "m2_b": 0.0 }),
            json!([3.0, 3.0, 8.0]),
        );
    }
}
