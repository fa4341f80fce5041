//! The doctrine applied to scanned infrastructure, resource by resource (R5, R9, R10, GDPR,
//! HDS), and the merge of what a scan found into a dossier.

use nuage_catalog::{Catalog, DataProtection, Date, Offer, OfferKind};

use super::offers::{describe_gap, r9_gaps};
use super::text::{self, text};
use super::{AssessError, Ctx, finding};
use crate::assessment::{Assessment, Finding, Lang, Rule, Status};
use crate::dossier::{Approach, Dossier, Environment, EnvironmentKind};
use crate::edition::Editions;
use crate::inventory::{Inventory, Portability, Resource, ServiceClass};

fn at(mut f: Finding, r: &Resource) -> Finding {
    f.file = Some(r.file.clone());
    f.line = Some(r.line);
    f
}

fn offer_of<'c>(catalog: &'c Catalog, r: &Resource) -> Option<&'c Offer> {
    r.offer.as_deref().and_then(|id| catalog.offer(id))
}

/// Data-bearing resources, the ones health and sensitive data live in.
fn holds_data(r: &Resource) -> bool {
    matches!(
        r.service,
        ServiceClass::Compute
            | ServiceClass::Database
            | ServiceClass::BlockStorage
            | ServiceClass::ObjectStorage
            | ServiceClass::Kubernetes
            | ServiceClass::Serverless
            | ServiceClass::Analytics
            | ServiceClass::Messaging
    )
}

/// The scanned code is taken as the environment `environment` (production by default).
#[derive(Debug, Clone, Copy)]
pub struct ScanContext<'a> {
    pub catalog: &'a Catalog,
    pub on: Date,
    pub lang: Lang,
    pub environment: EnvironmentKind,
}

/// Findings about individual resources, with file and line. Without a dossier, only what the
/// code alone says (R5, R10, GDPR location); with one, also R9 and HDS.
pub fn resource_findings(
    inv: &Inventory,
    dossier: Option<&Dossier>,
    sc: &ScanContext<'_>,
) -> Result<Vec<Finding>, AssessError> {
    let editions = Editions::embedded()?;
    let ed = editions
        .in_force_on(sc.on)
        .ok_or(AssessError::BeforeDoctrine {
            date: sc.on,
            first: editions.first_day().unwrap_or(sc.on),
        })?;
    let placeholder;
    let d = match dossier {
        Some(d) => d,
        None => {
            placeholder = Dossier::placeholder();
            &placeholder
        }
    };
    let ctx = super::context(d, sc.catalog, ed, sc.on, sc.lang)?;
    let mut out = Vec::new();
    r5(inv, &ctx, sc, &mut out);
    r10(inv, dossier, &ctx, &mut out);
    gdpr(inv, dossier, &ctx, &mut out);
    if dossier.is_some() && sc.environment.under_r9() {
        r9(inv, &ctx, &mut out);
        hds(inv, &ctx, &mut out);
    }
    Ok(out)
}

fn r5(inv: &Inventory, ctx: &Ctx<'_>, sc: &ScanContext<'_>, out: &mut Vec<Finding>) {
    if !matches!(
        sc.environment,
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
        out.push(at(
            finding(
                Rule::R5,
                Status::NonCompliant,
                message,
                vec![ctx.cite(Rule::R5)],
                Some(remedy),
            ),
            r,
        ));
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
        out.push(at(
            finding(
                Rule::R5,
                Status::NonCompliant,
                text!(lang,
                    fr: "Les {n} ressources de calcul et de données dont la zone est connue sont toutes dans la zone `{zone}` : R5 demande des services déployés dans plusieurs zones géographiques.",
                    en: "The {n} compute and data resources whose zone is known all sit in zone `{zone}`: R5 requires services deployed in several geographic zones."),
                vec![ctx.cite(Rule::R5)],
                Some(text!(lang,
                    fr: "Déployer aussi dans une seconde zone (ou une région de secours).",
                    en: "Also deploy in a second zone (or a disaster recovery region).")),
            ),
            first,
        ));
    }
}

fn r10(inv: &Inventory, dossier: Option<&Dossier>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let lang = ctx.lang;
    let financed = dossier.and_then(|d| d.safeguards.lock_in_financed);
    for r in inv
        .resources
        .iter()
        .filter(|r| r.portability == Portability::Proprietary)
    {
        let name = r.label.clone().unwrap_or_else(|| r.kind.clone());
        let address = &r.address;
        let (status, message) = match financed {
            Some(true) => continue,
            Some(false) => (
                Status::NonCompliant,
                text!(lang,
                fr: "`{address}` repose sur {name}, un service propre à ce fournisseur, et le dossier déclare que le surcoût de réversibilité n'est pas financé par les gains de cette adhérence.",
                en: "`{address}` relies on {name}, a service of this provider only, and the dossier declares the extra cost of reversibility is not financed by the lock-in's gains."),
            ),
            None => (
                Status::ToVerify,
                text!(lang,
                fr: "`{address}` repose sur {name}, un service propre à ce fournisseur : la portabilité multi-clouds n'est assurée que si l'adhérence est justifiée et le surcoût de réversibilité financé par ses gains.",
                en: "`{address}` relies on {name}, a service of this provider only: multi-cloud portability is ensured only if the lock-in is justified and the extra cost of reversibility financed by its gains."),
            ),
        };
        out.push(at(
            finding(
                Rule::R10,
                status,
                message,
                vec![ctx.cite(Rule::R10)],
                Some(text!(lang,
                    fr: "Préférer un standard ouvert (PostgreSQL, stockage compatible S3, Kubernetes, conteneurs) ou documenter le financement de la réversibilité (`lock_in_financed`).",
                    en: "Prefer an open standard (PostgreSQL, S3-compatible storage, Kubernetes, containers) or document how reversibility is financed (`lock_in_financed`).")),
            ),
            r,
        ));
    }
}

fn gdpr(inv: &Inventory, dossier: Option<&Dossier>, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if dossier.is_some() && !ctx.personal {
        return;
    }
    let lang = ctx.lang;
    for r in &inv.resources {
        let (Some(offer), Some(region)) = (offer_of(ctx.catalog, r), r.region.as_deref()) else {
            continue;
        };
        let Some(country) = offer
            .region(region)
            .and_then(|reg| ctx.catalog.jurisdiction(&reg.country))
        else {
            continue;
        };
        let address = &r.address;
        let name = &country.name;
        let (status, message) = match country.status_on(ctx.on) {
            DataProtection::Eu | DataProtection::Eea => continue,
            DataProtection::Adequacy => (
                Status::ToVerify,
                text!(lang,
                fr: "`{address}` est déployé dans la région `{region}` ({name}), hors UE/EEE : une décision d'adéquation (RGPD, art. 45) couvre ce pays ; vérifier que les données personnelles y sont admises et la doctrine respectée.",
                en: "`{address}` is deployed in region `{region}` ({name}), outside the EU/EEA: an adequacy decision (GDPR art. 45) covers that country; check that personal data may go there and that the doctrine is met."),
            ),
            DataProtection::PartialAdequacy => {
                let note = country.note_on(ctx.on).unwrap_or_default();
                (
                    Status::ToVerify,
                    text!(lang,
                    fr: "`{address}` est déployé dans la région `{region}` ({name}), hors UE/EEE, couvert par une décision d'adéquation partielle : {note}",
                    en: "`{address}` is deployed in region `{region}` ({name}), outside the EU/EEA, covered by a partial adequacy decision: {note}"),
                )
            }
            DataProtection::ThirdCountry => (
                Status::NonCompliant,
                text!(lang,
                fr: "`{address}` est déployé dans la région `{region}` ({name}), hors UE/EEE et sans décision d'adéquation : des données personnelles ne peuvent pas y être hébergées sans garanties appropriées.",
                en: "`{address}` is deployed in region `{region}` ({name}), outside the EU/EEA and without an adequacy decision: personal data cannot be hosted there without appropriate safeguards."),
            ),
        };
        let mut citations = vec![ctx.cite_doc("rgpd", Some("art. 44 à 46"))];
        if ctx.in_scope {
            citations.insert(0, ctx.cite(Rule::R9));
        }
        out.push(at(
            finding(
                Rule::Gdpr,
                status,
                message,
                citations,
                Some(text!(lang,
                    fr: "Déployer dans une région de l'Union européenne ou de l'EEE.",
                    en: "Deploy in a region of the European Union or the EEA.")),
            ),
            r,
        ));
    }
}

fn r9(inv: &Inventory, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.secnumcloud_required() {
        return;
    }
    let lang = ctx.lang;
    for r in inv.resources.iter().filter(|r| holds_data(r)) {
        let Some(offer) = offer_of(ctx.catalog, r) else {
            continue;
        };
        let gaps = r9_gaps(ctx, offer, r.region.as_deref());
        if gaps.is_empty() {
            continue;
        }
        let why: Vec<String> = gaps
            .iter()
            .map(|g| describe_gap(lang, ctx, offer, g))
            .collect();
        let why = why.join(" ; ");
        let address = &r.address;
        let status = if gaps.iter().all(|g| g.is_unsettled()) {
            Status::ToVerify
        } else {
            Status::NonCompliant
        };
        out.push(at(
            finding(
                Rule::R9,
                status,
                text!(lang,
                    fr: "`{address}` héberge des données d'une sensibilité particulière sur une offre commerciale qui ne remplit pas R9 : {why}.",
                    en: "`{address}` hosts particularly sensitive data on a commercial offer that does not meet R9: {why}."),
                vec![ctx.cite(Rule::R9)],
                Some(text!(lang,
                    fr: "Déplacer cette ressource sur le cloud interne de l'État ou sur une offre qualifiée SecNumCloud et immunisée.",
                    en: "Move this resource to the State's internal cloud or to a SecNumCloud-qualified, immune offer.")),
            ),
            r,
        ));
    }
}

fn hds(inv: &Inventory, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.health {
        return;
    }
    let lang = ctx.lang;
    for r in inv.resources.iter().filter(|r| holds_data(r)) {
        let Some(offer) = offer_of(ctx.catalog, r) else {
            continue;
        };
        let hds = ctx.catalog.hds_on(offer, ctx.on, r.region.as_deref());
        if hds.known() == Some(true) {
            continue;
        }
        let address = &r.address;
        let name = &offer.name;
        let status = if hds.is_unsettled()
            || matches!(
                offer.kind,
                OfferKind::Internal | OfferKind::Interministerial
            ) {
            Status::ToVerify
        } else {
            Status::NonCompliant
        };
        out.push(at(
            finding(
                Rule::Hds,
                status,
                text!(lang,
                    fr: "`{address}` est sur {name}, dont aucune certification HDS n'est enregistrée, alors que le dossier déclare des données de santé.",
                    en: "`{address}` runs on {name}, with no HDS certification recorded, while the dossier declares health data."),
                vec![ctx.cite_doc("csp-l1111-8", None)],
                Some(text!(lang,
                    fr: "Héberger les données de santé chez un hébergeur certifié HDS.",
                    en: "Host health data with an HDS-certified host.")),
            ),
            r,
        ));
    }
}

/// The dossier completed with what the scan found: the environments of kind `environment`
/// become the offers, regions and zones the code deploys on; proprietary services join
/// `lock_in_services`.
pub fn merge_inventory(
    dossier: &Dossier,
    inv: &Inventory,
    environment: EnvironmentKind,
) -> Dossier {
    let mut d = dossier.clone();
    let mut groups: Vec<Environment> = Vec::new();
    for r in inv.resources.iter().filter(|r| r.offer.is_some()) {
        match groups
            .iter_mut()
            .find(|e| e.offer == r.offer && e.region == r.region)
        {
            Some(e) => {
                for z in &r.zones {
                    if !e.zones.contains(z) {
                        e.zones.push(z.clone());
                    }
                }
            }
            None => groups.push(Environment {
                kind: environment,
                offer: r.offer.clone(),
                zones: r.zones.clone(),
                region: r.region.clone(),
            }),
        }
    }
    for e in &mut groups {
        e.zones.sort();
    }
    if !groups.is_empty() {
        d.hosting.environments.retain(|e| e.kind != environment);
        d.hosting.environments.extend(groups);
        if d.hosting.approach != Approach::Saas {
            d.hosting.approach = Approach::Cloud;
        }
    }
    let mut lock_in: Vec<String> = d.safeguards.lock_in_services.clone().unwrap_or_default();
    for r in inv
        .resources
        .iter()
        .filter(|r| r.portability == Portability::Proprietary)
    {
        let name = r.label.clone().unwrap_or_else(|| r.kind.clone());
        if !lock_in.contains(&name) {
            lock_in.push(name);
        }
    }
    if !lock_in.is_empty() || d.safeguards.lock_in_services.is_some() || !inv.resources.is_empty() {
        lock_in.sort();
        d.safeguards.lock_in_services = Some(lock_in);
    }
    d
}

/// Merges the scan into the dossier, assesses it, and adds the findings about resources.
pub fn assess_with_inventory(
    dossier: &Dossier,
    inv: &Inventory,
    sc: &ScanContext<'_>,
) -> Result<Assessment, AssessError> {
    let merged = merge_inventory(dossier, inv, sc.environment);
    let mut a = super::assess(&merged, sc.catalog, sc.on, sc.lang)?;
    let extra = resource_findings(inv, Some(&merged), sc)?;
    a.findings.extend(extra);
    a.verdict = Assessment::verdict_of(a.in_scope, &a.findings);
    Ok(a)
}

/// A short line per resource for reports (`aws_instance.web → aws, eu-west-3, [a, b]`).
pub fn describe_resource(lang: Lang, r: &Resource) -> String {
    let offer = r.offer.as_deref().unwrap_or(match lang {
        Lang::Fr => "offre inconnue",
        Lang::En => "unknown offer",
    });
    let region = r.region.as_deref().unwrap_or("?");
    let zones = if r.zones.is_empty() {
        String::new()
    } else {
        format!(" [{}]", text::list(lang, &r.zones))
    };
    format!("{} → {offer}, {region}{zones}", r.address)
}
