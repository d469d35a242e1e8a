//! `mlprep list`: the questions of the bank, filtered.

use std::process::ExitCode;

use anyhow::Result;

use super::{Filter, print_json, truncate};
use crate::GlobalArgs;
use crate::app::App;

/// Arguments of `mlprep list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    filter: Filter,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct Row<'a> {
    id: &'a str,
    category: &'a str,
    kind: mlprep_core::Kind,
    origin: mlprep_core::Origin,
    difficulty: u8,
    prompt: &'a str,
}

/// Runs `mlprep list`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    args.filter.validate(&bank)?;
    let rows: Vec<Row> = bank
        .questions
        .iter()
        .filter(|q| args.filter.matches(q))
        .map(|q| Row {
            id: &q.id,
            category: &q.category,
            kind: q.kind,
            origin: q.origin,
            difficulty: q.difficulty,
            prompt: &q.prompt,
        })
        .collect();
    if args.json {
        print_json(&rows)?;
    } else {
        let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
        for row in &rows {
            println!(
                "{:width$}  {}  {}",
                row.id,
                row.difficulty,
                truncate(row.prompt, 90)
            );
        }
        eprintln!("{} question(s)", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}
