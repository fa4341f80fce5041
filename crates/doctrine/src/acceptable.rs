//! « Une offre de cloud acceptable » in the catalog: when a derogation runs until « 12 mois
//! après la date à laquelle une offre acceptable sera disponible en France » and the project
//! has not declared that date, the catalog can tell the day such an offer appeared.
//!
//! Reading (ours, the texts leave it to judgement): an offer is acceptable for the need when
//! it is a commercial offer that is SecNumCloud-qualified and immune from extra-EU law
//! (R9's « cloud commercial de confiance ») and provides what the derogation covers: for
//! `r9_transitional`, one of the service models of the offers the project runs on; for
//! `office_suite`, every office service the derogation covers. `r7_no_cloud` has no such
//! deadline.

use nuage_catalog::{Catalog, Date, Offer, ServiceModel, UserService};

use crate::assessment::DerogationKind;
use crate::dossier::Dossier;
use crate::edition::Editions;

/// The first acceptable offer the catalog records, and from when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptableOffer {
    pub offer: String,
    pub since: Date,
}

/// The earliest day the catalog records an acceptable offer for what `kind` covers.
pub fn acceptable_offer(
    dossier: &Dossier,
    catalog: &Catalog,
    kind: DerogationKind,
    covers: &[UserService],
) -> Option<AcceptableOffer> {
    let fits: Box<dyn Fn(&Offer) -> bool> = match kind {
        DerogationKind::R7NoCloud | DerogationKind::R9EquivalentGuarantees => return None,
        DerogationKind::R9Transitional => {
            let mut models: Vec<ServiceModel> = dossier
                .hosting
                .environments
                .iter()
                .filter_map(|e| e.offer.as_deref().and_then(|id| catalog.offer(id)))
                .flat_map(|o| o.service_models.iter().copied())
                .collect();
            if models.is_empty() {
                models.push(ServiceModel::Iaas);
            }
            Box::new(move |o: &Offer| models.iter().any(|&m| o.offers_model(m)))
        }
        DerogationKind::OfficeSuite => {
            let needed = if covers.is_empty() {
                dossier.hosting.services.clone()
            } else {
                covers.to_vec()
            };
            if needed.is_empty() {
                return None;
            }
            Box::new(move |o: &Offer| needed.iter().all(|&s| o.provides(s)))
        }
    };
    catalog
        .offers()
        .iter()
        .filter(|o| o.is_commercial() && fits(o))
        .filter_map(|o| {
            // The first day a qualification starts on which the offer is trusted somewhere.
            o.secnumcloud
                .iter()
                .map(|q| q.from)
                .find(|&day| crate::trust::suits_sensitive_data(catalog, o, day))
                .map(|since| AcceptableOffer {
                    offer: o.id.clone(),
                    since,
                })
        })
        .min_by(|a, b| a.since.cmp(&b.since).then_with(|| a.offer.cmp(&b.offer)))
}

/// The deadline that follows from an acceptable offer available since `since`, under the
/// edition in force on `since` (12 months in both editions).
pub fn deadline_after(since: Date) -> Option<Date> {
    let editions = Editions::embedded().ok()?;
    let edition = editions
        .in_force_on(since)
        .or_else(|| editions.all().first())?;
    since.add_months(edition.thresholds.derogation_months_after_acceptable_offer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Format, read_dossier};

    fn catalog() -> Catalog {
        match Catalog::embedded() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn iaas_on_a_non_qualified_offer_finds_the_first_qualified_iaas() {
        let catalog = catalog();
        let dossier = read_dossier(
            include_str!("../../../examples/systeme-existant-derogation.toml"),
            Format::Toml,
            &catalog,
        )
        .unwrap();
        let found =
            acceptable_offer(&dossier, &catalog, DerogationKind::R9Transitional, &[]).unwrap();
        // OVHcloud's Hosted Private Cloud is the earliest established qualification the catalog
        // records (2021-10-18); OUTSCALE's 2020 qualification has no sourced perimeter and is
        // only « unconfirmed », which never makes an offer acceptable.
        assert_eq!(found.offer, "ovhcloud-hpc-vmware-snc");
        assert_eq!(found.since.to_string(), "2021-10-18");
        assert_eq!(
            deadline_after(found.since).unwrap().to_string(),
            "2022-10-18"
        );
        assert_eq!(
            acceptable_offer(&dossier, &catalog, DerogationKind::R7NoCloud, &[]),
            None
        );
    }
}
