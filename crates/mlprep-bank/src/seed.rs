//! The seed question list: reading it, and checking that the bank holds every one of its
//! questions verbatim in its seed category.
//!
//! The seed is a plain-text document: category headings, each followed by `- ` bullet
//! questions; under the targeted section, project-group headings. Its closing offers ("If you
//! want, I can now: …") and the page footer are not questions.

use std::collections::HashMap;

use mlprep_core::{Category, Origin};

use crate::{Bank, Problem};

/// One question of the seed document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SeedQuestion {
    /// The title of the seed category it stands under.
    pub section: String,
    /// The project group, for targeted questions.
    pub group: Option<String>,
    /// The question, with the seed's Markdown escape `\@` written `@`.
    pub prompt: String,
    /// 1-based line in the seed document.
    pub line: usize,
}

/// Reads the seed's questions. `categories` gives the section titles to recognise (the bank's
/// seed categories); a non-bullet line inside the targeted section that is followed by bullets
/// is a project group.
pub fn parse(text: &str, categories: &[Category]) -> Vec<SeedQuestion> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut section: Option<&Category> = None;
    let mut group: Option<String> = None;
    for (index, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        if line.starts_with("If you want, I can now") {
            break;
        }
        if let Some(prompt) = line.strip_prefix("- ") {
            if let Some(category) = section {
                out.push(SeedQuestion {
                    section: category.title.clone(),
                    group: group.clone(),
                    prompt: normalize(prompt),
                    line: index + 1,
                });
            }
            continue;
        }
        if let Some(category) = categories.iter().find(|c| c.seed && c.title == line) {
            section = Some(category);
            group = None;
            continue;
        }
        let next_is_bullet = lines
            .get(index + 1)
            .is_some_and(|l| l.trim_start().starts_with("- "));
        let in_targeted = section.is_some_and(|c| c.kind == mlprep_core::Kind::Targeted);
        if in_targeted && next_is_bullet && !line.is_empty() {
            group = Some(line.to_string());
        }
    }
    out
}

/// The seed's Markdown escapes removed: `precision\@k` is `precision@k`.
pub fn normalize(prompt: &str) -> String {
    prompt.trim().replace("\\@", "@")
}

/// Compares the bank with the seed: every seed question must be in the bank verbatim, in the
/// seed category (and group) it stands under, with origin `seed`; and every bank question of
/// origin `seed` must be in the seed. `seed_path` names the seed in reports.
pub fn compare(bank: &Bank, seed_text: &str, seed_path: &str) -> Vec<Problem> {
    let seed = parse(seed_text, &bank.categories);
    let mut problems = Vec::new();
    if seed.is_empty() {
        problems.push(Problem::error(
            seed_path,
            None,
            "no seed questions found: is this the seed question list, and does categories.toml hold its section titles?",
        ));
        return problems;
    }
    let mut by_prompt: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, q) in bank.questions.iter().enumerate() {
        by_prompt.entry(q.prompt.as_str()).or_default().push(i);
    }
    let mut matched = vec![false; bank.questions.len()];
    for sq in &seed {
        let found = by_prompt.get(sq.prompt.as_str()).and_then(|ids| {
            ids.iter().copied().find(|&i| {
                let q = &bank.questions[i];
                !matched[i] && bank.category_title(&q.category) == sq.section
            })
        });
        match found {
            Some(i) => {
                matched[i] = true;
                let q = &bank.questions[i];
                let loc = &bank.locations[i];
                if q.origin != Origin::Seed {
                    problems.push(Problem::error(
                        &loc.file,
                        Some(loc.line),
                        format!(
                            "question `{}` is from the seed; set `origin = \"seed\"`",
                            q.id
                        ),
                    ));
                }
                if let (Some(group), Some(target)) = (&sq.group, &q.target)
                    && &target.group != group
                {
                    problems.push(Problem::error(
                        &loc.file,
                        Some(loc.line),
                        format!(
                            "question `{}` stands under the seed group \"{}\"; set `group` to it",
                            q.id, group
                        ),
                    ));
                }
            }
            None => problems.push(missing(bank, sq, seed_path, &matched)),
        }
    }
    for (i, q) in bank.questions.iter().enumerate() {
        if q.origin == Origin::Seed && !matched[i] {
            let loc = &bank.locations[i];
            problems.push(Problem::error(
                &loc.file,
                Some(loc.line),
                format!(
                    "question `{}` says `origin = \"seed\"` but its prompt is not a seed question under \"{}\"; \
                     copy the seed's exact words, or set `origin = \"expansion\"`",
                    q.id,
                    bank.category_title(&q.category)
                ),
            ));
        }
    }
    problems
}

/// The report for a seed question the bank lacks: "altered" when a bank question in the same
/// category is close to it, "missing" otherwise.
fn missing(bank: &Bank, sq: &SeedQuestion, seed_path: &str, matched: &[bool]) -> Problem {
    let closest = bank
        .questions
        .iter()
        .enumerate()
        .filter(|(i, q)| !matched[*i] && bank.category_title(&q.category) == sq.section)
        .map(|(i, q)| (i, similarity(&q.prompt, &sq.prompt)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match closest {
        Some((i, score)) if score >= 0.5 => {
            let q = &bank.questions[i];
            let loc = &bank.locations[i];
            Problem::error(
                &loc.file,
                Some(loc.line),
                format!(
                    "seed question altered: `{}` reads \"{}\" but the seed ({}:{}) says \"{}\"; use the seed's exact words",
                    q.id, q.prompt, seed_path, sq.line, sq.prompt
                ),
            )
        }
        _ => Problem::error(
            seed_path,
            Some(sq.line),
            format!(
                "seed question missing from the bank: \"{}\" (category \"{}\"); add it with `origin = \"seed\"`",
                sq.prompt, sq.section
            ),
        ),
    }
}

/// Jaccard similarity of the lower-cased word sets of two texts.
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let words = |s: &str| -> std::collections::HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / a.union(&b).count() as f64
}
