#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! The HTTP API, driven without a socket (`tower::ServiceExt::oneshot`), on SQLite and on
//! PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use nuage_catalog::{Catalog, CatalogFiles, Date};
use nuage_registry::Registry;
use nuage_server::{AppState, MAX_DOSSIER_BYTES, app};
use tower::ServiceExt;

static NEXT: AtomicU32 = AtomicU32::new(0);

fn catalog() -> Arc<Catalog> {
    Arc::new(Catalog::from_files(&CatalogFiles::embedded()).unwrap())
}

async fn sqlite_state() -> AppState {
    let dir = std::env::temp_dir().join(format!(
        "nuage-server-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    // A directory left by an earlier run under the same process id is not this run's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let registry = Registry::open(&format!("sqlite://{}", dir.join("n.db").display()))
        .await
        .unwrap();
    AppState::new(
        catalog(),
        registry,
        Arc::new(|| Date::new(2026, 11, 23).unwrap()),
        false,
    )
    .unwrap()
}

async fn call(state: &AppState, request: Request<Body>) -> (StatusCode, String, String) {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

const PORTAIL: &str = include_str!("../../../examples/portail-demarches.toml");

#[tokio::test]
async fn stateless_assess_matches_the_cli_contract() {
    let state = sqlite_state().await;
    let (status, ct, body) =
        call(&state, post("/api/v1/assess", "application/toml", PORTAIL)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ct, "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["project"], "Portail des démarches");
    assert!(v["findings"].as_array().unwrap().len() > 3);
    assert_eq!(v["catalog_version"], state.catalog.version());
    // Reproducible: same dossier, same edition, same catalog → same bytes.
    let (_, _, again) = call(&state, post("/api/v1/assess", "application/toml", PORTAIL)).await;
    assert_eq!(body, again);
    // English on request.
    let (status, _, en) = call(
        &state,
        post("/api/v1/assess?lang=en", "application/toml", PORTAIL),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(en, body);
}

#[tokio::test]
async fn invalid_dossiers_are_problems_naming_the_field() {
    let state = sqlite_state().await;
    let bad = PORTAIL.replacen("full_cost_eur = ", "full_cost_eur = -", 1);
    let (status, ct, body) = call(&state, post("/api/v1/assess", "application/toml", bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(ct, "application/problem+json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], 422);
    assert_eq!(v["field"], "project.full_cost_eur", "{body}");
    assert!(v["line"].as_u64().unwrap() > 1);

    let (status, ct, body) = call(&state, post("/api/v1/assess", "text/plain", PORTAIL)).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(ct, "application/problem+json");

    let (status, _, body) = call(
        &state,
        post("/api/v1/assess?lang=de", "application/toml", PORTAIL),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("\"field\":\"lang\""), "{body}");

    let (status, _, _) = call(
        &state,
        post("/api/v1/assess", "application/json", vec![0xff, 0xfe]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let huge = "#".repeat(MAX_DOSSIER_BYTES + 1);
    let (status, ct, body) = call(&state, post("/api/v1/assess", "application/toml", huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(ct, "application/problem+json");
}

#[tokio::test]
async fn health_readiness_headers_and_unknown_routes() {
    let state = sqlite_state().await;
    let mut states = vec![state];
    if let Some(cluster) = nuage_testpg::cluster() {
        // readiness really asks PostgreSQL
        let url = cluster.create_database("server").unwrap();
        states.push(AppState {
            registry: Registry::open(&url).await.unwrap(),
            ..states[0].clone()
        });
    }
    for state in &states {
        let response = app(state.clone())
            .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        let (status, _, body) =
            call(state, Request::get("/healthz").body(Body::empty()).unwrap()).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok\n"));
        let (status, ct, _) = call(
            state,
            Request::get("/api/v1/nothing").body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(ct, "application/problem+json");
    }
    // A closed database makes the server not ready.
    let closed = states[0].clone();
    closed.registry.close().await;
    let (status, ct, _) = call(
        &closed,
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ct, "application/problem+json");
}
