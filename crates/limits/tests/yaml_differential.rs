//! The YAML check against the parser it protects: on generated documents mixing every kind of
//! token with deep flow nesting placed anywhere (as structure or inside text), the check refuses
//! exactly what `yaml_serde` would refuse for depth and accepts what it parses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::time::{Duration, Instant};

use nuage_limits::yaml::{Exceeded, YamlLimits, check};
use proptest::prelude::*;

/// Flow nesting of 140 levels: beyond both the check's and the parser's limit (128).
fn bomb() -> String {
    format!("{}x{}", "[".repeat(140), "]".repeat(140))
}

const INDENTS: [&str; 6] = ["", " ", "  ", "    ", "\t", "      "];
const PREFIXES: [&str; 6] = ["", "- ", "- - ", "? ", ": ", "-\t"];
const KEYS: [&str; 9] = [
    "", "a: ", "'k': ", "\"k\": ", "&x k: ", "!t k: ", "a:", "[a, b]: ", "? ",
];
const VALUES: [&str; 30] = [
    "",
    "plain",
    "it's",
    "x \"y",
    "a#b",
    "a # [",
    "x[y",
    "u: v",
    "'a [ b'",
    "'it''s ['",
    "\"a \\\" [\"",
    "\"a [",
    "'",
    "\"",
    "|",
    "|-",
    ">2",
    "| # c",
    "[a, b]",
    "{a: 1}",
    "[",
    "]",
    "&x",
    "*x",
    "!t",
    "!t [",
    "# [[[",
    "BOMB",
    "BOMB",
    "---",
];
const BREAKS: [&str; 3] = ["\n", "\r\n", "\n"];

fn document(lines: &[(usize, usize, usize, usize, usize)]) -> String {
    let mut text = String::new();
    for &(i, p, k, v, b) in lines {
        text.push_str(INDENTS[i % INDENTS.len()]);
        text.push_str(PREFIXES[p % PREFIXES.len()]);
        text.push_str(KEYS[k % KEYS.len()]);
        let value = VALUES[v % VALUES.len()];
        if value == "BOMB" {
            text.push_str(&bomb());
        } else {
            text.push_str(value);
        }
        text.push_str(BREAKS[b % BREAKS.len()]);
    }
    text
}

fn json_depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(json_depth).max().unwrap_or(0),
        serde_json::Value::Object(o) => 1 + o.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn within_time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    // A guard against a hang or a quadratic regression, far above the microseconds expected.
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{what} took {:?}",
        start.elapsed()
    );
    out
}

/// A document built as a tree, so that most generated texts are valid YAML: block mappings and
/// sequences (indentless ones too), anchors, tags, comments, and leaves written in every scalar
/// style, with the deep nesting as structure or inside text.
#[derive(Debug, Clone)]
enum Node {
    Leaf(usize),
    Map(Vec<(usize, Node)>),
    Seq(Vec<Node>),
}

fn node() -> impl Strategy<Value = Node> {
    (0usize..LEAVES)
        .prop_map(Node::Leaf)
        .prop_recursive(5, 40, 4, |inner| {
            prop_oneof![
                proptest::collection::vec((0usize..8, inner.clone()), 1..4).prop_map(Node::Map),
                proptest::collection::vec(inner, 1..4).prop_map(Node::Seq),
            ]
        })
}

const LEAVES: usize = 22;

/// A leaf written at `indent` (the column of its parent's content lines).
fn leaf(i: usize, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent + 2);
    let b = bomb();
    match i {
        0 => out.push_str("plain"),
        1 => out.push_str("it's [ here"),
        2 => out.push_str("x \"y ["),
        3 => out.push_str("a#b [ # c [["),
        4 => out.push_str("'a [ b'' ['"),
        5 => out.push_str("\"a \\\" [\""),
        6 => out.push_str("[a, {b: c}]"),
        7 => out.push_str("!t v"),
        8 => out.push_str(&b),
        9 => out.push_str(&format!("'{b}'")),
        10 => out.push_str(&format!("\"{b}\"")),
        11 => out.push_str(&format!("|\n{pad}{b}\n{pad}more")),
        12 => out.push_str(&format!(">-\n{pad}text\n\n{pad}  {b}")),
        13 => out.push_str(&format!("word\n{pad}{b}")),
        14 => out.push_str(&format!("\"multi\n{b}\n  line\"")),
        15 => out.push_str(&format!("&x {b}")),
        16 => out.push_str(&format!("!t {b}")),
        17 => out.push_str(&format!("[a, {b}]")),
        18 => out.push_str(&format!("x # {b}")),
        19 => out.push_str(&format!("|2\n{pad}  {b}")),
        20 => out.push_str(&format!("{{k: '{b}'}}")),
        _ => out.push_str("x\ty"),
    }
}

const NAMES: [&str; 8] = [
    "a#", "'q#'", "\"d#\"", "k k#", "&y k#", "!t k#", "? x#", "e#",
];

fn render(n: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match n {
        Node::Leaf(i) => leaf(*i, indent, out),
        Node::Map(entries) => {
            for (j, (k, v)) in entries.iter().enumerate() {
                if j > 0 {
                    out.push('\n');
                    out.push_str(&pad);
                }
                let name = NAMES[*k % NAMES.len()].replace('#', &j.to_string());
                if let Some(complex) = name.strip_prefix("? ") {
                    out.push_str(&format!("? {complex}\n{pad}:"));
                } else {
                    out.push_str(&format!("{name}:"));
                }
                match v {
                    Node::Leaf(_) => {
                        out.push(' ');
                        render(v, indent, out);
                    }
                    // An indentless sequence under every other key.
                    Node::Seq(_) if k % 2 == 0 => {
                        out.push('\n');
                        out.push_str(&pad);
                        render(v, indent, out);
                    }
                    _ => {
                        out.push_str(if k % 3 == 0 { " # c\n" } else { "\n" });
                        out.push_str(&pad);
                        out.push_str("  ");
                        render(v, indent + 2, out);
                    }
                }
            }
        }
        Node::Seq(items) => {
            for (j, v) in items.iter().enumerate() {
                if j > 0 {
                    out.push('\n');
                    out.push_str(&pad);
                }
                out.push_str("- ");
                render(v, indent + 2, out);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_check_agrees_with_the_parser(
        lines in proptest::collection::vec((0usize..6, 0usize..6, 0usize..9, 0usize..30, 0usize..3), 1..12)
    ) {
        let text = document(&lines);
        let checked = within_time("check", || check(&text, &YamlLimits::DEFAULT));
        let parsed: Result<yaml_serde::Value, _> = yaml_serde::from_str(&text);
        match &parsed {
            Ok(_) => prop_assert!(checked.is_ok(), "refused what the parser accepts: {text:?} {checked:?}"),
            Err(e) if e.to_string().contains("recursion limit exceeded") => {
                prop_assert!(
                    matches!(checked, Err(ref c) if matches!(c.exceeded, Exceeded::Depth { limit: 128 } | Exceeded::RecursiveAlias)),
                    "missed nesting the parser saw: {text:?} {checked:?}"
                );
            }
            Err(_) => {}
        }
    }


    #[test]
    fn the_check_agrees_with_the_parser_on_valid_trees(tree in node(), anchor in any::<bool>()) {
        let mut text = String::new();
        if anchor {
            text.push_str("--- &root\n");
        }
        render(&tree, 0, &mut text);
        text.push('\n');
        let checked = within_time("check", || check(&text, &YamlLimits::DEFAULT));
        let parsed: Result<yaml_serde::Value, _> = yaml_serde::from_str(&text);
        match &parsed {
            Ok(_) => prop_assert!(checked.is_ok(), "refused what the parser accepts: {text:?} {checked:?}"),
            Err(e) if e.to_string().contains("recursion limit exceeded") => {
                prop_assert!(
                    matches!(checked, Err(ref c) if matches!(c.exceeded, Exceeded::Depth { limit: 128 } | Exceeded::RecursiveAlias)),
                    "missed nesting the parser saw: {text:?} {checked:?}"
                );
            }
            Err(_) => {}
        }
    }

    #[test]
    fn json_flow_depth_is_measured_exactly(depth in 0usize..120, width in 1usize..4) {
        let mut value = serde_json::json!("x");
        for i in 0..depth {
            value = if i % 2 == 0 {
                {
                let mut items = vec![serde_json::json!("[x"); width - 1];
                items.push(value);
                serde_json::Value::Array(items)
            }
            } else {
                serde_json::json!({ "k": value, "l": [1, "a [ b", {"c": "}"}] })
            };
        }
        let text = serde_json::to_string(&value).unwrap();
        let shape = check(&text, &YamlLimits::DEFAULT).unwrap();
        prop_assert_eq!(shape.max_flow_depth, json_depth(&value));
    }
}

#[test]
fn the_reviews_bombs_are_refused_in_linear_time() {
    for n in [16_000usize, 64_000, 256_000] {
        let text = format!("{}1{}", "{a: ".repeat(n), "}".repeat(n));
        let e = within_time("nested maps", || check(&text, &YamlLimits::DEFAULT)).unwrap_err();
        assert_eq!(e.exceeded, Exceeded::Depth { limit: 128 });
    }
    let mut text = format!("a: &a \"{}\"\nb:\n", "x".repeat(100_000));
    for _ in 0..20_000 {
        text.push_str("- *a\n");
    }
    let e = within_time("aliases", || check(&text, &YamlLimits::DEFAULT)).unwrap_err();
    assert_eq!(e.exceeded, Exceeded::AliasBytes { limit: 1024 * 1024 });
}
