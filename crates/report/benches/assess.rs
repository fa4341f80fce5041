//! How fast one dossier is assessed and rendered as the contract's JSON.
//!
//! `cargo bench -p nuage-report` prints the time per assessment; the target is at least
//! 100 000 assessments per second on one core, JSON included (docs/performance.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use divan::{Bencher, black_box};
use nuage_catalog::Catalog;
use nuage_doctrine::{Dossier, Format, Lang, assess, read_dossier};

/// The same allocator as the `nuage` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn setup(name: &str) -> (Catalog, Dossier, String) {
    let catalog = Catalog::embedded().unwrap();
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let format = Format::from_extension(name.rsplit('.').next().unwrap()).unwrap();
    let dossier = read_dossier(&text, format, &catalog).unwrap();
    (catalog, dossier, text)
}

const EXAMPLES: [&str; 3] = [
    "portail-demarches.toml",
    "suite-bureautique-m365.toml",
    "systeme-existant-derogation.toml",
];

/// The engine alone.
#[divan::bench(args = EXAMPLES)]
fn assess_only(bencher: Bencher, name: &str) {
    let (catalog, dossier, _) = setup(name);
    let on = dossier.assessed_on.unwrap();
    bencher.bench(|| assess(black_box(&dossier), &catalog, on, Lang::Fr).unwrap());
}

/// The engine and the JSON of the contract.
#[divan::bench(args = EXAMPLES)]
fn assess_and_render_json(bencher: Bencher, name: &str) {
    let (catalog, dossier, _) = setup(name);
    let on = dossier.assessed_on.unwrap();
    let mut buf = Vec::with_capacity(64 * 1024);
    bencher.bench_local(|| {
        buf.clear();
        let a = assess(black_box(&dossier), &catalog, on, Lang::Fr).unwrap();
        nuage_report::to_json(&mut buf, &a).unwrap();
        buf.len()
    });
}

/// The same with serde_json's writer, for comparison.
#[divan::bench(args = EXAMPLES)]
fn assess_and_render_serde_json(bencher: Bencher, name: &str) {
    let (catalog, dossier, _) = setup(name);
    let on = dossier.assessed_on.unwrap();
    let mut buf = Vec::with_capacity(64 * 1024);
    bencher.bench_local(|| {
        buf.clear();
        let a = assess(black_box(&dossier), &catalog, on, Lang::Fr).unwrap();
        serde_json::to_writer(&mut buf, &a).unwrap();
        buf.len()
    });
}

/// Reading the TOML text, assessing, rendering: what `nuage assess` does per file.
#[divan::bench(args = EXAMPLES)]
fn read_assess_render(bencher: Bencher, name: &str) {
    let (catalog, _, text) = setup(name);
    let format = Format::from_extension(name.rsplit('.').next().unwrap()).unwrap();
    let mut buf = Vec::with_capacity(64 * 1024);
    bencher.bench_local(|| {
        buf.clear();
        let d = read_dossier(black_box(&text), format, &catalog).unwrap();
        let a = assess(&d, &catalog, d.assessed_on.unwrap(), Lang::Fr).unwrap();
        nuage_report::to_json(&mut buf, &a).unwrap();
        buf.len()
    });
}

/// Loading and validating the embedded catalog (paid once per process).
#[divan::bench]
fn load_catalog() -> Catalog {
    Catalog::embedded().unwrap()
}
