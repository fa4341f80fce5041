//! Dashboard queries over 100 000 generated projects: `cargo run --release -p nuage-registry
//! --example dashboard_bench -- URL [PROJECTS]`. Prints the median of 15 runs per query.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::time::{Duration, Instant};

use nuage_registry::*;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("usage: dashboard_bench URL [PROJECTS]");
    let total: usize = args
        .next()
        .map_or(100_000, |n| n.parse().expect("PROJECTS"));
    let registry = Registry::open(&url).await.unwrap();
    let actor = Actor("bench".into());
    let existing = registry.organisations().await.unwrap();
    let ministries: Vec<OrganisationId> = if existing.is_empty() {
        let started = Instant::now();
        let mut ids = Vec::new();
        for m in 0..10 {
            let org = registry
                .create_organisation(
                    &actor,
                    OrganisationKind::Ministry,
                    &format!("Ministère {m}"),
                    None,
                )
                .await
                .unwrap();
            ids.push(org.id);
        }
        let hosting = [
            "internal_cloud",
            "commercial_cloud",
            "saas",
            "on_premise",
            "undecided",
        ];
        let sensitivity = ["sensitive", "not_sensitive", "undetermined"];
        let procedure = ["project_authority", "ministry", "major_project_review"];
        let verdict = ["compliant", "non_compliant", "to_verify", "not_applicable"];
        let obstacles = [
            vec![],
            vec!["compétences".to_owned()],
            vec!["coût".to_owned(), "réversibilité".to_owned()],
        ];
        let per = total / ids.len();
        for (m, ministry) in ids.iter().enumerate() {
            let items: Vec<_> = (0..per)
                .map(|i| {
                    let k = i * 7 + m;
                    (
                        format!("Projet {m}-{i}"),
                        NewDossier {
                            format: "toml".into(),
                            source: format!("# {m}-{i}"),
                        },
                        ProjectSummary {
                            hosting_kind: hosting[k % 5].into(),
                            sensitivity: sensitivity[k % 3].into(),
                            procedure: procedure[k % 3].into(),
                            verdict: verdict[k % 4].into(),
                            full_cost_cents: (k as i64 % 1000) * 1_000_000,
                            obstacles: obstacles[k % 3].clone(),
                        },
                        NewAssessment {
                            edition: "2023-05-31".into(),
                            catalog_version: "bench".into(),
                            assessed_on: "2026-11-23".into(),
                            verdict: verdict[k % 4].into(),
                            body: "{}".into(),
                        },
                    )
                })
                .collect();
            registry
                .import_projects(&actor, *ministry, &items)
                .await
                .unwrap();
        }
        eprintln!(
            "generated {} projects in {:.1} s",
            per * ids.len(),
            started.elapsed().as_secs_f64()
        );
        ids
    } else {
        existing.iter().map(|o| o.id).collect()
    };
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    for (label, scope) in [
        ("all ministries", None),
        ("one ministry", Some(ministries[0])),
    ] {
        let mut samples = Vec::new();
        let mut projects = 0;
        for _ in 0..15 {
            let started = Instant::now();
            let board = registry
                .dashboard(scope, "2026-11-23", "2026-12-23", "2027-02-21")
                .await
                .unwrap();
            samples.push(started.elapsed());
            projects = board.projects;
        }
        println!(
            "{:<8} dashboard, {label:<14} ({projects} projects): median {:.1} ms",
            registry.backend().as_str(),
            median(samples).as_secs_f64() * 1e3
        );
    }
    let mut samples = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        registry
            .projects(
                &ProjectFilter {
                    ministry: Some(ministries[3]),
                    verdict: Some("compliant".into()),
                    ..Default::default()
                },
                PageRequest::default(),
            )
            .await
            .unwrap();
        samples.push(started.elapsed());
    }
    println!(
        "{:<8} project list, filtered, first page: median {:.2} ms",
        registry.backend().as_str(),
        median(samples).as_secs_f64() * 1e3
    );
}
