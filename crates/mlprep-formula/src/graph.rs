//! Formulas of the `graph` category: one GCN propagation step, node2vec's biased transition
//! probabilities, the neighbourhood size of layer-wise sampling (GraphSAGE), storage and FLOP
//! counts of sparse graph formats and GCN layers, clustering coefficients, Laplacian spectra,
//! link-prediction heuristics, PageRank, modularity, edge homophily and knowledge-graph
//! triple scores (TransE, DistMult).

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("gcn_propagation", gcn_propagation),
    ("node2vec_transition_probs", node2vec_transition_probs),
    ("sampled_neighborhood_size", sampled_neighborhood_size),
    ("graph_storage_bytes", graph_storage_bytes),
    ("gcn_layer_flops", gcn_layer_flops),
    ("clustering_coefficient", clustering_coefficient),
    ("laplacian_eigenvalues", laplacian_eigenvalues),
    ("link_prediction_heuristics", link_prediction_heuristics),
    ("pagerank", pagerank),
    ("modularity", modularity),
    ("edge_homophily", edge_homophily),
    ("transe_score", transe_score),
    ("distmult_score", distmult_score),
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

/// Bytes to store a graph with `nodes` nodes and `edges` stored non-zeros (an undirected edge
/// stored in both directions counts twice) as [dense matrix, COO, CSR]: n^2 v, nnz (2 i + v) and
/// (n + 1) i + nnz (i + v), with `index_bytes` i per index and `value_bytes` v per value.
fn graph_storage_bytes(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.positive("nodes")?;
    let nnz = inputs.number("edges")?;
    let index = inputs.positive("index_bytes")?;
    let value = inputs.positive("value_bytes")?;
    if nnz < 0.0 {
        return Err(inputs.invalid("`edges` must be 0 or more"));
    }
    Ok(array(&[
        n * n * value,
        nnz * (2.0 * index + value),
        (n + 1.0) * index + nnz * (index + value),
    ]))
}

/// FLOPs (a multiply-add counts 2) of one GCN layer A H W with a sparse A of `nnz` non-zeros
/// over `nodes` nodes, H of width `d_in` and W of shape `d_in` x `d_out`, in the two orders:
/// [(A H) W, A (H W)] = [2 nnz d_in + 2 n d_in d_out, 2 n d_in d_out + 2 nnz d_out].
fn gcn_layer_flops(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.positive("nodes")?;
    let nnz = inputs.number("nnz")?;
    let d_in = inputs.positive("d_in")?;
    let d_out = inputs.positive("d_out")?;
    if nnz < 0.0 {
        return Err(inputs.invalid("`nnz` must be 0 or more"));
    }
    let transform = 2.0 * n * d_in * d_out;
    Ok(array(&[
        2.0 * nnz * d_in + transform,
        transform + 2.0 * nnz * d_out,
    ]))
}

/// Reads a square, symmetric 0/1 `adjacency` with an empty diagonal and returns neighbour lists.
fn simple_graph(inputs: &Inputs) -> Result<Vec<Vec<usize>>, Error> {
    let a = inputs.matrix("adjacency")?;
    let n = a.len();
    if a[0].len() != n || !common::is_symmetric(&a) {
        return Err(inputs.invalid("`adjacency` must be a square, symmetric matrix"));
    }
    let mut neighbours = vec![Vec::new(); n];
    for (i, row) in a.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            if x != 0.0 && x != 1.0 {
                return Err(inputs.invalid("`adjacency` must hold only 0 and 1"));
            }
            if x == 1.0 {
                if i == j {
                    return Err(inputs.invalid("`adjacency` must have no self-loops"));
                }
                neighbours[i].push(j);
            }
        }
    }
    Ok(neighbours)
}

/// Local clustering coefficient of every node of an undirected, unweighted graph: the number of
/// edges among the node's k neighbours divided by k (k - 1) / 2; 0 for nodes of degree below 2.
fn clustering_coefficient(inputs: &Inputs) -> Result<Value, Error> {
    let neighbours = simple_graph(inputs)?;
    let out: Vec<f64> = neighbours
        .iter()
        .map(|nb| {
            let k = nb.len();
            if k < 2 {
                return 0.0;
            }
            let mut links = 0usize;
            for (x, &a) in nb.iter().enumerate() {
                for &b in &nb[x + 1..] {
                    if neighbours[a].contains(&b) {
                        links += 1;
                    }
                }
            }
            links as f64 / (k * (k - 1) / 2) as f64
        })
        .collect();
    Ok(array(&out))
}

/// Eigenvalues, ascending, of the graph Laplacian L = D - A of a symmetric (possibly weighted)
/// `adjacency`, or with `normalized` = true of I - D^-1/2 A D^-1/2 (every node needs a positive
/// degree then).
fn laplacian_eigenvalues(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.matrix("adjacency")?;
    let normalized = inputs.flag_or("normalized", false)?;
    let n = a.len();
    if a[0].len() != n || !common::is_symmetric(&a) {
        return Err(inputs.invalid("`adjacency` must be a square, symmetric matrix"));
    }
    if a.iter().flatten().any(|&x| x < 0.0) {
        return Err(inputs.invalid("`adjacency` must have non-negative weights"));
    }
    let degree: Vec<f64> = a.iter().map(|row| row.iter().sum()).collect();
    if normalized && degree.iter().any(|&d| d <= 0.0) {
        return Err(inputs.invalid("the normalised Laplacian needs every node to have an edge"));
    }
    let laplacian: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    let diagonal = if i == j { degree[i] } else { 0.0 };
                    let entry = diagonal - a[i][j];
                    if normalized {
                        entry / (degree[i] * degree[j]).sqrt()
                    } else {
                        entry
                    }
                })
                .collect()
        })
        .collect();
    let (mut values, _) = common::symmetric_eigen(&laplacian);
    values.sort_by(f64::total_cmp);
    Ok(array(&values))
}

/// Link-prediction heuristics for the pair (`u`, `v`) of an undirected, unweighted graph:
/// [common neighbours, Jaccard |N(u) & N(v)| / |N(u) | N(v)|, Adamic-Adar sum over common
/// neighbours w of 1 / ln deg(w), preferential attachment deg(u) deg(v)].
fn link_prediction_heuristics(inputs: &Inputs) -> Result<Value, Error> {
    let neighbours = simple_graph(inputs)?;
    let u = inputs.count("u")?;
    let v = inputs.count("v")?;
    let n = neighbours.len();
    if u >= n || v >= n || u == v {
        return Err(inputs.invalid(format!("`u` and `v` must be two different nodes below {n}")));
    }
    let common_nb: Vec<usize> = neighbours[u]
        .iter()
        .copied()
        .filter(|w| neighbours[v].contains(w))
        .collect();
    let cn = common_nb.len() as f64;
    let union = (neighbours[u].len() + neighbours[v].len()) as f64 - cn;
    let jaccard = if union > 0.0 { cn / union } else { 0.0 };
    // A common neighbour touches both u and v, so its degree is at least 2 and ln(deg) > 0.
    let adamic_adar: f64 = common_nb
        .iter()
        .map(|&w| 1.0 / (neighbours[w].len() as f64).ln())
        .sum();
    let pa = (neighbours[u].len() * neighbours[v].len()) as f64;
    Ok(array(&[cn, jaccard, adamic_adar, pa]))
}

/// PageRank of a directed graph (`adjacency`[i][j] = weight of the edge i -> j) with damping
/// `damping` (probability of following an edge), teleporting to `personalization` (default
/// uniform, normalised to sum 1); dangling nodes teleport too. Power iteration to convergence.
fn pagerank(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.matrix("adjacency")?;
    let alpha = inputs.probability("damping")?;
    let n = a.len();
    if a[0].len() != n {
        return Err(inputs.invalid("`adjacency` must be square"));
    }
    if a.iter().flatten().any(|&x| x < 0.0) {
        return Err(inputs.invalid("`adjacency` must have non-negative weights"));
    }
    let mut teleport = inputs
        .optional_vector("personalization")?
        .unwrap_or_else(|| vec![1.0; n]);
    inputs.same_length(("personalization", teleport.len()), ("nodes", n))?;
    let total: f64 = teleport.iter().sum();
    if teleport.iter().any(|&x| x < 0.0) || total <= 0.0 {
        return Err(inputs.invalid("`personalization` must be non-negative with a positive sum"));
    }
    teleport.iter_mut().for_each(|x| *x /= total);
    if alpha >= 1.0 {
        return Err(inputs.invalid("`damping` must be below 1 for the iteration to converge"));
    }
    let out_weight: Vec<f64> = a.iter().map(|row| row.iter().sum()).collect();
    let mut rank = teleport.clone();
    for _ in 0..100_000 {
        let dangling: f64 = (0..n)
            .filter(|&i| out_weight[i] == 0.0)
            .map(|i| rank[i])
            .sum();
        let next: Vec<f64> = (0..n)
            .map(|j| {
                let inflow: f64 = (0..n)
                    .filter(|&i| out_weight[i] > 0.0)
                    .map(|i| rank[i] * a[i][j] / out_weight[i])
                    .sum();
                alpha * (inflow + dangling * teleport[j]) + (1.0 - alpha) * teleport[j]
            })
            .collect();
        let change: f64 = next.iter().zip(&rank).map(|(x, y)| (x - y).abs()).sum();
        rank = next;
        if change < 1e-15 {
            break;
        }
    }
    Ok(array(&rank))
}

/// Newman's modularity of a partition of an undirected (possibly weighted) graph:
/// Q = 1/(2m) sum_ij [A_ij - k_i k_j / (2m)] [c_i = c_j], with 2m the sum of all entries of the
/// symmetric `adjacency`, k the weighted degrees and `communities` one label per node.
fn modularity(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.matrix("adjacency")?;
    let labels = inputs.vector("communities")?;
    let n = a.len();
    if a[0].len() != n || !common::is_symmetric(&a) {
        return Err(inputs.invalid("`adjacency` must be a square, symmetric matrix"));
    }
    inputs.same_length(("communities", labels.len()), ("nodes", n))?;
    let degree: Vec<f64> = a.iter().map(|row| row.iter().sum()).collect();
    let two_m: f64 = degree.iter().sum();
    if two_m <= 0.0 {
        return Err(inputs.invalid("the graph needs at least one edge"));
    }
    let mut q = 0.0;
    for i in 0..n {
        for j in 0..n {
            if labels[i] == labels[j] {
                q += a[i][j] - degree[i] * degree[j] / two_m;
            }
        }
    }
    Ok(scalar(q / two_m))
}

/// Edge homophily of an undirected graph: the fraction of its edges (each counted once) whose
/// two endpoints have the same entry in `labels`.
fn edge_homophily(inputs: &Inputs) -> Result<Value, Error> {
    let neighbours = simple_graph(inputs)?;
    let labels = inputs.vector("labels")?;
    inputs.same_length(("labels", labels.len()), ("nodes", neighbours.len()))?;
    let (mut same, mut total) = (0usize, 0usize);
    for (i, nb) in neighbours.iter().enumerate() {
        for &j in nb.iter().filter(|&&j| j > i) {
            total += 1;
            if labels[i] == labels[j] {
                same += 1;
            }
        }
    }
    if total == 0 {
        return Err(inputs.invalid("the graph needs at least one edge"));
    }
    Ok(scalar(same as f64 / total as f64))
}

/// TransE's plausibility score of a triple, -||h + r - t||_p, for embeddings `h`, `r`, `t` and
/// `norm` p = 1 or 2 (default 2). Higher (closer to 0) is more plausible.
fn transe_score(inputs: &Inputs) -> Result<Value, Error> {
    let h = inputs.vector("h")?;
    let r = inputs.vector("r")?;
    let t = inputs.vector("t")?;
    let p = inputs.number_or("norm", 2.0)?;
    inputs.same_length(("h", h.len()), ("r", r.len()))?;
    inputs.same_length(("h", h.len()), ("t", t.len()))?;
    let diffs = h.iter().zip(&r).zip(&t).map(|((h, r), t)| h + r - t);
    let distance = match p {
        1.0 => diffs.map(f64::abs).sum::<f64>(),
        2.0 => diffs.map(|x| x * x).sum::<f64>().sqrt(),
        _ => return Err(inputs.invalid("`norm` must be 1 or 2")),
    };
    Ok(scalar(-distance))
}

/// DistMult's score of a triple: the trilinear product sum_i h_i r_i t_i of `h`, `r`, `t`.
fn distmult_score(inputs: &Inputs) -> Result<Value, Error> {
    let h = inputs.vector("h")?;
    let r = inputs.vector("r")?;
    let t = inputs.vector("t")?;
    inputs.same_length(("h", h.len()), ("r", r.len()))?;
    inputs.same_length(("h", h.len()), ("t", t.len()))?;
    Ok(scalar(
        h.iter().zip(&r).zip(&t).map(|((h, r), t)| h * r * t).sum(),
    ))
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

    #[test]
    fn storage_of_a_small_graph() {
        // n = 3, 4 stored entries, 4-byte indices and values: dense 36, COO 4 * 12, CSR 16 + 32.
        check(
            "graph_storage_bytes",
            json!({ "nodes": 3, "edges": 4, "index_bytes": 4, "value_bytes": 4 }),
            json!([36.0, 48.0, 48.0]),
        );
    }

    #[test]
    fn gcn_flops_in_both_orders() {
        // (AH)W: 2*10*4 + 2*5*4*2 = 80 + 80; A(HW): 80 + 2*10*2 = 120.
        check(
            "gcn_layer_flops",
            json!({ "nodes": 5, "nnz": 10, "d_in": 4, "d_out": 2 }),
            json!([160.0, 120.0]),
        );
    }

    #[test]
    fn clustering_of_triangle_with_pendant() {
        // Triangle 0-1-2 plus edge 2-3: node 2 has 3 neighbours with 1 link among them.
        let a = json!([[0, 1, 1, 0], [1, 0, 1, 0], [1, 1, 0, 1], [0, 0, 1, 0]]);
        check(
            "clustering_coefficient",
            json!({ "adjacency": a }),
            json!([1.0, 1.0, 1.0 / 3.0, 0.0]),
        );
    }

    #[test]
    fn laplacian_of_path_and_edge() {
        let path = json!([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
        check(
            "laplacian_eigenvalues",
            json!({ "adjacency": path }),
            json!([0.0, 1.0, 3.0]),
        );
        check(
            "laplacian_eigenvalues",
            json!({ "adjacency": [[0, 1], [1, 0]], "normalized": true }),
            json!([0.0, 2.0]),
        );
    }

    #[test]
    fn heuristics_on_a_square_with_diagonal() {
        // 4-cycle 0-1-2-3-0 plus chord 1-3; pair (0, 2) shares neighbours 1 and 3, each of degree 3.
        let a = json!([[0, 1, 0, 1], [1, 0, 1, 1], [0, 1, 0, 1], [1, 1, 1, 0]]);
        let aa = 2.0 / 3f64.ln();
        check(
            "link_prediction_heuristics",
            json!({ "adjacency": a, "u": 0, "v": 2 }),
            json!([2.0, 1.0, aa, 4.0]),
        );
        check_err(
            "link_prediction_heuristics",
            json!({ "adjacency": [[0, 1], [1, 0]], "u": 1, "v": 1 }),
        );
    }

    #[test]
    fn pagerank_of_a_cycle_is_uniform() {
        let cycle = json!([[0, 1, 0], [0, 0, 1], [1, 0, 0]]);
        let third = 1.0 / 3.0;
        check(
            "pagerank",
            json!({ "adjacency": cycle, "damping": 0.85 }),
            json!([third, third, third]),
        );
        // Two nodes, 0 -> 1 only, 1 dangling, damping 0.5: r0 = 0.25 + 0.5 * r1 / 2,
        // r1 = 0.25 + 0.5 * (r0 + r1 / 2); with r0 + r1 = 1, r0 = 0.4 and r1 = 0.6.
        check(
            "pagerank",
            json!({ "adjacency": [[0, 1], [0, 0]], "damping": 0.5 }),
            json!([0.4, 0.6]),
        );
    }

    #[test]
    fn modularity_of_two_disjoint_edges() {
        // Two separate edges split into their own communities: Q = 2 * (1/2 - 1/4) = 1/2.
        let a = json!([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]);
        check(
            "modularity",
            json!({ "adjacency": a.clone(), "communities": [0, 0, 1, 1] }),
            json!(0.5),
        );
        check(
            "modularity",
            json!({ "adjacency": a, "communities": [0, 0, 0, 0] }),
            json!(0.0),
        );
    }

    #[test]
    fn homophily_counts_each_edge_once() {
        // Path 0-1-2 with labels a, a, b: one of two edges joins equal labels.
        let a = json!([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
        check(
            "edge_homophily",
            json!({ "adjacency": a, "labels": [0, 0, 1] }),
            json!(0.5),
        );
    }

    #[test]
    fn kg_scores() {
        // h + r - t = (0, 3, 4): L2 distance 5, L1 distance 7.
        let triple = json!({ "h": [1.0, 1.0, 1.0], "r": [0.0, 2.0, 3.0], "t": [1.0, 0.0, 0.0] });
        check("transe_score", triple.clone(), json!(-5.0));
        let mut l1 = triple.clone();
        l1["norm"] = json!(1);
        check("transe_score", l1, json!(-7.0));
        check("distmult_score", triple, json!(0.0));
        check(
            "distmult_score",
            json!({ "h": [1.0, 2.0], "r": [3.0, 0.5], "t": [2.0, 4.0] }),
            json!(10.0),
        );
    }
}
