//! `mlprep optimize`: fits FSRS parameters to the user's own review history and stores them;
//! from then on every schedule uses them.

use std::process::ExitCode;

use anyhow::Result;

use super::print_json;
use crate::GlobalArgs;
use crate::app::{App, FSRS_PARAMETERS};

/// Arguments of `mlprep optimize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Go back to FSRS's default parameters.
    #[arg(long)]
    reset: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `mlprep optimize`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let store = app.store()?;
    if args.reset {
        store.set_setting(FSRS_PARAMETERS, "[]")?;
        println!("FSRS parameters reset to the defaults.");
        return Ok(ExitCode::SUCCESS);
    }
    let histories: Vec<_> = store.review_histories()?.into_values().collect();
    let reviews: usize = histories.iter().map(Vec::len).sum();
    let parameters = mlprep_sched::optimize(&histories)?;
    // Refuse parameters FSRS itself would not accept, before storing them.
    mlprep_sched::Scheduler::new(&parameters, app.config.desired_retention)?;
    store.set_setting(FSRS_PARAMETERS, &serde_json::to_string(&parameters)?)?;
    if args.json {
        print_json(
            &serde_json::json!({ "reviews": reviews, "cards": histories.len(), "parameters": parameters }),
        )?;
    } else {
        println!(
            "Fitted FSRS parameters to {reviews} review(s) of {} card(s); they are used from now on.",
            histories.len()
        );
        println!(
            "{}",
            parameters
                .iter()
                .map(|p| format!("{p:.4}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
