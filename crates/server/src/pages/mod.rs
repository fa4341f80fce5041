//! The web pages: server-rendered HTML in the State design system (DSFR), French first.
//!
//! Every page works without JavaScript (forms post, the server answers with the next page);
//! `nuage.js` only saves questionnaire answers as they change and redraws the verdict. Pages
//! share the API's rules: the same functions decide who may read or change what.

// A page's error is the error page itself: a `Response`, built once, on a cold path.
#![allow(
    clippy::result_large_err,
    reason = "a page handler returns either its page or the error page as a Response; boxing it gains nothing"
)]

mod dashboard;
mod inbox;
mod labels;
mod login;
mod print;
mod projects;
mod questionnaire;
mod views;

use dashboard::{dashboard, export_csv};
use login::{dev_login, login_page, logout, oidc_begin, oidc_callback};
use projects::{
    confirm_deadline, derogation_page, events_of, latest_assessment, move_derogation, project_page,
    projects, request_derogation,
};
use questionnaire::{
    create_project, delete_draft, draft_verdict, edit_project, export_dossier, import, start,
    step_page, step_post,
};

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nuage_doctrine::Lang;
use nuage_registry::{Role, Session, User};
use nuage_web::Answers;
use serde::Deserialize;

use crate::projects::registry_problem;
use crate::{AppState, Problem};
use labels::label;

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
        .route(
            "/accessibilite",
            get(|s: State<AppState>, v: Viewer| legal(s, v, "accessibilite")),
        )
        .route(
            "/mentions-legales",
            get(|s: State<AppState>, v: Viewer| legal(s, v, "mentions-legales")),
        )
        .route(
            "/donnees-personnelles",
            get(|s: State<AppState>, v: Viewer| legal(s, v, "donnees-personnelles")),
        )
        .route("/glossaire", get(glossary))
        .route(
            "/contact",
            get(|s: State<AppState>, v: Viewer| legal(s, v, "contact")),
        )
        .route("/questionnaire", get(home).post(start))
        .route("/questionnaire/import", post(import))
        .route("/questionnaire/{id}/verdict", get(draft_verdict))
        .route("/questionnaire/{id}/dossier.toml", get(export_dossier))
        .route("/questionnaire/{id}/enregistrer", post(create_project))
        .route("/questionnaire/{id}/supprimer", post(delete_draft))
        .route("/projets/{id}/modifier", post(edit_project))
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
        .route("/projets/{id}/preuve.tar", get(projects::sealed_evidence))
        .route(
            "/derogations/{id}/demande.pdf",
            get(print::derogation_request_pdf),
        )
        .route("/derogations/{id}", get(derogation_page))
        .route("/derogations/{id}/transitions", post(move_derogation))
        .route("/derogations/{id}/echeance", post(confirm_deadline))
        .route(
            "/derogations/{id}/pieces",
            post(projects::upload_attachment).layer(axum::extract::DefaultBodyLimit::max(
                nuage_registry::ATTACHMENT_MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/derogations/{id}/pieces/{piece}",
            get(projects::download_attachment),
        )
        .route("/derogations/{id}/demande", get(print::derogation_request))
        .route("/a-traiter", get(inbox::inbox))
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
        let session = match cookies.get(state.session_cookie()) {
            None => None,
            Some(secret) => state.registry.session(secret).await.map_err(|e| {
                let p = Problem::unavailable(e.to_string());
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    format!("{}\n", p.detail),
                )
                    .into_response()
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
            asset_version: nuage_web::assets::ASSET_VERSION,
            path: self.path.clone(),
            title: title.into(),
            section,
            catalog_version: state.catalog.version().to_owned(),
            texts: nuage_doctrine::Editions::embedded()
                .map(|e| {
                    e.texts_applied_on((state.today)())
                        .iter()
                        .map(|d| d.short.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
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
            status: status.as_u16(),
            heading: heading.to_owned(),
            detail: detail.to_owned(),
            advice: None,
        };
        (status, html(&page)).into_response()
    }

    fn problem(&self, state: &AppState, p: Problem) -> Response {
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // The problem's title is French; an English page takes the status's words instead.
        let heading = match self.lang {
            Lang::Fr => p.title,
            Lang::En => StatusWords::of(status).heading(Lang::En),
        };
        self.error(state, status, heading, &p.detail_with_field())
    }

    /// The viewer behind a request's headers (session cookie, language cookie).
    async fn from_headers(state: &AppState, headers: &HeaderMap, path: &str) -> Viewer {
        let cookies = cookies(headers);
        let lang = cookies
            .get(LANG_COOKIE)
            .and_then(|l| Lang::parse(l))
            .unwrap_or(Lang::Fr);
        let session = match cookies.get(state.session_cookie()) {
            Some(secret) => state.registry.session(secret).await.ok().flatten(),
            None => None,
        };
        Viewer {
            session,
            lang,
            path: path.to_owned(),
        }
    }
}

/// What an error page says for a status when the handler gave only a bare text (a route that
/// does not exist, a body over the limit, a refused form…).
#[derive(Debug, Clone, Copy)]
enum StatusWords {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    TooLarge,
    Unprocessable,
    TooMany,
    Misdirected,
    Server,
    Unavailable,
    Other,
}

impl StatusWords {
    fn of(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => StatusWords::BadRequest,
            401 => StatusWords::Unauthorized,
            403 => StatusWords::Forbidden,
            404 | 410 => StatusWords::NotFound,
            405 => StatusWords::MethodNotAllowed,
            409 => StatusWords::Conflict,
            413 => StatusWords::TooLarge,
            415 | 422 => StatusWords::Unprocessable,
            421 => StatusWords::Misdirected,
            429 => StatusWords::TooMany,
            503 | 504 => StatusWords::Unavailable,
            500..=599 => StatusWords::Server,
            _ => StatusWords::Other,
        }
    }

    fn heading(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            StatusWords::BadRequest => ("Demande incorrecte", "Bad request"),
            StatusWords::Unauthorized => ("Connexion requise", "Login required"),
            StatusWords::Forbidden => ("Accès refusé", "Access refused"),
            StatusWords::NotFound => ("Page non trouvée", "Page not found"),
            StatusWords::MethodNotAllowed => ("Action impossible ici", "Action not possible here"),
            StatusWords::Conflict => ("Modification concurrente", "Conflicting change"),
            StatusWords::TooLarge => ("Envoi trop volumineux", "Upload too large"),
            StatusWords::Unprocessable => ("Contenu refusé", "Content refused"),
            StatusWords::TooMany => ("Trop de demandes", "Too many requests"),
            StatusWords::Misdirected => ("Adresse refusée", "Address refused"),
            StatusWords::Server => ("Erreur inattendue", "Unexpected error"),
            StatusWords::Unavailable => ("Service indisponible", "Service unavailable"),
            StatusWords::Other => ("Erreur", "Error"),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    fn detail(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            StatusWords::BadRequest => (
                "Le formulaire envoyé est incomplet ou mal formé.",
                "The form sent is incomplete or malformed.",
            ),
            StatusWords::Unauthorized => (
                "Connectez-vous pour voir cette page.",
                "Log in to see this page.",
            ),
            StatusWords::Forbidden => (
                "Vous n'avez pas accès à cette page, ou le formulaire venait d'un autre site.",
                "You do not have access to this page, or the form came from another site.",
            ),
            StatusWords::NotFound => (
                "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.",
                "The page you are looking for cannot be found. Sorry for the inconvenience.",
            ),
            StatusWords::MethodNotAllowed => (
                "Cette adresse ne reçoit pas ce type de demande.",
                "This address does not take this kind of request.",
            ),
            StatusWords::Conflict => (
                "Quelqu'un a modifié ce contenu pendant que vous le lisiez : rechargez la page.",
                "Someone changed this content while you were reading it: reload the page.",
            ),
            StatusWords::TooLarge => (
                "Le fichier ou le formulaire envoyé dépasse la taille acceptée (un dossier pèse au plus quelques mégaoctets).",
                "The file or form sent is larger than accepted (a dossier weighs a few megabytes at most).",
            ),
            StatusWords::Unprocessable => (
                "Le contenu envoyé n'a pas pu être lu.",
                "The content sent could not be read.",
            ),
            StatusWords::TooMany => (
                "Vous avez envoyé beaucoup de demandes en peu de temps : réessayez dans un moment.",
                "You sent many requests in a short time: try again in a moment.",
            ),
            StatusWords::Misdirected => (
                "Ce serveur ne répond pas à ce nom d'hôte.",
                "This server does not answer this host name.",
            ),
            StatusWords::Server => (
                "Le service a rencontré une erreur. Elle est enregistrée ; réessayez dans un instant.",
                "The service met an error. It is logged; try again in a moment.",
            ),
            StatusWords::Unavailable => (
                "Le service est momentanément indisponible ; réessayez dans un instant.",
                "The service is briefly unavailable; try again in a moment.",
            ),
            StatusWords::Other => ("La demande n'a pas abouti.", "The request did not succeed."),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// A browser that asked for a page and got an error without HTML (a route that does not
/// exist, a body over the limit, a refused form, an API-style problem) gets an error page in
/// its language instead. The API, health and metrics keep their own formats.
pub(crate) async fn html_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let wants_html = !path.starts_with("/api/")
        && !matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if !wants_html {
        return next.run(request).await;
    }
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return response;
    }
    let viewer = Viewer::from_headers(&state, &headers, &path).await;
    let words = StatusWords::of(status);
    let heading = words.heading(viewer.lang);
    let page = ErrorPage {
        chrome: viewer.chrome(&state, heading, ""),
        status: status.as_u16(),
        heading: heading.to_owned(),
        detail: words.detail(viewer.lang).to_owned(),
        advice: None,
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    let body = html(&page).into_body();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, body)
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
    /// Appended to static URLs (`?v=`) so that they can be cached for a year.
    pub asset_version: &'static str,
    pub path: String,
    pub title: String,
    pub section: &'static str,
    pub catalog_version: String,
    /// The texts applied today, by their short names (the edition in force and its legal basis).
    pub texts: String,
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
    fn only_paths_of_this_site_are_return_addresses() {
        for ok in ["/", "/projets/3", "/questionnaire/ab/entite?x=1", "/a%20b"] {
            assert!(super::is_local_path(ok), "{ok}");
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "/ /evil.example",
            "evil",
            "",
        ] {
            assert!(!super::is_local_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn moments_are_written_the_french_way() {
        use nuage_doctrine::Lang;
        assert_eq!(super::moment(Lang::Fr, 0), "1er janvier 1970 à 00:00 (UTC)");
        // 2026-12-02T19:30:00Z
        assert_eq!(
            super::moment(Lang::Fr, 1_796_239_800),
            "2 décembre 2026 à 19:30 (UTC)"
        );
        assert_eq!(
            super::moment(Lang::En, 1_709_210_096),
            "29 February 2024 at 12:34 (UTC)"
        );
    }

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
        Err(e) => {
            let p = Problem::internal(format!("template: {e}"));
            (StatusCode::INTERNAL_SERVER_ERROR, format!("{}\n", p.detail)).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    heading: String,
    detail: String,
    advice: Option<String>,
}

#[derive(Template)]
#[template(path = "legal.html")]
struct LegalPage {
    chrome: Chrome,
    page: &'static str,
}

#[derive(Template)]
#[template(path = "glossary.html")]
struct GlossaryPage {
    chrome: Chrome,
    /// (code, title) of every rule, from the doctrine.
    rules: Vec<(String, &'static str)>,
    /// (secret as the doctrine names it, examples of data).
    secrets: Vec<(&'static str, &'static str)>,
    /// (anchor, term, definition)
    terms: Vec<(&'static str, &'static str, &'static str)>,
}

async fn glossary(State(state): State<AppState>, viewer: Viewer) -> Response {
    use nuage_doctrine::Label;
    use nuage_doctrine::dossier::LegalSecret as S;
    let lang = viewer.lang;
    let secrets = S::ALL
        .iter()
        .map(|s| (s.label(lang), s.examples(lang)))
        .collect();
    let terms = nuage_doctrine::vocabulary::glossary(lang)
        .into_iter()
        .map(|t| (t.id, t.term, t.definition))
        .collect();
    html(&GlossaryPage {
        chrome: viewer.chrome(&state, viewer.t("Glossaire", "Glossary"), ""),
        rules: nuage_doctrine::vocabulary::RULES
            .iter()
            .map(|r| (r.as_str().to_owned(), r.title(lang)))
            .collect(),
        secrets,
        terms,
    })
}

/// The pages every State site links from its footer.
async fn legal(State(state): State<AppState>, viewer: Viewer, page: &'static str) -> Response {
    let title = match page {
        "accessibilite" => viewer.t("Déclaration d'accessibilité", "Accessibility statement"),
        "mentions-legales" => viewer.t("Mentions légales", "Legal notice"),
        "donnees-personnelles" => viewer.t("Données personnelles", "Personal data"),
        _ => viewer.t("Contact", "Contact"),
    };
    html(&LegalPage {
        chrome: viewer.chrome(&state, title, ""),
        page,
    })
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    drafts: Vec<DraftRow>,
    /// A draft was just deleted.
    deleted: bool,
}

/// A draft in the home page's list.
#[derive(Debug)]
struct DraftRow {
    id: String,
    name: String,
    /// When it last changed, as people write it.
    updated: String,
    /// « en cours », « enregistré : projet … (version N) ».
    state: String,
    /// The project it became or edits.
    project: Option<i64>,
}

/// A Unix time as « 2 décembre 2026 à 19:30 (UTC) ».
pub(crate) fn moment(lang: Lang, unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let date = match (i16::try_from(year), i8::try_from(month), i8::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => nuage_doctrine::Date::new(y, m, d),
        _ => None,
    };
    let time = format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60);
    match date {
        Some(d) => match lang {
            Lang::Fr => format!(
                "{} à {time} (UTC)",
                nuage_doctrine::vocabulary::long_date(lang, d)
            ),
            Lang::En => format!(
                "{} at {time} (UTC)",
                nuage_doctrine::vocabulary::long_date(lang, d)
            ),
        },
        None => unix.to_string(),
    }
}

#[derive(Debug, Deserialize)]
struct HomeQuery {
    brouillon: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HomeQuery>,
) -> Response {
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
                    let state_words = match d.project {
                        None => viewer
                            .t(
                                "en cours, pas encore enregistré",
                                "in progress, not saved yet",
                            )
                            .to_owned(),
                        Some((project, version)) => format!(
                            "{} {project}, {} {version}",
                            viewer.t("lié au projet n°", "linked to project no."),
                            viewer.t("version", "version"),
                        ),
                    };
                    drafts.push(DraftRow {
                        id: d.id.to_string(),
                        name,
                        updated: moment(viewer.lang, d.updated_at),
                        state: state_words,
                        project: d.project.map(|(p, _)| p.0),
                    });
                }
            }
            Err(e) => return viewer.problem(&state, registry_problem(e)),
        }
    }
    html(&HomePage {
        chrome: viewer.chrome(&state, viewer.t("Accueil", "Home"), "questionnaire"),
        drafts,
        deleted: query.brouillon.as_deref() == Some("supprime"),
    })
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
    let target = back
        .retour
        .filter(|r| is_local_path(r))
        .unwrap_or_else(|| "/".into());
    let mut response = Redirect::to(&target).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={code}; Path=/; SameSite=Lax; Max-Age=31536000"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// A path of this site and nothing else: `/` then printable ASCII without spaces or
/// backslashes, and never `//` at the start. Browsers drop tabs and line feeds from a
/// `Location` and read `\` as `/`, so `/\t/evil.example` would leave the site: those bytes
/// are refused anywhere in the path, not only at its start.
pub(crate) fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 2048
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// Static files: long-lived in caches (the pages name them with `?v=ASSET_VERSION`), gzipped
/// when the browser accepts it.
async fn static_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some((bytes, kind)) = nuage_web::assets::get(&path) else {
        return (StatusCode::NOT_FOUND, "no such file\n").into_response();
    };
    let accepts_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let cache = (header::CACHE_CONTROL, "public, max-age=31536000, immutable");
    let vary = (header::VARY, "accept-encoding");
    match nuage_web::assets::get_gzip(&path).filter(|_| accepts_gzip) {
        Some(gz) => (
            [
                (header::CONTENT_TYPE, kind),
                cache,
                vary,
                (header::CONTENT_ENCODING, "gzip"),
            ],
            gz,
        )
            .into_response(),
        None => ([(header::CONTENT_TYPE, kind), cache, vary], bytes).into_response(),
    }
}
