//! The bank as users and other tools see it: `bank check`, `export`, `list`, `show`, `search`,
//! `categories`, and users' own bank folders.

mod common;

use std::collections::HashMap;

use common::{Mlprep, fixture, seed_path};

#[test]
fn builtin_bank_passes_check_against_the_seed() {
    let m = Mlprep::new();
    let seed = seed_path();
    let out = m.run(&["bank", "check", "--seed", seed.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "bank check failed:\n{stdout}");
    assert!(stdout.contains("0 error(s)"), "{stdout}");
}

#[test]
fn bank_check_reports_every_problem_with_its_file() {
    let m = Mlprep::new();
    let dir = fixture("bank-invalid");
    let seed = seed_path();
    let out = m.run(&[
        "bank",
        "check",
        "--dir",
        dir.to_str().unwrap(),
        "--seed",
        seed.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a broken bank must fail the check"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["problems"].as_array().unwrap();
    let find = |file: &str, needle: &str| {
        problems.iter().find(|p| {
            p["file"].as_str().unwrap().ends_with(file)
                && p["message"].as_str().unwrap().contains(needle)
        })
    };
    let cases = [
        ("broken.toml", "invalid TOML"),
        ("problems.toml", "duplicate id `fundamentals/twice`"),
        ("problems.toml", "has 1 key point; add at least 3"),
        (
            "problems.toml",
            "seed question altered: `fundamentals/altered-seed`",
        ),
        ("problems.toml", "math opened on line 1 is never closed"),
        ("problems.toml", "unknown category `robotics`"),
        ("problems.toml", "`fundamentals/no-answer` has no answer"),
    ];
    for (file, needle) in cases {
        let problem = find(file, needle)
            .unwrap_or_else(|| panic!("no problem `{needle}` in {file}: {problems:#?}"));
        assert!(problem["line"].as_u64().is_some_and(|l| l > 0), "{problem}");
    }
    // The duplicate is reported at the second definition, which points back at the first.
    let dup = find("problems.toml", "duplicate id").unwrap();
    assert!(
        dup["message"].as_str().unwrap().contains("problems.toml:"),
        "{dup}"
    );
}

/// The seed's questions, read independently of mlprep's own seed parser: (section, prompt).
fn seed_questions(titles: &[String]) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(seed_path()).unwrap();
    let mut section = None;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("If you want") {
            break;
        }
        if titles.iter().any(|t| t == line.trim()) {
            section = Some(line.trim().to_string());
        } else if let (Some(s), Some(q)) = (&section, line.strip_prefix("- ")) {
            out.push((s.clone(), q.trim().replace("\\@", "@")));
        }
    }
    out
}

#[test]
fn export_holds_every_seed_question_verbatim_with_an_answer() {
    let m = Mlprep::new();
    let categories = m.json(&["categories", "--json"]);
    let titles: Vec<String> = categories
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect();
    let seed = seed_questions(&titles);
    assert_eq!(seed.len(), 152, "the seed has 152 bullet questions");

    let export = m.ok(&["export", "--format", "jsonl"]);
    let rows: Vec<serde_json::Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut by_prompt: HashMap<&str, Vec<&serde_json::Value>> = HashMap::new();
    for row in &rows {
        for field in [
            "id",
            "category",
            "category_title",
            "kind",
            "origin",
            "prompt",
            "answer",
            "key_points",
            "mistakes",
            "follow_ups",
            "difficulty",
            "tags",
            "tracks",
        ] {
            assert!(
                row.get(field).is_some(),
                "export row lacks `{field}`: {row}"
            );
        }
        by_prompt
            .entry(row["prompt"].as_str().unwrap())
            .or_default()
            .push(row);
    }
    for (section, prompt) in &seed {
        let row = by_prompt
            .get(prompt.as_str())
            .and_then(|rows| {
                rows.iter()
                    .find(|r| r["category_title"] == section.as_str())
            })
            .unwrap_or_else(|| panic!("seed question missing or altered: {prompt:?} ({section})"));
        assert_eq!(row["origin"], "seed", "{prompt}");
        if row["kind"] != "targeted" {
            assert!(
                row["answer"].as_str().unwrap().split_whitespace().count() >= 40,
                "short answer: {prompt}"
            );
            assert!(
                row["key_points"].as_array().unwrap().len() >= 3,
                "too few key points: {prompt}"
            );
            assert!(
                !row["follow_ups"].as_array().unwrap().is_empty(),
                "no follow-ups: {prompt}"
            );
        }
    }
}

#[test]
fn search_ranks_the_softmax_question_first() {
    let m = Mlprep::new();
    let hits = m.json(&["search", "softmax", "--json"]);
    assert_eq!(hits[0]["id"], "fundamentals/softmax-stability", "{hits:#}");
    let hits = m.json(&[
        "search",
        "numerically",
        "stable",
        "softmax",
        "cross-entropy",
        "--json",
    ]);
    assert_eq!(
        hits[0]["id"], "coding/stable-softmax-cross-entropy",
        "{hits:#}"
    );
}

#[test]
fn list_show_and_categories_speak_json() {
    let m = Mlprep::new();
    let list = m.json(&["list", "--category", "transformers", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.iter().filter(|q| q["origin"] == "seed").count(), 10);
    assert!(list.iter().all(|q| q["category"] == "transformers"));
    // The seed's questions come first, in seed order.
    assert!(list[..10].iter().all(|q| q["origin"] == "seed"));

    let behavioral = m.json(&["list", "--kind", "behavioral", "--json"]);
    let behavioral = behavioral.as_array().unwrap();
    assert!(behavioral.len() >= 15 && behavioral.iter().all(|q| q["kind"] == "behavioral"));

    let cv = m.json(&["list", "--track", "cv", "--json"]);
    assert!(
        cv.as_array()
            .unwrap()
            .iter()
            .any(|q| q["category"] == "cnn-cv")
    );

    let show = m.json(&["show", "fundamentals/softmax-stability", "--json"]);
    assert_eq!(show["category_title"], "Fundamentals & Math");
    assert!(show["key_points"].as_array().unwrap().len() >= 3);
    assert!(show["card"].is_null(), "not practised yet");

    let categories = m.json(&["categories", "--json"]);
    let fundamentals = categories
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "fundamentals")
        .unwrap();
    assert_eq!(fundamentals["seed_questions"], 10);
}

#[test]
fn unknown_ids_and_categories_get_a_clear_error() {
    let m = Mlprep::new();
    let out = m.run(&["show", "softmax"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean") && err.contains("fundamentals/softmax-stability"),
        "{err}"
    );

    let out = m.run(&["list", "--category", "robotics"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown category `robotics`"));
}

#[test]
fn user_bank_folders_are_added_and_broken_files_reported_with_their_path() {
    let m = Mlprep::new();
    let dir = fixture("bank-user");
    let out = m.run(&[
        "--bank",
        dir.to_str().unwrap(),
        "show",
        "fundamentals/my-dropout",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let q: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(q["origin"], "user");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("garbage.toml") && err.contains("UTF-8"),
        "{err}"
    );

    let check = m.run(&[
        "--bank",
        dir.to_str().unwrap(),
        "bank",
        "check",
        "--no-model",
    ]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("garbage.toml"));
}
