//! `nuage serve`: the HTTP API over the engine and the registry.
//!
//! The router is built by [`app`] and tested without a socket; [`serve`] binds it and stops
//! gracefully (in-flight requests finish) on Ctrl-C or SIGTERM.

mod accounts;
mod blocking;
mod cache;
mod dashboard;
mod derogations;
pub mod dev;
pub mod limits;
mod metrics;
pub mod notifications;
pub mod oidc;
pub mod openapi;
mod pages;
mod problem;
mod projects;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use nuage_catalog::{Catalog, Date};
use nuage_doctrine::{Format, Lang, assess, read_dossier};
use nuage_registry::Registry;
use serde::Deserialize;

pub use axum::http::HeaderName;
pub use derogations::refresh_deadlines;
pub use limits::ServerLimits;
pub use metrics::Metrics;
pub use notifications::Mailer;
pub use problem::Problem;

/// The largest dossier accepted, in bytes (the CLI's default too). The largest real dossiers are
/// a few kilobytes.
pub const MAX_DOSSIER_BYTES: usize = nuage_limits::MAX_DOSSIER_BYTES as usize;

/// Gives today's date (in Paris) to the engine; injected so tests can fix the date.
pub type Clock = Arc<dyn Fn() -> Date + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub registry: Registry,
    pub today: Clock,
    pub metrics: Metrics,
    /// `nuage serve --dev`: demonstration accounts on the login page.
    pub dev: bool,
    pub questionnaire: Arc<nuage_web::Questionnaire>,
    /// OpenID Connect login, when configured.
    pub oidc: Option<Arc<oidc::Oidc>>,
    /// Cookies marked `Secure` (the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// The address users reach the server at (`--public-url`), when a proxy in front may
    /// rewrite `Host`: forms posted from this origin are this site's.
    pub public_origin: Option<String>,
    /// Recent stateless assessments (see `cache.rs`).
    pub assess_cache: cache::AssessCache,
    /// Timeouts and caps on what a client may hold (see `limits.rs`).
    pub limits: ServerLimits,
    /// Scans being read and stored now (each may weigh tens of megabytes once read).
    pub scan_uploads: Arc<tokio::sync::Semaphore>,
    /// Drafts started without logging in, per client and hour.
    pub anonymous_drafts: limits::ClientCounter,
    /// E-mails about derogations (`--smtp-url`), when configured.
    pub mailer: Option<Arc<notifications::Mailer>>,
    /// The registry's own key, which seals the evidence bundles it gives (`--signing-key`).
    pub signing_key: Option<Arc<nuage_evidence::SigningKey>>,
}

impl AppState {
    /// The state of a server, with the questionnaire compiled into the binary.
    pub fn new(
        catalog: Arc<Catalog>,
        registry: Registry,
        today: Clock,
        dev: bool,
    ) -> Result<Self, String> {
        let questionnaire = nuage_web::Questionnaire::embedded().map_err(|e| e.to_string())?;
        Ok(AppState {
            catalog,
            registry,
            today,
            metrics: Metrics::default(),
            dev,
            questionnaire: Arc::new(questionnaire),
            oidc: None,
            secure_cookies: false,
            public_origin: None,
            assess_cache: cache::AssessCache::default(),
            scan_uploads: Arc::new(tokio::sync::Semaphore::new(
                ServerLimits::default().concurrent_scan_uploads,
            )),
            limits: ServerLimits::default(),
            anonymous_drafts: limits::ClientCounter::default(),
            mailer: None,
            signing_key: None,
        })
    }

    /// Seals evidence bundles with `key`.
    pub fn with_signing_key(mut self, key: nuage_evidence::SigningKey) -> Self {
        self.signing_key = Some(Arc::new(key));
        self
    }

    /// Other timeouts and caps than the defaults.
    pub fn with_limits(mut self, limits: ServerLimits) -> Self {
        self.scan_uploads = Arc::new(tokio::sync::Semaphore::new(
            limits.concurrent_scan_uploads.max(1),
        ));
        self.limits = limits;
        self
    }

    /// The session cookie's name: under https, `__Host-` binds it to this exact origin (no
    /// `Domain`, `Path=/`, `Secure`), so a sibling site cannot set or overwrite it.
    pub(crate) fn session_cookie(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-nuage_session"
        } else {
            "nuage_session"
        }
    }

    /// Sends e-mails about derogations through `mailer`.
    pub fn with_mailer(mut self, mailer: notifications::Mailer) -> Self {
        self.mailer = Some(Arc::new(mailer));
        self
    }

    /// Adds OpenID Connect login; `secure_cookies` when the public address is HTTPS.
    pub fn with_oidc(mut self, oidc: oidc::Oidc, secure_cookies: bool) -> Self {
        self.oidc = Some(Arc::new(oidc));
        self.secure_cookies = secure_cookies;
        self
    }

    /// The address users reach the server at (`https://nuage.ministere.gouv.fr`).
    pub fn with_public_url(mut self, url: &str) -> Self {
        let url = url.trim_end_matches('/');
        // Scheme and authority only: that is what browsers put in `Origin`.
        let origin = match url.split_once("://") {
            Some((scheme, rest)) => {
                format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest))
            }
            None => url.to_owned(),
        };
        self.secure_cookies = origin.starts_with("https://");
        self.public_origin = Some(origin);
        self
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("catalog", &self.catalog.version())
            .field("registry", &self.registry)
            .finish_non_exhaustive()
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/assess", post(assess_stateless))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(openapi::reference_page))
        .layer(DefaultBodyLimit::max(MAX_DOSSIER_BYTES))
        // A JSON request carries a dossier of at most MAX_DOSSIER_BYTES plus its escaping.
        .merge(
            projects::routes()
                .merge(derogations::routes())
                .merge(dashboard::routes())
                .layer(DefaultBodyLimit::max(2 * MAX_DOSSIER_BYTES + 64 * 1024)),
        );
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::metrics))
        .nest("/api/v1", api)
        .merge(accounts::routes())
        .merge(
            pages::routes(state.clone())
                // The largest form is an imported dossier; the rest are far smaller.
                .layer(DefaultBodyLimit::max(MAX_DOSSIER_BYTES + 64 * 1024)),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::html_errors,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::observe,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), dev_host))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// Binds `listener` and serves until Ctrl-C or SIGTERM, letting in-flight requests finish,
/// under the state's timeouts and caps.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let limits = state.limits.clone();
    // The handlers are in place before the first connection is accepted: a SIGTERM that
    // arrives once the server answers always stops it gracefully, never by the default action.
    let shutdown = shutdown_signal()?;
    notifications::spawn_sweeps(&state);
    limits::accept_loop(listener, app(state), limits, shutdown).await
}

/// `--dev` opens sessions without login on a loopback address: a page of another site must
/// not reach it through a name that resolves to 127.0.0.1 (DNS rebinding). Only requests
/// addressed to a loopback name are served.
async fn dev_host(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    if state.dev {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| request.uri().authority().map(|a| a.as_str()))
            .unwrap_or_default();
        if !is_loopback_host(host) {
            return Problem::new(
                StatusCode::MISDIRECTED_REQUEST,
                "urn:nuage:problem:host",
                "Nom d'hôte refusé",
                format!(
                    "--dev answers only requests addressed to localhost, 127.0.0.1 or [::1], not `{}`",
                    host.chars().take(100).collect::<String>()
                ),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// `localhost`, `127.0.0.1`, `[::1]` (each with or without a port).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, port)) if port.is_empty() || port.starts_with(':') => inside,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Registers Ctrl-C and SIGTERM now; the future completes on the first of them.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    })
}

async fn security_headers(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if state.secure_cookies {
        // Reached over https: browsers keep to https for a year (no subdomains: a ministry's
        // other sites are not this server's to decide).
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        // Not `no-referrer`: browsers then send `Origin: null` on form posts, which the CSRF
        // check must refuse. `same-origin` keeps addresses inside the site.
        ("referrer-policy", "same-origin"),
        (
            "content-security-policy",
            // `data:` images: the DSFR's stylesheet draws its icons and logos as data URLs.
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
        ("cross-origin-opener-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "urn:nuage:problem:not-found",
        "Ressource introuvable",
        "no such endpoint".into(),
    )
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the database answers too.
async fn readyz(State(state): State<AppState>) -> Result<&'static str, Problem> {
    state
        .registry
        .ping()
        .await
        .map(|()| "ready\n")
        .map_err(|e| Problem::unavailable(e.to_string()))
}

#[derive(Debug, Deserialize)]
struct AssessQuery {
    lang: Option<String>,
}

/// The dossier's format, from the request's Content-Type.
fn format_of(headers: &HeaderMap) -> Result<Format, Problem> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/toml" | "text/toml" => Ok(Format::Toml),
        "application/json" => Ok(Format::Json),
        "application/yaml" | "application/x-yaml" | "text/yaml" => Ok(Format::Yaml),
        _ => Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "urn:nuage:problem:unsupported-media-type",
            "Format de dossier non pris en charge",
            format!(
                "Content-Type `{content_type}`: send the dossier as application/toml, application/json or application/yaml"
            ),
        )),
    }
}

/// `POST /api/v1/assess`: assesses a dossier without storing anything.
async fn assess_stateless(
    State(state): State<AppState>,
    query: Result<Query<AssessQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(|rejection| {
        Problem::new(
            rejection.status(),
            "urn:nuage:problem:body",
            "Corps de requête refusé",
            format!(
                "{} (a dossier may weigh at most {} KiB)",
                rejection.body_text(),
                MAX_DOSSIER_BYTES / 1024
            ),
        )
    })?;
    let Query(query) = query.map_err(|r| {
        let mut p = Problem::bad_request(r.body_text());
        p.field = Some("lang".into());
        p
    })?;
    let format = format_of(&headers)?;
    let lang = match query.lang.as_deref() {
        None => Lang::Fr,
        Some(l) => Lang::parse(l).ok_or_else(|| {
            let mut p = Problem::bad_request(format!("lang `{l}`: expected fr or en"));
            p.field = Some("lang".into());
            p
        })?,
    };
    let today = (state.today)();
    if let Some(json) = state.assess_cache.get(&body, format, lang, today) {
        return Ok((
            [(header::CONTENT_TYPE, "application/json")],
            axum::body::Bytes::from_owner(json),
        )
            .into_response());
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| Problem::bad_request("the dossier is not UTF-8 text"))?;
    let run = move |text: &str, catalog: &Catalog| -> Result<Vec<u8>, Problem> {
        let dossier =
            read_dossier(text, format, catalog).map_err(|e| Problem::invalid_dossier(&e))?;
        let on = dossier.assessment_date(today);
        let assessment = assess(&dossier, catalog, on, lang).map_err(|e| {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "urn:nuage:problem:invalid-dossier",
                "Dossier invalide",
                e.to_string(),
            );
            p.field = Some("assessed_on".into());
            p
        })?;
        let mut out = Vec::with_capacity(16 * 1024);
        nuage_report::to_json(&mut out, &assessment)
            .map_err(|e| Problem::internal(e.to_string()))?;
        Ok(out)
    };
    // Parsing and assessing run on the blocking pool, whatever the size: an I/O thread only
    // moves bytes (the readers' limits bound the work; this keeps it off the workers).
    let catalog = Arc::clone(&state.catalog);
    let text = text.to_owned();
    let json = blocking::run(move || run(&text, &catalog)).await??;
    let json: Arc<[u8]> = Arc::from(json);
    state
        .assess_cache
        .put(&body, format, lang, today, Arc::clone(&json));
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        axum::body::Bytes::from_owner(json),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_names_are_dev_hosts() {
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:1",
            "127.0.0.1",
            "[::1]:80",
            "[::1]",
            "LOCALHOST:3",
        ] {
            assert!(super::is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "",
            "[::1]x",
            "localhost:80x",
            "10.0.0.1:80",
        ] {
            assert!(!super::is_loopback_host(bad), "{bad}");
        }
    }
}
