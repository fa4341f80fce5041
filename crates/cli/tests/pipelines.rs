//! The GitLab component (templates/nuage.yml) and the GitHub action (action.yml) run their own
//! commands here: their inputs resolved as the CI would, the built `nuage` on the PATH, an
//! example tree and dossier. Their reports must be there, parse, and the threshold must hold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn yaml(text: &str) -> Value {
    yaml_serde::from_str(text).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nuage-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The directory of the built binary, first on the PATH.
fn path_with_nuage() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_nuage")).parent().unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn fixture() -> String {
    root()
        .join("crates/iac/tests/fixtures/ministere")
        .display()
        .to_string()
}

fn dossier() -> String {
    root()
        .join("examples/portail-demarches.toml")
        .display()
        .to_string()
}

/// Runs the GitLab job with `inputs` over the spec's defaults; returns the exit status and
/// the working directory.
fn gitlab(name: &str, inputs: &[(&str, &str)]) -> (Option<i32>, PathBuf, Value) {
    let text = std::fs::read_to_string(root().join("templates/nuage.yml")).unwrap();
    let (spec, job) = text.split_once("\n---\n").unwrap();
    let spec = yaml(spec);
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in spec["spec"]["inputs"].as_object().unwrap() {
        values.insert(k.clone(), v["default"].as_str().unwrap().to_owned());
    }
    for (k, v) in inputs {
        assert!(values.contains_key(*k), "no input {k}");
        if let Some(options) = spec["spec"]["inputs"][*k]["options"].as_array() {
            assert!(options.iter().any(|o| o == v), "{k}: {v} is not an option");
        }
        values.insert((*k).to_owned(), (*v).to_owned());
    }
    let mut job = job.to_owned();
    for (k, v) in &values {
        job = job.replace(&format!("$[[ inputs.{k} ]]"), v);
    }
    assert!(!job.contains("$[["), "every input is resolved: {job}");
    let job = yaml(&job);
    let nuage = &job["nuage"];
    let dir = scratch(name);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(
            nuage["script"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect::<Vec<_>>()
                .join("\n"),
        )
        .current_dir(&dir)
        .env("PATH", path_with_nuage());
    for (k, v) in nuage["variables"].as_object().unwrap() {
        cmd.env(k, v.as_str().unwrap());
    }
    let out = cmd.output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code(), dir, nuage.clone())
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("nuage-reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether a GitLab artifact pattern (`dir/*.suffix`) matches `name` in nuage-reports/.
fn matches(pattern: &str, name: &str) -> bool {
    let suffix = pattern.strip_prefix("nuage-reports/*").unwrap();
    name.ends_with(suffix)
}

#[test]
fn the_gitlab_component_runs_and_uploads_its_reports() {
    let (status, dir, job) = gitlab(
        "gitlab",
        &[
            ("paths", &fixture()),
            ("dossier", &dossier()),
            ("fail_on", "never"),
            ("formats", "sarif gitlab junit oscal"),
        ],
    );
    assert_eq!(status, Some(0));
    let names = files(&dir);
    assert_eq!(
        names,
        [
            "1.codequality.json",
            "1.junit.xml",
            "1.oscal.json",
            "1.sarif"
        ]
    );
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(dir.join("nuage-reports/1.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let quality: Value = serde_json::from_slice(
        &std::fs::read(dir.join("nuage-reports/1.codequality.json")).unwrap(),
    )
    .unwrap();
    assert!(
        !quality.as_array().unwrap().is_empty(),
        "the example has issues to show"
    );
    // What the job declares as reports is what it wrote.
    let reports = &job["artifacts"]["reports"];
    assert!(
        names
            .iter()
            .any(|n| matches(reports["codequality"].as_str().unwrap(), n))
    );
    assert!(
        names
            .iter()
            .any(|n| matches(reports["junit"].as_str().unwrap(), n))
    );
    assert_eq!(job["artifacts"]["when"], "always");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_gitlab_component_fails_on_its_threshold_and_on_bad_input() {
    let (status, dir, _) = gitlab(
        "threshold",
        &[("paths", &fixture()), ("fail_on", "to_verify")],
    );
    assert_eq!(status, Some(1), "the example tree has findings to verify");
    assert!(
        dir.join("nuage-reports/1.sarif").exists(),
        "reports are written first"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let (status, dir, _) = gitlab(
        "bad",
        &[
            ("paths", &fixture()),
            ("dossier", "/nonexistent/dossier.toml"),
        ],
    );
    assert_eq!(status, Some(2), "bad input is status 2");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the action's scan step with `inputs` over its defaults.
fn github(name: &str, inputs: &[(&str, &str)]) -> (Option<i32>, PathBuf, String, Value) {
    let action = yaml(&std::fs::read_to_string(root().join("action.yml")).unwrap());
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in action["inputs"].as_object().unwrap() {
        values.insert(k.clone(), v["default"].as_str().unwrap().to_owned());
    }
    for (k, v) in inputs {
        assert!(values.contains_key(*k), "no input {k}");
        values.insert((*k).to_owned(), (*v).to_owned());
    }
    let step = &action["runs"]["steps"][0];
    assert_eq!(step["shell"], "bash");
    let dir = scratch(name);
    let output = dir.join("github-output");
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
        .arg(step["run"].as_str().unwrap())
        .current_dir(&dir)
        .env("PATH", path_with_nuage())
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", &dir);
    for (k, v) in step["env"].as_object().unwrap() {
        let v = v.as_str().unwrap();
        let input = v
            .strip_prefix("${{ inputs.")
            .and_then(|r| r.strip_suffix(" }}"))
            .unwrap();
        cmd.env(k, &values[input]);
    }
    let out = cmd.output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read_to_string(&output).unwrap_or_default();
    (out.status.code(), dir, written, action)
}

#[test]
fn the_github_action_runs_reports_then_fails_on_its_threshold() {
    let (status, dir, output, action) =
        github("github", &[("paths", &fixture()), ("fail-on", "to_verify")]);
    // The scan step records the verdict and succeeds, so that SARIF is uploaded; the last step
    // fails with the recorded status.
    assert_eq!(status, Some(0));
    assert_eq!(output.trim(), "status=1");
    assert_eq!(files(&dir), ["1.junit.xml", "1.sarif"]);
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert_eq!(steps[1]["uses"], "github/codeql-action/upload-sarif@v3");
    assert_eq!(steps[1]["with"]["sarif_file"], "nuage-reports");
    assert!(steps[2]["run"].as_str().unwrap().contains("exit"));
    std::fs::remove_dir_all(&dir).unwrap();

    let (status, dir, output, _) = github(
        "github-ok",
        &[
            ("paths", &fixture()),
            ("dossier", &dossier()),
            ("fail-on", "never"),
            ("formats", "sarif gitlab"),
        ],
    );
    assert_eq!(status, Some(0));
    assert_eq!(output.trim(), "status=0");
    assert_eq!(files(&dir), ["1.codequality.json", "1.sarif"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
