//! OFFICE — the DINUM note on office suites: the agents' collaborative, office and messaging
//! tools handle sensitive data; a derogation covers at most e-mail and personal drive, for projects
//! very advanced on 5 July 2021.

use super::prelude::*;

/// Services the DINUM note on office suites covers (« solutions collaboratives, bureautiques
/// et de messagerie proposées aux agents publics »).
pub(crate) const OFFICE_NOTE_SERVICES: [UserService; 8] = [
    UserService::Email,
    UserService::PersonalDrive,
    UserService::DocumentCollaboration,
    UserService::InstantMessaging,
    UserService::AudioConference,
    UserService::VideoConference,
    UserService::Webinar,
    UserService::OfficeSuite,
];

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    let citations = vec![
        ctx.cite_doc("note-dinum-office-365", None),
        ctx.cite_doc("communique-dinum-2021-10-06", None),
        ctx.cite(Rule::R14),
    ];
    if ctx.office_services.is_empty() {
        return finding(
            Rule::Office,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne fournit aux agents ni messagerie, ni bureautique, ni outil collaboratif : la note DINUM sur les suites bureautiques ne le vise pas.",
                en: "The project provides agents with no email, office or collaborative tool: the DINUM note on office suites does not cover it."),
            citations,
            None,
        );
    }
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::Office);
    }
    let envs: Vec<&Env<'_>> = r9_envs(ctx).filter(|e| e.offer.is_some()).collect();
    if envs.is_empty() {
        return finding(
            Rule::Office,
            Status::ToVerify,
            text!(lang,
                fr: "Les outils collaboratifs, bureautiques ou de messagerie des agents ne disent pas quelle offre les fournit : la DINUM les range parmi les systèmes manipulant des données sensibles.",
                en: "The agents' collaborative, office or messaging tools do not say which offer provides them: DINUM counts them among systems handling sensitive data."),
            citations,
            Some(text!(lang,
                fr: "Indiquer l'offre retenue dans `[[hosting.environments]]`.",
                en: "Give the chosen offer in `[[hosting.environments]]`.")),
        );
    }
    let bad: Vec<&Offer> = {
        let mut v: Vec<&Offer> = Vec::new();
        for e in &envs {
            if let Some(o) = e.offer
                && env_falls_short(ctx, e)
                && !v.iter().any(|x| x.id == o.id)
            {
                v.push(o);
            }
        }
        v
    };
    if bad.is_empty() {
        return finding(
            Rule::Office,
            Status::Compliant,
            text!(lang,
                fr: "Les outils des agents reposent sur des produits interministériels, le cloud interne ou des offres qualifiées SecNumCloud et immunisées.",
                en: "The agents' tools rely on interministerial products, the internal cloud or SecNumCloud-qualified, immune offers."),
            citations,
            None,
        );
    }
    let names: Vec<&str> = bad.iter().map(|o| o.name.as_str()).collect();
    let names = words::list(lang, &names);
    let coverable: Vec<&str> = ctx
        .office_services
        .iter()
        .filter(|s| ctx.ed.office_suite.covers.contains(s))
        .map(|s| s.label(lang))
        .collect();
    let never: Vec<&str> = ctx
        .office_services
        .iter()
        .filter(|s| ctx.ed.office_suite.never.contains(s))
        .map(|s| s.label(lang))
        .collect();
    let strict = ctx.ed.extra(ExtraCategory::AgentsOfficeTools) || ctx.particularly_sensitive;
    let mut message = if strict {
        text!(lang,
            fr: "Les solutions collaboratives, bureautiques et de messagerie des agents manipulent des données sensibles : les confier à {names}, ni qualifiée SecNumCloud ni immunisée, n'est pas conforme à la doctrine (note DINUM).",
            en: "The agents' collaborative, office and messaging tools handle sensitive data: entrusting them to {names}, neither SecNumCloud-qualified nor immune, does not comply with the doctrine (DINUM note).")
    } else {
        text!(lang,
            fr: "La note DINUM range les outils collaboratifs, bureautiques et de messagerie des agents parmi les systèmes sensibles et juge leur migration vers une offre comme {names} non conforme. Elle précède le critère cumulatif de 2023, qui demande d'établir la sensibilité au cas par cas : le dossier ne déclare pas les données de ces outils d'une sensibilité particulière, ce que l'entité doit pouvoir justifier.",
            en: "The DINUM note counts the agents' collaborative, office and messaging tools among sensitive systems and deems their migration to an offer such as {names} non-compliant. It predates the 2023 cumulative test, which requires sensitivity to be established case by case: the dossier does not declare these tools' data particularly sensitive, which the entity must be able to justify.")
    };
    if !never.is_empty() {
        let list = words::list(lang, &never);
        push_text!(message, lang,
            fr: "Aucune dérogation n'est possible pour : {list} ; l'offre interministérielle les couvre.",
            en: "No derogation is possible for: {list}; the interministerial offer covers them.");
    }
    if !coverable.is_empty() {
        let list = words::list(lang, &coverable);
        push_text!(message, lang,
            fr: "Pour {list}, une dérogation transitoire existe pour les seuls projets très avancés au 5 juillet 2021 (voir les dérogations).",
            en: "For {list}, a transitional derogation exists for projects very advanced on 5 July 2021 only (see the derogations).");
    }
    let status = if strict {
        Status::NonCompliant
    } else {
        Status::ToVerify
    };
    finding(
        Rule::Office,
        status,
        message,
        citations,
        Some(text!(lang,
            fr: "Recourir aux produits interministériels (Tchap, Resana, Audioconf, Webconférence de l'État, La Suite numérique), à une offre mutualisée sur le cloud interne ou le cloud de confiance, ou à une offre qualifiée SecNumCloud ; à défaut, différer le remplacement des outils existants.",
            en: "Use the interministerial products (Tchap, Resana, Audioconf, the State web conference, La Suite numérique), a pooled offer on the internal or trusted cloud, or a SecNumCloud-qualified offer; failing that, postpone replacing the existing tools.")),
    )
    .with_counterfactuals(office_alternatives(ctx))
}

fn office_alternatives(ctx: &Ctx<'_>) -> Vec<Counterfactual> {
    let lang = ctx.lang;
    ctx.office_services
        .iter()
        .map(|s| {
            let needs = Needs {
                secnumcloud: true,
                services: vec![*s],
                model: Some(nuage_catalog::ServiceModel::Saas),
                ..Needs::of_project(ctx)
            };
            let offers = alternatives(ctx, &needs);
            let name = s.label(lang);
            Counterfactual {
                change: if offers.is_empty() {
                    text!(lang,
                        fr: "Pour « {name} », aucun produit du catalogue ne convient à cette date : mutualiser une offre sur le cloud interne ou de confiance avec la DINUM",
                        en: "For « {name} », no catalog product fits on that date: pool an offer on the internal or trusted cloud with DINUM")
                } else {
                    text!(lang,
                        fr: "Pour « {name} », utiliser un produit interministériel ou qualifié",
                        en: "For « {name} », use an interministerial or qualified product")
                },
                offers,
            }
        })
        .collect()
}

/// The production offer of the agents' tools is not a trusted one.
fn office_offer_falls_short(ctx: &Ctx<'_>) -> bool {
    ctx.envs
        .iter()
        .filter(|e| e.env.kind.under_r9())
        .any(|e| env_falls_short(ctx, e))
}

/// Listed when the agents' tools run on an offer that is not a trusted one.
pub(crate) fn derogation(ctx: &Ctx<'_>) -> Option<Derogation> {
    (ctx.in_scope && !ctx.office_services.is_empty() && office_offer_falls_short(ctx))
        .then(|| suite(ctx))
}

fn suite(ctx: &Ctx<'_>) -> Derogation {
    let lang = ctx.lang;
    let rules = &ctx.ed.office_suite;
    let covers: Vec<_> = ctx
        .office_services
        .iter()
        .copied()
        .filter(|s| rules.covers.contains(s))
        .collect();
    let never: Vec<&str> = ctx
        .office_services
        .iter()
        .filter(|s| !rules.covers.contains(s))
        .map(|s| s.label(lang))
        .collect();
    let day = words::date(lang, rules.well_advanced_on);
    let mut conditions = Vec::new();
    let advanced = match ctx.d.project.engaged_on {
        Some(e) if e < rules.well_advanced_on => {
            let when = words::date(lang, e);
            conditions.push(text!(lang,
                fr: "Projet engagé le {when} : la note réserve la dérogation aux projets très avancés au {day}, ce que l'entité doit pouvoir établir.",
                en: "Project engaged on {when}: the note reserves the derogation to projects very advanced on {day}, which the entity must be able to show."));
            true
        }
        Some(e) => {
            let when = words::date(lang, e);
            conditions.push(text!(lang,
                fr: "Réservée aux projets très avancés au {day} : celui-ci a été engagé le {when}.",
                en: "Reserved to projects very advanced on {day}: this one was engaged on {when}."));
            false
        }
        None => {
            conditions.push(text!(lang,
                fr: "Réservée aux projets très avancés au {day} : la date d'engagement n'est pas renseignée.",
                en: "Reserved to projects very advanced on {day}: the engagement date is not given."));
            false
        }
    };
    if covers.is_empty() {
        conditions.push(text!(lang,
            fr: "Elle ne couvre que la messagerie et le drive personnel, qu'aucun service du projet ne fournit.",
            en: "It only covers email and personal drive, which the project does not provide."));
    } else {
        conditions.push(text!(lang,
            fr: "Limitée aux seuls services de messagerie et de drive personnel.",
            en: "Limited to email and personal drive services only."));
    }
    if !never.is_empty() {
        let list = words::list(lang, &never);
        conditions.push(text!(lang,
            fr: "Jamais pour : {list}. Issue : les produits interministériels (Tchap, Resana, Osmose, Audioconf, Webconférence de l'État, La Suite numérique).",
            en: "Never for: {list}. Way out: the interministerial products (Tchap, Resana, Osmose, Audioconf, the State web conference, La Suite numérique)."));
    }
    let approvers = rules.approvers.clone();
    conditions.push(approvers_sentence(ctx, &approvers));
    let deadline = deadline(ctx);
    let open = deadline_conditions(ctx, deadline, &mut conditions);
    Derogation {
        kind: DerogationKind::OfficeSuite,
        available: advanced && open && !covers.is_empty(),
        deadline,
        approvers,
        covers,
        conditions,
        citations: vec![
            ctx.cite_doc("note-dinum-office-365", None),
            ctx.cite(Rule::R9),
        ],
    }
}
