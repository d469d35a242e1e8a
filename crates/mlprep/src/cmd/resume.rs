//! `mlprep resume`: import a resume, show what was understood, generate targeted deep-dive
//! questions (which join practice as the `resume` deck), draft STAR answers from its bullets,
//! and forget it all. The resume never leaves the data directory.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mlprep_bank::Bank;
use mlprep_core::{Kind, Question};
use mlprep_resume::questions::{self, EntryQuestions, Targeted};
use mlprep_resume::{Resume, star};
use mlprep_store::{Store, StoredResume};

use super::{print_json, truncate};
use crate::app::{App, require};
use crate::{GlobalArgs, clock};

/// Arguments of `mlprep resume`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Import a resume (Markdown, plain text, PDF with a text layer, or DOCX; up to 5 MB),
    /// replacing the previous one, and generate its targeted questions.
    Import {
        /// The resume file.
        file: PathBuf,
        /// Print what was understood as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show what mlprep understood: sections, entries, bullets, technologies and claims.
    Show {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The targeted deep-dive questions for each project and role, citing the resume line each
    /// comes from, with the bank questions its technologies make likely.
    Questions {
        /// Only this entry (its id, as `mlprep resume show` prints it).
        #[arg(long, value_name = "ID")]
        entry: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Draft STAR answers to behavioral questions from the resume's own bullets; what the
    /// resume does not say is marked `[fill in: ...]`.
    Star {
        /// Only this behavioral question (default: one question per competency).
        #[arg(long, short = 'q', value_name = "ID")]
        question: Option<String>,
        /// Save the drafts to the story bank (`mlprep stories`), to edit and reuse.
        #[arg(long)]
        save: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Delete the resume and everything derived from it: its questions, your attempts at
    /// them, their schedule, and the story bank.
    Forget,
}

/// Runs `mlprep resume`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    match args.command {
        Command::Import { file, json } => import(&app, &file, json),
        Command::Show { json } => show(&app, json),
        Command::Questions { entry, json } => list_questions(&app, entry.as_deref(), json),
        Command::Star {
            question,
            save,
            json,
        } => star_drafts(&app, question.as_deref(), save, json),
        Command::Forget => forget(&app),
    }
}

/// Reads at most the size limit plus one byte, so a huge file is refused without reading it.
pub fn read_limited(path: &std::path::Path) -> Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        bail!("{} is a folder; give the resume file", path.display());
    }
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > mlprep_resume::read::MAX_BYTES as u64 {
        return Err(mlprep_resume::Error::TooLarge {
            bytes: usize::try_from(size).unwrap_or(usize::MAX),
            limit: mlprep_resume::read::MAX_BYTES,
        })
        .with_context(|| format!("cannot import {}", path.display()));
    }
    let mut bytes = Vec::new();
    file.take(mlprep_resume::read::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

fn import(app: &App, path: &std::path::Path, json: bool) -> Result<ExitCode> {
    let bytes = read_limited(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let imported = mlprep_resume::import(&name, &bytes)
        .with_context(|| format!("cannot import {}", path.display()))?;
    let bank = app.bank()?;
    let generated = questions::generate(&imported.resume, &bank.questions);
    let rows: Vec<(String, String)> = generated
        .iter()
        .flat_map(|e| e.questions.iter())
        .map(|t| Ok((t.question.id.clone(), serde_json::to_string(t)?)))
        .collect::<Result<_>>()?;
    let mut store = app.store()?;
    let previous = store.resume()?;
    store.save_resume(
        &StoredResume {
            imported_at: clock::now()?,
            file_name: name.clone(),
            format: imported.format.as_str().to_string(),
            extractor: imported.extractor.to_string(),
            text: imported.text.clone(),
            parsed: serde_json::to_string(&imported.resume)?,
        },
        &rows,
    )?;
    if json {
        print_json(&serde_json::json!({
            "file": name,
            "format": imported.format,
            "extractor": imported.extractor,
            "resume": imported.resume,
            "questions": rows.len(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(previous) = previous {
        println!(
            "Replaced the resume imported {} ({}).",
            clock::format(previous.imported_at),
            previous.file_name
        );
    }
    let entries = imported.resume.entries().count();
    let claims: usize = imported.resume.entries().map(|(_, e)| e.claims.len()).sum();
    println!(
        "Imported {name} ({}, read with {}): {} section(s), {entries} project(s) or role(s), {} technologies, {claims} quantified claim(s).",
        imported.format.as_str(),
        imported.extractor,
        imported.resume.sections.len(),
        imported.resume.technologies().len(),
    );
    println!(
        "Generated {} targeted question(s); they join practice as the `resume` deck (`mlprep practice -c resume`).",
        rows.len()
    );
    println!(
        "Check what was understood with `mlprep resume show`; see the questions with `mlprep resume questions`."
    );
    Ok(ExitCode::SUCCESS)
}

/// The stored resume, or a message saying how to import one.
fn load(store: &Store) -> Result<(StoredResume, Resume)> {
    let Some(stored) = store.resume()? else {
        bail!(
            "no resume imported yet; run `mlprep resume import FILE` (Markdown, text, PDF or DOCX)"
        );
    };
    let resume: Resume = serde_json::from_str(&stored.parsed).context(
        "the stored resume was written by another mlprep version; import it again with `mlprep resume import FILE`",
    )?;
    Ok((stored, resume))
}

fn show(app: &App, json: bool) -> Result<ExitCode> {
    let store = app.store()?;
    let (stored, resume) = load(&store)?;
    if json {
        print_json(&serde_json::json!({
            "file": stored.file_name,
            "format": stored.format,
            "extractor": stored.extractor,
            "imported_at": stored.imported_at,
            "resume": resume,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} ({}, imported {})",
        resume.name.as_deref().unwrap_or("Resume"),
        stored.file_name,
        clock::format(stored.imported_at)
    );
    for section in &resume.sections {
        println!("\n## {} [{}]", section.heading, section.kind.as_str());
        for line in &section.text {
            println!("  {}", truncate(line, 96));
        }
        if !section.technologies.is_empty() {
            println!("  technologies: {}", section.technologies.join(", "));
        }
        for entry in &section.entries {
            println!("\n  ### {}  (id: {})", entry.heading, entry.id);
            let mut parts = Vec::new();
            if let Some(role) = &entry.role {
                parts.push(format!("role: {role}"));
            }
            if let Some(org) = &entry.organization {
                parts.push(format!("organization: {org}"));
            }
            if let Some(dates) = &entry.dates {
                parts.push(format!("dates: {dates}"));
            }
            if let Some(project) = &entry.project {
                parts.push(format!("project: {project}"));
            }
            if !parts.is_empty() {
                println!("  {}", parts.join(" · "));
            }
            for bullet in &entry.bullets {
                println!("  - {}", truncate(bullet, 120));
            }
            if !entry.technologies.is_empty() {
                println!("  technologies: {}", entry.technologies.join(", "));
            }
            for claim in &entry.claims {
                println!(
                    "  claim ({}): {}",
                    serde_json::to_value(claim.kind)?
                        .as_str()
                        .unwrap_or_default(),
                    claim.text
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The questions as stored at import (not regenerated), grouped by entry, with the likely bank
/// questions looked up afresh.
fn grouped(resume: &Resume, store: &Store, bank: &Bank) -> Result<Vec<EntryQuestions>> {
    let stored: Vec<Targeted> = store
        .resume_questions()?
        .iter()
        .map(|json| serde_json::from_str(json))
        .collect::<Result<_, _>>()
        .context("stored resume questions are unreadable; import the resume again")?;
    let mut groups = questions::outline(resume, &bank.questions);
    for group in &mut groups {
        group.questions = stored
            .iter()
            .filter(|t| t.entry == group.entry)
            .cloned()
            .collect();
    }
    Ok(groups)
}

fn list_questions(app: &App, only: Option<&str>, json: bool) -> Result<ExitCode> {
    let store = app.store()?;
    let (_, resume) = load(&store)?;
    let bank = app.bank()?;
    let mut groups = grouped(&resume, &store, &bank)?;
    if let Some(only) = only {
        groups.retain(|g| g.entry == only);
        if groups.is_empty() {
            let ids: Vec<&str> = resume.entries().map(|(_, e)| e.id.as_str()).collect();
            bail!("no entry `{only}`; the entries are: {}", ids.join(", "));
        }
    }
    if json {
        print_json(&groups)?;
        return Ok(ExitCode::SUCCESS);
    }
    for group in &groups {
        println!(
            "\n## {} ({}, id: {})",
            group.name, group.section, group.entry
        );
        for t in &group.questions {
            println!("\n- {}", t.question.prompt);
            println!(
                "  id: {}  ·  from your resume: \"{}\"",
                t.question.id,
                truncate(&t.cites, 90)
            );
        }
        if !group.likely.is_empty() {
            println!("\n  Bank questions this makes likely:");
            for id in &group.likely {
                if let Some(q) = bank.question(id) {
                    println!("  · {id}: {}", truncate(&q.prompt, 80));
                }
            }
        }
    }
    let total: usize = groups.iter().map(|g| g.questions.len()).sum();
    println!("\n{total} targeted question(s). Practise them with `mlprep practice -c resume`.");
    Ok(ExitCode::SUCCESS)
}

/// The text of one entry: what a STAR draft drawn from it may state.
fn entry_text(resume: &Resume, id: &str) -> String {
    resume
        .entries()
        .find(|(_, e)| e.id == id)
        .map(|(_, e)| e.full_text())
        .unwrap_or_default()
}

/// One behavioral question per competency, in bank order.
fn one_per_competency(bank: &Bank) -> Vec<&Question> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for q in bank.questions.iter().filter(|q| q.kind == Kind::Behavioral) {
        if let Some(star) = &q.star
            && !seen.contains(&star.competency.as_str())
        {
            seen.push(&star.competency);
            out.push(q);
        }
    }
    out
}

fn star_drafts(app: &App, question: Option<&str>, save: bool, json: bool) -> Result<ExitCode> {
    let store = app.store()?;
    let (_, resume) = load(&store)?;
    let bank = app.bank()?;
    let targets: Vec<&Question> = match question {
        Some(id) => {
            let q = require(&bank, id)?;
            if q.star.is_none() {
                bail!(
                    "`{id}` is not a behavioral question; `mlprep list -k behavioral` lists them"
                );
            }
            vec![q]
        }
        None => one_per_competency(&bank),
    };
    let mut used: Vec<String> = Vec::new();
    let mut drafts: Vec<(star::Draft, &Question)> = Vec::new();
    for q in targets {
        if let Some(d) = star::draft_avoiding(&resume, q, &used) {
            used.push(d.entry.clone());
            drafts.push((d, q));
        }
    }
    if drafts.is_empty() {
        bail!("the resume has no project or role with bullets to draw a story from");
    }
    let mut saved = Vec::new();
    if save {
        let now = clock::now()?;
        let existing = store.stories()?;
        for (draft, _) in &drafts {
            // Saving the same draft twice keeps one copy.
            if existing.iter().any(|s| s.body == draft.text()) {
                continue;
            }
            let title = format!("{} ({})", draft.entry_name, draft.competency);
            let id = store.add_story(
                &title,
                std::slice::from_ref(&draft.competency),
                &draft.text(),
                Some(&draft.question),
                now,
            )?;
            saved.push(id);
        }
    }
    if json {
        let values: Vec<serde_json::Value> = drafts
            .iter()
            .map(|(d, q)| {
                serde_json::json!({
                    "question": q.id,
                    "prompt": q.prompt,
                    "draft": d,
                    "text": d.text(),
                    "placeholders": d.placeholders(),
                    "unsupported": star::unsupported(&d.text(), &entry_text(&resume, &d.entry)),
                })
            })
            .collect();
        print_json(&serde_json::json!({ "drafts": values, "saved": saved }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for (draft, q) in &drafts {
        println!("\n## {} [{}]", q.prompt, draft.competency);
        println!("Drawn from: {}\n", draft.entry_name);
        print!("{}", draft.text());
        let unsupported = star::unsupported(&draft.text(), &entry_text(&resume, &draft.entry));
        if unsupported.is_empty() {
            println!(
                "\n{} thing(s) to fill in. Every other word comes from this entry of your resume.",
                draft.placeholders().len()
            );
        } else {
            println!(
                "\n{} thing(s) to fill in. Check these words, which are not in this entry of your resume: {}",
                draft.placeholders().len(),
                unsupported.join(", ")
            );
        }
    }
    if save && saved.is_empty() {
        println!("\nThese drafts are already in the story bank; `mlprep stories` lists it.");
    }
    if !saved.is_empty() {
        println!(
            "\nSaved {} draft(s) to the story bank; `mlprep stories` shows them and which competencies still lack one.",
            saved.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn forget(app: &App) -> Result<ExitCode> {
    if !app.db_path().exists() {
        println!("No resume stored; nothing to forget.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = app.store()?;
    let forgotten = store.forget_resume()?;
    if !forgotten.resume && forgotten.questions == 0 && forgotten.stories == 0 {
        println!("No resume stored; nothing to forget.");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Forgot the resume: deleted it, {} generated question(s), {} attempt(s) and {} card(s) of them, and {} stor(y/ies) from the story bank. Your other practice history is untouched.",
        forgotten.questions, forgotten.attempts, forgotten.cards, forgotten.stories
    );
    Ok(ExitCode::SUCCESS)
}
