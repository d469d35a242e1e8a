//! `mlprep export`: the bank as JSON Lines, a stable interface other tools read.
//!
//! Each line is one question with at least: `id, category, category_title, kind, origin, prompt,
//! answer, key_points` (strings), `key_point_weights`, `mistakes, follow_ups, difficulty, tags,
//! tracks`, plus `formulas, related, examples, solutions`, and `star` or `target` where present.
//! Fields are only ever added, never renamed or removed.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;

use super::Filter;
use crate::GlobalArgs;
use crate::app::App;

/// Export formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per question per line.
    Jsonl,
}

/// Arguments of `mlprep export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    #[command(flatten)]
    filter: Filter,
}

/// Runs `mlprep export`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    args.filter.validate(&bank)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for q in bank.questions.iter().filter(|q| args.filter.matches(q)) {
        let line = serde_json::json!({
            "id": q.id,
            "category": q.category,
            "category_title": bank.category_title(&q.category),
            "kind": q.kind,
            "origin": q.origin,
            "prompt": q.prompt,
            "answer": q.answer,
            "key_points": q.key_points.iter().map(|k| k.text.as_str()).collect::<Vec<_>>(),
            "key_point_weights": q.key_points.iter().map(|k| k.weight).collect::<Vec<_>>(),
            "mistakes": q.mistakes,
            "follow_ups": q.follow_ups,
            "difficulty": q.difficulty,
            "tags": q.tags,
            "tracks": q.tracks,
            "formulas": q.formulas,
            "related": q.related,
            "examples": q.examples,
            "solutions": q.solutions,
            "star": q.star,
            "target": q.target,
        });
        match args.format {
            Format::Jsonl => writeln!(out, "{line}")?,
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
