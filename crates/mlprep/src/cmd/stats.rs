//! `mlprep stats`: progress per category, reviews per day, streak and time spent.
//!
//! "Mastered" means FSRS predicts at least 90% recall now and the memory is stable for at least
//! 21 days (see `mlprep_sched::Scheduler::mastered`).

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;

use super::print_json;
use crate::app::App;
use crate::{GlobalArgs, clock};

/// Arguments of `mlprep stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many recent days to list reviews for.
    #[arg(long, default_value_t = 14)]
    days: i64,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, serde::Serialize)]
struct CategoryStats {
    id: String,
    title: String,
    questions: usize,
    seen: usize,
    due: usize,
    mastered: usize,
}

#[derive(Debug, serde::Serialize)]
struct Stats {
    categories: Vec<CategoryStats>,
    total_reviews: usize,
    reviews_per_day: BTreeMap<String, usize>,
    streak_days: usize,
    total_time_seconds: i64,
    next_due: Option<i64>,
}

/// Runs `mlprep stats`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    let store = app.store()?;
    let scheduler = app.scheduler(&store)?;
    let now = clock::now()?;
    let cards = store.cards()?;
    let attempts = store.attempts()?;

    let categories = bank
        .categories
        .iter()
        .map(|c| {
            let questions: Vec<_> = bank
                .questions
                .iter()
                .filter(|q| q.category == c.id && q.practisable())
                .collect();
            let states: Vec<_> = questions.iter().filter_map(|q| cards.get(&q.id)).collect();
            CategoryStats {
                id: c.id.clone(),
                title: c.title.clone(),
                questions: questions.len(),
                seen: states.len(),
                due: states.iter().filter(|s| s.due <= now).count(),
                mastered: states.iter().filter(|s| scheduler.mastered(s, now)).count(),
            }
        })
        .filter(|c| c.questions > 0)
        .collect();

    let rated: Vec<i64> = attempts.iter().filter_map(|a| a.rated_at).collect();
    let mut per_day: BTreeMap<String, usize> = BTreeMap::new();
    for at in &rated {
        *per_day.entry(clock::day(*at)).or_default() += 1;
    }
    let streak = streak(&per_day, now);
    let recent: BTreeMap<String, usize> = (0..args.days.max(0))
        .rev()
        .map(|d| clock::day(now - d * mlprep_sched::DAY))
        .map(|day| {
            let n = per_day.get(&day).copied().unwrap_or(0);
            (day, n)
        })
        .collect();
    let stats = Stats {
        categories,
        total_reviews: rated.len(),
        reviews_per_day: recent,
        streak_days: streak,
        total_time_seconds: attempts.iter().map(|a| a.duration_ms).sum::<i64>() / 1000,
        next_due: cards.values().map(|c| c.due).filter(|&d| d > now).min(),
    };
    if args.json {
        print_json(&stats)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = stats
        .categories
        .iter()
        .map(|c| c.id.len())
        .max()
        .unwrap_or(8);
    println!(
        "{:width$}  {:>9}  {:>4}  {:>4}  {:>8}",
        "category", "questions", "seen", "due", "mastered"
    );
    for c in &stats.categories {
        println!(
            "{:width$}  {:>9}  {:>4}  {:>4}  {:>8}",
            c.id, c.questions, c.seen, c.due, c.mastered
        );
    }
    println!("\nReviews, last {} days:", args.days);
    for (day, n) in &stats.reviews_per_day {
        println!("  {day}  {n:>3}  {}", "▇".repeat((*n).min(60)));
    }
    println!(
        "\n{} review(s) in all · streak {} day(s) · {} min practised",
        stats.total_reviews,
        stats.streak_days,
        stats.total_time_seconds / 60
    );
    match stats.next_due {
        Some(due) => println!("Next review due {}.", clock::format(due)),
        None if cards.is_empty() => println!("Nothing practised yet: run `mlprep practice`."),
        None => println!("Reviews are due now: run `mlprep practice`."),
    }
    Ok(ExitCode::SUCCESS)
}

/// Consecutive days with at least one review, ending today (or yesterday, so a streak is not
/// lost before today's practice).
fn streak(per_day: &BTreeMap<String, usize>, now: i64) -> usize {
    let mut day = now;
    if !per_day.contains_key(&clock::day(day)) {
        day -= mlprep_sched::DAY;
    }
    let mut n = 0;
    while per_day.contains_key(&clock::day(day)) {
        n += 1;
        day -= mlprep_sched::DAY;
    }
    n
}
