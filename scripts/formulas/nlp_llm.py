"""nlp-llm: perplexity, LoRA parameters, cosine similarity, FActScore."""

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
