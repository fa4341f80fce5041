//! Dashboards and the CSV export, per ministry and across ministries.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use nuage_registry::{Dashboard, OrganisationId, PageRequest, ProjectFilter, Role};
use serde::Deserialize;

use crate::projects::{Caller, registry_problem};
use crate::{AppState, Problem};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/export/projects.csv", get(export))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeQuery {
    ministry_id: Option<OrganisationId>,
}

/// The ministry the caller looks at: their own, or any (or all) for DINUM and
/// cross-ministry auditors. `Err` when a confined caller asks for another ministry.
pub(crate) fn scope(
    caller: &nuage_registry::User,
    asked: Option<OrganisationId>,
) -> Result<Option<OrganisationId>, Problem> {
    match (caller.listing_scope().map_err(registry_problem)?, asked) {
        (Some(own), Some(asked)) if own != asked => {
            Err(crate::projects::not_found(&format!("ministry {asked}")))
        }
        (Some(own), _) => Ok(Some(own)),
        (None, asked) => Ok(asked),
    }
}

async fn dashboard(
    State(state): State<AppState>,
    Caller(caller): Caller,
    query: Result<Query<ScopeQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Dashboard>, Problem> {
    let Query(query) = query.map_err(|r| Problem::bad_request(r.body_text()))?;
    dashboard_for(&state, &caller, query.ministry_id)
        .await
        .map(Json)
}

/// The dashboard `caller` may see of `asked` (their own ministry when confined to one).
pub(crate) async fn dashboard_for(
    state: &AppState,
    caller: &nuage_registry::User,
    asked: Option<OrganisationId>,
) -> Result<Dashboard, Problem> {
    if caller.role == Role::ProjectMember {
        return Err(crate::projects::forbidden(
            "dashboards are for controllers, DINUM and auditors",
        ));
    }
    let ministry = scope(caller, asked)?;
    let today = (state.today)();
    let horizon = |days| {
        today
            .add_days(days)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    state
        .registry
        .dashboard(ministry, &today.to_string(), &horizon(30), &horizon(90))
        .await
        .map_err(registry_problem)
}

/// The dashboard `caller` may see of the projects `filter` keeps (their own ministry when
/// confined to one).
pub(crate) async fn dashboard_filtered(
    state: &AppState,
    caller: &nuage_registry::User,
    filter: &nuage_registry::DashboardFilter,
) -> Result<Dashboard, Problem> {
    if caller.role == Role::ProjectMember {
        return Err(crate::projects::forbidden(
            "dashboards are for controllers, DINUM and auditors",
        ));
    }
    let ministry = scope(caller, filter.ministry)?;
    let today = (state.today)();
    let horizon = |days| {
        today
            .add_days(days)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let filter = nuage_registry::DashboardFilter {
        ministry,
        ..filter.clone()
    };
    state
        .registry
        .dashboard_of(&filter, &today.to_string(), &horizon(30), &horizon(90))
        .await
        .map_err(registry_problem)
}

/// Whether a spreadsheet could read the cell as a formula: its first character other than
/// blanks (spaces, tabs, line breaks, which spreadsheets skip) opens one (`=`, `+`, `-`, `@`,
/// or their full-width forms), or it starts with a tab or a carriage return (OWASP's list).
fn looks_like_formula(value: &str) -> bool {
    value.starts_with(['\t', '\r'])
        || value
            .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
            .starts_with([
                '=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
            ])
}

/// One CSV field, quoted when it must be (RFC 4180); a cell a spreadsheet could execute is
/// neutralised with a leading apostrophe.
pub(crate) fn csv_field(out: &mut String, value: &str) {
    let value = if looks_like_formula(value) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r', ';']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&value);
    }
}

/// Every project in scope, one line each.
async fn export(
    State(state): State<AppState>,
    Caller(caller): Caller,
    query: Result<Query<ScopeQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|r| Problem::bad_request(r.body_text()))?;
    let csv = export_csv(&state, &caller, query.ministry_id).await?;
    Ok(csv_response(csv))
}

pub(crate) fn csv_response(csv: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"projets.csv\"",
            ),
        ],
        csv,
    )
        .into_response()
}

/// Every project `caller` may see in `asked`, one CSV line each.
pub(crate) async fn export_csv(
    state: &AppState,
    caller: &nuage_registry::User,
    asked: Option<OrganisationId>,
) -> Result<String, Problem> {
    let ministry = scope(caller, asked)?;
    let filter = ProjectFilter {
        ministry,
        member: (caller.role == Role::ProjectMember).then_some(caller.id),
        ..ProjectFilter::default()
    };
    let mut csv = String::from(
        "id,ministry_id,organisation_id,name,version,hosting_kind,sensitivity,procedure,verdict,full_cost_eur,obstacles,updated_at\r\n",
    );
    let mut page = PageRequest {
        after: None,
        limit: PageRequest::MAX_LIMIT,
    };
    loop {
        let got = state
            .registry
            .projects(&filter, page)
            .await
            .map_err(registry_problem)?;
        for p in &got.items {
            let fields = [
                p.id.to_string(),
                p.ministry_id.to_string(),
                p.organisation_id.to_string(),
                p.name.clone(),
                p.current_version.to_string(),
                p.summary.hosting_kind.clone(),
                p.summary.sensitivity.clone(),
                p.summary.procedure.clone(),
                p.summary.verdict.clone(),
                format!(
                    "{}.{:02}",
                    p.summary.full_cost_cents / 100,
                    p.summary.full_cost_cents % 100
                ),
                p.summary.obstacles.join(" | "),
                p.updated_at.clone(),
            ];
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    csv.push(',');
                }
                csv_field(&mut csv, f);
            }
            csv.push_str("\r\n");
        }
        match got.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    Ok(csv)
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        for (input, expected) in [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("x\"y,z", "\"x\"\"y,z\""),
            ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
            ("-1,5", "\"'-1,5\""),
            ("\t=HYPERLINK(1)", "'\t=HYPERLINK(1)"),
            ("\r=1+1", "\"'\r=1+1\""),
            ("  @SUM(A1)", "'  @SUM(A1)"),
            ("\n+1", "\"'\n+1\""),
            ("\u{ff1d}1+1", "'\u{ff1d}1+1"),
            ("a=b", "a=b"),
        ] {
            let mut out = String::new();
            csv_field(&mut out, input);
            assert_eq!(out, expected, "{input}");
        }
    }
}
