#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! E-mails about derogations, received by a real SMTP server the test starts
//! (`nuage-testsmtp`), on SQLite and PostgreSQL: whoever must act is told once per step, the
//! team and the controllers 90, 30 and 7 days before the deadline, once each.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use nuage_catalog::Date;
use nuage_registry::{Actor, DerogationId, NotificationKind};
use nuage_server::Mailer;
use serde_json::json;

const EXISTANT: &str = include_str!("../../../examples/systeme-existant-derogation.toml");

async fn addresses(w: &World) {
    let setup = Actor("setup".into());
    for (subject, email) in [
        ("alice", "alice@a.gouv.fr"),
        ("carol", "carol@a.gouv.fr"),
        ("bob", "bob@b.gouv.fr"),
        ("dinum", "dinum@numerique.gouv.fr"),
    ] {
        let user = w
            .state
            .registry
            .user_by_subject(subject)
            .await
            .unwrap()
            .unwrap();
        w.state
            .registry
            .set_notification_address(&setup, user.id, email)
            .await
            .unwrap();
    }
}

/// Waits (yielding to the server's background sends) until `n` messages have arrived.
async fn arrived(smtp: &nuage_testsmtp::SmtpServer, n: usize) -> Vec<nuage_testsmtp::Mail> {
    for _ in 0..500 {
        if smtp.mails().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    smtp.mails()
}

#[tokio::test]
async fn whoever_acts_next_is_told_once_and_deadlines_warn_at_90_30_and_7_days() {
    for registry in registries().await {
        let smtp = nuage_testsmtp::SmtpServer::start();
        let mut w = world(registry).await;
        w.state = w
            .state
            .clone()
            .with_mailer(Mailer::new(&smtp.url(), "Nuage <nuage@test.gouv.fr>").unwrap());
        addresses(&w).await;
        let (status, created) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(create_body(w.ministry_a, EXISTANT)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let pid = created["id"].as_i64().unwrap();
        let (status, d) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.alice),
            Some(json!({"kind": "r9_transitional", "justification": "Migration engagée."})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        let id = d["id"].as_i64().unwrap();
        let step = async |token: &str, transition: &str| {
            let (status, d) = call(
                &w,
                "POST",
                &format!("/api/v1/derogations/{id}/transitions"),
                Some(token),
                Some(json!({"transition": transition})),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{d}");
        };
        step(&w.alice, "submit").await;
        let mails = arrived(&smtp, 1).await;
        assert_eq!(mails.len(), 1, "{mails:?}");
        // The ministry's controller approves for the minister: to them, not to another
        // ministry's controller.
        assert_eq!(mails[0].to, vec!["carol@a.gouv.fr".to_owned()]);
        assert!(
            mails[0]
                .text()
                .contains(&format!("La dérogation n° {id} du projet")),
            "{}",
            mails[0].text()
        );
        assert!(mails[0].text().contains("Prochaine action : enregistrer l'accord du ministre, par le contrôleur ministériel."), "{}", mails[0].text());
        assert!(mails[0].text().contains(&format!("/derogations/{id}")));
        step(&w.carol, "approve_for_minister").await;
        let mails = arrived(&smtp, 2).await;
        assert_eq!(mails.len(), 2);
        assert_eq!(mails[1].to, vec!["dinum@numerique.gouv.fr".to_owned()]);
        assert!(
            mails[1]
                .text()
                .contains("validation du Premier ministre, par la DINUM"),
            "{}",
            mails[1].text()
        );
        step(&w.dinum, "validate_for_prime_minister").await;
        // In force until 2027-06-17, on 2026-11-23: nothing is due; a sweep sends nothing again.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            nuage_server::notifications::sweep(&w.state).await.unwrap(),
            0
        );
        assert_eq!(smtp.mails().len(), 2);

        // Days pass: 100 days before, nothing; 80 days before, the 90-day warning, once; 20,
        // the 30-day one; 5, the 7-day one.
        let on = |y, m, d| {
            let mut s = w.state.clone();
            s.today = Arc::new(move || Date::new(y, m, d).unwrap());
            s
        };
        assert_eq!(
            nuage_server::notifications::sweep(&on(2027, 3, 9))
                .await
                .unwrap(),
            0
        );
        for (state, threshold) in [
            (on(2027, 3, 29), "90"),
            (on(2027, 5, 28), "30"),
            (on(2027, 6, 12), "7"),
        ] {
            assert_eq!(
                nuage_server::notifications::sweep(&state).await.unwrap(),
                1,
                "{threshold}"
            );
            assert_eq!(
                nuage_server::notifications::sweep(&state).await.unwrap(),
                0,
                "{threshold}: sent once"
            );
            let last = smtp.mails().pop().unwrap();
            let mut to = last.to.clone();
            to.sort();
            assert_eq!(
                to,
                vec!["alice@a.gouv.fr".to_owned(), "carol@a.gouv.fr".to_owned()]
            );
            assert!(
                last.text().contains("prend fin le 17 juin 2027 (J-"),
                "{}",
                last.text()
            );
        }
        assert_eq!(smtp.mails().len(), 5);
        let recorded = w
            .state
            .registry
            .notifications_of(DerogationId(id))
            .await
            .unwrap();
        let mut keys: Vec<(NotificationKind, String)> = recorded
            .iter()
            .map(|n| (n.kind, n.threshold.clone()))
            .collect();
        keys.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(recorded.len(), 5, "{keys:?}");
        assert!(recorded.iter().all(|n| n.sent_at.is_some()));
    }
}

#[tokio::test]
async fn a_relay_that_refuses_leaves_the_email_to_the_next_sweep() {
    for registry in registries().await {
        // Nothing listens on this port: sending fails, the claim is given back.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut w = world(registry).await;
        w.state = w.state.clone().with_mailer(
            Mailer::new(&format!("smtp://127.0.0.1:{port}"), "nuage@test.gouv.fr").unwrap(),
        );
        addresses(&w).await;
        let (_, created) = call(
            &w,
            "POST",
            "/api/v1/projects",
            Some(&w.alice),
            Some(create_body(w.ministry_a, EXISTANT)),
        )
        .await;
        let pid = created["id"].as_i64().unwrap();
        let (_, d) = call(
            &w,
            "POST",
            &format!("/api/v1/projects/{pid}/derogations"),
            Some(&w.alice),
            Some(json!({"kind": "r9_transitional", "justification": "Migration engagée."})),
        )
        .await;
        let id = d["id"].as_i64().unwrap();
        let (status, _) = call(
            &w,
            "POST",
            &format!("/api/v1/derogations/{id}/transitions"),
            Some(&w.alice),
            Some(json!({"transition": "submit"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            nuage_server::notifications::sweep(&w.state).await.unwrap(),
            0
        );
        assert!(
            w.state
                .registry
                .notifications_of(DerogationId(id))
                .await
                .unwrap()
                .is_empty()
        );
        // The relay is back: the next sweep sends it.
        let smtp = nuage_testsmtp::SmtpServer::start();
        w.state.mailer = Some(Arc::new(
            Mailer::new(&smtp.url(), "nuage@test.gouv.fr").unwrap(),
        ));
        assert_eq!(
            nuage_server::notifications::sweep(&w.state).await.unwrap(),
            1
        );
        assert_eq!(smtp.mails().len(), 1);
    }
}
