#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! The API document says exactly what the server accepts: Schemathesis (pinned, installed by
//! `.ci/run`), with every check, against a live `nuage serve` with a token, on SQLite and on
//! PostgreSQL, finds no failure.
//!
//! Schemathesis is found through `NUAGE_SCHEMATHESIS_PYTHON` (a Python with it installed), or
//! in the virtual environment `.ci/run` makes (`target/schemathesis-venv`). Missing, the test
//! is skipped with a message on a developer's machine and fails under CI.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Server, http};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// A Python that imports schemathesis, if there is one.
fn schemathesis_python() -> Option<PathBuf> {
    let candidates = std::env::var_os("NUAGE_SCHEMATHESIS_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([workspace().join("target/schemathesis-venv/bin/python")]);
    candidates.into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import schemathesis"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn request(address: &str, method: &str, path: &str, token: &str, body: &str) -> String {
    http(
        address,
        &format!(
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// Runs Schemathesis on the live API; its report, and whether it passed.
fn schemathesis(
    python: &Path,
    address: &str,
    token: &str,
    only_destructive: bool,
) -> (bool, String) {
    let root = workspace();
    let filter = if only_destructive {
        "--include-path-regex"
    } else {
        "--exclude-path-regex"
    };
    let output = Command::new(python)
        .arg(root.join("tests/schemathesis/run.py"))
        .arg("--config-file")
        .arg(root.join("tests/schemathesis/schemathesis.toml"))
        .args([
            "--no-color",
            "run",
            &format!("http://{address}/api/v1/openapi.json"),
            "--checks",
            "all",
            "-H",
            &format!("Authorization: Bearer {token}"),
            // Bounded: a few examples per operation, one worker, a fixed seed.
            "--max-examples",
            "12",
            "--workers",
            "1",
            "--seed",
            "1",
            // What revokes the run's own token or disables its account runs last, on its own.
            filter,
            "/(revoke|disable|role)$",
        ])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), report)
}

#[test]
fn schemathesis_finds_no_failure_on_either_database() {
    let Some(python) = schemathesis_python() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "Schemathesis is required under CI: .ci/run installs it in target/schemathesis-venv (or set NUAGE_SCHEMATHESIS_PYTHON)"
            );
        }
        eprintln!(
            "schemathesis not found (NUAGE_SCHEMATHESIS_PYTHON, target/schemathesis-venv): API test skipped; `.ci/run` installs it"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("nuage-schemathesis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut databases = vec![format!("sqlite://{}", dir.join("nuage.db").display())];
    if let Some(cluster) = nuage_testpg::cluster() {
        databases.push(cluster.create_database("schemathesis").unwrap());
    }
    for database in databases {
        let _ = std::fs::remove_file(dir.join("nuage-dev-token"));
        let _ = std::fs::remove_file(dir.join("nuage.db.dev-token"));
        let server = Server::start(&dir, &["--dev", "--database", &database]);
        let address = server.address.clone();
        let token = server.dev_token();
        // Something to read: a project with its assessment, a derogation request, a scan.
        let organisations = request(&address, "GET", "/api/v1/organisations", &token, "");
        let organisation: i64 = organisations
            .split("\"id\":")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{organisations}"));
        let dossier = include_str!("../../../examples/systeme-existant-derogation.toml");
        let created = request(
            &address,
            "POST",
            "/api/v1/projects",
            &token,
            &serde_json::json!({"organisation_id": organisation, "dossier": {"format": "toml", "source": dossier}}).to_string(),
        );
        assert!(created.starts_with("HTTP/1.1 201"), "{created}");
        let (passed, report) = schemathesis(&python, &address, &token, false);
        let (destructive_passed, destructive) = schemathesis(&python, &address, &token, true);
        let (exit, stderr) = server.terminate();
        assert!(exit.success(), "{stderr}");
        let summary = |r: &str| {
            r.lines()
                .skip_while(|l| !l.contains("SUMMARY"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        eprintln!(
            "{database}:\n{}\n{}",
            summary(&report),
            summary(&destructive)
        );
        assert!(passed, "{database}: Schemathesis found failures:\n{report}");
        assert!(
            destructive_passed,
            "{database}: Schemathesis found failures:\n{destructive}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
