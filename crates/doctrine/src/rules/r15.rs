//! R15 — several offers evaluated, to avoid captive markets.

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R15);
    }
    let citations = vec![ctx.cite(Rule::R15)];
    if !ctx.concerned {
        return finding(
            Rule::R15,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne choisit pas de nouvelle offre : l'évaluation de plusieurs offres ne se pose pas.",
                en: "The project chooses no new offer: evaluating several offers does not arise."),
            citations,
            None,
        );
    }
    // R15 sits in § 3.3, « le cloud pour les utilisateurs »: it asks for several offers on each
    // segment of the services to users (micro-computing, office, messaging, collaboration).
    // A project hosting its own application on a platform chooses no such service; the choice
    // of its platform is R10's concern (§ 3.2).
    let serves_users =
        ctx.d.hosting.approach == Approach::Saas || !ctx.d.hosting.services.is_empty();
    if !serves_users {
        return finding(
            Rule::R15,
            Status::NotApplicable,
            text!(lang,
                fr: "R15 (« cloud pour les utilisateurs », § 3.3) vise le choix de services offerts aux utilisateurs, bureautique, messagerie et outils collaboratifs en tête ; le projet héberge sa propre application et n'en choisit pas.",
                en: "R15 (« cloud for users », § 3.3) covers choosing services offered to users, office, email and collaborative tools first; the project hosts its own application and chooses none."),
            citations,
            None,
        );
    }
    let min = ctx.ed.thresholds.min_offers_compared;
    let domains = if ctx.office_services.is_empty() {
        String::new()
    } else {
        text!(lang,
            fr: " La circulaire insiste sur la bureautique, la messagerie et les solutions collaboratives.",
            en: " The circular stresses office, email and collaborative solutions.")
    };
    match ctx.d.safeguards.offers_compared {
        Some(n) if n >= min => finding(
            Rule::R15,
            Status::Compliant,
            text!(lang,
                fr: "{n} offres ont été évaluées : la diversité des fournisseurs a été recherchée.{domains}",
                en: "{n} offers were evaluated: supplier diversity was sought.{domains}"),
            citations,
            None,
        ),
        Some(n) => finding(
            Rule::R15,
            Status::ToVerify,
            text!(lang,
                fr: "Seulement {n} offre(s) évaluée(s) : les administrations doivent, chaque fois que possible, en évaluer plusieurs pour éviter les marchés captifs.{domains}",
                en: "Only {n} offer(s) evaluated: administrations must, whenever possible, evaluate several to avoid captive markets.{domains}"),
            citations,
            Some(text!(lang,
                fr: "Évaluer au moins {min} offres couvrant le besoin, ou justifier pourquoi ce n'était pas possible.",
                en: "Evaluate at least {min} offers meeting the need, or justify why it was not possible.")),
        ),
        None => finding(
            Rule::R15,
            Status::ToVerify,
            text!(lang,
                fr: "Le dossier ne dit pas combien d'offres ont été évaluées.{domains}",
                en: "The dossier does not say how many offers were evaluated.{domains}"),
            citations,
            Some(text!(lang,
                fr: "Renseigner `offers_compared`.",
                en: "Fill in `offers_compared`.")),
        ),
    }
}
