"""generative: VAE KL, JS divergence, diffusion forward process, Fréchet distance."""

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
