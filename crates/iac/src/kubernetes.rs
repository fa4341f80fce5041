//! Kubernetes manifests: multi-document YAML. Workloads (Deployment, StatefulSet, DaemonSet),
//! volumes (PersistentVolumeClaim, StorageClass) and Services; zones from node affinity and
//! node selectors, spreading from topology spread constraints, replicas.

use nuage_doctrine::{SkipKind, Skipped, SourceKind};
use yaml_serde::Value;

use crate::mapping::Mappings;
use crate::observe::{Observed, Val};

const ZONE_KEYS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    Some(cur)
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    get(v, path).and_then(Value::as_str).map(str::to_owned)
}

/// Splits a stream into documents with the line each starts on.
fn documents(text: &str) -> Vec<(u32, String)> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut start = 1u32;
    for (i, line) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") || trimmed.starts_with("---#") {
            if !current.trim().is_empty() {
                docs.push((start, std::mem::take(&mut current)));
            }
            current.clear();
            start = n + 1;
            continue;
        }
        if current.is_empty() && trimmed.is_empty() {
            start = n + 1;
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    if !current.trim().is_empty() {
        docs.push((start, current));
    }
    docs
}

/// Zones a pod spec pins, and whether it spreads across zones.
fn pod_zones(spec: &Value) -> (Vec<String>, bool) {
    let mut zones = Vec::new();
    for key in ZONE_KEYS {
        if let Some(z) = get(spec, &["nodeSelector", key]).and_then(Value::as_str) {
            zones.push(z.to_owned());
        }
    }
    let terms = get(
        spec,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    )
    .and_then(Value::as_sequence);
    for term in terms.into_iter().flatten() {
        for expr in term
            .get("matchExpressions")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let key = expr.get("key").and_then(Value::as_str).unwrap_or("");
            let op = expr.get("operator").and_then(Value::as_str).unwrap_or("");
            if ZONE_KEYS.contains(&key) && op == "In" {
                for v in expr
                    .get("values")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    if let Some(z) = v.as_str() {
                        zones.push(z.to_owned());
                    }
                }
            }
        }
    }
    let spread = spec
        .get("topologySpreadConstraints")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .any(|c| {
            c.get("topologyKey")
                .and_then(Value::as_str)
                .is_some_and(|k| ZONE_KEYS.contains(&k))
        });
    let anti_affinity = get(spec, &["affinity", "podAntiAffinity"])
        .and_then(|a| {
            a.get("requiredDuringSchedulingIgnoredDuringExecution")
                .or_else(|| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
        })
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .any(|t| {
            let key = t
                .get("topologyKey")
                .or_else(|| t.get("podAffinityTerm").and_then(|p| p.get("topologyKey")));
            key.and_then(Value::as_str)
                .is_some_and(|k| ZONE_KEYS.contains(&k))
        });
    zones.sort();
    zones.dedup();
    (zones, spread || anti_affinity)
}

fn workload(o: &mut Observed, doc: &Value) {
    let Some(spec) = get(doc, &["spec", "template", "spec"]) else {
        return;
    };
    let kind = o.kind.clone();
    let replicas = get(doc, &["spec", "replicas"])
        .and_then(Value::as_u64)
        .unwrap_or(1);
    o.attrs.insert("replicas".into(), Val::Num(replicas as f64));
    let (zones, spread) = pod_zones(spec);
    if !zones.is_empty() {
        o.extra_zones = Some((
            zones.clone(),
            format!("zones ← node affinity or selector: {}", zones.join(", ")),
        ));
    }
    o.multi_zone = Some(match (kind.as_str(), replicas, zones.len(), spread) {
        ("DaemonSet", _, _, _) => (
            None,
            "multi_zone unknown ← a DaemonSet runs wherever its nodes are".into(),
        ),
        (_, r, _, _) if r < 2 => (Some(false), format!("multi_zone = false ← replicas = {r}")),
        (_, _, 1, _) => (
            Some(false),
            "multi_zone = false ← pinned to a single zone".into(),
        ),
        (_, r, n, _) if n >= 2 => (
            Some(true),
            format!("multi_zone = true ← {r} replicas pinned to {n} zones"),
        ),
        (_, r, _, true) => (
            Some(true),
            format!(
                "multi_zone = true ← {r} replicas spread across zones (topology spread or anti-affinity)"
            ),
        ),
        (_, r, _, false) => (
            None,
            format!(
                "multi_zone unknown ← {r} replicas, no zone constraint (the scheduler may or may not spread them)"
            ),
        ),
    });
}

fn storage_class(o: &mut Observed, doc: &Value, mappings: &Mappings) {
    let Some(provisioner) = doc.get("provisioner").and_then(Value::as_str) else {
        return;
    };
    if let Some(p) = mappings
        .providers()
        .iter()
        .find(|p| p.csi_provisioners.iter().any(|c| c == provisioner))
    {
        o.provider = p.name.clone();
        if let Some(offer) = &p.offer {
            o.offer_hint = Some((
                offer.clone(),
                format!("offer = {offer} ← provisioner {provisioner}"),
            ));
        }
    }
    let mut zones = Vec::new();
    for topo in doc
        .get("allowedTopologies")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        for expr in topo
            .get("matchLabelExpressions")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            if expr
                .get("key")
                .and_then(Value::as_str)
                .is_some_and(|k| ZONE_KEYS.contains(&k))
            {
                for v in expr
                    .get("values")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    if let Some(z) = v.as_str() {
                        zones.push(z.to_owned());
                    }
                }
            }
        }
    }
    if !zones.is_empty() {
        o.extra_zones = Some((
            zones.clone(),
            format!("zones ← allowedTopologies: {}", zones.join(", ")),
        ));
    }
}

fn observe(path: &str, line: u32, doc: &Value, mappings: &Mappings, out: &mut Vec<Observed>) {
    let Some(kind) = doc.get("kind").and_then(Value::as_str) else {
        return;
    };
    if kind == "List" {
        for item in doc
            .get("items")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            observe(path, line, item, mappings, out);
        }
        return;
    }
    if doc.get("apiVersion").is_none() {
        return;
    }
    let name = text(doc, &["metadata", "name"]).unwrap_or_else(|| "?".into());
    let namespace = text(doc, &["metadata", "namespace"]).unwrap_or_else(|| "default".into());
    let address = match kind {
        "StorageClass" | "PersistentVolume" => format!("{kind}/{name}"),
        _ => format!("{kind}/{namespace}/{name}"),
    };
    let mut o = Observed::new(
        address,
        kind.to_owned(),
        "kubernetes".into(),
        path.to_owned(),
        line,
        SourceKind::Kubernetes,
    );
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => workload(&mut o, doc),
        "StorageClass" => storage_class(&mut o, doc, mappings),
        "PersistentVolumeClaim" | "PersistentVolume" | "Service" => {}
        _ => return,
    }
    out.push(o);
}

/// Whether a YAML text looks like an Ansible playbook: a list of plays, each with `hosts:` and
/// its `roles:`, `tasks:` or an `import_playbook:`.
pub fn looks_like_playbook(text: &str) -> bool {
    let mut hosts = false;
    let mut body = false;
    for line in text.lines().take(200) {
        let t = line.trim_start().trim_start_matches("- ");
        hosts |= t.starts_with("hosts:");
        body |=
            t.starts_with("roles:") || t.starts_with("tasks:") || t.starts_with("import_playbook:");
        if hosts && body {
            return !text.contains("apiVersion:");
        }
    }
    false
}

/// Whether a YAML text looks like Kubernetes manifests.
pub fn looks_like_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

/// Reads a manifest stream.
pub fn parse_manifests(
    path: &str,
    text: &str,
    mappings: &Mappings,
) -> Result<Vec<Observed>, Skipped> {
    if text.contains("{{") && text.contains("}}") {
        return Err(Skipped {
            path: path.to_owned(),
            line: None,
            reason: "Helm or Go template: render it first (`helm template …`) and scan the output"
                .into(),
            kind: SkipKind::Template,
        });
    }
    // Nesting and aliases are bounded before the parser sees the text.
    if let Err(e) = nuage_limits::yaml::check(text, &nuage_limits::YamlLimits::DEFAULT) {
        return Err(Skipped {
            path: path.to_owned(),
            line: u32::try_from(e.line).ok(),
            reason: format!("{e} (column {})", e.column),
            kind: SkipKind::Syntax,
        });
    }
    let mut out = Vec::new();
    for (line, doc) in documents(text) {
        let value: Value = yaml_serde::from_str(&doc).map_err(|e| {
            let at = e
                .location()
                .map_or(line, |l| line + u32::try_from(l.line()).unwrap_or(1) - 1);
            Skipped {
                path: path.to_owned(),
                line: Some(at),
                reason: format!("invalid YAML at line {at}: {e}"),
                kind: SkipKind::Syntax,
            }
        })?;
        observe(path, line, &value, mappings, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playbooks_are_told_from_manifests() {
        assert!(looks_like_playbook(
            "---\n- name: install\n  hosts: localhost\n  roles:\n    - role: web\n"
        ));
        assert!(!looks_like_playbook(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hosts\n"
        ));
    }

    #[test]
    fn documents_keep_their_first_line() {
        let docs = documents("a: 1\n---\n\nb: 2\n--- # c\nc: 3\n");
        let starts: Vec<u32> = docs.iter().map(|(l, _)| *l).collect();
        assert_eq!(starts, vec![1, 4, 6]);
    }
}
