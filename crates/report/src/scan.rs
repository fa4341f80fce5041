//! Reports of a scan: the resources found, where they run, and what the doctrine makes of them.

use std::collections::BTreeMap;
use std::fmt::Write;

use nuage_doctrine::{Assessment, Finding, Lang, Resource, Skipped, Status};

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
}

/// Resource lists longer than this are summarised in text and Markdown (JSON has them all).
const LIST_LIMIT: usize = 100;

fn place(r: &Resource, lang: Lang) -> String {
    let offer = r
        .offer
        .as_deref()
        .unwrap_or(pick(lang, "offre inconnue", "unknown offer"));
    let region = r.region.as_deref().unwrap_or("?");
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
