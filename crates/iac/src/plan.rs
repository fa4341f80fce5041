//! Plans from `terraform show -json` (or `tofu show -json`): `planned_values` for the
//! resources, `configuration.provider_config` for their providers, `resource_changes[].change
//! .after_unknown` for what is only known after apply.

use std::collections::HashMap;

use nuage_doctrine::{SkipKind, Skipped, SourceKind, Unplaced, UnplacedReason};
use serde_json::Value;

use crate::LineIndex;
use crate::observe::{Attrs, Observed, Val};

fn val(v: &Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
        Value::String(s) => Val::Str(s.clone()),
        Value::Array(items) => Val::List(items.iter().map(val).collect()),
        Value::Object(map) => Val::Map(map.iter().map(|(k, v)| (k.clone(), val(v))).collect()),
    }
}

/// Flattens `values` to dotted paths; `unknown` (the `after_unknown` tree) marks paths whose
/// value only exists after apply.
fn flatten(prefix: &str, values: &Value, unknown: Option<&Value>, out: &mut HashMap<String, Val>) {
    if let Value::Object(map) = values {
        for (k, v) in map {
            let path = format!("{prefix}{k}");
            let u = unknown.and_then(|u| u.get(k));
            if u == Some(&Value::Bool(true)) {
                out.insert(path, Val::Unknown);
                continue;
            }
            match v {
                Value::Object(_) => flatten(&format!("{path}."), v, u, out),
                Value::Array(items) if items.first().is_some_and(Value::is_object) => {
                    if let Some(first) = items.first() {
                        flatten(&format!("{path}."), first, u.and_then(|u| u.get(0)), out);
                    }
                }
                _ => {}
            }
            out.insert(path, val(v));
        }
    }
    if let Some(Value::Object(u)) = unknown {
        for (k, flag) in u {
            if flag == &Value::Bool(true) {
                out.entry(format!("{prefix}{k}")).or_insert(Val::Unknown);
            }
        }
    }
}

/// The value of a provider configuration expression: a constant, or a single `var.x`.
fn expression(e: &Value, variables: &HashMap<String, Value>) -> Val {
    if let Some(c) = e.get("constant_value") {
        return val(c);
    }
    let refs: Vec<&str> = e
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match refs.as_slice() {
        [r] => r
            .strip_prefix("var.")
            .and_then(|name| variables.get(name))
            .map_or(Val::Unknown, val),
        _ => Val::Unknown,
    }
}

/// Provider configuration key (`aws`, `aws.paris`, `module.x:aws`) of each resource address
/// in the configuration.
fn config_keys(module: &Value, prefix: &str, out: &mut HashMap<String, String>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(addr), Some(key)) = (
            r.get("address").and_then(Value::as_str),
            r.get("provider_config_key").and_then(Value::as_str),
        ) {
            out.insert(format!("{prefix}{addr}"), key.to_owned());
        }
    }
    for (name, call) in module
        .get("module_calls")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(child) = call.get("module") {
            config_keys(child, &format!("{prefix}module.{name}."), out);
        }
    }
}

fn planned(module: &Value, out: &mut Vec<Value>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push(r.clone());
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        planned(child, out);
    }
}

/// The first line where `"address": "<address>"` appears, for every address.
fn address_lines(text: &str) -> HashMap<String, u32> {
    let lines = LineIndex::new(text);
    let mut out = HashMap::new();
    let needle = "\"address\"";
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find(needle)) {
        let at = from + i;
        let rest = text.get(at + needle.len()..).unwrap_or("");
        let rest = rest.trim_start_matches([' ', '\t', '\n', '\r', ':']);
        if let Some(body) = rest.strip_prefix('"')
            && let Some(end) = body.find('"')
        {
            out.entry(body.get(..end).unwrap_or("").to_owned())
                .or_insert_with(|| lines.line(at));
        }
        from = at + needle.len();
    }
    out
}

/// Whether a JSON document looks like a plan (read from its first bytes).
pub fn looks_like_plan(head: &str) -> bool {
    head.contains("\"planned_values\"")
        || (head.contains("\"format_version\"") && head.contains("\"terraform_version\""))
}

/// Reads a plan.
pub fn parse_plan(path: &str, text: &str) -> Result<Vec<Observed>, Skipped> {
    let root: Value = serde_json::from_str(text).map_err(|e| Skipped {
        path: path.to_owned(),
        line: u32::try_from(e.line()).ok(),
        reason: format!(
            "invalid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ),
        kind: SkipKind::Syntax,
    })?;
    if root.get("planned_values").is_none() {
        return Err(Skipped {
            path: path.to_owned(),
            line: None,
            reason:
                "a JSON plan needs `planned_values` (produce it with `terraform show -json PLAN`)"
                    .into(),
            kind: SkipKind::Syntax,
        });
    }
    let variables: HashMap<String, Value> = root
        .get("variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.get("value").map(|v| (k.clone(), v.clone())))
        .collect();
    type Config = (
        String,
        std::sync::Arc<Attrs>,
        std::sync::Arc<Vec<(String, Unplaced)>>,
    );
    let mut providers: HashMap<String, Config> = HashMap::new();
    for (key, cfg) in root
        .pointer("/configuration/provider_config")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let name = cfg
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_owned();
        let mut why = Vec::new();
        let attrs = cfg
            .get("expressions")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, e)| {
                let v = expression(e, &variables);
                if v == Val::Unknown {
                    why.push((
                        k.clone(),
                        Unplaced {
                            reason: UnplacedReason::Expression,
                            detail: "a provider expression the plan gives only as references"
                                .into(),
                        },
                    ));
                }
                (k.clone(), v)
            })
            .collect();
        providers.insert(
            key.clone(),
            (name, std::sync::Arc::new(attrs), std::sync::Arc::new(why)),
        );
    }
    let mut keys = HashMap::new();
    if let Some(m) = root.pointer("/configuration/root_module") {
        config_keys(m, "", &mut keys);
    }
    let unknown: HashMap<&str, &Value> = root
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c.get("address")?.as_str()?,
                c.pointer("/change/after_unknown")?,
            ))
        })
        .collect();
    let lines = address_lines(text);
    let mut resources = Vec::new();
    if let Some(m) = root.pointer("/planned_values/root_module") {
        planned(m, &mut resources);
    }
    let mut out = Vec::new();
    for r in &resources {
        if r.get("mode").and_then(Value::as_str) == Some("data") {
            continue;
        }
        let (Some(address), Some(kind)) = (
            r.get("address").and_then(Value::as_str),
            r.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        let provider_name = r.get("provider_name").and_then(Value::as_str).unwrap_or("");
        let provider = provider_name
            .rsplit('/')
            .next()
            .unwrap_or(provider_name)
            .to_owned();
        let line = lines.get(address).copied().unwrap_or(1);
        let mut o = Observed::new(
            address.to_owned(),
            kind.to_owned(),
            provider.clone(),
            path.to_owned(),
            line,
            SourceKind::Plan,
        );
        // The configuration address drops instance keys: aws_instance.web[0] → aws_instance.web.
        let config_address: String = strip_indexes(address);
        let key = keys
            .get(&config_address)
            .cloned()
            .unwrap_or_else(|| provider.clone());
        let key = key.rsplit(':').next().unwrap_or(&key).to_owned();
        if let Some((name, attrs, why)) = providers.get(&key).or_else(|| providers.get(&provider)) {
            o.provider_attrs = attrs.clone();
            o.provider_block = true;
            o.provider_why = Some(why.clone());
            if name != &provider {
                o.provider = name.clone();
            }
            if key.contains('.') {
                o.provider_config_name = Some(key.clone());
            }
        }
        if r.get("index").is_some() {
            o.repeated = Some(if r.get("index").is_some_and(Value::is_string) {
                "for_each".into()
            } else {
                "count".into()
            });
        }
        let mut attrs = HashMap::new();
        flatten(
            "",
            r.get("values").unwrap_or(&Value::Null),
            unknown.get(address).copied(),
            &mut attrs,
        );
        for (k, v) in &attrs {
            if *v == Val::Unknown {
                o.why.push((
                    k.clone(),
                    Unplaced {
                        reason: UnplacedReason::AfterApply,
                        detail: "known after apply (the plan says so)".into(),
                    },
                ));
            }
        }
        o.attrs = attrs.into_iter().collect();
        out.push(o);
    }
    Ok(out)
}

fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_keys_are_stripped() {
        assert_eq!(
            strip_indexes("module.a[\"x\"].aws_instance.web[0]"),
            "module.a.aws_instance.web"
        );
    }

    #[test]
    fn addresses_are_found_with_their_lines() {
        let text =
            "{\n  \"a\": {\n    \"address\": \"aws_instance.web\"\n  },\n  \"address\":\"x.y\"\n}";
        let l = address_lines(text);
        assert_eq!(l.get("aws_instance.web"), Some(&3));
        assert_eq!(l.get("x.y"), Some(&5));
    }
}
