//! Shared set-up for the API tests: two ministries, an operator, one user per role with a
//! token, on each backend.
#![allow(
    dead_code,
    reason = "shared by several test binaries, each using part of it"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use nuage_catalog::{Catalog, CatalogFiles, Date};
use nuage_registry::{Actor, OrganisationKind, Registry, Role};
use nuage_server::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

static NEXT: AtomicU32 = AtomicU32::new(0);
pub const PORTAIL: &str = include_str!("../../../../examples/portail-demarches.toml");

pub struct World {
    pub state: AppState,
    pub ministry_a: i64,
    pub ministry_b: i64,
    pub operator_a: i64,
    /// role name → token
    pub alice: String,
    pub carol: String,
    pub bob: String,
    pub mallory: String,
    pub dinum: String,
    pub auditor_a: String,
}

pub async fn registries() -> Vec<Registry> {
    let dir = std::env::temp_dir().join(format!(
        "nuage-server-projects-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    // A directory left by an earlier run under the same process id is not this run's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut out = vec![
        Registry::open(&format!("sqlite://{}", dir.join("n.db").display()))
            .await
            .unwrap(),
    ];
    if let Some(cluster) = nuage_testpg::cluster() {
        out.push(
            Registry::open(&cluster.create_database("server").unwrap())
                .await
                .unwrap(),
        );
    }
    out
}

pub async fn world(registry: Registry) -> World {
    let setup = Actor("setup".into());
    let a = registry
        .create_organisation(&setup, OrganisationKind::Ministry, "Ministère A", None)
        .await
        .unwrap();
    let b = registry
        .create_organisation(&setup, OrganisationKind::Ministry, "Ministère B", None)
        .await
        .unwrap();
    let op = registry
        .create_organisation(
            &setup,
            OrganisationKind::Operator,
            "Opérateur A",
            Some(a.id),
        )
        .await
        .unwrap();
    let token = async |subject: &str, role: Role, ministry| {
        let user = registry
            .create_user(&setup, subject, subject, role, ministry)
            .await
            .unwrap();
        registry
            .issue_token(&setup, &user, "test")
            .await
            .unwrap()
            .secret
    };
    let alice = token("alice", Role::ProjectMember, Some(a.id)).await;
    let carol = token("carol", Role::MinistryController, Some(a.id)).await;
    let bob = token("bob", Role::MinistryController, Some(b.id)).await;
    let mallory = token("mallory", Role::ProjectMember, Some(b.id)).await;
    let dinum = token("dinum", Role::Dinum, None).await;
    let auditor_a = token("auditor", Role::Auditor, Some(a.id)).await;
    World {
        state: AppState::new(
            Arc::new(Catalog::from_files(&CatalogFiles::embedded()).unwrap()),
            registry,
            Arc::new(|| Date::new(2026, 11, 23).unwrap()),
            false,
        )
        .unwrap(),
        ministry_a: a.id.0,
        ministry_b: b.id.0,
        operator_a: op.id.0,
        alice,
        carol,
        bob,
        mallory,
        dinum,
        auditor_a,
    }
}

pub async fn call(
    w: &World,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let request = match body {
        Some(b) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app(w.state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

pub fn create_body(organisation: i64, source: &str) -> Value {
    json!({
        "organisation_id": organisation,
        "dossier": {"format": "toml", "source": source},
        "obstacles": ["compétences", "coût de migration"]
    })
}
