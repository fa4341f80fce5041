//! The rules. [`assess`] is a pure function: dossier + catalog + date + language → assessment.
//! No file, environment variable or clock is read here.

mod coverage;
mod data;
mod derogations;
mod hosting;
mod offers;
mod project;
pub(crate) mod scan;
pub(crate) mod text;

use std::borrow::Cow;

use nuage_catalog::{Catalog, Date, Offer, UserService};

use crate::assessment::{
    Assessment, Citation, CitedDocument, ControlProcedure, DataSensitivity, Finding, Lang, Rule,
    Status,
};
use crate::dossier::{Approach, Dossier, EntityKind, Environment, Nature};
use crate::edition::{Edition, EditionError, Editions};
use text::{push_text, text};

/// Why a dossier cannot be assessed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    /// The date precedes the first edition: the doctrine did not exist yet.
    #[error(
        "field `assessed_on`: {date} precedes the doctrine « cloud au centre », in force from {first} \
         (circular n° 6282-SG); choose a date from {first} on"
    )]
    BeforeDoctrine { date: Date, first: Date },
    /// An environment names an offer the catalog does not know.
    #[error(
        "field `hosting.environments[{index}].offer`: unknown offer `{offer}` in catalog {catalog}"
    )]
    UnknownOffer {
        index: usize,
        offer: String,
        catalog: String,
    },
    /// The embedded editions are broken (a build defect).
    #[error(transparent)]
    Editions(#[from] EditionError),
}

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

/// Builds a finding.
pub(crate) fn finding(
    rule: Rule,
    status: Status,
    message: String,
    citations: Vec<Citation>,
    remedy: Option<String>,
) -> Finding {
    Finding {
        rule,
        status,
        message,
        citations,
        remedy,
        counterfactuals: Vec::new(),
        file: None,
        line: None,
    }
}

/// The finding of a doctrine rule for an entity the doctrine does not bind.
pub(crate) fn out_of_scope(ctx: &Ctx<'_>, rule: Rule) -> Finding {
    let lang = ctx.lang;
    let mut message = text!(lang,
        fr: "L'entité n'est pas tenue par la doctrine « cloud au centre », qui vise l'État et les organismes placés sous sa tutelle.",
        en: "The entity is not bound by the « cloud au centre » doctrine, which covers the State and the bodies under its supervision.");
    if rule == Rule::R9 && ctx.d.project.entity_kind == EntityKind::LocalAuthority {
        push_text!(message, lang,
            fr: "La DINUM recommande toutefois aux collectivités un hébergement qualifié SecNumCloud pour leurs systèmes les plus sensibles, par exemple la gestion de l'état civil (FAQ, « Périmètre »).",
            en: "DINUM still advises territorial authorities to use SecNumCloud-qualified hosting for their most sensitive systems, for instance civil registration (FAQ, « Périmètre »).");
    }
    let mut citations = vec![ctx.cite(rule)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Périmètre")));
    }
    finding(rule, Status::NotApplicable, message, citations, None)
}

fn control_procedure(ed: &Edition, d: &Dossier) -> ControlProcedure {
    let cost = d.project.full_cost_eur;
    if cost < ed.thresholds.dinum_documentation_from_eur {
        ControlProcedure::ProjectAuthority
    } else if cost <= ed.thresholds.major_project_review_above_eur {
        ControlProcedure::Ministry
    } else {
        ControlProcedure::MajorProjectReview
    }
}

fn concerned(ed: &Edition, d: &Dossier, in_scope: bool) -> bool {
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
        .filter(|s| offers::OFFICE_NOTE_SERVICES.contains(s))
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
    ctx.sensitivity = data::sensitivity(&ctx);
    ctx.particularly_sensitive = ctx.sensitivity.iter().any(|s| s.particularly_sensitive)
        || (ed.extra(crate::edition::ExtraCategory::AgentsOfficeTools)
            && !ctx.office_services.is_empty());

    Ok(ctx)
}

/// Assesses `dossier` as of `on`, in `lang`.
pub fn assess(
    dossier: &Dossier,
    catalog: &Catalog,
    on: Date,
    lang: Lang,
) -> Result<Assessment, AssessError> {
    let editions = Editions::embedded()?;
    let Some(ed) = editions.in_force_on(on) else {
        return Err(AssessError::BeforeDoctrine {
            date: on,
            first: editions.first_day().unwrap_or(on),
        });
    };

    let mut ctx = context(dossier, catalog, ed, on, lang)?;

    let mut findings = Vec::with_capacity(Rule::ALL.len());
    for rule in Rule::ALL {
        let f = match rule {
            Rule::R1 => project::r1(&ctx),
            Rule::R2 | Rule::R3 | Rule::R11 | Rule::R12 => project::organisational(&ctx, rule),
            Rule::R4 => hosting::r4(&ctx),
            Rule::R5 => hosting::r5(&ctx),
            Rule::R6 => project::r6(&ctx),
            Rule::R7 => project::r7(&ctx),
            Rule::R8 => project::r8(&ctx),
            Rule::R9 => data::r9(&ctx),
            Rule::R10 => hosting::r10(&ctx),
            Rule::R13 => project::r13(&ctx),
            Rule::R14 => data::r14(&ctx),
            Rule::R15 => project::r15(&ctx),
            Rule::Gdpr => data::gdpr(&ctx),
            Rule::Hds => data::hds(&ctx),
            Rule::Office => data::office(&ctx),
        };
        findings.push(f);
    }

    let verdict = Assessment::verdict_of(ctx.in_scope, &findings);
    let derogations = derogations::derogations(&ctx);
    let documents = cited_documents(editions, &findings, &derogations);
    Ok(Assessment {
        edition: ed.id.clone(),
        assessed_on: on,
        in_scope: ctx.in_scope,
        concerned: ctx.concerned,
        particularly_sensitive: ctx.particularly_sensitive,
        secnumcloud_required: ctx.secnumcloud_required(),
        control_procedure: ctx.control_procedure(),
        verdict,
        derogations,
        assumptions: project::assumptions(&ctx),
        findings,
        project: dossier.project.name.clone(),
        catalog_version: catalog.version().to_owned(),
        lang,
        data: std::mem::take(&mut ctx.sensitivity),
        documents,
    })
}

/// The documents the findings and derogations cite, once each, sorted by id.
fn cited_documents(
    editions: &'static Editions,
    findings: &[Finding],
    derogations: &[crate::assessment::Derogation],
) -> Vec<CitedDocument> {
    let mut ids: Vec<&str> = findings
        .iter()
        .flat_map(|f| &f.citations)
        .chain(derogations.iter().flat_map(|d| &d.citations))
        .map(|c| c.document.as_ref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| editions.document(id))
        .map(|d| CitedDocument {
            id: Cow::Borrowed(d.id.as_str()),
            title: Cow::Borrowed(d.title.as_str()),
            url: d.url.as_deref().map(Cow::Borrowed),
        })
        .collect()
}
