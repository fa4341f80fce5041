#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! Derogations through the API, on SQLite and PostgreSQL: each kind and edition goes through
//! exactly the steps its texts give (the minister alone in 2021; the minister then the Prime
//! Minister's validation in 2023; the project's authority, the ministry or the design review of
//! major projects for R7), each step only by the right role and from the right state.

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
        // The project declared its acceptable offer (2025-12-17); assessed on 2026-06-01, under
        // the decree n° 2026-272: eighteen months later.
        assert_eq!(d["deadline"], "2027-06-17");
        assert_eq!(d["deadline_source"], "dossier");
        assert_eq!(d["approvers"], json!(["minister", "prime_minister"]));
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
        // The Prime Minister's validation grants it: nothing else to « activate ».
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("active")),
            "{d}"
        );
        assert_eq!(
            step(&w, &w.dinum, id, validate).await.0,
            StatusCode::CONFLICT
        );
        // The deadline (2027-06-17) has not passed on 2026-11-23.
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
                ("active", "dinum", "dinum"),
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
async fn without_a_declared_date_the_catalog_only_suggests_the_deadline() {
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
        // « Offre acceptable » is a judgement: the catalog's first trusted IaaS offer is a
        // suggestion, never stored as the deadline (it would already be past).
        assert_eq!(d["deadline"], Value::Null);
        // OVHcloud's Hosted Private Cloud SecNumCloud, from 2021-10-18 (OUTSCALE's 2020
        // qualification has no sourced perimeter and is only « unconfirmed »): 12 months on.
        let suggested = d["suggested_deadline"].as_str().unwrap();
        assert_eq!(suggested, "2022-10-18");
        let source = d["suggested_deadline_source"].as_str().unwrap();
        assert!(
            source.starts_with("catalog:ovhcloud-hpc-vmware-snc@"),
            "{source}"
        );
        let id = d["id"].as_i64().unwrap();
        let confirm = |date: &str| json!({ "deadline": date });
        let path = format!("/api/v1/derogations/{id}/deadline");
        // The team does not set its own deadline; the controller or DINUM does.
        let (status, _) = call(
            &w,
            "POST",
            &path,
            Some(&w.alice),
            Some(confirm("2027-06-30")),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, problem) = call(
            &w,
            "POST",
            &path,
            Some(&w.carol),
            Some(confirm("30/06/2027")),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, d) = call(
            &w,
            "POST",
            &path,
            Some(&w.carol),
            Some(confirm("2027-06-30")),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{d}");
        assert_eq!(d["deadline"], "2027-06-30");
        assert_eq!(d["deadline_source"], "confirmed by carol");

        // A derogation recorded without a deadline gets a suggestion when the server starts,
        // once; its deadline stays unset until someone confirms one.
        let setup = nuage_registry::User {
            id: nuage_registry::UserId(0),
            subject: "setup".into(),
            display_name: "setup".into(),
            role: nuage_registry::Role::MinistryController,
            ministry_id: Some(nuage_registry::OrganisationId(w.ministry_a)),
            created_at: String::new(),
            email: None,
            disabled_at: None,
        };
        let bare = w
            .state
            .registry
            .create_derogation(
                &setup,
                nuage_registry::ProjectId(pid),
                &nuage_registry::NewDerogation {
                    kind: nuage_doctrine::DerogationKind::R9Transitional,
                    approvers: vec![
                        nuage_doctrine::Approver::Minister,
                        nuage_doctrine::Approver::PrimeMinister,
                    ],
                    justification: "imported".into(),
                    deadline: None,
                    deadline_source: None,
                    suggested_deadline: None,
                    suggested_deadline_source: None,
                    documents: vec![],
                },
            )
            .await
            .unwrap();
        let updated = nuage_server::refresh_deadlines(&w.state.registry, &w.state.catalog)
            .await
            .unwrap();
        assert_eq!(updated, 1);
        let after = w.state.registry.derogation(bare.id).await.unwrap();
        assert_eq!(after.deadline, None);
        assert_eq!(after.suggested_deadline.as_deref(), Some(suggested));
        assert_eq!(
            nuage_server::refresh_deadlines(&w.state.registry, &w.state.catalog)
                .await
                .unwrap(),
            0
        );
    }
}

/// Requests a derogation of `kind` on a project made from `source`, submits it, and returns
/// its id and the stored derogation.
async fn submitted(w: &World, source: &str, kind: &str) -> (i64, Value) {
    let pid = project(w, source).await;
    let (status, d) = call(
        w,
        "POST",
        &format!("/api/v1/projects/{pid}/derogations"),
        Some(&w.alice),
        Some(json!({"kind": kind, "justification": "motif"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    let (status, d) = step(w, &w.alice, id, json!({"transition": "submit"})).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    (id, d)
}

#[tokio::test]
async fn under_the_2021_circular_the_minister_decides_alone() {
    for registry in registries().await {
        let w = world(registry).await;
        let source = EXISTANT
            .replace("assessed_on = 2026-06-01", "assessed_on = 2022-06-01")
            .replace(
                "acceptable_offer_available_on = 2025-12-17",
                "acceptable_offer_available_on = 2022-03-01",
            );
        let (id, d) = submitted(&w, &source, "r9_transitional").await;
        assert_eq!(d["approvers"], json!(["minister"]));
        let (status, d) = step(
            &w,
            &w.carol,
            id,
            json!({"transition": "approve_for_minister"}),
        )
        .await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("active")),
            "{d}"
        );
        // No Prime Minister's validation exists under this edition.
        let (status, _) = step(
            &w,
            &w.dinum,
            id,
            json!({"transition": "validate_for_prime_minister"}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn r7_is_decided_where_the_projects_cost_says() {
    for registry in registries().await {
        let w = world(registry).await;
        let on_premise = |cost: &str| {
            format!(
                "assessed_on = 2026-06-01\n[project]\nname = \"Serveurs {cost}\"\nentity_kind = \"central_administration\"\nnature = \"new\"\nfull_cost_eur = {cost}\n[hosting]\napproach = \"on_premise\"\n"
            )
        };
        // Below 1 M€: the project's authority decides; nothing goes to DINUM.
        let (id, d) = submitted(&w, &on_premise("500000"), "r7_no_cloud").await;
        assert_eq!(d["approvers"], json!(["project_authority"]));
        let decide = json!({"transition": "decide_for_project_authority"});
        assert_eq!(
            step(&w, &w.dinum, id, decide.clone()).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, d) = step(&w, &w.alice, id, decide).await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("active")),
            "{d}"
        );
        // From 1 M€ to 9 M€: documented to DINUM, controlled by the ministry.
        let (id, d) = submitted(&w, &on_premise("3000000"), "r7_no_cloud").await;
        assert_eq!(d["approvers"], json!(["ministry"]));
        let control = json!({"transition": "control_for_ministry"});
        assert_eq!(
            step(&w, &w.alice, id, control.clone()).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, d) = step(&w, &w.carol, id, control).await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("active")),
            "{d}"
        );
        // Above 9 M€: the design review of major projects (DINUM), not the ministry alone.
        let (id, d) = submitted(&w, &on_premise("12000000"), "r7_no_cloud").await;
        assert_eq!(d["approvers"], json!(["dinum"]));
        let review = json!({"transition": "review_as_major_project"});
        assert_eq!(
            step(&w, &w.carol, id, review.clone()).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            step(
                &w,
                &w.carol,
                id,
                json!({"transition": "control_for_ministry"})
            )
            .await
            .0,
            StatusCode::CONFLICT
        );
        let (status, d) = step(&w, &w.dinum, id, review).await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("active")),
            "{d}"
        );
    }
}

#[tokio::test]
async fn the_faqs_derogation_on_proof_of_guarantees_goes_to_the_prime_minister() {
    for registry in registries().await {
        let w = world(registry).await;
        // Engaged in 2024 on a US cloud: no transitional derogation, the FAQ's path remains.
        let source = EXISTANT.replace("engaged_on = 2019-09-15", "engaged_on = 2024-09-15");
        let (id, d) = submitted(&w, &source, "r9_equivalent_guarantees").await;
        assert_eq!(d["approvers"], json!(["minister", "prime_minister"]));
        assert_eq!(d["deadline"], Value::Null);
        let (status, d) = step(
            &w,
            &w.carol,
            id,
            json!({"transition": "approve_for_minister"}),
        )
        .await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("approved_by_minister")),
            "{d}"
        );
        let (status, d) = step(
            &w,
            &w.dinum,
            id,
            json!({"transition": "validate_for_prime_minister", "documents": ["preuve-garanties.pdf"]}),
        )
        .await;
        assert_eq!(
            (status, d["state"].as_str()),
            (StatusCode::OK, Some("active")),
            "{d}"
        );
    }
}
