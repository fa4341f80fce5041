#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! The web pages in a real browser: `tests/browser/run.mjs` drives Debian's Chromium through
//! playwright-core against a `nuage serve --dev` started here (questionnaire to verdict, a
//! changed answer, a derogation of each kind through its steps — R9's transitional one (minister
//! then Prime Minister, and on a second server dated 2022 the minister alone), R7 from 1 to 9 M€
//! (the ministry) and above (the major-project review), the office suite, the FAQ's equivalent
//! guarantees — with the e-mails a local SMTP server receives, another ministry refused,
//! axe-core on every page). Needs Node.js and Chromium: `.ci/run` installs them; elsewhere the
//! test says what is missing and passes, except under CI where a missing browser fails it.
//! `NUAGE_SCREENSHOTS=docs/screenshots cargo test -p nuage-cli --test browser` refreshes the
//! README's screenshots.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Server;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn missing(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is required under CI for the browser tests");
    }
    eprintln!("browser tests skipped: {what} not found (.ci/run installs it)");
}

#[test]
fn pages_in_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return missing("Chromium (Debian package `chromium`)");
    }
    if Command::new("node").arg("--version").output().is_err() {
        return missing("Node.js");
    }
    let tests = workspace().join("tests/browser");
    if !tests.join("node_modules/playwright-core").exists()
        || !tests.join("node_modules/axe-core").exists()
    {
        // Pinned versions with their integrity, from package-lock.json.
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&tests)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            return missing("tests/browser/node_modules (`npm ci` failed)");
        }
    }
    let dir = std::env::temp_dir().join(format!("nuage-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A fixed day: the example's derogation runs until 2027-06-17 (18 months, decree n° 2026-272).
    // A real SMTP server: the e-mails the server sends land in `mails/`, which run.mjs reads.
    let mails = dir.join("mails");
    std::fs::create_dir_all(&mails).unwrap();
    let smtp = nuage_testsmtp::SmtpServer::start_writing(Some(mails.clone()));
    let smtp_url = smtp.url();
    let server = Server::start(
        &dir,
        &["--dev", "--today", "2026-06-01", "--smtp-url", &smtp_url],
    );
    let dossier = workspace().join("examples/systeme-existant-derogation.toml");
    // The same project off the cloud above 9 M€: the major-project review decides (R7, R8).
    let off_cloud = std::fs::read_to_string(tests.join("hors-cloud.toml")).unwrap();
    let major = dir.join("hors-cloud-12m.toml");
    std::fs::write(
        &major,
        off_cloud
            .replacen("full_cost_eur = 3000000", "full_cost_eur = 12000000", 1)
            .replacen(
                "Application de gestion des archives",
                "Plateforme nationale des archives",
                1,
            ),
    )
    .unwrap();
    let mut run = Command::new("node");
    run.arg(tests.join("run.mjs"))
        .arg(format!("http://{}/", server.address))
        .arg(&dossier)
        .arg(tests.join("hors-cloud.toml"))
        .arg(workspace().join("examples/suite-bureautique-m365.toml"))
        .arg(&major)
        .env("CHROMIUM", &chromium)
        .env("NUAGE_MAILDIR", &mails);
    if let Ok(shots) = std::env::var("NUAGE_SCREENSHOTS") {
        run.env("NUAGE_SCREENSHOTS", workspace().join(shots));
    }
    let output = run.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    let (_, log) = server.terminate();
    assert!(
        output.status.success(),
        "browser scenario failed:\n{stdout}\n{}\nserver log:\n{log}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The 2021 circular, on a day it was in force: the minister decides alone.
    let dir_2021 = dir.join("2021");
    std::fs::create_dir_all(&dir_2021).unwrap();
    let server = Server::start(&dir_2021, &["--dev", "--today", "2022-03-01"]);
    let output = Command::new("node")
        .arg(tests.join("run.mjs"))
        .arg(format!("http://{}/", server.address))
        .arg(&dossier)
        .env("CHROMIUM", &chromium)
        .env("NUAGE_SCENARIO", "2021")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    let (_, log) = server.terminate();
    assert!(
        output.status.success(),
        "browser scenario (2021) failed:\n{stdout}\n{}\nserver log:\n{log}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
