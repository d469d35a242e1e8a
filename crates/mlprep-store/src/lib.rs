//! mlprep's storage in one SQLite database file: practice sessions, every attempt with its
//! answer and rating, the FSRS state of each card, and settings such as fitted FSRS parameters.
//! Also the full-text search index over the bank, an in-memory SQLite FTS5 table.
//!
//! **Invariant:** only this crate knows SQL.
//!
//! Durability: the database runs in WAL mode, and every write that matters to the user (a typed
//! answer, a rating with the card's new state) is its own committed transaction, so a killed
//! process loses at most the attempt being typed.
#![deny(missing_docs)]

mod search;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mlprep_core::Rating;
use mlprep_sched::{CardState, Review};
use rusqlite::{Connection, OptionalExtension, params};

pub use search::{SearchHit, SearchIndex};

/// The schema migrations, in order. Shipped migrations are never edited: a change is a new entry.
const MIGRATIONS: &[&str] = &[
    // 1: sessions, attempts, cards, settings.
    "CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        session_id INTEGER REFERENCES sessions(id),
        question_id TEXT NOT NULL,
        shown_at INTEGER NOT NULL,
        answered_at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        answer TEXT NOT NULL,
        rating INTEGER CHECK (rating BETWEEN 1 AND 4),
        rated_at INTEGER,
        score REAL,
        grader TEXT,
        feedback TEXT
    );
    CREATE INDEX attempts_by_question ON attempts(question_id, rated_at);
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        stability REAL NOT NULL,
        difficulty REAL NOT NULL,
        last_review INTEGER NOT NULL,
        due INTEGER NOT NULL,
        reps INTEGER NOT NULL,
        lapses INTEGER NOT NULL
    );
    CREATE INDEX cards_by_due ON cards(due);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    // 2: a cache of computed values, e.g. key-point encodings keyed by model and text hash.
    "CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );",
    // 3: the imported resume (one at a time), the questions generated from it, and the story
    // bank of STAR answers.
    "CREATE TABLE resume (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        imported_at INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        format TEXT NOT NULL,
        extractor TEXT NOT NULL,
        text TEXT NOT NULL,
        parsed TEXT NOT NULL
    );
    CREATE TABLE resume_questions (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        competencies TEXT NOT NULL,
        body TEXT NOT NULL,
        source TEXT,
        created_at INTEGER NOT NULL
    );",
];

/// The prefix of the ids of questions generated from the resume.
pub const RESUME_QUESTION_PREFIX: &str = "resume/";

/// An imported resume as stored: the cleaned text and the parsed structure as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResume {
    /// When it was imported (Unix seconds).
    pub imported_at: i64,
    /// The file's name as given.
    pub file_name: String,
    /// The detected format.
    pub format: String,
    /// Which extractor read it.
    pub extractor: String,
    /// The cleaned text.
    pub text: String,
    /// The parsed resume, JSON.
    pub parsed: String,
}

/// A STAR story of the story bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// Its id.
    pub id: i64,
    /// A short title.
    pub title: String,
    /// The competencies it can answer.
    pub competencies: Vec<String>,
    /// The story text.
    pub body: String,
    /// Where it came from, e.g. the question id of the draft it was made from.
    pub source: Option<String>,
    /// When it was saved (Unix seconds).
    pub created_at: i64,
}

/// What `forget_resume` deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forgotten {
    /// Whether a resume was stored.
    pub resume: bool,
    /// Generated questions deleted.
    pub questions: usize,
    /// Attempts at those questions deleted.
    pub attempts: usize,
    /// Their cards deleted.
    pub cards: usize,
    /// Stories deleted.
    pub stories: usize,
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Storage errors, each saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not an SQLite database or is damaged.
    #[error(
        "{path} is not a readable mlprep database ({source}). Your other files are untouched; \
         move this file aside to start fresh, or restore it from a backup"
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer mlprep.
    #[error(
        "{path} has schema version {found}, but this mlprep knows only up to {known}; \
         it was written by a newer mlprep. Upgrade mlprep (your data is untouched)"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value is out of range.
    #[error("database holds an invalid value: {0}")]
    Invalid(String),
}

/// A result with a storage [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One attempt at a question, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// Row id.
    pub id: i64,
    /// The practice session it belongs to.
    pub session_id: Option<i64>,
    /// The question.
    pub question_id: String,
    /// Unix seconds when the question was shown.
    pub shown_at: i64,
    /// Unix seconds when the answer was submitted.
    pub answered_at: i64,
    /// Time from showing the question to submitting the answer.
    pub duration_ms: i64,
    /// The typed answer (empty when the user revealed without answering).
    pub answer: String,
    /// The rating, once given.
    pub rating: Option<Rating>,
    /// Unix seconds of the rating: the review time FSRS sees.
    pub rated_at: Option<i64>,
}

/// The mlprep database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies pending migrations, and refuses a
    /// database from a newer mlprep.
    pub fn open(path: &Path) -> Result<Store> {
        let corrupt = |source| Error::Corrupt {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(corrupt)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Reading the schema version is the first real read: a file that is not a database
        // fails here.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(corrupt)?;
        if version > SCHEMA_VERSION {
            return Err(Error::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(corrupt)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mut store = Store { conn };
        store.migrate(version).map_err(|e| match e {
            Error::Sqlite(source) => corrupt(source),
            other => other,
        })?;
        Ok(store)
    }

    fn migrate(&mut self, from: i64) -> Result<()> {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Starts a practice session and returns its id.
    pub fn begin_session(&self, mode: &str, now: i64) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO sessions (mode, started_at) VALUES (?1, ?2)",
            params![mode, now],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks a session ended.
    pub fn end_session(&self, session: i64, now: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE sessions SET ended_at = ?2 WHERE id = ?1",
            params![session, now],
        )?;
        Ok(())
    }

    /// Saves a submitted answer at once, before it is rated, and returns the attempt's id.
    pub fn record_answer(
        &self,
        session: Option<i64>,
        question_id: &str,
        shown_at: i64,
        answered_at: i64,
        duration_ms: i64,
        answer: &str,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO attempts (session_id, question_id, shown_at, answered_at, duration_ms, answer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![session, question_id, shown_at, answered_at, duration_ms, answer],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Saves an automatic grade for an attempt: the score, which grader gave it, and its feedback
    /// as JSON.
    pub fn record_grade(
        &self,
        attempt: i64,
        score: f64,
        grader: &str,
        feedback_json: &str,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE attempts SET score = ?2, grader = ?3, feedback = ?4 WHERE id = ?1",
            params![attempt, score, grader, feedback_json],
        )?;
        Ok(())
    }

    /// Saves a rating and the card's new state in one transaction.
    pub fn record_rating(
        &mut self,
        attempt: i64,
        rating: Rating,
        rated_at: i64,
        card: &CardState,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let question: String = tx.query_row(
            "SELECT question_id FROM attempts WHERE id = ?1",
            [attempt],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE attempts SET rating = ?2, rated_at = ?3 WHERE id = ?1",
            params![attempt, rating.value(), rated_at],
        )?;
        tx.execute(
            "INSERT INTO cards (question_id, stability, difficulty, last_review, due, reps, lapses)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(question_id) DO UPDATE SET
               stability = excluded.stability, difficulty = excluded.difficulty,
               last_review = excluded.last_review, due = excluded.due,
               reps = excluded.reps, lapses = excluded.lapses",
            params![
                question,
                card.stability,
                card.difficulty,
                card.last_review,
                card.due,
                card.reps,
                card.lapses
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The card state of a question, if it was ever rated.
    pub fn card(&self, question_id: &str) -> Result<Option<CardState>> {
        Ok(self
            .conn
            .query_row(
                "SELECT stability, difficulty, last_review, due, reps, lapses FROM cards WHERE question_id = ?1",
                [question_id],
                card_from_row,
            )
            .optional()?)
    }

    /// Every card state, by question id.
    pub fn cards(&self) -> Result<BTreeMap<String, CardState>> {
        let mut stmt = self.conn.prepare(
            "SELECT question_id, stability, difficulty, last_review, due, reps, lapses FROM cards",
        )?;
        let rows = stmt.query_map([], |r| {
            let id: String = r.get(0)?;
            Ok((
                id,
                CardState {
                    stability: r.get(1)?,
                    difficulty: r.get(2)?,
                    last_review: r.get(3)?,
                    due: r.get(4)?,
                    reps: r.get(5)?,
                    lapses: r.get(6)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every attempt, oldest first.
    pub fn attempts(&self) -> Result<Vec<Attempt>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, session_id, question_id, shown_at, answered_at, duration_ms, answer, rating, rated_at
             FROM attempts ORDER BY answered_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            let rating: Option<u32> = r.get(7)?;
            Ok(Attempt {
                id: r.get(0)?,
                session_id: r.get(1)?,
                question_id: r.get(2)?,
                shown_at: r.get(3)?,
                answered_at: r.get(4)?,
                duration_ms: r.get(5)?,
                answer: r.get(6)?,
                rating: rating.and_then(Rating::from_value),
                rated_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rated reviews of every card, in time order: the history FSRS is fitted on.
    pub fn review_histories(&self) -> Result<BTreeMap<String, Vec<Review>>> {
        let mut stmt = self.conn.prepare(
            "SELECT question_id, rated_at, rating FROM attempts
             WHERE rating IS NOT NULL ORDER BY question_id, rated_at, id",
        )?;
        let mut out: BTreeMap<String, Vec<Review>> = BTreeMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, u32>(2)?,
            ))
        })?;
        for row in rows {
            let (id, at, rating) = row?;
            let rating = Rating::from_value(rating)
                .ok_or_else(|| Error::Invalid(format!("rating {rating}")))?;
            out.entry(id).or_default().push(Review { at, rating });
        }
        Ok(out)
    }

    /// A setting's value.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// A cached value.
    pub fn cache_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM cache WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Stores a cached value.
    pub fn cache_put(&self, key: &str, value: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO cache (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Saves an imported resume and the questions generated from it, replacing the previous
    /// resume and its questions in one transaction (cards and attempts of questions that keep
    /// their id are kept). `questions` are (id, JSON) pairs in display order.
    pub fn save_resume(
        &mut self,
        resume: &StoredResume,
        questions: &[(String, String)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO resume (id, imported_at, file_name, format, extractor, text, parsed)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(id) DO UPDATE SET imported_at = excluded.imported_at,
               file_name = excluded.file_name, format = excluded.format,
               extractor = excluded.extractor, text = excluded.text, parsed = excluded.parsed",
            params![
                resume.imported_at,
                resume.file_name,
                resume.format,
                resume.extractor,
                resume.text,
                resume.parsed
            ],
        )?;
        tx.execute("DELETE FROM resume_questions", [])?;
        for (position, (id, data)) in questions.iter().enumerate() {
            tx.execute(
                "INSERT INTO resume_questions (id, position, data) VALUES (?1, ?2, ?3)",
                params![id, position as i64, data],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The imported resume, if any.
    pub fn resume(&self) -> Result<Option<StoredResume>> {
        Ok(self
            .conn
            .query_row(
                "SELECT imported_at, file_name, format, extractor, text, parsed FROM resume WHERE id = 1",
                [],
                |r| {
                    Ok(StoredResume {
                        imported_at: r.get(0)?,
                        file_name: r.get(1)?,
                        format: r.get(2)?,
                        extractor: r.get(3)?,
                        text: r.get(4)?,
                        parsed: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// The generated questions as JSON, in display order.
    pub fn resume_questions(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT data FROM resume_questions ORDER BY position")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes the resume and everything derived from it: the generated questions, the attempts
    /// and cards of resume questions, and the story bank.
    pub fn forget_resume(&mut self) -> Result<Forgotten> {
        let tx = self.conn.transaction()?;
        let pattern = format!("{RESUME_QUESTION_PREFIX}%");
        let forgotten = Forgotten {
            resume: tx.execute("DELETE FROM resume", [])? > 0,
            questions: tx.execute("DELETE FROM resume_questions", [])?,
            attempts: tx.execute("DELETE FROM attempts WHERE question_id LIKE ?1", [&pattern])?,
            cards: tx.execute("DELETE FROM cards WHERE question_id LIKE ?1", [&pattern])?,
            stories: tx.execute("DELETE FROM stories", [])?,
        };
        tx.commit()?;
        // Deleted rows can linger in free pages and the write-ahead log; reclaim them.
        self.conn
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(forgotten)
    }

    /// Adds a story to the story bank and returns its id.
    pub fn add_story(
        &self,
        title: &str,
        competencies: &[String],
        body: &str,
        source: Option<&str>,
        now: i64,
    ) -> Result<i64> {
        let competencies = competencies.join(",");
        self.conn.execute(
            "INSERT INTO stories (title, competencies, body, source, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![title, competencies, body, source, now],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The story bank, oldest first.
    pub fn stories(&self) -> Result<Vec<Story>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, title, competencies, body, source, created_at FROM stories ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let competencies: String = r.get(2)?;
            Ok(Story {
                id: r.get(0)?,
                title: r.get(1)?,
                competencies: competencies
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
                body: r.get(3)?,
                source: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Removes a story; false when there is none with that id.
    pub fn remove_story(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM stories WHERE id = ?1", [id])?
            > 0)
    }

    /// Sets a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

fn card_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CardState> {
    Ok(CardState {
        stability: r.get(0)?,
        difficulty: r.get(1)?,
        last_review: r.get(2)?,
        due: r.get(3)?,
        reps: r.get(4)?,
        lapses: r.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(due: i64) -> CardState {
        CardState {
            stability: 2.3,
            difficulty: 5.0,
            last_review: 100,
            due,
            reps: 1,
            lapses: 0,
        }
    }

    #[test]
    fn attempts_and_cards_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mlprep.db");
        {
            let mut store = Store::open(&path).unwrap();
            let session = store.begin_session("practice", 100).unwrap();
            let a = store
                .record_answer(
                    Some(session),
                    "fundamentals/x",
                    90,
                    100,
                    10_000,
                    "my answer",
                )
                .unwrap();
            store
                .record_rating(a, Rating::Good, 101, &state(500))
                .unwrap();
            store
                .record_answer(Some(session), "fundamentals/y", 110, 120, 5_000, "unrated")
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let attempts = store.attempts().unwrap();
        assert_eq!(attempts.len(), 2);
        assert_eq!(attempts[0].answer, "my answer");
        assert_eq!(attempts[0].rating, Some(Rating::Good));
        assert_eq!(attempts[1].rating, None);
        assert_eq!(store.card("fundamentals/x").unwrap(), Some(state(500)));
        assert_eq!(
            store.review_histories().unwrap()["fundamentals/x"],
            vec![Review {
                at: 101,
                rating: Rating::Good
            }]
        );
    }

    #[test]
    fn forgetting_the_resume_deletes_what_derives_from_it_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db")).unwrap();
        let resume = StoredResume {
            imported_at: 1,
            file_name: "cv.md".into(),
            format: "markdown".into(),
            extractor: "text".into(),
            text: "text".into(),
            parsed: "{}".into(),
        };
        store
            .save_resume(&resume, &[("resume/a-latency".into(), "{}".into())])
            .unwrap();
        for id in ["resume/a-latency", "fundamentals/softmax"] {
            let attempt = store.record_answer(None, id, 1, 2, 3, "answer").unwrap();
            store
                .record_rating(attempt, Rating::Good, 5, &state(9))
                .unwrap();
        }
        store
            .add_story("t", &["ownership".into()], "body", None, 1)
            .unwrap();
        assert_eq!(store.resume().unwrap(), Some(resume));
        let forgotten = store.forget_resume().unwrap();
        assert_eq!(
            forgotten,
            Forgotten {
                resume: true,
                questions: 1,
                attempts: 1,
                cards: 1,
                stories: 1
            }
        );
        assert_eq!(store.resume().unwrap(), None);
        assert!(store.resume_questions().unwrap().is_empty());
        let left: Vec<String> = store
            .attempts()
            .unwrap()
            .into_iter()
            .map(|a| a.question_id)
            .collect();
        assert_eq!(left, ["fundamentals/softmax"]);
        assert!(store.card("fundamentals/softmax").unwrap().is_some());
    }

    #[test]
    fn refuses_newer_schema_and_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let newer = dir.path().join("newer.db");
        Store::open(&newer).unwrap();
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Store::open(&newer).err().unwrap().to_string();
        assert!(err.contains("newer mlprep"), "{err}");

        let garbage = dir.path().join("garbage.db");
        std::fs::write(
            &garbage,
            b"this is not a database, just some text that is long enough",
        )
        .unwrap();
        let err = Store::open(&garbage).err().unwrap().to_string();
        assert!(err.contains("not a readable mlprep database"), "{err}");
        assert_eq!(
            std::fs::read(&garbage).unwrap().len(),
            58,
            "a corrupt file is left as it was"
        );
    }
}
