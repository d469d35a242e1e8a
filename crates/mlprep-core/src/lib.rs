//! The domain model of mlprep: questions, categories, role tracks and review ratings.
//!
//! **Invariant:** this crate does no I/O. It holds plain data types and the pure functions on
//! them; parsing lives in `mlprep-bank`, persistence in `mlprep-store`.
#![deny(missing_docs)]

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What kind of question this is, which decides how it is answered and graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A technical question with a model answer and key points.
    Technical,
    /// A behavioral question answered in STAR form.
    Behavioral,
    /// A deep-dive question about one project of a resume.
    Targeted,
}

/// Where a question comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The seed question list, verbatim.
    Seed,
    /// Written by the mlprep team to expand a category.
    Expansion,
    /// A user's own bank file.
    User,
    /// Generated from the user's resume.
    Resume,
}

/// A role track: the kind of job a question matters for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Track {
    /// Machine-learning engineer.
    Mle,
    /// Computer-vision engineer.
    Cv,
    /// NLP engineer.
    Nlp,
    /// LLM engineer.
    Llm,
    /// Research scientist or research engineer.
    Research,
    /// Data scientist.
    Ds,
}

macro_rules! text_enum {
    ($ty:ty, $what:literal, $($variant:ident => $text:literal),+ $(,)?) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];

            /// The lower-case name used in bank files, the CLI and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $text),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok(<$ty>::$variant),)+
                    other => Err(format!(
                        "unknown {} `{}`; expected one of: {}",
                        $what,
                        other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

text_enum!(Kind, "kind", Technical => "technical", Behavioral => "behavioral", Targeted => "targeted");
text_enum!(Origin, "origin", Seed => "seed", Expansion => "expansion", User => "user", Resume => "resume");
text_enum!(Track, "track", Mle => "mle", Cv => "cv", Nlp => "nlp", Llm => "llm", Research => "research", Ds => "ds");

/// A category of the bank, e.g. "Fundamentals & Math".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Stable identifier, the prefix of its questions' ids.
    pub id: String,
    /// The title shown to users; for seed categories, the seed's heading.
    pub title: String,
    /// The kind of question the category holds.
    pub kind: Kind,
    /// Whether the category comes from the seed question list.
    pub seed: bool,
    /// Position in display order (0-based).
    pub order: usize,
}

/// One checkable claim that a correct answer must make: the grader's rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPoint {
    /// The claim, in plain words.
    pub text: String,
    /// Relative weight in the score (1.0 unless the bank says otherwise).
    pub weight: f64,
}

/// A worked numeric example attached to an answer that states a formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// The name of the reference implementation that recomputes it, e.g. `softmax`.
    pub formula: String,
    /// The convention used, where conventions differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Named inputs: numbers, arrays or nested arrays.
    pub inputs: serde_json::Map<String, serde_json::Value>,
    /// The exact result.
    pub expected: serde_json::Value,
    /// Absolute tolerance when comparing a recomputed result.
    pub tolerance: f64,
    /// A sentence explaining the example.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A reference code solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// The language, e.g. `python`.
    pub language: String,
    /// The code.
    pub code: String,
    /// What the solution shows or assumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// STAR guidance for a behavioral question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Star {
    /// The competency probed, one of the bank's fixed list.
    pub competency: String,
    /// What a strong Situation contains.
    pub situation: String,
    /// What a strong Task contains.
    pub task: String,
    /// What a strong Action contains.
    pub action: String,
    /// What a strong Result contains.
    pub result: String,
    /// What weak answers do.
    pub pitfalls: Vec<String>,
    /// A short example answer in STAR form.
    pub example: String,
}

/// What a targeted question is about: the resume project and the facet probed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The project group, e.g. "Document Tampering / YOLOv8 Project".
    pub group: String,
    /// The facet probed, e.g. `latency` or `labels`.
    pub facet: String,
    /// What a strong answer covers (targeted questions have no single model answer).
    pub guidance: String,
}

/// A question of the bank with everything needed to practise and grade it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable identifier, `category/slug`.
    pub id: String,
    /// The category id.
    pub category: String,
    /// The kind of question.
    pub kind: Kind,
    /// Where it comes from.
    pub origin: Origin,
    /// The question as asked.
    pub prompt: String,
    /// 1 (screening) to 3 (senior).
    pub difficulty: u8,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Role tracks it matters for.
    pub tracks: Vec<Track>,
    /// The model answer in Markdown with LaTeX math; empty for targeted questions.
    pub answer: String,
    /// The rubric.
    pub key_points: Vec<KeyPoint>,
    /// Wrong things candidates say, with the correction.
    pub mistakes: Vec<String>,
    /// What an interviewer asks next.
    pub follow_ups: Vec<String>,
    /// Formulas of the answer in LaTeX, without delimiters.
    pub formulas: Vec<String>,
    /// Ids of related questions.
    pub related: Vec<String>,
    /// Worked numeric examples.
    pub examples: Vec<Example>,
    /// Reference code solutions.
    pub solutions: Vec<Solution>,
    /// STAR guidance, for behavioral questions.
    pub star: Option<Star>,
    /// The project and facet, for targeted questions.
    pub target: Option<Target>,
}

impl Question {
    /// Whether this question belongs in a user's practice by default. Targeted questions from the
    /// seed are about one particular resume, so they are examples for the resume feature and
    /// never practised unless the user's own resume produced them.
    pub fn practisable(&self) -> bool {
        !(self.kind == Kind::Targeted && self.origin != Origin::Resume)
    }

    /// The text a learner sees as the reference: the model answer, or for targeted questions
    /// the guidance on what a strong answer covers.
    pub fn reference_text(&self) -> &str {
        match &self.target {
            Some(target) if self.answer.is_empty() => &target.guidance,
            _ => &self.answer,
        }
    }
}

/// A self-rating of one review, on the four-button scale FSRS and Anki use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// Forgot or could not answer.
    Again = 1,
    /// Answered with serious difficulty or gaps.
    Hard = 2,
    /// Answered correctly.
    Good = 3,
    /// Answered correctly without effort.
    Easy = 4,
}

text_enum!(Rating, "rating", Again => "again", Hard => "hard", Good => "good", Easy => "easy");

impl Rating {
    /// The number FSRS uses for this rating (1–4).
    pub fn value(self) -> u32 {
        self as u32
    }

    /// The rating for an FSRS number, if it is one of 1–4.
    pub fn from_value(value: u32) -> Option<Rating> {
        match value {
            1 => Some(Rating::Again),
            2 => Some(Rating::Hard),
            3 => Some(Rating::Good),
            4 => Some(Rating::Easy),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_names() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(*kind));
        }
        for track in Track::ALL {
            assert_eq!(track.to_string().parse::<Track>(), Ok(*track));
        }
        for rating in Rating::ALL {
            assert_eq!(Rating::from_value(rating.value()), Some(*rating));
        }
        let err = "robotics".parse::<Track>().unwrap_err();
        assert!(err.contains("mle, cv, nlp, llm, research, ds"), "{err}");
    }
}
