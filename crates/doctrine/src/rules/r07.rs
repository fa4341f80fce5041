//! R7 — derogating from R6: from 1 M€ of full cost, the derogation is documented to DINUM with a
//! comparative study (economic, legal, business, security). Opens the `r7_no_cloud` derogation.

use super::prelude::*;
use super::r06::departs_from_r6;

/// What the comparative study R7 asks for is, in a sentence naming the circular of `edition`
/// (its id): the preamble of the printed study and of its PDF.
pub fn study_preamble(lang: Lang, edition: &str) -> String {
    let circular = crate::edition::Editions::embedded()
        .ok()
        .and_then(|all| {
            let ed = all.all().iter().find(|e| e.id == edition)?;
            all.document(&ed.circular).map(|d| d.short.clone())
        })
        .unwrap_or_else(|| edition.to_owned());
    text!(lang,
        fr: "Document pour la DINUM au titre de la règle R7, {circular} : un projet qui s'écarte du cloud (R6) justifie son choix en comparant les solutions d'hébergement sur les plans économique, juridique, métier et de la sécurité.",
        en: "Document for DINUM under rule R7, {circular}: a project departing from cloud (R6) justifies its choice by comparing the hosting solutions on economic, legal, business and security grounds.")
}

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R7);
    }
    let mut citations = vec![ctx.cite(Rule::R7)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Contrôle")));
    }
    if !departs_from_r6(ctx) {
        return finding(
            Rule::R7,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne déroge pas à R6 : aucune étude comparative n'est à transmettre à la DINUM.",
                en: "The project does not derogate from R6: no comparative study has to be sent to DINUM."),
            citations,
            None,
        );
    }
    let threshold = words::euros(lang, ctx.ed.thresholds.dinum_documentation_from_eur);
    let cost = words::euros(lang, ctx.d.project.full_cost_eur);
    if ctx.d.project.full_cost_eur < ctx.ed.thresholds.dinum_documentation_from_eur {
        return finding(
            Rule::R7,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet déroge à R6 mais son coût complet ({cost}) est inférieur à {threshold} : la dérogation n'a pas à être documentée auprès de la DINUM ; l'autorité en charge du projet en assure le contrôle.",
                en: "The project derogates from R6 but its full cost ({cost}) is below {threshold}: the derogation need not be documented to DINUM; the project's authority controls it."),
            citations,
            None,
        );
    }
    match ctx.d.safeguards.comparative_study {
        Some(true) => finding(
            Rule::R7,
            Status::Compliant,
            text!(lang,
                fr: "Le projet déroge à R6 pour un coût complet de {cost} (au moins {threshold}) et déclare avoir documenté la dérogation auprès de la DINUM par une étude comparative (aspects économiques, juridiques, métiers et de sécurité).",
                en: "The project derogates from R6 at a full cost of {cost} (at least {threshold}) and declares it documented the derogation to DINUM with a comparative study (economic, legal, business and security aspects)."),
            citations,
            None,
        ),
        other => {
            let (status, state) = match other {
                Some(false) => (
                    Status::NonCompliant,
                    text!(lang, fr: "n'a pas été produite", en: "was not produced"),
                ),
                _ => (
                    Status::ToVerify,
                    text!(lang, fr: "n'est pas documentée dans le dossier", en: "is not documented in the dossier"),
                ),
            };
            finding(
                Rule::R7,
                status,
                text!(lang,
                    fr: "Le projet déroge à R6 pour un coût complet de {cost}, au moins {threshold} : la dérogation doit être documentée auprès de la DINUM par une étude comparative des scénarios (aspects économiques, juridiques, métiers et de sécurité), qui {state}.",
                    en: "The project derogates from R6 at a full cost of {cost}, at least {threshold}: the derogation must be documented to DINUM with a comparative study of the scenarios (economic, legal, business and security aspects), which {state}."),
                citations,
                Some(text!(lang,
                    fr: "Produire l'étude comparative et la transmettre à la DINUM (`comparative_study = true` une fois fait).",
                    en: "Produce the comparative study and send it to DINUM (`comparative_study = true` once done).")),
            )
            .suggesting_if_non_compliant(|| text!(lang,
                        fr: "Transmettre à la DINUM l'étude comparative des scénarios",
                        en: "Send DINUM the comparative study of the scenarios"))
        }
    }
}

/// Who decides on a departure from R6 at a full cost of `cost` (R7, R8): the project's
/// authority below the DINUM threshold, the ministry up to the major-project threshold, the
/// major-project review (DINUM) above it.
fn approvers_at(t: &crate::edition::Thresholds, cost: crate::dossier::Euros) -> Vec<Approver> {
    if cost < t.dinum_documentation_from_eur {
        vec![Approver::ProjectAuthority]
    } else if cost <= t.major_project_review_above_eur {
        vec![Approver::Ministry]
    } else {
        vec![Approver::Dinum]
    }
}

/// Who signs off the comparative study of a project costing `cost` under `edition` (its id),
/// after its author: those who decide on the departure from R6 at that cost. Empty for an
/// unknown edition.
pub fn study_approvers(edition: &str, cost: crate::dossier::Euros) -> Vec<Approver> {
    crate::edition::Editions::embedded()
        .ok()
        .and_then(|all| all.all().iter().find(|e| e.id == edition))
        .map(|ed| approvers_at(&ed.thresholds, cost))
        .unwrap_or_default()
}

/// Listed when the project departs from R6, or has not chosen its hosting yet.
pub(crate) fn derogation(ctx: &Ctx<'_>) -> Option<Derogation> {
    (ctx.in_scope
        && ctx.concerned
        && (departs_from_r6(ctx) || ctx.d.hosting.approach == Approach::Undecided))
        .then(|| no_cloud(ctx))
}

fn no_cloud(ctx: &Ctx<'_>) -> Derogation {
    let lang = ctx.lang;
    let t = &ctx.ed.thresholds;
    let cost = ctx.d.project.full_cost_eur;
    let low = words::euros(lang, t.dinum_documentation_from_eur);
    let high = words::euros(lang, t.major_project_review_above_eur);
    let mut conditions = Vec::new();
    let approvers = approvers_at(t, cost);
    if cost < t.dinum_documentation_from_eur {
        conditions.push(text!(lang,
            fr: "Coût complet inférieur à {low} : l'autorité en charge du projet décide et contrôle ; pas d'étude à transmettre à la DINUM.",
            en: "Full cost below {low}: the project's authority decides and controls; no study to send to DINUM."));
    } else {
        conditions.push(text!(lang,
            fr: "Coût complet d'au moins {low} : documenter la dérogation auprès de la DINUM par une étude comparative des scénarios (aspects économiques, juridiques, métiers et de sécurité).",
            en: "Full cost of at least {low}: document the derogation to DINUM with a comparative study of the scenarios (economic, legal, business and security aspects)."));
        if cost > t.major_project_review_above_eur {
            conditions.push(text!(lang,
                fr: "Au-delà de {high}, le contrôle de la doctrine est intégré à la procédure de contrôle de conception des grands projets (décret n° 2019-1088, art. 3) : c'est elle qui examine ce choix, non le ministère seul (R8).",
                en: "Above {high}, the doctrine's control is part of the design review of major projects (decree n° 2019-1088, art. 3): that review examines this choice, not the ministry alone (R8)."));
        }
    };
    let mut citations = vec![ctx.cite(Rule::R7), ctx.cite(Rule::R6)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Contrôle")));
    }
    Derogation {
        kind: DerogationKind::R7NoCloud,
        available: true,
        deadline: None,
        approvers,
        covers: Vec::new(),
        conditions,
        citations,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;
    use crate::dossier::Euros;

    #[test]
    fn the_study_is_signed_by_who_decides_at_the_projects_cost() {
        let at = |euros| study_approvers("2023-05-31", Euros::from_euros(euros));
        assert_eq!(at(999_999), [Approver::ProjectAuthority]);
        assert_eq!(at(1_000_000), [Approver::Ministry]);
        assert_eq!(at(9_000_000), [Approver::Ministry]);
        assert_eq!(at(9_000_001), [Approver::Dinum]);
        assert!(study_approvers("1999-01-01", Euros::from_euros(1)).is_empty());
        let preamble = study_preamble(Lang::Fr, "2021-07-05");
        assert!(preamble.contains("6282-SG"), "{preamble}");
        assert!(study_preamble(Lang::En, "2026-04-17").contains("6404/SG"));
    }
}
