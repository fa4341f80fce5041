#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! Every test runs on SQLite and on PostgreSQL.

use std::sync::atomic::{AtomicU32, Ordering};

use nuage_registry::*;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh registry on each backend available: SQLite always, PostgreSQL when installed
/// (always under CI).
async fn registries() -> Vec<Registry> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(format!(
        "nuage-registry-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    // A directory left by an earlier run under the same process id is not this run's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    out.push(
        Registry::open(&format!("sqlite://{}", dir.join("nuage.db").display()))
            .await
            .unwrap(),
    );
    if let Some(cluster) = nuage_testpg::cluster() {
        let pg = Registry::open(&fresh_pg(cluster).await).await.unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        out.push(pg);
    }
    assert_eq!(out[0].backend(), Backend::Sqlite);
    out
}

async fn fresh_pg(cluster: &nuage_testpg::Cluster) -> String {
    cluster.create_database("registry").unwrap()
}

fn actor(name: &str) -> Actor {
    Actor(name.to_owned())
}

fn summary(verdict: &str, hosting: &str) -> ProjectSummary {
    ProjectSummary {
        hosting_kind: hosting.into(),
        sensitivity: "sensitive".into(),
        procedure: "ministry_dnum".into(),
        verdict: verdict.into(),
        full_cost_cents: 350_000_000,
        obstacles: vec!["skills".into()],
    }
}

fn assessment(verdict: &str, body: &str) -> NewAssessment {
    NewAssessment {
        edition: "2023-05-31".into(),
        catalog_version: "2026.11.23-2".into(),
        assessed_on: "2026-11-23".into(),
        verdict: verdict.into(),
        body: body.into(),
    }
}

fn dossier(text: &str) -> NewDossier {
    NewDossier {
        format: "toml".into(),
        source: text.into(),
    }
}

#[tokio::test]
async fn organisations_ministries_and_operators() {
    for reg in registries().await {
        let who = actor("dinum:alice");
        let interieur = reg
            .create_organisation(
                &who,
                OrganisationKind::Ministry,
                "Ministère de l'Intérieur",
                None,
            )
            .await
            .unwrap();
        assert_eq!(interieur.ministry_id, interieur.id);
        let ants = reg
            .create_organisation(&who, OrganisationKind::Operator, "ANTS", Some(interieur.id))
            .await
            .unwrap();
        assert_eq!(ants.ministry_id, interieur.id);
        let err = reg
            .create_organisation(&who, OrganisationKind::Operator, "Orphelin", None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Invalid {
                    field: "ministry_id",
                    ..
                }
            ),
            "{err}"
        );
        let err = reg
            .create_organisation(
                &who,
                OrganisationKind::Operator,
                "Sous-opérateur",
                Some(ants.id),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Invalid {
                    field: "ministry_id",
                    ..
                }
            ),
            "{err}"
        );
        let err = reg
            .create_organisation(&who, OrganisationKind::Ministry, "ANTS", None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err}");
        let err = reg.organisation(OrganisationId(9999)).await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
        let all = reg.organisations().await.unwrap();
        assert_eq!(all, vec![interieur.clone(), ants.clone()]);
        assert_eq!(reg.organisation_by_name("ANTS").await.unwrap(), Some(ants));
        let log = reg
            .audit_log("organisation", &interieur.id.to_string())
            .await
            .unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].actor, who);
        assert_eq!(log[0].before, None);
        assert_eq!(
            log[0].after.as_ref().unwrap()["name"],
            "Ministère de l'Intérieur"
        );
    }
}

#[tokio::test]
async fn project_versions_assessments_and_audit() {
    for reg in registries().await {
        let who = actor("oidc:bob");
        let m = reg
            .create_organisation(
                &who,
                OrganisationKind::Ministry,
                "Ministère des Armées",
                None,
            )
            .await
            .unwrap();
        let (project, first) = reg
            .create_project(
                &who,
                m.id,
                "  Portail  ",
                &dossier("[project]\nname = \"Portail\"\n"),
                &summary("non_compliant", "commercial_cloud"),
                &assessment("non_compliant", "{\"verdict\":\"non_compliant\"}"),
            )
            .await
            .unwrap();
        assert_eq!(project.name, "Portail");
        assert_eq!(project.current_version, 1);
        assert_eq!(first.dossier_version, 1);
        assert_eq!(
            first.dossier_hash,
            dossier_hash("[project]\nname = \"Portail\"\n")
        );

        let (updated, second) = reg
            .update_project(
                &who,
                project.id,
                Some(1),
                &dossier("[project]\nname = \"Portail v2\"\n"),
                &summary("compliant", "internal_cloud"),
                &assessment("compliant", "{\"verdict\":\"compliant\"}"),
            )
            .await
            .unwrap();
        assert_eq!(updated.current_version, 2);
        assert_eq!(second.dossier_version, 2);
        assert_eq!(reg.project(project.id).await.unwrap(), updated);

        // A stale writer is refused and nothing is written.
        let err = reg
            .update_project(
                &who,
                project.id,
                Some(1),
                &dossier("stale"),
                &summary("compliant", "internal_cloud"),
                &assessment("compliant", "{}"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err}");
        assert_eq!(reg.dossier_versions(project.id).await.unwrap().len(), 2);

        // Every version is kept byte for byte.
        let v1 = reg.dossier_version(project.id, 1).await.unwrap();
        assert_eq!(v1.source, "[project]\nname = \"Portail\"\n");
        assert_eq!(v1.created_by, who);

        // Re-assessing the same version appends; nothing is overwritten.
        let third = reg
            .append_assessment(
                &who,
                project.id,
                &summary("to_verify", "internal_cloud"),
                &assessment("to_verify", "{\"verdict\":\"to_verify\"}"),
            )
            .await
            .unwrap();
        assert_eq!(third.dossier_version, 2);
        assert_eq!(third.dossier_hash, second.dossier_hash);
        let all = reg.assessments(project.id).await.unwrap();
        assert_eq!(
            all.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![third.id, second.id, first.id]
        );
        assert_eq!(reg.assessment(first.id).await.unwrap(), first);
        assert_eq!(
            reg.project(project.id).await.unwrap().summary.verdict,
            "to_verify"
        );

        let log = reg
            .audit_log("project", &project.id.to_string())
            .await
            .unwrap();
        let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["project.create", "project.update", "assessment.create"]
        );
        assert_eq!(log[1].before.as_ref().unwrap()["verdict"], "non_compliant");
        assert_eq!(log[1].after.as_ref().unwrap()["verdict"], "compliant");
        assert_eq!(log[1].ministry_id, Some(m.id));

        let err = reg.project(ProjectId(424242)).await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }));
        let err = reg
            .create_project(
                &who,
                OrganisationId(424242),
                "x",
                &dossier("x"),
                &summary("compliant", "internal_cloud"),
                &assessment("compliant", "{}"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }));
    }
}

#[tokio::test]
async fn listing_filters_and_keyset_pages() {
    for reg in registries().await {
        let who = actor("token:ci");
        let a = reg
            .create_organisation(&who, OrganisationKind::Ministry, "A", None)
            .await
            .unwrap();
        let b = reg
            .create_organisation(&who, OrganisationKind::Ministry, "B", None)
            .await
            .unwrap();
        let op = reg
            .create_organisation(&who, OrganisationKind::Operator, "Op de A", Some(a.id))
            .await
            .unwrap();
        for i in 0..23 {
            let (org, verdict) = match i % 3 {
                0 => (a.id, "compliant"),
                1 => (b.id, "non_compliant"),
                _ => (op.id, "to_verify"),
            };
            reg.create_project(
                &who,
                org,
                &format!("Projet_{i:02} 100%"),
                &dossier("d"),
                &summary(verdict, "internal_cloud"),
                &assessment(verdict, "{}"),
            )
            .await
            .unwrap();
        }
        // Pages of 5 cover everything exactly once, in order.
        let mut seen = Vec::new();
        let mut page = PageRequest {
            after: None,
            limit: 5,
        };
        loop {
            let got = reg.projects(&ProjectFilter::default(), page).await.unwrap();
            assert!(got.items.len() <= 5);
            seen.extend(got.items.iter().map(|p| p.id.0));
            match got.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        let expected: Vec<i64> = {
            let mut v = seen.clone();
            v.sort_unstable();
            v.dedup();
            v
        };
        assert_eq!(seen, expected);
        assert_eq!(seen.len(), 23);

        // The ministry sees its operator's projects too.
        let of_a = ProjectFilter {
            ministry: Some(a.id),
            ..Default::default()
        };
        let got = reg
            .projects(
                &of_a,
                PageRequest {
                    after: None,
                    limit: 100,
                },
            )
            .await
            .unwrap();
        assert_eq!(got.items.len(), 15);
        assert!(got.items.iter().all(|p| p.ministry_id == a.id));
        let filter = ProjectFilter {
            ministry: Some(a.id),
            verdict: Some("to_verify".into()),
            ..Default::default()
        };
        let got = reg.projects(&filter, PageRequest::default()).await.unwrap();
        assert_eq!(got.items.len(), 7);
        assert!(got.items.iter().all(|p| p.organisation_id == op.id));
        // LIKE wildcards in the searched text are literal.
        let filter = ProjectFilter {
            name_contains: Some("projet_0".into()),
            ..Default::default()
        };
        assert_eq!(
            reg.projects(&filter, PageRequest::default())
                .await
                .unwrap()
                .items
                .len(),
            10
        );
        let filter = ProjectFilter {
            name_contains: Some("%".into()),
            ..Default::default()
        };
        assert_eq!(
            reg.projects(&filter, PageRequest::default())
                .await
                .unwrap()
                .items
                .len(),
            23
        );
        let filter = ProjectFilter {
            name_contains: Some("_1_".into()),
            ..Default::default()
        };
        assert_eq!(
            reg.projects(&filter, PageRequest::default())
                .await
                .unwrap()
                .items
                .len(),
            0
        );
    }
}

#[tokio::test]
async fn concurrent_writers_all_land() {
    for reg in registries().await {
        let who = actor("oidc:many");
        let m = reg
            .create_organisation(&who, OrganisationKind::Ministry, "M", None)
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..40 {
            let reg = reg.clone();
            let who = who.clone();
            tasks.push(tokio::spawn(async move {
                reg.create_project(
                    &who,
                    m.id,
                    &format!("P{i}"),
                    &dossier(&format!("d{i}")),
                    &summary("compliant", "internal_cloud"),
                    &assessment("compliant", "{}"),
                )
                .await
                .map(|(p, _)| p.id)
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let all = reg
            .projects(
                &ProjectFilter::default(),
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await
            .unwrap();
        assert_eq!(all.items.len(), 40);
    }
}

#[tokio::test]
async fn reopening_keeps_data_and_migrations_are_idempotent() {
    let dir = std::env::temp_dir().join(format!("nuage-registry-reopen-{}", std::process::id()));
    // A directory left by an earlier run under the same process id is not this run's.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut urls = vec![format!("sqlite://{}", dir.join("r.db").display())];
    if let Some(cluster) = nuage_testpg::cluster() {
        urls.push(fresh_pg(cluster).await);
    }
    for url in urls {
        let reg = Registry::open(&url).await.unwrap();
        reg.create_organisation(&actor("a"), OrganisationKind::Ministry, "Kept", None)
            .await
            .unwrap();
        reg.close().await;
        let again = Registry::open(&url).await.unwrap();
        assert_eq!(again.organisations().await.unwrap().len(), 1);
        again.ping().await.unwrap();
    }
}

#[tokio::test]
async fn unsupported_urls_are_refused_without_leaking_passwords() {
    let err = Registry::open("mysql://root:hunter2@db/nuage")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("unsupported database URL"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn people_roles_membership_and_tokens() {
    for reg in registries().await {
        let admin = actor("setup");
        let a = reg
            .create_organisation(&admin, OrganisationKind::Ministry, "Ministère A", None)
            .await
            .unwrap();
        let b = reg
            .create_organisation(&admin, OrganisationKind::Ministry, "Ministère B", None)
            .await
            .unwrap();
        let op = reg
            .create_organisation(
                &admin,
                OrganisationKind::Operator,
                "Opérateur de A",
                Some(a.id),
            )
            .await
            .unwrap();
        let alice = reg
            .create_user(
                &admin,
                "oidc:alice",
                "Alice",
                Role::ProjectMember,
                Some(a.id),
            )
            .await
            .unwrap();
        let carol = reg
            .create_user(
                &admin,
                "oidc:carol",
                "Carol",
                Role::MinistryController,
                Some(a.id),
            )
            .await
            .unwrap();
        let bob = reg
            .create_user(
                &admin,
                "oidc:bob",
                "Bob",
                Role::MinistryController,
                Some(b.id),
            )
            .await
            .unwrap();
        let dinum = reg
            .create_user(&admin, "oidc:dinum", "Dina", Role::Dinum, None)
            .await
            .unwrap();
        // Wrong combinations are refused with the field named.
        for (role, ministry) in [
            (Role::ProjectMember, None),
            (Role::Dinum, Some(a.id)),
            (Role::MinistryController, Some(op.id)),
        ] {
            let err = reg
                .create_user(&admin, "oidc:x", "X", role, ministry)
                .await
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Invalid {
                        field: "ministry_id",
                        ..
                    }
                ),
                "{err}"
            );
        }
        let err = reg
            .create_user(&admin, "oidc:alice", "Alice 2", Role::Auditor, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)));

        let (project, _) = reg
            .create_project(
                &alice.actor(),
                op.id,
                "Projet de l'opérateur",
                &dossier("d"),
                &summary("compliant", "internal_cloud"),
                &assessment("compliant", "{}"),
            )
            .await
            .unwrap();
        assert_eq!(reg.access(&alice, &project).await.unwrap(), Access::None);
        reg.add_member(&carol.actor(), project.id, &alice)
            .await
            .unwrap();
        assert_eq!(reg.access(&alice, &project).await.unwrap(), Access::Write);
        assert_eq!(reg.access(&carol, &project).await.unwrap(), Access::Write);
        assert_eq!(reg.access(&bob, &project).await.unwrap(), Access::None);
        assert_eq!(reg.access(&dinum, &project).await.unwrap(), Access::Read);
        // A user of another ministry cannot join the team.
        let err = reg
            .add_member(&bob.actor(), project.id, &bob)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid { field: "user", .. }));
        assert_eq!(bob.listing_scope().unwrap(), Some(b.id));
        assert_eq!(dinum.listing_scope().unwrap(), None);

        // Tokens: the secret works until revoked; only its hash is stored.
        let token = reg
            .issue_token(&alice.actor(), &alice, "gitlab-ci")
            .await
            .unwrap();
        assert!(token.secret.starts_with("nuage_") && token.secret.len() == 70);
        assert_eq!(
            reg.user_for_token(&token.secret).await.unwrap(),
            Some(alice.clone())
        );
        assert_eq!(reg.user_for_token("nuage_forged").await.unwrap(), None);
        let other = reg
            .issue_token(&alice.actor(), &alice, "second")
            .await
            .unwrap();
        assert_ne!(token.secret, other.secret);
        reg.revoke_token(&alice.actor(), token.id).await.unwrap();
        assert_eq!(reg.user_for_token(&token.secret).await.unwrap(), None);
        assert_eq!(
            reg.user_for_token(&other.secret).await.unwrap(),
            Some(alice.clone())
        );
        assert!(matches!(
            reg.revoke_token(&alice.actor(), token.id)
                .await
                .unwrap_err(),
            Error::NotFound { .. }
        ));
        assert_eq!(
            reg.user_by_subject("oidc:carol").await.unwrap(),
            Some(carol)
        );
        let log = reg.audit_log("user", &alice.id.to_string()).await.unwrap();
        let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["user.create", "token.issue", "token.issue"]);
        assert!(!serde_json::to_string(&log).unwrap().contains(&token.secret));
    }
}

#[tokio::test]
async fn concurrent_updates_from_one_version_one_wins_the_others_conflict() {
    for reg in registries().await {
        let who = actor("oidc:race");
        let m = reg
            .create_organisation(&who, OrganisationKind::Ministry, "M", None)
            .await
            .unwrap();
        let (project, _) = reg
            .create_project(
                &who,
                m.id,
                "P",
                &dossier("v1"),
                &summary("compliant", "internal_cloud"),
                &assessment("compliant", "{}"),
            )
            .await
            .unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let reg = reg.clone();
                let who = who.clone();
                tokio::spawn(async move {
                    reg.update_project(
                        &who,
                        project.id,
                        None,
                        &dossier(&format!("v2-{i}")),
                        &summary("compliant", "internal_cloud"),
                        &assessment("compliant", "{}"),
                    )
                    .await
                })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => won += 1,
                // Never a raw database error: a lost race is a conflict the caller can retry.
                Err(e) => assert!(matches!(e, Error::Conflict(_)), "{e}"),
            }
        }
        assert!(won >= 1);
        let current = reg.project(project.id).await.unwrap().current_version;
        assert_eq!(current, 1 + won);
        assert_eq!(
            reg.dossier_versions(project.id).await.unwrap().len() as i64,
            current
        );
    }
}

#[tokio::test]
async fn sessions_and_drafts() {
    for registry in registries().await {
        let a = actor("setup");
        let ministry = registry
            .create_organisation(&a, OrganisationKind::Ministry, "Ministère S", None)
            .await
            .unwrap();
        let user = registry
            .create_user(&a, "sub:s", "Sam", Role::ProjectMember, Some(ministry.id))
            .await
            .unwrap();
        let session = registry.open_session(&user, "test").await.unwrap();
        assert_eq!(session.secret.len(), 64);
        let found = registry.session(&session.secret).await.unwrap().unwrap();
        assert_eq!(found.user.id, user.id);
        assert_eq!(found.csrf, session.csrf);
        assert!(registry.session("not-a-session").await.unwrap().is_none());
        registry.close_session(&session.secret).await.unwrap();
        assert!(registry.session(&session.secret).await.unwrap().is_none());

        // A draft started anonymously becomes its first saver's.
        let draft = registry.create_draft(None, "{}").await.unwrap();
        assert!(DraftId::parse(draft.id.as_str()).is_some());
        registry
            .save_draft(&draft.id, Some(&user), r#"{"project.name":["X"]}"#)
            .await
            .unwrap();
        let saved = registry.draft(&draft.id).await.unwrap();
        assert_eq!(saved.user_id, Some(user.id));
        assert_eq!(saved.answers, r#"{"project.name":["X"]}"#);
        assert_eq!(registry.drafts_of(&user).await.unwrap().len(), 1);
        let missing = DraftId::parse(&"0".repeat(32)).unwrap();
        assert!(matches!(
            registry.draft(&missing).await,
            Err(Error::NotFound { .. })
        ));
        assert!(DraftId::parse("../etc").is_none());
    }
}
