//! The dossier (v1): what a project team declares about its project, once.
//!
//! Field names and values are a contract (`DESIGN.md`); unknown fields are refused.
//! Inputs that carry a human judgement (« offre acceptable », « équivalent existant »,
//! the impact of a breach) are plain fields here and show up as assumptions in the report.

use std::fmt;

use nuage_catalog::{Date, UserService};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A project's dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Nuage dossier (v1)")]
pub struct Dossier {
    /// Day of the assessment (default: today). Picks the edition and the catalog state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DateSchema>")]
    pub assessed_on: Option<Date>,
    #[serde(deserialize_with = "crate::read::validated_project")]
    pub project: Project,
    pub hosting: Hosting,
    /// The data the system processes, one entry per family of data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataSet>,
    #[serde(default)]
    pub safeguards: Safeguards,
}

/// Which administration carries the project, and what the project is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    /// The entity, free text (« Ministère de l'Intérieur »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    pub entity_kind: EntityKind,
    pub nature: Nature,
    /// For `nature = "evolution"`: the evolution's share of the initial build cost, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evolution_share: Option<Share>,
    /// The project changes provider (« changement de prestataire », R6).
    #[serde(default)]
    pub provider_change: bool,
    /// Full cost (« coût complet ») in euros.
    pub full_cost_eur: Euros,
    /// Day the project was engaged or contracted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DateSchema>")]
    pub engaged_on: Option<Date>,
    /// Day an acceptable trusted offer for this need became available in France — a judgement
    /// (« offre de cloud acceptable », R9) the project carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DateSchema>")]
    pub acceptable_offer_available_on: Option<Date>,
}

/// The kind of entity; it decides whether the doctrine binds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// « Administration centrale »
    CentralAdministration,
    /// « Service déconcentré »
    DeconcentratedService,
    /// « Opérateur de l'État » listed in the budget annex (« jaune budgétaire »)
    StateOperator,
    /// Another body placed under the State's supervision (a public establishment or a public
    /// interest group not in the budget annex's list): bound all the same (« organismes placés
    /// sous sa tutelle », circular § 3; the FAQ's list is of the « principales entités »).
    StateSupervisedBody,
    /// « Collectivité territoriale »
    LocalAuthority,
    Other,
}

/// New project, evolution of an existing product, or an existing system left as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    New,
    Evolution,
    Existing,
}

/// Where the system runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hosting {
    pub approach: Approach,
    /// For SaaS: the services provided to agents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<UserService>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Approach {
    /// A dedicated solution on an internal or commercial cloud (« cloud pour les équipes informatiques »).
    Cloud,
    /// Software as a service (« cloud pour les utilisateurs »).
    Saas,
    /// The administration's own servers.
    OnPremise,
    Undecided,
}

/// One environment of the application's lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub kind: EnvironmentKind,
    /// A catalog offer id. Absent: the environment runs on the administration's own servers.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::read::known_offer"
    )]
    #[schemars(with = "Option<OfferIdSchema>")]
    pub offer: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Lifecycle stages, as R6 lists them (« développement, recette, production, secours,
/// bac à sable, formation »).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentKind {
    Production,
    /// « Recette »
    Staging,
    /// « Secours »
    DisasterRecovery,
    Development,
    Training,
    Sandbox,
}

impl EnvironmentKind {
    /// Production, staging and disaster recovery: the systems R9 reaches (« en production et en
    /// recette, incluant les éléments nécessaires à leur résilience »).
    pub fn under_r9(self) -> bool {
        matches!(
            self,
            EnvironmentKind::Production
                | EnvironmentKind::Staging
                | EnvironmentKind::DisasterRecovery
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EnvironmentKind::Production => "production",
            EnvironmentKind::Staging => "staging",
            EnvironmentKind::DisasterRecovery => "disaster_recovery",
            EnvironmentKind::Development => "development",
            EnvironmentKind::Training => "training",
            EnvironmentKind::Sandbox => "sandbox",
        }
    }
}

/// A family of data the system processes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSet {
    pub name: String,
    /// Personal data (GDPR).
    #[serde(default)]
    pub personal: bool,
    /// Personal data of citizens.
    #[serde(default)]
    pub citizens: bool,
    /// Data of State agents' business applications.
    #[serde(default)]
    pub agents: bool,
    /// Economic data of French companies.
    #[serde(default)]
    pub companies: bool,
    /// Special categories of personal data (GDPR art. 9) or data on offences (art. 10).
    #[serde(default)]
    pub special_category: bool,
    /// Health data (HDS).
    #[serde(default)]
    pub health: bool,
    /// Information classified « Diffusion Restreinte ».
    #[serde(default)]
    pub diffusion_restreinte: bool,
    /// Secrets protected by law (CRPA L.311-5 and L.311-6) the data fall under.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_secrets: Vec<LegalSecret>,
    /// Essential missions of the State the data are needed for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub essential_missions: Vec<EssentialMission>,
    /// What a breach (confidentiality, integrity, availability, traceability) could harm.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breach_impacts: Vec<BreachImpact>,
    /// Other secrets protected by law or essential missions than those listed: R9 lists them
    /// « notamment », so another ground counts, with the text it rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_grounds: Vec<OtherGround>,
}

/// A ground of R9's first criterion not in its lists, named with its legal text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherGround {
    pub criterion: GroundCriterion,
    /// The secret or the mission, e.g. « secret statistique ».
    #[serde(deserialize_with = "non_empty")]
    pub name: String,
    /// The text it rests on, e.g. « loi n° 51-711 du 7 juin 1951, art. 6 ».
    #[serde(deserialize_with = "non_empty")]
    pub text: String,
}

/// Which half of R9's first criterion another ground belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroundCriterion {
    LegalSecret,
    EssentialMission,
}

fn non_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(s)
}

impl DataSet {
    /// Citizens' data, special categories and health data are personal data whatever the
    /// `personal` flag says.
    pub fn is_personal(&self) -> bool {
        self.personal || self.citizens || self.special_category || self.health
    }
}

/// « Secrets protégés par la loi » (CRPA L.311-5, L.311-6).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LegalSecret {
    GovernmentDeliberations,
    NationalDefence,
    ForeignPolicy,
    StateSecurity,
    JudicialProceedings,
    PrivateLife,
    Medical,
    Business,
}

/// « Missions essentielles de l'État ».
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EssentialMission {
    NationalSecurity,
    PublicOrder,
    HealthAndLife,
}

/// Harms a breach could cause (« atteinte à l'ordre public, à la sécurité publique, à la santé
/// et à la vie des personnes ou à la protection de la propriété intellectuelle »).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BreachImpact {
    PublicOrder,
    PublicSecurity,
    HealthAndLife,
    IntellectualProperty,
}

/// What the project has put in place. `None` means « not documented ».
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Safeguards {
    /// R4: end-of-contract and reversibility conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversibility_plan: Option<bool>,
    /// R4: financial, technical and human resources provisioned for reversibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversibility_funded: Option<bool>,
    /// R5: detection and isolation measures against the spread of a compromise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compromise_detection: Option<bool>,
    /// R10: proprietary services of the chosen platform the system relies on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_in_services: Option<Vec<String>>,
    /// R10: the extra cost of reversibility is financed by the gains of that lock-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_in_financed: Option<bool>,
    /// R15: number of offers evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offers_compared: Option<u32>,
    /// R13: the project builds bespoke software.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bespoke_development: Option<bool>,
    /// R13: an equivalent exists (public, private or digital commons) — the team's judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equivalent_exists: Option<bool>,
    /// R7: a comparative study (economic, legal, business, security) documented to DINUM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparative_study: Option<bool>,
    /// GDPR, chapter V: appropriate safeguards (art. 46: standard contractual clauses, binding
    /// corporate rules, …) for personal data hosted outside the EU, the EEA and adequacy
    /// countries. `false` says there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_safeguards: Option<bool>,
}

/// An amount in euros, kept in cents so that thresholds compare exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Euros {
    cents: u64,
}

impl Euros {
    pub const fn from_euros(euros: u64) -> Self {
        Euros {
            cents: euros.saturating_mul(100),
        }
    }

    pub fn cents(self) -> u64 {
        self.cents
    }

    /// Whole euros, rounded down.
    pub fn whole_euros(self) -> u64 {
        self.cents / 100
    }
}

impl fmt::Display for Euros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.whole_euros())?;
        match self.cents % 100 {
            0 => Ok(()),
            c => write!(f, ".{c:02}"),
        }
    }
}

impl Serialize for Euros {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.cents.is_multiple_of(100) {
            serializer.serialize_u64(self.whole_euros())
        } else {
            // Amounts with cents are rare; a float keeps the dossier's own notation.
            #[allow(
                clippy::cast_precision_loss,
                reason = "cents below 1e17: exact enough for an amount the dossier wrote with cents"
            )]
            serializer.serialize_f64(self.cents as f64 / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Euros {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Euros;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount in euros, zero or more")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Euros, E> {
                v.checked_mul(100)
                    .map(|cents| Euros { cents })
                    .ok_or_else(|| E::custom("the amount is too large"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Euros, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!("the cost must be zero or more, not {v}"))),
                }
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Euros, E> {
                if !v.is_finite() || v < 0.0 {
                    return Err(E::custom(format!("the cost must be zero or more, not {v}")));
                }
                let cents = (v * 100.0).round();
                if cents > 1e17 {
                    return Err(E::custom("the amount is too large"));
                }
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "checked above: 0 ≤ cents ≤ 1e17"
                )]
                Ok(Euros {
                    cents: cents as u64,
                })
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for Euros {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Euros".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "minimum": 0,
            "description": "An amount in euros (« coût complet »)."
        })
    }
}

/// A share between 0 and 1 (0.6 means 60 %).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Share(f64);

impl Share {
    pub fn new(value: f64) -> Option<Self> {
        (value.is_finite() && (0.0..=1.0).contains(&value)).then_some(Share(value))
    }

    pub fn value(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(deserializer)?;
        Share::new(v).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "a share is between 0 and 1 (0.6 for 60 %), not {v}"
            ))
        })
    }
}

impl JsonSchema for Share {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Share".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "A share between 0 and 1 (0.6 for 60 %)."
        })
    }
}

/// Schema stand-in for [`Date`].
#[allow(dead_code, reason = "only named in `#[schemars(with = …)]` attributes")]
pub(crate) struct DateSchema;

impl JsonSchema for DateSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A day, YYYY-MM-DD."
        })
    }
}

/// Schema stand-in for an offer id; the schema printed by `nuage schema dossier` lists the
/// catalog's ids (see [`crate::dossier_schema`]).
#[allow(dead_code, reason = "only named in `#[schemars(with = …)]` attributes")]
pub(crate) struct OfferIdSchema;

impl JsonSchema for OfferIdSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OfferId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "An offer id of the catalog (`nuage catalog list`)."
        })
    }
}

impl Dossier {
    /// The day the dossier is assessed on: its own `assessed_on`, else `today`.
    pub fn assessment_date(&self, today: Date) -> Date {
        self.assessed_on.unwrap_or(today)
    }
}

impl Dossier {
    /// A bound, new project with nothing declared: the context a scan without a dossier is
    /// judged in (only what the code itself shows is checked).
    pub fn placeholder() -> Dossier {
        Dossier {
            assessed_on: None,
            project: Project {
                name: String::new(),
                entity: None,
                entity_kind: EntityKind::CentralAdministration,
                nature: Nature::New,
                evolution_share: None,
                provider_change: false,
                full_cost_eur: Euros::default(),
                engaged_on: None,
                acceptable_offer_available_on: None,
            },
            hosting: Hosting {
                approach: Approach::Undecided,
                services: Vec::new(),
                environments: Vec::new(),
            },
            data: Vec::new(),
            safeguards: Safeguards::default(),
        }
    }
}
