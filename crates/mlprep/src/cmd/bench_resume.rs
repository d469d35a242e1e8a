//! `mlprep bench resume`: how close the questions generated from a resume come to the seed's
//! 32 hand-written targeted questions (written for the sample resume's projects). For each seed
//! question, the best cosine similarity (all-MiniLM-L6-v2 sentence embeddings) among the
//! generated questions; the figure is the share at or above the threshold. The baseline, in the
//! same run, is the same measure against the bank's own technical and behavioral questions: a
//! generic list that knows nothing of the resume.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mlprep_core::{Kind, Origin};

use super::print_json;
use crate::GlobalArgs;
use crate::app::App;

/// Arguments of `mlprep bench resume`.
#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// The resume file.
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// A seed question counts as matched at this cosine or above.
    #[arg(long, default_value_t = 0.6)]
    threshold: f32,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `mlprep bench resume`.
pub fn run(global: &GlobalArgs, args: ResumeArgs) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    let bytes = super::resume::read_limited(&args.file)?;
    let name = args.file.to_string_lossy().into_owned();
    let imported = mlprep_resume::import(&name, &bytes)
        .with_context(|| format!("cannot import {}", args.file.display()))?;
    let generated: Vec<String> =
        mlprep_resume::questions::generate(&imported.resume, &bank.questions)
            .into_iter()
            .flat_map(|e| e.questions.into_iter().map(|t| t.question.prompt))
            .collect();
    let seed: Vec<&mlprep_core::Question> = bank
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Targeted && q.origin == Origin::Seed)
        .collect();
    let generic: Vec<&str> = bank
        .questions
        .iter()
        .filter(|q| q.kind != Kind::Targeted)
        .map(|q| q.prompt.as_str())
        .collect();
    let Some(embedder) = app.embedder() else {
        bail!("this benchmark needs the embedding model; run `mlprep model install`");
    };
    let embed = |texts: &[&str]| -> Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(32) {
            out.extend(embedder.embed(chunk)?);
        }
        Ok(out)
    };
    let seed_texts: Vec<&str> = seed.iter().map(|q| q.prompt.as_str()).collect();
    let seed_vecs = embed(&seed_texts)?;
    let generated_refs: Vec<&str> = generated.iter().map(String::as_str).collect();
    let generated_vecs = embed(&generated_refs)?;
    let generic_vecs = embed(&generic)?;
    let best = |v: &[f32], pool: &[Vec<f32>]| -> (f32, usize) {
        pool.iter()
            .enumerate()
            .map(|(i, p)| (mlprep_embed::dot(v, p), i))
            .fold((f32::MIN, 0), |a, b| if b.0 > a.0 { b } else { a })
    };
    let mut rows = Vec::new();
    let (mut matched, mut baseline_matched) = (0usize, 0usize);
    for (q, v) in seed.iter().zip(&seed_vecs) {
        let (cos, i) = best(v, &generated_vecs);
        let (base, _) = best(v, &generic_vecs);
        matched += usize::from(cos >= args.threshold);
        baseline_matched += usize::from(base >= args.threshold);
        rows.push(serde_json::json!({
            "seed": q.prompt,
            "best": generated.get(i),
            "cosine": cos,
            "baseline_cosine": base,
        }));
    }
    let n = seed.len().max(1) as f64;
    let share = matched as f64 / n;
    let baseline = baseline_matched as f64 / n;
    if args.json {
        print_json(&serde_json::json!({
            "seed_questions": seed.len(),
            "generated": generated.len(),
            "threshold": args.threshold,
            "matched": matched,
            "share": share,
            "baseline_share": baseline,
            "rows": rows,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for row in &rows {
        println!(
            "{:.2} (bank {:.2})  {}\n      ↳ {}",
            row["cosine"].as_f64().unwrap_or_default(),
            row["baseline_cosine"].as_f64().unwrap_or_default(),
            row["seed"].as_str().unwrap_or_default(),
            row["best"].as_str().unwrap_or_default()
        );
    }
    println!(
        "\nseed targeted questions with a generated counterpart at cosine >= {}: {matched}/{} = {:.0}% \
         (baseline, the bank's generic questions: {baseline_matched}/{} = {:.0}%); {} questions generated",
        args.threshold,
        seed.len(),
        share * 100.0,
        seed.len(),
        baseline * 100.0,
        generated.len()
    );
    Ok(ExitCode::SUCCESS)
}
