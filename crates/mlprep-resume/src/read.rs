//! Reading a resume file into plain text: format detection by content (not by name), the size
//! limit, PDF text extraction with two extractors, DOCX paragraphs, and the clear refusals for
//! files mlprep cannot read.
//!
//! PDF readers panic or loop on some hostile files, so each runs on its own thread with a time
//! limit and a caught panic; a failure becomes an [`Error`], never a crash.

use std::io::Read;
use std::sync::mpsc;
use std::time::Duration;

use crate::Error;

/// The largest resume file mlprep reads.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The most text a DOCX may unpack to (a guard against zip bombs).
const MAX_UNPACKED: u64 = 20 * 1024 * 1024;

/// How long one PDF extractor may run.
const PDF_TIME_LIMIT: Duration = Duration::from_secs(20);

/// The file formats mlprep reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markdown.
    Markdown,
    /// Plain text.
    Text,
    /// PDF with a text layer.
    Pdf,
    /// Word (Office Open XML).
    Docx,
}

impl Format {
    /// The name shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// The text of a file and how it was obtained.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The detected format.
    pub format: Format,
    /// The text, before cleaning.
    pub text: String,
    /// Which extractor produced it, e.g. `pdf-extract` or `lopdf`.
    pub extractor: &'static str,
}

/// Reads a file's bytes into text. `name` is used for the format hint (`.md`) and messages.
pub fn extract(name: &str, bytes: &[u8]) -> Result<Extracted, Error> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::TooLarge {
            bytes: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    // PDF readers accept a little junk before the header; a text file that merely mentions
    // `%PDF-` further down is still text.
    if find(&bytes[..bytes.len().min(16)], b"%PDF-").is_some() {
        return pdf(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx(bytes);
    }
    let text = decode_text(bytes)?;
    let lower = name.to_ascii_lowercase();
    let markdown =
        lower.ends_with(".md") || lower.ends_with(".markdown") || looks_like_markdown(&text);
    Ok(Extracted {
        format: if markdown {
            Format::Markdown
        } else {
            Format::Text
        },
        text,
        extractor: "text",
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn looks_like_markdown(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("# ") || l.starts_with("## ") || l.starts_with("### "))
}

/// Plain text or Markdown: UTF-8 (a byte-order mark is dropped), UTF-16 with a byte-order
/// mark, or else Windows-1252 (Latin-1 with typographic punctuation in 0x80–0x9F, what older
/// editors write); anything with NUL bytes or many control characters is refused as binary.
pub fn decode_text(bytes: &[u8]) -> Result<String, Error> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::TooLarge {
            bytes: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, u16::from_be_bytes)?
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.contains(&0) {
            return Err(Error::Binary);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => {
                // Windows-1252 text from older editors is still readable; random bytes are not.
                let decoded: String = bytes.iter().map(|&b| windows_1252(b)).collect();
                if control_share(&decoded) > 0.02 || printable_share(bytes) < 0.9 {
                    return Err(Error::Binary);
                }
                decoded
            }
        }
    };
    if control_share(&text) > 0.02 {
        return Err(Error::Binary);
    }
    Ok(text)
}

/// The character of a Windows-1252 byte.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

fn utf16(bytes: &[u8], decode: fn([u8; 2]) -> u16) -> Result<String, Error> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| decode([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).map_err(|_| Error::Binary)
}

fn control_share(text: &str) -> f64 {
    let total = text.chars().count().max(1);
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C'))
        .count();
    control as f64 / total as f64
}

fn printable_share(bytes: &[u8]) -> f64 {
    let printable = bytes
        .iter()
        .filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
        .count();
    printable as f64 / bytes.len().max(1) as f64
}

/// Runs `work` on its own thread with a time limit; a panic or a timeout becomes `None`.
fn guarded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    quiet_panics();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(QUIET_THREAD.to_string())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let _ = tx.send(result.ok());
        });
    if spawned.is_err() {
        return None;
    }
    // On a timeout the thread is left behind; the command ends soon after with an error.
    rx.recv_timeout(PDF_TIME_LIMIT).ok().flatten()
}

/// Threads with this name run third-party parsers; their panics are caught and reported as a
/// clear error, so the default panic message is not printed for them.
const QUIET_THREAD: &str = "mlprep-pdf";

fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(QUIET_THREAD) {
                previous(info);
            }
        }));
    });
}

/// What a PDF extractor produced.
enum PdfText {
    Text(String),
    Encrypted,
    Unreadable,
}

fn pdf(bytes: &[u8]) -> Result<Extracted, Error> {
    let owned = bytes.to_vec();
    let structure = guarded(move || match lopdf::Document::load_mem(&owned) {
        Ok(doc) => {
            let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
            if doc.is_encrypted() {
                return PdfText::Encrypted;
            }
            match doc.extract_text(&pages) {
                Ok(text) => PdfText::Text(text),
                Err(_) => PdfText::Unreadable,
            }
        }
        Err(err) => {
            let message = err.to_string();
            let lower = message.to_ascii_lowercase();
            if lower.contains("decrypt") || lower.contains("password") || lower.contains("encrypt")
            {
                PdfText::Encrypted
            } else {
                PdfText::Unreadable
            }
        }
    });
    let lopdf_text = match structure {
        Some(PdfText::Encrypted) => return Err(Error::EncryptedPdf),
        Some(PdfText::Text(text)) => Some(text),
        Some(PdfText::Unreadable) | None => None,
    };
    let owned = bytes.to_vec();
    let primary = guarded(move || pdf_extract::extract_text_from_mem(&owned).ok()).flatten();
    let candidates = [("pdf-extract", primary), ("lopdf", lopdf_text)];
    let best = candidates
        .into_iter()
        .filter_map(|(name, text)| text.map(|t| (name, quality(&t), t)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((extractor, quality, text)) if quality > 0.0 => Ok(Extracted {
            format: Format::Pdf,
            text,
            extractor,
        }),
        Some(_) => Err(Error::NoTextLayer),
        None => Err(Error::UnreadablePdf),
    }
}

/// How usable extracted text is, 0 when it is unusable. Counts real words (letters, a vowel,
/// 2–20 characters), and penalizes the two failures seen in practice: words broken into
/// fragments ("PyT orch") and words run together.
pub fn quality(text: &str) -> f64 {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if tokens.len() < 20 {
        return 0.0;
    }
    let wordlike = |t: &&str| {
        let letters: String = t.chars().filter(|c| c.is_alphabetic()).collect();
        (2..=20).contains(&letters.chars().count())
            && letters
                .chars()
                .any(|c| "aeiouyAEIOUY".contains(c) || !c.is_ascii())
    };
    let words = tokens.iter().filter(|t| wordlike(t)).count() as f64;
    let fragments = tokens
        .iter()
        .filter(|t| t.chars().count() == 1 && t.chars().all(|c| c.is_alphabetic()))
        .count() as f64;
    let long = tokens.iter().filter(|t| t.chars().count() > 25).count() as f64;
    let n = tokens.len() as f64;
    let share = (words - 2.0 * fragments - 2.0 * long) / n;
    if share < 0.3 { 0.0 } else { share * n.ln() }
}

/// DOCX: the paragraphs of `word/document.xml`, headings as Markdown headings and list items as
/// bullets, so the same structure reader handles it.
fn docx(bytes: &[u8]) -> Result<Extracted, Error> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| Error::BrokenDocx)?;
    let mut xml = String::new();
    {
        let entry = archive
            .by_name("word/document.xml")
            .map_err(|_| Error::BrokenDocx)?;
        let mut limited = entry.take(MAX_UNPACKED + 1);
        limited
            .read_to_string(&mut xml)
            .map_err(|_| Error::BrokenDocx)?;
    }
    if xml.len() as u64 > MAX_UNPACKED {
        return Err(Error::DocxTooLarge {
            limit: MAX_UNPACKED as usize,
        });
    }
    let text = docx_text(&xml)?;
    Ok(Extracted {
        format: Format::Docx,
        text,
        extractor: "docx",
    })
}

fn docx_text(xml: &str) -> Result<String, Error> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::new();
    // Paragraphs nest when a text box sits inside one: each level keeps its own text and
    // prefix, and an inner paragraph is written out after the one that holds it.
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut inner: Vec<String> = Vec::new();
    let mut in_text = false;
    // `mc:Fallback` repeats a text box's content for old readers: skip it.
    let mut fallback = 0usize;
    loop {
        let event = reader.read_event().map_err(|_| Error::BrokenDocx)?;
        match &event {
            Event::Start(e) if e.local_name().as_ref() == b"Fallback" => {
                fallback += 1;
                continue;
            }
            Event::End(e) if e.local_name().as_ref() == b"Fallback" => {
                fallback = fallback.saturating_sub(1);
                continue;
            }
            Event::Eof => break,
            _ if fallback > 0 => continue,
            _ => {}
        }
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"p" => stack.push((String::new(), String::new())),
                b"t" => in_text = true,
                _ => docx_mark(&e, &mut stack),
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"p" => {
                    if stack.is_empty() {
                        out.push('\n');
                    }
                }
                b"t" => {}
                b"tab" => push_text(&mut stack, "\t"),
                b"br" | b"cr" => push_text(&mut stack, "\n"),
                _ => docx_mark(&e, &mut stack),
            },
            Event::Text(t) if in_text => {
                let decoded = t.decode().map_err(|_| Error::BrokenDocx)?;
                let unescaped =
                    quick_xml::escape::unescape(&decoded).map_err(|_| Error::BrokenDocx)?;
                push_text(&mut stack, &unescaped);
            }
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().map_err(|_| Error::BrokenDocx)?;
                let resolved = match name.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    other => other.strip_prefix('#').and_then(|n| {
                        let code = match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                            Some(hex) => u32::from_str_radix(hex, 16).ok(),
                            None => n.parse::<u32>().ok(),
                        };
                        code.and_then(char::from_u32)
                    }),
                };
                if let Some(c) = resolved {
                    push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    let Some((text, prefix)) = stack.pop() else {
                        continue;
                    };
                    let line = if text.trim().is_empty() {
                        String::new()
                    } else {
                        format!("{prefix}{}", text.trim())
                    };
                    if stack.is_empty() {
                        out.push_str(&line);
                        out.push('\n');
                        for paragraph in inner.drain(..) {
                            out.push_str(&paragraph);
                            out.push('\n');
                        }
                    } else if !line.is_empty() {
                        inner.push(line);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(out)
}

fn push_text(stack: &mut [(String, String)], text: &str) {
    if let Some((paragraph, _)) = stack.last_mut() {
        paragraph.push_str(text);
    }
}

/// Paragraph properties that decide how a paragraph is written: heading styles become `#`,
/// list paragraphs `- `.
fn docx_mark(e: &quick_xml::events::BytesStart<'_>, stack: &mut [(String, String)]) {
    let Some((_, prefix)) = stack.last_mut() else {
        return;
    };
    match e.local_name().as_ref() {
        b"pStyle" => {
            let style = attribute(e, b"val")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if let Some(level) = style
                .strip_prefix("heading")
                .and_then(|n| n.trim().parse::<usize>().ok())
            {
                *prefix = format!("{} ", "#".repeat(level.clamp(1, 6)));
            } else if style == "title" {
                *prefix = "# ".to_string();
            } else if style.contains("list") && prefix.is_empty() {
                *prefix = "- ".to_string();
            }
        }
        b"numPr" if prefix.is_empty() => *prefix = "- ".to_string(),
        _ => {}
    }
}

fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_rejects_fragments_and_accepts_prose() {
        let prose = "Built a transaction graph in Neo4j and trained a GraphSAGE model that flags \
                     mule-account rings; designed the alert path with Kafka ingestion and a \
                     feature service for real-time scoring.";
        let broken =
            "B u i l t a t r a n s a c t i o n g r a p h i n N e o 4 j a n d t r a i n e d";
        assert!(quality(prose) > 1.0);
        assert_eq!(quality(broken), 0.0);
        assert_eq!(quality("Page 1"), 0.0);
    }

    #[test]
    fn docx_paragraphs_become_headings_and_bullets() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
            <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Experience</w:t></w:r></w:p>
            <w:p><w:r><w:t>ML Engineer</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">2021 &amp; on</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>Cut lat</w:t></w:r><w:r><w:t>ency by 40%</w:t></w:r></w:p>
            </w:body></w:document>"#;
        let text = docx_text(xml).unwrap();
        assert_eq!(
            text.trim(),
            "# Experience\nML Engineer\t2021 & on\n- Cut latency by 40%"
        );
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert!(matches!(extract("a.txt", b"  \n\t "), Err(Error::Empty)));
        let junk: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(extract("a.txt", &junk), Err(Error::Binary)));
        assert!(matches!(
            extract("a.pdf", b"%PDF-1.7\nnot really a pdf at all"),
            Err(Error::UnreadablePdf) | Err(Error::NoTextLayer)
        ));
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(matches!(extract("a.md", &big), Err(Error::TooLarge { .. })));
    }
}
