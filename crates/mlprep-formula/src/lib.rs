//! Reference implementations of the formulas behind the question bank's worked examples.
//!
//! Every `[[question.example]]` in `content/` names a `formula`, gives its `inputs` and states the
//! `expected` result. This crate owns the code that recomputes those results, so that a wrong
//! number in the bank fails the test suite instead of reaching a learner. `scripts/check_examples.py`
//! recomputes the same examples a second, independent way with NumPy.
//!
//! Layout: one module per bank category (`fundamentals`, `optimization`, ...), each with a
//! `FORMULAS` table of `(name, function)` pairs and a `lookup` over it; the `CATEGORIES` list
//! here names every module once. Shared helpers (the `Inputs` accessor, softmax, log-sum-exp,
//! small linear algebra) live in `common`. To add a formula, write
//! `fn my_formula(inputs: &Inputs) -> Result<Value, Error>` in the module of the category that
//! owns the concept (a formula used by several categories lives once, with its owner), add it to
//! that module's `FORMULAS`, give it a unit test on a case you can check by hand, and add the
//! independent NumPy version to `scripts/formulas/<category>.py`.
//!
//! Conventions: logarithms are natural unless a formula says otherwise; inputs an implementation
//! does not read are an error (a misspelt optional input must not silently fall back to its
//! default); results that are not finite are an error.
#![deny(missing_docs)]

use serde_json::{Map, Value};

mod classical_ml;
mod cnn_cv;
mod coding;
mod common;
mod compression_serving;
mod distributed;
mod fundamentals;
mod generative;
mod graph;
mod losses_metrics;
mod nlp_llm;
mod optimization;
mod probability_stats;
mod research;
mod safety_privacy;
mod self_supervised;
mod sequence;
mod system_design;
mod transformers;

use common::{Formula, Inputs};

/// Why a formula could not be evaluated. Every message names the formula and says what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// No implementation has this name.
    #[error(
        "unknown formula `{name}`; use a name from mlprep_formula::known(), or implement it in \
         the module of its category under crates/mlprep-formula/src/ and add it to that module's \
         FORMULAS table"
    )]
    UnknownFormula {
        /// The name asked for.
        name: String,
    },
    /// A required input is absent.
    #[error("formula `{formula}` needs input `{input}` ({wanted}); add it to the example's inputs")]
    MissingInput {
        /// The formula being evaluated.
        formula: String,
        /// The missing input's name.
        input: String,
        /// What the input should be, e.g. "a number".
        wanted: String,
    },
    /// An input is present but has the wrong shape or type.
    #[error(
        "formula `{formula}`: input `{input}` must be {wanted}, but it is {found}; fix it in the \
         example's inputs"
    )]
    MalformedInput {
        /// The formula being evaluated.
        formula: String,
        /// The malformed input's name.
        input: String,
        /// What the input should be.
        wanted: String,
        /// What it is instead.
        found: String,
    },
    /// An input was given that the formula never reads (often a typo of an optional input).
    #[error(
        "formula `{formula}` does not read input `{input}`; remove it or rename it to one of the \
         inputs the formula reads: {reads}"
    )]
    UnusedInput {
        /// The formula being evaluated.
        formula: String,
        /// The unread input's name.
        input: String,
        /// The input names the formula looked up, comma-separated.
        reads: String,
    },
    /// The inputs are well-formed but outside the formula's domain, or the result is not finite.
    #[error("formula `{formula}`: {reason}")]
    Invalid {
        /// The formula being evaluated.
        formula: String,
        /// What is wrong and what to do about it.
        reason: String,
    },
}

/// One category module: its `lookup` and the table it looks in.
struct Category {
    lookup: fn(&str) -> Option<Formula>,
    formulas: &'static [(&'static str, Formula)],
}

/// Every category module, in the bank's category order. A new module is added here once.
const CATEGORIES: &[Category] = &[
    Category {
        lookup: fundamentals::lookup,
        formulas: fundamentals::FORMULAS,
    },
    Category {
        lookup: optimization::lookup,
        formulas: optimization::FORMULAS,
    },
    Category {
        lookup: losses_metrics::lookup,
        formulas: losses_metrics::FORMULAS,
    },
    Category {
        lookup: cnn_cv::lookup,
        formulas: cnn_cv::FORMULAS,
    },
    Category {
        lookup: transformers::lookup,
        formulas: transformers::FORMULAS,
    },
    Category {
        lookup: nlp_llm::lookup,
        formulas: nlp_llm::FORMULAS,
    },
    Category {
        lookup: self_supervised::lookup,
        formulas: self_supervised::FORMULAS,
    },
    Category {
        lookup: generative::lookup,
        formulas: generative::FORMULAS,
    },
    Category {
        lookup: sequence::lookup,
        formulas: sequence::FORMULAS,
    },
    Category {
        lookup: graph::lookup,
        formulas: graph::FORMULAS,
    },
    Category {
        lookup: compression_serving::lookup,
        formulas: compression_serving::FORMULAS,
    },
    Category {
        lookup: safety_privacy::lookup,
        formulas: safety_privacy::FORMULAS,
    },
    Category {
        lookup: distributed::lookup,
        formulas: distributed::FORMULAS,
    },
    Category {
        lookup: coding::lookup,
        formulas: coding::FORMULAS,
    },
    Category {
        lookup: research::lookup,
        formulas: research::FORMULAS,
    },
    Category {
        lookup: classical_ml::lookup,
        formulas: classical_ml::FORMULAS,
    },
    Category {
        lookup: probability_stats::lookup,
        formulas: probability_stats::FORMULAS,
    },
    Category {
        lookup: system_design::lookup,
        formulas: system_design::FORMULAS,
    },
];

/// Finds the implementation of `name` in whichever category module owns it.
fn lookup(name: &str) -> Option<Formula> {
    CATEGORIES
        .iter()
        .find_map(|category| (category.lookup)(name))
}

/// Evaluates the formula called `formula` on `inputs`, as a worked example gives them (numbers,
/// arrays, nested arrays; a few formulas also take booleans or strings, as their docs say).
///
/// Returns a number or a (nested) array of numbers. Fails with an [`Error`] naming the formula
/// and the problem when the name is unknown, an input is missing, malformed or unread, the inputs
/// are outside the formula's domain, or the result is not finite.
pub fn evaluate(formula: &str, inputs: &Map<String, Value>) -> Result<Value, Error> {
    let implementation = lookup(formula).ok_or_else(|| Error::UnknownFormula {
        name: formula.to_string(),
    })?;
    let accessor = Inputs::new(formula, inputs);
    let result = implementation(&accessor)?;
    accessor.check_all_read()?;
    if !all_finite(&result) {
        return Err(Error::Invalid {
            formula: formula.to_string(),
            reason: "the result is not finite (an overflow, a division by zero or the log of 0); \
                     check that the inputs are in the formula's domain"
                .to_string(),
        });
    }
    Ok(result)
}

/// The names of every implemented formula, sorted.
pub fn known() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = CATEGORIES
        .iter()
        .flat_map(|category| category.formulas.iter().map(|(name, _)| *name))
        .collect();
    names.sort_unstable();
    names
}

/// Compares a recomputed result with an example's `expected` value: numbers within the absolute
/// `tolerance`, arrays elementwise (same length, recursively), booleans exactly. Returns a message
/// locating the first difference, e.g. `at [1][0]: expected 2.3, got 2.4 (off by 0.1, tolerance 1e-9)`.
pub fn matches(expected: &Value, actual: &Value, tolerance: f64) -> Result<(), String> {
    compare(expected, actual, tolerance, &mut String::new())
}

fn compare(
    expected: &Value,
    actual: &Value,
    tolerance: f64,
    at: &mut String,
) -> Result<(), String> {
    let place = |at: &str| {
        if at.is_empty() {
            String::new()
        } else {
            format!("at {at}: ")
        }
    };
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (number(e), number(a));
            let off = (e - a).abs();
            if off.is_nan() || off > tolerance {
                return Err(format!(
                    "{}expected {e}, got {a} (off by {off:e}, tolerance {tolerance:e})",
                    place(at)
                ));
            }
            Ok(())
        }
        (Value::Bool(e), Value::Bool(a)) => {
            if e != a {
                return Err(format!("{}expected {e}, got {a}", place(at)));
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{}expected {} elements, got {}: expected {expected}, got {actual}",
                    place(at),
                    e.len(),
                    a.len()
                ));
            }
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                let len = at.len();
                at.push_str(&format!("[{i}]"));
                compare(e, a, tolerance, at)?;
                at.truncate(len);
            }
            Ok(())
        }
        _ => Err(format!(
            "{}expected {expected}, got {actual}: {} against {}",
            place(at),
            kind(expected),
            kind(actual)
        )),
    }
}

fn number(n: &serde_json::Number) -> f64 {
    // Every JSON number converts to f64 (large integers lose precision, as the tolerance allows).
    n.as_f64().unwrap_or(f64::NAN)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn all_finite(value: &Value) -> bool {
    match value {
        Value::Number(n) => number(n).is_finite(),
        Value::Bool(_) => true,
        Value::Array(items) => items.iter().all(all_finite),
        // Non-finite floats become null when converted to JSON.
        _ => false,
    }
}

/// Evaluates `formula` on JSON `inputs` and asserts the result matches `expected` within `1e-9`.
#[cfg(test)]
pub(crate) fn check(formula: &str, inputs: Value, expected: Value) {
    let Value::Object(map) = inputs else {
        panic!("test inputs must be a JSON object");
    };
    let got = evaluate(formula, &map).unwrap_or_else(|e| panic!("{e}"));
    if let Err(why) = matches(&expected, &got, 1e-9) {
        panic!("{formula}: {why}");
    }
}

/// Evaluates `formula` on JSON `inputs` and returns the error it must fail with.
#[cfg(test)]
pub(crate) fn check_err(formula: &str, inputs: Value) -> Error {
    let Value::Object(map) = inputs else {
        panic!("test inputs must be a JSON object");
    };
    match evaluate(formula, &map) {
        Ok(v) => panic!("{formula} should fail, but gave {v}"),
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_each_lookup_finds_its_own_table() {
        let mut seen = HashSet::new();
        for category in CATEGORIES {
            for (name, _) in category.formulas {
                assert!(seen.insert(*name), "formula `{name}` is defined twice");
                assert!(
                    lookup(name).is_some(),
                    "`{name}` is in a table but not found"
                );
            }
        }
        assert_eq!(known().len(), seen.len());
    }

    #[test]
    fn unknown_formula_is_named() {
        let err = check_err("no_such_formula", json!({}));
        assert!(err.to_string().contains("`no_such_formula`"), "{err}");
    }

    #[test]
    fn missing_and_malformed_inputs_name_formula_and_input() {
        let err = check_err("softmax", json!({}));
        assert_eq!(
            err,
            Error::MissingInput {
                formula: "softmax".into(),
                input: "logits".into(),
                wanted: "an array of numbers".into()
            }
        );
        let err = check_err("softmax", json!({ "logits": "high" }));
        let text = err.to_string();
        assert!(
            text.contains("`softmax`") && text.contains("`logits`"),
            "{text}"
        );
    }

    #[test]
    fn unread_inputs_are_reported() {
        let err = check_err("softmax", json!({ "logits": [1.0], "temprature": 2.0 }));
        let text = err.to_string();
        assert!(
            text.contains("`temprature`") && text.contains("logits"),
            "{text}"
        );
    }

    #[test]
    fn non_finite_results_are_errors() {
        let err = check_err("perplexity", json!({ "token_probs": [0.0] }));
        assert!(matches!(err, Error::Invalid { .. }), "{err}");
    }

    #[test]
    fn matches_compares_numbers_arrays_and_booleans() {
        assert!(matches(&json!(1.0), &json!(1.0 + 1e-10), 1e-9).is_ok());
        assert!(matches(&json!(1), &json!(1.0), 0.0).is_ok());
        assert!(matches(&json!([[1.0], [2.0]]), &json!([[1.0], [2.0]]), 0.0).is_ok());
        assert!(matches(&json!([true, false]), &json!([true, false]), 0.0).is_ok());

        let why = matches(&json!([[1.0], [2.0]]), &json!([[1.0], [2.5]]), 1e-9).unwrap_err();
        assert!(why.starts_with("at [1][0]: expected 2, got 2.5"), "{why}");
        assert!(matches(&json!([1.0, 2.0]), &json!([1.0]), 1.0).is_err());
        assert!(matches(&json!(true), &json!(false), 1.0).is_err());
        assert!(matches(&json!(true), &json!(1.0), 1.0).is_err());
        assert!(matches(&json!(1.0), &json!([1.0]), 1.0).is_err());
    }
}
