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
        // The signature section: the project manager, then who decides at this cost (the
        // portal's full cost is between the two thresholds: the ministry's control).
        let visas = pdf.body.find("Visas").expect("a Visas section");
        let manager = pdf
            .body
            .find("Chef de projet")
            .expect("the project manager signs");
        let ministry = pdf
            .body
            .find("le du minist")
            .expect("the ministry's control signs (« Contrôle du ministère »)");
        assert!(visas < manager && manager < ministry, "{}", pdf.body);
        assert!(!pdf.body.contains("Direction du num"));
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

async fn current_version(w: &World, id: i64) -> i64 {
    let (_, p) = call(
        w,
        "GET",
        &format!("/api/v1/projects/{id}"),
        Some(&w.alice),
        None,
    )
    .await;
    p["current_version"].as_i64().unwrap()
}

/// The `action` of the questionnaire's form: `/questionnaire/DRAFT/STEP`.
fn draft_of(body: &str) -> String {
    let at = body
        .find("action=\"/questionnaire/")
        .expect("a questionnaire form")
        + 23;
    body[at..at + 32].to_owned()
}

#[tokio::test]
async fn a_draft_feeds_one_project_and_a_project_is_edited_into_a_new_version() {
    for registry in registries().await {
        let w = world(registry).await;
        let alice = session(&w, &w.alice).await;
        let bob = session(&w, &w.bob).await;
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
        let csrf = format!("_csrf={}", alice.csrf);
        let edit_uri = format!("/projets/{id}/modifier");
        let refused = page(
            &w,
            "POST",
            &edit_uri,
            Some(&bob),
            Some(&format!("_csrf={}", bob.csrf)),
            None,
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::NOT_FOUND,
            "another ministry cannot edit it"
        );
        let edit = page(&w, "POST", &edit_uri, Some(&alice), Some(&csrf), None).await;
        assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
        assert!(
            edit.body.contains("Vous modifiez le projet"),
            "{}",
            edit.body
        );
        let draft = draft_of(&edit.body);
        // Saved unchanged, twice: the same project, no new version.
        for _ in 0..2 {
            let saved = page(
                &w,
                "POST",
                &format!("/questionnaire/{draft}/enregistrer"),
                Some(&alice),
                Some(&csrf),
                None,
            )
            .await;
            assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
            assert_eq!(
                saved.location.as_deref(),
                Some(format!("/projets/{id}").as_str())
            );
        }
        // The first save adds the version the questionnaire writes (it does not carry every
        // field of the file); the second, the same dossier again, adds none.
        assert_eq!(
            current_version(&w, id).await,
            2,
            "the same dossier adds no version"
        );
        // Changed: a second version of the same project.
        let id_draft = nuage_registry::DraftId::parse(&draft).unwrap();
        let stored = w.state.registry.draft(&id_draft).await.unwrap();
        let mut answers: nuage_web::Answers = serde_json::from_str(&stored.answers).unwrap();
        answers.insert("project.full_cost_eur".into(), vec!["12000000".into()]);
        w.state
            .registry
            .save_draft(
                &id_draft,
                Some(&alice.user),
                &serde_json::to_string(&answers).unwrap(),
            )
            .await
            .unwrap();
        let verdict = page(
            &w,
            "GET",
            &format!("/questionnaire/{draft}/verdict"),
            Some(&alice),
            None,
            None,
        )
        .await;
        assert!(
            verdict.body.contains("Enregistrer la nouvelle version"),
            "{}",
            verdict.body
        );
        let saved = page(
            &w,
            "POST",
            &format!("/questionnaire/{draft}/enregistrer"),
            Some(&alice),
            Some(&csrf),
            None,
        )
        .await;
        assert_eq!(
            saved.location.as_deref(),
            Some(format!("/projets/{id}").as_str())
        );
        assert_eq!(current_version(&w, id).await, 3);
        let (_, list) = call(&w, "GET", "/api/v1/projects", Some(&w.alice), None).await;
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
        // The home page lists the draft with its date and state; it can be deleted.
        let home = page(&w, "GET", "/", Some(&alice), None, None).await;
        assert!(
            home.body.contains("Modifié le")
                && home
                    .body
                    .contains(&format!("lié au projet n° {id}, version 3")),
            "{}",
            home.body
        );
        let gone = page(
            &w,
            "POST",
            &format!("/questionnaire/{draft}/supprimer"),
            Some(&bob),
            Some(&format!("_csrf={}", bob.csrf)),
            None,
        )
        .await;
        assert_eq!(
            gone.status,
            StatusCode::NOT_FOUND,
            "only its owner deletes a draft"
        );
        let gone = page(
            &w,
            "POST",
            &format!("/questionnaire/{draft}/supprimer"),
            Some(&alice),
            Some(&csrf),
            None,
        )
        .await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        assert!(w.state.registry.draft(&id_draft).await.is_err());
        let (status, _) = call(
            &w,
            "GET",
            &format!("/api/v1/projects/{id}"),
            Some(&w.alice),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "the project stays");
    }
}

#[tokio::test]
async fn footer_pages_and_error_pages_are_html_in_the_pages_language() {
    let w = world(registries().await.into_iter().next().unwrap()).await;
    for uri in [
        "/accessibilite",
        "/mentions-legales",
        "/donnees-personnelles",
        "/contact",
        "/glossaire",
    ] {
        let p = page(&w, "GET", uri, None, None, None).await;
        assert_eq!(p.status, StatusCode::OK, "{uri}");
        assert!(
            p.body.contains("href=\"/accessibilite\"")
                && p.body.contains("Accessibilité : non conforme"),
            "{uri}: the footer"
        );
    }
    let statement = page(&w, "GET", "/accessibilite", None, None, None).await;
    assert!(
        statement.body.contains("<strong>non conforme</strong>")
            && statement.body.contains("aucun audit")
    );
    let glossary = page(&w, "GET", "/glossaire", None, None, None).await;
    assert!(
        glossary
            .body
            .contains("R9</strong> — données d&#39;une sensibilité particulière")
            || glossary
                .body
                .contains("R9</strong> — données d'une sensibilité particulière"),
        "{}",
        glossary.body
    );
    let get = |uri: &str, accept: &str, cookie: &str| {
        let request = Request::get(uri)
            .header(header::HOST, "nuage.test")
            .header(header::ACCEPT, accept)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        let app = app(w.state.clone());
        async move {
            let r = app.oneshot(request).await.unwrap();
            let status = r.status();
            let ct = r
                .headers()
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            let body = String::from_utf8_lossy(&r.into_body().collect().await.unwrap().to_bytes())
                .into_owned();
            (status, ct, body)
        }
    };
    let html = "text/html,application/xhtml+xml";
    let (status, ct, body) = get("/nulle-part", html, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        ct.starts_with("text/html")
            && body.contains("Page non trouvée")
            && body.contains("<html lang=\"fr\""),
        "{body}"
    );
    let (_, _, body) = get("/nulle-part", html, "nuage_lang=en").await;
    assert!(
        body.contains("Page not found") && body.contains("<html lang=\"en\""),
        "{body}"
    );
    let (status, ct, _) = get("/static/absent.css", html, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ct.starts_with("text/html"));
    // The API and machines keep their formats.
    let (status, ct, _) = get("/api/v1/nulle-part", html, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    let (_, ct, _) = get("/nulle-part", "*/*", "").await;
    assert!(!ct.starts_with("text/html"), "{ct}");
    // A body over the limit: 413 as a page.
    let big = "x".repeat(8 * 1024 * 1024);
    let request = Request::post("/questionnaire")
        .header(header::HOST, "nuage.test")
        .header(header::ACCEPT, html)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("_csrf={big}")))
        .unwrap();
    let r = app(w.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body =
        String::from_utf8_lossy(&r.into_body().collect().await.unwrap().to_bytes()).into_owned();
    assert!(body.contains("Envoi trop volumineux"), "{body}");
}
