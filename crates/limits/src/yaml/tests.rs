use super::*;

fn shape(text: &str) -> YamlShape {
    check(text, &YamlLimits::DEFAULT).unwrap()
}

fn refused(text: &str) -> YamlLimitError {
    check(text, &YamlLimits::DEFAULT).unwrap_err()
}

fn nested_maps(n: usize) -> String {
    format!("{}1{}", "{a: ".repeat(n), "}".repeat(n))
}

#[test]
fn deep_flow_nesting_is_refused_where_it_crosses_the_limit() {
    let e = refused(&nested_maps(64_000));
    assert_eq!(e.exceeded, Exceeded::Depth { limit: 128 });
    assert_eq!((e.line, e.column), (1, 4 * 128 + 1));
    let e = refused(&format!("{}{}", "[".repeat(200), "]".repeat(200)));
    assert_eq!((e.line, e.column), (1, 129));
    assert_eq!(shape(&nested_maps(128)).max_flow_depth, 128);
}

#[test]
fn deep_block_nesting_is_refused() {
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&" ".repeat(i));
        text.push_str("a:\n");
    }
    let e = refused(&text);
    assert_eq!(e.exceeded, Exceeded::Depth { limit: 128 });
    assert_eq!(e.line, 129);
    let seqs = format!("{}x\n", "- ".repeat(300));
    assert_eq!(refused(&seqs).exceeded, Exceeded::Depth { limit: 128 });
}

#[test]
fn brackets_in_text_are_text() {
    let deep = "[".repeat(5_000);
    for text in [
        format!("a: |\n  {deep}\n  more\nb: 1\n"),
        format!("a: >-\n    {deep}\n\n    {deep}\nb: 1\n"),
        format!("- |2\n   {deep}\n- x\n"),
        format!("a: \"{deep}\"\n"),
        format!("a: '{deep} it''s'\n"),
        format!("a: x{deep}\n"),
        format!("a: plain\n  continued {deep}\n"),
        format!("# {deep}\na: 1 # {deep}\n"),
        format!("a: \"multi\n{deep}\n  line\"\n"),
        format!("a: !tag x{deep}\n"),
        format!("%YAML 1.1 # {deep}\n---\na: 1\n"),
    ] {
        let s = shape(&text);
        assert!(s.max_flow_depth == 0, "{text:.60}: {s:?}");
        let parsed: Result<yaml_serde::Value, _> = yaml_serde::from_str(&text);
        assert!(parsed.is_ok(), "{text:.60}: {parsed:?}");
    }
}

#[test]
fn brackets_that_open_collections_count_wherever_they_are() {
    let bomb = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for text in [
        // A quote inside a plain scalar does not start a string.
        format!("a: it's\nb: {bomb}\nc: 'x'\n"),
        format!("a: x \"y\nb: {bomb}\nc: \"\n"),
        // A block scalar ends where its indentation ends.
        format!("a: |\n  text\nb: {bomb}\n"),
        format!("- |\n  text\n- {bomb}\n"),
        // `#` starts a comment only after a blank.
        format!("a: x#y\nb: {bomb}\n"),
        // A tag ends at a flow indicator in flow context.
        format!("[!t{bomb}]\n"),
        format!("a: &x {bomb}\n"),
        format!("? {bomb}\n: 1\n"),
        format!("---\n{bomb}\n...\n"),
        format!("a:\r\n  b: {bomb}\r\n"),
        format!("\u{feff}a: {bomb}\n"),
    ] {
        let e = refused(&text);
        assert_eq!(e.exceeded, Exceeded::Depth { limit: 128 }, "{text:.60}");
    }
}

#[test]
fn aliases_are_counted_and_bounded() {
    // One 100 KB anchor named 20 000 times (the review's 2.3 GB input).
    let mut text = format!("a: &a \"{}\"\nb:\n", "x".repeat(100_000));
    for _ in 0..20_000 {
        text.push_str("- *a\n");
    }
    let e = refused(&text);
    assert_eq!(e.exceeded, Exceeded::AliasBytes { limit: 1024 * 1024 });
    assert_eq!(e.line, 13);

    // The exponential form.
    let mut laughs = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names: Vec<char> = ('b'..='j').collect();
    let mut prev = 'a';
    for n in names {
        laughs.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    assert_eq!(
        refused(&laughs).exceeded,
        Exceeded::AliasBytes { limit: 1024 * 1024 }
    );

    let many = format!("a: &a 1\nb: [{}]\n", vec!["*a"; 1_001].join(", "));
    assert_eq!(refused(&many).exceeded, Exceeded::Aliases { limit: 1_000 });
}

#[test]
fn usual_anchors_pass_and_are_measured() {
    let text = "\
defaults: &defaults
  kind: production
  zones: [a, b]
environments:
  - <<: *defaults
    offer: x
  - <<: *defaults
    offer: y
";
    let s = shape(text);
    assert_eq!(s.aliases, 2);
    // The anchored node runs from `&defaults` to `environments` (47 bytes), twice.
    let node = text.find("environments").unwrap() - text.find("&defaults").unwrap();
    assert_eq!(s.alias_bytes, 2 * node as u64);
}

#[test]
fn anchored_nodes_end_where_the_parser_ends_them() {
    // A sequence entry ends at the next entry.
    let s = shape("- &a xxxxxxxxxx\n- *a\n");
    assert_eq!(s.alias_bytes, "&a xxxxxxxxxx\n".len() as u64);
    // An indentless sequence belongs to the key before it.
    let s = shape("k: &a\n- x\n- y\nl: *a\n");
    assert_eq!(s.alias_bytes, "&a\n- x\n- y\n".len() as u64);
    // A flow entry ends at its comma.
    let s = shape("[&a [1, 2], *a, *a]\n");
    assert_eq!(s.alias_bytes, 2 * "&a [1, 2]".len() as u64);
    // An anchored key ends at its `:`.
    let s = shape("&k key: value\nother: *k\n");
    assert_eq!(s.alias_bytes, "&k key".len() as u64);
    // Aliases inside an anchored node add to it.
    let s = shape("a: &a xxxx\nb: &b [*a, *a]\nc: [*b, *b]\n");
    let a = "&a xxxx\n".len() as u64;
    let b = "&b [*a, *a]\n".len() as u64 + 2 * a;
    assert_eq!(s.alias_bytes, 2 * a + 2 * b);
    // Anchors end with their document.
    let s = shape("a: &a xxxx\n---\nb: *a\n");
    assert_eq!(s.alias_bytes, 0);
}

#[test]
fn crafted_anchor_positions_never_hide_size() {
    // However the anchored node is written, naming it many times is refused.
    let big = "x".repeat(10_000);
    for def in [
        format!("a: &a\n  - {big}\n"),
        format!("a: &a\n- {big}\n"),
        format!("- &a\n  k: {big}\n"),
        format!("a: &a \"{big}\n\"\n"),
        format!("a: &a |\n  {big}\n"),
        format!("a: &a [\n{big}\n]\n"),
        format!("[&a {big}]\n"),
    ] {
        let mut text = def.clone();
        text.push_str("z:\n");
        for _ in 0..200 {
            text.push_str("- *a\n");
        }
        let e = check(&text, &YamlLimits::DEFAULT);
        let s = check(
            &text,
            &YamlLimits {
                max_alias_bytes: u64::MAX,
                ..YamlLimits::DEFAULT
            },
        );
        assert!(e.is_err(), "{def:.40}: {s:?}");
    }
}

#[test]
fn every_position_is_reported_in_characters() {
    // The mapping is one level, so the 128th bracket crosses the line: column 3 + 128 in
    // characters (`é` is two bytes).
    let e = refused(&format!("é: {}", "[".repeat(129)));
    assert_eq!((e.line, e.column), (1, 3 + 128));
}

#[test]
fn odd_bytes_never_loop() {
    for text in [
        "\t\t", "@@@", "`", "%", ":", "?", "-", "&", "*", "!", "|", ">", "'", "\"", "\\", "\0",
        "\u{85}", "\u{2028}", "a:\t[", "[:,", "{:}",
    ] {
        let _ = shape(text);
    }
}

#[test]
fn an_alias_inside_the_node_it_names_is_refused() {
    assert_eq!(refused("&x\na: *x\n").exceeded, Exceeded::RecursiveAlias);
    assert_eq!(
        refused("a: &x [1, *x]\n").exceeded,
        Exceeded::RecursiveAlias
    );
    // Anchored keys are closed at their `:`: the alias after it names a finished node.
    assert_eq!(shape("{&a k: *a}\n").aliases, 1);
    assert_eq!(shape("&a k: *a\n").aliases, 1);
    assert_eq!(shape("[&a k: *a, *a]\n").aliases, 2);
    assert_eq!(shape("a: !t\n&x k: *x\n").aliases, 1);
    assert_eq!(shape("- &x k: *x\n").aliases, 1);
    for text in [
        "{&a k: *a}\n",
        "&a k: *a\n",
        "[&a k: *a, *a]\n",
        "a: !t\n&x k: *x\n",
        "- &x k: *x\n",
    ] {
        let parsed: Result<yaml_serde::Value, _> = yaml_serde::from_str(text);
        assert!(parsed.is_ok(), "{text}");
    }
}
