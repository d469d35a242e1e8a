//! One module per subcommand, each with its `Args` and a `run()`.

pub mod bank;
pub mod bench;
pub mod bench_resume;
pub mod categories;
pub mod export;
pub mod grade;
pub mod list;
pub mod model;
pub mod optimize;
pub mod practice;
pub mod resume;
pub mod search;
pub mod show;
pub mod stats;
pub mod stories;

use anyhow::{Result, bail};
use mlprep_bank::Bank;
use mlprep_core::{Kind, Question, Track};

/// Filters shared by the commands that select questions.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Filter {
    /// Only this category (id, e.g. `fundamentals`; `mlprep categories` lists them).
    #[arg(long, short = 'c', value_name = "ID")]
    pub category: Option<String>,
    /// Only this kind: technical, behavioral or targeted.
    #[arg(long, short = 'k', value_name = "KIND")]
    pub kind: Option<Kind>,
    /// Only questions for this role track: mle, cv, nlp, llm, research, ds.
    #[arg(long, short = 't', value_name = "TRACK")]
    pub track: Option<Track>,
}

impl Filter {
    /// Checks the filter against the bank (an unknown category is an error, not an empty list).
    pub fn validate(&self, bank: &Bank) -> Result<()> {
        if self.category.as_deref() == Some("resume") && bank.category("resume").is_none() {
            bail!(
                "no questions from your resume yet; import it with `mlprep resume import FILE` (Markdown, text, PDF or DOCX)"
            );
        }
        if let Some(category) = &self.category
            && bank.category(category).is_none()
        {
            let ids: Vec<&str> = bank.categories.iter().map(|c| c.id.as_str()).collect();
            bail!(
                "unknown category `{category}`; use one of: {}",
                ids.join(", ")
            );
        }
        Ok(())
    }

    /// Whether a question passes the filter.
    pub fn matches(&self, q: &Question) -> bool {
        self.category.as_ref().is_none_or(|c| &q.category == c)
            && self.kind.is_none_or(|k| q.kind == k)
            && self.track.is_none_or(|t| q.tracks.contains(&t))
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Shortens a text to `max` characters on one line, with an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}
