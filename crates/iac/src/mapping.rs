//! Provider → offer and resource type → service/portability mappings, as data.

use std::collections::HashMap;
use std::fmt;

use nuage_catalog::Catalog;
use nuage_doctrine::{Portability, ServiceClass};
use serde::Deserialize;

/// How a zone name yields its region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneToRegion {
    /// `eu-west-3a` → `eu-west-3`.
    TrimLetter,
    /// `europe-west9-a` → `europe-west9`, `fr-par-1` → `fr-par`.
    TrimSuffix,
}

impl ZoneToRegion {
    pub fn region(self, zone: &str) -> Option<String> {
        match self {
            ZoneToRegion::TrimLetter => {
                let last = zone.chars().last()?;
                let head = zone.get(..zone.len() - 1)?;
                (last.is_ascii_lowercase()
                    && !head.is_empty()
                    && head.ends_with(|c: char| c.is_ascii_digit()))
                .then(|| head.to_owned())
            }
            ZoneToRegion::TrimSuffix => zone
                .rsplit_once('-')
                .map(|(r, _)| r.to_owned())
                .filter(|r| !r.is_empty()),
        }
    }
}

/// A refinement of a provider's offer from its configuration (first match wins).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferRule {
    pub attribute: String,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub contains: Option<String>,
    pub offer: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl OfferRule {
    pub fn matches(&self, value: &str) -> bool {
        self.equals.as_deref().is_none_or(|e| e == value)
            && self.contains.as_deref().is_none_or(|c| value.contains(c))
    }
}

/// What a provider's resources run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hosts {
    /// The provider's own offer (or the one its rules name).
    #[default]
    Offer,
    /// It configures a service running elsewhere (a cluster, a database server, a SaaS).
    Elsewhere,
    /// Nothing: `random`, `tls`, `null`, `time`, `local`…
    Nothing,
}

/// How a provider writes its region codes, for comparing them with the catalog's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionForm {
    /// `EUROPE-WEST9` and `EU` → `europe-west9`, `eu` (Google's locations are case-insensitive).
    Lower,
    /// `West Europe` → `westeurope` (Azure's display names and codes).
    LowerNoSpaces,
    /// `gra7` → `GRA7` (OVHcloud).
    Upper,
}

impl RegionForm {
    pub fn apply(self, region: &str) -> String {
        match self {
            RegionForm::Lower => region.trim().to_ascii_lowercase(),
            RegionForm::LowerNoSpaces => region
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase(),
            RegionForm::Upper => region.trim().to_ascii_uppercase(),
        }
    }
}

/// What Nuage knows of a Terraform provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderMapping {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Other providers with the same settings, each keeping its own name.
    #[serde(default)]
    pub also: Vec<String>,
    #[serde(default)]
    pub offer: Option<String>,
    /// What its resources run on.
    #[serde(default)]
    pub hosts: Hosts,
    /// Its resources have no region (a global service); why, in words.
    #[serde(default)]
    pub regionless: Option<String>,
    #[serde(default)]
    pub region_attributes: Vec<String>,
    /// How region codes are written, to compare them with the catalog's.
    #[serde(default)]
    pub region_form: Option<RegionForm>,
    /// A code the catalog does not list may name a site by its letters (`GRA7` → `GRA`).
    #[serde(default)]
    pub region_site_prefix: bool,
    /// Environment variables the provider takes its region from when the code gives none.
    #[serde(default)]
    pub region_env: Vec<String>,
    /// Attributes pointing at resources whose region this one takes (an Azure subnet its
    /// virtual network's, anything its resource group's).
    #[serde(default)]
    pub region_via: Vec<String>,
    #[serde(default)]
    pub zone_attributes: Vec<String>,
    /// Attributes that point at subnets whose zones are the resource's zones.
    #[serde(default)]
    pub zone_via: Vec<String>,
    #[serde(default)]
    pub zone_to_region: Option<ZoneToRegion>,
    /// Zone names repeat across regions (`1`, `2`): prefix them with the region.
    #[serde(default)]
    pub qualify_zones_with_region: bool,
    #[serde(default)]
    pub rule: Vec<OfferRule>,
    /// Kubernetes CSI provisioners of this provider's volumes.
    #[serde(default)]
    pub csi_provisioners: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// A scalar in a mapping file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// How to tell whether a database is replicated across zones.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiZone {
    #[serde(default)]
    pub attribute: Option<String>,
    #[serde(default)]
    pub equals: Option<Scalar>,
    #[serde(default)]
    pub always: bool,
}

/// A resource type's classes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeMapping {
    #[serde(rename = "match")]
    pub pattern: String,
    pub service: ServiceClass,
    pub portability: Portability,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub multi_zone: Option<MultiZone>,
    #[serde(default)]
    pub note: Option<String>,
}

impl TypeMapping {
    fn matches(&self, kind: &str) -> bool {
        match self.pattern.strip_suffix('*') {
            Some(prefix) => kind.starts_with(prefix),
            None => kind == self.pattern,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    provider: Vec<ProviderMapping>,
    #[serde(default, rename = "type")]
    types: Vec<TypeMapping>,
}

/// A mapping file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MappingError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// All mappings in force for a scan.
#[derive(Debug, Clone)]
pub struct Mappings {
    providers: Vec<ProviderMapping>,

    types: Vec<TypeMapping>,
    by_name: HashMap<String, usize>,
    fallback: TypeMapping,
    wanted: Wanted,
}

/// The resource attributes any mapping reads: readers keep only these.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    exact: std::collections::HashSet<String>,
    prefixes: std::collections::HashSet<String>,
}

impl Wanted {
    fn add(&mut self, path: &str) {
        self.exact.insert(path.to_owned());
        let mut acc = String::new();
        for part in path.split('.') {
            if !acc.is_empty() {
                self.prefixes.insert(acc.clone());
                acc.push('.');
            }
            acc.push_str(part);
        }
    }

    /// An attribute at this dotted path is read by some mapping.
    pub fn attribute(&self, path: &str) -> bool {
        self.exact.contains(path)
    }

    /// A nested block at this dotted path holds attributes some mapping reads.
    pub fn block(&self, path: &str) -> bool {
        self.prefixes.contains(path) || self.exact.contains(path)
    }
}

fn parse(name: &str, text: &str) -> Result<MappingFile, MappingError> {
    toml::from_str(text).map_err(|e| MappingError {
        file: name.to_owned(),
        line: e
            .span()
            .map(|s| text.get(..s.start).unwrap_or("").matches('\n').count() + 1),
        message: e.message().to_owned(),
    })
}

impl Mappings {
    /// The mappings compiled into Nuage.
    pub fn embedded(catalog: &Catalog) -> Result<Mappings, MappingError> {
        Mappings::with_overrides(catalog, None)
    }

    /// The embedded mappings, with a user's file (same format) taking precedence:
    /// its providers' rules come first and their other settings replace the embedded ones,
    /// its types are matched before the embedded ones.
    pub fn with_overrides(
        catalog: &Catalog,
        user: Option<(&str, &str)>,
    ) -> Result<Mappings, MappingError> {
        let mut providers =
            parse("providers.toml", include_str!("../data/providers.toml"))?.provider;
        let mut types = parse(
            "resource_types.toml",
            include_str!("../data/resource_types.toml"),
        )?
        .types;
        let mut files = vec![("providers.toml".to_owned(), providers.clone(), Vec::new())];
        if let Some((name, text)) = user {
            let file = parse(name, text)?;
            for p in &file.provider {
                match providers.iter_mut().find(|e| e.name == p.name) {
                    Some(existing) => {
                        let mut rules = p.rule.clone();
                        rules.append(&mut existing.rule);
                        existing.rule = rules;
                        if p.offer.is_some() {
                            existing.offer = p.offer.clone();
                        }
                        for (mine, theirs) in [
                            (&mut existing.region_attributes, &p.region_attributes),
                            (&mut existing.zone_attributes, &p.zone_attributes),
                            (&mut existing.zone_via, &p.zone_via),
                            (&mut existing.region_via, &p.region_via),
                            (&mut existing.region_env, &p.region_env),
                            (&mut existing.aliases, &p.aliases),
                        ] {
                            if !theirs.is_empty() {
                                *mine = theirs.clone();
                            }
                        }
                    }
                    None => providers.push(p.clone()),
                }
            }
            let mut user_types = file.types.clone();
            user_types.extend(types);
            types = user_types;
            files.push((name.to_owned(), file.provider, file.types));
        }
        for (file, provs, _) in &files {
            for p in provs {
                for offer in p.offer.iter().chain(p.rule.iter().map(|r| &r.offer)) {
                    if !catalog.contains_offer(offer) {
                        return Err(MappingError {
                            file: file.clone(),
                            line: None,
                            message: format!(
                                "provider `{}`: unknown offer `{offer}` (not in catalog {})",
                                p.name,
                                catalog.version()
                            ),
                        });
                    }
                }
            }
        }
        // `also = [...]`: one entry per name, with the same settings.
        let mut expanded = Vec::with_capacity(providers.len());
        for p in providers {
            for name in &p.also {
                let mut copy = p.clone();
                copy.name.clone_from(name);
                copy.also.clear();
                copy.aliases.clear();
                expanded.push(copy);
            }
            let mut p = p;
            p.also.clear();
            expanded.push(p);
        }
        let providers = expanded;
        let mut by_name = HashMap::new();
        for (i, p) in providers.iter().enumerate() {
            by_name.insert(p.name.clone(), i);
            for a in &p.aliases {
                by_name.insert(a.clone(), i);
            }
        }
        let mut wanted = Wanted::default();
        for key in ["provider", "count", "for_each"] {
            wanted.add(key);
        }
        for p in &providers {
            for a in p
                .region_attributes
                .iter()
                .chain(&p.zone_attributes)
                .chain(&p.zone_via)
                .chain(&p.region_via)
            {
                wanted.add(a);
            }
        }
        for t in &types {
            if let Some(a) = t.multi_zone.as_ref().and_then(|m| m.attribute.as_deref()) {
                wanted.add(a);
            }
        }
        Ok(Mappings {
            wanted,
            providers,
            types,
            by_name,
            fallback: TypeMapping {
                pattern: "*".into(),
                service: ServiceClass::Other,
                portability: Portability::Portable,
                label: None,
                multi_zone: None,
                note: None,
            },
        })
    }

    pub fn provider(&self, name: &str) -> Option<&ProviderMapping> {
        self.by_name.get(name).and_then(|&i| self.providers.get(i))
    }

    /// The classes of a resource type (or a Kubernetes kind).
    pub fn classify(&self, kind: &str) -> &TypeMapping {
        self.types
            .iter()
            .find(|t| t.matches(kind))
            .unwrap_or(&self.fallback)
    }

    /// The resource attributes the mappings read.
    pub fn wanted(&self) -> &Wanted {
        &self.wanted
    }

    pub fn types(&self) -> &[TypeMapping] {
        &self.types
    }

    pub fn providers(&self) -> &[ProviderMapping] {
        &self.providers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maps() -> Mappings {
        Mappings::embedded(&Catalog::embedded().unwrap()).unwrap()
    }

    #[test]
    fn embedded_mappings_load_and_name_known_offers() {
        let m = maps();
        assert_eq!(m.provider("google-beta").unwrap().name, "google");
        assert_eq!(
            m.provider("outscale").unwrap().offer.as_deref(),
            Some("outscale-iaas")
        );
    }

    #[test]
    fn the_issue_s_examples_are_classified() {
        let m = maps();
        for (kind, port) in [
            ("aws_dynamodb_table", Portability::Proprietary),
            ("azurerm_cosmosdb_account", Portability::Proprietary),
            ("google_bigquery_dataset", Portability::Proprietary),
            ("aws_lambda_function", Portability::Proprietary),
            ("google_cloudfunctions2_function", Portability::Proprietary),
            ("aws_db_instance", Portability::Portable),
            ("aws_s3_bucket", Portability::Portable),
            ("aws_eks_cluster", Portability::Portable),
            ("scaleway_rdb_instance", Portability::Portable),
        ] {
            assert_eq!(m.classify(kind).portability, port, "{kind}");
        }
        assert_eq!(m.classify("something_unknown").service, ServiceClass::Other);
    }

    #[test]
    fn zones_give_regions() {
        assert_eq!(
            ZoneToRegion::TrimLetter.region("eu-west-3a").as_deref(),
            Some("eu-west-3")
        );
        assert_eq!(
            ZoneToRegion::TrimSuffix.region("europe-west9-b").as_deref(),
            Some("europe-west9")
        );
        assert_eq!(
            ZoneToRegion::TrimSuffix.region("fr-par-2").as_deref(),
            Some("fr-par")
        );
    }

    #[test]
    fn user_mappings_take_precedence_and_are_checked() {
        let c = Catalog::embedded().unwrap();
        let user = "[[provider]]\nname = \"openstack\"\n[[provider.rule]]\nattribute = \"auth_url\"\ncontains = \"pi.example\"\noffer = \"pi-interieur\"\n";
        let m = Mappings::with_overrides(&c, Some(("mine.toml", user))).unwrap();
        let rule = m.provider("openstack").unwrap().rule.first().unwrap();
        assert_eq!(rule.offer, "pi-interieur");
        let bad = "[[provider]]\nname = \"x\"\noffer = \"nowhere\"\n";
        let e = Mappings::with_overrides(&c, Some(("bad.toml", bad))).unwrap_err();
        assert!(e.to_string().contains("unknown offer `nowhere`"), "{e}");
        let e = Mappings::with_overrides(&c, Some(("bad.toml", "[[provider]]\nnom = 1\n")))
            .unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
