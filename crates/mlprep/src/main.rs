//! The `mlprep` command: CLI definition, configuration and wiring. The logic lives in the
//! library crates; each subcommand is a module under `cmd/` with a `run()`.

mod app;
mod clock;
mod cmd;
mod config;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mlprep: an offline coach for machine-learning interviews.
///
/// A bank of interview questions with model answers, key points and follow-ups; practice with
/// spaced repetition (FSRS) that remembers what you know. Everything stays on this machine.
#[derive(Debug, Parser)]
#[command(
    name = "mlprep",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Where mlprep keeps its database and config [default: $MLPREP_HOME, else the platform's
    /// data directory].
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// An extra bank folder of your own (repeatable); added to the built-in bank and to
    /// `bank` in the config.
    #[arg(long = "bank", global = true, value_name = "DIR")]
    banks: Vec<PathBuf>,
    /// The embedding model's folder [default: $MLPREP_MODEL_DIR, else models/ in the data
    /// directory, installed there on first use].
    #[arg(long, global = true, value_name = "DIR")]
    model_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List questions, optionally filtered.
    List(cmd::list::Args),
    /// Show one question with its model answer, key points and your history on it.
    Show(cmd::show::Args),
    /// Search questions by prompt, tags and answer text.
    Search(cmd::search::Args),
    /// List categories with their question counts.
    Categories(cmd::categories::Args),
    /// Export the bank (one JSON object per question per line).
    Export(cmd::export::Args),
    /// Work with the bank files.
    Bank(cmd::bank::Args),
    /// Practise: due reviews first, then new questions, scheduled with FSRS.
    Practice(cmd::practice::Args),
    /// Your progress: per-category counts, reviews per day, streak and time spent.
    Stats(cmd::stats::Args),
    /// Fit FSRS parameters to your own review history and use them from now on.
    Optimize(cmd::optimize::Args),
    /// Grade an answer: key points covered with quoted evidence, missed points, STAR coaching.
    Grade(cmd::grade::Args),
    /// Install or check the local embedding model used for grading.
    Model(cmd::model::Args),
    /// Measure mlprep: grading agreement with human graders, and speed.
    Bench(cmd::bench::Args),
    /// Your resume: import it, check what was understood, targeted questions, STAR drafts.
    Resume(cmd::resume::Args),
    /// The story bank of STAR answers: which competencies lack a story, which is overused.
    Stories(cmd::stories::Args),
}

fn main() -> ExitCode {
    // A reader that stops early (`mlprep resume show | head`) ends mlprep quietly, as it does
    // any command-line tool, instead of making `println!` panic on the closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List(args) => cmd::list::run(&cli.global, args),
        Command::Show(args) => cmd::show::run(&cli.global, args),
        Command::Search(args) => cmd::search::run(&cli.global, args),
        Command::Categories(args) => cmd::categories::run(&cli.global, args),
        Command::Export(args) => cmd::export::run(&cli.global, args),
        Command::Bank(args) => cmd::bank::run(&cli.global, args),
        Command::Practice(args) => cmd::practice::run(&cli.global, args),
        Command::Stats(args) => cmd::stats::run(&cli.global, args),
        Command::Optimize(args) => cmd::optimize::run(&cli.global, args),
        Command::Grade(args) => cmd::grade::run(&cli.global, args),
        Command::Model(args) => cmd::model::run(&cli.global, args),
        Command::Bench(args) => cmd::bench::run(&cli.global, args),
        Command::Resume(args) => cmd::resume::run(&cli.global, args),
        Command::Stories(args) => cmd::stories::run(&cli.global, args),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`mlprep export | head`) is not an error.
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
