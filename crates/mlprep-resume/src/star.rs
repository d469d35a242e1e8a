//! STAR drafts for behavioral questions, built only from the resume's own facts.
//!
//! The draft picks the entry that best fits the question's competency (cue words in its
//! bullets, a measurable result, overlap with the question's words), then lays its facts into
//! Situation (role, organization, dates, project), Task (a goal the resume states), Action (the
//! entry's bullets in the first person) and Result (its quantified claims). Whatever the resume
//! does not say is a `[fill in: ...]` placeholder for the user. [`unsupported`] checks the
//! promise: every word of a draft outside placeholders is in the entry it draws on or in the
//! draft's own fixed wording.

use mlprep_core::Question;
use serde::{Deserialize, Serialize};

use crate::{Entry, Resume};

/// Cue words per competency: an entry whose bullets contain them suits the question.
const COMPETENCY_CUES: &[(&str, &[&str])] = &[
    (
        "ownership",
        &[
            "built",
            "designed",
            "led",
            "owned",
            "drove",
            "created",
            "launched",
            "shipped",
            "end-to-end",
            "maintain*",
            "wrote",
        ],
    ),
    (
        "conflict",
        &[
            "disagree*",
            "negotiat*",
            "stakeholder*",
            "aligned",
            "agreeing",
            "policy",
            "with the",
        ],
    ),
    (
        "failure",
        &[
            "reduced",
            "fixed",
            "recovered",
            "missed",
            "incident*",
            "drift",
            "false",
            "bug*",
            "error*",
            "lapse",
        ],
    ),
    (
        "influence",
        &[
            "led",
            "proposed",
            "convinced",
            "adopted",
            "introduced",
            "policy",
            "defined",
            "drove",
            "guidelines",
        ],
    ),
    (
        "prioritization",
        &[
            "prioriti*",
            "chose",
            "trade",
            "deadline*",
            "scope",
            "instead",
            "per",
        ],
    ),
    (
        "mentoring",
        &[
            "mentor*",
            "taught",
            "workshop*",
            "coached",
            "onboard*",
            "students",
            "review",
            "teaching",
        ],
    ),
    (
        "ambiguity",
        &[
            "designed",
            "prototype",
            "new",
            "first",
            "explored",
            "from scratch",
            "synthetic",
            "3d-printed",
        ],
    ),
    (
        "communication",
        &[
            "workshop*",
            "clinicians",
            "analysts",
            "stakeholder*",
            "blog",
            "presented",
            "explained",
            "guidelines",
            "report*",
            "product",
        ],
    ),
    (
        "stakeholder",
        &[
            "with the",
            "team",
            "analysts",
            "clinicians",
            "customer*",
            "users",
            "product",
            "owners",
            "supply-chain",
        ],
    ),
    (
        "learning",
        &[
            "learned",
            "new",
            "first",
            "picked up",
            "migrated",
            "adopted",
            "ramp*",
        ],
    ),
    (
        "trade-offs",
        &[
            "trade",
            "chose",
            "at fixed",
            "while keeping",
            "versus",
            "instead",
            "because",
            "quantized",
            "compromise*",
        ],
    ),
    (
        "ethics",
        &[
            "privacy",
            "fairness",
            "bias",
            "consent",
            "encrypted",
            "never leaves",
            "costly",
            "missed referrals",
            "guardrail*",
            "safety",
        ],
    ),
];

/// Placeholders per competency for what a resume never says.
fn competency_gaps(competency: &str) -> (&'static str, &'static str) {
    match competency {
        "conflict" => (
            "who disagreed, and about what?",
            "how you worked through the disagreement",
        ),
        "failure" => (
            "what went wrong, and what was at stake?",
            "what you changed after the failure",
        ),
        "influence" => (
            "whom did you need to convince, and what did they believe?",
            "how you won them over",
        ),
        "prioritization" => (
            "what competed for your time, and what was the deadline?",
            "what you chose not to do, and why",
        ),
        "mentoring" => (
            "who did you help, and what did they need?",
            "how you adapted to them",
        ),
        "ambiguity" => (
            "what was unclear or undefined at the start?",
            "how you reduced the uncertainty",
        ),
        "communication" => (
            "who was the audience, and what did they need to understand?",
            "how you explained it",
        ),
        "stakeholder" => (
            "who was the stakeholder, and what did they need?",
            "how you kept them involved",
        ),
        "learning" => (
            "what did you have to learn, and how fast?",
            "how you learned it",
        ),
        "trade-offs" => (
            "what were the options, and what was the constraint?",
            "the trade-off you chose and why",
        ),
        "ethics" => (
            "what was the risk to users or others?",
            "how you protected them",
        ),
        _ => (
            "what were you responsible for, and what was the deadline?",
            "the key decision you made yourself, and why",
        ),
    }
}

/// The fixed wording of drafts (besides resume text and placeholders).
const TEMPLATE_WORDS: &str = "Situation Task Action Result As at I worked on In the goal was to \
     and My task my part in part of this fill in";

/// A STAR draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The behavioral question's id.
    pub question: String,
    /// The competency it probes.
    pub competency: String,
    /// The entry the draft draws on.
    pub entry: String,
    /// The entry's display name.
    pub entry_name: String,
    /// Situation.
    pub situation: String,
    /// Task.
    pub task: String,
    /// Action.
    pub action: String,
    /// Result.
    pub result: String,
}

impl Draft {
    /// The draft as text, one labelled paragraph per part.
    pub fn text(&self) -> String {
        format!(
            "Situation: {}\nTask: {}\nAction: {}\nResult: {}\n",
            self.situation, self.task, self.action, self.result
        )
    }

    /// The `[fill in: ...]` placeholders the user must complete.
    pub fn placeholders(&self) -> Vec<String> {
        let text = self.text();
        let mut out = Vec::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("[fill in:") {
            let Some(end) = rest[start..].find(']') else {
                break;
            };
            out.push(rest[start..start + end + 1].to_string());
            rest = &rest[start + end + 1..];
        }
        out
    }
}

fn content_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 3)
        .map(str::to_string)
        .collect()
}

/// How well an entry suits a competency and question.
fn fit(entry: &Entry, competency: &str, prompt: &str) -> f64 {
    let cues = COMPETENCY_CUES
        .iter()
        .find(|(c, _)| *c == competency)
        .map(|(_, cues)| *cues)
        .unwrap_or(&[]);
    let text = entry.full_text();
    let cue_score = crate::questions::cue_hits(&text, cues) as f64;
    let words = content_words(prompt);
    let entry_words = content_words(&text);
    let overlap = words.iter().filter(|w| entry_words.contains(w)).count() as f64;
    let result = if entry.claims.is_empty() { 0.0 } else { 1.0 };
    let substance = entry.bullets.len().min(4) as f64 * 0.25;
    cue_score + 0.5 * overlap + result + substance
}

/// First-person form of a bullet: `Built a graph` → `I built a graph`.
fn first_person(bullet: &str) -> String {
    // Leading emoji or decoration is not part of the sentence.
    let trimmed = bullet
        .trim()
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches('.');
    let first = trimmed.split_whitespace().next().unwrap_or("");
    let verb = first.ends_with("ed")
        || [
            "Built", "Wrote", "Ran", "Led", "Chose", "Cut", "Made", "Took", "Brought", "Set",
            "Drove", "Grew", "Won", "Shipped", "Taught", "Owned",
        ]
        .contains(&first);
    let starts_upper = first.chars().next().is_some_and(char::is_uppercase);
    let acronym = first.chars().filter(|c| c.is_uppercase()).count() > 1;
    // `Maintains a library` → `I maintain a library`.
    const PRESENT: &[(&str, &str)] = &[
        ("Maintains", "maintain"),
        ("Leads", "lead"),
        ("Builds", "build"),
        ("Runs", "run"),
        ("Owns", "own"),
        ("Manages", "manage"),
        ("Develops", "develop"),
        ("Designs", "design"),
        ("Teaches", "teach"),
        ("Mentors", "mentor"),
    ];
    if let Some((_, base)) = PRESENT.iter().find(|(third, _)| *third == first) {
        return format!("I {base}{}.", &trimmed[first.len()..]);
    }
    if verb && starts_upper && !acronym {
        let mut chars = trimmed.chars();
        let head: String = chars
            .next()
            .map(|c| c.to_lowercase().collect())
            .unwrap_or_default();
        format!("I {head}{}.", chars.as_str())
    } else {
        format!("I worked on this: {trimmed}.")
    }
}

/// Verbs that open a purpose clause (`... to cover rare attack types`); other `to`s are
/// prepositions (`attribute turns to agent`, `from 25 to 9 minutes`).
const PURPOSE_VERBS: &[&str] = &[
    "cover",
    "support",
    "reduce",
    "improve",
    "detect",
    "localize",
    "localise",
    "flag",
    "trade",
    "catch",
    "speed",
    "cut",
    "enable",
    "help",
    "predict",
    "classify",
    "identify",
    "prevent",
    "replace",
    "automate",
    "scale",
    "serve",
    "handle",
    "measure",
    "estimate",
    "find",
    "build",
    "make",
    "keep",
    "allow",
    "avoid",
    "lower",
    "raise",
    "increase",
    "decrease",
    "answer",
    "summarize",
    "summarise",
    "rank",
    "recommend",
    "route",
    "forecast",
    "generate",
    "label",
    "track",
    "monitor",
    "protect",
    "meet",
    "ship",
    "train",
    "evaluate",
    "extract",
    "match",
    "retrieve",
    "search",
    "translate",
    "transcribe",
    "compress",
    "accelerate",
    "optimize",
    "optimise",
    "minimize",
    "maximize",
    "balance",
    "ensure",
    "validate",
    "explain",
    "personalize",
    "segment",
    "quantify",
    "surface",
    "triage",
    "prioritize",
    "screen",
    "diagnose",
    "control",
];

/// A goal the resume states for the entry: the `to ...` purpose clause of a bullet.
fn stated_goal(entry: &Entry) -> Option<String> {
    for bullet in &entry.bullets {
        let mut search = 0;
        while let Some(found) = bullet[search..].find(" to ") {
            let at = search + found;
            let after = &bullet[at + 4..];
            let before_word = bullet[..at].split_whitespace().last().unwrap_or("");
            let first_char = after.chars().next().unwrap_or(' ');
            let verb = after.split_whitespace().next().unwrap_or("");
            let purpose = first_char.is_lowercase()
                && PURPOSE_VERBS.contains(&verb)
                && ![
                    "from",
                    "down",
                    "up",
                    "close",
                    "due",
                    "access",
                    "prior",
                    "compared",
                    "likely",
                    "unlikely",
                    "able",
                    "used",
                    "going",
                    "according",
                    "related",
                    "similar",
                    "next",
                    "back",
                    "way",
                    "time",
                    "how",
                ]
                .contains(&before_word.to_lowercase().as_str())
                && !after.starts_with("the ")
                && !after.starts_with("a ");
            if purpose {
                let end = ["; ", ". ", " (", ", "]
                    .iter()
                    .filter_map(|sep| after.find(sep))
                    .min()
                    .unwrap_or(after.len());
                let clause = after[..end].trim().trim_end_matches('.').to_string();
                if clause.split_whitespace().count() >= 2 {
                    return Some(format!("to {clause}"));
                }
            }
            search = at + 4;
        }
    }
    None
}

/// Drafts a STAR answer to a behavioral question from the resume; `None` when the question has
/// no STAR guidance or the resume no entries.
pub fn draft(resume: &Resume, question: &Question) -> Option<Draft> {
    draft_avoiding(resume, question, &[])
}

/// Like [`draft`], preferring entries not in `used` (entry ids of drafts already made), so a
/// set of drafts draws on several stories rather than one.
pub fn draft_avoiding(resume: &Resume, question: &Question, used: &[String]) -> Option<Draft> {
    let competency = question.star.as_ref()?.competency.clone();
    let score = |e: &Entry| {
        let repeats = used.iter().filter(|id| **id == e.id).count() as f64;
        fit(e, &competency, &question.prompt) - 1.5 * repeats
    };
    let (_, entry) = resume
        .entries()
        .filter(|(_, e)| !e.bullets.is_empty())
        .max_by(|(_, a), (_, b)| score(a).total_cmp(&score(b)))?;
    let (task_gap, action_gap) = competency_gaps(&competency);

    let mut situation = match (&entry.role, &entry.organization) {
        (Some(role), Some(org)) => format!("As {role} at {org}"),
        (Some(role), None) => format!("As {role}"),
        _ => format!("In {}", entry.project.as_deref().unwrap_or(&entry.heading)),
    };
    if let Some(dates) = &entry.dates {
        situation.push_str(&format!(" ({dates})"));
    }
    if entry.role.is_some()
        && let Some(project) = &entry.project
    {
        situation.push_str(&format!(", I worked on {project}"));
    } else if let Some(description) = &entry.description {
        situation.push_str(&format!(" ({description})"));
    }
    situation.push_str(". [fill in: what problem or pressure made this matter, and for whom?]");

    let task = match stated_goal(entry) {
        Some(goal) => format!("My task: {goal}. [fill in: {task_gap}]"),
        None => format!("[fill in: {task_gap}]"),
    };

    let claim_bullets: Vec<usize> = entry.claims.iter().map(|c| c.bullet).collect();
    let mut actions: Vec<String> = entry
        .bullets
        .iter()
        .enumerate()
        .filter(|(i, _)| !claim_bullets.contains(i) || entry.claims.len() <= 1)
        .take(3)
        .map(|(_, b)| first_person(b))
        .collect();
    if actions.is_empty() {
        actions = entry
            .bullets
            .iter()
            .take(2)
            .map(|b| first_person(b))
            .collect();
    }
    let action = format!("{} [fill in: {action_gap}]", actions.join(" "));

    let result = if entry.claims.is_empty() {
        "[fill in: the measurable result, a number you can defend] [fill in: what you learned]"
            .to_string()
    } else {
        let claims: Vec<&str> = entry
            .claims
            .iter()
            .take(3)
            .map(|c| c.text.as_str())
            .collect();
        format!(
            "{}. [fill in: what you learned, or would do differently]",
            claims.join("; ")
        )
    };

    Some(Draft {
        question: question.id.clone(),
        competency,
        entry: entry.id.clone(),
        entry_name: entry.display_name(),
        situation,
        task,
        action,
        result,
    })
}

/// The words of a draft that appear neither in `source` (the text of the entry it draws on,
/// [`crate::Entry::full_text`]) nor in the draft's fixed wording, placeholders excepted. Empty
/// for every draft [`draft`] makes.
pub fn unsupported(draft_text: &str, source: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = draft_text;
    while let Some(start) = rest.find("[fill in:") {
        text.push_str(&rest[..start]);
        match rest[start..].find(']') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
                break;
            }
        }
    }
    text.push_str(rest);
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !(c.is_alphanumeric() || c == '$' || c == '%' || c == '.' || c == '@'))
            .map(|w| w.trim_matches('.').to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let known: std::collections::HashSet<String> = words(source)
        .into_iter()
        .chain(words(TEMPLATE_WORDS))
        .collect();
    let mut out: Vec<String> = words(&text)
        .into_iter()
        .filter(|w| !known.contains(w))
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_words_are_found_outside_placeholders() {
        let resume = "Built a fraud model at Acme; recall 0.9.";
        assert!(
            unsupported(
                "As I built a fraud model at Acme. [fill in: the deadline 2024]",
                resume
            )
            .is_empty()
        );
        assert_eq!(
            unsupported("I built a fraud model at Globex with recall 0.95.", resume),
            ["globex", "with", "0.95"]
        );
    }

    #[test]
    fn bullets_become_first_person() {
        assert_eq!(first_person("Built a graph."), "I built a graph.");
        assert_eq!(first_person("Fine-tuned YOLOv8"), "I fine-tuned YOLOv8.");
        assert_eq!(
            first_person("Maintains CI and docs."),
            "I maintain CI and docs."
        );
        assert_eq!(
            first_person("Maintainer of a library"),
            "I worked on this: Maintainer of a library."
        );
        assert_eq!(
            first_person("CUPED variance reduction"),
            "I worked on this: CUPED variance reduction."
        );
    }
}
