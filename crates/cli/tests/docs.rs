//! The documentation matches the code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::path::Path;
use std::process::Command;

#[test]
fn doctrine_md_rules_section_is_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/doctrine.md")).unwrap();
    let begin = "<!-- BEGIN GENERATED: nuage explain --all --format markdown -->\n\n";
    let start = doc.find(begin).expect("begin marker") + begin.len();
    let end = doc.find("<!-- END GENERATED -->").expect("end marker");
    let out = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["explain", "--all", "--format", "markdown"])
        .output()
        .unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        doc[start..end].trim_end(),
        generated.trim_end(),
        "regenerate the rules section of docs/doctrine.md with `nuage explain --all --format markdown`"
    );
}

#[test]
fn scan_md_tables_are_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/scan.md")).unwrap();
    let begin = "<!-- BEGIN GENERATED: nuage mappings -->\n\n";
    let start = doc.find(begin).expect("begin marker") + begin.len();
    let end = doc.find("<!-- END GENERATED -->").expect("end marker");
    let out = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["mappings"])
        .output()
        .unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        doc[start..end].trim_end(),
        generated.trim_end(),
        "regenerate the tables of docs/scan.md with `nuage mappings`"
    );
}

#[test]
fn readme_starts_with_the_two_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let head: String = readme.lines().take(15).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("cargo run --release -p nuage-cli -- assess examples/portail-demarches.toml"),
        "{head}"
    );
    assert!(head.contains("cargo test --workspace --locked"), "{head}");
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    assert!(
        ci.contains("cargo test --workspace --locked"),
        ".ci/run runs the README's test command"
    );
}

/// docs/server.md's « Limites et durcissement » names every cap `nuage serve` has a flag for.
#[test]
fn server_md_lists_every_limit_flag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/server.md")).unwrap();
    let section = doc
        .split("## Limites et durcissement")
        .nth(1)
        .expect("a « Limites et durcissement » section");
    let help = Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--header-timeout",
        "--read-timeout",
        "--idle-timeout",
        "--max-connections",
        "--anonymous-drafts-per-hour",
        "--max-anonymous-drafts",
        "--draft-days",
        "--scans-per-project",
        "--client-ip-header",
    ] {
        assert!(help.contains(flag), "nuage serve has no {flag}");
        assert!(
            section.contains(flag),
            "docs/server.md does not document {flag}"
        );
    }
}
