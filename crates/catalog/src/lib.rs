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
mod freshness;
mod load;
mod model;

use std::collections::HashMap;

pub use date::{Date, DateError};
pub use freshness::{FactRecord, STALE_AFTER_MONTHS};
pub use load::{CatalogError, CatalogFiles, Problem};
pub use model::{
    AdequacyDecision, Availability, Confidence, DataProtection, Evaluation, Fact, Hds,
    HdsReferential, HdsStatus, HostedOn, Jurisdiction, Milestone, Noted, Offer, OfferKind,
    Qualification, QualificationStatus, Region, SecNumCloudState, ServiceModel, Source,
    UserService,
};

/// A validated catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    version: String,
    sources: Vec<Source>,
    offers: Vec<Offer>,
    jurisdictions: Vec<Jurisdiction>,
    hds_referentials: Vec<HdsReferential>,
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
        hds_referentials: Vec<HdsReferential>,
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
            hds_referentials,
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

    /// The versions of the HDS referential and the dates that govern their certificates.
    pub fn hds_referentials(&self) -> &[HdsReferential] {
        &self.hds_referentials
    }

    pub fn hds_referential(&self, id: &str) -> Option<&HdsReferential> {
        self.hds_referentials.iter().find(|r| r.id == id)
    }

    /// The HDS certification of `offer` on `date`, in `region` when given. A certification
    /// limited to some regions answers [`HdsStatus::PerimeterUnspecified`] without a region; one
    /// under an older or unnamed referential answers [`HdsStatus::ReferentialLapsed`] once the
    /// older referential's certificates stopped being valid (16 May 2026 for the 2018 one).
    pub fn hds_on<'a>(&self, offer: &'a Offer, date: Date, region: Option<&str>) -> HdsStatus<'a> {
        let h = &offer.hds;
        match h.value {
            None => return HdsStatus::Unknown,
            Some(false) => return HdsStatus::NotCertified,
            Some(true) => {}
        }
        if let Some(scope) = &h.regions {
            let inside = |code: &str| scope.iter().any(|r| r == code);
            match region {
                Some(r) if !inside(r) => return HdsStatus::RegionOutOfScope(h),
                None if offer.regions.iter().any(|r| !inside(&r.code)) => {
                    return HdsStatus::PerimeterUnspecified(h);
                }
                _ => {}
            }
        }
        if h.since.is_some_and(|since| date < since) {
            return HdsStatus::NotYet(h);
        }
        if h.until.is_some_and(|until| date > until) {
            return HdsStatus::Expired(h);
        }
        let lapse = match h
            .referential
            .as_deref()
            .and_then(|id| self.hds_referential(id))
        {
            Some(r) => r.certificates_valid_until,
            // An unnamed referential may be the older one: its certificates' end applies.
            None => self
                .hds_referentials
                .iter()
                .filter_map(|r| r.certificates_valid_until)
                .max(),
        };
        match lapse {
            Some(until) if date > until => HdsStatus::ReferentialLapsed { hds: h, until },
            _ => HdsStatus::Certified(h),
        }
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

    fn offer<'c>(c: &'c Catalog, id: &str) -> &'c Offer {
        c.offer(id).unwrap_or_else(|| panic!("missing offer {id}"))
    }

    #[test]
    fn embedded_catalog_is_valid_and_has_the_required_offers() {
        let c = catalog();
        for id in [
            "pi-interieur",
            "nubo-dgfip",
            "outscale-iaas",
            "ovhcloud-hpc-vmware-snc",
            "ovhcloud-snc-cloud-platform",
            "cloud-temple-secure-temple",
            "cloud-temple-paas-openshift",
            "s3ns-premi3ns",
            "bleu-azure-m365",
            "scaleway-cloud",
            "numspot",
            "oodrive",
            "whaller-donjon",
            "wimi",
            "scalingo",
            "cegedim-cegnumcloud",
            "exoscale",
            "clever-cloud",
            "ovhcloud-public-cloud",
            "orange-flexible-engine",
            "aws",
            "microsoft-azure",
            "google-cloud",
            "microsoft-365",
            "google-workspace",
            "tchap",
            "messagerie-collaborative-etat",
            "resana",
            "osmose",
            "audioconf",
            "webconf-etat",
            "webinaire-etat",
            "france-transfert",
            "lasuite-visio",
            "lasuite-docs",
            "lasuite-fichiers",
        ] {
            assert!(c.offer(id).is_some(), "missing offer {id}");
        }
        assert!(c.offers().len() >= 35, "{} offers", c.offers().len());
    }

    #[test]
    fn qualification_is_answered_as_of_a_date() {
        let c = catalog();
        let s3ns = offer(&c, "s3ns-premi3ns");
        assert!(matches!(
            s3ns.secnumcloud_on(day("2025-12-16"), None),
            QualificationStatus::NotYet(_)
        ));
        assert!(s3ns.secnumcloud_on(day("2025-12-17"), None).is_qualified());
        assert!(
            s3ns.secnumcloud_for(day("2025-12-17"), Some("u-france-east1"), None)
                .is_qualified()
        );
        assert_eq!(
            offer(&c, "aws").secnumcloud_on(day("2026-01-01"), None),
            QualificationStatus::Never
        );
        // OVHcloud's Hosted Private Cloud was qualified years before 2025, in Roubaix and Strasbourg.
        let ovh = offer(&c, "ovhcloud-hpc-vmware-snc");
        assert!(
            ovh.secnumcloud_for(day("2022-03-01"), Some("SBG"), None)
                .is_qualified()
        );
    }

    #[test]
    fn outscale_is_qualified_in_cloudgouv_only() {
        let c = catalog();
        let outscale = offer(&c, "outscale-iaas");
        let on = day("2024-06-03");
        assert!(
            outscale
                .secnumcloud_for(on, Some("cloudgouv-eu-west-1"), None)
                .is_qualified()
        );
        assert!(matches!(
            outscale.secnumcloud_for(on, Some("eu-west-2"), None),
            QualificationStatus::RegionOutOfScope(_)
        ));
        assert!(matches!(
            outscale.secnumcloud_for(on, Some("us-east-2"), None),
            QualificationStatus::RegionOutOfScope(_)
        ));
        // Without a region, one use of the offer cannot be called qualified…
        assert!(matches!(
            outscale.secnumcloud_for(on, None, None),
            QualificationStatus::PerimeterUnspecified(_)
        ));
        // … while the offer as a whole has a qualified part.
        assert!(outscale.secnumcloud_on(on, None).is_qualified());
        // Before the 3.2 qualification, a qualification is reported with no perimeter: unconfirmed.
        assert!(matches!(
            outscale.secnumcloud_for(day("2022-01-10"), Some("eu-west-2"), None),
            QualificationStatus::Unconfirmed(_)
        ));
    }

    #[test]
    fn a_reported_validity_end_without_renewal_is_unknown_not_qualified() {
        let c = catalog();
        let outscale = offer(&c, "outscale-iaas");
        let region = Some("cloudgouv-eu-west-1");
        assert!(
            outscale
                .secnumcloud_for(day("2026-11-30"), region, None)
                .is_qualified()
        );
        let after = outscale.secnumcloud_for(day("2026-12-02"), region, None);
        assert!(
            matches!(after, QualificationStatus::RenewalUnknown(_)),
            "{after:?}"
        );
        assert!(after.is_unsettled() && !after.is_qualified());
        assert_eq!(
            outscale.secnumcloud_state(day("2026-12-02"), region, None),
            SecNumCloudState::Unknown
        );
        // The list of trusted offers follows: nuage-doctrine, trust.rs.
    }

    #[test]
    fn an_uncertain_source_never_makes_an_offer_qualified() {
        let c = catalog();
        for id in ["whaller-donjon", "orange-cloud-avenue"] {
            let status = offer(&c, id).secnumcloud_on(day("2026-06-01"), None);
            assert!(
                matches!(status, QualificationStatus::Unconfirmed(_)),
                "{id}: {status:?}"
            );
        }
    }

    #[test]
    fn an_offer_in_evaluation_per_service_model() {
        let c = catalog();
        let bleu = offer(&c, "bleu-azure-m365");
        let on = day("2026-11-23");
        assert_eq!(
            bleu.secnumcloud_state(on, None, Some(ServiceModel::Iaas)),
            SecNumCloudState::InEvaluation
        );
        // The office suite is another service model: not in Bleu's J0.
        assert_eq!(
            bleu.secnumcloud_state(on, None, Some(ServiceModel::Saas)),
            SecNumCloudState::None
        );
        // Before J0, nothing was under way.
        assert_eq!(
            bleu.secnumcloud_state(day("2025-04-16"), None, Some(ServiceModel::Iaas)),
            SecNumCloudState::None
        );
        assert!(!bleu.secnumcloud_on(on, None).is_qualified());
        let its = offer(&c, "its-integra-itsecurecloud");
        let ev = its.evaluation_on(day("2026-01-05"), None, None).unwrap();
        assert_eq!(ev.milestone_on(day("2026-01-05")).map(|m| m.0), Some("J1"));
        assert_eq!(ev.milestone_on(day("2025-10-01")).map(|m| m.0), Some("J0"));
    }

    #[test]
    fn hds_is_dated_by_referential_and_region() {
        let c = catalog();
        let scaleway = offer(&c, "scaleway-cloud");
        assert!(matches!(
            c.hds_on(scaleway, day("2025-03-17"), Some("fr-par")),
            HdsStatus::Certified(_)
        ));
        assert_eq!(
            c.hds_on(scaleway, day("2025-03-17"), Some("nl-ams"))
                .known(),
            Some(false)
        );
        assert!(matches!(
            c.hds_on(scaleway, day("2025-03-17"), None),
            HdsStatus::PerimeterUnspecified(_)
        ));
        // Before the day the sources establish it, the certification is not established.
        assert_eq!(
            c.hds_on(scaleway, day("2024-06-01"), Some("fr-par"))
                .known(),
            None
        );
        // Hosts certified under the 2018 referential (or an unnamed one) had until 16 May 2026.
        assert!(matches!(
            c.hds_on(scaleway, day("2026-05-17"), Some("fr-par")),
            HdsStatus::ReferentialLapsed { .. }
        ));
        assert!(matches!(
            c.hds_on(scaleway, day("2026-05-16"), Some("fr-par")),
            HdsStatus::Certified(_)
        ));
        // NumSpot states a 2024-referential certification: still certified after the transition.
        assert_eq!(
            c.hds_on(offer(&c, "numspot"), day("2026-12-02"), None)
                .known(),
            Some(true)
        );
        let r2024 = c.hds_referential("2024").unwrap();
        assert_eq!(r2024.published_on, Some(day("2024-05-16")));
        assert_eq!(
            c.hds_referential("2018").unwrap().certificates_valid_until,
            Some(day("2026-05-16"))
        );
        for id in ["microsoft-azure", "cloud-temple-secure-temple", "numspot"] {
            assert_eq!(offer(&c, id).hds.known(), Some(true), "{id}");
        }
    }

    #[test]
    fn adequacy_decisions_are_dated() {
        let c = catalog();
        let us = c.jurisdiction("US").unwrap();
        assert_eq!(
            us.status_on(day("2020-07-15")),
            DataProtection::PartialAdequacy
        );
        assert_eq!(
            us.status_on(day("2020-07-16")),
            DataProtection::ThirdCountry
        );
        assert_eq!(
            us.status_on(day("2022-01-10")),
            DataProtection::ThirdCountry
        );
        assert!(
            us.note_on(day("2022-01-10"))
                .is_none_or(|n| !n.contains("2023"))
        );
        assert_eq!(
            us.status_on(day("2023-07-10")),
            DataProtection::PartialAdequacy
        );
        assert!(
            us.note_on(day("2024-06-03"))
                .unwrap()
                .contains("10 juillet 2023")
        );
        let gb = c.jurisdiction("GB").unwrap();
        assert_eq!(gb.status_on(day("2025-12-27")), DataProtection::Adequacy);
        assert_eq!(gb.status_on(day("2025-12-28")), DataProtection::Adequacy);
        assert_eq!(
            gb.status_on(day("2031-12-28")),
            DataProtection::ThirdCountry
        );
        let kr = c.jurisdiction("KR").unwrap();
        assert_eq!(
            kr.status_on(day("2021-12-16")),
            DataProtection::ThirdCountry
        );
        assert_eq!(kr.status_on(day("2021-12-17")), DataProtection::Adequacy);
        let br = c.jurisdiction("BR").unwrap();
        assert_eq!(
            br.status_on(day("2025-12-31")),
            DataProtection::ThirdCountry
        );
        assert_eq!(br.status_on(day("2026-01-26")), DataProtection::Adequacy);
        // Countries without dated decisions keep their standing.
        let ch = c.jurisdiction("CH").unwrap();
        assert_eq!(ch.status_on(day("2021-07-05")), DataProtection::Adequacy);
        assert_eq!(
            c.jurisdiction("FR").unwrap().status_on(day("2021-07-05")),
            DataProtection::Eu
        );
    }

    #[test]
    fn hosted_products_and_availability() {
        let c = catalog();
        let webinaire = offer(&c, "webinaire-etat");
        let host = webinaire.hosted_on.as_ref().unwrap();
        assert_eq!(host.offer.as_deref(), Some("scaleway-cloud"));
        assert!(host.commercial);
        assert_eq!(webinaire.available_on(day("2021-06-14")), Some(false));
        assert_eq!(webinaire.available_on(day("2021-06-15")), Some(true));
        assert_eq!(offer(&c, "tchap").available_on(day("2021-06-15")), None);
    }

    #[test]
    fn freshness_lists_secondary_and_stale_facts() {
        let c = catalog();
        let on = day("2026-12-02");
        let review = c.to_review_on(on);
        assert!(review.iter().any(
            |f| f.subject == "offer:outscale-iaas" && f.field == "secnumcloud[from 2023-12-11]"
        ));
        // Official and recent: not listed.
        assert!(
            !review
                .iter()
                .any(|f| f.subject == "offer:pi-interieur" && f.field == "immunity")
        );
        // Thirteen months later every fact is stale.
        let later = c.to_review_on(day("2027-12-24"));
        assert!(
            later
                .iter()
                .any(|f| f.subject == "offer:pi-interieur" && f.field == "immunity")
        );
        assert_eq!(later.len(), c.fact_records().len());
    }

    fn files_with_offers(offers: &str) -> CatalogFiles {
        let mut files = CatalogFiles::embedded();
        files.offers = vec![("offers/test.toml".into(), offers.into())];
        files
    }

    const HEAD: &str = "[[offer]]\nid = \"x\"\nname = \"X\"\nprovider = \"P\"\nkind = \"commercial\"\nservice_models = [\"iaas\"]\nreviewed_on = 2026-12-02\nsources = [\"seed-circular-2023\"]\n";

    fn refused(offers: &str) -> String {
        match Catalog::from_files(&files_with_offers(offers)) {
            Ok(_) => panic!("accepted:\n{offers}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn refuses_unknown_fields_with_file_and_line() {
        let text = refused(&format!("{HEAD}colour = \"blue\"\n"));
        assert!(text.contains("offers/test.toml:9"), "{text}");
        assert!(text.contains("colour"), "{text}");
    }

    #[test]
    fn refuses_an_offer_without_a_review_date() {
        let text = refused(&HEAD.replace("reviewed_on = 2026-12-02\n", ""));
        assert!(text.contains("offers/test.toml:1"), "{text}");
        assert!(text.contains("reviewed_on"), "{text}");
    }

    #[test]
    fn refuses_a_fact_without_a_source() {
        let text = refused(&format!(
            "{HEAD}immunity = {{ value = true, confidence = \"secondary\", reviewed_on = 2026-12-02 }}\n"
        ));
        assert!(text.contains("offer[x].immunity"), "{text}");
        assert!(text.contains("at least one source"), "{text}");
    }

    #[test]
    fn refuses_a_fact_without_reviewed_on() {
        let text = refused(&format!(
            "{HEAD}hds = {{ value = true, confidence = \"secondary\", sources = [\"aws-hds\"] }}\n"
        ));
        assert!(text.contains("offers/test.toml:1"), "{text}");
        assert!(text.contains("offer[x].hds.reviewed_on"), "{text}");
        let text = refused(&format!(
            "{HEAD}[[offer.secnumcloud]]\nfrom = 2024-01-01\nconfidence = \"secondary\"\nsources = [\"seed-circular-2023\"]\n"
        ));
        assert!(
            text.contains("offer[x].secnumcloud[from 2024-01-01].reviewed_on"),
            "{text}"
        );
        // An unknown fact needs no review date: there is nothing to check yet.
        assert!(
            Catalog::from_files(&files_with_offers(&format!(
                "{HEAD}hds = {{ confidence = \"uncertain\" }}\n"
            )))
            .is_ok()
        );
    }

    const TWO_REGIONS: &str = "[[offer.regions]]\ncode = \"r1\"\ncountry = \"FR\"\nsources = [\"seed-circular-2023\"]\n[[offer.regions]]\ncode = \"r2\"\ncountry = \"FR\"\nsources = [\"seed-circular-2023\"]\n";

    #[test]
    fn refuses_a_qualification_without_perimeter_on_an_offer_with_several_regions() {
        let period = "[[offer.secnumcloud]]\nfrom = 2024-01-01\nconfidence = \"secondary\"\nsources = [\"seed-circular-2023\"]\nreviewed_on = 2026-12-02\n";
        let text = refused(&format!("{HEAD}{period}{TWO_REGIONS}"));
        assert!(text.contains("offers/test.toml:1"), "{text}");
        assert!(
            text.contains("offer[x].secnumcloud[from 2024-01-01].regions"),
            "{text}"
        );
        assert!(text.contains("several regions"), "{text}");
        // Naming the perimeter is enough, and the query follows it region by region.
        let ok = Catalog::from_files(&files_with_offers(&format!(
            "{HEAD}{}{TWO_REGIONS}",
            period.replace("reviewed_on", "regions = [\"r1\"]\nreviewed_on")
        )))
        .unwrap();
        let x = ok.offer("x").unwrap();
        assert!(
            x.secnumcloud_for(day("2024-06-01"), Some("r1"), None)
                .is_qualified()
        );
        assert!(matches!(
            x.secnumcloud_for(day("2024-06-01"), Some("r2"), None),
            QualificationStatus::RegionOutOfScope(_)
        ));
        // A single-region offer needs no perimeter.
        assert!(
            Catalog::from_files(&files_with_offers(&format!(
                "{HEAD}{period}[[offer.regions]]\ncode = \"r1\"\ncountry = \"FR\"\nsources = [\"seed-circular-2023\"]\n"
            )))
            .is_ok()
        );
    }

    #[test]
    fn refuses_overlapping_qualifications() {
        let text = refused(&format!(
            "{HEAD}[[offer.secnumcloud]]\nfrom = 2020-01-01\nuntil = 2023-01-01\nconfidence = \"secondary\"\nsources = [\"seed-circular-2023\"]\nreviewed_on = 2026-12-02\n[[offer.secnumcloud]]\nfrom = 2022-06-01\nconfidence = \"secondary\"\nsources = [\"seed-circular-2023\"]\nreviewed_on = 2026-12-02\n"
        ));
        assert!(text.contains("overlaps"), "{text}");
    }

    #[test]
    fn refuses_perimeters_outside_the_offer() {
        let text = refused(&format!(
            "{HEAD}[[offer.secnumcloud]]\nfrom = 2024-01-01\nregions = [\"r9\"]\nservice_models = [\"saas\"]\nconfidence = \"secondary\"\nsources = [\"seed-circular-2023\"]\nreviewed_on = 2026-12-02\n{TWO_REGIONS}"
        ));
        assert!(
            text.contains("`r9` is not among the offer's regions"),
            "{text}"
        );
        assert!(
            text.contains("`saas` is not among the offer's service models"),
            "{text}"
        );
    }

    #[test]
    fn refuses_unknown_hosts_and_referentials() {
        let text = refused(&format!(
            "{HEAD}hds = {{ value = true, referential = \"2031\", confidence = \"secondary\", sources = [\"aws-hds\"], reviewed_on = 2026-12-02 }}\n[offer.hosted_on]\noffer = \"nowhere\"\ncommercial = true\nconfidence = \"secondary\"\nsources = [\"seed-circular-2023\"]\nreviewed_on = 2026-12-02\n"
        ));
        assert!(text.contains("unknown HDS referential `2031`"), "{text}");
        assert!(text.contains("unknown offer `nowhere`"), "{text}");
    }

    #[test]
    fn refuses_duplicate_ids_and_unknown_sources_and_countries() {
        let offer = |id: &str| {
            format!(
                "[[offer]]\nid = \"{id}\"\nname = \"X\"\nprovider = \"P\"\nkind = \"commercial\"\nservice_models = [\"iaas\"]\nreviewed_on = 2026-12-02\nsources = [\"nowhere\"]\n[[offer.regions]]\ncode = \"r1\"\ncountry = \"ZZ\"\nsources = [\"seed-circular-2023\"]\n"
            )
        };
        let text = refused(&(offer("x") + &offer("x")));
        assert!(text.contains("already used"), "{text}");
        assert!(text.contains("unknown source `nowhere`"), "{text}");
        assert!(text.contains("unknown country `ZZ`"), "{text}");
    }

    #[test]
    fn refuses_an_english_note_without_a_french_one() {
        let text = refused(&format!(
            "{HEAD}note_en = \"A note.\"\nimmunity = {{ confidence = \"uncertain\", note_en = \"Unknown.\" }}\n"
        ));
        assert!(text.contains("offers/test.toml:1"), "{text}");
        assert!(text.contains("offer[x].note_en"), "{text}");
        assert!(text.contains("offer[x].immunity.note_en"), "{text}");
        assert!(text.contains("translates a `note`"), "{text}");
    }

    #[test]
    fn refuses_an_english_note_copied_from_the_french_one() {
        let text = refused(&format!(
            "{HEAD}[[offer.secnumcloud]]\nfrom = 2024-01-01\nconfidence = \"secondary\"\nsources = [\"seed-circular-2023\"]\nreviewed_on = 2026-12-02\nnote = \"Périmètre IaaS.\"\nnote_en = \"Périmètre IaaS.\"\n"
        ));
        assert!(
            text.contains("offer[x].secnumcloud[from 2024-01-01].note_en"),
            "{text}"
        );
        assert!(text.contains("a copy of `note`"), "{text}");
        let mut files = CatalogFiles::embedded();
        files.jurisdictions.1 = "[[jurisdiction]]\ncode = \"FR\"\nname = \"France\"\nstatus = \"eu\"\nsources = [\"eu-members\"]\nreviewed_on = 2026-12-02\nnote = \"UE\"\nnote_en = \"UE\"\n".into();
        files.offers = Vec::new();
        let text = Catalog::from_files(&files).unwrap_err().to_string();
        assert!(text.contains("jurisdictions.toml:1"), "{text}");
        assert!(text.contains("jurisdiction[FR].note_en"), "{text}");
    }

    #[test]
    fn notes_are_read_in_english_when_translated() {
        let c = Catalog::from_files(&files_with_offers(&format!(
            "{HEAD}note = \"Offre fictive.\"\nnote_en = \"A made-up offer.\"\nhds = {{ confidence = \"uncertain\", note = \"Non établi.\" }}\n"
        )))
        .unwrap();
        let x = c.offer("x").unwrap();
        assert_eq!(x.note_in(true), Some("A made-up offer."));
        assert_eq!(x.note_in(false), Some("Offre fictive."));
        // Untranslated: the French note, in both languages.
        assert_eq!(x.hds.note_in(true), Some("Non établi."));
        assert_eq!(x.hds.note_in(false), Some("Non établi."));
        assert_eq!(x.immunity.note_in(true), None);
        // The embedded catalog: a decision's note follows the language.
        let c = catalog();
        let us = c.jurisdiction("US").unwrap();
        let on = day("2024-06-03");
        assert_eq!(us.note_on_in(on, false), us.note_on(on));
        let en = us.note_on_in(on, true).unwrap();
        assert!(en.contains("10 July 2023"), "{en}");
    }

    #[test]
    fn refuses_a_country_without_review_date_or_with_inconsistent_decisions() {
        let mut files = CatalogFiles::embedded();
        files.jurisdictions.1 = "[[jurisdiction]]\ncode = \"FR\"\nname = \"France\"\nstatus = \"eu\"\nsources = [\"eu-members\"]\n\n[[jurisdiction]]\ncode = \"US\"\nname = \"États-Unis\"\nstatus = \"adequacy\"\nsources = [\"ec-adequacy\"]\nreviewed_on = 2026-12-02\n[[jurisdiction.decision]]\ntitle = \"DPF\"\nfrom = 2023-07-10\nscope = \"partial_adequacy\"\nconfidence = \"official\"\nsources = [\"ec-adequacy\"]\nreviewed_on = 2026-12-02\n".into();
        files.offers = Vec::new();
        let text = Catalog::from_files(&files).unwrap_err().to_string();
        assert!(text.contains("jurisdictions.toml:1"), "{text}");
        assert!(text.contains("jurisdiction[FR].reviewed_on"), "{text}");
        assert!(text.contains("jurisdiction[US].status"), "{text}");
    }
}
