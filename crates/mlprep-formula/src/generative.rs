//! Formulas of the `generative` category: the VAE's KL term, the Jensen-Shannon divergence of
//! the original GAN objective, the diffusion forward process and the Fréchet distance behind FID.

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
}
