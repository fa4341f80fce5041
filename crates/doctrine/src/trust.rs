//! The one test of a trusted offer, and which offers of the catalog would do.
//!
//! R9's « cloud commercial de confiance »: a commercial offer SecNumCloud-qualified on the day,
//! in the region used when one is given, and immune from extra-EU law. Every other part of Nuage
//! (derogation deadlines, the catalog command, the printed comparative study) asks this module.

use nuage_catalog::{
    Catalog, DataProtection, Date, Offer, OfferKind, QualificationStatus, ServiceModel, UserService,
};

use crate::assessment::{Counterfactual, Lang};
use crate::context::{Ctx, Env, env_label};
use crate::vocabulary::Label;
use crate::words::{self, text};

/// Why an offer falls short of R9 for particularly sensitive data, or cannot be shown to meet it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum R9Gap<'a> {
    /// Not qualified for this use on the day — or the catalog cannot say (a partly qualified
    /// offer without the region, a validity ended without a recorded renewal, an unconfirmed
    /// source): [`QualificationStatus::is_unsettled`].
    NotQualified(QualificationStatus<'a>),
    ImmunityUnknown,
    NotImmune,
    /// The product runs on this commercial offer, which falls short itself (R14).
    Host(&'a Offer),
    /// The product runs on a commercial cloud the sources do not name (R14).
    HostUnidentified,
}

impl R9Gap<'_> {
    /// A fact that is missing, not a fact that fails: `to_verify`, never `non_compliant`.
    pub(crate) fn is_unknown(&self) -> bool {
        match self {
            R9Gap::NotQualified(status) => status.is_unsettled(),
            R9Gap::ImmunityUnknown | R9Gap::HostUnidentified => true,
            R9Gap::NotImmune | R9Gap::Host(_) => false,
        }
    }
}

/// The region an environment or a resource uses: the one given, or the one its zones belong to
/// in the catalog.
pub(crate) fn region_used<'a>(
    offer: &'a Offer,
    region: Option<&'a str>,
    zones: &[String],
) -> Option<&'a str> {
    region.or_else(|| {
        offer
            .regions
            .iter()
            .find(|r| !zones.is_empty() && zones.iter().all(|z| r.zones.contains(z)))
            .map(|r| r.code.as_str())
    })
}

/// R9's demands on one use of an offer on `on`: a commercial offer SecNumCloud-qualified on the
/// day in the region used (when only part of the offer is qualified, the region must be known
/// and inside) and immune from extra-EU law; a product run on a commercial cloud, that cloud
/// meeting them too (R14). Other offers are not reached by R9.
pub(crate) fn gaps<'a>(
    catalog: &'a Catalog,
    offer: &'a Offer,
    on: Date,
    region: Option<&str>,
) -> Vec<R9Gap<'a>> {
    gaps_with(catalog, offer, on, offer.secnumcloud_for(on, region, None))
}

/// The same demands on the offer anywhere (a qualified part is enough): for the alternatives a
/// finding names, the region being the project's choice.
fn gaps_anywhere<'a>(catalog: &'a Catalog, offer: &'a Offer, on: Date) -> Vec<R9Gap<'a>> {
    gaps_with(catalog, offer, on, offer.secnumcloud_on(on, None))
}

fn gaps_with<'a>(
    catalog: &'a Catalog,
    offer: &'a Offer,
    on: Date,
    status: QualificationStatus<'a>,
) -> Vec<R9Gap<'a>> {
    let mut gaps = Vec::new();
    if offer.is_commercial() {
        if !status.is_qualified() {
            gaps.push(R9Gap::NotQualified(status));
        }
        match offer.immunity.known() {
            Some(true) => {}
            Some(false) => gaps.push(R9Gap::NotImmune),
            None => gaps.push(R9Gap::ImmunityUnknown),
        }
    }
    if let Some(host) = offer.hosted_on.as_ref().filter(|h| h.commercial) {
        match host.offer.as_deref().and_then(|id| catalog.offer(id)) {
            Some(h) if h.id != offer.id => {
                if !gaps_anywhere(catalog, h, on).is_empty() {
                    gaps.push(R9Gap::Host(h));
                }
            }
            Some(_) => {}
            None => gaps.push(R9Gap::HostUnidentified),
        }
    }
    gaps
}

pub(crate) fn r9_gaps<'a>(ctx: &Ctx<'a>, offer: &'a Offer, region: Option<&str>) -> Vec<R9Gap<'a>> {
    gaps(ctx.catalog, offer, ctx.on, region)
}

/// Whether `offer` is a trusted commercial offer on `on` in `region` (« cloud commercial de
/// confiance »): commercial, qualified on the day in that region, immune, and on a trusted host
/// when it runs on another. The one test every part of Nuage uses (the catalog command, the
/// suggested deadlines, the printed study).
pub fn is_trusted(catalog: &Catalog, offer: &Offer, on: Date, region: Option<&str>) -> bool {
    offer.is_commercial() && gaps(catalog, offer, on, region).is_empty()
}

/// Whether R9 reaches the project through `offer`: a commercial offer, or a product that runs
/// on a commercial cloud (an interministerial product hosted by a cloud provider is not « hors
/// offre commerciale » for the data it holds; R14 says the same to its publisher).
pub(crate) fn on_commercial_cloud(offer: &Offer) -> bool {
    offer.is_commercial() || offer.hosted_on.as_ref().is_some_and(|h| h.commercial)
}

/// One gap in words.
pub(crate) fn describe_gap(lang: Lang, ctx: &Ctx<'_>, offer: &Offer, gap: &R9Gap<'_>) -> String {
    let name = &offer.name;
    let on = words::date(lang, ctx.on);
    match gap {
        R9Gap::NotQualified(QualificationStatus::NotYet(q)) => {
            let from = words::date(lang, q.from);
            text!(lang,
                fr: "{name} n'est qualifiée SecNumCloud qu'à partir du {from}, pas le {on}",
                en: "{name} is SecNumCloud-qualified only from {from}, not on {on}")
        }
        R9Gap::NotQualified(QualificationStatus::Lapsed(q)) => {
            let until = q.until.map(|u| words::date(lang, u)).unwrap_or_default();
            text!(lang,
                fr: "la qualification SecNumCloud de {name} a pris fin le {until}",
                en: "the SecNumCloud qualification of {name} ended on {until}")
        }
        R9Gap::NotQualified(QualificationStatus::RegionOutOfScope(q)) => {
            let scope = words::ids(lang, q.regions.as_deref().unwrap_or_default());
            text!(lang,
                fr: "la région choisie sort du périmètre qualifié SecNumCloud de {name} ({scope})",
                en: "the chosen region is outside the SecNumCloud-qualified perimeter of {name} ({scope})")
        }
        R9Gap::NotQualified(QualificationStatus::ModelOutOfScope(_)) => text!(lang,
            fr: "la qualification SecNumCloud de {name} ne couvre pas ce modèle de service",
            en: "the SecNumCloud qualification of {name} does not cover this service model"),
        R9Gap::NotQualified(QualificationStatus::PerimeterUnspecified(q)) => {
            let scope = words::ids(lang, q.regions.as_deref().unwrap_or_default());
            text!(lang,
                fr: "la qualification SecNumCloud de {name} ne couvre qu'une partie de l'offre ({scope}) et la région utilisée n'est pas indiquée",
                en: "the SecNumCloud qualification of {name} only covers part of the offer ({scope}) and the region used is not given")
        }
        R9Gap::NotQualified(QualificationStatus::RenewalUnknown(q)) => {
            let end = q
                .validity_end
                .map(|d| words::date(lang, d))
                .unwrap_or_default();
            text!(lang,
                fr: "la validité de la qualification SecNumCloud de {name} était annoncée jusqu'au {end} et aucun renouvellement n'est établi au {on} : à vérifier sur la liste de l'ANSSI",
                en: "the SecNumCloud qualification of {name} was reported valid until {end} and no renewal is established on {on}: check ANSSI's list")
        }
        R9Gap::NotQualified(QualificationStatus::Unconfirmed(_)) => text!(lang,
            fr: "la qualification SecNumCloud de {name} au {on} ne repose que sur une source non confirmée : à vérifier sur la liste de l'ANSSI",
            en: "the SecNumCloud qualification of {name} on {on} rests only on an unconfirmed source: check ANSSI's list"),
        R9Gap::NotQualified(_) => match offer.evaluation_on(ctx.on, None, None) {
            Some(ev) => {
                let (milestone, since) =
                    ev.milestone_on(ctx.on).unwrap_or((&ev.milestone, ev.date));
                let since = words::date(lang, since);
                text!(lang,
                    fr: "{name} n'est pas qualifiée SecNumCloud le {on} (évaluation en cours, jalon {milestone} le {since})",
                    en: "{name} is not SecNumCloud-qualified on {on} (evaluation under way, milestone {milestone} on {since})")
            }
            None => text!(lang,
                fr: "{name} n'est pas qualifiée SecNumCloud le {on}",
                en: "{name} is not SecNumCloud-qualified on {on}"),
        },
        R9Gap::Host(host) => {
            let host = &host.name;
            text!(lang,
                fr: "{name} est hébergé sur {host}, qui n'est pas qualifiée SecNumCloud et immunisée au {on}",
                en: "{name} is hosted on {host}, which is not SecNumCloud-qualified and immune on {on}")
        }
        R9Gap::HostUnidentified => text!(lang,
            fr: "{name} est hébergé sur un cloud commercial que les sources ne nomment pas : sa qualification SecNumCloud et son immunité ne sont pas établies",
            en: "{name} is hosted on a commercial cloud the sources do not name: its SecNumCloud qualification and immunity are not established"),
        R9Gap::NotImmune => text!(lang,
            fr: "{name} n'est pas immunisée contre les lois extracommunautaires",
            en: "{name} is not immune from extra-EU law"),
        R9Gap::ImmunityUnknown => text!(lang,
            fr: "l'immunité de {name} contre les lois extracommunautaires n'est pas établie",
            en: "the immunity of {name} from extra-EU law is not established"),
    }
}

/// What an offer must offer for the project's production, per the doctrine and the law.
#[derive(Debug, Clone, Default)]
pub(crate) struct Needs {
    pub secnumcloud: bool,
    pub hds: bool,
    pub diffusion_restreinte: bool,
    pub eu_location: bool,
    /// Offer the same kind of service as this model (IaaS for IaaS…).
    pub model: Option<ServiceModel>,
    /// For SaaS: provide every one of these services.
    pub services: Vec<UserService>,
}

impl Needs {
    /// What the project's data demand of any offer hosting its production.
    pub fn of_project(ctx: &Ctx<'_>) -> Needs {
        Needs {
            secnumcloud: ctx.secnumcloud_required(),
            hds: ctx.health,
            diffusion_restreinte: ctx.diffusion_restreinte,
            eu_location: ctx.personal,
            model: None,
            services: Vec::new(),
        }
    }

    /// The same needs, for an offer like `offer`.
    pub fn like(mut self, offer: &Offer) -> Needs {
        self.model = [
            ServiceModel::Saas,
            ServiceModel::Iaas,
            ServiceModel::Paas,
            ServiceModel::Caas,
        ]
        .into_iter()
        .find(|m| offer.offers_model(*m));
        self
    }
}

/// Whether `offer` meets `needs` on the assessment date.
pub(crate) fn fits(ctx: &Ctx<'_>, offer: &Offer, needs: &Needs) -> bool {
    if let Some(model) = needs.model
        && !offer.offers_model(model)
    {
        return false;
    }
    if !needs.services.iter().all(|s| offer.provides(*s)) {
        return false;
    }
    // Trusted in at least one of its regions: the counterfactual names the offer, the region
    // is the project's choice.
    if offer.available_on(ctx.on) == Some(false) {
        return false;
    }
    if needs.secnumcloud && !gaps_anywhere(ctx.catalog, offer, ctx.on).is_empty() {
        return false;
    }
    if needs.hds && ctx.catalog.hds_on(offer, ctx.on, None).known() != Some(true) {
        return false;
    }
    if needs.diffusion_restreinte && offer.diffusion_restreinte.known() != Some(true) {
        return false;
    }
    if needs.eu_location && !offer.regions.is_empty() {
        let in_eu = offer.regions.iter().any(|r| {
            ctx.catalog.jurisdiction(&r.country).is_some_and(|j| {
                matches!(
                    j.status_on(ctx.on),
                    DataProtection::Eu | DataProtection::Eea
                )
            })
        });
        if !in_eu {
            return false;
        }
    }
    // A SaaS need is met by SaaS offers; an infrastructure need by any infrastructure offer,
    // internal clouds included.
    !(offer.kind == OfferKind::Interministerial
        && needs.services.is_empty()
        && needs.model != Some(ServiceModel::Saas))
}

/// Catalog offers that meet `needs`, internal and interministerial first.
pub(crate) fn alternatives(ctx: &Ctx<'_>, needs: &Needs) -> Vec<String> {
    let mut found: Vec<&Offer> = ctx
        .catalog
        .offers()
        .iter()
        .filter(|o| fits(ctx, o, needs))
        .collect();
    found.sort_by_key(|o| (o.kind == OfferKind::Commercial, o.id.as_str()));
    found.into_iter().map(|o| o.id.clone()).collect()
}

/// R9's test on the offers of some environments.
#[derive(Debug, Default)]
pub(crate) struct OfferCheck<'a> {
    /// One line per distinct shortfall, with the environments it concerns.
    pub failures: Vec<String>,
    /// The offers that fall short, once each.
    pub failing: Vec<&'a Offer>,
    /// Every shortfall is a missing fact (region, immunity), none a failing one.
    pub unknown_only: bool,
}

/// Checks R9's test on the offers of `envs`.
pub(crate) fn check_offers<'a>(ctx: &Ctx<'_>, envs: &[&Env<'a>]) -> OfferCheck<'a> {
    // (labels of the environments, reasons) per distinct shortfall, in the order met.
    let mut groups: Vec<(Vec<String>, String)> = Vec::new();
    let mut failing = Vec::new();
    let mut unknown_only = true;
    for e in envs {
        let Some(offer) = e.offer else { continue };
        let region = region_used(offer, e.env.region.as_deref(), &e.env.zones);
        let gaps = r9_gaps(ctx, offer, region);
        if gaps.is_empty() {
            continue;
        }
        unknown_only &= gaps.iter().all(R9Gap::is_unknown);
        let why: Vec<String> = gaps
            .iter()
            .map(|g| describe_gap(ctx.lang, ctx, offer, g))
            .collect();
        let why = why.join(" ; ");
        let label = env_label(ctx.lang, e);
        match groups.iter_mut().find(|(_, w)| *w == why) {
            Some((labels, _)) => {
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
            None => groups.push((vec![label], why)),
        }
        if !failing.iter().any(|o: &&Offer| o.id == offer.id) {
            failing.push(offer);
        }
    }
    let failures = groups
        .into_iter()
        .map(|(labels, why)| format!("{} : {why}", words::list(ctx.lang, &labels)))
        .collect();
    OfferCheck {
        failures,
        failing,
        unknown_only,
    }
}

/// Whether `offer` may host particularly sensitive data somewhere on `on`: the State's internal
/// clouds, or a commercial offer trusted in at least one of its regions. Interministerial
/// products are judged on their own hosting, case by case, and are not listed here.
pub fn suits_sensitive_data(catalog: &Catalog, offer: &Offer, on: Date) -> bool {
    match offer.kind {
        OfferKind::Internal => true,
        OfferKind::Interministerial => false,
        OfferKind::Commercial => {
            if offer.regions.is_empty() {
                is_trusted(catalog, offer, on, None)
            } else {
                offer
                    .regions
                    .iter()
                    .any(|r| is_trusted(catalog, offer, on, Some(&r.code)))
            }
        }
    }
}

/// The commercial offers trusted in at least one region on `on`, in catalog order.
pub fn trusted_commercial(catalog: &Catalog, on: Date) -> Vec<&Offer> {
    catalog
        .offers()
        .iter()
        .filter(|o| o.is_commercial() && suits_sensitive_data(catalog, o, on))
        .collect()
}

/// An environment's offer is not shown to be trusted (a failing or a missing fact).
pub(crate) fn env_falls_short(ctx: &Ctx<'_>, e: &Env<'_>) -> bool {
    e.offer.is_some_and(|o| {
        let region = region_used(o, e.env.region.as_deref(), &e.env.zones);
        !r9_gaps(ctx, o, region).is_empty()
    })
}

/// Per requested service, the products that provide it and meet the project's needs.
pub(crate) fn saas_alternatives(ctx: &Ctx<'_>) -> Vec<Counterfactual> {
    let lang = ctx.lang;
    let services: Vec<UserService> = if ctx.d.hosting.services.is_empty() {
        Vec::new()
    } else {
        ctx.d.hosting.services.clone()
    };
    let mut out = Vec::new();
    for s in services {
        let needs = Needs {
            secnumcloud: true,
            services: vec![s],
            model: Some(nuage_catalog::ServiceModel::Saas),
            ..Needs::of_project(ctx)
        };
        let offers = alternatives(ctx, &needs);
        let name = s.label(lang);
        let change = if offers.is_empty() {
            text!(lang,
                fr: "Aucune offre du catalogue ne fournit « {name} » en respectant R9 à cette date",
                en: "No catalog offer provides « {name} » while meeting R9 on that date")
        } else {
            text!(lang,
                fr: "Pour « {name} », utiliser un produit conforme",
                en: "For « {name} », use a compliant product")
        };
        out.push(Counterfactual { change, offers });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_offers_change_with_the_date() {
        let c = nuage_catalog::Catalog::embedded().unwrap();
        let day = |d: &str| d.parse::<Date>().unwrap();
        let ids = |d: &str| -> Vec<String> {
            trusted_commercial(&c, day(d))
                .into_iter()
                .map(|o| o.id.clone())
                .collect()
        };
        assert!(ids("2024-06-03").contains(&"outscale-iaas".to_owned()));
        assert!(!ids("2024-06-03").contains(&"s3ns-premi3ns".to_owned()));
        assert!(ids("2026-01-05").contains(&"s3ns-premi3ns".to_owned()));
        assert!(!ids("2026-11-23").contains(&"aws".to_owned()));
        assert!(!ids("2026-12-02").contains(&"outscale-iaas".to_owned()));
    }

    #[test]
    fn a_product_is_judged_on_its_host() {
        let c = nuage_catalog::Catalog::embedded().unwrap();
        let on = "2024-06-03".parse::<Date>().unwrap();
        let webinaire = c.offer("webinaire-etat").unwrap();
        let gaps = gaps(&c, webinaire, on, None);
        assert!(
            gaps.iter()
                .any(|g| matches!(g, R9Gap::Host(h) if h.id == "scaleway-cloud")),
            "{gaps:?}"
        );
        let audioconf = c.offer("audioconf").unwrap();
        let gaps = super::gaps(&c, audioconf, on, None);
        assert!(
            matches!(gaps.as_slice(), [R9Gap::HostUnidentified]),
            "{gaps:?}"
        );
        assert!(gaps.iter().all(R9Gap::is_unknown));
    }

    #[test]
    fn a_partial_perimeter_needs_the_region() {
        let c = nuage_catalog::Catalog::embedded().unwrap();
        let outscale = c.offer("outscale-iaas").unwrap();
        let on = "2024-06-03".parse::<Date>().unwrap();
        assert!(!is_trusted(&c, outscale, on, None), "the region decides");
        assert!(is_trusted(&c, outscale, on, Some("cloudgouv-eu-west-1")));
        assert!(!is_trusted(&c, outscale, on, Some("eu-west-2")));
        assert!(!is_trusted(&c, outscale, on, Some("us-east-2")));
        // Past the reported end of validity, no renewal recorded: never trusted.
        let after = "2026-12-02".parse::<Date>().unwrap();
        assert!(!is_trusted(
            &c,
            outscale,
            after,
            Some("cloudgouv-eu-west-1")
        ));
        let zones = vec!["cloudgouv-eu-west-1a".to_owned()];
        assert_eq!(
            region_used(outscale, None, &zones),
            Some("cloudgouv-eu-west-1")
        );
    }
}

/// Where an offer stands on a day, for people choosing one: the State's internal clouds, the
/// commercial offers trusted for particularly sensitive data (SecNumCloud-qualified and immune
/// in at least one region), those whose qualification is under way, the other commercial
/// offers, and software products (SaaS, the interministerial suite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OfferGroup {
    Internal,
    Qualified,
    InEvaluation,
    NotQualified,
    Saas,
}

impl OfferGroup {
    /// The groups in the order a choice lists them.
    pub const ALL: [OfferGroup; 5] = [
        OfferGroup::Internal,
        OfferGroup::Qualified,
        OfferGroup::InEvaluation,
        OfferGroup::NotQualified,
        OfferGroup::Saas,
    ];

    /// The group of `offer` on `on`.
    pub fn of(catalog: &Catalog, offer: &Offer, on: Date) -> OfferGroup {
        let software_only = !offer.service_models.is_empty()
            && offer
                .service_models
                .iter()
                .all(|m| *m == nuage_catalog::ServiceModel::Saas);
        match offer.kind {
            OfferKind::Internal => OfferGroup::Internal,
            OfferKind::Interministerial => OfferGroup::Saas,
            OfferKind::Commercial if software_only => OfferGroup::Saas,
            OfferKind::Commercial if suits_sensitive_data(catalog, offer, on) => {
                OfferGroup::Qualified
            }
            OfferKind::Commercial
                if offer
                    .secnumcloud_evaluation
                    .as_ref()
                    .is_some_and(|e| e.milestone_on(on).is_some()) =>
            {
                OfferGroup::InEvaluation
            }
            OfferKind::Commercial => OfferGroup::NotQualified,
        }
    }

    /// Whether the group's offers may host particularly sensitive data (in some region).
    pub fn suits_sensitive_data(self) -> bool {
        matches!(self, OfferGroup::Internal | OfferGroup::Qualified)
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;

    #[test]
    fn offers_fall_in_the_groups_their_facts_give() {
        let catalog = Catalog::embedded().unwrap();
        // Within OUTSCALE's qualification period as the catalog dates it.
        let on = Date::new(2025, 6, 1).unwrap();
        let group = |id: &str| OfferGroup::of(&catalog, catalog.offer(id).unwrap(), on);
        assert_eq!(group("outscale-iaas"), OfferGroup::Qualified);
        assert_eq!(group("aws"), OfferGroup::NotQualified);
        let all: Vec<OfferGroup> = catalog
            .offers()
            .iter()
            .map(|o| OfferGroup::of(&catalog, o, on))
            .collect();
        for g in [
            OfferGroup::Internal,
            OfferGroup::Qualified,
            OfferGroup::NotQualified,
            OfferGroup::Saas,
        ] {
            assert!(all.contains(&g), "no offer in {g:?}");
        }
    }
}
