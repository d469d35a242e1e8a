//! Embeds the bank under `content/` into the library, so an installed binary carries it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let content = manifest.join("../../content");
    println!("cargo:rerun-if-changed={}", content.display());
    let mut files = Vec::new();
    collect(&content, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The bank files shipped with mlprep: (path relative to the repo, text).\n",
    );
    out.push_str("pub static BUILTIN: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let abs = fs::canonicalize(file).unwrap();
        writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            format!("content/{rel}"),
            abs
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("builtin.rs");
    fs::write(dest, out).unwrap();
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}
