#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! Nothing acknowledged is lost: a burst of writes against a real `nuage serve`, a SIGKILL
//! in the middle, a restart, and every write that got its 201 must be there — on SQLite and
//! on PostgreSQL.

mod common;

use common::Server;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn start(dir: &std::path::Path, database: &str) -> (Server, String) {
    let server = Server::start(dir, &["--dev", "--database", database]);
    let token = server.dev_token();
    (server, token)
}

/// One HTTP/1.1 request; `None` when the connection fails (the server is gone).
fn request(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address)
        .map_err(|e| eprintln!("connect {address}: {e}"))
        .ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| eprintln!("read: {e}"))
        .ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

fn burst_kill_restart(database: &str) {
    let dir = std::env::temp_dir().join(format!(
        "nuage-durability-{}-{}",
        std::process::id(),
        database.len()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (server, token) = start(&dir, database);
    let (_, orgs) = request(&server.address, "GET", "/api/v1/organisations", &token, "").unwrap();
    let orgs: serde_json::Value = serde_json::from_str(&orgs).unwrap();
    let organisation = orgs[0]["id"].as_i64().unwrap();
    let dossier = include_str!("../../../examples/portail-demarches.toml");
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let deadline = Instant::now() + Duration::from_secs(10);
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let acknowledged = Arc::clone(&acknowledged);
            let address = server.address.clone();
            let token = token.clone();
            let body = serde_json::json!({
                "organisation_id": organisation,
                "dossier": {"format": "toml", "source": dossier},
                "obstacles": [format!("writer {w}")]
            })
            .to_string();
            std::thread::spawn(move || {
                // Bounded: stops when the server dies, or after 10 s at most.
                while Instant::now() < deadline {
                    match request(&address, "POST", "/api/v1/projects", &token, &body) {
                        Some((201, body)) => {
                            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                            acknowledged.lock().unwrap().push(v["id"].as_i64().unwrap());
                        }
                        Some((status, body)) => panic!("{status}: {body}"),
                        None => break,
                    }
                }
            })
        })
        .collect();
    // Let the burst run, then kill without warning.
    while acknowledged.lock().unwrap().len() < 40 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut child = server.child;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 40,
        "only {} writes before the kill",
        acknowledged.len()
    );

    let (server, token) = start(&dir, database);
    let mut stored = Vec::new();
    let mut after = String::new();
    loop {
        let (status, page) = request(
            &server.address,
            "GET",
            &format!("/api/v1/projects?limit=500{after}"),
            &token,
            "",
        )
        .unwrap();
        assert_eq!(status, 200, "{page}");
        let page: serde_json::Value = serde_json::from_str(&page).unwrap();
        stored.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap()),
        );
        match page["next"].as_i64() {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    for id in &acknowledged {
        assert!(
            stored.contains(id),
            "acknowledged project {id} lost after SIGKILL ({database})"
        );
    }
    // Every stored project is whole: its assessment is there too.
    let last = *acknowledged.iter().max().unwrap();
    let (status, history) = request(
        &server.address,
        "GET",
        &format!("/api/v1/projects/{last}/assessments"),
        &token,
        "",
    )
    .unwrap();
    assert_eq!(status, 200);
    assert!(history.contains("dossier_hash"));
    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status}: {stderr}");
}

#[test]
fn sigkill_during_a_burst_loses_no_acknowledged_write_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("nuage-durability-sqlite-{}", std::process::id()));
    // A directory left by an earlier run under the same process id is not this run's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    burst_kill_restart(&format!("sqlite://{}", dir.join("registry.db").display()));
}

#[test]
fn sigkill_during_a_burst_loses_no_acknowledged_write_on_postgres() {
    if let Some(cluster) = nuage_testpg::cluster() {
        burst_kill_restart(&cluster.create_database("durability").unwrap());
    }
}
