"""generative: VAE KL and IWAE bound, GAN discriminator/gradients/divergences, latent slerp,
diffusion (forward process, cosine schedule, v target, DDIM step, guidance), flow and mixture
likelihoods, Gumbel-softmax, bits per dimension, CLIPScore, Fréchet distance."""

import numpy as np

from . import formula


@formula("gaussian_kl_standard_normal")
def gaussian_kl_standard_normal(mu, sigma):
    mu, sigma = np.asarray(mu, float), np.asarray(sigma, float)
    return float(np.sum(0.5 * (mu**2 + sigma**2 - 1) - np.log(sigma)))


@formula("js_divergence")
def js_divergence(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    m = (p + q) / 2

    def kl(a):
        nz = a > 0
        return np.sum(a[nz] * (np.log(a[nz]) - np.log(m[nz])))

    return float((kl(p) + kl(q)) / 2)


@formula("diffusion_forward_sample")
def diffusion_forward_sample(x0, noise, betas):
    alpha_bar = np.prod(1 - np.asarray(betas, dtype=float))
    return np.sqrt(alpha_bar) * np.asarray(x0, float) + np.sqrt(1 - alpha_bar) * np.asarray(noise, float)


@formula("frechet_distance")
def frechet_distance(mu1, cov1, mu2, cov2):
    mu1, mu2 = np.asarray(mu1, float), np.asarray(mu2, float)
    c1, c2 = np.asarray(cov1, float), np.asarray(cov2, float)
    # tr(sqrt(C1 C2)) is the sum of the square roots of C1 C2's eigenvalues, which are real and
    # non-negative for covariance matrices (the product is similar to a PSD matrix).
    eigenvalues = np.linalg.eigvals(c1 @ c2)
    trace_sqrt = np.sum(np.sqrt(np.clip(eigenvalues.real, 0, None)))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(c1) + np.trace(c2) - 2 * trace_sqrt)


@formula("iwae_bound")
def iwae_bound(log_weights):
    lw = np.asarray(log_weights, float)
    m = lw.max()
    return float(m + np.log(np.mean(np.exp(lw - m))))


@formula("gan_optimal_discriminator")
def gan_optimal_discriminator(p_data, p_g):
    pd, pg = np.asarray(p_data, float), np.asarray(p_g, float)
    return pd / (pd + pg)


@formula("gan_generator_logit_gradient")
def gan_generator_logit_gradient(d_fake, non_saturating=True):
    # Differentiate the generator loss numerically-free: with D = sigmoid(a),
    # d/da log(1 - sigmoid(a)) = -sigmoid(a) and d/da [-log sigmoid(a)] = sigmoid(a) - 1.
    d = np.asarray(d_fake, float)
    return d - 1.0 if non_saturating else -d


@formula("wasserstein_1d")
def wasserstein_1d(p, q, positions=None):
    p, q = np.asarray(p, float), np.asarray(q, float)
    x = np.arange(len(p), dtype=float) if positions is None else np.asarray(positions, float)
    gaps = np.diff(x)
    return float(np.sum(np.abs(np.cumsum(p - q)[:-1]) * gaps))


@formula("slerp")
def slerp(a, b, t):
    a, b = np.asarray(a, float), np.asarray(b, float)
    ua, ub = a / np.linalg.norm(a), b / np.linalg.norm(b)
    omega = np.arccos(np.clip(ua @ ub, -1.0, 1.0))
    if np.isclose(np.sin(omega), 0.0):
        return (1 - t) * a + t * b
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)


@formula("cosine_schedule_alpha_bar")
def cosine_schedule_alpha_bar(step, total_steps, s=0.008):
    f = lambda u: np.cos((u / total_steps + s) / (1 + s) * np.pi / 2) ** 2
    return float(f(step) / f(0))


@formula("diffusion_v_target")
def diffusion_v_target(x0, noise, alpha_bar):
    # v is d x_t / d phi for x_t = cos(phi) x0 + sin(phi) noise.
    phi = np.arccos(np.sqrt(alpha_bar))
    return np.cos(phi) * np.asarray(noise, float) - np.sin(phi) * np.asarray(x0, float)


@formula("ddim_step")
def ddim_step(x_t, eps, alpha_bar_t, alpha_bar_prev):
    x_t, eps = np.asarray(x_t, float), np.asarray(eps, float)
    x0_hat = (x_t - np.sqrt(1 - alpha_bar_t) * eps) / np.sqrt(alpha_bar_t)
    return np.sqrt(alpha_bar_prev) * x0_hat + np.sqrt(1 - alpha_bar_prev) * eps


@formula("classifier_free_guidance")
def classifier_free_guidance(eps_cond, eps_uncond, scale):
    c, u = np.asarray(eps_cond, float), np.asarray(eps_uncond, float)
    return scale * c + (1 - scale) * u


@formula("affine_flow_log_likelihood")
def affine_flow_log_likelihood(x, scale, shift):
    x, a, b = (np.asarray(v, float) for v in (x, scale, shift))
    z = (x - b) / a
    base = -0.5 * z @ z - 0.5 * len(z) * np.log(2 * np.pi)
    log_det_inverse = -np.log(np.abs(np.prod(a)))
    return float(base + log_det_inverse)


@formula("gumbel_softmax")
def gumbel_softmax(logits, gumbel, temperature):
    y = (np.asarray(logits, float) + np.asarray(gumbel, float)) / temperature
    e = np.exp(y - y.max())
    return e / e.sum()


@formula("mdn_negative_log_likelihood")
def mdn_negative_log_likelihood(y, weights, mu, sigma):
    w, m, s = (np.asarray(v, float) for v in (weights, mu, sigma))
    density = np.sum(w * np.exp(-((y - m) ** 2) / (2 * s**2)) / (s * np.sqrt(2 * np.pi)))
    return float(-np.log(density))


@formula("bits_per_dim")
def bits_per_dim(nll_nats, num_dims):
    return float(nll_nats / np.log(2) / num_dims)


@formula("clip_score")
def clip_score(image_embedding, text_embedding, weight=2.5):
    i, t = np.asarray(image_embedding, float), np.asarray(text_embedding, float)
    return float(weight * max(i @ t / np.linalg.norm(i) / np.linalg.norm(t), 0.0))
