//! The bank's file format as serde types, and their conversion into the domain model.
//!
//! Each `[[question]]` table is deserialized on its own, so one malformed question is reported
//! with its line while the rest of the file is still read.

use serde::Deserialize;
use toml::Spanned;

use mlprep_core::{
    Category, Example, KeyPoint, Kind, Origin, Question, Solution, Star, Target, Track,
};

use crate::{Bank, Location, Problem, SourceFile, line_of};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategoriesFile {
    #[serde(default)]
    competencies: Vec<String>,
    #[serde(default)]
    category: Vec<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: String,
    title: String,
    kind: Kind,
    #[serde(default)]
    seed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestionFile {
    #[serde(default)]
    question: Vec<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    category: Option<String>,
    kind: Option<Kind>,
    origin: Option<Origin>,
    prompt: String,
    difficulty: u8,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    tracks: Vec<Track>,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    key_points: Vec<RawKeyPoint>,
    #[serde(default)]
    mistakes: Vec<String>,
    #[serde(default)]
    follow_ups: Vec<String>,
    #[serde(default)]
    formulas: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    example: Vec<RawExample>,
    #[serde(default)]
    solution: Vec<Solution>,
    star: Option<RawStar>,
    group: Option<String>,
    facet: Option<String>,
    guidance: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawKeyPoint {
    Text(String),
    Weighted { text: String, weight: Option<f64> },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    formula: String,
    variant: Option<String>,
    inputs: toml::Table,
    expected: toml::Value,
    tolerance: f64,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStar {
    competency: String,
    situation: String,
    task: String,
    action: String,
    result: String,
    #[serde(default)]
    pitfalls: Vec<String>,
    #[serde(default)]
    example: String,
}

/// Reads a `categories.toml` into the bank, appending its categories and competencies.
pub(crate) fn read_categories(source: &SourceFile, bank: &mut Bank, problems: &mut Vec<Problem>) {
    let file: RawCategoriesFile = match toml::from_str(&source.text) {
        Ok(file) => file,
        Err(err) => {
            problems.push(toml_problem(source, &err));
            return;
        }
    };
    for competency in file.competencies {
        if !bank.competencies.contains(&competency) {
            bank.competencies.push(competency);
        }
    }
    for spanned in file.category {
        let line = line_of(&source.text, spanned.span().start);
        match spanned.into_inner().try_into::<RawCategory>() {
            Ok(raw) => {
                if bank.categories.iter().any(|c| c.id == raw.id) {
                    problems.push(Problem::error(
                        &source.path,
                        Some(line),
                        format!(
                            "category `{}` is defined twice; remove one definition",
                            raw.id
                        ),
                    ));
                    continue;
                }
                let order = bank.categories.len();
                bank.categories.push(Category {
                    id: raw.id,
                    title: raw.title,
                    kind: raw.kind,
                    seed: raw.seed,
                    order,
                });
            }
            Err(err) => problems.push(Problem::error(
                &source.path,
                Some(line),
                format!(
                    "malformed [[category]]: {}; a category needs `id`, `title` and `kind`",
                    clean(&err)
                ),
            )),
        }
    }
}

/// Reads a question file, appending each readable question with its location.
pub(crate) fn read_questions(
    source: &SourceFile,
    bank: &Bank,
    out: &mut Vec<(Question, Location)>,
    problems: &mut Vec<Problem>,
) {
    let file: RawQuestionFile = match toml::from_str(&source.text) {
        Ok(file) => file,
        Err(err) => {
            problems.push(toml_problem(source, &err));
            return;
        }
    };
    if file.question.is_empty() {
        problems.push(Problem::warning(
            &source.path,
            None,
            "file has no [[question]] tables",
        ));
    }
    for spanned in file.question {
        let line = line_of(&source.text, spanned.span().start);
        let raw = match spanned.into_inner().try_into::<RawQuestion>() {
            Ok(raw) => raw,
            Err(err) => {
                problems.push(Problem::error(
                    &source.path,
                    Some(line),
                    format!("malformed question: {}", clean(&err)),
                ));
                continue;
            }
        };
        let location = Location {
            file: source.path.clone(),
            line,
        };
        match convert(raw, bank) {
            Ok(question) => out.push((question, location)),
            Err(message) => problems.push(Problem::error(&source.path, Some(line), message)),
        }
    }
}

fn convert(raw: RawQuestion, bank: &Bank) -> Result<Question, String> {
    let category = match raw.category {
        Some(category) => category,
        None => match raw.id.split_once('/') {
            Some((prefix, _)) => prefix.to_string(),
            None => {
                return Err(format!(
                    "question id `{}` has no category prefix; write it as `category/slug`",
                    raw.id
                ));
            }
        },
    };
    let kind = raw
        .kind
        .or_else(|| bank.category(&category).map(|c| c.kind))
        .unwrap_or(Kind::Technical);
    let target = match (kind, raw.group, raw.facet, raw.guidance) {
        (Kind::Targeted, group, facet, guidance) => Some(Target {
            group: group.unwrap_or_default(),
            facet: facet.unwrap_or_default(),
            guidance: guidance.unwrap_or_default(),
        }),
        (_, None, None, None) => None,
        _ => {
            return Err(format!(
                "question `{}` has `group`, `facet` or `guidance`, which only targeted questions take; \
                 remove them or set `kind = \"targeted\"`",
                raw.id
            ));
        }
    };
    let examples = raw
        .example
        .into_iter()
        .map(|e| {
            Ok(Example {
                formula: e.formula,
                variant: e.variant,
                inputs: match to_json(toml::Value::Table(e.inputs))? {
                    serde_json::Value::Object(map) => map,
                    _ => unreachable!("a TOML table converts to a JSON object"),
                },
                expected: to_json(e.expected)?,
                tolerance: e.tolerance,
                note: e.note,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Question {
        id: raw.id,
        category,
        kind,
        origin: raw.origin.unwrap_or(Origin::User),
        prompt: raw.prompt,
        difficulty: raw.difficulty,
        tags: raw.tags,
        tracks: raw.tracks,
        answer: raw.answer.trim().to_string(),
        key_points: raw
            .key_points
            .into_iter()
            .map(|k| match k {
                RawKeyPoint::Text(text) => KeyPoint { text, weight: 1.0 },
                RawKeyPoint::Weighted { text, weight } => KeyPoint {
                    text,
                    weight: weight.unwrap_or(1.0),
                },
            })
            .collect(),
        mistakes: raw.mistakes,
        follow_ups: raw.follow_ups,
        formulas: raw.formulas,
        related: raw.related,
        examples,
        solutions: raw.solution,
        star: raw.star.map(|s| Star {
            competency: s.competency,
            situation: s.situation,
            task: s.task,
            action: s.action,
            result: s.result,
            pitfalls: s.pitfalls,
            example: s.example.trim().to_string(),
        }),
        target,
    })
}

fn to_json(value: toml::Value) -> Result<serde_json::Value, String> {
    serde_json::to_value(value)
        .map_err(|e| format!("worked example holds a value JSON cannot carry: {e}"))
}

fn toml_problem(source: &SourceFile, err: &toml::de::Error) -> Problem {
    let line = err.span().map(|span| line_of(&source.text, span.start));
    Problem::error(&source.path, line, format!("invalid TOML: {}", clean(err)))
}

/// A deserialization error's message on one line, without the source excerpt.
fn clean(err: &toml::de::Error) -> String {
    err.message().trim().replace('\n', " ")
}
