//! Properties over any valid dossier: assessed without panic, verdict agreeing with the
//! findings, byte-identical JSON across runs, and lossless text round trips in every format.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use nuage_catalog::{Catalog, Date, UserService};
use nuage_doctrine::dossier::*;
use nuage_doctrine::{Assessment, Format, Lang, Rule, assess, read_dossier};
use proptest::prelude::*;

fn catalog() -> &'static Catalog {
    static C: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

fn date() -> impl Strategy<Value = Date> {
    (2021i16..=2027, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

fn environment() -> impl Strategy<Value = Environment> {
    let ids: Vec<String> = catalog().offers().iter().map(|o| o.id.clone()).collect();
    let offer = prop_oneof![Just(None), proptest::sample::select(ids).prop_map(Some)];
    (
        proptest::sample::select(vec![
            EnvironmentKind::Production,
            EnvironmentKind::Staging,
            EnvironmentKind::DisasterRecovery,
            EnvironmentKind::Development,
            EnvironmentKind::Training,
            EnvironmentKind::Sandbox,
        ]),
        offer,
        proptest::collection::vec("[a-z]{1,3}-[0-9]", 0..3),
        proptest::option::of(proptest::sample::select(vec![
            "eu-west-2".to_owned(),
            "eu-west-3".to_owned(),
            "us-east-1".to_owned(),
            "fr-par".to_owned(),
            "nowhere".to_owned(),
        ])),
    )
        .prop_map(|(kind, offer, zones, region)| Environment {
            kind,
            offer,
            zones,
            region,
        })
}

fn data_set() -> impl Strategy<Value = DataSet> {
    (
        "[A-Za-zé ]{1,12}",
        any::<[bool; 8]>(),
        proptest::collection::vec(
            proptest::sample::select(vec![
                LegalSecret::GovernmentDeliberations,
                LegalSecret::NationalDefence,
                LegalSecret::PrivateLife,
                LegalSecret::Medical,
                LegalSecret::Business,
            ]),
            0..3,
        ),
        proptest::collection::vec(
            proptest::sample::select(vec![
                EssentialMission::NationalSecurity,
                EssentialMission::PublicOrder,
            ]),
            0..2,
        ),
        proptest::collection::vec(
            proptest::sample::select(vec![
                BreachImpact::PublicOrder,
                BreachImpact::PublicSecurity,
                BreachImpact::HealthAndLife,
                BreachImpact::IntellectualProperty,
            ]),
            0..3,
        ),
    )
        .prop_map(
            |(name, b, legal_secrets, essential_missions, breach_impacts)| DataSet {
                name,
                personal: b[0],
                citizens: b[1],
                agents: b[2],
                companies: b[3],
                special_category: b[4],
                health: b[5],
                diffusion_restreinte: b[6],
                other_grounds: if b[7] {
                    vec![nuage_doctrine::dossier::OtherGround {
                        criterion: nuage_doctrine::dossier::GroundCriterion::LegalSecret,
                        name: "secret statistique".into(),
                        text: "loi n° 51-711, art. 6".into(),
                    }]
                } else {
                    Vec::new()
                },
                legal_secrets,
                essential_missions,
                breach_impacts,
            },
        )
}

fn dossier() -> impl Strategy<Value = Dossier> {
    let project = (
        "[A-Za-z][A-Za-z ]{0,15}",
        proptest::sample::select(vec![
            EntityKind::CentralAdministration,
            EntityKind::DeconcentratedService,
            EntityKind::StateOperator,
            EntityKind::StateSupervisedBody,
            EntityKind::LocalAuthority,
            EntityKind::Other,
        ]),
        proptest::sample::select(vec![Nature::New, Nature::Evolution, Nature::Existing]),
        0u32..=100,
        any::<bool>(),
        0u64..20_000_000,
        proptest::option::of(date()),
        proptest::option::of(date()),
    )
        .prop_map(
            |(name, entity_kind, nature, share, provider_change, cost, engaged_on, acceptable)| {
                Project {
                    name,
                    entity: None,
                    entity_kind,
                    nature,
                    evolution_share: (nature == Nature::Evolution)
                        .then(|| Share::new(f64::from(share) / 100.0).unwrap()),
                    provider_change,
                    full_cost_eur: Euros::from_euros(cost),
                    engaged_on,
                    acceptable_offer_available_on: acceptable,
                }
            },
        );
    let hosting = (
        proptest::sample::select(vec![
            Approach::Cloud,
            Approach::Saas,
            Approach::OnPremise,
            Approach::Undecided,
        ]),
        proptest::collection::vec(proptest::sample::select(UserService::ALL.to_vec()), 0..4),
        proptest::collection::vec(environment(), 0..5),
    )
        .prop_map(|(approach, services, environments)| Hosting {
            approach,
            services,
            environments,
        });
    let safeguards = (
        any::<[Option<bool>; 8]>(),
        proptest::option::of(proptest::collection::vec("[A-Za-z]{1,8}", 0..3)),
        proptest::option::of(0u32..5),
    )
        .prop_map(|(b, lock_in_services, offers_compared)| Safeguards {
            reversibility_plan: b[0],
            reversibility_funded: b[1],
            compromise_detection: b[2],
            lock_in_services,
            lock_in_financed: b[3],
            offers_compared,
            bespoke_development: b[4],
            equivalent_exists: b[5],
            comparative_study: b[6],
            transfer_safeguards: b[7],
        });
    let assessed_on = (2021i16..=2027, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| {
        Date::new(y, m, d)
            .unwrap()
            .max(Date::new(2021, 7, 5).unwrap())
    });
    (
        proptest::option::of(assessed_on),
        project,
        hosting,
        proptest::collection::vec(data_set(), 0..3),
        safeguards,
    )
        .prop_map(
            |(assessed_on, project, hosting, data, safeguards)| Dossier {
                assessed_on,
                project,
                hosting,
                data,
                safeguards,
            },
        )
}

fn run(d: &Dossier, lang: Lang) -> Assessment {
    let on = d.assessment_date(Date::new(2026, 11, 23).unwrap());
    assess(d, catalog(), on, lang).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_valid_dossier_is_assessed_consistently(d in dossier(), en in any::<bool>()) {
        let lang = if en { Lang::En } else { Lang::Fr };
        let a = run(&d, lang);
        prop_assert_eq!(a.verdict, Assessment::verdict_of(a.in_scope, &a.findings));
        prop_assert_eq!(a.findings.len(), Rule::ALL.len());
        prop_assert_eq!(a.secnumcloud_required, a.in_scope && a.particularly_sensitive);
        prop_assert!(!a.concerned || a.in_scope);
        for f in &a.findings {
            prop_assert!(!f.message.is_empty());
            prop_assert!(!f.citations.is_empty());
        }
        let first = serde_json::to_vec(&a).unwrap();
        let second = serde_json::to_vec(&run(&d, lang)).unwrap();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn dossiers_survive_every_text_format(d in dossier()) {
        let as_toml = toml::to_string(&d).unwrap();
        prop_assert_eq!(&read_dossier(&as_toml, Format::Toml, catalog()).unwrap(), &d);
        let as_json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(&read_dossier(&as_json, Format::Json, catalog()).unwrap(), &d);
        let as_yaml = yaml_serde::to_string(&d).unwrap();
        prop_assert_eq!(&read_dossier(&as_yaml, Format::Yaml, catalog()).unwrap(), &d);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        for format in [Format::Toml, Format::Json, Format::Yaml] {
            let _ = read_dossier(&text, format, catalog());
        }
    }

    #[test]
    fn mutated_dossiers_never_panic(d in dossier(), cut in 0usize..2000, junk in ".{0,8}") {
        for format in [Format::Toml, Format::Json, Format::Yaml] {
            let text = match format {
                Format::Toml => toml::to_string(&d).unwrap(),
                Format::Json => serde_json::to_string_pretty(&d).unwrap(),
                Format::Yaml => yaml_serde::to_string(&d).unwrap(),
            };
            let at = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count().max(1)).unwrap_or(0);
            let mutated = format!("{}{junk}{}", &text[..at], &text[at..]);
            if let Ok(m) = read_dossier(&mutated, format, catalog()) {
                let on = m.assessment_date(Date::new(2026, 11, 23).unwrap());
                let _ = assess(&m, catalog(), on, Lang::Fr);
            }
        }
    }
}
