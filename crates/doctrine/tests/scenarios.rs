//! Runs `scenarios.toml`: the doctrine's table of cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
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

#[test]
fn scenarios() {
    let catalog = Catalog::embedded().unwrap();
    let file: Table = toml::from_str(include_str!("scenarios.toml")).unwrap();
    let bases = file["base"].as_table().unwrap();
    let scenarios = file["scenario"].as_array().unwrap();
    assert!(
        scenarios.len() >= 40,
        "the table needs at least 40 scenarios"
    );
    let mut failures = Vec::new();
    for s in scenarios {
        let s = s.as_table().unwrap();
        let name = s["name"].as_str().unwrap();
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
        let result = read_dossier(&text, Format::Toml, &catalog)
            .map_err(|e| e.to_string())
            .and_then(|d| {
                let on = d.assessed_on.unwrap();
                assess(&d, &catalog, on, Lang::Fr).map_err(|e| e.to_string())
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
    assert!(
        failures.is_empty(),
        "{} failing scenario check(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
