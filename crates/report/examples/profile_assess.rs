//! Assessments per second on one core, JSON included; also a loop to profile under
//! `valgrind --tool=callgrind`.
//!
//! `cargo run --release -p nuage-report --example profile_assess -- examples/portail-demarches.toml 100000`
#![allow(
    clippy::unwrap_used,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let catalog = nuage_catalog::Catalog::embedded().unwrap();
    let mut args = std::env::args().skip(1);
    let name = args
        .next()
        .unwrap_or_else(|| "examples/portail-demarches.toml".into());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let text = std::fs::read_to_string(&name).unwrap();
    let format = nuage_doctrine::Format::from_extension(name.rsplit('.').next().unwrap()).unwrap();
    let d = nuage_doctrine::read_dossier(&text, format, &catalog).unwrap();
    let on = d.assessed_on.unwrap();
    let mut buf = Vec::with_capacity(64 * 1024);
    let start = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..n {
        buf.clear();
        let a = nuage_doctrine::assess(&d, &catalog, on, nuage_doctrine::Lang::Fr).unwrap();
        nuage_report::to_json(&mut buf, &a).unwrap();
        bytes += buf.len();
    }
    let secs = start.elapsed().as_secs_f64();
    let a = nuage_doctrine::assess(&d, &catalog, on, nuage_doctrine::Lang::Fr).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        buf.clear();
        nuage_report::to_json(&mut buf, &a).unwrap();
    }
    let json = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            nuage_doctrine::assess(&d, &catalog, on, nuage_doctrine::Lang::Fr).unwrap(),
        );
    }
    let engine = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!("  of which: engine {engine:.2} µs, JSON {json:.2} µs");
    println!(
        "{name}: {n} assessments in {secs:.3} s — {:.0} per second on one core ({:.2} µs each, {} bytes of JSON each)",
        f64::from(n) / secs,
        secs * 1e6 / f64::from(n),
        bytes / n as usize
    );
}
