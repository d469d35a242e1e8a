//! Configuration: `config.toml` in the data directory, then `MLPREP_*` environment overrides,
//! then command-line flags. See `config.example.toml` at the repository root.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// The settings mlprep reads from `config.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Extra bank folders, added to the built-in bank.
    pub bank: Vec<PathBuf>,
    /// The probability of recall FSRS schedules for (0.70–0.99).
    pub desired_retention: f32,
    /// The seed question list, for `mlprep bank check` to compare against.
    pub seed: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bank: Vec::new(),
            desired_retention: mlprep_sched::DEFAULT_RETENTION,
            seed: None,
        }
    }
}

impl Config {
    /// Parses a config file's text.
    pub fn parse(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// Reads `config.toml` from the data directory (defaults when absent), then applies the
    /// environment overrides `MLPREP_BANK` (folders separated by the platform's path separator),
    /// `MLPREP_DESIRED_RETENTION` and `MLPREP_SEED`.
    pub fn load(data_dir: &Path) -> Result<Config> {
        let path = data_dir.join("config.toml");
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text)
                .with_context(|| format!("{}: invalid config", path.display()))?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        if let Some(banks) = std::env::var_os("MLPREP_BANK") {
            config.bank.extend(std::env::split_paths(&banks));
        }
        if let Ok(value) = std::env::var("MLPREP_DESIRED_RETENTION") {
            config.desired_retention = value.parse().with_context(|| {
                format!("MLPREP_DESIRED_RETENTION=`{value}` is not a number such as 0.9")
            })?;
        }
        if let Some(seed) = std::env::var_os("MLPREP_SEED") {
            config.seed = Some(PathBuf::from(seed));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_and_unknown_keys_are_refused() {
        let example = include_str!("../../../config.example.toml");
        assert!(Config::parse(example).is_ok());
        let err = Config::parse("desired_retension = 0.8")
            .unwrap_err()
            .to_string();
        assert!(err.contains("desired_retension"), "{err}");
    }
}
