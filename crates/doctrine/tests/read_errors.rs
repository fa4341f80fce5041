//! Bad dossiers are refused with the line, the column when known, and the field.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use nuage_catalog::Catalog;
use nuage_doctrine::{Format, ReadError, read_dossier};

fn read(text: &str, format: Format) -> ReadError {
    let catalog = Catalog::embedded().unwrap();
    match read_dossier(text, format, &catalog) {
        Ok(_) => panic!("should be refused:\n{text}"),
        Err(e) => e,
    }
}

const TOML_OK: &str = r#"
[project]
name = "P"
entity_kind = "central_administration"
nature = "new"
full_cost_eur = 100

[hosting]
approach = "cloud"

[[hosting.environments]]
kind = "production"
offer = "aws"
"#;

#[test]
fn toml_valid_base_reads() {
    let catalog = Catalog::embedded().unwrap();
    read_dossier(TOML_OK, Format::Toml, &catalog).unwrap();
}

#[test]
fn toml_unknown_field_names_field_and_line() {
    let e = read(
        &TOML_OK.replace("nature = \"new\"", "nature = \"new\"\ncolour = \"blue\""),
        Format::Toml,
    );
    assert_eq!(e.line, Some(6));
    assert!(e.message.contains("colour"), "{e}");
}

#[test]
fn toml_unknown_offer_points_at_the_value() {
    let e = read(
        &TOML_OK.replace("offer = \"aws\"", "offer = \"amazon\""),
        Format::Toml,
    );
    assert_eq!(e.line, Some(13));
    assert_eq!(e.field.as_deref(), Some("hosting.environments[0].offer"));
    assert!(e.message.contains("unknown offer `amazon`"), "{e}");
}

#[test]
fn toml_wrong_type_names_the_field() {
    let e = read(
        &TOML_OK.replace("full_cost_eur = 100", "full_cost_eur = \"cent\""),
        Format::Toml,
    );
    assert_eq!(e.line, Some(6));
    assert_eq!(e.field.as_deref(), Some("project.full_cost_eur"));
}

#[test]
fn toml_missing_field_is_named() {
    let e = read(&TOML_OK.replace("nature = \"new\"\n", ""), Format::Toml);
    assert!(e.message.contains("nature"), "{e}");
}

#[test]
fn toml_syntax_error_has_a_position() {
    let e = read("[project\nname = 1", Format::Toml);
    assert_eq!(e.line, Some(1));
    assert!(e.column.is_some());
}

#[test]
fn toml_date_must_be_a_day() {
    let e = read(
        &format!("assessed_on = 2024-13-01\n{TOML_OK}"),
        Format::Toml,
    );
    assert_eq!(e.line, Some(1));
}

#[test]
fn json_errors_carry_line_column_and_field() {
    let text = r#"{
  "project": {
    "name": "P",
    "entity_kind": "central_administration",
    "nature": "new",
    "full_cost_eur": -1
  },
  "hosting": { "approach": "cloud" }
}"#;
    let e = read(text, Format::Json);
    assert_eq!(e.line, Some(6));
    assert!(e.column.is_some());
    assert_eq!(e.field.as_deref(), Some("project.full_cost_eur"));
    assert!(e.message.contains("zero or more"), "{e}");
}

#[test]
fn json_unknown_offer() {
    let text = r#"{"project":{"name":"P","entity_kind":"central_administration","nature":"new","full_cost_eur":1},
"hosting":{"approach":"cloud","environments":[{"kind":"production","offer":"nope"}]}}"#;
    let e = read(text, Format::Json);
    assert_eq!(e.line, Some(2));
    assert_eq!(e.field.as_deref(), Some("hosting.environments[0].offer"));
}

#[test]
fn json_trailing_garbage_is_refused() {
    let text = r#"{"project":{"name":"P","entity_kind":"central_administration","nature":"new","full_cost_eur":1},"hosting":{"approach":"cloud"}} x"#;
    let e = read(text, Format::Json);
    assert_eq!(e.line, Some(1));
}

#[test]
fn yaml_errors_carry_line_and_field() {
    let text = "project:\n  name: P\n  entity_kind: ministere\n  nature: new\n  full_cost_eur: 1\nhosting:\n  approach: cloud\n";
    let e = read(text, Format::Yaml);
    assert_eq!(e.line, Some(3));
    assert_eq!(e.field.as_deref(), Some("project.entity_kind"));
    assert!(e.message.contains("central_administration"), "{e}");
}

#[test]
fn yaml_unknown_offer() {
    let text = "project:\n  name: P\n  entity_kind: central_administration\n  nature: new\n  full_cost_eur: 1\nhosting:\n  approach: cloud\n  environments:\n    - kind: production\n      offer: outscale\n";
    let e = read(text, Format::Yaml);
    assert_eq!(e.line, Some(10));
    assert!(e.message.contains("unknown offer `outscale`"), "{e}");
}

#[test]
fn empty_and_binary_inputs_are_refused() {
    read("", Format::Toml);
    read("", Format::Json);
    read("", Format::Yaml);
    read("\u{0}\u{1}\u{2}", Format::Toml);
}

#[test]
fn evolution_without_share_is_refused_on_the_project() {
    let e = read(
        &TOML_OK.replace("nature = \"new\"", "nature = \"evolution\""),
        Format::Toml,
    );
    assert!(e.message.contains("evolution_share"), "{e}");
    assert_eq!(e.field.as_deref(), Some("project"));
}

/// Every format's nesting and alias limits (stated in `nuage_limits::OTHER_FORMATS` and
/// docs/server.md): crafted dossiers are refused with a position, never parsed at length.
#[test]
fn nesting_and_aliases_are_bounded_in_every_format() {
    let n = 64_000;
    let e = read(
        &format!("project: {}1{}", "{a: ".repeat(n), "}".repeat(n)),
        Format::Yaml,
    );
    // `project: ` takes 9 columns and one level: the 128th `{` crosses the line.
    assert_eq!((e.line, e.column), (Some(1), Some(10 + 4 * 127)));
    assert!(
        e.message.starts_with("YAML nested deeper than 128 levels"),
        "{e}"
    );

    let mut aliases = format!("project: &a \"{}\"\nb:\n", "x".repeat(100_000));
    aliases.push_str(&"- *a\n".repeat(20_000));
    let e = read(&aliases, Format::Yaml);
    assert_eq!(e.line, Some(13));
    assert!(
        e.message
            .starts_with("YAML aliases would add more than 1 MiB"),
        "{e}"
    );

    let e = read(
        &format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
        Format::Toml,
    );
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("max recursion depth"), "{e}");
    let e = read(
        &format!("x = {}1{}\n", "{a = ".repeat(n), "}".repeat(n)),
        Format::Toml,
    );
    assert!(e.message.contains("max recursion depth"), "{e}");
    let e = read(&format!("{} = 1\n", vec!["a"; n].join(".")), Format::Toml);
    assert!(e.message.contains("recursion"), "{e}");

    // A typed dossier refuses the first level that has the wrong shape; serde_json's own
    // recursion limit (128) stands behind it for anything read as a free value.
    let e = read(
        &format!("{{\"project\": {}{}}}", "[".repeat(n), "]".repeat(n)),
        Format::Json,
    );
    assert_eq!((e.line, e.field.as_deref()), (Some(1), Some("project[0]")));
    let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
    let free = serde_json::from_str::<serde_json::Value>(&deep).unwrap_err();
    assert!(
        free.to_string().contains("recursion limit exceeded"),
        "{free}"
    );
}
