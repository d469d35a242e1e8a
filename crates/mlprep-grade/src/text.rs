//! Text helpers for grading: sentences with byte spans, words, stop words, a light stemmer, and
//! the shapes of answers that must not earn credit (empty, "I don't know", keyword lists).

/// A sentence of a text, with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the text (trimmed of surrounding white space).
    pub span: (usize, usize),
}

impl Sentence {
    /// The sentence's text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.span.0..self.span.1]
    }
}

/// Splits a text into sentences: at `.`, `!` or `?` followed by white space, at line breaks that
/// start a list item or a blank line, and at semicolons. Returns trimmed, non-empty spans.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let end_here = match c {
            b'.' | b'!' | b'?' => {
                let next = bytes.get(i + 1).copied();
                // "e.g." and decimals ("0.5") do not end a sentence.
                next.is_none_or(|n| n.is_ascii_whitespace()) && !is_abbreviation(&text[start..=i])
            }
            b';' => true,
            b'\n' => {
                let rest = text[i + 1..].trim_start_matches([' ', '\t']);
                rest.starts_with('\n')
                    || rest.starts_with("- ")
                    || rest.starts_with("* ")
                    || rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains(". ")
                    || text[start..i].trim_end().ends_with(':')
            }
            _ => false,
        };
        if end_here {
            push_trimmed(text, start, i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn is_abbreviation(upto: &str) -> bool {
    let last = upto
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        last.as_str(),
        "e.g." | "i.e." | "etc." | "vs." | "cf." | "al." | "approx." | "fig." | "eq."
    )
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    // A list marker alone is not a sentence.
    let content = trimmed.trim_start_matches(['-', '*', ' ']);
    if !content.is_empty() && content.chars().any(char::is_alphanumeric) {
        out.push(Sentence {
            span: (start + lead, start + lead + trimmed.len()),
        });
    }
}

/// The lower-cased words of a text with their byte ranges. A word is a run of letters, digits,
/// and inner `'`, `-`, `.` or `_` (so "p99", "l2-norm", "0.5" and "don't" stay whole).
pub fn words(text: &str) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let inner = matches!(c, '\'' | '’' | '-' | '.' | '_')
            && start.is_some()
            && chars.get(k + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((text[s..i].to_lowercase().replace('’', "'"), (s, i)));
        }
    }
    if let Some(s) = start {
        out.push((text[s..].to_lowercase().replace('’', "'"), (s, text.len())));
    }
    out
}

/// Whether a lower-case word is a function word that carries no content.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// English function words, sorted for binary search.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no",
    "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out",
    "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
];

/// A light suffix-stripping stemmer, enough to match "normalizes" with "normalization" and
/// "gradients" with "gradient". Words shorter than five letters are left alone.
pub fn stem(word: &str) -> String {
    if word.chars().count() < 5 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return word.to_string();
    }
    for suffix in [
        "izations", "ization", "isations", "isation", "ational", "fulness", "iveness", "ements",
        "ement", "ments", "ment", "ings", "ing", "ities", "ity", "ies", "izes", "ized", "ize",
        "ises", "ised", "ise", "ness", "ions", "ion", "ers", "er", "ed", "ly", "es", "s",
    ] {
        if let Some(base) = word.strip_suffix(suffix)
            && base.len() >= 3
        {
            return base.to_string();
        }
    }
    word.to_string()
}

/// The content words of a text, stemmed: the words that can carry evidence.
pub fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|(w, _)| !is_stop_word(w))
        .map(|(w, _)| stem(&w))
        .collect()
}

/// Whether an answer says the candidate does not know, and little else.
pub fn is_dont_know(answer: &str) -> bool {
    let ws: Vec<String> = words(answer).into_iter().map(|(w, _)| w).collect();
    if ws.is_empty() || ws.len() > 15 {
        return false;
    }
    let joined = format!(" {} ", ws.join(" "));
    let phrases = [
        " don't know ",
        " dont know ",
        " do not know ",
        " no idea ",
        " not sure ",
        " idk ",
        " no clue ",
        " can't remember ",
        " cannot remember ",
        " don't remember ",
        " i forget ",
        " i forgot ",
    ];
    phrases.iter().any(|p| joined.contains(p))
        || matches!(joined.trim(), "pass" | "skip" | "none" | "n/a" | "no")
}

/// Whether an answer mostly repeats the question: at least three content words, and at least
/// 80% of them taken from the prompt.
pub fn is_copy_of(answer: &str, prompt: &str) -> bool {
    let prompt_stems: std::collections::HashSet<String> =
        content_stems(prompt).into_iter().collect();
    let stems = content_stems(answer);
    stems.len() >= 3
        && stems.iter().filter(|s| prompt_stems.contains(*s)).count() * 5 >= stems.len() * 4
}

/// Whether an answer is a list of terms rather than sentences: three or more short items
/// separated by commas, semicolons or line breaks with few function words, or a run of five or
/// more words without a single function word or sentence mark.
pub fn is_keyword_list(answer: &str) -> bool {
    let items: Vec<&str> = answer
        .split([',', ';', '\n', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let all = words(answer);
    if all.len() < 3 {
        return false;
    }
    let short_items = items.iter().filter(|i| words(i).len() <= 3).count();
    let function_words = all.iter().filter(|(w, _)| is_stop_word(w)).count();
    let function_share = function_words as f64 / all.len() as f64;
    let listed = items.len() >= 3 && short_items * 10 >= items.len() * 7 && function_share < 0.2;
    let run_on =
        all.len() >= 5 && function_words == 0 && !answer.trim_end().ends_with(['.', '!', '?']);
    listed || run_on
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_ends_lists_and_not_on_abbreviations() {
        let text = "Softmax maps logits to probabilities, e.g. for classes. It sums to 1!\n- Subtract the max\n- Then exp; done";
        let got: Vec<&str> = sentences(text).iter().map(|s| s.text(text)).collect();
        assert_eq!(
            got,
            [
                "Softmax maps logits to probabilities, e.g. for classes.",
                "It sums to 1!",
                "- Subtract the max",
                "- Then exp;",
                "done"
            ]
        );
        assert!(sentences("   \n ").is_empty());
        assert_eq!(sentences("p = 0.5 here").len(), 1);
    }

    #[test]
    fn words_keep_technical_tokens_whole() {
        let got: Vec<String> = words("The p99 latency, L2-norm and 0.5 don't split.")
            .into_iter()
            .map(|w| w.0)
            .collect();
        assert_eq!(
            got,
            [
                "the", "p99", "latency", "l2-norm", "and", "0.5", "don't", "split"
            ]
        );
    }

    #[test]
    fn stems_match_related_forms() {
        assert_eq!(stem("normalization"), stem("normalizes"));
        assert_eq!(stem("gradients"), "gradient");
        assert_eq!(stem("loss"), "loss");
    }

    #[test]
    fn degenerate_shapes_are_recognised() {
        assert!(is_dont_know("I don't know."));
        assert!(is_dont_know("no idea, sorry"));
        assert!(!is_dont_know("Passing by reference avoids copying."));
        assert!(is_copy_of(
            "Why can naive softmax be numerically unstable?",
            "What is softmax? Why can naive softmax be numerically unstable and how to fix it?"
        ));
        assert!(!is_copy_of(
            "main",
            "Where does a C++ program start executing? In which function?"
        ));
        assert!(!is_dont_know(
            "I don't know the exact constant, but softmax divides each exponential by the sum of all exponentials so outputs sum to one."
        ));
        assert!(is_keyword_list(
            "softmax, logits, max subtraction, overflow, exp"
        ));
        assert!(is_keyword_list(
            "gradient\nlearning rate\nconvexity\nLipschitz"
        ));
        assert!(!is_keyword_list(
            "Softmax exponentiates the logits and divides by their sum, so the outputs are positive and sum to one."
        ));
    }
}
