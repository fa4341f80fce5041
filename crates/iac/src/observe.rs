//! What a reader saw of one resource, and how it becomes an inventory [`Resource`]: offer,
//! region and zones from the provider mapping, classes from the type mapping. Readers differ
//! in how they get values; they all end here.

use std::collections::HashMap;

use nuage_catalog::Catalog;
use nuage_doctrine::{Resource, ServiceClass, SourceKind, Unplaced, UnplacedReason};

use crate::mapping::{Hosts, Mappings, ProviderMapping, Scalar, TypeMapping};

/// A value read from infrastructure code.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
    /// Only known after apply, or not computable statically (a function call, a reference).
    Unknown,
}

impl Val {
    /// The value's strings: a string, or the strings of a list.
    pub fn strings(&self) -> Option<Vec<String>> {
        match self {
            Val::Str(s) => Some(vec![s.clone()]),
            Val::List(items) => items
                .iter()
                .map(|v| match v {
                    Val::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// The value is unknown, or has an unknown part.
    pub fn has_unknown(&self) -> bool {
        match self {
            Val::Unknown => true,
            Val::List(items) => items.iter().any(Val::has_unknown),
            Val::Map(entries) => entries.iter().any(|(_, v)| v.has_unknown()),
            _ => false,
        }
    }

    fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Val::List(items) => items.first().and_then(|v| v.get(key)),
            _ => None,
        }
    }

    fn equals(&self, expected: &Scalar) -> bool {
        match (self, expected) {
            (Val::Bool(a), Scalar::Bool(b)) => a == b,
            (Val::Str(a), Scalar::Text(b)) => a.eq_ignore_ascii_case(b),
            (Val::Str(a), Scalar::Bool(b)) => a.parse::<bool>().ok() == Some(*b),
            (Val::Num(a), Scalar::Number(b)) => (a - b).abs() < f64::EPSILON,
            _ => false,
        }
    }
}

/// A resource's attributes, flattened to dotted paths (`settings.availability_type`).
///
/// A resource has a handful of attributes: a list searched from its end (the last value set
/// for a path wins, as a map's insertion would) is faster than hashing every path.
#[derive(Debug, Clone, Default)]
pub struct Attrs(Vec<(String, Val)>);

impl FromIterator<(String, Val)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (String, Val)>>(iter: I) -> Self {
        Attrs(iter.into_iter().collect())
    }
}

impl Attrs {
    /// Sets the value at a path (a later value for the same path replaces the earlier one).
    pub fn insert(&mut self, path: String, value: Val) {
        self.0.push((path, value));
    }

    /// The value set at exactly this path.
    fn exact(&self, path: &str) -> Option<&Val> {
        self.0.iter().rev().find(|(k, _)| k == path).map(|(_, v)| v)
    }

    /// The value at a dotted path, through nested blocks or object values.
    pub fn get(&self, path: &str) -> Option<&Val> {
        if let Some(v) = self.exact(path) {
            return Some(v);
        }
        let mut parts = path.split('.');
        let first = parts.next()?;
        let mut cur = self.exact(first)?;
        for p in parts {
            if *cur == Val::Unknown {
                return Some(cur);
            }
            cur = cur.get(p)?;
        }
        Some(cur)
    }
}

/// One resource as a reader saw it.
#[derive(Debug, Clone)]
pub struct Observed {
    pub address: String,
    pub kind: String,
    /// The provider's type name (`aws`, `google`…), before aliases.
    pub provider: String,
    /// `aws.paris` when an aliased configuration is used.
    pub provider_config_name: Option<String>,
    pub file: String,
    pub line: u32,
    pub source: SourceKind,
    /// The provider configuration's attributes.
    /// Shared by every resource of one provider configuration.
    pub provider_attrs: std::sync::Arc<Attrs>,
    pub attrs: Attrs,
    pub repeated: Option<String>,
    /// Other resources the resource's attributes point at: (attribute, address).
    pub refs: Vec<(String, String)>,
    /// Why each unknown attribute is unknown.
    pub why: Vec<(String, Unplaced)>,
    /// Why each unknown attribute of the provider configuration is unknown.
    pub provider_why: Option<std::sync::Arc<Vec<(String, Unplaced)>>>,
    /// A provider configuration (block, or a plan's) applies to the resource.
    pub provider_block: bool,
    /// Zones found by a reader-specific rule (Kubernetes affinity), with its explanation.
    pub extra_zones: Option<(Vec<String>, String)>,
    /// A replication verdict found by a reader-specific rule, with its explanation.
    pub multi_zone: Option<(Option<bool>, String)>,
    /// The offer found by a reader-specific rule, with its explanation.
    pub offer_hint: Option<(String, String)>,
    pub evidence: Vec<String>,
}

impl Observed {
    pub fn new(
        address: String,
        kind: String,
        provider: String,
        file: String,
        line: u32,
        source: SourceKind,
    ) -> Self {
        Observed {
            address,
            kind,
            provider,
            provider_config_name: None,
            file,
            line,
            source,
            provider_attrs: std::sync::Arc::default(),
            attrs: Attrs::default(),
            repeated: None,
            refs: Vec::new(),
            why: Vec::new(),
            provider_why: None,
            provider_block: false,
            extra_zones: None,
            multi_zone: None,
            offer_hint: None,
            evidence: Vec::new(),
        }
    }
}

/// Zones and regions found through references: a resource without zones of its own that
/// points (through an attribute the provider lists in `zone_via`) at resources with zones takes
/// theirs; one without a region that points (through `region_via`) at a resource with a region
/// takes it (an Azure subnet its network's, a network its resource group's), with the chain of
/// evidence. Followed until nothing changes, a few steps at most.
pub fn places_through_references(
    resources: &mut [Resource],
    refs: &[Vec<(String, String)>],
    mappings: &Mappings,
) {
    if refs.iter().all(Vec::is_empty) {
        return;
    }
    let zones_of: HashMap<String, Vec<String>> = resources
        .iter()
        .filter(|r| !r.zones.is_empty())
        .map(|r| (r.address.clone(), r.zones.clone()))
        .collect();
    for (r, refs) in resources.iter_mut().zip(refs) {
        if !r.zones.is_empty() || refs.is_empty() {
            continue;
        }
        let Some(pm) = mappings.provider(&r.provider) else {
            continue;
        };
        let mut found: Vec<String> = Vec::new();
        for (attr, target) in refs {
            if !pm.zone_via.iter().any(|v| v == attr) {
                continue;
            }
            if let Some(z) = zones_of.get(target) {
                r.evidence
                    .push(format!("zones ← {attr} → {target} ({})", z.join(", ")));
                found.extend(z.iter().cloned());
            }
        }
        found.sort();
        found.dedup();
        if !found.is_empty() {
            r.unknown.retain(|u| !pm.zone_via.contains(u));
            if r.region.is_none() {
                r.region = pm
                    .zone_to_region
                    .and_then(|rule| found.first().and_then(|z| rule.region(z)));
                if r.region.is_some() && r.offer.is_some() {
                    r.unplaced = None;
                }
            }
            r.zones = found;
        }
    }
    // Regions, step by step (a subnet → its network → its resource group).
    for _ in 0..6 {
        let placed: HashMap<&str, usize> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.region.is_some() && r.unplaced.is_none())
            .map(|(i, r)| (r.address.as_str(), i))
            .collect();
        let mut taken: Vec<(usize, String, String)> = Vec::new();
        for (i, (r, refs)) in resources.iter().zip(refs).enumerate() {
            if r.region.is_some() || refs.is_empty() {
                continue;
            }
            let Some(pm) = mappings.provider(&r.provider) else {
                continue;
            };
            // A region attribute pointing at another resource (`location =
            // azurerm_resource_group.rg.location`) is that resource's region.
            let from = pm
                .region_attributes
                .iter()
                .chain(&pm.region_via)
                .find_map(|via| {
                    refs.iter()
                        .filter(|(attr, _)| attr == via)
                        .find_map(|(attr, target)| {
                            Some((attr, target, *placed.get(target.as_str())?))
                        })
                });
            if let Some((attr, target, j)) = from
                && let Some(parent) = resources.get(j)
                && let Some(region) = &parent.region
            {
                let chain = parent
                    .evidence
                    .iter()
                    .find(|e| e.starts_with("region = "))
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default();
                taken.push((
                    i,
                    region.clone(),
                    format!("region = {region} ← {attr} → {target}{chain}"),
                ));
            }
        }
        if taken.is_empty() {
            break;
        }
        apply_taken(resources, taken);
    }
    // Still without a region and pointing at a resource of the code that has none: its reason
    // is that resource's (an attribute's id being known after apply says nothing of a region).
    let by_address: HashMap<String, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.clone(), i))
        .collect();
    for _ in 0..4 {
        let mut inherited: Vec<(usize, Unplaced)> = Vec::new();
        for (i, (r, refs)) in resources.iter().zip(refs).enumerate() {
            if r.region.is_some()
                || r.offer.is_none()
                || r.unplaced.as_ref().is_none_or(|u| {
                    !matches!(
                        u.reason,
                        UnplacedReason::AfterApply | UnplacedReason::NotSet
                    )
                })
            {
                continue;
            }
            let Some(pm) = mappings.provider(&r.provider) else {
                continue;
            };
            let parent = pm
                .region_attributes
                .iter()
                .chain(&pm.region_via)
                .find_map(|via| {
                    refs.iter()
                        .filter(|(attr, _)| attr == via)
                        .find_map(|(attr, target)| Some((attr, target, *by_address.get(target)?)))
                });
            if let Some((attr, target, j)) = parent
                && j != i
                && let Some(u) = resources.get(j).and_then(|p| p.unplaced.as_ref())
                && !matches!(
                    u.reason,
                    UnplacedReason::AfterApply | UnplacedReason::NotSet
                )
            {
                inherited.push((
                    i,
                    Unplaced {
                        reason: u.reason,
                        detail: format!(
                            "{attr} → {target}, whose region is not known: {}",
                            u.detail
                        ),
                    },
                ));
            }
        }
        if inherited.is_empty() {
            break;
        }
        for (i, u) in inherited {
            if let Some(r) = resources.get_mut(i) {
                r.unplaced = Some(u);
            }
        }
    }
}

fn apply_taken(resources: &mut [Resource], taken: Vec<(usize, String, String)>) {
    for (i, region, why) in taken {
        if let Some(r) = resources.get_mut(i) {
            r.region = Some(region);
            r.evidence.push(why);
            if r.offer.is_some() {
                r.unplaced = None;
            }
        }
    }
}

/// Turns what was seen into inventory entries, classifying each resource type once.
pub fn resolve_all(
    observed: Vec<Observed>,
    mappings: &Mappings,
    catalog: &Catalog,
) -> Vec<Resource> {
    let mut classes: HashMap<String, &TypeMapping> = HashMap::new();
    observed
        .into_iter()
        .map(|o| {
            let class = match classes.get(&o.kind) {
                Some(c) => *c,
                None => {
                    let c = mappings.classify(&o.kind);
                    classes.insert(o.kind.clone(), c);
                    c
                }
            };
            resolve(o, class, mappings, catalog)
        })
        .collect()
}

fn unplaced(reason: UnplacedReason, detail: String) -> Unplaced {
    Unplaced { reason, detail }
}

/// The first reason among the attributes, in the order given.
fn first_why<'o>(
    why: &'o [(String, Unplaced)],
    attrs: &[String],
) -> Option<(&'o str, &'o Unplaced)> {
    attrs.iter().find_map(|a| {
        why.iter()
            .rev()
            .find(|(k, _)| k == a)
            .map(|(k, u)| (k.as_str(), u))
    })
}

/// Why the offer is not known.
fn offer_unknown(o: &Observed, pm: Option<&ProviderMapping>) -> Unplaced {
    let Some(pm) = pm else {
        return unplaced(
            UnplacedReason::UnmappedProvider,
            format!(
                "provider `{}` is not in Nuage's mappings (a nuage-mappings.toml can add it)",
                o.provider
            ),
        );
    };
    if pm.hosts == Hosts::Elsewhere {
        return unplaced(
            UnplacedReason::HostedElsewhere,
            format!(
                "provider `{}` configures a service running on something this code does not name (a cluster, a server)",
                pm.name
            ),
        );
    }
    let rule_attrs: Vec<String> = pm.rule.iter().map(|r| r.attribute.clone()).collect();
    if let Some((attr, u)) = first_why(
        o.provider_why.as_deref().map_or(&[], Vec::as_slice),
        &rule_attrs,
    ) {
        return unplaced(u.reason, format!("provider {attr}: {}", u.detail));
    }
    let read: Vec<String> = rule_attrs
        .iter()
        .filter_map(|a| match o.provider_attrs.get(a) {
            Some(Val::Str(v)) => Some(format!("{a} = \"{v}\"")),
            _ => None,
        })
        .collect();
    let detail = if read.is_empty() {
        format!(
            "provider `{}` names no endpoint Nuage knows: declare it in nuage-mappings.toml (the State's internal clouds' endpoints are not public)",
            pm.name
        )
    } else {
        format!(
            "provider `{}`: {} matches no mapping; declare the endpoint in nuage-mappings.toml",
            pm.name,
            read.join(", ")
        )
    };
    unplaced(UnplacedReason::UnmappedProvider, detail)
}

/// Why the region is not known.
fn region_unknown(o: &Observed, pm: &ProviderMapping) -> Unplaced {
    if pm.hosts == Hosts::Elsewhere {
        return unplaced(
            UnplacedReason::HostedElsewhere,
            format!(
                "runs on the cluster or server `{}` is pointed at, which the code does not name",
                pm.name
            ),
        );
    }
    if let Some(why) = &pm.regionless {
        return unplaced(UnplacedReason::OutsideCode, why.clone());
    }
    if let Some((attr, u)) = first_why(&o.why, &pm.region_attributes) {
        return unplaced(u.reason, format!("{attr}: {}", u.detail));
    }
    if let Some((attr, u)) = first_why(&o.why, &pm.zone_attributes) {
        return unplaced(u.reason, format!("{attr}: {}", u.detail));
    }
    for attr in &pm.region_via {
        match o.attrs.get(attr) {
            // Another resource's id or name, known after apply, says nothing of a region: what
            // that resource's region is comes once the inventory is whole (see
            // `places_through_references`).
            Some(Val::Unknown) => {
                if let Some((_, u)) = first_why(&o.why, std::slice::from_ref(attr))
                    && u.reason != UnplacedReason::AfterApply
                {
                    return unplaced(u.reason, format!("{attr}: {}", u.detail));
                }
            }
            Some(Val::Str(v)) => {
                return unplaced(
                    UnplacedReason::OutsideCode,
                    format!(
                        "{attr} = \"{v}\": named by a string, not a resource of this code, so its region is not followed"
                    ),
                );
            }
            _ => {}
        }
    }
    if let Some((attr, u)) = first_why(
        o.provider_why.as_deref().map_or(&[], Vec::as_slice),
        &pm.region_attributes,
    ) {
        return unplaced(u.reason, format!("provider {attr}: {}", u.detail));
    }
    if pm.region_attributes.is_empty() {
        return unplaced(
            UnplacedReason::NotSet,
            format!("provider `{}` gives its resources no region", pm.name),
        );
    }
    if !pm.region_env.is_empty() {
        let place = if o.provider_block {
            "its provider block gives none"
        } else {
            "no provider block configures it"
        };
        return unplaced(
            UnplacedReason::RunTime,
            format!(
                "no region in the code ({place}): provider `{}` takes it when Terraform runs ({}, or its configuration file)",
                pm.name,
                pm.region_env.join(", ")
            ),
        );
    }
    unplaced(
        UnplacedReason::NotSet,
        format!(
            "no {} on the resource, its provider or what it points at",
            pm.region_attributes.join(" or ")
        ),
    )
}

/// A region as the catalog writes it, with the evidence of any rewriting.
fn catalog_region(
    pm: &ProviderMapping,
    offer: Option<&nuage_catalog::Offer>,
    raw: &str,
) -> (String, Option<String>) {
    let code = pm
        .region_form
        .map_or_else(|| raw.to_owned(), |f| f.apply(raw));
    if let Some(offer) = offer
        && pm.region_site_prefix
        && offer.region(&code).is_none()
    {
        let site = code.trim_end_matches(|c: char| c.is_ascii_digit());
        if site != code && offer.region(site).is_some() {
            return (
                site.to_owned(),
                Some(format!("{code}: a datacentre of site {site}")),
            );
        }
    }
    let note = (code != raw).then(|| format!("written \"{raw}\""));
    (code, note)
}

/// Turns what was seen into an inventory entry.
#[allow(
    clippy::too_many_lines,
    reason = "one pass over an observation, in the order its fields are settled"
)]
fn resolve(
    mut o: Observed,
    class: &TypeMapping,
    mappings: &Mappings,
    catalog: &Catalog,
) -> Resource {
    let mut evidence = std::mem::take(&mut o.evidence);
    let mut unknown = Vec::new();
    let pm = mappings.provider(&o.provider);
    let provider_label = o
        .provider_config_name
        .clone()
        .unwrap_or_else(|| o.provider.clone());

    // The offer: a reader's hint, a rule on the provider configuration, the provider's offer.
    let mut offer = None;
    if let Some((id, why)) = &o.offer_hint {
        evidence.push(why.clone());
        offer = Some(id.clone());
    }
    if offer.is_none()
        && let Some(pm) = pm
    {
        for rule in &pm.rule {
            match o.provider_attrs.get(&rule.attribute) {
                Some(Val::Str(v)) if rule.matches(v) => {
                    evidence.push(format!(
                        "offer = {} ← provider \"{provider_label}\": {} = \"{v}\"",
                        rule.offer, rule.attribute
                    ));
                    offer = Some(rule.offer.clone());
                    break;
                }
                Some(Val::Unknown) => unknown.push(format!("provider.{}", rule.attribute)),
                _ => {}
            }
        }
        if offer.is_none()
            && let Some(id) = &pm.offer
        {
            evidence.push(format!("offer = {id} ← provider \"{}\"", pm.name));
            offer = Some(id.clone());
        }
    }
    // One look-up in the catalog per resource (this runs 100 000 times on large trees).
    let mut catalog_offer = offer.as_deref().and_then(|id| catalog.offer(id));
    if offer.is_some() && catalog_offer.is_none() {
        evidence.push(format!(
            "offer {} is not in catalog {}",
            offer.as_deref().unwrap_or(""),
            catalog.version()
        ));
        offer = None;
    }

    // Zones: the resource's zone attributes, then the subnets it points at, then a reader's rule.
    let mut zones: Vec<String> = Vec::new();
    if let Some(pm) = pm {
        for attr in &pm.zone_attributes {
            match o.attrs.get(attr) {
                Some(v) if v.strings().is_none() && v.has_unknown() => unknown.push(attr.clone()),
                Some(v) => {
                    if let Some(found) = v.strings() {
                        if !found.is_empty() {
                            evidence.push(format!("zones ← {attr} = {}", found.join(", ")));
                        }
                        zones.extend(found);
                    }
                }
                None => {}
            }
        }
    }
    if let Some((z, why)) = &o.extra_zones {
        evidence.push(why.clone());
        zones.extend(z.iter().cloned());
    }

    // A workload pinned to zones the catalog lists under one offer only runs on it.
    if offer.is_none()
        && pm.is_some_and(|p| p.hosts == Hosts::Elsewhere)
        && let Some(zone) = zones.first()
    {
        let owners: Vec<&nuage_catalog::Offer> = catalog
            .offers()
            .iter()
            .filter(|off| {
                off.regions
                    .iter()
                    .any(|r| r.zones.iter().any(|z| z == zone))
            })
            .collect();
        if let [only] = owners.as_slice() {
            evidence.push(format!("offer = {} ← zone {zone} (catalog)", only.id));
            offer = Some(only.id.clone());
            catalog_offer = Some(only);
        }
    }

    // The region: the resource's own, the provider configuration's, or the zone's.
    let mut region = None;
    let mut unplaced_why: Option<Unplaced> = None;
    if let Some(pm) = pm {
        for attr in &pm.region_attributes {
            match o.attrs.get(attr) {
                Some(Val::Str(r)) => {
                    let (code, note) = catalog_region(pm, catalog_offer, r);
                    let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
                    evidence.push(format!("region = {code} ← {attr}{note}"));
                    region = Some(code);
                    break;
                }
                Some(Val::Unknown) => unknown.push(attr.clone()),
                _ => {}
            }
        }
        // The resource's own zone says more than its provider's default region.
        if region.is_none()
            && let (Some(rule), Some(zone)) = (pm.zone_to_region, zones.first())
            && let Some(r) = rule.region(zone)
        {
            evidence.push(format!("region = {r} ← zone {zone}"));
            region = Some(r);
        }
        if region.is_none() {
            for attr in &pm.region_attributes {
                match o.provider_attrs.get(attr) {
                    Some(Val::Str(r)) => {
                        let (code, note) = catalog_region(pm, catalog_offer, r);
                        let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
                        evidence.push(format!(
                            "region = {code} ← provider \"{provider_label}\"{note}"
                        ));
                        region = Some(code);
                        break;
                    }
                    Some(Val::Unknown) => unknown.push(format!("provider.{attr}")),
                    _ => {}
                }
            }
        }
        // A provider-level default zone (Scaleway's `zone`) places zonal resources.
        let zonal = matches!(
            class.service,
            ServiceClass::Compute
                | ServiceClass::Database
                | ServiceClass::BlockStorage
                | ServiceClass::Kubernetes
        );
        if zones.is_empty() && zonal {
            for attr in &pm.zone_attributes {
                if let Some(Val::Str(z)) = o.provider_attrs.get(attr) {
                    evidence.push(format!(
                        "zones ← provider \"{provider_label}\": {attr} = {z}"
                    ));
                    zones.push(z.clone());
                    if region.is_none() {
                        region = pm.zone_to_region.and_then(|rule| rule.region(z));
                    }
                    break;
                }
            }
        }
        // A zone the catalog lists under the offer's regions.
        if region.is_none()
            && let (Some(off), Some(zone)) = (catalog_offer, zones.first())
            && let Some(r) = off
                .regions
                .iter()
                .find(|r| r.zones.iter().any(|z| z == zone))
        {
            evidence.push(format!("region = {} ← zone {zone} (catalog)", r.code));
            region = Some(r.code.clone());
        }
        // An offer the catalog knows in one region only is there.
        if region.is_none()
            && pm.regionless.is_none()
            && let Some(off) = catalog_offer
            && let [only] = off.regions.as_slice()
        {
            evidence.push(format!(
                "region = {} ← the only region of {} in the catalog",
                only.code, off.id
            ));
            region = Some(only.code.clone());
        }
        if pm.qualify_zones_with_region
            && let Some(r) = &region
        {
            for z in &mut zones {
                if !z.starts_with(r.as_str()) {
                    *z = format!("{r}-{z}");
                }
            }
        }
        if pm.hosts != Hosts::Nothing {
            if offer.is_none() {
                unplaced_why = Some(offer_unknown(&o, Some(pm)));
            } else if let Some(r) = &region {
                if let Some(off) = catalog_offer
                    && !off.regions.is_empty()
                    && off.region(r).is_none()
                {
                    unplaced_why = Some(unplaced(
                        UnplacedReason::RegionNotInCatalog,
                        format!(
                            "region `{r}` is not among the regions of {} in catalog {}",
                            off.id,
                            catalog.version()
                        ),
                    ));
                }
            } else {
                unplaced_why = Some(region_unknown(&o, pm));
            }
        }
    } else {
        unplaced_why = Some(offer_unknown(&o, None));
    }
    zones.sort();
    zones.dedup();

    // Replication across zones for databases.
    let mut multi_zone = None;
    if let Some((verdict, why)) = &o.multi_zone {
        evidence.push(why.clone());
        multi_zone = *verdict;
    } else if let Some(rule) = &class.multi_zone {
        if rule.always {
            multi_zone = Some(true);
            evidence.push("multi_zone = true ← replicated across zones by design".into());
        } else if let (Some(attr), Some(expected)) = (&rule.attribute, &rule.equals) {
            match o.attrs.get(attr) {
                Some(Val::Unknown) => unknown.push(attr.clone()),
                Some(v) => {
                    let yes = v.equals(expected);
                    evidence.push(format!("multi_zone = {yes} ← {attr}"));
                    multi_zone = Some(yes);
                }
                None => {
                    evidence.push(format!("multi_zone = false ← {attr} not set"));
                    multi_zone = Some(false);
                }
            }
        }
    } else if class.service == ServiceClass::Database && zones.len() >= 2 {
        multi_zone = Some(true);
    }
    unknown.sort();
    unknown.dedup();
    Resource {
        address: o.address,
        kind: o.kind,
        provider: pm.map_or(o.provider, |p| p.name.clone()),
        offer,
        region,
        zones,
        file: o.file,
        line: o.line,
        service: class.service,
        portability: class.portability,
        label: class.label.clone(),
        multi_zone,
        repeated: o.repeated,
        unknown,
        evidence,
        source: o.source,
        unplaced: unplaced_why,
    }
}
