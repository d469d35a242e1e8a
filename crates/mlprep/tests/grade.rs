//! Grading with the real embedding model: degenerate answers score near zero, a correct answer
//! in other words scores high, every piece of evidence is the user's own words, the STAR coach
//! reads behavioral answers, and without the model grading says it is lexical.

mod common;

use common::{Mlprep, model_dir};
use serde_json::Value;

const QUESTION: &str = "fundamentals/softmax-stability";

fn grade(m: &Mlprep, question: &str, answer: &str) -> Value {
    let dir = model_dir();
    let out = m.run(&[
        "--model-dir",
        dir.to_str().unwrap(),
        "grade",
        "-q",
        question,
        "--answer",
        answer,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn score(v: &Value) -> f64 {
    v["grade"]["score"].as_f64().unwrap()
}

#[test]
fn degenerate_answers_score_near_zero() {
    let m = Mlprep::new();
    let prompt =
        "What is softmax? Why can naive softmax be numerically unstable and how to fix it?";
    let cases = [
        ("empty", "   "),
        ("dont-know", "I don't know, sorry."),
        (
            "off-topic",
            "To make a good risotto, toast the rice in butter, add warm stock one ladle at a time and stir \
             until it is creamy. Finish with parmesan and let it rest for two minutes before serving.",
        ),
        ("copied", prompt),
        (
            "keywords",
            "softmax, logits, exponential, overflow, subtract max, log-sum-exp, NaN",
        ),
    ];
    for (name, answer) in cases {
        let v = grade(&m, QUESTION, answer);
        assert!(score(&v) < 0.15, "{name} scored {}: {v:#}", score(&v));
        assert_eq!(v["grade"]["method"], "model");
        assert_eq!(v["suggested_rating"], "again", "{name}");
    }
}

#[test]
fn a_correct_answer_in_other_words_scores_high_with_its_own_words_as_evidence() {
    let m = Mlprep::new();
    let answer = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/answers/softmax-typical.txt"
    ))
    .unwrap();
    let v = grade(&m, QUESTION, &answer);
    assert!(score(&v) > 0.7, "scored {}: {v:#}", score(&v));
    let points = v["grade"]["points"].as_array().unwrap();
    assert!(
        points.iter().filter(|p| p["status"] == "covered").count() >= 3,
        "{v:#}"
    );
    for p in points {
        if p["status"] != "missed" {
            let quote = p["evidence"]["quote"]
                .as_str()
                .expect("covered and partial points quote evidence");
            assert!(
                answer.contains(quote),
                "evidence is not the answer's words: {quote:?}"
            );
            let span = &p["evidence"]["span"];
            let (a, b) = (
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            );
            assert_eq!(&answer[a..b], quote);
        }
    }
}

#[test]
fn a_partial_answer_scores_below_a_full_one_and_names_what_it_lacks() {
    let m = Mlprep::new();
    let full = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/answers/softmax-typical.txt"
    ))
    .unwrap();
    let partial = "Softmax exponentiates each logit and normalizes by the sum so the outputs form a probability distribution.";
    let full_score = score(&grade(&m, QUESTION, &full));
    let v = grade(&m, QUESTION, partial);
    let s = score(&v);
    assert!(
        s > 0.1 && s < full_score - 0.2,
        "a one-point answer scored {s} against {full_score} for a full one: {v:#}"
    );
    let points = v["grade"]["points"].as_array().unwrap();
    assert_eq!(points[0]["status"], "covered", "{v:#}");
    assert!(points.iter().any(|p| p["status"] != "covered"), "{v:#}");
}

#[test]
fn behavioral_answers_get_star_coaching() {
    let m = Mlprep::new();
    let answer = "At my last company our fraud model flooded six analysts with false alerts. My task was to cut false \
        alerts before the holiday peak without losing recall. I analyzed three months of alerts, I built a merchant-age \
        feature, and I ran a two-week shadow test with the analysts. As a result false alerts dropped by 38% and recall \
        stayed at 0.91.";
    let v = grade(&m, "behavioral/challenging-technical-problem", answer);
    let star = &v["star"];
    assert!(star.is_object(), "{v:#}");
    let parts = star["parts"].as_array().unwrap();
    assert!(
        parts
            .iter()
            .all(|p| !p["sentences"].as_array().unwrap().is_empty()),
        "{star:#}"
    );
    assert_eq!(star["quantified_result"], true);
    assert!(star["speaking_seconds"].as_f64().unwrap() < 60.0);
}

#[test]
fn without_the_model_grading_is_lexical_and_says_so() {
    let m = Mlprep::new();
    let empty = tempfile::tempdir().unwrap();
    let answer = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/answers/softmax-typical.txt"
    ))
    .unwrap();
    let out = m.run(&[
        "--model-dir",
        empty.path().to_str().unwrap(),
        "grade",
        "-q",
        QUESTION,
        "--answer",
        &answer,
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("LEXICAL ONLY"), "{stdout}");
    assert!(stderr.contains("falls back to lexical scoring"), "{stderr}");
}

#[test]
fn practice_grades_a_typed_answer_and_enter_accepts_the_suggestion() {
    let m = Mlprep::new();
    let dir = model_dir();
    let answer = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/answers/softmax-typical.txt"
    ))
    .unwrap();
    // New questions come in bank order, as `list` shows it: skip the ones before softmax.
    let list = m.json(&["list", "--category", "fundamentals", "--json"]);
    let before = list
        .as_array()
        .unwrap()
        .iter()
        .position(|q| q["id"] == QUESTION)
        .unwrap();
    let input = format!(
        "{}{}\n\n\n:q\n",
        ":s\n".repeat(before),
        answer.replace('\n', " ")
    );
    let out = m.run_with(
        &[
            "--model-dir",
            dir.to_str().unwrap(),
            "practice",
            "--category",
            "fundamentals",
        ],
        &input,
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Score: ") && stdout.contains("your words: \""),
        "{stdout}"
    );
    let shown = m.json(&["show", QUESTION, "--json"]);
    let attempt = &shown["attempts"][0];
    assert!(
        attempt["rating"] == "good" || attempt["rating"] == "easy",
        "the suggestion was accepted: {shown:#}"
    );
}
