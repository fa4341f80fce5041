//! Scans attached to a project: the inventory `nuage scan --format json` printed, kept as
//! sent, with counts and a summary for lists and pages. A project keeps its latest scans up to
//! the limits' `scans_per_project`: attaching one more removes the oldest. Lists never read an
//! inventory itself, only its summary.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::store::{audit, now, project_in};
use crate::{Actor, Error, ProjectId, Registry};

id_type!(
    /// One uploaded scan.
    ScanId
);

/// A scan as uploaded; the server checks its shape and summarises it before it gets here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewScan {
    pub resources: i64,
    pub findings: i64,
    /// The JSON `nuage scan` printed.
    pub body: String,
    /// What pages show of it (JSON, the server's format), small whatever the inventory's size.
    pub summary: String,
}

/// A scan as listed: counts, never the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredScan {
    pub id: ScanId,
    pub project_id: ProjectId,
    pub resources: i64,
    pub findings: i64,
    pub created_at: String,
    pub created_by: Actor,
}

const SCAN_COLUMNS: &str = "id, project_id, resources, findings, created_at, created_by";

fn scan_from(row: &AnyRow) -> Result<StoredScan, Error> {
    Ok(StoredScan {
        id: ScanId(row.try_get("id")?),
        project_id: ProjectId(row.try_get("project_id")?),
        resources: row.try_get("resources")?,
        findings: row.try_get("findings")?,
        created_at: row.try_get("created_at")?,
        created_by: Actor(row.try_get("created_by")?),
    })
}

impl Registry {
    /// Attaches a scan to a project, removing the oldest beyond the limit (each removal in
    /// the audit log).
    pub async fn append_scan(
        &self,
        actor: &Actor,
        project: ProjectId,
        scan: &NewScan,
    ) -> Result<StoredScan, Error> {
        let mut tx = self.begin_write().await?;
        let owner = project_in(&mut tx, project).await?;
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO scans (project_id, ministry_id, resources, findings, body, created_at, created_by, summary) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(project.0)
        .bind(owner.ministry_id.0)
        .bind(scan.resources)
        .bind(scan.findings)
        .bind(&scan.body)
        .bind(&at)
        .bind(actor.as_str())
        .bind(&scan.summary)
        .fetch_one(&mut *tx)
        .await?;
        let stored = StoredScan {
            id: ScanId(id),
            project_id: project,
            resources: scan.resources,
            findings: scan.findings,
            created_at: at,
            created_by: actor.clone(),
        };
        audit(
            &mut tx,
            actor,
            "scan.create",
            "project",
            &project.to_string(),
            Some(owner.ministry_id),
            None::<&()>,
            Some(&stored),
        )
        .await?;
        let keep = self.limits.scans_per_project.max(1);
        let beyond: Vec<AnyRow> = sqlx::query(
            "SELECT id, project_id, resources, findings, created_at, created_by FROM scans \
             WHERE project_id = $1 ORDER BY id DESC LIMIT 1000 OFFSET $2",
        )
        .bind(project.0)
        .bind(keep)
        .fetch_all(&mut *tx)
        .await?;
        for row in &beyond {
            let old = scan_from(row)?;
            sqlx::query("DELETE FROM scans WHERE id = $1")
                .bind(old.id.0)
                .execute(&mut *tx)
                .await?;
            audit(
                &mut tx,
                actor,
                "scan.prune",
                "project",
                &project.to_string(),
                Some(owner.ministry_id),
                Some(&old),
                None::<&()>,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// A project's scans, the latest first (counts only).
    pub async fn scans(&self, project: ProjectId) -> Result<Vec<StoredScan>, Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE project_id = $1 ORDER BY id DESC LIMIT 1000"
        )))
        .bind(project.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(scan_from).collect()
    }

    /// How many scans a project keeps.
    pub async fn scan_count(&self, project: ProjectId) -> Result<i64, Error> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM scans WHERE project_id = $1")
                .bind(project.0)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// A project's latest scan with its summary (`None` for a scan attached before summaries
    /// were made).
    pub async fn latest_scan(
        &self,
        project: ProjectId,
    ) -> Result<Option<(StoredScan, Option<String>)>, Error> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SCAN_COLUMNS}, summary FROM scans WHERE project_id = $1 ORDER BY id DESC LIMIT 1"
        )))
        .bind(project.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((scan_from(&r)?, r.try_get("summary")?)))
            .transpose()
    }

    /// The inventory of one scan of `project`, as it was sent.
    pub async fn scan_body(&self, project: ProjectId, scan: ScanId) -> Result<String, Error> {
        sqlx::query_scalar("SELECT body FROM scans WHERE project_id = $1 AND id = $2")
            .bind(project.0)
            .bind(scan.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::not_found("scan", scan))
    }
}
