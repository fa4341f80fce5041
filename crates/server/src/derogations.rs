//! Derogations under `/api/v1`: requested by a project's team, decided by the people the
//! doctrine names for their kind and edition (`nuage_doctrine::Workflow`), followed to their
//! deadline.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use nuage_catalog::{Catalog, UserService};
use nuage_doctrine::{Assessment, DerogationKind, Format, acceptable_offer, deadline_after};
use nuage_registry::{
    Access, Actor, DerogationId, NewDerogation, ProjectId, Registry, StoredDerogation, Transition,
};
use serde::Deserialize;

use crate::projects::{Caller, Id, json_body, readable, registry_problem};
use crate::{AppState, Problem};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/derogations", post(request).get(of_project))
        .route("/derogations/{id}", get(show))
        .route("/derogations/{id}/transitions", post(transition))
        .route("/derogations/{id}/deadline", post(confirm_deadline))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestDerogation {
    pub(crate) kind: DerogationKind,
    /// At least one character other than a blank; no NUL character.
    #[schemars(length(min = 1), regex(pattern = r"^[^\u0000]*[^\u0000\s][^\u0000]*$"))]
    pub(crate) justification: String,
    #[serde(default)]
    pub(crate) documents: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionRequest {
    pub(crate) transition: Transition,
    pub(crate) reason: Option<String>,
    #[serde(default)]
    pub(crate) documents: Vec<String>,
}

/// A deadline a person confirms (the catalog's suggestion or another date), `YYYY-MM-DD`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeadlineRequest {
    pub(crate) deadline: String,
}

fn unprocessable(field: &str, detail: String) -> Problem {
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "urn:nuage:problem:derogation",
        "Dérogation impossible",
        detail,
    );
    p.field = Some(field.into());
    p
}

/// The deadline the catalog implies for a derogation of `kind` on the project's current
/// dossier, with its source, when the catalog records an acceptable offer.
async fn deadline_from_catalog(
    registry: &Registry,
    catalog: &Arc<Catalog>,
    project: ProjectId,
    kind: DerogationKind,
    covers: &[UserService],
) -> Result<Option<(String, String)>, Problem> {
    let project = registry.project(project).await.map_err(registry_problem)?;
    let version = registry
        .dossier_version(project.id, project.current_version)
        .await
        .map_err(registry_problem)?;
    let format = Format::from_extension(&version.format)
        .ok_or_else(|| Problem::internal(format!("stored format `{}`", version.format)))?;
    let Ok(dossier) = crate::blocking::read(catalog, version.source, format).await? else {
        // A dossier that no longer reads against this catalog (an offer removed) gives no date.
        return Ok(None);
    };
    Ok(
        acceptable_offer(&dossier, catalog, kind, covers).and_then(|found| {
            deadline_after(found.since).map(|deadline| {
                (
                    deadline.to_string(),
                    format!("catalog:{}@{}", found.offer, catalog.version()),
                )
            })
        }),
    )
}

async fn request(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    body: Result<Json<RequestDerogation>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let request = json_body(body)?;
    let stored = request_derogation(&state, &caller, ProjectId(id), request).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

/// Records a derogation request for `caller` (the API and the pages share it), if the
/// doctrine opens it to the project per its latest assessment.
pub(crate) async fn request_derogation(
    state: &AppState,
    caller: &nuage_registry::User,
    id: ProjectId,
    request: RequestDerogation,
) -> Result<StoredDerogation, Problem> {
    let (project, access) = readable(state, caller, id).await?;
    if access != Access::Write {
        return Err(crate::projects::forbidden(
            "only the project's team or its ministry's controller requests a derogation",
        ));
    }
    let kind = request.kind;
    // The doctrine must open this derogation to this project, per its latest assessment.
    let latest = state
        .registry
        .latest_assessment(project.id)
        .await
        .map_err(registry_problem)?
        .ok_or_else(|| Problem::internal("project without assessment"))?;
    let assessment: Assessment = serde_json::from_str(&latest.body)
        .map_err(|e| Problem::internal(format!("stored assessment {}: {e}", latest.id)))?;
    let offered = assessment
        .derogations
        .iter()
        .find(|d| d.kind == kind)
        .ok_or_else(|| {
            unprocessable(
                "kind",
                format!(
                    "the doctrine opens no {} derogation to this project (assessment {})",
                    kind.as_str(),
                    latest.id
                ),
            )
        })?;
    if !offered.available {
        return Err(unprocessable(
            "kind",
            format!(
                "the {} derogation is closed to this project: {}",
                kind.as_str(),
                offered.conditions.join(" ")
            ),
        ));
    }
    // A date the project declared is the deadline; otherwise the catalog may suggest one,
    // which a person confirms (« offre acceptable » is a judgement).
    let (deadline, source, suggested, suggested_source) = match offered.deadline {
        Some(d) => (Some(d.to_string()), Some("dossier".to_owned()), None, None),
        None => match deadline_from_catalog(
            &state.registry,
            &state.catalog,
            project.id,
            kind,
            &offered.covers,
        )
        .await?
        {
            Some((d, s)) => (None, None, Some(d), Some(s)),
            None => (None, None, None, None),
        },
    };
    state
        .registry
        .create_derogation(
            caller,
            project.id,
            &NewDerogation {
                kind,
                approvers: offered.approvers.clone(),
                justification: request.justification,
                deadline,
                deadline_source: source,
                suggested_deadline: suggested,
                suggested_deadline_source: suggested_source,
                documents: request.documents,
            },
        )
        .await
        .map_err(registry_problem)
}

async fn of_project(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<Vec<StoredDerogation>>, Problem> {
    let (project, _) = readable(&state, &caller, ProjectId(id)).await?;
    state
        .registry
        .derogations_of(project.id)
        .await
        .map(Json)
        .map_err(registry_problem)
}

/// A derogation the caller may read, with their access to its project.
pub(crate) async fn readable_derogation(
    state: &AppState,
    caller: &nuage_registry::User,
    id: i64,
) -> Result<(StoredDerogation, Access), Problem> {
    let derogation = state
        .registry
        .derogation(DerogationId(id))
        .await
        .map_err(registry_problem)?;
    let (_, access) = readable(state, caller, derogation.project_id)
        .await
        .map_err(|_| crate::projects::not_found(&format!("derogation {id}")))?;
    Ok((derogation, access))
}

async fn show(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<StoredDerogation>, Problem> {
    readable_derogation(&state, &caller, id)
        .await
        .map(|(d, _)| Json(d))
}

async fn transition(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    body: Result<Json<TransitionRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<StoredDerogation>, Problem> {
    let request = json_body(body)?;
    move_derogation(&state, &caller, id, request)
        .await
        .map(Json)
}

/// Moves a derogation one step for `caller`; the registry checks role and state.
pub(crate) async fn move_derogation(
    state: &AppState,
    caller: &nuage_registry::User,
    id: i64,
    request: TransitionRequest,
) -> Result<StoredDerogation, Problem> {
    let step = request.transition;
    let (derogation, access) = readable_derogation(state, caller, id).await?;
    let today = (state.today)().to_string();
    let moved = state
        .registry
        .transition_derogation(
            caller,
            access,
            derogation.id,
            step,
            request.reason.as_deref(),
            &request.documents,
            &today,
        )
        .await
        .map_err(registry_problem)?;
    crate::notifications::after_change(state, &moved);
    Ok(moved)
}

async fn confirm_deadline(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    body: Result<Json<DeadlineRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<StoredDerogation>, Problem> {
    let request = json_body(body)?;
    set_deadline(&state, &caller, id, &request.deadline)
        .await
        .map(Json)
}

/// A person confirms a derogation's deadline (the API and the pages share it).
pub(crate) async fn set_deadline(
    state: &AppState,
    caller: &nuage_registry::User,
    id: i64,
    deadline: &str,
) -> Result<StoredDerogation, Problem> {
    let (derogation, access) = readable_derogation(state, caller, id).await?;
    let confirmed = state
        .registry
        .confirm_derogation_deadline(caller, access, derogation.id, deadline)
        .await
        .map_err(registry_problem)?;
    crate::notifications::after_change(state, &confirmed);
    Ok(confirmed)
}

/// Suggests a deadline for open derogations that have none, when the catalog now records an
/// acceptable offer for their need (run at start: a new binary may carry a new catalog). The
/// suggestion is shown to those who decide; the deadline is set only when one of them confirms.
pub async fn refresh_deadlines(
    registry: &Registry,
    catalog: &Arc<Catalog>,
) -> Result<usize, Problem> {
    let actor = Actor(format!("catalog {}", catalog.version()));
    let mut updated = 0;
    for derogation in registry
        .derogations_without_deadline()
        .await
        .map_err(registry_problem)?
    {
        let covers: Vec<UserService> = Vec::new();
        if let Some((deadline, source)) = deadline_from_catalog(
            registry,
            catalog,
            derogation.project_id,
            derogation.kind,
            &covers,
        )
        .await?
            && registry
                .suggest_derogation_deadline(&actor, derogation.id, &deadline, &source)
                .await
                .map_err(registry_problem)?
        {
            updated += 1;
        }
    }
    Ok(updated)
}
