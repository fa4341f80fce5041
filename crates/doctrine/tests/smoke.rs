use nuage_catalog::Catalog;
use nuage_doctrine::{Format, Lang, assess, read_dossier};

#[test]
fn design_example() {
    let cat = Catalog::embedded().unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/portail-demarches.toml"
    ))
    .unwrap();
    let d = read_dossier(&text, Format::Toml, &cat).unwrap();
    let a = assess(&d, &cat, d.assessed_on.unwrap(), Lang::Fr).unwrap();
    println!("{}", serde_json::to_string_pretty(&a).unwrap());
}

#[test]
fn schema() {
    let cat = Catalog::embedded().unwrap();
    println!(
        "{}",
        serde_json::to_string_pretty(&nuage_doctrine::dossier_schema(&cat)).unwrap()
    );
}
