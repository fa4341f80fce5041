//! The registry (« référentiel ») of a ministry's projects: organisations, projects, every
//! version of their dossier, every assessment (append-only, replayable), and an audit log of
//! every change.
//!
//! SQLite is the embedded default; PostgreSQL serves several instances behind a load
//! balancer. Both go through one code path: sqlx's `Any` driver, portable SQL with `$n`
//! parameters, and per-backend migrations embedded in the binary and run at start.
//! Nothing above this crate sees SQL.

/// Identifier newtypes, so a project id never stands for an organisation id.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

mod dashboard;
mod db;
mod derogations;
mod error;
mod model;
mod notifications;
mod people;
mod scans;
mod sessions;
mod store;

pub use dashboard::{AdoptionPoint, CLOUD_KINDS, Dashboard, DashboardFilter, VerdictPoint};
pub use db::{Backend, redact};
pub use derogations::{
    DerogationEvent, DerogationId, DerogationState, NewDerogation, StoredDerogation, Transition,
    may_act, next as next_state,
};
pub use error::Error;
pub use model::{
    Actor, AssessmentId, AuditEntry, DerogationMatch, DossierVersion, DueBucket, DueWindow,
    NewAssessment, NewDossier, Organisation, OrganisationId, OrganisationKind, Page, PageRequest,
    Project, ProjectFilter, ProjectId, ProjectSummary, StoredAssessment, dossier_hash,
};
pub use notifications::{
    ATTACHMENT_MAX_BYTES, AttachmentInfo, NotificationKind, StoredNotification, is_pdf,
};
pub use people::{
    Access, IssuedToken, NewToken, Role, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenId, TokenInfo,
    TokenScope, TokenUser, User, UserId,
};
pub use scans::{NewScan, ScanId, StoredScan};
pub use sessions::{Draft, DraftId, Session};
pub use store::{Limits, Registry};
