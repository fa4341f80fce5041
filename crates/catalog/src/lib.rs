//! The catalog of offers the doctrine « Cloud au centre » is applied to.
//!
//! Internal State clouds, commercial clouds and the interministerial products, each with
//! its SecNumCloud qualification over time, its immunity from extra-EU law, its HDS
//! certification, its regions — and, for every fact, the source it rests on and how far it
//! can be trusted. The default catalog is compiled in ([`Catalog::embedded`]); a directory
//! with the same layout replaces it ([`CatalogFiles::read_dir`]).
//!
//! Everything here is data plus queries "as of a date": no clock is read.

mod date;
mod load;
mod model;

use std::collections::HashMap;

pub use date::{Date, DateError};
pub use load::{CatalogError, CatalogFiles, Problem};
pub use model::{
    Confidence, DataProtection, Evaluation, Fact, Jurisdiction, Offer, OfferKind, Qualification,
    QualificationStatus, Region, ServiceModel, Source, UserService,
};

/// A validated catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    version: String,
    sources: Vec<Source>,
    offers: Vec<Offer>,
    jurisdictions: Vec<Jurisdiction>,
    offer_index: HashMap<String, usize>,
    /// The offer ids, sorted, shared with readers that check ids without cloning them.
    offer_ids: std::sync::Arc<[String]>,
    source_index: HashMap<String, usize>,
    jurisdiction_index: HashMap<String, usize>,
}

impl Catalog {
    fn new(
        version: String,
        sources: Vec<Source>,
        offers: Vec<Offer>,
        jurisdictions: Vec<Jurisdiction>,
    ) -> Self {
        let index = |ids: Vec<String>| -> HashMap<String, usize> {
            ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect()
        };
        Catalog {
            offer_index: index(offers.iter().map(|o| o.id.clone()).collect()),
            offer_ids: offers.iter().map(|o| o.id.clone()).collect(),
            source_index: index(sources.iter().map(|s| s.id.clone()).collect()),
            jurisdiction_index: index(jurisdictions.iter().map(|j| j.code.clone()).collect()),
            version,
            sources,
            offers,
            jurisdictions,
        }
    }

    /// The catalog compiled into the binary.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::from_files(&CatalogFiles::embedded())
    }

    /// The catalog's version, recorded in every assessment.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every offer, sorted by id.
    pub fn offers(&self) -> &[Offer] {
        &self.offers
    }

    pub fn offer(&self, id: &str) -> Option<&Offer> {
        self.offer_index.get(id).and_then(|&i| self.offers.get(i))
    }

    /// Every offer id, sorted; cheap to clone.
    pub fn offer_ids(&self) -> std::sync::Arc<[String]> {
        std::sync::Arc::clone(&self.offer_ids)
    }

    pub fn contains_offer(&self, id: &str) -> bool {
        self.offer_index.contains_key(id)
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index.get(id).and_then(|&i| self.sources.get(i))
    }

    pub fn jurisdictions(&self) -> &[Jurisdiction] {
        &self.jurisdictions
    }

    /// A country by its ISO code.
    pub fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.jurisdiction_index
            .get(code)
            .and_then(|&i| self.jurisdictions.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        match Catalog::embedded() {
            Ok(c) => c,
            Err(e) => panic!("the embedded catalog is invalid:\n{e}"),
        }
    }

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn embedded_catalog_is_valid_and_has_the_required_offers() {
        let c = catalog();
        for id in [
            "pi-interieur",
            "nubo-dgfip",
            "outscale-iaas",
            "ovhcloud-hpc-vmware-snc",
            "cloud-temple-secure-temple",
            "s3ns-premi3ns",
            "bleu-azure-m365",
            "scaleway-cloud",
            "ovhcloud-public-cloud",
            "aws",
            "microsoft-azure",
            "google-cloud",
            "microsoft-365",
            "tchap",
            "resana",
            "osmose",
            "audioconf",
            "webconf-etat",
            "lasuite-visio",
            "lasuite-docs",
            "lasuite-fichiers",
        ] {
            assert!(c.offer(id).is_some(), "missing offer {id}");
        }
    }

    #[test]
    fn qualification_is_answered_as_of_a_date() {
        let c = catalog();
        let s3ns = c.offer("s3ns-premi3ns").unwrap();
        assert!(matches!(
            s3ns.secnumcloud_on(day("2025-12-16"), None),
            QualificationStatus::NotYet(_)
        ));
        assert!(s3ns.secnumcloud_on(day("2025-12-17"), None).is_qualified());
        let aws = c.offer("aws").unwrap();
        assert_eq!(
            aws.secnumcloud_on(day("2026-01-01"), None),
            QualificationStatus::Never
        );
        let outscale = c.offer("outscale-iaas").unwrap();
        assert!(
            outscale
                .secnumcloud_on(day("2024-06-03"), Some("eu-west-2"))
                .is_qualified()
        );
        assert!(matches!(
            outscale.secnumcloud_on(day("2024-06-03"), Some("us-east-2")),
            QualificationStatus::RegionOutOfScope(_)
        ));
    }

    fn files_with_offers(offers: &str) -> CatalogFiles {
        let mut files = CatalogFiles::embedded();
        files.offers = vec![("offers/test.toml".into(), offers.into())];
        files
    }

    #[test]
    fn refuses_unknown_fields_with_file_and_line() {
        let err = Catalog::from_files(&files_with_offers(
            "[[offer]]\nid = \"x\"\nname = \"X\"\nprovider = \"P\"\nkind = \"commercial\"\nservice_models = [\"iaas\"]\nsources = [\"seed-circular-2023\"]\ncolour = \"blue\"\n",
        ))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("offers/test.toml:8"), "{text}");
        assert!(text.contains("colour"), "{text}");
    }

    #[test]
    fn refuses_a_fact_without_a_source() {
        let err = Catalog::from_files(&files_with_offers(
            "[[offer]]\nid = \"x\"\nname = \"X\"\nprovider = \"P\"\nkind = \"commercial\"\nservice_models = [\"iaas\"]\nsources = [\"seed-circular-2023\"]\nimmunity = { value = true, confidence = \"secondary\" }\n",
        ))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("offer[x].immunity"), "{text}");
        assert!(text.contains("at least one source"), "{text}");
    }

    #[test]
    fn refuses_overlapping_qualifications() {
        let err = Catalog::from_files(&files_with_offers(
            r#"[[offer]]
id = "x"
name = "X"
provider = "P"
kind = "commercial"
service_models = ["iaas"]
sources = ["seed-circular-2023"]
[[offer.secnumcloud]]
from = 2020-01-01
until = 2023-01-01
confidence = "secondary"
sources = ["seed-circular-2023"]
[[offer.secnumcloud]]
from = 2022-06-01
confidence = "secondary"
sources = ["seed-circular-2023"]
"#,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("overlaps"), "{err}");
    }

    #[test]
    fn refuses_duplicate_ids_and_unknown_sources_and_countries() {
        let offer = |id: &str| {
            format!(
                "[[offer]]\nid = \"{id}\"\nname = \"X\"\nprovider = \"P\"\nkind = \"commercial\"\nservice_models = [\"iaas\"]\nsources = [\"nowhere\"]\n[[offer.regions]]\ncode = \"r1\"\ncountry = \"ZZ\"\nsources = [\"seed-circular-2023\"]\n"
            )
        };
        let err = Catalog::from_files(&files_with_offers(&(offer("x") + &offer("x")))).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("already used"), "{text}");
        assert!(text.contains("unknown source `nowhere`"), "{text}");
        assert!(text.contains("unknown country `ZZ`"), "{text}");
    }
}
