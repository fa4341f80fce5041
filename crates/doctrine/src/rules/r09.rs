//! R9 — data « d'une sensibilité particulière » on a commercial cloud: production, staging and
//! what their resilience needs must run on an offer SecNumCloud-qualified on the day (in the
//! region used) and immune from extra-EU law. Opens the transitional derogation for projects
//! already engaged. The scan's per-resource check applies the same test to each resource.

use super::prelude::*;
use nuage_catalog::QualificationStatus;

fn r9_citations(ctx: &Ctx<'_>) -> Vec<crate::assessment::Citation> {
    let mut c = vec![ctx.cite(Rule::R9)];
    if ctx.faq_applies() {
        c.push(ctx.cite_doc("faq-dinum", Some("Données particulièrement sensibles")));
    } else {
        c.push(ctx.cite_doc("communique-dinum-2021-10-06", None));
    }
    for basis in ctx
        .ed
        .legal_basis
        .iter()
        .filter(|b| b.rule == Rule::R9 && b.from <= ctx.on)
    {
        c.push(crate::assessment::Citation {
            document: std::borrow::Cow::Borrowed(basis.document.as_str()),
            rule: None,
            section: Some(std::borrow::Cow::Borrowed(basis.section.as_str())),
        });
    }
    c
}

/// One sentence on the sensitivity conclusion.
fn sensitivity_sentence(ctx: &Ctx<'_>) -> String {
    let lang = ctx.lang;
    let names: Vec<&str> = ctx
        .sensitivity
        .iter()
        .filter(|s| s.particularly_sensitive)
        .map(|s| s.name.as_str())
        .collect();
    if ctx.particularly_sensitive && names.is_empty() {
        return text!(lang,
            fr: "Sous l'édition 2021, les outils collaboratifs, bureautiques et de messagerie des agents manipulent des données sensibles (note DINUM).",
            en: "Under the 2021 edition, the agents' collaborative, office and messaging tools handle sensitive data (DINUM note).");
    }
    if ctx.particularly_sensitive {
        let names = words::list(lang, &names);
        if ctx.ed.sensitivity.also_sensitive.is_empty() {
            text!(lang,
                fr: "Les données « {names} » sont d'une sensibilité particulière : elles relèvent d'un secret protégé par la loi ou d'une mission essentielle de l'État, et leur violation porterait atteinte à l'un des intérêts que R9 énumère.",
                en: "The data « {names} » are particularly sensitive: they fall under a secret protected by law or an essential mission of the State, and a breach would harm one of the interests R9 lists.")
        } else {
            text!(lang,
                fr: "Les données « {names} » sont sensibles au sens de l'édition 2021 de la doctrine.",
                en: "The data « {names} » are sensitive under the 2021 edition of the doctrine.")
        }
    } else if ctx.ed.sensitivity.also_sensitive.is_empty() {
        text!(lang,
            fr: "Aucune donnée déclarée ne réunit les deux critères cumulatifs de R9 (secret protégé par la loi ou mission essentielle de l'État, et violation portant atteinte à l'ordre public, à la sécurité publique, à la santé et à la vie des personnes ou à la propriété intellectuelle).",
            en: "No declared data meet both of R9's cumulative criteria (a secret protected by law or an essential mission of the State, and a breach harming public order, public security, people's health and lives or intellectual property).")
    } else {
        text!(lang,
            fr: "Aucune donnée déclarée n'est sensible au sens de l'édition 2021.",
            en: "No declared data are sensitive under the 2021 edition.")
    }
}

fn qualified_alternatives(ctx: &Ctx<'_>, failing: &[&Offer]) -> Vec<Counterfactual> {
    let lang = ctx.lang;
    let on = words::date(lang, ctx.on);
    let mut out = Vec::new();
    let mut services_done = false;
    for offer in failing {
        // A SaaS providing several services to agents is replaced service by service.
        if offer.offers_model(nuage_catalog::ServiceModel::Saas)
            && !ctx.d.hosting.services.is_empty()
        {
            if !services_done {
                out.extend(saas_alternatives(ctx));
                services_done = true;
            }
            continue;
        }
        let needs = Needs {
            secnumcloud: true,
            ..Needs::of_project(ctx)
        }
        .like(offer);
        let offers = alternatives(ctx, &needs);
        let name = &offer.name;
        let change = if offers.is_empty() {
            text!(lang,
                fr: "Aucune offre du catalogue ne remplit au {on} tous les besoins que couvre {name} : envisager le cloud interne de l'État ou une offre qualifiée d'un autre modèle de service",
                en: "No catalog offer meets on {on} every need {name} covers: consider the State's internal cloud or a qualified offer of another service model")
        } else {
            text!(lang,
                fr: "Remplacer {name} par une offre du cloud interne de l'État ou une offre qualifiée SecNumCloud et immunisée au {on}",
                en: "Replace {name} with the State's internal cloud or an offer SecNumCloud-qualified and immune on {on}")
        };
        out.push(Counterfactual { change, offers });
    }
    out
}

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R9);
    }
    let citations = r9_citations(ctx);
    if ctx.d.data.is_empty() {
        return finding(
            Rule::R9,
            Status::ToVerify,
            text!(lang,
                fr: "Le dossier ne décrit aucune donnée : la sensibilité particulière ne peut pas être appréciée. L'entité porteuse du projet mène cette analyse (FAQ).",
                en: "The dossier describes no data: particular sensitivity cannot be judged. The entity carrying the project performs that analysis (FAQ)."),
            citations,
            Some(text!(lang,
                fr: "Décrire chaque famille de données (`[[data]]`) : secrets protégés par la loi, missions essentielles, atteintes qu'une violation causerait.",
                en: "Describe each family of data (`[[data]]`): secrets protected by law, essential missions, harms a breach would cause.")),
        );
    }
    let sentence = sensitivity_sentence(ctx);
    let envs: Vec<&Env<'_>> = r9_envs(ctx).collect();
    let commercial: Vec<&Env<'_>> = envs
        .iter()
        .copied()
        .filter(|e| e.offer.is_some_and(on_commercial_cloud))
        .collect();
    let dev_note = dev_note(ctx);

    let status;
    let mut message;
    let mut remedy = None;
    let mut counterfactuals = Vec::new();

    if !ctx.secnumcloud_required() {
        if commercial.is_empty() {
            status = Status::NotApplicable;
            message = text!(lang,
                fr: "{sentence} Aucune offre commerciale n'héberge la production, la recette ou le secours : R9 ne s'applique qu'au recours à une offre de cloud commerciale.",
                en: "{sentence} No commercial offer hosts production, staging or disaster recovery: R9 only applies when a commercial cloud offer is used.");
        } else {
            status = Status::Compliant;
            message = text!(lang,
                fr: "{sentence} La qualification SecNumCloud et l'immunité ne sont donc pas exigées pour les offres commerciales retenues.",
                en: "{sentence} SecNumCloud qualification and immunity are therefore not required of the commercial offers chosen.");
            if ctx.ed.sensitivity.prefer_trusted_cloud_otherwise {
                push_text!(message, lang,
                    fr: "L'édition 2021 invite néanmoins à privilégier, chaque fois que possible, une offre qualifiée et immunisée.",
                    en: "The 2021 edition still asks to prefer, wherever possible, a qualified and immune offer.");
            }
        }
    } else if commercial.is_empty() {
        let undecided = ctx.d.hosting.approach == Approach::Undecided || envs.is_empty();
        if undecided {
            status = Status::ToVerify;
            message = text!(lang,
                fr: "{sentence} L'hébergement de la production, de la recette et du secours n'est pas encore décrit : s'il repose sur une offre commerciale, elle devra être qualifiée SecNumCloud et immunisée contre les lois extracommunautaires.",
                en: "{sentence} Hosting of production, staging and disaster recovery is not described yet: if it relies on a commercial offer, that offer must be SecNumCloud-qualified and immune from extra-EU law.");
            remedy = Some(text!(lang,
                fr: "Décrire les environnements de production, de recette et de secours et leur offre (`[[hosting.environments]]`).",
                en: "Describe the production, staging and disaster recovery environments and their offer (`[[hosting.environments]]`)."));
        } else {
            status = Status::Compliant;
            message = text!(lang,
                fr: "{sentence} La production, la recette et le secours sont hébergés hors offre commerciale (cloud interne de l'État, produits interministériels ou serveurs de l'entité) : l'exigence de qualification de R9 ne vise que les offres commerciales.",
                en: "{sentence} Production, staging and disaster recovery are hosted outside commercial offers (the State's internal cloud, interministerial products or the entity's own servers): R9's qualification demand only targets commercial offers.");
        }
    } else {
        let check = check_offers(ctx, &commercial);
        if check.failures.is_empty() {
            status = Status::Compliant;
            let on = words::date(lang, ctx.on);
            message = text!(lang,
                fr: "{sentence} Les offres commerciales de production, de recette et de secours sont qualifiées SecNumCloud au {on}, dans les régions utilisées, et immunisées contre les lois extracommunautaires.",
                en: "{sentence} The commercial offers used for production, staging and disaster recovery are SecNumCloud-qualified on {on}, in the regions used, and immune from extra-EU law.");
        } else if check.unknown_only {
            // No « conforme » without its facts, and no « non conforme » on a fact nobody gave.
            status = Status::ToVerify;
            let list = check.failures.join(" ; ");
            message = text!(lang,
                fr: "{sentence} Une offre commerciale retenue doit alors être qualifiée SecNumCloud et immunisée contre les lois extracommunautaires ; ce qu'il faut pour l'établir manque : {list}.",
                en: "{sentence} A commercial offer chosen must then be SecNumCloud-qualified and immune from extra-EU law; what is needed to establish it is missing: {list}.");
            remedy = Some(text!(lang,
                fr: "Indiquer la région (`region`) ou les zones de chaque environnement, et faire établir au catalogue, avec sa source, l'immunité de l'offre.",
                en: "Give the region (`region`) or the zones of each environment, and have the offer's immunity established in the catalog, with its source."));
        } else {
            status = Status::NonCompliant;
            let list = check.failures.join(" ; ");
            message = text!(lang,
                fr: "{sentence} Une offre commerciale retenue doit alors être qualifiée SecNumCloud et immunisée contre les lois extracommunautaires, ce qui n'est pas le cas : {list}.",
                en: "{sentence} A commercial offer chosen must then be SecNumCloud-qualified and immune from extra-EU law, which is not the case: {list}.");
            remedy = Some(if ctx.ed.r9_equivalent_guarantees.is_some() {
                text!(lang,
                    fr: "Héberger la production, la recette et le secours sur le cloud interne de l'État ou sur une offre commerciale qualifiée SecNumCloud et immunisée, dans sa région qualifiée ; à défaut, restent la dérogation transitoire de R9, pour les projets déjà engagés, et celle de la FAQ sur preuve de garanties équivalentes, que la DINUM juge inappropriée.",
                    en: "Host production, staging and disaster recovery on the State's internal cloud or on a SecNumCloud-qualified, immune commercial offer, in its qualified region; otherwise there remain R9's transitional derogation, for projects already engaged, and the FAQ's one on proof of equivalent guarantees, which DINUM deems inappropriate.")
            } else {
                text!(lang,
                    fr: "Héberger la production, la recette et le secours sur le cloud interne de l'État ou sur une offre commerciale qualifiée SecNumCloud et immunisée, dans sa région qualifiée ; à défaut, seule la dérogation transitoire de R9 est ouverte, aux projets déjà engagés.",
                    en: "Host production, staging and disaster recovery on the State's internal cloud or on a SecNumCloud-qualified, immune commercial offer, in its qualified region; otherwise only R9's transitional derogation is open, to projects already engaged.")
            });
            // A counterfactual names what to change in the design, never a declared fact.
            counterfactuals = qualified_alternatives(ctx, &check.failing);
        }
    }
    if let Some(note) = dev_note {
        message.push(' ');
        message.push_str(&note);
    }
    finding(Rule::R9, status, message, citations, remedy).with_counterfactuals(counterfactuals)
}

/// Development, training and sandbox on a non-qualified commercial offer: outside R9's
/// reach, worth one sentence when the data are particularly sensitive.
fn dev_note(ctx: &Ctx<'_>) -> Option<String> {
    if !ctx.secnumcloud_required() {
        return None;
    }
    let lang = ctx.lang;
    let outside: Vec<String> = ctx
        .envs
        .iter()
        .filter(|e| !e.env.kind.under_r9())
        .filter(|e| env_falls_short(ctx, e))
        .map(|e| env_label(lang, e))
        .collect();
    if outside.is_empty() {
        return None;
    }
    let list = words::list(lang, &outside);
    Some(text!(lang,
        fr: "Les environnements {list} reposent sur une offre non qualifiée : R9 ne vise que la production, la recette et le secours, à condition qu'aucune donnée réelle d'une sensibilité particulière n'y soit copiée.",
        en: "The {list} environments rely on a non-qualified offer: R9 only reaches production, staging and disaster recovery, provided no real particularly sensitive data are copied there."))
}

/// The transitional derogation, listed whenever the data call for a trusted offer.
pub(crate) fn derogation(ctx: &Ctx<'_>) -> Option<Derogation> {
    (ctx.in_scope && ctx.secnumcloud_required()).then(|| transitional(ctx))
}

fn transitional(ctx: &Ctx<'_>) -> Derogation {
    let lang = ctx.lang;
    let edition_day = ctx.ed.in_force_from;
    let day = words::date(lang, edition_day);
    let text_name = crate::edition::Editions::embedded()
        .ok()
        .and_then(|e| e.document(&ctx.ed.r9_transitional.engaged_before))
        .map_or(ctx.ed.r9_transitional.engaged_before.as_str(), |d| {
            d.short.as_str()
        });
    let mut conditions = Vec::new();
    let engaged = match ctx.d.project.engaged_on {
        Some(e) if e < edition_day => match breached_when_engaged(ctx, e)
            .filter(|_| !ctx.ed.r9_transitional.open_to_projects_in_breach)
        {
            // Press release of 6 October 2021: « aucun nouveau projet ne sera engagé avec le
            // fournisseur d'une offre non conforme ». A project engaged after the doctrine
            // existed, on an offer that already breached the rule then in force, is not one of
            // the « projets déjà engagés » the later text spares.
            Some(true) => {
                let when = words::date(lang, e);
                conditions.push(text!(lang,
                    fr: "Engagé le {when}, après l'entrée en vigueur de la doctrine, sur une offre qui ne respectait déjà pas la règle alors en vigueur : ce n'est pas un « projet déjà engagé » au sens de la circulaire (communiqué DINUM du 6 octobre 2021 : aucun nouveau projet ne devait être engagé avec le fournisseur d'une offre non conforme).",
                    en: "Engaged on {when}, after the doctrine came into force, on an offer that already breached the rule then in force: not a « project already engaged » in the circular's sense (DINUM press release of 6 October 2021: no new project was to be engaged with the provider of a non-compliant offer)."));
                false
            }
            _ => {
                let when = words::date(lang, e);
                conditions.push(text!(lang,
                    fr: "Projet déjà engagé : engagé le {when}, avant l'entrée en vigueur du texte qui fixe cette dérogation ({text_name}) le {day}.",
                    en: "Project already engaged: engaged on {when}, before the text that sets this derogation ({text_name}) came into force on {day}."));
                true
            }
        },
        Some(e) => {
            let when = words::date(lang, e);
            conditions.push(text!(lang,
                fr: "Réservée aux projets déjà engagés : celui-ci l'a été le {when}, pas avant le {day}.",
                en: "Reserved to projects already engaged: this one was engaged on {when}, not before {day}."));
            false
        }
        None => {
            conditions.push(text!(lang,
                fr: "Réservée aux projets déjà engagés avant le {day} : la date d'engagement (`engaged_on`) n'est pas renseignée.",
                en: "Reserved to projects already engaged before {day}: the engagement date (`engaged_on`) is not given."));
            false
        }
    };
    // For the agents' office, collaborative and messaging tools, no derogation covers more than
    // e-mail and personal drive, and never the other services (DINUM note on office suites).
    let office = &ctx.ed.office_suite;
    let never: Vec<UserService> = ctx
        .office_services
        .iter()
        .copied()
        .filter(|s| !office.covers.contains(s))
        .collect();
    let covers: Vec<UserService> = if ctx.office_services.is_empty() {
        Vec::new()
    } else {
        ctx.d
            .hosting
            .services
            .iter()
            .copied()
            .filter(|s| !never.contains(s))
            .collect()
    };
    let nothing_left = !ctx.office_services.is_empty() && covers.is_empty();
    if !never.is_empty() {
        let list: Vec<&str> = never.iter().map(|s| s.label(lang)).collect();
        let list = words::list(lang, &list);
        conditions.push(text!(lang,
            fr: "Elle ne couvre jamais, pour les outils des agents : {list} (note DINUM sur les suites bureautiques). L'issue : les produits interministériels (Tchap, Resana, Osmose, Audioconf, Webconférence de l'État, La Suite numérique), une offre mutualisée avec la DINUM sur le cloud interne ou de confiance, ou le scénario « Bleu » que la note évoque, une fois qualifié.",
            en: "It never covers, for the agents' tools: {list} (DINUM note on office suites). The way out: the interministerial products (Tchap, Resana, Osmose, Audioconf, the State web conference, La Suite numérique), an offer pooled with DINUM on the internal or trusted cloud, or the « Bleu » scenario the note mentions, once qualified."));
    }
    let approvers = ctx.ed.r9_transitional.approvers.clone();
    conditions.push(approvers_sentence(ctx, &approvers));
    let deadline = deadline(ctx);
    let open = deadline_conditions(ctx, deadline, &mut conditions);
    let mut citations = vec![ctx.cite(Rule::R9)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Dérogations")));
    }
    let engaged_under_an_earlier_edition = ctx
        .d
        .project
        .engaged_on
        .zip(first_edition_day())
        .is_some_and(|(e, first)| e >= first && e < edition_day);
    if engaged_under_an_earlier_edition || !ctx.faq_applies() {
        citations.push(ctx.cite_doc("communique-dinum-2021-10-06", None));
    }
    if !ctx.office_services.is_empty() {
        citations.push(ctx.cite_doc("note-dinum-office-365", None));
    }
    Derogation {
        kind: DerogationKind::R9Transitional,
        available: engaged && open && !nothing_left,
        deadline,
        approvers,
        covers,
        conditions,
        citations,
    }
}

fn first_edition_day() -> Option<Date> {
    crate::edition::Editions::embedded()
        .ok()
        .and_then(|e| e.first_day())
}

/// Whether, on the day it was engaged, the project's production offers already failed R9 as the
/// edition then in force read it (`None`: engaged before any edition, or the date cannot be
/// assessed).
fn breached_when_engaged(ctx: &Ctx<'_>, engaged: Date) -> Option<bool> {
    let editions = crate::edition::Editions::embedded().ok()?;
    let then = editions.in_force_on(engaged)?;
    if then.id == ctx.ed.id {
        return None;
    }
    let past = crate::context::context(ctx.d, ctx.catalog, then, engaged, ctx.lang).ok()?;
    if !past.secnumcloud_required() {
        return Some(false);
    }
    let envs: Vec<&Env<'_>> = r9_envs(&past)
        .filter(|e| e.offer.is_some_and(on_commercial_cloud))
        .collect();
    let check = check_offers(&past, &envs);
    Some(!check.failures.is_empty() && !check.unknown_only)
}

/// The FAQ's derogation from R9, open to any project whose data call for a trusted offer, on
/// proof that SecNumCloud's guarantees are met; listed with the FAQ's warning.
pub(crate) fn equivalent_guarantees(ctx: &Ctx<'_>) -> Option<Derogation> {
    let rule = ctx.ed.r9_equivalent_guarantees.as_ref()?;
    if !(ctx.in_scope && ctx.secnumcloud_required()) {
        return None;
    }
    let lang = ctx.lang;
    let approvers = rule.approvers.clone();
    let conditions = vec![
        text!(lang,
            fr: "La DINUM juge inapproprié de chercher à déroger à R9 en recourant à un autre hébergement que le cloud de confiance (FAQ, « Dérogations »).",
            en: "DINUM deems it inappropriate to seek a derogation from R9 by using hosting other than the trusted cloud (FAQ, « Dérogations »)."),
        text!(lang,
            fr: "Pour des motifs légitimes seulement, et à condition que l'entité apporte la preuve que les garanties de SecNumCloud sont réunies, notamment en cybersécurité et en isolation juridique.",
            en: "For legitimate reasons only, and provided the entity proves that SecNumCloud's guarantees are met, notably on cybersecurity and legal isolation."),
        approvers_sentence(ctx, &approvers),
        text!(lang,
            fr: "La FAQ ne fixe pas d'échéance à cette dérogation.",
            en: "The FAQ sets no deadline for this derogation."),
    ];
    Some(Derogation {
        kind: DerogationKind::R9EquivalentGuarantees,
        available: true,
        deadline: None,
        approvers,
        covers: Vec::new(),
        conditions,
        citations: vec![
            ctx.cite_doc("faq-dinum", Some("Dérogations")),
            ctx.cite(Rule::R9),
        ],
    })
}

pub(crate) fn resources(s: &Scanned<'_>, out: &mut Vec<Finding>) {
    let (inv, ctx) = (s.inventory, s.ctx);
    if !ctx.secnumcloud_required() {
        return;
    }
    let lang = ctx.lang;
    for r in inv.resources.iter().filter(|r| holds_data(r)) {
        let Some(offer) = offer_of(ctx.catalog, r) else {
            continue;
        };
        let region = region_used(offer, r.region.as_deref(), &r.zones);
        let gaps = r9_gaps(ctx, offer, region);
        if gaps.is_empty() {
            continue;
        }
        let unknown = gaps.iter().all(R9Gap::is_unknown);
        let why: Vec<String> = gaps
            .iter()
            .map(|g| describe_gap(lang, ctx, offer, g))
            .collect();
        let why = why.join(" ; ");
        let address = &r.address;
        // The regions a qualification covers, when the region is what falls short.
        let scope = gaps.iter().find_map(|g| match g {
            R9Gap::NotQualified(
                QualificationStatus::RegionOutOfScope(q)
                | QualificationStatus::PerimeterUnspecified(q),
            ) => q
                .regions
                .as_deref()
                .map(|regions| words::ids(lang, regions)),
            _ => None,
        });
        let read = match (
            r.evidence.iter().find(|e| e.starts_with("region = ")),
            &r.unplaced,
        ) {
            (Some(evidence), _) => text!(lang,
                fr: " Région lue : « {evidence} ».",
                en: " Region read: « {evidence} »."),
            (None, Some(unplaced)) => {
                let detail = &unplaced.detail;
                text!(lang,
                    fr: " Région non lue : {detail}.",
                    en: " Region not read: {detail}.")
            }
            (None, None) => String::new(),
        };
        let (status, message) = if unknown {
            (
                Status::ToVerify,
                text!(lang,
                    fr: "`{address}` héberge des données d'une sensibilité particulière ; ce qu'il faut pour établir que son offre remplit R9 manque : {why}.",
                    en: "`{address}` hosts particularly sensitive data; what is needed to establish that its offer meets R9 is missing: {why}."),
            )
        } else {
            (
                Status::NonCompliant,
                text!(lang,
                    fr: "`{address}` héberge des données d'une sensibilité particulière sur une offre commerciale qui ne remplit pas R9 : {why}.",
                    en: "`{address}` hosts particularly sensitive data on a commercial offer that does not meet R9: {why}."),
            )
        };
        let name = &offer.name;
        let remedy = match &scope {
            Some(qualified) if unknown => text!(lang,
                fr: "Fixer la région de `{address}` dans le code, dans le périmètre qualifié de {name} ({qualified}).",
                en: "Set the region of `{address}` in the code, within {name}'s qualified perimeter ({qualified})."),
            Some(qualified) => text!(lang,
                fr: "Déployer `{address}` dans la région qualifiée SecNumCloud de {name} ({qualified}), ou sur le cloud interne de l'État ou une autre offre qualifiée et immunisée.",
                en: "Deploy `{address}` in {name}'s SecNumCloud-qualified region ({qualified}), or on the State's internal cloud or another qualified, immune offer."),
            None => text!(lang,
                fr: "Déplacer cette ressource sur le cloud interne de l'État ou sur une offre qualifiée SecNumCloud et immunisée, dans sa région qualifiée.",
                en: "Move this resource to the State's internal cloud or to a SecNumCloud-qualified, immune offer, in its qualified region."),
        };
        out.push(
            finding(
                Rule::R9,
                status,
                message + &read,
                vec![ctx.cite(Rule::R9)],
                Some(remedy),
            )
            .at(r),
        );
    }
}
