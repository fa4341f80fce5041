//! OSCAL assessment results (JSON, OSCAL 1.0.6): one result per assessed dossier or per scan,
//! each finding with its rule as the objective, its status, its citations (links to the
//! back-matter's documents) and, for a scanned resource, an observation whose subject is the
//! resource (an inventory item of the result).
//!
//! Deterministic: identifiers are name-based UUIDs (version 5, SHA-1, RFC 4122) of the content
//! they identify, and every time stamp is the assessment's day at midnight UTC — no clock, no
//! random numbers.

use std::collections::BTreeMap;

use nuage_doctrine::{Assessment, CitedDocument, Date, Finding, Lang, Resource, Rule, Status};
use serde::Serialize;
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

// ---- The OSCAL assessment-results model, as much of it as Nuage writes ----

/// An OSCAL assessment-results document (the top-level object).
#[derive(Debug, Serialize)]
pub struct AssessmentResultsDocument {
    #[serde(rename = "assessment-results")]
    assessment_results: AssessmentResults,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct AssessmentResults {
    uuid: String,
    metadata: Metadata,
    import_ap: ImportAp,
    results: Vec<OscalResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    back_matter: Option<BackMatter>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    title: String,
    last_modified: String,
    version: String,
    oscal_version: &'static str,
}

#[derive(Debug, Serialize)]
struct ImportAp {
    href: String,
    remarks: String,
}

#[derive(Debug, Clone, Serialize)]
struct Prop {
    name: &'static str,
    ns: &'static str,
    value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct OscalResult {
    uuid: String,
    title: String,
    description: String,
    start: String,
    end: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    reviewed_controls: ReviewedControls,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_definitions: Option<LocalDefinitions>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    observations: Vec<Observation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<OscalFinding>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct ReviewedControls {
    control_selections: Vec<ControlSelection>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct ControlSelection {
    include_controls: Vec<ControlId>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct ControlId {
    control_id: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct LocalDefinitions {
    inventory_items: Vec<InventoryItem>,
}

#[derive(Debug, Serialize)]
struct InventoryItem {
    uuid: String,
    description: String,
    props: Vec<Prop>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct Observation {
    uuid: String,
    description: String,
    methods: Vec<&'static str>,
    collected: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subjects: Vec<SubjectReference>,
    relevant_evidence: Vec<RelevantEvidence>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct SubjectReference {
    subject_uuid: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Debug, Serialize)]
struct RelevantEvidence {
    href: String,
    description: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct OscalFinding {
    uuid: String,
    title: String,
    description: String,
    props: Vec<Prop>,
    target: FindingTarget,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_observations: Vec<RelatedObservation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct FindingTarget {
    #[serde(rename = "type")]
    kind: &'static str,
    target_id: &'static str,
    status: ObjectiveStatus,
}

#[derive(Debug, Serialize)]
struct ObjectiveStatus {
    state: &'static str,
    reason: &'static str,
}

#[derive(Debug, Serialize)]
struct Link {
    href: String,
    rel: &'static str,
    text: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct RelatedObservation {
    observation_uuid: String,
}

#[derive(Debug, Serialize)]
struct BackMatter {
    resources: Vec<BackMatterResource>,
}

#[derive(Debug, Serialize)]
struct BackMatterResource {
    uuid: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rlinks: Vec<RLink>,
}

#[derive(Debug, Serialize)]
struct RLink {
    href: String,
}

/// The back matter under construction: resources by key, written in key order.
type Back = BTreeMap<String, BackMatterResource>;

/// A Nuage property, or nothing when its value is blank (OSCAL refuses empty values).
fn prop(name: &'static str, value: &str) -> Option<Prop> {
    let value = value.trim();
    (!value.is_empty()).then(|| Prop {
        name,
        ns: NS,
        value: value.to_owned(),
    })
}

fn stamp(on: Date) -> String {
    format!("{on}T00:00:00Z")
}

/// A finding's status as an OSCAL objective status: compliant and not applicable satisfy the
/// objective; to verify is « not satisfied » for « other » reasons (never a pass).
fn status_of(status: Status) -> ObjectiveStatus {
    match status {
        Status::Compliant => ObjectiveStatus {
            state: "satisfied",
            reason: "pass",
        },
        Status::NotApplicable => ObjectiveStatus {
            state: "satisfied",
            reason: "other",
        },
        Status::NonCompliant => ObjectiveStatus {
            state: "not-satisfied",
            reason: "fail",
        },
        Status::ToVerify => ObjectiveStatus {
            state: "not-satisfied",
            reason: "other",
        },
    }
}

/// The pieces of one result.
struct ResultInput<'a> {
    key: String,
    title: String,
    description: String,
    on: Date,
    lang: Lang,
    props: Vec<Option<Prop>>,
    findings: Vec<&'a Finding>,
    resources: &'a [Resource],
    documents: &'a [CitedDocument],
}

/// The back-matter resource id of a cited document.
fn document_uuid(id: &str) -> String {
    uuid_text(&uuid5(&NAMESPACE_URL, &format!("nuage:document:{id}")))
}

fn resource_uuid(ids: &Ids, r: &Resource) -> String {
    ids.of(&format!("resource:{}:{}:{}", r.file, r.line, r.address))
}

fn result(input: &ResultInput<'_>, back_matter: &mut Back) -> OscalResult {
    let rid = uuid5(&NAMESPACE_URL, &input.key);
    let ids = Ids(rid);
    let start = stamp(input.on);

    let items: Vec<InventoryItem> = input
        .resources
        .iter()
        .map(|r| {
            let mut props: Vec<Prop> = [
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
            props.extend(r.zones.iter().filter_map(|z| prop("zone", z)));
            InventoryItem {
                uuid: resource_uuid(&ids, r),
                description: format!("{} ({}, {}:{})", r.address, r.kind, r.file, r.line),
                props,
            }
        })
        .collect();

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
        let links = f
            .citations
            .iter()
            .map(|c| Link {
                href: format!("#{}", document_uuid(&c.document)),
                rel: "reference",
                text: [
                    Some(c.document.as_ref()),
                    c.rule.as_deref(),
                    c.section.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            })
            .collect();
        // A finding about one place in the code: an observation of the resource there.
        let mut related_observations = Vec::new();
        if let Some(file) = &f.file {
            let line = f.line.unwrap_or(1);
            let oid = ids.of(&format!("observation:{i}:{rule}:{file}:{line}"));
            observations.push(Observation {
                uuid: oid.clone(),
                description: f.message.clone(),
                methods: vec!["EXAMINE"],
                collected: start.clone(),
                subjects: input
                    .resources
                    .iter()
                    .filter(|r| &r.file == file && Some(r.line) == f.line)
                    .map(|r| SubjectReference {
                        subject_uuid: resource_uuid(&ids, r),
                        kind: "inventory-item",
                    })
                    .collect(),
                relevant_evidence: vec![RelevantEvidence {
                    href: format!("{file}#L{line}"),
                    description: format!("{file}, line {line}"),
                }],
            });
            related_observations.push(RelatedObservation {
                observation_uuid: oid,
            });
        }
        findings.push(OscalFinding {
            uuid: ids.of(&format!("finding:{i}:{rule}")),
            title,
            description: f.message.clone(),
            props: [prop("rule", rule), prop("status", f.status.as_str())]
                .into_iter()
                .flatten()
                .collect(),
            target: FindingTarget {
                kind: "objective-id",
                target_id: rule,
                status: status_of(f.status),
            },
            links,
            remarks: f
                .remedy
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .map(str::to_owned),
            related_observations,
        });
    }
    for d in input.documents {
        back_matter.insert(
            d.id.to_string(),
            BackMatterResource {
                uuid: document_uuid(&d.id),
                title: d.title.to_string(),
                description: None,
                props: prop("document-id", &d.id).into_iter().collect(),
                rlinks: d
                    .url
                    .iter()
                    .map(|u| RLink {
                        href: u.to_string(),
                    })
                    .collect(),
            },
        );
    }

    let controls: Vec<ControlId> = if reviewed.is_empty() {
        Rule::ALL
            .iter()
            .map(|r| ControlId {
                control_id: r.as_str(),
            })
            .collect()
    } else {
        reviewed
            .iter()
            .map(|r| ControlId { control_id: r })
            .collect()
    };
    OscalResult {
        uuid: uuid_text(&rid),
        title: input.title.clone(),
        description: input.description.clone(),
        start: start.clone(),
        end: start,
        props: input.props.iter().flatten().cloned().collect(),
        reviewed_controls: ReviewedControls {
            control_selections: vec![ControlSelection {
                include_controls: controls,
            }],
        },
        local_definitions: (!items.is_empty()).then_some(LocalDefinitions {
            inventory_items: items,
        }),
        observations,
        findings,
    }
}

/// The back-matter resource the document's `import-ap` points at: there is no separate
/// assessment plan, the plan is the doctrine itself, every rule of the edition in force on the
/// day of each assessment.
const PLAN_KEY: &str = "nuage:assessment-plan";

fn document(
    title: &str,
    last_modified: String,
    tool_version: &str,
    editions: &[&str],
    results: Vec<OscalResult>,
    mut back_matter: Back,
) -> AssessmentResultsDocument {
    let key: Vec<&str> = results.iter().map(|r| r.uuid.as_str()).collect();
    let plan = uuid_text(&uuid5(&NAMESPACE_URL, PLAN_KEY));
    let mut edition_props: Vec<Prop> = editions.iter().filter_map(|e| prop("edition", e)).collect();
    edition_props.dedup_by(|a, b| a.value == b.value);
    back_matter.insert(
        PLAN_KEY.to_owned(),
        BackMatterResource {
            uuid: plan.clone(),
            title: "Nuage — the rules of the « Cloud au centre » doctrine as the assessment plan".to_owned(),
            description: Some(
                "No separate assessment plan: each result assesses every rule of the doctrine (R1 to R15, GDPR, HDS, OFFICE) in the edition in force on its day; the editions used are this resource's properties, and each finding links to the texts it rests on.".to_owned(),
            ),
            props: edition_props,
            rlinks: Vec::new(),
        },
    );
    AssessmentResultsDocument {
        assessment_results: AssessmentResults {
            uuid: uuid_text(&uuid5(
                &NAMESPACE_URL,
                &format!("nuage:assessment-results:{}", key.join(",")),
            )),
            metadata: Metadata {
                title: title.to_owned(),
                last_modified,
                version: format!("nuage {tool_version}"),
                oscal_version: OSCAL_VERSION,
            },
            import_ap: ImportAp {
                href: format!("#{plan}"),
                remarks: "The assessment plan is the doctrine itself: see the back-matter resource this points at.".to_owned(),
            },
            results,
            back_matter: Some(BackMatter {
                resources: back_matter.into_values().collect(),
            }),
        },
    }
}

fn assessment_props(a: &Assessment) -> Vec<Option<Prop>> {
    let flag = |b: bool| if b { "true" } else { "false" };
    vec![
        prop("verdict", a.verdict.as_str()),
        prop("edition", &a.edition),
        prop("assessed-on", &a.assessed_on.to_string()),
        prop("catalog-version", &a.catalog_version),
        prop("control-procedure", a.control_procedure.as_str()),
        prop("in-scope", flag(a.in_scope)),
        prop("particularly-sensitive", flag(a.particularly_sensitive)),
    ]
}

/// The assessments of dossiers, one result each.
pub fn oscal(items: &[Item<'_>], tool_version: &str) -> AssessmentResultsDocument {
    let mut back = Back::new();
    let on = items
        .iter()
        .map(|i| i.assessment.assessed_on)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), stamp);
    let mut editions: Vec<&str> = items
        .iter()
        .map(|i| i.assessment.edition.as_str())
        .collect();
    editions.sort_unstable();
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
    document(
        "Nuage — Cloud au centre",
        on,
        tool_version,
        &editions,
        results,
        back,
    )
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
) -> AssessmentResultsDocument {
    let mut back = Back::new();
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
    let editions: Vec<&str> = assessment.map(|a| a.edition.as_str()).into_iter().collect();
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
        &editions,
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
