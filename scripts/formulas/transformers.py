"""transformers: attention, online softmax, positional encodings, parameter and memory counts."""

import math

import numpy as np

from . import formula


@formula("scaled_dot_product_attention")
def scaled_dot_product_attention(q, k, v, mask=None, causal=False, scale=None):
    q, k, v = (np.asarray(m, dtype=float) for m in (q, k, v))
    scores = q @ k.T * (1 / math.sqrt(q.shape[1]) if scale is None else scale)
    allowed = np.ones_like(scores, dtype=bool)
    if mask is not None:
        allowed &= np.asarray(mask) == 1
    if causal:
        allowed &= np.tril(np.ones_like(scores, dtype=bool))
    scores = np.where(allowed, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return weights @ v


@formula("online_softmax")
def online_softmax(scores, block_size):
    s = np.asarray(scores, dtype=float)
    blocks = [s[i : i + block_size] for i in range(0, len(s), block_size)]
    # Per-block statistics first, then merged: the same result as FlashAttention's running
    # rescaling, reached by a different bookkeeping.
    maxes = np.array([b.max() for b in blocks])
    sums = np.array([np.exp(b - b.max()).sum() for b in blocks])
    overall = maxes.max()
    denominator = np.sum(sums * np.exp(maxes - overall))
    return np.exp(s - overall) / denominator


@formula("sinusoidal_positional_encoding")
def sinusoidal_positional_encoding(pos, d_model, base=10000.0):
    pe = np.zeros(d_model)
    frequencies = base ** (-np.arange(0, d_model, 2) / d_model)
    pe[0::2] = np.sin(pos * frequencies)
    pe[1::2] = np.cos(pos * frequencies)[: len(pe[1::2])]
    return pe


@formula("mha_param_count")
def mha_param_count(d_model, num_heads, bias=False):
    head_dim = d_model // num_heads
    per_projection = d_model * (num_heads * head_dim) + (num_heads * head_dim if bias else 0)
    return 4 * per_projection


@formula("attention_score_memory_bytes")
def attention_score_memory_bytes(seq_len, heads, bytes_per_element, batch=1):
    return float(seq_len) ** 2 * heads * bytes_per_element * batch


@formula("alibi_slopes")
def alibi_slopes(num_heads):
    def power_of_two_slopes(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        return [start * start**i for i in range(n)]

    if math.log2(num_heads).is_integer():
        return power_of_two_slopes(num_heads)
    closest = 2 ** math.floor(math.log2(num_heads))
    extra = power_of_two_slopes(2 * closest)[0::2][: num_heads - closest]
    return power_of_two_slopes(closest) + extra


@formula("kv_cache_bytes")
def kv_cache_bytes(num_layers, num_kv_heads, head_dim, seq_len, bytes_per_element, batch=1):
    per_token = 2 * num_layers * num_kv_heads * head_dim * bytes_per_element
    return float(per_token) * seq_len * batch
