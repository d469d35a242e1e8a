//! Formulas of the `classical-ml` category: impurity decrease of a tree split, one k-means step,
//! one logistic-regression gradient step, the multinomial naive Bayes posterior, the SVM margin
//! and soft-margin objective, one gradient-boosting step under squared loss, one AdaBoost round,
//! variance inflation factors, AIC and BIC, the curse of dimensionality as neighbourhood size,
//! the RBF kernel, Gaussian-process and Bayesian linear regression predictions, clustering scores
//! (silhouette, adjusted Rand index) and the factorisation-machine prediction.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("split_impurity_gain", split_impurity_gain),
    ("kmeans_step", kmeans_step),
    ("logistic_regression_gd_step", logistic_regression_gd_step),
    (
        "multinomial_naive_bayes_posterior",
        multinomial_naive_bayes_posterior,
    ),
    ("svm_margin", svm_margin),
    ("gbm_squared_loss_step", gbm_squared_loss_step),
    ("adaboost_round", adaboost_round),
    ("variance_inflation_factors", variance_inflation_factors),
    ("aic_bic", aic_bic),
    ("hypercube_edge_for_fraction", hypercube_edge_for_fraction),
    ("rbf_kernel", rbf_kernel),
    ("gp_posterior", gp_posterior),
    (
        "bayesian_linear_regression_predictive",
        bayesian_linear_regression_predictive,
    ),
    ("silhouette_score", silhouette_score),
    ("adjusted_rand_index", adjusted_rand_index),
    ("fm_prediction", fm_prediction),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Reads a vector of non-negative integers (class counts, labels, leaf indices).
fn counts(inputs: &Inputs, name: &str) -> Result<Vec<usize>, Error> {
    let v = inputs.vector(name)?;
    v.iter()
        .map(|&x| {
            if x >= 0.0 && x.fract() == 0.0 {
                Ok(x as usize)
            } else {
                Err(inputs.invalid(format!(
                    "input `{name}` holds {x}; it must hold integers 0 or more"
                )))
            }
        })
        .collect()
}

/// Gini impurity 1 - sum p_k^2 and entropy in bits of a vector of class counts.
fn gini_entropy(c: &[usize]) -> (f64, f64) {
    let n: usize = c.iter().sum();
    if n == 0 {
        return (0.0, 0.0);
    }
    let n = n as f64;
    let mut gini = 1.0;
    let mut entropy = 0.0;
    for &k in c {
        let p = k as f64 / n;
        gini -= p * p;
        if p > 0.0 {
            entropy -= p * p.log2();
        }
    }
    (gini, entropy)
}

/// Impurity decrease of a binary split given per-class counts `left_counts` and `right_counts`.
/// Returns `[parent Gini, weighted child Gini, Gini decrease, parent entropy, weighted child
/// entropy, information gain]`, entropies in bits, children weighted by their share of samples.
fn split_impurity_gain(inputs: &Inputs) -> Result<Value, Error> {
    let left = counts(inputs, "left_counts")?;
    let right = counts(inputs, "right_counts")?;
    inputs.same_length(("left_counts", left.len()), ("right_counts", right.len()))?;
    let (nl, nr): (usize, usize) = (left.iter().sum(), right.iter().sum());
    if nl == 0 || nr == 0 {
        return Err(inputs.invalid("each child needs at least one sample"));
    }
    let parent: Vec<usize> = left.iter().zip(&right).map(|(a, b)| a + b).collect();
    let n = (nl + nr) as f64;
    let (gp, hp) = gini_entropy(&parent);
    let (gl, hl) = gini_entropy(&left);
    let (gr, hr) = gini_entropy(&right);
    let (wl, wr) = (nl as f64 / n, nr as f64 / n);
    let gc = wl * gl + wr * gr;
    let hc = wl * hl + wr * hr;
    Ok(array(&[gp, gc, gp - gc, hp, hc, hp - hc]))
}

/// Squared Euclidean distance.
fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// One Lloyd iteration: assign each row of `points` to its nearest row of `centroids` (ties to
/// the lower index), then move each centroid to the mean of its points. A centroid that gets no
/// point stays where it is. Returns the new centroids.
fn kmeans_step(inputs: &Inputs) -> Result<Value, Error> {
    let points = inputs.matrix("points")?;
    let centroids = inputs.matrix("centroids")?;
    let d = points[0].len();
    if centroids[0].len() != d {
        return Err(inputs.invalid("`points` and `centroids` must have the same number of columns"));
    }
    let k = centroids.len();
    let mut sums = vec![vec![0.0; d]; k];
    let mut sizes = vec![0usize; k];
    for p in &points {
        let mut best = 0;
        for j in 1..k {
            if sq_dist(p, &centroids[j]) < sq_dist(p, &centroids[best]) {
                best = j;
            }
        }
        sizes[best] += 1;
        for (s, x) in sums[best].iter_mut().zip(p) {
            *s += x;
        }
    }
    let updated: Vec<Vec<f64>> = (0..k)
        .map(|j| {
            if sizes[j] == 0 {
                centroids[j].clone()
            } else {
                sums[j].iter().map(|s| s / sizes[j] as f64).collect()
            }
        })
        .collect();
    Ok(nested(&updated))
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// One batch gradient step on the mean logistic loss: w - `lr` * (1/n) X^T (sigmoid(X w) - y).
/// `x` is the n x d design matrix (add a column of ones for an intercept), `y` holds 0/1 labels.
fn logistic_regression_gd_step(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.matrix("x")?;
    let y = inputs.vector("y")?;
    let w = inputs.vector("w")?;
    let lr = inputs.number("lr")?;
    inputs.same_length(("x rows", x.len()), ("y", y.len()))?;
    inputs.same_length(("x columns", x[0].len()), ("w", w.len()))?;
    for &label in &y {
        if label != 0.0 && label != 1.0 {
            return Err(inputs.invalid(format!("`y` holds {label}; labels must be 0 or 1")));
        }
    }
    let n = x.len() as f64;
    let mut grad = vec![0.0; w.len()];
    for (row, &label) in x.iter().zip(&y) {
        let err = sigmoid(common::dot(row, &w)) - label;
        for (g, xi) in grad.iter_mut().zip(row) {
            *g += err * xi / n;
        }
    }
    Ok(array(
        &w.iter()
            .zip(&grad)
            .map(|(wi, g)| wi - lr * g)
            .collect::<Vec<_>>(),
    ))
}

/// Posterior class probabilities of multinomial naive Bayes for a `document` given as word
/// counts over the vocabulary. Priors are `class_counts` / total; word likelihoods are
/// (`word_counts`[c][w] + `alpha`) / (sum_w `word_counts`[c][w] + `alpha` * V), `alpha` default 1
/// (Laplace smoothing). Computed in log space and normalised with a stable softmax.
fn multinomial_naive_bayes_posterior(inputs: &Inputs) -> Result<Value, Error> {
    let class_counts = inputs.vector("class_counts")?;
    let word_counts = inputs.matrix("word_counts")?;
    let document = inputs.vector("document")?;
    let alpha = inputs.number_or("alpha", 1.0)?;
    inputs.same_length(
        ("class_counts", class_counts.len()),
        ("word_counts rows", word_counts.len()),
    )?;
    inputs.same_length(
        ("document", document.len()),
        ("word_counts columns", word_counts[0].len()),
    )?;
    if alpha < 0.0 || class_counts.iter().any(|c| *c <= 0.0) {
        return Err(inputs.invalid("`alpha` must be 0 or more and every class count positive"));
    }
    let total: f64 = class_counts.iter().sum();
    let v = document.len() as f64;
    let mut scores = Vec::with_capacity(class_counts.len());
    for (prior, row) in class_counts.iter().zip(&word_counts) {
        let denom: f64 = row.iter().sum::<f64>() + alpha * v;
        let mut s = (prior / total).ln();
        for (count, x) in row.iter().zip(&document) {
            if *x != 0.0 {
                let p = (count + alpha) / denom;
                if p <= 0.0 {
                    return Err(inputs.invalid(
                        "a word of the document has zero count in a class and `alpha` is 0",
                    ));
                }
                s += x * p.ln();
            }
        }
        scores.push(s);
    }
    Ok(array(&common::softmax(&scores)))
}

/// Linear SVM with weights `w`, bias `b`, points `x` (rows) and labels `y` in {-1, +1}:
/// returns `[margin width 2/||w||, soft-margin primal objective 0.5 ||w||^2 + c sum_i
/// max(0, 1 - y_i (w . x_i + b))]`.
fn svm_margin(inputs: &Inputs) -> Result<Value, Error> {
    let w = inputs.vector("w")?;
    let b = inputs.number("b")?;
    let x = inputs.matrix("x")?;
    let y = inputs.vector("y")?;
    let c = inputs.number("c")?;
    inputs.same_length(("x rows", x.len()), ("y", y.len()))?;
    inputs.same_length(("x columns", x[0].len()), ("w", w.len()))?;
    let norm = common::norm(&w);
    if norm == 0.0 {
        return Err(inputs.invalid("`w` is zero, so the margin is undefined"));
    }
    let mut hinge = 0.0;
    for (row, &label) in x.iter().zip(&y) {
        if label != 1.0 && label != -1.0 {
            return Err(inputs.invalid(format!("`y` holds {label}; labels must be -1 or +1")));
        }
        hinge += (1.0 - label * (common::dot(row, &w) + b)).max(0.0);
    }
    Ok(array(&[2.0 / norm, 0.5 * norm * norm + c * hinge]))
}

/// One gradient-boosting round under squared loss with a fixed tree structure: residuals
/// y - F are the negative gradients; each leaf (`leaves`[i] is sample i's leaf index) predicts
/// the mean residual of its samples; F += `learning_rate` * leaf value. Returns the new F.
fn gbm_squared_loss_step(inputs: &Inputs) -> Result<Value, Error> {
    let y = inputs.vector("y")?;
    let f = inputs.vector("prediction")?;
    let leaves = counts(inputs, "leaves")?;
    let lr = inputs.number("learning_rate")?;
    inputs.same_length(("y", y.len()), ("prediction", f.len()))?;
    inputs.same_length(("y", y.len()), ("leaves", leaves.len()))?;
    let n_leaves = leaves.iter().max().map_or(0, |m| m + 1);
    let mut sum = vec![0.0; n_leaves];
    let mut size = vec![0.0; n_leaves];
    for i in 0..y.len() {
        sum[leaves[i]] += y[i] - f[i];
        size[leaves[i]] += 1.0;
    }
    let updated: Vec<f64> = (0..y.len())
        .map(|i| f[i] + lr * sum[leaves[i]] / size[leaves[i]])
        .collect();
    Ok(array(&updated))
}

/// One discrete AdaBoost round with sample `weights` and `correct` (1 if the weak learner
/// classified the sample correctly, else 0). Returns `[weighted error e, learner weight
/// alpha = 0.5 ln((1 - e)/e), new normalised weights...]`; misclassified weights are multiplied
/// by e^alpha, correct ones by e^-alpha.
fn adaboost_round(inputs: &Inputs) -> Result<Value, Error> {
    let weights = inputs.vector("weights")?;
    let correct = inputs.vector("correct")?;
    inputs.same_length(("weights", weights.len()), ("correct", correct.len()))?;
    if weights.iter().any(|w| *w < 0.0) || correct.iter().any(|c| *c != 0.0 && *c != 1.0) {
        return Err(inputs.invalid("`weights` must be non-negative and `correct` hold 0 or 1"));
    }
    let total: f64 = weights.iter().sum();
    let error: f64 = weights
        .iter()
        .zip(&correct)
        .filter(|(_, c)| **c == 0.0)
        .map(|(w, _)| w)
        .sum::<f64>()
        / total;
    if error <= 0.0 || error >= 1.0 {
        return Err(inputs.invalid("the weighted error must lie strictly between 0 and 1"));
    }
    let alpha = 0.5 * ((1.0 - error) / error).ln();
    let raw: Vec<f64> = weights
        .iter()
        .zip(&correct)
        .map(|(w, c)| {
            w * if *c == 1.0 {
                (-alpha).exp()
            } else {
                alpha.exp()
            }
        })
        .collect();
    let z: f64 = raw.iter().sum();
    let mut out = vec![error, alpha];
    out.extend(raw.iter().map(|r| r / z));
    Ok(array(&out))
}

/// The inverse of a square matrix by Gauss-Jordan elimination with partial pivoting; None if
/// it is (numerically) singular.
fn inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    let scale = a
        .iter()
        .flatten()
        .fold(0.0_f64, |s, x| s.max(x.abs()))
        .max(1e-300);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        m.swap(col, pivot);
        let p = m[col][col];
        for x in m[col].iter_mut() {
            *x /= p;
        }
        let pivot_row = m[col].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i != col && row[col] != 0.0 {
                let factor = row[col];
                for (x, y) in row.iter_mut().zip(&pivot_row) {
                    *x -= factor * y;
                }
            }
        }
    }
    Some(m.into_iter().map(|row| row[n..].to_vec()).collect())
}

/// Variance inflation factor of each column of `data` (rows are samples): VIF_j = 1/(1 - R_j^2)
/// with R_j^2 from regressing column j on the others with an intercept, computed as the
/// diagonal of the inverse correlation matrix.
fn variance_inflation_factors(inputs: &Inputs) -> Result<Value, Error> {
    let data = inputs.matrix("data")?;
    let (n, d) = (data.len(), data[0].len());
    if d < 2 || n <= d {
        return Err(inputs.invalid("`data` needs at least 2 columns and more rows than columns"));
    }
    let means: Vec<f64> = (0..d)
        .map(|j| data.iter().map(|r| r[j]).sum::<f64>() / n as f64)
        .collect();
    let centred: Vec<Vec<f64>> = data
        .iter()
        .map(|r| r.iter().zip(&means).map(|(x, m)| x - m).collect())
        .collect();
    let cols = common::transpose(&centred);
    let norms: Vec<f64> = cols.iter().map(|c| common::norm(c)).collect();
    if norms.contains(&0.0) {
        return Err(inputs.invalid("a column of `data` is constant"));
    }
    let corr: Vec<Vec<f64>> = (0..d)
        .map(|a| {
            (0..d)
                .map(|b| common::dot(&cols[a], &cols[b]) / (norms[a] * norms[b]))
                .collect()
        })
        .collect();
    let inv = inverse(&corr).ok_or_else(|| {
        inputs.invalid("the columns are perfectly collinear: the VIF is infinite")
    })?;
    Ok(array(&(0..d).map(|j| inv[j][j]).collect::<Vec<_>>()))
}

/// `[AIC, BIC]` = `[2k - 2 ln L, k ln n - 2 ln L]` for `log_likelihood` ln L, `num_params` k and
/// `n` samples.
fn aic_bic(inputs: &Inputs) -> Result<Value, Error> {
    let ll = inputs.number("log_likelihood")?;
    let k = inputs.count("num_params")? as f64;
    let n = inputs.count("n")?;
    if n == 0 {
        return Err(inputs.invalid("`n` must be at least 1"));
    }
    Ok(array(&[2.0 * k - 2.0 * ll, k * (n as f64).ln() - 2.0 * ll]))
}

/// Edge length of the sub-cube of the unit hypercube in `dims` dimensions that holds a
/// `fraction` of uniformly spread data: fraction^(1/dims). `dims` may be a number or an array.
fn hypercube_edge_for_fraction(inputs: &Inputs) -> Result<Value, Error> {
    let r = inputs.number("fraction")?;
    if !(r > 0.0 && r <= 1.0) {
        return Err(inputs.invalid("`fraction` must lie in (0, 1]"));
    }
    let dims = inputs.values("dims")?;
    if dims.data.iter().any(|d| *d <= 0.0) {
        return Err(inputs.invalid("`dims` must be positive"));
    }
    let out: Vec<f64> = dims.data.iter().map(|d| r.powf(1.0 / d)).collect();
    Ok(dims.output(out))
}

/// RBF kernel exp(-`gamma` ||`x1` - `x2`||^2).
fn rbf_kernel(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.vector("x1")?;
    let b = inputs.vector("x2")?;
    inputs.same_length(("x1", a.len()), ("x2", b.len()))?;
    let gamma = inputs.positive("gamma")?;
    Ok(scalar((-gamma * sq_dist(&a, &b)).exp()))
}

/// Solves A x = b through the inverse (worked examples are tiny).
fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let inv = inverse(a)?;
    Some(inv.iter().map(|row| common::dot(row, b)).collect())
}

/// Gaussian-process regression in one dimension with the squared-exponential kernel
/// k(x, x') = `signal_variance` exp(-(x - x')^2 / (2 `length_scale`^2)) and Gaussian
/// `noise_variance`. Returns `[posterior mean, posterior variance of f]` at the number `x_test`
/// (the latent function's variance, without the observation noise).
fn gp_posterior(inputs: &Inputs) -> Result<Value, Error> {
    let xs = inputs.vector("x_train")?;
    let ys = inputs.vector("y_train")?;
    let xt = inputs.number("x_test")?;
    let ell = inputs.positive("length_scale")?;
    let s2 = inputs.positive("signal_variance")?;
    let noise = inputs.number("noise_variance")?;
    inputs.same_length(("x_train", xs.len()), ("y_train", ys.len()))?;
    if noise < 0.0 {
        return Err(inputs.invalid("`noise_variance` cannot be negative"));
    }
    let k = |a: f64, b: f64| s2 * (-(a - b) * (a - b) / (2.0 * ell * ell)).exp();
    let gram: Vec<Vec<f64>> = xs
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            xs.iter()
                .enumerate()
                .map(|(j, &b)| k(a, b) + if i == j { noise } else { 0.0 })
                .collect()
        })
        .collect();
    let kstar: Vec<f64> = xs.iter().map(|&a| k(a, xt)).collect();
    let alpha = solve(&gram, &ys)
        .ok_or_else(|| inputs.invalid("the kernel matrix is singular; add noise_variance"))?;
    let v = solve(&gram, &kstar)
        .ok_or_else(|| inputs.invalid("the kernel matrix is singular; add noise_variance"))?;
    let mean = common::dot(&kstar, &alpha);
    let var = k(xt, xt) - common::dot(&kstar, &v);
    Ok(array(&[mean, var.max(0.0)]))
}

/// Bayesian linear regression with prior w ~ N(0, I/`alpha`) and Gaussian noise of variance
/// `noise_variance`: posterior covariance S = (alpha I + X^T X / noise)^-1, mean m = S X^T y /
/// noise. Returns `[predictive mean x*^T m, predictive variance noise + x*^T S x*]` at `x_test`.
fn bayesian_linear_regression_predictive(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.matrix("x")?;
    let y = inputs.vector("y")?;
    let alpha = inputs.positive("alpha")?;
    let noise = inputs.positive("noise_variance")?;
    let xt = inputs.vector("x_test")?;
    inputs.same_length(("x rows", x.len()), ("y", y.len()))?;
    let d = x[0].len();
    inputs.same_length(("x columns", d), ("x_test", xt.len()))?;
    let xtx = common::matmul(&common::transpose(&x), &x);
    let precision: Vec<Vec<f64>> = (0..d)
        .map(|i| {
            (0..d)
                .map(|j| xtx[i][j] / noise + if i == j { alpha } else { 0.0 })
                .collect()
        })
        .collect();
    let s = inverse(&precision).ok_or_else(|| inputs.invalid("singular posterior precision"))?;
    let xty: Vec<f64> = (0..d)
        .map(|j| x.iter().zip(&y).map(|(r, yi)| r[j] * yi).sum::<f64>() / noise)
        .collect();
    let m: Vec<f64> = s.iter().map(|row| common::dot(row, &xty)).collect();
    let sx: Vec<f64> = s.iter().map(|row| common::dot(row, &xt)).collect();
    Ok(array(&[
        common::dot(&xt, &m),
        noise + common::dot(&xt, &sx),
    ]))
}

/// Mean silhouette of `points` (rows) clustered by integer `labels`, Euclidean distance:
/// s_i = (b_i - a_i) / max(a_i, b_i) with a_i the mean distance to the rest of its cluster and
/// b_i the smallest mean distance to another cluster; s_i = 0 for a point alone in its cluster.
fn silhouette_score(inputs: &Inputs) -> Result<Value, Error> {
    let points = inputs.matrix("points")?;
    let labels = counts(inputs, "labels")?;
    inputs.same_length(("points", points.len()), ("labels", labels.len()))?;
    let mut clusters = labels.clone();
    clusters.sort_unstable();
    clusters.dedup();
    if clusters.len() < 2 {
        return Err(inputs.invalid("the silhouette needs at least 2 clusters"));
    }
    let n = points.len();
    let mut total = 0.0;
    for i in 0..n {
        let mean_to = |c: usize| {
            let members: Vec<usize> = (0..n).filter(|&j| labels[j] == c && j != i).collect();
            if members.is_empty() {
                None
            } else {
                Some(
                    members
                        .iter()
                        .map(|&j| sq_dist(&points[i], &points[j]).sqrt())
                        .sum::<f64>()
                        / members.len() as f64,
                )
            }
        };
        let Some(a) = mean_to(labels[i]) else {
            continue;
        };
        let b = clusters
            .iter()
            .filter(|&&c| c != labels[i])
            .filter_map(|&c| mean_to(c))
            .fold(f64::INFINITY, f64::min);
        let m = a.max(b);
        if m > 0.0 {
            total += (b - a) / m;
        }
    }
    Ok(scalar(total / n as f64))
}

fn pairs(k: usize) -> f64 {
    (k * k.saturating_sub(1)) as f64 / 2.0
}

/// Adjusted Rand index between two labelings (`labels_true`, `labels_pred`, integer labels).
fn adjusted_rand_index(inputs: &Inputs) -> Result<Value, Error> {
    let a = counts(inputs, "labels_true")?;
    let b = counts(inputs, "labels_pred")?;
    inputs.same_length(("labels_true", a.len()), ("labels_pred", b.len()))?;
    let ka = a.iter().max().map_or(0, |m| m + 1);
    let kb = b.iter().max().map_or(0, |m| m + 1);
    let mut table = vec![vec![0usize; kb]; ka];
    for (&i, &j) in a.iter().zip(&b) {
        table[i][j] += 1;
    }
    let index: f64 = table.iter().flatten().map(|&c| pairs(c)).sum();
    let rows: f64 = table.iter().map(|r| pairs(r.iter().sum())).sum();
    let cols: f64 = (0..kb)
        .map(|j| pairs(table.iter().map(|r| r[j]).sum()))
        .sum();
    let expected = rows * cols / pairs(a.len());
    let max = (rows + cols) / 2.0;
    if max == expected {
        return Err(inputs.invalid(
            "both labelings put every point in one cluster (or each in its own): ARI is undefined",
        ));
    }
    Ok(scalar((index - expected) / (max - expected)))
}

/// Factorisation-machine prediction w0 + sum_i w_i x_i + sum_{i<j} <v_i, v_j> x_i x_j, with the
/// pairwise term computed in O(nk) as 0.5 sum_f [(sum_i v_if x_i)^2 - sum_i v_if^2 x_i^2].
fn fm_prediction(inputs: &Inputs) -> Result<Value, Error> {
    let w0 = inputs.number("w0")?;
    let w = inputs.vector("w")?;
    let v = inputs.matrix("v")?;
    let x = inputs.vector("x")?;
    inputs.same_length(("w", w.len()), ("x", x.len()))?;
    inputs.same_length(("v rows", v.len()), ("x", x.len()))?;
    let k = v[0].len();
    let mut pair = 0.0;
    for f in 0..k {
        let s: f64 = v.iter().zip(&x).map(|(row, xi)| row[f] * xi).sum();
        let s2: f64 = v
            .iter()
            .zip(&x)
            .map(|(row, xi)| (row[f] * xi).powi(2))
            .sum();
        pair += 0.5 * (s * s - s2);
    }
    Ok(scalar(w0 + common::dot(&w, &x) + pair))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn pure_split_removes_all_impurity() {
        // Parent 2/2: Gini 0.5, entropy 1 bit; pure children: both gains are total.
        check(
            "split_impurity_gain",
            json!({ "left_counts": [2, 0], "right_counts": [0, 2] }),
            json!([0.5, 0.0, 0.5, 1.0, 0.0, 1.0]),
        );
        check_err(
            "split_impurity_gain",
            json!({ "left_counts": [0, 0], "right_counts": [1, 2] }),
        );
    }

    #[test]
    fn kmeans_step_moves_centroids_to_means() {
        check(
            "kmeans_step",
            json!({ "points": [[0.0], [2.0], [10.0], [12.0]], "centroids": [[1.0], [5.0]] }),
            json!([[1.0], [11.0]]),
        );
        // The empty second cluster keeps its centroid.
        check(
            "kmeans_step",
            json!({ "points": [[0.0], [2.0]], "centroids": [[1.0], [50.0]] }),
            json!([[1.0], [50.0]]),
        );
    }

    #[test]
    fn logistic_step_from_zero_weights() {
        // sigmoid(0) = 0.5: gradient (1/2)[(0.5 - 1) * 1 + (0.5 - 0) * 0] = -0.25.
        check(
            "logistic_regression_gd_step",
            json!({ "x": [[1.0], [0.0]], "y": [1, 0], "w": [0.0], "lr": 1.0 }),
            json!([0.25]),
        );
    }

    #[test]
    fn naive_bayes_with_equal_evidence_returns_priors() {
        // Identical word counts in both classes: the likelihoods cancel.
        check(
            "multinomial_naive_bayes_posterior",
            json!({ "class_counts": [3, 1], "word_counts": [[1, 1], [1, 1]], "document": [1, 0] }),
            json!([0.75, 0.25]),
        );
    }

    #[test]
    fn svm_margin_of_unit_weights() {
        // ||w|| = 1: width 2; point at distance 0.5 inside the margin pays hinge 0.5.
        check(
            "svm_margin",
            json!({ "w": [1.0, 0.0], "b": 0.0, "x": [[2.0, 0.0], [-0.5, 3.0]], "y": [1, -1], "c": 2.0 }),
            json!([2.0, 1.5]),
        );
    }

    #[test]
    fn gbm_step_adds_shrunk_leaf_means() {
        // Leaf 0 residuals 1 and 3 (mean 2), leaf 1 residual -4.
        check(
            "gbm_squared_loss_step",
            json!({ "y": [1.0, 3.0, -4.0], "prediction": [0.0, 0.0, 0.0], "leaves": [0, 0, 1], "learning_rate": 0.5 }),
            json!([1.0, 1.0, -2.0]),
        );
    }

    #[test]
    fn adaboost_round_with_quarter_error() {
        // e = 1/4, alpha = 0.5 ln 3; the misclassified sample ends with half the weight.
        check(
            "adaboost_round",
            json!({ "weights": [0.25, 0.25, 0.25, 0.25], "correct": [1, 1, 1, 0] }),
            json!([0.25, 0.5 * 3f64.ln(), 1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0, 0.5]),
        );
    }

    #[test]
    fn vif_of_uncorrelated_columns_is_one() {
        check(
            "variance_inflation_factors",
            json!({ "data": [[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0], [-1.0, -1.0]] }),
            json!([1.0, 1.0]),
        );
    }

    #[test]
    fn aic_bic_and_hypercube_edge() {
        check(
            "aic_bic",
            json!({ "log_likelihood": -10.0, "num_params": 3, "n": 1 }),
            json!([26.0, 20.0]),
        );
        check(
            "hypercube_edge_for_fraction",
            json!({ "fraction": 0.25, "dims": [1, 2] }),
            json!([0.25, 0.5]),
        );
    }

    #[test]
    fn rbf_kernel_at_distance_one() {
        check(
            "rbf_kernel",
            json!({ "x1": [0.0, 0.0], "x2": [1.0, 0.0], "gamma": 2f64.ln() }),
            json!(0.5),
        );
    }

    #[test]
    fn gp_with_one_noiseless_point_interpolates() {
        // At the training point: mean y, variance 0. Far away: mean 0, variance s^2.
        check(
            "gp_posterior",
            json!({ "x_train": [0.0], "y_train": [2.0], "x_test": 0.0, "length_scale": 1.0, "signal_variance": 1.0, "noise_variance": 0.0 }),
            json!([2.0, 0.0]),
        );
        // One point with noise 1: mean k y / (1 + 1) = 1, variance 1 - 1/2.
        check(
            "gp_posterior",
            json!({ "x_train": [0.0], "y_train": [2.0], "x_test": 0.0, "length_scale": 1.0, "signal_variance": 1.0, "noise_variance": 1.0 }),
            json!([1.0, 0.5]),
        );
    }

    #[test]
    fn bayesian_regression_one_weight() {
        // Precision 1 + 1 = 2: S = 1/2, m = (1/2)(1 * 2) = 1; at x* = 1, var = 1 + 1/2.
        check(
            "bayesian_linear_regression_predictive",
            json!({ "x": [[1.0]], "y": [2.0], "alpha": 1.0, "noise_variance": 1.0, "x_test": [1.0] }),
            json!([1.0, 1.5]),
        );
    }

    #[test]
    fn clustering_scores() {
        // Two pairs 10 apart, within-pair distance 0: every s_i = 1.
        check(
            "silhouette_score",
            json!({ "points": [[0.0], [0.0], [10.0], [10.0]], "labels": [0, 0, 1, 1] }),
            json!(1.0),
        );
        // Identical partitions up to renaming: ARI = 1.
        check(
            "adjusted_rand_index",
            json!({ "labels_true": [0, 0, 1, 1], "labels_pred": [1, 1, 0, 0] }),
            json!(1.0),
        );
    }

    #[test]
    fn fm_pairwise_term() {
        // <v1, v2> x1 x2 = (1*3 + 2*4) * 1 * 1 = 11.
        check(
            "fm_prediction",
            json!({ "w0": 0.5, "w": [1.0, -1.0], "v": [[1.0, 2.0], [3.0, 4.0]], "x": [1.0, 1.0] }),
            json!(11.5),
        );
    }
}
