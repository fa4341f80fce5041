//! Any text as an offers file of the catalog: refused with a message or accepted, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nuage_catalog::{Catalog, CatalogFiles, Date};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut files = CatalogFiles::embedded();
    files.offers.push(("offers/fuzz.toml".into(), text.to_owned()));
    if let Ok(c) = Catalog::from_files(&files) {
        let on = Date::new(2026, 1, 1).expect("date");
        for o in c.offers() {
            let _ = o.secnumcloud_on(on, Some("eu-west-2"));
        }
    }
});
