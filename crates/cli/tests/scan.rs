//! `nuage scan` as CI jobs run it: every output format, exit statuses, the dossier merge, and
//! SARIF checked against the official SARIF 2.1.0 schema.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE: &str = "crates/iac/tests/fixtures/ministere";

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

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// The SARIF 2.1.0 schema (OASIS) as shipped in the serde-sarif crate, a dev-dependency
/// pinned by Cargo.lock: cargo has unpacked it in the registry by the time tests run.
fn sarif_schema() -> serde_json::Value {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let src = home.join("registry/src");
    for index in std::fs::read_dir(&src).unwrap().filter_map(Result::ok) {
        let path = index.path().join("serde-sarif-0.8.0/src/schema.json");
        if path.is_file() {
            return serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        }
    }
    panic!(
        "the SARIF schema of serde-sarif 0.8.0 was not found under {}",
        src.display()
    );
}

fn assert_valid_sarif(doc: &serde_json::Value) {
    let mut schema = sarif_schema();
    // The published schema's pattern for `language` has a stray `]` that Rust's regex engine
    // refuses (the schema is then rejected as a whole); Nuage never writes `language`.
    fn drop_broken_patterns(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map
                    .get("pattern")
                    .and_then(|p| p.as_str())
                    .is_some_and(|p| p.ends_with("]?$"))
                {
                    map.remove("pattern");
                }
                map.values_mut().for_each(drop_broken_patterns);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(drop_broken_patterns),
            _ => {}
        }
    }
    drop_broken_patterns(&mut schema);
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(
        !validator.is_valid(&serde_json::json!({ "runs": [{ "results": [] }] })),
        "the schema must be able to fail"
    );
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

#[test]
fn json_follows_the_contract() {
    let o = nuage(&["scan", FIXTURE, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    let resources = v["resources"].as_array().unwrap();
    assert!(resources.len() > 20);
    for r in resources {
        for field in [
            "address", "type", "provider", "offer", "region", "zones", "file", "line",
        ] {
            assert!(r.get(field).is_some(), "resource misses {field}: {r}");
        }
    }
    let findings = v["findings"].as_array().unwrap();
    // Every finding is about a resource, at its file and line, but the coverage of the scan.
    let (located, whole): (Vec<_>, Vec<_>) = findings.iter().partition(|f| f["file"].is_string());
    assert!(located.iter().all(|f| f["line"].as_u64().unwrap() >= 1));
    assert_eq!(whole.len(), 1, "{whole:#?}");
    assert!(
        whole[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Couverture de l'analyse : 31 ressource(s)")
    );
    assert_eq!(v["coverage"]["resources"], 31);
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "R10" && f["status"] == "to_verify")
    );
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "R5" && f["status"] == "non_compliant" && f["line"] == 18)
    );
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "GDPR" && f["file"] == "envs/prod/main.tf" && f["line"] == 52)
    );
    assert!(
        v["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["path"] == "broken/main.tf")
    );
    insta::assert_snapshot!(
        "scan_json_findings",
        serde_json::to_string_pretty(&v["findings"]).unwrap()
    );
}

#[test]
fn fail_on_reads_the_findings() {
    assert_eq!(
        nuage(&["scan", FIXTURE, "-f", "json", "--fail-on", "non_compliant"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        nuage(&[
            "scan",
            &format!("{FIXTURE}/scaleway"),
            "-f",
            "json",
            "--fail-on",
            "to_verify"
        ])
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let o = nuage(&["scan", FIXTURE, "--format", "sarif"]);
    let v = json(&o);
    assert_valid_sarif(&v);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "envs/prod/main.tf"
    ));
    insta::assert_snapshot!("scan_sarif", serde_json::to_string_pretty(&v).unwrap());
    // The assessment's SARIF too.
    let o = nuage(&["assess", "examples", "--format", "sarif"]);
    assert_valid_sarif(&json(&o));
}

#[test]
fn gitlab_code_quality() {
    let o = nuage(&["scan", FIXTURE, "--format", "gitlab"]);
    let v = json(&o);
    let issues = v.as_array().unwrap();
    assert!(!issues.is_empty());
    for i in issues {
        assert!(i["check_name"].as_str().unwrap().starts_with("nuage/"));
        let coverage = i["check_name"] == "nuage/coverage";
        assert!(matches!(
            (i["severity"].as_str(), coverage),
            (Some("critical" | "minor"), _) | (Some("info"), true)
        ));
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(i["fingerprint"].is_string());
    }
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    insta::assert_snapshot!("scan_gitlab", serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn junit_markdown_and_text() {
    let xml = stdout(&nuage(&["scan", FIXTURE, "--format", "junit"]));
    assert!(xml.starts_with("<?xml") && xml.contains("<failure type=\"non_compliant\""));
    insta::assert_snapshot!("scan_junit", xml);
    let md = stdout(&nuage(&["scan", FIXTURE, "--format", "markdown"]));
    assert!(md.starts_with("# Analyse de"));
    insta::assert_snapshot!("scan_markdown", md);
    let text = stdout(&nuage(&["scan", FIXTURE]));
    assert!(text.contains("Non lus (1)"));
    insta::assert_snapshot!("scan_text", text);
    let en = stdout(&nuage(&["scan", FIXTURE, "--lang", "en"]));
    assert!(en.contains("Scan of"));
}

#[test]
fn with_a_dossier_the_scan_fills_it_and_the_whole_assessment_is_printed() {
    let o = nuage(&[
        "scan",
        &format!("{FIXTURE}/envs/prod"),
        "--dossier",
        "examples/portail-demarches.toml",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["edition"], "2023-05-31");
    assert_eq!(v["verdict"], "non_compliant");
    assert!(
        v["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["evidence"].is_array())
    );
    let findings = v["findings"].as_array().unwrap();
    let r9: Vec<&serde_json::Value> = findings.iter().filter(|f| f["rule"] == "R9").collect();
    assert!(
        r9.iter()
            .any(|f| f["file"].is_null() && f["status"] == "non_compliant"),
        "the dossier-level R9 sees the scanned offers"
    );
    assert!(
        r9.iter()
            .any(|f| f["file"] == "main.tf" && f["status"] == "non_compliant"),
        "and each resource on a non-qualified offer"
    );
    let r10 = findings
        .iter()
        .find(|f| f["rule"] == "R10" && f["file"].is_null())
        .unwrap();
    assert!(
        r10["message"].as_str().unwrap().contains("DynamoDB"),
        "lock-in from code: {}",
        r10["message"]
    );
}

#[test]
fn bad_inputs_are_refused() {
    let o = nuage(&["scan", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    let dir = std::env::temp_dir().join(format!("nuage-scan-bad-{}", std::process::id()));
    // A directory left by an earlier run under the same process id is not this run's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[project]\nname = 1\n").unwrap();
    let o = nuage(&["scan", FIXTURE, "--dossier", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml:2:"));
    let mappings = dir.join("m.toml");
    std::fs::write(
        &mappings,
        "[[provider]]\nname = \"x\"\noffer = \"nowhere\"\n",
    )
    .unwrap();
    let o = nuage(&["scan", FIXTURE, "--mappings", mappings.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown offer `nowhere`"));
}

/// A full disk fails the command; a reader that stops early (`| head`) does not.
#[cfg(target_os = "linux")]
#[test]
fn write_errors_fail_but_a_closed_pipe_does_not() {
    use std::io::Read;
    use std::process::Stdio;
    // A report far larger than a pipe's buffer, so that the writer meets the closed pipe.
    let tree = std::env::temp_dir().join(format!("nuage-scan-pipe-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tree);
    std::fs::create_dir_all(&tree).unwrap();
    let blocks: String = (0..3000)
        .map(|i| format!("resource \"aws_dynamodb_table\" \"t{i}\" {{\n  name = \"t{i}\"\n}}\n"))
        .collect();
    std::fs::write(tree.join("main.tf"), blocks).unwrap();
    let tree = tree.to_str().unwrap();
    for format in ["json", "sarif", "gitlab", "text", "junit", "markdown"] {
        let o = Command::new(env!("CARGO_BIN_EXE_nuage"))
            .args(["scan", tree, "--format", format])
            .current_dir(root())
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_ne!(o.status.code(), Some(0), "{format}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("cannot write the report"),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );

        let mut child = Command::new(env!("CARGO_BIN_EXE_nuage"))
            .args(["scan", tree, "--format", format])
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe's reading end is closed here, with most of the report unread.
        let o = child.wait_with_output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(tree);
}

const PLACEMENT: &str = "crates/iac/tests/fixtures/placement";
const EMPTY: &str = "crates/iac/tests/fixtures/empty-tree";

#[test]
fn a_scan_that_finds_no_infrastructure_fails_on_to_verify() {
    let o = nuage(&["scan", EMPTY, "-f", "json", "--fail-on", "to_verify"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "an empty result is never a compliant one"
    );
    let v = json(&o);
    assert_eq!(v["coverage"]["hosting"], 0);
    assert!(v["findings"].as_array().unwrap().iter().any(|f| {
        f["status"] == "to_verify" && f["message"].as_str().unwrap().contains("aucune ressource")
    }));
    assert!(String::from_utf8_lossy(&o.stderr).contains("coverage: "));
    // Without --fail-on it is still exit 0, and the terminal says so.
    let o = nuage(&["scan", EMPTY]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.contains("Couverture") && text.contains("aucune ressource"),
        "{text}"
    );
}

#[test]
fn the_coverage_is_in_every_format() {
    let v = json(&nuage(&["scan", PLACEMENT, "-f", "json"]));
    let resources = v["resources"].as_array().unwrap().len();
    assert_eq!(v["coverage"]["resources"], resources);
    assert!(v["coverage"]["unplaced"]["run_time"].as_u64().unwrap() >= 1);
    assert!(v["coverage"]["providers"].as_array().unwrap().len() > 8);
    let sarif = json(&nuage(&["scan", PLACEMENT, "-f", "sarif"]));
    assert_valid_sarif(&sarif);
    assert_eq!(
        sarif["runs"][0]["properties"]["coverage"]["resources"],
        resources
    );
    let junit = stdout(&nuage(&["scan", PLACEMENT, "-f", "junit"]));
    assert!(
        junit.contains(&format!(
            "<property name=\"coverage.resources\" value=\"{resources}\"/>"
        )),
        "{junit}"
    );
    let gitlab = json(&nuage(&["scan", PLACEMENT, "-f", "gitlab"]));
    assert!(
        gitlab
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["check_name"] == "nuage/coverage" && i["severity"] == "info")
    );
    let markdown = stdout(&nuage(&["scan", PLACEMENT, "-f", "markdown"]));
    assert!(markdown.contains("**Couverture**"), "{markdown}");
    let text = stdout(&nuage(&["scan", PLACEMENT]));
    assert!(text.contains("non placées : "), "{text}");
    // A partial scan is to verify.
    assert_eq!(
        nuage(&["scan", PLACEMENT, "-f", "json", "--fail-on", "to_verify"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn r9_by_region_names_the_evidence_and_the_qualified_region() {
    let o = nuage(&[
        "scan",
        &format!("{PLACEMENT}/outscale"),
        "--dossier",
        "examples/portail-demarches.toml",
        "-f",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(v["particularly_sensitive"], true);
    let findings = v["findings"].as_array().unwrap();
    let export = findings
        .iter()
        .find(|f| {
            f["rule"] == "R9"
                && f["message"]
                    .as_str()
                    .unwrap()
                    .contains("outscale_volume.export")
        })
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(export["status"], "non_compliant");
    let message = export["message"].as_str().unwrap();
    assert!(
        message.contains("« region = us-east-2 ← zone us-east-2a »"),
        "{message}"
    );
    let remedy = export["remedy"].as_str().unwrap();
    assert!(remedy.contains("`cloudgouv-eu-west-1`"), "{remedy}");
    // The qualified region raises nothing under R9.
    assert!(!findings.iter().any(|f| {
        f["rule"] == "R9"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("outscale_vm.dossiers")
    }));
}

/// The catalog as shipped, with Outscale's SecNumCloud perimeter reduced to its qualified region
/// (the reading the catalog is being corrected to): the perimeter is the catalog's, never the
/// scanner's.
fn catalog_with_only_cloudgouv_qualified() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nuage-catalog-r9-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("offers")).unwrap();
    let data = root().join("crates/catalog/data");
    for name in ["catalog.toml", "jurisdictions.toml"] {
        std::fs::copy(data.join(name), dir.join(name)).unwrap();
    }
    for entry in std::fs::read_dir(data.join("offers")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace(
            "regions = [\"eu-west-2\", \"cloudgouv-eu-west-1\"]",
            "regions = [\"cloudgouv-eu-west-1\"]",
        );
        std::fs::write(dir.join("offers").join(path.file_name().unwrap()), text).unwrap();
    }
    dir
}

#[test]
fn r9_by_region_takes_the_perimeter_from_the_catalog_with_the_provider_as_evidence() {
    let catalog = catalog_with_only_cloudgouv_qualified();
    let o = nuage(&[
        "scan",
        &format!("{PLACEMENT}/outscale"),
        "--dossier",
        "examples/portail-demarches.toml",
        "--catalog",
        catalog.to_str().unwrap(),
        "-f",
        "json",
    ]);
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    let front = findings
        .iter()
        .find(|f| f["rule"] == "R9" && f["message"].as_str().unwrap().contains("outscale_vm.front"))
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(front["status"], "non_compliant");
    let message = front["message"].as_str().unwrap();
    assert!(
        message.contains("« region = eu-west-2 ← provider \"outscale\" »"),
        "{message}"
    );
    let remedy = front["remedy"].as_str().unwrap();
    assert!(remedy.contains("(`cloudgouv-eu-west-1`)"), "{remedy}");
    let _ = std::fs::remove_dir_all(&catalog);
}
