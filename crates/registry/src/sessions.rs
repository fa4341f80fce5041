//! Browser sessions (after an OpenID Connect login or in `--dev`) and questionnaire drafts.

use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

use crate::people::{USER_COLUMNS, random_hex, token_hash, user_from};
use crate::store::audit;
use crate::{Error, Registry, User};

/// A session's lifetime: a working day and a half, then log in again.
pub const SESSION_SECONDS: i64 = 36 * 3600;

/// An open browser session. The secret goes to the cookie and is never stored.
#[derive(Debug, Clone)]
pub struct Session {
    pub secret: String,
    /// The token every form of this session carries (synchronizer pattern).
    pub csrf: String,
    pub user: User,
    pub expires_at: i64,
}

/// A questionnaire draft's address: 128 random bits in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftId(String);

impl DraftId {
    /// Accepts only what [`Registry::create_draft`] gives out.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
        .then(|| DraftId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DraftId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub struct Draft {
    pub id: DraftId,
    pub user_id: Option<crate::UserId>,
    /// The answers, as the web crate stores them (JSON).
    pub answers: String,
    pub updated_at: i64,
    /// The project this draft became or edits, and the dossier version it was last in step
    /// with: saving it adds a version to that project.
    pub project: Option<(crate::ProjectId, i64)>,
}

fn draft_from(row: &sqlx::any::AnyRow) -> Result<Draft, Error> {
    let id: String = row.try_get("id")?;
    let user: Option<i64> = row.try_get("user_id")?;
    let project: Option<i64> = row.try_get("project_id")?;
    let version: Option<i64> = row.try_get("base_version")?;
    Ok(Draft {
        id: DraftId(id),
        user_id: user.map(crate::UserId),
        answers: row.try_get("answers")?,
        updated_at: row.try_get("updated_at")?,
        project: project.map(|p| (crate::ProjectId(p), version.unwrap_or(0))),
    })
}

const DRAFT_COLUMNS: &str = "id, user_id, answers, updated_at, project_id, base_version";

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Registry {
    /// Opens a session for `user`.
    pub async fn open_session(&self, user: &User, how: &str) -> Result<Session, Error> {
        let secret = random_hex::<32>()?;
        let csrf = random_hex::<32>()?;
        let created = unix_now();
        let expires_at = created + SESSION_SECONDS;
        let mut tx = self.begin_write().await?;
        // Expired sessions are swept as new ones open: the table stays small without a timer.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(created)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&secret))
        .bind(user.id.0)
        .bind(&csrf)
        .bind(created)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            &user.actor(),
            "session.open",
            "user",
            &user.id.to_string(),
            user.ministry_id,
            None::<&()>,
            Some(&how),
        )
        .await?;
        tx.commit().await?;
        Ok(Session {
            secret,
            csrf,
            user: user.clone(),
            expires_at,
        })
    }

    /// The live session behind a cookie's secret.
    pub async fn session(&self, secret: &str) -> Result<Option<Session>, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, s.csrf, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at >= $2 AND u.disabled_at IS NULL"
        )))
        .bind(token_hash(secret))
        .bind(unix_now())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Session {
            secret: secret.to_owned(),
            csrf: row.try_get("csrf")?,
            expires_at: row.try_get("expires_at")?,
            user: user_from(&row)?,
        }))
    }

    /// Ends a session (logout). Ending an unknown one is not an error.
    pub async fn close_session(&self, secret: &str) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(token_hash(secret))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a draft with `answers` (JSON). Drafts left untouched for the limits' days are
    /// swept first; then a draft nobody owns counts against the anonymous drafts' cap, an
    /// owned one against its owner's.
    pub async fn create_draft(&self, user: Option<&User>, answers: &str) -> Result<Draft, Error> {
        self.check_draft_size(answers)?;
        let id = DraftId(random_hex::<16>()?);
        let at = unix_now();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM drafts WHERE updated_at < $1")
            .bind(self.draft_cutoff(at))
            .execute(&mut *tx)
            .await?;
        let (count, cap): (i64, i64) = match user {
            None => (
                sqlx::query_scalar("SELECT COUNT(*) FROM drafts WHERE user_id IS NULL")
                    .fetch_one(&mut *tx)
                    .await?,
                self.limits.anonymous_drafts,
            ),
            Some(u) => (
                sqlx::query_scalar("SELECT COUNT(*) FROM drafts WHERE user_id = $1")
                    .bind(u.id.0)
                    .fetch_one(&mut *tx)
                    .await?,
                self.limits.drafts_per_user,
            ),
        };
        if count >= cap {
            return Err(Error::LimitReached(match user {
                None => format!(
                    "{cap} drafts without an owner are open on this server: log in, or retry when older ones expire ({} days untouched)",
                    self.limits.draft_days
                ),
                Some(_) => format!(
                    "you have {cap} drafts: a draft expires {} days after its last change",
                    self.limits.draft_days
                ),
            }));
        }
        sqlx::query(
            "INSERT INTO drafts (id, user_id, answers, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id.as_str())
        .bind(user.map(|u| u.id.0))
        .bind(answers)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Draft {
            id,
            user_id: user.map(|u| u.id),
            answers: answers.to_owned(),
            updated_at: at,
            project: None,
        })
    }

    fn check_draft_size(&self, answers: &str) -> Result<(), Error> {
        if answers.len() > self.limits.draft_bytes {
            return Err(Error::TooLarge(format!(
                "a draft's answers weigh at most {} KiB",
                self.limits.draft_bytes / 1024
            )));
        }
        Ok(())
    }

    /// Drafts last changed before this instant have expired.
    fn draft_cutoff(&self, now: i64) -> i64 {
        now - self.limits.draft_days * 86_400
    }

    /// A draft that has not expired.
    pub async fn draft(&self, id: &DraftId) -> Result<Draft, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1 AND updated_at >= $2"
        )))
        .bind(id.as_str())
        .bind(self.draft_cutoff(unix_now()))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::not_found("draft", id))?;
        draft_from(&row)
    }

    /// Starts a draft that edits `project` from its dossier `version` (the answers that
    /// describe that version): saving it adds the next version.
    pub async fn create_draft_for_project(
        &self,
        user: &User,
        answers: &str,
        project: crate::ProjectId,
        version: i64,
    ) -> Result<Draft, Error> {
        let draft = self.create_draft(Some(user), answers).await?;
        self.link_draft(&draft.id, project, version).await?;
        Ok(Draft {
            project: Some((project, version)),
            ..draft
        })
    }

    /// Records that the draft is now in step with `project`'s dossier `version`. A draft
    /// already linked to another project is refused: a draft never feeds two projects.
    pub async fn link_draft(
        &self,
        id: &DraftId,
        project: crate::ProjectId,
        version: i64,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE drafts SET project_id = $1, base_version = $2 \
             WHERE id = $3 AND (project_id IS NULL OR project_id = $1)",
        )
        .bind(project.0)
        .bind(version)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::Conflict(format!(
                "draft {id} belongs to another project or no longer exists"
            )));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a draft of `user`'s (or one nobody owns). Deleting a missing one is not found.
    pub async fn delete_draft(&self, id: &DraftId, user: Option<&User>) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("DELETE FROM drafts WHERE id = $1 AND (user_id IS NULL OR user_id = $2)")
                .bind(id.as_str())
                .bind(user.map(|u| u.id.0))
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("draft", id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Saves a draft's answers; a draft started anonymously becomes the saver's.
    pub async fn save_draft(
        &self,
        id: &DraftId,
        user: Option<&User>,
        answers: &str,
    ) -> Result<(), Error> {
        self.check_draft_size(answers)?;
        let at = unix_now();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE drafts SET answers = $1, updated_at = $2, user_id = COALESCE(user_id, $3) \
             WHERE id = $4 AND updated_at >= $5",
        )
        .bind(answers)
        .bind(at)
        .bind(user.map(|u| u.id.0))
        .bind(id.as_str())
        .bind(self.draft_cutoff(at))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("draft", id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// How many drafts are open: (without an owner, in all).
    pub async fn draft_counts(&self) -> Result<(i64, i64), Error> {
        let cutoff = self.draft_cutoff(unix_now());
        let anonymous: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM drafts WHERE user_id IS NULL AND updated_at >= $1",
        )
        .bind(cutoff)
        .fetch_one(&self.pool)
        .await?;
        let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM drafts WHERE updated_at >= $1")
            .bind(cutoff)
            .fetch_one(&self.pool)
            .await?;
        Ok((anonymous, all))
    }

    /// A user's drafts, the latest first.
    pub async fn drafts_of(&self, user: &User) -> Result<Vec<Draft>, Error> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DRAFT_COLUMNS} FROM drafts WHERE user_id = $1 AND updated_at >= $2 \
             ORDER BY updated_at DESC, id LIMIT 50"
        )))
        .bind(user.id.0)
        .bind(self.draft_cutoff(unix_now()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(draft_from).collect()
    }
}
