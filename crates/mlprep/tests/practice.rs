//! The practice loop end to end: piped answers, ratings saved at once, a killed session losing
//! nothing, and schedules that equal what the `fsrs` crate computes for the same history.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::{Mlprep, shown_ids};

#[test]
fn practice_help_documents_the_piped_input_format() {
    let m = Mlprep::new();
    let help = m.ok(&["practice", "--help"]);
    for needle in [
        "a blank line ends it",
        "reveals the model answer",
        "`1`/`again`",
        "`:q`",
        "End of input",
    ] {
        assert!(
            help.contains(needle),
            "`practice --help` should explain {needle:?}:\n{help}"
        );
    }
}

#[test]
fn a_killed_session_keeps_what_was_entered_and_the_next_one_resumes() {
    let m = Mlprep::new();
    let mut child = m
        .command(&["practice", "--category", "fundamentals", "--count", "5"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    let mut wait_for = |needle: &str, times: usize| {
        while seen.matches(needle).count() < times {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("practice stopped answering");
            seen.push_str(&line);
            seen.push('\n');
        }
    };
    // Question 1: typed answer, rated Good. Question 2: revealed, rated Again.
    stdin
        .write_all(b"Bias is systematic error; variance is sensitivity to the sample.\n\n3\n")
        .unwrap();
    stdin.write_all(b"\n1\n").unwrap();
    // Question 3: an answer is submitted, and the process dies before it is rated.
    stdin
        .write_all(b"An answer typed just before the crash.\n\n")
        .unwrap();
    stdin.flush().unwrap();
    wait_for("Rated ", 2);
    wait_for("── Key points ──", 3);
    child.kill().unwrap();
    child.wait().unwrap();
    let ids = shown_ids(&seen);
    assert_eq!(ids.len(), 3, "{seen}");

    let first = m.json(&["show", &ids[0], "--json"]);
    assert_eq!(first["attempts"][0]["rating"], "good");
    assert!(
        first["attempts"][0]["answer"]
            .as_str()
            .unwrap()
            .starts_with("Bias is systematic")
    );
    assert!(first["card"]["due"].as_i64().is_some());
    let second = m.json(&["show", &ids[1], "--json"]);
    assert_eq!(second["attempts"][0]["rating"], "again");
    let third = m.json(&["show", &ids[2], "--json"]);
    assert_eq!(
        third["attempts"][0]["answer"],
        "An answer typed just before the crash."
    );
    assert!(
        third["attempts"][0]["rating"].is_null(),
        "the unrated answer is kept, unrated"
    );
    assert!(third["card"].is_null());

    // The next session continues: the two rated cards are not due yet, the unrated one is
    // still new and comes first.
    let out = m.run_with(
        &["practice", "--category", "fundamentals", "--count", "5"],
        ":q\n",
        None,
    );
    let next = shown_ids(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(next.first(), Some(&ids[2]));
    let stats = m.json(&["stats", "--json"]);
    assert_eq!(stats["total_reviews"], 2);
}

/// One scripted session: the inputs to pipe, at a fixed time.
struct Session {
    now: i64,
    args: Vec<&'static str>,
    ratings: Vec<u32>,
}

/// The card state FSRS gives for a history, computed with the `fsrs` crate directly.
fn expected_state(history: &[(i64, u32)]) -> (f32, f32, i64) {
    let fsrs = fsrs::FSRS::default();
    let mut memory = None;
    let mut last = 0i64;
    let mut due = 0i64;
    for &(at, rating) in history {
        let elapsed = if memory.is_some() {
            ((at - last) / 86_400) as u32
        } else {
            0
        };
        let next = fsrs.next_states(memory, 0.9, elapsed).unwrap();
        let state = match rating {
            1 => next.again,
            2 => next.hard,
            3 => next.good,
            _ => next.easy,
        };
        memory = Some(state.memory);
        last = at;
        due = at + (f64::from(state.interval) * 86_400.0).round() as i64;
    }
    let memory = memory.unwrap();
    (memory.stability, memory.difficulty, due)
}

#[test]
fn stored_schedules_equal_what_fsrs_computes_for_the_same_history() {
    let m = Mlprep::new();
    let t0: i64 = 1_767_258_000; // 2026-01-01 09:00 UTC
    let hour = 3_600;
    let day = 86_400;
    let sessions = [
        Session {
            now: t0,
            args: vec!["--count", "3", "--new", "3"],
            ratings: vec![3, 1, 2],
        },
        // Six hours later only the card rated Again (due after about five hours) is due.
        Session {
            now: t0 + 6 * hour,
            args: vec!["--count", "5", "--new", "0"],
            ratings: vec![3],
        },
        Session {
            now: t0 + 3 * day,
            args: vec!["--count", "5", "--new", "0"],
            ratings: vec![4, 2, 3],
        },
        Session {
            now: t0 + 20 * day,
            args: vec!["--count", "5", "--new", "1"],
            ratings: vec![1, 3, 3, 4],
        },
    ];
    let mut history: HashMap<String, Vec<(i64, u32)>> = HashMap::new();
    for session in &sessions {
        let mut args = vec!["practice", "--category", "optimization"];
        args.extend(&session.args);
        let input: String = session.ratings.iter().map(|r| format!("\n{r}\n")).collect();
        let out = m.run_with(&args, &input, Some(&session.now.to_string()));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ids = shown_ids(&String::from_utf8(out.stdout).unwrap());
        assert!(
            ids.len() >= session.ratings.len().min(1),
            "session at {} showed nothing",
            session.now
        );
        for (id, rating) in ids.iter().zip(&session.ratings) {
            history
                .entry(id.clone())
                .or_default()
                .push((session.now, *rating));
        }
    }
    assert!(
        history.values().any(|h| h.len() >= 3),
        "some card must be reviewed three times: {history:?}"
    );
    for (id, reviews) in &history {
        let card = &m.json(&["show", id, "--json"])["card"];
        let (stability, difficulty, due) = expected_state(reviews);
        assert!(
            (card["stability"].as_f64().unwrap() - f64::from(stability)).abs() < 1e-4,
            "{id}: {card} vs {stability}"
        );
        assert!(
            (card["difficulty"].as_f64().unwrap() - f64::from(difficulty)).abs() < 1e-4,
            "{id}: {card} vs {difficulty}"
        );
        assert_eq!(
            card["due"].as_i64().unwrap(),
            due.max(reviews.last().unwrap().0 + 60),
            "{id}"
        );
        assert_eq!(
            card["reps"].as_u64().unwrap() as usize,
            reviews.len(),
            "{id}"
        );
    }
}

#[test]
fn a_corrupt_database_is_reported_and_left_untouched() {
    let m = Mlprep::new();
    let db = m.home.path().join("mlprep.db");
    let garbage =
        b"definitely not an SQLite database, but long enough to look like one".repeat(100);
    std::fs::write(&db, &garbage).unwrap();
    let out = m.run(&["stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a readable mlprep database"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), garbage);
}

#[test]
fn skipping_and_quitting_rate_nothing() {
    let m = Mlprep::new();
    let out = m.run_with(&["practice", "--count", "3"], ":s\n:q\n", None);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Skipped.") && stdout.contains("0 question(s) rated"),
        "{stdout}"
    );
    assert_eq!(m.json(&["stats", "--json"])["total_reviews"], 0);
}
