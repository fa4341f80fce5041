//! `nuage catalog`: the offers and what is known of them, as of a date.

use std::fmt::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use nuage_catalog::{
    Catalog, Confidence, Date, Fact, HdsStatus, Noted, Offer, OfferKind, QualificationStatus,
    STALE_AFTER_MONTHS, SecNumCloudState,
};
use serde_json::{Value, json};

use crate::{Common, fail, print, today};

#[derive(Subcommand, Debug)]
pub(crate) enum CatalogCommand {
    /// List the offers, with their SecNumCloud status on a date and the day each was reviewed.
    List(ListArgs),
    /// Show everything known about one offer, with sources.
    Show(ShowArgs),
    /// List the facts to look at again on a date: secondary or uncertain ones, and the ones
    /// not reviewed for 12 months.
    Check(CheckArgs),
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CatalogFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindArg {
    Internal,
    Commercial,
    Interministerial,
}

#[derive(Args, Debug)]
pub(crate) struct ListArgs {
    /// The day to answer for (default: today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Only offers that may host particularly sensitive data on that day: the State's internal
    /// clouds and commercial offers SecNumCloud-qualified (at least in part) and immune.
    #[arg(long)]
    qualified: bool,
    /// Only offers of this kind.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    #[arg(long, short, value_enum, default_value = "text")]
    format: CatalogFormat,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct ShowArgs {
    /// The offer id (see `nuage catalog list`).
    id: String,
    /// The day to answer for (default: today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    #[arg(long, short, value_enum, default_value = "text")]
    format: CatalogFormat,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// The day to check freshness on (default: today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Only facts not reviewed for 12 months (leave secondary but recent facts out).
    #[arg(long)]
    stale_only: bool,
    #[arg(long, short, value_enum, default_value = "text")]
    format: CatalogFormat,
    #[command(flatten)]
    common: Common,
}

fn kind_name(k: OfferKind) -> &'static str {
    match k {
        OfferKind::Internal => "internal",
        OfferKind::Commercial => "commercial",
        OfferKind::Interministerial => "interministerial",
    }
}

fn confidence_name(c: Confidence) -> &'static str {
    match c {
        Confidence::Official => "official",
        Confidence::Secondary => "secondary",
        Confidence::Uncertain => "uncertain",
    }
}

fn value(v: Option<bool>) -> Value {
    match v {
        Some(v) => json!(v),
        None => Value::Null,
    }
}

fn tri(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "oui",
        Some(false) => "non",
        None => "?",
    }
}

/// SecNumCloud state in a word, the day it started and the qualified regions when qualified.
fn snc(offer: &Offer, on: Date) -> (SecNumCloudState, Option<Date>, Option<Vec<String>>) {
    let state = offer.secnumcloud_state(on, None, None);
    match offer.secnumcloud_on(on, None) {
        QualificationStatus::Qualified(q) => (state, Some(q.from), q.regions.clone()),
        _ => (state, None, None),
    }
}

/// May host particularly sensitive data on `on` (R9): internal cloud, or qualified and immune.
fn trusted(catalog: &Catalog, offer: &Offer, on: Date) -> bool {
    nuage_doctrine::suits_sensitive_data(catalog, offer, on)
}

/// The HDS certification on `on`, in words.
fn hds_words(status: &HdsStatus<'_>) -> String {
    match status {
        HdsStatus::Certified(h) => {
            let mut s = "certifiée".to_owned();
            if let Some(r) = &h.referential {
                let _ = write!(s, " (référentiel {r})");
            }
            if let Some(scope) = &h.regions {
                let _ = write!(s, " dans {}", scope.join(", "));
            }
            s
        }
        HdsStatus::NotCertified => "non certifiée".into(),
        HdsStatus::Unknown => "non établie".into(),
        HdsStatus::NotYet(h) => format!(
            "établie seulement à partir du {}",
            h.since.map(|d| d.to_string()).unwrap_or_default()
        ),
        HdsStatus::Expired(h) => format!(
            "échue le {}",
            h.until.map(|d| d.to_string()).unwrap_or_default()
        ),
        HdsStatus::RegionOutOfScope(_) => "pas dans cette région".into(),
        HdsStatus::PerimeterUnspecified(h) => format!(
            "dans une partie des régions seulement ({})",
            h.regions.as_deref().unwrap_or_default().join(", ")
        ),
        HdsStatus::ReferentialLapsed { hds, until } => format!(
            "à vérifier : référentiel {} dont les certificats valaient jusqu'au {until}",
            hds.referential.as_deref().unwrap_or("non précisé")
        ),
    }
}

fn load(common: &Common) -> Result<Catalog, ExitCode> {
    common.load_catalog().map_err(|e| fail(common, &e))
}

pub(crate) fn run(cmd: &CatalogCommand) -> ExitCode {
    match cmd {
        CatalogCommand::List(args) => list(args),
        CatalogCommand::Show(args) => show(args),
        CatalogCommand::Check(args) => check(args),
    }
}

fn list(args: &ListArgs) -> ExitCode {
    let catalog = match load(&args.common) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let on = args.as_of.unwrap_or_else(today);
    let want = args.kind.map(|k| match k {
        KindArg::Internal => OfferKind::Internal,
        KindArg::Commercial => OfferKind::Commercial,
        KindArg::Interministerial => OfferKind::Interministerial,
    });
    let mut offers: Vec<&Offer> = catalog
        .offers()
        .iter()
        .filter(|o| want.is_none_or(|k| o.kind == k))
        .filter(|o| !args.qualified || trusted(&catalog, o, on))
        .collect();
    offers.sort_by_key(|o| (o.kind as u8, o.id.clone()));
    match args.format {
        CatalogFormat::Json => {
            let rows: Vec<Value> = offers
                .iter()
                .map(|o| {
                    let (state, since, regions) = snc(o, on);
                    json!({
                        "id": o.id,
                        "name": o.name,
                        "provider": o.provider,
                        "kind": kind_name(o.kind),
                        "service_models": o.service_models,
                        "services": o.services,
                        "secnumcloud": state,
                        "secnumcloud_since": since,
                        "secnumcloud_regions": regions,
                        "immunity": value(o.immunity.known()),
                        "hds": value(catalog.hds_on(o, on, None).known()),
                        "diffusion_restreinte": value(o.diffusion_restreinte.known()),
                        "trusted_for_sensitive_data": trusted(&catalog, o, on),
                        "reviewed_on": o.reviewed_on,
                    })
                })
                .collect();
            let doc = json!({ "catalog_version": catalog.version(), "as_of": on, "offers": rows });
            print(&serde_json::to_string_pretty(&doc).unwrap_or_default());
            print("\n");
        }
        CatalogFormat::Text => {
            let mut out = String::new();
            let _ = writeln!(out, "Catalogue {} — au {on}", catalog.version());
            let _ = writeln!(
                out,
                "{:<30} {:<17} {:<14} {:<9} {:<4} {:<3} {:<10}",
                "OFFRE", "TYPE", "SECNUMCLOUD", "IMMUNITÉ", "HDS", "DR", "REVUE LE"
            );
            let mut partial = false;
            for o in &offers {
                let (state, _, _) = snc(o, on);
                let mut word = state.as_str().to_owned();
                let part = match o.secnumcloud_on(on, None) {
                    QualificationStatus::Qualified(q) => !q.covers_whole(o),
                    _ => false,
                };
                if part {
                    word.push('*');
                    partial = true;
                }
                let _ = writeln!(
                    out,
                    "{:<30} {:<17} {:<14} {:<9} {:<4} {:<3} {}",
                    o.id,
                    kind_name(o.kind),
                    word,
                    tri(o.immunity.known()),
                    tri(catalog.hds_on(o, on, None).known()),
                    tri(o.diffusion_restreinte.known()),
                    o.reviewed_on
                );
            }
            let _ = writeln!(
                out,
                "\n{} offre(s). « ? » : fait non établi ce jour-là ; « unknown » : qualification enregistrée mais non établie ce jour-là (à vérifier).",
                offers.len()
            );
            if partial {
                let _ = writeln!(
                    out,
                    "« * » : qualifiée dans une partie des régions seulement."
                );
            }
            let _ = writeln!(
                out,
                "`nuage catalog show ID` donne les faits et leurs sources ; `nuage catalog check` ce qui est à revoir."
            );
            print(&out);
        }
    }
    ExitCode::SUCCESS
}

fn fact_line(out: &mut String, label: &str, f: &Fact<bool>, english: bool) {
    let src = if f.sources.is_empty() {
        String::new()
    } else {
        format!(
            " [{} ; {}]",
            confidence_name(f.confidence),
            f.sources.join(", ")
        )
    };
    let reviewed = f
        .reviewed_on
        .map(|d| format!(" (revu le {d})"))
        .unwrap_or_default();
    let _ = writeln!(out, "  {label} : {}{src}{reviewed}", tri(f.known()));
    if let Some(n) = f.note_in(english) {
        let _ = writeln!(out, "    {n}");
    }
}

fn show(args: &ShowArgs) -> ExitCode {
    let catalog = match load(&args.common) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(offer) = catalog.offer(&args.id) else {
        return fail(
            &args.common,
            &format!(
                "unknown offer `{}` (`nuage catalog list` lists the offers)",
                args.id
            ),
        );
    };
    let on = args.as_of.unwrap_or_else(today);
    // The notes follow `--lang` when translated; the rest of the sheet is in French.
    let english = matches!(args.common.lang(), nuage_doctrine::Lang::En);
    let mut ids: Vec<&str> = offer.sources.iter().map(String::as_str).collect();
    for f in [&offer.immunity, &offer.diffusion_restreinte] {
        ids.extend(f.sources.iter().map(String::as_str));
    }
    ids.extend(offer.hds.sources.iter().map(String::as_str));
    for q in &offer.secnumcloud {
        ids.extend(q.sources.iter().map(String::as_str));
    }
    for r in &offer.regions {
        ids.extend(r.sources.iter().map(String::as_str));
    }
    if let Some(ev) = &offer.secnumcloud_evaluation {
        ids.extend(ev.sources.iter().map(String::as_str));
        for m in &ev.milestones {
            ids.extend(m.sources.iter().map(String::as_str));
        }
    }
    if let Some(h) = &offer.hosted_on {
        ids.extend(h.sources.iter().map(String::as_str));
    }
    if let Some(a) = &offer.availability {
        ids.extend(a.sources.iter().map(String::as_str));
    }
    if let Some(r) = offer
        .hds
        .referential
        .as_deref()
        .and_then(|id| catalog.hds_referential(id))
    {
        ids.extend(r.sources.iter().map(String::as_str));
    }
    ids.sort_unstable();
    ids.dedup();
    let sources: Vec<_> = ids.iter().filter_map(|id| catalog.source(id)).collect();
    let (state, since, qualified_regions) = snc(offer, on);
    let hds = catalog.hds_on(offer, on, None);
    match args.format {
        CatalogFormat::Json => {
            let doc = json!({
                "catalog_version": catalog.version(),
                "as_of": on,
                "secnumcloud_on_date": state,
                "secnumcloud_since": since,
                "secnumcloud_regions": qualified_regions,
                "hds_on_date": value(hds.known()),
                "offer": offer,
                "sources": sources,
            });
            print(&serde_json::to_string_pretty(&doc).unwrap_or_default());
            print("\n");
        }
        CatalogFormat::Text => {
            let mut out = String::new();
            let _ = writeln!(out, "{} — {}", offer.id, offer.name);
            let _ = writeln!(out, "  fournisseur : {}", offer.provider);
            let models: Vec<String> = offer
                .service_models
                .iter()
                .map(|m| format!("{m:?}").to_uppercase())
                .collect();
            let _ = writeln!(
                out,
                "  type : {} · modèles : {} · revue le {}",
                kind_name(offer.kind),
                models.join(", "),
                offer.reviewed_on
            );
            if !offer.services.is_empty() {
                let s: Vec<&str> = offer.services.iter().map(|s| s.as_str()).collect();
                let _ = writeln!(out, "  services : {}", s.join(", "));
            }
            let scope = qualified_regions
                .map(|r| format!(" (régions {})", r.join(", ")))
                .unwrap_or_default();
            let _ = writeln!(out, "  SecNumCloud au {on} : {}{scope}", state.as_str());
            for q in &offer.secnumcloud {
                let until = q.until.map(|u| u.to_string()).unwrap_or_else(|| "…".into());
                let mut extra = String::new();
                if let Some(v) = &q.version {
                    let _ = write!(extra, " ; version {v}");
                }
                if let Some(end) = q.validity_end {
                    let _ = write!(extra, " ; validité annoncée jusqu'au {end}");
                }
                if let Some(r) = &q.regions {
                    let _ = write!(extra, " ; régions {}", r.join(", "));
                }
                if let Some(m) = &q.service_models {
                    let m: Vec<String> =
                        m.iter().map(|m| format!("{m:?}").to_uppercase()).collect();
                    let _ = write!(extra, " ; modèles {}", m.join(", "));
                }
                let reviewed = q
                    .reviewed_on
                    .map(|d| format!(" ; revu le {d}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    qualifiée du {} au {until}{extra} [{} ; {}{reviewed}]",
                    q.from,
                    confidence_name(q.confidence),
                    q.sources.join(", ")
                );
                if let Some(n) = q.note_in(english) {
                    let _ = writeln!(out, "      {n}");
                }
            }
            if let Some(ev) = &offer.secnumcloud_evaluation {
                let mut steps = format!("{} le {}", ev.milestone, ev.date);
                for m in &ev.milestones {
                    let _ = write!(steps, ", {} le {}", m.milestone, m.date);
                }
                let models = ev
                    .service_models
                    .as_ref()
                    .map(|m| {
                        let m: Vec<String> =
                            m.iter().map(|m| format!("{m:?}").to_uppercase()).collect();
                        format!(" ; modèles {}", m.join(", "))
                    })
                    .unwrap_or_default();
                let reviewed = ev
                    .reviewed_on
                    .map(|d| format!(" ; revu le {d}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    en évaluation : {steps}{models} [{} ; {}{reviewed}]",
                    confidence_name(ev.confidence),
                    ev.sources.join(", ")
                );
                if let Some(n) = ev.note_in(english) {
                    let _ = writeln!(out, "      {n}");
                }
            }
            fact_line(
                &mut out,
                "immunité extracommunautaire",
                &offer.immunity,
                english,
            );
            let h = &offer.hds;
            let mut detail = String::new();
            if let Some(r) = &h.referential {
                let _ = write!(detail, " ; référentiel {r}");
            }
            if let Some(d) = h.since {
                let _ = write!(detail, " ; établie depuis le {d}");
            }
            if let Some(d) = h.until {
                let _ = write!(detail, " ; jusqu'au {d}");
            }
            if let Some(r) = &h.regions {
                let _ = write!(detail, " ; régions {}", r.join(", "));
            }
            let src = if h.sources.is_empty() {
                String::new()
            } else {
                format!(
                    " [{} ; {}]",
                    confidence_name(h.confidence),
                    h.sources.join(", ")
                )
            };
            let reviewed = h
                .reviewed_on
                .map(|d| format!(" (revu le {d})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  HDS : {}{detail}{src}{reviewed} — au {on} : {}",
                tri(h.known()),
                hds_words(&hds)
            );
            if let Some(n) = h.note_in(english) {
                let _ = writeln!(out, "    {n}");
            }
            fact_line(
                &mut out,
                "Diffusion Restreinte",
                &offer.diffusion_restreinte,
                english,
            );
            if let Some(host) = &offer.hosted_on {
                let what = host
                    .offer
                    .clone()
                    .or_else(|| host.description.clone())
                    .unwrap_or_else(|| "hébergeur non nommé".into());
                let kind = if host.commercial {
                    "cloud commercial"
                } else {
                    "hors cloud commercial"
                };
                let _ = writeln!(
                    out,
                    "  hébergé sur : {what} ({kind}) [{} ; {}]",
                    confidence_name(host.confidence),
                    host.sources.join(", ")
                );
                if let Some(n) = host.note_in(english) {
                    let _ = writeln!(out, "    {n}");
                }
            }
            if let Some(a) = &offer.availability {
                let from = a.from.map(|d| d.to_string()).unwrap_or_else(|| "?".into());
                let until = a.until.map(|d| format!(" au {d}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  disponible : à partir du {from}{until} [{} ; {}]",
                    confidence_name(a.confidence),
                    a.sources.join(", ")
                );
                if let Some(n) = a.note_in(english) {
                    let _ = writeln!(out, "    {n}");
                }
            }
            if !offer.regions.is_empty() {
                let _ = writeln!(out, "  régions :");
                for r in &offer.regions {
                    let zones = if r.zones.is_empty() {
                        String::new()
                    } else {
                        format!(" (zones {})", r.zones.join(", "))
                    };
                    let _ = writeln!(out, "    {} — {}{zones}", r.code, r.country);
                    if let Some(n) = r.note_in(english) {
                        let _ = writeln!(out, "      {n}");
                    }
                }
            }
            if let Some(n) = offer.note_in(english) {
                let _ = writeln!(out, "  note : {n}");
            }
            let _ = writeln!(out, "  sources :");
            for s in sources {
                let url = s
                    .url
                    .as_deref()
                    .map(|u| format!(" <{u}>"))
                    .unwrap_or_default();
                let _ = writeln!(out, "    [{}] {}{url}", s.id, s.title);
            }
            print(&out);
        }
    }
    ExitCode::SUCCESS
}

fn check(args: &CheckArgs) -> ExitCode {
    let catalog = match load(&args.common) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let on = args.as_of.unwrap_or_else(today);
    let facts: Vec<_> = catalog
        .to_review_on(on)
        .into_iter()
        .filter(|f| !args.stale_only || f.stale_on(on))
        .collect();
    let total = catalog.fact_records().len();
    match args.format {
        CatalogFormat::Json => {
            let rows: Vec<Value> = facts
                .iter()
                .map(|f| {
                    let mut why = Vec::new();
                    if let Some(c) = f.confidence.filter(|c| *c != Confidence::Official) {
                        why.push(confidence_name(c));
                    }
                    if f.stale_on(on) {
                        why.push("stale");
                    }
                    json!({
                        "subject": f.subject,
                        "field": f.field,
                        "value": f.value,
                        "confidence": f.confidence.map(confidence_name),
                        "reviewed_on": f.reviewed_on,
                        "sources": f.sources,
                        "why": why,
                    })
                })
                .collect();
            let doc = json!({
                "catalog_version": catalog.version(),
                "as_of": on,
                "stale_after_months": STALE_AFTER_MONTHS,
                "facts": total,
                "to_review": rows,
            });
            print(&serde_json::to_string_pretty(&doc).unwrap_or_default());
            print("\n");
        }
        CatalogFormat::Text => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "Catalogue {} — faits à revoir au {on} (non officiels, ou revus il y a plus de {STALE_AFTER_MONTHS} mois)",
                catalog.version()
            );
            let mut subject = "";
            for f in &facts {
                if f.subject != subject {
                    let _ = writeln!(out, "{}", f.subject);
                    subject = &f.subject;
                }
                let confidence = f.confidence.map(confidence_name).unwrap_or("—");
                let reviewed = f
                    .reviewed_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "jamais".into());
                let stale = if f.stale_on(on) { " ; ANCIEN" } else { "" };
                let _ = writeln!(
                    out,
                    "  {} : {} [{confidence} ; revu le {reviewed}{stale} ; {}]",
                    f.field,
                    f.value,
                    f.sources.join(", ")
                );
            }
            let stale = facts.iter().filter(|f| f.stale_on(on)).count();
            let _ = writeln!(
                out,
                "\n{} fait(s) à revoir sur {total}, dont {stale} revu(s) il y a plus de {STALE_AFTER_MONTHS} mois.",
                facts.len()
            );
            print(&out);
        }
    }
    ExitCode::SUCCESS
}
