//! `nuage serve --dev`: a local session for a first try, without an identity provider.

use nuage_registry::{Actor, OrganisationKind, Registry, Role};

/// The organisation and user the development session works as.
pub const DEV_MINISTRY: &str = "Ministère de démonstration (mode développement)";
pub const DEV_SUBJECT: &str = "dev:local";

/// Creates, when missing, a demonstration ministry and a controller of it, and issues a
/// fresh API token for that user. Safe to run on every start.
pub async fn bootstrap(registry: &Registry) -> Result<String, nuage_registry::Error> {
    let actor = Actor("nuage serve --dev".into());
    let ministry = match registry.organisation_by_name(DEV_MINISTRY).await? {
        Some(m) => m,
        None => {
            registry
                .create_organisation(&actor, OrganisationKind::Ministry, DEV_MINISTRY, None)
                .await?
        }
    };
    let user = match registry.user_by_subject(DEV_SUBJECT).await? {
        Some(u) => u,
        None => {
            registry
                .create_user(
                    &actor,
                    DEV_SUBJECT,
                    "Utilisateur local (développement)",
                    Role::MinistryController,
                    Some(ministry.id),
                )
                .await?
        }
    };
    Ok(registry
        .issue_token(&actor, &user, "dev session")
        .await?
        .secret)
}
