//! Users, their role and ministry, project membership, API tokens; and the access policy
//! that says what each role may read and change.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Error;
use crate::model::{Actor, OrganisationId, OrganisationKind, Project, ProjectId};
use crate::store::{Registry, audit, now};

/// What a user may do (issue 4, « qui peut faire quoi »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A project team member: reads and changes the projects they belong to, requests
    /// derogations for them.
    ProjectMember,
    /// A ministry's controller (DNUM): reads and changes every project of the ministry and
    /// its operators; approves derogations at ministry level.
    MinistryController,
    /// DINUM: reads every ministry; records the Prime Minister's validation.
    Dinum,
    /// Reads, never changes (inspection, Cour des comptes…), within its ministry if it has one.
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ProjectMember => "project_member",
            Role::MinistryController => "ministry_controller",
            Role::Dinum => "dinum",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "project_member" => Some(Role::ProjectMember),
            "ministry_controller" => Some(Role::MinistryController),
            "dinum" => Some(Role::Dinum),
            "auditor" => Some(Role::Auditor),
            _ => None,
        }
    }
}

id_type!(UserId);
id_type!(TokenId);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    pub id: UserId,
    pub subject: String,
    pub display_name: String,
    pub role: Role,
    /// The ministry the user belongs to; `None` only for DINUM and cross-ministry auditors.
    pub ministry_id: Option<OrganisationId>,
    pub created_at: String,
}

/// How a user reaches a project, decided before any data is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    None,
    Read,
    Write,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor(self.subject.clone())
    }

    /// What this user may do on `project`; `member` says whether they belong to its team.
    pub fn access_to(&self, project: &Project, member: bool) -> Access {
        let same_ministry = self.ministry_id == Some(project.ministry_id);
        match self.role {
            Role::ProjectMember if same_ministry && member => Access::Write,
            Role::ProjectMember => Access::None,
            Role::MinistryController if same_ministry => Access::Write,
            Role::MinistryController => Access::None,
            Role::Dinum => Access::Read,
            Role::Auditor if self.ministry_id.is_none() || same_ministry => Access::Read,
            Role::Auditor => Access::None,
        }
    }

    /// The ministry a listing is confined to: `None` means every ministry.
    pub fn listing_scope(&self) -> Result<Option<OrganisationId>, Error> {
        match (self.role, self.ministry_id) {
            (Role::Dinum, _) | (Role::Auditor, None) => Ok(None),
            (_, Some(m)) => Ok(Some(m)),
            (_, None) => Err(Error::Corrupt(format!(
                "user {} has role {} but no ministry",
                self.id,
                self.role.as_str()
            ))),
        }
    }
}

/// A new token's secret, shown once; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub id: TokenId,
    pub secret: String,
}

/// `N` random bytes from the system, in hex: secrets for tokens, sessions and drafts.
pub(crate) fn random_hex<const N: usize>() -> Result<String, Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::Corrupt(format!("no randomness: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        use std::fmt::Write;
        let _ = write!(out, "{byte:02x}");
    }
    out
}

pub(crate) fn token_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

impl Registry {
    pub async fn create_user(
        &self,
        actor: &Actor,
        subject: &str,
        display_name: &str,
        role: Role,
        ministry: Option<OrganisationId>,
    ) -> Result<User, Error> {
        if subject.trim().is_empty() {
            return Err(Error::Invalid {
                field: "subject",
                reason: "empty".into(),
            });
        }
        let needs_ministry = matches!(role, Role::ProjectMember | Role::MinistryController);
        if needs_ministry && ministry.is_none() {
            return Err(Error::Invalid {
                field: "ministry_id",
                reason: format!("the role {} belongs to a ministry", role.as_str()),
            });
        }
        if role == Role::Dinum && ministry.is_some() {
            return Err(Error::Invalid {
                field: "ministry_id",
                reason: "DINUM users see every ministry".into(),
            });
        }
        let mut tx = self.begin_write().await?;
        if let Some(m) = ministry {
            let org = crate::store::organisation_in(&mut tx, m).await?;
            if org.kind != OrganisationKind::Ministry {
                return Err(Error::Invalid {
                    field: "ministry_id",
                    reason: format!("organisation {m} is not a ministry"),
                });
            }
        }
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(Error::Conflict(format!("user `{subject}` exists")));
        }
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (subject, display_name, role, ministry_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(subject)
        .bind(display_name)
        .bind(role.as_str())
        .bind(ministry.map(|m| m.0))
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        let user = User {
            id: UserId(id),
            subject: subject.to_owned(),
            display_name: display_name.to_owned(),
            role,
            ministry_id: ministry,
            created_at: at,
        };
        audit(
            &mut tx,
            actor,
            "user.create",
            "user",
            &id.to_string(),
            ministry,
            None::<&()>,
            Some(&user),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user_by_subject(&self, subject: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query(
            "SELECT id, subject, display_name, role, ministry_id, created_at FROM users WHERE subject = $1",
        )
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// Adds a user to a project's team; they must belong to the project's ministry.
    pub async fn add_member(
        &self,
        actor: &Actor,
        project: ProjectId,
        user: &User,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let p = crate::store::project_in(&mut tx, project).await?;
        if user.ministry_id != Some(p.ministry_id) {
            return Err(Error::Invalid {
                field: "user",
                reason: format!("{} does not belong to the project's ministry", user.subject),
            });
        }
        let at = now();
        sqlx::query(
            "INSERT INTO project_members (project_id, user_id, added_at) VALUES ($1, $2, $3)",
        )
        .bind(project.0)
        .bind(user.id.0)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            "project.member.add",
            "project",
            &project.to_string(),
            Some(p.ministry_id),
            None::<&()>,
            Some(&user.subject),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn is_member(&self, project: ProjectId, user: UserId) -> Result<bool, Error> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM project_members WHERE project_id = $1 AND user_id = $2",
        )
        .bind(project.0)
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// What `user` may do on `project`, reading membership when it matters.
    pub async fn access(&self, user: &User, project: &Project) -> Result<Access, Error> {
        let member =
            user.role == Role::ProjectMember && self.is_member(project.id, user.id).await?;
        Ok(user.access_to(project, member))
    }

    /// Issues an API token for `user`; the secret is returned once and never stored.
    pub async fn issue_token(
        &self,
        actor: &Actor,
        user: &User,
        name: &str,
    ) -> Result<IssuedToken, Error> {
        let secret = format!("nuage_{}", random_hex::<32>()?);
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user.id.0)
        .bind(name)
        .bind(token_hash(&secret))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            "token.issue",
            "user",
            &user.id.to_string(),
            user.ministry_id,
            None::<&()>,
            Some(&name),
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedToken {
            id: TokenId(id),
            secret,
        })
    }

    pub async fn revoke_token(&self, actor: &Actor, token: TokenId) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(token.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("active token", token));
        }
        audit(
            &mut tx,
            actor,
            "token.revoke",
            "token",
            &token.to_string(),
            None,
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user behind an API token, if the token exists and is not revoked.
    pub async fn user_for_token(&self, secret: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query(
            "SELECT u.id, u.subject, u.display_name, u.role, u.ministry_id, u.created_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }
}

pub(crate) fn user_from(row: &AnyRow) -> Result<User, Error> {
    let id: i64 = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    let ministry: Option<i64> = row.try_get("ministry_id")?;
    Ok(User {
        id: UserId(id),
        subject: row.try_get("subject")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role)
            .ok_or_else(|| Error::Corrupt(format!("user {id} has role `{role}`")))?,
        ministry_id: ministry.map(OrganisationId),
        created_at: row.try_get("created_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProjectSummary;

    fn project(ministry: i64) -> Project {
        Project {
            id: ProjectId(1),
            organisation_id: OrganisationId(ministry),
            ministry_id: OrganisationId(ministry),
            name: "p".into(),
            current_version: 1,
            summary: ProjectSummary {
                hosting_kind: String::new(),
                sensitivity: String::new(),
                procedure: String::new(),
                verdict: String::new(),
                full_cost_cents: 0,
                obstacles: vec![],
            },
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn user(role: Role, ministry: Option<i64>) -> User {
        User {
            id: UserId(1),
            subject: "s".into(),
            display_name: "d".into(),
            role,
            ministry_id: ministry.map(OrganisationId),
            created_at: String::new(),
        }
    }

    #[test]
    fn access_table() {
        use Access::*;
        use Role::*;
        // (role, user's ministry, member of the team, expected on a project of ministry 1)
        let table = [
            (ProjectMember, Some(1), true, Write),
            (ProjectMember, Some(1), false, None),
            (ProjectMember, Some(2), true, None),
            (MinistryController, Some(1), false, Write),
            (MinistryController, Some(2), false, None),
            (Dinum, Option::None, false, Read),
            (Auditor, Some(1), false, Read),
            (Auditor, Some(2), false, None),
            (Auditor, Option::None, false, Read),
        ];
        for (role, ministry, member, expected) in table {
            assert_eq!(
                user(role, ministry).access_to(&project(1), member),
                expected,
                "{role:?} of {ministry:?}, member {member}"
            );
        }
    }

    #[test]
    fn tokens_are_stored_hashed() {
        assert_eq!(token_hash("nuage_x").len(), 64);
        assert_ne!(token_hash("nuage_x"), token_hash("nuage_y"));
    }
}
