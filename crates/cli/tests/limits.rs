#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! Caps a real `nuage serve` process keeps to (issue 14), on SQLite and on PostgreSQL: a
//! scan listing's memory does not grow with the scans stored, and slow clients do not hold
//! connections open.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Server, http};

fn nuage(dir: &Path, database: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(args)
        .env("NUAGE_DATABASE_URL", database)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The peak resident memory of a process, in KiB (Linux).
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
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

fn databases(dir: &Path) -> Vec<String> {
    let mut out = vec![format!("sqlite://{}", dir.join("nuage.db").display())];
    if let Some(cluster) = nuage_testpg::cluster() {
        out.push(cluster.create_database("limits").unwrap());
    }
    out
}

/// The review stored 7 scans of 60 MiB and one listing used 811 MB. Listing reads counts,
/// never inventories: eight listings at once leave the server's peak memory where the uploads
/// had put it.
#[test]
fn listing_scans_does_not_load_them() {
    let dir = std::env::temp_dir().join(format!("nuage-limits-scans-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for database in databases(&dir) {
        nuage(
            &dir,
            &database,
            &[
                "users",
                "add",
                "--subject",
                "ci",
                "--name",
                "CI",
                "--role",
                "ministry_controller",
                "--ministry",
                "Ministère M",
            ],
        );
        let token = nuage(&dir, &database, &["tokens", "issue", "ci", "--name", "ci"])
            .trim()
            .to_owned();
        let server = Server::start(&dir, &["--database", &database]);
        let address = server.address.clone();
        let me = request(&address, "GET", "/api/v1/organisations", &token, "");
        let organisation = me
            .split("\"id\":")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .unwrap()
            .to_owned();
        let dossier = include_str!("../../../examples/portail-demarches.toml");
        let created = request(
            &address,
            "POST",
            "/api/v1/projects",
            &token,
            &serde_json::json!({"organisation_id": organisation.parse::<i64>().unwrap(), "dossier": {"format": "toml", "source": dossier}}).to_string(),
        );
        assert!(created.starts_with("HTTP/1.1 201"), "{created}");
        let project = created
            .split("\"id\":")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .unwrap()
            .to_owned();
        // Three scans of about 20 MB each.
        let evidence = "x".repeat(10_000);
        let resources: Vec<serde_json::Value> = (0..2_000)
            .map(|i| serde_json::json!({"address": format!("outscale_vm.v{i}"), "type": "outscale_vm", "provider": "outscale",
                "offer": null, "region": null, "zones": [], "file": "main.tf", "line": i, "evidence": [evidence],
                "service": "compute", "portability": "portable", "source": "terraform"}))
            .collect();
        let scan = serde_json::json!({"resources": resources, "findings": []}).to_string();
        assert!(scan.len() > 19_000_000);
        let scans = format!("/api/v1/projects/{project}/scans");
        for _ in 0..3 {
            let stored = request(&address, "POST", &scans, &token, &scan);
            assert!(
                stored.starts_with("HTTP/1.1 201"),
                "{}",
                &stored[..stored.len().min(500)]
            );
        }
        drop(scan);
        let pid = server.child.id();
        let before = peak_kib(pid);
        let listings: Vec<_> = (0..8)
            .map(|_| {
                let address = address.clone();
                let token = token.clone();
                let scans = scans.clone();
                std::thread::spawn(move || {
                    for _ in 0..3 {
                        let listed = request(&address, "GET", &scans, &token, "");
                        assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
                        assert!(
                            listed.len() < 10_000,
                            "a listing weighs {} bytes",
                            listed.len()
                        );
                    }
                })
            })
            .collect();
        for l in listings {
            l.join().unwrap();
        }
        let after = peak_kib(pid);
        eprintln!("{database}: peak {before} KiB before the listings, {after} KiB after");
        assert!(
            after < before + 64 * 1024,
            "{database}: peak memory went from {before} KiB to {after} KiB while listing scans"
        );
        let (exit, stderr) = server.terminate();
        assert!(exit.success(), "{stderr}");
    }
}

/// 150 slow connections were held open 65 s: a client that sends its headers byte by byte,
/// or nothing at all, is cut off after the header timeout.
#[test]
fn slow_clients_are_cut_off() {
    let dir = std::env::temp_dir().join(format!("nuage-limits-slow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let server = Server::start(
        &dir,
        &[
            "--header-timeout",
            "2",
            "--read-timeout",
            "2",
            "--idle-timeout",
            "3",
        ],
    );
    let address = server.address.clone();
    let started = Instant::now();
    // Headers that never end, a body that never comes, a connection that says nothing.
    let mut slow_head = TcpStream::connect(&address).unwrap();
    slow_head
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut slow_body = TcpStream::connect(&address).unwrap();
    slow_body
        .write_all(
            format!(
                "POST /api/v1/assess HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/toml\r\nContent-Length: 1000\r\n\r\nx"
            )
            .as_bytes(),
        )
        .unwrap();
    let silent = TcpStream::connect(&address).unwrap();
    for (name, mut stream) in [("head", slow_head), ("body", slow_body), ("silent", silent)] {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut answer = Vec::new();
        // The server closes the connection (with or without an answer) well before 20 s.
        let _ = stream.read_to_end(&mut answer);
        let waited = started.elapsed();
        assert!(
            waited < Duration::from_secs(10),
            "{name}: still open after {waited:?}"
        );
        if name == "body" {
            let text = String::from_utf8_lossy(&answer);
            assert!(
                text.is_empty() || text.starts_with("HTTP/1.1 4"),
                "{name}: {text}"
            );
        }
    }
    // The server still answers.
    let health = http(
        &address,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status}: {stderr}");
}
