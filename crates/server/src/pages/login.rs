//! Logging in and out: the development accounts, OpenID Connect, sessions' cookies.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nuage_registry::{Role, Session, User};
use serde::Deserialize;

use super::{Chrome, Viewer, cookies, html};
use crate::AppState;
use crate::projects::registry_problem;

#[derive(Template)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    chrome: Chrome,
    oidc: bool,
    /// (subject, label, html id)
    accounts: Vec<(String, String, String)>,
}

pub(super) async fn login_page(State(state): State<AppState>, viewer: Viewer) -> Response {
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
pub(super) struct DevLogin {
    subject: String,
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
}

pub(super) fn session_cookie(state: &AppState, session: &Session) -> HeaderValue {
    let max_age = session.expires_at - jiff_now();
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        state.session_cookie(),
        session.secret
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Logs `user` in: a new session, its cookie, and a redirect to where they work.
pub(super) async fn log_in(state: &AppState, viewer: &Viewer, user: &User, how: &str) -> Response {
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

/// The login-in-progress cookie (its path is `/connexion`, so `__Host-` cannot name it; under
/// https `__Secure-` still keeps a plain-http page from setting it).
pub(super) fn oidc_cookie(state: &AppState) -> &'static str {
    if state.secure_cookies {
        "__Secure-nuage_oidc"
    } else {
        "nuage_oidc"
    }
}

/// `GET /connexion/proconnect`: off to the identity provider, with this login's secrets in a
/// short-lived cookie (SameSite=Lax: it comes back with the provider's redirect).
pub(super) async fn oidc_begin(State(state): State<AppState>, viewer: Viewer) -> Response {
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
                "{}={}; Path=/connexion; HttpOnly; SameSite=Lax; Max-Age=600{secure}",
                oidc_cookie(&state),
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
pub(super) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /connexion/retour`: the provider's answer. The state must be this browser's, the
/// token must verify, and the person must be known to the registry (roles are given there,
/// not by the provider).
pub(super) async fn oidc_callback(
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
        .get(oidc_cookie(&state))
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
    // The account bound to this subject; or, the first time, the one opened with this
    // e-mail, if the provider vouches for it (`email_verified`): it is bound to this subject
    // then, and no other subject opens it after.
    let user = state
        .registry
        .user_for_login(&claims.sub, claims.email.as_deref(), claims.email_verified)
        .await;
    let user = match user {
        Ok(Some(u)) if u.is_disabled() => {
            return viewer.error(
                &state,
                StatusCode::FORBIDDEN,
                viewer.t("Compte désactivé", "Account disabled"),
                viewer.t(
                    "Votre compte Nuage est désactivé : la direction du numérique de votre ministère peut le réactiver.",
                    "Your Nuage account is disabled: your ministry's digital directorate can enable it again.",
                ),
            );
        }
        Ok(Some(u)) => u,
        Ok(None) => {
            let unverified = claims.email.is_some() && !claims.email_verified;
            let detail = format!(
                "{}{} (sub {}, {})",
                viewer.t("Votre identité est reconnue mais vous n'avez pas encore de compte dans Nuage : demandez à la direction du numérique de votre ministère de vous en ouvrir un", "Your identity is known but you have no Nuage account yet: ask your ministry's digital directorate to open one"),
                if unverified {
                    viewer.t(
                        ". Votre fournisseur d'identité ne certifie pas votre adresse électronique : un compte ouvert à cette adresse ne peut pas vous être attribué",
                        ". Your identity provider does not vouch for your e-mail address: an account opened for that address cannot be given to you",
                    )
                } else {
                    ""
                },
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
    if let Ok(clear) = HeaderValue::from_str(&format!(
        "{}=; Path=/connexion; HttpOnly; SameSite=Lax; Max-Age=0{}",
        oidc_cookie(&state),
        if state.secure_cookies { "; Secure" } else { "" }
    )) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

pub(super) fn jiff_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

pub(super) async fn dev_login(
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
        Ok(Some(u)) if u.is_disabled() => {
            return viewer.error(&state, StatusCode::FORBIDDEN, "403", "account disabled");
        }
        Ok(Some(u)) => u,
        Ok(None) => {
            return viewer.error(&state, StatusCode::NOT_FOUND, "404", "no such dev account");
        }
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    log_in(&state, &viewer, &user, "dev").await
}

#[derive(Debug, Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    pub(super) csrf: Option<String>,
}

pub(super) async fn logout(
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
    if let Ok(clear) = HeaderValue::from_str(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        state.session_cookie(),
        if state.secure_cookies { "; Secure" } else { "" }
    )) {
        response.headers_mut().insert(header::SET_COOKIE, clear);
    }
    response
}
