//! Formulas of the `generative` category: the VAE's KL term and the IWAE bound, the GAN's optimal
//! discriminator, generator gradients and the divergences it minimises (Jensen-Shannon,
//! Wasserstein-1), latent interpolation, the diffusion forward process, noise schedule,
//! parameterisations, DDIM step and classifier-free guidance, normalising-flow and mixture-density
//! likelihoods, the Gumbel-softmax relaxation, bits per dimension, CLIPScore, and the Fréchet
//! distance behind FID.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};
use crate::fundamentals::check_distribution;

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("gaussian_kl_standard_normal", gaussian_kl_standard_normal),
    ("js_divergence", js_divergence),
    ("diffusion_forward_sample", diffusion_forward_sample),
    ("frechet_distance", frechet_distance),
    ("iwae_bound", iwae_bound),
    ("gan_optimal_discriminator", gan_optimal_discriminator),
    ("gan_generator_logit_gradient", gan_generator_logit_gradient),
    ("wasserstein_1d", wasserstein_1d),
    ("slerp", slerp),
    ("cosine_schedule_alpha_bar", cosine_schedule_alpha_bar),
    ("diffusion_v_target", diffusion_v_target),
    ("ddim_step", ddim_step),
    ("classifier_free_guidance", classifier_free_guidance),
    ("affine_flow_log_likelihood", affine_flow_log_likelihood),
    ("gumbel_softmax", gumbel_softmax),
    ("mdn_negative_log_likelihood", mdn_negative_log_likelihood),
    ("bits_per_dim", bits_per_dim),
    ("clip_score", clip_score),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// KL(N(`mu`, diag sigma^2) || N(0, I)) = 1/2 sum(mu^2 + sigma^2 - ln sigma^2 - 1), natural log.
/// The spread is `sigma` (standard deviations) or `log_var` (ln sigma^2, as VAE encoders output).
fn gaussian_kl_standard_normal(inputs: &Inputs) -> Result<Value, Error> {
    let mu = inputs.vector("mu")?;
    let log_var = match (inputs.has("sigma"), inputs.has("log_var")) {
        (true, false) => {
            let sigma = inputs.vector("sigma")?;
            if sigma.iter().any(|&s| s <= 0.0) {
                return Err(inputs.invalid("standard deviations in `sigma` must be positive"));
            }
            sigma.iter().map(|s| (s * s).ln()).collect::<Vec<_>>()
        }
        (false, true) => inputs.vector("log_var")?,
        _ => {
            return Err(inputs.invalid(
                "give exactly one of `sigma` (standard deviations) or `log_var` (ln sigma^2)",
            ));
        }
    };
    inputs.same_length(("mu", mu.len()), ("sigma or log_var", log_var.len()))?;
    let kl: f64 = mu
        .iter()
        .zip(&log_var)
        .map(|(m, lv)| m * m + lv.exp() - lv - 1.0)
        .sum();
    Ok(scalar(0.5 * kl))
}

/// JS(`p`, `q`) = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2, natural log (at most ln 2).
fn js_divergence(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.vector("p")?;
    let q = inputs.vector("q")?;
    inputs.same_length(("p", p.len()), ("q", q.len()))?;
    check_distribution(inputs, "p", &p)?;
    check_distribution(inputs, "q", &q)?;
    // m is positive wherever p or q is, so neither KL term divides by zero.
    let half_kl = |a: &[f64]| -> f64 {
        a.iter()
            .zip(p.iter().zip(&q))
            .filter(|(a, _)| **a > 0.0)
            .map(|(a, (p, q))| a * (2.0 * a / (p + q)).ln())
            .sum::<f64>()
            / 2.0
    };
    Ok(scalar(half_kl(&p) + half_kl(&q)))
}

/// A DDPM forward sample x_t = sqrt(alpha_bar) `x0` + sqrt(1 - alpha_bar) `noise`, where
/// alpha_bar = prod(1 - beta) over `betas` (beta_1..beta_t). `x0` and `noise` are numbers or
/// arrays.
fn diffusion_forward_sample(inputs: &Inputs) -> Result<Value, Error> {
    let x0 = inputs.values("x0")?;
    let noise = inputs.values("noise")?.data;
    inputs.same_length(("x0", x0.data.len()), ("noise", noise.len()))?;
    let betas = inputs.vector("betas")?;
    for &beta in &betas {
        inputs.check_probability("betas", beta)?;
    }
    let alpha_bar: f64 = betas.iter().map(|b| 1.0 - b).product();
    let (signal, spread) = (alpha_bar.sqrt(), (1.0 - alpha_bar).sqrt());
    Ok(x0.output(
        x0.data
            .iter()
            .zip(&noise)
            .map(|(x, e)| signal * x + spread * e)
            .collect(),
    ))
}

/// The squared Fréchet distance between N(`mu1`, `cov1`) and N(`mu2`, `cov2`):
/// ||mu1 - mu2||^2 + tr(cov1 + cov2 - 2 (cov1 cov2)^(1/2)), with the principal square root.
/// tr((C1 C2)^(1/2)) is computed as the sum of the square roots of the eigenvalues of the
/// symmetric C1^(1/2) C2 C1^(1/2), which is similar to C1 C2.
fn frechet_distance(inputs: &Inputs) -> Result<Value, Error> {
    let mu1 = inputs.vector("mu1")?;
    let mu2 = inputs.vector("mu2")?;
    let cov1 = inputs.matrix("cov1")?;
    let cov2 = inputs.matrix("cov2")?;
    let d = mu1.len();
    inputs.same_length(("mu1", d), ("mu2", mu2.len()))?;
    for (name, cov) in [("cov1", &cov1), ("cov2", &cov2)] {
        if cov.len() != d || cov[0].len() != d || !common::is_symmetric(cov) {
            return Err(inputs.invalid(format!(
                "`{name}` must be a symmetric {d} x {d} covariance matrix"
            )));
        }
        if common::symmetric_eigen(cov).0.iter().any(|&l| l < -1e-9) {
            return Err(inputs.invalid(format!(
                "`{name}` has a negative eigenvalue, so it is not a covariance matrix"
            )));
        }
    }
    let root1 = common::psd_sqrt(&cov1);
    let inner = common::matmul(&common::matmul(&root1, &cov2), &root1);
    let trace_root: f64 = common::symmetric_eigen(&inner)
        .0
        .iter()
        .map(|l| l.max(0.0).sqrt())
        .sum();
    let mean_term: f64 = mu1.iter().zip(&mu2).map(|(a, b)| (a - b).powi(2)).sum();
    let trace = |c: &[Vec<f64>]| (0..d).map(|i| c[i][i]).sum::<f64>();
    Ok(scalar(
        mean_term + trace(&cov1) + trace(&cov2) - 2.0 * trace_root,
    ))
}

/// The importance-weighted bound log((1/K) sum_k exp(`log_weights`_k)), where each log weight is
/// log p(x, z_k) - log q(z_k | x) for z_k drawn from q. With K = 1 it is a one-sample ELBO.
fn iwae_bound(inputs: &Inputs) -> Result<Value, Error> {
    let log_weights = inputs.vector("log_weights")?;
    let k = log_weights.len() as f64;
    Ok(scalar(common::log_sum_exp(&log_weights) - k.ln()))
}

/// The optimal GAN discriminator D*(x) = p_data(x) / (p_data(x) + p_g(x)), elementwise over
/// `p_data` and `p_g` (densities or probabilities at the same points; numbers or arrays).
fn gan_optimal_discriminator(inputs: &Inputs) -> Result<Value, Error> {
    let p_data = inputs.values("p_data")?;
    let p_g = inputs.values("p_g")?.data;
    inputs.same_length(("p_data", p_data.data.len()), ("p_g", p_g.len()))?;
    let mut out = Vec::with_capacity(p_g.len());
    for (&pd, &pg) in p_data.data.iter().zip(&p_g) {
        if pd < 0.0 || pg < 0.0 || pd + pg == 0.0 {
            return Err(inputs.invalid(
                "densities must be non-negative and not both 0 at a point (D* is undefined where \
                 neither distribution has mass)",
            ));
        }
        out.push(pd / (pd + pg));
    }
    Ok(p_data.output(out))
}

/// The derivative of the generator's loss with respect to the discriminator's logit a on a fake
/// sample, where `d_fake` = D(G(z)) = sigmoid(a). Saturating loss log(1 - D): -D. Non-saturating
/// loss -log D (`non_saturating`, default true): -(1 - D). Elementwise over numbers or arrays.
fn gan_generator_logit_gradient(inputs: &Inputs) -> Result<Value, Error> {
    let d = inputs.values("d_fake")?;
    let non_saturating = inputs.flag_or("non_saturating", true)?;
    let mut out = Vec::with_capacity(d.data.len());
    for &x in &d.data {
        if x <= 0.0 || x >= 1.0 {
            return Err(inputs.invalid(
                "`d_fake` holds discriminator outputs, which must lie strictly between 0 and 1",
            ));
        }
        out.push(if non_saturating { -(1.0 - x) } else { -x });
    }
    Ok(d.output(out))
}

/// The Wasserstein-1 (earth mover's) distance between two distributions `p` and `q` on the same
/// sorted 1-D `positions` (default 0, 1, 2, ...): sum_i |F_p(i) - F_q(i)| (x_{i+1} - x_i), with
/// F the cumulative distribution.
fn wasserstein_1d(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.vector("p")?;
    let q = inputs.vector("q")?;
    inputs.same_length(("p", p.len()), ("q", q.len()))?;
    check_distribution(inputs, "p", &p)?;
    check_distribution(inputs, "q", &q)?;
    let positions = match inputs.optional_vector("positions")? {
        Some(x) => {
            inputs.same_length(("p", p.len()), ("positions", x.len()))?;
            x
        }
        None => (0..p.len()).map(|i| i as f64).collect(),
    };
    if positions.windows(2).any(|w| w[1] <= w[0]) {
        return Err(inputs.invalid("`positions` must be strictly increasing"));
    }
    let (mut cdf_p, mut cdf_q, mut total) = (0.0, 0.0, 0.0);
    for i in 0..p.len() - 1 {
        cdf_p += p[i];
        cdf_q += q[i];
        total += (cdf_p - cdf_q).abs() * (positions[i + 1] - positions[i]);
    }
    Ok(scalar(total))
}

/// Spherical interpolation between vectors `a` and `b` at fraction `t`:
/// sin((1 - t) theta)/sin(theta) a + sin(t theta)/sin(theta) b, theta the angle between them.
/// Falls back to linear interpolation when the vectors are (almost) parallel.
fn slerp(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.vector("a")?;
    let b = inputs.vector("b")?;
    let t = inputs.number("t")?;
    inputs.same_length(("a", a.len()), ("b", b.len()))?;
    let (na, nb) = (common::norm(&a), common::norm(&b));
    if na == 0.0 || nb == 0.0 {
        return Err(inputs.invalid("`a` and `b` must be non-zero vectors"));
    }
    let cos = (common::dot(&a, &b) / (na * nb)).clamp(-1.0, 1.0);
    let theta = cos.acos();
    if (std::f64::consts::PI - theta).abs() < 1e-9 {
        return Err(inputs.invalid(
            "`a` and `b` point in opposite directions, so the great circle between them is not \
             unique",
        ));
    }
    let (wa, wb) = if theta.sin().abs() < 1e-12 {
        (1.0 - t, t)
    } else {
        (
            ((1.0 - t) * theta).sin() / theta.sin(),
            (t * theta).sin() / theta.sin(),
        )
    };
    Ok(common::array(
        &a.iter()
            .zip(&b)
            .map(|(x, y)| wa * x + wb * y)
            .collect::<Vec<_>>(),
    ))
}

/// The cosine schedule's alpha_bar_t = f(t)/f(0) with f(t) = cos^2(((t/T) + s)/(1 + s) * pi/2)
/// (Nichol & Dhariwal 2021), for `step` t of `total_steps` T and offset `s` (default 0.008);
/// the paper's clipping of beta_t at 0.999 is not applied.
fn cosine_schedule_alpha_bar(inputs: &Inputs) -> Result<Value, Error> {
    let t = inputs.number("step")?;
    let total = inputs.positive("total_steps")?;
    let s = inputs.number_or("s", 0.008)?;
    if !(0.0..=total).contains(&t) || s < 0.0 {
        return Err(inputs.invalid("`step` must lie in [0, total_steps] and `s` must be >= 0"));
    }
    let f = |t: f64| {
        (((t / total) + s) / (1.0 + s) * std::f64::consts::FRAC_PI_2)
            .cos()
            .powi(2)
    };
    Ok(scalar(f(t) / f(0.0)))
}

/// The v-prediction target v = sqrt(alpha_bar) `noise` - sqrt(1 - alpha_bar) `x0` (Salimans &
/// Ho 2022), elementwise; `alpha_bar` is the cumulative signal level at the timestep.
fn diffusion_v_target(inputs: &Inputs) -> Result<Value, Error> {
    let x0 = inputs.values("x0")?;
    let noise = inputs.values("noise")?.data;
    inputs.same_length(("x0", x0.data.len()), ("noise", noise.len()))?;
    let alpha_bar = inputs.probability("alpha_bar")?;
    let (a, s) = (alpha_bar.sqrt(), (1.0 - alpha_bar).sqrt());
    Ok(x0.output(
        x0.data
            .iter()
            .zip(&noise)
            .map(|(x, e)| a * e - s * x)
            .collect(),
    ))
}

/// One deterministic DDIM step (eta = 0): x0_hat = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t), then
/// x_prev = sqrt(a_prev) x0_hat + sqrt(1 - a_prev) eps, with a_t = `alpha_bar_t`,
/// a_prev = `alpha_bar_prev` and eps = `eps` the predicted noise. Elementwise.
fn ddim_step(inputs: &Inputs) -> Result<Value, Error> {
    let x_t = inputs.values("x_t")?;
    let eps = inputs.values("eps")?.data;
    inputs.same_length(("x_t", x_t.data.len()), ("eps", eps.len()))?;
    let a_t = inputs.probability("alpha_bar_t")?;
    let a_prev = inputs.probability("alpha_bar_prev")?;
    if a_t == 0.0 {
        return Err(inputs.invalid("`alpha_bar_t` must be greater than 0 to recover x0"));
    }
    Ok(x_t.output(
        x_t.data
            .iter()
            .zip(&eps)
            .map(|(x, e)| {
                let x0 = (x - (1.0 - a_t).sqrt() * e) / a_t.sqrt();
                a_prev.sqrt() * x0 + (1.0 - a_prev).sqrt() * e
            })
            .collect(),
    ))
}

/// Classifier-free guidance: eps_uncond + `scale` (eps_cond - eps_uncond), elementwise; scale 1
/// is the plain conditional model, 0 the unconditional one.
fn classifier_free_guidance(inputs: &Inputs) -> Result<Value, Error> {
    let cond = inputs.values("eps_cond")?;
    let uncond = inputs.values("eps_uncond")?.data;
    inputs.same_length(("eps_cond", cond.data.len()), ("eps_uncond", uncond.len()))?;
    let w = inputs.number("scale")?;
    Ok(cond.output(
        cond.data
            .iter()
            .zip(&uncond)
            .map(|(c, u)| u + w * (c - u))
            .collect(),
    ))
}

/// The exact log-density of `x` under an elementwise affine flow x = `scale` * z + `shift` with a
/// standard normal base: sum_i [log N(z_i; 0, 1) - log |scale_i|], z = (x - shift)/scale. Natural log.
fn affine_flow_log_likelihood(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let scale = inputs.vector("scale")?;
    let shift = inputs.vector("shift")?;
    inputs.same_length(("x", x.len()), ("scale", scale.len()))?;
    inputs.same_length(("x", x.len()), ("shift", shift.len()))?;
    if scale.contains(&0.0) {
        return Err(inputs.invalid("`scale` must be non-zero so the map is invertible"));
    }
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let total: f64 = x
        .iter()
        .zip(scale.iter().zip(&shift))
        .map(|(x, (a, b))| {
            let z = (x - b) / a;
            -0.5 * z * z - half_log_2pi - a.abs().ln()
        })
        .sum();
    Ok(scalar(total))
}

/// A Gumbel-softmax sample softmax((`logits` + `gumbel`) / `temperature`), where `gumbel` holds
/// the Gumbel(0, 1) noise draws -log(-log u).
fn gumbel_softmax(inputs: &Inputs) -> Result<Value, Error> {
    let logits = inputs.vector("logits")?;
    let gumbel = inputs.vector("gumbel")?;
    inputs.same_length(("logits", logits.len()), ("gumbel", gumbel.len()))?;
    let tau = inputs.positive("temperature")?;
    let perturbed: Vec<f64> = logits
        .iter()
        .zip(&gumbel)
        .map(|(l, g)| (l + g) / tau)
        .collect();
    Ok(common::array(&common::softmax(&perturbed)))
}

/// The negative log-likelihood of a scalar target `y` under a 1-D Gaussian mixture with mixing
/// `weights`, means `mu` and standard deviations `sigma`: -log sum_k w_k N(y; mu_k, sigma_k^2).
/// Natural log, computed with log-sum-exp.
fn mdn_negative_log_likelihood(inputs: &Inputs) -> Result<Value, Error> {
    let y = inputs.number("y")?;
    let weights = inputs.vector("weights")?;
    let mu = inputs.vector("mu")?;
    let sigma = inputs.vector("sigma")?;
    inputs.same_length(("weights", weights.len()), ("mu", mu.len()))?;
    inputs.same_length(("weights", weights.len()), ("sigma", sigma.len()))?;
    check_distribution(inputs, "weights", &weights)?;
    if sigma.iter().any(|&s| s <= 0.0) {
        return Err(inputs.invalid("standard deviations in `sigma` must be positive"));
    }
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let terms: Vec<f64> = weights
        .iter()
        .zip(mu.iter().zip(&sigma))
        .filter(|(w, _)| **w > 0.0)
        .map(|(w, (m, s))| w.ln() - 0.5 * ((y - m) / s).powi(2) - s.ln() - half_log_2pi)
        .collect();
    Ok(scalar(-common::log_sum_exp(&terms)))
}

/// Bits per dimension: a negative log-likelihood `nll_nats` (natural log, for a whole example)
/// divided by `num_dims` ln 2.
fn bits_per_dim(inputs: &Inputs) -> Result<Value, Error> {
    let nll = inputs.number("nll_nats")?;
    let dims = inputs.count("num_dims")?;
    if dims == 0 {
        return Err(inputs.invalid("`num_dims` must be at least 1"));
    }
    Ok(scalar(nll / (dims as f64 * std::f64::consts::LN_2)))
}

/// CLIPScore (Hessel et al. 2021): `weight` (default 2.5) * max(cos(image, text), 0) for an
/// `image_embedding` and a `text_embedding`.
fn clip_score(inputs: &Inputs) -> Result<Value, Error> {
    let image = inputs.vector("image_embedding")?;
    let text = inputs.vector("text_embedding")?;
    inputs.same_length(
        ("image_embedding", image.len()),
        ("text_embedding", text.len()),
    )?;
    let w = inputs.number_or("weight", 2.5)?;
    let (ni, nt) = (common::norm(&image), common::norm(&text));
    if ni == 0.0 || nt == 0.0 {
        return Err(inputs.invalid("embeddings must be non-zero vectors"));
    }
    Ok(scalar(
        w * (common::dot(&image, &text) / (ni * nt)).max(0.0),
    ))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn kl_to_standard_normal() {
        check(
            "gaussian_kl_standard_normal",
            json!({ "mu": [0.0, 0.0], "sigma": [1.0, 1.0] }),
            json!(0.0),
        );
        check(
            "gaussian_kl_standard_normal",
            json!({ "mu": [2.0], "log_var": [0.0] }),
            json!(2.0),
        );
        check_err(
            "gaussian_kl_standard_normal",
            json!({ "mu": [2.0], "log_var": [0.0], "sigma": [1.0] }),
        );
    }

    #[test]
    fn js_is_zero_for_equal_and_ln2_for_disjoint() {
        check(
            "js_divergence",
            json!({ "p": [0.2, 0.8], "q": [0.2, 0.8] }),
            json!(0.0),
        );
        check(
            "js_divergence",
            json!({ "p": [1.0, 0.0], "q": [0.0, 1.0] }),
            json!(2f64.ln()),
        );
    }

    #[test]
    fn diffusion_with_beta_one_is_pure_noise() {
        check(
            "diffusion_forward_sample",
            json!({ "x0": [5.0, -5.0], "noise": [0.3, 0.1], "betas": [0.5, 1.0] }),
            json!([0.3, 0.1]),
        );
        // alpha_bar = 0.75 * (2/3) = 0.5.
        let r = 0.5f64.sqrt();
        check(
            "diffusion_forward_sample",
            json!({ "x0": 1.0, "noise": 1.0, "betas": [0.25, 1.0 / 3.0] }),
            json!(2.0 * r),
        );
    }

    #[test]
    fn frechet_distance_of_shifted_and_scaled_gaussians() {
        check(
            "frechet_distance",
            json!({ "mu1": [0.0], "cov1": [[1.0]], "mu2": [3.0], "cov2": [[1.0]] }),
            json!(9.0),
        );
        // cov2 = 9 cov1, so the trace term is tr(cov1) (1 + 9 - 2 sqrt 9) = 2 * 4.
        check(
            "frechet_distance",
            json!({
                "mu1": [0.0, 0.0], "cov1": [[1.0, 0.5], [0.5, 1.0]],
                "mu2": [0.0, 0.0], "cov2": [[9.0, 4.5], [4.5, 9.0]]
            }),
            json!(4.0 * 2.0),
        );
    }

    #[test]
    fn iwae_bound_of_equal_weights_is_the_weight() {
        check(
            "iwae_bound",
            json!({ "log_weights": [-2.0, -2.0, -2.0] }),
            json!(-2.0),
        );
        // weights 1 and 3: log(2).
        check(
            "iwae_bound",
            json!({ "log_weights": [0.0, 3f64.ln()] }),
            json!(2f64.ln()),
        );
    }

    #[test]
    fn optimal_discriminator_is_the_density_ratio() {
        check(
            "gan_optimal_discriminator",
            json!({ "p_data": [0.3, 0.6, 0.0], "p_g": [0.3, 0.2, 0.5] }),
            json!([0.5, 0.75, 0.0]),
        );
        check_err(
            "gan_optimal_discriminator",
            json!({ "p_data": 0.0, "p_g": 0.0 }),
        );
    }

    #[test]
    fn generator_gradients_saturate_only_for_the_minimax_loss() {
        check(
            "gan_generator_logit_gradient",
            json!({ "d_fake": [0.25, 0.5], "non_saturating": false }),
            json!([-0.25, -0.5]),
        );
        check(
            "gan_generator_logit_gradient",
            json!({ "d_fake": [0.25, 0.5], "non_saturating": true }),
            json!([-0.75, -0.5]),
        );
        check_err("gan_generator_logit_gradient", json!({ "d_fake": 1.0 }));
    }

    #[test]
    fn wasserstein_moves_mass_by_the_distance() {
        check(
            "wasserstein_1d",
            json!({ "p": [1.0, 0.0, 0.0], "q": [0.0, 0.0, 1.0] }),
            json!(2.0),
        );
        // Half the mass moves 10 units.
        check(
            "wasserstein_1d",
            json!({ "p": [0.5, 0.5], "q": [0.0, 1.0], "positions": [0.0, 10.0] }),
            json!(5.0),
        );
    }

    #[test]
    fn slerp_between_orthogonal_unit_vectors_stays_on_the_circle() {
        let r = 0.5f64.sqrt();
        check(
            "slerp",
            json!({ "a": [1.0, 0.0], "b": [0.0, 1.0], "t": 0.5 }),
            json!([r, r]),
        );
        check(
            "slerp",
            json!({ "a": [2.0, 0.0], "b": [0.0, 2.0], "t": 0.0 }),
            json!([2.0, 0.0]),
        );
        check_err(
            "slerp",
            json!({ "a": [1.0, 0.0], "b": [-1.0, 0.0], "t": 0.5 }),
        );
    }

    #[test]
    fn cosine_schedule_endpoints() {
        check(
            "cosine_schedule_alpha_bar",
            json!({ "step": 0, "total_steps": 1000 }),
            json!(1.0),
        );
        // With s = 0, the midpoint is cos^2(pi/4) = 0.5.
        check(
            "cosine_schedule_alpha_bar",
            json!({ "step": 50, "total_steps": 100, "s": 0.0 }),
            json!(0.5),
        );
    }

    #[test]
    fn v_target_and_ddim_step() {
        // alpha_bar = 0.64: v = 0.8 * 1 - 0.6 * 2 = -0.4.
        check(
            "diffusion_v_target",
            json!({ "x0": 2.0, "noise": 1.0, "alpha_bar": 0.64 }),
            json!(-0.4),
        );
        // x_t = 0.8 * 2 + 0.6 * 1 = 2.2 gives x0_hat = 2; to alpha_bar 0.36: 0.6 * 2 + 0.8 * 1.
        check(
            "ddim_step",
            json!({ "x_t": 2.2, "eps": 1.0, "alpha_bar_t": 0.64, "alpha_bar_prev": 0.36 }),
            json!(2.0),
        );
    }

    #[test]
    fn guidance_scale_one_is_the_conditional_model() {
        check(
            "classifier_free_guidance",
            json!({ "eps_cond": [1.0, 2.0], "eps_uncond": [0.0, 1.0], "scale": 1.0 }),
            json!([1.0, 2.0]),
        );
        check(
            "classifier_free_guidance",
            json!({ "eps_cond": [1.0, 2.0], "eps_uncond": [0.0, 1.0], "scale": 3.0 }),
            json!([3.0, 4.0]),
        );
    }

    #[test]
    fn affine_flow_identity_is_the_standard_normal() {
        let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
        check(
            "affine_flow_log_likelihood",
            json!({ "x": [0.0], "scale": [1.0], "shift": [0.0] }),
            json!(-half_log_2pi),
        );
        // Scaling by 2 at x = shift costs ln 2.
        check(
            "affine_flow_log_likelihood",
            json!({ "x": [3.0], "scale": [2.0], "shift": [3.0] }),
            json!(-half_log_2pi - 2f64.ln()),
        );
    }

    #[test]
    fn gumbel_softmax_of_equal_perturbed_logits_is_uniform() {
        check(
            "gumbel_softmax",
            json!({ "logits": [1.0, 0.0], "gumbel": [0.0, 1.0], "temperature": 0.1 }),
            json!([0.5, 0.5]),
        );
    }

    #[test]
    fn mdn_with_one_component_is_gaussian_nll() {
        let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
        check(
            "mdn_negative_log_likelihood",
            json!({ "y": 1.0, "weights": [1.0], "mu": [1.0], "sigma": [1.0] }),
            json!(half_log_2pi),
        );
        // Two identical components are one component.
        check(
            "mdn_negative_log_likelihood",
            json!({ "y": 1.0, "weights": [0.5, 0.5], "mu": [1.0, 1.0], "sigma": [1.0, 1.0] }),
            json!(half_log_2pi),
        );
    }

    #[test]
    fn bits_per_dim_and_clip_score() {
        check(
            "bits_per_dim",
            json!({ "nll_nats": 4.0 * 2f64.ln(), "num_dims": 2 }),
            json!(2.0),
        );
        check(
            "clip_score",
            json!({ "image_embedding": [1.0, 0.0], "text_embedding": [2.0, 0.0] }),
            json!(2.5),
        );
        check(
            "clip_score",
            json!({ "image_embedding": [1.0, 0.0], "text_embedding": [-1.0, 0.0], "weight": 1.0 }),
            json!(0.0),
        );
    }
}
