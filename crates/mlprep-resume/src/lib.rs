//! Resume import: reads a resume (Markdown, plain text, PDF, DOCX), understands its sections,
//! entries, bullets, technologies and quantified claims, and from them generates the targeted
//! deep-dive questions an interviewer would ask and STAR drafts for behavioral questions.
//!
//! Pipeline: [`read::extract`] (bytes → text) → [`clean::clean`] (undo PDF artifacts) →
//! [`parse::parse`] (text → [`Resume`]) → [`questions::generate`] and [`star::draft`].
//!
//! **Invariant:** everything mlprep says about the user comes from the resume's own text.
//! Questions quote it; STAR drafts copy its facts and mark every gap with `[fill in: ...]`; no
//! step invents a name, number or technology (tested with [`star::unsupported`], which checks a
//! draft against the one entry it draws on).
//!
//! This crate does no file or database I/O: it takes bytes and returns data.
#![deny(missing_docs)]

pub mod claims;
pub mod clean;
pub mod parse;
pub mod questions;
pub mod read;
pub mod star;
pub mod taxonomy;

use serde::{Deserialize, Serialize};

pub use claims::{Claim, ClaimKind};
pub use read::Format;

/// Why a resume could not be imported; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Over the size limit.
    #[error(
        "the file is {:.1} MB; mlprep reads resumes up to {} MB. Export a text, Markdown or \
         smaller PDF version of your resume",
        *bytes as f64 / 1048576.0,
        limit / 1048576
    )]
    TooLarge {
        /// The file's (or the unpacked document's) size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A DOCX whose document unpacks to more than the limit (a zip bomb or an embedded dump).
    #[error(
        "this DOCX unpacks to more than {} MB of text, far beyond any resume; re-save it without \
         embedded content, or export your resume as text or Markdown",
        limit / 1048576
    )]
    DocxTooLarge {
        /// The unpacked-text limit.
        limit: usize,
    },
    /// Nothing but whitespace.
    #[error("the file is empty; point mlprep at your resume (Markdown, text, PDF or DOCX)")]
    Empty,
    /// Not text, PDF or DOCX.
    #[error(
        "the file is not text, PDF or DOCX (it looks like binary data); export your resume as \
         Markdown, plain text, PDF or DOCX"
    )]
    Binary,
    /// A password-protected PDF.
    #[error(
        "this PDF is encrypted (password-protected), so its text cannot be read; remove the \
         password (print it to a new PDF) or export your resume as text or Markdown"
    )]
    EncryptedPdf,
    /// A PDF whose pages are images.
    #[error(
        "this PDF has no text layer (it looks scanned or made of images); export your resume as \
         text or Markdown, or run OCR on it first"
    )]
    NoTextLayer,
    /// A PDF neither extractor could read.
    #[error(
        "this PDF is damaged or uses features mlprep cannot read; export your resume as text or \
         Markdown"
    )]
    UnreadablePdf,
    /// A DOCX without a readable document part.
    #[error(
        "this DOCX is damaged (no readable word/document.xml); open and re-save it in your \
         editor, or export your resume as text or Markdown"
    )]
    BrokenDocx,
    /// Text without any resume structure.
    #[error(
        "no resume sections found; mlprep looks for English section headings such as Experience, \
         Projects, Skills or Education, each on its own line (e.g. `## Experience`), with roles or \
         projects under them"
    )]
    NoSections,
    /// Sections, but no role or project to ask about.
    #[error(
        "no roles or projects found under Experience or Projects; list each one on its own line \
         (e.g. `### ML Engineer — Acme (2021–2023)`) with its bullets below it"
    )]
    NoEntries,
}

/// The kind of a resume section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    /// Summary, profile, about.
    Summary,
    /// Work experience.
    Experience,
    /// Projects.
    Projects,
    /// Skills and technologies.
    Skills,
    /// Education.
    Education,
    /// Publications, papers, patents.
    Publications,
    /// Open source, teaching, writing, talks, community.
    Community,
    /// Anything else (awards, certifications, interests).
    Other,
}

impl SectionKind {
    /// The lower-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Summary => "summary",
            SectionKind::Experience => "experience",
            SectionKind::Projects => "projects",
            SectionKind::Skills => "skills",
            SectionKind::Education => "education",
            SectionKind::Publications => "publications",
            SectionKind::Community => "community",
            SectionKind::Other => "other",
        }
    }

    /// Whether the section lists roles or projects that deserve deep-dive questions.
    pub fn has_entries(self) -> bool {
        matches!(
            self,
            SectionKind::Experience | SectionKind::Projects | SectionKind::Community
        )
    }
}

/// A resume as mlprep understood it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    /// The candidate's name line, when the resume starts with one.
    pub name: Option<String>,
    /// The sections in order.
    pub sections: Vec<Section>,
}

/// One section of a resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// What the section is.
    pub kind: SectionKind,
    /// The heading as written.
    pub heading: String,
    /// Roles, projects or items, for sections that have them.
    pub entries: Vec<Entry>,
    /// Lines of text that belong to no entry (a summary, a skills list).
    pub text: Vec<String>,
    /// Technologies named in the section's text outside entries (e.g. the skills list).
    pub technologies: Vec<String>,
}

/// Whether an entry is a job or a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A role at an organization.
    Role,
    /// A project.
    Project,
    /// An item of a community, publications or other section.
    Item,
}

/// A role, project or item, with its bullets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// A stable slug, unique within the resume; the prefix of its questions' ids.
    pub id: String,
    /// Role, project or item.
    pub kind: EntryKind,
    /// The entry's heading line as written (cleaned of markup).
    pub heading: String,
    /// The role, for roles.
    pub role: Option<String>,
    /// The organization, for roles.
    pub organization: Option<String>,
    /// The dates as written, e.g. `2021–2023`.
    pub dates: Option<String>,
    /// The project name: the sub-heading under a role, or a project's own name.
    pub project: Option<String>,
    /// A project's description after its name, e.g. `local coding assistant`.
    pub description: Option<String>,
    /// The name questions use, when it must differ from the default (two roles at one
    /// organization are told apart by their role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The bullets (a one-line entry's description counts as one).
    pub bullets: Vec<String>,
    /// Technologies named in the entry, by taxonomy name.
    pub technologies: Vec<String>,
    /// Quantified claims in the entry.
    pub claims: Vec<Claim>,
}

impl Entry {
    /// The name questions use: the project, else the role and organization, else the heading.
    pub fn display_name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        if let Some(project) = &self.project {
            return project.clone();
        }
        match (&self.role, &self.organization) {
            (_, Some(org)) => format!("your work at {org}"),
            (Some(role), None) => format!("your work as {role}"),
            _ => self.heading.clone(),
        }
    }

    /// The entry's heading, sub-heading and bullets as one text.
    pub fn full_text(&self) -> String {
        let mut text = self.heading.clone();
        if let Some(project) = &self.project
            && !self.heading.contains(project.as_str())
        {
            text.push('\n');
            text.push_str(project);
        }
        for bullet in &self.bullets {
            text.push('\n');
            text.push_str(bullet);
        }
        text
    }
}

impl Resume {
    /// Every entry of every section, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&Section, &Entry)> {
        self.sections
            .iter()
            .flat_map(|s| s.entries.iter().map(move |e| (s, e)))
    }

    /// Every technology named anywhere, deduplicated, in first-seen order.
    pub fn technologies(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for section in &self.sections {
            let names = section
                .entries
                .iter()
                .flat_map(|e| e.technologies.iter())
                .chain(section.technologies.iter());
            for name in names {
                if !seen.contains(name) {
                    seen.push(name.clone());
                }
            }
        }
        seen
    }
}

/// The result of importing a file: where its text came from, the cleaned text and the resume.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The detected format.
    pub format: Format,
    /// Which extractor produced the text.
    pub extractor: &'static str,
    /// The cleaned text that was parsed.
    pub text: String,
    /// The structured resume.
    pub resume: Resume,
}

/// Reads, cleans and parses a resume file.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, Error> {
    let extracted = read::extract(name, bytes)?;
    let text = clean::clean(&extracted.text, extracted.format);
    let resume = parse::parse(&text, extracted.format, taxonomy::builtin())?;
    Ok(Imported {
        format: extracted.format,
        extractor: extracted.extractor,
        text,
        resume,
    })
}
