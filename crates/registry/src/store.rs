//! The registry's operations. Every change runs in one transaction together with its audit
//! entry: either both are stored, or neither.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, AssertSqlSafe, Row, Transaction};

use crate::Error;
use crate::db::{self, Backend};
use crate::model::*;

/// A handle on the registry's database, cheap to clone.
#[derive(Debug, Clone)]
pub struct Registry {
    pub(crate) pool: AnyPool,
    backend: Backend,
    pub(crate) limits: Limits,
}

/// The registry's caps on what clients may store (docs/server.md, « Limites et durcissement »).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A draft untouched for this many days expires.
    pub draft_days: i64,
    /// Drafts without an owner (started before logging in), all clients together.
    pub anonymous_drafts: i64,
    /// Drafts per account.
    pub drafts_per_user: i64,
    /// The largest draft, in bytes of JSON answers.
    pub draft_bytes: usize,
    /// Scans kept per project: attaching one more removes the oldest.
    pub scans_per_project: i64,
    /// A notification claimed this many seconds ago and never recorded as sent (the process
    /// died between the claim and the mail) may be claimed again, so it is not lost.
    pub notification_claim_seconds: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            draft_days: 30,
            anonymous_drafts: 10_000,
            drafts_per_user: 200,
            draft_bytes: 64 * 1024,
            scans_per_project: 20,
            notification_claim_seconds: 15 * 60,
        }
    }
}

const PROJECT_COLUMNS: &str = "id, organisation_id, ministry_id, name, current_version, \
    hosting_kind, sensitivity, procedure, verdict, full_cost_cents, obstacles, created_at, updated_at";

const ASSESSMENT_COLUMNS: &str = "id, project_id, dossier_version, dossier_hash, edition, \
    catalog_version, assessed_on, verdict, body, created_at, created_by";

/// Refuses text the databases cannot store alike: PostgreSQL's TEXT holds no NUL character.
pub(crate) fn storable(field: &'static str, text: &str) -> Result<(), Error> {
    if text.contains('\0') {
        return Err(Error::Invalid {
            field,
            reason: "contains a NUL character".into(),
        });
    }
    Ok(())
}

fn storable_project(
    name: &str,
    dossier: &NewDossier,
    summary: &ProjectSummary,
) -> Result<(), Error> {
    storable("name", name)?;
    storable("dossier.source", &dossier.source)?;
    for o in &summary.obstacles {
        storable("obstacles", o)?;
    }
    Ok(())
}

pub(crate) fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn to_json<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Corrupt(e.to_string()))
}

impl Registry {
    /// Opens (and creates, for SQLite) the database at `url` and migrates its schema.
    pub async fn open(url: &str) -> Result<Self, Error> {
        Self::open_with(url, 8).await
    }

    pub async fn open_with(url: &str, max_connections: u32) -> Result<Self, Error> {
        let (pool, backend) = db::open(url, max_connections).await?;
        Ok(Registry {
            pool,
            backend,
            limits: Limits::default(),
        })
    }

    /// The same registry with other caps.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, Error> {
        Ok(match self.backend {
            // Take SQLite's write lock up front: a deferred transaction that reads then
            // writes fails with SQLITE_BUSY instead of waiting when another writer is active.
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    // ---- organisations ----

    pub async fn create_organisation(
        &self,
        actor: &Actor,
        kind: OrganisationKind,
        name: &str,
        ministry: Option<OrganisationId>,
    ) -> Result<Organisation, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid {
                field: "name",
                reason: "empty".into(),
            });
        }
        storable("name", name)?;
        let mut tx = self.begin_write().await?;
        let parent = match (kind, ministry) {
            (OrganisationKind::Ministry, None) => None,
            (OrganisationKind::Ministry, Some(_)) => {
                return Err(Error::Invalid {
                    field: "ministry_id",
                    reason: "a ministry has no supervising ministry".into(),
                });
            }
            (OrganisationKind::Operator, None) => {
                return Err(Error::Invalid {
                    field: "ministry_id",
                    reason: "an operator needs its supervising ministry".into(),
                });
            }
            (OrganisationKind::Operator, Some(id)) => {
                let parent = organisation_in(&mut tx, id).await?;
                if parent.kind != OrganisationKind::Ministry {
                    return Err(Error::Invalid {
                        field: "ministry_id",
                        reason: format!("organisation {id} is not a ministry"),
                    });
                }
                Some(id)
            }
        };
        // A ministry's name is unique among ministries, an operator's within its ministry:
        // a refusal never tells about another ministry's operators.
        let exists: Option<i64> = match parent {
            None => {
                sqlx::query_scalar(
                    "SELECT id FROM organisations WHERE kind = 'ministry' AND name = $1",
                )
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
            }
            Some(m) => {
                sqlx::query_scalar(
                    "SELECT id FROM organisations WHERE kind = 'operator' AND ministry_id = $1 AND name = $2",
                )
                .bind(m.0)
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        if exists.is_some() {
            return Err(Error::Conflict(match parent {
                None => format!("a ministry named « {name} » exists"),
                Some(_) => format!("this ministry has an operator named « {name} »"),
            }));
        }
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (kind, name, ministry_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(name)
        .bind(parent.map(|p| p.0))
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        let organisation = Organisation {
            id: OrganisationId(id),
            kind,
            name: name.to_owned(),
            ministry_id: parent.unwrap_or(OrganisationId(id)),
            created_at: at,
        };
        audit(
            &mut tx,
            actor,
            "organisation.create",
            "organisation",
            &id.to_string(),
            Some(organisation.ministry_id),
            None::<&()>,
            Some(&organisation),
        )
        .await?;
        tx.commit().await?;
        Ok(organisation)
    }

    pub async fn organisation(&self, id: OrganisationId) -> Result<Organisation, Error> {
        let mut conn = self.pool.acquire().await?;
        organisation_in(&mut conn, id).await
    }

    /// The ministry of this name.
    pub async fn ministry_by_name(&self, name: &str) -> Result<Option<Organisation>, Error> {
        let row = sqlx::query(
            "SELECT id, kind, name, ministry_id, created_at FROM organisations \
             WHERE kind = 'ministry' AND name = $1",
        )
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(organisation_from).transpose()
    }

    /// The first organisation of this name (names repeat across ministries' operators).
    pub async fn organisation_by_name(&self, name: &str) -> Result<Option<Organisation>, Error> {
        let row = sqlx::query(
            "SELECT id, kind, name, ministry_id, created_at FROM organisations WHERE name = $1 \
             ORDER BY id LIMIT 1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(organisation_from).transpose()
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>, Error> {
        let rows = sqlx::query(
            "SELECT id, kind, name, ministry_id, created_at FROM organisations ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(organisation_from).collect()
    }

    // ---- projects and dossier versions ----

    /// Creates a project with its first dossier version and that version's assessment.
    pub async fn create_project(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
        name: &str,
        dossier: &NewDossier,
        summary: &ProjectSummary,
        assessment: &NewAssessment,
    ) -> Result<(Project, StoredAssessment), Error> {
        self.create_project_with_team(actor, organisation, name, dossier, summary, assessment, &[])
            .await
    }

    /// Same, with the project's first team members, in the same transaction.
    #[allow(
        clippy::too_many_arguments,
        reason = "one audited write: each argument is a column of the row it records"
    )]
    pub async fn create_project_with_team(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
        name: &str,
        dossier: &NewDossier,
        summary: &ProjectSummary,
        assessment: &NewAssessment,
        team: &[crate::UserId],
    ) -> Result<(Project, StoredAssessment), Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid {
                field: "name",
                reason: "empty".into(),
            });
        }
        storable_project(name, dossier, summary)?;
        let mut tx = self.begin_write().await?;
        let org = organisation_in(&mut tx, organisation).await?;
        let at = now();
        let project = insert_project(&mut tx, &org, name, summary, &at).await?;
        let id = project.id.0;
        let stored = append_version(&mut tx, actor, &project, dossier, assessment, &at).await?;
        for user in team {
            sqlx::query(
                "INSERT INTO project_members (project_id, user_id, added_at) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(user.0)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            actor,
            "project.create",
            "project",
            &id.to_string(),
            Some(project.ministry_id),
            None::<&()>,
            Some(&project),
        )
        .await?;
        tx.commit().await?;
        Ok((project, stored))
    }

    /// Imports many projects in one transaction (a migration from another tool, a benchmark):
    /// each with its first version and assessment, one audit entry for the whole import.
    pub async fn import_projects(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
        items: &[(String, NewDossier, ProjectSummary, NewAssessment)],
    ) -> Result<usize, Error> {
        for (name, dossier, summary, _) in items {
            storable_project(name, dossier, summary)?;
        }
        let mut tx = self.begin_write().await?;
        let org = organisation_in(&mut tx, organisation).await?;
        let at = now();
        for (name, dossier, summary, assessment) in items {
            let project = insert_project(&mut tx, &org, name, summary, &at).await?;
            append_version(&mut tx, actor, &project, dossier, assessment, &at).await?;
        }
        audit(
            &mut tx,
            actor,
            "project.import",
            "organisation",
            &org.id.to_string(),
            Some(org.ministry_id),
            None::<&()>,
            Some(&items.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(items.len())
    }

    /// Adds a dossier version and its assessment. With `expected_version`, refuses the
    /// update when someone else changed the project meanwhile (optimistic concurrency).
    pub async fn update_project(
        &self,
        actor: &Actor,
        id: ProjectId,
        expected_version: Option<i64>,
        dossier: &NewDossier,
        summary: &ProjectSummary,
        assessment: &NewAssessment,
    ) -> Result<(Project, StoredAssessment), Error> {
        storable_project("", dossier, summary)?;
        let mut tx = self.begin_write().await?;
        let before = project_in(&mut tx, id).await?;
        if let Some(expected) = expected_version
            && expected != before.current_version
        {
            return Err(Error::Conflict(format!(
                "project {id} is at version {}, not {expected}",
                before.current_version
            )));
        }
        let at = now();
        let after = Project {
            current_version: before.current_version + 1,
            summary: summary.clone(),
            updated_at: at.clone(),
            ..before.clone()
        };
        write_summary(&mut tx, &before, &after).await?;
        let stored = append_version(&mut tx, actor, &after, dossier, assessment, &at).await?;
        audit(
            &mut tx,
            actor,
            "project.update",
            "project",
            &id.to_string(),
            Some(after.ministry_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok((after, stored))
    }

    pub async fn project(&self, id: ProjectId) -> Result<Project, Error> {
        let mut conn = self.pool.acquire().await?;
        project_in(&mut conn, id).await
    }

    pub async fn projects(
        &self,
        filter: &ProjectFilter,
        page: PageRequest,
    ) -> Result<Page<Project>, Error> {
        filter.storable()?;
        let limit = page.limit.clamp(1, PageRequest::MAX_LIMIT);
        let mut sql = format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE 1 = 1");
        let mut binds: Vec<Bind> = Vec::new();
        let mut clause = |sql: &mut String, column: &str, value: Bind| {
            binds.push(value);
            sql.push_str(&format!(" AND {column} ${}", binds.len()));
        };
        if let Some(m) = filter.ministry {
            clause(&mut sql, "ministry_id =", Bind::Int(m.0));
        }
        if let Some(o) = filter.organisation {
            clause(&mut sql, "organisation_id =", Bind::Int(o.0));
        }
        for (column, value) in [
            ("verdict =", &filter.verdict),
            ("hosting_kind =", &filter.hosting_kind),
            ("sensitivity =", &filter.sensitivity),
            ("procedure =", &filter.procedure),
        ] {
            if let Some(v) = value {
                clause(&mut sql, column, Bind::Text(v.clone()));
            }
        }
        if let Some(part) = &filter.name_contains {
            let pattern = format!("%{}%", escape_like(&part.to_lowercase()));
            clause(&mut sql, "LOWER(name) LIKE", Bind::Text(pattern));
            sql.push_str(" ESCAPE '\\'");
        }
        for (column, value) in [
            ("substr(created_at, 1, 10) >=", &filter.registered_from),
            ("substr(created_at, 1, 10) <=", &filter.registered_to),
        ] {
            if let Some(v) = value {
                clause(&mut sql, column, Bind::Text(v.clone()));
            }
        }
        if let Some(user) = filter.member {
            clause(
                &mut sql,
                "id IN (SELECT project_id FROM project_members WHERE user_id =",
                Bind::Int(user.0),
            );
            sql.push(')');
        }
        if let Some(after) = page.after {
            clause(&mut sql, "id >", Bind::Int(after.0));
        }
        if let Some(m) = &filter.derogation {
            // An empty list of states matches nothing, as `IN ()` would.
            sql.push_str(" AND id IN (SELECT project_id FROM derogations WHERE ");
            if m.states.is_empty() {
                sql.push_str("1 = 0");
            } else {
                sql.push_str("state IN (");
                for (i, state) in m.states.iter().enumerate() {
                    binds.push(Bind::Text(state.as_str().to_owned()));
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${}", binds.len()));
                }
                sql.push(')');
            }
            if let Some(w) = &m.due {
                let mut condition = w.bucket.condition();
                for (name, day) in [
                    ("$d30", &w.in_30_days),
                    ("$d90", &w.in_90_days),
                    ("$t", &w.today),
                ] {
                    if condition.contains(name) {
                        binds.push(Bind::Text(day.clone()));
                        condition = condition.replace(name, &format!("${}", binds.len()));
                    }
                }
                sql.push_str(" AND ");
                sql.push_str(&condition);
            }
            sql.push(')');
        }
        sql.push_str(&format!(" ORDER BY id LIMIT {}", u64::from(limit) + 1));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut items = rows
            .iter()
            .map(project_from)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|p| p.id)
        } else {
            None
        };
        Ok(Page { items, next })
    }

    pub async fn dossier_version(
        &self,
        project: ProjectId,
        version: i64,
    ) -> Result<DossierVersion, Error> {
        let row = sqlx::query(
            "SELECT project_id, version, format, source, hash, created_at, created_by \
             FROM dossier_versions WHERE project_id = $1 AND version = $2",
        )
        .bind(project.0)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::not_found("dossier version", format!("{project}/{version}")))?;
        version_from(&row)
    }

    pub async fn dossier_versions(&self, project: ProjectId) -> Result<Vec<DossierVersion>, Error> {
        let rows = sqlx::query(
            "SELECT project_id, version, format, source, hash, created_at, created_by \
             FROM dossier_versions WHERE project_id = $1 ORDER BY version",
        )
        .bind(project.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(version_from).collect()
    }

    // ---- assessments ----

    pub async fn assessment(&self, id: AssessmentId) -> Result<StoredAssessment, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1"
        )))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::not_found("assessment", id))?;
        assessment_from(&row)
    }

    /// A project's latest assessment, with its body.
    pub async fn latest_assessment(
        &self,
        project: ProjectId,
    ) -> Result<Option<StoredAssessment>, Error> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE project_id = $1 ORDER BY id DESC LIMIT 1"
        )))
        .bind(project.0)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(assessment_from).transpose()
    }

    /// A project's assessments, newest first, at most `limit`, without their bodies (`body`
    /// is empty): lists never load the assessments themselves.
    pub async fn assessment_history(
        &self,
        project: ProjectId,
        limit: u32,
    ) -> Result<Vec<StoredAssessment>, Error> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT id, project_id, dossier_version, dossier_hash, edition, catalog_version, \
             assessed_on, verdict, '' AS body, created_at, created_by FROM assessments \
             WHERE project_id = $1 ORDER BY id DESC LIMIT {}",
            limit.max(1)
        )))
        .bind(project.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(assessment_from).collect()
    }

    /// A project's assessments, newest first, with their bodies.
    pub async fn assessments(&self, project: ProjectId) -> Result<Vec<StoredAssessment>, Error> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE project_id = $1 ORDER BY id DESC"
        )))
        .bind(project.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(assessment_from).collect()
    }

    /// Re-assesses the current version (a new edition or catalog) without a new dossier.
    pub async fn append_assessment(
        &self,
        actor: &Actor,
        project: ProjectId,
        summary: &ProjectSummary,
        assessment: &NewAssessment,
    ) -> Result<StoredAssessment, Error> {
        let mut tx = self.begin_write().await?;
        let before = project_in(&mut tx, project).await?;
        let version = self_version_hash(&mut tx, project, before.current_version).await?;
        let at = now();
        let stored = insert_assessment(
            &mut tx,
            actor,
            project,
            before.current_version,
            &version,
            assessment,
            &at,
        )
        .await?;
        let after = Project {
            summary: summary.clone(),
            updated_at: at.clone(),
            ..before.clone()
        };
        write_summary(&mut tx, &before, &after).await?;
        audit(
            &mut tx,
            actor,
            "assessment.create",
            "project",
            &project.to_string(),
            Some(before.ministry_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    // ---- audit ----

    /// The audit entries of one entity, oldest first.
    pub async fn audit_log(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>, Error> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, entity, entity_id, ministry_id, before, after \
             FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id",
        )
        .bind(entity)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from).collect()
    }
}

enum Bind {
    Int(i64),
    Text(String),
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Writes a project's version and summary, only if it is still at `before`'s version: under
/// PostgreSQL's read-committed isolation a concurrent writer may have moved it meanwhile.
async fn write_summary(
    conn: &mut sqlx::AnyConnection,
    before: &Project,
    after: &Project,
) -> Result<(), Error> {
    let summary = &after.summary;
    let done = sqlx::query(
        "UPDATE projects SET current_version = $1, hosting_kind = $2, sensitivity = $3, \
         procedure = $4, verdict = $5, full_cost_cents = $6, obstacles = $7, updated_at = $8 \
         WHERE id = $9 AND current_version = $10",
    )
    .bind(after.current_version)
    .bind(&summary.hosting_kind)
    .bind(&summary.sensitivity)
    .bind(&summary.procedure)
    .bind(&summary.verdict)
    .bind(summary.full_cost_cents)
    .bind(to_json(&summary.obstacles)?)
    .bind(&after.updated_at)
    .bind(before.id.0)
    .bind(before.current_version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "project {} changed meanwhile: retry from its current version",
            before.id
        )))
    }
}

/// Inserts a project at version 1 (its dossier version is appended by the caller).
async fn insert_project(
    conn: &mut sqlx::AnyConnection,
    org: &Organisation,
    name: &str,
    summary: &ProjectSummary,
    at: &str,
) -> Result<Project, Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO projects (organisation_id, ministry_id, name, current_version, hosting_kind, \
         sensitivity, procedure, verdict, full_cost_cents, obstacles, created_at, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(org.id.0)
    .bind(org.ministry_id.0)
    .bind(name)
    .bind(&summary.hosting_kind)
    .bind(&summary.sensitivity)
    .bind(&summary.procedure)
    .bind(&summary.verdict)
    .bind(summary.full_cost_cents)
    .bind(to_json(&summary.obstacles)?)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Project {
        id: ProjectId(id),
        organisation_id: org.id,
        ministry_id: org.ministry_id,
        name: name.to_owned(),
        current_version: 1,
        summary: summary.clone(),
        created_at: at.to_owned(),
        updated_at: at.to_owned(),
    })
}

pub(crate) async fn organisation_in(
    conn: &mut sqlx::AnyConnection,
    id: OrganisationId,
) -> Result<Organisation, Error> {
    let row = sqlx::query(
        "SELECT id, kind, name, ministry_id, created_at FROM organisations WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("organisation", id))?;
    organisation_from(&row)
}

pub(crate) async fn project_in(
    conn: &mut sqlx::AnyConnection,
    id: ProjectId,
) -> Result<Project, Error> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {PROJECT_COLUMNS} FROM projects WHERE id = $1"
    )))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("project", id))?;
    project_from(&row)
}

async fn self_version_hash(
    conn: &mut sqlx::AnyConnection,
    project: ProjectId,
    version: i64,
) -> Result<String, Error> {
    sqlx::query_scalar("SELECT hash FROM dossier_versions WHERE project_id = $1 AND version = $2")
        .bind(project.0)
        .bind(version)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::Corrupt(format!("project {project} has no version {version}")))
}

async fn append_version(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    project: &Project,
    dossier: &NewDossier,
    assessment: &NewAssessment,
    at: &str,
) -> Result<StoredAssessment, Error> {
    let hash = dossier_hash(&dossier.source);
    sqlx::query(
        "INSERT INTO dossier_versions (project_id, version, format, source, hash, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(project.id.0)
    .bind(project.current_version)
    .bind(&dossier.format)
    .bind(&dossier.source)
    .bind(&hash)
    .bind(at)
    .bind(actor.as_str())
    .execute(&mut **tx)
    .await?;
    insert_assessment(
        tx,
        actor,
        project.id,
        project.current_version,
        &hash,
        assessment,
        at,
    )
    .await
}

async fn insert_assessment(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    project: ProjectId,
    version: i64,
    hash: &str,
    assessment: &NewAssessment,
    at: &str,
) -> Result<StoredAssessment, Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assessments (project_id, dossier_version, dossier_hash, edition, catalog_version, \
         assessed_on, verdict, body, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(project.0)
    .bind(version)
    .bind(hash)
    .bind(&assessment.edition)
    .bind(&assessment.catalog_version)
    .bind(&assessment.assessed_on)
    .bind(&assessment.verdict)
    .bind(&assessment.body)
    .bind(at)
    .bind(actor.as_str())
    .fetch_one(&mut *conn)
    .await?;
    Ok(StoredAssessment {
        id: AssessmentId(id),
        project_id: project,
        dossier_version: version,
        dossier_hash: hash.to_owned(),
        edition: assessment.edition.clone(),
        catalog_version: assessment.catalog_version.clone(),
        assessed_on: assessment.assessed_on.clone(),
        verdict: assessment.verdict.clone(),
        body: assessment.body.clone(),
        created_at: at.to_owned(),
        created_by: actor.clone(),
    })
}

#[allow(
    clippy::too_many_arguments,
    reason = "one audited write: each argument is a column of the row it records"
)]
pub(crate) async fn audit<B: Serialize, A: Serialize>(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    ministry: Option<OrganisationId>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, ministry_id, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now())
    .bind(actor.as_str())
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(ministry.map(|m| m.0))
    .bind(before.map(to_json).transpose()?)
    .bind(after.map(to_json).transpose()?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn organisation_from(row: &AnyRow) -> Result<Organisation, Error> {
    let id: i64 = row.try_get("id")?;
    let kind: String = row.try_get("kind")?;
    let ministry: Option<i64> = row.try_get("ministry_id")?;
    Ok(Organisation {
        id: OrganisationId(id),
        kind: OrganisationKind::parse(&kind)
            .ok_or_else(|| Error::Corrupt(format!("organisation {id} has kind `{kind}`")))?,
        name: row.try_get("name")?,
        ministry_id: OrganisationId(ministry.unwrap_or(id)),
        created_at: row.try_get("created_at")?,
    })
}

fn project_from(row: &AnyRow) -> Result<Project, Error> {
    let obstacles: String = row.try_get("obstacles")?;
    Ok(Project {
        id: ProjectId(row.try_get("id")?),
        organisation_id: OrganisationId(row.try_get("organisation_id")?),
        ministry_id: OrganisationId(row.try_get("ministry_id")?),
        name: row.try_get("name")?,
        current_version: row.try_get("current_version")?,
        summary: ProjectSummary {
            hosting_kind: row.try_get("hosting_kind")?,
            sensitivity: row.try_get("sensitivity")?,
            procedure: row.try_get("procedure")?,
            verdict: row.try_get("verdict")?,
            full_cost_cents: row.try_get("full_cost_cents")?,
            obstacles: serde_json::from_str(&obstacles)
                .map_err(|e| Error::Corrupt(format!("obstacles: {e}")))?,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn version_from(row: &AnyRow) -> Result<DossierVersion, Error> {
    Ok(DossierVersion {
        project_id: ProjectId(row.try_get("project_id")?),
        version: row.try_get("version")?,
        format: row.try_get("format")?,
        source: row.try_get("source")?,
        hash: row.try_get("hash")?,
        created_at: row.try_get("created_at")?,
        created_by: Actor(row.try_get("created_by")?),
    })
}

fn assessment_from(row: &AnyRow) -> Result<StoredAssessment, Error> {
    Ok(StoredAssessment {
        id: AssessmentId(row.try_get("id")?),
        project_id: ProjectId(row.try_get("project_id")?),
        dossier_version: row.try_get("dossier_version")?,
        dossier_hash: row.try_get("dossier_hash")?,
        edition: row.try_get("edition")?,
        catalog_version: row.try_get("catalog_version")?,
        assessed_on: row.try_get("assessed_on")?,
        verdict: row.try_get("verdict")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        created_by: Actor(row.try_get("created_by")?),
    })
}

fn audit_from(row: &AnyRow) -> Result<AuditEntry, Error> {
    let json = |column: &str| -> Result<Option<serde_json::Value>, Error> {
        let text: Option<String> = row.try_get(column)?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| Error::Corrupt(format!("{column}: {e}"))))
            .transpose()
    };
    let ministry: Option<i64> = row.try_get("ministry_id")?;
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: Actor(row.try_get("actor")?),
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        ministry_id: ministry.map(OrganisationId),
        before: json("before")?,
        after: json("after")?,
    })
}
