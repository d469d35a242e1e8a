//! Formulas of the `safety-privacy` category: differential privacy (the Gaussian mechanism's
//! noise, the bound DP puts on membership inference), federated averaging, the disparate-impact
//! ratio of fairness audits, and the positive predictive value of a screening model.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};
use crate::fundamentals::positive_posterior;

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("gaussian_mechanism_sigma", gaussian_mechanism_sigma),
    ("dp_membership_tpr_bound", dp_membership_tpr_bound),
    ("fedavg", fedavg),
    ("disparate_impact_ratio", disparate_impact_ratio),
    (
        "ppv_from_sensitivity_specificity",
        ppv_from_sensitivity_specificity,
    ),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// The classic Gaussian mechanism (Dwork and Roth, Theorem A.1):
/// sigma = `sensitivity` sqrt(2 ln(1.25 / `delta`)) / `epsilon`, valid for 0 < epsilon < 1.
fn gaussian_mechanism_sigma(inputs: &Inputs) -> Result<Value, Error> {
    let sensitivity = inputs.positive("sensitivity")?;
    let epsilon = inputs.positive("epsilon")?;
    let delta = inputs.positive("delta")?;
    if epsilon >= 1.0 {
        return Err(inputs.invalid(
            "the classic analysis holds only for epsilon < 1; use the analytic Gaussian \
             mechanism or an accountant for larger epsilon",
        ));
    }
    if delta >= 1.0 {
        return Err(inputs.invalid("`delta` must be below 1"));
    }
    Ok(scalar(
        sensitivity * (2.0 * (1.25 / delta).ln()).sqrt() / epsilon,
    ))
}

/// Under (epsilon, delta)-DP every membership-inference attack has
/// TPR <= e^`epsilon` `fpr` + `delta`, and never more than 1.
fn dp_membership_tpr_bound(inputs: &Inputs) -> Result<Value, Error> {
    let epsilon = inputs.number("epsilon")?;
    let fpr = inputs.probability("fpr")?;
    let delta = inputs.probability("delta")?;
    if epsilon < 0.0 {
        return Err(inputs.invalid("`epsilon` cannot be negative"));
    }
    Ok(scalar((epsilon.exp() * fpr + delta).min(1.0)))
}

/// FedAvg's aggregate: clients' models (`client_weights`, one number or one parameter vector per
/// client) averaged with weights n_k / n from `client_sizes`.
fn fedavg(inputs: &Inputs) -> Result<Value, Error> {
    let sizes = inputs.vector("client_sizes")?;
    let per_client_vectors = inputs
        .required(
            "client_weights",
            "one number or parameter vector per client",
        )?
        .as_array()
        .and_then(|clients| clients.first())
        .is_some_and(Value::is_array);
    let models = if per_client_vectors {
        inputs.matrix("client_weights")?
    } else {
        inputs
            .vector("client_weights")?
            .into_iter()
            .map(|w| vec![w])
            .collect()
    };
    inputs.same_length(
        ("client_sizes", sizes.len()),
        ("client_weights", models.len()),
    )?;
    if sizes.iter().any(|&n| n < 0.0) || sizes.iter().sum::<f64>() <= 0.0 {
        return Err(inputs.invalid("client sizes must be 0 or more, with a positive total"));
    }
    let total: f64 = sizes.iter().sum();
    let average: Vec<f64> = (0..models[0].len())
        .map(|j| {
            sizes
                .iter()
                .zip(&models)
                .map(|(n, m)| n * m[j])
                .sum::<f64>()
                / total
        })
        .collect();
    Ok(if per_client_vectors {
        common::array(&average)
    } else {
        scalar(average[0])
    })
}

/// The disparate-impact ratio: the lowest selection rate over the highest, each rate being a
/// group's `selected` / `totals`. Below 0.8 fails the four-fifths rule.
fn disparate_impact_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let selected = inputs.vector("selected")?;
    let totals = inputs.vector("totals")?;
    inputs.same_length(("selected", selected.len()), ("totals", totals.len()))?;
    let mut rates = Vec::with_capacity(totals.len());
    for (&s, &t) in selected.iter().zip(&totals) {
        if t <= 0.0 || s < 0.0 || s > t {
            return Err(inputs.invalid(format!(
                "each group needs 0 <= selected <= totals and totals > 0, got {s} of {t}"
            )));
        }
        rates.push(s / t);
    }
    let highest = rates.iter().copied().fold(0.0, f64::max);
    let lowest = rates.iter().copied().fold(f64::INFINITY, f64::min);
    if highest == 0.0 {
        return Err(inputs.invalid("no group has anyone selected, so the ratio is undefined"));
    }
    Ok(scalar(lowest / highest))
}

/// Positive predictive value: sens prev / (sens prev + (1 - spec)(1 - prev)) from
/// `sensitivity`, `specificity` and `prevalence`.
fn ppv_from_sensitivity_specificity(inputs: &Inputs) -> Result<Value, Error> {
    let sensitivity = inputs.probability("sensitivity")?;
    let specificity = inputs.probability("specificity")?;
    let prevalence = inputs.probability("prevalence")?;
    positive_posterior(inputs, prevalence, sensitivity, specificity).map(scalar)
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn gaussian_mechanism() {
        // ln(1.25 / delta) = 2 when delta = 1.25 e^-2: sigma = sqrt(4) / 0.5 = 4.
        check(
            "gaussian_mechanism_sigma",
            json!({ "sensitivity": 1.0, "epsilon": 0.5, "delta": 1.25 * (-2f64).exp() }),
            json!(4.0),
        );
        check_err(
            "gaussian_mechanism_sigma",
            json!({ "sensitivity": 1.0, "epsilon": 2.0, "delta": 1e-5 }),
        );
    }

    #[test]
    fn membership_bound_is_capped_at_one() {
        check(
            "dp_membership_tpr_bound",
            json!({ "epsilon": 0.0, "fpr": 0.1, "delta": 0.05 }),
            json!(0.15),
        );
        check(
            "dp_membership_tpr_bound",
            json!({ "epsilon": 5.0, "fpr": 0.5, "delta": 0.0 }),
            json!(1.0),
        );
    }

    #[test]
    fn fedavg_weights_by_size() {
        check(
            "fedavg",
            json!({ "client_sizes": [1, 3], "client_weights": [[0.0, 4.0], [4.0, 0.0]] }),
            json!([3.0, 1.0]),
        );
    }

    #[test]
    fn fairness_and_ppv() {
        check(
            "disparate_impact_ratio",
            json!({ "selected": [10, 40, 20], "totals": [100, 100, 100] }),
            json!(0.25),
        );
        check(
            "ppv_from_sensitivity_specificity",
            json!({ "sensitivity": 1.0, "specificity": 0.5, "prevalence": 0.5 }),
            json!(2.0 / 3.0),
        );
    }
}
