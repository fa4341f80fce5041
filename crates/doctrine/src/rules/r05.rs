//! R5 — resilience: services deployed across several geographic zones, detection and isolation
//! against the spread of a compromise, patching and transparency of the offer. The scan's
//! per-resource check flags resources pinned to one zone.

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R5);
    }
    let citations = vec![ctx.cite(Rule::R5)];
    if !ctx.uses_cloud() {
        return finding(
            Rule::R5,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne recourt pas au cloud : R5 vise les projets qui y recourent.",
                en: "The project does not rely on the cloud: R5 covers projects that do."),
            citations,
            None,
        );
    }
    let min = ctx.ed.thresholds.min_zones;
    let critical: Vec<_> = ctx
        .envs
        .iter()
        .filter(|e| {
            matches!(
                e.env.kind,
                EnvironmentKind::Production | EnvironmentKind::DisasterRecovery
            )
        })
        .collect();
    let mut zones: Vec<&str> = critical
        .iter()
        .flat_map(|e| e.env.zones.iter().map(String::as_str))
        .collect();
    zones.sort_unstable();
    zones.dedup();
    let mut status;
    let mut message = String::with_capacity(512);
    let mut remedies = Vec::new();
    if critical.is_empty() {
        status = Status::ToVerify;
        push_text!(message, lang,
            fr: "Aucun environnement de production ni de secours n'est décrit : la répartition sur plusieurs zones ne peut pas être vérifiée.",
            en: "No production or disaster recovery environment is described: spreading across several zones cannot be checked.");
        remedies.push(text!(lang,
            fr: "Décrire la production et le secours avec leurs zones.",
            en: "Describe production and disaster recovery with their zones."));
    } else if zones.is_empty() {
        status = Status::ToVerify;
        let who = if ctx.d.hosting.approach == Approach::Saas {
            text!(lang, fr: " (à obtenir de l'éditeur)", en: " (to obtain from the publisher)")
        } else {
            String::new()
        };
        push_text!(message, lang,
            fr: "Les zones de la production et du secours ne sont pas indiquées{who} : R5 demande des services déployés dans plusieurs zones géographiques.",
            en: "The zones of production and disaster recovery are not given{who}: R5 requires services deployed in several geographic zones.");
        remedies.push(text!(lang,
            fr: "Indiquer les zones (`zones`) de la production et du secours.",
            en: "Give the zones (`zones`) of production and disaster recovery."));
    } else if zones.len() < min {
        status = Status::NonCompliant;
        let list = words::ids(lang, &zones);
        push_text!(message, lang,
            fr: "La production et le secours reposent sur une seule zone ({list}) : R5 demande au minimum plusieurs zones géographiques, pour assurer selon la criticité la continuité ou la reprise d'activité.",
            en: "Production and disaster recovery rely on a single zone ({list}): R5 requires at least several geographic zones, to ensure continuity or recovery depending on criticality.");
        remedies.push(text!(lang,
            fr: "Déployer la production ou le secours dans une seconde zone.",
            en: "Deploy production or disaster recovery in a second zone."));
    } else {
        status = Status::Compliant;
        let n = zones.len();
        let list = words::ids(lang, &zones);
        push_text!(message, lang,
            fr: "La production et le secours couvrent {n} zones ({list}).",
            en: "Production and disaster recovery span {n} zones ({list}).");
    }
    if ctx.uses_commercial() {
        match ctx.d.safeguards.compromise_detection {
            Some(true) => {
                push_text!(message, lang,
                fr: "Des mesures de détection et d'isolation contre la propagation d'une compromission accompagnent le recours à une offre commerciale.",
                en: "Detection and isolation measures against the spread of a compromise accompany the use of a commercial offer.");
            }
            Some(false) => {
                status = Status::NonCompliant;
                push_text!(message, lang,
                    fr: "Aucune mesure de détection et d'isolation contre la propagation d'une compromission n'accompagne le recours à une offre commerciale.",
                    en: "No detection and isolation measure against the spread of a compromise accompanies the use of a commercial offer.");
                remedies.push(text!(lang,
                    fr: "Mettre en place la détection et l'isolation (journalisation, supervision, cloisonnement).",
                    en: "Set up detection and isolation (logging, monitoring, segmentation)."));
            }
            None => {
                status = status.worst(Status::ToVerify);
                push_text!(message, lang,
                    fr: "Le dossier ne dit pas si des mesures de détection et d'isolation sont prévues, alors qu'une offre commerciale est retenue.",
                    en: "The dossier does not say whether detection and isolation measures are planned, while a commercial offer is chosen.");
                remedies.push(text!(lang,
                    fr: "Renseigner `compromise_detection`.",
                    en: "Fill in `compromise_detection`."));
            }
        }
    }
    push_text!(message, lang,
        fr: "L'offre doit aussi garantir la mise à jour de ses composants vulnérables et sa transparence en cas de compromission.",
        en: "The offer must also guarantee timely patching of vulnerable components and transparency on compromise.");
    let remedy = (!remedies.is_empty()).then(|| remedies.join(" "));
    finding(Rule::R5, status, message, citations, remedy)
    .suggesting_if_non_compliant(|| text!(lang,
                fr: "Répartir la production et le secours sur au moins {min} zones et outiller la détection et l'isolation",
                en: "Spread production and disaster recovery across at least {min} zones and equip detection and isolation"))
}

pub(crate) fn resources(s: &Scanned<'_>, out: &mut Vec<Finding>) {
    let (inv, ctx) = (s.inventory, s.ctx);
    if !matches!(
        s.environment,
        EnvironmentKind::Production | EnvironmentKind::DisasterRecovery
    ) {
        return;
    }
    let lang = ctx.lang;
    for r in inv.resources.iter().filter(|r| r.multi_zone == Some(false)) {
        let address = &r.address;
        let (message, remedy) = if r.service == ServiceClass::Database {
            (
                text!(lang,
                    fr: "La base de données `{address}` n'est pas répliquée sur plusieurs zones : R5 demande la continuité ou la reprise depuis plusieurs zones géographiques.",
                    en: "Database `{address}` is not replicated across zones: R5 requires continuity or recovery from several geographic zones."),
                text!(lang,
                    fr: "Activer la réplication multi-zones (haute disponibilité) de la base.",
                    en: "Turn on the database's multi-zone replication (high availability)."),
            )
        } else {
            (
                text!(lang,
                    fr: "`{address}` ne tourne que sur une zone (une seule réplique, ou des zones imposées identiques) : R5 demande plusieurs zones géographiques.",
                    en: "`{address}` runs in a single zone (one replica, or pinned zones that are all the same): R5 requires several geographic zones."),
                text!(lang,
                    fr: "Porter les répliques à deux au moins et les répartir sur des zones distinctes.",
                    en: "Run at least two replicas and spread them over distinct zones."),
            )
        };
        out.push(
            finding(
                Rule::R5,
                Status::NonCompliant,
                message,
                vec![ctx.cite(Rule::R5)],
                Some(remedy),
            )
            .at(r),
        );
    }
    // A resource replicated across zones by itself (an HA database, a spread workload)
    // already gives the deployment several zones.
    if inv.resources.iter().any(|r| r.multi_zone == Some(true)) {
        return;
    }
    let zoned: Vec<&Resource> = inv
        .resources
        .iter()
        .filter(|r| {
            matches!(
                r.service,
                ServiceClass::Compute | ServiceClass::Database | ServiceClass::Kubernetes
            )
        })
        .filter(|r| !r.zones.is_empty())
        .collect();
    let mut zones: Vec<&str> = zoned
        .iter()
        .flat_map(|r| r.zones.iter().map(String::as_str))
        .collect();
    zones.sort_unstable();
    zones.dedup();
    if let ([zone], Some(first)) = (zones.as_slice(), zoned.first()) {
        let n = zoned.len();
        let zone = *zone;
        out.push(finding(
                Rule::R5,
                Status::NonCompliant,
                text!(lang,
                    fr: "Les {n} ressources de calcul et de données dont la zone est connue sont toutes dans la zone `{zone}` : R5 demande des services déployés dans plusieurs zones géographiques.",
                    en: "The {n} compute and data resources whose zone is known all sit in zone `{zone}`: R5 requires services deployed in several geographic zones."),
                vec![ctx.cite(Rule::R5)],
                Some(text!(lang,
                    fr: "Déployer aussi dans une seconde zone (ou une région de secours).",
                    en: "Also deploy in a second zone (or a disaster recovery region).")),
            ).at(first));
    }
}
