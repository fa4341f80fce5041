//! R14 — the software services offered to agents (R11, R12): the publisher's infrastructure and
//! services must meet R9.

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R14);
    }
    let citations = vec![ctx.cite(Rule::R14), ctx.cite(Rule::R9)];
    if ctx.d.hosting.approach != Approach::Saas {
        return finding(
            Rule::R14,
            Status::NotApplicable,
            text!(lang,
                fr: "R14 vise les services logiciels à la demande proposés aux agents (R11, R12) ; le projet n'est pas une offre SaaS.",
                en: "R14 covers software services offered to agents on demand (R11, R12); the project is not a SaaS offer."),
            citations,
            None,
        );
    }
    let envs: Vec<&Env<'_>> = r9_envs(ctx).filter(|e| e.offer.is_some()).collect();
    if envs.is_empty() {
        return finding(
            Rule::R14,
            Status::ToVerify,
            text!(lang,
                fr: "Le service SaaS retenu n'est pas indiqué : l'infrastructure et les services de l'éditeur doivent respecter R9.",
                en: "The SaaS chosen is not given: the publisher's infrastructure and services must meet R9."),
            citations,
            Some(text!(lang,
                fr: "Indiquer l'offre SaaS de production dans `[[hosting.environments]]`.",
                en: "Give the production SaaS offer in `[[hosting.environments]]`.")),
        );
    }
    // The agents' office, collaborative and messaging tools: the DINUM note counts them among
    // sensitive systems; until the entity has shown otherwise, R14 cannot say more than OFFICE.
    if !ctx.secnumcloud_required()
        && !ctx.office_services.is_empty()
        && envs.iter().any(|e| env_falls_short(ctx, e))
    {
        return finding(
            Rule::R14,
            Status::ToVerify,
            text!(lang,
                fr: "Les données déclarées ne sont pas d'une sensibilité particulière, mais le service fournit aux agents des outils que la note DINUM range parmi les systèmes sensibles, sur une offre qui ne remplit pas R9 : à établir avec le constat OFFICE.",
                en: "The declared data are not particularly sensitive, but the service gives agents tools the DINUM note counts among sensitive systems, on an offer that does not meet R9: to be settled with the OFFICE finding."),
            citations,
            Some(text!(lang,
                fr: "Justifier que les données de ces outils ne sont pas d'une sensibilité particulière, ou retenir un produit interministériel ou une offre qualifiée SecNumCloud et immunisée.",
                en: "Justify that these tools' data are not particularly sensitive, or choose an interministerial product or a SecNumCloud-qualified, immune offer.")),
        );
    }
    if !ctx.secnumcloud_required() {
        return finding(
            Rule::R14,
            Status::Compliant,
            text!(lang,
                fr: "Les données ne sont pas d'une sensibilité particulière : R9, que R14 rend impératif pour l'éditeur, n'exige pas ici d'offre qualifiée SecNumCloud.",
                en: "The data are not particularly sensitive: R9, which R14 makes mandatory for the publisher, does not require a SecNumCloud-qualified offer here."),
            citations,
            None,
        );
    }
    let check = check_offers(ctx, &envs);
    let failures = check.failures;
    if failures.is_empty() {
        return finding(
            Rule::R14,
            Status::Compliant,
            text!(lang,
                fr: "Le service proposé aux agents respecte R9 : produit interministériel, cloud interne ou offre commerciale qualifiée SecNumCloud et immunisée.",
                en: "The service offered to agents meets R9: an interministerial product, the internal cloud or a SecNumCloud-qualified, immune commercial offer."),
            citations,
            None,
        );
    }
    let list = failures.join(" ; ");
    if check.unknown_only {
        return finding(
            Rule::R14,
            Status::ToVerify,
            text!(lang,
                fr: "L'infrastructure et les services de l'éditeur doivent respecter R9 pour des données d'une sensibilité particulière, ce que le catalogue ne permet pas d'établir : {list}.",
                en: "The publisher's infrastructure and services must meet R9 for particularly sensitive data, which the catalog cannot establish: {list}."),
            citations,
            Some(text!(lang,
                fr: "Vérifier la qualification de l'éditeur et de son hébergeur sur la liste de l'ANSSI (cyber.gouv.fr) pour le jour et la région, puis mettre le catalogue à jour avec la source.",
                en: "Check the qualification of the publisher and of its host on ANSSI's list (cyber.gouv.fr) for the day and the region, then update the catalog with the source.")),
        );
    }
    finding(
        Rule::R14,
        Status::NonCompliant,
        text!(lang,
            fr: "L'infrastructure et les services de l'éditeur doivent respecter R9 pour des données d'une sensibilité particulière : {list}.",
            en: "The publisher's infrastructure and services must meet R9 for particularly sensitive data: {list}."),
        citations,
        Some(text!(lang,
            fr: "Retenir un produit interministériel ou une offre SaaS qualifiée SecNumCloud et immunisée.",
            en: "Choose an interministerial product or a SecNumCloud-qualified, immune SaaS offer.")),
    )
    .with_counterfactuals(saas_alternatives(ctx))
}
