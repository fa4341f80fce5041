//! What infrastructure code deploys, resource by resource: the scanner's output and the
//! engine's input for R5, R9, R10, R14, GDPR and HDS on real infrastructure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assessment::Finding;

/// The kind of service a resource provides.
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
pub enum ServiceClass {
    Compute,
    BlockStorage,
    ObjectStorage,
    Database,
    Serverless,
    Analytics,
    Messaging,
    Network,
    Identity,
    Kubernetes,
    Security,
    Monitoring,
    Other,
}

/// Whether leaving the platform means rewriting (R10).
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
pub enum Portability {
    /// An open standard or a widely reproduced interface (PostgreSQL, S3 API, Kubernetes, VMs).
    Portable,
    /// A service of this provider only (DynamoDB, Cosmos DB, BigQuery, Lambda…).
    Proprietary,
}

/// Where a resource was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Terraform,
    TerraformJson,
    Plan,
    Kubernetes,
}

/// One deployed resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Resource {
    /// `aws_instance.web`, `module.db.aws_db_instance.main`, `Deployment/prod/api`.
    pub address: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The Terraform provider name (`aws`, `azurerm`, `outscale`, …) or `kubernetes`.
    pub provider: String,
    /// The catalog offer the resource runs on, when it can be told.
    pub offer: Option<String>,
    pub region: Option<String>,
    pub zones: Vec<String>,
    pub file: String,
    pub line: u32,
    pub service: ServiceClass,
    pub portability: Portability,
    /// The service's usual name (« Amazon DynamoDB »), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For databases: replicated across zones (`Some(true)`), not (`Some(false)`), unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_zone: Option<bool>,
    /// `count` or `for_each`: the block may stand for several resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeated: Option<String>,
    /// Attributes whose value is only known after apply (never guessed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// How the offer, region and zones were found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    pub source: SourceKind,
    /// Why the offer or the region is not known, when one of them is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unplaced: Option<Unplaced>,
}

impl Resource {
    /// Offer and region both known.
    pub fn placed(&self) -> bool {
        self.offer.is_some() && self.region.is_some() && self.unplaced.is_none()
    }
}

/// Why a resource could not be placed (offer or region unknown).
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
pub enum UnplacedReason {
    /// The provider is not in the mappings: no offer can be named.
    UnmappedProvider,
    /// The provider configures a service that runs elsewhere (a cluster, a database server).
    HostedElsewhere,
    /// A variable with no default and no value in the tree: given at run time.
    VariableWithoutValue,
    /// No region in the code: the provider takes it at run time (an environment variable).
    RunTime,
    /// Read from a data source when planning.
    DataSource,
    /// Another resource's attribute: known after apply.
    AfterApply,
    /// An expression Nuage does not compute (a function call, a `for`).
    Expression,
    /// Taken from an object this code does not create (an existing resource group).
    OutsideCode,
    /// The code never says, and nothing it points at does.
    NotSet,
    /// A region the catalog does not list for this offer.
    RegionNotInCatalog,
}

impl UnplacedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UnplacedReason::UnmappedProvider => "unmapped_provider",
            UnplacedReason::HostedElsewhere => "hosted_elsewhere",
            UnplacedReason::VariableWithoutValue => "variable_without_value",
            UnplacedReason::RunTime => "run_time",
            UnplacedReason::DataSource => "data_source",
            UnplacedReason::AfterApply => "after_apply",
            UnplacedReason::Expression => "expression",
            UnplacedReason::OutsideCode => "outside_code",
            UnplacedReason::NotSet => "not_set",
            UnplacedReason::RegionNotInCatalog => "region_not_in_catalog",
        }
    }
}

/// Why a resource is not placed, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unplaced {
    pub reason: UnplacedReason,
    /// What was read: « var.region has no value in the tree (no default, no .tfvars) ».
    pub detail: String,
}

/// A file or directory the scanner did not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Skipped {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub reason: String,
    /// The reason's kind, for counting.
    #[serde(default)]
    pub kind: SkipKind,
}

/// Kinds of things a scan does not read.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Invalid syntax (HCL, JSON, YAML) or beyond a reader's limits.
    Syntax,
    /// Too large, binary, not UTF-8, not a regular file, unreadable, a link.
    Unreadable,
    /// A module from a registry or a repository that is not installed here.
    RemoteModule,
    /// A module that calls itself, nests too deep or has no configuration.
    BrokenModule,
    /// A Helm chart: to render (`helm template`).
    HelmChart,
    /// A Kustomize overlay: to render (`kubectl kustomize`).
    Kustomize,
    /// An Ansible role or playbook: not infrastructure code Nuage reads.
    Ansible,
    /// A Go or Helm template outside a chart.
    Template,
    /// Not infrastructure code.
    NotInfrastructure,
    #[default]
    Other,
}

impl SkipKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipKind::Syntax => "syntax",
            SkipKind::Unreadable => "unreadable",
            SkipKind::RemoteModule => "remote_module",
            SkipKind::BrokenModule => "broken_module",
            SkipKind::HelmChart => "helm_chart",
            SkipKind::Kustomize => "kustomize",
            SkipKind::Ansible => "ansible",
            SkipKind::Template => "template",
            SkipKind::NotInfrastructure => "not_infrastructure",
            SkipKind::Other => "other",
        }
    }

    /// Whether a skipped entry of this kind leaves infrastructure unread (a template does
    /// until rendered; a file that is not infrastructure code does not).
    pub fn leaves_unread(self) -> bool {
        self != SkipKind::NotInfrastructure
    }
}

/// How a provider the tree declares or uses is accounted for.
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
pub enum ProviderStatus {
    /// Mapped to a catalog offer (possibly through rules on its configuration).
    Mapped,
    /// Known, but it configures a service that runs elsewhere (Kubernetes, a database server).
    Elsewhere,
    /// Hosts nothing (`random`, `tls`, `null`, `time`, `local`…).
    HostsNothing,
    /// Not in the mappings.
    Unmapped,
}

/// One provider of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProviderCoverage {
    /// The provider's type name (`aws`, `outscale`, `random`…).
    pub name: String,
    pub status: ProviderStatus,
    /// The offer it maps to by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Resources of this provider in the inventory.
    pub resources: usize,
}

/// How much of the tree the scan read and placed. An empty or partial result is never a
/// compliant one: the doctrine's coverage finding is built from this.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Coverage {
    /// Resources found.
    pub resources: usize,
    /// Resources of providers that host something (not `random`, `tls`…).
    pub hosting: usize,
    /// Hosting resources with a catalog offer.
    pub with_offer: usize,
    /// Hosting resources with a region (known to the catalog for their offer).
    pub with_region: usize,
    /// Hosting resources not placed (offer or region unknown), by reason.
    pub unplaced: BTreeMap<String, usize>,
    /// Files and modules not read, by kind.
    pub skipped: BTreeMap<String, usize>,
    /// Every provider the tree declares or uses.
    pub providers: Vec<ProviderCoverage>,
}

impl Coverage {
    /// Skipped entries that leave infrastructure unread.
    pub fn unread(&self) -> usize {
        self.skipped
            .iter()
            .filter(|(k, _)| k.as_str() != SkipKind::NotInfrastructure.as_str())
            .map(|(_, n)| n)
            .sum()
    }

    /// Hosting resources not placed.
    pub fn unplaced_total(&self) -> usize {
        self.unplaced.values().sum()
    }
}

/// Everything a scan found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inventory {
    pub resources: Vec<Resource>,
    pub skipped: Vec<Skipped>,
    /// What the scan read and placed.
    #[serde(default)]
    pub coverage: Coverage,
}

/// What `nuage scan --format json` writes and what the registry takes in: one contract, read
/// by both sides into this type. With a dossier the report also carries the assessment's own
/// fields, which this type leaves aside (its `findings` are then the assessment's).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScanReport {
    pub resources: Vec<Resource>,
    /// Findings about resources (with file and line) and about the scan as a whole.
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// What the scan read and placed.
    #[serde(default)]
    pub coverage: Coverage,
}
