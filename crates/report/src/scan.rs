//! Reports of a scan: the resources found, where they run, and what the doctrine makes of them.

use std::collections::BTreeMap;
use std::fmt::Write;

use nuage_doctrine::{
    Assessment, Coverage, Finding, Lang, ProviderStatus, Resource, Skipped, Status,
};

use crate::labels::pick;
use crate::{Item, TextOptions};

/// What a scan produced, for rendering.
#[derive(Debug, Clone, Copy)]
pub struct ScanView<'a> {
    /// The scanned path, as given.
    pub root: &'a str,
    pub lang: Lang,
    pub resources: &'a [Resource],
    /// Findings about resources (with file and line) or about the whole scan.
    pub findings: &'a [Finding],
    pub skipped: &'a [Skipped],
    /// The dossier's assessment, when the scan was merged into one.
    pub assessment: Option<&'a Assessment>,
    /// The dossier's path, with an assessment.
    pub dossier: Option<&'a str>,
    /// What the scan read and placed.
    pub coverage: &'a Coverage,
}

fn percent(n: usize, of: usize) -> String {
    (n * 100)
        .checked_div(of)
        .map_or_else(|| "—".into(), |p| format!("{p} %"))
}

fn joined(map: &BTreeMap<String, usize>) -> String {
    let mut items: Vec<(&String, &usize)> = map.iter().collect();
    items.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    items
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The coverage summary, one line per fact: found, with an offer, with a region, unplaced by
/// reason, skipped by kind, providers not mapped.
pub fn coverage_lines(lang: Lang, c: &Coverage) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{} {} ({} {})",
            pick(lang, "ressources trouvées :", "resources found:"),
            c.resources,
            c.hosting,
            pick(lang, "qui hébergent", "hosting")
        ),
        format!(
            "{} {} ({})",
            pick(lang, "avec une offre :", "with an offer:"),
            c.with_offer,
            percent(c.with_offer, c.hosting)
        ),
        format!(
            "{} {} ({})",
            pick(lang, "avec une région :", "with a region:"),
            c.with_region,
            percent(c.with_region, c.hosting)
        ),
    ];
    if !c.unplaced.is_empty() {
        lines.push(format!(
            "{} {} — {}",
            pick(lang, "non placées :", "not placed:"),
            c.unplaced_total(),
            joined(&c.unplaced)
        ));
    }
    if !c.skipped.is_empty() {
        lines.push(format!(
            "{} {} — {}",
            pick(lang, "non lus :", "not read:"),
            c.skipped.values().sum::<usize>(),
            joined(&c.skipped)
        ));
    }
    let unmapped: Vec<String> = c
        .providers
        .iter()
        .filter(|p| p.status == ProviderStatus::Unmapped)
        .map(|p| format!("{} ({})", p.name, p.resources))
        .collect();
    if !unmapped.is_empty() {
        lines.push(format!(
            "{} {}",
            pick(
                lang,
                "fournisseurs sans offre :",
                "providers without an offer:"
            ),
            unmapped.join(", ")
        ));
    }
    lines
}

/// One line: `982 resources, 950 with an offer, 900 with a region; not placed: …`.
pub fn coverage_summary(lang: Lang, c: &Coverage) -> String {
    coverage_lines(lang, c).join(" ; ")
}

/// Adds the coverage to a SARIF log, in its run's properties.
pub fn sarif_coverage(doc: &mut serde_json::Value, c: &Coverage) {
    if let Some(run) = doc
        .get_mut("runs")
        .and_then(|r| r.get_mut(0))
        .and_then(serde_json::Value::as_object_mut)
    {
        let props = run
            .entry("properties")
            .or_insert_with(|| serde_json::json!({}));
        if let (Some(props), Ok(v)) = (props.as_object_mut(), serde_json::to_value(c)) {
            props.insert("coverage".into(), v);
        }
    }
}

/// Adds the coverage to a JUnit report, as properties of its test suite.
pub fn junit_coverage(xml: &str, c: &Coverage) -> String {
    let Some(at) = xml
        .find("<testsuite ")
        .and_then(|i| xml.get(i..)?.find(">\n").map(|j| i + j + 2))
    else {
        return xml.to_owned();
    };
    let mut props = String::from("    <properties>\n");
    let mut add = |name: &str, value: String| {
        let _ = writeln!(
            props,
            "      <property name=\"{name}\" value=\"{}\"/>",
            value
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
        );
    };
    add("coverage.resources", c.resources.to_string());
    add("coverage.hosting", c.hosting.to_string());
    add("coverage.with_offer", c.with_offer.to_string());
    add("coverage.with_region", c.with_region.to_string());
    for (k, n) in &c.unplaced {
        add(&format!("coverage.unplaced.{k}"), n.to_string());
    }
    for (k, n) in &c.skipped {
        add(&format!("coverage.skipped.{k}"), n.to_string());
    }
    props.push_str("    </properties>\n");
    let (head, tail) = xml.split_at(at);
    format!("{head}{props}{tail}")
}

/// Adds the coverage to GitLab Code Quality issues, as one `info` issue.
pub fn gitlab_coverage(issues: &mut serde_json::Value, lang: Lang, path: &str, c: &Coverage) {
    let description = format!(
        "{} {}",
        pick(lang, "Couverture de l'analyse :", "Scan coverage:"),
        coverage_summary(lang, c)
    );
    if let Some(list) = issues.as_array_mut() {
        list.push(serde_json::json!({
            "type": "issue",
            "description": description,
            "check_name": "nuage/coverage",
            "categories": ["Compliance"],
            "fingerprint": format!("nuage-coverage-{path}"),
            "severity": "info",
            "location": { "path": path, "lines": { "begin": 1 } }
        }));
    }
}

/// Resource lists longer than this are summarised in text and Markdown (JSON has them all).
const LIST_LIMIT: usize = 100;

fn place(r: &Resource, lang: Lang) -> String {
    let offer = r
        .offer
        .as_deref()
        .unwrap_or(pick(lang, "offre inconnue", "unknown offer"));
    let region = match (&r.region, &r.unplaced) {
        (Some(region), _) => region.clone(),
        (None, Some(u)) => format!("? ({})", u.reason.as_str()),
        (None, None) => "?".to_owned(),
    };
    if r.zones.is_empty() {
        format!("{offer} · {region}")
    } else {
        format!("{offer} · {region} · {}", r.zones.join(", "))
    }
}

fn by_offer(resources: &[Resource], lang: Lang) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in resources {
        let key = r
            .offer
            .clone()
            .unwrap_or_else(|| pick(lang, "(offre inconnue)", "(unknown offer)").to_owned());
        *m.entry(key).or_insert(0) += 1;
    }
    m
}

fn status_word(lang: Lang, s: Status) -> &'static str {
    s.heading(lang)
}

/// A scan for people at a terminal.
pub fn scan_text(v: &ScanView<'_>, options: TextOptions) -> String {
    let lang = v.lang;
    let mut out = String::new();
    let bold = |s: &str| {
        if options.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let _ = writeln!(
        out,
        "{} {} — {} {}, {} {}",
        bold(pick(lang, "Analyse de", "Scan of")),
        v.root,
        v.resources.len(),
        pick(lang, "ressource(s)", "resource(s)"),
        v.findings
            .iter()
            .filter(|f| matches!(f.status, Status::NonCompliant | Status::ToVerify))
            .count(),
        pick(
            lang,
            "constat(s) sur les ressources",
            "finding(s) on resources"
        ),
    );
    for (offer, n) in by_offer(v.resources, lang) {
        let _ = writeln!(out, "  {offer:<28} {n}");
    }
    let _ = writeln!(out, "\n{}", bold(pick(lang, "Couverture", "Coverage")));
    for line in coverage_lines(lang, v.coverage) {
        let _ = writeln!(out, "  {line}");
    }
    if v.resources.len() <= LIST_LIMIT && !v.resources.is_empty() {
        let _ = writeln!(out, "\n{}", bold(pick(lang, "Ressources", "Resources")));
        for r in v.resources {
            let _ = writeln!(
                out,
                "  {:<48} {:<40} {}:{}",
                r.address,
                place(r, lang),
                r.file,
                r.line
            );
        }
    }
    for status in Status::REPORT_ORDER {
        let group: Vec<&Finding> = v.findings.iter().filter(|f| f.status == status).collect();
        if group.is_empty() || matches!(status, Status::Compliant | Status::NotApplicable) {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} ({})",
            bold(status_word(lang, status)),
            group.len()
        );
        for f in group {
            let at = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("{file}:{line}"),
                _ => String::new(),
            };
            let _ = writeln!(out, "  {:<6} {at}\n         {}", f.rule.as_str(), f.message);
        }
    }
    if !v.skipped.is_empty() {
        let _ = writeln!(
            out,
            "\n{} ({})",
            bold(pick(lang, "Non lus", "Skipped")),
            v.skipped.len()
        );
        for s in v.skipped {
            let at = s.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(out, "  {}{at} — {}", s.path, s.reason);
        }
    }
    if let (Some(a), Some(path)) = (v.assessment, v.dossier) {
        out.push('\n');
        out.push_str(&crate::text(
            &[Item {
                path,
                assessment: a,
            }],
            options,
        ));
    }
    out
}

/// A scan as Markdown, for merge requests.
pub fn scan_markdown(v: &ScanView<'_>) -> String {
    let lang = v.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} `{}`\n",
        pick(lang, "Analyse de", "Scan of"),
        v.root
    );
    let _ = writeln!(
        out,
        "| {} | {} |\n|---|---|",
        pick(lang, "Offre", "Offer"),
        pick(lang, "Ressources", "Resources")
    );
    for (offer, n) in by_offer(v.resources, lang) {
        let _ = writeln!(out, "| `{offer}` | {n} |");
    }
    let _ = writeln!(out, "\n**{}**\n", pick(lang, "Couverture", "Coverage"));
    for line in coverage_lines(lang, v.coverage) {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
    let open: Vec<&Finding> = v
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::NonCompliant | Status::ToVerify))
        .collect();
    if !open.is_empty() {
        let _ = writeln!(
            out,
            "## {} ({})\n",
            pick(lang, "Constats sur les ressources", "Findings on resources"),
            open.len()
        );
        let _ = writeln!(
            out,
            "| {} | {} | {} | Message |\n|---|---|---|---|",
            pick(lang, "Règle", "Rule"),
            pick(lang, "Statut", "Status"),
            pick(lang, "Emplacement", "Location"),
        );
        for f in open {
            let at = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("`{file}:{line}`"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {at} | {} |",
                f.rule.as_str(),
                status_word(lang, f.status),
                f.message.replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    if v.resources.len() <= LIST_LIMIT && !v.resources.is_empty() {
        let _ = writeln!(out, "## {}\n", pick(lang, "Ressources", "Resources"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            pick(lang, "Adresse", "Address"),
            pick(lang, "Offre", "Offer"),
            pick(lang, "Région · zones", "Region · zones"),
            pick(lang, "Fichier", "File")
        );
        for r in v.resources {
            let zones = if r.zones.is_empty() {
                String::new()
            } else {
                format!(" · {}", r.zones.join(", "))
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {}{zones} | `{}:{}` |",
                r.address,
                r.offer
                    .as_deref()
                    .map_or_else(|| "?".to_owned(), |o| format!("`{o}`")),
                r.region.as_deref().unwrap_or("?"),
                r.file,
                r.line
            );
        }
        out.push('\n');
    }
    if !v.skipped.is_empty() {
        let _ = writeln!(
            out,
            "## {} ({})\n",
            pick(lang, "Non lus", "Skipped"),
            v.skipped.len()
        );
        for s in v.skipped {
            let at = s.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(out, "- `{}{at}` — {}", s.path, s.reason);
        }
        out.push('\n');
    }
    if let (Some(a), Some(path)) = (v.assessment, v.dossier) {
        out.push_str(&crate::markdown(&[Item {
            path,
            assessment: a,
        }]));
    }
    out
}
