//! Load on loopback, bounded in time: `cargo run --release -p nuage-server --example load`.
//!
//! Starts the real application (SQLite in a temporary directory) on 127.0.0.1, then drives it
//! with keep-alive HTTP/1.1 connections: closed-loop throughput of `POST /api/v1/assess` next
//! to `GET /healthz` (the ratio is the figure), then an open-loop run at a fixed rate to read
//! the assess endpoint's p99.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use nuage_catalog::{Catalog, CatalogFiles, Date};
use nuage_registry::Registry;
use nuage_server::AppState;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const DOSSIER: &str = include_str!("../../../examples/portail-demarches.toml");

struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    async fn open(address: &str) -> Conn {
        let stream = TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            reader: BufReader::new(stream),
        }
    }

    /// Sends one request and reads the whole response; returns the status.
    async fn send(&mut self, request: &[u8]) -> u16 {
        self.reader.get_mut().write_all(request).await.unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).await.unwrap();
        let status: u16 = line.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await.unwrap();
        status
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// Closed loop: `connections` clients send back to back for `seconds`.
/// Each connection cycles through `requests` from its own offset.
async fn closed_loop(
    address: &str,
    requests: Arc<Vec<Vec<u8>>>,
    connections: usize,
    seconds: u64,
) -> (f64, Vec<Duration>) {
    let end = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let address = address.to_owned();
            let requests = Arc::clone(&requests);
            tokio::spawn(async move {
                let mut conn = Conn::open(&address).await;
                let mut latencies = Vec::new();
                let mut i = c * requests.len() / connections;
                while Instant::now() < end {
                    let started = Instant::now();
                    i = (i + 1) % requests.len();
                    assert_eq!(conn.send(&requests[i]).await, 200);
                    latencies.push(started.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    (all.len() as f64 / seconds as f64, all)
}

/// Open loop: one request every 1/rate seconds, spread over `connections`, for `seconds`.
async fn open_loop(
    address: &str,
    request: Arc<Vec<u8>>,
    rate: u64,
    connections: usize,
    seconds: u64,
) -> Vec<Duration> {
    let per_connection = Duration::from_secs_f64(connections as f64 / rate as f64);
    let end = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            let address = address.to_owned();
            let request = Arc::clone(&request);
            tokio::spawn(async move {
                let mut conn = Conn::open(&address).await;
                let mut latencies = Vec::new();
                let mut next =
                    Instant::now() + per_connection.mul_f64(i as f64 / connections as f64);
                while next < end {
                    tokio::time::sleep_until(next.into()).await;
                    // Latency counts from the scheduled time: a late server is not excused.
                    assert_eq!(conn.send(&request).await, 200);
                    latencies.push(next.elapsed());
                    next += per_connection;
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    all
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("NUAGE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("nuage-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = AppState::new(
        Arc::new(Catalog::from_files(&CatalogFiles::embedded()).unwrap()),
        Registry::open(&format!("sqlite://{}", dir.join("load.db").display()))
            .await
            .unwrap(),
        Arc::new(|| Date::new(2026, 11, 23).unwrap()),
        false,
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(nuage_server::serve(listener, state));

    let health = Arc::new(vec![b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()]);
    let post = |dossier: &str| {
        format!(
            "POST /api/v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n\r\n{dossier}",
            dossier.len()
        )
        .into_bytes()
    };
    let assess = Arc::new(vec![post(DOSSIER)]);
    // As many different dossiers (by their project's name) as the cache holds eight times over:
    // every request is assessed from scratch.
    let distinct = Arc::new(
        (0..4096)
            .map(|i| {
                post(&DOSSIER.replacen(
                    "Portail des démarches",
                    &format!("Portail des démarches {i:04}"),
                    1,
                ))
            })
            .collect::<Vec<_>>(),
    );
    let connections = 8;
    let (health_rps, h) = closed_loop(&address, health, connections, seconds).await;
    let (assess_rps, a) = closed_loop(&address, Arc::clone(&assess), connections, seconds).await;
    let (cold_rps, c) = closed_loop(&address, Arc::clone(&distinct), connections, seconds).await;
    println!("closed loop, {connections} connections, {seconds} s each:");
    println!(
        "  GET  /healthz        {health_rps:>9.0} req/s   p50 {:>7.3} ms   p99 {:>7.3} ms",
        percentile(&h, 0.5).as_secs_f64() * 1e3,
        percentile(&h, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "  POST /api/v1/assess  {assess_rps:>9.0} req/s   p50 {:>7.3} ms   p99 {:>7.3} ms",
        percentile(&a, 0.5).as_secs_f64() * 1e3,
        percentile(&a, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "  POST /api/v1/assess, every dossier different  {cold_rps:>9.0} req/s   p50 {:>7.3} ms   p99 {:>7.3} ms",
        percentile(&c, 0.5).as_secs_f64() * 1e3,
        percentile(&c, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "  assess / healthz throughput: {:.0} % with a repeated dossier, {:.0} % with every dossier different (target ≥ 50 %)",
        assess_rps / health_rps * 100.0,
        cold_rps / health_rps * 100.0
    );
    let fixed = open_loop(&address, Arc::new(assess[0].clone()), 1000, 16, seconds).await;
    println!(
        "open loop, POST /api/v1/assess at 1 000 req/s for {seconds} s: {} requests, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (target p99 < 10 ms)",
        fixed.len(),
        percentile(&fixed, 0.5).as_secs_f64() * 1e3,
        percentile(&fixed, 0.99).as_secs_f64() * 1e3,
        fixed.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
