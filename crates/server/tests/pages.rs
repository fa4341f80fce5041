#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! The HTML pages without a browser (the browser tests are in crates/cli/tests/browser.rs):
//! CSRF, sessions, drafts and ministries kept apart, on SQLite and PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{World, call, create_body, registries, world};
use http_body_util::BodyExt;
use nuage_registry::Session;
use nuage_server::app;
use tower::ServiceExt;

struct Page {
    status: StatusCode,
    location: Option<String>,
    content_type: String,
    body: String,
}

async fn page(
    w: &World,
    method: &str,
    uri: &str,
    session: Option<&Session>,
    form: Option<&str>,
    origin: Option<&str>,
) -> Page {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "nuage.test");
    if let Some(s) = session {
        let lang = if s.user.subject == "carol-en" {
            "; nuage_lang=en"
        } else {
            ""
        };
        request = request.header(header::COOKIE, format!("nuage_session={}{lang}", s.secret));
    }
    if let Some(o) = origin {
        request = request.header(header::ORIGIN, o);
    }
    let request = match form {
        Some(f) => request
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(f.to_owned())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app(w.state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        location,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn session(w: &World, token: &str) -> Session {
    let user = w
        .state
        .registry
        .user_for_token(token)
        .await
        .unwrap()
        .unwrap();
    w.state.registry.open_session(&user, "test").await.unwrap()
}

#[tokio::test]
async fn pages_keep_forms_sessions_drafts_and_ministries_apart() {
    for registry in registries().await {
        let w = world(registry).await;
        let alice = session(&w, &w.alice).await;
        let mallory = session(&w, &w.mallory).await;
        let carol = session(&w, &w.carol).await;
        let bob = session(&w, &w.bob).await;

        let home = page(&w, "GET", "/", None, None, None).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.content_type.starts_with("text/html"));
        assert!(home.body.contains("id=\"commencer\""));
        let logged = page(&w, "GET", "/", Some(&alice), None, None).await;
        assert!(
            logged.body.contains(&format!("value=\"{}\"", alice.csrf)),
            "forms carry the session's token"
        );

        // CSRF: another site's form, a missing or wrong token.
        let foreign = page(
            &w,
            "POST",
            "/questionnaire",
            None,
            Some(""),
            Some("https://evil.example"),
        )
        .await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        // Behind a proxy that rewrites Host, the configured public address is this site.
        let proxied = nuage_server::app(
            w.state
                .clone()
                .with_public_url("https://nuage.example.gouv.fr/"),
        );
        let through_proxy = tower::ServiceExt::oneshot(
            proxied,
            Request::post("/questionnaire")
                .header(header::HOST, "backend:8080")
                .header(header::ORIGIN, "https://nuage.example.gouv.fr")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(through_proxy.status(), StatusCode::SEE_OTHER);
        let null_origin = page(&w, "POST", "/questionnaire", None, Some(""), Some("null")).await;
        assert_eq!(null_origin.status, StatusCode::FORBIDDEN);
        let no_token = page(
            &w,
            "POST",
            "/questionnaire",
            Some(&alice),
            Some(""),
            Some("http://nuage.test"),
        )
        .await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        let wrong = page(
            &w,
            "POST",
            "/questionnaire",
            Some(&alice),
            Some(&format!("_csrf={}", mallory.csrf)),
            None,
        )
        .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);

        // A draft belongs to whoever starts it logged in.
        let started = page(
            &w,
            "POST",
            "/questionnaire",
            Some(&alice),
            Some(&format!("_csrf={}", alice.csrf)),
            Some("http://nuage.test"),
        )
        .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER);
        let step = started.location.unwrap();
        assert!(step.ends_with("/entite"), "{step}");
        let answered = page(&w, "POST", &step, Some(&alice), Some(&format!("_csrf={}&project.name=Registre+des+aides&project.entity_kind=central_administration&_action=next", alice.csrf)), None).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        assert!(answered.location.unwrap().ends_with("/projet"));
        let again = page(&w, "GET", &step, Some(&alice), None, None).await;
        assert!(
            again.body.contains("value=\"Registre des aides\""),
            "answers are saved"
        );
        for intruder in [None, Some(&mallory)] {
            let seen = page(&w, "GET", &step, intruder, None, None).await;
            assert_eq!(seen.status, StatusCode::NOT_FOUND);
        }
        let bad = page(
            &w,
            "POST",
            &step.replace("entite", "projet"),
            Some(&alice),
            Some(&format!(
                "_csrf={}&project.full_cost_eur=beaucoup&_action=next",
                alice.csrf
            )),
            None,
        )
        .await;
        assert_eq!(bad.status, StatusCode::OK, "a bad answer stays on its step");
        assert!(bad.body.contains("fr-input-group--error") && bad.body.contains("beaucoup"));

        // Projects: the ministry's people see them, the other ministry gets 404.
        let (status, created) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(create_body(w.ministry_a, common::PORTAIL)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let id = created["id"].as_i64().unwrap();
        for (who, expected) in [
            (&alice, StatusCode::OK),
            (&carol, StatusCode::OK),
            (&mallory, StatusCode::NOT_FOUND),
            (&bob, StatusCode::NOT_FOUND),
        ] {
            for uri in [
                format!("/projets/{id}"),
                format!("/projets/{id}/etude-comparative"),
            ] {
                let seen = page(&w, "GET", &uri, Some(who), None, None).await;
                assert_eq!(seen.status, expected, "{} on {uri}", who.user.subject);
            }
        }
        // In English, the stored (French) assessment is shown assessed again in English.
        let mut english = carol.clone();
        english.user.subject = "carol-en".into();
        let en = page(
            &w,
            "GET",
            &format!("/projets/{id}"),
            Some(&english),
            None,
            None,
        )
        .await;
        assert!(
            en.body.contains("This is a new project"),
            "findings in English"
        );
        let fr = page(
            &w,
            "GET",
            &format!("/projets/{id}"),
            Some(&carol),
            None,
            None,
        )
        .await;
        assert!(
            !fr.body.contains("This is a new project"),
            "and in French by default"
        );
        let pdf = page(
            &w,
            "GET",
            &format!("/projets/{id}/etude-comparative.pdf"),
            Some(&carol),
            None,
            None,
        )
        .await;
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.body.starts_with("%PDF-1.4") && pdf.body.contains("Portail des d"));
        // The signature section: both signers, one after the other.
        let visas = pdf.body.find("Visas").expect("a Visas section");
        let manager = pdf
            .body
            .find("Chef de projet")
            .expect("the project manager signs");
        let directorate = pdf
            .body
            .find("Direction du num")
            .expect("the directorate signs");
        assert!(visas < manager && manager < directorate);
        let pdf = page(
            &w,
            "GET",
            &format!("/projets/{id}/etude-comparative.pdf"),
            Some(&bob),
            None,
            None,
        )
        .await;
        assert_eq!(pdf.status, StatusCode::NOT_FOUND);
        let anonymous = page(&w, "GET", &format!("/projets/{id}"), None, None, None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        let listed = page(&w, "GET", "/projets", Some(&bob), None, None).await;
        assert!(
            !listed.body.contains("Portail des démarches"),
            "another ministry's list does not show it"
        );
        let dashboard = page(&w, "GET", "/tableau-de-bord", Some(&carol), None, None).await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert!(dashboard.body.contains("<svg class=\"nuage-chart\""));
        let csv = page(
            &w,
            "GET",
            "/tableau-de-bord/projets.csv",
            Some(&bob),
            None,
            None,
        )
        .await;
        assert!(!csv.body.contains("Portail"), "{}", csv.body);

        // Logout ends the session.
        let out = page(
            &w,
            "POST",
            "/deconnexion",
            Some(&alice),
            Some(&format!("_csrf={}", alice.csrf)),
            None,
        )
        .await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(
            w.state
                .registry
                .session(&alice.secret)
                .await
                .unwrap()
                .is_none()
        );

        // Static files: ours, the DSFR's, nothing else.
        assert!(
            page(&w, "GET", "/static/nuage.js", None, None, None)
                .await
                .content_type
                .starts_with("text/javascript")
        );
        assert_eq!(
            page(&w, "GET", "/static/dsfr/../../Cargo.toml", None, None, None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // No development login on a server without --dev.
        let dev = page(
            &w,
            "POST",
            "/connexion/dev",
            None,
            Some("subject=dev:membre"),
            None,
        )
        .await;
        assert_eq!(dev.status, StatusCode::NOT_FOUND);
    }
}
