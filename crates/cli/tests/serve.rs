#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `nuage serve` as a user runs it: a real process on a loopback port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn http(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serve_creates_its_database_answers_and_stops_gracefully() {
    let dir = std::env::temp_dir().join(format!("nuage-serve-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("NUAGE_DATABASE_URL")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let address = line
        .trim()
        .strip_prefix("nuage serve: http://")
        .and_then(|r| r.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();

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
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["serve", "--dev", "--listen", "127.0.0.1:0"])
        .env_remove("NUAGE_DATABASE_URL")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let address = line
        .trim()
        .trim_start_matches("nuage serve: http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    let token = loop {
        let mut l = String::new();
        assert!(
            stderr.read_line(&mut l).unwrap() > 0,
            "no token in: {banner}"
        );
        banner.push_str(&l);
        if let Some(rest) = l.split("jeton d'API  : ").nth(1) {
            break rest.trim().to_owned();
        }
    };
    assert!(banner.contains("MODE DÉVELOPPEMENT"), "{banner}");
    let me = http(
        &address,
        &format!(
            "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(me.starts_with("HTTP/1.1 200"), "{me}");
    assert!(me.contains("\"role\":\"ministry_controller\""), "{me}");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
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
