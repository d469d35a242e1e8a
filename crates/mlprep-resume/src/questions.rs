//! Targeted deep-dive questions from a resume, in the manner of the seed's targeted section.
//!
//! For each entry, a facet (`crates/mlprep-resume/data/facets.toml`) is asked only when the entry's own
//! text gives grounds for it: a cue word in a bullet, a technology of the required kind, or
//! (for the few `always` facets) the entry having at least two bullets. Each question quotes
//! the bullet it comes from, uses the entry's own name, technologies and numbers, and every
//! quantified claim gets its own "how did you measure this?" probe. An entry with three or more
//! bullets gets at least [`MIN_QUESTIONS`]; where the facets give fewer, the remaining bullets
//! are probed one by one ("Tell me more about ...").
//!
//! Targeted questions have no model answer: the answer is the candidate's own. Their rubric is
//! the facet's key points: what a strong answer to that kind of question contains.

use std::sync::LazyLock;

use mlprep_core::{KeyPoint, Kind, Origin, Question, Target};
use serde::{Deserialize, Serialize};

use crate::claims::ClaimKind;
use crate::taxonomy::{self, Tech};
use crate::{Entry, EntryKind, Resume, SectionKind};

/// The category id of questions generated from the resume: their own practice deck.
pub const CATEGORY: &str = "resume";

/// The fewest questions for an entry with three or more bullets.
pub const MIN_QUESTIONS: usize = 8;

/// The most questions from cue-grounded facets for one entry (claims, the choice of
/// technology and the always-asked facets come on top).
const MAX_FACET_QUESTIONS: usize = 12;

/// The facets asked about open-source, teaching and writing items.
const COMMUNITY_FACETS: &[&str] = &[
    "open-source",
    "documentation",
    "teaching",
    "writing",
    "impact",
];

/// The most bank questions linked to one entry.
const MAX_LINKED: usize = 6;

const FACETS: &str = include_str!("../data/facets.toml");

/// One facet of the facet file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facet {
    /// Stable id, e.g. `latency`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Cue words or symbols.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Technology kinds one of which the entry must name.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Technologies one of which the entry must name.
    #[serde(default)]
    pub requires_tech: Vec<String>,
    /// Asked of every entry with two or more bullets.
    #[serde(default)]
    pub always: bool,
    /// Question templates, first usable wins.
    pub templates: Vec<String>,
    /// What a strong answer covers.
    pub guidance: String,
    /// The rubric.
    pub key_points: Vec<String>,
    /// Common mistakes.
    pub mistakes: Vec<String>,
    /// Follow-up questions.
    pub follow_ups: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct FacetFile {
    facet: Vec<Facet>,
}

/// The facets, in file order.
pub fn facets() -> &'static [Facet] {
    static PARSED: LazyLock<Vec<Facet>> = LazyLock::new(|| {
        toml::from_str::<FacetFile>(FACETS)
            .expect("the built-in facet file is valid")
            .facet
    });
    &PARSED
}

fn facet(id: &str) -> &'static Facet {
    facets()
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("facet `{id}` is in facets.toml"))
}

/// A generated question with what it cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targeted {
    /// The question, ready for practice and grading.
    pub question: Question,
    /// The entry it is about.
    pub entry: String,
    /// The resume words it cites.
    pub cites: String,
}

/// The questions for one entry, and the bank questions its technologies make likely.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryQuestions {
    /// The entry's id.
    pub entry: String,
    /// The entry's display name.
    pub name: String,
    /// The section heading it is under.
    pub section: String,
    /// The targeted questions.
    pub questions: Vec<Targeted>,
    /// Ids of bank questions the entry's technologies make likely, most relevant first.
    pub likely: Vec<String>,
}

/// Generates targeted questions for every entry of the resume. `bank` is used only to link
/// likely bank questions by tag.
pub fn generate(resume: &Resume, bank: &[Question]) -> Vec<EntryQuestions> {
    groups(resume, bank, true)
}

/// Every entry with its likely bank questions but no targeted questions: for showing questions
/// generated earlier (and stored) under their entries.
pub fn outline(resume: &Resume, bank: &[Question]) -> Vec<EntryQuestions> {
    groups(resume, bank, false)
}

fn groups(resume: &Resume, bank: &[Question], with_questions: bool) -> Vec<EntryQuestions> {
    let taxonomy = taxonomy::builtin();
    resume
        .entries()
        .map(|(section, entry)| {
            let techs: Vec<&Tech> = entry
                .technologies
                .iter()
                .filter_map(|name| taxonomy.get(name))
                .collect();
            EntryQuestions {
                entry: entry.id.clone(),
                name: entry.display_name(),
                section: section.heading.clone(),
                questions: if with_questions {
                    for_entry(entry, section.kind, &techs)
                } else {
                    Vec::new()
                },
                likely: likely(&techs, bank),
            }
        })
        .collect()
}

/// How many of the cues occur in the text: whole words or phrases, case-insensitive; a cue
/// ending in `*` matches any word ending; a cue starting with a symbol (`→`) matches anywhere.
pub fn cue_hits<S: AsRef<str>>(text: &str, cues: &[S]) -> usize {
    let lower = text.to_lowercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    cues.iter()
        .filter(|cue| {
            let cue = cue.as_ref().to_lowercase();
            let (cue, prefix) = match cue.strip_suffix('*') {
                Some(stem) => (stem.to_string(), true),
                None => (cue, false),
            };
            let symbolic = !cue.chars().next().is_some_and(char::is_alphanumeric);
            lower.match_indices(cue.as_str()).any(|(i, m)| {
                symbolic
                    || (!word(lower[..i].chars().last())
                        && (prefix || !word(lower[i + m.len()..].chars().next())))
            })
        })
        .count()
}

/// The clauses of a bullet, split at `; ` outside parentheses.
fn clauses(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ';' if depth <= 0 => {
                out.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim());
    out.into_iter().filter(|c| !c.is_empty()).collect()
}

/// The most words a quote in a question carries: enough to recognize the line, short enough
/// that the question stays a question.
const QUOTE_WORDS: usize = 14;

/// A short quote: the bullet, or its clause with the most cues, cut to a window of
/// [`QUOTE_WORDS`] words around the first cue.
fn quote(bullet: &str, cues: &[String]) -> String {
    let trimmed = bullet.trim().trim_end_matches('.');
    let parts = clauses(trimmed);
    let best = parts
        .iter()
        .copied()
        .max_by(|a, b| {
            cue_hits(a, cues)
                .cmp(&cue_hits(b, cues))
                .then(b.len().cmp(&a.len()))
        })
        .unwrap_or(trimmed);
    let words: Vec<&str> = best.split_whitespace().collect();
    if words.len() <= QUOTE_WORDS {
        return best.to_string();
    }
    let first_cue = words
        .iter()
        .position(|w| cue_hits(w, cues) > 0)
        .unwrap_or(0);
    let start = first_cue.saturating_sub(4).min(words.len() - QUOTE_WORDS);
    let end = start + QUOTE_WORDS;
    let mut out = String::new();
    if start > 0 {
        out.push_str("... ");
    }
    out.push_str(&words[start..end].join(" "));
    if end < words.len() {
        out.push_str(" ...");
    }
    out
}

/// The stages of an `A → B → C` bullet.
fn pipeline(entry: &Entry) -> Option<String> {
    entry.bullets.iter().find_map(|b| {
        let arrow = if b.contains('→') {
            "→"
        } else if b.contains("->") {
            "->"
        } else {
            return None;
        };
        let after_colon = b.split_once(": ").map(|(_, r)| r).unwrap_or(b);
        let stages: Vec<String> = after_colon
            .split(arrow)
            .map(|s| {
                let s = s
                    .split([',', ';'])
                    .next()
                    .unwrap_or(s)
                    .trim()
                    .trim_end_matches('.');
                // Keep short stage names; drop parentheticals.
                let s = s.split(" (").next().unwrap_or(s).trim();
                s.split_whitespace().take(4).collect::<Vec<_>>().join(" ")
            })
            .filter(|s| !s.is_empty())
            .collect();
        (stages.len() >= 3).then(|| stages.join(" → "))
    })
}

/// The words the entry uses for a technology (`bge-small` rather than the taxonomy's family
/// name), falling back to the taxonomy name.
fn surface(entry: &Entry, tech: &Tech) -> String {
    taxonomy::builtin()
        .find_with_text(&entry.full_text())
        .into_iter()
        .find(|(t, _)| t.name == tech.name)
        .map(|(_, text)| text)
        // `Fine-tuned` names a technique by a verb; the taxonomy's noun reads better.
        .filter(|text| {
            let lower = text.to_lowercase();
            !(lower.ends_with("ed") || lower.ends_with("ing"))
        })
        .unwrap_or_else(|| tech.name.clone())
}

/// The field of an entry, for the regulation facet.
fn domain(entry: &Entry) -> Option<&'static str> {
    const MEDICAL: &[&str] = &[
        "clinic*",
        "medical",
        "patient*",
        "diagnos*",
        "screening",
        "retinopathy",
        "healthcare",
        "hospital*",
        "radiolog*",
        "fda",
    ];
    const FINANCIAL: &[&str] = &[
        "fraud",
        "payment*",
        "credit",
        "lending",
        "loan*",
        "banking",
        "insurance",
        "kyc",
        "aml",
        "anti-money",
    ];
    let text = entry.full_text();
    let (medical, financial) = (cue_hits(&text, MEDICAL), cue_hits(&text, FINANCIAL));
    match medical.cmp(&financial) {
        std::cmp::Ordering::Greater => Some("medical screening"),
        std::cmp::Ordering::Less => Some("financial"),
        std::cmp::Ordering::Equal => None,
    }
}

struct Context<'a> {
    entry: &'a Entry,
    techs: &'a [&'a Tech],
    name: String,
}

impl Context<'_> {
    /// Fills a template; `None` when a placeholder it uses is unknown.
    fn fill(&self, template: &str, quote: Option<&str>, tech: Option<&Tech>) -> Option<String> {
        let mut out = template.replace("{name}", &self.name);
        if out.contains("{quote}") {
            out = out.replace("{quote}", quote?);
        }
        if out.contains("{pipeline}") {
            out = out.replace("{pipeline}", &pipeline(self.entry)?);
        }
        if out.contains("{tech}") {
            out = out.replace("{tech}", &surface(self.entry, tech?));
        }
        if out.contains("{domain}") {
            out = out.replace("{domain}", domain(self.entry)?);
        }
        if out.contains("{model_word}") {
            let word = if self.entry.full_text().contains("LLM") {
                "LLM"
            } else {
                "model"
            };
            out = out.replace("{model_word}", word);
        }
        if out.contains("{domain_metrics}") {
            let adjective = match domain(self.entry)? {
                "medical screening" => "clinical",
                _ => "business",
            };
            out = out.replace("{domain_metrics}", adjective);
        }
        if out.contains("{alt}") {
            out = out.replace("{alt}", tech?.alternatives.as_deref()?);
        }
        Some(out)
    }
}

fn for_entry(entry: &Entry, section: SectionKind, techs: &[&Tech]) -> Vec<Targeted> {
    let context = Context {
        entry,
        techs,
        name: entry.display_name(),
    };
    let mut out: Vec<Targeted> = Vec::new();
    let mut cited_bullets: Vec<usize> = Vec::new();
    let multi = entry.bullets.len() >= 2;
    let mut facet_count = 0;

    // Facets with grounds in the text, in file order (claims, detail and the choice of
    // technology are handled below).
    for facet in facets() {
        if matches!(facet.id.as_str(), "claim" | "detail" | "evidence") {
            continue;
        }
        if facet.always {
            continue;
        }
        if !facet.requires.is_empty()
            && !context
                .techs
                .iter()
                .any(|t| facet.requires.contains(&t.kind))
        {
            continue;
        }
        if !facet.requires_tech.is_empty()
            && !context
                .techs
                .iter()
                .any(|t| facet.requires_tech.contains(&t.name))
        {
            continue;
        }
        if facet.id == "regulation" && domain(entry).is_none() {
            continue;
        }
        if section == SectionKind::Community && !COMMUNITY_FACETS.contains(&facet.id.as_str()) {
            continue;
        }
        if facet_count >= MAX_FACET_QUESTIONS {
            break;
        }
        let best = entry
            .bullets
            .iter()
            .enumerate()
            .map(|(i, b)| (i, cue_hits(b, &facet.cues)))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((bullet, hits)) = best else { continue };
        let grounded = if facet.cues.is_empty() {
            true
        } else {
            hits > 0
        };
        if !grounded {
            continue;
        }
        let ui = context.techs.iter().find(|t| t.kind == "ui").copied();
        let cited = quote(&entry.bullets[bullet], &facet.cues);
        let prompt = facet
            .templates
            .iter()
            .find_map(|t| context.fill(t, Some(&cited), ui));
        let Some(prompt) = prompt else { continue };
        cited_bullets.push(bullet);
        facet_count += 1;
        out.push(make(entry, facet, &facet.id, prompt, cited, techs));
    }

    // Why this technology over the alternatives: the two most specific ones.
    let mut choices: Vec<&Tech> = techs
        .iter()
        .copied()
        .filter(|t| {
            t.alternatives.is_some()
                && section != SectionKind::Community
                && matches!(
                    t.kind.as_str(),
                    "model" | "technique" | "data-store" | "infra" | "framework"
                )
        })
        .collect();
    let rank = |t: &Tech| match t.kind.as_str() {
        "model" => 0,
        "technique" => 1,
        "data-store" => 2,
        "framework" => 3,
        _ => 4,
    };
    choices.sort_by_key(|t| rank(t));
    // A framework is worth a "why" only when nothing more specific is named.
    if choices.iter().any(|t| rank(t) < 3) {
        choices.retain(|t| rank(t) < 3 || t.kind == "infra");
    }
    for tech in choices.into_iter().take(2) {
        let bullet = entry
            .bullets
            .iter()
            .position(|b| {
                !taxonomy::builtin()
                    .find(b)
                    .into_iter()
                    .all(|t| t.name != tech.name)
            })
            .unwrap_or(0);
        let cited = quote(&entry.bullets[bullet], &tech.aliases);
        let alternatives = tech.alternatives.as_deref().unwrap_or_default();
        let prompt = format!(
            "Why {} for {} over {alternatives} — performance versus complexity?",
            surface(entry, tech),
            context.name
        );
        let id = format!("choice-{}", crate::parse::slug(&tech.name));
        out.push(make(entry, facet_choice(), &id, prompt, cited, techs));
    }

    // Every quantified claim gets a "how did you measure this?" probe.
    for claim in &entry.claims {
        let how = match claim.kind {
            ClaimKind::Latency => "how was that measured, and what dominated it?",
            ClaimKind::Time => "how was that measured, and what drove the change?",
            ClaimKind::Money => {
                "how did you measure this, and how did you separate the model's effect from everything else?"
            }
            ClaimKind::Rate => "how did you measure this, and against what baseline?",
            ClaimKind::Metric => {
                "how did you measure this — on what data, and against what baseline?"
            }
            ClaimKind::Speedup => {
                "how did you measure this (inputs, setup, baseline), and where did the speed-up come from?"
            }
            ClaimKind::Scale => "how did you measure this, and what did it take to get there?",
        };
        let prompt = format!("You report \"{}\" in {} — {how}", claim.text, context.name);
        out.push(make(
            entry,
            facet("claim"),
            &format!("claim-{}", words_slug(&claim.text)),
            prompt,
            claim.text.clone(),
            techs,
        ));
        cited_bullets.push(claim.bullet);
    }

    // The few questions any substantial entry deserves.
    if multi && section != SectionKind::Community {
        for facet in facets().iter().filter(|f| f.always) {
            let Some(prompt) = facet
                .templates
                .iter()
                .find_map(|t| context.fill(t, None, None))
            else {
                continue;
            };
            out.push(make(
                entry,
                facet,
                &facet.id,
                prompt,
                entry.heading.clone(),
                techs,
            ));
        }
    }

    // Probe bullets one by one, uncited ones first, until the entry has enough questions.
    let target = if entry.bullets.len() >= 3 {
        MIN_QUESTIONS
    } else {
        0
    };
    let detail = facet("detail");
    let order = (0..entry.bullets.len())
        .filter(|i| !cited_bullets.contains(i))
        .chain((0..entry.bullets.len()).filter(|i| cited_bullets.contains(i)));
    let order: Vec<usize> = order.collect();
    // A second pass asks how each line's result was known, so an entry of three or more
    // bullets reaches the minimum even when its text has no cue at all.
    let evidence = facet("evidence");
    for probe in [detail, evidence] {
        for &i in &order {
            if out.len() >= target {
                break;
            }
            let cited = quote(&entry.bullets[i], &[]);
            if let Some(prompt) = probe
                .templates
                .iter()
                .find_map(|t| context.fill(t, Some(&cited), None))
            {
                let id = format!("{}-{}", probe.id, words_slug(&entry.bullets[i]));
                out.push(make(entry, probe, &id, prompt, cited, techs));
            }
        }
    }
    // A one-line entry still gets one question about what it says.
    if out.is_empty()
        && let Some(bullet) = entry.bullets.first()
    {
        let cited = quote(bullet, &[]);
        if let Some(prompt) = detail
            .templates
            .iter()
            .find_map(|t| context.fill(t, Some(&cited), None))
        {
            let id = format!("detail-{}", words_slug(bullet));
            out.push(make(entry, detail, &id, prompt, cited, techs));
        }
    }
    // Ids come from the words they cite, so they survive edits elsewhere in the resume; two
    // questions citing alike get a suffix.
    let mut seen: Vec<String> = Vec::new();
    for t in &mut out {
        let base = t.question.id.clone();
        let mut id = base.clone();
        let mut n = 2;
        while seen.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        seen.push(id.clone());
        t.question.id = id;
    }
    out
}

/// A short slug of the first words of a text, for question ids.
fn words_slug(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(5).collect();
    crate::parse::slug(&words.join(" "))
}

/// The rubric for "why this technology": the facet file has no `choice` entry because the
/// question is built per technology.
fn facet_choice() -> &'static Facet {
    static CHOICE: LazyLock<Facet> = LazyLock::new(|| {
        Facet {
        id: "choice".into(),
        title: "Why this choice".into(),
        cues: Vec::new(),
        requires: Vec::new(),
        requires_tech: Vec::new(),
        always: false,
        templates: Vec::new(),
        guidance: "Name the alternatives you considered, the criteria (quality, latency, memory, cost, team skills, maturity), the evidence you had for each (a benchmark, a prototype, published results), and the compromises you accepted with the choice.".into(),
        key_points: vec![
            "The answer names the alternatives that were considered.".into(),
            "The answer states the criteria for the choice, such as accuracy, latency, memory or cost.".into(),
            "The answer gives evidence for the choice, such as a benchmark or prototype comparison.".into(),
            "The answer names the compromises or risks accepted with the choice.".into(),
        ],
        mistakes: vec!["Saying it is the state of the art without comparing on your own data.".into()],
        follow_ups: vec!["What result would have made you pick the alternative?".into()],
    }
    });
    &CHOICE
}

fn make(
    entry: &Entry,
    facet: &Facet,
    id: &str,
    prompt: String,
    cites: String,
    techs: &[&Tech],
) -> Targeted {
    let mut tags: Vec<String> = vec![facet.id.clone()];
    for tech in techs {
        for tag in &tech.tags {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
    }
    let group = {
        let name = entry.display_name();
        let mut chars = name.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => name,
        }
    };
    let question = Question {
        id: format!("{CATEGORY}/{}-{id}", entry.id),
        category: CATEGORY.to_string(),
        kind: Kind::Targeted,
        origin: Origin::Resume,
        prompt,
        difficulty: match entry.kind {
            EntryKind::Item => 1,
            _ => 2,
        },
        tags,
        tracks: Vec::new(),
        answer: String::new(),
        key_points: facet
            .key_points
            .iter()
            .map(|text| KeyPoint {
                text: text.clone(),
                weight: 1.0,
            })
            .collect(),
        mistakes: facet.mistakes.clone(),
        follow_ups: facet.follow_ups.clone(),
        formulas: Vec::new(),
        related: Vec::new(),
        examples: Vec::new(),
        solutions: Vec::new(),
        star: None,
        target: Some(Target {
            group,
            facet: facet.id.clone(),
            guidance: format!("From your resume: \"{cites}\"\n\n{}", facet.guidance),
        }),
    };
    Targeted {
        question,
        entry: entry.id.clone(),
        cites,
    }
}

/// Bank questions the technologies make likely: those sharing the most tags, seed questions
/// first among equals.
fn likely(techs: &[&Tech], bank: &[Question]) -> Vec<String> {
    let tags: Vec<&str> = techs
        .iter()
        .flat_map(|t| t.tags.iter().map(String::as_str))
        .collect();
    if tags.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, bool, usize, &Question)> = bank
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind == Kind::Technical)
        .map(|(i, q)| {
            let shared = q.tags.iter().filter(|t| tags.contains(&t.as_str())).count();
            (shared, q.origin == Origin::Seed, i, q)
        })
        .filter(|(shared, ..)| *shared > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    // Spread the picks across technologies: at most two per technology's first tag.
    let mut picked: Vec<String> = Vec::new();
    for tech in techs {
        let best = scored
            .iter()
            .filter(|(_, _, _, q)| q.tags.iter().any(|t| tech.tags.contains(t)))
            .map(|(_, _, _, q)| q.id.clone())
            .filter(|id| !picked.contains(id))
            .take(2)
            .collect::<Vec<_>>();
        picked.extend(best);
    }
    picked.truncate(MAX_LINKED);
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_parse_and_have_rubrics() {
        assert!(facets().len() >= 20);
        for facet in facets() {
            assert!(facet.key_points.len() >= 3, "{}", facet.id);
            assert!(!facet.templates.is_empty(), "{}", facet.id);
        }
        assert!(facet_choice().key_points.len() >= 3);
    }
}
