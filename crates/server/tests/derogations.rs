#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! A derogation from request to the Prime Minister's validation, through the API, on SQLite
//! and PostgreSQL; each step only by the right role and from the right state.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

const EXISTANT: &str = include_str!("../../../examples/systeme-existant-derogation.toml");

async fn project(w: &World, source: &str) -> i64 {
    let (status, created) = call(
        w,
        "POST",
        "/api/v1/projects",
        Some(&w.alice),
        Some(create_body(w.ministry_a, source)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

async fn step(w: &World, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    call(
        w,
        "POST",
        &format!("/api/v1/derogations/{id}/transitions"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn r9_derogation_from_request_to_validation() {
    for registry in registries().await {
        let w = world(registry).await;
        let pid = project(&w, EXISTANT).await;
        let (status, d) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.alice),
            Some(json!({
                "kind": "r9_transitional",
                "justification": "Migration vers une offre qualifiée engagée ; marché notifié.",
                "documents": ["plan-de-migration.pdf"]
            })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        assert_eq!(d["state"], "draft");
        // The project declared its acceptable offer (2025-12-17): twelve months later.
        assert_eq!(d["deadline"], "2026-12-17");
        assert_eq!(d["deadline_source"], "dossier");
        let id = d["id"].as_i64().unwrap();

        // Wrong person or wrong state, each refused and nothing changes.
        let approve =
            json!({"transition": "approve_for_minister", "documents": ["decision-ministre.pdf"]});
        assert_eq!(
            step(&w, &w.carol, id, approve.clone()).await.0,
            StatusCode::CONFLICT
        );
        assert_eq!(
            step(&w, &w.bob, id, json!({"transition": "submit"}))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            step(&w, &w.dinum, id, json!({"transition": "submit"}))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            step(&w, &w.auditor_a, id, json!({"transition": "submit"}))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (status, d) = step(&w, &w.alice, id, json!({"transition": "submit"})).await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("submitted")),
            "{d}"
        );
        assert_eq!(
            step(&w, &w.alice, id, approve.clone()).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            step(&w, &w.bob, id, approve.clone()).await.0,
            StatusCode::NOT_FOUND
        );
        let (status, d) = step(&w, &w.carol, id, approve).await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("approved_by_minister")),
            "{d}"
        );
        let validate =
            json!({"transition": "validate_for_prime_minister", "documents": ["visa-pm-2026-117"]});
        assert_eq!(
            step(&w, &w.carol, id, validate.clone()).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, d) = step(&w, &w.dinum, id, validate.clone()).await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("validated_by_prime_minister")),
            "{d}"
        );
        assert_eq!(
            step(&w, &w.dinum, id, validate).await.0,
            StatusCode::CONFLICT
        );
        let (status, d) = step(&w, &w.carol, id, json!({"transition": "activate"})).await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("active")),
            "{d}"
        );
        // The deadline (2026-12-17) has not passed on 2026-11-23.
        let (status, problem) = step(&w, &w.carol, id, json!({"transition": "expire"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");

        // Every step is in the history: who, with which role, which documents.
        let (_, d) = call(
            &w,
            "GET",
            &format!("/api/v1/derogations/{id}"),
            Some(&w.auditor_a),
            None,
        )
        .await;
        let events = d["events"].as_array().unwrap();
        let trail: Vec<(&str, &str, &str)> = events
            .iter()
            .map(|e| {
                (
                    e["to_state"].as_str().unwrap(),
                    e["actor"].as_str().unwrap(),
                    e["role"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            trail,
            [
                ("draft", "alice", "project_member"),
                ("submitted", "alice", "project_member"),
                ("approved_by_minister", "carol", "ministry_controller"),
                ("validated_by_prime_minister", "dinum", "dinum"),
                ("active", "carol", "ministry_controller"),
            ]
        );
        assert_eq!(events[3]["documents"], json!(["visa-pm-2026-117"]));
        assert_eq!(events[0]["documents"], json!(["plan-de-migration.pdf"]));
        // Another ministry neither reads it nor lists it.
        let (status, _) = call(
            &w,
            "GET",
            &format!("/api/v1/derogations/{id}"),
            Some(&w.mallory),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = call(
            &w,
            "GET",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.bob),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = call(
            &w,
            "GET",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.dinum),
            None,
        )
        .await;
        assert_eq!(list.as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn refusals_and_derogations_the_doctrine_does_not_open() {
    for registry in registries().await {
        let w = world(registry).await;
        let pid = project(&w, EXISTANT).await;
        let request = |kind: &str| json!({"kind": kind, "justification": "motif"});
        let (status, problem) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.alice),
            Some(request("office_suite")),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["field"], "kind");
        let (status, _) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.alice),
            Some(request("r12")),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.dinum),
            Some(request("r9_transitional")),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.bob),
            Some(request("r9_transitional")),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (_, d) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.alice),
            Some(request("r9_transitional")),
        )
        .await;
        let id = d["id"].as_i64().unwrap();
        step(&w, &w.alice, id, json!({"transition": "submit"})).await;
        // A refusal states its reason.
        let (status, problem) = step(&w, &w.carol, id, json!({"transition": "refuse"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["field"], "reason");
        let (status, d) = step(
            &w,
            &w.carol,
            id,
            json!({"transition": "refuse", "reason": "Plan de migration insuffisant"}),
        )
        .await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("refused"))
        );
        assert_eq!(d["events"][2]["reason"], "Plan de migration insuffisant");
        assert_eq!(
            step(&w, &w.alice, id, json!({"transition": "submit"}))
                .await
                .0,
            StatusCode::CONFLICT
        );
        let (status, problem) = step(&w, &w.alice, id, json!({"transition": "approve"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "transition");
    }
}

#[tokio::test]
async fn without_a_declared_date_the_catalog_sets_the_deadline() {
    for registry in registries().await {
        let w = world(registry).await;
        let undeclared = EXISTANT.replace("acceptable_offer_available_on = 2025-12-17\n", "");
        let pid = project(&w, &undeclared).await;
        let (status, d) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.alice),
            Some(json!({"kind": "r9_transitional", "justification": "motif"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        // The catalog's first trusted IaaS offer with an established qualification: OVHcloud's
        // Hosted Private Cloud SecNumCloud, from 2021-10-18 (OUTSCALE's 2020 qualification has no
        // sourced perimeter and is only « unconfirmed »).
        assert_eq!(d["deadline"], "2022-10-18");
        let source = d["deadline_source"].as_str().unwrap();
        assert!(
            source.starts_with("catalog:ovhcloud-hpc-vmware-snc@"),
            "{source}"
        );

        // A derogation recorded without a deadline gets one when the server starts.
        let setup = nuage_registry::User {
            id: nuage_registry::UserId(0),
            subject: "setup".into(),
            display_name: "setup".into(),
            role: nuage_registry::Role::MinistryController,
            ministry_id: Some(nuage_registry::OrganisationId(w.ministry_a)),
            created_at: String::new(),
        };
        let bare = w
            .state
            .registry
            .create_derogation(
                &setup,
                nuage_registry::ProjectId(pid),
                &nuage_registry::NewDerogation {
                    kind: "r9_transitional".into(),
                    justification: "imported".into(),
                    deadline: None,
                    deadline_source: None,
                    documents: vec![],
                },
            )
            .await
            .unwrap();
        assert_eq!(bare.deadline, None);
        let updated = nuage_server::refresh_deadlines(&w.state.registry, &w.state.catalog)
            .await
            .unwrap();
        assert_eq!(updated, 1);
        let after = w.state.registry.derogation(bare.id).await.unwrap();
        assert_eq!(after.deadline.as_deref(), Some("2022-10-18"));
        assert_eq!(
            nuage_server::refresh_deadlines(&w.state.registry, &w.state.catalog)
                .await
                .unwrap(),
            0
        );
    }
}
