//! `mlprep bench grading`: agreement of mlprep's grader with human graders on a short-answer
//! grading data set, next to two baselines computed in the same run, and grading latency.
//!
//! The data set is JSON Lines with `question`, `reference` (a list of reference answers),
//! `answer`, and a gold `score` (with `max_score`) or a `label`. Each reference answer's
//! sentences stand in for key points, and the answer is graded by the same `Grader::grade` that
//! `mlprep grade` uses; with several references the best grade counts. Document frequencies come
//! from the questions and references only, never from the answers being graded.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use mlprep_grade::eval::{TfIdf, pearson, quadratic_weighted_kappa, quantile, spearman};
use mlprep_grade::{Grader, Params, Rubric};
use serde::Deserialize;

use super::print_json;
use crate::GlobalArgs;
use crate::app::App;

/// Arguments of `mlprep bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, clap::Subcommand)]
enum BenchCommand {
    /// Pearson, Spearman and quadratic weighted kappa against human grades, with tf-idf and plain
    /// embedding-cosine baselines, and latency per answer.
    Grading(GradingArgs),
    /// Time grading one answer with a warm model (median and p95 over repeated runs).
    Speed(SpeedArgs),
    /// How many of the seed's targeted questions the questions generated from a resume cover
    /// (cosine of sentence embeddings), against the bank's generic questions as a baseline.
    Resume(super::bench_resume::ResumeArgs),
}

#[derive(Debug, clap::Args)]
struct SpeedArgs {
    /// The question id.
    #[arg(long, short = 'q', value_name = "ID")]
    question: String,
    /// The answer to grade.
    #[arg(long, value_name = "FILE")]
    answer_file: PathBuf,
    /// How many timed runs (after three warm-up runs).
    #[arg(long, default_value_t = 50)]
    runs: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Times `Grader::grade` on one answer with a loaded model and cached key points.
fn speed(global: &GlobalArgs, args: SpeedArgs) -> Result<ExitCode> {
    let answer = std::fs::read_to_string(&args.answer_file)
        .with_context(|| format!("cannot read {}", args.answer_file.display()))?;
    let app = App::new(global)?;
    let bank = app.bank()?;
    let q = crate::app::require(&bank, &args.question)?;
    let grader = app.grader(&bank)?;
    let rubric = Rubric::from_question(q);
    for _ in 0..3 {
        grader.grade(&rubric, &answer)?;
    }
    let mut times = Vec::with_capacity(args.runs);
    for _ in 0..args.runs.max(1) {
        let started = Instant::now();
        grader.grade(&rubric, &answer)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let words = answer.split_whitespace().count();
    let (p50, p95) = (quantile(&times, 0.5), quantile(&times, 0.95));
    if args.json {
        print_json(&serde_json::json!({
            "question": q.id, "key_points": q.key_points.len(), "answer_words": words,
            "runs": times.len(), "median_ms": p50, "p95_ms": p95, "method": grader.method(),
        }))?;
    } else {
        println!(
            "grade {} ({} key points, {words}-word answer, {:?}): median {p50:.2} ms, p95 {p95:.2} ms over {} runs",
            q.id,
            q.key_points.len(),
            grader.method(),
            times.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
struct GradingArgs {
    /// The data set (JSON Lines, see above).
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Only rows of this split.
    #[arg(long)]
    split: Option<String>,
    /// Only the first N rows (after the split filter).
    #[arg(long)]
    limit: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Write each answer's gold score and per-point signals as JSON Lines (for parameter studies).
    #[arg(long, hide = true, value_name = "FILE")]
    dump: Option<PathBuf>,
    /// Override the semantic weight (for parameter studies).
    #[arg(long, hide = true)]
    semantic_weight: Option<f64>,
    /// Override the logistic midpoint (for parameter studies).
    #[arg(long, hide = true)]
    midpoint: Option<f64>,
    /// Override the token similarity floor (for parameter studies).
    #[arg(long, hide = true)]
    token_floor: Option<f64>,
    /// Give words of the question credit like any other (for parameter studies).
    #[arg(long, hide = true)]
    no_demote: bool,
    /// Override the logistic scale (for parameter studies).
    #[arg(long, hide = true)]
    scale: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Row {
    #[serde(default)]
    split: Option<String>,
    question: String,
    reference: References,
    answer: String,
    score: Option<f64>,
    max_score: Option<f64>,
    label: Option<String>,
}

/// One reference answer or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum References {
    One(String),
    Many(Vec<String>),
}

impl References {
    fn list(&self) -> Vec<&str> {
        match self {
            References::One(r) => vec![r.as_str()],
            References::Many(rs) => rs.iter().map(String::as_str).collect(),
        }
    }
}

/// A label's place in the order the data sets' README gives (higher is better).
fn label_value(label: &str) -> Option<f64> {
    match label
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
        .as_str()
    {
        "correct" => Some(2.0),
        "partially_correct_incomplete" | "partially_correct" | "partial" => Some(1.0),
        "contradictory" | "irrelevant" | "non_domain" | "incorrect" => Some(0.0),
        _ => None,
    }
}

#[derive(Debug, serde::Serialize)]
struct Report {
    data: String,
    n: usize,
    method: mlprep_grade::Method,
    pearson: Option<f64>,
    spearman: Option<f64>,
    qwk: Option<f64>,
    baseline_tfidf: Option<f64>,
    baseline_cosine: Option<f64>,
    baseline_tfidf_spearman: Option<f64>,
    baseline_cosine_spearman: Option<f64>,
    latency_ms_p50: f64,
    latency_ms_p95: f64,
}

/// Runs `mlprep bench`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let args = match args.command {
        BenchCommand::Grading(args) => args,
        BenchCommand::Speed(args) => return speed(global, args),
        BenchCommand::Resume(args) => return super::bench_resume::run(global, args),
    };
    let text = std::fs::read_to_string(&args.data)
        .with_context(|| format!("cannot read {}", args.data.display()))?;
    let mut rows = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let row: Row = serde_json::from_str(line).with_context(|| {
            format!(
                "{}:{}: not a grading record (question, reference, answer, score or label)",
                args.data.display(),
                i + 1
            )
        })?;
        if args
            .split
            .as_ref()
            .is_some_and(|s| row.split.as_ref() != Some(s))
        {
            continue;
        }
        let gold = match (row.score, &row.label) {
            (Some(score), _) => score,
            (None, Some(label)) => label_value(label).with_context(|| {
                format!("{}:{}: unknown label `{label}`; known: correct, partially_correct_incomplete, contradictory, irrelevant, non_domain, incorrect", args.data.display(), i + 1)
            })?,
            (None, None) => bail!("{}:{}: the record has neither `score` nor `label`", args.data.display(), i + 1),
        };
        let max = row
            .max_score
            .unwrap_or(if row.score.is_some() { 1.0 } else { 2.0 });
        rows.push((row, gold, max));
        if args.limit.is_some_and(|n| rows.len() >= n) {
            break;
        }
    }
    if rows.is_empty() {
        bail!("no records to grade in {}", args.data.display());
    }

    let app = App::new(global)?;
    let mut corpus: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (row, _, _) in &rows {
        if seen.insert(row.question.clone()) {
            corpus.push(format!(
                "{}\n{}",
                row.question,
                row.reference.list().join("\n")
            ));
        }
    }
    let defaults = Params::default();
    let params = Params {
        semantic_weight: args.semantic_weight.unwrap_or(defaults.semantic_weight),
        midpoint: args.midpoint.unwrap_or(defaults.midpoint),
        scale: args.scale.unwrap_or(defaults.scale),
        demote_question: !args.no_demote,
        token_floor: args.token_floor.unwrap_or(defaults.token_floor),
        ..defaults
    };
    let grader = Grader::new(app.embedder(), &corpus, params)?;
    // Reference sentences play the key points' part; like the bank's key points they are
    // encoded once, ahead of grading.
    let rubrics: HashMap<(String, String), Rubric> = rows
        .iter()
        .flat_map(|(row, _, _)| {
            row.reference
                .list()
                .into_iter()
                .map(move |r| (row.question.clone(), r.to_string()))
        })
        .map(|(q, r)| {
            let rubric = Rubric::from_reference(&q, &r);
            ((q, r), rubric)
        })
        .collect();
    let points: Vec<&str> = rubrics
        .values()
        .flat_map(|r| r.points.iter().map(|p| p.text.as_str()))
        .collect();
    grader.warm(&points)?;

    let tfidf = TfIdf::new(&corpus);
    let mut reference_vectors: HashMap<String, Vec<f32>> = HashMap::new();
    let (mut ours, mut golds, mut tf, mut cos, mut latency) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut dump = Vec::new();
    for (row, gold, max) in &rows {
        let started = Instant::now();
        let mut best: f64 = 0.0;
        let mut grades = Vec::new();
        for reference in row.reference.list() {
            let rubric = &rubrics[&(row.question.clone(), reference.to_string())];
            let grade = grader.grade(rubric, &row.answer)?;
            best = best.max(grade.score);
            grades.push(grade);
        }
        latency.push(started.elapsed().as_secs_f64() * 1000.0);
        if args.dump.is_some() {
            let refs: Vec<_> = grades
                .iter()
                .map(|g| {
                    let points: Vec<_> = g
                        .points
                        .iter()
                        .map(
                            |p| serde_json::json!({"signals": p.signals, "alignment": p.alignment}),
                        )
                        .collect();
                    serde_json::json!({"flags": g.flags, "points": points})
                })
                .collect();
            dump.push(serde_json::json!({"gold": gold / max, "refs": refs}).to_string());
        }
        ours.push(best);
        golds.push(gold / max);
        tf.push(
            row.reference
                .list()
                .iter()
                .map(|r| tfidf.cosine(&row.answer, r))
                .fold(0.0, f64::max),
        );
        if let Some(embedder) = grader.embedder() {
            let answer = embedder.embed(&[row.answer.as_str()])?.remove(0);
            let mut best_cos = f32::MIN;
            for reference in row.reference.list() {
                if !reference_vectors.contains_key(reference) {
                    reference_vectors.insert(
                        reference.to_string(),
                        embedder.embed(&[reference])?.remove(0),
                    );
                }
                best_cos = best_cos.max(mlprep_embed::dot(&answer, &reference_vectors[reference]));
            }
            cos.push(f64::from(best_cos));
        }
    }
    if let Some(path) = &args.dump {
        std::fs::write(path, dump.join("\n") + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let qwk = kappa(&ours, &rows.iter().map(|r| (r.1, r.2)).collect::<Vec<_>>());
    let report = Report {
        data: args.data.display().to_string(),
        n: rows.len(),
        method: grader.method(),
        pearson: pearson(&ours, &golds),
        spearman: spearman(&ours, &golds),
        qwk,
        baseline_tfidf: pearson(&tf, &golds),
        baseline_cosine: if cos.is_empty() {
            None
        } else {
            pearson(&cos, &golds)
        },
        baseline_tfidf_spearman: spearman(&tf, &golds),
        baseline_cosine_spearman: if cos.is_empty() {
            None
        } else {
            spearman(&cos, &golds)
        },
        latency_ms_p50: quantile(&latency, 0.5),
        latency_ms_p95: quantile(&latency, 0.95),
    };
    let f = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.3}"));
    if args.json {
        print_json(&report)?;
    } else {
        println!(
            "data: {} ({} answers, grader: {:?})",
            report.data, report.n, report.method
        );
        println!(
            "mlprep grade      pearson {}  spearman {}  qwk {}",
            f(report.pearson),
            f(report.spearman),
            f(report.qwk)
        );
        println!(
            "baseline tf-idf   pearson {}  spearman {}",
            f(report.baseline_tfidf),
            f(report.baseline_tfidf_spearman)
        );
        println!(
            "baseline cosine   pearson {}  spearman {}",
            f(report.baseline_cosine),
            f(report.baseline_cosine_spearman)
        );
        println!(
            "latency per answer: p50 {:.1} ms, p95 {:.1} ms",
            report.latency_ms_p50, report.latency_ms_p95
        );
    }
    println!(
        "pearson={} spearman={} qwk={} baseline_tfidf={} baseline_cosine={} n={} p50_ms={:.1} p95_ms={:.1}",
        f(report.pearson),
        f(report.spearman),
        f(report.qwk),
        f(report.baseline_tfidf),
        f(report.baseline_cosine),
        report.n,
        report.latency_ms_p50,
        report.latency_ms_p95
    );
    Ok(ExitCode::SUCCESS)
}

/// Quadratic weighted kappa when the gold scale is discrete: each predicted score in 0..1 is
/// mapped onto the gold scale (times its maximum) and rounded to the nearest gold level.
fn kappa(scores: &[f64], gold: &[(f64, f64)]) -> Option<f64> {
    let mut levels: Vec<f64> = gold.iter().map(|g| g.0).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    if levels.len() > 21 {
        return None;
    }
    let index = |v: f64| {
        levels
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - v).abs().total_cmp(&(b.1 - v).abs()))
            .map_or(0, |(i, _)| i)
    };
    let predicted: Vec<usize> = scores
        .iter()
        .zip(gold)
        .map(|(s, g)| index(s * g.1))
        .collect();
    let actual: Vec<usize> = gold.iter().map(|g| index(g.0)).collect();
    quadratic_weighted_kappa(&predicted, &actual, levels.len())
}
