//! SARIF 2.1.0, the format GitHub and GitLab code scanning read.
//!
//! One run, one reporting descriptor per rule (with Nuage's reading as help), one result per
//! finding that asks for action: `error` for non-compliant, `warning` for to verify.

use nuage_doctrine::{Lang, Rule, Status, explain};
use serde_json::{Value, json};

use crate::{Item, Located};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI: &str = "https://www.numerique.gouv.fr/services/cloud/doctrine/";

fn rule_descriptor(rule: Rule, lang: Lang) -> Value {
    let Some(e) = explain(rule, lang) else {
        return json!({ "id": rule.as_str() });
    };
    let mut help = format!("{}\n\n{}", e.text, e.reading);
    if let Some(j) = &e.judgement {
        help.push_str("\n\n");
        help.push_str(j);
    }
    let markdown = format!(
        "**{}**\n\n{}\n\n{}{}\n\n*Sources :* {}",
        e.title,
        e.text,
        e.reading,
        e.judgement
            .as_deref()
            .map(|j| format!("\n\n{j}"))
            .unwrap_or_default(),
        e.sources.join(" ; ")
    );
    json!({
        "id": rule.as_str(),
        "name": format!("CloudAuCentre{}", rule.as_str()),
        "shortDescription": { "text": e.title },
        "fullDescription": { "text": e.text },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": "error" },
        "properties": { "tags": ["cloud-au-centre", "compliance", rule.as_str()] }
    })
}

/// Renders the items as one SARIF log.
pub fn sarif(items: &[Item<'_>], tool_version: &str) -> Value {
    let lang = items.first().map(|i| i.assessment.lang).unwrap_or_default();
    let located: Vec<Located<'_>> = items.iter().flat_map(Item::located).collect();
    sarif_findings(&located, lang, tool_version)
}

/// Renders findings, each against its file, as one SARIF log.
pub fn sarif_findings(located: &[Located<'_>], lang: Lang, tool_version: &str) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| rule_descriptor(*r, lang))
        .collect();
    let mut results = Vec::new();
    for l in located {
        let f = l.finding;
        let level = match f.status {
            Status::NonCompliant => "error",
            Status::ToVerify => "warning",
            Status::Compliant | Status::NotApplicable => continue,
        };
        let index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
        let mut text = f.message.clone();
        if let Some(remedy) = &f.remedy {
            text.push_str(" → ");
            text.push_str(remedy);
        }
        let line = l.line();
        results.push(json!({
            "ruleId": f.rule.as_str(),
            "ruleIndex": index,
            "level": level,
            "kind": "fail",
            "message": { "text": text },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": l.path() },
                    "region": { "startLine": line }
                }
            }],
            "partialFingerprints": { "nuage/v1": l.fingerprint() },
            "properties": { "status": f.status.as_str(), "subject": l.subject }
        }));
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "nuage",
                    "version": tool_version,
                    "informationUri": INFO_URI,
                    "rules": rules
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    })
}
