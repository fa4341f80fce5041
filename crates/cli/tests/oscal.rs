//! `--format oscal` for `assess` and `scan`: valid against the pinned OSCAL 1.0.6
//! assessment-results schema (schemas/oscal-1.0.6), deterministic, and carrying each finding's
//! rule, status, citations and, for a scan, the resource it is about.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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

fn json(o: &Output) -> Value {
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn validate(doc: &Value) {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(root().join("schemas/oscal-1.0.6/oscal_assessment-results_schema.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        schema["$id"],
        "http://csrc.nist.gov/ns/oscal/1.0.6/oscal-ar-schema.json"
    );
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(20)
        .collect();
    assert!(
        errors.is_empty(),
        "OSCAL does not validate:\n{}",
        errors.join("\n")
    );
    // The schema can fail: a finding without its target is refused.
    let mut broken = doc.clone();
    if let Some(f) = broken["assessment-results"]["results"][0]["findings"][0].as_object_mut() {
        f.remove("target");
    }
    broken["assessment-results"]["uuid"] = Value::from("not-a-uuid");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn assess_writes_valid_deterministic_oscal() {
    let args = [
        "assess",
        "examples/portail-demarches.toml",
        "--format",
        "oscal",
    ];
    let a = nuage(&args);
    let b = nuage(&args);
    assert_eq!(a.stdout, b.stdout, "same dossier, same bytes");
    let doc = json(&a);
    validate(&doc);
    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.0.6");
    assert_eq!(ar["metadata"]["last-modified"], "2024-06-03T00:00:00Z");
    let result = &ar["results"][0];
    let findings = result["findings"].as_array().unwrap();
    let contract: Value = serde_json::from_slice(
        &nuage(&[
            "assess",
            "examples/portail-demarches.toml",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(
        findings.len(),
        contract["findings"].as_array().unwrap().len()
    );
    for (f, c) in findings
        .iter()
        .zip(contract["findings"].as_array().unwrap())
    {
        assert_eq!(f["target"]["target-id"], c["rule"]);
        let status = f["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "status")
            .unwrap();
        assert_eq!(status["value"], c["status"]);
        let state = f["target"]["status"]["state"].as_str().unwrap();
        assert_eq!(
            state == "satisfied",
            matches!(c["status"].as_str(), Some("compliant" | "not_applicable"))
        );
        // Each citation is a link to a back-matter resource.
        let cites = c["citations"].as_array().unwrap().len();
        assert_eq!(f["links"].as_array().map_or(0, Vec::len), cites, "{f}");
    }
    let back: Vec<&str> = ar["back-matter"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uuid"].as_str().unwrap())
        .collect();
    // No made-up address: the plan imported is a resource of the document itself, naming the
    // edition assessed.
    let plan = ar["import-ap"]["href"].as_str().unwrap();
    assert!(back.contains(&plan.trim_start_matches('#')), "{plan}");
    let plan_resource = ar["back-matter"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| format!("#{}", r["uuid"].as_str().unwrap()) == plan)
        .unwrap();
    assert!(
        plan_resource["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "edition" && p["value"] == contract["edition"]),
        "{plan_resource}"
    );
    assert!(
        !doc.to_string()
            .contains("example.invalid/nuage/cloud-au-centre")
    );
    for f in findings {
        for l in f["links"].as_array().into_iter().flatten() {
            let href = l["href"].as_str().unwrap();
            assert!(back.contains(&href.trim_start_matches('#')), "{href}");
        }
    }
    // Several dossiers: one result each, identifiers all distinct.
    let many = json(&nuage(&["assess", "examples", "--format", "oscal"]));
    validate(&many);
    let results = many["assessment-results"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let text = many.to_string();
    let mut uuids: Vec<&str> = Vec::new();
    collect_uuids(&many, &mut uuids);
    let n = uuids.len();
    uuids.sort_unstable();
    uuids.dedup();
    assert_eq!(uuids.len(), n, "every uuid is distinct: {text:.200}");
}

fn collect_uuids<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "uuid" {
                    out.extend(x.as_str());
                } else {
                    collect_uuids(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_uuids(x, out)),
        _ => {}
    }
}

#[test]
fn scan_writes_valid_oscal_with_resources_as_subjects() {
    let fixture = "crates/iac/tests/fixtures/ministere";
    let args = [
        "scan",
        fixture,
        "--format",
        "oscal",
        "--assessed-on",
        "2025-01-15",
    ];
    let a = nuage(&args);
    assert_eq!(a.stdout, nuage(&args).stdout, "deterministic");
    let doc = json(&a);
    validate(&doc);
    let result = &doc["assessment-results"]["results"][0];
    assert_eq!(result["start"], "2025-01-15T00:00:00Z");
    let items = result["local-definitions"]["inventory-items"]
        .as_array()
        .unwrap();
    assert!(items.len() > 20, "each resource is an inventory item");
    let observations = result["observations"].as_array().unwrap();
    let with_subject = observations
        .iter()
        .filter(|o| o["subjects"][0]["type"] == "inventory-item")
        .count();
    assert!(
        with_subject > 0,
        "findings about a resource name it as their subject"
    );
    for o in observations {
        for s in o["subjects"].as_array().into_iter().flatten() {
            let id = &s["subject-uuid"];
            assert!(items.iter().any(|i| &i["uuid"] == id));
        }
    }
    // With a dossier: the whole assessment, still valid.
    let merged = json(&nuage(&[
        "scan",
        fixture,
        "--dossier",
        "examples/portail-demarches.toml",
        "--format",
        "oscal",
    ]));
    validate(&merged);
}
