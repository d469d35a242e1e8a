//! Cleaned text → [`Resume`]: lines become blocks (headings, bullets with their wrapped
//! continuation lines, paragraphs), blocks become sections and entries, and each entry's
//! heading is split into role, organization, dates or project name.
//!
//! The reader is format-agnostic on purpose: Markdown headings, ALL-CAPS text headings, bold
//! lines and PDF text with run-in headings all arrive here as lines.

use std::sync::LazyLock;

use regex::Regex;

use crate::taxonomy::Taxonomy;
use crate::{Entry, EntryKind, Error, Format, Resume, Section, SectionKind, claims};

/// Section names, lower-case, with their kind. A heading matches when it starts with one of these
/// words or phrases (`Work Experience` → `experience` through "experience" anywhere in it).
const SECTION_WORDS: &[(&str, SectionKind)] = &[
    ("professional summary", SectionKind::Summary),
    ("summary", SectionKind::Summary),
    ("profile", SectionKind::Summary),
    ("about me", SectionKind::Summary),
    ("about", SectionKind::Summary),
    ("objective", SectionKind::Summary),
    ("overview", SectionKind::Summary),
    ("experience", SectionKind::Experience),
    ("employment", SectionKind::Experience),
    ("work history", SectionKind::Experience),
    ("career history", SectionKind::Experience),
    ("positions", SectionKind::Experience),
    ("projects", SectionKind::Projects),
    ("project", SectionKind::Projects),
    ("skills", SectionKind::Skills),
    ("skill", SectionKind::Skills),
    ("technologies", SectionKind::Skills),
    ("tech stack", SectionKind::Skills),
    ("tools", SectionKind::Skills),
    ("expertise", SectionKind::Skills),
    ("competencies", SectionKind::Skills),
    ("education", SectionKind::Education),
    ("academic", SectionKind::Education),
    ("publications", SectionKind::Publications),
    ("publication", SectionKind::Publications),
    ("papers", SectionKind::Publications),
    ("patents", SectionKind::Publications),
    ("open source", SectionKind::Community),
    ("open-source", SectionKind::Community),
    ("teaching", SectionKind::Community),
    ("writing", SectionKind::Community),
    ("talks", SectionKind::Community),
    ("speaking", SectionKind::Community),
    ("community", SectionKind::Community),
    ("volunteering", SectionKind::Community),
    ("volunteer", SectionKind::Community),
    ("leadership", SectionKind::Community),
    ("activities", SectionKind::Community),
    ("mentoring", SectionKind::Community),
    ("awards", SectionKind::Other),
    ("honors", SectionKind::Other),
    ("honours", SectionKind::Other),
    ("certifications", SectionKind::Other),
    ("certificates", SectionKind::Other),
    ("languages", SectionKind::Other),
    ("interests", SectionKind::Other),
    ("hobbies", SectionKind::Other),
    ("achievements", SectionKind::Other),
    ("references", SectionKind::Other),
    ("courses", SectionKind::Other),
];

/// Section names that PDF extraction runs into their first line in title case.
const RUN_IN_TITLES: &[&str] = &[
    "summary",
    "skills",
    "education",
    "experience",
    "projects",
    "publications",
    "profile",
    "objective",
    "certifications",
    "awards",
];

/// The longest paragraph built from wrapped lines, in bytes.
const MAX_PARAGRAPH: usize = 4000;

/// The most entries read from one resume.
pub const MAX_ENTRIES: usize = 60;

/// The most bullets read from one entry.
pub const MAX_BULLETS: usize = 30;

/// Words that may qualify a section name: `Selected Projects`, `Work Experience`,
/// `Open source, teaching & writing`.
const MODIFIERS: &[&str] = &[
    "selected",
    "professional",
    "work",
    "technical",
    "relevant",
    "key",
    "other",
    "additional",
    "personal",
    "side",
    "research",
    "industry",
    "recent",
    "core",
    "and",
    "of",
    "in",
    "my",
    "source",
    "open",
    "notable",
    "academic",
    "teaching",
    "community",
    "service",
    "extracurricular",
    "engineering",
    "software",
    "data",
    "science",
    "machine",
    "learning",
    "ml",
    "ai",
    "honours",
    "technologies",
];

/// A date or date range: `2021–2023`, `Mar 2021 – Present`, `(2019 – 2022)`, `2023-present`.
static DATES: LazyLock<Regex> = LazyLock::new(|| {
    let month = r"(?:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+|\d{1,2}/)";
    let year = r"(?:19|20)\d{2}(?:/\d{1,2}\b)?";
    Regex::new(&format!(
        r"(?i)(?:\b|\s|^)(?:{month})?{year}(?:\s*(?:–|—|-|to|until)\s*(?:(?:{month})?{year}|present|current|now|today|ongoing))?\b"
    ))
    .expect("valid date pattern")
});

/// A date range specifically (a single year alone does not make a line an entry heading).
static DATE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:19|20)\d{2}(?:/\d{1,2})?\s*(?:–|—|-|to|until)\s*(?:[a-z]+\.?\s+|\d{1,2}/)?(?:(?:19|20)\d{2}|present|current|now|today|ongoing)")
        .expect("valid date-range pattern")
});

/// The section kind of a heading line, if it is one. `line` may carry Markdown markup.
pub fn section_kind(line: &str) -> Option<SectionKind> {
    let text = strip_markup(line);
    let text = text.trim_end_matches(':').trim();
    // `Languages: Python, SQL` is a label inside a section, not a heading.
    if text.contains(':') {
        return None;
    }
    if text.is_empty() || text.ends_with('.') || text.split_whitespace().count() > 6 {
        return None;
    }
    if text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    // Every word must be a section word or a modifier: `Teaching Assistant, University of
    // Warsaw` and `Project Manager` are entries, not sections.
    let known = |w: &&str| {
        MODIFIERS.contains(w)
            || SECTION_WORDS
                .iter()
                .any(|(phrase, _)| phrase.split([' ', '-']).any(|p| p == *w))
    };
    if !words.iter().all(known) {
        return None;
    }
    let joined = words.join(" ");
    SECTION_WORDS.iter().find_map(|(phrase, kind)| {
        let hit = joined == *phrase
            || joined.starts_with(&format!("{phrase} "))
            || joined.ends_with(&format!(" {phrase}"))
            || joined.contains(&format!(" {phrase} "));
        hit.then_some(*kind)
    })
}

/// A known section heading at the start of a line with more text after it, as PDF extraction
/// produces (`SKILLS Python, SQL`): returns the heading and the rest. Only headings written in
/// capitals or as a single capitalized word qualify.
pub fn heading_prefix(line: &str) -> Option<(&str, &str)> {
    let words: Vec<(usize, &str)> = line
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w))
        .collect();
    for n in (1..=3).rev() {
        if words.len() <= n {
            continue;
        }
        let end = words[n - 1].0 + words[n - 1].1.len();
        let head = line[..end].trim_end_matches(':');
        let capitals = head
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase());
        // A capitalized word starting a line is usually a job title (`Teaching Assistant`,
        // `Project Manager`); only the common section names run into text this way.
        let single_title = n == 1
            && head.chars().next().is_some_and(char::is_uppercase)
            && head.chars().skip(1).all(|c| c.is_lowercase())
            && RUN_IN_TITLES.contains(&head.to_lowercase().as_str());
        let labelled = line[end..].starts_with(':') || words[n - 1].1.ends_with(':');
        if labelled && !capitals {
            continue;
        }
        if !(capitals || single_title) || head.chars().filter(|c| c.is_alphabetic()).count() < 4 {
            continue;
        }
        // `PROJECT MANAGER — ACME (2020–2022)`, `Education Consultant, Acme`: a job title, not a
        // heading with its first line.
        let rest = &line[end..];
        let rest_capitals = rest
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase());
        let first_rest_word = rest.split_whitespace().next().unwrap_or("");
        if DATE_RANGE.is_match(rest) || names_a_job(first_rest_word) || (capitals && rest_capitals)
        {
            return None;
        }
        if section_kind(head).is_some() {
            return Some((head, rest));
        }
    }
    None
}

fn strip_markup(line: &str) -> String {
    let trimmed = line.trim().trim_start_matches('#').trim();
    trimmed.replace("**", "").replace("__", "").replace('`', "")
}

/// A unit of the text.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// A Markdown heading: level and text.
    Heading(usize, String),
    /// A bullet with its continuation lines joined.
    Bullet(String),
    /// A paragraph or a single line; `bold` when the whole line was bold.
    Text { text: String, bold: bool },
}

fn bullet_text(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for marker in ["- ", "* ", "• ", "· ", "– ", "+ ", "▪ ", "◦ ", "‣ ", "» "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return Some(rest.trim());
        }
    }
    if let Some(rest) = t.strip_prefix('•') {
        return Some(rest.trim());
    }
    // `1. ` or `1) ` numbered items.
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits) {
        let rest = &t[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some(rest.trim());
        }
    }
    None
}

fn md_heading(line: &str) -> Option<(usize, String)> {
    let t = line.trim_start();
    let level = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&level) && t[level..].starts_with(' ') {
        Some((level, strip_markup(&t[level..])))
    } else {
        None
    }
}

fn is_bold_line(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("**") && t.ends_with("**") && t.len() > 4)
        || (t.starts_with("__") && t.ends_with("__") && t.len() > 4)
}

/// Lines that start something new and never continue a bullet or paragraph.
fn starts_new_block(line: &str, format: Format) -> bool {
    let t = line.trim();
    md_heading(t).is_some() && format == Format::Markdown
        || bullet_text(t).is_some()
        || is_bold_line(t)
        || t.starts_with("**")
        || dated_heading(t)
        || section_kind(t).is_some()
}

/// A line with a date range that reads like a heading (`ML Engineer — Acme (2019–2022)`), not
/// a sentence that mentions years (`... ran unchanged from 2015 to 2020, to a new model.`).
fn dated_heading(line: &str) -> bool {
    DATE_RANGE.is_match(line)
        && !line.ends_with('.')
        && line.split_whitespace().count() <= 16
        && !line.chars().next().is_some_and(char::is_lowercase)
}

fn blocks(text: &str, format: Format) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut blank = true;
    let mut last_len = 0usize;
    // A bullet glyph alone on its line (as some PDF producers lay bullets out): the next line
    // is the bullet's text.
    let mut pending_bullet = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            blank = true;
            continue;
        }
        if matches!(t, "-" | "•" | "*" | "·" | "–" | "▪" | "◦") {
            pending_bullet = true;
            continue;
        }
        if pending_bullet {
            pending_bullet = false;
            out.push(Block::Bullet(strip_markup(t)));
            last_len = t.chars().count();
            blank = false;
            continue;
        }
        // Each DOCX paragraph is one line: nothing there is a wrapped continuation.
        let continues = format != Format::Docx && !blank && !starts_new_block(t, format);
        // Dates on their own line right under an entry heading belong to it.
        let only_dates = DATE_RANGE
            .find(t)
            .is_some_and(|m| m.as_str().len() + 4 >= t.len());
        match out.last_mut() {
            Some(Block::Text { text, .. }) if only_dates && !DATE_RANGE.is_match(text) => {
                text.push_str(" | ");
                text.push_str(t);
                blank = false;
                continue;
            }
            Some(Block::Bullet(text))
                if continues
                    && (last_len >= 45
                        || t.chars().next().is_some_and(char::is_lowercase)
                        || line.starts_with("  ")) =>
            {
                text.push(' ');
                text.push_str(t);
                last_len = t.chars().count();
                blank = false;
                continue;
            }
            // Paragraphs join up to a length no resume paragraph reaches (and the date check
            // stays cheap on hostile input).
            Some(Block::Text { text, bold: false })
                if continues
                    && last_len >= 60
                    && text.len() < MAX_PARAGRAPH
                    && !DATE_RANGE.is_match(text) =>
            {
                text.push(' ');
                text.push_str(t);
                last_len = t.chars().count();
                blank = false;
                continue;
            }
            _ => {}
        }
        blank = false;
        last_len = t.chars().count();
        if (format == Format::Markdown || format == Format::Docx)
            && let Some((level, heading)) = md_heading(t)
        {
            out.push(Block::Heading(level, heading));
            continue;
        }
        if let Some(rest) = bullet_text(t) {
            out.push(Block::Bullet(rest.to_string()));
        } else {
            out.push(Block::Text {
                text: strip_markup(t),
                bold: is_bold_line(t) || t.starts_with("**"),
            });
        }
    }
    out
}

/// Whether a paragraph reads like an entry heading rather than a sentence.
fn heading_like(text: &str, bold: bool) -> bool {
    let words = text.split_whitespace().count();
    bold || DATE_RANGE.is_match(text) || (words <= 12 && !text.ends_with('.'))
}

struct Builder<'t> {
    taxonomy: &'t Taxonomy,
    sections: Vec<Section>,
}

impl Builder<'_> {
    fn section(&mut self) -> Option<&mut Section> {
        self.sections.last_mut()
    }

    fn new_entry(&mut self, heading: &str) {
        let Some(section) = self.sections.last_mut() else {
            return;
        };
        let kind = match section.kind {
            SectionKind::Experience => EntryKind::Role,
            SectionKind::Projects => EntryKind::Project,
            _ => EntryKind::Item,
        };
        let mut entry = parse_heading(heading, kind);
        entry.id = String::new();
        section.entries.push(entry);
    }

    fn entry(&mut self) -> Option<&mut Entry> {
        self.sections.last_mut().and_then(|s| s.entries.last_mut())
    }
}

/// Splits an entry heading into its parts.
fn parse_heading(heading: &str, kind: EntryKind) -> Entry {
    let heading = heading.trim().to_string();
    let mut dates = None;
    let mut rest = heading.clone();
    if let Some(m) = DATES.find_iter(&heading).last() {
        // A range, or a year at the end of the heading: the entry's dates.
        let tail =
            heading[m.end()..].trim_matches(|c: char| c == ')' || c == ']' || c.is_whitespace());
        if DATE_RANGE.is_match(m.as_str()) || tail.is_empty() {
            dates = Some(m.as_str().trim().to_string());
            rest = format!("{}{}", &heading[..m.start()], &heading[m.end()..]);
        }
    }
    let rest = rest
        .replace("()", "")
        .replace("[]", "")
        .trim()
        .trim_matches(|c: char| "|,–—-·(".contains(c) || c.is_whitespace())
        .to_string();
    let parts: Vec<String> = split_parts(&rest);
    let mut entry = Entry {
        id: String::new(),
        kind,
        heading: heading.clone(),
        role: None,
        organization: None,
        dates,
        project: None,
        description: None,
        name: None,
        bullets: Vec::new(),
        technologies: Vec::new(),
        claims: Vec::new(),
    };
    match kind {
        EntryKind::Role => {
            entry.role = parts.first().cloned();
            entry.organization = parts.get(1).cloned();
            // `**Company** — Role`: the role is the part that names a job.
            if let (Some(first), Some(second)) = (&entry.role, &entry.organization)
                && !names_a_job(first)
                && names_a_job(second)
            {
                std::mem::swap(&mut entry.role, &mut entry.organization);
            }
        }
        EntryKind::Project | EntryKind::Item => {
            let (name, description) = match rest
                .split_once(" — ")
                .or_else(|| rest.split_once(" – "))
                .or_else(|| rest.split_once(" - "))
                .or_else(|| rest.split_once(": "))
            {
                Some((name, description)) => (
                    name.trim().to_string(),
                    Some(description.trim().to_string()),
                ),
                None => (rest.clone(), None),
            };
            entry.project = Some(name).filter(|n| !n.is_empty());
            entry.description = description.filter(|d| !d.is_empty());
        }
    }
    entry
}

/// `Berlin, Germany`, `London, UK`: a short run of capitalized words with a comma.
fn looks_like_place(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    text.contains(',')
        && words.len() <= 4
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Whether a heading part names a job (`Senior ML Engineer`) rather than an organization.
fn names_a_job(part: &str) -> bool {
    const JOB_WORDS: &[&str] = &[
        "engineer",
        "scientist",
        "developer",
        "manager",
        "researcher",
        "analyst",
        "intern",
        "lead",
        "architect",
        "consultant",
        "assistant",
        "director",
        "head",
        "founder",
        "professor",
        "lecturer",
        "student",
        "fellow",
        "specialist",
        "officer",
        "programmer",
        "designer",
        "cto",
        "ceo",
        "vp",
        "postdoc",
        "associate",
        "technician",
        "administrator",
    ];
    part.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| JOB_WORDS.contains(&w))
}

fn split_parts(text: &str) -> Vec<String> {
    let mut parts = vec![text.to_string()];
    for separator in [" — ", " – ", " | ", "\t", " - ", " @ ", " at ", ", "] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(separator).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    parts
        .into_iter()
        .map(|p| {
            p.trim()
                .trim_matches(|c: char| c == '(' || c == ')')
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// The ASCII letter(s) for a common accented Latin letter, so ids stay typeable.
fn ascii_fold(c: char) -> Option<&'static str> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(folded)
}

/// A lower-case ASCII slug of a text (at most 40 characters), for ids.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        if let Some(folded) = ascii_fold(c) {
            out.push_str(folded);
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_end_matches('-').chars().take(40).collect();
    let trimmed = trimmed.trim_end_matches('-').to_string();
    if trimmed.is_empty() {
        "entry".to_string()
    } else {
        trimmed
    }
}

/// Parses cleaned resume text.
pub fn parse(text: &str, format: Format, taxonomy: &Taxonomy) -> Result<Resume, Error> {
    let blocks = blocks(text, format);
    let mut name: Option<String> = None;
    let mut builder = Builder {
        taxonomy,
        sections: Vec::new(),
    };
    let mut section_level = 0usize;
    for (index, block) in blocks.iter().enumerate() {
        let next_is_bullet = matches!(blocks.get(index + 1), Some(Block::Bullet(_)));
        let heading_text = match block {
            Block::Heading(_, text) => Some(text.as_str()),
            Block::Text { text, .. } => Some(text.as_str()),
            Block::Bullet(_) => None,
        };
        // A new section?
        if let Some(text) = heading_text
            && let Some(kind) = section_kind(text)
        {
            let is_heading_block = matches!(block, Block::Heading(..));
            let deeper_than_section = matches!(block, Block::Heading(level, _) if *level > section_level && section_level > 0);
            let in_entry_section = builder.section().is_some_and(|s| s.kind.has_entries());
            if !(is_heading_block && deeper_than_section && in_entry_section) {
                if let Block::Heading(level, _) = block {
                    section_level = *level;
                }
                builder.sections.push(Section {
                    kind,
                    heading: text.trim_end_matches(':').trim().to_string(),
                    entries: Vec::new(),
                    text: Vec::new(),
                    technologies: Vec::new(),
                });
                continue;
            }
        }
        let Some(section) = builder.section() else {
            // Before the first section: the name, then contact lines.
            if name.is_none()
                && let Some(text) = heading_text
            {
                let candidate = text
                    .split(['·', '|', '•'])
                    .next()
                    .unwrap_or(text)
                    .trim()
                    .to_string();
                if !candidate.contains('@') && candidate.split_whitespace().count() <= 8 {
                    name = Some(candidate);
                }
            }
            continue;
        };
        let kind = section.kind;
        if !kind.has_entries() {
            let line = match block {
                Block::Heading(_, text) | Block::Text { text, .. } => text.clone(),
                Block::Bullet(text) => format!("• {text}"),
            };
            section.text.push(line);
            continue;
        }
        match block {
            Block::Heading(level, text) => {
                if section_level == 0 || *level > section_level {
                    builder.new_entry(text);
                } else {
                    section_level = *level;
                    builder.sections.push(Section {
                        kind: SectionKind::Other,
                        heading: text.clone(),
                        entries: Vec::new(),
                        text: Vec::new(),
                        technologies: Vec::new(),
                    });
                }
            }
            Block::Bullet(text) => {
                if builder.entry().is_none() {
                    let heading = builder
                        .section()
                        .map(|s| s.heading.clone())
                        .unwrap_or_default();
                    builder.new_entry(&heading);
                }
                if let Some(entry) = builder.entry() {
                    entry.bullets.push(text.clone());
                }
            }
            Block::Text { text, bold } => {
                let current_is_open = builder.entry().is_some_and(|e| e.bullets.is_empty());
                let has_dates = DATE_RANGE.is_match(text);
                // A heading written over two lines: `ML Engineer — Acme` then
                // `Berlin, Germany | Jan 2021 – Present` (or just the place).
                let undated_open = current_is_open
                    && builder
                        .entry()
                        .is_some_and(|e| e.dates.is_none() && e.project.is_none());
                if undated_open
                    && (has_dates || looks_like_place(text))
                    && heading_like(text, *bold)
                {
                    if let Some(entry) = builder.entry() {
                        if has_dates {
                            entry.dates = parse_heading(text, EntryKind::Item).dates;
                        }
                        entry.heading = format!("{} | {text}", entry.heading);
                    }
                    continue;
                }
                if heading_like(text, *bold) {
                    // A short line right under a heading (before any bullet) names the project
                    // of that role: `Fraud detection & Graph-RAG`.
                    let subtitle = current_is_open
                        && !has_dates
                        && builder
                            .entry()
                            .is_some_and(|e| e.kind == EntryKind::Role && e.project.is_none());
                    if subtitle {
                        if let Some(entry) = builder.entry() {
                            entry.project = Some(text.clone());
                        }
                    } else if current_is_open
                        && !has_dates
                        && !next_is_bullet
                        && builder.entry().is_some()
                    {
                        if let Some(entry) = builder.entry() {
                            entry.bullets.push(text.clone());
                        }
                    } else {
                        builder.new_entry(text);
                    }
                } else if current_is_open {
                    if let Some(entry) = builder.entry() {
                        entry.bullets.push(text.clone());
                    }
                } else {
                    // A one-line entry: `Name — what it is and what it achieved.`
                    let (head, _) = text
                        .split_once(" — ")
                        .or_else(|| text.split_once(" – "))
                        .or_else(|| text.split_once(": "))
                        .unwrap_or((text.as_str(), ""));
                    let head = if head.split_whitespace().count() <= 8 {
                        head
                    } else {
                        text.as_str()
                    };
                    builder.new_entry(head);
                    if let Some(entry) = builder.entry() {
                        entry.heading = text.clone();
                        entry.bullets.push(text.clone());
                    }
                }
            }
        }
    }
    finish(&mut builder);
    if builder.sections.is_empty() {
        return Err(Error::NoSections);
    }
    if builder.sections.iter().all(|s| s.entries.is_empty()) {
        return Err(Error::NoEntries);
    }
    Ok(Resume {
        name,
        sections: builder.sections,
    })
}

/// Drops empty entries, assigns ids, and finds technologies and claims.
fn finish(builder: &mut Builder<'_>) {
    let taxonomy = builder.taxonomy;
    let mut ids: Vec<String> = Vec::new();
    // Two roles at one organization are named by role as well, or their questions would read
    // alike ("your work at University of Warsaw" twice).
    let mut organizations: Vec<String> = Vec::new();
    for section in &builder.sections {
        for entry in &section.entries {
            if entry.project.is_none()
                && !entry.bullets.is_empty()
                && let Some(org) = &entry.organization
            {
                organizations.push(org.clone());
            }
        }
    }
    let mut kept = 0;
    for section in &mut builder.sections {
        section.entries.retain(|e| !e.bullets.is_empty());
        // A resume has tens of entries; thousands mean a generated or broken file. Keep the
        // first ones rather than drown practice in them.
        section.entries.truncate(MAX_ENTRIES.saturating_sub(kept));
        kept += section.entries.len();
        for entry in &mut section.entries {
            let base = slug(&match (&entry.project, &entry.role, &entry.organization) {
                (Some(project), _, _) => project.clone(),
                (None, Some(role), Some(org)) => format!("{role} {org}"),
                _ => entry.heading.clone(),
            });
            let mut id = base.clone();
            let mut n = 2;
            while ids.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            ids.push(id.clone());
            entry.id = id;
            if entry.project.is_none()
                && let (Some(role), Some(org)) = (&entry.role, &entry.organization)
                && organizations.iter().filter(|o| *o == org).count() > 1
            {
                entry.name = Some(format!("your work as {role} at {org}"));
            }
            entry.bullets.truncate(MAX_BULLETS);
            entry.technologies = taxonomy
                .find(&entry.full_text())
                .into_iter()
                .map(|t| t.name.clone())
                .collect();
            entry.claims = entry
                .bullets
                .iter()
                .enumerate()
                .flat_map(|(i, b)| claims::extract(b, i))
                .collect();
        }
        if !section.kind.has_entries() {
            section.technologies = taxonomy
                .find(&section.text.join("\n"))
                .into_iter()
                .map(|t| t.name.clone())
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_headings_are_recognized() {
        assert_eq!(section_kind("## Experience"), Some(SectionKind::Experience));
        assert_eq!(
            section_kind("WORK EXPERIENCE"),
            Some(SectionKind::Experience)
        );
        assert_eq!(
            section_kind("Selected Projects"),
            Some(SectionKind::Projects)
        );
        assert_eq!(
            section_kind("Open source, teaching & writing"),
            Some(SectionKind::Community)
        );
        assert_eq!(section_kind("TECHNICAL SKILLS"), Some(SectionKind::Skills));
        assert_eq!(section_kind("Built a feature service in 2021."), None);
        assert_eq!(section_kind("GPU kernels"), None);
    }

    #[test]
    fn entry_headings_split_into_parts() {
        let e = parse_heading(
            "Senior ML Engineer — Northwind Payments (2023–present)",
            EntryKind::Role,
        );
        assert_eq!(e.role.as_deref(), Some("Senior ML Engineer"));
        assert_eq!(e.organization.as_deref(), Some("Northwind Payments"));
        assert_eq!(e.dates.as_deref(), Some("2023–present"));
        let e = parse_heading(
            "Senior Data Scientist, Acme Streaming — Berlin | Mar 2021 – Present",
            EntryKind::Role,
        );
        assert_eq!(e.role.as_deref(), Some("Senior Data Scientist"));
        assert_eq!(e.organization.as_deref(), Some("Acme Streaming"));
        assert_eq!(e.dates.as_deref(), Some("Mar 2021 – Present"));
        let e = parse_heading("AIFred — local coding assistant", EntryKind::Project);
        assert_eq!(e.project.as_deref(), Some("AIFred"));
        assert_eq!(e.description.as_deref(), Some("local coding assistant"));
    }

    #[test]
    fn two_line_headings_and_month_like_names() {
        let taxonomy = crate::taxonomy::builtin();
        let text = "Experience\n\nML Engineer — Acme\nBerlin, Germany | Jan 2021 – Present\n\
                    - Built a ranking model in LightGBM for the search page.\n\
                    - Led the migration of the ranking stack, which ran unchanged from\n  \
                    2015 to 2020, to a two-tower model.\n\n\
                    Data Scientist, Novartis 2018–2020\n- Forecast demand with Prophet.\n";
        let resume = parse(text, Format::Text, taxonomy).unwrap();
        let entries: Vec<&Entry> = resume.entries().map(|(_, e)| e).collect();
        assert_eq!(entries.len(), 2, "{entries:#?}");
        assert_eq!(entries[0].role.as_deref(), Some("ML Engineer"));
        assert_eq!(entries[0].organization.as_deref(), Some("Acme"));
        assert_eq!(entries[0].dates.as_deref(), Some("Jan 2021 – Present"));
        assert_eq!(entries[0].bullets.len(), 2);
        assert_eq!(entries[1].organization.as_deref(), Some("Novartis"));
        assert_eq!(entries[1].dates.as_deref(), Some("2018–2020"));
        for line in [
            "PROJECT MANAGER — ACME CORP (2020–2022)",
            "Education Consultant, Acme (2019 – 2021)",
        ] {
            assert_eq!(heading_prefix(line), None, "{line}");
        }
    }

    #[test]
    fn heading_prefixes_are_split_only_when_capitalized() {
        assert_eq!(
            heading_prefix("SKILLS Python, SQL"),
            Some(("SKILLS", " Python, SQL"))
        );
        assert_eq!(
            heading_prefix("Summary ML engineer with"),
            Some(("Summary", " ML engineer with"))
        );
        assert_eq!(heading_prefix("skills in Python"), None);
        assert_eq!(heading_prefix("Built things"), None);
    }
}
