"""graph: GCN propagation, node2vec transitions, sampled neighbourhood size, storage and FLOP
counts, clustering, Laplacian spectra, link heuristics, PageRank, modularity, homophily, KG scores."""

import numpy as np

from . import formula


@formula("gcn_propagation")
def gcn_propagation(adjacency, features, weight):
    a_hat = np.asarray(adjacency, float) + np.eye(len(adjacency))
    d_inv_sqrt = np.diag(a_hat.sum(axis=1) ** -0.5)
    return d_inv_sqrt @ a_hat @ d_inv_sqrt @ np.asarray(features, float) @ np.asarray(weight, float)


@formula("node2vec_transition_probs")
def node2vec_transition_probs(p, q, distances, weights=None):
    bias = np.array([1 / p, 1.0, 1 / q])[np.asarray(distances, dtype=int)]
    if weights is not None:
        bias = bias * np.asarray(weights, float)
    return bias / bias.sum()


@formula("sampled_neighborhood_size")
def sampled_neighborhood_size(fanouts):
    return float(np.sum(np.cumprod(fanouts)))


@formula("graph_storage_bytes")
def graph_storage_bytes(nodes, edges, index_bytes, value_bytes):
    dense = nodes**2 * value_bytes
    coo = edges * 2 * index_bytes + edges * value_bytes
    csr = (nodes + 1) * index_bytes + edges * index_bytes + edges * value_bytes
    return [float(dense), float(coo), float(csr)]


@formula("gcn_layer_flops")
def gcn_layer_flops(nodes, nnz, d_in, d_out):
    dense_transform = 2.0 * nodes * d_in * d_out
    aggregate_first = 2.0 * nnz * d_in + dense_transform
    transform_first = dense_transform + 2.0 * nnz * d_out
    return [aggregate_first, transform_first]


@formula("clustering_coefficient")
def clustering_coefficient(adjacency):
    a = np.asarray(adjacency, float)
    triangles = np.diag(a @ a @ a) / 2.0
    k = a.sum(axis=1)
    pairs = k * (k - 1) / 2.0
    return np.where(pairs > 0, triangles / np.where(pairs > 0, pairs, 1.0), 0.0)


@formula("laplacian_eigenvalues")
def laplacian_eigenvalues(adjacency, normalized=False):
    a = np.asarray(adjacency, float)
    d = a.sum(axis=1)
    lap = np.diag(d) - a
    if normalized:
        s = 1.0 / np.sqrt(d)
        lap = s[:, None] * lap * s[None, :]
    return np.sort(np.linalg.eigvalsh(lap))


@formula("link_prediction_heuristics")
def link_prediction_heuristics(adjacency, u, v):
    a = np.asarray(adjacency, float) > 0
    deg = a.sum(axis=1)
    both = a[u] & a[v]
    either = a[u] | a[v]
    cn = float(both.sum())
    jaccard = cn / either.sum() if either.any() else 0.0
    adamic_adar = float(np.sum(1.0 / np.log(deg[both])))
    return [cn, float(jaccard), adamic_adar, float(deg[u] * deg[v])]


@formula("pagerank")
def pagerank(adjacency, damping, personalization=None):
    a = np.asarray(adjacency, float)
    n = len(a)
    v = np.ones(n) if personalization is None else np.asarray(personalization, float)
    v = v / v.sum()
    out = a.sum(axis=1)
    # Row-stochastic transition matrix; dangling rows jump by the teleport vector.
    p = np.where(out[:, None] > 0, a / np.where(out > 0, out, 1.0)[:, None], v[None, :])
    # Stationary r = (1 - d) v + d P^T r, solved directly.
    return np.linalg.solve(np.eye(n) - damping * p.T, (1 - damping) * v)


@formula("modularity")
def modularity(adjacency, communities):
    a = np.asarray(adjacency, float)
    c = np.asarray(communities)
    k = a.sum(axis=1)
    two_m = a.sum()
    same = c[:, None] == c[None, :]
    return float(((a - np.outer(k, k) / two_m) * same).sum() / two_m)


@formula("edge_homophily")
def edge_homophily(adjacency, labels):
    a = np.triu(np.asarray(adjacency, float) > 0, k=1)
    y = np.asarray(labels)
    i, j = np.nonzero(a)
    return float(np.mean(y[i] == y[j]))


@formula("transe_score")
def transe_score(h, r, t, norm=2):
    return -float(np.linalg.norm(np.asarray(h, float) + np.asarray(r, float) - np.asarray(t, float), ord=norm))


@formula("distmult_score")
def distmult_score(h, r, t):
    return float(np.einsum("i,i,i->", np.asarray(h, float), np.asarray(r, float), np.asarray(t, float)))
