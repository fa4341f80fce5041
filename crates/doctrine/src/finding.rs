//! Building findings: the one constructor every rule uses, and the finding of a rule for an
//! entity the doctrine does not bind.

use crate::assessment::{Citation, Counterfactual, Finding, Rule, Status};
use crate::context::Ctx;
use crate::dossier::EntityKind;
use crate::inventory::Resource;
use crate::words::{push_text, text};

/// Builds a finding.
pub(crate) fn finding(
    rule: Rule,
    status: Status,
    message: String,
    citations: Vec<Citation>,
    remedy: Option<String>,
) -> Finding {
    Finding {
        rule,
        status,
        message,
        citations,
        remedy,
        counterfactuals: Vec::new(),
        file: None,
        line: None,
    }
}

impl Finding {
    /// The same finding about one scanned resource, with its file and line.
    pub(crate) fn at(mut self, r: &Resource) -> Self {
        self.file = Some(r.file.clone());
        self.line = Some(r.line);
        self
    }

    /// Adds what would change the outcome (`offers`: catalog ids that would do).
    pub(crate) fn suggesting(mut self, change: String, offers: Vec<String>) -> Self {
        self.counterfactuals.push(Counterfactual { change, offers });
        self
    }

    /// As [`Finding::suggesting`], only when the finding is `non_compliant`.
    pub(crate) fn suggesting_if_non_compliant(self, change: impl FnOnce() -> String) -> Self {
        if self.status == Status::NonCompliant {
            self.suggesting(change(), Vec::new())
        } else {
            self
        }
    }

    /// Sets the counterfactuals.
    pub(crate) fn with_counterfactuals(mut self, counterfactuals: Vec<Counterfactual>) -> Self {
        self.counterfactuals = counterfactuals;
        self
    }
}

/// The finding of a doctrine rule for an entity the doctrine does not bind.
pub(crate) fn out_of_scope(ctx: &Ctx<'_>, rule: Rule) -> Finding {
    let lang = ctx.lang;
    let mut message = text!(lang,
        fr: "L'entité n'est pas tenue par la doctrine « cloud au centre », qui vise l'État et les organismes placés sous sa tutelle.",
        en: "The entity is not bound by the « cloud au centre » doctrine, which covers the State and the bodies under its supervision.");
    if rule == Rule::R9 && ctx.d.project.entity_kind == EntityKind::LocalAuthority {
        push_text!(message, lang,
            fr: "La DINUM recommande toutefois aux collectivités un hébergement qualifié SecNumCloud pour leurs systèmes les plus sensibles, par exemple la gestion de l'état civil (FAQ, « Périmètre »).",
            en: "DINUM still advises territorial authorities to use SecNumCloud-qualified hosting for their most sensitive systems, for instance civil registration (FAQ, « Périmètre »).");
    }
    let mut citations = vec![ctx.cite(rule)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Périmètre")));
    }
    finding(rule, Status::NotApplicable, message, citations, None)
}
