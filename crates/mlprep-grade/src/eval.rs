//! Agreement measures for the grading benchmark: Pearson and Spearman correlation, quadratic
//! weighted kappa, and the tf-idf cosine baseline.

use std::collections::HashMap;

use crate::text::content_stems;

/// Pearson's correlation coefficient; `None` when either side is constant or lengths differ.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Ranks with ties given their average rank (1-based).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation (Pearson on average ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&ranks(x), &ranks(y))
}

/// Quadratic weighted kappa between two ratings on the same discrete scale of `levels` values
/// (each rating is the index of its level).
pub fn quadratic_weighted_kappa(a: &[usize], b: &[usize], levels: usize) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() || levels < 2 {
        return None;
    }
    let n = a.len() as f64;
    let mut observed = vec![vec![0.0; levels]; levels];
    let mut ha = vec![0.0; levels];
    let mut hb = vec![0.0; levels];
    for (&i, &j) in a.iter().zip(b) {
        observed[i][j] += 1.0;
        ha[i] += 1.0;
        hb[j] += 1.0;
    }
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..levels {
        for j in 0..levels {
            let w = ((i as f64 - j as f64) / (levels as f64 - 1.0)).powi(2);
            num += w * observed[i][j];
            den += w * ha[i] * hb[j] / n;
        }
    }
    (den > 0.0).then(|| 1.0 - num / den)
}

/// Tf-idf vectors over content stems, with IDF from a corpus; cosine between two texts.
pub struct TfIdf {
    idf: HashMap<String, f64>,
    default: f64,
}

impl TfIdf {
    /// Document frequencies from a corpus.
    pub fn new(corpus: &[String]) -> TfIdf {
        let n = corpus.len().max(1) as f64;
        let mut df: HashMap<String, usize> = HashMap::new();
        for doc in corpus {
            let mut stems = content_stems(doc);
            stems.sort();
            stems.dedup();
            for s in stems {
                *df.entry(s).or_default() += 1;
            }
        }
        let idf = |d: usize| ((n + 1.0) / (d as f64 + 1.0)).ln() + 1.0;
        TfIdf {
            idf: df.into_iter().map(|(k, v)| (k, idf(v))).collect(),
            default: idf(0),
        }
    }

    fn vector(&self, text: &str) -> HashMap<String, f64> {
        let mut v: HashMap<String, f64> = HashMap::new();
        for s in content_stems(text) {
            *v.entry(s).or_default() += 1.0;
        }
        for (k, x) in v.iter_mut() {
            *x *= self.idf.get(k).copied().unwrap_or(self.default);
        }
        v
    }

    /// Cosine similarity of two texts' tf-idf vectors.
    pub fn cosine(&self, a: &str, b: &str) -> f64 {
        let (va, vb) = (self.vector(a), self.vector(b));
        let dot: f64 = va
            .iter()
            .map(|(k, x)| x * vb.get(k).copied().unwrap_or(0.0))
            .sum();
        let na = va.values().map(|x| x * x).sum::<f64>().sqrt();
        let nb = vb.values().map(|x| x * x).sum::<f64>().sqrt();
        if na == 0.0 || nb == 0.0 {
            0.0
        } else {
            dot / (na * nb)
        }
    }
}

/// The value at quantile `q` (0..1) of a list, by nearest rank.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlations_match_hand_computed_values() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&x, &[2.0, 4.0, 6.0, 8.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&x, &[1.0, 3.0, 2.0, 4.0]).unwrap() - 0.8).abs() < 1e-12);
        assert!((spearman(&x, &[10.0, 20.0, 30.0, 1000.0]).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(pearson(&x, &[1.0; 4]), None);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
    }

    #[test]
    fn kappa_is_one_for_agreement_and_lower_for_disagreement() {
        assert!((quadratic_weighted_kappa(&[0, 1, 2], &[0, 1, 2], 3).unwrap() - 1.0).abs() < 1e-12);
        let k = quadratic_weighted_kappa(&[0, 1, 2, 2], &[0, 2, 2, 1], 3).unwrap();
        assert!(k < 1.0 && k > 0.0, "{k}");
    }

    #[test]
    fn tfidf_cosine_prefers_shared_rare_words() {
        let corpus = vec!["a stack is lifo".to_string(), "a queue is fifo".to_string()];
        let t = TfIdf::new(&corpus);
        assert!(
            t.cosine("stack lifo", "a stack is lifo") > t.cosine("queue fifo", "a stack is lifo")
        );
        assert_eq!(quantile(&[5.0, 1.0, 3.0], 0.5), 3.0);
    }
}
