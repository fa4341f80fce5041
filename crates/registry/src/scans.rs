//! Scans attached to a project: the inventory `nuage scan --format json` printed, kept as
//! sent (append-only), with counts for lists.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::store::{audit, now, project_in};
use crate::{Actor, Error, ProjectId, Registry};

id_type!(
    /// One uploaded scan.
    ScanId
);

/// A scan as uploaded; the server checks its shape before it gets here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewScan {
    pub resources: i64,
    pub findings: i64,
    /// The JSON `nuage scan` printed.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredScan {
    pub id: ScanId,
    pub project_id: ProjectId,
    pub resources: i64,
    pub findings: i64,
    pub created_at: String,
    pub created_by: Actor,
    /// The inventory itself (left out of lists).
    #[serde(skip)]
    pub body: String,
}

fn scan_from(row: &AnyRow) -> Result<StoredScan, Error> {
    Ok(StoredScan {
        id: ScanId(row.try_get("id")?),
        project_id: ProjectId(row.try_get("project_id")?),
        resources: row.try_get("resources")?,
        findings: row.try_get("findings")?,
        created_at: row.try_get("created_at")?,
        created_by: Actor(row.try_get("created_by")?),
        body: row.try_get("body")?,
    })
}

impl Registry {
    /// Attaches a scan to a project.
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
            "INSERT INTO scans (project_id, ministry_id, resources, findings, body, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(project.0)
        .bind(owner.ministry_id.0)
        .bind(scan.resources)
        .bind(scan.findings)
        .bind(&scan.body)
        .bind(&at)
        .bind(actor.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let stored = StoredScan {
            id: ScanId(id),
            project_id: project,
            resources: scan.resources,
            findings: scan.findings,
            created_at: at,
            created_by: actor.clone(),
            body: scan.body.clone(),
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
        tx.commit().await?;
        Ok(stored)
    }

    /// A project's scans, the latest first.
    pub async fn scans(&self, project: ProjectId) -> Result<Vec<StoredScan>, Error> {
        let rows = sqlx::query(
            "SELECT id, project_id, resources, findings, body, created_at, created_by FROM scans \
             WHERE project_id = $1 ORDER BY id DESC",
        )
        .bind(project.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(scan_from).collect()
    }
}
