//! A report for people at a terminal: verdict first, then what to do.

use std::fmt::Write;

use nuage_doctrine::{Status, Verdict};

use crate::Item;
use crate::labels::pick;
use nuage_doctrine::Label;

/// How to print text.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// ANSI colours (when printing to a terminal).
    pub color: bool,
    /// Column to wrap at.
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            width: 100,
        }
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn code(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.code("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.code("2", s)
    }
    fn status(&self, status: Status, s: &str) -> String {
        match status {
            Status::NonCompliant => self.code("1;31", s),
            Status::ToVerify => self.code("1;33", s),
            Status::Compliant => self.code("1;32", s),
            Status::NotApplicable => self.dim(s),
        }
    }
    fn verdict(&self, v: Verdict, s: &str) -> String {
        let status = match v {
            Verdict::NonCompliant => Status::NonCompliant,
            Verdict::ToVerify => Status::ToVerify,
            Verdict::Compliant => Status::Compliant,
            Verdict::NotApplicable => Status::NotApplicable,
        };
        self.status(status, s)
    }
}

/// Wraps `text` at `width`, every line after the first indented by `indent` spaces.
fn wrap(text: &str, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = indent;
    let pad = " ".repeat(indent);
    for (i, word) in text.split_whitespace().enumerate() {
        let len = word.chars().count();
        if i > 0 && col + 1 + len > width {
            out.push('\n');
            out.push_str(&pad);
            col = indent;
        } else if i > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out
}

fn symbol(status: Status) -> &'static str {
    match status {
        Status::NonCompliant => "✗",
        Status::ToVerify => "?",
        Status::Compliant => "✓",
        Status::NotApplicable => "–",
    }
}

/// Renders every item, then a summary when there are several.
pub fn text(items: &[Item<'_>], options: TextOptions) -> String {
    let mut out = String::new();
    let p = Paint { on: options.color };
    let w = options.width.max(40);
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let a = item.assessment;
        let lang = a.lang;
        let _ = writeln!(
            out,
            "{} {}",
            p.bold(&a.project),
            p.dim(&format!("({})", item.path))
        );
        let verdict = a.verdict.label(lang).to_uppercase();
        let _ = writeln!(
            out,
            "  {} {}",
            pick(lang, "Verdict :", "Verdict:"),
            p.verdict(a.verdict, &verdict)
        );
        let _ = writeln!(
            out,
            "  {}",
            p.dim(&format!(
                "{} {} · {} {} · {} {}",
                pick(lang, "édition", "edition"),
                a.edition,
                pick(lang, "évalué le", "assessed on"),
                a.assessed_on,
                pick(lang, "catalogue", "catalog"),
                a.catalog_version
            ))
        );
        let yn = |b| nuage_doctrine::vocabulary::yes_no(lang, b);
        let _ = writeln!(
            out,
            "  {} {} · {} {} · {} {} · {} {}",
            pick(lang, "Dans le champ :", "In scope:"),
            yn(a.in_scope),
            pick(lang, "concerné (R1/R6) :", "concerned (R1/R6):"),
            yn(a.concerned),
            pick(
                lang,
                "sensibilité particulière :",
                "particularly sensitive:"
            ),
            yn(a.particularly_sensitive),
            pick(lang, "SecNumCloud requis :", "SecNumCloud required:"),
            yn(a.secnumcloud_required),
        );
        let _ = writeln!(
            out,
            "  {} {}",
            pick(lang, "Contrôle :", "Control:"),
            a.control_procedure.label(lang)
        );
        for status in Status::REPORT_ORDER {
            let group: Vec<_> = a.findings.iter().filter(|f| f.status == status).collect();
            if group.is_empty() {
                continue;
            }
            out.push('\n');
            let head = format!(
                "{} {} ({})",
                symbol(status),
                status.heading(lang),
                group.len()
            );
            let _ = writeln!(out, "  {}", p.status(status, &head));
            if status == Status::NotApplicable {
                let rules: Vec<&str> = group.iter().map(|f| f.rule.as_str()).collect();
                let _ = writeln!(out, "    {}", p.dim(&rules.join(", ")));
                continue;
            }
            for f in group {
                let rule = format!("{:<6}", f.rule.as_str());
                let _ = writeln!(out, "    {}{}", p.bold(&rule), wrap(&f.message, 10, w));
                if let Some(remedy) = &f.remedy {
                    let _ = writeln!(out, "          → {}", wrap(remedy, 12, w));
                }
                for c in &f.counterfactuals {
                    let offers = if c.offers.is_empty() {
                        String::new()
                    } else {
                        format!(" : {}", c.offers.join(", "))
                    };
                    let _ = writeln!(
                        out,
                        "          ↳ {}",
                        wrap(&format!("{}{offers}", c.change), 12, w)
                    );
                }
            }
        }
        if !a.derogations.is_empty() {
            out.push('\n');
            let _ = writeln!(
                out,
                "  {}",
                p.bold(pick(lang, "Dérogations", "Derogations"))
            );
            for d in &a.derogations {
                let open = if d.available {
                    pick(lang, "ouverte", "open")
                } else {
                    pick(lang, "fermée", "closed")
                };
                let deadline = d.deadline.map_or_else(
                    || pick(lang, "inconnue", "unknown").to_owned(),
                    |d| d.to_string(),
                );
                let approvers: Vec<&str> = d.approvers.iter().map(|x| x.label(lang)).collect();
                let _ = writeln!(
                    out,
                    "    {} — {open} · {} {deadline} · {} {}",
                    p.bold(d.kind.as_str()),
                    pick(lang, "échéance", "deadline"),
                    pick(lang, "approbation :", "approval:"),
                    approvers.join(", ")
                );
                for c in &d.conditions {
                    let _ = writeln!(out, "      - {}", wrap(c, 8, w));
                }
            }
        }
        if !a.support.is_empty() {
            out.push('\n');
            let _ = writeln!(
                out,
                "  {}",
                p.bold(pick(lang, "Accompagnement possible", "Support available"))
            );
            for x in &a.support {
                let _ = writeln!(out, "    {} — {}", p.bold(&x.name), x.url);
                let _ = writeln!(out, "      {}", wrap(&x.conditions, 6, w));
            }
        }
    }
    if items.len() > 1 {
        let count = |v: Verdict| items.iter().filter(|i| i.assessment.verdict == v).count();
        let lang = items.first().map(|i| i.assessment.lang).unwrap_or_default();
        let _ = writeln!(
            out,
            "\n{} {} · {} {} · {} {} · {} {} · {} {}",
            items.len(),
            pick(lang, "dossiers", "dossiers"),
            count(Verdict::NonCompliant),
            Verdict::NonCompliant.label(lang),
            count(Verdict::ToVerify),
            Verdict::ToVerify.label(lang),
            count(Verdict::Compliant),
            Verdict::Compliant.label(lang),
            count(Verdict::NotApplicable),
            Verdict::NotApplicable.label(lang),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("aa bb cc", 2, 7), "aa bb\n  cc");
    }
}
