//! `nuage serve --dev`: local sessions for a first try, without an identity provider.

use nuage_registry::{Actor, Organisation, OrganisationKind, Registry, Role, User};

/// The organisations and users the development sessions work as.
pub const DEV_MINISTRY: &str = "Ministère de démonstration (mode développement)";
pub const DEV_OTHER_MINISTRY: &str = "Autre ministère de démonstration (mode développement)";
pub const DEV_SUBJECT: &str = "dev:local";

/// The demonstration accounts offered on the login page: subject, name, role, and whether
/// they belong to the other ministry (to see the isolation between ministries).
pub const DEV_ACCOUNTS: [(&str, &str, Role, bool); 5] = [
    (
        "dev:membre",
        "Camille Martin (cheffe de projet)",
        Role::ProjectMember,
        false,
    ),
    (
        DEV_SUBJECT,
        "Dominique Leroy (contrôleur ministériel)",
        Role::MinistryController,
        false,
    ),
    ("dev:dinum", "Alex Bernard (DINUM)", Role::Dinum, false),
    (
        "dev:auditeur",
        "Claude Petit (auditeur)",
        Role::Auditor,
        false,
    ),
    (
        "dev:autre",
        "Sacha Moreau (autre ministère)",
        Role::ProjectMember,
        true,
    ),
];

async fn ministry(
    registry: &Registry,
    actor: &Actor,
    name: &str,
) -> Result<Organisation, nuage_registry::Error> {
    match registry.ministry_by_name(name).await? {
        Some(m) => Ok(m),
        None => {
            registry
                .create_organisation(actor, OrganisationKind::Ministry, name, None)
                .await
        }
    }
}

/// The name of the `--dev` session's token.
pub const DEV_TOKEN_NAME: &str = "dev session";

/// What `--dev` prints: its token, and whether it is the one of an earlier start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevSession {
    pub token: String,
    pub reused: bool,
}

/// Creates, when missing, two demonstration ministries and the accounts above. The
/// controller's API token is `previous` (the one an earlier start printed, kept by the
/// caller) while it is still valid for that account; otherwise a new one is issued and the
/// older dev tokens revoked, so that restarts do not pile tokens up. Safe to run on every start.
pub async fn bootstrap(
    registry: &Registry,
    previous: Option<&str>,
) -> Result<DevSession, nuage_registry::Error> {
    let actor = Actor("nuage serve --dev".into());
    let own = ministry(registry, &actor, DEV_MINISTRY).await?;
    let other = ministry(registry, &actor, DEV_OTHER_MINISTRY).await?;
    let mut controller: Option<User> = None;
    for (subject, name, role, elsewhere) in DEV_ACCOUNTS {
        let ministry_id = match role {
            Role::Dinum => None,
            _ if elsewhere => Some(other.id),
            _ => Some(own.id),
        };
        let user = match registry.user_by_subject(subject).await? {
            Some(u) => u,
            None => {
                registry
                    .create_user(&actor, subject, name, role, ministry_id)
                    .await?
            }
        };
        // An address for the e-mails about derogations (`--smtp-url`), on a name that
        // reaches nobody outside a test relay.
        let local = subject.strip_prefix("dev:").unwrap_or(subject);
        registry
            .set_notification_address(&actor, user.id, &format!("{local}@dev.nuage.invalid"))
            .await?;
        if subject == DEV_SUBJECT {
            controller = Some(user);
        }
    }
    let controller =
        controller.ok_or_else(|| nuage_registry::Error::Corrupt("no dev controller".into()))?;
    if let Some(secret) = previous.map(str::trim).filter(|s| !s.is_empty())
        && let Some(found) = registry.token_user(secret).await?
        && found.user.id == controller.id
    {
        return Ok(DevSession {
            token: secret.to_owned(),
            reused: true,
        });
    }
    let issued = registry
        .issue_token_with(
            &actor,
            &controller,
            &nuage_registry::NewToken::for_days(
                DEV_TOKEN_NAME,
                nuage_registry::TokenScope::Write,
                30,
            ),
        )
        .await?;
    registry
        .revoke_tokens_named(&actor, &controller, DEV_TOKEN_NAME, Some(issued.id))
        .await?;
    Ok(DevSession {
        token: issued.secret,
        reused: false,
    })
}
