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
