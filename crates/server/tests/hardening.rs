#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! The security review's attacks (issue 14), each a test that fails on the server before the
//! hardening: on SQLite and on PostgreSQL where a database is involved.

mod common;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use common::{call, create_body, registries, world};
use http_body_util::BodyExt;
use nuage_server::{ServerLimits, app};
use serde_json::json;
use tower::ServiceExt;

async fn send(state: &nuage_server::AppState, request: Request<Body>) -> (Response<()>, String) {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (
        Response::from_parts(parts, ()),
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// `/langue/en?retour=/%09/evil.example` redirected to `/\t/evil.example`, which a browser
/// reads as `//evil.example`.
#[tokio::test]
async fn the_language_switch_returns_only_to_a_path_of_this_site() {
    let w = world(registries().await.remove(0)).await;
    for (retour, expected) in [
        ("/%09/evil.example", "/"),
        ("/%0a/evil.example", "/"),
        ("/%0d/evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/projets?verdict=compliant", "/projets?verdict=compliant"),
    ] {
        let (response, _) = send(
            &w.state,
            Request::get(format!("/langue/en?retour={retour}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{retour}");
        assert_eq!(response.headers()[header::LOCATION], expected, "{retour}");
    }
}

/// Tokens through the API: issued with a scope and an expiry, listed without their secret,
/// revoked at once; a `read` token changes nothing.
#[tokio::test]
async fn tokens_are_issued_scoped_listed_and_revoked_through_the_api() {
    for registry in registries().await {
        let w = world(registry).await;
        let (status, issued) = call(
            &w,
            "POST",
            "/api/v1/tokens",
            Some(&w.alice),
            Some(json!({"name": "lecture seule", "scope": "read", "expires_in_days": 7})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{issued}");
        let read = issued["secret"].as_str().unwrap().to_owned();
        let read_id = issued["token"]["id"].as_i64().unwrap();
        assert_eq!(issued["token"]["scope"], "read");
        let (status, me) = call(&w, "GET", "/api/v1/me", Some(&read), None).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        let (status, refused) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&read),
            Some(create_body(w.ministry_a, common::PORTAIL)),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

        let (status, list) = call(&w, "GET", "/api/v1/tokens", Some(&w.alice), None).await;
        assert_eq!(status, StatusCode::OK);
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 2, "{list:?}");
        assert!(list.iter().all(|t| t.get("secret").is_none()));
        assert!(list.iter().any(|t| t["last_used_at"].is_string()));

        // Someone else's token is not theirs to revoke (nor to know of).
        let path = format!("/api/v1/tokens/{read_id}/revoke");
        let (status, _) = call(&w, "POST", &path, Some(&w.mallory), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, revoked) = call(&w, "POST", &path, Some(&w.alice), None).await;
        assert_eq!(status, StatusCode::OK, "{revoked}");
        assert_eq!(revoked["state"], "revoked");
        let (status, _) = call(&w, "GET", "/api/v1/me", Some(&read), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (status, problem) = call(
            &w,
            "POST",
            "/api/v1/tokens",
            Some(&w.alice),
            Some(json!({"name": "x", "expires_in_days": 400})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "expires_in_days");
    }
}

/// Accounts through the API: a ministry's controller administers its ministry's accounts,
/// DINUM every account; a disabled account's tokens stop working at once.
#[tokio::test]
async fn administrators_disable_enable_and_change_roles_through_the_api() {
    for registry in registries().await {
        let w = world(registry).await;
        let (_, alice) = call(&w, "GET", "/api/v1/me", Some(&w.alice), None).await;
        let alice_id = alice["id"].as_i64().unwrap();
        let (_, mallory) = call(&w, "GET", "/api/v1/me", Some(&w.mallory), None).await;
        let mallory_id = mallory["id"].as_i64().unwrap();

        let (status, _) = call(&w, "GET", "/api/v1/users", Some(&w.alice), None).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a member administers nothing"
        );
        let (status, users) = call(&w, "GET", "/api/v1/users", Some(&w.carol), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            users
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["ministry_id"] == w.ministry_a),
            "{users}"
        );

        // Another ministry's account is not found, let alone disabled.
        let (status, _) = call(
            &w,
            "POST",
            &format!("/api/v1/users/{mallory_id}/disable"),
            Some(&w.carol),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (status, off) = call(
            &w,
            "POST",
            &format!("/api/v1/users/{alice_id}/disable"),
            Some(&w.carol),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{off}");
        assert!(off["disabled_at"].is_string());
        let (status, _) = call(&w, "GET", "/api/v1/me", Some(&w.alice), None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "a disabled account's token"
        );
        let (status, _) = call(
            &w,
            "POST",
            &format!("/api/v1/users/{alice_id}/enable"),
            Some(&w.dinum),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call(&w, "GET", "/api/v1/me", Some(&w.alice), None).await;
        assert_eq!(status, StatusCode::OK);

        let role = format!("/api/v1/users/{alice_id}/role");
        let (status, problem) = call(
            &w,
            "PUT",
            &role,
            Some(&w.carol),
            Some(json!({"role": "superuser", "ministry_id": w.ministry_a})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("role"));
        let (status, _) = call(
            &w,
            "PUT",
            &role,
            Some(&w.carol),
            Some(json!({"role": "dinum"})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a controller does not make DINUM"
        );
        let (status, changed) = call(
            &w,
            "PUT",
            &role,
            Some(&w.carol),
            Some(json!({"role": "auditor", "ministry_id": w.ministry_a})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["role"], "auditor");
        let log = w
            .state
            .registry
            .audit_log("user", &alice_id.to_string())
            .await
            .unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.ends_with(&["user.disable", "user.enable", "user.role"]),
            "{actions:?}"
        );
    }
}

/// A 500 said what failed inside (`database error: …`); now it gives a reference only.
#[tokio::test]
async fn a_server_error_carries_no_internal_detail() {
    for registry in registries().await {
        let w = world(registry).await;
        w.state.registry.close().await;
        let request = Request::get("/api/v1/me")
            .header(header::AUTHORIZATION, format!("Bearer {}", w.carol))
            .body(Body::empty())
            .unwrap();
        let (response, body) = send(&w.state, request).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("reference"), "{detail}");
        for secret in ["database", "pool", "sqlite", "postgres", "closed"] {
            assert!(!detail.to_lowercase().contains(secret), "{detail}");
        }
        let (response, body) = send(
            &w.state,
            Request::get("/readyz").body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!body.contains("pool"), "{body}");
    }
}

/// Every error is a problem document, bad path parameters included (they were text/plain).
#[tokio::test]
async fn a_bad_path_parameter_is_a_problem_document() {
    let w = world(registries().await.remove(0)).await;
    for path in [
        "/api/v1/projects/abc",
        "/api/v1/projects/0",
        "/api/v1/projects/99999999999999999999/scans",
        "/api/v1/assessments/-1",
        "/api/v1/derogations/x",
        "/api/v1/projects/1/scans/y",
    ] {
        let request = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", w.carol))
            .body(Body::empty())
            .unwrap();
        let (response, body) = send(&w.state, request).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json",
            "{path}"
        );
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(problem["field"].is_string(), "{path}: {problem}");
    }
}

/// `--dev` answers only requests addressed to a loopback name: a page of another site that
/// makes its name resolve to 127.0.0.1 (DNS rebinding) does not reach the dev session.
#[tokio::test]
async fn dev_mode_checks_the_host_header() {
    let w = world(registries().await.remove(0)).await;
    let mut state = w.state.clone();
    state.dev = true;
    for (host, expected) in [
        ("evil.example:8080", StatusCode::MISDIRECTED_REQUEST),
        ("127.0.0.1.evil.example", StatusCode::MISDIRECTED_REQUEST),
        ("127.0.0.1:8080", StatusCode::OK),
        ("localhost:8080", StatusCode::OK),
        ("[::1]:8080", StatusCode::OK),
    ] {
        let request = Request::get("/api/v1/me")
            .header(header::HOST, host)
            .header(header::AUTHORIZATION, format!("Bearer {}", w.carol))
            .body(Body::empty())
            .unwrap();
        let (response, _) = send(&state, request).await;
        assert_eq!(response.status(), expected, "{host}");
    }
}

/// Under https: HSTS on every answer, and the session cookie is `__Host-` (bound to this
/// origin: a sibling site cannot plant one).
#[tokio::test]
async fn https_brings_hsts_and_a_host_prefixed_session_cookie() {
    let w = world(registries().await.remove(0)).await;
    let plain = w.state.clone();
    let (response, _) = send(
        &plain,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(
        response
            .headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none()
    );

    let mut state = w
        .state
        .clone()
        .with_public_url("https://nuage.example.gouv.fr");
    state.dev = true;
    let (response, _) = send(
        &state,
        Request::get("/healthz")
            .header(header::HOST, "localhost")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    nuage_server::dev::bootstrap(&state.registry, None)
        .await
        .unwrap();
    let request = Request::post("/connexion/dev")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("subject=dev%3Alocal"))
        .unwrap();
    let (response, body) = send(&state, request).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{body}");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("__Host-nuage_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    // And the pages read it back under that name.
    let secret = cookie.split(';').next().unwrap();
    let (response, html) = send(
        &state,
        Request::get("/projets")
            .header(header::HOST, "localhost")
            .header(header::COOKIE, secret)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(html.contains("Dominique Leroy"));
}

/// A CSV cell whose first non-blank character opens a formula is neutralised, whatever
/// blanks come first (a tab or a carriage return before `=` passed).
#[tokio::test]
async fn csv_cells_that_start_a_formula_after_blanks_are_neutralised() {
    for registry in registries().await {
        let w = world(registry).await;
        let mut body = create_body(w.ministry_a, common::PORTAIL);
        body["obstacles"] = json!(["\t=HYPERLINK(\"http://evil.example\")"]);
        let (status, _) = call(&w, "POST", "/api/v1/projects", Some(&w.alice), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED);
        let request = Request::get("/api/v1/export/projects.csv")
            .header(header::AUTHORIZATION, format!("Bearer {}", w.carol))
            .body(Body::empty())
            .unwrap();
        let (response, csv) = send(&w.state, request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(csv.contains("\"'\t=HYPERLINK("), "{csv}");
        assert!(
            !csv.contains(",\t=HYPERLINK") && !csv.contains(",\"\t="),
            "{csv}"
        );
    }
}

/// An operator's name is unique within its ministry: a controller no longer learns, from a
/// 409, that another ministry has an operator of that name.
#[tokio::test]
async fn organisation_names_do_not_leak_across_ministries() {
    for registry in registries().await {
        let w = world(registry).await;
        let (status, _) = call(
            &w,
            "POST",
            "/api/v1/organisations",
            Some(&w.bob),
            Some(
                json!({"kind": "operator", "name": "Agence secrète", "ministry_id": w.ministry_b}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, created) = call(
            &w,
            "POST",
            "/api/v1/organisations",
            Some(&w.carol),
            Some(
                json!({"kind": "operator", "name": "Agence secrète", "ministry_id": w.ministry_a}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
}

/// The review started 200 anonymous drafts in 0.2 s: a client that is not logged in now
/// starts a bounded number an hour.
#[tokio::test]
async fn anonymous_drafts_are_limited_per_client() {
    let w = world(registries().await.remove(0)).await;
    let state = w.state.clone().with_limits(ServerLimits {
        anonymous_drafts_per_hour: 3,
        ..ServerLimits::default()
    });
    let start = || {
        Request::post("/questionnaire")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(""))
            .unwrap()
    };
    for _ in 0..3 {
        let (response, body) = send(&state, start()).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{body}");
    }
    let (response, body) = send(&state, start()).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("Trop de brouillons"));
    assert_eq!(w.state.registry.draft_counts().await.unwrap().0, 3);
}
