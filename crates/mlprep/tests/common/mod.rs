//! Helpers for the end-to-end tests: run the real `mlprep` binary against a fresh data directory.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fresh data directory and the binary under test.
pub struct Mlprep {
    pub home: tempfile::TempDir,
}

impl Mlprep {
    pub fn new() -> Self {
        Mlprep {
            home: tempfile::tempdir().unwrap(),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlprep"));
        cmd.args(args)
            .env("MLPREP_HOME", self.home.path())
            .env_remove("MLPREP_NOW")
            .env_remove("MLPREP_BANK")
            .env_remove("MLPREP_SEED");
        cmd
    }

    /// Runs a command with `stdin` as input, at time `now` when given.
    pub fn run_with(&self, args: &[&str], stdin: &str, now: Option<&str>) -> Output {
        let mut cmd = self.command(args);
        if let Some(now) = now {
            cmd.env("MLPREP_NOW", now);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, "", None)
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "mlprep {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must succeed and parses its stdout as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let text = self.ok(args);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("mlprep {args:?} printed invalid JSON ({e}):\n{text}"))
    }
}

/// The installed embedding model. The model-backed tests need it and fail without it:
/// `bash scripts/test.sh` installs it and sets `MLPREP_MODEL_DIR`.
pub fn model_dir() -> PathBuf {
    let dir = std::env::var_os("MLPREP_MODEL_DIR").map(PathBuf::from).expect(
        "MLPREP_MODEL_DIR is not set: the grading tests need the embedding model; run `bash scripts/test.sh`, \
         which installs it with `mlprep model install`",
    );
    assert!(
        dir.join("model.safetensors").is_file(),
        "no model in {}: run `mlprep model install --model-dir {}`",
        dir.display(),
        dir.display()
    );
    dir
}

/// The seed question list, beside the repository (CI lays it out the same way).
pub fn seed_path() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "the seed folder {} is needed by the tests: {e}",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files.into_iter().next().expect("a seed .txt file")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The question ids a practice session showed, in order, from its `[i/n] id · ...` headers.
pub fn shown_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with('['))
        .filter_map(|l| {
            l.split_once("] ")
                .map(|(_, rest)| rest.split(' ').next().unwrap().to_string())
        })
        .collect()
}
