"""graph: GCN propagation, node2vec transitions, sampled neighbourhood size."""

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
