//! The one test of a trusted offer, and which offers of the catalog would do.
//!
//! R9's « cloud commercial de confiance »: a commercial offer SecNumCloud-qualified on the day,
//! in the region used when one is given, and immune from extra-EU law. Every other part of Nuage
//! (derogation deadlines, the catalog command, the printed comparative study) asks this module.

use nuage_catalog::{
    DataProtection, Offer, OfferKind, QualificationStatus, ServiceModel, UserService,
};

use crate::assessment::{Counterfactual, Lang};
use crate::context::{Ctx, Env, env_label};
use crate::vocabulary::Label;
use crate::words::{self, text};

/// Why an offer falls short of R9 for particularly sensitive data.
#[derive(Debug, Clone, Copy)]
pub(crate) enum R9Gap<'a> {
    NotQualified(QualificationStatus<'a>),
    ImmunityUnknown,
    NotImmune,
}

/// R9's demands on a commercial offer: SecNumCloud-qualified on the day (in the region, when
/// one is given) and immune from extra-EU law. Other kinds of offers are not reached by R9.
pub(crate) fn r9_gaps<'a>(ctx: &Ctx<'_>, offer: &'a Offer, region: Option<&str>) -> Vec<R9Gap<'a>> {
    let mut gaps = Vec::new();
    if !offer.is_commercial() {
        return gaps;
    }
    let status = offer.secnumcloud_on(ctx.on, region);
    if !status.is_qualified() {
        gaps.push(R9Gap::NotQualified(status));
    }
    match offer.immunity.known() {
        Some(true) => {}
        Some(false) => gaps.push(R9Gap::NotImmune),
        None => gaps.push(R9Gap::ImmunityUnknown),
    }
    gaps
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
        R9Gap::NotQualified(_) => match &offer.secnumcloud_evaluation {
            Some(ev) => {
                let milestone = &ev.milestone;
                let since = words::date(lang, ev.date);
                text!(lang,
                    fr: "{name} n'est pas qualifiée SecNumCloud le {on} (évaluation en cours, jalon {milestone} le {since})",
                    en: "{name} is not SecNumCloud-qualified on {on} (evaluation under way, milestone {milestone} on {since})")
            }
            None => text!(lang,
                fr: "{name} n'est pas qualifiée SecNumCloud le {on}",
                en: "{name} is not SecNumCloud-qualified on {on}"),
        },
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
    if needs.secnumcloud && !r9_gaps(ctx, offer, None).is_empty() {
        return false;
    }
    if needs.hds && offer.hds.known() != Some(true) {
        return false;
    }
    if needs.diffusion_restreinte && offer.diffusion_restreinte.known() != Some(true) {
        return false;
    }
    if needs.eu_location && !offer.regions.is_empty() {
        let in_eu = offer.regions.iter().any(|r| {
            ctx.catalog
                .jurisdiction(&r.country)
                .is_some_and(|j| matches!(j.status, DataProtection::Eu | DataProtection::Eea))
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

/// Checks R9's test on the offers of `envs`; returns (status, failures in words, failing offers).
pub(crate) fn check_offers<'a>(ctx: &Ctx<'_>, envs: &[&Env<'a>]) -> (Vec<String>, Vec<&'a Offer>) {
    // (labels of the environments, reasons) per distinct shortfall, in the order met.
    let mut groups: Vec<(Vec<String>, String)> = Vec::new();
    let mut failing = Vec::new();
    for e in envs {
        let Some(offer) = e.offer else { continue };
        let gaps = r9_gaps(ctx, offer, e.env.region.as_deref());
        if gaps.is_empty() {
            continue;
        }
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
    (failures, failing)
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
