//! The invariants of ARCHITECTURE.md, checked: the layers, the pure engine, HTTP and SQL where
//! they belong, doctrine words only in the doctrine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use nuage_doctrine::{Approver, DerogationKind, Transition};
use serde_json::Value;

/// The crates from the bottom up, as ARCHITECTURE.md's code map lists them.
const LAYERS: [&str; 11] = [
    "nuage-limits",
    "nuage-catalog",
    "nuage-doctrine",
    "nuage-web",
    "nuage-iac",
    "nuage-report",
    "nuage-evidence",
    "nuage-registry",
    "nuage-server",
    "nuage-cli",
    // Not a layer: the fuzz crate sits outside the workspace.
    "",
];

const TEST_SUPPORT: [&str; 3] = ["nuage-testpg", "nuage-testoidc", "nuage-testsmtp"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rank(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == name)
}

/// (package, dependency name, kind) for every dependency of every workspace package.
fn dependencies(meta: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for p in meta["packages"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap().to_owned();
        for d in p["dependencies"].as_array().unwrap() {
            out.push((
                name.clone(),
                d["name"].as_str().unwrap().to_owned(),
                d["kind"].as_str().map(str::to_owned),
            ));
        }
    }
    out
}

#[test]
fn every_crate_uses_only_the_crates_below_it() {
    let meta = metadata();
    let workspace: Vec<String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for name in &workspace {
        assert!(
            rank(name).is_some() || TEST_SUPPORT.contains(&name.as_str()),
            "{name} is in no layer of ARCHITECTURE.md"
        );
    }
    for (package, dep, kind) in dependencies(&meta) {
        if !workspace.contains(&dep) {
            continue;
        }
        if TEST_SUPPORT.contains(&dep.as_str()) {
            assert_eq!(
                kind.as_deref(),
                Some("dev"),
                "{package} links {dep}, a test-support crate"
            );
            continue;
        }
        if kind.as_deref() == Some("dev") {
            continue;
        }
        let (Some(p), Some(d)) = (rank(&package), rank(&dep)) else {
            continue;
        };
        assert!(
            d < p,
            "{package} depends on {dep}, which is not below it (ARCHITECTURE.md, code map)"
        );
    }
}

#[test]
fn http_and_sql_stay_where_they_belong() {
    let meta = metadata();
    let server = rank("nuage-server").unwrap();
    let registry = rank("nuage-registry").unwrap();
    for (package, dep, kind) in dependencies(&meta) {
        if kind.as_deref() == Some("dev") {
            continue;
        }
        let Some(p) = rank(&package) else { continue };
        if p < server {
            assert!(
                !["axum", "hyper", "http", "tower", "reqwest", "axum-core"].contains(&dep.as_str()),
                "{package} (below the server) depends on {dep}"
            );
        }
        if p < registry {
            assert!(
                !dep.starts_with("sqlx"),
                "{package} (below the registry) depends on {dep}"
            );
        }
    }
}

fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

/// Code before the first `#[cfg(test)]`: tests may spell anything.
fn code(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

#[test]
fn the_engine_reads_no_file_clock_or_environment() {
    for (path, text) in sources(&root().join("crates/doctrine/src")) {
        for forbidden in [
            "std::fs",
            "std::env",
            "SystemTime",
            "std::time::Instant",
            "Instant::now",
            "Timestamp::now",
            "Zoned::now",
        ] {
            assert!(
                !code(&text).contains(forbidden),
                "{} uses {forbidden}: the engine takes everything as arguments",
                path.display()
            );
        }
    }
}

#[test]
fn no_adapter_spells_the_doctrines_codes() {
    let mut codes: Vec<&str> = DerogationKind::ALL.iter().map(|k| k.as_str()).collect();
    codes.extend(Approver::ALL.iter().map(|a| a.as_str()));
    codes.extend(Transition::ALL.iter().map(|t| t.as_str()));
    // Codes that are also ordinary words of other vocabularies (a role, a dashboard class).
    codes.retain(|c| !["ministry", "dinum", "submit", "refuse", "expire"].contains(c));
    for krate in ["registry", "server", "cli"] {
        for (path, text) in sources(&root().join(format!("crates/{krate}/src"))) {
            for c in &codes {
                assert!(
                    !code(&text).contains(&format!("\"{c}\"")),
                    "{} spells the doctrine's code \"{c}\": take it from nuage_doctrine",
                    path.display()
                );
            }
        }
    }
}
