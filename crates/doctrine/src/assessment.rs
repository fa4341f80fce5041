//! The assessment: what the engine says of a dossier. Its JSON form is a contract
//! (`DESIGN.md`, « Contract: the assessment »).

use std::borrow::Cow;
use std::fmt;

use nuage_catalog::{Date, UserService};
use serde::{Deserialize, Serialize};

/// The rules findings are about: R1–R15 of the circular, GDPR, HDS and the DINUM note on
/// office suites.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    #[serde(rename = "GDPR")]
    Gdpr,
    #[serde(rename = "HDS")]
    Hds,
    #[serde(rename = "OFFICE")]
    Office,
    /// « Diffusion Restreinte » information: its own texts, not R9's.
    #[serde(rename = "DR")]
    Dr,
}

impl Rule {
    pub const ALL: [Rule; 19] = [
        Rule::R1,
        Rule::R2,
        Rule::R3,
        Rule::R4,
        Rule::R5,
        Rule::R6,
        Rule::R7,
        Rule::R8,
        Rule::R9,
        Rule::R10,
        Rule::R11,
        Rule::R12,
        Rule::R13,
        Rule::R14,
        Rule::R15,
        Rule::Gdpr,
        Rule::Hds,
        Rule::Office,
        Rule::Dr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::R1 => "R1",
            Rule::R2 => "R2",
            Rule::R3 => "R3",
            Rule::R4 => "R4",
            Rule::R5 => "R5",
            Rule::R6 => "R6",
            Rule::R7 => "R7",
            Rule::R8 => "R8",
            Rule::R9 => "R9",
            Rule::R10 => "R10",
            Rule::R11 => "R11",
            Rule::R12 => "R12",
            Rule::R13 => "R13",
            Rule::R14 => "R14",
            Rule::R15 => "R15",
            Rule::Gdpr => "GDPR",
            Rule::Hds => "HDS",
            Rule::Office => "OFFICE",
            Rule::Dr => "DR",
        }
    }

    /// R1 to R15: the rules numbered in the circular.
    pub fn is_circular_rule(self) -> bool {
        !matches!(self, Rule::Gdpr | Rule::Hds | Rule::Office | Rule::Dr)
    }

    /// Parses `R9`, `r9`, `gdpr`, `RGPD`, `office`…
    pub fn parse(text: &str) -> Option<Rule> {
        let up = text.trim().to_ascii_uppercase();
        match up.as_str() {
            "RGPD" => return Some(Rule::Gdpr),
            "BUREAUTIQUE" => return Some(Rule::Office),
            _ => {}
        }
        Rule::ALL.into_iter().find(|r| r.as_str() == up)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding's status.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NonCompliant,
    ToVerify,
    Compliant,
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::NonCompliant,
        Status::ToVerify,
        Status::Compliant,
        Status::NotApplicable,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::NonCompliant => "non_compliant",
            Status::ToVerify => "to_verify",
            Status::Compliant => "compliant",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// The worse of two statuses for a rule checked on several points.
    pub fn worst(self, other: Status) -> Status {
        let rank = |s: Status| match s {
            Status::NonCompliant => 0,
            Status::ToVerify => 1,
            Status::Compliant => 2,
            Status::NotApplicable => 3,
        };
        if rank(other) < rank(self) {
            other
        } else {
            self
        }
    }
}

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    NotApplicable,
    NonCompliant,
    ToVerify,
    Compliant,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::NotApplicable,
        Verdict::NonCompliant,
        Verdict::ToVerify,
        Verdict::Compliant,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::NotApplicable => "not_applicable",
            Verdict::NonCompliant => "non_compliant",
            Verdict::ToVerify => "to_verify",
            Verdict::Compliant => "compliant",
        }
    }
}

/// The control procedure the project's full cost sets (R7, R8, FAQ « Contrôle »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlProcedure {
    /// Below 1 M€: the authority in charge of the project also controls it.
    ProjectAuthority,
    /// From 1 M€ to 9 M€ inclusive: the ministry controls and informs DINUM.
    Ministry,
    /// Above 9 M€: the design review of major State IT projects (décret 2019-1088, art. 3).
    MajorProjectReview,
}

impl ControlProcedure {
    pub const ALL: [ControlProcedure; 3] = [
        ControlProcedure::ProjectAuthority,
        ControlProcedure::Ministry,
        ControlProcedure::MajorProjectReview,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ControlProcedure::ProjectAuthority => "project_authority",
            ControlProcedure::Ministry => "ministry",
            ControlProcedure::MajorProjectReview => "major_project_review",
        }
    }
}

/// Who grants or validates a derogation.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    ProjectAuthority,
    Ministry,
    Minister,
    PrimeMinister,
    Dinum,
}

impl Approver {
    pub const ALL: [Approver; 5] = [
        Approver::ProjectAuthority,
        Approver::Ministry,
        Approver::Minister,
        Approver::PrimeMinister,
        Approver::Dinum,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Approver::ProjectAuthority => "project_authority",
            Approver::Ministry => "ministry",
            Approver::Minister => "minister",
            Approver::PrimeMinister => "prime_minister",
            Approver::Dinum => "dinum",
        }
    }
}

/// The derogations the texts provide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DerogationKind {
    /// R9's transitional derogation for projects already engaged.
    R9Transitional,
    /// Derogation from R6 documented to DINUM (R7).
    R7NoCloud,
    /// The DINUM note's derogation for email and personal drive.
    OfficeSuite,
    /// The FAQ's derogation from R9 on proof that SecNumCloud's guarantees are met.
    R9EquivalentGuarantees,
}

impl DerogationKind {
    pub const ALL: [DerogationKind; 4] = [
        DerogationKind::R9Transitional,
        DerogationKind::R7NoCloud,
        DerogationKind::OfficeSuite,
        DerogationKind::R9EquivalentGuarantees,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether a derogation of this kind ends on a deadline. R7's derogation from R6 (a project
    /// kept outside the cloud, documented to DINUM) has none in the circular; the others end a
    /// number of months after an acceptable offer is available, per the edition.
    pub fn has_deadline(self) -> bool {
        !matches!(self, DerogationKind::R7NoCloud)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DerogationKind::R9Transitional => "r9_transitional",
            DerogationKind::R7NoCloud => "r7_no_cloud",
            DerogationKind::OfficeSuite => "office_suite",
            DerogationKind::R9EquivalentGuarantees => "r9_equivalent_guarantees",
        }
    }
}

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub fn parse(text: &str) -> Option<Lang> {
        match text.to_ascii_lowercase().as_str() {
            "fr" | "fr-fr" | "french" | "français" => Some(Lang::Fr),
            "en" | "en-gb" | "en-us" | "english" | "anglais" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Where in a text a finding comes from. The document's title and address are in the
/// assessment's `documents`, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Citation {
    /// Stable id of the document (`circulaire-6404-SG`), a key of `Assessment::documents`.
    pub document: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Cow<'static, str>>,
}

/// A document cited by an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedDocument {
    pub id: Cow<'static, str>,
    pub title: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Cow<'static, str>>,
}

/// A change that would turn a non-compliant finding compliant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counterfactual {
    pub change: String,
    /// Catalog offers that would satisfy the rule, when the change is a choice of offer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<String>,
}

/// What the engine says about one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule: Rule,
    pub status: Status,
    pub message: String,
    pub citations: Vec<Citation>,
    pub remedy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counterfactuals: Vec<Counterfactual>,
    /// For findings about one resource of scanned infrastructure code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A derogation the texts provide and whether this project can use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derogation {
    pub kind: DerogationKind,
    pub available: bool,
    pub deadline: Option<Date>,
    pub approvers: Vec<Approver>,
    pub covers: Vec<UserService>,
    pub conditions: Vec<String>,
    pub citations: Vec<Citation>,
}

/// How one family of data fares under the sensitivity test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSensitivity {
    pub name: String,
    /// First criterion: a secret protected by law, or data needed for an essential mission.
    pub legal_secret_or_essential_mission: bool,
    /// Second criterion: a breach would harm public order, public security, health and life,
    /// or intellectual property.
    pub breach_harm: bool,
    pub particularly_sensitive: bool,
    /// Why, in words.
    pub grounds: Vec<String>,
}

/// An input that carries a human judgement, shown so that readers can challenge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    pub field: Cow<'static, str>,
    pub value: String,
    pub note: String,
}

/// The assessment of one dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub edition: String,
    pub assessed_on: Date,
    pub in_scope: bool,
    pub concerned: bool,
    pub particularly_sensitive: bool,
    pub secnumcloud_required: bool,
    pub control_procedure: ControlProcedure,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub derogations: Vec<Derogation>,
    pub project: String,
    pub catalog_version: String,
    pub lang: Lang,
    pub data: Vec<DataSensitivity>,
    pub assumptions: Vec<Assumption>,
    /// Support the project can get when a finding asks it to move (FAQ, « Accompagnement »).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub support: Vec<crate::support::Support>,
    /// Every document cited above, sorted by id.
    pub documents: Vec<CitedDocument>,
}

impl Assessment {
    /// The finding about `rule`, if any.
    pub fn finding(&self, rule: Rule) -> Option<&Finding> {
        self.findings.iter().find(|f| f.rule == rule)
    }

    /// The title and address of a cited document.
    pub fn document(&self, id: &str) -> Option<&CitedDocument> {
        self.documents.iter().find(|d| d.id == id)
    }

    pub fn derogation(&self, kind: DerogationKind) -> Option<&Derogation> {
        self.derogations.iter().find(|d| d.kind == kind)
    }

    /// The verdict the findings imply (the contract's definition).
    pub fn verdict_of(in_scope: bool, findings: &[Finding]) -> Verdict {
        if !in_scope {
            Verdict::NotApplicable
        } else if findings.iter().any(|f| f.status == Status::NonCompliant) {
            Verdict::NonCompliant
        } else if findings.iter().any(|f| f.status == Status::ToVerify) {
            Verdict::ToVerify
        } else {
            Verdict::Compliant
        }
    }
}
