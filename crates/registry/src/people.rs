//! Users, their role and ministry, project membership, API tokens; and the access policy
//! that says what each role may read and change.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

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

/// The columns [`user_from`] reads, for queries on `users u`.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.subject, u.display_name, u.role, u.ministry_id, u.created_at, u.email, u.disabled_at";

/// The subject of an account opened by e-mail before its owner's first login.
pub(crate) fn email_subject(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    pub id: UserId,
    /// The identity provider's `sub`; `email:ADDRESS` for an account opened by e-mail that
    /// nobody has logged in to yet; `dev:NAME` for the development accounts.
    pub subject: String,
    pub display_name: String,
    pub role: Role,
    /// The ministry the user belongs to; `None` only for DINUM and cross-ministry auditors.
    pub ministry_id: Option<OrganisationId>,
    pub created_at: String,
    /// The e-mail address the account was opened with, if it was opened by e-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// When the account was disabled: it then neither logs in nor uses its tokens.
    #[serde(default)]
    pub disabled_at: Option<String>,
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

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
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

    /// The accounts this user administers: DINUM every account; a ministry's controller
    /// those of its ministry, DINUM's excepted; nobody else any.
    pub fn administers(&self, target: &User) -> bool {
        match self.role {
            Role::Dinum => true,
            Role::MinistryController => {
                target.role != Role::Dinum
                    && target.ministry_id.is_some()
                    && target.ministry_id == self.ministry_id
            }
            Role::ProjectMember | Role::Auditor => false,
        }
    }

    /// Whether this user may give `role` in `ministry` to an account: DINUM any; a
    /// ministry's controller any role but DINUM's, in its own ministry only.
    pub fn may_grant(&self, role: Role, ministry: Option<OrganisationId>) -> bool {
        match self.role {
            Role::Dinum => true,
            Role::MinistryController => {
                role != Role::Dinum && ministry.is_some() && ministry == self.ministry_id
            }
            Role::ProjectMember | Role::Auditor => false,
        }
    }
}

/// What a token may do: `read` only reads (GET, and replaying an assessment), `write` all
/// that its owner's role allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// The longest a token may live, and how long it lives unless told otherwise.
pub const TOKEN_MAX_DAYS: i64 = 366;
pub const TOKEN_DEFAULT_DAYS: i64 = 90;

/// A token to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub name: String,
    pub scope: TokenScope,
    /// When it expires (Unix seconds): later than now, at most [`TOKEN_MAX_DAYS`] from now.
    pub expires_at: i64,
}

impl NewToken {
    /// A token that expires `days` from now.
    pub fn for_days(name: &str, scope: TokenScope, days: i64) -> Self {
        NewToken {
            name: name.to_owned(),
            scope,
            expires_at: unix_now().saturating_add(days.saturating_mul(86_400)),
        }
    }
}

/// A new token's secret, shown once; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub id: TokenId,
    pub secret: String,
    pub info: TokenInfo,
}

/// A token as listed: everything but its secret, which is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenInfo {
    pub id: TokenId,
    pub user_id: UserId,
    /// The owner's subject.
    pub owner: String,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub state: String,
}

/// The user behind a token, with the token's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUser {
    pub user: User,
    pub token: TokenId,
    pub scope: TokenScope,
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

pub(crate) fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Unix seconds as an RFC 3339 instant.
pub(crate) fn instant(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// A token's last use is written at most once a minute: reading it is on every API call.
const LAST_USE_PRECISION: i64 = 60;

fn check_role_ministry(role: Role, ministry: Option<OrganisationId>) -> Result<(), Error> {
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
    Ok(())
}

async fn check_ministry(
    conn: &mut sqlx::AnyConnection,
    ministry: Option<OrganisationId>,
) -> Result<(), Error> {
    if let Some(m) = ministry {
        let org = crate::store::organisation_in(conn, m).await?;
        if org.kind != OrganisationKind::Ministry {
            return Err(Error::Invalid {
                field: "ministry_id",
                reason: format!("organisation {m} is not a ministry"),
            });
        }
    }
    Ok(())
}

async fn user_in(conn: &mut sqlx::AnyConnection, id: UserId) -> Result<User, Error> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    )))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("user", id))?;
    user_from(&row)
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
        check_role_ministry(role, ministry)?;
        crate::store::storable("subject", subject)?;
        crate::store::storable("display_name", display_name)?;
        let mut tx = self.begin_write().await?;
        check_ministry(&mut tx, ministry).await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(Error::Conflict(format!("user `{subject}` exists")));
        }
        let email = subject.strip_prefix("email:").map(str::to_owned);
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (subject, display_name, role, ministry_id, created_at, email) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(subject)
        .bind(display_name)
        .bind(role.as_str())
        .bind(ministry.map(|m| m.0))
        .bind(&at)
        .bind(email.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        let user = User {
            id: UserId(id),
            subject: subject.to_owned(),
            display_name: display_name.to_owned(),
            role,
            ministry_id: ministry,
            created_at: at,
            email,
            disabled_at: None,
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

    /// Opens an account for the person with `email`, found at their first login.
    pub async fn create_user_by_email(
        &self,
        actor: &Actor,
        email: &str,
        display_name: &str,
        role: Role,
        ministry: Option<OrganisationId>,
    ) -> Result<User, Error> {
        let email = email.trim();
        if !email.contains('@') || email.chars().any(char::is_whitespace) {
            return Err(Error::Invalid {
                field: "email",
                reason: format!("`{email}` is not an e-mail address"),
            });
        }
        self.create_user(actor, &email_subject(email), display_name, role, ministry)
            .await
    }

    pub async fn user_by_subject(&self, subject: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.subject = $1"
        )))
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    pub async fn user(&self, id: UserId) -> Result<User, Error> {
        let mut conn = self.pool.acquire().await?;
        user_in(&mut conn, id).await
    }

    /// The account opened with `email` (bound to a subject or not).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
        let email = email.trim().to_lowercase();
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1 OR u.subject = $2 ORDER BY u.id LIMIT 1"
        )))
        .bind(&email)
        .bind(email_subject(&email))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// The accounts of a ministry (`Some`) or all of them, by id; at most 10 000.
    pub async fn users(&self, ministry: Option<OrganisationId>) -> Result<Vec<User>, Error> {
        let rows = match ministry {
            Some(m) => {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.ministry_id = $1 ORDER BY u.id LIMIT 10000"
                )))
                .bind(m.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT {USER_COLUMNS} FROM users u ORDER BY u.id LIMIT 10000"
                )))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(user_from).collect()
    }

    /// The account an OpenID Connect login opens: the one bound to `subject`; else, when the
    /// provider vouches for the e-mail (`email_verified`), the account opened with that e-mail
    /// and never logged in to, which is bound to `subject` now and to no other subject after.
    /// An unverified e-mail never opens an account. Disabled accounts are returned: the caller
    /// refuses them with a message that says so.
    pub async fn user_for_login(
        &self,
        subject: &str,
        email: Option<&str>,
        email_verified: bool,
    ) -> Result<Option<User>, Error> {
        // The registry's own subjects are never the provider's to claim.
        if subject.starts_with("email:") || subject.starts_with("dev:") {
            return Ok(None);
        }
        if let Some(user) = self.user_by_subject(subject).await? {
            return Ok(Some(user));
        }
        let Some(email) = email.filter(|_| email_verified) else {
            return Ok(None);
        };
        let placeholder = email_subject(email);
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.subject = $1"
        )))
        .bind(&placeholder)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let before = user_from(&row)?;
        // Only one login binds the account, even when two arrive together.
        let done = sqlx::query("UPDATE users SET subject = $1 WHERE id = $2 AND subject = $3")
            .bind(subject)
            .bind(before.id.0)
            .bind(&placeholder)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let after = User {
            subject: subject.to_owned(),
            ..before.clone()
        };
        audit(
            &mut tx,
            &after.actor(),
            "user.bind",
            "user",
            &after.id.to_string(),
            after.ministry_id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(after))
    }

    /// Disables (`true`) or enables an account. A disabled account's sessions end at once;
    /// its tokens stay revocable but authenticate nobody until it is enabled again.
    pub async fn set_disabled(
        &self,
        actor: &Actor,
        id: UserId,
        disabled: bool,
    ) -> Result<User, Error> {
        let mut tx = self.begin_write().await?;
        let before = user_in(&mut tx, id).await?;
        if before.is_disabled() == disabled {
            return Ok(before);
        }
        let at = disabled.then(now);
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(at.as_deref())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        let after = User {
            disabled_at: at,
            ..before.clone()
        };
        audit(
            &mut tx,
            actor,
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            "user",
            &id.to_string(),
            after.ministry_id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes an account's role and ministry.
    pub async fn set_role(
        &self,
        actor: &Actor,
        id: UserId,
        role: Role,
        ministry: Option<OrganisationId>,
    ) -> Result<User, Error> {
        check_role_ministry(role, ministry)?;
        let mut tx = self.begin_write().await?;
        check_ministry(&mut tx, ministry).await?;
        let before = user_in(&mut tx, id).await?;
        sqlx::query("UPDATE users SET role = $1, ministry_id = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(ministry.map(|m| m.0))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = User {
            role,
            ministry_id: ministry,
            ..before.clone()
        };
        audit(
            &mut tx,
            actor,
            "user.role",
            "user",
            &id.to_string(),
            after.ministry_id.or(before.ministry_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
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

    /// Issues a `write` API token for `user` that expires in [`TOKEN_DEFAULT_DAYS`].
    pub async fn issue_token(
        &self,
        actor: &Actor,
        user: &User,
        name: &str,
    ) -> Result<IssuedToken, Error> {
        self.issue_token_with(
            actor,
            user,
            &NewToken::for_days(name, TokenScope::Write, TOKEN_DEFAULT_DAYS),
        )
        .await
    }

    /// Issues an API token for `user`; the secret is returned once and never stored.
    pub async fn issue_token_with(
        &self,
        actor: &Actor,
        user: &User,
        token: &NewToken,
    ) -> Result<IssuedToken, Error> {
        let name = token.name.trim();
        crate::store::storable("name", name)?;
        if name.is_empty() || name.chars().count() > 200 {
            return Err(Error::Invalid {
                field: "name",
                reason: "a token's name has 1 to 200 characters".into(),
            });
        }
        let issued_at = unix_now();
        // A minute of slack: `for_days` read the clock a moment earlier.
        if token.expires_at <= issued_at
            || token.expires_at > issued_at + TOKEN_MAX_DAYS * 86_400 + 60
        {
            return Err(Error::Invalid {
                field: "expires_in_days",
                reason: format!(
                    "a token lives at most {TOKEN_MAX_DAYS} days, and expires later than now"
                ),
            });
        }
        if user.is_disabled() {
            return Err(Error::Invalid {
                field: "user_id",
                reason: format!("the account {} is disabled", user.subject),
            });
        }
        let secret = format!("nuage_{}", random_hex::<32>()?);
        let created = now();
        let expires = token.expires_at;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, scope, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user.id.0)
        .bind(name)
        .bind(token_hash(&secret))
        .bind(&created)
        .bind(token.scope.as_str())
        .bind(expires)
        .fetch_one(&mut *tx)
        .await?;
        let info = TokenInfo {
            id: TokenId(id),
            user_id: user.id,
            owner: user.subject.clone(),
            name: name.to_owned(),
            scope: token.scope,
            created_at: created,
            expires_at: Some(instant(expires)),
            last_used_at: None,
            revoked_at: None,
            state: "active".into(),
        };
        audit(
            &mut tx,
            actor,
            "token.issue",
            "user",
            &user.id.to_string(),
            user.ministry_id,
            None::<&()>,
            Some(&info),
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedToken {
            id: TokenId(id),
            secret,
            info,
        })
    }

    pub async fn revoke_token(&self, actor: &Actor, token: TokenId) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let owner: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT u.ministry_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1",
        )
        .bind(token.0)
        .fetch_optional(&mut *tx)
        .await?;
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
            owner.flatten().map(OrganisationId),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One token, without its secret.
    pub async fn token(&self, id: TokenId) -> Result<TokenInfo, Error> {
        let row = sqlx::query(AssertSqlSafe(format!("{TOKEN_SELECT} WHERE t.id = $1")))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::not_found("token", id))?;
        token_from(&row, unix_now())
    }

    /// The tokens of one account (`Some`) or of every account, newest first; at most 10 000.
    pub async fn tokens(&self, user: Option<UserId>) -> Result<Vec<TokenInfo>, Error> {
        let rows = match user {
            Some(u) => {
                sqlx::query(AssertSqlSafe(format!(
                    "{TOKEN_SELECT} WHERE t.user_id = $1 ORDER BY t.id DESC LIMIT 10000"
                )))
                .bind(u.0)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(AssertSqlSafe(format!(
                    "{TOKEN_SELECT} ORDER BY t.id DESC LIMIT 10000"
                )))
                .fetch_all(&self.pool)
                .await?
            }
        };
        let at = unix_now();
        rows.iter().map(|r| token_from(r, at)).collect()
    }

    /// The user behind an API token, if the token exists, is neither revoked nor expired,
    /// and its account is not disabled.
    pub async fn user_for_token(&self, secret: &str) -> Result<Option<User>, Error> {
        Ok(self.token_user(secret).await?.map(|t| t.user))
    }

    /// Same, with the token's scope; records the token's last use (to the minute).
    pub async fn token_user(&self, secret: &str) -> Result<Option<TokenUser>, Error> {
        let at = unix_now();
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, t.id AS token_id, t.scope, t.last_used_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 \
             AND u.disabled_at IS NULL"
        )))
        .bind(token_hash(secret))
        .bind(at)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token = TokenId(row.try_get("token_id")?);
        let scope: String = row.try_get("scope")?;
        let scope = TokenScope::parse(&scope)
            .ok_or_else(|| Error::Corrupt(format!("token {token} has scope `{scope}`")))?;
        let last: Option<i64> = row.try_get("last_used_at")?;
        if last.is_none_or(|l| l + LAST_USE_PRECISION <= at) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(token.0)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(TokenUser {
            user: user_from(&row)?,
            token,
            scope,
        }))
    }

    /// Revokes the live tokens of `user` named `name` but `keep` (the `--dev` session's).
    pub async fn revoke_tokens_named(
        &self,
        actor: &Actor,
        user: &User,
        name: &str,
        keep: Option<TokenId>,
    ) -> Result<usize, Error> {
        let mut revoked = 0;
        for t in self.tokens(Some(user.id)).await? {
            if t.name == name && t.revoked_at.is_none() && Some(t.id) != keep {
                self.revoke_token(actor, t.id).await?;
                revoked += 1;
            }
        }
        Ok(revoked)
    }
}

const TOKEN_SELECT: &str = "SELECT t.id, t.user_id, u.subject AS owner, t.name, t.scope, \
    t.created_at, t.expires_at, t.last_used_at, t.revoked_at \
    FROM api_tokens t JOIN users u ON u.id = t.user_id";

fn token_from(row: &AnyRow, now: i64) -> Result<TokenInfo, Error> {
    let id = TokenId(row.try_get("id")?);
    let scope: String = row.try_get("scope")?;
    let expires: Option<i64> = row.try_get("expires_at")?;
    let last: Option<i64> = row.try_get("last_used_at")?;
    let revoked: Option<String> = row.try_get("revoked_at")?;
    let state = if revoked.is_some() {
        "revoked"
    } else if expires.is_none_or(|e| e <= now) {
        "expired"
    } else {
        "active"
    };
    Ok(TokenInfo {
        id,
        user_id: UserId(row.try_get("user_id")?),
        owner: row.try_get("owner")?,
        name: row.try_get("name")?,
        scope: TokenScope::parse(&scope)
            .ok_or_else(|| Error::Corrupt(format!("token {id} has scope `{scope}`")))?,
        created_at: row.try_get("created_at")?,
        expires_at: expires.map(instant),
        last_used_at: last.map(instant),
        revoked_at: revoked,
        state: state.into(),
    })
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
        email: row.try_get("email")?,
        disabled_at: row.try_get("disabled_at")?,
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
            email: None,
            disabled_at: None,
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
