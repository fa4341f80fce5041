//! What a ministry — or DINUM across ministries — sees at a glance (R3: measure adoption and
//! its obstacles). Each figure is one grouped query, so a dashboard stays fast at 100 000
//! projects.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row};

use crate::Error;
use crate::model::OrganisationId;
use crate::store::Registry;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dashboard {
    /// The ministry, or `None` for all ministries.
    pub ministry_id: Option<OrganisationId>,
    pub projects: i64,
    pub by_hosting_kind: BTreeMap<String, i64>,
    pub by_sensitivity: BTreeMap<String, i64>,
    pub by_procedure: BTreeMap<String, i64>,
    pub by_verdict: BTreeMap<String, i64>,
    /// Compliant projects over assessed projects the doctrine applies to, in per mille
    /// (integer, so the JSON is reproducible); `None` with no such project.
    pub compliance_per_mille: Option<i64>,
    pub derogations_by_state: BTreeMap<String, i64>,
    /// Active derogations whose deadline falls within 30 (90) days from today, inclusive.
    pub derogations_expiring_30_days: i64,
    pub derogations_expiring_90_days: i64,
    /// Active derogations whose deadline has passed: to expire or renew.
    pub derogations_overdue: i64,
    /// Obstacles teams report, with how many projects report each.
    pub obstacles: BTreeMap<String, i64>,
    /// Projects registered per month (`YYYY-MM`, oldest first, the last 24 months with any),
    /// and how many of them are hosted in a cloud (internal, commercial, interministerial, SaaS).
    pub adoption: Vec<AdoptionPoint>,
}

/// One month of cloud adoption (R3: measure adoption).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AdoptionPoint {
    pub period: String,
    pub projects: i64,
    pub cloud: i64,
}

/// The hosting kinds that count as cloud adoption.
pub const CLOUD_KINDS: [&str; 4] = [
    "internal_cloud",
    "commercial_cloud",
    "interministerial",
    "saas",
];

impl Registry {
    /// The dashboard of one ministry (with its operators), or of all with `None`.
    /// `today` and the two horizons are ISO dates computed by the caller.
    pub async fn dashboard(
        &self,
        ministry: Option<OrganisationId>,
        today: &str,
        in_30_days: &str,
        in_90_days: &str,
    ) -> Result<Dashboard, Error> {
        let scope = if ministry.is_some() {
            "WHERE ministry_id = $1"
        } else {
            ""
        };
        let bind_scope = |sql: String| {
            let q = sqlx::query(AssertSqlSafe(sql));
            match ministry {
                Some(m) => q.bind(m.0),
                None => q,
            }
        };
        let mut out = Dashboard {
            ministry_id: ministry,
            ..Dashboard::default()
        };
        // One scan for the four breakdowns.
        let rows = bind_scope(format!(
            "SELECT hosting_kind, sensitivity, procedure, verdict, COUNT(*) AS n FROM projects {scope} \
             GROUP BY hosting_kind, sensitivity, procedure, verdict"
        ))
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            out.projects += n;
            for (map, column) in [
                (&mut out.by_hosting_kind, "hosting_kind"),
                (&mut out.by_sensitivity, "sensitivity"),
                (&mut out.by_procedure, "procedure"),
                (&mut out.by_verdict, "verdict"),
            ] {
                *map.entry(row.try_get::<String, _>(column)?).or_default() += n;
            }
        }
        let compliant = out.by_verdict.get("compliant").copied().unwrap_or(0);
        let assessed_in_scope: i64 = out
            .by_verdict
            .iter()
            .filter(|(v, _)| v.as_str() != "not_applicable")
            .map(|(_, n)| n)
            .sum();
        out.compliance_per_mille =
            (assessed_in_scope > 0).then(|| compliant * 1000 / assessed_in_scope);

        // Obstacles: few distinct lists, split here.
        let rows = bind_scope(format!(
            "SELECT obstacles, COUNT(*) AS n FROM projects {scope} GROUP BY obstacles"
        ))
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            let list: String = row.try_get("obstacles")?;
            let list: Vec<String> = serde_json::from_str(&list)
                .map_err(|e| Error::Corrupt(format!("obstacles: {e}")))?;
            for obstacle in list {
                *out.obstacles.entry(obstacle).or_default() += n;
            }
        }

        let rows = bind_scope(format!(
            "SELECT state, COUNT(*) AS n FROM derogations {scope} GROUP BY state"
        ))
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            out.derogations_by_state
                .insert(row.try_get("state")?, row.try_get("n")?);
        }
        let and_scope = if ministry.is_some() {
            "AND ministry_id = $4"
        } else {
            ""
        };
        let mut q = sqlx::query(AssertSqlSafe(format!(
            "SELECT \
               SUM(CASE WHEN deadline >= $1 AND deadline <= $2 THEN 1 ELSE 0 END) AS d30, \
               SUM(CASE WHEN deadline >= $1 AND deadline <= $3 THEN 1 ELSE 0 END) AS d90, \
               SUM(CASE WHEN deadline < $1 THEN 1 ELSE 0 END) AS overdue \
             FROM derogations WHERE state = 'active' AND deadline IS NOT NULL {and_scope}"
        )))
        .bind(today)
        .bind(in_30_days)
        .bind(in_90_days);
        if let Some(m) = ministry {
            q = q.bind(m.0);
        }
        let row = q.fetch_one(&self.pool).await?;
        out.derogations_expiring_30_days = row.try_get::<Option<i64>, _>("d30")?.unwrap_or(0);
        out.derogations_expiring_90_days = row.try_get::<Option<i64>, _>("d90")?.unwrap_or(0);
        out.derogations_overdue = row.try_get::<Option<i64>, _>("overdue")?.unwrap_or(0);

        let rows = bind_scope(format!(
            "SELECT substr(created_at, 1, 7) AS period, hosting_kind, COUNT(*) AS n FROM projects {scope} \
             GROUP BY substr(created_at, 1, 7), hosting_kind ORDER BY 1"
        ))
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let period: String = row.try_get("period")?;
            let kind: String = row.try_get("hosting_kind")?;
            let n: i64 = row.try_get("n")?;
            if out.adoption.last().is_none_or(|p| p.period != period) {
                out.adoption.push(AdoptionPoint {
                    period,
                    ..AdoptionPoint::default()
                });
            }
            if let Some(point) = out.adoption.last_mut() {
                point.projects += n;
                if CLOUD_KINDS.contains(&kind.as_str()) {
                    point.cloud += n;
                }
            }
        }
        let keep = out.adoption.len().saturating_sub(24);
        out.adoption.drain(..keep);
        Ok(out)
    }
}
