//! The readers never panic: arbitrary text, and fixture files cut and spliced at random.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::sync::OnceLock;

use nuage_catalog::Catalog;
use nuage_iac::{Mappings, scan_source};
use proptest::prelude::*;

fn env() -> &'static (Catalog, Mappings) {
    static E: OnceLock<(Catalog, Mappings)> = OnceLock::new();
    E.get_or_init(|| {
        let c = Catalog::embedded().unwrap();
        let m = Mappings::embedded(&c).unwrap();
        (c, m)
    })
}

const NAMES: [&str; 5] = [
    "main.tf",
    "main.tf.json",
    "plan.json",
    "app.yaml",
    "terraform.tfvars",
];

fn fixtures() -> Vec<(&'static str, String)> {
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ministere/");
    [
        ("main.tf", "envs/prod/main.tf"),
        ("main.tf", "azure/main.tf"),
        ("main.tf.json", "scaleway/main.tf.json"),
        ("plan.json", "plan/plan.json"),
        ("app.yaml", "k8s/app.yaml"),
    ]
    .into_iter()
    .map(|(name, rel)| {
        (
            name,
            std::fs::read_to_string(format!("{base}{rel}")).unwrap(),
        )
    })
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}", which in 0usize..5) {
        let (c, m) = env();
        let _ = scan_source(NAMES[which], &text, m, c);
    }

    #[test]
    fn structured_noise_never_panics(text in "(resource|provider|module|variable|locals|\"|\\{|\\}|=|\\[|\\]|\\$\\{|var\\.x|aws_instance|[a-z_]{1,8}|\\n| |:|-|apiVersion|kind|planned_values){0,80}", which in 0usize..5) {
        let (c, m) = env();
        let _ = scan_source(NAMES[which], &text, m, c);
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0usize..5, cut in 0usize..4000, len in 0usize..40, junk in "\\PC{0,12}") {
        let (c, m) = env();
        let files = fixtures();
        let (name, text) = &files[which % files.len()];
        let chars: Vec<char> = text.chars().collect();
        let at = cut % chars.len().max(1);
        let end = (at + len).min(chars.len());
        let mutated: String = chars[..at].iter().chain(junk.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
        let inv = scan_source(name, &mutated, m, c);
        for r in &inv.resources {
            prop_assert!(r.line >= 1);
        }
    }
}
