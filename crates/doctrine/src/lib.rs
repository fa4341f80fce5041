//! The doctrine « Cloud au centre » as a pure engine.
//!
//! [`read_dossier`] turns a dossier's text into a [`Dossier`]; [`assess`] turns a dossier, the
//! [`Catalog`](nuage_catalog::Catalog) and a date into an [`Assessment`]. Nothing here reads a
//! file, the environment or the clock: callers do, then call in.
//!
//! The editions of the doctrine (2021 and 2023) are data (`editions/*.toml`): thresholds,
//! dates, approvers, the reach of the sensitivity test. The rules' logic is in `engine`.

mod acceptable;
pub mod assessment;
pub mod dossier;
pub mod edition;
mod engine;
pub mod explain;
pub mod inventory;
mod read;
mod schema;

pub use acceptable::{AcceptableOffer, acceptable_offer, deadline_after};
pub use assessment::{
    Approver, Assessment, Assumption, Citation, CitedDocument, ControlProcedure, Counterfactual,
    DataSensitivity, Derogation, DerogationKind, Finding, Lang, Rule, Status, Verdict,
};
pub use dossier::Dossier;
pub use edition::{Edition, Editions};
pub use engine::scan::{
    ScanContext, assess_with_inventory, describe_resource, merge_inventory, resource_findings,
};
pub use engine::{AssessError, assess};
pub use explain::{Explanation, explain};
pub use inventory::{
    Coverage, Inventory, Portability, ProviderCoverage, ProviderStatus, Resource, ServiceClass,
    SkipKind, Skipped, SourceKind, Unplaced, UnplacedReason,
};
pub use read::{Format, ReadError, read_dossier};
pub use schema::dossier_schema;
