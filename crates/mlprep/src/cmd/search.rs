//! `mlprep search`: full-text search over prompts, tags and answers, ranked by BM25.

use std::process::ExitCode;

use anyhow::Result;
use mlprep_store::SearchIndex;

use super::{Filter, print_json, truncate};
use crate::GlobalArgs;
use crate::app::App;

/// Arguments of `mlprep search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words to look for; every word must match, or any when no question has them all.
    #[arg(required = true)]
    query: Vec<String>,
    #[command(flatten)]
    filter: Filter,
    /// How many results at most.
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct Hit<'a> {
    id: &'a str,
    category: &'a str,
    prompt: &'a str,
    score: f64,
}

/// Runs `mlprep search`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    args.filter.validate(&bank)?;
    let candidates = bank.questions.iter().filter(|q| args.filter.matches(q));
    let index = SearchIndex::build(candidates.map(|q| {
        (
            q.id.as_str(),
            q.prompt.as_str(),
            q.tags.join(" "),
            q.answer.as_str(),
        )
    }))?;
    let query = args.query.join(" ");
    let hits: Vec<Hit> = index
        .search(&query, args.limit)?
        .into_iter()
        .filter_map(|hit| {
            let q = bank.question(&hit.id)?;
            Some(Hit {
                id: &q.id,
                category: &q.category,
                prompt: &q.prompt,
                score: -hit.rank,
            })
        })
        .collect();
    if args.json {
        print_json(&hits)?;
    } else if hits.is_empty() {
        eprintln!("no question matches `{query}`");
    } else {
        let width = hits.iter().map(|h| h.id.len()).max().unwrap_or(0);
        for hit in &hits {
            println!("{:width$}  {}", hit.id, truncate(hit.prompt, 90));
        }
    }
    Ok(ExitCode::SUCCESS)
}
