//! A real `nuage serve` process for the CLI tests: started on a free loopback port, its
//! address read from stdout, its stderr collected (and the `--dev` token picked from it).
#![allow(
    dead_code,
    reason = "shared by several test binaries, each using part of it"
)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub address: String,
    /// Everything the server wrote on stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `nuage serve --listen 127.0.0.1:0 ARGS…` in `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nuage"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("NUAGE_DATABASE_URL")
            .current_dir(dir)
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
        // Keep draining stderr: a closed pipe would make the server's next message fail.
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let mut pipe = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut l = String::new();
            while pipe.read_line(&mut l).map(|n| n > 0).unwrap_or(false) {
                sink.lock().unwrap().push_str(&l);
                l.clear();
            }
        });
        Server {
            child,
            address,
            stderr,
        }
    }

    /// The `--dev` session's token, from the banner.
    pub fn dev_token(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(token) = self.stderr.lock().unwrap().lines().find_map(|l| {
                l.split("jeton d'API  : ")
                    .nth(1)
                    .map(|t| t.trim().to_owned())
            }) {
                return token;
            }
            assert!(
                Instant::now() < deadline,
                "no token in: {}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(mut self) -> (ExitStatus, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let stderr = self.stderr.lock().unwrap().clone();
        (status, stderr)
    }
}

/// One HTTP/1.1 request with `Connection: close`; the whole response as text.
pub fn http(address: &str, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
