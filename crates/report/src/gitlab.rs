//! GitLab Code Quality (a subset of the Code Climate format): a JSON array of issues.

use nuage_doctrine::Status;
use serde_json::{Value, json};

use crate::Located;

/// Renders the findings that ask for action as GitLab Code Quality issues.
pub fn gitlab(located: &[Located<'_>]) -> Value {
    let issues: Vec<Value> = located
        .iter()
        .filter_map(|l| {
            let severity = match l.finding.status {
                Status::NonCompliant => "critical",
                Status::ToVerify => "minor",
                Status::Compliant | Status::NotApplicable => return None,
            };
            let mut description = l.finding.message.clone();
            if let Some(remedy) = &l.finding.remedy {
                description.push_str(" → ");
                description.push_str(remedy);
            }
            Some(json!({
                "type": "issue",
                "description": description,
                "check_name": format!("nuage/{}", l.finding.rule.as_str()),
                "categories": ["Compliance"],
                "fingerprint": l.fingerprint(),
                "severity": severity,
                "location": { "path": l.path(), "lines": { "begin": l.line() } }
            }))
        })
        .collect();
    Value::Array(issues)
}
