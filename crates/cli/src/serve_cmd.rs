//! `nuage serve`: the registry and its HTTP API.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use nuage_registry::Registry;
use nuage_server::AppState;

use crate::{Common, fail, today};

#[derive(Args, Debug)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// The registry's database: sqlite://PATH (default: nuage.db in the working directory)
    /// or postgres://USER:PASSWORD@HOST/DB. The environment variable NUAGE_DATABASE_URL
    /// keeps a password off the command line.
    #[arg(
        long,
        env = "NUAGE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// Open a local session for a first try: a demonstration ministry, a controller of it,
    /// and an API token printed on start. Only on a loopback address.
    #[arg(long)]
    dev: bool,
    /// Assess as if on this day (YYYY-MM-DD) instead of today in Paris: for training,
    /// demonstrations and tests. Stored assessments carry the date they used.
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// OpenID Connect provider for the pages' login, e.g. ProConnect's issuer. With it,
    /// --oidc-client-id, NUAGE_OIDC_CLIENT_SECRET and --public-url are required.
    #[arg(long, env = "NUAGE_OIDC_ISSUER", value_name = "URL")]
    oidc_issuer: Option<String>,
    /// The client id the provider gave this server.
    #[arg(long, env = "NUAGE_OIDC_CLIENT_ID", value_name = "ID")]
    oidc_client_id: Option<String>,
    /// The client secret (prefer the environment variable: it stays off the command line).
    #[arg(
        long,
        env = "NUAGE_OIDC_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    oidc_client_secret: Option<String>,
    /// The address users reach this server at (https://… in production): the login's
    /// callback is PUBLIC_URL/connexion/retour, and cookies are `Secure` under https.
    #[arg(long, env = "NUAGE_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Request logs on stderr: `text` for people, `json` (one object a line) for a log
    /// collector. NUAGE_LOG filters them (default `info`; `warn` silences requests).
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Seconds a request's line and headers may take to arrive (also how long a kept-alive
    /// connection waits for its next request).
    #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Seconds a request's body may take to arrive.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    read_timeout: u64,
    /// Seconds a connection may stay without a byte moving either way.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,
    /// Connections served at once (more wait to be accepted).
    #[arg(long, default_value_t = 1024, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=65536))]
    max_connections: u64,
    /// Drafts a client (an address) may start per hour without logging in.
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    anonymous_drafts_per_hour: u32,
    /// Drafts without an owner on the server, all clients together.
    #[arg(long, default_value_t = 10_000, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    max_anonymous_drafts: i64,
    /// Days after which a draft left untouched expires.
    #[arg(long, default_value_t = 30, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(1..=3650))]
    draft_days: i64,
    /// Scans kept per project: attaching one more removes the oldest.
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=10_000))]
    scans_per_project: i64,
    /// Behind a reverse proxy: the header it writes the client's address in (the last address
    /// of `X-Forwarded-For`, say). Only with a proxy that sets it: a client could write it.
    #[arg(long, value_name = "HEADER")]
    client_ip_header: Option<String>,
    /// SMTP relay for e-mails about derogations (an action waits for someone; a deadline in
    /// 90, 30 or 7 days): smtp://HOST:PORT, smtp://HOST:587?tls=required (STARTTLS) or
    /// smtps://HOST, with USER:PASSWORD@ if the relay asks. Without it, no e-mail is sent.
    #[arg(
        long,
        env = "NUAGE_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,
    /// The registry's Ed25519 key (PEM, PKCS#8) that seals the evidence bundles it gives
    /// (`GET /api/v1/assessments/{id}/evidence`). Created, readable by its owner only, if the
    /// file does not exist. Without it no evidence is sealed, except under --dev, where a key
    /// lives as long as the server.
    #[arg(long, env = "NUAGE_SIGNING_KEY", value_name = "FILE")]
    signing_key: Option<std::path::PathBuf>,
    /// The sender of those e-mails.
    #[arg(
        long,
        env = "NUAGE_SMTP_FROM",
        value_name = "ADDRESS",
        default_value = "Nuage <nuage@localhost>"
    )]
    smtp_from: String,
    #[command(flatten)]
    common: Common,
}

/// The registry's signing key: read from `path`, or created there if absent; under `--dev`
/// without a path, one for the server's life.
fn signing_key(
    path: Option<&std::path::Path>,
    dev: bool,
) -> Result<Option<nuage_evidence::SigningKey>, String> {
    let Some(path) = path else {
        if !dev {
            return Ok(None);
        }
        let key = nuage_evidence::SigningKey::generate().map_err(|e| e.to_string())?;
        eprintln!(
            "preuves scellées par une clé de la session --dev : {}",
            key.public_key().fingerprint()
        );
        return Ok(Some(key));
    };
    let key = if path.exists() {
        crate::evidence_cmd::signing_key(path)?
    } else {
        let key = nuage_evidence::SigningKey::generate().map_err(|e| e.to_string())?;
        crate::evidence_cmd::create_new(path, &key.to_pem(), true)?;
        eprintln!("clé de signature créée : {}", path.display());
        key
    };
    eprintln!(
        "preuves scellées par la clé {} ({})",
        key.public_key().fingerprint(),
        path.display()
    );
    Ok(Some(key))
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum LogFormat {
    Text,
    Json,
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("NUAGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // `try_init`: a second call (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub(crate) fn run(args: &ServeArgs) -> ExitCode {
    init_logs(args.log_format);
    let catalog = match args.common.load_catalog() {
        Ok(c) => Arc::new(c),
        Err(e) => return fail(&args.common, &e),
    };
    if args.dev && !args.listen.ip().is_loopback() {
        return fail(
            &args.common,
            &format!(
                "--dev opens a session without login: it listens only on a loopback address, not {}",
                args.listen
            ),
        );
    }
    let fixed_day = match args.today.as_deref().map(parse_day) {
        None => None,
        Some(Some(day)) => Some(day),
        Some(None) => {
            return fail(
                &args.common,
                &format!(
                    "--today `{}`: expected a date YYYY-MM-DD",
                    args.today.as_deref().unwrap_or_default()
                ),
            );
        }
    };
    let secure = args
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let oidc = match (
        &args.oidc_issuer,
        &args.oidc_client_id,
        &args.oidc_client_secret,
        &args.public_url,
    ) {
        (None, _, _, _) => None,
        (Some(issuer), Some(id), Some(secret), Some(public)) => {
            Some(nuage_server::oidc::OidcConfig {
                issuer: issuer.clone(),
                client_id: id.clone(),
                client_secret: secret.clone(),
                redirect_uri: format!("{}/connexion/retour", public.trim_end_matches('/')),
            })
        }
        (Some(_), id, secret, public) => {
            let missing: Vec<&str> = [
                (id.is_none(), "--oidc-client-id"),
                (secret.is_none(), "NUAGE_OIDC_CLIENT_SECRET"),
                (public.is_none(), "--public-url"),
            ]
            .into_iter()
            .filter_map(|(m, name)| m.then_some(name))
            .collect();
            return fail(
                &args.common,
                &format!("--oidc-issuer needs {} as well", missing.join(", ")),
            );
        }
    };
    let client_ip_header = match args
        .client_ip_header
        .as_deref()
        .map(str::parse::<nuage_server::HeaderName>)
    {
        None => None,
        Some(Ok(name)) => Some(name),
        Some(Err(_)) => {
            return fail(
                &args.common,
                &format!(
                    "--client-ip-header `{}`: not a header name",
                    args.client_ip_header.as_deref().unwrap_or_default()
                ),
            );
        }
    };
    let limits = nuage_server::ServerLimits {
        header_timeout: Duration::from_secs(args.header_timeout),
        read_timeout: Duration::from_secs(args.read_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        max_connections: usize::try_from(args.max_connections).unwrap_or(1024),
        anonymous_drafts_per_hour: args.anonymous_drafts_per_hour,
        client_ip_header,
        ..nuage_server::ServerLimits::default()
    };
    let stored_limits = nuage_registry::Limits {
        draft_days: args.draft_days,
        anonymous_drafts: args.max_anonymous_drafts,
        scans_per_project: args.scans_per_project,
        ..nuage_registry::Limits::default()
    };
    let database = database_url(args.database.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&args.common, &format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        let registry = match Registry::open(&database).await {
            Ok(r) => r.with_limits(stored_limits),
            Err(e) => return fail(&args.common, &format!("database: {e}")),
        };
        let listener = match tokio::net::TcpListener::bind(args.listen).await {
            Ok(l) => l,
            Err(e) => {
                return fail(
                    &args.common,
                    &format!("cannot listen on {}: {e}", args.listen),
                );
            }
        };
        let address = listener
            .local_addr()
            .map_or_else(|_| args.listen.to_string(), |a| a.to_string());
        // One line on stdout that scripts (and the tests) read to find the port.
        crate::print(&format!("nuage serve: http://{address}/\n"));
        eprintln!(
            "base de données : {} ({})\ncatalogue {} ; Ctrl-C pour arrêter",
            nuage_registry::redact(&database),
            registry.backend().as_str(),
            catalog.version(),
        );
        // A new binary may carry a catalog that now records an acceptable offer: a suggestion
        // for the people who decide, never a deadline by itself.
        match nuage_server::refresh_deadlines(&registry, &catalog).await {
            Ok(0) => {}
            Ok(n) => eprintln!(
                "{n} dérogation(s) : échéance suggérée d'après le catalogue {}, à confirmer",
                catalog.version()
            ),
            Err(e) => eprintln!("échéances suggérées des dérogations non mises à jour : {}", e.detail),
        }
        if args.dev {
            // The token is kept beside the database between starts (readable by its owner
            // only), so that a restart prints the same one instead of issuing another.
            let keep = dev_token_file(&database);
            let previous = std::fs::read_to_string(&keep).ok();
            match nuage_server::dev::bootstrap(&registry, previous.as_deref()).await {
                Ok(session) => {
                    if !session.reused
                        && let Err(e) = write_private(&keep, &session.token)
                    {
                        eprintln!("jeton de développement non conservé ({}) : {e}", keep.display());
                    }
                    let token = session.token;
                    eprintln!(
                        "\n  ┌─ MODE DÉVELOPPEMENT — session locale sans connexion, ne pas exposer ─┐\n  \
                         │ organisation : {}\n  \
                         │ jeton d'API  : {token}\n  \
                         │ essai        : curl -H 'Authorization: Bearer {token}' http://{address}/api/v1/me\n  \
                         └───────────────────────────────────────────────────────────────────────┘\n",
                        nuage_server::dev::DEV_MINISTRY
                    );
                }
                Err(e) => return fail(&args.common, &format!("--dev: {e}")),
            }
        }
        let clock: nuage_server::Clock = match fixed_day {
            Some(day) => Arc::new(move || day),
            None => Arc::new(today),
        };
        let mut state = match AppState::new(catalog, registry.clone(), clock, args.dev) {
            Ok(s) => s.with_limits(limits),
            Err(e) => return fail(&args.common, &e),
        };
        if let Some(url) = &args.public_url {
            state = state.with_public_url(url);
        }
        if let Some(url) = &args.smtp_url {
            match nuage_server::Mailer::new(url, &args.smtp_from) {
                Ok(mailer) => {
                    eprintln!("courriels des dérogations : {}", nuage_registry::redact(url));
                    state = state.with_mailer(mailer);
                }
                Err(e) => return fail(&args.common, &e),
            }
        }
        match signing_key(args.signing_key.as_deref(), args.dev) {
            Ok(Some(key)) => state = state.with_signing_key(key),
            Ok(None) => {}
            Err(e) => return fail(&args.common, &e),
        }
        if let Some(config) = oidc {
            let issuer = config.issuer.clone();
            match tokio::task::spawn_blocking(move || nuage_server::oidc::Oidc::discover(config)).await {
                Ok(Ok(client)) => {
                    eprintln!("connexion OpenID Connect : {issuer}");
                    state = state.with_oidc(client, secure);
                }
                Ok(Err(e)) => return fail(&args.common, &e.to_string()),
                Err(e) => return fail(&args.common, &e.to_string()),
            }
        }
        let served = nuage_server::serve(listener, state).await;
        registry.close().await;
        match served {
            Ok(()) => {
                eprintln!("arrêt propre : requêtes en cours terminées");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&args.common, &format!("server: {e}")),
        }
    })
}

/// Where `--dev` keeps its token: beside a SQLite database, or in the working directory.
fn dev_token_file(database: &str) -> std::path::PathBuf {
    match database
        .strip_prefix("sqlite://")
        .or_else(|| database.strip_prefix("sqlite:"))
    {
        Some(rest) => {
            let path = rest.split('?').next().unwrap_or(rest);
            std::path::PathBuf::from(format!("{path}.dev-token"))
        }
        None => std::path::PathBuf::from("nuage-dev-token"),
    }
}

/// Writes a secret to a file only its owner reads.
fn write_private(path: &std::path::Path, secret: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(secret.as_bytes())?;
    file.write_all(b"\n")
}

fn parse_day(text: &str) -> Option<nuage_catalog::Date> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    nuage_catalog::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The database a command works on: the one given, or `nuage.db` in the working directory.
pub(crate) fn database_url(given: Option<&str>) -> String {
    match given {
        Some(url) => url.to_owned(),
        None => {
            let path = std::env::current_dir()
                .map(|d| d.join("nuage.db"))
                .unwrap_or_else(|_| "nuage.db".into());
            format!("sqlite://{}", path.display())
        }
    }
}
