//! `mlprep grade`: grades one answer to a bank question and prints the feedback.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mlprep_grade::{Grade, Method, Rubric, Status, star};

use super::print_json;
use crate::GlobalArgs;
use crate::app::{App, require};

/// Arguments of `mlprep grade`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The question id.
    #[arg(long, short = 'q', value_name = "ID")]
    question: String,
    /// The answer text.
    #[arg(long, short = 'a', value_name = "TEXT", conflicts_with = "answer_file")]
    answer: Option<String>,
    /// Read the answer from a file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    answer_file: Option<PathBuf>,
    /// Speaking rate for the STAR coach's time estimate, in words per minute.
    #[arg(long, default_value_t = star::DEFAULT_WPM)]
    wpm: f64,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `mlprep grade`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let answer = match (&args.answer, &args.answer_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => std::io::read_to_string(std::io::stdin())?,
        (None, Some(path)) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the answer file {}", path.display()))?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        (None, None) => bail!("give the answer with --answer TEXT or --answer-file FILE"),
    };
    let app = App::new(global)?;
    let bank = app.bank()?;
    let q = require(&bank, &args.question)?;
    let grader = app.grader(&bank)?;
    let grade = grader.grade(&Rubric::from_question(q), &answer)?;
    let coaching = mlprep_grade::wants_star(q).then(|| star::coach(&answer, args.wpm));
    if args.json {
        print_json(&serde_json::json!({
            "question": q.id,
            "grade": grade,
            "suggested_rating": grade.suggested_rating(),
            "star": coaching,
            "model_answer": q.reference_text(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", feedback(&grade));
    if let Some(report) = &coaching {
        print!("{}", star_feedback(report));
    }
    println!("\n── Model answer ──\n{}", q.reference_text().trim());
    Ok(ExitCode::SUCCESS)
}

/// The grade as text: score, each key point with its status and evidence, and the flags.
pub fn feedback(grade: &Grade) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let method = match grade.method {
        Method::Model => "embedding model + lexical evidence",
        Method::Lexical => "LEXICAL ONLY: the model is unavailable, so this grade is less accurate",
    };
    let _ = writeln!(
        out,
        "Score: {:.0}% ({method}); suggested rating: {}",
        grade.score * 100.0,
        grade.suggested_rating()
    );
    for flag in &grade.flags {
        let _ = writeln!(out, "  ! {}", flag.message());
    }
    for p in &grade.points {
        let mark = match p.status {
            Status::Covered => "✔ covered",
            Status::Partial => "~ partial",
            Status::Missed => "✘ missed ",
        };
        let _ = writeln!(out, "{mark}  {}", p.text);
        if let Some(e) = &p.evidence {
            let _ = writeln!(out, "           your words: \"{}\"", e.quote);
        }
    }
    out
}

/// The STAR coach's findings as text.
pub fn star_feedback(report: &star::StarReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("\n── STAR ──\n");
    for part in &report.parts {
        let first = part
            .sentences
            .first()
            .map(|e| format!(": \"{}\"", super::truncate(&e.quote, 70)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:?} ({} sentence(s), {} words){first}",
            part.part,
            part.sentences.len(),
            part.words
        );
    }
    let _ = writeln!(
        out,
        "{} words ≈ {:.0} s at {:.0} wpm (target 60–120 s); Action {:.0}%; I/we {}/{}",
        report.words,
        report.speaking_seconds,
        report.words_per_minute,
        report.action_share * 100.0,
        report.i_count,
        report.we_count
    );
    for advice in &report.advice {
        let _ = writeln!(out, "  → {advice}");
    }
    out
}
