//! JUnit XML, for CI test reports: one suite per dossier, one test case per rule.
//!
//! Non-compliant and to-verify findings are failures (with their type), so that they show
//! in merge requests; not-applicable ones are skipped. The job's exit status is still decided
//! by `--fail-on`, not by this file.

use std::fmt::Write;

use nuage_doctrine::{Status, explain};

use crate::{Item, Located};

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Renders the items as one JUnit XML document.
pub fn junit(items: &[Item<'_>]) -> String {
    let mut suites = String::new();
    let (mut total, mut failures, mut skipped) = (0, 0, 0);
    for item in items {
        let a = item.assessment;
        let f_count = a
            .findings
            .iter()
            .filter(|f| matches!(f.status, Status::NonCompliant | Status::ToVerify))
            .count();
        let s_count = a
            .findings
            .iter()
            .filter(|f| f.status == Status::NotApplicable)
            .count();
        total += a.findings.len();
        failures += f_count;
        skipped += s_count;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f_count}\" errors=\"0\" skipped=\"{s_count}\" timestamp=\"{}T00:00:00\">",
            xml(&format!("{} ({})", a.project, item.path)),
            a.findings.len(),
            a.assessed_on
        );
        for f in &a.findings {
            let title = explain(f.rule, a.lang).map(|e| e.title).unwrap_or_default();
            let _ = write!(
                suites,
                "    <testcase classname=\"nuage.{}\" name=\"{}\" file=\"{}\"",
                f.rule.as_str(),
                xml(&format!("{} — {title}", f.rule.as_str())),
                xml(f.file.as_deref().unwrap_or(item.path)),
            );
            match f.status {
                Status::Compliant => suites.push_str("/>\n"),
                Status::NotApplicable => {
                    let _ = write!(
                        suites,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                        xml(&f.message)
                    );
                }
                Status::NonCompliant | Status::ToVerify => {
                    let mut body = f.message.clone();
                    if let Some(r) = &f.remedy {
                        body.push('\n');
                        body.push_str(r);
                    }
                    let _ = write!(
                        suites,
                        ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                        f.status.as_str(),
                        xml(&f.message),
                        xml(&body)
                    );
                }
            }
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nuage\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

/// Renders findings about resources as one JUnit suite named `suite`: one test case per
/// finding (passing rules have no resource to show).
pub fn junit_findings(suite: &str, located: &[Located<'_>], lang: nuage_doctrine::Lang) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    for l in located {
        let f = l.finding;
        let title = explain(f.rule, lang).map(|e| e.title).unwrap_or_default();
        let name = format!("{} — {title} — {}:{}", f.rule.as_str(), l.path(), l.line());
        let _ = write!(
            cases,
            "    <testcase classname=\"nuage.{}\" name=\"{}\" file=\"{}\"",
            f.rule.as_str(),
            xml(&name),
            xml(l.path())
        );
        match f.status {
            Status::NonCompliant | Status::ToVerify => {
                failures += 1;
                let mut body = f.message.clone();
                if let Some(r) = &f.remedy {
                    body.push('\n');
                    body.push_str(r);
                }
                let _ = write!(
                    cases,
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    f.status.as_str(),
                    xml(&f.message),
                    xml(&body)
                );
            }
            _ => cases.push_str("/>\n"),
        }
    }
    let total = located.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nuage\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n  <testsuite name=\"{}\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n</testsuites>\n",
        xml(suite)
    )
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            xml("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}"
        );
    }
}
