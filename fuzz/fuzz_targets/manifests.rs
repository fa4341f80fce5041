//! Any text as Kubernetes manifests: no panic, and every resource found has a line.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nuage_catalog::Catalog;
use nuage_iac::Mappings;

fn env() -> &'static (Catalog, Mappings) {
    static E: OnceLock<(Catalog, Mappings)> = OnceLock::new();
    E.get_or_init(|| {
        let c = Catalog::embedded().expect("catalog");
        let m = Mappings::embedded(&c).expect("mappings");
        (c, m)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (c, m) = env();
    let inv = nuage_iac::scan_source("app.yaml", text, m, c);
    assert!(inv.resources.iter().all(|r| r.line >= 1));
});
