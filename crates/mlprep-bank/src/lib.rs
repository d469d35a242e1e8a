//! mlprep's question bank: reading the TOML files under `content/` (and users' own folders) into
//! the domain model, and validating them.
//!
//! Parsing a string is separate from reading files: [`Bank::from_sources`] takes texts,
//! [`Bank::load`] reads folders. Neither stops at the first problem: both return what they could
//! read together with every [`Problem`] found, each naming its file and, where known, its line.
//!
//! **Invariant:** nothing here panics on user data; a broken file becomes a problem report.
#![deny(missing_docs)]

mod check;
mod latex;
mod raw;
pub mod seed;

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use mlprep_core::{Category, Question};

pub use check::{CheckOptions, check};
pub use latex::check_balanced as check_latex;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The name of the file that lists categories and competencies.
pub const CATEGORIES_FILE: &str = "categories.toml";

/// One bank file's text and the path it is reported under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown in problem reports.
    pub path: String,
    /// The file's contents.
    pub text: String,
}

impl SourceFile {
    /// A source file from a path and its text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    fn is_categories(&self) -> bool {
        Path::new(&self.path)
            .file_name()
            .is_some_and(|n| n == CATEGORIES_FILE)
    }
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing; the bank still works.
    Warning,
    /// The bank is wrong; `mlprep bank check` fails.
    Error,
}

/// Something wrong in a bank file, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file, as given in its [`SourceFile`].
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong and what to do.
    pub message: String,
}

impl Problem {
    pub(crate) fn error(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub(crate) fn warning(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line,
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match self.line {
            Some(line) => write!(f, "{}:{}: {}: {}", self.file, line, level, self.message),
            None => write!(f, "{}: {}: {}", self.file, level, self.message),
        }
    }
}

/// Where a question was read from, for problem reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: String,
    /// 1-based line of the question's `[[question]]` table.
    pub line: usize,
}

/// The question bank: categories, the competency list and the questions, in file order.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    /// Categories in display order.
    pub categories: Vec<Category>,
    /// Competencies a behavioral question may probe.
    pub competencies: Vec<String>,
    /// Questions, ordered by category order and then by file order.
    pub questions: Vec<Question>,
    /// Where each question (by index in `questions`) was read from.
    pub locations: Vec<Location>,
}

impl Bank {
    /// Parses a bank from file texts. Category files (`categories.toml`) are read first, in the
    /// order given; question files after. Returns the bank and every problem found while reading.
    /// Call [`check`] for the full validation.
    pub fn from_sources(sources: &[SourceFile]) -> (Bank, Vec<Problem>) {
        let mut bank = Bank::default();
        let mut problems = Vec::new();
        for source in sources.iter().filter(|s| s.is_categories()) {
            raw::read_categories(source, &mut bank, &mut problems);
        }
        let mut read = Vec::new();
        for source in sources.iter().filter(|s| !s.is_categories()) {
            raw::read_questions(source, &bank, &mut read, &mut problems);
        }
        // Stable sort: category order first, then origin (the seed's questions before the
        // expansions, then users' own), then file order. Questions whose category is unknown go
        // last (they were reported already).
        let order: HashMap<&str, usize> = bank
            .categories
            .iter()
            .map(|c| (c.id.as_str(), c.order))
            .collect();
        read.sort_by_key(|(q, _)| {
            let category = order
                .get(q.category.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            (category, q.origin)
        });
        for (question, location) in read {
            bank.questions.push(question);
            bank.locations.push(location);
        }
        (bank, problems)
    }

    /// The bank shipped with mlprep.
    pub fn builtin_sources() -> Vec<SourceFile> {
        builtin::BUILTIN
            .iter()
            .map(|(path, text)| SourceFile::new(*path, *text))
            .collect()
    }

    /// Reads every `*.toml` file under each folder (recursively, in name order; hidden entries
    /// are skipped). Unreadable files and folders become problems.
    pub fn read_dirs(dirs: &[PathBuf]) -> (Vec<SourceFile>, Vec<Problem>) {
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        for dir in dirs {
            if !dir.is_dir() {
                problems.push(Problem::error(
                    &dir.display().to_string(),
                    None,
                    "bank folder not found; check the path given to --bank or in the config",
                ));
                continue;
            }
            let mut files = Vec::new();
            walk(dir, &mut files, &mut problems);
            files.sort();
            for file in files {
                let shown = file.display().to_string();
                match fs::read(&file) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(text) => sources.push(SourceFile::new(shown, text)),
                        Err(_) => problems.push(Problem::error(
                            &shown,
                            None,
                            "file is not valid UTF-8; save it as UTF-8 text",
                        )),
                    },
                    Err(err) => problems.push(Problem::error(
                        &shown,
                        None,
                        format!("cannot read file: {err}"),
                    )),
                }
            }
        }
        (sources, problems)
    }

    /// Loads the built-in bank (unless `builtin` is false) plus the given folders.
    pub fn load(builtin: bool, dirs: &[PathBuf]) -> (Bank, Vec<Problem>) {
        let mut sources = if builtin {
            Bank::builtin_sources()
        } else {
            Vec::new()
        };
        let (extra, mut problems) = Bank::read_dirs(dirs);
        sources.extend(extra);
        let (bank, more) = Bank::from_sources(&sources);
        problems.extend(more);
        (bank, problems)
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The title of a category, or its id when the category is unknown.
    pub fn category_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.category(id).map_or(id, |c| c.title.as_str())
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(Problem::error(
                &dir.display().to_string(),
                None,
                format!("cannot read folder: {err}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, problems);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}

/// The 1-based line of a byte offset in a text.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
