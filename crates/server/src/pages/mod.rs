//! The web pages: server-rendered HTML in the State design system (DSFR), French first.
//!
//! Every page works without JavaScript (forms post, the server answers with the next page);
//! `nuage.js` only saves questionnaire answers as they change and redraws the verdict. Pages
//! share the API's rules: the same functions decide who may read or change what.

// A page's error is the error page itself: a `Response`, built once, on a cold path.
#![allow(clippy::result_large_err)]

mod labels;
mod print;
mod views;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Multipart, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nuage_doctrine::{Assessment, Format, Lang, read_dossier};
use nuage_registry::{
    Access, DraftId, OrganisationId, PageRequest, ProjectFilter, ProjectId, Role, Session,
    StoredDerogation, Transition, User,
};
use nuage_web::charts::{self, Bar};
use nuage_web::{Answers, Kind};
use serde::Deserialize;

use crate::derogations::{RequestDerogation, TransitionRequest};
use crate::projects::{DossierInput, readable, registry_problem};
use crate::{AppState, Problem};
use labels::{badge, label};
use views::VerdictView;

const SESSION_COOKIE: &str = "nuage_session";
const LANG_COOKIE: &str = "nuage_lang";

pub(crate) fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/connexion", get(login_page))
        .route("/connexion/dev", post(dev_login))
        .route("/connexion/proconnect", get(oidc_begin))
        .route("/connexion/retour", get(oidc_callback))
        .route("/deconnexion", post(logout))
        .route("/langue/{lang}", get(switch_lang))
        .route("/static/{*path}", get(static_file))
        .route("/questionnaire", get(home).post(start))
        .route("/questionnaire/import", post(import))
        .route("/questionnaire/{id}/verdict", get(draft_verdict))
        .route("/questionnaire/{id}/dossier.toml", get(export_dossier))
        .route("/questionnaire/{id}/enregistrer", post(create_project))
        .route("/questionnaire/{id}/{step}", get(step_page).post(step_post))
        .route("/projets", get(projects))
        .route("/projets/{id}", get(project_page))
        .route("/projets/{id}/derogations", post(request_derogation))
        .route(
            "/projets/{id}/etude-comparative",
            get(print::comparative_study),
        )
        .route(
            "/projets/{id}/etude-comparative.pdf",
            get(print::comparative_study_pdf),
        )
        .route(
            "/derogations/{id}/demande.pdf",
            get(print::derogation_request_pdf),
        )
        .route("/derogations/{id}", get(derogation_page))
        .route("/derogations/{id}/transitions", post(move_derogation))
        .route("/derogations/{id}/demande", get(print::derogation_request))
        .route("/tableau-de-bord", get(dashboard))
        .route("/tableau-de-bord/projets.csv", get(export_csv))
        .layer(middleware::from_fn_with_state(state, same_origin))
}

/// Refuses a form posted from another site (CSRF, with the per-session token below): the
/// browser says where a request comes from in `Origin` or `Sec-Fetch-Site`.
async fn same_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_ok = match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            None => true,
            Some(origin) => {
                let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
                host == Some(authority) || state.public_origin.as_deref() == Some(origin)
            }
        };
        let site_ok = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|site| matches!(site, "same-origin" | "none"));
        if !(origin_ok && site_ok) {
            return (
                StatusCode::FORBIDDEN,
                "form posted from another site: refused (CSRF protection)\n",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// Who is looking, in which language, at which path.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    session: Option<Session>,
    lang: Lang,
    path: String,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let cookies = cookies(&parts.headers);
        let lang = cookies
            .get(LANG_COOKIE)
            .and_then(|l| Lang::parse(l))
            .unwrap_or(Lang::Fr);
        let session = match cookies.get(SESSION_COOKIE) {
            None => None,
            Some(secret) => state.registry.session(secret).await.map_err(|e| {
                (StatusCode::SERVICE_UNAVAILABLE, format!("registry: {e}\n")).into_response()
            })?,
        };
        Ok(Viewer {
            session,
            lang,
            path: parts.uri.path().to_owned(),
        })
    }
}

fn cookies(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

impl Viewer {
    fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    fn chrome(&self, state: &AppState, title: impl Into<String>, section: &'static str) -> Chrome {
        Chrome {
            lang: self.lang,
            user: self
                .user()
                .map(|u| (u.display_name.clone(), label(self.lang, u.role.as_str()))),
            dashboard: self.user().is_some_and(|u| u.role != Role::ProjectMember),
            csrf: self
                .session
                .as_ref()
                .map(|s| s.csrf.clone())
                .unwrap_or_default(),
            dev: state.dev,
            dsfr: nuage_web::assets::dsfr_available(),
            dsfr_version: nuage_web::assets::DSFR_VERSION,
            path: self.path.clone(),
            title: title.into(),
            section,
            catalog_version: state.catalog.version().to_owned(),
        }
    }

    /// The logged-in user, or a page that says to log in.
    fn require(&self, state: &AppState) -> Result<&User, Response> {
        self.user().ok_or_else(|| {
            self.error(
                state,
                StatusCode::UNAUTHORIZED,
                self.t("Connexion requise", "Login required"),
                self.t(
                    "Connectez-vous pour voir cette page.",
                    "Log in to see this page.",
                ),
            )
        })
    }

    /// The logged-in user behind a form, once its CSRF token is checked.
    fn acting(&self, state: &AppState, token: Option<&str>) -> Result<User, Response> {
        let user = self.require(state)?.clone();
        self.check_csrf(state, token)?;
        Ok(user)
    }

    /// Checks the form's CSRF token against the session's (forms of a logged-in user).
    fn check_csrf(&self, state: &AppState, token: Option<&str>) -> Result<(), Response> {
        match &self.session {
            None => Ok(()),
            Some(s) if token == Some(s.csrf.as_str()) => Ok(()),
            Some(_) => Err(self.error(
                state,
                StatusCode::FORBIDDEN,
                self.t("Formulaire expiré", "Form expired"),
                self.t(
                    "Le jeton de sécurité du formulaire ne correspond pas à votre session : rechargez la page et recommencez.",
                    "The form's security token does not match your session: reload the page and try again.",
                ),
            )),
        }
    }

    fn t<'a>(&self, fr: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    fn error(&self, state: &AppState, status: StatusCode, heading: &str, detail: &str) -> Response {
        let page = ErrorPage {
            chrome: self.chrome(state, heading, ""),
            heading: heading.to_owned(),
            detail: detail.to_owned(),
        };
        (status, html(&page)).into_response()
    }

    fn problem(&self, state: &AppState, p: Problem) -> Response {
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let detail = match &p.field {
            Some(field) => format!("{} ({field})", p.detail),
            None => p.detail.clone(),
        };
        self.error(state, status, p.title, &detail)
    }
}

/// What every page's frame needs.
#[derive(Debug)]
pub(crate) struct Chrome {
    pub lang: Lang,
    pub user: Option<(String, String)>,
    pub dashboard: bool,
    pub csrf: String,
    pub dev: bool,
    pub dsfr: bool,
    pub dsfr_version: &'static str,
    pub path: String,
    pub title: String,
    pub section: &'static str,
    pub catalog_version: String,
}

impl Chrome {
    pub fn t<'a>(&self, fr: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub fn lang_code(&self) -> &'static str {
        match self.lang {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// Template filters.
mod filters {
    /// The engine writes field names and values between backticks (`breach_impacts = []`):
    /// shown as code. The text is escaped first, so this is safe to mark `|safe`.
    #[askama::filter_fn]
    pub(crate) fn code<T: std::fmt::Display>(
        text: T,
        _: &dyn askama::Values,
    ) -> askama::Result<String> {
        Ok(super::backticks_to_code(&text.to_string()))
    }
}

fn backticks_to_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut open = false;
    for c in text.chars() {
        match c {
            '`' => {
                out.push_str(if open { "</code>" } else { "<code>" });
                open = !open;
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</code>");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn backticks_become_code_and_the_rest_is_escaped() {
        assert_eq!(
            super::backticks_to_code("set `a = [\"<b>\"]` & <i>"),
            "set <code>a = [&quot;&lt;b&gt;&quot;]</code> &amp; &lt;i&gt;"
        );
        assert_eq!(super::backticks_to_code("odd `x"), "odd <code>x</code>");
    }
}

pub(crate) fn html<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(body) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("template: {e}\n"),
        )
            .into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    /// (draft id, project name)
    drafts: Vec<(String, String)>,
}

async fn home(State(state): State<AppState>, viewer: Viewer) -> Response {
    let mut drafts = Vec::new();
    if let Some(user) = viewer.user() {
        match state.registry.drafts_of(user).await {
            Ok(list) => {
                for d in list {
                    let answers: Answers = serde_json::from_str(&d.answers).unwrap_or_default();
                    let name = answers
                        .get("project.name")
                        .and_then(|v| v.first())
                        .cloned()
                        .unwrap_or_else(|| {
                            viewer.t("Projet sans nom", "Unnamed project").to_owned()
                        });
                    drafts.push((d.id.to_string(), name));
                }
            }
            Err(e) => return viewer.problem(&state, registry_problem(e)),
        }
    }
    html(&HomePage {
        chrome: viewer.chrome(&state, "Accueil", "questionnaire"),
        drafts,
    })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    oidc: bool,
    /// (subject, label, html id)
    accounts: Vec<(String, String, String)>,
}

async fn login_page(State(state): State<AppState>, viewer: Viewer) -> Response {
    let accounts = if state.dev {
        crate::dev::DEV_ACCOUNTS
            .iter()
            .map(|(subject, name, _, _)| {
                (
                    (*subject).to_owned(),
                    (*name).to_owned(),
                    format!("dev-{}", subject.trim_start_matches("dev:")),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    html(&LoginPage {
        chrome: viewer.chrome(&state, viewer.t("Se connecter", "Log in"), ""),
        oidc: state.oidc.is_some(),
        accounts,
    })
}

#[derive(Debug, Deserialize)]
struct DevLogin {
    subject: String,
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
}

fn session_cookie(state: &AppState, session: &Session) -> HeaderValue {
    let max_age = session.expires_at - jiff_now();
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        session.secret
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Logs `user` in: a new session, its cookie, and a redirect to where they work.
async fn log_in(state: &AppState, viewer: &Viewer, user: &User, how: &str) -> Response {
    if let Some(old) = &viewer.session {
        let _ = state.registry.close_session(&old.secret).await;
    }
    match state.registry.open_session(user, how).await {
        Ok(session) => {
            let target = if user.role == Role::ProjectMember {
                "/"
            } else {
                "/projets"
            };
            let mut response = Redirect::to(target).into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie(state, &session));
            response
        }
        Err(e) => viewer.problem(state, registry_problem(e)),
    }
}

const OIDC_COOKIE: &str = "nuage_oidc";

/// `GET /connexion/proconnect`: off to the identity provider, with this login's secrets in a
/// short-lived cookie (SameSite=Lax: it comes back with the provider's redirect).
async fn oidc_begin(State(state): State<AppState>, viewer: Viewer) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return viewer.error(
            &state,
            StatusCode::NOT_FOUND,
            "404",
            viewer.t(
                "Aucun fournisseur d'identité n'est configuré.",
                "No identity provider is configured.",
            ),
        );
    };
    match oidc.begin() {
        Ok((url, login)) => {
            let secure = if state.secure_cookies { "; Secure" } else { "" };
            let mut response = Redirect::to(&url).into_response();
            if let Ok(cookie) = HeaderValue::from_str(&format!(
                "{OIDC_COOKIE}={}; Path=/connexion; HttpOnly; SameSite=Lax; Max-Age=600{secure}",
                login.to_cookie()
            )) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(e) => viewer.error(
            &state,
            StatusCode::BAD_GATEWAY,
            viewer.t("Connexion impossible", "Login failed"),
            &e.to_string(),
        ),
    }
}

#[derive(Debug, Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /connexion/retour`: the provider's answer. The state must be this browser's, the
/// token must verify, and the person must be known to the registry (roles are given there,
/// not by the provider).
async fn oidc_callback(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return viewer.error(
            &state,
            StatusCode::NOT_FOUND,
            "404",
            viewer.t(
                "Aucun fournisseur d'identité n'est configuré.",
                "No identity provider is configured.",
            ),
        );
    };
    let refused = |detail: &str| {
        viewer.error(
            &state,
            StatusCode::BAD_REQUEST,
            viewer.t("Connexion refusée", "Login refused"),
            detail,
        )
    };
    if let Some(error) = callback.error {
        let detail = format!("{error} {}", callback.error_description.unwrap_or_default());
        return refused(detail.trim());
    }
    let login = cookies(&headers)
        .get(OIDC_COOKIE)
        .and_then(|c| crate::oidc::LoginState::from_cookie(c));
    let (Some(login), Some(code), Some(returned)) = (login, callback.code, callback.state) else {
        return refused(viewer.t(
            "Réponse du fournisseur incomplète, ou connexion commencée dans un autre navigateur.",
            "Incomplete answer from the provider, or login started in another browser.",
        ));
    };
    if returned != login.state {
        return refused(viewer.t(
            "Le paramètre state ne correspond pas à cette connexion.",
            "The state parameter does not match this login.",
        ));
    }
    let now = u64::try_from(jiff_now()).unwrap_or(0);
    let claims = match tokio::task::spawn_blocking(move || oidc.finish(&code, &login, now)).await {
        Ok(Ok(claims)) => claims,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "OpenID Connect login refused");
            return refused(&e.to_string());
        }
        Err(e) => {
            return viewer.error(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                "500",
                &e.to_string(),
            );
        }
    };
    let mut user = state.registry.user_by_subject(&claims.sub).await;
    if let (Ok(None), Some(email)) = (&user, &claims.email) {
        // Accounts an administrator created before the person's first login.
        user = state
            .registry
            .user_by_subject(&format!("email:{}", email.to_lowercase()))
            .await;
    }
    let user = match user {
        Ok(Some(u)) => u,
        Ok(None) => {
            let detail = format!(
                "{} (sub {}, {})",
                viewer.t("Votre identité est reconnue mais vous n'avez pas encore de compte dans Nuage : demandez à la direction du numérique de votre ministère de vous en ouvrir un", "Your identity is known but you have no Nuage account yet: ask your ministry's digital directorate to open one"),
                claims.sub,
                claims.email.unwrap_or_default()
            );
            return viewer.error(
                &state,
                StatusCode::FORBIDDEN,
                viewer.t("Compte inconnu", "Unknown account"),
                &detail,
            );
        }
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let mut response = log_in(&state, &viewer, &user, "oidc").await;
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("nuage_oidc=; Path=/connexion; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    response
}

fn jiff_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

async fn dev_login(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<DevLogin>,
) -> Response {
    if !state.dev {
        return viewer.error(
            &state,
            StatusCode::NOT_FOUND,
            "404",
            "no development session on this server",
        );
    }
    if let Err(r) = viewer.check_csrf(&state, form.csrf.as_deref()) {
        return r;
    }
    if !form.subject.starts_with("dev:") {
        return viewer.error(
            &state,
            StatusCode::BAD_REQUEST,
            "400",
            "subject: a dev: account",
        );
    }
    let user = match state.registry.user_by_subject(&form.subject).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return viewer.error(&state, StatusCode::NOT_FOUND, "404", "no such dev account");
        }
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    log_in(&state, &viewer, &user, "dev").await
}

#[derive(Debug, Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&state, form.csrf.as_deref()) {
        return r;
    }
    if let Some(session) = &viewer.session
        && let Err(e) = state.registry.close_session(&session.secret).await
    {
        return viewer.problem(&state, registry_problem(e));
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("nuage_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    response
}

#[derive(Debug, Deserialize)]
struct Back {
    retour: Option<String>,
}

async fn switch_lang(Path(lang): Path<String>, Query(back): Query<Back>) -> Response {
    let code = if Lang::parse(&lang) == Some(Lang::En) {
        "en"
    } else {
        "fr"
    };
    // Only a path of this site: no open redirect.
    let target = back
        .retour
        .filter(|r| r.starts_with('/') && !r.starts_with("//") && !r.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let mut response = Redirect::to(&target).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={code}; Path=/; SameSite=Lax; Max-Age=31536000"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn static_file(Path(path): Path<String>) -> Response {
    match nuage_web::assets::get(&path) {
        Some((bytes, kind)) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}

// ── The questionnaire ─────────────────────────────────────────────────────────────────────

/// A draft the viewer may open: anyone with its address while nobody owns it, then its owner.
async fn open_draft(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<(DraftId, Answers), Response> {
    let not_found = || {
        viewer.error(
            state,
            StatusCode::NOT_FOUND,
            viewer.t("Brouillon introuvable", "Draft not found"),
            viewer.t(
                "Ce brouillon n'existe pas ou n'est pas le vôtre.",
                "This draft does not exist or is not yours.",
            ),
        )
    };
    let id = DraftId::parse(id).ok_or_else(not_found)?;
    let draft = match state.registry.draft(&id).await {
        Ok(d) => d,
        Err(nuage_registry::Error::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(viewer.problem(state, registry_problem(e))),
    };
    if let Some(owner) = draft.user_id
        && viewer.user().map(|u| u.id) != Some(owner)
    {
        return Err(not_found());
    }
    let answers = serde_json::from_str(&draft.answers).unwrap_or_default();
    Ok((id, answers))
}

async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&state, form.csrf.as_deref()) {
        return r;
    }
    match state.registry.create_draft(viewer.user(), "{}").await {
        Ok(draft) => Redirect::to(&format!("/questionnaire/{}/entite", draft.id)).into_response(),
        Err(e) => viewer.problem(&state, registry_problem(e)),
    }
}

async fn import(State(state): State<AppState>, viewer: Viewer, mut form: Multipart) -> Response {
    let mut csrf = None;
    let mut file: Option<(String, String)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let filename = field.file_name().unwrap_or_default().to_owned();
                let Ok(text) = field.text().await else {
                    return viewer.error(
                        &state,
                        StatusCode::BAD_REQUEST,
                        viewer.t("Fichier illisible", "Unreadable file"),
                        viewer.t(
                            "Le dossier doit être un fichier texte UTF-8.",
                            "The dossier must be a UTF-8 text file.",
                        ),
                    );
                };
                match name.as_str() {
                    "_csrf" => csrf = Some(text),
                    "dossier" => file = Some((filename, text)),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => return viewer.error(&state, StatusCode::BAD_REQUEST, "400", &e.body_text()),
        }
    }
    if let Err(r) = viewer.check_csrf(&state, csrf.as_deref()) {
        return r;
    }
    let Some((filename, text)) = file.filter(|(_, t)| !t.trim().is_empty()) else {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Aucun fichier", "No file"),
            viewer.t(
                "Choisissez un fichier de dossier à importer.",
                "Choose a dossier file to import.",
            ),
        );
    };
    let format = filename
        .rsplit_once('.')
        .and_then(|(_, ext)| Format::from_extension(ext))
        .unwrap_or(Format::Toml);
    let dossier = match read_dossier(&text, format, &state.catalog) {
        Ok(d) => d,
        Err(e) => {
            let detail = format!("{filename}: {e}");
            return viewer.error(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                viewer.t("Dossier invalide", "Invalid dossier"),
                &detail,
            );
        }
    };
    let (answers, lost) = state.questionnaire.answers_from(&dossier, &state.catalog);
    let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    let draft = match state.registry.create_draft(viewer.user(), &json).await {
        Ok(d) => d,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let mut notices = vec![format!(
        "{} {filename}.",
        viewer.t("Dossier importé depuis", "Dossier imported from")
    )];
    if !lost.is_empty() {
        notices.push(format!(
            "{} {}",
            viewer.t(
                "Ces champs du fichier ne sont pas repris par le questionnaire (utilisez l'API ou la ligne de commande pour les garder) :",
                "These fields of the file are not carried by the questionnaire (use the API or the command line to keep them):"
            ),
            lost.join(", ")
        ));
    }
    render_step(
        &state,
        &viewer,
        &draft.id,
        "entite",
        &answers,
        Vec::new(),
        notices,
    )
}

#[derive(Debug)]
struct QuestionView {
    path: String,
    id: String,
    kind: &'static str,
    label: String,
    help: Option<String>,
    cite: Option<String>,
    value: String,
    /// (value, label, selected)
    options: Vec<(String, String, bool)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "questionnaire.html")]
struct StepPage {
    chrome: Chrome,
    draft: String,
    step: String,
    step_label: String,
    step_number: usize,
    step_count: usize,
    next_label: Option<String>,
    previous: Option<String>,
    steps: Vec<(String, String)>,
    questions: Vec<QuestionView>,
    asked_key: String,
    errors: Vec<(String, String)>,
    notices: Vec<String>,
    verdict: Option<VerdictView>,
    missing: Vec<String>,
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Choice => "choice",
        Kind::Multi => "multi",
        Kind::Bool => "bool",
        Kind::Tristate => "tristate",
        Kind::Money => "money",
        Kind::Percent => "percent",
        Kind::Date => "date",
        Kind::Number => "number",
        Kind::List => "list",
        Kind::Offer => "offer",
    }
}

fn render_step(
    state: &AppState,
    viewer: &Viewer,
    draft: &DraftId,
    step: &str,
    answers: &Answers,
    extra_errors: Vec<(String, String)>,
    notices: Vec<String>,
) -> Response {
    let q = &state.questionnaire;
    let Some(current) = q.step(step) else {
        return viewer.error(
            state,
            StatusCode::NOT_FOUND,
            "404",
            viewer.t("Étape inconnue.", "Unknown step."),
        );
    };
    let lang = viewer.lang;
    let evaluation = q.evaluate(answers, &state.catalog, (state.today)(), lang);
    let field_errors: BTreeMap<&str, &str> = evaluation
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    let questions: Vec<QuestionView> = q
        .questions()
        .iter()
        .filter(|x| x.step == step && evaluation.is_asked(&x.path))
        .map(|x| {
            let given = answers.get(&x.path).cloned().unwrap_or_default();
            let options = match x.kind {
                Kind::Tristate => vec![
                    ("yes".to_owned(), viewer.t("Oui", "Yes").to_owned()),
                    ("no".to_owned(), viewer.t("Non", "No").to_owned()),
                    (
                        String::new(),
                        viewer.t("Non documenté", "Not documented").to_owned(),
                    ),
                ],
                Kind::Offer => {
                    let mut o = vec![
                        (
                            String::new(),
                            viewer
                                .t(
                                    "— Aucun (pas cet environnement) —",
                                    "— None (no such environment) —",
                                )
                                .to_owned(),
                        ),
                        (
                            "own".to_owned(),
                            viewer
                                .t(
                                    "Serveurs de l'administration (hors catalogue)",
                                    "The administration's own servers (not in the catalog)",
                                )
                                .to_owned(),
                        ),
                    ];
                    o.extend(state.catalog.offers().iter().map(|offer| {
                        (
                            offer.id.clone(),
                            format!("{} — {}", offer.name, offer.provider),
                        )
                    }));
                    o
                }
                _ => x
                    .options
                    .iter()
                    .map(|c| (c.value.clone(), c.label(lang).to_owned()))
                    .collect(),
            };
            let options = options
                .into_iter()
                .map(|(value, text)| {
                    let selected = if value.is_empty() {
                        given.is_empty()
                    } else {
                        given.contains(&value)
                    };
                    (value, text, selected)
                })
                .collect();
            QuestionView {
                path: x.path.clone(),
                id: x.html_id(),
                kind: kind_name(x.kind),
                label: x.label(lang).to_owned(),
                help: x.help(lang).map(str::to_owned),
                cite: x.cite.clone(),
                value: given.join(", "),
                options,
                error: field_errors.get(x.path.as_str()).map(|m| (*m).to_owned()),
            }
        })
        .collect();
    let mut errors: Vec<(String, String)> = evaluation
        .errors
        .iter()
        .map(|e| {
            let label = q
                .question(&e.path)
                .map_or(e.path.as_str(), |x| x.label(lang));
            let anchor = q
                .question(&e.path)
                .map_or_else(|| "questionnaire".to_owned(), |x| x.html_id());
            (anchor, format!("{label} : {}", e.message))
        })
        .collect();
    errors.extend(extra_errors);
    let steps = q.steps();
    let at = steps.iter().position(|s| s.id == step).unwrap_or(0);
    let missing = evaluation
        .missing
        .iter()
        .map(|p| {
            q.question(p)
                .map_or(p.clone(), |x| x.label(lang).to_owned())
        })
        .collect();
    let asked_key = questions
        .iter()
        .map(|x| x.path.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let page = StepPage {
        chrome: viewer.chrome(
            state,
            format!(
                "{} — {}",
                viewer.t("Questionnaire", "Questionnaire"),
                current.label(lang)
            ),
            "questionnaire",
        ),
        draft: draft.to_string(),
        step: step.to_owned(),
        step_label: current.label(lang).to_owned(),
        step_number: at + 1,
        step_count: steps.len(),
        next_label: q.next_step(step).map(|s| s.label(lang).to_owned()),
        previous: at
            .checked_sub(1)
            .and_then(|i| steps.get(i))
            .map(|s| s.id.clone()),
        steps: steps
            .iter()
            .map(|s| (s.id.clone(), s.label(lang).to_owned()))
            .collect(),
        questions,
        asked_key,
        errors,
        notices,
        verdict: evaluation
            .assessment
            .as_ref()
            .map(|a| VerdictView::of(a, &state.catalog)),
        missing,
    };
    html(&page)
}

async fn step_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, step)): Path<(String, String)>,
) -> Response {
    let (draft, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    render_step(
        &state,
        &viewer,
        &draft,
        &step,
        &answers,
        Vec::new(),
        Vec::new(),
    )
}

async fn step_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, step)): Path<(String, String)>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let token = form
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    if let Err(r) = viewer.check_csrf(&state, token) {
        return r;
    }
    let (draft, mut answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let q = &state.questionnaire;
    if q.step(&step).is_none() {
        return viewer.error(
            &state,
            StatusCode::NOT_FOUND,
            "404",
            viewer.t("Étape inconnue.", "Unknown step."),
        );
    }
    let today = (state.today)();
    let before = q.evaluate(&answers, &state.catalog, today, viewer.lang);
    q.apply_form(&mut answers, &step, &before.asked, &form);
    let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    if let Err(e) = state
        .registry
        .save_draft(&draft, viewer.user(), &json)
        .await
    {
        return viewer.problem(&state, registry_problem(e));
    }
    let action = form
        .iter()
        .find(|(k, _)| k == "_action")
        .map_or("save", |(_, v)| v.as_str());
    if headers.contains_key("x-nuage-partial") || action != "next" {
        return render_step(
            &state,
            &viewer,
            &draft,
            &step,
            &answers,
            Vec::new(),
            Vec::new(),
        );
    }
    let after = q.evaluate(&answers, &state.catalog, today, viewer.lang);
    let in_step = |e: &nuage_web::Evaluation| -> Vec<String> {
        e.asked
            .iter()
            .filter(|p| q.question(p).is_some_and(|x| x.step == step))
            .cloned()
            .collect()
    };
    let step_errors = after
        .errors
        .iter()
        .any(|e| q.question(&e.path).is_some_and(|x| x.step == step));
    let appeared: Vec<String> = in_step(&after)
        .into_iter()
        .filter(|p| !before.asked.contains(p) && !answers.contains_key(p))
        .collect();
    if step_errors || !appeared.is_empty() {
        let notices = if appeared.is_empty() {
            Vec::new()
        } else {
            vec![
                viewer
                    .t(
                        "Vos réponses appellent de nouvelles questions dans cette étape.",
                        "Your answers call for new questions in this step.",
                    )
                    .to_owned(),
            ]
        };
        return render_step(
            &state,
            &viewer,
            &draft,
            &step,
            &answers,
            Vec::new(),
            notices,
        );
    }
    let target = match q.next_step(&step) {
        Some(next) => format!("/questionnaire/{draft}/{}", next.id),
        None => format!("/questionnaire/{draft}/verdict"),
    };
    Redirect::to(&target).into_response()
}

#[derive(Template)]
#[template(path = "draft_verdict.html")]
struct DraftVerdictPage {
    chrome: Chrome,
    draft: String,
    title: String,
    verdict: Option<VerdictView>,
    errors: Vec<String>,
    /// (id, name) of the organisations the viewer may create a project in.
    organisations: Vec<(String, String)>,
}

async fn draft_verdict(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let (draft, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let evaluation =
        state
            .questionnaire
            .evaluate(&answers, &state.catalog, (state.today)(), viewer.lang);
    let organisations = match viewer.user() {
        Some(user) if matches!(user.role, Role::ProjectMember | Role::MinistryController) => {
            match state.registry.organisations().await {
                Ok(all) => all
                    .into_iter()
                    .filter(|o| Some(o.ministry_id) == user.ministry_id)
                    .map(|o| (o.id.to_string(), o.name))
                    .collect(),
                Err(e) => return viewer.problem(&state, registry_problem(e)),
            }
        }
        _ => Vec::new(),
    };
    let title = answers
        .get("project.name")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_else(|| viewer.t("Projet sans nom", "Unnamed project").to_owned());
    let verdict = if evaluation.missing.is_empty() {
        evaluation
            .assessment
            .as_ref()
            .map(|a| VerdictView::of(a, &state.catalog))
    } else {
        None
    };
    let mut errors: Vec<String> = evaluation
        .errors
        .iter()
        .map(|e| format!("{} : {}", e.path, e.message))
        .collect();
    errors.extend(evaluation.missing.iter().map(|p| {
        let label = state
            .questionnaire
            .question(p)
            .map_or(p.as_str(), |x| x.label(viewer.lang));
        format!(
            "{} : {label}",
            viewer.t("réponse manquante", "missing answer")
        )
    }));
    html(&DraftVerdictPage {
        chrome: viewer.chrome(
            &state,
            format!("{} — {title}", viewer.t("Verdict", "Verdict")),
            "questionnaire",
        ),
        draft: draft.to_string(),
        title,
        verdict,
        errors,
        organisations,
    })
}

/// The draft's dossier as a TOML file, in the contract's format.
fn dossier_toml(state: &AppState, answers: &Answers) -> Result<String, String> {
    let dossier = state
        .questionnaire
        .dossier(answers, &state.catalog, false)
        .map_err(|errors| {
            errors
                .into_iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
    toml::to_string(&dossier).map_err(|e| e.to_string())
}

async fn export_dossier(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let (_, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match dossier_toml(&state, &answers) {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"dossier.toml\"",
                ),
            ],
            text,
        )
            .into_response(),
        Err(detail) => viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Dossier incomplet", "Incomplete dossier"),
            &detail,
        ),
    }
}

#[derive(Debug, Deserialize)]
struct CreateForm {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
    organisation_id: i64,
    #[serde(default)]
    obstacles: String,
}

fn list_of(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn create_project(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CreateForm>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (_, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let source = match dossier_toml(&state, &answers) {
        Ok(s) => s,
        Err(detail) => {
            return viewer.error(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                viewer.t("Dossier incomplet", "Incomplete dossier"),
                &detail,
            );
        }
    };
    let input = DossierInput {
        format: "toml".into(),
        source,
    };
    match crate::projects::create_project(
        &state,
        &user,
        OrganisationId(form.organisation_id),
        input,
        list_of(&form.obstacles),
    )
    .await
    {
        Ok((project, _)) => Redirect::to(&format!("/projets/{}", project.id)).into_response(),
        Err(p) => viewer.problem(&state, p),
    }
}

// ── Projects ──────────────────────────────────────────────────────────────────────────────

#[derive(Debug)]
struct ProjectRow {
    id: String,
    name: String,
    verdict: String,
    badge: &'static str,
    hosting: String,
    sensitivity: String,
    procedure: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    chrome: Chrome,
    rows: Vec<ProjectRow>,
    q: String,
    verdict: String,
    verdicts: Vec<(String, String, bool)>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ProjectsQuery {
    q: Option<String>,
    verdict: Option<String>,
    after: Option<i64>,
}

async fn projects(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ProjectsQuery>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let scope = match user.listing_scope() {
        Ok(s) => s,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let q = query.q.unwrap_or_default();
    let verdict = query.verdict.unwrap_or_default();
    let filter = ProjectFilter {
        ministry: scope,
        verdict: (!verdict.is_empty()).then(|| verdict.clone()),
        name_contains: (!q.is_empty()).then(|| q.clone()),
        member: (user.role == Role::ProjectMember).then_some(user.id),
        ..ProjectFilter::default()
    };
    let page = match state
        .registry
        .projects(
            &filter,
            PageRequest {
                after: query.after.map(ProjectId),
                limit: 100,
            },
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let lang = viewer.lang;
    let rows = page
        .items
        .iter()
        .map(|p| ProjectRow {
            id: p.id.to_string(),
            name: p.name.clone(),
            verdict: label(lang, &p.summary.verdict),
            badge: badge(&p.summary.verdict),
            hosting: label(lang, &p.summary.hosting_kind),
            sensitivity: label(lang, &p.summary.sensitivity),
            procedure: label(lang, &p.summary.procedure),
            version: p.current_version,
        })
        .collect();
    let verdicts = ["non_compliant", "to_verify", "compliant", "not_applicable"]
        .iter()
        .map(|v| ((*v).to_owned(), label(lang, v), *v == verdict))
        .collect();
    html(&ProjectsPage {
        chrome: viewer.chrome(&state, viewer.t("Projets", "Projects"), "projets"),
        rows,
        q,
        verdict,
        verdicts,
        next: page.next.map(|n| n.to_string()),
    })
}

/// The latest assessment of a project, as the engine's type.
async fn latest_assessment(
    state: &AppState,
    project: ProjectId,
) -> Result<Option<(Assessment, nuage_registry::StoredAssessment)>, Problem> {
    let stored = state
        .registry
        .assessments(project)
        .await
        .map_err(registry_problem)?
        .into_iter()
        .next();
    match stored {
        None => Ok(None),
        Some(s) => {
            let a: Assessment =
                serde_json::from_str(&s.body).map_err(|e| Problem::internal(e.to_string()))?;
            Ok(Some((a, s)))
        }
    }
}

/// The stored assessment in the reader's language: stored in French, it is assessed again in
/// English from the same dossier version and date (the engine is deterministic, so only the
/// words change). Falls back to the stored one if the dossier no longer reads.
async fn in_language(
    state: &AppState,
    project: ProjectId,
    stored: &Assessment,
    meta: &nuage_registry::StoredAssessment,
    lang: Lang,
) -> Assessment {
    if stored.lang == lang {
        return stored.clone();
    }
    let Ok(version) = state
        .registry
        .dossier_version(project, meta.dossier_version)
        .await
    else {
        return stored.clone();
    };
    Format::from_extension(&version.format)
        .and_then(|format| read_dossier(&version.source, format, &state.catalog).ok())
        .and_then(|dossier| {
            nuage_doctrine::assess(&dossier, &state.catalog, stored.assessed_on, lang).ok()
        })
        .unwrap_or_else(|| stored.clone())
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    chrome: Chrome,
    id: String,
    name: String,
    organisation: String,
    version: i64,
    verdict: Option<VerdictView>,
    /// (id, kind label, state label, badge, deadline)
    derogations: Vec<(String, String, String, &'static str, Option<String>)>,
    can_request: bool,
    open_kinds: Vec<(String, String)>,
    /// (when, what, who)
    history: Vec<(String, String, String)>,
    scan: Option<ScanView>,
}

#[derive(Debug)]
struct ScanView {
    when: String,
    who: String,
    /// address, type, provider, offer, region, zones, place, evidence
    resources: Vec<[String; 8]>,
    /// rule, status label, badge, message, place
    findings: Vec<(String, String, &'static str, String, String)>,
}

fn scan_view(
    lang: Lang,
    catalog: &nuage_catalog::Catalog,
    stored: &nuage_registry::StoredScan,
) -> Option<ScanView> {
    let scan = crate::projects::read_scan(stored.body.as_bytes()).ok()?;
    let resources = scan
        .resources
        .iter()
        .map(|r| {
            [
                r.address.clone(),
                r.kind.clone(),
                r.provider.clone(),
                r.offer.as_deref().map_or_else(
                    || "—".to_owned(),
                    |id| {
                        catalog
                            .offer(id)
                            .map_or_else(|| id.to_owned(), |o| o.name.clone())
                    },
                ),
                r.region.clone().unwrap_or_default(),
                r.zones.join(", "),
                format!("{}:{}", r.file, r.line),
                r.evidence.join(" ; "),
            ]
        })
        .collect();
    let field = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let findings = scan
        .findings
        .iter()
        .map(|f| {
            let status = field(f, "status");
            let place = match (
                f.get("file").and_then(|x| x.as_str()),
                f.get("line").and_then(serde_json::Value::as_u64),
            ) {
                (Some(file), Some(line)) => format!("{file}:{line}"),
                (Some(file), None) => file.to_owned(),
                _ => String::new(),
            };
            (
                field(f, "rule"),
                label(lang, &status),
                badge(&status),
                field(f, "message"),
                place,
            )
        })
        .collect();
    Some(ScanView {
        when: stored.created_at.clone(),
        who: stored.created_by.0.clone(),
        resources,
        findings,
    })
}

async fn project_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (project, access) = match readable(&state, user, ProjectId(id)).await {
        Ok(x) => x,
        Err(p) => return viewer.problem(&state, p),
    };
    let lang = viewer.lang;
    let latest = match latest_assessment(&state, project.id).await {
        Ok(l) => l,
        Err(p) => return viewer.problem(&state, p),
    };
    let derogations = match state.registry.derogations_of(project.id).await {
        Ok(d) => d,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let assessments = match state.registry.assessments(project.id).await {
        Ok(a) => a,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let organisation = state
        .registry
        .organisation(project.organisation_id)
        .await
        .map(|o| o.name)
        .unwrap_or_default();
    let scans = match state.registry.scans(project.id).await {
        Ok(s) => s,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let pending = |kind: &str| {
        derogations
            .iter()
            .any(|d| d.kind == kind && !matches!(d.state.as_str(), "refused" | "expired"))
    };
    let open_kinds = latest
        .as_ref()
        .map(|(a, _)| {
            a.derogations
                .iter()
                .filter(|d| d.available && !pending(d.kind.as_str()))
                .map(|d| (d.kind.as_str().to_owned(), label(lang, d.kind.as_str())))
                .collect()
        })
        .unwrap_or_default();
    let mut history: Vec<(String, String, String)> = assessments
        .iter()
        .map(|a| {
            (
                a.created_at.clone(),
                format!(
                    "{} {} ({}) — {}",
                    viewer.t("Évaluation de la version", "Assessment of version"),
                    a.dossier_version,
                    a.edition,
                    label(lang, &a.verdict)
                ),
                a.created_by.0.clone(),
            )
        })
        .collect();
    for s in &scans {
        history.push((
            s.created_at.clone(),
            format!(
                "{} ({} {})",
                viewer.t(
                    "Inventaire du code d'infrastructure",
                    "Infrastructure code inventory"
                ),
                s.resources,
                viewer.t("ressources", "resources")
            ),
            s.created_by.0.clone(),
        ));
    }
    for d in &derogations {
        for e in &d.events {
            history.push((
                e.at.clone(),
                format!(
                    "{} — {}",
                    label(lang, &d.kind),
                    label(lang, e.to_state.as_str())
                ),
                format!("{} ({})", e.actor.0, label(lang, e.role.as_str())),
            ));
        }
    }
    history.sort_by(|a, b| b.0.cmp(&a.0));
    html(&ProjectPage {
        chrome: viewer.chrome(&state, project.name.clone(), "projets"),
        id: project.id.to_string(),
        name: project.name.clone(),
        organisation,
        version: project.current_version,
        verdict: match &latest {
            None => None,
            Some((a, stored)) => Some(VerdictView::of(
                &in_language(&state, project.id, a, stored, lang).await,
                &state.catalog,
            )),
        },
        derogations: derogations
            .iter()
            .map(|d| {
                (
                    d.id.to_string(),
                    label(lang, &d.kind),
                    label(lang, d.state.as_str()),
                    badge(d.state.as_str()),
                    d.deadline.clone(),
                )
            })
            .collect(),
        can_request: access == Access::Write,
        open_kinds,
        history,
        scan: scans
            .first()
            .and_then(|s| scan_view(lang, &state.catalog, s)),
    })
}

#[derive(Debug, Deserialize)]
struct DerogationForm {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
    kind: String,
    justification: String,
    #[serde(default)]
    documents: String,
}

async fn request_derogation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<DerogationForm>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if form.justification.trim().is_empty() {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Justification manquante", "Missing justification"),
            viewer.t(
                "Une demande de dérogation se justifie.",
                "A derogation request needs a justification.",
            ),
        );
    }
    let request = RequestDerogation {
        kind: form.kind,
        justification: form.justification,
        documents: list_of(&form.documents),
    };
    let created =
        match crate::derogations::request_derogation(&state, &user, ProjectId(id), request).await {
            Ok(d) => d,
            Err(p) => return viewer.problem(&state, p),
        };
    // On the page, « request » means drafting and sending in one step.
    let submit = TransitionRequest {
        transition: Transition::Submit.as_str().into(),
        reason: None,
        documents: Vec::new(),
    };
    match crate::derogations::move_derogation(&state, &user, created.id.0, submit).await {
        Ok(d) => Redirect::to(&format!("/derogations/{}", d.id)).into_response(),
        Err(p) => viewer.problem(&state, p),
    }
}

#[derive(Template)]
#[template(path = "derogation.html")]
struct DerogationPage {
    chrome: Chrome,
    id: String,
    project_id: String,
    project: String,
    kind: String,
    state: String,
    state_code: String,
    badge: &'static str,
    deadline: Option<String>,
    deadline_source: Option<String>,
    justification: String,
    actions: Vec<(String, String)>,
    events: Vec<(String, String, String, String)>,
}

fn events_of(lang: Lang, d: &StoredDerogation) -> Vec<(String, String, String, String)> {
    d.events
        .iter()
        .map(|e| {
            let mut notes = e.reason.clone().unwrap_or_default();
            if !e.documents.is_empty() {
                if !notes.is_empty() {
                    notes.push_str(" — ");
                }
                notes.push_str(&e.documents.join(", "));
            }
            (
                e.at.clone(),
                label(lang, e.to_state.as_str()),
                format!("{} ({})", e.actor.0, label(lang, e.role.as_str())),
                notes,
            )
        })
        .collect()
}

async fn derogation_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (d, access) = match crate::derogations::readable_derogation(&state, user, id).await {
        Ok(x) => x,
        Err(p) => return viewer.problem(&state, p),
    };
    let project = state
        .registry
        .project(d.project_id)
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    let lang = viewer.lang;
    let actions = [
        Transition::Submit,
        Transition::ApproveForMinister,
        Transition::ValidateForPrimeMinister,
        Transition::Activate,
        Transition::Refuse,
    ]
    .into_iter()
    .filter(|t| t.next(d.state, user.role, access).is_ok())
    .map(|t| (t.as_str().to_owned(), label(lang, t.as_str())))
    .collect();
    html(&DerogationPage {
        chrome: viewer.chrome(&state, label(lang, &d.kind), "projets"),
        id: d.id.to_string(),
        project_id: d.project_id.to_string(),
        project,
        kind: label(lang, &d.kind),
        state: label(lang, d.state.as_str()),
        state_code: d.state.as_str().to_owned(),
        badge: badge(d.state.as_str()),
        deadline: d.deadline.clone(),
        deadline_source: d.deadline_source.clone(),
        justification: d.justification.clone(),
        actions,
        events: events_of(lang, &d),
    })
}

#[derive(Debug, Deserialize)]
struct TransitionForm {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
    transition: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    documents: String,
}

async fn move_derogation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<TransitionForm>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let request = TransitionRequest {
        transition: form.transition,
        reason: Some(form.reason).filter(|r| !r.trim().is_empty()),
        documents: list_of(&form.documents),
    };
    match crate::derogations::move_derogation(&state, &user, id, request).await {
        Ok(d) => Redirect::to(&format!("/derogations/{}", d.id)).into_response(),
        Err(p) => viewer.problem(&state, p),
    }
}

// ── Dashboard ─────────────────────────────────────────────────────────────────────────────

#[derive(Debug)]
struct ChartView {
    title: String,
    column: String,
    svg: String,
    rows: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    scope: String,
    ministries: Vec<(String, String, bool)>,
    projects: i64,
    compliance: String,
    expiring_30: i64,
    expiring_90: i64,
    overdue: i64,
    charts: Vec<ChartView>,
    selected: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DashboardQuery {
    ministere: Option<String>,
}

fn chart(title: String, column: String, rows: Vec<Bar>) -> ChartView {
    ChartView {
        svg: charts::bars(&title, &rows),
        title,
        column,
        rows,
    }
}

fn bars_of(lang: Lang, map: &BTreeMap<String, i64>) -> Vec<Bar> {
    map.iter()
        .map(|(k, v)| Bar::new(label(lang, k), u64::try_from(*v).unwrap_or(0)))
        .collect()
}

async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let asked = query
        .ministere
        .filter(|m| !m.is_empty())
        .and_then(|m| m.parse().ok())
        .map(OrganisationId);
    let d = match crate::dashboard::dashboard_for(&state, user, asked).await {
        Ok(d) => d,
        Err(p) => return viewer.problem(&state, p),
    };
    let lang = viewer.lang;
    let organisations = state.registry.organisations().await.unwrap_or_default();
    let name_of = |id: OrganisationId| {
        organisations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    };
    let scope = match d.ministry_id {
        Some(m) => name_of(m),
        None => viewer.t("tous les ministères", "all ministries").to_owned(),
    };
    let ministries = match user.listing_scope() {
        Ok(None) => organisations
            .iter()
            .filter(|o| o.id == o.ministry_id)
            .map(|o| {
                (
                    o.id.to_string(),
                    o.name.clone(),
                    Some(o.id) == d.ministry_id,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let count = viewer.t("Catégorie", "Category").to_owned();
    let adoption: Vec<Bar> = d
        .adoption
        .iter()
        .map(|p| Bar::new(p.period.clone(), u64::try_from(p.cloud).unwrap_or(0)))
        .collect();
    let adoption_title = viewer
        .t(
            "Adoption : projets hébergés dans le cloud, par mois d'enregistrement",
            "Adoption: cloud-hosted projects, by month registered",
        )
        .to_owned();
    let deadlines = vec![
        Bar::new(
            viewer.t("Échéance sous 30 jours", "Due within 30 days"),
            u64::try_from(d.derogations_expiring_30_days).unwrap_or(0),
        ),
        Bar::new(
            viewer.t("Échéance sous 90 jours", "Due within 90 days"),
            u64::try_from(d.derogations_expiring_90_days).unwrap_or(0),
        ),
        Bar::new(
            viewer.t("Échues", "Overdue"),
            u64::try_from(d.derogations_overdue).unwrap_or(0),
        ),
    ];
    let charts = vec![
        ChartView {
            svg: charts::timeline(&adoption_title, &adoption),
            title: adoption_title,
            column: viewer.t("Mois", "Month").to_owned(),
            rows: adoption,
        },
        chart(
            viewer.t("Modes d'hébergement", "Hosting kinds").to_owned(),
            count.clone(),
            bars_of(lang, &d.by_hosting_kind),
        ),
        chart(
            viewer
                .t("Sensibilité des données", "Data sensitivity")
                .to_owned(),
            count.clone(),
            bars_of(lang, &d.by_sensitivity),
        ),
        chart(
            viewer.t("Verdicts", "Verdicts").to_owned(),
            count.clone(),
            bars_of(lang, &d.by_verdict),
        ),
        chart(
            viewer
                .t("Procédures de contrôle", "Control procedures")
                .to_owned(),
            count.clone(),
            bars_of(lang, &d.by_procedure),
        ),
        chart(
            viewer
                .t("Dérogations par état", "Derogations by state")
                .to_owned(),
            count.clone(),
            bars_of(lang, &d.derogations_by_state),
        ),
        chart(
            viewer
                .t(
                    "Dérogations en vigueur par échéance",
                    "Active derogations by deadline",
                )
                .to_owned(),
            count.clone(),
            deadlines,
        ),
        chart(
            viewer
                .t(
                    "Obstacles signalés par les équipes (R3)",
                    "Obstacles teams report (R3)",
                )
                .to_owned(),
            viewer.t("Obstacle", "Obstacle").to_owned(),
            bars_of(lang, &d.obstacles),
        ),
    ];
    let compliance = d
        .compliance_per_mille
        .map_or_else(|| "—".to_owned(), |pm| format!("{},{} %", pm / 10, pm % 10));
    html(&DashboardPage {
        chrome: viewer.chrome(&state, viewer.t("Tableau de bord", "Dashboard"), "tableau"),
        scope,
        ministries,
        projects: d.projects,
        compliance,
        expiring_30: d.derogations_expiring_30_days,
        expiring_90: d.derogations_expiring_90_days,
        overdue: d.derogations_overdue,
        charts,
        selected: asked.map(|m| m.to_string()),
    })
}

async fn export_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let asked = query
        .ministere
        .filter(|m| !m.is_empty())
        .and_then(|m| m.parse().ok())
        .map(OrganisationId);
    match crate::dashboard::export_csv(&state, user, asked).await {
        Ok(csv) => crate::dashboard::csv_response(csv),
        Err(p) => viewer.problem(&state, p),
    }
}
