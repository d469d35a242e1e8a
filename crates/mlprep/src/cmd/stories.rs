//! `mlprep stories`: the story bank of STAR answers. Each story is mapped to the competencies
//! it can answer; the report shows which competencies have no story yet and which story would
//! have to answer too many of the bank's behavioral questions.
//!
//! "Used for" is decided by spreading the bank's behavioral questions over the stories: each
//! question goes to the story, among those mapped to its competency, that has the fewest
//! questions so far. A story left with more than [`TOO_MANY`] needs a companion story.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mlprep_bank::Bank;
use mlprep_core::Kind;
use mlprep_store::Story;

use super::{print_json, truncate};
use crate::GlobalArgs;
use crate::app::App;
use crate::clock;

/// A story answering more behavioral questions than this is overused.
pub const TOO_MANY: usize = 4;

/// Arguments of `mlprep stories`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Add a story from a file (e.g. an edited `mlprep resume star` draft).
    Add {
        /// The story text (`-` for standard input).
        file: PathBuf,
        /// A competency it answers (repeatable), e.g. `ownership`; `mlprep stories` lists them.
        #[arg(long = "competency", short = 'c', value_name = "ID", required = true)]
        competencies: Vec<String>,
        /// A short title [default: the first line].
        #[arg(long)]
        title: Option<String>,
    },
    /// Remove a story by its id.
    Remove {
        /// The story id.
        id: i64,
    },
}

/// Runs `mlprep stories`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    let store = app.store()?;
    match args.command {
        Some(Command::Add {
            file,
            competencies,
            title,
        }) => {
            for c in &competencies {
                if !bank.competencies.contains(c) {
                    bail!(
                        "unknown competency `{c}`; use one of: {}",
                        bank.competencies.join(", ")
                    );
                }
            }
            let bytes = if file.as_os_str() == "-" {
                let mut bytes = Vec::new();
                let limit = mlprep_resume::read::MAX_BYTES as u64 + 1;
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(std::io::stdin(), limit),
                    &mut bytes,
                )?;
                bytes
            } else {
                super::resume::read_limited(&file)?
            };
            // Stories are read like resumes: UTF-8, UTF-16 or Windows-1252, up to 5 MB.
            let body = mlprep_resume::read::decode_text(&bytes)
                .with_context(|| format!("cannot read the story {}", file.display()))?;
            if body.trim().is_empty() {
                bail!(
                    "the story is empty; write it in STAR form (Situation, Task, Action, Result)"
                );
            }
            let title = title.unwrap_or_else(|| truncate(body.lines().next().unwrap_or(""), 60));
            let id = store.add_story(&title, &competencies, &body, None, clock::now()?)?;
            println!("Saved story #{id} for {}.", competencies.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Remove { id }) => {
            if !store.remove_story(id)? {
                bail!("no story #{id}; `mlprep stories` lists them");
            }
            println!("Removed story #{id}.");
            Ok(ExitCode::SUCCESS)
        }
        None => report(&bank, &store.stories()?, args.json),
    }
}

/// Which story answers which behavioral questions, and the competencies without one.
pub struct Coverage {
    /// Question ids assigned to each story id.
    pub used_for: BTreeMap<i64, Vec<String>>,
    /// Competencies no story answers.
    pub uncovered: Vec<String>,
}

/// Spreads the bank's behavioral questions over the stories (see the module docs).
pub fn coverage(bank: &Bank, stories: &[Story]) -> Coverage {
    let mut used_for: BTreeMap<i64, Vec<String>> =
        stories.iter().map(|s| (s.id, Vec::new())).collect();
    for q in bank.questions.iter().filter(|q| q.kind == Kind::Behavioral) {
        let Some(star) = &q.star else { continue };
        let best = stories
            .iter()
            .filter(|s| s.competencies.contains(&star.competency))
            .min_by_key(|s| used_for.get(&s.id).map_or(0, Vec::len));
        if let Some(story) = best {
            used_for.entry(story.id).or_default().push(q.id.clone());
        }
    }
    let uncovered = bank
        .competencies
        .iter()
        .filter(|c| !stories.iter().any(|s| s.competencies.contains(c)))
        .cloned()
        .collect();
    Coverage {
        used_for,
        uncovered,
    }
}

fn report(bank: &Bank, stories: &[Story], json: bool) -> Result<ExitCode> {
    let coverage = coverage(bank, stories);
    let overused: Vec<i64> = coverage
        .used_for
        .iter()
        .filter(|(_, qs)| qs.len() > TOO_MANY)
        .map(|(id, _)| *id)
        .collect();
    if json {
        let list: Vec<serde_json::Value> = stories
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id,
                    "title": s.title,
                    "competencies": s.competencies,
                    "source": s.source,
                    "body": s.body,
                    "used_for": coverage.used_for.get(&s.id).cloned().unwrap_or_default(),
                })
            })
            .collect();
        print_json(&serde_json::json!({
            "stories": list,
            "uncovered_competencies": coverage.uncovered,
            "overused": overused,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if stories.is_empty() {
        println!(
            "The story bank is empty. Draft stories from your resume with `mlprep resume star --save`, \
             or add your own with `mlprep stories add FILE -c COMPETENCY`."
        );
    }
    for s in stories {
        let used = coverage.used_for.get(&s.id).map_or(0, Vec::len);
        println!(
            "#{} {}  [{}]  answers {used} behavioral question(s)",
            s.id,
            s.title,
            s.competencies.join(", ")
        );
    }
    if !coverage.uncovered.is_empty() {
        println!(
            "\nCompetencies with no story yet: {}",
            coverage.uncovered.join(", ")
        );
    }
    for id in &overused {
        let n = coverage.used_for.get(id).map_or(0, Vec::len);
        println!(
            "\nStory #{id} would answer {n} questions (more than {TOO_MANY}): interviewers notice a story told twice; add another story for its competencies."
        );
    }
    Ok(ExitCode::SUCCESS)
}
