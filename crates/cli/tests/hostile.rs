//! The security review's attacks on the command line: crafted YAML, special files, oversized
//! inputs. Each runs the real binary with a deadline, so that a hang fails the test instead of
//! holding the suite.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nuage-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `nuage ARGS` in `dir`, feeding `stdin`; kills it and fails after 20 s.
fn nuage_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nuage {args:?} still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn nested_maps(n: usize) -> String {
    format!("{}1{}", "{a: ".repeat(n), "}".repeat(n))
}

fn alias_bomb() -> String {
    let mut text = format!("project: &a \"{}\"\nb:\n", "x".repeat(100_000));
    for _ in 0..20_000 {
        text.push_str("- *a\n");
    }
    text
}

#[test]
fn yaml_bombs_are_refused_with_their_position() {
    let dir = tempdir("bombs");
    std::fs::write(dir.join("deep.yaml"), nested_maps(64_000)).unwrap();
    std::fs::write(dir.join("aliases.yaml"), alias_bomb()).unwrap();
    let o = nuage_in(&dir, &["assess", "deep.yaml"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("deep.yaml:1:513: YAML nested deeper than 128 levels"),
        "{}",
        stderr(&o)
    );
    // The offending line is shown cut around the column, not whole.
    assert!(stderr(&o).len() < 2_000, "{} bytes", stderr(&o).len());
    let o = nuage_in(&dir, &["assess", "aliases.yaml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("aliases.yaml:13:3: YAML aliases would add more than 1 MiB"),
        "{}",
        stderr(&o)
    );
    let o = nuage_in(
        &dir,
        &["assess", "-", "--input-format", "yaml"],
        Some(nested_maps(64_000).as_bytes()),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nested deeper than 128 levels"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn assess_reads_only_regular_files() {
    let dir = tempdir("special");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.toml")).unwrap();
    mkfifo(&dir.join("pipe.yaml"));
    let o = nuage_in(&dir, &["assess", "zero.toml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("zero.toml: a character device, not a regular file: not opened"),
        "{}",
        stderr(&o)
    );
    let o = nuage_in(&dir, &["assess", "pipe.yaml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pipe.yaml: a FIFO (named pipe), not a regular file"));
    // In a directory, special files are reported too, the others assessed (--keep-going).
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/portail-demarches.toml");
    std::fs::copy(example, dir.join("ok.toml")).unwrap();
    let o = nuage_in(
        &dir,
        &["assess", ".", "--keep-going", "--format", "jsonl"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
    assert!(stderr(&o).contains("pipe.yaml: a FIFO"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("zero.toml: a character device"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn assess_has_a_size_limit_checked_while_reading() {
    let dir = tempdir("size");
    let big = format!("# {}\n", "x".repeat(2 * 1024 * 1024));
    std::fs::write(dir.join("big.toml"), &big).unwrap();
    let o = nuage_in(&dir, &["assess", "big.toml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("big.toml: larger than the 1 MiB limit for a dossier (--max-file-size)"),
        "{}",
        stderr(&o)
    );
    // Standard input has no metadata to trust: the limit holds while reading.
    let o = nuage_in(
        &dir,
        &["assess", "-", "--input-format", "toml"],
        Some(big.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("standard input is larger than the 1 MiB limit"),
        "{}",
        stderr(&o)
    );
    // Raised by the flag, the same file is read (and is then a dossier without a project).
    let o = nuage_in(&dir, &["assess", "big.toml", "--max-file-size", "3"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("limit"), "{}", stderr(&o));
}

#[test]
fn scan_skips_special_files_and_bombs_with_their_reason() {
    let dir = tempdir("scan");
    let tree = dir.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    mkfifo(&tree.join("main.tf"));
    std::os::unix::fs::symlink("/dev/zero", tree.join("zero.yaml")).unwrap();
    std::fs::write(
        tree.join("k8s.yaml"),
        format!(
            "apiVersion: v1\nkind: ConfigMap\ndata: {}{}\n",
            "[".repeat(64_000),
            "]".repeat(64_000)
        ),
    )
    .unwrap();
    std::fs::write(
        tree.join("aliases.yaml"),
        format!("apiVersion: v1\nkind: ConfigMap\n{}", alias_bomb()),
    )
    .unwrap();
    let o = nuage_in(&dir, &["scan", "tree", "--format", "json"], None);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let reason = |p: &str| {
        skipped
            .iter()
            .find(|(path, _)| path == p)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{p} not skipped: {skipped:?}"))
    };
    assert!(reason("main.tf").starts_with("a FIFO (named pipe), not a regular file"));
    assert!(reason("zero.yaml").starts_with("a character device, not a regular file"));
    assert!(reason("k8s.yaml").starts_with("YAML nested deeper than 128 levels"));
    assert!(reason("aliases.yaml").starts_with("YAML aliases would add more than 1 MiB"));
}

/// One request on a fresh connection: (status, body, time to the whole answer).
fn timed(address: &str, request: &[u8]) -> (u16, String, Duration) {
    let start = Instant::now();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    // An answer slower than this fails the test rather than holding it.
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut response = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut response).unwrap();
    let elapsed = start.elapsed();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body, elapsed)
}

fn post(address: &str, path: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn multipart(filename: &str, content: &str) -> (String, Vec<u8>) {
    let boundary = "nuage-boundary-7b1f";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"dossier\"; filename=\"{filename}\"\r\nContent-Type: application/yaml\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

#[test]
fn yaml_bombs_sent_to_the_server_are_answered_at_once_and_healthz_stays_fast() {
    let dir = tempdir("server");
    let server = common::Server::start(&dir, &[]);
    let address = server.address.clone();
    let deep = nested_maps(64_000);
    let aliases = alias_bomb();
    let mut attacks = Vec::new();
    for (name, text) in [("deep.yaml", &deep), ("aliases.yaml", &aliases)] {
        let (ct, body) = multipart(name, text);
        attacks.push((
            "import",
            post(&address, "/questionnaire/import", &ct, &body),
        ));
        attacks.push((
            "api",
            post(
                &address,
                "/api/v1/assess",
                "application/yaml",
                text.as_bytes(),
            ),
        ));
    }
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&done);
    let probe_address = address.clone();
    let probe = std::thread::spawn(move || {
        let healthz =
            format!("GET /healthz HTTP/1.1\r\nHost: {probe_address}\r\nConnection: close\r\n\r\n");
        let mut worst = Duration::ZERO;
        let mut n = 0;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) || n < 20 {
            let (status, _, t) = timed(&probe_address, healthz.as_bytes());
            assert_eq!(status, 200);
            worst = worst.max(t);
            n += 1;
            std::thread::sleep(Duration::from_millis(5));
        }
        (worst, n)
    });
    let handles: Vec<_> = attacks
        .into_iter()
        .map(|(what, request)| {
            let address = address.clone();
            std::thread::spawn(move || (what, timed(&address, &request)))
        })
        .collect();
    for h in handles {
        let (what, (status, body, elapsed)) = h.join().unwrap();
        assert_eq!(status, 422, "{what}: {body:.300}");
        assert!(
            body.contains("YAML nested deeper than 128 levels")
                || body.contains("YAML aliases would add more than 1 MiB"),
            "{what}: {body:.300}"
        );
        // A liveness bound, not a performance one: unbounded, the deep bomb alone takes tens
        // of seconds and the alias bomb gigabytes.
        assert!(
            elapsed < Duration::from_secs(5),
            "{what} answered in {elapsed:?}"
        );
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (worst, n) = probe.join().unwrap();
    // Parsed on an async worker, a bomb would hold /healthz for seconds; a loaded CI machine
    // still answers it well under one.
    assert!(
        worst < Duration::from_secs(1),
        "/healthz took up to {worst:?} over {n} probes"
    );
    let _ = server.terminate();
}
