//! Formulas of the `coding` category: the standard error of a measured accuracy. (The coding
//! questions' stable softmax and cross-entropy live in `fundamentals`, which owns them.)

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] =
    &[("accuracy_standard_error", accuracy_standard_error)];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// The binomial standard error of an `accuracy` measured on `n` examples, by the normal
/// approximation: sqrt(acc (1 - acc) / n).
fn accuracy_standard_error(inputs: &Inputs) -> Result<Value, Error> {
    let accuracy = inputs.probability("accuracy")?;
    let n = inputs.positive("n")?;
    Ok(scalar((accuracy * (1.0 - accuracy) / n).sqrt()))
}

#[cfg(test)]
mod tests {
    use crate::check;
    use serde_json::json;

    #[test]
    fn standard_error_of_a_coin() {
        check(
            "accuracy_standard_error",
            json!({ "accuracy": 0.5, "n": 100 }),
            json!(0.05),
        );
    }
}
