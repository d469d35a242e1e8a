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
    /// The model folder given with --model-dir or MLPREP_MODEL_DIR, if any.
    explicit_model_dir: Option<PathBuf>,
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
        let explicit_model_dir = global.model_dir.clone().or_else(|| {
            std::env::var_os("MLPREP_MODEL_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        Ok(App {
            data_dir,
            config,
            explicit_model_dir,
        })
    }

    /// Where the embedding model is: --model-dir, else $MLPREP_MODEL_DIR, else the data directory.
    pub fn model_dir(&self) -> PathBuf {
        self.explicit_model_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("models").join(mlprep_embed::MODEL_NAME))
    }

    /// Loads the embedding model. In the default location it is installed on first use; a folder
    /// the user named is only read. When the model cannot be had, says why on stderr and returns
    /// `None`: grading then falls back to lexical evidence, and says so in every result.
    pub fn embedder(&self) -> Option<mlprep_embed::Embedder> {
        let dir = self.model_dir();
        if self.explicit_model_dir.is_none() && mlprep_embed::find_model_dir(&dir).is_none() {
            eprintln!(
                "mlprep: the grading model is not installed yet; installing it once (about 84 MB)..."
            );
            if let Err(err) = mlprep_embed::install(&dir, |line| eprintln!("mlprep: {line}")) {
                eprintln!("mlprep: {err}");
                eprintln!(
                    "mlprep: grading falls back to lexical scoring (word overlap), which is less accurate."
                );
                return None;
            }
        }
        match mlprep_embed::Embedder::load(&dir) {
            Ok(embedder) => Some(embedder),
            Err(err) => {
                eprintln!("mlprep: {err}");
                eprintln!(
                    "mlprep: grading falls back to lexical scoring (word overlap), which is less accurate."
                );
                None
            }
        }
    }

    /// A grader for the bank's questions: the model when available, IDF from the bank, and the
    /// key-point encodings cached in the database.
    pub fn grader(&self, bank: &Bank) -> Result<mlprep_grade::Grader> {
        let corpus = mlprep_grade::bank_corpus(&bank.questions);
        let cache: Box<dyn mlprep_grade::EncodingCache> = Box::new(StoreCache(self.store()?));
        Ok(mlprep_grade::Grader::with_cached_statistics(
            self.embedder(),
            &corpus,
            mlprep_grade::Params::default(),
            Some(cache),
        )?)
    }

    /// Loads the built-in bank and the user's folders. Problems in user folders are printed as
    /// warnings and the questions that could be read are used; the built-in bank is checked by
    /// the test suite, so its problems cannot reach users.
    pub fn bank(&self) -> Result<Bank> {
        let (mut bank, problems) = Bank::load(true, &self.config.bank);
        report_load_problems(&problems);
        self.add_resume_deck(&mut bank);
        Ok(bank)
    }

    /// Adds the questions generated from the user's resume, as the `resume` category. Reads the
    /// database only when it exists; a database that cannot be read is reported by the commands
    /// that need it, so here it only means no resume deck.
    fn add_resume_deck(&self, bank: &mut Bank) {
        let path = self.db_path();
        if !path.exists() {
            return;
        }
        let Ok(store) = Store::open(&path) else {
            return;
        };
        let questions: Vec<mlprep_core::Question> = match store.resume_questions() {
            Ok(rows) => rows
                .iter()
                .filter_map(|json| {
                    serde_json::from_str::<mlprep_resume::questions::Targeted>(json).ok()
                })
                .map(|t| t.question)
                .collect(),
            Err(_) => return,
        };
        if questions.is_empty() {
            return;
        }
        bank.categories.push(mlprep_core::Category {
            id: mlprep_resume::questions::CATEGORY.to_string(),
            title: "Your resume".to_string(),
            kind: mlprep_core::Kind::Targeted,
            seed: false,
            order: bank.categories.len(),
        });
        for q in questions {
            bank.locations.push(mlprep_bank::Location {
                file: "(your resume)".to_string(),
                line: 0,
            });
            bank.questions.push(q);
        }
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("mlprep.db")
    }

    /// Opens the database, creating the data directory on first use.
    pub fn store(&self) -> Result<Store> {
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        Ok(Store::open(&self.db_path())?)
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

/// The database as the grader's encodings cache.
struct StoreCache(Store);

impl mlprep_grade::EncodingCache for StoreCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.0.cache_get(key).ok().flatten()
    }

    fn put(&self, key: &str, value: &[u8]) {
        // The cache only saves time; a failed write costs a recomputation later.
        let _ = self.0.cache_put(key, value);
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
