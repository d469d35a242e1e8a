//! Quantified claims: the numbers a resume reports, with the clause that says what they
//! measure — `real-time scoring (p99 40 ms)`, `mAP@0.5 of 0.87 on held-out vendors`,
//! `Recovered $3.1M in the first year`. Every claim earns a "how did you measure this?" probe.
//!
//! Numbers that are names or specifications are not claims: versions (`YOLOv8`, `GPT-4`),
//! metric names (`mAP@0.5`), model sizes (`7B`), years and counts spelled as words.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// What a claim measures, which decides how it is probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// Response time: `p99 40 ms`, `from 4.2 s to 1.3 s` of latency.
    Latency,
    /// Other durations: `investigation time from 25 to 9 minutes`.
    Time,
    /// Money: `$3.1M`.
    Money,
    /// A percentage or rate: `under 2%`, `+3.2% watch time`.
    Rate,
    /// A model metric: `mAP@0.5 of 0.87`, `Cohen's kappa of 0.78`.
    Metric,
    /// A speed-up: `1.8x speedup`.
    Speedup,
    /// A size or count: `6,000 images`, `40M users`, `1.2k GitHub stars`.
    Scale,
}

/// One quantified claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The clause that states it, as written.
    pub text: String,
    /// The numeric expressions in it, as written (`p99 40 ms`, `from 25 to 9 minutes`).
    pub values: Vec<String>,
    /// What it measures.
    pub kind: ClaimKind,
    /// The bullet it comes from (index into the entry's bullets).
    pub bullet: usize,
}

const NUM: &str = r"\d[\d,]*(?:\.\d+)?";
const TIME_UNIT: &str =
    r"(?:ms|µs|us|s|sec|secs|seconds|second|minutes|minute|mins|min|hours|hour|hrs|h|days|weeks)";
const METRIC: &str = r"(?:mAP(?:@[\d.:]+)?|ROC-AUC|AUC|PR-AUC|macro-F1|micro-F1|F1|NDCG@\d+|NDCG|MRR@\d+|MRR|Recall@\d+|Precision@\d+|kappa|accuracy|precision|recall|sensitivity|specificity|BLEU|ROUGE-?\w*|MAPE|RMSE|MAE|IoU|Dice|C-index|Qini(?: coefficient)?|AUUC|WER|CER|perplexity|top-1|top-5|PSNR|SSIM|FID)";

/// Patterns in priority order: earlier ones win where matches overlap.
static PATTERNS: LazyLock<Vec<(Regex, Option<ClaimKind>)>> = LazyLock::new(|| {
    let unit = format!(r"(?:\s?(?:%|{TIME_UNIT}\b|[kKMB]\b|x\b))?");
    let amount = format!(r"[$€£]?{NUM}{unit}");
    let specs: Vec<(String, Option<ClaimKind>)> = vec![
        // `NDCG@10 from 0.31 to 0.36`, `from 4.2 s to 1.3 s`, `down from 14.1%`.
        (
            format!(r"(?i)(?:{METRIC}\s+)?from\s+{amount}\s+to\s+{amount}"),
            None,
        ),
        // `mAP@0.5 of 0.87`, `Cohen's kappa of 0.78`, `AUC 0.81`, `MAPE 8.5%`.
        (
            format!(r"(?i){METRIC}(?:\s+(?:of|=|:|at|is|was|to))?\s+{NUM}\s?%?"),
            Some(ClaimKind::Metric),
        ),
        (
            format!(r"[$€£]\s?{NUM}\s?(?:[kKMB]n?\b|million\b|billion\b|thousand\b)?"),
            Some(ClaimKind::Money),
        ),
        // `p99 40 ms`, `a p95 of 120 ms`, `4.2 s`.
        (
            format!(
                // Units match in lower case only: `40 US hospitals` is not 40 microseconds.
                r"(?:(?i:p\d{{2}}(?:\.\d+)?|median|mean|average)\s+(?i:latency\s+)?(?:of\s+)?)?{NUM}\s?{TIME_UNIT}\b"
            ),
            Some(ClaimKind::Time),
        ),
        (format!(r"[+\-−]?{NUM}\s?%"), Some(ClaimKind::Rate)),
        (
            format!(
                r"(?i){NUM}\s?[x×](?:\s+(?:speedup|faster|more|fewer|less|smaller|cheaper))?\b"
            ),
            Some(ClaimKind::Speedup),
        ),
        (
            format!(
                r"{NUM}\s?[kKMB]?\+?\s+(?:[A-Za-z][\w-]*\s+){{0,2}}?(?:users|images|stars|reads|views|downloads|customers|requests(?:/s)?|queries|documents|transactions|SKUs|warehouses|stores|analysts|contributors|samples|records|rows|labels|models|GPUs|nodes|languages|intents|pairs|clients|accounts|events|tickets|papers|citations|sites|hospitals|patients|countries|videos|utterances|tokens|parameters)\b"
            ),
            Some(ClaimKind::Scale),
        ),
    ];
    specs
        .into_iter()
        .map(|(p, k)| (Regex::new(&p).expect("valid claim pattern"), k))
        .collect()
});

/// A number with a time unit.
static TIMED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\d\s?{TIME_UNIT}\b")).expect("valid pattern"));

/// The most claims read from one bullet.
const MAX_CLAIMS: usize = 12;

/// The most characters of one bullet searched for claims.
const MAX_BULLET_CHARS: usize = 2000;

static CHANGE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)reduc|\bcut|\bdown\b|faster|slower|saved|shorten|sped|speed|improv|drop|lower")
        .expect("valid pattern")
});

static LATENCY_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)latenc|p\d{2}|real-time|response|inference|serving|end-to-end|\bms\b")
        .expect("valid pattern")
});

/// The claims of one bullet, merged per clause.
pub fn extract(bullet: &str, index: usize) -> Vec<Claim> {
    // A bullet is a sentence or two; a huge one is read only as far as a real bullet goes.
    let cut = bullet
        .char_indices()
        .nth(MAX_BULLET_CHARS)
        .map_or(bullet.len(), |(i, _)| i);
    let bullet = &bullet[..cut];
    let mut spans: Vec<(usize, usize, Option<ClaimKind>)> = Vec::new();
    for (pattern, kind) in PATTERNS.iter() {
        for m in pattern.find_iter(bullet) {
            let (start, end) = (m.start(), m.end());
            let before = bullet[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '@' || c == '.' || c == '_') {
                continue;
            }
            if spans.iter().any(|&(s, e, _)| start < e && s < end) {
                continue;
            }
            let text = m.as_str();
            // A bare model size like `7B` or a year is not a claim.
            if is_year(text) {
                continue;
            }
            // `8,000 hours of audio` is an amount of data, not a duration.
            let kind = if *kind == Some(ClaimKind::Time) && bullet[end..].starts_with(" of ") {
                Some(ClaimKind::Scale)
            } else {
                *kind
            };
            spans.push((start, end, kind));
            if spans.len() >= MAX_CLAIMS {
                break;
            }
        }
    }
    spans.sort_by_key(|s| s.0);
    let clauses = clauses(bullet);
    let mut claims: Vec<Claim> = Vec::new();
    for (start, end, kind) in spans {
        let Some(&(cs, ce)) = clauses.iter().find(|(cs, ce)| *cs <= start && end <= *ce) else {
            continue;
        };
        let value = bullet[start..end].trim().to_string();
        let clause = tidy(&window(&bullet[cs..ce], start - cs, end - cs));
        let kind = kind.unwrap_or_else(|| range_kind(&value));
        let kind = if kind == ClaimKind::Time && LATENCY_CUE.is_match(&bullet[cs..ce]) {
            ClaimKind::Latency
        } else {
            kind
        };
        // A duration is a claim when it is a speed or a change (`cut ... to 9 minutes`), not
        // when it only sets the scene (`in 24 hours`, `within 30 days`).
        if kind == ClaimKind::Time
            && !value.starts_with("from")
            && !CHANGE_CUE.is_match(&bullet[cs..ce])
        {
            continue;
        }
        match claims.last_mut() {
            Some(last) if last.text == clause => last.values.push(value),
            _ => claims.push(Claim {
                text: clause,
                values: vec![value],
                kind,
                bullet: index,
            }),
        }
    }
    claims
}

fn is_year(text: &str) -> bool {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    text.trim().len() == 4
        && digits.len() == 4
        && (digits.starts_with("19") || digits.starts_with("20"))
}

fn range_kind(value: &str) -> ClaimKind {
    let lower = value.to_lowercase();
    if lower.contains('%') {
        ClaimKind::Rate
    } else if lower.contains('$') || lower.contains('€') || lower.contains('£') {
        ClaimKind::Money
    } else if TIMED.is_match(&lower) {
        ClaimKind::Time
    } else {
        ClaimKind::Metric
    }
}

/// Byte ranges of the clauses of a bullet: split at `;`, `:`, `→`, ` — `, ` while `,
/// ` and `, ` so `, ` and `, ` but ` outside parentheses.
fn clauses(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0usize;
    let mut i = 0usize;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        let mut cut = None;
        if depth <= 0 {
            for sep in [
                "; ", ": ", " → ", " -> ", " — ", " while ", " and ", ", so ", " so ", ", but ",
                ", ",
            ] {
                if rest.starts_with(sep) {
                    // `, ` splits only lists of clauses, not `6,000` (no space) or short lists.
                    cut = Some(sep.len());
                    break;
                }
            }
        }
        if let Some(len) = cut {
            if i > start {
                out.push((start, i));
            }
            start = i + len;
            i += len;
            continue;
        }
        i += c.len_utf8();
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// At most about 14 words of the clause around the claim.
fn window(clause: &str, start: usize, end: usize) -> String {
    let words: Vec<(usize, &str)> = clause
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - clause.as_ptr() as usize, w))
        .collect();
    if words.len() <= 14 {
        return clause.to_string();
    }
    let first = words
        .iter()
        .position(|(o, w)| o + w.len() > start)
        .unwrap_or(0);
    let last = words
        .iter()
        .rposition(|(o, _)| *o < end)
        .unwrap_or(words.len() - 1);
    let from = first.saturating_sub(6);
    let to = (last + 5).min(words.len() - 1);
    let (s, _) = words[from];
    let (e, w) = words[to];
    clause[s..e + w.len()].to_string()
}

fn tidy(clause: &str) -> String {
    let t = clause
        .trim()
        .trim_end_matches(['.', ',', ';'])
        .trim_start_matches("and ")
        .trim();
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(bullet: &str) -> Vec<(String, ClaimKind)> {
        extract(bullet, 0)
            .into_iter()
            .flat_map(|c| {
                let kind = c.kind;
                c.values.into_iter().map(move |v| (v, kind))
            })
            .collect()
    }

    #[test]
    fn numbers_with_what_they_measure() {
        let claims = extract(
            "Designed the alert path: Kafka ingestion → feature service → real-time scoring (p99 40 ms) → analyst review queue.",
            3,
        );
        assert_eq!(claims.len(), 1);
        assert_eq!(claims[0].text, "real-time scoring (p99 40 ms)");
        assert_eq!(claims[0].values, ["p99 40 ms"]);
        assert_eq!(claims[0].kind, ClaimKind::Latency);
        assert_eq!(claims[0].bullet, 3);

        assert_eq!(
            values(
                "Fine-tuned YOLOv8 to localize tampered regions in scanned IDs; mAP@0.5 of 0.87 on held-out vendors."
            ),
            [("mAP@0.5 of 0.87".to_string(), ClaimKind::Metric)]
        );
        let v = values(
            "Recovered $3.1M in the first year while keeping the false-alert rate under 2%; monitored drift weekly.",
        );
        assert_eq!(
            v,
            [
                ("$3.1M".to_string(), ClaimKind::Money),
                ("2%".to_string(), ClaimKind::Rate)
            ]
        );
        let v = values("Reduced end-to-end latency from 4.2 s to 1.3 s with streaming decoding");
        assert_eq!(v, [("from 4.2 s to 1.3 s".to_string(), ClaimKind::Latency)]);
        let v =
            values("Maintainer of a library (1.2k GitHub stars); wrote a blog series (40k reads).");
        assert_eq!(v.len(), 2, "{v:?}");
        let v = values("1.8x speedup over the PyTorch baseline");
        assert_eq!(v, [("1.8x speedup".to_string(), ClaimKind::Speedup)]);
    }

    #[test]
    fn names_and_specs_are_not_claims() {
        assert!(values("Fine-tuned YOLOv8 and GPT-4 with a quantized 7B LLM in 2021").is_empty());
        assert!(values("Ran six hands-on workshops for clinicians").is_empty());
        assert!(
            values("Rolled out real-time triage to 40 US hospitals")
                .iter()
                .all(|(_, kind)| *kind == ClaimKind::Scale)
        );
    }
}
