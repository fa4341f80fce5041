//! Derogations (« dérogations ») and their workflow, each step recorded with who, when, why
//! and which documents.
//!
//! ```text
//! draft → submitted → approved_by_minister → validated_by_prime_minister → active → expired
//!             ↘ refused        ↘ refused
//! ```
//!
//! The chain follows the circular: a derogation is approved by the minister concerned, then
//! validated by the Prime Minister (whose validation DINUM records). Whether a step is
//! allowed depends only on the current state, the caller's role and their access to the
//! project: [`Transition::next`] is that table.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Error;
use crate::model::{Actor, OrganisationId, ProjectId};
use crate::people::{Access, Role, User};
use crate::store::{Registry, audit, now, project_in};

id_type!(DerogationId);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DerogationState {
    Draft,
    Submitted,
    ApprovedByMinister,
    ValidatedByPrimeMinister,
    Active,
    Expired,
    Refused,
}

impl DerogationState {
    pub const ALL: [DerogationState; 7] = [
        DerogationState::Draft,
        DerogationState::Submitted,
        DerogationState::ApprovedByMinister,
        DerogationState::ValidatedByPrimeMinister,
        DerogationState::Active,
        DerogationState::Expired,
        DerogationState::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DerogationState::Draft => "draft",
            DerogationState::Submitted => "submitted",
            DerogationState::ApprovedByMinister => "approved_by_minister",
            DerogationState::ValidatedByPrimeMinister => "validated_by_prime_minister",
            DerogationState::Active => "active",
            DerogationState::Expired => "expired",
            DerogationState::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// The team sends its request.
    Submit,
    /// The ministry's controller records the minister's approval.
    ApproveForMinister,
    /// The ministry (at `submitted`) or DINUM (at `approved_by_minister`) refuses.
    Refuse,
    /// DINUM records the Prime Minister's validation.
    ValidateForPrimeMinister,
    /// The derogation takes effect.
    Activate,
    /// The deadline has passed.
    Expire,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::ApproveForMinister => "approve_for_minister",
            Transition::Refuse => "refuse",
            Transition::ValidateForPrimeMinister => "validate_for_prime_minister",
            Transition::Activate => "activate",
            Transition::Expire => "expire",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Transition::Submit,
            Transition::ApproveForMinister,
            Transition::Refuse,
            Transition::ValidateForPrimeMinister,
            Transition::Activate,
            Transition::Expire,
        ]
        .into_iter()
        .find(|t| t.as_str() == text)
    }

    /// The state this step leads to from `from`, for a caller with `role` and `access` to
    /// the project; `Forbidden` for the wrong person, `Conflict` for the wrong state.
    pub fn next(
        self,
        from: DerogationState,
        role: Role,
        access: Access,
    ) -> Result<DerogationState, Error> {
        use DerogationState as S;
        let controller = role == Role::MinistryController && access == Access::Write;
        let dinum = role == Role::Dinum;
        let (expected, allowed, to, who): (&[S], bool, S, &str) = match self {
            Transition::Submit => (
                &[S::Draft],
                access == Access::Write,
                S::Submitted,
                "the project's team or its ministry's controller",
            ),
            Transition::ApproveForMinister => (
                &[S::Submitted],
                controller,
                S::ApprovedByMinister,
                "a controller of the project's ministry",
            ),
            Transition::Refuse => match from {
                S::ApprovedByMinister => (&[S::ApprovedByMinister], dinum, S::Refused, "DINUM"),
                _ => (
                    &[S::Submitted],
                    controller,
                    S::Refused,
                    "a controller of the project's ministry",
                ),
            },
            Transition::ValidateForPrimeMinister => (
                &[S::ApprovedByMinister],
                dinum,
                S::ValidatedByPrimeMinister,
                "DINUM",
            ),
            Transition::Activate => (
                &[S::ValidatedByPrimeMinister],
                controller || dinum,
                S::Active,
                "a controller of the project's ministry or DINUM",
            ),
            Transition::Expire => (
                &[S::Active],
                controller || dinum,
                S::Expired,
                "a controller of the project's ministry or DINUM",
            ),
        };
        if !allowed {
            return Err(Error::Forbidden(format!(
                "`{}` is for {who}, not for the role {}",
                self.as_str(),
                role.as_str()
            )));
        }
        if !expected.contains(&from) {
            return Err(Error::Conflict(format!(
                "`{}` applies to a derogation in state {}, this one is {}",
                self.as_str(),
                expected
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
                from.as_str()
            )));
        }
        Ok(to)
    }
}

/// One step as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DerogationEvent {
    pub from_state: Option<DerogationState>,
    pub to_state: DerogationState,
    pub actor: Actor,
    pub role: Role,
    pub at: String,
    pub reason: Option<String>,
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredDerogation {
    pub id: DerogationId,
    pub project_id: ProjectId,
    pub ministry_id: OrganisationId,
    /// `r9_transitional`, `r7_no_cloud` or `office_suite`.
    pub kind: String,
    pub state: DerogationState,
    pub justification: String,
    /// ISO date, when known.
    pub deadline: Option<String>,
    /// `dossier` (the date the project declared) or `catalog:OFFER@CATALOG_VERSION`.
    pub deadline_source: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub events: Vec<DerogationEvent>,
}

/// A derogation request as the team drafts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDerogation {
    pub kind: String,
    pub justification: String,
    pub deadline: Option<String>,
    pub deadline_source: Option<String>,
    pub documents: Vec<String>,
}

const COLUMNS: &str = "id, project_id, ministry_id, kind, state, justification, deadline, \
    deadline_source, created_at, updated_at";

impl Registry {
    /// Drafts a derogation for a project the caller may change.
    pub async fn create_derogation(
        &self,
        user: &User,
        project: ProjectId,
        new: &NewDerogation,
    ) -> Result<StoredDerogation, Error> {
        if !matches!(
            new.kind.as_str(),
            "r9_transitional" | "r7_no_cloud" | "office_suite"
        ) {
            return Err(Error::Invalid {
                field: "kind",
                reason: format!(
                    "`{}`: expected r9_transitional, r7_no_cloud or office_suite",
                    new.kind
                ),
            });
        }
        crate::store::storable("justification", &new.justification)?;
        for d in &new.documents {
            crate::store::storable("documents", d)?;
        }
        if new.justification.trim().is_empty() {
            return Err(Error::Invalid {
                field: "justification",
                reason: "a derogation states its reasons".into(),
            });
        }
        let mut tx = self.begin_write().await?;
        let p = project_in(&mut tx, project).await?;
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO derogations (project_id, ministry_id, kind, state, justification, deadline, \
             deadline_source, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(project.0)
        .bind(p.ministry_id.0)
        .bind(&new.kind)
        .bind(&new.justification)
        .bind(new.deadline.as_deref())
        .bind(new.deadline_source.as_deref())
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        record_event(
            &mut tx,
            id,
            None,
            DerogationState::Draft,
            user,
            None,
            &new.documents,
            &at,
        )
        .await?;
        let stored = derogation_in(&mut tx, DerogationId(id)).await?;
        audit(
            &mut tx,
            &user.actor(),
            "derogation.create",
            "derogation",
            &id.to_string(),
            Some(p.ministry_id),
            None::<&()>,
            Some(&stored),
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn derogation(&self, id: DerogationId) -> Result<StoredDerogation, Error> {
        let mut conn = self.pool.acquire().await?;
        derogation_in(&mut conn, id).await
    }

    pub async fn derogations_of(&self, project: ProjectId) -> Result<Vec<StoredDerogation>, Error> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM derogations WHERE project_id = $1 ORDER BY id")
                .bind(project.0)
                .fetch_all(&self.pool)
                .await?;
        self.derogations_by_id(&ids).await
    }

    async fn derogations_by_id(&self, ids: &[i64]) -> Result<Vec<StoredDerogation>, Error> {
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            out.push(derogation_in(&mut conn, DerogationId(id)).await?);
        }
        Ok(out)
    }

    /// Moves a derogation one step, if the caller may and the state allows; `today` (ISO)
    /// guards `expire`, which only applies once the deadline has passed.
    #[allow(clippy::too_many_arguments)]
    pub async fn transition_derogation(
        &self,
        user: &User,
        access: Access,
        id: DerogationId,
        step: Transition,
        reason: Option<&str>,
        documents: &[String],
        today: &str,
    ) -> Result<StoredDerogation, Error> {
        let mut tx = self.begin_write().await?;
        let before = derogation_in(&mut tx, id).await?;
        let to = step.next(before.state, user.role, access)?;
        crate::store::storable("reason", reason.unwrap_or_default())?;
        for d in documents {
            crate::store::storable("documents", d)?;
        }
        if step == Transition::Refuse && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(Error::Invalid {
                field: "reason",
                reason: "a refusal gives its reason".into(),
            });
        }
        if step == Transition::Expire && before.deadline.as_deref().is_none_or(|d| d >= today) {
            return Err(Error::Conflict(format!(
                "derogation {id} runs until {}: it cannot expire on {today}",
                before.deadline.as_deref().unwrap_or("an unknown deadline")
            )));
        }
        let at = now();
        let changed = sqlx::query(
            "UPDATE derogations SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        )
        .bind(to.as_str())
        .bind(&at)
        .bind(id.0)
        .bind(before.state.as_str())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(Error::Conflict(format!(
                "derogation {id} changed meanwhile"
            )));
        }
        record_event(
            &mut tx,
            id.0,
            Some(before.state),
            to,
            user,
            reason,
            documents,
            &at,
        )
        .await?;
        let after = derogation_in(&mut tx, id).await?;
        audit(
            &mut tx,
            &user.actor(),
            &format!("derogation.{}", step.as_str()),
            "derogation",
            &id.to_string(),
            Some(before.ministry_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets the deadline of a derogation that has none (the catalog now records an
    /// acceptable offer). Returns whether it changed anything.
    pub async fn set_derogation_deadline(
        &self,
        actor: &Actor,
        id: DerogationId,
        deadline: &str,
        source: &str,
    ) -> Result<bool, Error> {
        let mut tx = self.begin_write().await?;
        let before = derogation_in(&mut tx, id).await?;
        if before.deadline.is_some() {
            return Ok(false);
        }
        sqlx::query("UPDATE derogations SET deadline = $1, deadline_source = $2, updated_at = $3 WHERE id = $4")
            .bind(deadline)
            .bind(source)
            .bind(now())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = derogation_in(&mut tx, id).await?;
        audit(
            &mut tx,
            actor,
            "derogation.deadline",
            "derogation",
            &id.to_string(),
            Some(before.ministry_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Derogations without a deadline, not refused nor expired (to refresh from the catalog).
    pub async fn derogations_without_deadline(&self) -> Result<Vec<StoredDerogation>, Error> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM derogations WHERE deadline IS NULL AND state NOT IN ('refused', 'expired') ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        self.derogations_by_id(&ids).await
    }
}

#[allow(clippy::too_many_arguments)]
async fn record_event(
    conn: &mut sqlx::AnyConnection,
    derogation: i64,
    from: Option<DerogationState>,
    to: DerogationState,
    user: &User,
    reason: Option<&str>,
    documents: &[String],
    at: &str,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO derogation_events (derogation_id, from_state, to_state, actor, role, at, reason, documents) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(derogation)
    .bind(from.map(DerogationState::as_str))
    .bind(to.as_str())
    .bind(user.subject.as_str())
    .bind(user.role.as_str())
    .bind(at)
    .bind(reason)
    .bind(serde_json::to_string(documents).map_err(|e| Error::Corrupt(e.to_string()))?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn derogation_in(
    conn: &mut sqlx::AnyConnection,
    id: DerogationId,
) -> Result<StoredDerogation, Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM derogations WHERE id = $1"
    )))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("derogation", id))?;
    let events = sqlx::query(
        "SELECT from_state, to_state, actor, role, at, reason, documents FROM derogation_events \
         WHERE derogation_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    derogation_from(&row, &events)
}

fn state(text: &str) -> Result<DerogationState, Error> {
    DerogationState::parse(text).ok_or_else(|| Error::Corrupt(format!("derogation state `{text}`")))
}

fn derogation_from(row: &AnyRow, events: &[AnyRow]) -> Result<StoredDerogation, Error> {
    let events = events
        .iter()
        .map(|e| {
            let from: Option<String> = e.try_get("from_state")?;
            let to: String = e.try_get("to_state")?;
            let role: String = e.try_get("role")?;
            let documents: String = e.try_get("documents")?;
            Ok(DerogationEvent {
                from_state: from.as_deref().map(state).transpose()?,
                to_state: state(&to)?,
                actor: Actor(e.try_get("actor")?),
                role: Role::parse(&role).ok_or_else(|| Error::Corrupt(format!("role `{role}`")))?,
                at: e.try_get("at")?,
                reason: e.try_get("reason")?,
                documents: serde_json::from_str(&documents)
                    .map_err(|e| Error::Corrupt(e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let current: String = row.try_get("state")?;
    Ok(StoredDerogation {
        id: DerogationId(row.try_get("id")?),
        project_id: ProjectId(row.try_get("project_id")?),
        ministry_id: OrganisationId(row.try_get("ministry_id")?),
        kind: row.try_get("kind")?,
        state: state(&current)?,
        justification: row.try_get("justification")?,
        deadline: row.try_get("deadline")?,
        deadline_source: row.try_get("deadline_source")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use DerogationState as S;
    use Transition as T;

    #[test]
    fn the_workflow_table() {
        let member = (Role::ProjectMember, Access::Write);
        let controller = (Role::MinistryController, Access::Write);
        let other_controller = (Role::MinistryController, Access::None);
        let dinum = (Role::Dinum, Access::Read);
        let auditor = (Role::Auditor, Access::Read);
        // (step, from, who, Ok(to) | Err("forbidden"/"conflict"))
        type Row = (T, S, (Role, Access), Result<S, &'static str>);
        let table: &[Row] = &[
            (T::Submit, S::Draft, member, Ok(S::Submitted)),
            (T::Submit, S::Draft, controller, Ok(S::Submitted)),
            (T::Submit, S::Draft, dinum, Err("forbidden")),
            (T::Submit, S::Submitted, member, Err("conflict")),
            (
                T::ApproveForMinister,
                S::Submitted,
                controller,
                Ok(S::ApprovedByMinister),
            ),
            (
                T::ApproveForMinister,
                S::Submitted,
                member,
                Err("forbidden"),
            ),
            (
                T::ApproveForMinister,
                S::Submitted,
                other_controller,
                Err("forbidden"),
            ),
            (T::ApproveForMinister, S::Submitted, dinum, Err("forbidden")),
            (T::ApproveForMinister, S::Draft, controller, Err("conflict")),
            (T::Refuse, S::Submitted, controller, Ok(S::Refused)),
            (T::Refuse, S::Submitted, dinum, Err("forbidden")),
            (T::Refuse, S::ApprovedByMinister, dinum, Ok(S::Refused)),
            (
                T::Refuse,
                S::ApprovedByMinister,
                controller,
                Err("forbidden"),
            ),
            (T::Refuse, S::Active, controller, Err("conflict")),
            (
                T::ValidateForPrimeMinister,
                S::ApprovedByMinister,
                dinum,
                Ok(S::ValidatedByPrimeMinister),
            ),
            (
                T::ValidateForPrimeMinister,
                S::ApprovedByMinister,
                controller,
                Err("forbidden"),
            ),
            (
                T::ValidateForPrimeMinister,
                S::Submitted,
                dinum,
                Err("conflict"),
            ),
            (
                T::Activate,
                S::ValidatedByPrimeMinister,
                controller,
                Ok(S::Active),
            ),
            (
                T::Activate,
                S::ValidatedByPrimeMinister,
                dinum,
                Ok(S::Active),
            ),
            (T::Activate, S::ApprovedByMinister, dinum, Err("conflict")),
            (
                T::Activate,
                S::ValidatedByPrimeMinister,
                auditor,
                Err("forbidden"),
            ),
            (T::Expire, S::Active, controller, Ok(S::Expired)),
            (T::Expire, S::Refused, controller, Err("conflict")),
            (T::Expire, S::Active, member, Err("forbidden")),
        ];
        for (step, from, (role, access), expected) in table {
            let got = step.next(*from, *role, *access);
            match (expected, &got) {
                (Ok(to), Ok(got)) => assert_eq!(to, got, "{step:?} from {from:?} by {role:?}"),
                (Err("forbidden"), Err(Error::Forbidden(_))) => {}
                (Err("conflict"), Err(Error::Conflict(_))) => {}
                _ => panic!(
                    "{step:?} from {from:?} by {role:?}/{access:?}: expected {expected:?}, got {got:?}"
                ),
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            T::parse("validate_for_prime_minister"),
            Some(T::ValidateForPrimeMinister)
        );
        assert_eq!(T::parse("approve"), None);
    }
}
