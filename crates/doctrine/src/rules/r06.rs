//! R6 — cloud by default: a concerned project hosts its whole lifecycle (development, staging,
//! production, disaster recovery, sandbox, training) on internal or commercial cloud offers.

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R6);
    }
    let mut citations = vec![ctx.cite(Rule::R6)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Périmètre")));
    }
    let why = concern_sentence(ctx, Rule::R6);
    if !ctx.concerned {
        return finding(
            Rule::R6,
            Status::NotApplicable,
            text!(lang,
                fr: "{why} L'hébergement par défaut sur le cloud ne s'impose qu'aux nouveaux projets et aux évolutions majeures.",
                en: "{why} Cloud hosting by default is only required of new projects and major evolutions."),
            citations,
            None,
        );
    }
    let r7_hint = || {
        text!(lang,
        fr: "Pour déroger à R6, documenter la dérogation selon R7.",
        en: "To derogate from R6, document the derogation under R7.")
    };
    match ctx.d.hosting.approach {
        Approach::OnPremise => finding(
            Rule::R6,
            Status::NonCompliant,
            text!(lang,
                fr: "{why} Les équipes doivent par défaut s'appuyer sur des offres de cloud interne ou commercial pour tout le cycle de vie (développement, recette, production, secours, bac à sable, formation) ; le dossier retient les serveurs de l'entité.",
                en: "{why} Teams must by default rely on internal or commercial cloud offers for the whole lifecycle (development, staging, production, disaster recovery, sandbox, training); the dossier chooses the entity's own servers."),
            citations,
            Some(format!(
                "{} {}",
                text!(lang,
                fr: "Héberger le cycle de vie sur le cloud interne de l'État (PI, Nubo) ou une offre commerciale.",
                en: "Host the lifecycle on the State's internal cloud (PI, Nubo) or a commercial offer."),
                r7_hint()
            )),
        ),
        Approach::Undecided => finding(
            Rule::R6,
            Status::ToVerify,
            text!(lang,
                fr: "{why} L'hébergement n'est pas choisi : par défaut, tout le cycle de vie doit reposer sur des offres de cloud interne ou commercial.",
                en: "{why} Hosting is not chosen: by default the whole lifecycle must rely on internal or commercial cloud offers."),
            citations,
            Some(r7_hint()),
        ),
        Approach::Saas => finding(
            Rule::R6,
            Status::Compliant,
            text!(lang,
                fr: "{why} Le besoin est couvert par un service logiciel à la demande : l'éditeur héberge le cycle de vie.",
                en: "{why} The need is met by a software service on demand: the publisher hosts the lifecycle."),
            citations,
            None,
        ),
        Approach::Cloud => {
            if ctx.envs.is_empty() {
                return finding(
                    Rule::R6,
                    Status::ToVerify,
                    text!(lang,
                        fr: "{why} Aucun environnement n'est décrit : impossible de vérifier que tout le cycle de vie repose sur des offres cloud.",
                        en: "{why} No environment is described: there is no way to check that the whole lifecycle relies on cloud offers."),
                    citations,
                    Some(text!(lang,
                        fr: "Décrire chaque environnement et son offre dans `[[hosting.environments]]`.",
                        en: "Describe each environment and its offer in `[[hosting.environments]]`.")),
                );
            }
            let off: Vec<&str> = ctx
                .envs
                .iter()
                .filter(|e| e.offer.is_none())
                .map(|e| e.env.kind.label(lang))
                .collect();
            if off.is_empty() {
                finding(
                    Rule::R6,
                    Status::Compliant,
                    text!(lang,
                        fr: "{why} Chaque environnement décrit repose sur une offre de cloud interne ou commerciale.",
                        en: "{why} Every environment described relies on an internal or commercial cloud offer."),
                    citations,
                    None,
                )
            } else {
                let list = words::list(lang, &off);
                let mut f = finding(
                    Rule::R6,
                    Status::NonCompliant,
                    text!(lang,
                        fr: "{why} Tout le cycle de vie doit reposer sur des offres cloud ; ces environnements restent sur les serveurs de l'entité : {list}.",
                        en: "{why} The whole lifecycle must rely on cloud offers; these environments stay on the entity's own servers: {list}."),
                    citations,
                    Some(r7_hint()),
                );
                f.counterfactuals.push(Counterfactual {
                    change: text!(lang,
                        fr: "Héberger aussi {list} sur une offre du catalogue",
                        en: "Also host {list} on a catalog offer"),
                    offers: Vec::new(),
                });
                f
            }
        }
    }
}

/// The project departs from R6's default (own servers somewhere in its lifecycle).
pub(crate) fn departs_from_r6(ctx: &Ctx<'_>) -> bool {
    ctx.concerned
        && (ctx.d.hosting.approach == Approach::OnPremise
            || (ctx.d.hosting.approach == Approach::Cloud
                && ctx.envs.iter().any(|e| e.offer.is_none())))
}
