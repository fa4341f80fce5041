//! What every rule needs, computed once per assessment: the dossier with its offers resolved,
//! the edition, the date, and the project's scope, concern and sensitivity.

use std::borrow::Cow;

use nuage_catalog::{Catalog, Date, Offer, UserService};

use crate::assess::AssessError;
use crate::assessment::{Citation, ControlProcedure, DataSensitivity, Lang, Rule};
use crate::dossier::{Approach, Dossier, Environment, Nature};
use crate::edition::Edition;
use crate::vocabulary::Label;
use crate::words::{self, push_text, text};

/// One environment of the dossier with its catalog offer resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Env<'a> {
    pub env: &'a Environment,
    pub offer: Option<&'a Offer>,
}

/// What every rule needs, computed once.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub d: &'a Dossier,
    pub catalog: &'a Catalog,
    pub ed: &'static Edition,
    pub on: Date,
    pub lang: Lang,
    pub in_scope: bool,
    pub concerned: bool,
    pub envs: Vec<Env<'a>>,
    pub sensitivity: Vec<DataSensitivity>,
    pub particularly_sensitive: bool,
    /// The project provides agents with tools the DINUM note on office suites covers.
    pub office_services: Vec<UserService>,
    pub personal: bool,
    pub health: bool,
    pub diffusion_restreinte: bool,
}

impl<'a> Ctx<'a> {
    pub fn secnumcloud_required(&self) -> bool {
        self.in_scope && self.particularly_sensitive
    }

    /// The project relies on a cloud (any offer, or a cloud or SaaS approach).
    pub fn uses_cloud(&self) -> bool {
        matches!(self.d.hosting.approach, Approach::Cloud | Approach::Saas)
            || self.envs.iter().any(|e| e.offer.is_some())
    }

    pub fn commercial_envs(&self) -> impl Iterator<Item = &Env<'a>> {
        self.envs
            .iter()
            .filter(|e| e.offer.is_some_and(Offer::is_commercial))
    }

    pub fn uses_commercial(&self) -> bool {
        self.commercial_envs().next().is_some()
    }

    pub fn control_procedure(&self) -> ControlProcedure {
        control_procedure(self.ed, self.d)
    }

    /// The circular's citation for `rule`.
    pub fn cite(&self, rule: Rule) -> Citation {
        Citation {
            document: Cow::Borrowed(self.ed.circular.as_str()),
            rule: Some(Cow::Borrowed(rule.as_str())),
            section: self.ed.section(rule).map(Cow::Borrowed),
        }
    }

    /// A citation of another document.
    pub fn cite_doc(&self, id: &'static str, section: Option<&'static str>) -> Citation {
        Citation {
            document: Cow::Borrowed(id),
            rule: None,
            section: section.map(Cow::Borrowed),
        }
    }

    /// The DINUM FAQ (2024) comments the 2023 edition only.
    pub fn faq_applies(&self) -> bool {
        self.ed.commented_by("faq-dinum")
    }
}

pub(crate) fn control_procedure(ed: &Edition, d: &Dossier) -> ControlProcedure {
    let cost = d.project.full_cost_eur;
    if cost < ed.thresholds.dinum_documentation_from_eur {
        ControlProcedure::ProjectAuthority
    } else if cost <= ed.thresholds.major_project_review_above_eur {
        ControlProcedure::Ministry
    } else {
        ControlProcedure::MajorProjectReview
    }
}

pub(crate) fn concerned(ed: &Edition, d: &Dossier, in_scope: bool) -> bool {
    let p = &d.project;
    in_scope
        && match p.nature {
            Nature::New => true,
            Nature::Evolution => {
                p.provider_change
                    || p.evolution_share
                        .is_some_and(|s| s.value() >= ed.thresholds.major_evolution_share)
            }
            Nature::Existing => p.provider_change,
        }
}

/// Resolves the dossier's offers and computes what every rule needs.
pub(crate) fn context<'a>(
    dossier: &'a Dossier,
    catalog: &'a Catalog,
    ed: &'static Edition,
    on: Date,
    lang: Lang,
) -> Result<Ctx<'a>, AssessError> {
    let mut envs = Vec::with_capacity(dossier.hosting.environments.len());
    for (index, env) in dossier.hosting.environments.iter().enumerate() {
        let offer = match &env.offer {
            None => None,
            Some(id) => Some(catalog.offer(id).ok_or_else(|| AssessError::UnknownOffer {
                index,
                offer: id.clone(),
                catalog: catalog.version().to_owned(),
            })?),
        };
        envs.push(Env { env, offer });
    }

    let in_scope = ed.binds(dossier.project.entity_kind);
    let office_services: Vec<UserService> = dossier
        .hosting
        .services
        .iter()
        .copied()
        .filter(|s| crate::rules::office::OFFICE_NOTE_SERVICES.contains(s))
        .collect();
    let mut ctx = Ctx {
        d: dossier,
        catalog,
        ed,
        on,
        lang,
        in_scope,
        concerned: concerned(ed, dossier, in_scope),
        envs,
        sensitivity: Vec::new(),
        particularly_sensitive: false,
        office_services,
        personal: dossier.data.iter().any(|d| d.is_personal()),
        health: dossier.data.iter().any(|d| d.health),
        diffusion_restreinte: dossier.data.iter().any(|d| d.diffusion_restreinte),
    };
    ctx.sensitivity = crate::rules::sensitivity::assess(&ctx);
    ctx.particularly_sensitive = ctx.sensitivity.iter().any(|s| s.particularly_sensitive)
        || (ed.extra(crate::edition::ExtraCategory::AgentsOfficeTools)
            && !ctx.office_services.is_empty());

    Ok(ctx)
}

pub(crate) fn env_label(lang: Lang, e: &Env<'_>) -> String {
    let kind = e.env.kind.label(lang);
    match e.offer {
        Some(o) => format!("{kind} ({})", o.id),
        None => kind.to_owned(),
    }
}

/// Environments reached by R9 (production, staging, disaster recovery) and their offers.
pub(crate) fn r9_envs<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = &'c Env<'a>> {
    ctx.envs.iter().filter(|e| e.env.kind.under_r9())
}

/// Why the project is, or is not, concerned by R1 and R6.
pub(crate) fn concern_sentence(ctx: &Ctx<'_>, rule: Rule) -> String {
    let lang = ctx.lang;
    let p = &ctx.d.project;
    let threshold = || words::percent(lang, ctx.ed.thresholds.major_evolution_share);
    match p.nature {
        Nature::New => text!(lang, fr: "C'est un nouveau projet.", en: "This is a new project."),
        Nature::Evolution => {
            let share = p.evolution_share.map(|s| words::percent(lang, s.value()));
            let mut s = match (share, p.provider_change) {
                (_, true) => text!(lang,
                    fr: "C'est une évolution avec changement de prestataire, donc une évolution majeure.",
                    en: "This is an evolution with a change of provider, hence a major evolution."),
                (Some(share), false) => {
                    let threshold = threshold();
                    if ctx.concerned {
                        text!(lang,
                            fr: "C'est une évolution représentant {share} du coût de fabrication initial, donc au moins {threshold} : une évolution majeure.",
                            en: "This is an evolution worth {share} of the initial build cost, so at least {threshold}: a major evolution.")
                    } else {
                        text!(lang,
                            fr: "C'est une évolution représentant {share} du coût de fabrication initial, sous le seuil de {threshold} et sans changement de prestataire : ce n'est pas une évolution majeure.",
                            en: "This is an evolution worth {share} of the initial build cost, below the {threshold} threshold and without a change of provider: not a major evolution.")
                    }
                }
                (None, false) => String::new(),
            };
            if rule == Rule::R6 {
                push_text!(s, lang,
                fr: "R6 retient les évolutions « représentant au moins 50 % » du coût de fabrication, la FAQ parle d'une refonte « de plus de 50 % » : la circulaire l'emporte, une évolution d'exactement 50 % est donc concernée.",
                en: "R6 counts evolutions « worth at least 50 % » of the build cost, while the FAQ speaks of a rework « of more than 50 % »: the circular prevails, so an evolution of exactly 50 % is concerned.");
            }
            s
        }
        Nature::Existing if p.provider_change => text!(lang,
            fr: "C'est un produit existant qui change de prestataire : R6 s'applique par extension.",
            en: "This is an existing product changing provider: R6 applies by extension."),
        Nature::Existing => text!(lang,
            fr: "C'est un produit existant sans évolution majeure (ni changement de prestataire, ni évolution d'au moins 50 % du coût de fabrication initial).",
            en: "This is an existing product without a major evolution (no change of provider, no evolution worth at least 50 % of the initial build cost)."),
    }
}
