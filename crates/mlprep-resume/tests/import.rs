//! Library-level import checks on fixtures that earlier versions misread.

use std::path::Path;

use mlprep_resume::{Entry, Resume, import, questions};

fn read(name: &str) -> Resume {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    import(name, &bytes)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .resume
}

fn entries(resume: &Resume) -> Vec<&Entry> {
    resume.entries().map(|(_, e)| e).collect()
}

#[test]
fn job_titles_that_start_with_section_words_are_roles() {
    let resume = read("job-titles.txt");
    let roles: Vec<(&str, &str, &str)> = entries(&resume)
        .iter()
        .map(|e| {
            (
                e.role.as_deref().unwrap_or(""),
                e.organization.as_deref().unwrap_or(""),
                e.dates.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("Project Manager", "DataCorp", "01/2021 - 06/2023"),
            ("Volunteer Tutor", "Code Club", "2019 - 2020"),
            (
                "Academic Researcher",
                "MIT Media Lab",
                "Jan. 2018 – Dec. 2018"
            ),
            ("Tools Engineer", "GameStudio", "2016/05 – 2017/12"),
        ]
    );
    let rl = read("rl-robotics.txt");
    assert!(
        entries(&rl)
            .iter()
            .any(|e| e.role.as_deref() == Some("Teaching Assistant"))
    );
    // Two roles at one university are named apart.
    let names: Vec<String> = entries(&rl).iter().map(|e| e.display_name()).collect();
    assert!(
        names.contains(&"your work as Teaching Assistant at University of Warsaw".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"your work at Helix Robotics Lab".to_string()),
        "{names:?}"
    );
}

#[test]
fn company_first_headings_keep_role_and_organization_apart() {
    let resume = read("speech-audio.md");
    let first = entries(&resume)[0];
    assert_eq!(first.role.as_deref(), Some("Senior Speech ML Engineer"));
    assert_eq!(first.organization.as_deref(), Some("Soundwave Ltd"));
    // An inference server on a GPU is not GPU kernel work.
    let asked: Vec<String> = questions::generate(&resume, &[])
        .into_iter()
        .flat_map(|g| g.questions.into_iter().map(|t| t.question.prompt))
        .collect();
    assert!(!asked.iter().any(|p| p.contains("kernel")), "{asked:#?}");
    // `8,000 hours of call-centre audio` is an amount of data, probed as such.
    assert!(
        first
            .claims
            .iter()
            .all(|c| c.kind != mlprep_resume::ClaimKind::Time)
    );
}

#[test]
fn docx_text_boxes_and_character_references_are_read() {
    let boxed = read("textbox.docx");
    let bullets = &entries(&boxed)[0].bullets;
    assert!(
        bullets
            .iter()
            .any(|b| b.starts_with("Built a Kafka pipeline")),
        "{bullets:?}"
    );
    let entities = read("entities.docx");
    let e = entries(&entities)[0];
    assert!(
        e.heading.contains('—') || e.heading.contains('–'),
        "{}",
        e.heading
    );
    assert!(e.dates.is_some(), "{e:?}");
}

#[test]
fn windows_1252_and_old_mac_line_endings_are_text() {
    let cp = read("windows-1252.txt");
    let text = serde_json::to_string(&cp).unwrap();
    assert!(
        !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
        "{text}"
    );
    assert!(text.contains('é') || text.contains('ü'), "{text}");
    let mac = read("old-mac.md");
    let e = entries(&mac)[0];
    assert_eq!(e.bullets.len(), 3, "{e:?}");
    assert_eq!(e.organization.as_deref(), Some("Fabrikam"));
}

fn text(name: &str, body: &str) -> Resume {
    import(name, body.as_bytes())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .resume
}

#[test]
fn rules_underlines_and_odd_spaces_do_not_lose_sections() {
    let md = text(
        "cv.md",
        "# Ann Lee\n\n---\n\n## Experience\n\n### ML Engineer — Acme (2020–2023)\n\
         - Built a fraud classi-\nfication model with XGBoost.\n- Cut latency from 80 ms to 20 ms.\n\n---\n\n## Skills\nPython\n",
    );
    assert_eq!(md.sections.len(), 2, "{md:#?}");
    let e = entries(&md)[0];
    assert!(e.bullets[0].contains("classification"), "{:?}", e.bullets);
    let txt = text(
        "cv.txt",
        "Ann Lee\n\nEXPERIENCE\n----------\nML Engineer — Acme (2020–2023)\n- Built a ranking model.\n\
         - Shipped it\u{3000}to produc-\ntion for 2M users.\n",
    );
    assert_eq!(entries(&txt)[0].bullets.len(), 2, "{txt:#?}");
}

#[test]
fn capitalized_job_titles_and_us_are_not_misread() {
    let resume = text(
        "cv.txt",
        "EXPERIENCE\n\nPROJECT MANAGER — ACME CORP (2020–2022)\n- Rolled out real-time scoring to 40 US branches.\n\
         - Diagnosed feature drift in the fraud model.\n- Led a team of five.\n",
    );
    let e = entries(&resume)[0];
    assert_eq!(e.role.as_deref(), Some("PROJECT MANAGER"), "{resume:#?}");
    assert!(
        e.claims
            .iter()
            .all(|c| c.kind != mlprep_resume::ClaimKind::Latency),
        "{:?}",
        e.claims
    );
    // "Diagnosed" and "fraud" tie: neither medical nor financial regulation is asked.
    let asked: Vec<String> = questions::generate(&resume, &[])
        .into_iter()
        .flat_map(|g| g.questions.into_iter().map(|t| t.question.prompt))
        .collect();
    assert!(
        !asked.iter().any(|p| p.contains("medical screening")),
        "{asked:#?}"
    );
    assert!(asked.len() >= 8, "{asked:#?}");
}
