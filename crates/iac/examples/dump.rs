#![allow(clippy::unwrap_used)]
fn main() {
    let catalog = nuage_catalog::Catalog::embedded().unwrap();
    let m = nuage_iac::Mappings::embedded(&catalog).unwrap();
    let path = std::env::args().nth(1).unwrap();
    let inv = nuage_iac::scan(std::path::Path::new(&path), &nuage_iac::ScanOptions::default(), &m, &catalog, None);
    for r in &inv.resources {
        println!("{:<45} {:<10} {:<22} {:<16} {:?} {}:{} mz={:?} unk={:?}", r.address, r.provider, r.offer.as_deref().unwrap_or("-"), r.region.as_deref().unwrap_or("-"), r.zones, r.file, r.line, r.multi_zone, r.unknown);
    }
    for s in &inv.skipped { println!("SKIP {} {:?} {}", s.path, s.line, s.reason); }
}
