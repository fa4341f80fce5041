//! What a reader saw of one resource, and how it becomes an inventory [`Resource`]: offer,
//! region and zones from the provider mapping, classes from the type mapping. Readers differ
//! in how they get values; they all end here.

use std::collections::HashMap;

use nuage_catalog::Catalog;
use nuage_doctrine::{Resource, ServiceClass, SourceKind};

use crate::mapping::{Mappings, Scalar, TypeMapping};

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
            extra_zones: None,
            multi_zone: None,
            offer_hint: None,
            evidence: Vec::new(),
        }
    }
}

/// Zones found through subnets: a resource without zones of its own that points (through an
/// attribute the provider lists in `zone_via`) at resources with zones takes theirs.
pub fn zones_through_references(
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
            }
            r.zones = found;
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

/// Turns what was seen into an inventory entry.
fn resolve(o: Observed, class: &TypeMapping, mappings: &Mappings, catalog: &Catalog) -> Resource {
    let mut evidence = o.evidence;
    let mut unknown = Vec::new();
    let pm = mappings.provider(&o.provider);
    let provider_label = o
        .provider_config_name
        .clone()
        .unwrap_or_else(|| o.provider.clone());

    // The offer: a reader's hint, a rule on the provider configuration, the provider's offer.
    let mut offer = None;
    if let Some((id, why)) = o.offer_hint {
        evidence.push(why);
        offer = Some(id);
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

    // Zones: the resource's zone attributes, then the subnets it points at, then a reader's rule.
    let mut zones: Vec<String> = Vec::new();
    if let Some(pm) = pm {
        for attr in &pm.zone_attributes {
            match o.attrs.get(attr) {
                Some(Val::Unknown) => unknown.push(attr.clone()),
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
    if let Some((z, why)) = o.extra_zones {
        evidence.push(why);
        zones.extend(z);
    }

    // The region: the resource's own, the provider configuration's, or the zone's.
    let mut region = None;
    if let Some(pm) = pm {
        for attr in &pm.region_attributes {
            match o.attrs.get(attr) {
                Some(Val::Str(r)) => {
                    evidence.push(format!("region = {r} ← {attr}"));
                    region = Some(r.clone());
                    break;
                }
                Some(Val::Unknown) => unknown.push(attr.clone()),
                _ => {}
            }
        }
        if region.is_none() {
            for attr in &pm.region_attributes {
                match o.provider_attrs.get(attr) {
                    Some(Val::Str(r)) => {
                        evidence.push(format!("region = {r} ← provider \"{provider_label}\""));
                        region = Some(r.clone());
                        break;
                    }
                    Some(Val::Unknown) => unknown.push(format!("provider.{attr}")),
                    _ => {}
                }
            }
        }
        if region.is_none()
            && let (Some(rule), Some(zone)) = (pm.zone_to_region, zones.first())
            && let Some(r) = rule.region(zone)
        {
            evidence.push(format!("region = {r} ← zone {zone}"));
            region = Some(r);
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
        if pm.qualify_zones_with_region
            && let Some(r) = &region
        {
            for z in &mut zones {
                if !z.starts_with(r.as_str()) {
                    *z = format!("{r}-{z}");
                }
            }
        }
    }
    zones.sort();
    zones.dedup();

    // Replication across zones for databases.
    let mut multi_zone = None;
    if let Some((verdict, why)) = o.multi_zone {
        evidence.push(why);
        multi_zone = verdict;
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
    if offer
        .as_deref()
        .is_some_and(|id| !catalog.contains_offer(id))
    {
        evidence.push(format!(
            "offer {} is not in catalog {}",
            offer.as_deref().unwrap_or(""),
            catalog.version()
        ));
        offer = None;
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
    }
}
