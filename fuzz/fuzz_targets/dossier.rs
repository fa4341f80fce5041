//! Any text, read as a dossier in each format: no panic; what reads is assessed and rendered.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nuage_catalog::{Catalog, Date};
use nuage_doctrine::{assess, read_dossier, Format, Lang};

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().expect("embedded catalog"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for format in [Format::Toml, Format::Json, Format::Yaml] {
        if let Ok(d) = read_dossier(text, format, catalog()) {
            let on = d.assessment_date(Date::new(2026, 11, 23).expect("date"));
            if let Ok(a) = assess(&d, catalog(), on, Lang::Fr) {
                let mut out = Vec::new();
                nuage_report::to_json(&mut out, &a).expect("json");
                let items = [nuage_report::Item { path: "fuzz", assessment: &a }];
                let _ = nuage_report::markdown(&items);
                let _ = nuage_report::junit(&items);
            }
        }
    }
});
