//! The curated technology taxonomy (`crates/mlprep-resume/data/taxonomy.toml`): what a resume may name,
//! how to recognize it, what kind of thing it is, which bank tags it makes likely, and what an
//! interviewer compares it with.

use std::sync::LazyLock;

use serde::Deserialize;

/// The taxonomy file shipped with mlprep.
const BUILTIN: &str = include_str!("../data/taxonomy.toml");

/// The most characters of one text searched for technologies.
const MAX_TEXT_CHARS: usize = 20_000;

/// One technology.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tech {
    /// The canonical name.
    pub name: String,
    /// The strings that name it in resume text.
    pub aliases: Vec<String>,
    /// What kind of thing it is: `model`, `technique`, `gpu`, `ui`, ...
    pub kind: String,
    /// Its field: `cv`, `llm`, `graph`, ...
    pub area: String,
    /// Bank tags it makes likely.
    pub tags: Vec<String>,
    /// What it is usually compared with, fitting "Why X over {alternatives}?".
    #[serde(default)]
    pub alternatives: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    tech: Vec<Tech>,
}

/// The taxonomy with its alias matcher.
#[derive(Debug)]
pub struct Taxonomy {
    /// Every technology, in file order.
    pub techs: Vec<Tech>,
    /// (alias as matched, index into `techs`, case-sensitive), longest alias first.
    aliases: Vec<(String, usize, bool)>,
}

/// The built-in taxonomy. Its validity is checked by the test suite.
pub fn builtin() -> &'static Taxonomy {
    static TAXONOMY: LazyLock<Taxonomy> =
        LazyLock::new(|| Taxonomy::parse(BUILTIN).expect("the built-in taxonomy is valid"));
    &TAXONOMY
}

impl Taxonomy {
    /// Parses a taxonomy file.
    pub fn parse(text: &str) -> Result<Taxonomy, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut aliases = Vec::new();
        for (index, tech) in file.tech.iter().enumerate() {
            for alias in tech.aliases.clone() {
                let case_sensitive = alias.chars().count() <= 3;
                let key = if case_sensitive {
                    alias.clone()
                } else {
                    alias.to_ascii_lowercase()
                };
                if !aliases.iter().any(|(k, _, _)| *k == key) {
                    aliases.push((key, index, case_sensitive));
                }
            }
        }
        aliases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(Taxonomy {
            techs: file.tech,
            aliases,
        })
    }

    /// The technology with this canonical name.
    pub fn get(&self, name: &str) -> Option<&Tech> {
        self.techs.iter().find(|t| t.name == name)
    }

    /// The technologies named in `text`, in order of first mention. Aliases match as whole
    /// words; where two overlap, the longer wins (`Triton Inference Server` over `Triton`).
    pub fn find(&self, text: &str) -> Vec<&Tech> {
        self.find_with_text(text)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    /// Like [`Taxonomy::find`], with the words that named each technology first, as written.
    pub fn find_with_text<'s>(&'s self, text: &str) -> Vec<(&'s Tech, String)> {
        // Long texts (a hostile skills list) are read as far as a resume section goes.
        let cut = text
            .char_indices()
            .nth(MAX_TEXT_CHARS)
            .map_or(text.len(), |(i, _)| i);
        let text = &text[..cut];
        let lower = text.to_ascii_lowercase();
        let mut covered = vec![false; text.len()];
        let mut taken: Vec<(usize, usize, usize)> = Vec::new();
        for (alias, index, case_sensitive) in &self.aliases {
            let haystack = if *case_sensitive {
                text
            } else {
                lower.as_str()
            };
            for (start, _) in haystack.match_indices(alias.as_str()) {
                let end = start + alias.len();
                if !is_boundary(text, start, end) {
                    continue;
                }
                if covered[start..end].iter().any(|&c| c) {
                    continue;
                }
                covered[start..end].iter_mut().for_each(|c| *c = true);
                taken.push((start, end, *index));
            }
        }
        taken.sort_by_key(|t| t.0);
        let mut out: Vec<(&Tech, String)> = Vec::new();
        for (start, end, index) in taken {
            let tech = &self.techs[index];
            if !out.iter().any(|(t, _)| std::ptr::eq(*t, tech)) {
                out.push((tech, text[start..end].to_string()));
            }
        }
        out
    }
}

/// Whether `text[start..end]` is a whole word: no letter or digit just before or after (a
/// hyphen or slash counts as a boundary, so `Graph-RAG` yields `RAG` only if nothing longer
/// matched there).
fn is_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().last();
    let after = text[end..].chars().next();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    // `C++` and `.NET`-style aliases end or start with punctuation; the neighbours still
    // must not be letters.
    !word(before) && !word(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_alias_wins_and_words_must_be_whole() {
        let taxonomy = Taxonomy::parse(
            r#"
            [[tech]]
            name = "RAG"
            aliases = ["RAG"]
            kind = "technique"
            area = "llm"
            tags = ["rag"]
            [[tech]]
            name = "Graph-RAG"
            aliases = ["Graph-RAG", "GraphRAG"]
            kind = "technique"
            area = "llm"
            tags = ["rag"]
            "#,
        )
        .unwrap();
        let names = |t: &str| -> Vec<String> {
            taxonomy
                .find(t)
                .into_iter()
                .map(|t| t.name.clone())
                .collect()
        };
        assert_eq!(names("a Graph-RAG assistant"), ["Graph-RAG"]);
        assert_eq!(names("plain RAG and storage"), ["RAG"]);
        assert!(
            names("rag doll").is_empty(),
            "short aliases match case-sensitively"
        );
    }
}
