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


@formula("minibatch_gradient_variance")
def minibatch_gradient_variance(per_example_variance, batch, dataset_size=None):
    # Simulate nothing: the variance of a mean of B i.i.d. draws, with the finite-population
    # factor when the B examples are drawn without replacement from N.
    var = per_example_variance / batch
    if dataset_size is not None:
        var *= (dataset_size - batch) / (dataset_size - 1)
    return var


@formula("sgd_momentum_step")
def sgd_momentum_step(param, grad, lr, momentum, velocity=None, nesterov=False):
    g = np.asarray(grad, dtype=float)
    buf = g.copy() if velocity is None else momentum * np.asarray(velocity, dtype=float) + g
    step = g + momentum * buf if nesterov else buf
    return np.asarray(param, dtype=float) - lr * step


@formula("adagrad_step")
def adagrad_step(param, grad, lr, accumulator=None, eps=1e-10):
    g = np.asarray(grad, dtype=float)
    total = g**2 if accumulator is None else np.asarray(accumulator, dtype=float) + g**2
    return np.asarray(param, dtype=float) - lr * g / (np.sqrt(total) + eps)


@formula("sqrt_lr_scaling")
def sqrt_lr_scaling(base_lr, base_batch, batch):
    return base_lr * math.sqrt(batch) / math.sqrt(base_batch)


@formula("inverted_dropout")
def inverted_dropout(x, mask, p):
    keep = 1.0 - p
    return np.where(np.asarray(mask) == 1, np.asarray(x, dtype=float) / keep, 0.0)


@formula("update_to_weight_ratio")
def update_to_weight_ratio(param, grad, lr):
    update = lr * np.asarray(grad, dtype=float)
    return float(np.sqrt(np.sum(update**2)) / np.sqrt(np.sum(np.asarray(param, float) ** 2)))


@formula("rms_norm")
def rms_norm(x, eps=1e-6, gamma=None):
    x = np.asarray(x, dtype=float)
    rms = np.sqrt(np.mean(np.square(x), axis=-1, keepdims=True) + eps)
    y = x / rms
    return y if gamma is None else y * np.asarray(gamma, float)


@formula("lars_trust_ratio")
def lars_trust_ratio(param, grad, trust_coefficient=0.001, weight_decay=0.0):
    w = np.linalg.norm(np.asarray(param, float))
    g = np.linalg.norm(np.asarray(grad, float))
    return trust_coefficient * w / (g + weight_decay * w)


@formula("sam_perturbation")
def sam_perturbation(grad, rho):
    g = np.asarray(grad, dtype=float)
    return rho * g / np.linalg.norm(g)


@formula("adafactor_factored_second_moment")
def adafactor_factored_second_moment(v):
    v = np.asarray(v, dtype=float)
    r = v.sum(axis=1)
    c = v.sum(axis=0)
    return np.outer(r, c) / r.sum()


@formula("z_loss")
def z_loss(logits, coefficient=1e-4):
    z = np.atleast_2d(np.asarray(logits, dtype=float))
    m = z.max(axis=1, keepdims=True)
    log_z = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))).ravel()
    return coefficient * float(np.mean(log_z**2))


@formula("pcgrad_projection")
def pcgrad_projection(g1, g2):
    a = np.asarray(g1, dtype=float)
    b = np.asarray(g2, dtype=float)
    inner = a @ b
    return a - inner / (b @ b) * b if inner < 0 else a


@formula("gd_linear_rate_steps")
def gd_linear_rate_steps(kappa, reduction):
    # Count steps directly rather than solving for t.
    t, gap = 0, 1.0
    while gap > reduction:
        gap *= 1 - 1 / kappa
        t += 1
    return float(t)


@formula("ema_update")
def ema_update(ema, param, decay):
    return np.asarray(ema, float) + (1 - decay) * (np.asarray(param, float) - np.asarray(ema, float))


@formula("prob_example_never_sampled")
def prob_example_never_sampled(n, draws=None):
    draws = n if draws is None else draws
    return math.exp(draws * math.log1p(-1 / n))


@formula("ewc_penalty")
def ewc_penalty(param, old_param, fisher, lam):
    d = np.asarray(param, float) - np.asarray(old_param, float)
    return 0.5 * lam * float(np.dot(np.asarray(fisher, float), d * d))


@formula("successive_halving_rungs")
def successive_halving_rungs(n, eta, min_budget):
    # Rung i keeps floor(n / eta^i) configurations at min_budget * eta^i each.
    rungs = []
    i = 0
    while n // eta**i >= 1:
        rungs.append([float(n // eta**i), float(min_budget * eta**i)])
        if n // eta**i == 1:
            break
        i += 1
    return rungs


@formula("effective_lr_scale_invariant")
def effective_lr_scale_invariant(param, lr):
    return lr / float(np.sum(np.asarray(param, float) ** 2))


@formula("linear_warmup_lr")
def linear_warmup_lr(max_lr, step, warmup_steps, total_steps=None):
    # Piecewise-linear schedule: ramp 0 -> max_lr, then (optionally) max_lr -> 0 at total_steps.
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    if total_steps is None:
        return max_lr
    return max_lr * max(0.0, 1 - (step - warmup_steps) / (total_steps - warmup_steps))


@formula("layerwise_lr_decay")
def layerwise_lr_decay(base_lr, decay, num_layers):
    # Depth below the top layer: num_layers - 1 for the first layer, 0 for the last.
    depth_below_top = np.arange(num_layers - 1, -1, -1)
    return base_lr * np.power(float(decay), depth_below_top)
