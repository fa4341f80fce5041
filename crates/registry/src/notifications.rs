//! What the registry keeps for following derogations: the e-mails sent about them (each once,
//! whatever the number of instances), who receives them, the derogations that wait for someone,
//! and the documents attached to them (PDF, with their SHA-256).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::Error;
use crate::derogations::{DerogationId, DerogationState, StoredDerogation};
use crate::model::{Actor, OrganisationId};
use crate::people::{Role, User, UserId};
use crate::store::{Registry, audit, now};

/// Why an e-mail is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A step waits for someone (the threshold is the state it waits in).
    Waiting,
    /// A deadline comes near (the threshold is a number of days: 90, 30, 7).
    Deadline,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Waiting => "waiting",
            NotificationKind::Deadline => "deadline",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [NotificationKind::Waiting, NotificationKind::Deadline]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// One e-mail as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredNotification {
    pub derogation_id: DerogationId,
    pub kind: NotificationKind,
    pub threshold: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub claimed_at: String,
    /// `None` while an instance sends it.
    pub sent_at: Option<String>,
}

/// A PDF attached to a derogation, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AttachmentInfo {
    pub id: i64,
    pub derogation_id: DerogationId,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    /// `sha256:` and 64 hexadecimal digits.
    pub sha256: String,
    pub uploaded_at: String,
    pub uploaded_by: Actor,
}

/// Largest attachment the registry stores.
pub const ATTACHMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        use std::fmt::Write;
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Whether `bytes` are a PDF file: its header (`%PDF-`, within the first KiB as readers allow)
/// and its end-of-file marker near the end.
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(1024)).unwrap_or_default();
    let starts = head.windows(5).any(|w| w == b"%PDF-");
    let tail = bytes
        .get(bytes.len().saturating_sub(1024)..)
        .unwrap_or_default();
    let ends = tail.windows(5).any(|w| w == b"%%EOF");
    starts && ends
}

impl Registry {
    /// Claims the e-mail `(derogation, kind, threshold)`: `true` if nobody had, and the caller
    /// then sends it and calls [`Registry::notification_sent`] (or
    /// [`Registry::release_notification`] when sending failed).
    pub async fn claim_notification(
        &self,
        derogation: DerogationId,
        kind: NotificationKind,
        threshold: &str,
        recipients: &[String],
        subject: &str,
    ) -> Result<bool, Error> {
        crate::store::storable("subject", subject)?;
        let recipients =
            serde_json::to_string(recipients).map_err(|e| Error::Corrupt(e.to_string()))?;
        // A claim left unsent for longer than the lease is a crashed sender's: taken over.
        let at = jiff::Timestamp::now();
        let stale = at
            .checked_sub(jiff::SignedDuration::from_secs(
                self.limits.notification_claim_seconds,
            ))
            .unwrap_or(at);
        let mut tx = self.begin_write().await?;
        let claimed: Option<i64> = sqlx::query_scalar(
            "INSERT INTO notifications (derogation_id, kind, threshold, recipients, subject, claimed_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (derogation_id, kind, threshold) \
             DO UPDATE SET recipients = excluded.recipients, subject = excluded.subject, claimed_at = excluded.claimed_at \
             WHERE notifications.sent_at IS NULL AND notifications.claimed_at < $7 RETURNING id",
        )
        .bind(derogation.0)
        .bind(kind.as_str())
        .bind(threshold)
        .bind(&recipients)
        .bind(subject)
        .bind(at.to_string())
        .bind(stale.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claimed.is_some())
    }

    /// Records that the claimed e-mail left.
    pub async fn notification_sent(
        &self,
        derogation: DerogationId,
        kind: NotificationKind,
        threshold: &str,
    ) -> Result<(), Error> {
        sqlx::query(
            "UPDATE notifications SET sent_at = $1 WHERE derogation_id = $2 AND kind = $3 AND threshold = $4",
        )
        .bind(now())
        .bind(derogation.0)
        .bind(kind.as_str())
        .bind(threshold)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives up a claim whose e-mail could not be sent, so that a later sweep sends it.
    pub async fn release_notification(
        &self,
        derogation: DerogationId,
        kind: NotificationKind,
        threshold: &str,
    ) -> Result<(), Error> {
        sqlx::query(
            "DELETE FROM notifications WHERE derogation_id = $1 AND kind = $2 AND threshold = $3 AND sent_at IS NULL",
        )
        .bind(derogation.0)
        .bind(kind.as_str())
        .bind(threshold)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The e-mails recorded for a derogation, oldest first.
    pub async fn notifications_of(
        &self,
        derogation: DerogationId,
    ) -> Result<Vec<StoredNotification>, Error> {
        let rows = sqlx::query(
            "SELECT derogation_id, kind, threshold, recipients, subject, claimed_at, sent_at \
             FROM notifications WHERE derogation_id = $1 ORDER BY id",
        )
        .bind(derogation.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let recipients: String = r.try_get("recipients")?;
                Ok(StoredNotification {
                    derogation_id: DerogationId(r.try_get("derogation_id")?),
                    kind: NotificationKind::parse(&kind)
                        .ok_or_else(|| Error::Corrupt(format!("notification kind `{kind}`")))?,
                    threshold: r.try_get("threshold")?,
                    recipients: serde_json::from_str(&recipients)
                        .map_err(|e| Error::Corrupt(e.to_string()))?,
                    subject: r.try_get("subject")?,
                    claimed_at: r.try_get("claimed_at")?,
                    sent_at: r.try_get("sent_at")?,
                })
            })
            .collect()
    }

    /// The e-mail addresses of the enabled accounts that record steps as `role` for a
    /// derogation of `ministry`: its controllers, DINUM; for the team, the project's members.
    pub async fn addresses(
        &self,
        derogation: &StoredDerogation,
        team: bool,
        role: Option<Role>,
    ) -> Result<Vec<String>, Error> {
        let mut out: Vec<String> = Vec::new();
        if team {
            let rows: Vec<Option<String>> = sqlx::query_scalar(
                "SELECT u.email FROM users u JOIN project_members m ON m.user_id = u.id \
                 WHERE m.project_id = $1 AND u.disabled_at IS NULL AND u.email IS NOT NULL ORDER BY u.id",
            )
            .bind(derogation.project_id.0)
            .fetch_all(&self.pool)
            .await?;
            out.extend(rows.into_iter().flatten());
        }
        match role {
            Some(Role::Dinum) => {
                let rows: Vec<Option<String>> = sqlx::query_scalar(
                    "SELECT email FROM users WHERE role = $1 AND disabled_at IS NULL AND email IS NOT NULL ORDER BY id",
                )
                .bind(Role::Dinum.as_str())
                .fetch_all(&self.pool)
                .await?;
                out.extend(rows.into_iter().flatten());
            }
            Some(r) => {
                let rows: Vec<Option<String>> = sqlx::query_scalar(
                    "SELECT email FROM users WHERE role = $1 AND ministry_id = $2 AND disabled_at IS NULL \
                     AND email IS NOT NULL ORDER BY id",
                )
                .bind(r.as_str())
                .bind(derogation.ministry_id.0)
                .fetch_all(&self.pool)
                .await?;
                out.extend(rows.into_iter().flatten());
            }
            None => {}
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Sets the address e-mails go to for an account that has none yet (the development
    /// accounts); an account opened by e-mail keeps the address it was opened with.
    pub async fn set_notification_address(
        &self,
        actor: &Actor,
        user: UserId,
        email: &str,
    ) -> Result<(), Error> {
        let email = email.trim().to_lowercase();
        if !email.contains('@') || email.chars().any(char::is_whitespace) {
            return Err(Error::Invalid {
                field: "email",
                reason: format!("`{email}` is not an e-mail address"),
            });
        }
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE users SET email = $1 WHERE id = $2 AND email IS NULL")
            .bind(&email)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 1 {
            audit(
                &mut tx,
                actor,
                "user.notification_address",
                "user",
                &user.to_string(),
                None,
                None::<&()>,
                Some(&email),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Derogations neither refused nor expired, of `ministry` (all when `None`) and, for
    /// `member`, of the projects they belong to; at most 2 000, by id.
    pub async fn open_derogations(
        &self,
        ministry: Option<OrganisationId>,
        member: Option<UserId>,
    ) -> Result<Vec<StoredDerogation>, Error> {
        let mut sql =
            String::from("SELECT d.id FROM derogations d WHERE d.state <> $1 AND d.state <> $2");
        if ministry.is_some() {
            sql.push_str(" AND d.ministry_id = $3");
        }
        if member.is_some() {
            sql.push_str(if ministry.is_some() {
                " AND d.project_id IN (SELECT project_id FROM project_members WHERE user_id = $4)"
            } else {
                " AND d.project_id IN (SELECT project_id FROM project_members WHERE user_id = $3)"
            });
        }
        sql.push_str(" ORDER BY d.id LIMIT 2000");
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(DerogationState::Refused.as_str())
            .bind(DerogationState::Expired.as_str());
        if let Some(m) = ministry {
            query = query.bind(m.0);
        }
        if let Some(u) = member {
            query = query.bind(u.0);
        }
        let ids: Vec<i64> = query.fetch_all(&self.pool).await?;
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(crate::derogations::derogation_in(&mut conn, DerogationId(id)).await?);
        }
        Ok(out)
    }

    /// Stores a PDF attached to a derogation by `user` (who may change its project: the
    /// caller checks), with its SHA-256. Refuses what is not a PDF or is larger than
    /// [`ATTACHMENT_MAX_BYTES`].
    pub async fn attach(
        &self,
        user: &User,
        derogation: &StoredDerogation,
        name: &str,
        content: &[u8],
    ) -> Result<AttachmentInfo, Error> {
        if content.len() > ATTACHMENT_MAX_BYTES {
            return Err(Error::Invalid {
                field: "file",
                reason: format!(
                    "{} bytes: an attachment holds at most {ATTACHMENT_MAX_BYTES}",
                    content.len()
                ),
            });
        }
        if !is_pdf(content) {
            return Err(Error::Invalid {
                field: "file",
                reason: "not a PDF file (no %PDF- header or no %%EOF marker)".into(),
            });
        }
        let name: String = name
            .chars()
            .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
            .take(200)
            .collect();
        let name = if name.trim().is_empty() {
            "piece.pdf".to_owned()
        } else {
            name
        };
        let sha256 = format!("sha256:{}", hex(&Sha256::digest(content)));
        let size = i64::try_from(content.len()).map_err(|e| Error::Corrupt(e.to_string()))?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO derogation_attachments (derogation_id, name, media_type, size, sha256, content, uploaded_at, uploaded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(derogation.id.0)
        .bind(&name)
        .bind("application/pdf")
        .bind(size)
        .bind(&sha256)
        .bind(content)
        .bind(&at)
        .bind(user.subject.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let info = AttachmentInfo {
            id,
            derogation_id: derogation.id,
            name,
            media_type: "application/pdf".into(),
            size,
            sha256,
            uploaded_at: at,
            uploaded_by: Actor(user.subject.clone()),
        };
        audit(
            &mut tx,
            &user.actor(),
            "derogation.attach",
            "derogation",
            &derogation.id.to_string(),
            Some(derogation.ministry_id),
            None::<&()>,
            Some(&info),
        )
        .await?;
        tx.commit().await?;
        Ok(info)
    }

    /// The documents attached to a derogation, without their content.
    pub async fn attachments_of(
        &self,
        derogation: DerogationId,
    ) -> Result<Vec<AttachmentInfo>, Error> {
        let rows = sqlx::query(
            "SELECT id, derogation_id, name, media_type, size, sha256, uploaded_at, uploaded_by \
             FROM derogation_attachments WHERE derogation_id = $1 ORDER BY id",
        )
        .bind(derogation.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttachmentInfo {
                    id: r.try_get("id")?,
                    derogation_id: DerogationId(r.try_get("derogation_id")?),
                    name: r.try_get("name")?,
                    media_type: r.try_get("media_type")?,
                    size: r.try_get("size")?,
                    sha256: r.try_get("sha256")?,
                    uploaded_at: r.try_get("uploaded_at")?,
                    uploaded_by: Actor(r.try_get("uploaded_by")?),
                })
            })
            .collect()
    }

    /// One attachment with its content.
    pub async fn attachment(
        &self,
        derogation: DerogationId,
        id: i64,
    ) -> Result<(AttachmentInfo, Vec<u8>), Error> {
        let row = sqlx::query(
            "SELECT id, derogation_id, name, media_type, size, sha256, uploaded_at, uploaded_by, content \
             FROM derogation_attachments WHERE derogation_id = $1 AND id = $2",
        )
        .bind(derogation.0)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::not_found("attachment", id))?;
        let info = AttachmentInfo {
            id: row.try_get("id")?,
            derogation_id: DerogationId(row.try_get("derogation_id")?),
            name: row.try_get("name")?,
            media_type: row.try_get("media_type")?,
            size: row.try_get("size")?,
            sha256: row.try_get("sha256")?,
            uploaded_at: row.try_get("uploaded_at")?,
            uploaded_by: Actor(row.try_get("uploaded_by")?),
        };
        Ok((info, row.try_get("content")?))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pdf_is_told_by_its_header_and_its_end() {
        assert!(super::is_pdf(b"%PDF-1.4\n1 0 obj\n%%EOF\n"));
        assert!(!super::is_pdf(b"MZ\x90\0 not a pdf %%EOF"));
        assert!(!super::is_pdf(b"%PDF-1.4 cut short"));
        assert!(!super::is_pdf(b""));
    }
}
