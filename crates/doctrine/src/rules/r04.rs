//! R4 — reversibility: a project relying on a commercial cloud offer plans end-of-contract and
//! reversibility conditions and provisions the means to use them from its start.

use super::prelude::*;

fn commercial_names(ctx: &Ctx<'_>) -> String {
    let mut names: Vec<&str> = ctx
        .commercial_envs()
        .filter_map(|e| e.offer.map(|o| o.name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    words::list(ctx.lang, &names)
}

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R4);
    }
    let citations = vec![ctx.cite(Rule::R4)];
    if !ctx.uses_commercial() {
        return finding(
            Rule::R4,
            Status::NotApplicable,
            text!(lang,
                fr: "Aucune offre de cloud commerciale n'est utilisée : R4 vise les projets qui en relèvent.",
                en: "No commercial cloud offer is used: R4 covers projects relying on one."),
            citations,
            None,
        );
    }
    let names = commercial_names(ctx);
    let gaia = text!(lang,
        fr: " La conformité aux règles de GAIA-X (interopérabilité, portabilité) est à rechercher dans la mesure du possible.",
        en: " Alignment with GAIA-X rules (interoperability, portability) should be sought where possible.");
    let s = &ctx.d.safeguards;
    let (status, message) = match (s.reversibility_plan, s.reversibility_funded) {
        (Some(true), Some(true)) => (
            Status::Compliant,
            text!(lang,
            fr: "Le recours à {names} s'accompagne de conditions de fin de contrat et de réversibilité, et des ressources financières, techniques et humaines pour la rendre activable sont provisionnées.{gaia}",
            en: "Relying on {names} comes with end-of-contract and reversibility conditions, and the financial, technical and human resources to make reversibility workable are provisioned.{gaia}"),
        ),
        (Some(false), _) | (_, Some(false)) => {
            let missing = match (s.reversibility_plan, s.reversibility_funded) {
                (Some(false), Some(false)) => text!(lang,
                    fr: "ni conditions de réversibilité ni ressources provisionnées",
                    en: "neither reversibility conditions nor provisioned resources"),
                (Some(false), _) => text!(lang,
                    fr: "pas de conditions de fin de contrat et de réversibilité",
                    en: "no end-of-contract and reversibility conditions"),
                _ => text!(lang,
                    fr: "des conditions de réversibilité sans les ressources pour l'activer",
                    en: "reversibility conditions without the resources to trigger it"),
            };
            (
                Status::NonCompliant,
                text!(lang,
                fr: "Le projet recourt à {names} avec {missing} : R4 demande des conditions de réversibilité soutenables et leur financement dès le lancement.{gaia}",
                en: "The project relies on {names} with {missing}: R4 requires sustainable reversibility conditions funded from the project's start.{gaia}"),
            )
        }
        _ => (
            Status::ToVerify,
            text!(lang,
            fr: "Le projet recourt à {names} ; le dossier ne dit pas si les conditions de réversibilité et leur financement sont prévus.{gaia}",
            en: "The project relies on {names}; the dossier does not say whether reversibility conditions and their funding are planned.{gaia}"),
        ),
    };
    let remedy = (status != Status::Compliant).then(|| text!(lang,
        fr: "Inscrire au contrat les conditions de fin de contrat et de réversibilité, et provisionner dès le lancement les moyens de les activer (`reversibility_plan`, `reversibility_funded`).",
        en: "Write end-of-contract and reversibility conditions into the contract, and provision from the start the means to trigger them (`reversibility_plan`, `reversibility_funded`)."));
    finding(Rule::R4, status, message, citations, remedy).suggesting_if_non_compliant(|| {
        text!(lang,
                fr: "Contractualiser la réversibilité et en provisionner le coût",
                en: "Contract for reversibility and provision its cost")
    })
}
