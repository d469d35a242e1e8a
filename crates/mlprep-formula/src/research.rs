//! Formulas of the `research` category: the sample size needed to estimate a proportion.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] =
    &[("sample_size_proportion", sample_size_proportion)];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Samples needed to estimate a proportion `p` within +/- `margin` by the normal approximation:
/// z^2 p (1 - p) / margin^2, unrounded (round up to use it). `z` defaults to 1.96 (95%).
fn sample_size_proportion(inputs: &Inputs) -> Result<Value, Error> {
    let p = inputs.probability("p")?;
    let margin = inputs.positive("margin")?;
    let z = inputs.number_or("z", 1.96)?;
    Ok(scalar(z * z * p * (1.0 - p) / (margin * margin)))
}

#[cfg(test)]
mod tests {
    use crate::check;
    use serde_json::json;

    #[test]
    fn sample_size_at_half() {
        // z = 2, p = 0.5, margin 0.1: 4 * 0.25 / 0.01 = 100.
        check(
            "sample_size_proportion",
            json!({ "p": 0.5, "margin": 0.1, "z": 2.0 }),
            json!(100.0),
        );
    }
}
