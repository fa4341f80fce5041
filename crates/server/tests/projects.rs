#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! Projects through the API, on SQLite and PostgreSQL, with the isolation between ministries
//! checked on every endpoint.

mod common;

use axum::http::StatusCode;
use common::*;
use nuage_registry::{Actor, Role};
use serde_json::{Value, json};

/// The portal's project, created by Alice in operator A; the API's answer.
async fn create_portal(w: &World) -> Value {
    let (status, created) = call(
        w,
        "POST",
        "/api/v1/projects",
        Some(&w.alice),
        Some(create_body(w.operator_a, PORTAIL)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

/// A GET whose answer is bytes (an archive), with its status.
async fn get_bytes(w: &World, uri: &str, token: &str) -> (StatusCode, Vec<u8>) {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = nuage_server::app(w.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    (
        status,
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
}

#[tokio::test]
async fn the_registry_seals_a_stored_assessment_that_verify_accepts() {
    for registry in registries().await {
        let mut w = world(registry).await;
        let created = create_portal(&w).await;
        let assessment = created["latest_assessment"].as_i64().unwrap();
        let uri = format!("/api/v1/assessments/{assessment}/evidence");
        // Without a key, nothing is sealed, and the answer says how to give one.
        let (status, problem) = call(&w, "GET", &uri, Some(&w.alice), None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("--signing-key")
        );

        let key = nuage_evidence::SigningKey::generate().unwrap();
        let public = key.public_key();
        w.state = w.state.clone().with_signing_key(key);
        let (status, published) = call(&w, "GET", "/api/v1/evidence/key", None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(published["fingerprint"], public.fingerprint());
        assert_eq!(
            nuage_evidence::PublicKey::from_pem(published["public_key_pem"].as_str().unwrap())
                .unwrap(),
            public
        );

        let (status, tar) = get_bytes(&w, &uri, &w.alice).await;
        assert_eq!(status, StatusCode::OK);
        let bundle = nuage_evidence::Bundle::from_tar(&tar, "preuve.tar").unwrap();
        assert!(bundle.files.contains_key("dossier.toml"));
        assert_eq!(bundle.files["dossier.toml"], PORTAIL.as_bytes());
        let verified = nuage_evidence::verify(&bundle, Some(&public), &w.state.catalog).unwrap();
        assert!(verified.trusted);
        assert!(
            verified
                .meta
                .source
                .contains(&format!("assessment {assessment}"))
        );
        // The same assessment sealed twice gives the same bytes.
        assert_eq!(get_bytes(&w, &uri, &w.dinum).await.1, tar);
        // A tampered archive is refused, naming the file.
        let mut tampered = bundle.clone();
        tampered.files.insert(
            "dossier.toml".into(),
            PORTAIL.replacen("Portail", "Portal", 1).into_bytes(),
        );
        let refusals =
            nuage_evidence::verify(&tampered, Some(&public), &w.state.catalog).unwrap_err();
        assert!(
            refusals
                .iter()
                .any(|r| r.to_string().starts_with("dossier.toml: modified")),
            "{refusals:?}"
        );
        // Another ministry's member cannot have it.
        let (status, _) = get_bytes(&w, &uri, &w.mallory).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_project_from_dossier_to_replay() {
    for registry in registries().await {
        let w = world(registry).await;
        let created = create_portal(&w).await;
        assert_eq!(created["name"], "Portail des démarches");
        assert_eq!(created["ministry_id"], w.ministry_a);
        assert_eq!(created["current_version"], 1);
        let id = created["id"].as_i64().unwrap();
        let assessment_id = created["latest_assessment"].as_i64().unwrap();

        // The stored assessment is the stateless one, byte for byte.
        let (status, stored) = call(
            &w,
            "GET",
            &format!("/api/v1/assessments/{assessment_id}"),
            Some(&w.alice),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(stored["project"], "Portail des démarches");
        assert_eq!(created["verdict"], stored["verdict"]);

        let (status, replay) = call(
            &w,
            "POST",
            &format!("/api/v1/assessments/{assessment_id}/replay"),
            Some(&w.dinum),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{replay}");
        assert_eq!(replay["identical"], true);

        // A new version, then a stale writer.
        let v2 = PORTAIL.replacen("Portail des démarches", "Portail des démarches v2", 1);
        let (status, updated) = call(
            &w,
            "PUT",
            &format!("/api/v1/projects/{id}/dossier"),
            Some(&w.carol),
            Some(json!({"dossier": {"format": "toml", "source": v2}, "expected_version": 1})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["current_version"], 2);
        assert_eq!(
            updated["obstacles"],
            json!(["compétences", "coût de migration"])
        );
        let (status, problem) = call(
            &w,
            "PUT",
            &format!("/api/v1/projects/{id}/dossier"),
            Some(&w.alice),
            Some(json!({"dossier": {"format": "toml", "source": PORTAIL}, "expected_version": 1})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let (_, history) = call(
            &w,
            "GET",
            &format!("/api/v1/projects/{id}/assessments"),
            Some(&w.auditor_a),
            None,
        )
        .await;
        assert_eq!(history.as_array().unwrap().len(), 2);
        assert_eq!(history[0]["dossier_version"], 2);
        assert!(
            history[0]["dossier_hash"]
                .as_str()
                .unwrap()
                .starts_with("sha256:")
        );

        // An invalid dossier names the field inside the dossier, and nothing is written.
        let bad = PORTAIL.replacen("full_cost_eur = ", "full_cost_eur = -", 1);
        let (status, problem) = call(
            &w,
            "PUT",
            &format!("/api/v1/projects/{id}/dossier"),
            Some(&w.alice),
            Some(json!({"dossier": {"format": "toml", "source": bad}})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["field"], "dossier.source: project.full_cost_eur");
        let (_, project) = call(
            &w,
            "GET",
            &format!("/api/v1/projects/{id}"),
            Some(&w.alice),
            None,
        )
        .await;
        assert_eq!(project["current_version"], 2);
        // Unknown request fields are refused with their name.
        let (status, problem) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(json!({"organisation_id": w.ministry_a, "dossier": {"format": "toml", "source": PORTAIL}, "colour": 1})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            problem["detail"].as_str().unwrap().contains("colour"),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn every_endpoint_keeps_ministries_apart() {
    for registry in registries().await {
        let w = world(registry).await;
        let (_, created) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(create_body(w.ministry_a, PORTAIL)),
        )
        .await;
        let id = created["id"].as_i64().unwrap();
        let aid = created["latest_assessment"].as_i64().unwrap();
        let update = json!({"dossier": {"format": "toml", "source": PORTAIL}});
        let endpoints: Vec<(&str, String, Option<Value>)> = vec![
            ("GET", format!("/api/v1/projects/{id}"), None),
            (
                "PUT",
                format!("/api/v1/projects/{id}/dossier"),
                Some(update.clone()),
            ),
            ("GET", format!("/api/v1/projects/{id}/assessments"), None),
            ("GET", format!("/api/v1/projects/{id}/scans"), None),
            ("GET", format!("/api/v1/assessments/{aid}"), None),
            ("POST", format!("/api/v1/assessments/{aid}/replay"), None),
        ];
        // (who, expected status for reads, for the update)
        let who: Vec<(&str, &str, StatusCode, StatusCode)> = vec![
            (
                "bob (controller of B)",
                &w.bob,
                StatusCode::NOT_FOUND,
                StatusCode::NOT_FOUND,
            ),
            (
                "mallory (member of B)",
                &w.mallory,
                StatusCode::NOT_FOUND,
                StatusCode::NOT_FOUND,
            ),
            ("dinum", &w.dinum, StatusCode::OK, StatusCode::FORBIDDEN),
            (
                "auditor of A",
                &w.auditor_a,
                StatusCode::OK,
                StatusCode::FORBIDDEN,
            ),
            (
                "carol (controller of A)",
                &w.carol,
                StatusCode::OK,
                StatusCode::OK,
            ),
            (
                "nobody",
                "nuage_forged",
                StatusCode::UNAUTHORIZED,
                StatusCode::UNAUTHORIZED,
            ),
        ];
        for (name, token, read, write) in &who {
            for (method, uri, body) in &endpoints {
                let expected = if *method == "PUT" { *write } else { *read };
                let (status, answer) = call(&w, method, uri, Some(token), body.clone()).await;
                assert_eq!(status, expected, "{name} {method} {uri}: {answer}");
                if status == StatusCode::NOT_FOUND {
                    // Another ministry's project leaks nothing, not even its name.
                    assert!(!answer.to_string().contains("Portail"), "{answer}");
                }
            }
        }
        // Lists: B sees nothing of A, even when asking for A.
        for token in [&w.bob, &w.mallory] {
            for uri in [
                "/api/v1/projects".to_owned(),
                format!("/api/v1/projects?ministry_id={}", w.ministry_a),
            ] {
                let (status, page) = call(&w, "GET", &uri, Some(token), None).await;
                assert_eq!(status, StatusCode::OK);
                assert_eq!(page["items"], json!([]), "{uri}");
            }
        }
        for token in [&w.alice, &w.carol, &w.dinum, &w.auditor_a] {
            let (_, page) = call(&w, "GET", "/api/v1/projects", Some(token), None).await;
            assert_eq!(page["items"].as_array().unwrap().len(), 1);
        }
        // Creating in another ministry's organisation, or as a reader, is refused.
        let (status, _) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.bob),
            Some(create_body(w.ministry_a, PORTAIL)),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for token in [&w.dinum, &w.auditor_a] {
            let (status, _) = call(
                &w,
                "POST",
                "/api/v1/projects",
                Some(token),
                Some(create_body(w.ministry_a, PORTAIL)),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let (status, _) = call(&w, "GET", "/api/v1/projects", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // A member of A who is not on the team does not see the project.
        let setup = Actor("setup".into());
        let dave = w
            .state
            .registry
            .create_user(
                &setup,
                "dave",
                "Dave",
                Role::ProjectMember,
                Some(nuage_registry::OrganisationId(w.ministry_a)),
            )
            .await
            .unwrap();
        let dave = w
            .state
            .registry
            .issue_token(&setup, &dave, "t")
            .await
            .unwrap()
            .secret;
        let (status, _) = call(
            &w,
            "GET",
            &format!("/api/v1/projects/{id}"),
            Some(&dave),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, page) = call(&w, "GET", "/api/v1/projects", Some(&dave), None).await;
        assert_eq!(page["items"], json!([]));

        // Organisations: each ministry sees its own; DINUM sees all and creates ministries.
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_owned())
                .collect()
        };
        let (_, orgs) = call(&w, "GET", "/api/v1/organisations", Some(&w.bob), None).await;
        assert_eq!(names(&orgs), ["Ministère B"]);
        let (_, orgs) = call(&w, "GET", "/api/v1/organisations", Some(&w.alice), None).await;
        assert_eq!(names(&orgs), ["Ministère A", "Opérateur A"]);
        let (_, orgs) = call(&w, "GET", "/api/v1/organisations", Some(&w.dinum), None).await;
        assert_eq!(orgs.as_array().unwrap().len(), 3);
        let new_ministry = json!({"kind": "ministry", "name": "Ministère C"});
        for (token, expected) in [
            (&w.alice, StatusCode::FORBIDDEN),
            (&w.carol, StatusCode::FORBIDDEN),
            (&w.dinum, StatusCode::CREATED),
        ] {
            let (status, _) = call(
                &w,
                "POST",
                "/api/v1/organisations",
                Some(token),
                Some(new_ministry.clone()),
            )
            .await;
            assert_eq!(status, expected);
        }
        let operator_of = |m: i64| json!({"kind": "operator", "name": format!("Opérateur {m}"), "ministry_id": m});
        let (status, _) = call(
            &w,
            "POST",
            "/api/v1/organisations",
            Some(&w.carol),
            Some(operator_of(w.ministry_b)),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call(
            &w,
            "POST",
            "/api/v1/organisations",
            Some(&w.carol),
            Some(operator_of(w.ministry_a)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
}
