//! The `nuage` binary as users and scripts run it: outputs, exit statuses, error messages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn nuage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn nuage_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nuage-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn readme_example_assesses_and_exits_zero() {
    let o = nuage(&["assess", "examples/portail-demarches.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("CONFORME"), "{}", stdout(&o));
}

#[test]
fn json_has_every_contract_field_and_is_reproducible() {
    let a = nuage(&[
        "assess",
        "examples/suite-bureautique-m365.toml",
        "--format",
        "json",
    ]);
    let b = nuage(&[
        "assess",
        "examples/suite-bureautique-m365.toml",
        "--format",
        "json",
    ]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(
        a.stdout, b.stdout,
        "same dossier, edition and catalog give the same bytes"
    );
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    for field in [
        "edition",
        "assessed_on",
        "in_scope",
        "concerned",
        "particularly_sensitive",
        "secnumcloud_required",
        "control_procedure",
        "verdict",
        "findings",
        "derogations",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    let f = &v["findings"][0];
    for field in ["rule", "status", "message", "citations", "remedy"] {
        assert!(f.get(field).is_some(), "finding misses {field}");
    }
    let d = &v["derogations"][0];
    for field in [
        "kind",
        "available",
        "deadline",
        "approvers",
        "covers",
        "conditions",
    ] {
        assert!(d.get(field).is_some(), "derogation misses {field}");
    }
}

#[test]
fn fail_on_sets_the_exit_status() {
    assert_eq!(
        nuage(&[
            "assess",
            "examples/suite-bureautique-m365.toml",
            "--fail-on",
            "non_compliant",
            "-f",
            "json"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        nuage(&[
            "assess",
            "examples/portail-demarches.toml",
            "--fail-on",
            "to_verify",
            "-f",
            "json"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        nuage(&[
            "assess",
            "examples/enquete-sante-operateur.yaml",
            "--fail-on",
            "non_compliant",
            "-f",
            "json"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        nuage(&[
            "assess",
            "examples/enquete-sante-operateur.yaml",
            "--fail-on",
            "to_verify",
            "-f",
            "json"
        ])
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn a_bad_field_names_file_line_column_and_field() {
    let dir = tempdir("bad-field");
    let path = dir.join("bad.toml");
    let text = std::fs::read_to_string(root().join("examples/portail-demarches.toml"))
        .unwrap()
        .replace("full_cost_eur = 3500000", "full_cost_eur = -3");
    std::fs::write(&path, text).unwrap();
    let o = nuage(&["assess", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.toml:10:"), "{err}");
    assert!(err.contains("field `project.full_cost_eur`"), "{err}");
    assert!(
        err.contains("full_cost_eur = -3"),
        "the line is shown: {err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn an_unknown_offer_is_refused_with_a_suggestion() {
    let o = nuage_stdin(
        &["assess", "-", "--input-format", "yaml"],
        "project:\n  name: P\n  entity_kind: central_administration\n  nature: new\n  full_cost_eur: 1\nhosting:\n  approach: cloud\n  environments:\n    - kind: production\n      offer: outscale\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("-:10:"), "{err}");
    assert!(err.contains("unknown offer `outscale`"), "{err}");
}

#[test]
fn stdin_needs_its_format() {
    let o = nuage_stdin(&["assess", "-"], "{}");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--input-format"));
    let json = std::fs::read_to_string(root().join("examples/etat-civil-commune.json")).unwrap();
    let o = nuage_stdin(
        &["assess", "-", "--input-format", "json", "-f", "json"],
        &json,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "not_applicable");
}

#[test]
fn a_directory_is_assessed_in_order_as_jsonl() {
    let o = nuage(&["assess", "examples", "--format", "jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(
        first["project"],
        "Enquête nationale sur la santé respiratoire"
    );
}

#[test]
fn one_bad_dossier_stops_the_output_unless_keep_going() {
    let dir = tempdir("portfolio");
    std::fs::copy(
        root().join("examples/portail-demarches.toml"),
        dir.join("a.toml"),
    )
    .unwrap();
    std::fs::write(dir.join("b.json"), "{ not json").unwrap();
    std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
    let d = dir.to_str().unwrap();
    let o = nuage(&["assess", d, "-f", "jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("b.json:1:"), "{}", stderr(&o));
    let o = nuage(&["assess", d, "-f", "jsonl", "--keep-going"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[test]
fn missing_paths_and_unknown_formats_are_bad_input() {
    assert_eq!(
        nuage(&["assess", "no/such/file.toml"]).status.code(),
        Some(2)
    );
    let dir = tempdir("ext");
    let p = dir.join("dossier.ini");
    std::fs::write(&p, "x").unwrap();
    let o = nuage(&["assess", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown dossier format"));
    let empty = tempdir("empty");
    assert_eq!(
        nuage(&["assess", empty.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn a_date_before_the_doctrine_is_refused_on_its_line() {
    let dir = tempdir("date");
    let path = dir.join("old.toml");
    let text = std::fs::read_to_string(root().join("examples/portail-demarches.toml"))
        .unwrap()
        .replace("assessed_on = 2024-06-03", "assessed_on = 2020-01-01");
    std::fs::write(&path, text).unwrap();
    let o = nuage(&["assess", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("old.toml:3:"), "{err}");
    assert!(err.contains("assessed_on"), "{err}");
    assert!(err.contains("2021-07-05"), "{err}");
}

#[test]
fn assessed_on_overrides_the_dossier() {
    let o = nuage(&[
        "assess",
        "examples/portail-demarches.toml",
        "-f",
        "json",
        "--assessed-on",
        "2022-01-01",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["edition"], "2021-07-05");
    assert_eq!(v["assessed_on"], "2022-01-01");
    assert_eq!(
        nuage(&[
            "assess",
            "examples/portail-demarches.toml",
            "--assessed-on",
            "2022-13-01"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn messages_in_english() {
    let o = nuage(&["assess", "examples/portail-demarches.toml", "--lang", "en"]);
    assert!(stdout(&o).contains("COMPLIANT"), "{}", stdout(&o));
    assert!(stdout(&o).contains("This is a new project."));
}

#[test]
fn sarif_and_junit_are_well_formed() {
    let o = nuage(&["assess", "examples", "-f", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        nuage_doctrine::Rule::ALL.len()
    );
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
    let o = nuage(&["assess", "examples", "-f", "junit"]);
    let xml = stdout(&o);
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<testsuite ").count(), 5);
    let o = nuage(&[
        "assess",
        "examples/portail-demarches.toml",
        "-f",
        "markdown",
    ]);
    assert!(stdout(&o).starts_with("# Portail des démarches"));
}

#[test]
fn explain_a_rule() {
    let o = nuage(&["explain", "R9"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("SecNumCloud"));
    let o = nuage(&["explain", "rgpd", "--lang", "en"]);
    assert!(stdout(&o).contains("GDPR"));
    assert_eq!(nuage(&["explain", "R99"]).status.code(), Some(2));
}

#[test]
fn the_checked_in_schema_is_the_one_printed() {
    let o = nuage(&["schema", "dossier"]);
    assert_eq!(o.status.code(), Some(0));
    let checked_in = std::fs::read_to_string(root().join("schemas/dossier.schema.json")).unwrap();
    assert_eq!(
        stdout(&o),
        checked_in,
        "run `nuage schema dossier > schemas/dossier.schema.json`"
    );
    let v: serde_json::Value = serde_json::from_str(&checked_in).unwrap();
    let offers = v
        .pointer("/$defs/OfferId/enum")
        .unwrap()
        .as_array()
        .unwrap();
    assert!(offers.iter().any(|o| o == "outscale-iaas"));
}

#[test]
fn catalog_as_of_a_date() {
    let o = nuage(&[
        "catalog",
        "list",
        "--qualified",
        "--as-of",
        "2024-06-03",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"outscale-iaas") && ids.contains(&"pi-interieur"));
    assert!(!ids.contains(&"s3ns-premi3ns") && !ids.contains(&"aws"));
    let o = nuage(&["catalog", "list", "--as-of", "2026-01-05"]);
    assert!(stdout(&o).contains("s3ns-premi3ns"));
    let o = nuage(&["catalog", "show", "aws"]);
    assert!(stdout(&o).contains("us-cloud-act"));
    assert_eq!(nuage(&["catalog", "show", "nope"]).status.code(), Some(2));
}

#[test]
fn catalog_shows_review_dates_and_lists_facts_to_review() {
    let o = nuage(&["catalog", "list", "--as-of", "2026-12-02"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("REVUE LE"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("outscale-iaas "))
        .unwrap();
    // Past the reported end of validity, no renewal recorded: unknown, never qualified.
    assert!(
        line.contains("unknown") && line.contains("2026-12-02"),
        "{line}"
    );
    let o = nuage(&["catalog", "list", "--as-of", "2024-06-03", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let outscale = v["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "outscale-iaas")
        .unwrap();
    assert_eq!(outscale["secnumcloud"], "qualified");
    assert_eq!(
        outscale["secnumcloud_regions"],
        serde_json::json!(["cloudgouv-eu-west-1"])
    );
    assert_eq!(outscale["reviewed_on"], "2026-12-02");
    let o = nuage(&[
        "catalog",
        "show",
        "bleu-azure-m365",
        "--as-of",
        "2026-11-23",
    ]);
    assert!(stdout(&o).contains("en évaluation : J0 le 2025-04-17 ; modèles IAAS, PAAS, CAAS"));

    let o = nuage(&["catalog", "check", "--as-of", "2026-12-02", "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["to_review"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["subject"] == "offer:outscale-iaas"
        && r["field"] == "secnumcloud[from 2023-12-11]"
        && r["why"] == serde_json::json!(["secondary"])));
    let o = nuage(&["catalog", "check", "--as-of", "2026-12-02", "--stale-only"]);
    assert!(stdout(&o).contains("0 fait(s) à revoir"), "{}", stdout(&o));
    let o = nuage(&["catalog", "check", "--as-of", "2028-01-01", "--stale-only"]);
    assert!(stdout(&o).contains("ANCIEN"));
}

#[test]
fn a_replacement_catalog_is_validated() {
    let dir = tempdir("catalog");
    std::fs::create_dir_all(dir.join("offers")).unwrap();
    let data = root().join("crates/catalog/data");
    std::fs::copy(data.join("catalog.toml"), dir.join("catalog.toml")).unwrap();
    std::fs::copy(
        data.join("jurisdictions.toml"),
        dir.join("jurisdictions.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("offers/mine.toml"),
        "[[offer]]\nid = \"mon-cloud\"\nname = \"Mon cloud\"\nprovider = \"Moi\"\nkind = \"internal\"\nservice_models = [\"iaas\"]\nreviewed_on = 2026-12-02\nsources = [\"seed-circular-2023\"]\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let o = nuage(&["catalog", "list", "--catalog", d, "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("mon-cloud"));
    std::fs::write(dir.join("offers/bad.toml"), "[[offer]]\nid = \"x\"\n").unwrap();
    let o = nuage(&["catalog", "list", "--catalog", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("offers/bad.toml"), "{}", stderr(&o));
}

#[test]
fn an_english_assessment_quotes_the_catalogs_english_notes() {
    // Personal data in us-east-1: the United States' partial adequacy, whose catalog note is
    // quoted in the finding — in the reader's language.
    let dossier = std::fs::read_to_string(root().join("examples/portail-demarches.toml"))
        .unwrap()
        .replacen(
            "offer = \"outscale-iaas\"\nregion = \"cloudgouv-eu-west-1\"\nzones = [\"cloudgouv-eu-west-1a\", \"cloudgouv-eu-west-1b\"]",
            "offer = \"aws\"\nregion = \"us-east-1\"\nzones = [\"us-east-1a\", \"us-east-1b\"]",
            1,
        );
    assert!(dossier.contains("us-east-1"));
    let dir = tempdir("english-notes");
    let file = dir.join("us.toml");
    std::fs::write(&file, dossier).unwrap();
    let gdpr = |lang: &str| -> String {
        let o = nuage(&[
            "assess",
            file.to_str().unwrap(),
            "--format",
            "json",
            "--lang",
            lang,
        ]);
        let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        a["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "GDPR")
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let en = gdpr("en");
    assert!(
        en.contains("limited to certified organisations") || en.contains("CLOUD Act"),
        "{en}"
    );
    assert!(!en.contains("limitée aux organisations"), "{en}");
    assert!(gdpr("fr").contains("limitée aux organisations certifiées"));
}
