//! Editions of the doctrine: the rules in force on a date, as data.
//!
//! Thresholds, dates, approvers and the reach of the sensitivity test change with the texts,
//! so they live in `editions/*.toml`; the rules' logic lives in `engine`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use nuage_catalog::{Date, UserService};
use serde::Deserialize;

use crate::assessment::{Approver, Rule};
use crate::dossier::{EntityKind, Euros};

/// A text findings cite.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub short: String,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub url: Option<String>,
    /// The copy kept in `shared/seeds/`, when there is one.
    #[serde(default)]
    pub seed: Option<String>,
}

/// Figures the rules compare against.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub major_evolution_share: f64,
    #[serde(deserialize_with = "euros")]
    pub dinum_documentation_from_eur: Euros,
    #[serde(deserialize_with = "euros")]
    pub major_project_review_above_eur: Euros,
    pub derogation_months_after_acceptable_offer: i32,
    pub min_zones: usize,
    pub min_offers_compared: u32,
}

fn euros<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Euros, D::Error> {
    u64::deserialize(d).map(Euros::from_euros)
}

/// Categories of data an edition deems sensitive beyond R9's two criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtraCategory {
    /// « Données à caractère personnel des citoyens français »
    CitizensPersonalData,
    /// « Données économiques relatives aux entreprises françaises »
    CompaniesEconomicData,
    /// « Applications métiers relatives aux agents publics de l'État »
    AgentsBusinessApplications,
    /// The agents' office, collaborative and messaging tools.
    AgentsOfficeTools,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sensitivity {
    pub also_sensitive: Vec<ExtraCategory>,
    pub prefer_trusted_cloud_otherwise: bool,
    pub also_sensitive_sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionalDerogation {
    pub approvers: Vec<Approver>,
    /// Whether a project engaged on an offer that already breached the rule then in force can
    /// claim it (the circular of 2023 read with the press release of 2021: no; the decree of
    /// 2026, whose derogation is for projects engaged on non-compliant offers: yes).
    pub open_to_projects_in_breach: bool,
    /// The text (a document id) whose entry into force sets who is « already engaged ».
    pub engaged_before: String,
}

/// Something an edition takes as true without a primary text, said in every assessment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionAssumption {
    pub fr: String,
    pub en: String,
}

/// How sure an edition's facts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditionConfidence {
    /// Read from the primary texts.
    Official,
    /// From secondary sources: the assessment says so.
    Secondary,
}

/// A derogation from R9 on proof that SecNumCloud's guarantees are met (FAQ, « Dérogations »).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquivalentGuaranteesDerogation {
    pub approvers: Vec<Approver>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeSuiteDerogation {
    pub well_advanced_on: Date,
    pub covers: Vec<UserService>,
    pub never: Vec<UserService>,
    pub approvers: Vec<Approver>,
}

/// A later text that gives a rule a legal basis from a date.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub rule: Rule,
    pub document: String,
    pub section: String,
    pub from: Date,
}

/// The doctrine in force from a date.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    pub id: String,
    pub in_force_from: Date,
    /// The day a person last checked this edition's facts against their sources.
    pub reviewed_on: Date,
    pub confidence: EditionConfidence,
    /// What the edition takes as true without a primary text.
    #[serde(default)]
    pub assumptions: Vec<EditionAssumption>,
    /// The circular that set this edition.
    pub circular: String,
    /// Texts that comment this edition (press release, DINUM note, FAQ).
    pub commentaries: Vec<String>,
    pub bound_entity_kinds: Vec<EntityKind>,
    pub thresholds: Thresholds,
    pub sensitivity: Sensitivity,
    #[serde(default)]
    pub legal_basis: Vec<LegalBasis>,
    pub r9_transitional: TransitionalDerogation,
    /// Read with the texts that open it (the 2023 edition's FAQ); absent otherwise.
    #[serde(default)]
    pub r9_equivalent_guarantees: Option<EquivalentGuaranteesDerogation>,
    pub office_suite: OfficeSuiteDerogation,
    /// Section of the circular where each rule sits.
    pub sections: BTreeMap<String, String>,
}

impl Edition {
    pub fn section(&self, rule: Rule) -> Option<&str> {
        self.sections.get(rule.as_str()).map(String::as_str)
    }

    pub fn binds(&self, kind: EntityKind) -> bool {
        self.bound_entity_kinds.contains(&kind)
    }

    /// Whether a commentary (e.g. `faq-dinum`) is read with this edition.
    pub fn commented_by(&self, document: &str) -> bool {
        self.commentaries.iter().any(|c| c == document)
    }

    pub fn extra(&self, category: ExtraCategory) -> bool {
        self.sensitivity.also_sensitive.contains(&category)
    }
}

/// All editions, oldest first, and the documents they cite.
#[derive(Debug, Clone)]
pub struct Editions {
    editions: Vec<Edition>,
    documents: Vec<Document>,
}

/// A defect in the editions' data files (a build defect: tests catch it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("editions/{file}: {message}")]
pub struct EditionError {
    pub file: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentsFile {
    document: Vec<Document>,
}

const EDITION_FILES: [(&str, &str); 3] = [
    (
        "2021-07-05.toml",
        include_str!("../editions/2021-07-05.toml"),
    ),
    (
        "2023-05-31.toml",
        include_str!("../editions/2023-05-31.toml"),
    ),
    (
        "2026-04-17.toml",
        include_str!("../editions/2026-04-17.toml"),
    ),
];
const DOCUMENTS_FILE: &str = include_str!("../editions/documents.toml");

static EMBEDDED: LazyLock<Result<Editions, EditionError>> = LazyLock::new(Editions::load);

impl Editions {
    /// The editions compiled into the engine.
    pub fn embedded() -> Result<&'static Editions, EditionError> {
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    fn load() -> Result<Editions, EditionError> {
        let err = |file: &str, message: String| EditionError {
            file: file.to_owned(),
            message,
        };
        let documents: DocumentsFile =
            toml::from_str(DOCUMENTS_FILE).map_err(|e| err("documents.toml", e.to_string()))?;
        let mut editions = Vec::new();
        for (file, text) in EDITION_FILES {
            let edition: Edition = toml::from_str(text).map_err(|e| err(file, e.to_string()))?;
            if format!("{}.toml", edition.id) != file
                || edition.id != edition.in_force_from.to_string()
            {
                return Err(err(
                    file,
                    "the id, the file name and `in_force_from` must agree".into(),
                ));
            }
            let known = |id: &str| documents.document.iter().any(|d| d.id == id);
            if !known(&edition.r9_transitional.engaged_before) {
                return Err(err(
                    file,
                    format!(
                        "unknown document `{}`",
                        edition.r9_transitional.engaged_before
                    ),
                ));
            }
            if !known(&edition.circular) {
                return Err(err(
                    file,
                    format!("unknown document `{}`", edition.circular),
                ));
            }
            for basis in &edition.legal_basis {
                if !known(&basis.document) {
                    return Err(err(file, format!("unknown document `{}`", basis.document)));
                }
            }
            for doc in edition
                .sensitivity
                .also_sensitive_sources
                .iter()
                .chain(&edition.commentaries)
            {
                if !known(doc) {
                    return Err(err(file, format!("unknown document `{doc}`")));
                }
            }
            for rule in Rule::ALL.iter().filter(|r| r.is_circular_rule()) {
                if edition.section(*rule).is_none() {
                    return Err(err(file, format!("no section for {}", rule.as_str())));
                }
            }
            let t = &edition.thresholds;
            if !(t.major_evolution_share > 0.0 && t.major_evolution_share <= 1.0)
                || t.dinum_documentation_from_eur > t.major_project_review_above_eur
                || t.derogation_months_after_acceptable_offer <= 0
            {
                return Err(err(file, "thresholds out of range".into()));
            }
            editions.push(edition);
        }
        editions.sort_by_key(|e| e.in_force_from);
        Ok(Editions {
            editions,
            documents: documents.document,
        })
    }

    /// The edition in force on `date`, if the doctrine existed then.
    pub fn in_force_on(&self, date: Date) -> Option<&Edition> {
        self.editions.iter().rev().find(|e| e.in_force_from <= date)
    }

    /// The oldest edition's first day.
    pub fn first_day(&self) -> Option<Date> {
        self.editions.first().map(|e| e.in_force_from)
    }

    pub fn all(&self) -> &[Edition] {
        &self.editions
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    /// The texts Nuage applies on `on`: the circular of the edition in force, then the legal
    /// texts that edition rests on and that were in force that day, each once. Empty before the
    /// doctrine existed.
    pub fn texts_applied_on(&self, on: Date) -> Vec<&Document> {
        let Some(edition) = self.in_force_on(on) else {
            return Vec::new();
        };
        let mut ids: Vec<&str> = vec![edition.circular.as_str()];
        for basis in edition.legal_basis.iter().filter(|b| b.from <= on) {
            if !ids.contains(&basis.document.as_str()) {
                ids.push(basis.document.as_str());
            }
        }
        ids.into_iter().filter_map(|id| self.document(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_texts_applied_follow_the_day() {
        let editions = Editions::embedded().unwrap();
        let ids = |on: &str| -> Vec<String> {
            editions
                .texts_applied_on(day(on))
                .iter()
                .map(|d| d.id.clone())
                .collect()
        };
        assert!(ids("2021-07-04").is_empty());
        assert_eq!(ids("2022-01-01"), ["circulaire-6282-SG"]);
        assert_eq!(ids("2023-06-01")[0], "circulaire-6404-SG");
        let sren = ids("2026-06-01");
        assert!(sren.contains(&"decret-2026-272".to_owned()), "{sren:?}");
        assert!(
            !sren.contains(&"arrete-2026-08-12-secnumcloud".to_owned()),
            "{sren:?}"
        );
        assert!(ids("2026-12-02").contains(&"arrete-2026-08-12-secnumcloud".to_owned()));
    }

    #[test]
    fn embedded_editions_load() {
        let e = Editions::embedded().unwrap();
        assert_eq!(e.all().len(), 3);
        assert_eq!(e.first_day(), Some(day("2021-07-05")));
    }

    #[test]
    fn the_date_picks_the_edition() {
        let e = Editions::embedded().unwrap();
        assert!(e.in_force_on(day("2021-07-04")).is_none());
        assert_eq!(
            e.in_force_on(day("2021-07-05")).map(|e| e.id.as_str()),
            Some("2021-07-05")
        );
        assert_eq!(
            e.in_force_on(day("2023-05-30")).map(|e| e.id.as_str()),
            Some("2021-07-05")
        );
        assert_eq!(
            e.in_force_on(day("2023-05-31")).map(|e| e.id.as_str()),
            Some("2023-05-31")
        );
        assert_eq!(
            e.in_force_on(day("2026-04-16")).map(|e| e.id.as_str()),
            Some("2023-05-31")
        );
        assert_eq!(
            e.in_force_on(day("2026-04-17")).map(|e| e.id.as_str()),
            Some("2026-04-17")
        );
        assert_eq!(
            e.in_force_on(day("2030-01-01")).map(|e| e.id.as_str()),
            Some("2026-04-17")
        );
    }

    #[test]
    fn the_2023_edition_adds_the_prime_minister() {
        let e = Editions::embedded().unwrap();
        let ed = |d: &str| e.in_force_on(day(d)).unwrap();
        assert_eq!(
            ed("2022-01-01").r9_transitional.approvers,
            vec![Approver::Minister]
        );
        assert_eq!(
            ed("2024-01-01").r9_transitional.approvers,
            vec![Approver::Minister, Approver::PrimeMinister]
        );
    }
}
