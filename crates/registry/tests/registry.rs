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
        // Names are unique among ministries, and among one ministry's operators.
        let err = reg
            .create_organisation(&who, OrganisationKind::Ministry, &interieur.name, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err}");
        let err = reg
            .create_organisation(&who, OrganisationKind::Operator, "ANTS", Some(interieur.id))
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
        // A NUL character in a filter is refused, naming the field, on both databases
        // (PostgreSQL cannot even compare it; it used to answer a database error).
        for (filter, field) in [
            (
                ProjectFilter {
                    sensitivity: Some("sens\0ible".into()),
                    ..Default::default()
                },
                "sensitivity",
            ),
            (
                ProjectFilter {
                    name_contains: Some("\0".into()),
                    ..Default::default()
                },
                "q",
            ),
        ] {
            match reg.projects(&filter, PageRequest::default()).await {
                Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{:?}: {other:?}", reg.backend()),
            }
        }
        let dashboard = DashboardFilter {
            procedure: Some("\0".into()),
            ..DashboardFilter::default()
        };
        match reg
            .dashboard_of(&dashboard, "2026-12-02", "2027-01-01", "2027-03-02")
            .await
        {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "procedure"),
            other => panic!("{:?}: {other:?}", reg.backend()),
        }
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

// ---- hardening (issue 14): each of these fails on the registry before it ----

#[tokio::test]
async fn organisation_names_are_unique_within_a_ministry_only() {
    for reg in registries().await {
        let who = actor("dinum");
        let a = reg
            .create_organisation(&who, OrganisationKind::Ministry, "Ministère A", None)
            .await
            .unwrap();
        let b = reg
            .create_organisation(&who, OrganisationKind::Ministry, "Ministère B", None)
            .await
            .unwrap();
        reg.create_organisation(&who, OrganisationKind::Operator, "Agence", Some(a.id))
            .await
            .unwrap();
        // Another ministry may name an operator the same: a refusal would reveal A's operator.
        let other = reg
            .create_organisation(&who, OrganisationKind::Operator, "Agence", Some(b.id))
            .await
            .unwrap();
        assert_eq!(other.ministry_id, b.id);
        // The same ministry may not.
        let err = reg
            .create_organisation(&who, OrganisationKind::Operator, "Agence", Some(b.id))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err}");
        assert_eq!(reg.ministry_by_name("Ministère B").await.unwrap(), Some(b));
        assert_eq!(reg.ministry_by_name("Agence").await.unwrap(), None);
    }
}

async fn ministry_and_user(reg: &Registry, subject: &str) -> (Organisation, User) {
    let m = reg
        .create_organisation(
            &actor("setup"),
            OrganisationKind::Ministry,
            "Ministère T",
            None,
        )
        .await
        .unwrap();
    let user = reg
        .create_user(
            &actor("setup"),
            subject,
            "Test",
            Role::ProjectMember,
            Some(m.id),
        )
        .await
        .unwrap();
    (m, user)
}

#[tokio::test]
async fn tokens_have_a_scope_an_expiry_a_last_use_and_are_revoked() {
    for reg in registries().await {
        let (_, alice) = ministry_and_user(&reg, "oidc:alice").await;
        let who = actor("admin");
        let read = reg
            .issue_token_with(
                &who,
                &alice,
                &NewToken::for_days("lecture", TokenScope::Read, 30),
            )
            .await
            .unwrap();
        let found = reg.token_user(&read.secret).await.unwrap().unwrap();
        assert_eq!(found.scope, TokenScope::Read);
        assert_eq!(found.user.id, alice.id);
        let listed = reg.tokens(Some(alice.id)).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "lecture");
        assert_eq!(listed[0].state, "active");
        assert!(listed[0].last_used_at.is_some(), "the last use is recorded");
        assert!(listed[0].expires_at.is_some());

        // A token expires: one issued to live two seconds no longer authenticates after.
        let now = jiff::Timestamp::now().as_second();
        let short = reg
            .issue_token_with(
                &who,
                &alice,
                &NewToken {
                    name: "court".into(),
                    scope: TokenScope::Write,
                    expires_at: now + 2,
                },
            )
            .await
            .unwrap();
        assert!(reg.user_for_token(&short.secret).await.unwrap().is_some());
        tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
        assert_eq!(reg.user_for_token(&short.secret).await.unwrap(), None);
        assert_eq!(reg.token(short.id).await.unwrap().state, "expired");

        // No token without an expiry, nor one beyond the maximum.
        for expires_at in [now - 1, now + (TOKEN_MAX_DAYS + 2) * 86_400] {
            let err = reg
                .issue_token_with(
                    &who,
                    &alice,
                    &NewToken {
                        name: "x".into(),
                        scope: TokenScope::Write,
                        expires_at,
                    },
                )
                .await
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Invalid {
                        field: "expires_in_days",
                        ..
                    }
                ),
                "{err}"
            );
        }

        // Revoked: refused at once, listed as such, in the audit log.
        reg.revoke_token(&who, read.id).await.unwrap();
        assert_eq!(reg.user_for_token(&read.secret).await.unwrap(), None);
        assert_eq!(reg.token(read.id).await.unwrap().state, "revoked");
        let log = reg.audit_log("token", &read.id.to_string()).await.unwrap();
        assert_eq!(log.last().unwrap().action, "token.revoke");
    }
}

#[tokio::test]
async fn a_disabled_account_neither_logs_in_nor_uses_its_tokens() {
    for reg in registries().await {
        let (m, alice) = ministry_and_user(&reg, "oidc:bob").await;
        let token = reg
            .issue_token(&actor("admin"), &alice, "ci")
            .await
            .unwrap();
        let session = reg.open_session(&alice, "test").await.unwrap();
        let off = reg
            .set_disabled(&actor("admin"), alice.id, true)
            .await
            .unwrap();
        assert!(off.is_disabled());
        assert_eq!(reg.user_for_token(&token.secret).await.unwrap(), None);
        assert!(reg.session(&session.secret).await.unwrap().is_none());
        let err = reg
            .issue_token(&actor("admin"), &off, "another")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid { .. }), "{err}");
        let on = reg
            .set_disabled(&actor("admin"), alice.id, false)
            .await
            .unwrap();
        assert!(!on.is_disabled());
        assert!(reg.user_for_token(&token.secret).await.unwrap().is_some());
        // A role changes with its ministry, audited; a DINUM account belongs to none.
        let err = reg
            .set_role(&actor("admin"), alice.id, Role::Dinum, Some(m.id))
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
        let auditor = reg
            .set_role(&actor("admin"), alice.id, Role::Auditor, Some(m.id))
            .await
            .unwrap();
        assert_eq!(auditor.role, Role::Auditor);
        let actions: Vec<String> = reg
            .audit_log("user", &alice.id.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "user.create",
                "token.issue",
                "session.open",
                "user.disable",
                "user.enable",
                "user.role"
            ]
        );
    }
}

#[tokio::test]
async fn an_account_opened_by_email_binds_to_the_first_verified_subject_only() {
    for reg in registries().await {
        let m = reg
            .create_organisation(
                &actor("setup"),
                OrganisationKind::Ministry,
                "Ministère E",
                None,
            )
            .await
            .unwrap();
        let opened = reg
            .create_user_by_email(
                &actor("setup"),
                "Alice@A.gouv.fr",
                "Alice",
                Role::MinistryController,
                Some(m.id),
            )
            .await
            .unwrap();
        assert_eq!(opened.subject, "email:alice@a.gouv.fr");
        // An unverified e-mail opens nothing, and binds nothing.
        assert_eq!(
            reg.user_for_login("attacker", Some("alice@a.gouv.fr"), false)
                .await
                .unwrap(),
            None
        );
        // The first subject with the e-mail verified gets the account, for good.
        let bound = reg
            .user_for_login("sub-1", Some("ALICE@a.gouv.fr"), true)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bound.id, opened.id);
        assert_eq!(bound.subject, "sub-1");
        assert_eq!(bound.email.as_deref(), Some("alice@a.gouv.fr"));
        // Another subject with the same verified e-mail does not.
        assert_eq!(
            reg.user_for_login("sub-2", Some("alice@a.gouv.fr"), true)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            reg.user_for_login("sub-1", None, false)
                .await
                .unwrap()
                .map(|u| u.id),
            Some(opened.id)
        );
        // The registry's own subjects are not the provider's to claim.
        assert_eq!(
            reg.user_for_login("email:alice@a.gouv.fr", None, false)
                .await
                .unwrap(),
            None
        );
        let log = reg.audit_log("user", &opened.id.to_string()).await.unwrap();
        assert_eq!(log.last().unwrap().action, "user.bind");
    }
}

#[tokio::test]
async fn drafts_expire_and_are_capped() {
    for reg in registries().await {
        let reg = reg.with_limits(Limits {
            anonymous_drafts: 3,
            drafts_per_user: 2,
            draft_bytes: 1024,
            ..Limits::default()
        });
        for _ in 0..3 {
            reg.create_draft(None, "{}").await.unwrap();
        }
        let err = reg.create_draft(None, "{}").await.unwrap_err();
        assert!(matches!(err, Error::LimitReached(_)), "{err}");
        let (_, alice) = ministry_and_user(&reg, "oidc:drafter").await;
        let mine = reg.create_draft(Some(&alice), "{}").await.unwrap();
        reg.create_draft(Some(&alice), "{}").await.unwrap();
        let err = reg.create_draft(Some(&alice), "{}").await.unwrap_err();
        assert!(matches!(err, Error::LimitReached(_)), "{err}");
        let big = format!("{{\"x\": \"{}\"}}", "a".repeat(2000));
        let err = reg
            .save_draft(&mine.id, Some(&alice), &big)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge(_)), "{err}");

        // Untouched past the limit's days, a draft is gone (here: 0 days, one second later).
        let reg = reg.with_limits(Limits {
            draft_days: 0,
            ..Limits::default()
        });
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert!(matches!(
            reg.draft(&mine.id).await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            reg.save_draft(&mine.id, Some(&alice), "{}").await,
            Err(Error::NotFound { .. })
        ));
        // The next draft sweeps the expired ones away.
        reg.create_draft(None, "{}").await.unwrap();
        let reg = reg.with_limits(Limits::default());
        assert_eq!(reg.draft_counts().await.unwrap(), (1, 1));
    }
}

#[tokio::test]
async fn a_project_keeps_its_latest_scans_and_lists_them_without_their_inventory() {
    for reg in registries().await {
        let reg = reg.with_limits(Limits {
            scans_per_project: 3,
            ..Limits::default()
        });
        let m = reg
            .create_organisation(
                &actor("setup"),
                OrganisationKind::Ministry,
                "Ministère S",
                None,
            )
            .await
            .unwrap();
        let (project, _) = reg
            .create_project(
                &actor("setup"),
                m.id,
                "P",
                &NewDossier {
                    format: "toml".into(),
                    source: "x".into(),
                },
                &summary("compliant", "saas"),
                &assessment("compliant", "{}"),
            )
            .await
            .unwrap();
        let mut ids = Vec::new();
        for i in 0..5 {
            let stored = reg
                .append_scan(
                    &actor("ci"),
                    project.id,
                    &NewScan {
                        resources: i,
                        findings: 0,
                        body: format!("{{\"resources\": [], \"n\": {i}}}"),
                        summary: format!("{{\"n\": {i}}}"),
                    },
                )
                .await
                .unwrap();
            ids.push(stored.id);
        }
        let listed: Vec<ScanId> = reg
            .scans(project.id)
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(listed, vec![ids[4], ids[3], ids[2]]);
        assert_eq!(reg.scan_count(project.id).await.unwrap(), 3);
        let (latest, summary) = reg.latest_scan(project.id).await.unwrap().unwrap();
        assert_eq!(latest.id, ids[4]);
        assert_eq!(summary.as_deref(), Some("{\"n\": 4}"));
        assert!(
            reg.scan_body(project.id, ids[4])
                .await
                .unwrap()
                .contains("\"n\": 4")
        );
        assert!(matches!(
            reg.scan_body(project.id, ids[0]).await,
            Err(Error::NotFound { .. })
        ));
        let pruned = reg
            .audit_log("project", &project.id.to_string())
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "scan.prune")
            .count();
        assert_eq!(pruned, 2);
    }
}

/// An R9 transitional derogation of the 2023 path (minister, Prime Minister) ending on `deadline`.
fn r9_request(deadline: &str) -> NewDerogation {
    use nuage_doctrine::{Approver, DerogationKind};
    NewDerogation {
        kind: DerogationKind::R9Transitional,
        approvers: vec![Approver::Minister, Approver::PrimeMinister],
        justification: "engagé".into(),
        deadline: Some(deadline.into()),
        deadline_source: Some("dossier".into()),
        suggested_deadline: None,
        suggested_deadline_source: None,
        documents: vec![],
    }
}

#[tokio::test]
async fn each_notification_is_claimed_once_and_addresses_follow_roles() {
    for reg in registries().await {
        let setup = actor("setup");
        let m = reg
            .create_organisation(&setup, OrganisationKind::Ministry, "Ministère N", None)
            .await
            .unwrap();
        let other = reg
            .create_organisation(&setup, OrganisationKind::Ministry, "Ministère O", None)
            .await
            .unwrap();
        let member = reg
            .create_user_by_email(
                &setup,
                "cheffe@n.gouv.fr",
                "Cheffe",
                Role::ProjectMember,
                Some(m.id),
            )
            .await
            .unwrap();
        let controller = reg
            .create_user_by_email(
                &setup,
                "controle@n.gouv.fr",
                "Contrôle",
                Role::MinistryController,
                Some(m.id),
            )
            .await
            .unwrap();
        reg.create_user_by_email(
            &setup,
            "controle@o.gouv.fr",
            "Ailleurs",
            Role::MinistryController,
            Some(other.id),
        )
        .await
        .unwrap();
        let dinum = reg
            .create_user(&setup, "dinum-sub", "DINUM", Role::Dinum, None)
            .await
            .unwrap();
        // An account without an address gets one for notifications; one with an address keeps it.
        reg.set_notification_address(&setup, dinum.id, "Dinum@Numerique.gouv.fr")
            .await
            .unwrap();
        reg.set_notification_address(&setup, controller.id, "autre@n.gouv.fr")
            .await
            .unwrap();
        assert!(
            reg.set_notification_address(&setup, dinum.id, "pas une adresse")
                .await
                .is_err()
        );
        let (project, _) = reg
            .create_project_with_team(
                &setup,
                m.id,
                "P",
                &dossier("x"),
                &summary("non_compliant", "commercial_cloud"),
                &assessment("non_compliant", "{}"),
                &[member.id],
            )
            .await
            .unwrap();
        let d = reg
            .create_derogation(&member, project.id, &r9_request("2027-01-31"))
            .await
            .unwrap();
        assert_eq!(
            reg.addresses(&d, true, None).await.unwrap(),
            vec!["cheffe@n.gouv.fr".to_owned()]
        );
        assert_eq!(
            reg.addresses(&d, false, Some(Role::MinistryController))
                .await
                .unwrap(),
            vec!["controle@n.gouv.fr".to_owned()],
            "only the derogation's ministry's controllers"
        );
        assert_eq!(
            reg.addresses(&d, false, Some(Role::Dinum)).await.unwrap(),
            vec!["dinum@numerique.gouv.fr".to_owned()]
        );
        let to = vec!["controle@n.gouv.fr".to_owned()];
        // Claimed once per (derogation, kind, threshold), whatever the number of tries.
        assert!(
            reg.claim_notification(d.id, NotificationKind::Waiting, "submitted", &to, "s")
                .await
                .unwrap()
        );
        assert!(
            !reg.claim_notification(d.id, NotificationKind::Waiting, "submitted", &to, "s")
                .await
                .unwrap()
        );
        assert!(
            reg.claim_notification(
                d.id,
                NotificationKind::Waiting,
                "approved_by_minister",
                &to,
                "s"
            )
            .await
            .unwrap()
        );
        for days in ["90", "30", "7"] {
            assert!(
                reg.claim_notification(d.id, NotificationKind::Deadline, days, &to, "d")
                    .await
                    .unwrap()
            );
            assert!(
                !reg.claim_notification(d.id, NotificationKind::Deadline, days, &to, "d")
                    .await
                    .unwrap()
            );
        }
        // A failed send gives its claim back; a sent one stays.
        reg.release_notification(d.id, NotificationKind::Deadline, "7")
            .await
            .unwrap();
        reg.notification_sent(d.id, NotificationKind::Deadline, "30")
            .await
            .unwrap();
        reg.release_notification(d.id, NotificationKind::Deadline, "30")
            .await
            .unwrap();
        assert!(
            reg.claim_notification(d.id, NotificationKind::Deadline, "7", &to, "d")
                .await
                .unwrap()
        );
        assert!(
            !reg.claim_notification(d.id, NotificationKind::Deadline, "30", &to, "d")
                .await
                .unwrap()
        );
        let recorded = reg.notifications_of(d.id).await.unwrap();
        assert_eq!(recorded.len(), 5);
        assert!(
            recorded
                .iter()
                .any(|n| n.threshold == "30" && n.sent_at.is_some())
        );
        assert_eq!(recorded[0].recipients, to);
        // Concurrent claims: exactly one wins.
        let mut tries = Vec::new();
        for _ in 0..8 {
            let reg = reg.clone();
            let to = to.clone();
            tries.push(tokio::spawn(async move {
                reg.claim_notification(d.id, NotificationKind::Waiting, "race", &to, "s")
                    .await
                    .unwrap()
            }));
        }
        let mut won = 0;
        for t in tries {
            won += usize::from(t.await.unwrap());
        }
        assert_eq!(won, 1);
        // A claim whose sender died before recording the mail is taken over once its lease has
        // passed (here at once), and never once the mail is recorded as sent.
        let lease_over = reg.clone().with_limits(Limits {
            notification_claim_seconds: 0,
            ..reg.limits()
        });
        assert!(
            lease_over
                .claim_notification(d.id, NotificationKind::Deadline, "crash", &to, "c")
                .await
                .unwrap()
        );
        assert!(
            !reg.claim_notification(d.id, NotificationKind::Deadline, "crash", &to, "c")
                .await
                .unwrap(),
            "within its lease, a claim is not taken over"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert!(
            lease_over
                .claim_notification(d.id, NotificationKind::Deadline, "crash", &to, "c2")
                .await
                .unwrap(),
            "the lease is over and nothing was sent: the claim is taken over"
        );
        lease_over
            .notification_sent(d.id, NotificationKind::Deadline, "crash")
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert!(
            !lease_over
                .claim_notification(d.id, NotificationKind::Deadline, "crash", &to, "c3")
                .await
                .unwrap(),
            "a sent mail is never sent again"
        );
        // The open derogations of a ministry, of a member.
        assert_eq!(
            reg.open_derogations(Some(m.id), None).await.unwrap().len(),
            1
        );
        assert_eq!(
            reg.open_derogations(Some(other.id), None)
                .await
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            reg.open_derogations(None, Some(member.id))
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            reg.open_derogations(None, Some(dinum.id))
                .await
                .unwrap()
                .len(),
            0
        );
        // Attachments: PDF only, bounded, kept with their hash.
        let pdf = b"%PDF-1.4\n% test\n%%EOF\n".to_vec();
        let info = reg
            .attach(&member, &d, "note/../x.pdf", &pdf)
            .await
            .unwrap();
        assert_eq!(info.name, "note..x.pdf");
        assert!(info.sha256.starts_with("sha256:") && info.sha256.len() == 71);
        assert_eq!(reg.attachment(d.id, info.id).await.unwrap().1, pdf);
        assert!(
            reg.attach(&member, &d, "x.exe", b"MZ\x90\x00")
                .await
                .is_err()
        );
        let big = [
            b"%PDF-1.4\n".as_slice(),
            &vec![b' '; ATTACHMENT_MAX_BYTES],
            b"%%EOF",
        ]
        .concat();
        assert!(reg.attach(&member, &d, "big.pdf", &big).await.is_err());
        assert_eq!(reg.attachments_of(d.id).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn dashboards_filter_and_count_money_deadlines_and_compliance_over_time() {
    for reg in registries().await {
        let m = reg
            .create_organisation(
                &actor("setup"),
                OrganisationKind::Ministry,
                "Ministère D",
                None,
            )
            .await
            .unwrap();
        for (verdict, cents) in [("non_compliant", 350_000_000), ("compliant", 1_200_000_000)] {
            let mut s = summary(verdict, "commercial_cloud");
            s.full_cost_cents = cents;
            reg.create_project(
                &actor("setup"),
                m.id,
                verdict,
                &dossier("x"),
                &s,
                &assessment(verdict, "{}"),
            )
            .await
            .unwrap();
        }
        let d = reg
            .dashboard_of(
                &DashboardFilter {
                    ministry: Some(m.id),
                    ..DashboardFilter::default()
                },
                "2026-12-02",
                "2027-01-01",
                "2027-03-02",
            )
            .await
            .unwrap();
        assert_eq!(d.projects, 2);
        assert_eq!(d.cost_by_verdict["non_compliant"], 350_000_000);
        assert_eq!(d.cost_by_procedure["ministry_dnum"], 1_550_000_000);
        assert_eq!(d.verdicts_over_time.len(), 1);
        assert_eq!(d.verdicts_over_time[0].by_verdict["compliant"], 1);
        let none = reg
            .dashboard_of(
                &DashboardFilter {
                    ministry: Some(m.id),
                    sensitivity: Some("not_sensitive".into()),
                    from: Some("2000-01-01".into()),
                    to: Some("2100-01-01".into()),
                    ..DashboardFilter::default()
                },
                "2026-12-02",
                "2027-01-01",
                "2027-03-02",
            )
            .await
            .unwrap();
        assert_eq!(none.projects, 0);

        // The list a dashboard bar opens: the projects with a derogation in these states whose
        // deadline falls in the bar's bucket, and the period of registration.
        use nuage_doctrine::DerogationState;
        let member = reg
            .create_user_by_email(
                &actor("setup"),
                "equipe@d.gouv.fr",
                "Équipe",
                Role::ProjectMember,
                Some(m.id),
            )
            .await
            .unwrap();
        let (covered, _) = reg
            .create_project_with_team(
                &actor("setup"),
                m.id,
                "Couvert",
                &dossier("y"),
                &summary("non_compliant", "commercial_cloud"),
                &assessment("non_compliant", "{}"),
                &[member.id],
            )
            .await
            .unwrap();
        reg.create_derogation(&member, covered.id, &r9_request("2026-12-20"))
            .await
            .unwrap();
        let window = |bucket| DueWindow {
            bucket,
            today: "2026-12-02".into(),
            in_30_days: "2027-01-01".into(),
            in_90_days: "2027-03-02".into(),
        };
        let listed = |states: Vec<DerogationState>, due: Option<DueWindow>| {
            let reg = reg.clone();
            async move {
                let filter = ProjectFilter {
                    ministry: Some(m.id),
                    derogation: Some(DerogationMatch { states, due }),
                    ..ProjectFilter::default()
                };
                let page = reg.projects(&filter, PageRequest::default()).await.unwrap();
                page.items.into_iter().map(|p| p.name).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            listed(
                vec![DerogationState::Draft],
                Some(window(DueBucket::Within30))
            )
            .await,
            ["Couvert"]
        );
        assert_eq!(
            listed(vec![DerogationState::Draft], None).await,
            ["Couvert"]
        );
        for bucket in [
            DueBucket::Overdue,
            DueBucket::Within90,
            DueBucket::Later,
            DueBucket::None,
            DueBucket::Never,
        ] {
            assert!(
                listed(vec![DerogationState::Draft], Some(window(bucket)))
                    .await
                    .is_empty(),
                "{bucket:?}"
            );
        }
        assert!(
            listed(
                vec![DerogationState::Active, DerogationState::Submitted],
                None
            )
            .await
            .is_empty()
        );
        assert!(listed(vec![], None).await.is_empty());
        // Its deadline is passed a month later.
        let later = DueWindow {
            today: "2027-01-02".into(),
            ..window(DueBucket::Overdue)
        };
        assert_eq!(
            listed(vec![DerogationState::Draft], Some(later)).await,
            ["Couvert"]
        );
        for (from, to, n) in [
            (Some("2000-01-01"), Some("2100-01-01"), 3),
            (Some("2100-01-01"), None, 0),
            (None, Some("2000-01-01"), 0),
        ] {
            let filter = ProjectFilter {
                ministry: Some(m.id),
                registered_from: from.map(str::to_owned),
                registered_to: to.map(str::to_owned),
                ..ProjectFilter::default()
            };
            let page = reg.projects(&filter, PageRequest::default()).await.unwrap();
            assert_eq!(page.items.len(), n, "{from:?} {to:?}");
        }
    }
}

#[tokio::test]
async fn a_nul_that_reaches_the_database_is_bad_input_not_an_outage() {
    for reg in registries().await {
        // `organisation_by_name` has no check of its own: on PostgreSQL the database refuses
        // the character (SQLSTATE 22021) and the registry says it is invalid input; SQLite
        // compares it and finds nothing.
        match reg.organisation_by_name("DINUM\0").await {
            Ok(None) => assert_eq!(reg.backend(), Backend::Sqlite),
            Err(Error::Invalid { field, .. }) => {
                assert_eq!(reg.backend(), Backend::Postgres);
                assert_eq!(field, "text");
            }
            other => panic!("{:?}: {other:?}", reg.backend()),
        }
    }
}
