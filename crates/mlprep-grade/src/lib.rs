//! Grading a typed answer against a question's key points, with the words of the answer that
//! support each point quoted as evidence, and coaching the structure of STAR answers.
//!
//! How a key point is scored (see `ARCHITECTURE.md` for the measured figures):
//! 1. The answer is split into sentences and encoded once with the embedding model; every
//!    word-piece token gets a contextual vector.
//! 2. For each key point (its encoding is computed once and cached), every token finds its most
//!    similar answer token; the IDF-weighted mean of those similarities is the point's semantic
//!    recall. Words that merely repeat the question are ignored on both sides ("question
//!    demoting"), so copying the question back earns nothing.
//! 3. Lexical evidence (shared content words and numbers, stemmed, IDF-weighted) is blended in.
//! 4. The blend is mapped to a coverage in 0..1 by a logistic curve whose midpoint sits above
//!    what unrelated text reaches; the score is the weighted mean coverage.
//! 5. The answer sentence that best supports the point is quoted as evidence, a substring of
//!    the answer.
//!
//! Without the model the same steps run on lexical evidence alone, and every result says so.
#![deny(missing_docs)]

pub mod eval;
pub mod star;
pub mod text;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use mlprep_core::{KeyPoint, Kind, Question};
use mlprep_embed::{Embedder, Encoded, Token, dot};
use serde::Serialize;

use text::{Sentence, content_stems, sentences, stem, words};

/// Grading errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The embedding model failed.
    #[error(transparent)]
    Embed(#[from] mlprep_embed::Error),
}

/// A result with a grading [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What an answer is graded against: the question (for question demoting) and weighted points.
#[derive(Debug, Clone)]
pub struct Rubric {
    /// The question as asked.
    pub prompt: String,
    /// The key points.
    pub points: Vec<KeyPoint>,
}

impl Rubric {
    /// The rubric of a bank question: its key points.
    pub fn from_question(q: &Question) -> Rubric {
        Rubric {
            prompt: q.prompt.clone(),
            points: q.key_points.clone(),
        }
    }

    /// A rubric from a reference answer: each of its sentences becomes a key point of weight 1.
    pub fn from_reference(prompt: &str, reference: &str) -> Rubric {
        let points: Vec<KeyPoint> = sentences(reference)
            .iter()
            .map(|s| KeyPoint {
                text: s
                    .text(reference)
                    .trim_start_matches(['-', '*', ' '])
                    .to_string(),
                weight: 1.0,
            })
            .collect();
        let points = if points.is_empty() {
            vec![KeyPoint {
                text: reference.to_string(),
                weight: 1.0,
            }]
        } else {
            points
        };
        Rubric {
            prompt: prompt.to_string(),
            points,
        }
    }
}

/// Whether a key point is in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The answer makes the point.
    Covered,
    /// The answer touches the point but not fully.
    Partial,
    /// The answer does not make the point.
    Missed,
}

/// The words of the answer that support a key point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The quoted text, a substring of the answer.
    pub quote: String,
    /// Its byte range in the answer.
    pub span: (usize, usize),
}

/// One key point's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointGrade {
    /// The key point.
    pub text: String,
    /// Its weight.
    pub weight: f64,
    /// Covered, partial or missed.
    pub status: Status,
    /// Coverage in 0..1.
    pub coverage: f64,
    /// The supporting words, for covered and partial points.
    pub evidence: Option<Evidence>,
    /// The measurements behind the coverage.
    pub signals: Signals,
    /// (IDF, best similarity) of each key-point token, for parameter studies; not serialized.
    #[serde(skip)]
    pub alignment: Vec<(f64, f64)>,
}

/// The measurements a key point's coverage is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Signals {
    /// IDF-weighted token alignment recall with the model (absent without it).
    pub semantic: Option<f64>,
    /// IDF-weighted share of the point's content words found in the answer.
    pub lexical: f64,
    /// Cosine between the point's and the answer's sentence embeddings (absent without the model).
    pub cosine: Option<f64>,
}

/// How the grade was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Sentence-embedding model plus lexical evidence.
    Model,
    /// Lexical evidence only: the model was not available.
    Lexical,
}

/// Why an answer earned (almost) nothing, when its shape says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// Nothing was written.
    Empty,
    /// The answer says the candidate does not know.
    DontKnow,
    /// The answer mostly repeats the question.
    CopiedQuestion,
    /// The answer lists terms without explaining them in sentences.
    KeywordList,
}

impl Flag {
    /// A sentence for the learner.
    pub fn message(self) -> &'static str {
        match self {
            Flag::Empty => "No answer was given.",
            Flag::DontKnow => {
                "The answer says you don't know; study the model answer and try again later."
            }
            Flag::CopiedQuestion => {
                "The answer mostly repeats the question; say what the answer is."
            }
            Flag::KeywordList => {
                "The answer lists terms without explaining them; say in sentences how they connect."
            }
        }
    }
}

/// The result of grading one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    /// Weighted key-point coverage, 0..1.
    pub score: f64,
    /// How it was computed.
    pub method: Method,
    /// Each key point's result, in rubric order.
    pub points: Vec<PointGrade>,
    /// Shapes of the answer that cut its score.
    pub flags: Vec<Flag>,
}

impl Grade {
    /// The FSRS rating this grade suggests: below 0.35 Again, below 0.6 Hard, below 0.85 Good,
    /// else Easy.
    pub fn suggested_rating(&self) -> mlprep_core::Rating {
        use mlprep_core::Rating;
        match self.score {
            s if s < 0.35 => Rating::Again,
            s if s < 0.6 => Rating::Hard,
            s if s < 0.85 => Rating::Good,
            _ => Rating::Easy,
        }
    }

    /// The points missed.
    pub fn missed(&self) -> impl Iterator<Item = &PointGrade> {
        self.points.iter().filter(|p| p.status == Status::Missed)
    }
}

/// A persistent store of key-point encodings, keyed by model and text hash.
pub trait EncodingCache {
    /// The stored bytes for a key.
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Stores bytes under a key (failures are ignored: the cache is only a speed-up).
    fn put(&self, key: &str, value: &[u8]);
}

/// Document frequencies of word pieces and stemmed content words over a corpus.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct DocumentFrequencies {
    documents: usize,
    pieces: HashMap<String, usize>,
    words: HashMap<String, usize>,
}

impl DocumentFrequencies {
    fn count(embedder: Option<&Embedder>, corpus: &[String]) -> Result<DocumentFrequencies> {
        let mut stats = DocumentFrequencies {
            documents: corpus.len(),
            ..Default::default()
        };
        for doc in corpus {
            if let Some(embedder) = embedder {
                let pieces: HashSet<String> = embedder.pieces(doc)?.into_iter().collect();
                for piece in pieces {
                    *stats.pieces.entry(piece).or_default() += 1;
                }
            }
            let stems: HashSet<String> = content_stems(doc).into_iter().collect();
            for s in stems {
                *stats.words.entry(s).or_default() += 1;
            }
        }
        Ok(stats)
    }
}

/// The grading parameters. The defaults are what `ARCHITECTURE.md` reports figures for.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Weight of semantic recall in the blend (the rest is lexical).
    pub semantic_weight: f64,
    /// Blend value at which coverage is one half.
    pub midpoint: f64,
    /// Logistic scale: how sharply coverage rises around the midpoint.
    pub scale: f64,
    /// Lexical-only midpoint (when the model is unavailable).
    pub lexical_midpoint: f64,
    /// Whether words of the question earn no credit ("question demoting").
    pub demote_question: bool,
    /// Token similarity that earns no credit: unrelated words of this model still reach cosine
    /// 0.1–0.3, so credit rises linearly from this floor to 1 at a perfect match.
    pub token_floor: f64,
}

impl Params {
    /// The credit a key-point token earns for its best similarity in the answer.
    pub fn credit(&self, similarity: f64) -> f64 {
        ((similarity - self.token_floor) / (1.0 - self.token_floor)).clamp(0.0, 1.0)
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            semantic_weight: 0.8,
            midpoint: 0.3,
            scale: 0.08,
            lexical_midpoint: 0.35,
            demote_question: true,
            token_floor: 0.0,
        }
    }
}

/// Coverage at or above which a point is covered.
pub const COVERED: f64 = 0.6;
/// Coverage at or above which a point is partly covered.
pub const PARTIAL: f64 = 0.3;

/// The grader: the model (when available), document frequencies, and the encodings cache.
pub struct Grader {
    embedder: Option<Embedder>,
    params: Params,
    piece_idf: HashMap<String, f32>,
    word_idf: HashMap<String, f32>,
    default_idf: f32,
    memo: RefCell<HashMap<String, Rc<Encoded>>>,
    cache: Option<Box<dyn EncodingCache>>,
}

impl Grader {
    /// A grader whose IDF statistics come from `corpus` (for the bank: each question's prompt,
    /// answer and key points; for a grading data set: its questions and reference answers —
    /// never the answers being graded).
    pub fn new(embedder: Option<Embedder>, corpus: &[String], params: Params) -> Result<Grader> {
        Grader::with_cached_statistics(embedder, corpus, params, None)
    }

    /// Like [`Grader::new`], keeping key-point encodings and the corpus's document frequencies
    /// in a persistent cache, so a later process with the same corpus skips tokenizing it.
    pub fn with_cached_statistics(
        embedder: Option<Embedder>,
        corpus: &[String],
        params: Params,
        cache: Option<Box<dyn EncodingCache>>,
    ) -> Result<Grader> {
        let key = format!("df:{}", cache_key(&corpus.join("\u{1f}")));
        let cached = cache
            .as_ref()
            .and_then(|c| c.get(&key))
            .and_then(|bytes| serde_json::from_slice::<DocumentFrequencies>(&bytes).ok());
        let stats = match cached {
            Some(stats) if stats.pieces.is_empty() == embedder.is_none() => stats,
            _ => {
                let stats = DocumentFrequencies::count(embedder.as_ref(), corpus)?;
                if let Some(cache) = &cache
                    && let Ok(bytes) = serde_json::to_vec(&stats)
                {
                    cache.put(&key, &bytes);
                }
                stats
            }
        };
        let n = stats.documents.max(1) as f32;
        let idf = |df: usize| ((n + 1.0) / (df as f32 + 1.0)).ln() + 1.0;
        Ok(Grader {
            embedder,
            params,
            piece_idf: stats.pieces.into_iter().map(|(k, v)| (k, idf(v))).collect(),
            word_idf: stats.words.into_iter().map(|(k, v)| (k, idf(v))).collect(),
            default_idf: idf(0),
            memo: RefCell::new(HashMap::new()),
            cache,
        })
    }

    /// How this grader works: with the model, or lexical only.
    pub fn method(&self) -> Method {
        if self.embedder.is_some() {
            Method::Model
        } else {
            Method::Lexical
        }
    }

    /// The embedding model, when loaded.
    pub fn embedder(&self) -> Option<&Embedder> {
        self.embedder.as_ref()
    }

    /// Computes and caches the encodings of these texts (e.g. all key points of the bank) ahead
    /// of grading.
    pub fn warm(&self, texts: &[&str]) -> Result<()> {
        let missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| self.cached(t).is_none())
            .collect();
        if let Some(embedder) = &self.embedder {
            for chunk in missing.chunks(32) {
                for (text, encoded) in chunk.iter().zip(embedder.encode(chunk)?) {
                    self.remember(text, encoded);
                }
            }
        }
        Ok(())
    }

    /// Grades an answer against a rubric.
    pub fn grade(&self, rubric: &Rubric, answer: &str) -> Result<Grade> {
        let method = self.method();
        let empty = |flag: Flag| Grade {
            score: 0.0,
            method,
            points: rubric.points.iter().map(missed).collect(),
            flags: vec![flag],
        };
        if answer.trim().is_empty() || !answer.chars().any(char::is_alphanumeric) {
            return Ok(empty(Flag::Empty));
        }
        if text::is_dont_know(answer) {
            return Ok(empty(Flag::DontKnow));
        }
        let prompt_stems: HashSet<String> = if self.params.demote_question {
            content_stems(&rubric.prompt).into_iter().collect()
        } else {
            HashSet::new()
        };
        if text::is_copy_of(answer, &rubric.prompt) {
            return Ok(empty(Flag::CopiedQuestion));
        }
        let sents = sentences(answer);
        let answer_tokens = match &self.embedder {
            Some(embedder) => Some(self.encode_answer(embedder, answer, &sents, &prompt_stems)?),
            None => None,
        };
        let lexical_answer = LexicalAnswer::new(answer, &sents, &prompt_stems);
        let mut points = Vec::with_capacity(rubric.points.len());
        for point in &rubric.points {
            let lexical = lexical_answer.recall(&point.text, &prompt_stems, self);
            let mut cosine = None;
            let mut alignment = Vec::new();
            let (blend, midpoint, best_sentence, semantic_whole) = match &answer_tokens {
                Some(tokens) => {
                    let encoded = self.key_point(&point.text)?;
                    let semantic =
                        semantic_recall(&encoded, &tokens.tokens, &prompt_stems, &point.text, self);
                    alignment = semantic.alignment.clone();
                    cosine = tokens
                        .chunks
                        .iter()
                        .map(|c| f64::from(dot(c, &encoded.sentence)))
                        .reduce(f64::max);
                    let w = self.params.semantic_weight;
                    let blend = w * semantic.whole + (1.0 - w) * lexical.whole;
                    let best = best_sentence(&semantic.per_sentence, &lexical.per_sentence, w);
                    (blend, self.params.midpoint, best, Some(semantic.whole))
                }
                None => (
                    lexical.whole,
                    self.params.lexical_midpoint,
                    best_sentence(&[], &lexical.per_sentence, 0.0),
                    None,
                ),
            };
            let coverage = logistic(blend, midpoint, self.params.scale);
            let status = if coverage >= COVERED {
                Status::Covered
            } else if coverage >= PARTIAL {
                Status::Partial
            } else {
                Status::Missed
            };
            let evidence = match (status, best_sentence) {
                (Status::Missed, _) | (_, None) => None,
                (_, Some(i)) => {
                    let span = sents[i].span;
                    Some(Evidence {
                        quote: answer[span.0..span.1].to_string(),
                        span,
                    })
                }
            };
            points.push(PointGrade {
                text: point.text.clone(),
                weight: point.weight,
                status,
                coverage,
                evidence,
                signals: Signals {
                    semantic: semantic_whole,
                    lexical: lexical.whole,
                    cosine,
                },
                alignment,
            });
        }
        let total: f64 = points.iter().map(|p| p.weight).sum();
        let mut score = if total > 0.0 {
            points.iter().map(|p| p.weight * p.coverage).sum::<f64>() / total
        } else {
            0.0
        };
        let mut flags = Vec::new();
        // Naming the right terms without connecting them is not an answer when the rubric makes
        // claims: keep the evidence, but cap every point at partial and the score near zero. A
        // rubric that is itself a list of terms ("refining, production, maintenance") is
        // answered by a list.
        let rubric_claims = rubric
            .points
            .iter()
            .filter(|p| !text::is_keyword_list(&p.text))
            .count()
            * 2
            > rubric.points.len();
        if rubric_claims && text::is_keyword_list(answer) {
            flags.push(Flag::KeywordList);
            score *= 0.1;
            for p in &mut points {
                p.coverage *= 0.1;
                if p.status == Status::Covered {
                    p.status = Status::Partial;
                }
            }
        }
        Ok(Grade {
            score,
            method,
            points,
            flags,
        })
    }

    fn cached(&self, text: &str) -> Option<Rc<Encoded>> {
        let key = cache_key(text);
        if let Some(hit) = self.memo.borrow().get(&key) {
            return Some(hit.clone());
        }
        let bytes = self.cache.as_ref()?.get(&key)?;
        let encoded = Rc::new(decode(&bytes)?);
        self.memo.borrow_mut().insert(key, encoded.clone());
        Some(encoded)
    }

    fn remember(&self, text: &str, encoded: Encoded) -> Rc<Encoded> {
        let key = cache_key(text);
        if let Some(cache) = &self.cache {
            cache.put(&key, &encode(&encoded));
        }
        let encoded = Rc::new(encoded);
        self.memo.borrow_mut().insert(key, encoded.clone());
        encoded
    }

    fn key_point(&self, text: &str) -> Result<Rc<Encoded>> {
        if let Some(hit) = self.cached(text) {
            return Ok(hit);
        }
        let embedder = self
            .embedder
            .as_ref()
            .expect("key points are encoded only with a model");
        let encoded = embedder
            .encode(&[text])?
            .pop()
            .expect("one encoding per text");
        Ok(self.remember(text, encoded))
    }

    fn encode_answer(
        &self,
        embedder: &Embedder,
        answer: &str,
        sents: &[Sentence],
        prompt_stems: &HashSet<String>,
    ) -> Result<EncodedAnswer> {
        // Consecutive sentences are encoded together, up to about 150 words per chunk, so
        // tokens keep their context and long answers stay within the model's 256 tokens.
        let mut chunks: Vec<(usize, usize)> = Vec::new();
        for s in sents {
            match chunks.last_mut() {
                Some(last) if words(&answer[last.0..s.span.1]).len() <= 150 => last.1 = s.span.1,
                _ => chunks.push(s.span),
            }
        }
        let texts: Vec<&str> = chunks.iter().map(|&(a, b)| &answer[a..b]).collect();
        let encoded = embedder.encode(&texts)?;
        let word_spans = words(answer);
        let mut out = Vec::new();
        let mut chunk_vectors = Vec::with_capacity(encoded.len());
        for ((offset, _), enc) in chunks.iter().zip(encoded) {
            chunk_vectors.push(enc.sentence.clone());
            for token in enc.tokens {
                let span = (offset + token.span.0, offset + token.span.1);
                if !has_alnum(&token.piece) {
                    continue;
                }
                let word = word_at(&word_spans, span.0);
                let demoted = word.is_some_and(|w| prompt_stems.contains(&stem(w)));
                let sentence = sents
                    .iter()
                    .position(|s| s.span.0 <= span.0 && span.0 < s.span.1.max(s.span.0 + 1));
                out.push(AnswerToken {
                    vector: token.vector,
                    demoted,
                    sentence,
                });
            }
        }
        Ok(EncodedAnswer {
            tokens: out,
            chunks: chunk_vectors,
        })
    }

    fn piece_idf(&self, piece: &str) -> f32 {
        self.piece_idf
            .get(piece)
            .copied()
            .unwrap_or(self.default_idf)
    }

    fn word_idf(&self, stem: &str) -> f32 {
        self.word_idf.get(stem).copied().unwrap_or(self.default_idf)
    }
}

fn missed(p: &KeyPoint) -> PointGrade {
    PointGrade {
        text: p.text.clone(),
        weight: p.weight,
        status: Status::Missed,
        coverage: 0.0,
        evidence: None,
        signals: Signals::default(),
        alignment: Vec::new(),
    }
}

fn logistic(x: f64, midpoint: f64, scale: f64) -> f64 {
    1.0 / (1.0 + (-(x - midpoint) / scale).exp())
}

fn has_alnum(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

fn word_at(words: &[(String, (usize, usize))], byte: usize) -> Option<&str> {
    words
        .iter()
        .find(|(_, (a, b))| *a <= byte && byte < *b)
        .map(|(w, _)| w.as_str())
}

/// An encoded answer: its tokens and the sentence embedding of each chunk.
struct EncodedAnswer {
    tokens: Vec<AnswerToken>,
    chunks: Vec<Vec<f32>>,
}

/// An answer token ready for alignment.
struct AnswerToken {
    vector: Vec<f32>,
    demoted: bool,
    sentence: Option<usize>,
}

/// Recall over the whole answer and restricted to each sentence.
struct Recall {
    whole: f64,
    per_sentence: Vec<f64>,
    /// (IDF, best similarity) of each key-point token, for parameter studies.
    alignment: Vec<(f64, f64)>,
}

fn semantic_recall(
    point: &Encoded,
    answer: &[AnswerToken],
    prompt_stems: &HashSet<String>,
    point_text: &str,
    g: &Grader,
) -> Recall {
    let point_words = words(point_text);
    let usable: Vec<&Token> = point
        .tokens
        .iter()
        .filter(|t| has_alnum(&t.piece))
        .collect();
    let not_demoted: Vec<&Token> = usable
        .iter()
        .copied()
        .filter(|t| {
            !word_at(&point_words, t.span.0).is_some_and(|w| prompt_stems.contains(&stem(w)))
        })
        .collect();
    // A key point made only of the question's words is compared in full.
    let tokens = if not_demoted.is_empty() {
        usable
    } else {
        not_demoted
    };
    let candidates: Vec<&AnswerToken> = answer.iter().filter(|a| !a.demoted).collect();
    let n_sentences = answer
        .iter()
        .filter_map(|a| a.sentence)
        .max()
        .map_or(0, |m| m + 1);
    let mut whole = 0.0f64;
    let mut per = vec![0.0f64; n_sentences];
    let mut weight = 0.0f64;
    let mut alignment = Vec::with_capacity(tokens.len());
    for t in &tokens {
        let idf = f64::from(g.piece_idf(&t.piece));
        weight += idf;
        let mut best = 0.0f32;
        let mut best_in = vec![0.0f32; n_sentences];
        for a in &candidates {
            let sim = dot(&t.vector, &a.vector);
            best = best.max(sim);
            if let Some(s) = a.sentence {
                best_in[s] = best_in[s].max(sim);
            }
        }
        alignment.push((idf, f64::from(best)));
        whole += idf * g.params.credit(f64::from(best));
        for (p, b) in per.iter_mut().zip(best_in) {
            *p += idf * g.params.credit(f64::from(b));
        }
    }
    if weight == 0.0 {
        return Recall {
            whole: 0.0,
            per_sentence: per,
            alignment,
        };
    }
    Recall {
        whole: whole / weight,
        per_sentence: per.into_iter().map(|p| p / weight).collect(),
        alignment,
    }
}

/// The answer's content words, by sentence, for lexical evidence.
struct LexicalAnswer {
    all: HashSet<String>,
    by_sentence: Vec<HashSet<String>>,
}

impl LexicalAnswer {
    fn new(answer: &str, sents: &[Sentence], prompt_stems: &HashSet<String>) -> LexicalAnswer {
        let stems = |text: &str| -> HashSet<String> {
            content_stems(text)
                .into_iter()
                .filter(|s| !prompt_stems.contains(s))
                .collect()
        };
        LexicalAnswer {
            all: stems(answer),
            by_sentence: sents.iter().map(|s| stems(s.text(answer))).collect(),
        }
    }

    fn recall(&self, point: &str, prompt_stems: &HashSet<String>, g: &Grader) -> Recall {
        let mut stems: Vec<String> = content_stems(point)
            .into_iter()
            .filter(|s| !prompt_stems.contains(s))
            .collect();
        if stems.is_empty() {
            stems = content_stems(point);
        }
        stems.sort();
        stems.dedup();
        let weight: f64 = stems.iter().map(|s| f64::from(g.word_idf(s))).sum();
        if weight == 0.0 {
            return Recall {
                whole: 0.0,
                per_sentence: vec![0.0; self.by_sentence.len()],
                alignment: Vec::new(),
            };
        }
        let score = |set: &HashSet<String>| {
            stems
                .iter()
                .filter(|s| set.contains(*s))
                .map(|s| f64::from(g.word_idf(s)))
                .sum::<f64>()
                / weight
        };
        Recall {
            whole: score(&self.all),
            per_sentence: self.by_sentence.iter().map(score).collect(),
            alignment: Vec::new(),
        }
    }
}

fn best_sentence(semantic: &[f64], lexical: &[f64], w: f64) -> Option<usize> {
    (0..lexical.len().max(semantic.len()))
        .map(|i| {
            (
                i,
                w * semantic.get(i).copied().unwrap_or(0.0)
                    + (1.0 - w) * lexical.get(i).copied().unwrap_or(0.0),
            )
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The cache key of a text's encoding: the model and an FNV-1a hash of the text.
fn cache_key(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{}:{hash:016x}:{}", mlprep_embed::MODEL_NAME, text.len())
}

/// Serializes an encoding: token count, then per token the piece, span and vector; then the
/// sentence vector. Little-endian.
fn encode(e: &Encoded) -> Vec<u8> {
    let mut out = Vec::new();
    let put_u32 = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
    let put_vec = |out: &mut Vec<u8>, v: &[f32]| {
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        for x in v {
            out.extend_from_slice(&x.to_le_bytes());
        }
    };
    put_u32(&mut out, e.tokens.len() as u32);
    for t in &e.tokens {
        put_u32(&mut out, t.piece.len() as u32);
        out.extend_from_slice(t.piece.as_bytes());
        put_u32(&mut out, t.span.0 as u32);
        put_u32(&mut out, t.span.1 as u32);
        put_vec(&mut out, &t.vector);
    }
    put_vec(&mut out, &e.sentence);
    out
}

/// The inverse of [`encode`]; `None` for bytes that are not an encoding.
fn decode(bytes: &[u8]) -> Option<Encoded> {
    let mut r = Reader { bytes, at: 0 };
    let n = r.u32()? as usize;
    let mut tokens = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let len = r.u32()? as usize;
        let piece = String::from_utf8(r.take(len)?.to_vec()).ok()?;
        let start = r.u32()? as usize;
        let end = r.u32()? as usize;
        let vector = r.vector()?;
        tokens.push(Token {
            piece,
            span: (start, end),
            vector,
        });
    }
    let sentence = r.vector()?;
    (r.at == bytes.len()).then_some(Encoded { tokens, sentence })
}

/// Reads little-endian values from a byte slice, `None` past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn vector(&mut self) -> Option<Vec<f32>> {
        let len = self.u32()? as usize;
        let raw = self.take(len.checked_mul(4)?)?;
        Some(
            raw.chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                .collect(),
        )
    }
}

/// The texts whose document frequencies the bank's grader uses: each question's prompt, model
/// answer and key points together as one document.
pub fn bank_corpus(questions: &[Question]) -> Vec<String> {
    questions
        .iter()
        .map(|q| {
            let points: Vec<&str> = q.key_points.iter().map(|k| k.text.as_str()).collect();
            format!(
                "{}\n{}\n{}",
                q.prompt,
                q.reference_text(),
                points.join("\n")
            )
        })
        .collect()
}

/// Whether a question is graded with the STAR coach as well as its key points.
pub fn wants_star(q: &Question) -> bool {
    q.kind == Kind::Behavioral
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip_and_reject_garbage() {
        let e = Encoded {
            tokens: vec![Token {
                piece: "soft".into(),
                span: (0, 4),
                vector: vec![0.5, -0.25],
            }],
            sentence: vec![1.0, 0.0],
        };
        assert_eq!(decode(&encode(&e)), Some(e.clone()));
        let mut bytes = encode(&e);
        bytes.pop();
        assert_eq!(decode(&bytes), None);
        assert_eq!(decode(b"junk"), None);
    }

    #[test]
    fn reference_answers_become_one_point_per_sentence() {
        let r = Rubric::from_reference(
            "What is a stack?",
            "A LIFO structure. Push and pop happen at the top.",
        );
        assert_eq!(r.points.len(), 2);
        assert_eq!(r.points[1].text, "Push and pop happen at the top.");
    }
}
