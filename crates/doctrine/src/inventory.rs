//! What infrastructure code deploys, resource by resource: the scanner's output and the
//! engine's input for R5, R9, R10, R14, GDPR and HDS on real infrastructure.

use serde::{Deserialize, Serialize};

/// The kind of service a resource provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Portability {
    /// An open standard or a widely reproduced interface (PostgreSQL, S3 API, Kubernetes, VMs).
    Portable,
    /// A service of this provider only (DynamoDB, Cosmos DB, BigQuery, Lambda…).
    Proprietary,
}

/// Where a resource was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Terraform,
    TerraformJson,
    Plan,
    Kubernetes,
}

/// One deployed resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// A file or directory the scanner did not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub reason: String,
}

/// Everything a scan found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inventory {
    pub resources: Vec<Resource>,
    pub skipped: Vec<Skipped>,
}
