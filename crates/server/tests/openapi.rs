#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! The OpenAPI description says what the router does: every operation it lists is routed,
//! every reference resolves.

mod common;

use axum::http::StatusCode;
use common::*;
use nuage_server::openapi::{OPERATIONS, document};

fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().unwrap().to_owned());
                }
                refs(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_described_operation_is_routed_and_every_reference_resolves() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "dangling {r}"
        );
    }
    let w = world(registries().await.remove(0)).await;
    for op in OPERATIONS {
        let path = format!(
            "/api/v1{}",
            op.path.replace("{id}", "1").replace("{scan}", "1")
        );
        let (status, body) = call(
            &w,
            &op.method.to_uppercase(),
            &path,
            Some("nuage_forged"),
            None,
        )
        .await;
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {path}",
            op.method
        );
        assert!(
            !(status == StatusCode::NOT_FOUND && body["detail"] == "no such endpoint"),
            "{} {path} is described but not routed",
            op.method
        );
        let described = &doc["paths"][format!("/api/v1{}", op.path)][op.method];
        assert!(
            described["responses"][op.status.to_string()].is_object(),
            "{path}"
        );
    }
    // Served, with the reference page.
    let (status, served) = call(&w, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, doc);
    let (status, page) = call(&w, "GET", "/api/v1/docs", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.as_str()
            .unwrap()
            .contains("/api/v1/derogations/{id}/transitions")
    );
}
