//! HDS — health data are hosted by a certified host (public health code, art. L.1111-8).

use super::prelude::*;
use crate::trust::region_used;
use nuage_catalog::HdsStatus;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    let mut citations = vec![ctx.cite(Rule::R9), ctx.cite_doc("csp-l1111-8", None)];
    if !ctx.in_scope {
        citations.remove(0);
    }
    if !ctx.health {
        return finding(
            Rule::Hds,
            Status::NotApplicable,
            text!(lang,
                fr: "Aucune donnée de santé n'est déclarée.",
                en: "No health data are declared."),
            citations,
            None,
        );
    }
    let envs: Vec<&Env<'_>> = r9_envs(ctx).collect();
    if envs.is_empty() {
        let status = if ctx.d.hosting.approach == Approach::OnPremise {
            Status::Compliant
        } else {
            Status::ToVerify
        };
        let message = match status {
            Status::Compliant => text!(lang,
                fr: "Les données de santé restent sur les serveurs de l'entité, qui ne les confie pas à un hébergeur tiers.",
                en: "Health data stay on the entity's own servers; no third-party host holds them."),
            _ => text!(lang,
                fr: "Des données de santé sont traitées et l'hébergement de la production, de la recette et du secours n'est pas décrit : l'hébergeur devra être certifié HDS.",
                en: "Health data are processed and hosting of production, staging and disaster recovery is not described: the host must be HDS-certified."),
        };
        return finding(Rule::Hds, status, message, citations, None);
    }
    let mut status = Status::Compliant;
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut unknown_internal = Vec::new();
    let mut unsettled = Vec::new();
    for e in &envs {
        let Some(offer) = e.offer else { continue };
        let hds = hds_on(ctx, offer, e.env.region.as_deref(), &e.env.zones);
        match (hds.known(), offer.kind) {
            (Some(true), _) => {}
            (None, OfferKind::Commercial) if hds.is_unsettled() => {
                status = status.worst(Status::ToVerify);
                unsettled.push(env_label(lang, e));
            }
            (_, OfferKind::Internal | OfferKind::Interministerial) => {
                status = status.worst(Status::ToVerify);
                unknown_internal.push(env_label(lang, e));
            }
            // Known not to be certified: the failure. Not known either way: to verify.
            (Some(false), _) => {
                status = Status::NonCompliant;
                missing.push(env_label(lang, e));
            }
            (None, _) => {
                status = status.worst(Status::ToVerify);
                unknown.push(env_label(lang, e));
            }
        }
    }
    let mut message = match status {
        Status::Compliant => text!(lang,
            fr: "Les données de santé de production, de recette et de secours sont confiées à des hébergeurs certifiés HDS ou restent sur les serveurs de l'entité.",
            en: "Production, staging and disaster recovery health data are entrusted to HDS-certified hosts or stay on the entity's own servers."),
        _ => String::new(),
    };
    if !missing.is_empty() {
        let list = words::list(lang, &missing);
        push_text!(message, lang,
            fr: "L'hébergeur de : {list} n'est pas certifié HDS selon le catalogue. Un hébergeur de données de santé doit être certifié (CSP, art. L.1111-8).",
            en: "The host of: {list} is not HDS-certified according to the catalog. A health data host must be certified (public health code, art. L.1111-8).");
    }
    if !unknown.is_empty() {
        let list = words::list(lang, &unknown);
        push_text!(message, lang,
            fr: "La certification HDS de l'hébergeur de : {list} n'est pas établie dans le catalogue : la faire établir avec sa source (référentiel et dates), la loi exigeant un hébergeur certifié (CSP, art. L.1111-8).",
            en: "The HDS certification of the host of: {list} is not established in the catalog: have it established with its source (referential and dates), as the law requires a certified host (public health code, art. L.1111-8).");
    }
    if !unsettled.is_empty() {
        let list = words::list(lang, &unsettled);
        push_text!(message, lang,
            fr: "La certification HDS enregistrée pour l'hébergeur de : {list} ne s'établit pas à cette date (référentiel antérieur à celui de 2024, dont les certificats valaient jusqu'au 16 mai 2026, période ou région non couvertes) : la vérifier auprès de l'hébergeur et mettre le catalogue à jour avec sa source.",
            en: "The HDS certification recorded for the host of: {list} cannot be established on that date (a referential older than the 2024 one, whose certificates were valid until 16 May 2026, or a period or region not covered): check it with the host and update the catalog with its source.");
    }
    if !unknown_internal.is_empty() {
        let list = words::list(lang, &unknown_internal);
        push_text!(message, lang,
            fr: "La certification HDS de l'offre de l'État utilisée pour {list} n'est pas documentée : la vérifier auprès de l'opérateur, la loi visant tout hébergement pour le compte d'un tiers.",
            en: "The HDS certification of the State offer used for {list} is not documented: check it with the operator, as the law covers any hosting on behalf of another entity.");
    }
    // Development, training and sandbox hold no real health data, or need the same host.
    let other: Vec<String> = ctx
        .envs
        .iter()
        .filter(|e| !e.env.kind.under_r9())
        .filter(|e| {
            e.offer.is_some_and(|o| {
                o.kind == OfferKind::Commercial
                    && hds_on(ctx, o, e.env.region.as_deref(), &e.env.zones).known() != Some(true)
            })
        })
        .map(|e| env_label(lang, e))
        .collect();
    if !other.is_empty() {
        status = status.worst(Status::ToVerify);
        let list = words::list(lang, &other);
        push_text!(message, lang,
            fr: "Les environnements {list} reposent sur un hébergeur dont la certification HDS n'est pas établie : n'y copier aucune donnée de santé réelle (jeux fictifs ou anonymisés), sinon l'hébergeur doit être certifié lui aussi.",
            en: "The {list} environments rely on a host whose HDS certification is not established: copy no real health data there (synthetic or anonymised sets), otherwise that host must be certified too.");
    }
    let remedy = (status != Status::Compliant).then(|| {
        text!(lang,
        fr: "Retenir un hébergeur certifié HDS pour la production, la recette et le secours.",
        en: "Choose an HDS-certified host for production, staging and disaster recovery.")
    });
    let f = finding(Rule::Hds, status, message, citations, remedy);
    if f.status != Status::NonCompliant {
        return f;
    }
    let offers = alternatives(
        ctx,
        &Needs {
            hds: true,
            ..Needs::of_project(ctx)
        },
    );
    f.suggesting(text!(lang,
                fr: "Confier les données de santé à une offre certifiée HDS qui remplit aussi les autres besoins du projet",
                en: "Entrust the health data to an HDS-certified offer that also meets the project's other needs"), offers)
}

pub(crate) fn resources(s: &Scanned<'_>, out: &mut Vec<Finding>) {
    let (inv, ctx) = (s.inventory, s.ctx);
    if !ctx.health {
        return;
    }
    let lang = ctx.lang;
    for r in inv.resources.iter().filter(|r| holds_data(r)) {
        let Some(offer) = offer_of(ctx.catalog, r) else {
            continue;
        };
        let status = match (
            hds_on(ctx, offer, r.region.as_deref(), &r.zones).known(),
            offer.kind,
        ) {
            (Some(true), _) => continue,
            (Some(false), OfferKind::Commercial) => Status::NonCompliant,
            _ => Status::ToVerify,
        };
        let address = &r.address;
        let name = &offer.name;
        out.push(finding(
                Rule::Hds,
                status,
                text!(lang,
                    fr: "`{address}` est sur {name}, dont la certification HDS n'est pas établie, alors que le dossier déclare des données de santé.",
                    en: "`{address}` runs on {name}, whose HDS certification is not established, while the dossier declares health data."),
                vec![ctx.cite_doc("csp-l1111-8", None)],
                Some(text!(lang,
                    fr: "Héberger les données de santé chez un hébergeur certifié HDS.",
                    en: "Host health data with an HDS-certified host.")),
            ).at(r));
    }
}

/// The HDS certification of `offer` on the day assessed, in the region used (given, or the one
/// its zones belong to).
fn hds_on<'a>(
    ctx: &Ctx<'a>,
    offer: &'a Offer,
    region: Option<&'a str>,
    zones: &[String],
) -> HdsStatus<'a> {
    ctx.catalog
        .hds_on(offer, ctx.on, region_used(offer, region, zones))
}
