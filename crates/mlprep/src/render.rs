//! Plain-text rendering of questions for the terminal.

use std::fmt::Write as _;

use mlprep_bank::Bank;
use mlprep_core::{Kind, Question};

/// The question header: id, category, kind, difficulty and tags.
pub fn header(bank: &Bank, q: &Question) -> String {
    format!(
        "{} · {} · {} · difficulty {}{}",
        q.id,
        bank.category_title(&q.category),
        q.kind,
        q.difficulty,
        if q.tags.is_empty() {
            String::new()
        } else {
            format!(" · {}", q.tags.join(", "))
        }
    )
}

/// The reference part: model answer (or guidance), key points, mistakes, follow-ups, formulas,
/// worked examples and STAR guidance.
pub fn reference(q: &Question) -> String {
    let mut out = String::new();
    let title = if q.kind == Kind::Targeted {
        "What a strong answer covers"
    } else {
        "Model answer"
    };
    let _ = writeln!(out, "── {title} ──\n{}\n", q.reference_text().trim());
    let _ = writeln!(out, "── Key points ──");
    for (i, point) in q.key_points.iter().enumerate() {
        let weight = if (point.weight - 1.0).abs() > f64::EPSILON {
            format!(" (×{})", point.weight)
        } else {
            String::new()
        };
        let _ = writeln!(out, "{:>2}. {}{}", i + 1, point.text, weight);
    }
    if let Some(star) = &q.star {
        let _ = writeln!(out, "\n── STAR ({}) ──", star.competency);
        for (part, text) in [
            ("Situation", &star.situation),
            ("Task", &star.task),
            ("Action", &star.action),
            ("Result", &star.result),
        ] {
            let _ = writeln!(out, "{part}: {text}");
        }
        list(&mut out, "Pitfalls", &star.pitfalls);
        if !star.example.is_empty() {
            let _ = writeln!(out, "\n── Example answer ──\n{}", star.example);
        }
    }
    if !q.formulas.is_empty() {
        list(&mut out, "Formulas", &q.formulas);
    }
    for example in &q.examples {
        let _ = writeln!(
            out,
            "\nWorked example ({}{}): inputs {} → {}",
            example.formula,
            example
                .variant
                .as_deref()
                .map(|v| format!(", {v}"))
                .unwrap_or_default(),
            serde_json::Value::Object(example.inputs.clone()),
            example.expected
        );
        if let Some(note) = &example.note {
            let _ = writeln!(out, "  {note}");
        }
    }
    for solution in &q.solutions {
        let _ = writeln!(
            out,
            "\n── Reference solution ({}) ──\n{}",
            solution.language,
            solution.code.trim_end()
        );
    }
    list(&mut out, "Common mistakes", &q.mistakes);
    list(&mut out, "Follow-ups", &q.follow_ups);
    out
}

fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n── {title} ──");
    for item in items {
        let _ = writeln!(out, " - {item}");
    }
}
