//! The doctrine applied to scanned infrastructure: the rules' per-resource checks (each in its
//! rule's room), and the merge of what a scan found into a dossier.

use nuage_catalog::{Catalog, Date, Offer};

use crate::assess::{AssessError, assess};
use crate::assessment::{Assessment, Finding, Lang};
use crate::context::context;
use crate::dossier::{Approach, Dossier, Environment, EnvironmentKind};
use crate::edition::Editions;
use crate::inventory::{Inventory, Portability, Resource, ServiceClass};
use crate::rules::{RESOURCE_CHECKS, Scanned};
use crate::words;

pub(crate) fn offer_of<'c>(catalog: &'c Catalog, r: &Resource) -> Option<&'c Offer> {
    r.offer.as_deref().and_then(|id| catalog.offer(id))
}

/// Data-bearing resources, the ones health and sensitive data live in.
pub(crate) fn holds_data(r: &Resource) -> bool {
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
    let ctx = context(d, sc.catalog, ed, sc.on, sc.lang)?;
    let scanned = Scanned {
        inventory: inv,
        dossier,
        ctx: &ctx,
        environment: sc.environment,
    };
    let with_data = dossier.is_some() && sc.environment.under_r9();
    let mut out = Vec::new();
    for check in RESOURCE_CHECKS
        .iter()
        .filter(|c| with_data || !c.needs_data)
    {
        (check.check)(&scanned, &mut out);
    }
    crate::coverage::coverage(inv, with_data, &ctx, &mut out);
    Ok(out)
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
    let mut a = assess(&merged, sc.catalog, sc.on, sc.lang)?;
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
        format!(" [{}]", words::list(lang, &r.zones))
    };
    format!("{} → {offer}, {region}{zones}", r.address)
}
