//! R1 — « rechercher une solution cloud » : every new project and major evolution looks for a
//! cloud solution first (SaaS, then internal or commercial cloud), whatever its size.
//! Circular n° 6404/SG (2023), § 3.1; 2021 circular, same rule.

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R1);
    }
    let mut citations = vec![ctx.cite(Rule::R1)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Premiers pas")));
    }
    let why = concern_sentence(ctx, Rule::R1);
    if !ctx.concerned {
        return finding(
            Rule::R1,
            Status::NotApplicable,
            text!(lang,
                fr: "{why} La recherche d'une solution cloud vise les nouveaux projets et les évolutions majeures.",
                en: "{why} Looking for a cloud solution is required of new projects and major evolutions."),
            citations,
            None,
        );
    }
    match ctx.d.hosting.approach {
        Approach::Cloud | Approach::Saas => finding(
            Rule::R1,
            Status::Compliant,
            text!(lang,
                fr: "{why} Une solution cloud a été retenue. R1 demande aussi de privilégier le mode produit : équipes autonomes, exploitation continue, confrontation rapide aux utilisateurs, jalons fondés sur l'impact.",
                en: "{why} A cloud solution was chosen. R1 also asks for the product mode: autonomous teams, continuous operations, early contact with users, impact-based milestones."),
            citations,
            None,
        ),
        Approach::OnPremise => {
            let mut f = finding(
                Rule::R1,
                Status::NonCompliant,
                text!(lang,
                    fr: "{why} Une solution cloud doit être recherchée, quelle que soit la taille du projet : SaaS d'abord, sinon une solution dédiée sur le cloud interne ou commercial. Le dossier retient un hébergement sur les serveurs de l'entité.",
                    en: "{why} A cloud solution must be looked for, whatever the project's size: SaaS first, otherwise a dedicated solution on the internal or commercial cloud. The dossier chooses the entity's own servers."),
                citations,
                Some(text!(lang,
                    fr: "Étudier une solution SaaS, puis une solution sur le cloud interne de l'État ou une offre commerciale ; si aucune ne convient, documenter la dérogation à R6 (R7).",
                    en: "Study a SaaS solution, then one on the State's internal cloud or a commercial offer; if none fits, document the derogation from R6 (R7).")),
            );
            f.counterfactuals.push(Counterfactual {
                change: text!(lang,
                    fr: "Retenir une solution SaaS ou un hébergement sur une offre de cloud interne ou commerciale (`approach = \"saas\"` ou `\"cloud\"`)",
                    en: "Choose a SaaS solution or hosting on an internal or commercial cloud offer (`approach = \"saas\"` or `\"cloud\"`)"),
                offers: Vec::new(),
            });
            f
        }
        Approach::Undecided => finding(
            Rule::R1,
            Status::ToVerify,
            text!(lang,
                fr: "{why} L'hébergement n'est pas encore choisi : une solution cloud doit être recherchée en premier (SaaS, puis cloud interne ou commercial).",
                en: "{why} Hosting is not chosen yet: a cloud solution must be looked for first (SaaS, then internal or commercial cloud)."),
            citations,
            Some(text!(lang,
                fr: "Arrêter le choix d'hébergement et le décrire dans `[hosting]`.",
                en: "Settle the hosting choice and describe it in `[hosting]`.")),
        ),
    }
}
