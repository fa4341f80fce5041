//! Derogations (« dérogations ») and their workflow, each step recorded with who, when, why
//! and which documents.
//!
//! The steps are the doctrine's ([`nuage_doctrine::Workflow`]): who decides a derogation, in
//! which order, depends on its kind and on the edition in force when the assessment opened it
//! (the minister alone in 2021; the minister then the Prime Minister's validation in 2023; the
//! project's authority, the ministry or the design review of major projects for R7). The
//! registry stores the kind, the state and the approvers, and checks here only that the caller
//! is the one the step is for: [`may_act`] maps the registry's roles onto the doctrine's actors.

use nuage_doctrine::{Actor as WorkflowActor, Approver, DerogationKind, Label, Workflow};
pub use nuage_doctrine::{DerogationState, Transition};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Error;
use crate::model::{Actor, OrganisationId, ProjectId};
use crate::people::{Access, Role, User};
use crate::store::{Registry, audit, now, project_in};

id_type!(DerogationId);

/// Whether someone with `role` and `access` to the project records steps for `actor`.
pub fn may_act(role: Role, access: Access, actor: WorkflowActor) -> bool {
    match actor {
        // The team, or its ministry's controller on its behalf.
        WorkflowActor::ProjectTeam => access == Access::Write,
        WorkflowActor::MinistryController => {
            role == Role::MinistryController && access == Access::Write
        }
        WorkflowActor::Dinum => role == Role::Dinum,
    }
}

/// The state `step` leads `derogation` to, for a caller with `role` and `access` to its
/// project: `Forbidden` for the wrong person, `Conflict` for the wrong state.
pub fn next(
    derogation: &StoredDerogation,
    step: Transition,
    role: Role,
    access: Access,
) -> Result<DerogationState, Error> {
    let workflow = derogation.workflow();
    let actors: Vec<WorkflowActor> = workflow
        .steps()
        .iter()
        .filter(|s| s.transition == step)
        .flat_map(|s| s.by.iter().copied())
        .collect();
    if !actors.is_empty() && !actors.iter().any(|a| may_act(role, access, *a)) {
        let who: Vec<&str> = actors
            .iter()
            .map(|a| a.label(nuage_doctrine::Lang::En))
            .collect();
        return Err(Error::Forbidden(format!(
            "`{}` is for {}, not for the role {}",
            step.as_str(),
            who.join(" or "),
            role.as_str()
        )));
    }
    let found = workflow
        .step(derogation.state, step)
        .map_err(|e| Error::Conflict(e.to_string()))?;
    if !found.by.iter().any(|a| may_act(role, access, *a)) {
        return Err(Error::Forbidden(format!(
            "`{}` from {} is not for the role {}",
            step.as_str(),
            derogation.state.as_str(),
            role.as_str()
        )));
    }
    Ok(found.to)
}

/// Approvers of derogations recorded before the workflow came from the doctrine.
const LEGACY_APPROVERS: [Approver; 2] = [Approver::Minister, Approver::PrimeMinister];

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
    pub kind: DerogationKind,
    pub state: DerogationState,
    /// Who decides, in order (from the assessment that opened the derogation).
    pub approvers: Vec<Approver>,
    pub justification: String,
    /// ISO date, when known.
    pub deadline: Option<String>,
    /// `dossier` (the date the project declared) or `confirmed by NAME`.
    pub deadline_source: Option<String>,
    /// A deadline the catalog suggests (its first fitting trusted offer), not yet confirmed.
    pub suggested_deadline: Option<String>,
    /// `catalog:OFFER@CATALOG_VERSION`.
    pub suggested_deadline_source: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub events: Vec<DerogationEvent>,
}

/// A derogation request as the team drafts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDerogation {
    pub kind: DerogationKind,
    pub approvers: Vec<Approver>,
    pub justification: String,
    pub deadline: Option<String>,
    pub deadline_source: Option<String>,
    pub suggested_deadline: Option<String>,
    pub suggested_deadline_source: Option<String>,
    pub documents: Vec<String>,
}

impl StoredDerogation {
    /// The steps this derogation goes through.
    pub fn workflow(&self) -> Workflow {
        Workflow::of(self.kind, &self.approvers)
    }
}

const COLUMNS: &str = "id, project_id, ministry_id, kind, state, justification, deadline, \
    deadline_source, created_at, updated_at, approvers, suggested_deadline, suggested_deadline_source";

impl Registry {
    /// Drafts a derogation for a project the caller may change.
    pub async fn create_derogation(
        &self,
        user: &User,
        project: ProjectId,
        new: &NewDerogation,
    ) -> Result<StoredDerogation, Error> {
        if new.approvers.is_empty() {
            return Err(Error::Invalid {
                field: "approvers",
                reason: "a derogation is decided by someone".into(),
            });
        }
        if let Some(d) = &new.deadline {
            crate::model::check_date("deadline", d)?;
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
             deadline_source, created_at, updated_at, approvers, suggested_deadline, \
             suggested_deadline_source) VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $7, $8, $9, $10) RETURNING id",
        )
        .bind(project.0)
        .bind(p.ministry_id.0)
        .bind(new.kind.as_str())
        .bind(&new.justification)
        .bind(new.deadline.as_deref())
        .bind(new.deadline_source.as_deref())
        .bind(&at)
        .bind(serde_json::to_string(&new.approvers).map_err(|e| Error::Corrupt(e.to_string()))?)
        .bind(new.suggested_deadline.as_deref())
        .bind(new.suggested_deadline_source.as_deref())
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
    #[allow(
        clippy::too_many_arguments,
        reason = "one audited write: each argument is a column of the row it records"
    )]
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
        let to = next(&before, step, user.role, access)?;
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

    /// Records the deadline the catalog suggests for a derogation that has none (its first
    /// fitting trusted offer): a suggestion shown to the people who decide, never the
    /// deadline itself. Returns whether it changed anything.
    pub async fn suggest_derogation_deadline(
        &self,
        actor: &Actor,
        id: DerogationId,
        deadline: &str,
        source: &str,
    ) -> Result<bool, Error> {
        crate::model::check_date("suggested_deadline", deadline)?;
        let mut tx = self.begin_write().await?;
        let before = derogation_in(&mut tx, id).await?;
        if before.deadline.is_some()
            || (before.suggested_deadline.as_deref() == Some(deadline)
                && before.suggested_deadline_source.as_deref() == Some(source))
        {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE derogations SET suggested_deadline = $1, suggested_deadline_source = $2, \
             updated_at = $3 WHERE id = $4",
        )
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
            "derogation.suggest_deadline",
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

    /// Sets a derogation's deadline: a person who decides the derogation (the ministry's
    /// controller or DINUM) confirms a date, the suggested one or another.
    pub async fn confirm_derogation_deadline(
        &self,
        user: &User,
        access: Access,
        id: DerogationId,
        deadline: &str,
    ) -> Result<StoredDerogation, Error> {
        crate::model::check_date("deadline", deadline)?;
        if !(may_act(user.role, access, WorkflowActor::MinistryController)
            || may_act(user.role, access, WorkflowActor::Dinum))
        {
            return Err(Error::Forbidden(format!(
                "a deadline is confirmed by the ministry's controller or DINUM, not by the role {}",
                user.role.as_str()
            )));
        }
        let mut tx = self.begin_write().await?;
        let before = derogation_in(&mut tx, id).await?;
        if before.state.is_closed() {
            return Err(Error::Conflict(format!(
                "derogation {id} is {}: its deadline no longer changes",
                before.state.as_str()
            )));
        }
        let source = format!("confirmed by {}", user.actor().0);
        sqlx::query(
            "UPDATE derogations SET deadline = $1, deadline_source = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(deadline)
        .bind(&source)
        .bind(now())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let after = derogation_in(&mut tx, id).await?;
        audit(
            &mut tx,
            &user.actor(),
            "derogation.confirm_deadline",
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

#[allow(
    clippy::too_many_arguments,
    reason = "one audited write: each argument is a column of the row it records"
)]
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
    let kind: String = row.try_get("kind")?;
    let approvers: Option<String> = row.try_get("approvers")?;
    let approvers = match approvers {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| Error::Corrupt(format!("derogation approvers `{text}`: {e}")))?,
        None => LEGACY_APPROVERS.to_vec(),
    };
    Ok(StoredDerogation {
        id: DerogationId(row.try_get("id")?),
        project_id: ProjectId(row.try_get("project_id")?),
        ministry_id: OrganisationId(row.try_get("ministry_id")?),
        kind: DerogationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == kind)
            .ok_or_else(|| Error::Corrupt(format!("derogation kind `{kind}`")))?,
        state: state(&current)?,
        approvers,
        justification: row.try_get("justification")?,
        deadline: row.try_get("deadline")?,
        deadline_source: row.try_get("deadline_source")?,
        suggested_deadline: row.try_get("suggested_deadline")?,
        suggested_deadline_source: row.try_get("suggested_deadline_source")?,
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

    fn derogation(kind: DerogationKind, approvers: &[Approver], state: S) -> StoredDerogation {
        StoredDerogation {
            id: DerogationId(1),
            project_id: ProjectId(1),
            ministry_id: OrganisationId(1),
            kind,
            state,
            approvers: approvers.to_vec(),
            justification: "j".into(),
            deadline: None,
            deadline_source: None,
            suggested_deadline: None,
            suggested_deadline_source: None,
            created_at: String::new(),
            updated_at: String::new(),
            events: Vec::new(),
        }
    }

    // (step, from, who, Ok(to) | Err("forbidden"/"conflict"))
    type Row = (T, S, (Role, Access), Result<S, &'static str>);

    fn check(kind: DerogationKind, approvers: &[Approver], table: &[Row]) {
        for (step, from, (role, access), expected) in table {
            let got = next(&derogation(kind, approvers, *from), *step, *role, *access);
            match (expected, &got) {
                (Ok(to), Ok(got)) => assert_eq!(to, got, "{step:?} from {from:?} by {role:?}"),
                (Err("forbidden"), Err(Error::Forbidden(_))) => {}
                (Err("conflict"), Err(Error::Conflict(_))) => {}
                _ => panic!(
                    "{approvers:?}: {step:?} from {from:?} by {role:?}/{access:?}: expected {expected:?}, got {got:?}"
                ),
            }
        }
    }

    const MEMBER: (Role, Access) = (Role::ProjectMember, Access::Write);
    const CONTROLLER: (Role, Access) = (Role::MinistryController, Access::Write);
    const OTHER_CONTROLLER: (Role, Access) = (Role::MinistryController, Access::None);
    const DINUM: (Role, Access) = (Role::Dinum, Access::Read);
    const AUDITOR: (Role, Access) = (Role::Auditor, Access::Read);

    #[test]
    fn the_2023_transitional_derogation_needs_the_prime_ministers_validation() {
        check(
            DerogationKind::R9Transitional,
            &[Approver::Minister, Approver::PrimeMinister],
            &[
                (T::Submit, S::Draft, MEMBER, Ok(S::Submitted)),
                (T::Submit, S::Draft, CONTROLLER, Ok(S::Submitted)),
                (T::Submit, S::Draft, DINUM, Err("forbidden")),
                (T::Submit, S::Submitted, MEMBER, Err("conflict")),
                (
                    T::ApproveForMinister,
                    S::Submitted,
                    CONTROLLER,
                    Ok(S::ApprovedByMinister),
                ),
                (
                    T::ApproveForMinister,
                    S::Submitted,
                    MEMBER,
                    Err("forbidden"),
                ),
                (
                    T::ApproveForMinister,
                    S::Submitted,
                    OTHER_CONTROLLER,
                    Err("forbidden"),
                ),
                (T::ApproveForMinister, S::Submitted, DINUM, Err("forbidden")),
                (T::ApproveForMinister, S::Draft, CONTROLLER, Err("conflict")),
                (T::Refuse, S::Submitted, CONTROLLER, Ok(S::Refused)),
                (T::Refuse, S::Submitted, DINUM, Err("forbidden")),
                (T::Refuse, S::ApprovedByMinister, DINUM, Ok(S::Refused)),
                (
                    T::Refuse,
                    S::ApprovedByMinister,
                    CONTROLLER,
                    Err("forbidden"),
                ),
                (T::Refuse, S::Active, CONTROLLER, Err("conflict")),
                (
                    T::ValidateForPrimeMinister,
                    S::ApprovedByMinister,
                    DINUM,
                    Ok(S::Active),
                ),
                (
                    T::ValidateForPrimeMinister,
                    S::ApprovedByMinister,
                    CONTROLLER,
                    Err("forbidden"),
                ),
                (
                    T::ValidateForPrimeMinister,
                    S::Submitted,
                    DINUM,
                    Err("conflict"),
                ),
                (T::Expire, S::Active, CONTROLLER, Ok(S::Expired)),
                (T::Expire, S::Active, DINUM, Ok(S::Expired)),
                (T::Expire, S::Refused, CONTROLLER, Err("conflict")),
                (T::Expire, S::Active, MEMBER, Err("forbidden")),
                (T::Expire, S::Active, AUDITOR, Err("forbidden")),
                // Recorded by earlier versions: in force, it expires the same way.
                (
                    T::Expire,
                    S::ValidatedByPrimeMinister,
                    CONTROLLER,
                    Ok(S::Expired),
                ),
            ],
        );
    }

    #[test]
    fn the_2021_minister_decides_alone() {
        check(
            DerogationKind::R9Transitional,
            &[Approver::Minister],
            &[
                (
                    T::ApproveForMinister,
                    S::Submitted,
                    CONTROLLER,
                    Ok(S::Active),
                ),
                (
                    T::ValidateForPrimeMinister,
                    S::Submitted,
                    DINUM,
                    Err("conflict"),
                ),
                (
                    T::ValidateForPrimeMinister,
                    S::ApprovedByMinister,
                    DINUM,
                    Err("conflict"),
                ),
            ],
        );
    }

    #[test]
    fn r7_is_decided_where_its_cost_says() {
        check(
            DerogationKind::R7NoCloud,
            &[Approver::ProjectAuthority],
            &[
                (
                    T::DecideForProjectAuthority,
                    S::Submitted,
                    MEMBER,
                    Ok(S::Active),
                ),
                (
                    T::DecideForProjectAuthority,
                    S::Submitted,
                    DINUM,
                    Err("forbidden"),
                ),
                (
                    T::ApproveForMinister,
                    S::Submitted,
                    CONTROLLER,
                    Err("conflict"),
                ),
            ],
        );
        check(
            DerogationKind::R7NoCloud,
            &[Approver::Ministry],
            &[
                (
                    T::ControlForMinistry,
                    S::Submitted,
                    CONTROLLER,
                    Ok(S::Active),
                ),
                (
                    T::ControlForMinistry,
                    S::Submitted,
                    MEMBER,
                    Err("forbidden"),
                ),
                (T::Refuse, S::Submitted, CONTROLLER, Ok(S::Refused)),
            ],
        );
        check(
            DerogationKind::R7NoCloud,
            &[Approver::Dinum],
            &[
                (T::ReviewAsMajorProject, S::Submitted, DINUM, Ok(S::Active)),
                (
                    T::ReviewAsMajorProject,
                    S::Submitted,
                    CONTROLLER,
                    Err("forbidden"),
                ),
                (T::Refuse, S::Submitted, DINUM, Ok(S::Refused)),
                (T::Refuse, S::Submitted, CONTROLLER, Err("forbidden")),
            ],
        );
    }
}
