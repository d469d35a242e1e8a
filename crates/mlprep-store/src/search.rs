//! Full-text search over the bank: an in-memory SQLite FTS5 index built when a search runs.
//! A bank of a few thousand questions indexes in milliseconds, so nothing is kept on disk that
//! could fall out of step with the bank files.

use rusqlite::{Connection, params};

/// A search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The question id.
    pub id: String,
    /// BM25 rank (lower is better).
    pub rank: f64,
}

/// An FTS5 index of question prompts, tags and answers.
pub struct SearchIndex {
    conn: Connection,
}

impl SearchIndex {
    /// Indexes documents given as (id, prompt, tags, answer).
    pub fn build<'a>(
        docs: impl IntoIterator<Item = (&'a str, &'a str, String, &'a str)>,
    ) -> crate::Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, prompt, tags, answer, tokenize = 'porter unicode61');",
        )?;
        let tx = conn.transaction()?;
        {
            let mut insert =
                tx.prepare("INSERT INTO docs (id, prompt, tags, answer) VALUES (?1, ?2, ?3, ?4)")?;
            for (id, prompt, tags, answer) in docs {
                insert.execute(params![id, prompt, tags, answer])?;
            }
        }
        tx.commit()?;
        Ok(SearchIndex { conn })
    }

    /// The best matches for a free-text query, best first. Every word must match; when no
    /// document has them all, any word may. A prompt match weighs most, then tags, then answer.
    pub fn search(&self, query: &str, limit: usize) -> crate::Result<Vec<SearchHit>> {
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\""))
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let all = self.run(&words.join(" AND "), limit)?;
        if !all.is_empty() || words.len() == 1 {
            return Ok(all);
        }
        self.run(&words.join(" OR "), limit)
    }

    fn run(&self, fts_query: &str, limit: usize) -> crate::Result<Vec<SearchHit>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, bm25(docs, 0.0, 10.0, 4.0, 1.0) AS rank FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts_query, limit as i64], |r| {
            Ok(SearchHit {
                id: r.get(0)?,
                rank: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_prompt_matches_first_and_falls_back_to_any_word() {
        let index = SearchIndex::build([
            (
                "a/attention",
                "What is attention?",
                "transformers".to_string(),
                "It uses a softmax over scores.",
            ),
            (
                "a/softmax",
                "What is softmax?",
                "softmax".to_string(),
                "Softmax normalizes logits.",
            ),
            (
                "a/other",
                "Explain dropout.",
                "regularization".to_string(),
                "Randomly zeroes units.",
            ),
        ])
        .unwrap();
        let hits = index.search("softmax", 10).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["a/softmax", "a/attention"]
        );
        let hits = index.search("dropout softmax", 10).unwrap();
        assert_eq!(
            hits.len(),
            3,
            "no question has both words, so any word matches: {hits:?}"
        );
        assert!(index.search("  ?! ", 10).unwrap().is_empty());
    }
}
