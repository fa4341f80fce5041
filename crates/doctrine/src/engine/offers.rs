//! What the doctrine asks of an offer, and which offers of the catalog would do.

use nuage_catalog::{
    DataProtection, Offer, OfferKind, QualificationStatus, ServiceModel, UserService,
};

use super::Ctx;
use super::text::{self, text};
use crate::assessment::Lang;

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

/// Why an offer falls short of R9 for particularly sensitive data.
#[derive(Debug, Clone, Copy)]
pub(crate) enum R9Gap<'a> {
    NotQualified(QualificationStatus<'a>),
    ImmunityUnknown,
    NotImmune,
    /// The product runs on this commercial offer, which falls short itself (R14).
    Host(&'a Offer),
    /// The product runs on a commercial cloud the sources do not name (R14).
    HostUnidentified,
}

impl R9Gap<'_> {
    /// The catalog cannot settle it (validity ended without a recorded renewal, an unconfirmed
    /// source, no region given for a partly qualified offer, an unnamed host): to verify.
    pub(crate) fn is_unsettled(&self) -> bool {
        match self {
            R9Gap::NotQualified(status) => status.is_unsettled(),
            R9Gap::HostUnidentified => true,
            _ => false,
        }
    }
}

/// R9's demands on one use of an offer: a commercial offer SecNumCloud-qualified on the day in
/// the region used (a partly qualified offer without a region is not) and immune from extra-EU
/// law; a product run on a commercial cloud, that cloud meeting them too (R14). Other offers
/// are not reached by R9.
pub(crate) fn r9_gaps<'a>(ctx: &Ctx<'a>, offer: &'a Offer, region: Option<&str>) -> Vec<R9Gap<'a>> {
    let status = offer.secnumcloud_for(ctx.on, region, None);
    gaps_with(ctx, offer, status)
}

/// The same demands on the offer anywhere (some qualified part is enough): for alternatives.
fn r9_gaps_anywhere<'a>(ctx: &Ctx<'a>, offer: &'a Offer) -> Vec<R9Gap<'a>> {
    gaps_with(ctx, offer, offer.secnumcloud_on(ctx.on, None))
}

fn gaps_with<'a>(
    ctx: &Ctx<'a>,
    offer: &'a Offer,
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
        match host.offer.as_deref().and_then(|id| ctx.catalog.offer(id)) {
            Some(h) if h.id != offer.id => {
                if !r9_gaps_anywhere(ctx, h).is_empty() {
                    gaps.push(R9Gap::Host(h));
                }
            }
            Some(_) => {}
            None => gaps.push(R9Gap::HostUnidentified),
        }
    }
    gaps
}

/// One gap in words.
pub(crate) fn describe_gap(lang: Lang, ctx: &Ctx<'_>, offer: &Offer, gap: &R9Gap<'_>) -> String {
    let name = &offer.name;
    let on = text::date(lang, ctx.on);
    match gap {
        R9Gap::NotQualified(QualificationStatus::NotYet(q)) => {
            let from = text::date(lang, q.from);
            text!(lang,
                fr: "{name} n'est qualifiée SecNumCloud qu'à partir du {from}, pas le {on}",
                en: "{name} is SecNumCloud-qualified only from {from}, not on {on}")
        }
        R9Gap::NotQualified(QualificationStatus::Lapsed(q)) => {
            let until = q.until.map(|u| text::date(lang, u)).unwrap_or_default();
            text!(lang,
                fr: "la qualification SecNumCloud de {name} a pris fin le {until}",
                en: "the SecNumCloud qualification of {name} ended on {until}")
        }
        R9Gap::NotQualified(QualificationStatus::RegionOutOfScope(q)) => {
            let scope = text::ids(lang, q.regions.as_deref().unwrap_or_default());
            text!(lang,
                fr: "la région choisie sort du périmètre qualifié SecNumCloud de {name} ({scope})",
                en: "the chosen region is outside the SecNumCloud-qualified perimeter of {name} ({scope})")
        }
        R9Gap::NotQualified(QualificationStatus::ModelOutOfScope(_)) => text!(lang,
            fr: "la qualification SecNumCloud de {name} ne couvre pas ce modèle de service",
            en: "the SecNumCloud qualification of {name} does not cover this service model"),
        R9Gap::NotQualified(QualificationStatus::PerimeterUnspecified(q)) => {
            let scope = text::ids(lang, q.regions.as_deref().unwrap_or_default());
            text!(lang,
                fr: "seule une partie de {name} est qualifiée SecNumCloud ({scope}) et la région n'est pas indiquée : la préciser",
                en: "only part of {name} is SecNumCloud-qualified ({scope}) and the region is not given: give it")
        }
        R9Gap::NotQualified(QualificationStatus::RenewalUnknown(q)) => {
            let end = q
                .validity_end
                .map(|d| text::date(lang, d))
                .unwrap_or_default();
            text!(lang,
                fr: "la validité de la qualification SecNumCloud de {name} était annoncée jusqu'au {end} et aucun renouvellement n'est établi au {on} : à vérifier sur la liste de l'ANSSI",
                en: "the SecNumCloud qualification of {name} was reported valid until {end} and no renewal is established on {on}: check ANSSI's list")
        }
        R9Gap::NotQualified(QualificationStatus::Unconfirmed(_)) => text!(lang,
            fr: "la qualification SecNumCloud de {name} au {on} ne repose que sur une source non confirmée : à vérifier sur la liste de l'ANSSI",
            en: "the SecNumCloud qualification of {name} on {on} rests only on an unconfirmed source: check ANSSI's list"),
        R9Gap::Host(host) => {
            let host = &host.name;
            text!(lang,
                fr: "{name} est hébergé sur {host}, qui n'est pas qualifiée SecNumCloud et immunisée au {on}",
                en: "{name} is hosted on {host}, which is not SecNumCloud-qualified and immune on {on}")
        }
        R9Gap::HostUnidentified => text!(lang,
            fr: "{name} est hébergé sur un cloud commercial que les sources ne nomment pas : sa qualification SecNumCloud et son immunité ne sont pas établies",
            en: "{name} is hosted on a commercial cloud the sources do not name: its SecNumCloud qualification and immunity are not established"),
        R9Gap::NotQualified(_) => match offer.evaluation_on(ctx.on, None, None) {
            Some(ev) => {
                let (milestone, since) =
                    ev.milestone_on(ctx.on).unwrap_or((&ev.milestone, ev.date));
                let since = text::date(lang, since);
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
    if offer.available_on(ctx.on) == Some(false) {
        return false;
    }
    if needs.secnumcloud && !r9_gaps_anywhere(ctx, offer).is_empty() {
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
