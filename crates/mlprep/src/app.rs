//! What every command needs: the data directory, the config, the bank and the database.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use mlprep_bank::{Bank, Problem, Severity};
use mlprep_sched::Scheduler;
use mlprep_store::Store;

use crate::GlobalArgs;
use crate::config::Config;

/// The loaded environment of one command.
pub struct App {
    /// mlprep's data directory.
    pub data_dir: PathBuf,
    /// The configuration.
    pub config: Config,
}

/// The settings key under which fitted FSRS parameters are stored.
pub const FSRS_PARAMETERS: &str = "fsrs.parameters";

impl App {
    /// Resolves the data directory and reads the config.
    pub fn new(global: &GlobalArgs) -> Result<App> {
        let data_dir = match (&global.data_dir, std::env::var_os("MLPREP_HOME")) {
            (Some(dir), _) => dir.clone(),
            (None, Some(dir)) if !dir.is_empty() => PathBuf::from(dir),
            _ => directories::ProjectDirs::from("", "", "mlprep")
                .map(|p| p.data_dir().to_path_buf())
                .context("no home directory found; pass --data-dir or set MLPREP_HOME")?,
        };
        let mut config = Config::load(&data_dir)?;
        config.bank.extend(global.banks.iter().cloned());
        Ok(App { data_dir, config })
    }

    /// Loads the built-in bank and the user's folders. Problems in user folders are printed as
    /// warnings and the questions that could be read are used; the built-in bank is checked by
    /// the test suite, so its problems cannot reach users.
    pub fn bank(&self) -> Result<Bank> {
        let (bank, problems) = Bank::load(true, &self.config.bank);
        report_load_problems(&problems);
        Ok(bank)
    }

    /// Opens the database, creating the data directory on first use.
    pub fn store(&self) -> Result<Store> {
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        Ok(Store::open(&self.data_dir.join("mlprep.db"))?)
    }

    /// The scheduler, with the user's fitted parameters when `mlprep optimize` has stored some.
    pub fn scheduler(&self, store: &Store) -> Result<Scheduler> {
        let parameters: Vec<f32> = match store.setting(FSRS_PARAMETERS)? {
            Some(json) => serde_json::from_str(&json)
                .context("stored FSRS parameters are unreadable; run `mlprep optimize` again")?,
            None => Vec::new(),
        };
        Ok(Scheduler::new(&parameters, self.config.desired_retention)?)
    }
}

fn report_load_problems(problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    for problem in problems.iter().take(10) {
        eprintln!("{problem}");
    }
    if problems.len() > 10 {
        eprintln!(
            "... and {} more; run `mlprep bank check` for the full list",
            problems.len() - 10
        );
    }
    if errors > 0 {
        eprintln!(
            "mlprep: skipped what could not be read in your bank folders ({errors} error(s)); the rest is loaded"
        );
    }
}

/// Fails with a helpful message when a question id is unknown.
pub fn require<'a>(bank: &'a Bank, id: &str) -> Result<&'a mlprep_core::Question> {
    if let Some(q) = bank.question(id) {
        return Ok(q);
    }
    let close: Vec<&str> = bank
        .questions
        .iter()
        .filter(|q| q.id.contains(id))
        .map(|q| q.id.as_str())
        .take(5)
        .collect();
    if close.is_empty() {
        bail!("no question `{id}`; `mlprep list` or `mlprep search WORDS` finds ids")
    }
    bail!("no question `{id}`; did you mean: {}?", close.join(", "))
}
