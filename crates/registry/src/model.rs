//! The registry's records. Identifiers are newtypes so a project id never stands for an
//! organisation id; timestamps are RFC 3339 UTC instants.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

id_type!(
    /// A ministry or an operator.
    OrganisationId
);
id_type!(ProjectId);
id_type!(AssessmentId);

/// Who made a change, as written in the audit log: an OpenID subject, an API token's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Actor(pub String);

impl Actor {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A ministry (« ministère »), or an operator (« opérateur de l'État ») under a ministry's
/// supervision. The ministry is the unit of isolation: its controllers see its operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Ministry,
    Operator,
}

impl OrganisationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Ministry => "ministry",
            OrganisationKind::Operator => "operator",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "ministry" => Some(OrganisationKind::Ministry),
            "operator" => Some(OrganisationKind::Operator),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Organisation {
    pub id: OrganisationId,
    pub kind: OrganisationKind,
    pub name: String,
    /// The supervising ministry of an operator; a ministry's own id for a ministry.
    pub ministry_id: OrganisationId,
    pub created_at: String,
}

/// A dossier as the team submitted it: its text is kept byte for byte so that replaying
/// the assessment reads exactly what was assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewDossier {
    /// `toml`, `json` or `yaml`.
    pub format: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DossierVersion {
    pub project_id: ProjectId,
    pub version: i64,
    pub format: String,
    pub source: String,
    /// `sha256:` and the hex digest of the source's bytes.
    pub hash: String,
    pub created_at: String,
    pub created_by: Actor,
}

/// The hash kept with every dossier version and assessment.
pub fn dossier_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest {
        use std::fmt::Write;
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// What the dashboards count, derived from the latest assessment by the caller (the registry
/// does not run the engine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProjectSummary {
    /// The hosting kind the dossier declares (`internal_cloud`, `commercial_cloud`, …).
    pub hosting_kind: String,
    /// `sensitive`, `not_sensitive` or `undetermined`.
    pub sensitivity: String,
    /// The control procedure (R7/R8): `none`, `ministry_dnum`, `dinum_opinion`, …
    pub procedure: String,
    /// The assessment's verdict.
    pub verdict: String,
    /// The project's full cost in euro cents.
    pub full_cost_cents: i64,
    /// Obstacles to cloud adoption the team reports (R3).
    pub obstacles: Vec<String>,
}

/// An assessment to append, computed by the caller with the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewAssessment {
    pub edition: String,
    pub catalog_version: String,
    pub assessed_on: String,
    pub verdict: String,
    /// The assessment JSON exactly as the engine's writer produced it.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredAssessment {
    pub id: AssessmentId,
    pub project_id: ProjectId,
    pub dossier_version: i64,
    pub dossier_hash: String,
    pub edition: String,
    pub catalog_version: String,
    pub assessed_on: String,
    pub verdict: String,
    pub body: String,
    pub created_at: String,
    pub created_by: Actor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Project {
    pub id: ProjectId,
    pub organisation_id: OrganisationId,
    pub ministry_id: OrganisationId,
    pub name: String,
    pub current_version: i64,
    #[serde(flatten)]
    pub summary: ProjectSummary,
    pub created_at: String,
    pub updated_at: String,
}

/// Filters for listing projects; every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProjectFilter {
    pub ministry: Option<OrganisationId>,
    pub organisation: Option<OrganisationId>,
    pub verdict: Option<String>,
    pub hosting_kind: Option<String>,
    pub sensitivity: Option<String>,
    pub procedure: Option<String>,
    /// A case-insensitive part of the name.
    pub name_contains: Option<String>,
    /// Only the projects whose team includes this user.
    pub member: Option<crate::UserId>,
    /// Registered on or after this ISO day.
    #[serde(default)]
    pub registered_from: Option<String>,
    /// Registered on or before this ISO day.
    #[serde(default)]
    pub registered_to: Option<String>,
    /// Only the projects with a derogation matching this (the dashboard's derogation bars).
    #[serde(default)]
    pub derogation: Option<DerogationMatch>,
}

/// Projects having at least one derogation in one of `states`, its deadline in `due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DerogationMatch {
    pub states: Vec<nuage_doctrine::DerogationState>,
    /// `None`: any deadline, or none.
    pub due: Option<DueWindow>,
}

/// Where a derogation's deadline falls, as the dashboard's buckets count it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DueWindow {
    pub bucket: DueBucket,
    /// The day the buckets are counted from, and 30 and 90 days after it (ISO days).
    pub today: String,
    pub in_30_days: String,
    pub in_90_days: String,
}

/// The dashboard's deadline buckets: passed, within 30 days (today included), between 30 and 90
/// days, after 90 days, no deadline set yet, and no deadline at all (a kind that has none, R7's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueBucket {
    Overdue,
    Within30,
    Within90,
    Later,
    None,
    Never,
}

/// The derogation kinds that end on no deadline, as an SQL list of literals (the doctrine's own
/// codes, never user text).
pub(crate) fn kinds_without_deadline() -> String {
    let kinds: Vec<String> = nuage_doctrine::DerogationKind::ALL
        .into_iter()
        .filter(|k| !k.has_deadline())
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    if kinds.is_empty() {
        "''".to_owned()
    } else {
        kinds.join(", ")
    }
}

impl DueBucket {
    pub const ALL: [DueBucket; 6] = [
        DueBucket::Overdue,
        DueBucket::Within30,
        DueBucket::Within90,
        DueBucket::Later,
        DueBucket::None,
        DueBucket::Never,
    ];

    /// The code the dashboard's query and the pages' links use.
    pub fn as_str(self) -> &'static str {
        match self {
            DueBucket::Overdue => "overdue",
            DueBucket::Within30 => "within_30",
            DueBucket::Within90 => "within_90",
            DueBucket::Later => "later",
            DueBucket::None => "none",
            DueBucket::Never => "never",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == code)
    }

    /// The condition on `deadline` for this bucket, with `$t`, `$d30`, `$d90` standing for the
    /// parameters of today and the two horizons.
    pub(crate) fn condition(self) -> String {
        match self {
            DueBucket::Overdue => "deadline IS NOT NULL AND deadline < $t".to_owned(),
            DueBucket::Within30 => "deadline >= $t AND deadline <= $d30".to_owned(),
            DueBucket::Within90 => "deadline > $d30 AND deadline <= $d90".to_owned(),
            DueBucket::Later => "deadline > $d90".to_owned(),
            DueBucket::None => format!(
                "deadline IS NULL AND kind NOT IN ({})",
                kinds_without_deadline()
            ),
            DueBucket::Never => format!(
                "deadline IS NULL AND kind IN ({})",
                kinds_without_deadline()
            ),
        }
    }
}

impl ProjectFilter {
    /// Refuses a filter the databases cannot compare alike (a NUL character).
    pub(crate) fn storable(&self) -> Result<(), crate::Error> {
        for (field, value) in [
            ("verdict", &self.verdict),
            ("hosting_kind", &self.hosting_kind),
            ("sensitivity", &self.sensitivity),
            ("procedure", &self.procedure),
            ("q", &self.name_contains),
            ("registered_from", &self.registered_from),
            ("registered_to", &self.registered_to),
        ] {
            if let Some(v) = value {
                crate::store::storable(field, v)?;
            }
        }
        if let Some(DerogationMatch { due: Some(w), .. }) = &self.derogation {
            for (field, v) in [
                ("today", &w.today),
                ("in_30_days", &w.in_30_days),
                ("in_90_days", &w.in_90_days),
            ] {
                crate::store::storable(field, v)?;
            }
        }
        Ok(())
    }
}

/// Keyset pagination: stable under concurrent inserts, and as fast on page 1 000 as on page 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageRequest {
    /// The last id of the previous page.
    pub after: Option<ProjectId>,
    pub limit: u32,
}

impl PageRequest {
    pub const MAX_LIMIT: u32 = 500;
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            after: None,
            limit: 50,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor for the next page, when there is one.
    pub next: Option<ProjectId>,
}

/// One change, with the state before and after (JSON), for the audit log (« journal »).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: Actor,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub ministry_id: Option<OrganisationId>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Refuses a date that is not `YYYY-MM-DD`.
pub(crate) fn check_date(field: &'static str, text: &str) -> Result<(), crate::Error> {
    text.parse::<nuage_doctrine::Date>()
        .map(|_| ())
        .map_err(|e| crate::Error::Invalid {
            field,
            reason: format!("`{text}`: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::dossier_hash;

    #[test]
    fn hash_is_sha256_of_the_bytes() {
        assert_eq!(
            dossier_hash("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
