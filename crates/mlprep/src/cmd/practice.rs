//! `mlprep practice`: the interactive drill. Due reviews first, then new questions; each answer
//! is saved the moment it is submitted, each rating with the card's new FSRS state the moment it
//! is given, so quitting or a killed process loses nothing already entered.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use mlprep_bank::Bank;
use mlprep_core::{Question, Rating};
use mlprep_grade::{Grade, Grader, Method, Rubric, star};
use mlprep_sched::{DAY, Scheduler};
use mlprep_store::Store;

use super::Filter;
use crate::app::App;
use crate::{GlobalArgs, clock, render};

/// How to answer and rate, shown by `mlprep practice --help`.
const INPUT_FORMAT: &str = "\
Input format (typed, or piped to stdin):
  1. The question is shown. Type your answer over one or more lines; a blank line ends it.
     A blank first line reveals the model answer without answering.
     `:s` on its own line skips the question, `:q` ends the session.
  2. A typed answer is graded: each key point covered, partial or missed, with your words
     quoted as evidence, and a suggested rating. The model answer and key points follow.
  3. Rate yourself with one line: `1`/`again`, `2`/`hard`, `3`/`good` or `4`/`easy`
     (or `a`, `h`, `g`, `e`); a blank line accepts the suggested rating; `q` ends the
     session. Anything else is asked again.
  4. End of input ends the session; what was entered so far is saved.

Every answer is saved when submitted and every rating when given, so a session that is
interrupted loses nothing already entered; the next session resumes the schedule.

Example: printf 'Softmax turns logits into probabilities.\\n\\n3\\n\\n1\\n' | mlprep practice
answers the first question and rates it Good, then reveals the second and rates it Again.";

/// Arguments of `mlprep practice`.
#[derive(Debug, clap::Args)]
#[command(after_help = INPUT_FORMAT)]
pub struct Args {
    #[command(flatten)]
    filter: Filter,
    /// The most questions in this session.
    #[arg(long, short = 'n', default_value_t = 20)]
    count: usize,
    /// The most new (never practised) questions in this session.
    #[arg(long, default_value_t = 10)]
    new: usize,
}

/// The questions chosen for a session, with how many are reviews.
struct Plan<'a> {
    questions: Vec<&'a Question>,
    due: usize,
}

/// Due reviews first (most overdue first), then new questions in bank order.
fn plan<'a>(
    bank: &'a Bank,
    store: &Store,
    filter: &Filter,
    count: usize,
    new: usize,
    now: i64,
) -> Result<Plan<'a>> {
    let cards = store.cards()?;
    let eligible = |q: &&Question| q.practisable() && filter.matches(q);
    let mut due: Vec<(&Question, i64)> = bank
        .questions
        .iter()
        .filter(eligible)
        .filter_map(|q| {
            cards
                .get(&q.id)
                .filter(|c| c.due <= now)
                .map(|c| (q, c.due))
        })
        .collect();
    due.sort_by_key(|(_, due)| *due);
    let mut questions: Vec<&Question> = due.into_iter().map(|(q, _)| q).take(count).collect();
    let reviews = questions.len();
    let room = count.saturating_sub(reviews).min(new);
    questions.extend(
        bank.questions
            .iter()
            .filter(eligible)
            .filter(|q| !cards.contains_key(&q.id))
            .take(room),
    );
    Ok(Plan {
        questions,
        due: reviews,
    })
}

/// What the learner did with one question.
enum Outcome {
    Rated,
    Skipped,
    Quit,
}

/// Runs `mlprep practice`.
pub fn run(global: &GlobalArgs, args: Args) -> Result<ExitCode> {
    let app = App::new(global)?;
    let bank = app.bank()?;
    args.filter.validate(&bank)?;
    let mut store = app.store()?;
    let scheduler = app.scheduler(&store)?;
    let now = clock::now()?;
    let plan = plan(&bank, &store, &args.filter, args.count, args.new, now)?;
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::stdout().lock();
    if plan.questions.is_empty() {
        writeln!(
            out,
            "Nothing to practise: no reviews are due and no new questions match. `mlprep stats` shows what is next."
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "Practice: {} question(s), {} due review(s) and {} new.\n\
         Type your answer; a blank line ends it (a blank first line reveals the answer). \
         `:s` skips, `:q` quits.",
        plan.questions.len(),
        plan.due,
        plan.questions.len() - plan.due
    )?;
    let session = store.begin_session("practice", now)?;
    let mut rated = 0;
    let mut grader = LazyGrader {
        app: &app,
        bank: &bank,
        grader: None,
    };
    for (index, q) in plan.questions.iter().enumerate() {
        writeln!(
            out,
            "\n[{}/{}] {}\n\n{}\n",
            index + 1,
            plan.questions.len(),
            render::header(&bank, q),
            q.prompt
        )?;
        match drill(
            q,
            &mut store,
            &scheduler,
            &mut grader,
            session,
            &mut input,
            &mut out,
        )? {
            Outcome::Rated => rated += 1,
            Outcome::Skipped => continue,
            Outcome::Quit => break,
        }
    }
    store.end_session(session, clock::now()?)?;
    writeln!(
        out,
        "\nSession saved: {rated} question(s) rated. `mlprep stats` shows your progress."
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Asks one question, saves the answer, shows the reference and saves the rating.
fn drill(
    q: &Question,
    store: &mut Store,
    scheduler: &Scheduler,
    grader: &mut LazyGrader<'_>,
    session: i64,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<Outcome> {
    let shown_at = clock::now()?;
    let started = Instant::now();
    write!(out, "> ")?;
    out.flush()?;
    let mut lines: Vec<String> = Vec::new();
    let mut ended_by_eof = false;
    loop {
        let Some(line) = read_line(input)? else {
            ended_by_eof = true;
            break;
        };
        match line.trim() {
            ":q" => return Ok(Outcome::Quit),
            ":s" => {
                writeln!(out, "Skipped.")?;
                return Ok(Outcome::Skipped);
            }
            "" => break,
            _ => lines.push(line),
        }
    }
    let answer = lines.join("\n");
    if ended_by_eof && answer.trim().is_empty() {
        return Ok(Outcome::Quit);
    }
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let answered_at = clock::now()?;
    let attempt = store.record_answer(
        Some(session),
        &q.id,
        shown_at,
        answered_at,
        duration_ms,
        &answer,
    )?;
    let grade = if answer.trim().is_empty() {
        None
    } else {
        let grade = grader.get()?.grade(&Rubric::from_question(q), &answer)?;
        store.record_grade(
            attempt,
            grade.score,
            method_name(grade.method),
            &serde_json::to_string(&grade)?,
        )?;
        write!(out, "\n{}", super::grade::feedback(&grade))?;
        if mlprep_grade::wants_star(q) {
            write!(
                out,
                "{}",
                super::grade::star_feedback(&star::coach(&answer, star::DEFAULT_WPM))
            )?;
        }
        Some(grade)
    };
    let suggestion = grade.as_ref().map(Grade::suggested_rating);
    writeln!(out, "\n{}", render::reference(q))?;
    if ended_by_eof {
        writeln!(out, "Input ended: your answer is saved, unrated.")?;
        return Ok(Outcome::Quit);
    }
    let rating = loop {
        match suggestion {
            Some(s) => write!(
                out,
                "Rate your answer: 1 again · 2 hard · 3 good · 4 easy (enter = {s}, q quits) > "
            )?,
            None => write!(
                out,
                "Rate your answer: 1 again · 2 hard · 3 good · 4 easy (q quits) > "
            )?,
        }
        out.flush()?;
        let Some(line) = read_line(input)? else {
            writeln!(out, "\nInput ended: your answer is saved, unrated.")?;
            return Ok(Outcome::Quit);
        };
        if let (Some(s), true) = (suggestion, line.trim().is_empty()) {
            break s;
        }
        match parse_rating(&line) {
            Some(Ok(rating)) => break rating,
            Some(Err(())) => {
                writeln!(out, "Your answer is saved, unrated.")?;
                return Ok(Outcome::Quit);
            }
            None => writeln!(
                out,
                "Please answer 1, 2, 3 or 4 (or again, hard, good, easy)."
            )?,
        }
    };
    let rated_at = clock::now()?;
    let state = scheduler.review(store.card(&q.id)?.as_ref(), rating, rated_at)?;
    store.record_rating(attempt, rating, rated_at, &state)?;
    let days = (state.due - rated_at) as f64 / DAY as f64;
    writeln!(out, "Rated {rating}. Next review in {}.", clock::span(days))?;
    Ok(Outcome::Rated)
}

/// The grader, loaded the first time an answer needs grading (sessions that only reveal
/// answers never load the model).
struct LazyGrader<'a> {
    app: &'a App,
    bank: &'a Bank,
    grader: Option<Grader>,
}

impl LazyGrader<'_> {
    fn get(&mut self) -> Result<&Grader> {
        if self.grader.is_none() {
            self.grader = Some(self.app.grader(self.bank)?);
        }
        Ok(self.grader.as_ref().expect("just loaded"))
    }
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Model => "model",
        Method::Lexical => "lexical",
    }
}

/// A rating from one input line: `Some(Ok)` for a rating, `Some(Err)` for quit, `None` when the
/// line is neither.
fn parse_rating(line: &str) -> Option<Result<Rating, ()>> {
    let word = line.trim().to_ascii_lowercase();
    let rating = match word.as_str() {
        "1" | "a" | "again" => Rating::Again,
        "2" | "h" | "hard" => Rating::Hard,
        "3" | "g" | "good" => Rating::Good,
        "4" | "e" | "easy" => Rating::Easy,
        "q" | ":q" | "quit" => return Some(Err(())),
        _ => return None,
    };
    Some(Ok(rating))
}

/// One line of input without its line ending; `None` at end of input. Invalid UTF-8 is replaced
/// rather than refused, so a stray byte never loses an answer.
fn read_line(input: &mut impl BufRead) -> Result<Option<String>> {
    let mut buf = Vec::new();
    if input.read_until(b'\n', &mut buf)? == 0 {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&buf);
    Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_accept_numbers_words_and_letters() {
        assert_eq!(parse_rating(" 3 "), Some(Ok(Rating::Good)));
        assert_eq!(parse_rating("Easy"), Some(Ok(Rating::Easy)));
        assert_eq!(parse_rating("a"), Some(Ok(Rating::Again)));
        assert_eq!(parse_rating("q"), Some(Err(())));
        assert_eq!(parse_rating("5"), None);
    }
}
