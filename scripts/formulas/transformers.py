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


@formula("rope_rotate")
def rope_rotate(x, pos, base=10000.0):
    x = np.asarray(x, dtype=float)
    d = x.size
    theta = base ** (-np.arange(0, d, 2) / d)
    # Treat each interleaved pair as a complex number and multiply by e^{i pos theta}.
    z = (x[0::2] + 1j * x[1::2]) * np.exp(1j * pos * theta)
    out = np.empty(d)
    out[0::2], out[1::2] = z.real, z.imag
    return out


@formula("rope_ntk_base")
def rope_ntk_base(base, scale, head_dim):
    return base * scale ** (head_dim / (head_dim - 2))


@formula("ffn_param_count")
def ffn_param_count(d_model, d_ff, gated=False):
    matrices = 3 if gated else 2
    return float(matrices * d_model * d_ff)


@formula("transformer_param_count")
def transformer_param_count(
    num_layers, d_model, d_ff, vocab_size, gated=False, tied_embeddings=True, max_positions=0
):
    attention = 4 * d_model * d_model
    ffn = (3 if gated else 2) * d_model * d_ff
    embedding_tables = 1 if tied_embeddings else 2
    return float(num_layers * (attention + ffn) + embedding_tables * vocab_size * d_model + max_positions * d_model)


@formula("transformer_flops_per_token")
def transformer_flops_per_token(params, num_layers, seq_len, d_model, training=False):
    # QK^T and AV each cost 2 * seq_len * d_model FLOPs per token per layer.
    attention = num_layers * 2 * (2 * seq_len * d_model)
    forward = 2.0 * params + attention
    return forward * (3 if training else 1)


@formula("moe_param_count")
def moe_param_count(dense_params, params_per_expert, num_experts, top_k):
    per_expert = np.full(num_experts, float(params_per_expert))
    return [dense_params + per_expert.sum(), dense_params + per_expert[:top_k].sum()]


@formula("moe_load_balancing_loss")
def moe_load_balancing_loss(token_fractions, router_probs):
    f = np.asarray(token_fractions, dtype=float)
    p = np.asarray(router_probs, dtype=float)
    return float(len(f) * np.sum(f * p))


@formula("length_normalized_log_prob")
def length_normalized_log_prob(log_probs, alpha):
    return [float(np.sum(h)) / len(h) ** alpha for h in log_probs]


@formula("sampling_distribution")
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None, min_p=None):
    z = np.asarray(logits, dtype=float) / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    keep = np.ones(p.size, dtype=bool)
    ranked = np.argsort(-p, kind="stable")
    if top_k is not None:
        keep[ranked[top_k:]] = False
    if top_p is not None:
        q = np.where(keep, p, 0.0)
        q /= q.sum()
        cumulative = np.cumsum(q[ranked])
        # Number of leading tokens needed for the cumulative mass to reach top_p.
        needed = int(np.searchsorted(cumulative, top_p, side="left")) + 1
        keep[ranked[needed:]] = False
    if min_p is not None:
        keep &= p >= min_p * p[keep].max()
    out = np.where(keep, p, 0.0)
    return out / out.sum()


@formula("repetition_penalty_logits")
def repetition_penalty_logits(
    logits, counts, repetition_penalty=1.0, frequency_penalty=0.0, presence_penalty=0.0
):
    z = np.asarray(logits, dtype=float)
    c = np.asarray(counts, dtype=float)
    seen = c > 0
    penalised = np.where(z > 0, z / repetition_penalty, z * repetition_penalty)
    penalised = penalised - c * frequency_penalty - presence_penalty
    return np.where(seen, penalised, z)
