"""nlp-llm: perplexity, LoRA parameters, cosine similarity, FActScore, vocabulary cost, smoothing,
TF-IDF, BM25, RRF, word2vec noise, MinHash LSH, PQ, QLoRA storage, preference and RL losses,
semantic entropy."""

import numpy as np

from . import formula


@formula("perplexity")
def perplexity(token_probs):
    # exp of the mean NLL is the geometric mean of 1/p.
    p = np.asarray(token_probs, dtype=float)
    return float(np.prod(1 / p) ** (1 / len(p)))


@formula("lora_param_count")
def lora_param_count(d_in, d_out, rank):
    a_params = rank * d_in
    b_params = d_out * rank
    return a_params + b_params


@formula("cosine_similarity")
def cosine_similarity(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@formula("factscore")
def factscore(supported, total):
    return float(np.mean(np.asarray(supported, float) / np.asarray(total, float)))


@formula("vocab_embedding_params")
def vocab_embedding_params(vocab_size, d_model, tied=False):
    # Input embedding E (V x d) plus, unless tied, a separate unembedding W_out (d x V).
    embedding = np.zeros((int(vocab_size), int(d_model)), dtype=np.int8).size
    return embedding if tied else 2 * embedding


@formula("add_k_smoothing")
def add_k_smoothing(count, context_count, vocab_size, k):
    # Add k pseudo-counts to every word type of the vocabulary, then renormalise.
    pseudo = np.full(int(vocab_size), float(k))
    return float((count + k) / (context_count + pseudo.sum()))


@formula("tf_idf")
def tf_idf(term_count, num_docs, doc_freq):
    return float(term_count * np.log(num_docs) - term_count * np.log(doc_freq))


@formula("bm25_term_score")
def bm25_term_score(tf, doc_len, avg_doc_len, num_docs, doc_freq, k1=1.2, b=0.75):
    idf = np.log((num_docs + 1.0) / (doc_freq + 0.5))  # ln(1 + (N - n + 0.5)/(n + 0.5))
    length_norm = 1 - b + b * (doc_len / avg_doc_len)
    saturation = tf * (k1 + 1) / (tf + k1 * length_norm)
    return float(idf * saturation)


@formula("reciprocal_rank_fusion")
def reciprocal_rank_fusion(ranks, k=60):
    r = np.asarray(ranks, dtype=float)
    return float(np.sum(np.reciprocal(k + r)))


@formula("negative_sampling_distribution")
def negative_sampling_distribution(counts, power=0.75):
    w = np.exp(power * np.log(np.asarray(counts, dtype=float)))
    return (w / w.sum()).tolist()


@formula("lsh_candidate_probability")
def lsh_candidate_probability(similarity, bands, rows):
    # A band matches when all its rows agree; a pair is a candidate when any band matches.
    band_match = float(similarity) ** rows
    no_band_matches = (1.0 - band_match) ** bands
    return 1.0 - no_band_matches


@formula("pq_compression_ratio")
def pq_compression_ratio(dim, num_subspaces, bits_per_code, float_bytes=4):
    raw_bits = dim * float_bytes * 8
    code_bits = num_subspaces * bits_per_code
    return raw_bits / code_bits


@formula("qlora_bits_per_param")
def qlora_bits_per_param(weight_bits, block_size, scale_bits, second_block_size=None, second_scale_bits=None):
    # Count the bits of a group of block_size * second_block_size weights, then divide.
    group = block_size * (second_block_size or 1)
    n_scales = group / block_size
    bits = group * weight_bits + n_scales * scale_bits
    if second_block_size is not None:
        bits += second_scale_bits
    return float(bits / group)


@formula("reward_model_pairwise_loss")
def reward_model_pairwise_loss(chosen_rewards, rejected_rewards):
    margin = np.asarray(chosen_rewards, float) - np.asarray(rejected_rewards, float)
    return float(np.mean(np.logaddexp(0.0, -margin)))


@formula("dpo_loss")
def dpo_loss(policy_chosen_logp, policy_rejected_logp, ref_chosen_logp, ref_rejected_logp, beta):
    chosen_ratio = np.asarray(policy_chosen_logp, float) - np.asarray(ref_chosen_logp, float)
    rejected_ratio = np.asarray(policy_rejected_logp, float) - np.asarray(ref_rejected_logp, float)
    z = beta * (chosen_ratio - rejected_ratio)
    return float(np.mean(-np.log(1.0 / (1.0 + np.exp(-z)))))


@formula("ppo_clipped_objective")
def ppo_clipped_objective(ratio, advantage, epsilon):
    unclipped = ratio * advantage
    clipped = np.clip(ratio, 1 - epsilon, 1 + epsilon) * advantage
    return float(np.minimum(unclipped, clipped))


@formula("grpo_advantages")
def grpo_advantages(rewards, unbiased=False):
    r = np.asarray(rewards, float)
    sd = r.std(ddof=1 if unbiased else 0)
    if sd == 0:
        return np.zeros_like(r).tolist()
    return ((r - r.mean()) / sd).tolist()


@formula("semantic_entropy")
def semantic_entropy(cluster_counts):
    c = np.asarray(cluster_counts, float)
    p = c[c > 0] / c.sum()
    return float(-(p @ np.log(p)))


@formula("ties_merge")
def ties_merge(base, finetuned, density, lam=1.0):
    base = np.asarray(base, float)
    tau = np.asarray(finetuned, float) - base  # one task vector per row
    k = int(round(density * tau.shape[1]))
    trimmed = np.zeros_like(tau)
    for row in range(tau.shape[0]):
        top = np.argsort(-np.abs(tau[row]), kind="stable")[:k]
        trimmed[row, top] = tau[row, top]
    elected = np.sign(trimmed.sum(axis=0))
    agree = (np.sign(trimmed) == elected) & (trimmed != 0) & (elected != 0)
    counts = agree.sum(axis=0)
    sums = np.where(agree, trimmed, 0.0).sum(axis=0)
    merged = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    return (base + lam * merged).tolist()


@formula("compound_success_probability")
def compound_success_probability(step_success, steps):
    return float(np.prod(np.full(int(steps), float(step_success))))


@formula("language_sampling_probs")
def language_sampling_probs(sizes, alpha):
    q = np.asarray(sizes, float)
    q = q / q.sum()
    w = q**alpha
    return (w / w.sum()).tolist()


@formula("vlm_image_tokens")
def vlm_image_tokens(height, width, patch_size, merge=1, tiles=1):
    grid = np.zeros((height // patch_size, width // patch_size))
    pooled = grid[::merge, ::merge]  # one token per merge x merge block of patches
    return tiles * pooled.size
