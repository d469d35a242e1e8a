//! `mlprep categories`: the categories with their question counts.

use std::process::ExitCode;

use anyhow::Result;

use super::print_json;
use crate::GlobalArgs;
use crate::app::App;

/// Arguments of `mlprep categories`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    kind: mlprep_core::Kind,
    seed: bool,
    questions: usize,
    seed_questions: usize,
}

/// Runs `mlprep categories`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    let rows: Vec<Row> = bank
        .categories
        .iter()
        .map(|c| {
            let of_category = bank.questions.iter().filter(|q| q.category == c.id);
            Row {
                id: &c.id,
                title: &c.title,
                kind: c.kind,
                seed: c.seed,
                questions: of_category.clone().count(),
                seed_questions: of_category
                    .filter(|q| q.origin == mlprep_core::Origin::Seed)
                    .count(),
            }
        })
        .collect();
    if args.json {
        print_json(&rows)?;
    } else {
        let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
        for row in &rows {
            println!("{:width$}  {:>4}  {}", row.id, row.questions, row.title);
        }
        println!(
            "{:width$}  {:>4}  questions in all",
            "",
            bank.questions.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
