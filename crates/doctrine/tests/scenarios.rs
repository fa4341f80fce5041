//! Runs the doctrine's tables of cases: one per rule beside its room (`src/rules/r09.toml`
//! beside `src/rules/r09.rs`), and `tests/scenarios/general.toml` for what every assessment says.
//! The dossiers they start from are in `tests/scenarios/bases.toml`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use nuage_catalog::Catalog;
use nuage_doctrine::{Assessment, Format, Lang, assess, read_dossier};
use toml::{Table, Value};

fn set_path(root: &mut Table, path: &str, value: Value) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap();
    let mut cur = root;
    for p in parts {
        cur = cur
            .entry(p.to_owned())
            .or_insert_with(|| Value::Table(Table::new()))
            .as_table_mut()
            .unwrap_or_else(|| panic!("{path}: `{p}` is not a table"));
    }
    cur.insert(last.to_owned(), value);
}

fn unset_path(root: &mut Table, path: &str) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap();
    let mut cur = root;
    for p in parts {
        cur = cur.get_mut(p).and_then(Value::as_table_mut).unwrap();
    }
    cur.remove(last);
}

fn json_of(a: &Assessment) -> serde_json::Value {
    serde_json::to_value(a).unwrap()
}

/// Compares one expectation; returns a message when it does not hold.
fn check(a: &serde_json::Value, key: &str, want: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let finding = |rule: &str| {
        a["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .cloned()
    };
    let derogation = |kind: &str| {
        a["derogations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == kind)
            .cloned()
    };
    match key {
        "edition" | "control_procedure" | "verdict" => {
            if a[key].as_str() != want.as_str() {
                errors.push(format!("{key}: want {want}, got {}", a[key]));
            }
        }
        "in_scope" | "concerned" | "particularly_sensitive" | "secnumcloud_required" => {
            if a[key].as_bool() != want.as_bool() {
                errors.push(format!("{key}: want {want}, got {}", a[key]));
            }
        }
        "findings" => {
            for (rule, status) in want.as_table().unwrap() {
                match finding(rule) {
                    Some(f) if f["status"].as_str() == status.as_str() => {}
                    Some(f) => errors.push(format!(
                        "{rule}: want {status}, got {} — {}",
                        f["status"], f["message"]
                    )),
                    None => errors.push(format!("{rule}: no finding")),
                }
            }
        }
        "message_contains" => {
            for (rule, text) in want.as_table().unwrap() {
                let f = finding(rule).unwrap();
                if !f["message"]
                    .as_str()
                    .unwrap()
                    .contains(text.as_str().unwrap())
                {
                    errors.push(format!("{rule}: message lacks {text}: {}", f["message"]));
                }
            }
        }
        "message_lacks" => {
            for (rule, text) in want.as_table().unwrap() {
                let f = finding(rule).unwrap();
                if f["message"]
                    .as_str()
                    .unwrap()
                    .contains(text.as_str().unwrap())
                {
                    errors.push(format!("{rule}: message has {text}: {}", f["message"]));
                }
            }
        }
        "counterfactual_offers" => {
            for (rule, offers) in want.as_table().unwrap() {
                let f = finding(rule).unwrap();
                let got: Vec<String> = f["counterfactuals"]
                    .as_array()
                    .map(|c| {
                        c.iter()
                            .flat_map(|c| c["offers"].as_array().cloned().unwrap_or_default())
                            .filter_map(|o| o.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                for o in offers.as_array().unwrap() {
                    if !got.iter().any(|g| Some(g.as_str()) == o.as_str()) {
                        errors.push(format!("{rule}: counterfactuals lack {o}: {got:?}"));
                    }
                }
            }
        }
        "derogations" => {
            for (kind, fields) in want.as_table().unwrap() {
                let Some(d) = derogation(kind) else {
                    errors.push(format!("derogation {kind} missing"));
                    continue;
                };
                for (field, v) in fields.as_table().unwrap() {
                    let got = &d[field.as_str()];
                    let ok = match (field.as_str(), v) {
                        ("deadline", Value::String(s)) if s == "none" => got.is_null(),
                        (_, Value::String(s)) => got.as_str() == Some(s),
                        (_, Value::Boolean(b)) => got.as_bool() == Some(*b),
                        (_, Value::Array(items)) => {
                            let want: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                            let got: Vec<&str> = got
                                .as_array()
                                .unwrap()
                                .iter()
                                .filter_map(|x| x.as_str())
                                .collect();
                            want == got
                        }
                        _ => false,
                    };
                    if !ok {
                        errors.push(format!("derogation {kind}.{field}: want {v}, got {got}"));
                    }
                }
            }
        }
        "support" => {
            let got: Vec<&str> = a["support"]
                .as_array()
                .map(|s| s.iter().filter_map(|x| x["id"].as_str()).collect())
                .unwrap_or_default();
            let want: Vec<&str> = want
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            if got != want {
                errors.push(format!("support: want {want:?}, got {got:?}"));
            }
        }
        "assumptions_contain" => {
            // An assumption's field and note, read together.
            let notes: Vec<String> = a["assumptions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    format!(
                        "{} {}",
                        x["field"].as_str().unwrap(),
                        x["note"].as_str().unwrap()
                    )
                })
                .collect();
            for text in want.as_array().unwrap() {
                let text = text.as_str().unwrap();
                if !notes.iter().any(|n| n.contains(text)) {
                    errors.push(format!("no assumption mentions {text:?}: {notes:?}"));
                }
            }
        }
        "derogations_absent" => {
            for kind in want.as_array().unwrap() {
                if derogation(kind.as_str().unwrap()).is_some() {
                    errors.push(format!("derogation {kind} should not be listed"));
                }
            }
        }
        other => errors.push(format!("unknown expectation `{other}`")),
    }
    errors
}

fn tables() -> Vec<(String, Table)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("src/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths.push(root.join("tests/scenarios/general.toml"));
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let table: Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, table)
        })
        .collect()
}

#[test]
fn every_room_has_its_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let tables = tables();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "rs") && stem != "mod" {
            let table = tables
                .iter()
                .find(|(name, _)| *name == format!("{stem}.toml"))
                .unwrap_or_else(|| panic!("rules/{stem}.rs has no rules/{stem}.toml beside it"));
            let n = table
                .1
                .get("scenario")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            assert!(n >= 1, "rules/{stem}.toml has no scenario");
        }
    }
}

#[test]
fn scenarios() {
    let catalog = Catalog::embedded().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bases: Table =
        toml::from_str(&std::fs::read_to_string(root.join("tests/scenarios/bases.toml")).unwrap())
            .unwrap();
    let bases = bases["base"].as_table().unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, table) in tables() {
        for s in table["scenario"].as_array().unwrap() {
            count += 1;
            let s = s.as_table().unwrap();
            let name = format!("{file}: {}", s["name"].as_str().unwrap());
            run(&catalog, bases, s, &name, &mut failures);
        }
    }
    assert!(count >= 90, "the tables hold {count} scenarios");
    assert!(
        failures.is_empty(),
        "{} failing scenario check(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

fn run(catalog: &Catalog, bases: &Table, s: &Table, name: &str, failures: &mut Vec<String>) {
    let mut dossier = bases[s["base"].as_str().unwrap()]
        .as_table()
        .unwrap()
        .clone();
    if let Some(set) = s.get("set").and_then(Value::as_table) {
        for (path, value) in set {
            set_path(&mut dossier, path, value.clone());
        }
    }
    for path in s
        .get("unset")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        unset_path(&mut dossier, path.as_str().unwrap());
    }
    let text = toml::to_string(&dossier).unwrap();
    let result = read_dossier(&text, Format::Toml, catalog)
        .map_err(|e| e.to_string())
        .and_then(|d| {
            let on = d.assessed_on.unwrap();
            assess(&d, catalog, on, Lang::Fr).map_err(|e| e.to_string())
        });
    match (result, s.get("error").and_then(Value::as_str)) {
        (Err(e), Some(want)) if e.contains(want) => {}
        (Err(e), Some(want)) => {
            failures.push(format!("{name}: error should mention {want:?}: {e}"))
        }
        (Ok(_), Some(want)) => failures.push(format!("{name}: should be refused ({want:?})")),
        (Err(e), None) => failures.push(format!("{name}: refused: {e}")),
        (Ok(a), None) => {
            let json = json_of(&a);
            assert_eq!(
                a.verdict,
                Assessment::verdict_of(a.in_scope, &a.findings),
                "{name}"
            );
            for (key, want) in s["expect"].as_table().unwrap() {
                for e in check(&json, key, want) {
                    failures.push(format!("{name}: {e}"));
                }
            }
        }
    }
}
