//! [`assess`]: a pure function, dossier + catalog + date + language → assessment. It builds the
//! context once, then asks every rule of the table (`rules::ROOMS`) for its finding and every
//! derogation opener for its derogation. No file, environment variable or clock is read here.

use std::borrow::Cow;

use nuage_catalog::{Catalog, Date};

use crate::assessment::{Assessment, Assumption, CitedDocument, Finding, Lang};
use crate::context::{Ctx, context};
use crate::dossier::Dossier;
use crate::edition::{EditionError, Editions};
use crate::rules::{DEROGATIONS, ROOMS};
use crate::words::{self, text};

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
    let findings: Vec<Finding> = ROOMS
        .iter()
        .map(|room| {
            let f = (room.check)(&ctx);
            debug_assert_eq!(f.rule, room.rule, "a room answers for its own rule");
            f
        })
        .collect();
    let verdict = Assessment::verdict_of(ctx.in_scope, &findings);
    let derogations: Vec<_> = DEROGATIONS.iter().filter_map(|open| open(&ctx)).collect();
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
        assumptions: assumptions(&ctx),
        support: crate::support::support(&findings, dossier.project.entity_kind, on, lang),
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

/// Inputs that carry a judgement, shown as assumptions.
pub(crate) fn assumptions(ctx: &Ctx<'_>) -> Vec<Assumption> {
    let lang = ctx.lang;
    let mut out = Vec::new();
    for a in &ctx.ed.assumptions {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("edition"),
            value: ctx.ed.id.clone(),
            note: match lang {
                Lang::Fr => a.fr.clone(),
                Lang::En => a.en.clone(),
            },
        });
    }
    let p = &ctx.d.project;
    if let Some(d) = p.acceptable_offer_available_on {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("project.acceptable_offer_available_on"),
            value: d.to_string(),
            note: text!(lang,
                fr: "Jugement du projet : date à laquelle une offre de cloud acceptable (inconvénients supportables ou compensables) existe en France ; elle fixe l'échéance des dérogations transitoires.",
                en: "The project's judgement: the day an acceptable cloud offer (drawbacks bearable or compensable) exists in France; it sets the deadline of transitional derogations."),
        });
    }
    if let Some(d) = p.engaged_on {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("project.engaged_on"),
            value: d.to_string(),
            note: text!(lang,
                fr: "Date d'engagement déclarée ; elle ouvre ou ferme les dérogations transitoires.",
                en: "Declared engagement date; it opens or closes the transitional derogations."),
        });
    }
    if ctx
        .d
        .data
        .iter()
        .any(|d| !d.breach_impacts.is_empty() || !d.legal_secrets.is_empty())
    {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("data[].breach_impacts"),
            value: text!(lang, fr: "déclarées par l'entité", en: "declared by the entity"),
            note: text!(lang,
                fr: "L'entité porteuse du projet évalue la sensibilité (FAQ), avec ses méthodes d'analyse de risque, sous l'angle disponibilité, intégrité, confidentialité et traçabilité.",
                en: "The entity carrying the project assesses sensitivity (FAQ), with its risk analysis methods, from the availability, integrity, confidentiality and traceability angles."),
        });
    }
    for g in ctx.d.data.iter().flat_map(|d| &d.other_grounds) {
        let value = format!("{} ({})", g.name, g.text);
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("data[].other_grounds"),
            value,
            note: text!(lang,
                fr: "R9 énumère les secrets protégés par la loi et les missions essentielles « notamment » : ce motif, déclaré par l'entité avec son texte, compte pour le premier critère ; le contrôleur vérifie que le texte le fonde.",
                en: "R9 lists secrets protected by law and essential missions « notamment » (among others): this ground, declared by the entity with its text, counts for the first criterion; the controller checks that the text grounds it."),
        });
    }
    out.extend(catalog_facts(ctx));
    if let Some(v) = ctx.d.safeguards.equivalent_exists {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("safeguards.equivalent_exists"),
            value: v.to_string(),
            note: text!(lang,
                fr: "Jugement de l'équipe sur l'existence d'un équivalent (R13).",
                en: "The team's judgement on whether an equivalent exists (R13)."),
        });
    }
    if let Some(v) = ctx.d.safeguards.lock_in_financed {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("safeguards.lock_in_financed"),
            value: v.to_string(),
            note: text!(lang,
                fr: "Déclaration du projet : le surcoût de réversibilité est financé par les gains de l'adhérence (R10).",
                en: "The project's statement: the extra cost of reversibility is financed by the gains of the lock-in (R10)."),
        });
    }
    out
}

/// The catalog's facts that decide a finding about the offers the dossier names, when they
/// rest on less than an official text or were last checked more than twelve months before the
/// day assessed (issue 11, « fraîcheur »): a controller sees what to confirm before signing.
fn catalog_facts(ctx: &Ctx<'_>) -> Vec<Assumption> {
    let lang = ctx.lang;
    let mut offers: Vec<(&nuage_catalog::Offer, Option<&str>)> = Vec::new();
    for e in ctx.envs.iter().filter(|e| e.env.kind.under_r9()) {
        if let Some(o) = e.offer
            && !offers.iter().any(|(seen, _)| seen.id == o.id)
        {
            let region = crate::trust::region_used(o, e.env.region.as_deref(), &e.env.zones);
            offers.push((o, region));
        }
    }
    if offers.is_empty() {
        return Vec::new();
    }
    let records = ctx.catalog.fact_records();
    let mut out = Vec::new();
    for (offer, region) in offers {
        let subject = format!("offer:{}", offer.id);
        let mut deciding: Vec<String> = Vec::new();
        if offer.is_commercial() && (ctx.secnumcloud_required() || ctx.personal) {
            deciding.push("immunity".into());
        }
        if offer.is_commercial()
            && ctx.secnumcloud_required()
            && let Some(q) = offer.secnumcloud_for(ctx.on, region, None).qualification()
        {
            deciding.push(format!("secnumcloud[from {}]", q.from));
        }
        if ctx.health {
            deciding.push("hds".into());
        }
        if ctx.secnumcloud_required() {
            deciding.push("hosted_on".into());
        }
        for r in records
            .iter()
            .filter(|r| r.subject == subject && deciding.contains(&r.field))
            .filter(|r| r.needs_review_on(ctx.on))
        {
            let reviewed = r
                .reviewed_on
                .map(|d| words::date(lang, d))
                .unwrap_or_else(|| text!(lang, fr: "jamais", en: "never"));
            let sources = r.sources.join(", ");
            let note = if r.stale_on(ctx.on) {
                text!(lang,
                    fr: "Fait du catalogue revu le {reviewed}, plus de douze mois avant la date d'évaluation : à confirmer auprès de ses sources ({sources}) avant de signer.",
                    en: "Catalog fact reviewed on {reviewed}, more than twelve months before the assessment date: confirm it against its sources ({sources}) before signing.")
            } else {
                let confidence = match r.confidence {
                    Some(nuage_catalog::Confidence::Uncertain) => {
                        text!(lang, fr: "incertaine", en: "uncertain")
                    }
                    _ => text!(lang, fr: "secondaire", en: "secondary"),
                };
                text!(lang,
                    fr: "Fait du catalogue de source {confidence} (revu le {reviewed}) : il décide d'un constat ; à confirmer sur un texte officiel ({sources}).",
                    en: "Catalog fact from a {confidence} source (reviewed on {reviewed}): it decides a finding; confirm it against an official text ({sources}).")
            };
            out.push(Assumption {
                field: std::borrow::Cow::Owned(format!("catalog:{}.{}", r.subject, r.field)),
                value: r.value.clone(),
                note,
            });
        }
    }
    out
}
