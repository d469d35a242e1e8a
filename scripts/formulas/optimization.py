"""optimization: Adam/AdamW, schedules, clipping, normalization, init, random search."""

import math

import numpy as np

from . import formula


def _adam(param, grad, lr, beta1, beta2, eps, step):
    # Written the way torch.optim.Adam does it: step size lr / bc1, denominator
    # sqrt(v) / sqrt(bc2) + eps, from zero-initialized moments.
    g = np.asarray(grad, dtype=float)
    m = (1 - beta1) * g
    v = (1 - beta2) * g * g
    bc1 = 1 - beta1**step
    bc2 = 1 - beta2**step
    denom = np.sqrt(v) / math.sqrt(bc2) + eps
    return np.asarray(param, dtype=float) - (lr / bc1) * m / denom


@formula("adam_step")
def adam_step(param, grad, lr, step, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(param, grad, lr, beta1, beta2, eps, step)


@formula("adamw_step")
def adamw_step(param, grad, lr, step, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    decayed = np.asarray(param, dtype=float) * (1 - lr * weight_decay)
    return _adam(decayed, grad, lr, beta1, beta2, eps, step)


@formula("cosine_lr")
def cosine_lr(max_lr, step, total_steps, min_lr=0.0):
    t = min(max(step, 0), total_steps)
    return min_lr + (max_lr - min_lr) * (1 + math.cos(math.pi * t / total_steps)) / 2


@formula("clip_grad_norm")
def clip_grad_norm(grad, max_norm, eps=0.0):
    g = np.asarray(grad, dtype=float)
    total = np.linalg.norm(g)
    return g * min(1.0, max_norm / (total + eps)) if total + eps > 0 else g


@formula("layer_norm")
def layer_norm(x, eps=1e-5, gamma=None, beta=None):
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)  # ddof=0: the biased variance
    y = (x - mu) / np.sqrt(var + eps)
    if gamma is not None:
        y = y * np.asarray(gamma, float)
    if beta is not None:
        y = y + np.asarray(beta, float)
    return y


@formula("linear_lr_scaling")
def linear_lr_scaling(base_lr, base_batch, batch):
    return base_lr * (batch / base_batch)


@formula("he_init_std")
def he_init_std(fan_in, gain=math.sqrt(2)):
    return math.sqrt(gain**2 / fan_in)


@formula("random_search_hit_probability")
def random_search_hit_probability(top_fraction, trials):
    return 1 - (1 - top_fraction) ** trials
