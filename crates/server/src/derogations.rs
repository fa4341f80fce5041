//! Derogations under `/api/v1`: requested by a project's team, approved by its ministry,
//! validated by DINUM for the Prime Minister, followed to their deadline.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use nuage_catalog::{Catalog, UserService};
use nuage_doctrine::{DerogationKind, Format, acceptable_offer, deadline_after, read_dossier};
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
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestDerogation {
    #[schemars(extend("enum" = ["r9_transitional", "r7_no_cloud", "office_suite"]))]
    pub(crate) kind: String,
    /// At least one character other than a blank; no NUL character.
    #[schemars(length(min = 1), regex(pattern = r"^[^\u0000]*[^\u0000\s][^\u0000]*$"))]
    pub(crate) justification: String,
    #[serde(default)]
    pub(crate) documents: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionRequest {
    #[schemars(extend("enum" = ["submit", "approve_for_minister", "refuse", "validate_for_prime_minister", "activate", "expire"]))]
    pub(crate) transition: String,
    pub(crate) reason: Option<String>,
    #[serde(default)]
    pub(crate) documents: Vec<String>,
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

fn kind_of(text: &str) -> Option<DerogationKind> {
    [
        DerogationKind::R9Transitional,
        DerogationKind::R7NoCloud,
        DerogationKind::OfficeSuite,
    ]
    .into_iter()
    .find(|k| k.as_str() == text)
}

/// The deadline the catalog implies for a derogation of `kind` on the project's current
/// dossier, with its source, when the catalog records an acceptable offer.
async fn deadline_from_catalog(
    registry: &Registry,
    catalog: &Catalog,
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
    let Ok(dossier) = read_dossier(&version.source, format, catalog) else {
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
    let kind = kind_of(&request.kind).ok_or_else(|| {
        unprocessable(
            "kind",
            format!(
                "`{}`: expected r9_transitional, r7_no_cloud or office_suite",
                request.kind
            ),
        )
    })?;
    // The doctrine must open this derogation to this project, per its latest assessment.
    let latest = state
        .registry
        .latest_assessment(project.id)
        .await
        .map_err(registry_problem)?
        .ok_or_else(|| Problem::internal("project without assessment"))?;
    let body: serde_json::Value =
        serde_json::from_str(&latest.body).map_err(|e| Problem::internal(e.to_string()))?;
    let field = |v: &'_ serde_json::Value, name: &str| v.get(name).cloned().unwrap_or_default();
    let offered = body
        .get("derogations")
        .and_then(|d| d.as_array())
        .and_then(|all| {
            all.iter()
                .find(|d| field(d, "kind") == request.kind.as_str())
        })
        .ok_or_else(|| {
            unprocessable(
                "kind",
                format!(
                    "the doctrine opens no {} derogation to this project (assessment {})",
                    request.kind, latest.id
                ),
            )
        })?;
    if field(offered, "available") != true {
        let conditions = field(offered, "conditions");
        let conditions: Vec<&str> = conditions
            .as_array()
            .map(|c| c.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        return Err(unprocessable(
            "kind",
            format!(
                "the {} derogation is closed to this project: {}",
                request.kind,
                conditions.join(" ")
            ),
        ));
    }
    let (deadline, source) = match field(offered, "deadline").as_str() {
        Some(d) => (Some(d.to_owned()), Some("dossier".to_owned())),
        None => {
            let covers: Vec<UserService> =
                serde_json::from_value(field(offered, "covers")).unwrap_or_default();
            match deadline_from_catalog(&state.registry, &state.catalog, project.id, kind, &covers)
                .await?
            {
                Some((d, s)) => (Some(d), Some(s)),
                None => (None, None),
            }
        }
    };
    state
        .registry
        .create_derogation(
            caller,
            project.id,
            &NewDerogation {
                kind: request.kind,
                justification: request.justification,
                deadline,
                deadline_source: source,
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
    let step = Transition::parse(&request.transition).ok_or_else(|| {
        unprocessable(
            "transition",
            format!(
                "`{}`: expected submit, approve_for_minister, refuse, validate_for_prime_minister, activate or expire",
                request.transition
            ),
        )
    })?;
    let (derogation, access) = readable_derogation(state, caller, id).await?;
    let today = (state.today)().to_string();
    state
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
        .map_err(registry_problem)
}

/// Sets the deadline of open derogations that had none, when the catalog now records an
/// acceptable offer for their need. Run at start (a new binary may carry a new catalog).
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
        let Some(kind) = kind_of(&derogation.kind) else {
            continue;
        };
        if let Some((deadline, source)) =
            deadline_from_catalog(registry, catalog, derogation.project_id, kind, &[]).await?
            && registry
                .set_derogation_deadline(&actor, derogation.id, &deadline, &source)
                .await
                .map_err(registry_problem)?
        {
            updated += 1;
        }
    }
    Ok(updated)
}
