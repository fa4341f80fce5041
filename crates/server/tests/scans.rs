#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! Scans attached to a project through the API, shown on the project's page; both databases.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{call, create_body, registries, world};
use http_body_util::BodyExt;
use nuage_server::app;
use tower::ServiceExt;

const SCAN: &str = r#"{
  "resources": [
    {"address": "outscale_vm.web", "type": "outscale_vm", "provider": "outscale", "offer": "outscale-iaas",
     "region": "eu-west-2", "zones": ["eu-west-2a"], "file": "prod/main.tf", "line": 12,
     "service": "compute", "portability": "portable", "source": "terraform", "evidence": ["offer = outscale-iaas ← provider \"outscale\""]}
  ],
  "findings": [
    {"rule": "R5", "status": "non_compliant", "message": "une seule zone", "citations": [], "remedy": null,
     "file": "prod/main.tf", "line": 12}
  ],
  "skipped": []
}"#;

async fn post_raw(
    w: &common::World,
    uri: &str,
    token: &str,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let request = Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = app(w.state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

#[tokio::test]
async fn scans_attach_to_projects_and_stay_in_their_ministry() {
    for registry in registries().await {
        let w = world(registry).await;
        let (status, project) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(create_body(w.ministry_a, common::PORTAIL)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let id = project["id"].as_i64().unwrap();
        let uri = format!("/api/v1/projects/{id}/scans");

        let (status, stored) = post_raw(&w, &uri, &w.alice, SCAN).await;
        assert_eq!(status, StatusCode::CREATED, "{stored}");
        assert_eq!(stored["resources"], 1);
        assert_eq!(stored["findings"], 1);

        for (token, expected) in [
            (&w.carol, StatusCode::OK),
            (&w.auditor_a, StatusCode::OK),
            (&w.dinum, StatusCode::OK),
            (&w.bob, StatusCode::NOT_FOUND),
            (&w.mallory, StatusCode::NOT_FOUND),
        ] {
            let (status, _) = call(&w, "GET", &uri, Some(token), None).await;
            assert_eq!(status, expected);
        }
        // Readers do not attach scans; the other ministry does not even see the project.
        assert_eq!(
            post_raw(&w, &uri, &w.auditor_a, SCAN).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_raw(&w, &uri, &w.mallory, SCAN).await.0,
            StatusCode::NOT_FOUND
        );

        // A malformed inventory names the field.
        let broken = SCAN.replace(
            "\"line\": 12,\n     \"service\"",
            "\"line\": \"douze\",\n     \"service\"",
        );
        let (status, problem) = post_raw(&w, &uri, &w.alice, &broken).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "resources[0].line", "{problem}");
        // The findings are read into the doctrine's type too: a status it does not define is
        // refused, named, never stored as text nobody can read.
        let broken = SCAN.replace("\"status\": \"non_compliant\"", "\"status\": \"conforme\"");
        let (status, problem) = post_raw(&w, &uri, &w.alice, &broken).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "findings[0].status", "{problem}");

        let (_, list) = call(&w, "GET", &uri, Some(&w.carol), None).await;
        assert_eq!(
            list.as_array().unwrap().len(),
            1,
            "the broken one was not kept"
        );

        // The project's page shows the resources with their evidence.
        let user = w
            .state
            .registry
            .user_for_token(&w.carol)
            .await
            .unwrap()
            .unwrap();
        let session = w.state.registry.open_session(&user, "test").await.unwrap();
        let request = Request::get(format!("/projets/{id}"))
            .header(header::COOKIE, format!("nuage_session={}", session.secret))
            .body(Body::empty())
            .unwrap();
        let response = app(w.state.clone()).oneshot(request).await.unwrap();
        let html =
            String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes())
                .into_owned();
        assert!(
            html.contains("eu-west-2") && html.contains("prod/main.tf:12"),
            "the summary: resources by provider, offer and region, and the findings with their place"
        );
        let scan_id = list[0]["id"].as_i64().unwrap();
        assert!(html.contains(&format!("/api/v1/projects/{id}/scans/{scan_id}")));
        // The whole inventory, as sent, through the API.
        let (status, whole) = call(
            &w,
            "GET",
            &format!("{uri}/{scan_id}"),
            Some(&w.auditor_a),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(whole["resources"][0]["address"], "outscale_vm.web");
        let (status, _) = call(&w, "GET", &format!("{uri}/{scan_id}"), Some(&w.bob), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

/// The review's « 66 MB table »: the project's page listed every resource of the latest scan.
/// It shows a summary now, whose size does not grow with the inventory's.
#[tokio::test]
async fn the_project_page_shows_a_bounded_summary_of_a_large_scan() {
    for registry in registries().await {
        let w = world(registry).await;
        let (_, project) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(create_body(w.ministry_a, common::PORTAIL)),
        )
        .await;
        let id = project["id"].as_i64().unwrap();
        let resources: Vec<serde_json::Value> = (0..20_000)
            .map(|i| {
                serde_json::json!({
                    "address": format!("outscale_vm.web_{i}"), "type": "outscale_vm",
                    "provider": "outscale", "offer": "outscale-iaas", "region": format!("eu-west-{}", i % 3),
                    "zones": ["eu-west-2a"], "file": format!("mod{i}/main.tf"), "line": i, "evidence": ["e"],
                    "service": "compute", "portability": "portable", "source": "terraform"
                })
            })
            .collect();
        let findings: Vec<serde_json::Value> = (0..5_000)
            .map(|i| serde_json::json!({"rule": "R5", "status": "to_verify", "message": format!("m{i}"), "citations": [], "remedy": null, "file": "f.tf", "line": i}))
            .collect();
        let body = serde_json::json!({"resources": resources, "findings": findings}).to_string();
        assert!(body.len() > 4_000_000);
        let (status, stored) =
            post_raw(&w, &format!("/api/v1/projects/{id}/scans"), &w.alice, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{stored}");
        assert_eq!(stored["resources"], 20_000);
        let user = w
            .state
            .registry
            .user_for_token(&w.carol)
            .await
            .unwrap()
            .unwrap();
        let session = w.state.registry.open_session(&user, "test").await.unwrap();
        let request = Request::get(format!("/projets/{id}"))
            .header(header::COOKIE, format!("nuage_session={}", session.secret))
            .body(Body::empty())
            .unwrap();
        let response = app(w.state.clone()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.into_body().collect().await.unwrap().to_bytes();
        assert!(
            html.len() < 300_000,
            "the page weighs {} bytes for a 20 000-resource scan",
            html.len()
        );
        let html = String::from_utf8_lossy(&html);
        assert!(html.contains("20000"), "the totals are shown");
        assert!(html.contains("4900"), "and how many findings are left out");
        assert!(
            !html.contains("outscale_vm.web_19999"),
            "not every resource"
        );
    }
}

/// A project keeps its latest scans only (`--scans-per-project`), and listing them never
/// returns an inventory.
#[tokio::test]
async fn scans_are_counted_per_project_and_lists_carry_no_inventory() {
    for registry in registries().await {
        let limits = nuage_registry::Limits {
            scans_per_project: 2,
            ..nuage_registry::Limits::default()
        };
        let w = world(registry.with_limits(limits)).await;
        let (_, project) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(create_body(w.ministry_a, common::PORTAIL)),
        )
        .await;
        let id = project["id"].as_i64().unwrap();
        let uri = format!("/api/v1/projects/{id}/scans");
        for _ in 0..4 {
            let (status, _) = post_raw(&w, &uri, &w.alice, SCAN).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (_, list) = call(&w, "GET", &uri, Some(&w.carol), None).await;
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 2, "{list:?}");
        for scan in list {
            let keys: Vec<&String> = scan.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                [
                    "created_at",
                    "created_by",
                    "findings",
                    "id",
                    "project_id",
                    "resources"
                ]
            );
        }
    }
}
