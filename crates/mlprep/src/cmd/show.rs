//! `mlprep show`: one question in full, with the user's history on it.

use std::process::ExitCode;

use anyhow::Result;

use super::print_json;
use crate::app::{App, require};
use crate::{GlobalArgs, clock, render};

/// Arguments of `mlprep show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The question id, e.g. `fundamentals/softmax-stability`.
    id: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `mlprep show`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    let q = require(&bank, &args.id)?;
    let store = app.store()?;
    let card = store.card(&q.id)?;
    let attempts: Vec<_> = store
        .attempts()?
        .into_iter()
        .filter(|a| a.question_id == q.id)
        .collect();
    if args.json {
        let mut value = serde_json::to_value(q)?;
        value["category_title"] = bank.category_title(&q.category).into();
        value["card"] = serde_json::to_value(card)?;
        value["attempts"] = attempts
            .iter()
            .map(|a| {
                serde_json::json!({
                    "answered_at": a.answered_at,
                    "duration_ms": a.duration_ms,
                    "answer": a.answer,
                    "rating": a.rating,
                })
            })
            .collect();
        print_json(&value)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}\n\n{}\n", render::header(&bank, q), q.prompt);
    print!("{}", render::reference(q));
    match card {
        Some(card) => println!(
            "\nYour history: {} review(s), {} lapse(s); next due {}.",
            card.reps,
            card.lapses,
            clock::format(card.due)
        ),
        None => println!("\nYour history: not practised yet."),
    }
    Ok(ExitCode::SUCCESS)
}
