//! Snapshots of every report format over the example dossiers: a change in wording or shape
//! shows up in review.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use nuage_catalog::Catalog;
use nuage_doctrine::{Assessment, Format, Lang, assess, read_dossier};
use nuage_report::{Item, TextOptions, junit, markdown, sarif, text};

fn example(name: &str, lang: Lang) -> Assessment {
    let catalog = Catalog::embedded().unwrap();
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let format = Format::from_extension(name.rsplit('.').next().unwrap()).unwrap();
    let dossier = read_dossier(&text, format, &catalog).unwrap();
    assess(&dossier, &catalog, dossier.assessed_on.unwrap(), lang).unwrap()
}

const EXAMPLES: [&str; 5] = [
    "portail-demarches.toml",
    "enquete-sante-operateur.yaml",
    "suite-bureautique-m365.toml",
    "etat-civil-commune.json",
    "systeme-existant-derogation.toml",
];

#[test]
fn json_reports() {
    for name in EXAMPLES {
        let a = example(name, Lang::Fr);
        insta::assert_snapshot!(
            format!("json__{name}"),
            serde_json::to_string_pretty(&a).unwrap()
        );
    }
}

#[test]
fn json_report_in_english() {
    let a = example("suite-bureautique-m365.toml", Lang::En);
    insta::assert_snapshot!(
        "json_en__suite-bureautique-m365",
        serde_json::to_string_pretty(&a).unwrap()
    );
}

#[test]
fn markdown_reports() {
    for name in EXAMPLES {
        let a = example(name, Lang::Fr);
        insta::assert_snapshot!(
            format!("markdown__{name}"),
            markdown(&[Item {
                path: name,
                assessment: &a
            }])
        );
    }
}

#[test]
fn text_report() {
    let a = example("systeme-existant-derogation.toml", Lang::Fr);
    insta::assert_snapshot!(text(
        &[Item {
            path: "systeme-existant-derogation.toml",
            assessment: &a
        }],
        TextOptions::default()
    ));
}

#[test]
fn sarif_and_junit_reports() {
    let all: Vec<(String, Assessment)> = EXAMPLES
        .iter()
        .map(|n| ((*n).to_owned(), example(n, Lang::Fr)))
        .collect();
    let items: Vec<Item<'_>> = all
        .iter()
        .map(|(p, a)| Item {
            path: p,
            assessment: a,
        })
        .collect();
    insta::assert_snapshot!(
        "sarif",
        serde_json::to_string_pretty(&sarif(&items, "0.0.0-test")).unwrap()
    );
    insta::assert_snapshot!("junit", junit(&items));
}

#[test]
fn markdown_portfolio_has_a_summary_table() {
    let all: Vec<(String, Assessment)> = EXAMPLES
        .iter()
        .map(|n| ((*n).to_owned(), example(n, Lang::Fr)))
        .collect();
    let items: Vec<Item<'_>> = all
        .iter()
        .map(|(p, a)| Item {
            path: p,
            assessment: a,
        })
        .collect();
    let md = markdown(&items);
    assert!(md.starts_with("# Évaluations"));
    assert_eq!(md.matches("\n## ").count(), EXAMPLES.len());
}

#[test]
fn the_fast_json_writer_gives_serde_json_bytes() {
    for name in EXAMPLES {
        for lang in [Lang::Fr, Lang::En] {
            let a = example(name, lang);
            let mut ours = Vec::new();
            nuage_report::to_json(&mut ours, &a).unwrap();
            assert_eq!(ours, serde_json::to_vec(&a).unwrap(), "{name}");
        }
    }
}
