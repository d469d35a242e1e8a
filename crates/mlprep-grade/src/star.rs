//! The STAR coach: which of Situation, Task, Action and Result a behavioral answer contains and
//! where, their balance, a measurable result, ownership ("I" against "we"), and the estimated
//! speaking time against the 1–2 minute target.
//!
//! Sentences are labelled by cue phrases ("my task was", "I built", "as a result") with a prior
//! for position (context comes first, results last). This is deliberately transparent: every
//! label can be traced to the words that caused it.

use serde::Serialize;

use crate::Evidence;
use crate::text::{sentences, words};

/// A part of a STAR answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// The context.
    Situation,
    /// What the candidate had to achieve.
    Task,
    /// What the candidate did.
    Action,
    /// What came of it.
    Result,
}

impl Part {
    const ALL: [Part; 4] = [Part::Situation, Part::Task, Part::Action, Part::Result];

    fn name(self) -> &'static str {
        match self {
            Part::Situation => "Situation",
            Part::Task => "Task",
            Part::Action => "Action",
            Part::Result => "Result",
        }
    }
}

/// One part's findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartReport {
    /// Which part.
    pub part: Part,
    /// The sentences labelled with it.
    pub sentences: Vec<Evidence>,
    /// Their word count.
    pub words: usize,
}

/// The coach's findings on one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StarReport {
    /// The four parts, in STAR order.
    pub parts: Vec<PartReport>,
    /// Words in the answer.
    pub words: usize,
    /// The share of words in Action sentences.
    pub action_share: f64,
    /// Whether a Result sentence holds a number (a metric, a time, money, a percentage).
    pub quantified_result: bool,
    /// First-person singular pronouns ("I", "my", "me").
    pub i_count: usize,
    /// First-person plural pronouns ("we", "our", "us").
    pub we_count: usize,
    /// Speaking rate the estimate assumes, words per minute.
    pub words_per_minute: f64,
    /// Estimated speaking time in seconds.
    pub speaking_seconds: f64,
    /// What to improve, one sentence each; empty when the structure is sound.
    pub advice: Vec<String>,
}

/// A comfortable interview speaking rate.
pub const DEFAULT_WPM: f64 = 150.0;
/// The seed's target: answers of one to two minutes.
pub const TARGET_SECONDS: (f64, f64) = (60.0, 120.0);

const SITUATION: &[&str] = &[
    "at my",
    "at the",
    "when i was",
    "i was working",
    "i was a",
    "we were",
    "our team",
    "the team",
    "the company",
    "the project",
    "context",
    "background",
    "last year",
    "previous role",
    "previous job",
    "at the time",
    "there was",
    "we had",
    "our product",
    "our model",
    "in my role",
    "the client",
    "a startup",
    "the hospital",
];
const TASK: &[&str] = &[
    "my task",
    "i was responsible",
    "responsible for",
    "my goal",
    "the goal",
    "needed to",
    "had to",
    "was asked",
    "asked me",
    "my job",
    "objective",
    "the challenge",
    "i owned",
    "my role was",
    "i needed",
    "we needed",
    "target was",
    "deadline",
    "i had to",
];
const ACTION: &[&str] = &[
    "i built",
    "i designed",
    "i wrote",
    "i implemented",
    "i proposed",
    "i led",
    "i analyzed",
    "i analysed",
    "i set up",
    "i created",
    "i added",
    "i changed",
    "i ran",
    "i talked",
    "i met",
    "i organized",
    "i organised",
    "i decided",
    "i started",
    "i reached out",
    "i collected",
    "i trained",
    "i profiled",
    "i measured",
    "i replaced",
    "i introduced",
    "i automated",
    "i worked with",
    "i scheduled",
    "i explained",
    "i presented",
    "i asked",
    "i prototyped",
    "i debugged",
    "i traced",
    "i found",
    "i split",
    "i wrote up",
    "first,",
    "then i",
    "so i",
    "next,",
    "i then",
];
const RESULT: &[&str] = &[
    "as a result",
    "result",
    "reduced",
    "increased",
    "improved",
    "cut",
    "saved",
    "in the end",
    "outcome",
    "learned",
    "shipped",
    "launched",
    "went from",
    "dropped",
    "rose",
    "since then",
    "adopted",
    "now uses",
    "which led",
    "led to",
    "impact",
    "faster",
    "fewer",
    "lesson",
];

/// Coaches a STAR answer. `wpm` is the assumed speaking rate.
pub fn coach(answer: &str, wpm: f64) -> StarReport {
    let sents = sentences(answer);
    let n = sents.len();
    let mut labelled: Vec<(Part, Evidence, usize)> = Vec::new();
    for (i, s) in sents.iter().enumerate() {
        let text = s.text(answer);
        let lower = format!(" {} ", text.to_lowercase().replace('’', "'"));
        let count = |cues: &[&str]| {
            cues.iter()
                .filter(|c| lower.contains(&format!(" {c}")) || lower.contains(*c))
                .count() as f64
        };
        let position = if n > 1 {
            i as f64 / (n - 1) as f64
        } else {
            0.5
        };
        let has_number = words(text)
            .iter()
            .any(|(w, _)| w.chars().any(|c| c.is_ascii_digit()))
            || text.contains('%');
        let first_person_verb = lower.contains(" i ") && !lower.contains(" i was ");
        let scores = [
            (
                Part::Situation,
                count(SITUATION) + 0.6 * (1.0 - position)
                    - 0.3 * f64::from(u8::from(first_person_verb)),
            ),
            (
                Part::Task,
                count(TASK) * 1.2 + 0.2 * (1.0 - (position - 0.25).abs()),
            ),
            (
                Part::Action,
                count(ACTION) * 1.1
                    + 0.5 * f64::from(u8::from(first_person_verb))
                    + 0.2 * (1.0 - (position - 0.6).abs()),
            ),
            (
                Part::Result,
                count(RESULT) + 0.5 * f64::from(u8::from(has_number)) * position + 0.6 * position,
            ),
        ];
        let part = scores
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|s| s.0)
            .unwrap_or(Part::Action);
        labelled.push((
            part,
            Evidence {
                quote: text.to_string(),
                span: s.span,
            },
            words(text).len(),
        ));
    }
    let total_words = words(answer).len();
    let parts: Vec<PartReport> = Part::ALL
        .iter()
        .map(|&part| {
            let mine: Vec<&(Part, Evidence, usize)> =
                labelled.iter().filter(|l| l.0 == part).collect();
            PartReport {
                part,
                sentences: mine.iter().map(|l| l.1.clone()).collect(),
                words: mine.iter().map(|l| l.2).sum(),
            }
        })
        .collect();
    let action_words = parts[2].words;
    let action_share = if total_words > 0 {
        action_words as f64 / total_words as f64
    } else {
        0.0
    };
    let quantified_result = parts[3].sentences.iter().any(|e| {
        e.quote.contains('%')
            || words(&e.quote)
                .iter()
                .any(|(w, _)| w.chars().any(|c| c.is_ascii_digit()))
    });
    let all_words = words(answer);
    let i_count = all_words
        .iter()
        .filter(|(w, _)| {
            matches!(
                w.as_str(),
                "i" | "my" | "me" | "i'm" | "i've" | "i'd" | "myself"
            )
        })
        .count();
    let we_count = all_words
        .iter()
        .filter(|(w, _)| {
            matches!(
                w.as_str(),
                "we" | "our" | "us" | "we're" | "we've" | "ourselves"
            )
        })
        .count();
    let speaking_seconds = total_words as f64 / wpm * 60.0;

    let mut advice = Vec::new();
    for p in &parts {
        if p.sentences.is_empty() {
            advice.push(match p.part {
                Part::Situation => "No Situation: open with one or two sentences of context (where, when, what was at stake).".to_string(),
                Part::Task => "No Task: say what you were responsible for or had to achieve.".to_string(),
                Part::Action => "No Action: say step by step what you did.".to_string(),
                Part::Result => "No Result: end with what came of it, ideally a number.".to_string(),
            });
        } else if total_words >= 60
            && (p.words as f64) < 0.06 * total_words as f64
            && p.part != Part::Task
        {
            advice.push(format!(
                "{} is thin ({} words); give it a full sentence.",
                p.part.name(),
                p.words
            ));
        }
    }
    if !parts[2].sentences.is_empty() && action_share < 0.35 {
        advice.push(format!(
            "Action is {:.0}% of the answer; strong answers spend about half of it on what you did.",
            action_share * 100.0
        ));
    }
    if !parts[3].sentences.is_empty() && !quantified_result {
        advice.push(
            "The Result has no measurable outcome; add a number (a metric, time or money saved)."
                .to_string(),
        );
    }
    if we_count > i_count {
        advice.push(format!(
            "\"We\" ({we_count}) outnumbers \"I\" ({i_count}); the interviewer wants to hear what you did."
        ));
    }
    if speaking_seconds < TARGET_SECONDS.0 {
        advice.push(format!(
            "About {speaking_seconds:.0} s spoken at {wpm:.0} words per minute; aim for 1–2 minutes with more detail on your actions."
        ));
    } else if speaking_seconds > TARGET_SECONDS.1 {
        advice.push(format!(
            "About {speaking_seconds:.0} s spoken at {wpm:.0} words per minute; cut to under 2 minutes (shorten the Situation first)."
        ));
    }
    StarReport {
        parts,
        words: total_words,
        action_share,
        quantified_result,
        i_count,
        we_count,
        words_per_minute: wpm,
        speaking_seconds,
        advice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "At my last company, our fraud model's false alerts were swamping a review team of six analysts. \
        My task was to cut the false alert rate without losing recall before the holiday peak. \
        I analyzed three months of alerts and found that most false positives came from new merchants with no history. \
        I built a merchant-age feature and a graph feature counting shared devices, and I retrained the model with a recalibrated threshold. \
        Then I ran a two-week shadow test with the analysts to check that no confirmed fraud was missed. \
        I also wrote a runbook so the on-call engineer could roll back the threshold in one command. \
        As a result, false alerts dropped by 38% while recall stayed at 0.91, and the team cleared its backlog in four days. \
        The analysts now use the shadow-test process for every model change.";

    #[test]
    fn a_strong_answer_has_all_four_parts_and_little_advice() {
        let report = coach(GOOD, DEFAULT_WPM);
        for p in &report.parts {
            assert!(!p.sentences.is_empty(), "{:?} missing: {report:#?}", p.part);
        }
        assert_eq!(
            report.parts[0].sentences[0].quote,
            GOOD.split(". ").next().unwrap().to_string() + "."
        );
        assert!(report.quantified_result);
        assert!(report.action_share > 0.35, "{report:#?}");
        assert!(report.i_count > report.we_count);
        assert!(
            report.advice.iter().all(|a| !a.starts_with("No ")),
            "{:?}",
            report.advice
        );
        for p in &report.parts {
            for e in &p.sentences {
                assert_eq!(&GOOD[e.span.0..e.span.1], e.quote);
            }
        }
    }

    #[test]
    fn a_weak_answer_gets_specific_advice() {
        let weak = "We had a problem with our pipeline. We fixed it together and it was better after that.";
        let report = coach(weak, DEFAULT_WPM);
        let advice = report.advice.join(" | ");
        assert!(advice.contains("\"We\""), "{advice}");
        assert!(advice.contains("1–2 minutes"), "{advice}");
        assert!(
            advice.contains("No Task") || advice.contains("No Action"),
            "{advice}"
        );
    }

    #[test]
    fn an_unquantified_result_is_flagged_and_a_long_answer_is_too() {
        let vague = "At my company the build was slow. My task was to speed it up. I profiled the build and I cached the dependencies. \
            As a result, the build was much faster and people were happier.";
        let report = coach(vague, DEFAULT_WPM);
        assert!(!report.quantified_result);
        assert!(
            report
                .advice
                .iter()
                .any(|a| a.contains("measurable outcome")),
            "{:?}",
            report.advice
        );

        let long = GOOD.repeat(3);
        let report = coach(&long, DEFAULT_WPM);
        assert!(report.speaking_seconds > 120.0);
        assert!(report.advice.iter().any(|a| a.contains("under 2 minutes")));
    }
}
