//! `mlprep bank check`: validates bank files and reports every problem with file and line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use mlprep_bank::{Bank, CheckOptions, Severity, check};

use super::print_json;
use crate::GlobalArgs;
use crate::app::App;

/// Arguments of `mlprep bank`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: BankCommand,
}

#[derive(Debug, clap::Subcommand)]
enum BankCommand {
    /// Check bank files: ids, categories, answers, key points, LaTeX, worked examples, and that
    /// every seed question is present verbatim. Exits 0 only when no error is found.
    Check(CheckArgs),
}

/// Arguments of `mlprep bank check`.
#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Check this folder (holding categories.toml and category folders) instead of the built-in
    /// bank. Folders given with --bank are checked too.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The seed question list to compare against [default: `seed` in the config, or
    /// $MLPREP_SEED].
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Print the problems as JSON.
    #[arg(long)]
    json: bool,
    /// Skip the embedding-model comparison of prompts (lexical near-duplicate checks still run).
    #[arg(long)]
    no_model: bool,
}

/// Prompt embeddings at least this similar (cosine) are flagged as near-duplicates.
const NEAR_DUPLICATE_COSINE: f32 = 0.93;

/// Warns about pairs of prompts whose sentence embeddings are nearly the same, when the model is
/// installed (the check never installs it). The seed's own repetitions are left alone.
fn semantic_near_duplicates(app: &App, bank: &Bank) -> Result<Vec<mlprep_bank::Problem>> {
    let dir = app.model_dir();
    if mlprep_embed::find_model_dir(&dir).is_none() {
        return Ok(Vec::new());
    }
    let embedder = mlprep_embed::Embedder::load(&dir)?;
    let prompts: Vec<&str> = bank.questions.iter().map(|q| q.prompt.as_str()).collect();
    let mut vectors = Vec::with_capacity(prompts.len());
    for chunk in prompts.chunks(64) {
        vectors.extend(embedder.embed(chunk)?);
    }
    let mut out = Vec::new();
    for i in 0..vectors.len() {
        for j in (i + 1)..vectors.len() {
            let (a, b) = (&bank.questions[i], &bank.questions[j]);
            if a.origin == mlprep_core::Origin::Seed && b.origin == mlprep_core::Origin::Seed {
                continue;
            }
            let cosine = mlprep_embed::dot(&vectors[i], &vectors[j]);
            if cosine >= NEAR_DUPLICATE_COSINE {
                let loc = &bank.locations[j];
                out.push(mlprep_bank::Problem {
                    file: loc.file.clone(),
                    line: Some(loc.line),
                    severity: Severity::Warning,
                    message: format!(
                        "question `{}` means nearly the same as `{}` (embedding cosine {cosine:.2}); make sure they ask different things",
                        b.id, a.id
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// Runs `mlprep bank`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let BankCommand::Check(args) = args.command;
    let app = App::new(global)?;
    // A folder of its own is checked alone, against the built-in categories unless it defines
    // its own.
    let mut sources = match &args.dir {
        Some(dir) if dir.join(mlprep_bank::CATEGORIES_FILE).is_file() => Vec::new(),
        Some(_) => Bank::builtin_sources()
            .into_iter()
            .filter(|s| s.path.ends_with(mlprep_bank::CATEGORIES_FILE))
            .collect(),
        None => Bank::builtin_sources(),
    };
    let mut dirs: Vec<PathBuf> = args.dir.iter().cloned().collect();
    dirs.extend(app.config.bank.iter().cloned());
    let (extra, mut problems) = Bank::read_dirs(&dirs);
    sources.extend(extra);
    let (bank, more) = Bank::from_sources(&sources);
    problems.extend(more);
    let seed_path = args.seed.or_else(|| app.config.seed.clone());
    let seed = match &seed_path {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the seed list {}", path.display()))?,
        )),
        None => None,
    };
    problems.extend(check(&bank, &CheckOptions { seed }));
    if !args.no_model {
        problems.extend(semantic_near_duplicates(&app, &bank)?);
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    if args.json {
        print_json(&serde_json::json!({
            "questions": bank.questions.len(),
            "categories": bank.categories.len(),
            "errors": errors,
            "warnings": warnings,
            "problems": problems,
        }))?;
    } else {
        for problem in &problems {
            println!("{problem}");
        }
        let seed_note = if seed_path.is_some() {
            ""
        } else {
            " (seed not compared: pass --seed FILE)"
        };
        println!(
            "{} question(s) in {} categories: {errors} error(s), {warnings} warning(s){seed_note}",
            bank.questions.len(),
            bank.categories.len()
        );
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
