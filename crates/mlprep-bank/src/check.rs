//! The bank's validation rules: everything `mlprep bank check` reports.

use std::collections::{HashMap, HashSet};

use mlprep_core::{Kind, Question};

use crate::{Bank, Problem, latex, seed};

/// What to check beyond the bank's own consistency.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The seed document (path shown in reports, text), to check that every seed question is in
    /// the bank verbatim.
    pub seed: Option<(String, String)>,
}

/// Validates a parsed bank and returns every problem found, in file order.
pub fn check(bank: &Bank, options: &CheckOptions) -> Vec<Problem> {
    let mut problems = Vec::new();
    if bank.categories.is_empty() {
        problems.push(Problem::error(
            "categories.toml",
            None,
            "no categories defined; the bank needs a categories.toml listing its categories",
        ));
    }
    let ids: HashSet<&str> = bank.questions.iter().map(|q| q.id.as_str()).collect();
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    let mut prompts: HashMap<String, usize> = HashMap::new();
    for (i, q) in bank.questions.iter().enumerate() {
        let loc = &bank.locations[i];
        let mut report =
            |message: String| problems.push(Problem::error(&loc.file, Some(loc.line), message));
        if let Some(&first) = first_seen.get(q.id.as_str()) {
            let other = &bank.locations[first];
            report(format!(
                "duplicate id `{}` (first defined at {}:{}); give this question a new id",
                q.id, other.file, other.line
            ));
        } else {
            first_seen.insert(&q.id, i);
        }
        check_question(bank, q, &ids, &mut report);
        let key = normalized(&q.prompt);
        if !key.is_empty() {
            if let Some(&first) = prompts.get(&key) {
                let other = &bank.questions[first];
                // The seed repeats a few of its own questions across sections; those stay.
                if !(q.origin == mlprep_core::Origin::Seed
                    && other.origin == mlprep_core::Origin::Seed)
                {
                    report(format!(
                        "question `{}` asks the same as `{}`; remove one or make them ask different things",
                        q.id, other.id
                    ));
                }
            } else {
                prompts.insert(key, i);
            }
        }
    }
    for (i, q) in bank.questions.iter().enumerate() {
        let loc = &bank.locations[i];
        if let Some(star) = &q.star
            && !bank.competencies.contains(&star.competency)
        {
            problems.push(Problem::error(
                &loc.file,
                Some(loc.line),
                format!(
                    "question `{}` probes unknown competency `{}`; use one of: {}",
                    q.id,
                    star.competency,
                    bank.competencies.join(", ")
                ),
            ));
        }
    }
    problems.extend(near_duplicates(bank));
    for (i, q) in bank.questions.iter().enumerate() {
        let loc = &bank.locations[i];
        for point in &q.key_points {
            if names_a_topic(&point.text) {
                problems.push(Problem::warning(
                    &loc.file,
                    Some(loc.line),
                    format!(
                        "question `{}`: key point \"{}\" names a topic; state the claim a correct answer makes",
                        q.id, point.text
                    ),
                ));
            }
        }
    }
    if let Some((path, text)) = &options.seed {
        problems.extend(seed::compare(bank, text, path));
    }
    problems
}

/// Prompts whose content words overlap this much (Jaccard) ask nearly the same thing.
pub const NEAR_DUPLICATE_JACCARD: f64 = 0.6;

/// Warns about pairs of questions whose prompts share most of their content words. The seed's
/// own repetitions are left alone.
fn near_duplicates(bank: &Bank) -> Vec<Problem> {
    let sets: Vec<std::collections::HashSet<String>> = bank
        .questions
        .iter()
        .map(|q| content_words(&q.prompt))
        .collect();
    let mut out = Vec::new();
    for i in 0..sets.len() {
        for j in (i + 1)..sets.len() {
            let (a, b) = (&bank.questions[i], &bank.questions[j]);
            if a.origin == mlprep_core::Origin::Seed && b.origin == mlprep_core::Origin::Seed {
                continue;
            }
            if sets[i].len() < 3 || sets[j].len() < 3 {
                continue;
            }
            let union = sets[i].union(&sets[j]).count();
            let jaccard = sets[i].intersection(&sets[j]).count() as f64 / union as f64;
            if jaccard >= NEAR_DUPLICATE_JACCARD && normalized(&a.prompt) != normalized(&b.prompt) {
                let loc = &bank.locations[j];
                out.push(Problem::warning(
                    &loc.file,
                    Some(loc.line),
                    format!(
                        "question `{}` is close to `{}` (shared words {:.0}%); make sure they ask different things",
                        b.id,
                        a.id,
                        jaccard * 100.0
                    ),
                ));
            }
        }
    }
    out
}

/// Lower-case words of a prompt without function words, with a trailing plural `s` dropped.
fn content_words(text: &str) -> std::collections::HashSet<String> {
    const STOP: &[&str] = &[
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
        "in", "is", "it", "its", "of", "on", "or", "that", "the", "their", "them", "this", "to",
        "what", "when", "where", "which", "why", "with", "would", "you", "your",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .map(|w| {
            if w.len() > 3 {
                w.trim_end_matches('s').to_string()
            } else {
                w
            }
        })
        .collect()
}

/// Whether a key point is a bare topic ("numerical stability") rather than a claim: no formula,
/// and fewer than three words, or a short phrase (under six words) with no word that could carry
/// a predicate.
fn names_a_topic(point: &str) -> bool {
    let words: Vec<String> = point
        .split(|c: char| c.is_whitespace())
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    const LINKS: &[&str] = &[
        "is", "are", "was", "were", "be", "has", "have", "can", "cannot", "must", "should", "will",
        "would", "makes", "gives", "uses", "means", "needs", "to", "by", "so", "because", "if",
        "when", "than", "not",
    ];
    if point.contains(['=', '<', '>', '≈', '≤', '≥', '→']) {
        return false;
    }
    words.len() < 3
        || (words.len() < 6
            && !words
                .iter()
                .any(|w| LINKS.contains(&w.as_str()) || w.ends_with('s') || w.ends_with("ed")))
}

fn check_question(bank: &Bank, q: &Question, ids: &HashSet<&str>, report: &mut impl FnMut(String)) {
    let id = &q.id;
    match q.id.split_once('/') {
        Some((prefix, slug)) => {
            if prefix != q.category {
                report(format!(
                    "id `{id}` must start with its category `{}/`",
                    q.category
                ));
            }
            if slug.is_empty()
                || !slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                report(format!(
                    "id `{id}`: the slug may hold only a-z, 0-9 and `-`"
                ));
            }
        }
        None => report(format!("id `{id}` must be `category/slug`")),
    }
    match bank.category(&q.category) {
        None => report(format!(
            "question `{id}` names unknown category `{}`; use one of: {} (or add it to a categories.toml)",
            q.category,
            bank.categories
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Some(category) if category.kind != q.kind => report(format!(
            "question `{id}` is {} but category `{}` holds {} questions; fix `kind` or move it",
            q.kind, category.id, category.kind
        )),
        Some(_) => {}
    }
    if q.prompt.trim().is_empty() {
        report(format!(
            "question `{id}` has an empty prompt; write the question"
        ));
    }
    if !(1..=3).contains(&q.difficulty) {
        report(format!(
            "question `{id}` has difficulty {}; use 1, 2 or 3",
            q.difficulty
        ));
    }
    if q.tracks.is_empty() {
        report(format!(
            "question `{id}` has no `tracks`; list the roles it matters for (mle, cv, nlp, llm, research, ds)"
        ));
    }
    match q.kind {
        Kind::Technical | Kind::Behavioral => {
            if q.answer.trim().is_empty() {
                report(format!(
                    "question `{id}` has no answer; write a model answer in `answer`"
                ));
            }
        }
        Kind::Targeted => {
            if q.target
                .as_ref()
                .is_none_or(|t| t.guidance.trim().is_empty())
            {
                report(format!(
                    "targeted question `{id}` has no `guidance`; say what a strong answer covers"
                ));
            }
            if q.target
                .as_ref()
                .is_none_or(|t| t.group.trim().is_empty() || t.facet.trim().is_empty())
            {
                report(format!(
                    "targeted question `{id}` needs a `group` (the project) and a `facet`"
                ));
            }
        }
    }
    if q.kind == Kind::Behavioral && q.star.is_none() {
        report(format!(
            "behavioral question `{id}` has no [question.star] guidance; add it"
        ));
    }
    let n = q.key_points.len();
    if n < 3 {
        report(format!(
            "question `{id}` has {n} key point{}; add at least 3",
            if n == 1 { "" } else { "s" }
        ));
    } else if n > 7 {
        report(format!(
            "question `{id}` has {n} key points; keep at most 7 (merge or drop the weakest)"
        ));
    }
    for point in &q.key_points {
        if point.text.trim().is_empty() {
            report(format!("question `{id}` has an empty key point"));
        }
        if !(point.weight.is_finite() && point.weight > 0.0) {
            report(format!(
                "question `{id}`: key point weight {} must be a positive number",
                point.weight
            ));
        }
    }
    if q.follow_ups.is_empty() {
        report(format!(
            "question `{id}` has no follow-up questions; add at least one"
        ));
    }
    let texts = std::iter::once(("answer", q.answer.as_str()))
        .chain(q.key_points.iter().map(|k| ("key point", k.text.as_str())))
        .chain(q.mistakes.iter().map(|m| ("mistake", m.as_str())))
        .chain(q.follow_ups.iter().map(|m| ("follow-up", m.as_str())));
    for (what, text) in texts {
        if let Err(err) = latex::check_balanced(text) {
            report(format!("question `{id}`, {what}: {err}"));
        }
    }
    for formula in &q.formulas {
        if let Err(err) = latex::check_balanced(&format!("${formula}$")) {
            report(format!("question `{id}`, formula `{formula}`: {err}"));
        }
    }
    for related in &q.related {
        if !ids.contains(related.as_str()) {
            report(format!(
                "question `{id}` relates to unknown question `{related}`; fix the id or remove it"
            ));
        }
    }
    for example in &q.examples {
        if example.formula.trim().is_empty() {
            report(format!(
                "question `{id}` has a worked example without `formula`; name the formula it checks"
            ));
        }
        if !(example.tolerance.is_finite() && example.tolerance >= 0.0) {
            report(format!(
                "question `{id}`: worked example `{}` needs a tolerance of 0 or more",
                example.formula
            ));
        }
        if !is_numeric(&example.expected) {
            report(format!(
                "question `{id}`: worked example `{}` must have a number or an array of numbers as `expected`",
                example.formula
            ));
        }
    }
}

fn is_numeric(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => true,
        serde_json::Value::Array(items) => !items.is_empty() && items.iter().all(is_numeric),
        _ => false,
    }
}

/// A prompt reduced to lower-case words, to catch the same question asked twice.
fn normalized(prompt: &str) -> String {
    prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_told_apart_from_claims() {
        assert!(names_a_topic("numerical stability"));
        assert!(names_a_topic("The softmax function"));
        assert!(!names_a_topic(
            "Subtracting the maximum logit leaves the softmax unchanged."
        ));
        assert!(!names_a_topic(
            "Dropout zeroes units at random during training."
        ));
    }

    #[test]
    fn near_duplicate_prompts_share_most_content_words() {
        let a = content_words("What is gradient clipping and when is it used?");
        let b = content_words("When is gradient clipping used, and what is it?");
        assert_eq!(a, b);
    }
}
