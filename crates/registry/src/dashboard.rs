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
    /// Open derogations (requested or in force) by deadline bucket (`overdue`, `within_30`,
    /// `within_90`, `later`, `none` when still to be set, `never` for a kind without deadline),
    /// then by state, with their count.
    #[serde(default)]
    pub derogations_by_deadline: BTreeMap<String, BTreeMap<String, i64>>,
    /// The full cost of the projects, in cents, by verdict and by control procedure.
    #[serde(default)]
    pub cost_by_verdict: BTreeMap<String, i64>,
    #[serde(default)]
    pub cost_by_procedure: BTreeMap<String, i64>,
    /// Per month (`YYYY-MM`) of assessment, the projects assessed that month by their verdict.
    #[serde(default)]
    pub verdicts_over_time: Vec<VerdictPoint>,
}

/// One month of assessments: how many projects were assessed, by verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerdictPoint {
    pub period: String,
    pub by_verdict: BTreeMap<String, i64>,
}

/// Which projects a dashboard counts. Dates are ISO days on the project's registration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardFilter {
    pub ministry: Option<OrganisationId>,
    pub organisation: Option<OrganisationId>,
    pub procedure: Option<String>,
    pub sensitivity: Option<String>,
    /// Registered on or after this day.
    pub from: Option<String>,
    /// Registered on or before this day.
    pub to: Option<String>,
}

enum Bind {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause on `projects p` for `filter`, its parameters numbered from `first`.
fn project_clause(filter: &DashboardFilter, first: usize) -> (String, Vec<Bind>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds: Vec<Bind> = Vec::new();
    let mut add = |sql: &mut String, column: &str, value: Bind| {
        binds.push(value);
        sql.push_str(&format!(" AND {column} ${}", first + binds.len() - 1));
    };
    if let Some(m) = filter.ministry {
        add(&mut sql, "p.ministry_id =", Bind::Int(m.0));
    }
    if let Some(o) = filter.organisation {
        add(&mut sql, "p.organisation_id =", Bind::Int(o.0));
    }
    if let Some(v) = &filter.procedure {
        add(&mut sql, "p.procedure =", Bind::Text(v.clone()));
    }
    if let Some(v) = &filter.sensitivity {
        add(&mut sql, "p.sensitivity =", Bind::Text(v.clone()));
    }
    if let Some(v) = &filter.from {
        add(
            &mut sql,
            "substr(p.created_at, 1, 10) >=",
            Bind::Text(v.clone()),
        );
    }
    if let Some(v) = &filter.to {
        add(
            &mut sql,
            "substr(p.created_at, 1, 10) <=",
            Bind::Text(v.clone()),
        );
    }
    (sql, binds)
}

fn bound<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for b in binds {
        q = match b {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        };
    }
    q
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
        self.dashboard_of(
            &DashboardFilter {
                ministry,
                ..DashboardFilter::default()
            },
            today,
            in_30_days,
            in_90_days,
        )
        .await
    }

    /// The dashboard of the projects `filter` keeps.
    pub async fn dashboard_of(
        &self,
        filter: &DashboardFilter,
        today: &str,
        in_30_days: &str,
        in_90_days: &str,
    ) -> Result<Dashboard, Error> {
        for (field, value) in [
            ("procedure", &filter.procedure),
            ("sensitivity", &filter.sensitivity),
            ("from", &filter.from),
            ("to", &filter.to),
        ] {
            if let Some(v) = value {
                crate::store::storable(field, v)?;
            }
        }
        let (scope, binds) = project_clause(filter, 1);
        let query = |sql: String| sqlx::query(AssertSqlSafe(sql));
        let mut out = Dashboard {
            ministry_id: filter.ministry,
            ..Dashboard::default()
        };
        // One scan for the four breakdowns and the money.
        let rows = bound(
            query(format!(
                "SELECT p.hosting_kind, p.sensitivity, p.procedure, p.verdict, COUNT(*) AS n, \
                 CAST(SUM(p.full_cost_cents) AS BIGINT) AS cost FROM projects p {scope} \
                 GROUP BY p.hosting_kind, p.sensitivity, p.procedure, p.verdict"
            )),
            &binds,
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            let cost: i64 = row.try_get::<Option<i64>, _>("cost")?.unwrap_or(0);
            out.projects += n;
            for (map, column) in [
                (&mut out.by_hosting_kind, "hosting_kind"),
                (&mut out.by_sensitivity, "sensitivity"),
                (&mut out.by_procedure, "procedure"),
                (&mut out.by_verdict, "verdict"),
            ] {
                *map.entry(row.try_get::<String, _>(column)?).or_default() += n;
            }
            *out.cost_by_verdict
                .entry(row.try_get::<String, _>("verdict")?)
                .or_default() += cost;
            *out.cost_by_procedure
                .entry(row.try_get::<String, _>("procedure")?)
                .or_default() += cost;
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
        let rows = bound(
            query(format!(
                "SELECT p.obstacles, COUNT(*) AS n FROM projects p {scope} GROUP BY p.obstacles"
            )),
            &binds,
        )
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

        let derogations =
            format!("FROM derogations d JOIN projects p ON p.id = d.project_id {scope}");
        let rows = bound(
            query(format!(
                "SELECT d.state, COUNT(*) AS n {derogations} GROUP BY d.state"
            )),
            &binds,
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            out.derogations_by_state
                .insert(row.try_get("state")?, row.try_get("n")?);
        }
        let (scope4, binds4) = project_clause(filter, 4);
        let dates = [
            Bind::Text(today.to_owned()),
            Bind::Text(in_30_days.to_owned()),
            Bind::Text(in_90_days.to_owned()),
        ];
        let all: Vec<Bind> = dates.into_iter().chain(binds4).collect();
        let row = bound(
            query(format!(
                "SELECT \
                   SUM(CASE WHEN d.deadline >= $1 AND d.deadline <= $2 THEN 1 ELSE 0 END) AS d30, \
                   SUM(CASE WHEN d.deadline >= $1 AND d.deadline <= $3 THEN 1 ELSE 0 END) AS d90, \
                   SUM(CASE WHEN d.deadline < $1 THEN 1 ELSE 0 END) AS overdue \
                 FROM derogations d JOIN projects p ON p.id = d.project_id {scope4} \
                 AND d.state = 'active' AND d.deadline IS NOT NULL"
            )),
            &all,
        )
        .fetch_one(&self.pool)
        .await?;
        out.derogations_expiring_30_days = row.try_get::<Option<i64>, _>("d30")?.unwrap_or(0);
        out.derogations_expiring_90_days = row.try_get::<Option<i64>, _>("d90")?.unwrap_or(0);
        out.derogations_overdue = row.try_get::<Option<i64>, _>("overdue")?.unwrap_or(0);
        // Every open derogation by deadline bucket and state.
        let rows = bound(
            query(format!(
                "SELECT d.state, CASE WHEN d.deadline IS NULL AND d.kind IN ({never}) THEN 'never' \
                   WHEN d.deadline IS NULL THEN 'none' WHEN d.deadline < $1 THEN 'overdue' WHEN d.deadline <= $2 THEN 'within_30' \
                   WHEN d.deadline <= $3 THEN 'within_90' ELSE 'later' END AS bucket, COUNT(*) AS n \
                 FROM derogations d JOIN projects p ON p.id = d.project_id {scope4} \
                 AND d.state NOT IN ('draft', 'refused', 'expired') GROUP BY 1, 2",
                never = crate::model::kinds_without_deadline()
            )),
            &all,
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            out.derogations_by_deadline
                .entry(row.try_get("bucket")?)
                .or_default()
                .insert(row.try_get("state")?, row.try_get("n")?);
        }

        let rows = bound(
            query(format!(
                "SELECT substr(p.created_at, 1, 7) AS period, p.hosting_kind, COUNT(*) AS n FROM projects p {scope} \
                 GROUP BY substr(p.created_at, 1, 7), p.hosting_kind ORDER BY 1"
            )),
            &binds,
        )
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

        // Compliance over time: per month, the projects assessed and their verdict then.
        let rows = bound(
            query(format!(
                "SELECT substr(a.created_at, 1, 7) AS period, a.verdict, COUNT(DISTINCT a.project_id) AS n \
                 FROM assessments a JOIN projects p ON p.id = a.project_id {scope} \
                 GROUP BY substr(a.created_at, 1, 7), a.verdict ORDER BY 1"
            )),
            &binds,
        )
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let period: String = row.try_get("period")?;
            if out
                .verdicts_over_time
                .last()
                .is_none_or(|p| p.period != period)
            {
                out.verdicts_over_time.push(VerdictPoint {
                    period,
                    ..VerdictPoint::default()
                });
            }
            if let Some(point) = out.verdicts_over_time.last_mut() {
                point
                    .by_verdict
                    .insert(row.try_get("verdict")?, row.try_get("n")?);
            }
        }
        let keep = out.verdicts_over_time.len().saturating_sub(24);
        out.verdicts_over_time.drain(..keep);
        Ok(out)
    }
}
