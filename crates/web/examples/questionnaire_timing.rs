//! How long the questionnaire takes to decide what to ask (it assesses every probe):
//! `cargo run --release -p nuage-web --example questionnaire_timing`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use nuage_catalog::{Catalog, Date};
use nuage_doctrine::{Format, Lang, read_dossier};
use nuage_web::Questionnaire;

fn main() {
    let catalog = Catalog::embedded().unwrap();
    let q = Questionnaire::embedded().unwrap();
    let today = Date::new(2026, 11, 23).unwrap();
    let cases = [
        ("empty draft", nuage_web::Answers::new()),
        (
            "portail-demarches (imported)",
            q.answers_from(
                &read_dossier(
                    include_str!("../../../examples/portail-demarches.toml"),
                    Format::Toml,
                    &catalog,
                )
                .unwrap(),
                &catalog,
            )
            .0,
        ),
    ];
    for (name, answers) in cases {
        let runs = 200;
        let started = std::time::Instant::now();
        let mut asked = 0;
        for _ in 0..runs {
            asked = std::hint::black_box(q.evaluate(&answers, &catalog, today, Lang::Fr))
                .asked
                .len();
        }
        println!(
            "{name}: {:?} per evaluation, {asked} questions asked",
            started.elapsed() / runs
        );
    }
}
