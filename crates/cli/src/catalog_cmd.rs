//! `nuage catalog`: the offers and what is known of them, as of a date.

use std::fmt::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use nuage_catalog::{Catalog, Date, Fact, Offer, OfferKind, QualificationStatus};
use serde_json::{Value, json};

use crate::{Common, fail, print, today};

#[derive(Subcommand, Debug)]
pub(crate) enum CatalogCommand {
    /// List the offers, with their SecNumCloud status on a date.
    List(ListArgs),
    /// Show everything known about one offer, with sources.
    Show(ShowArgs),
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
    /// clouds and commercial offers SecNumCloud-qualified and immune.
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

fn kind_name(k: OfferKind) -> &'static str {
    match k {
        OfferKind::Internal => "internal",
        OfferKind::Commercial => "commercial",
        OfferKind::Interministerial => "interministerial",
    }
}

fn fact(f: &Fact<bool>) -> Value {
    match f.value {
        Some(v) => json!(v),
        None => Value::Null,
    }
}

fn tri(f: &Fact<bool>) -> &'static str {
    match f.value {
        Some(true) => "oui",
        Some(false) => "non",
        None => "?",
    }
}

/// SecNumCloud status in a word, and the day it started when qualified.
fn snc(offer: &Offer, on: Date) -> (String, Option<Date>) {
    match offer.secnumcloud_on(on, None) {
        QualificationStatus::Qualified(q) => ("qualified".into(), Some(q.from)),
        QualificationStatus::NotYet(q) => (format!("from {}", q.from), None),
        QualificationStatus::Lapsed(_) => ("lapsed".into(), None),
        QualificationStatus::RegionOutOfScope(q) => ("qualified".into(), Some(q.from)),
        QualificationStatus::Never if offer.secnumcloud_evaluation.is_some() => {
            ("in_evaluation".into(), None)
        }
        QualificationStatus::Never => ("none".into(), None),
    }
}

/// May host particularly sensitive data on `on` (R9): internal cloud, or qualified and immune.
fn trusted(offer: &Offer, on: Date) -> bool {
    nuage_doctrine::suits_sensitive_data(offer, on)
}

fn load(common: &Common) -> Result<Catalog, ExitCode> {
    common.load_catalog().map_err(|e| fail(common, &e))
}

pub(crate) fn run(cmd: &CatalogCommand) -> ExitCode {
    match cmd {
        CatalogCommand::List(args) => list(args),
        CatalogCommand::Show(args) => show(args),
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
        .filter(|o| !args.qualified || trusted(o, on))
        .collect();
    offers.sort_by_key(|o| (o.kind as u8, o.id.clone()));
    match args.format {
        CatalogFormat::Json => {
            let rows: Vec<Value> = offers
                .iter()
                .map(|o| {
                    let (status, since) = snc(o, on);
                    json!({
                        "id": o.id,
                        "name": o.name,
                        "provider": o.provider,
                        "kind": kind_name(o.kind),
                        "service_models": o.service_models,
                        "services": o.services,
                        "secnumcloud": status,
                        "secnumcloud_since": since,
                        "immunity": fact(&o.immunity),
                        "hds": fact(&o.hds),
                        "diffusion_restreinte": fact(&o.diffusion_restreinte),
                        "trusted_for_sensitive_data": trusted(o, on),
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
                "{:<28} {:<17} {:<14} {:<9} {:<4} {:<3}",
                "OFFRE", "TYPE", "SECNUMCLOUD", "IMMUNITÉ", "HDS", "DR"
            );
            for o in &offers {
                let (status, _) = snc(o, on);
                let _ = writeln!(
                    out,
                    "{:<28} {:<17} {:<14} {:<9} {:<4} {:<3}",
                    o.id,
                    kind_name(o.kind),
                    status,
                    tri(&o.immunity),
                    tri(&o.hds),
                    tri(&o.diffusion_restreinte)
                );
            }
            let _ = writeln!(
                out,
                "\n{} offre(s). « ? » : fait non établi. `nuage catalog show ID` donne les sources.",
                offers.len()
            );
            print(&out);
        }
    }
    ExitCode::SUCCESS
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
    let mut ids: Vec<&str> = offer.sources.iter().map(String::as_str).collect();
    for f in [&offer.immunity, &offer.hds, &offer.diffusion_restreinte] {
        ids.extend(f.sources.iter().map(String::as_str));
    }
    for q in &offer.secnumcloud {
        ids.extend(q.sources.iter().map(String::as_str));
    }
    for r in &offer.regions {
        ids.extend(r.sources.iter().map(String::as_str));
    }
    if let Some(ev) = &offer.secnumcloud_evaluation {
        ids.extend(ev.sources.iter().map(String::as_str));
    }
    ids.sort_unstable();
    ids.dedup();
    let sources: Vec<_> = ids.iter().filter_map(|id| catalog.source(id)).collect();
    let (status, since) = snc(offer, on);
    match args.format {
        CatalogFormat::Json => {
            let doc = json!({
                "catalog_version": catalog.version(),
                "as_of": on,
                "secnumcloud_on_date": status,
                "secnumcloud_since": since,
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
                "  type : {} · modèles : {}",
                kind_name(offer.kind),
                models.join(", ")
            );
            if !offer.services.is_empty() {
                let s: Vec<&str> = offer.services.iter().map(|s| s.as_str()).collect();
                let _ = writeln!(out, "  services : {}", s.join(", "));
            }
            let _ = writeln!(out, "  SecNumCloud au {on} : {status}");
            for q in &offer.secnumcloud {
                let until = q.until.map(|u| u.to_string()).unwrap_or_else(|| "…".into());
                let scope = q
                    .regions
                    .as_ref()
                    .map(|r| format!(" ; régions {}", r.join(", ")))
                    .unwrap_or_default();
                let version = q
                    .version
                    .as_ref()
                    .map(|v| format!(" ; version {v}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    qualifiée du {} au {until}{version}{scope} [{:?} ; {}]",
                    q.from,
                    q.confidence,
                    q.sources.join(", ")
                );
                if let Some(n) = &q.note {
                    let _ = writeln!(out, "      {n}");
                }
            }
            if let Some(ev) = &offer.secnumcloud_evaluation {
                let _ = writeln!(
                    out,
                    "    en évaluation : jalon {} le {} [{}]",
                    ev.milestone,
                    ev.date,
                    ev.sources.join(", ")
                );
            }
            for (label, f) in [
                ("immunité extracommunautaire", &offer.immunity),
                ("HDS", &offer.hds),
                ("Diffusion Restreinte", &offer.diffusion_restreinte),
            ] {
                let src = if f.sources.is_empty() {
                    String::new()
                } else {
                    format!(" [{:?} ; {}]", f.confidence, f.sources.join(", "))
                };
                let _ = writeln!(out, "  {label} : {}{src}", tri(f));
                if let Some(n) = &f.note {
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
                }
            }
            if let Some(n) = &offer.note {
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
