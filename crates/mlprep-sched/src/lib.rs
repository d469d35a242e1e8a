//! Spaced-repetition scheduling with FSRS, the algorithm Anki uses, through the `fsrs` crate.
//!
//! Everything here is a pure function of its inputs: the current time is an argument (Unix
//! seconds), nothing reads the clock or the disk.
//!
//! Conventions, decided here and relied on by the store:
//! - The days elapsed since the last review, which FSRS takes as a whole number, are the whole
//!   days between the two timestamps, rounded down (a review on the same day counts as 0 days,
//!   which FSRS-6 handles with its short-term parameters).
//! - The next due time is the review time plus FSRS's interval in days, kept fractional (an
//!   "Again" on a new card comes back in about five hours, not tomorrow).
#![deny(missing_docs)]

use fsrs::{FSRS, FSRSItem, FSRSReview, MemoryState};
use mlprep_core::Rating;
use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The retention FSRS aims for unless the user configures another.
pub const DEFAULT_RETENTION: f32 = 0.9;

/// A card counts as mastered when its predicted recall now is at least this...
pub const MASTERED_RETRIEVABILITY: f32 = 0.9;
/// ...and its stability (days for recall to fall to 90%) is at least this.
pub const MASTERED_STABILITY_DAYS: f32 = 21.0;

/// The fewest reviews from which `optimize` fits parameters.
pub const MIN_REVIEWS_TO_OPTIMIZE: usize = 200;

/// Scheduling errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The parameters are not valid FSRS parameters.
    #[error("invalid FSRS parameters: {0}")]
    Parameters(String),
    /// FSRS could not compute a state.
    #[error("FSRS could not schedule this review: {0}")]
    Fsrs(String),
    /// Too little history to fit parameters.
    #[error(
        "{have} reviews recorded; fitting parameters needs at least {need}. Keep practising and try again later"
    )]
    NotEnoughData {
        /// Reviews available.
        have: usize,
        /// Reviews needed.
        need: usize,
    },
}

/// The memory state of a card after its last review, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CardState {
    /// FSRS stability in days.
    pub stability: f32,
    /// FSRS difficulty, 1–10.
    pub difficulty: f32,
    /// Unix seconds of the last review.
    pub last_review: i64,
    /// Unix seconds when the card is next due.
    pub due: i64,
    /// Number of reviews.
    pub reps: u32,
    /// Number of "Again" ratings after the first review.
    pub lapses: u32,
}

/// One past review of a card, for replaying or fitting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Review {
    /// Unix seconds.
    pub at: i64,
    /// The rating given.
    pub rating: Rating,
}

/// The scheduler: FSRS parameters and the retention to aim for.
#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    retention: f32,
    parameters: Vec<f32>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new(&[], DEFAULT_RETENTION).expect("FSRS default parameters are valid")
    }
}

impl Scheduler {
    /// A scheduler with these FSRS parameters (empty for FSRS's defaults) and desired retention.
    pub fn new(parameters: &[f32], retention: f32) -> Result<Self, Error> {
        if !(0.7..=0.99).contains(&retention) {
            return Err(Error::Parameters(format!(
                "desired retention {retention} must lie between 0.70 and 0.99"
            )));
        }
        let fsrs = FSRS::new(parameters).map_err(|e| Error::Parameters(e.to_string()))?;
        Ok(Scheduler {
            fsrs,
            retention,
            parameters: parameters.to_vec(),
        })
    }

    /// The parameters in use (empty means FSRS's defaults).
    pub fn parameters(&self) -> &[f32] {
        &self.parameters
    }

    /// The state after reviewing a card (new when `state` is `None`) with `rating` at `now`.
    pub fn review(
        &self,
        state: Option<&CardState>,
        rating: Rating,
        now: i64,
    ) -> Result<CardState, Error> {
        let memory = state.map(|s| MemoryState {
            stability: s.stability,
            difficulty: s.difficulty,
        });
        let elapsed = state.map_or(0, |s| elapsed_days(s.last_review, now));
        let next = self
            .fsrs
            .next_states(memory, self.retention, elapsed)
            .map_err(|e| Error::Fsrs(e.to_string()))?;
        let chosen = match rating {
            Rating::Again => next.again,
            Rating::Hard => next.hard,
            Rating::Good => next.good,
            Rating::Easy => next.easy,
        };
        let interval_secs = (f64::from(chosen.interval) * DAY as f64).round() as i64;
        Ok(CardState {
            stability: chosen.memory.stability,
            difficulty: chosen.memory.difficulty,
            last_review: now,
            due: now + interval_secs.max(60),
            reps: state.map_or(0, |s| s.reps) + 1,
            lapses: state.map_or(0, |s| s.lapses)
                + u32::from(state.is_some() && rating == Rating::Again),
        })
    }

    /// Replays a card's whole history from new. Equal to folding [`Scheduler::review`].
    pub fn replay(&self, reviews: &[Review]) -> Result<Option<CardState>, Error> {
        let mut state = None;
        for review in reviews {
            state = Some(self.review(state.as_ref(), review.rating, review.at)?);
        }
        Ok(state)
    }

    /// The predicted probability of recalling the card at `now`.
    pub fn retrievability(&self, state: &CardState, now: i64) -> f32 {
        let days = ((now - state.last_review).max(0) as f32) / DAY as f32;
        let decay = self
            .parameters
            .get(20)
            .copied()
            .unwrap_or(fsrs::FSRS6_DEFAULT_DECAY);
        fsrs::current_retrievability(
            MemoryState {
                stability: state.stability,
                difficulty: state.difficulty,
            },
            days,
            decay,
        )
    }

    /// Whether a card counts as mastered at `now`: high predicted recall and a stable memory.
    pub fn mastered(&self, state: &CardState, now: i64) -> bool {
        state.stability >= MASTERED_STABILITY_DAYS
            && self.retrievability(state, now) >= MASTERED_RETRIEVABILITY
    }
}

/// Whole days between two Unix timestamps, rounded down, never negative.
pub fn elapsed_days(from: i64, to: i64) -> u32 {
    u32::try_from((to - from).max(0) / DAY).unwrap_or(u32::MAX)
}

/// Fits FSRS parameters to review histories (one list of reviews per card, in time order).
pub fn optimize(histories: &[Vec<Review>]) -> Result<Vec<f32>, Error> {
    let total: usize = histories.iter().map(Vec::len).sum();
    if total < MIN_REVIEWS_TO_OPTIMIZE {
        return Err(Error::NotEnoughData {
            have: total,
            need: MIN_REVIEWS_TO_OPTIMIZE,
        });
    }
    // FSRS trains on every prefix of a card's history that ends in a review after the first.
    let mut items = Vec::new();
    for history in histories {
        let reviews: Vec<FSRSReview> = history
            .iter()
            .enumerate()
            .map(|(i, r)| FSRSReview {
                rating: r.rating.value(),
                delta_t: if i == 0 {
                    0
                } else {
                    elapsed_days(history[i - 1].at, r.at)
                },
            })
            .collect();
        for end in 2..=reviews.len() {
            // FSRS refuses (by panicking) an item whose reviews all fall on one day: such a
            // prefix says nothing about forgetting over time, so it is left out.
            if reviews[1..end].iter().any(|r| r.delta_t > 0) {
                items.push(FSRSItem {
                    reviews: reviews[..end].to_vec(),
                });
            }
        }
    }
    if items.is_empty() {
        return Err(Error::NotEnoughData {
            have: total,
            need: MIN_REVIEWS_TO_OPTIMIZE,
        });
    }
    // The optimizer asserts on inputs it dislikes instead of returning errors; a review history
    // is user data, so a panic there becomes an error and the stored history is untouched.
    let fitted = std::panic::catch_unwind(|| {
        fsrs::compute_parameters(fsrs::ComputeParametersInput {
            train_set: items,
            ..Default::default()
        })
    });
    match fitted {
        Ok(result) => result.map_err(|e| Error::Fsrs(e.to_string())),
        Err(_) => Err(Error::Fsrs(
            "the optimizer rejected this review history; keep the default parameters".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_750_000_000;

    #[test]
    fn new_card_intervals_follow_fsrs_defaults() {
        let s = Scheduler::default();
        let days = |r| (s.review(None, r, T0).unwrap().due - T0) as f64 / DAY as f64;
        // FSRS-6 default first intervals: about 0.21 / 1.29 / 2.31 / 8.30 days.
        assert!((days(Rating::Again) - 0.212).abs() < 0.01);
        assert!((days(Rating::Good) - 2.3065).abs() < 0.01);
        assert!(days(Rating::Easy) > days(Rating::Good));
    }

    #[test]
    fn lapses_count_again_after_the_first_review() {
        let s = Scheduler::default();
        let first = s.review(None, Rating::Again, T0).unwrap();
        assert_eq!(first.lapses, 0);
        let second = s.review(Some(&first), Rating::Again, T0 + DAY).unwrap();
        assert_eq!((second.reps, second.lapses), (2, 1));
    }

    #[test]
    fn retrievability_falls_with_time() {
        let s = Scheduler::default();
        let state = s.review(None, Rating::Good, T0).unwrap();
        let soon = s.retrievability(&state, T0 + DAY);
        let later = s.retrievability(&state, T0 + 30 * DAY);
        assert!(soon > later && later > 0.0);
    }

    #[test]
    fn optimize_fits_parameters_the_scheduler_accepts() {
        // 60 cards, 5 reviews each, spaced by the scheduler itself, with a deterministic mix of
        // ratings: enough history for the optimizer to fit parameters.
        let s = Scheduler::default();
        let mut histories = Vec::new();
        for card in 0..60u32 {
            let mut reviews = Vec::new();
            let mut state = None;
            let mut at = T0 + i64::from(card) * 3_600;
            for step in 0..5u32 {
                let rating = match (card * 7 + step * 3) % 10 {
                    0 | 1 => Rating::Again,
                    2 => Rating::Hard,
                    9 => Rating::Easy,
                    _ => Rating::Good,
                };
                let next = s.review(state.as_ref(), rating, at).unwrap();
                reviews.push(Review { at, rating });
                at = next.due;
                state = Some(next);
            }
            histories.push(reviews);
        }
        let parameters = optimize(&histories).unwrap();
        assert_eq!(parameters.len(), 21);
        assert!(Scheduler::new(&parameters, DEFAULT_RETENTION).is_ok());
        assert!(matches!(
            optimize(&histories[..10]),
            Err(Error::NotEnoughData {
                have: 50,
                need: 200
            })
        ));
    }

    #[test]
    fn rejects_bad_retention() {
        assert!(Scheduler::new(&[], 1.5).is_err());
    }
}
