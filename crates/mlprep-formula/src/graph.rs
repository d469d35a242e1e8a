//! Formulas of the `graph` category: one GCN propagation step, node2vec's biased transition
//! probabilities, and the neighbourhood size of layer-wise sampling (GraphSAGE).

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("gcn_propagation", gcn_propagation),
    ("node2vec_transition_probs", node2vec_transition_probs),
    ("sampled_neighborhood_size", sampled_neighborhood_size),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// One GCN layer without activation (Kipf and Welling 2017): D^-1/2 (A + I) D^-1/2 X W, where A
/// is the symmetric `adjacency`, D the degree matrix of A + I, X the node `features` (one row per
/// node) and W the `weight` (features x outputs).
fn gcn_propagation(inputs: &Inputs) -> Result<Value, Error> {
    let adjacency = inputs.matrix("adjacency")?;
    let features = inputs.matrix("features")?;
    let weight = inputs.matrix("weight")?;
    let n = adjacency.len();
    if adjacency[0].len() != n || !common::is_symmetric(&adjacency) {
        return Err(inputs.invalid("`adjacency` must be a square, symmetric matrix"));
    }
    inputs.same_length(("rows of features", features.len()), ("nodes", n))?;
    inputs.same_length(
        ("rows of weight", weight.len()),
        ("columns of features", features[0].len()),
    )?;
    let with_loops: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| adjacency[i][j] + if i == j { 1.0 } else { 0.0 })
                .collect()
        })
        .collect();
    let degree: Vec<f64> = with_loops.iter().map(|row| row.iter().sum()).collect();
    if degree.iter().any(|&d| d <= 0.0) {
        return Err(inputs.invalid("every node needs a positive degree after adding self-loops"));
    }
    let normalized: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| with_loops[i][j] / (degree[i] * degree[j]).sqrt())
                .collect()
        })
        .collect();
    let out = common::matmul(&common::matmul(&normalized, &features), &weight);
    Ok(nested(&out))
}

/// node2vec's second-order transition probabilities from the current node to each candidate x,
/// given d(t, x), the shortest-path `distances` (0, 1 or 2) from the previous node t: the
/// unnormalised weight is 1/`p` for 0, 1 for 1 and 1/`q` for 2, times the edge's weight
/// (`weights`, default 1), normalised to sum to 1.
fn node2vec_transition_probs(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.positive("p")?;
    let q = inputs.positive("q")?;
    let distances = inputs.vector("distances")?;
    let weights = inputs
        .optional_vector("weights")?
        .unwrap_or_else(|| vec![1.0; distances.len()]);
    inputs.same_length(("distances", distances.len()), ("weights", weights.len()))?;
    let mut unnormalised = Vec::with_capacity(distances.len());
    for (&d, &w) in distances.iter().zip(&weights) {
        let bias = match d {
            0.0 => 1.0 / p,
            1.0 => 1.0,
            2.0 => 1.0 / q,
            _ => return Err(inputs.invalid(format!("distance {d} is not 0, 1 or 2"))),
        };
        unnormalised.push(bias * w);
    }
    let total: f64 = unnormalised.iter().sum();
    Ok(array(
        &unnormalised.iter().map(|x| x / total).collect::<Vec<_>>(),
    ))
}

/// The most nodes sampled around one seed (excluding it, counting duplicates) with per-layer
/// `fanouts` f_1, f_2, ...: f_1 + f_1 f_2 + f_1 f_2 f_3 + ...
fn sampled_neighborhood_size(inputs: &Inputs) -> Result<Value, Error> {
    let fanouts = inputs.vector("fanouts")?;
    let mut frontier = 1.0;
    let mut total = 0.0;
    for f in fanouts {
        frontier *= f;
        total += frontier;
    }
    Ok(scalar(total))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn gcn_on_two_connected_nodes_averages() {
        // A + I is all ones, degrees 2: each node gets (x0 + x1) / 2.
        check(
            "gcn_propagation",
            json!({ "adjacency": [[0, 1], [1, 0]], "features": [[2.0], [4.0]], "weight": [[1.0, 2.0]] }),
            json!([[3.0, 6.0], [3.0, 6.0]]),
        );
    }

    #[test]
    fn node2vec_with_p_q_one_is_uniform() {
        check(
            "node2vec_transition_probs",
            json!({ "p": 1.0, "q": 1.0, "distances": [0, 1, 2, 2] }),
            json!([0.25, 0.25, 0.25, 0.25]),
        );
        check(
            "node2vec_transition_probs",
            json!({ "p": 1.0, "q": 1.0, "distances": [0, 1], "weights": [1.0, 3.0] }),
            json!([0.25, 0.75]),
        );
        check_err(
            "node2vec_transition_probs",
            json!({ "p": 1.0, "q": 1.0, "distances": [3] }),
        );
    }

    #[test]
    fn neighborhood_grows_multiplicatively() {
        check(
            "sampled_neighborhood_size",
            json!({ "fanouts": [2, 3, 4] }),
            json!(2 + 6 + 24),
        );
    }
}
