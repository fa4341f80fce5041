//! A throwaway PostgreSQL cluster for tests, so that every registry test runs on PostgreSQL
//! as well as SQLite without any setup by the developer.
//!
//! `NUAGE_TEST_POSTGRES_URL` points the tests at an existing server instead (the URL of a
//! database the tests may create databases from). Otherwise the first call runs `initdb` and
//! `pg_ctl` from the PATH or from Debian's `/usr/lib/postgresql/*/bin` into a temporary
//! directory, listening on a free loopback port with trust authentication, and a watchdog
//! stops it when the test process exits. Under `CI`, a missing PostgreSQL fails the tests;
//! on a developer's machine they are skipped with a message.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// What a test gets: the server's base URL (`postgres://user@127.0.0.1:port`), without a
/// database name.
#[derive(Debug, Clone)]
pub struct Cluster {
    base: String,
    admin_db: String,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

impl Cluster {
    /// The URL of the maintenance database, to create test databases from.
    pub fn admin_url(&self) -> String {
        format!("{}/{}", self.base, self.admin_db)
    }

    /// A fresh database name, unique in this process and across concurrent test binaries.
    pub fn fresh_database_name(&self, prefix: &str) -> String {
        format!(
            "{prefix}_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        )
    }

    pub fn url_of(&self, database: &str) -> String {
        format!("{}/{database}", self.base)
    }

    /// Creates an empty database for one test and returns its URL.
    pub fn create_database(&self, prefix: &str) -> Result<String, String> {
        let name = self.fresh_database_name(prefix);
        let psql = find_bin("psql").ok_or("psql not found")?;
        run(
            &psql,
            &[
                "-q",
                "-d",
                &self.admin_url(),
                "-c",
                &format!("CREATE DATABASE {name}"),
            ],
            false,
        )?;
        Ok(self.url_of(&name))
    }
}

/// The cluster, started on first use; `None` (with a message on stderr) when PostgreSQL is
/// not installed and the tests do not run under CI.
pub fn cluster() -> Option<&'static Cluster> {
    let result = CLUSTER.get_or_init(|| {
        if let Ok(url) = std::env::var("NUAGE_TEST_POSTGRES_URL") {
            return split_url(&url);
        }
        start()
    });
    match result {
        Ok(cluster) => Some(cluster),
        Err(message) => {
            if std::env::var_os("CI").is_some() {
                // Under CI a test that silently skips PostgreSQL would pass without testing it.
                eprintln!("PostgreSQL is required under CI: {message}");
                std::process::exit(101);
            }
            eprintln!("skipping the PostgreSQL half of this test: {message}");
            None
        }
    }
}

fn split_url(url: &str) -> Result<Cluster, String> {
    let rest_start = url
        .find("://")
        .map(|i| i + 3)
        .ok_or("bad NUAGE_TEST_POSTGRES_URL")?;
    let (base, db) = match url.get(rest_start..).and_then(|r| r.find('/')) {
        Some(slash) => {
            let cut = rest_start + slash;
            (
                url.get(..cut).unwrap_or(url),
                url.get(cut + 1..).unwrap_or("postgres"),
            )
        }
        None => (url, "postgres"),
    };
    Ok(Cluster {
        base: base.to_owned(),
        admin_db: if db.is_empty() {
            "postgres".into()
        } else {
            db.to_owned()
        },
    })
}

fn find_bin(name: &str) -> Option<PathBuf> {
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
        .filter(|p| p.is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.trim_ascii() == b"0")
        .unwrap_or(false)
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb refuses root).
fn run(tool: &Path, args: &[&str], as_postgres: bool) -> Result<(), String> {
    let mut command = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    };
    let output = command
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", tool.display()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {}: {}{}",
            tool.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn start() -> Result<Cluster, String> {
    let initdb = find_bin("initdb").ok_or("initdb not found (install Debian's `postgresql`)")?;
    let pg_ctl = find_bin("pg_ctl").ok_or("pg_ctl not found")?;
    let as_postgres = is_root();
    let dir = std::env::temp_dir().join(format!("nuage-testpg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if as_postgres {
        let status = Command::new("chown")
            .args(["postgres:", &dir.to_string_lossy()])
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("chown postgres {}", dir.display()));
        }
    }
    let data = dir.join("data");
    let data_arg = data.to_string_lossy().into_owned();
    run(
        &initdb,
        &[
            "-D",
            &data_arg,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        as_postgres,
    )?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let options = format!(
        "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=on -c max_connections=200",
        dir.display()
    );
    let log = dir.join("log").to_string_lossy().into_owned();
    run(
        &pg_ctl,
        &[
            "-D", &data_arg, "-o", &options, "-l", &log, "-w", "-t", "60", "start",
        ],
        as_postgres,
    )?;
    // Stop the cluster when this process ends, whichever way it ends.
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runas}{pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        runas = if as_postgres {
            "runuser -u postgres -- "
        } else {
            ""
        },
        pg_ctl = pg_ctl.display(),
        data = data_arg,
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("watchdog: {e}"))?;
    Ok(Cluster {
        base: format!("postgres://postgres@127.0.0.1:{port}"),
        admin_db: "postgres".into(),
    })
}
