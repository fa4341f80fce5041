//! The doctrine « Cloud au centre » as a pure engine.
//!
//! [`read_dossier`] turns a dossier's text into a [`Dossier`]; [`assess`] turns a dossier, the
//! [`Catalog`](nuage_catalog::Catalog) and a date into an [`Assessment`]. Nothing here reads a
//! file, the environment or the clock: callers do, then call in.
//!
//! The editions of the doctrine (2021 and 2023) are data (`editions/*.toml`): thresholds,
//! dates, approvers, the reach of the sensitivity test. The rules' logic is in `rules`, one file
//! per rule.

mod acceptable;
mod assess;
pub mod assessment;
mod context;
mod coverage;
pub mod derogation;
pub mod dossier;
pub mod edition;
pub mod explain;
mod finding;
pub mod inventory;
mod read;
mod rules;
mod scan;
mod schema;
pub mod support;
pub mod trust;
pub mod vocabulary;
mod words;
pub mod workflow;

pub use acceptable::{AcceptableOffer, acceptable_offer, deadline_after};
pub use assess::{AssessError, assess};
pub use assessment::{
    Approver, Assessment, Assumption, Citation, CitedDocument, ControlProcedure, Counterfactual,
    DataSensitivity, Derogation, DerogationKind, Finding, Lang, Rule, Status, Verdict,
};
pub use derogation::{
    Cover, Granted, countdown, cover, covered_rules, deadline_rule, deadline_words,
};
pub use dossier::Dossier;
pub use edition::{Edition, Editions};
pub use explain::{Explanation, explain};
pub use inventory::{
    Coverage, Inventory, Portability, ProviderCoverage, ProviderStatus, Resource, ScanReport,
    ServiceClass, SkipKind, Skipped, SourceKind, Unplaced, UnplacedReason,
};
pub use nuage_catalog::Date;
pub use read::{Format, ReadError, read_dossier};
pub use rules::r07::{study_approvers as r7_study_approvers, study_preamble as r7_study_preamble};
pub use scan::{
    ScanContext, assess_with_inventory, describe_resource, merge_inventory, resource_findings,
};
pub use schema::dossier_schema;
pub use trust::{OfferGroup, is_trusted, suits_sensitive_data, trusted_commercial};
pub use vocabulary::Label;
pub use workflow::{Actor, DerogationState, Step, Transition, Workflow, WorkflowError};
