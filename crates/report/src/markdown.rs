//! A Markdown report: for merge requests, wikis and committee files.

use std::fmt::Write;

use nuage_doctrine::{Assessment, Citation};

use crate::Item;
use crate::labels::pick;
use nuage_doctrine::{Label, Status};

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn citation(a: &Assessment, c: &Citation) -> String {
    let doc = a.document(&c.document);
    let mut s = c.document.to_string();
    if let Some(rule) = &c.rule {
        s.push_str(&format!(", {rule}"));
    }
    if let Some(section) = &c.section {
        s.push_str(&format!(", {section}"));
    }
    match doc.and_then(|d| d.url.as_deref()) {
        Some(url) => format!("[{s}]({url})"),
        None => s,
    }
}

/// Renders every item as Markdown, with a summary table first when there are several.
pub fn markdown(items: &[Item<'_>]) -> String {
    let mut out = String::new();
    let lang = items.first().map(|i| i.assessment.lang).unwrap_or_default();
    if items.len() > 1 {
        let _ = writeln!(
            out,
            "# {}\n",
            pick(
                lang,
                "Évaluations « cloud au centre »",
                "« Cloud au centre » assessments"
            )
        );
        let _ = writeln!(
            out,
            "| {} | {} | Verdict | {} |",
            pick(lang, "Projet", "Project"),
            pick(lang, "Dossier", "Dossier"),
            pick(lang, "Contrôle", "Control")
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for i in items {
            let a = i.assessment;
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                escape_cell(&a.project),
                escape_cell(i.path),
                a.verdict.label(lang),
                a.control_procedure.label(lang)
            );
        }
        out.push('\n');
    }
    let h = if items.len() > 1 { "##" } else { "#" };
    for i in items {
        let a = i.assessment;
        let lang = a.lang;
        let yn = |b| nuage_doctrine::vocabulary::yes_no(lang, b);
        let _ = writeln!(out, "{h} {}\n", a.project);
        let _ = writeln!(out, "| | |\n|---|---|");
        let _ = writeln!(out, "| Verdict | **{}** |", a.verdict.label(lang));
        let _ = writeln!(
            out,
            "| {} | `{}` |",
            pick(lang, "Dossier", "Dossier"),
            escape_cell(i.path)
        );
        let _ = writeln!(
            out,
            "| {} | {} |",
            pick(lang, "Édition de la doctrine", "Edition of the doctrine"),
            a.edition
        );
        let _ = writeln!(
            out,
            "| {} | {} |",
            pick(lang, "Évalué le", "Assessed on"),
            a.assessed_on
        );
        let _ = writeln!(
            out,
            "| {} | {} |",
            pick(
                lang,
                "Dans le champ de la doctrine",
                "In the doctrine's scope"
            ),
            yn(a.in_scope)
        );
        let _ = writeln!(
            out,
            "| {} | {} |",
            pick(lang, "Concerné par R1/R6", "Concerned by R1/R6"),
            yn(a.concerned)
        );
        let _ = writeln!(
            out,
            "| {} | {} |",
            pick(
                lang,
                "Données d'une sensibilité particulière",
                "Particularly sensitive data"
            ),
            yn(a.particularly_sensitive)
        );
        let _ = writeln!(
            out,
            "| {} | {} |",
            pick(lang, "SecNumCloud requis", "SecNumCloud required"),
            yn(a.secnumcloud_required)
        );
        let _ = writeln!(
            out,
            "| {} | {} |",
            pick(lang, "Procédure de contrôle", "Control procedure"),
            a.control_procedure.label(lang)
        );
        let _ = writeln!(
            out,
            "| {} | {} |\n",
            pick(lang, "Catalogue", "Catalog"),
            a.catalog_version
        );

        for status in Status::REPORT_ORDER {
            let group: Vec<_> = a.findings.iter().filter(|f| f.status == status).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{h}# {} ({})\n", status.heading(lang), group.len());
            for f in group {
                let _ = writeln!(out, "- **{}** — {}", f.rule, f.message);
                if let Some(remedy) = &f.remedy {
                    let _ = writeln!(
                        out,
                        "  - *{}* {remedy}",
                        pick(lang, "Que faire :", "What to do:")
                    );
                }
                for c in &f.counterfactuals {
                    if c.offers.is_empty() {
                        let _ = writeln!(
                            out,
                            "  - *{}* {}",
                            pick(lang, "Ce qui rendrait conforme :", "What would comply:"),
                            c.change
                        );
                    } else {
                        let offers: Vec<String> =
                            c.offers.iter().map(|o| format!("`{o}`")).collect();
                        let _ = writeln!(
                            out,
                            "  - *{}* {} : {}",
                            pick(lang, "Ce qui rendrait conforme :", "What would comply:"),
                            c.change,
                            offers.join(", ")
                        );
                    }
                }
                let cites: Vec<String> = f.citations.iter().map(|c| citation(a, c)).collect();
                let _ = writeln!(
                    out,
                    "  - *{}* {}",
                    pick(lang, "Sources :", "Sources:"),
                    cites.join(" ; ")
                );
            }
            out.push('\n');
        }
        if !a.derogations.is_empty() {
            let _ = writeln!(out, "{h}# {}\n", pick(lang, "Dérogations", "Derogations"));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |\n|---|---|---|---|",
                pick(lang, "Type", "Kind"),
                pick(lang, "Ouverte", "Open"),
                pick(lang, "Échéance", "Deadline"),
                pick(lang, "Approbation", "Approval")
            );
            for d in &a.derogations {
                let approvers: Vec<&str> = d.approvers.iter().map(|x| x.label(lang)).collect();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    d.kind.as_str(),
                    yn(d.available),
                    d.deadline.map_or_else(
                        || pick(lang, "inconnue", "unknown").to_owned(),
                        |d| d.to_string()
                    ),
                    approvers.join(", ")
                );
            }
            out.push('\n');
            for d in &a.derogations {
                let _ = writeln!(out, "**`{}`**\n", d.kind.as_str());
                for c in &d.conditions {
                    let _ = writeln!(out, "- {c}");
                }
                out.push('\n');
            }
        }
        if !a.data.is_empty() {
            let _ = writeln!(
                out,
                "{h}# {}\n",
                pick(lang, "Sensibilité des données", "Data sensitivity")
            );
            for d in &a.data {
                let verdict = if d.particularly_sensitive {
                    pick(
                        lang,
                        "d'une sensibilité particulière",
                        "particularly sensitive",
                    )
                } else {
                    pick(
                        lang,
                        "sans sensibilité particulière",
                        "not particularly sensitive",
                    )
                };
                let _ = writeln!(out, "- **{}** — {verdict}", d.name);
                for g in &d.grounds {
                    let _ = writeln!(out, "  - {g}");
                }
            }
            out.push('\n');
        }
        if !a.documents.is_empty() {
            let _ = writeln!(out, "{h}# {}\n", pick(lang, "Textes cités", "Texts cited"));
            for d in &a.documents {
                match &d.url {
                    Some(url) => {
                        let _ = writeln!(out, "- `{}` — [{}]({url})", d.id, d.title);
                    }
                    None => {
                        let _ = writeln!(out, "- `{}` — {}", d.id, d.title);
                    }
                }
            }
            out.push('\n');
        }
        if !a.support.is_empty() {
            let _ = writeln!(
                out,
                "{h}# {}\n",
                pick(lang, "Accompagnement possible", "Support available")
            );
            for x in &a.support {
                let _ = writeln!(out, "- [{}]({}) — {}", x.name, x.url, x.conditions);
            }
            out.push('\n');
        }
        if !a.assumptions.is_empty() {
            let _ = writeln!(out, "{h}# {}\n", pick(lang, "Hypothèses", "Assumptions"));
            for x in &a.assumptions {
                let _ = writeln!(out, "- `{}` = {} — {}", x.field, x.value, x.note);
            }
            out.push('\n');
        }
    }
    out
}
