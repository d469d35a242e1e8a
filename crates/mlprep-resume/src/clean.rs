//! Undoing what PDF extraction and word processors do to text: ligature characters, curly
//! quotes, odd spaces and bullet glyphs, words split by line-end hyphens, page numbers and page
//! headers, and section headings run into the first line of their section.

use crate::Format;
use crate::parse::heading_prefix;

/// Cleans extracted text. Markdown keeps its markup; every format gets the character fixes.
pub fn clean(text: &str, format: Format) -> String {
    // Old Mac and mixed line endings: a lone CR ends a line too.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = characters(&text);
    let mut lines: Vec<String> = Vec::new();
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string();
    let mut after_page_break = false;
    for raw in text.split('\n') {
        let mut line = raw.trim_end().to_string();
        if line.contains('\x0C') {
            after_page_break = true;
            line = line.replace('\x0C', "");
        }
        let trimmed = line.trim();
        if is_page_number(trimmed) || is_rule(trimmed) {
            continue;
        }
        // A running header repeats the name at the top of each page.
        if after_page_break && !trimmed.is_empty() {
            after_page_break = false;
            if !first.is_empty()
                && trimmed.starts_with(&first)
                && trimmed.split_whitespace().count() <= first.split_whitespace().count() + 3
            {
                continue;
            }
        }
        if format != Format::Markdown
            && let Some((heading, rest)) = split_run_in_heading(trimmed)
        {
            lines.push(heading);
            lines.push(rest);
            continue;
        }
        lines.push(collapse_spaces(&line));
    }
    let lines = dehyphenate(lines);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Runs of spaces inside a line become one (PDF extraction doubles some); the indentation at
/// the start of the line is kept, since it marks wrapped bullet lines in plain text.
fn collapse_spaces(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let mut out = line[..indent].to_string();
    let mut previous_space = false;
    for c in line[indent..].chars() {
        if c == ' ' {
            if !previous_space {
                out.push(c);
            }
            previous_space = true;
        } else {
            out.push(c);
            previous_space = false;
        }
    }
    out
}

/// Character-level fixes: ligatures, quotes, dashes kept, odd spaces, bullet glyphs.
fn characters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => out.push('"'),
            '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{202F}' | '\u{2007}' => {
                out.push(' ')
            }
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            '\u{2028}' | '\u{2029}' | '\u{0085}' => out.push('\n'),
            '\r' => {}
            // A tab between words separates columns (`Role<tab>Company`); `|` keeps them apart.
            '\t' => out.push_str(" | "),
            // Private-use and dingbat bullets that Symbol and Wingdings fonts produce.
            '\u{F0B7}' | '\u{F0A7}' | '\u{F076}' | '\u{F0D8}' | '\u{25CF}' | '\u{25AA}'
            | '\u{25E6}' | '\u{2023}' | '\u{2043}' | '\u{27A2}' | '\u{25BA}' => out.push('•'),
            c if c.is_whitespace() && c != '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    // Leading tabs were indentation, not columns.
    out.lines()
        .map(|line| {
            let indent = line.len() - line.trim_start_matches([' ', '|']).len();
            if line[..indent].contains('|') {
                format!("{}{}", " ".repeat(indent), &line[indent..])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lines that are only a page number: `2`, `- 2 -`, `-2-`, `Page 2`, `Page 2 of 3`, `2/3`.
fn is_page_number(line: &str) -> bool {
    let stripped =
        line.trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c.is_whitespace());
    if stripped.is_empty() {
        return false;
    }
    let lower = stripped.to_lowercase();
    let rest = lower.strip_prefix("page").map(str::trim).unwrap_or(&lower);
    let parts: Vec<&str> = rest
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty() && *p != "of")
        .collect();
    !parts.is_empty()
        && parts.len() <= 2
        && parts
            .iter()
            .all(|p| p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// `SKILLS Python, SQL` → (`SKILLS`, `Python, SQL`): a known section heading at the start of a
/// line, followed by text that starts a new sentence.
fn split_run_in_heading(line: &str) -> Option<(String, String)> {
    let (heading, rest) = heading_prefix(line)?;
    let rest = rest.trim_start_matches([':', ' ']).trim();
    if rest.is_empty() {
        return None;
    }
    let starts_well = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '•' || c == '-');
    starts_well.then(|| (heading.to_string(), rest.to_string()))
}

/// Joins words split across lines by a hyphen: `classi-` + `fication` → `classification`.
/// Only a line ending in a word with letters joins, and only onto a next line that continues in
/// lower case. A hyphen after a capital or digit (`GPU-` + `accelerated`) or inside an already
/// hyphenated word (`end-to-` + `end`) is a real hyphen and stays.
fn dehyphenate(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut lines = lines.into_iter().peekable();
    while let Some(mut line) = lines.next() {
        while let Some(head) = line.trim_end().strip_suffix('-') {
            let word = head.split_whitespace().last().unwrap_or("");
            let Some(before) = word.chars().last() else {
                break;
            };
            if !word.chars().any(char::is_alphabetic) {
                break;
            }
            let continues = lines.peek().is_some_and(|next| {
                next.trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
            });
            if !continues {
                break;
            }
            let real_hyphen =
                word.contains('-') || !before.is_lowercase() || word.chars().count() < 2;
            let head = if real_hyphen {
                format!("{head}-")
            } else {
                head.to_string()
            };
            let next = lines.next().unwrap_or_default();
            line = format!("{head}{}", next.trim_start());
        }
        out.push(line);
    }
    out
}

/// A line drawn with `---`, `===` or `___`: a rule, not text.
fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() >= 3
        && t.chars()
            .all(|c| matches!(c, '-' | '=' | '_' | '*' | '─' | '━'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_artifacts_are_undone() {
        let text = "Built a classi-\nfication service; \u{FB01}ne-tuned the \u{FB02}ow\n\
                    led the GPU-\naccelerated end-to-\nend path\n - 2 -\nPage 2 of 3\n\
                    \u{201C}boring\u{201D} it\u{2019}s\nSKILLS Python, SQL\n\u{F0B7} Item";
        let cleaned = clean(text, Format::Text);
        assert!(cleaned.contains("classification service"), "{cleaned}");
        assert!(cleaned.contains("fine-tuned the flow"), "{cleaned}");
        assert!(cleaned.contains("GPU-accelerated"), "{cleaned}");
        assert!(cleaned.contains("end-to-end path"), "{cleaned}");
        assert!(
            !cleaned.contains("2 -") && !cleaned.contains("Page"),
            "{cleaned}"
        );
        assert!(cleaned.contains("\"boring\" it's"), "{cleaned}");
        assert!(cleaned.contains("SKILLS\nPython, SQL"), "{cleaned}");
        assert!(cleaned.contains("• Item"), "{cleaned}");
        // Odd spaces before a split word, rules, and tab columns.
        let cleaned = clean(
            "Built a system\u{2005}classi-\nfication\n---\n\n## Experience\nML Engineer\tAcme\n\tindented",
            Format::Markdown,
        );
        assert!(cleaned.contains("system classification"), "{cleaned}");
        assert!(cleaned.contains("\n## Experience\n"), "{cleaned}");
        assert!(cleaned.contains("ML Engineer | Acme"), "{cleaned}");
        assert!(
            cleaned.contains("\n   indented") || cleaned.contains("\n  indented"),
            "{cleaned}"
        );
    }

    #[test]
    fn page_numbers_are_recognized() {
        for line in ["2", "-2-", " - 12 - ", "Page 3", "page 2 of 3", "2/3"] {
            assert!(is_page_number(line.trim()), "{line}");
        }
        for line in ["2021", "Python 3", "3x faster", "Page", "2023–present"] {
            assert!(!is_page_number(line), "{line}");
        }
    }
}
