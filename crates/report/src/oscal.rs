//! OSCAL assessment results (JSON, OSCAL 1.0.6): one result per assessed dossier or per scan,
//! each finding with its rule as the objective, its status, its citations (links to the
//! back-matter's documents) and, for a scanned resource, an observation whose subject is the
//! resource (an inventory item of the result).
//!
//! Deterministic: identifiers are name-based UUIDs (version 5, SHA-1, RFC 4122) of the content
//! they identify, and every time stamp is the assessment's day at midnight UTC — no clock, no
//! random numbers.

use nuage_doctrine::{Assessment, CitedDocument, Date, Finding, Lang, Resource, Rule, Status};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

use crate::{Item, Located};

/// The OSCAL version written, and validated against in the tests (schemas/oscal-1.0.6).
pub const OSCAL_VERSION: &str = "1.0.6";
/// The namespace of Nuage's own properties.
const NS: &str = "https://example.invalid/nuage/ns/oscal";
/// RFC 4122's URL namespace.
const NAMESPACE_URL: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// A version-5 UUID (RFC 4122 §4.3) of `name` in `namespace`.
fn uuid5(namespace: &[u8; 16], name: &str) -> [u8; 16] {
    let mut h = Sha1::new();
    h.update(namespace);
    h.update(name.as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 16];
    for (o, d) in out.iter_mut().zip(digest.iter()) {
        *o = *d;
    }
    out[6] = (out[6] & 0x0f) | 0x50;
    out[8] = (out[8] & 0x3f) | 0x80;
    out
}

fn uuid_text(u: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Identifiers of the things of one result, derived from the result's own.
struct Ids([u8; 16]);

impl Ids {
    fn of(&self, name: &str) -> String {
        uuid_text(&uuid5(&self.0, name))
    }
}

fn prop(name: &str, value: &str) -> Option<Value> {
    let value = value.trim();
    (!value.is_empty()).then(|| json!({ "name": name, "ns": NS, "value": value }))
}

/// Sets `key` on a JSON object (a no-op on anything else, which this module never builds).
fn set(object: &mut Value, key: &str, value: Value) {
    if let Some(o) = object.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}

fn stamp(on: Date) -> String {
    format!("{on}T00:00:00Z")
}

fn status_of(status: Status) -> Value {
    let (state, reason) = match status {
        Status::Compliant => ("satisfied", "pass"),
        Status::NonCompliant => ("not-satisfied", "fail"),
        Status::ToVerify | Status::NotApplicable => ("not-satisfied", "other"),
    };
    let mut v = json!({ "state": state, "reason": reason });
    if matches!(status, Status::NotApplicable) {
        set(&mut v, "state", json!("satisfied"));
    }
    v
}

/// The pieces of one result.
struct ResultInput<'a> {
    key: String,
    title: String,
    description: String,
    on: Date,
    lang: Lang,
    props: Vec<Option<Value>>,
    findings: Vec<&'a Finding>,
    resources: &'a [Resource],
    documents: &'a [CitedDocument],
}

/// The back-matter resource id of a cited document.
fn document_uuid(id: &str) -> String {
    uuid_text(&uuid5(&NAMESPACE_URL, &format!("nuage:document:{id}")))
}

fn result(input: &ResultInput<'_>, back_matter: &mut Map<String, Value>) -> Value {
    let rid = uuid5(&NAMESPACE_URL, &input.key);
    let ids = Ids(rid);
    let start = stamp(input.on);

    let mut items = Vec::new();
    for r in input.resources {
        let mut props: Vec<Value> = [
            prop("address", &r.address),
            prop("resource-type", &r.kind),
            prop("provider", &r.provider),
            r.offer.as_deref().and_then(|o| prop("offer", o)),
            r.region.as_deref().and_then(|o| prop("region", o)),
            prop("file", &r.file),
            prop("line", &r.line.to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        for z in &r.zones {
            props.extend(prop("zone", z));
        }
        items.push(json!({
            "uuid": ids.of(&format!("resource:{}:{}:{}", r.file, r.line, r.address)),
            "description": format!("{} ({}, {}:{})", r.address, r.kind, r.file, r.line),
            "props": props,
        }));
    }

    let mut observations = Vec::new();
    let mut findings = Vec::new();
    let mut reviewed: Vec<&'static str> = Vec::new();
    for (i, f) in input.findings.iter().enumerate() {
        let rule = f.rule.as_str();
        if !reviewed.contains(&rule) {
            reviewed.push(rule);
        }
        let title = nuage_doctrine::explain(f.rule, input.lang)
            .map(|e| format!("{rule} — {}", e.title))
            .unwrap_or_else(|| rule.to_owned());
        let props: Vec<Value> = [prop("rule", rule), prop("status", f.status.as_str())]
            .into_iter()
            .flatten()
            .collect();
        let mut finding = json!({
            "uuid": ids.of(&format!("finding:{i}:{rule}")),
            "title": title,
            "description": f.message,
            "props": props,
            "target": {
                "type": "objective-id",
                "target-id": rule,
                "status": status_of(f.status),
            },
        });
        let links: Vec<Value> = f
            .citations
            .iter()
            .map(|c| {
                let text = [Some(c.document.as_ref()), c.rule.as_deref(), c.section.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                json!({ "href": format!("#{}", document_uuid(&c.document)), "rel": "reference", "text": text })
            })
            .collect();
        if !links.is_empty() {
            set(&mut finding, "links", Value::Array(links));
        }
        if let Some(remedy) = f.remedy.as_deref().filter(|r| !r.trim().is_empty()) {
            set(&mut finding, "remarks", json!(remedy));
        }
        // A finding about one place in the code: an observation of the resource there.
        if let Some(file) = &f.file {
            let line = f.line.unwrap_or(1);
            let oid = ids.of(&format!("observation:{i}:{rule}:{file}:{line}"));
            let mut observation = json!({
                "uuid": oid,
                "description": f.message,
                "methods": ["EXAMINE"],
                "collected": start,
                "relevant-evidence": [{
                    "href": format!("{file}#L{line}"),
                    "description": format!("{file}, line {line}"),
                }],
            });
            let subjects: Vec<Value> = input
                .resources
                .iter()
                .filter(|r| &r.file == file && Some(r.line) == f.line)
                .map(|r| {
                    json!({
                        "subject-uuid": ids.of(&format!("resource:{}:{}:{}", r.file, r.line, r.address)),
                        "type": "inventory-item",
                    })
                })
                .collect();
            if !subjects.is_empty() {
                set(&mut observation, "subjects", Value::Array(subjects));
            }
            observations.push(observation);
            set(
                &mut finding,
                "related-observations",
                json!([{ "observation-uuid": oid }]),
            );
        }
        findings.push(finding);
    }
    for d in input.documents {
        let props: Vec<Value> = prop("document-id", &d.id).into_iter().collect();
        let mut resource = json!({
            "uuid": document_uuid(&d.id),
            "title": d.title,
            "props": props,
        });
        if let Some(url) = &d.url {
            set(&mut resource, "rlinks", json!([{ "href": url }]));
        }
        back_matter.insert(d.id.to_string(), resource);
    }

    let controls: Vec<Value> = if reviewed.is_empty() {
        Rule::ALL
            .iter()
            .map(|r| json!({ "control-id": r.as_str() }))
            .collect()
    } else {
        reviewed
            .iter()
            .map(|r| json!({ "control-id": r }))
            .collect()
    };
    let mut out = json!({
        "uuid": uuid_text(&rid),
        "title": input.title,
        "description": input.description,
        "start": start,
        "end": start,
        "props": input.props.iter().flatten().cloned().collect::<Vec<_>>(),
        "reviewed-controls": {
            "control-selections": [{ "include-controls": controls }],
        },
    });
    if !items.is_empty() {
        set(
            &mut out,
            "local-definitions",
            json!({ "inventory-items": items }),
        );
    }
    if !observations.is_empty() {
        set(&mut out, "observations", Value::Array(observations));
    }
    if !findings.is_empty() {
        set(&mut out, "findings", Value::Array(findings));
    }
    if let Some(o) = out.as_object_mut()
        && o.get("props")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    {
        o.remove("props");
    }
    out
}

fn document(
    title: &str,
    last_modified: String,
    tool_version: &str,
    results: Vec<Value>,
    back_matter: Map<String, Value>,
) -> Value {
    let key: Vec<&str> = results
        .iter()
        .filter_map(|r| r.get("uuid").and_then(Value::as_str))
        .collect();
    let mut doc = json!({
        "uuid": uuid_text(&uuid5(&NAMESPACE_URL, &format!("nuage:assessment-results:{}", key.join(",")))),
        "metadata": {
            "title": title,
            "last-modified": last_modified,
            "version": format!("nuage {tool_version}"),
            "oscal-version": OSCAL_VERSION,
        },
        "import-ap": {
            "href": "https://example.invalid/nuage/cloud-au-centre",
            "remarks": "No separate assessment plan: Nuage assesses every rule of the « Cloud au centre » doctrine in force on the day (R1–R15, GDPR, HDS, OFFICE).",
        },
        "results": results,
    });
    if !back_matter.is_empty() {
        set(
            &mut doc,
            "back-matter",
            json!({ "resources": back_matter.into_iter().map(|(_, v)| v).collect::<Vec<_>>() }),
        );
    }
    json!({ "assessment-results": doc })
}

fn assessment_props(a: &Assessment) -> Vec<Option<Value>> {
    vec![
        prop("verdict", a.verdict.as_str()),
        prop("edition", &a.edition),
        prop("assessed-on", &a.assessed_on.to_string()),
        prop("catalog-version", &a.catalog_version),
        prop("control-procedure", a.control_procedure.as_str()),
        prop("in-scope", if a.in_scope { "true" } else { "false" }),
        prop(
            "particularly-sensitive",
            if a.particularly_sensitive {
                "true"
            } else {
                "false"
            },
        ),
    ]
}

/// The assessments of dossiers, one result each.
pub fn oscal(items: &[Item<'_>], tool_version: &str) -> Value {
    let mut back = Map::new();
    let on = items
        .iter()
        .map(|i| i.assessment.assessed_on)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), stamp);
    let results = items
        .iter()
        .map(|i| {
            let a = i.assessment;
            let key = format!(
                "nuage:result:{}:{}",
                i.path,
                crate::to_json_string(a).unwrap_or_default()
            );
            result(
                &ResultInput {
                    key,
                    title: a.project.clone(),
                    description: format!("{} — {}", i.path, a.verdict.as_str()),
                    on: a.assessed_on,
                    lang: a.lang,
                    props: assessment_props(a),
                    findings: a.findings.iter().collect(),
                    resources: &[],
                    documents: &a.documents,
                },
                &mut back,
            )
        })
        .collect();
    document("Nuage — Cloud au centre", on, tool_version, results, back)
}

/// A scan: its resources as inventory items, its findings (or, with a dossier, the whole
/// assessment's), one result.
pub fn oscal_scan(
    root: &str,
    on: Date,
    lang: Lang,
    resources: &[Resource],
    findings: &[Located<'_>],
    assessment: Option<&Assessment>,
    tool_version: &str,
) -> Value {
    let mut back = Map::new();
    let mut key = format!("nuage:scan:{root}:{on}");
    for r in resources {
        key.push_str(&format!("\n{}:{}:{}", r.file, r.line, r.address));
    }
    for l in findings {
        key.push_str(&format!(
            "\n{}:{}:{}:{}",
            l.finding.rule.as_str(),
            l.finding.status.as_str(),
            l.path(),
            l.finding.message
        ));
    }
    let (title, props, documents) = match assessment {
        Some(a) => (
            a.project.clone(),
            assessment_props(a),
            a.documents.as_slice(),
        ),
        None => (
            format!("nuage scan {root}"),
            vec![prop("assessed-on", &on.to_string())],
            &[][..],
        ),
    };
    let r = result(
        &ResultInput {
            key,
            title,
            description: format!("nuage scan {root}: {} resources", resources.len()),
            on,
            lang,
            props,
            findings: findings.iter().map(|l| l.finding).collect(),
            resources,
            documents,
        },
        &mut back,
    );
    document(
        "Nuage — Cloud au centre",
        stamp(on),
        tool_version,
        vec![r],
        back,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid5_matches_rfc_4122() {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "http://python.org/")
        assert_eq!(
            uuid_text(&uuid5(&NAMESPACE_URL, "http://python.org/")),
            "4c565f0d-3f5a-5890-b41b-20cf47701c5e"
        );
    }
}
