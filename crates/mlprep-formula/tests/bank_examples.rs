//! Recomputes every worked example in the built-in bank with `mlprep_formula::evaluate` and
//! fails with one line per mismatch or unknown formula. `scripts/check_examples.py` does the
//! same with an independent NumPy implementation.

use mlprep_bank::Bank;
use serde_json::{Value, json};

/// The number of worked examples in the bank when this test was written. Examples may be added,
/// never silently lost.
const EXAMPLES_AT_LEAST: usize = 79;

fn bank() -> Bank {
    let (bank, problems) = Bank::from_sources(&Bank::builtin_sources());
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.severity == mlprep_bank::Severity::Error)
        .map(|p| format!("{}:{:?}: {}", p.file, p.line, p.message))
        .collect();
    assert!(
        errors.is_empty(),
        "the built-in bank has errors:\n{}",
        errors.join("\n")
    );
    bank
}

#[test]
fn every_example_in_the_bank_recomputes() {
    let bank = bank();
    let known = mlprep_formula::known();
    let mut failures = Vec::new();
    let mut checked = 0;
    for question in &bank.questions {
        for (i, example) in question.examples.iter().enumerate() {
            checked += 1;
            let place = format!("{} example {} (`{}`)", question.id, i + 1, example.formula);
            if !known.contains(&example.formula.as_str()) {
                failures.push(format!("{place}: unknown formula `{}`", example.formula));
                continue;
            }
            match mlprep_formula::evaluate(&example.formula, &example.inputs) {
                Err(e) => failures.push(format!("{place}: {e}")),
                Ok(got) => {
                    if let Err(why) =
                        mlprep_formula::matches(&example.expected, &got, example.tolerance)
                    {
                        // For arrays, `why` locates the first difference; show both whole values.
                        let whole = if got.is_array() {
                            format!(" (expected {}, got {got})", example.expected)
                        } else {
                            String::new()
                        };
                        failures.push(format!("{place}: {why}{whole}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} worked examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= EXAMPLES_AT_LEAST,
        "the bank has {checked} worked examples, fewer than the {EXAMPLES_AT_LEAST} it had; \
         restore the lost ones"
    );
}

#[test]
fn the_stable_softmax_example_is_present_and_correct() {
    let bank = bank();
    let logits = json!([1000.0, 1001.0]);
    let example = bank
        .questions
        .iter()
        .flat_map(|q| &q.examples)
        .find(|e| e.formula == "softmax" && e.inputs.get("logits") == Some(&logits))
        .expect("the bank keeps a softmax example with logits [1000, 1001]");
    let got = mlprep_formula::evaluate("softmax", &example.inputs).expect("softmax evaluates");
    // 1 / (1 + e) and e / (1 + e): what a naive exp(1000) would turn into inf / inf = NaN.
    let e = std::f64::consts::E;
    let exact = json!([1.0 / (1.0 + e), e / (1.0 + e)]);
    mlprep_formula::matches(&exact, &got, 1e-15).expect("softmax matches the exact value");
    mlprep_formula::matches(&example.expected, &got, example.tolerance)
        .expect("the bank's expected value is right");
    assert!(matches!(got, Value::Array(ref v) if v.len() == 2));
}
