#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! `nuage serve` as a user runs it: a real process on a loopback port.

mod common;

use std::process::Command;

use common::{Server, http};

#[test]
fn serve_creates_its_database_answers_and_stops_gracefully() {
    let dir = std::env::temp_dir().join(format!("nuage-serve-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server = Server::start(&dir, &[]);
    let address = server.address.clone();

    let health = http(
        &address,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let dossier = include_str!("../../../examples/portail-demarches.toml");
    let assess = http(
        &address,
        &format!(
            "POST /api/v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/toml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{dossier}",
            dossier.len()
        ),
    );
    assert!(assess.starts_with("HTTP/1.1 200"), "{assess}");
    assert!(assess.contains("\"project\":\"Portail des démarches\""));

    // SIGTERM: a graceful stop, exit status 0.
    let (exit, stderr) = server.terminate();
    assert!(exit.success(), "{exit:?}: {stderr}");
    // It said where its database is, and created it in the working directory.
    assert!(stderr.contains("nuage.db"), "{stderr}");
    assert!(dir.join("nuage.db").is_file());
}

#[test]
fn serve_refuses_an_unknown_database_with_status_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            "mysql://u:secret@h/db",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unsupported database URL"), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");
}

#[test]
fn dev_mode_opens_a_local_session_with_a_banner() {
    let dir = std::env::temp_dir().join(format!("nuage-serve-dev-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server = Server::start(&dir, &["--dev"]);
    let address = server.address.clone();
    let token = server.dev_token();
    let banner = server.stderr.lock().unwrap().clone();
    assert!(banner.contains("MODE DÉVELOPPEMENT"), "{banner}");
    let me = http(
        &address,
        &format!(
            "GET /api/v1/me HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(me.starts_with("HTTP/1.1 200"), "{me}");
    assert!(me.contains("\"role\":\"ministry_controller\""), "{me}");
    // DNS rebinding: a request addressed to another name does not reach the dev session.
    let rebound = http(
        &address,
        &format!(
            "GET /api/v1/me HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status}: {stderr}");

    // A restart reuses the token instead of adding one.
    let again = Server::start(&dir, &["--dev"]);
    assert_eq!(again.dev_token(), token);
    // Serving (its signal handlers in place) before it is told to stop.
    let health = http(
        &again.address,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let (status, stderr) = again.terminate();
    assert!(status.success(), "{status}: {stderr}");
    let tokens = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["tokens", "list", "dev:local", "--json"])
        .env_remove("NUAGE_DATABASE_URL")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(tokens.status.success());
    let tokens: serde_json::Value = serde_json::from_slice(&tokens.stdout).unwrap();
    assert_eq!(tokens.as_array().unwrap().len(), 1, "{tokens}");
    // A token file that no longer matches (revoked, expired, another database): a new one.
    std::fs::write(dir.join("nuage.db.dev-token"), "nuage_not-a-token\n").unwrap();
    let third = Server::start(&dir, &["--dev"]);
    let fresh = third.dev_token();
    assert_ne!(fresh, token);
    let health = http(
        &third.address,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let (status, stderr) = third.terminate();
    assert!(status.success(), "{status}: {stderr}");
    let tokens = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["tokens", "list", "dev:local", "--json"])
        .env_remove("NUAGE_DATABASE_URL")
        .current_dir(&dir)
        .output()
        .unwrap();
    let tokens: serde_json::Value = serde_json::from_slice(&tokens.stdout).unwrap();
    let live: Vec<_> = tokens
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["state"] == "active")
        .collect();
    assert_eq!(live.len(), 1, "the older dev token is revoked: {tokens}");
}

#[test]
fn dev_mode_refuses_a_public_address() {
    let output = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["serve", "--dev", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}

#[test]
fn accounts_are_opened_from_the_command_line_and_oidc_needs_its_settings() {
    let dir = std::env::temp_dir().join(format!("nuage-users-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let nuage = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_nuage"))
            .args(args)
            .env_remove("NUAGE_DATABASE_URL")
            .env_remove("NUAGE_OIDC_ISSUER")
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let added = nuage(&[
        "users",
        "add",
        "--email",
        "Alice@Interieur.gouv.fr",
        "--name",
        "Alice",
        "--role",
        "ministry_controller",
        "--ministry",
        "Ministère de l'Intérieur",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(String::from_utf8_lossy(&added.stdout).contains("email:alice@interieur.gouv.fr"));
    assert!(dir.join("nuage.db").exists());
    let again = nuage(&[
        "users",
        "add",
        "--email",
        "alice@interieur.gouv.fr",
        "--name",
        "Alice",
        "--role",
        "ministry_controller",
        "--ministry",
        "Ministère de l'Intérieur",
    ]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "the same account twice is refused"
    );
    let bad_role = nuage(&[
        "users",
        "add",
        "--subject",
        "x",
        "--name",
        "X",
        "--role",
        "chef",
    ]);
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("--role"));
    let dinum_in_ministry = nuage(&[
        "users",
        "add",
        "--subject",
        "d",
        "--name",
        "D",
        "--role",
        "dinum",
        "--ministry",
        "M",
    ]);
    assert_eq!(dinum_in_ministry.status.code(), Some(2));

    let half = nuage(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--oidc-issuer",
        "http://127.0.0.1:9/",
    ]);
    assert_eq!(half.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&half.stderr);
    assert!(
        stderr.contains("--oidc-client-id") && stderr.contains("--public-url"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
