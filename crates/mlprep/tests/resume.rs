//! Resume import end to end: the sample resume in three formats, a resume of another specialty
//! in three more, hostile files, targeted questions, STAR drafts, the story bank and forgetting.

mod common;

use std::path::{Path, PathBuf};

use common::{Mlprep, model_dir};
use serde_json::Value;

fn sample(ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../../shared/fixtures/resumes/ml-engineer.{ext}"
    ))
}

fn own(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../mlprep-resume/tests/fixtures")
        .join(name)
}

fn import(m: &Mlprep, path: &Path) -> Value {
    m.ok(&["resume", "import", path.to_str().unwrap()]);
    m.json(&["resume", "show", "--json"])
}

/// (entry id, bullet count, sorted technologies, claim texts) of every entry.
fn summary(shown: &Value) -> Vec<(String, usize, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for section in shown["resume"]["sections"].as_array().unwrap() {
        for e in section["entries"].as_array().unwrap() {
            let mut techs: Vec<String> = e["technologies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect();
            techs.sort();
            let claims = e["claims"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["text"].as_str().unwrap().to_string())
                .collect();
            out.push((
                e["id"].as_str().unwrap().to_string(),
                e["bullets"].as_array().unwrap().len(),
                techs,
                claims,
            ));
        }
    }
    out
}

#[test]
fn the_three_formats_of_a_resume_agree_on_projects_technologies_and_claims() {
    let m = Mlprep::new();
    let md = summary(&import(&m, &sample("md")));
    let txt = summary(&import(&m, &sample("txt")));
    let pdf = summary(&import(&m, &sample("pdf")));
    assert_eq!(md, txt);
    assert_eq!(md, pdf);
    let ids: Vec<&str> = md.iter().map(|e| e.0.as_str()).collect();
    for id in [
        "fraud-detection-graph-rag",
        "aifred",
        "fundusai",
        "gpu-kernels",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let fraud = md
        .iter()
        .find(|e| e.0 == "fraud-detection-graph-rag")
        .unwrap();
    assert!(fraud.2.contains(&"GraphSAGE".to_string()), "{:?}", fraud.2);
    assert!(
        fraud.3.iter().any(|c| c.contains("p99 40 ms")),
        "{:?}",
        fraud.3
    );
    assert!(fraud.3.iter().any(|c| c.contains("$3.1M")), "{:?}", fraud.3);

    let other = |name: &str| summary(&import(&m, &own(name)));
    let txt = other("data-scientist.txt");
    assert_eq!(txt, other("data-scientist.docx"));
    assert_eq!(txt, other("data-scientist.pdf"));
    assert!(txt.len() >= 4, "{txt:?}");
}

fn questions(m: &Mlprep) -> Vec<Value> {
    m.json(&["resume", "questions", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

fn prompts(group: &Value) -> Vec<String> {
    group["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["question"]["prompt"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn targeted_questions_use_each_entrys_own_words_and_numbers() {
    let m = Mlprep::new();
    let shown = import(&m, &sample("md"));
    let groups = questions(&m);
    // The resume as mlprep understood it, which every cited line must come from.
    let understood = shown.to_string();
    for (id, bullets, _, claims) in summary(&shown) {
        let group = groups.iter().find(|g| g["entry"] == id.as_str()).unwrap();
        let asked = prompts(group);
        if bullets >= 3 {
            assert!(asked.len() >= 8, "{id}: {asked:#?}");
        }
        // Every quantified claim is probed, quoting its own words.
        for claim in &claims {
            assert!(
                asked
                    .iter()
                    .any(|p| p.contains(claim.as_str()) && p.contains("how")),
                "{id}: no probe for {claim}: {asked:#?}"
            );
        }
        // Each question cites resume text that is really in the resume.
        for q in group["questions"].as_array().unwrap() {
            let cites = q["cites"]
                .as_str()
                .unwrap()
                .trim_start_matches("... ")
                .trim_end_matches(" ...");
            let first_words: String = cites
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(understood.contains(&first_words), "{first_words}");
        }
    }
    let all: Vec<String> = groups.iter().flat_map(prompts).collect();
    let has = |needle: &str| all.iter().any(|p| p.contains(needle));
    assert!(
        has("YOLOv8"),
        "the tampering project's detector is asked about"
    );
    assert!(
        has("Whisper ASR → code retriever"),
        "AIFred's pipeline in its own words"
    );
    assert!(has("p99 40 ms"));
    // The conditional GPU / Triton section is there because the resume supports it.
    assert!(has("Triton kernel"));
    assert!(has("profiling workflow"));
    // Likely bank questions are linked: YOLOv8 makes detection questions likely.
    let tamper = groups
        .iter()
        .find(|g| g["entry"] == "document-tampering-detection-yolov8")
        .unwrap();
    assert!(!tamper["likely"].as_array().unwrap().is_empty());
}

#[test]
fn a_resume_from_another_specialty_gets_no_section_it_does_not_support() {
    let m = Mlprep::new();
    for name in ["data-scientist.txt", "nlp-engineer.md"] {
        import(&m, &own(name));
        let all: Vec<String> = questions(&m).iter().flat_map(prompts).collect();
        assert!(all.len() >= 10, "{name}: {all:#?}");
        for unsupported in [
            "Triton",
            "kernel",
            "on-device",
            "regulatory",
            "3D-printed",
            "hardware",
            "UI of",
        ] {
            assert!(
                !all.iter().any(|p| p.contains(unsupported)),
                "{name}: `{unsupported}` asked without grounds: {all:#?}"
            );
        }
    }
}

#[test]
fn generated_questions_cover_most_of_the_seeds_targeted_questions() {
    let m = Mlprep::new();
    let dir = model_dir();
    let report = m.json(&[
        "--model-dir",
        dir.to_str().unwrap(),
        "bench",
        "resume",
        "--file",
        sample("md").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(report["seed_questions"], 32);
    let share = report["share"].as_f64().unwrap();
    assert!(
        share >= 0.7,
        "only {share} of the seed's targeted questions covered"
    );
    assert!(share > report["baseline_share"].as_f64().unwrap());
}

#[test]
fn star_drafts_state_no_fact_absent_from_the_resume() {
    let m = Mlprep::new();
    for file in [
        sample("md"),
        own("data-scientist.txt"),
        own("nlp-engineer.md"),
    ] {
        import(&m, &file);
        let behavioral = m.json(&["list", "--kind", "behavioral", "--json"]);
        for q in behavioral.as_array().unwrap() {
            let id = q["id"].as_str().unwrap();
            let out = m.json(&["resume", "star", "--question", id, "--json"]);
            let draft = &out["drafts"][0];
            assert_eq!(
                draft["unsupported"],
                serde_json::json!([]),
                "{id}: {}",
                draft["text"]
            );
            // Situation, Action and Result each carry a fact from the resume, not only
            // placeholders.
            for part in ["situation", "action", "result"] {
                let text = draft["draft"][part].as_str().unwrap();
                let outside: String = text.split("[fill in:").next().unwrap().trim().to_string();
                // A result stands only where the chosen entry reports one.
                if part != "result" {
                    assert!(!outside.is_empty(), "{id} {part}: {text}");
                }
            }
            assert!(!draft["placeholders"].as_array().unwrap().is_empty());
        }
    }
}

#[test]
fn stories_report_uncovered_and_overused_competencies() {
    let m = Mlprep::new();
    import(&m, &sample("md"));
    m.ok(&[
        "resume",
        "star",
        "--question",
        "behavioral/challenging-technical-problem",
        "--save",
    ]);
    let report = m.json(&["stories", "--json"]);
    assert_eq!(report["stories"].as_array().unwrap().len(), 1);
    let uncovered = report["uncovered_competencies"].as_array().unwrap();
    assert!(!uncovered.contains(&Value::from("ownership")));
    assert!(uncovered.contains(&Value::from("conflict")));
    // One story claimed for every competency answers too many questions.
    let story = m.home.path().join("story.txt");
    std::fs::write(&story, "Situation: ... Task: ... Action: ... Result: ...").unwrap();
    let mut args = vec!["stories", "add", story.to_str().unwrap()];
    for c in [
        "ownership",
        "conflict",
        "failure",
        "influence",
        "prioritization",
    ] {
        args.extend(["-c", c]);
    }
    m.ok(&args);
    let report = m.json(&["stories", "--json"]);
    assert_eq!(report["overused"].as_array().unwrap().len(), 1, "{report}");
}

#[test]
fn hostile_files_get_clear_errors_and_the_saved_resume_survives() {
    let m = Mlprep::new();
    import(&m, &sample("md"));
    let before = m.json(&["resume", "show", "--json"]);
    let huge = m.home.path().join("huge.txt");
    std::fs::write(&huge, "Experience\n".repeat(600_000)).unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (own("empty.md"), "empty"),
        (own("whitespace.txt"), "empty"),
        (own("binary.txt"), "binary"),
        (own("fake.pdf"), "damaged"),
        (own("scanned.pdf"), "no text layer"),
        (own("encrypted.pdf"), "encrypted"),
        (own("not-a-resume.txt"), "no resume sections"),
        (own("broken.docx"), "damaged"),
        (own("zip-bomb.docx"), "unpacks to more than"),
        (huge, "up to 5 MB"),
    ];
    for (path, message) in cases {
        let out = m.run(&["resume", "import", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", path.display());
        assert!(stderr.contains(message), "{}: {stderr}", path.display());
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert_eq!(m.json(&["resume", "show", "--json"]), before);
}

#[test]
fn resume_questions_are_practised_and_forget_removes_everything_derived() {
    let m = Mlprep::new();
    import(&m, &sample("md"));
    let out = m.run_with(
        &["practice", "--category", "resume", "-n", "1"],
        "\n1\n",
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("From your resume"), "{stdout}");
    assert_eq!(
        m.json(&["stats", "--json"])["total_reviews"].as_u64(),
        Some(1)
    );
    let shown = m.ok(&["resume", "forget"]);
    assert!(shown.contains("1 attempt(s)"), "{shown}");
    let out = m.run(&["resume", "show"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no resume imported"));
    assert!(
        m.json(&["list", "--category", "targeted", "--json"])
            .as_array()
            .unwrap()
            .len()
            == 32
    );
    let db = std::fs::read(m.home.path().join("mlprep.db")).unwrap();
    assert!(
        !db.windows(7).any(|w| w == b"Neo4j i"),
        "resume text left in the database file"
    );
}

#[test]
fn the_taxonomy_links_only_to_tags_the_bank_has() {
    let (bank, problems) = mlprep_bank::Bank::load(true, &[]);
    assert!(problems.is_empty());
    let tags: std::collections::HashSet<&str> = bank
        .questions
        .iter()
        .flat_map(|q| q.tags.iter().map(String::as_str))
        .collect();
    let taxonomy = mlprep_resume::taxonomy::builtin();
    assert!(taxonomy.techs.len() >= 200);
    let mut aliases = std::collections::HashSet::new();
    for tech in &taxonomy.techs {
        assert!(!tech.tags.is_empty(), "{}", tech.name);
        for tag in &tech.tags {
            assert!(
                tags.contains(tag.as_str()),
                "{}: tag `{tag}` is in no bank question",
                tech.name
            );
        }
        for alias in &tech.aliases {
            // Aliases of three characters or fewer match with their exact case.
            let key = if alias.chars().count() <= 3 {
                alias.clone()
            } else {
                alias.to_lowercase()
            };
            assert!(aliases.insert(key), "alias `{alias}` is listed twice");
        }
    }
    // Every technology kind a facet requires exists, so conditional sections can appear.
    for facet in mlprep_resume::questions::facets() {
        for kind in &facet.requires {
            assert!(
                taxonomy.techs.iter().any(|t| &t.kind == kind),
                "{}: {kind}",
                facet.id
            );
        }
        for name in &facet.requires_tech {
            assert!(taxonomy.get(name).is_some(), "{}: {name}", facet.id);
        }
    }
}

#[test]
fn targeted_answers_are_graded_against_the_facets_key_points() {
    let m = Mlprep::new();
    let dir = model_dir();
    import(&m, &sample("md"));
    let grade = |answer: &str| -> f64 {
        let v = m.json(&[
            "--model-dir",
            dir.to_str().unwrap(),
            "grade",
            "-q",
            "resume/aifred-latency",
            "--answer",
            answer,
            "--json",
        ]);
        v["grade"]["score"].as_f64().unwrap()
    };
    let strong = grade(
        "We measured end-to-end latency as the p95 over 200 spoken queries on an M2 laptop, from \
         the end of speech to the first token shown. Prefill of the retrieved context dominated at \
         about 60 percent. Streaming decoding cut perceived latency, KV-cache reuse across turns \
         saved about 1 second, and speculative decoding with a small draft model gave another 30 \
         percent. The trade-off was more memory and a slightly more complex runtime.",
    );
    let vague = grade("It was fast enough and users liked it.");
    assert!(
        strong > 0.5 && vague < 0.3,
        "strong {strong}, vague {vague}"
    );
}
