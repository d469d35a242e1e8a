"""research: sample size for a proportion, scaling-law arithmetic, minimum-norm interpolation,
gradient descent on a quadratic, neural-collapse geometry, REINFORCE and Q-learning updates,
seed confidence intervals and the linear-model adversarial shift."""

import numpy as np

from . import formula


@formula("sample_size_proportion")
def sample_size_proportion(p, margin, z=1.96):
    return (z / margin) ** 2 * p * (1 - p)


@formula("chinchilla_loss")
def chinchilla_loss(params, tokens, e=1.69, a=406.4, b=410.7, alpha=0.34, beta=0.28):
    return e + a * np.power(float(params), -alpha) + b * np.power(float(tokens), -beta)


@formula("chinchilla_allocation")
def chinchilla_allocation(compute, tokens_per_param=20.0):
    # C = 6 N D and D = r N  =>  C = 6 r N^2.
    n = np.sqrt(compute / 6.0 / tokens_per_param)
    return [n, n * tokens_per_param]


@formula("lifetime_flops")
def lifetime_flops(params, train_tokens, inference_tokens):
    train = 6.0 * params * train_tokens
    serve = 2.0 * params * inference_tokens
    return [train, serve, train + serve]


@formula("repeated_data_effective_tokens")
def repeated_data_effective_tokens(unique_tokens, epochs, r_star=15.4):
    repetitions = epochs - 1.0
    if repetitions < 0:
        raise ValueError("epochs must be at least 1")
    return unique_tokens + unique_tokens * r_star * -np.expm1(-repetitions / r_star)


@formula("power_law_extrapolation")
def power_law_extrapolation(x, y, x_new):
    slope, intercept = np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)
    coefficient = np.exp(intercept)
    return [coefficient, slope, coefficient * x_new**slope]


@formula("min_norm_solution")
def min_norm_solution(features, targets):
    x = np.asarray(features, float)
    if x.shape[0] > x.shape[1]:
        raise ValueError("over-determined system")
    return np.linalg.pinv(x) @ np.asarray(targets, float)


@formula("gd_quadratic_iterates")
def gd_quadratic_iterates(sharpness, lr, x0, steps):
    return x0 * (1.0 - lr * sharpness) ** np.arange(int(steps) + 1)


@formula("class_mean_cosines")
def class_mean_cosines(class_means):
    m = np.asarray(class_means, float)
    m = m - m.mean(axis=0, keepdims=True)
    unit = m / np.linalg.norm(m, axis=1, keepdims=True)
    return unit @ unit.T


@formula("reinforce_logit_gradient")
def reinforce_logit_gradient(logits, action, episode_return, baseline=0.0):
    z = np.asarray(logits, float)
    log_pi = z - (z.max() + np.log(np.exp(z - z.max()).sum()))
    grad_log_pi = -np.exp(log_pi)
    grad_log_pi[int(action)] += 1.0
    return (episode_return - baseline) * grad_log_pi


@formula("q_learning_update")
def q_learning_update(q_value, reward, gamma, next_q, lr, done=False):
    target = reward + (0.0 if done else gamma * np.max(next_q))
    return [target, (1.0 - lr) * q_value + lr * target]


@formula("seed_mean_confidence_interval")
def seed_mean_confidence_interval(scores, t_critical):
    s = np.asarray(scores, float)
    sd = s.std(ddof=1)
    return [s.mean(), sd, t_critical * sd / np.sqrt(s.size)]


@formula("linear_adversarial_shift")
def linear_adversarial_shift(weights, epsilon):
    w = np.asarray(weights, float)
    return float(np.dot(epsilon * np.sign(w), w))


@formula("knn_lm_interpolation")
def knn_lm_interpolation(lm_probs, neighbor_tokens, neighbor_distances, lam):
    p_lm = np.asarray(lm_probs, float)
    d = np.asarray(neighbor_distances, float)
    w = np.exp(-(d - d.min()))
    p_knn = np.bincount(np.asarray(neighbor_tokens, int), weights=w / w.sum(), minlength=p_lm.size)
    return lam * p_knn + (1.0 - lam) * p_lm
