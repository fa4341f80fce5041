//! Projects, their dossier versions and assessments, under `/api/v1`. Every handler decides
//! access from the caller's role and ministry before it returns or changes anything; a
//! project of another ministry answers 404, so its existence does not leak.

use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use nuage_catalog::{Catalog, Date, OfferKind};
use nuage_doctrine::{Assessment, Dossier, Format, Lang, assess, read_dossier};
use nuage_registry::{
    Access, AssessmentId, NewAssessment, NewDossier, OrganisationId, PageRequest, Project,
    ProjectFilter, ProjectId, ProjectSummary, Role, StoredAssessment, TokenScope, User,
};
use serde::{Deserialize, Serialize};

use crate::{AppState, Problem};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route(
            "/organisations",
            get(organisations).post(create_organisation),
        )
        .route("/projects", post(create).get(list))
        .route("/projects/{id}", get(show))
        .route("/projects/{id}/dossier", put(update_dossier))
        .route("/projects/{id}/assessments", get(assessments))
        .route("/assessments/{id}", get(assessment))
        .route("/assessments/{id}/replay", post(replay))
        .route("/assessments/{id}/evidence", get(evidence))
        .route("/evidence/key", get(evidence_key))
        .route(
            "/projects/{id}/scans",
            post(upload_scan)
                .get(scans)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_SCAN_BYTES)),
        )
        .route("/projects/{id}/scans/{scan}", get(scan_body))
}

/// The largest scan accepted: about 100 000 resources.
pub const MAX_SCAN_BYTES: usize = 64 * 1024 * 1024;

/// One resource of an uploaded scan: the fields the contract fixes (DESIGN.md, `nuage scan`);
/// the scanner's other fields (evidence, service class…) are kept as sent. Every field is
/// checked at upload; the summary reads only some of them.
#[allow(
    dead_code,
    reason = "every field is checked at upload; the summary reads only some"
)]
/// What `nuage scan --format json` prints: the doctrine's one scan-report type, which the CLI
/// writes and the server reads.
pub(crate) type ScanUpload = nuage_doctrine::ScanReport;

/// Reads a scan, naming the field at fault.
pub(crate) fn read_scan(bytes: &[u8]) -> Result<ScanUpload, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:nuage:problem:invalid-scan",
            "Inventaire invalide",
            format!("line {}, column {}: {inner}", inner.line(), inner.column()),
        );
        p.field = Some(path);
        p.line = Some(inner.line());
        p.column = Some(inner.column());
        p
    })
}

/// What the project's page shows of a scan: counts by provider, offer and region, and the
/// first findings. Made once at upload, it stays small whatever the inventory's size.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ScanSummary {
    pub(crate) resources: usize,
    /// (provider, offer, region, resources), the largest groups first.
    pub(crate) groups: Vec<(String, Option<String>, Option<String>, usize)>,
    /// Groups beyond the ones kept.
    pub(crate) more_groups: usize,
    pub(crate) findings: Vec<ScanFinding>,
    pub(crate) more_findings: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ScanFinding {
    pub(crate) rule: nuage_doctrine::Rule,
    pub(crate) status: nuage_doctrine::Status,
    pub(crate) message: String,
    pub(crate) place: String,
}

/// How many groups and findings a summary keeps.
const SUMMARY_GROUPS: usize = 100;
const SUMMARY_FINDINGS: usize = 100;
/// Text kept of one finding's message.
const SUMMARY_MESSAGE_CHARS: usize = 500;

pub(crate) fn summarise_scan(scan: &ScanUpload) -> ScanSummary {
    let mut groups: std::collections::BTreeMap<(String, Option<String>, Option<String>), usize> =
        std::collections::BTreeMap::new();
    for r in &scan.resources {
        *groups
            .entry((r.provider.clone(), r.offer.clone(), r.region.clone()))
            .or_default() += 1;
    }
    let mut groups: Vec<_> = groups
        .into_iter()
        .map(|((p, o, r), n)| (p, o, r, n))
        .collect();
    groups.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.0.cmp(&b.0)));
    let more_groups = groups.len().saturating_sub(SUMMARY_GROUPS);
    groups.truncate(SUMMARY_GROUPS);
    let clip = |text: &str| text.chars().take(SUMMARY_MESSAGE_CHARS).collect::<String>();
    let findings = scan
        .findings
        .iter()
        .take(SUMMARY_FINDINGS)
        .map(|f| {
            let place = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("{file}:{line}"),
                (Some(file), None) => file.clone(),
                _ => String::new(),
            };
            ScanFinding {
                rule: f.rule,
                status: f.status,
                message: clip(&f.message),
                place: clip(&place),
            }
        })
        .collect();
    ScanSummary {
        resources: scan.resources.len(),
        groups,
        more_groups,
        findings,
        more_findings: scan.findings.len().saturating_sub(SUMMARY_FINDINGS),
    }
}

async fn upload_scan(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(|r| {
        Problem::new(
            r.status(),
            "urn:nuage:problem:body",
            "Corps de requête refusé",
            r.body_text(),
        )
    })?;
    let (project, access) = readable(&state, &caller, ProjectId(id)).await?;
    if access != Access::Write {
        return Err(forbidden(
            "only the project's team or its ministry's controller attaches a scan",
        ));
    }
    // A scan may weigh tens of megabytes once read: a few at a time, on the blocking pool.
    let _permit = state
        .scan_uploads
        .acquire()
        .await
        .map_err(|e| Problem::internal(e.to_string()))?;
    let new = tokio::task::spawn_blocking(move || {
        let scan = read_scan(&body)?;
        let summary = serde_json::to_string(&summarise_scan(&scan))
            .map_err(|e| Problem::internal(e.to_string()))?;
        let resources = i64::try_from(scan.resources.len()).unwrap_or(i64::MAX);
        let findings = i64::try_from(scan.findings.len()).unwrap_or(i64::MAX);
        drop(scan);
        let body = String::from_utf8(body.to_vec())
            .map_err(|_| Problem::bad_request("the scan is not UTF-8 text"))?;
        Ok::<_, Problem>(nuage_registry::NewScan {
            resources,
            findings,
            body,
            summary,
        })
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))??;
    let stored = state
        .registry
        .append_scan(&caller.actor(), project.id, &new)
        .await
        .map_err(registry_problem)?;
    drop(new);
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

async fn scans(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<Vec<nuage_registry::StoredScan>>, Problem> {
    let (project, _) = readable(&state, &caller, ProjectId(id)).await?;
    state
        .registry
        .scans(project.id)
        .await
        .map(Json)
        .map_err(registry_problem)
}

/// One scan's inventory, as it was sent.
async fn scan_body(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Ids(id, scan): Ids,
) -> Result<Response, Problem> {
    let (project, _) = readable(&state, &caller, ProjectId(id)).await?;
    let body = state
        .registry
        .scan_body(project.id, nuage_registry::ScanId(scan))
        .await
        .map_err(registry_problem)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The authenticated caller. A `read` token only reads: any other method is refused here,
/// before the handler runs (replaying an assessment writes nothing and is a read).
#[derive(Debug, Clone)]
pub struct Caller(pub User);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(unauthenticated)?;
        let found = match state.registry.token_user(token).await {
            Ok(Some(found)) => found,
            Ok(None) => return Err(unauthenticated()),
            Err(e) => return Err(registry_problem(e)),
        };
        let reads = matches!(parts.method, Method::GET | Method::HEAD)
            || parts
                .extensions
                .get::<MatchedPath>()
                .is_some_and(|p| p.as_str().ends_with("/replay"));
        if found.scope == TokenScope::Read && !reads {
            return Err(forbidden(
                "this token's scope is `read`: it changes nothing",
            ));
        }
        Ok(Caller(found.user))
    }
}

/// A resource's id in the path: a positive integer, or a 400 problem naming the parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Id(pub(crate) i64);

fn bad_id(name: &str) -> Problem {
    let mut p = Problem::bad_request(format!(
        "path parameter `{name}`: expected an integer from 1 to {}",
        i64::MAX
    ));
    p.field = Some(name.into());
    p
}

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) if id >= 1 => Ok(Id(id)),
            _ => Err(bad_id("id")),
        }
    }
}

/// Two ids in the path (`/projects/{id}/scans/{scan}`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids(pub(crate) i64, pub(crate) i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(Path((a, b))) => {
                let parse = |t: &str| t.parse::<i64>().ok().filter(|v| *v >= 1);
                match (parse(&a), parse(&b)) {
                    (Some(a), Some(b)) => Ok(Ids(a, b)),
                    (None, _) => Err(bad_id("id")),
                    (_, None) => Err(bad_id("scan")),
                }
            }
            Err(_) => Err(bad_id("id")),
        }
    }
}

fn unauthenticated() -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "urn:nuage:problem:unauthenticated",
        "Authentification requise",
        "send `Authorization: Bearer <API token>`".into(),
    )
}

pub(crate) fn forbidden(detail: impl Into<String>) -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "urn:nuage:problem:forbidden",
        "Action non autorisée",
        detail.into(),
    )
}

pub(crate) fn not_found(what: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "urn:nuage:problem:not-found",
        "Ressource introuvable",
        format!("{what} not found"),
    )
}

pub(crate) fn registry_problem(error: nuage_registry::Error) -> Problem {
    use nuage_registry::Error as E;
    match error {
        E::NotFound { entity, id } => not_found(&format!("{entity} {id}")),
        E::Forbidden(detail) => forbidden(detail),
        E::Conflict(detail) => Problem::new(
            StatusCode::CONFLICT,
            "urn:nuage:problem:conflict",
            "Conflit",
            detail,
        ),
        E::Invalid { field, reason } => {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "urn:nuage:problem:invalid",
                "Donnée invalide",
                format!("{field}: {reason}"),
            );
            p.field = Some(field.into());
            p
        }
        E::LimitReached(detail) => Problem::limit(detail),
        E::TooLarge(detail) => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:nuage:problem:body",
            "Trop volumineux",
            detail,
        ),
        other => Problem::internal(other.to_string()),
    }
}

pub(crate) fn json_body<T>(
    body: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, Problem> {
    body.map(|Json(v)| v).map_err(|rejection| {
        let text = rejection.body_text();
        // serde names the field before a colon: `transition: unknown variant …`.
        let field = text
            .split_once("target type: ")
            .and_then(|(_, rest)| rest.split_once(": "))
            .map(|(path, _)| path)
            .filter(|path| !path.is_empty() && !path.contains(' '))
            .map(str::to_owned);
        let mut p = Problem::new(
            rejection.status(),
            "urn:nuage:problem:bad-request",
            "Requête invalide",
            text,
        );
        p.field = field;
        p
    })
}

/// A dossier as sent in a JSON request: its text and format, kept byte for byte.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DossierInput {
    /// `toml`, `json` or `yaml`.
    #[schemars(extend("enum" = ["toml", "json", "yaml"]))]
    pub(crate) format: String,
    pub(crate) source: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateProject {
    organisation_id: OrganisationId,
    dossier: DossierInput,
    /// Obstacles to cloud adoption the team meets (R3), free words.
    #[serde(default)]
    obstacles: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateDossier {
    dossier: DossierInput,
    /// The version the change was made from; a stale one is refused (409).
    #[schemars(range(min = 1))]
    expected_version: Option<i64>,
    obstacles: Option<Vec<String>>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct ProjectView {
    #[serde(flatten)]
    project: Project,
    latest_assessment: Option<AssessmentId>,
}

/// The engine's run on a dossier, ready to store.
struct Evaluated {
    name: String,
    dossier: NewDossier,
    summary: ProjectSummary,
    assessment: NewAssessment,
}

fn parse_format(text: &str) -> Result<Format, Problem> {
    Format::from_extension(text).ok_or_else(|| {
        let mut p = Problem::bad_request(format!(
            "dossier.format `{text}`: expected toml, json or yaml"
        ));
        p.field = Some("dossier.format".into());
        p
    })
}

fn hosting_kind(dossier: &Dossier, catalog: &Catalog) -> String {
    use nuage_doctrine::dossier::{Approach, EnvironmentKind};
    let production = dossier
        .hosting
        .environments
        .iter()
        .find(|e| e.kind == EnvironmentKind::Production)
        .or_else(|| dossier.hosting.environments.first());
    match dossier.hosting.approach {
        Approach::Saas => "saas".into(),
        Approach::OnPremise => "on_premise".into(),
        Approach::Undecided => "undecided".into(),
        Approach::Cloud => match production.and_then(|e| e.offer.as_deref()) {
            None => "on_premise".into(),
            Some(id) => match catalog.offer(id).map(|o| o.kind) {
                Some(OfferKind::Internal) => "internal_cloud".into(),
                Some(OfferKind::Commercial) => "commercial_cloud".into(),
                Some(OfferKind::Interministerial) => "interministerial".into(),
                None => "unknown".into(),
            },
        },
    }
}

fn summarise(
    dossier: &Dossier,
    assessment: &Assessment,
    catalog: &Catalog,
    obstacles: Vec<String>,
) -> ProjectSummary {
    let sensitivity = if assessment.particularly_sensitive {
        "sensitive"
    } else if dossier.data.is_empty() {
        "undetermined"
    } else {
        "not_sensitive"
    };
    ProjectSummary {
        hosting_kind: hosting_kind(dossier, catalog),
        sensitivity: sensitivity.into(),
        procedure: assessment.control_procedure.as_str().into(),
        verdict: assessment.verdict.as_str().into(),
        full_cost_cents: i64::try_from(dossier.project.full_cost_eur.cents()).unwrap_or(i64::MAX),
        obstacles,
    }
}

/// Reads and assesses a dossier on the blocking pool (the engine is CPU work).
async fn evaluate(
    catalog: Arc<Catalog>,
    today: Date,
    input: DossierInput,
    obstacles: Vec<String>,
) -> Result<Evaluated, Problem> {
    let format = parse_format(&input.format)?;
    if input.source.len() > crate::MAX_DOSSIER_BYTES {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:nuage:problem:body",
            "Dossier trop volumineux",
            format!(
                "a dossier may weigh at most {} KiB",
                crate::MAX_DOSSIER_BYTES / 1024
            ),
        ));
    }
    tokio::task::spawn_blocking(move || {
        let dossier = read_dossier(&input.source, format, &catalog).map_err(|e| {
            let mut p = Problem::invalid_dossier(&e);
            p.field = Some(match &e.field {
                Some(f) => format!("dossier.source: {f}"),
                None => "dossier.source".into(),
            });
            p
        })?;
        let on = dossier.assessment_date(today);
        let assessment = assess(&dossier, &catalog, on, Lang::Fr).map_err(|e| {
            let mut p = Problem::bad_request(e.to_string());
            p.field = Some("dossier.source: assessed_on".into());
            p
        })?;
        let mut body = Vec::with_capacity(16 * 1024);
        nuage_report::to_json(&mut body, &assessment)
            .map_err(|e| Problem::internal(e.to_string()))?;
        let body = String::from_utf8(body).map_err(|e| Problem::internal(e.to_string()))?;
        Ok(Evaluated {
            name: dossier.project.name.clone(),
            summary: summarise(&dossier, &assessment, &catalog, obstacles),
            assessment: NewAssessment {
                edition: assessment.edition.clone(),
                catalog_version: assessment.catalog_version.clone(),
                assessed_on: assessment.assessed_on.to_string(),
                verdict: assessment.verdict.as_str().into(),
                body,
            },
            dossier: NewDossier {
                format: format.name().into(),
                source: input.source,
            },
        })
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))?
}

/// Loads a project the caller may at least read; otherwise 404.
pub(crate) async fn readable(
    state: &AppState,
    caller: &User,
    id: ProjectId,
) -> Result<(Project, Access), Problem> {
    let project = state.registry.project(id).await.map_err(registry_problem)?;
    let access = state
        .registry
        .access(caller, &project)
        .await
        .map_err(registry_problem)?;
    if access == Access::None {
        return Err(not_found(&format!("project {id}")));
    }
    Ok((project, access))
}

async fn me(Caller(user): Caller) -> Json<User> {
    Json(user)
}

/// The organisations the caller may see: their ministry and its operators, or all.
async fn organisations(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<nuage_registry::Organisation>>, Problem> {
    let scope = caller.listing_scope().map_err(registry_problem)?;
    let all = state
        .registry
        .organisations()
        .await
        .map_err(registry_problem)?;
    Ok(Json(
        all.into_iter()
            .filter(|o| scope.is_none_or(|m| o.ministry_id == m))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateOrganisation {
    kind: nuage_registry::OrganisationKind,
    /// At least one character other than a blank; no NUL character.
    #[schemars(length(min = 1), regex(pattern = r"^[^\u0000]*[^\u0000\s][^\u0000]*$"))]
    name: String,
    ministry_id: Option<OrganisationId>,
}

/// DINUM creates ministries; a ministry's controller adds the operators it supervises.
async fn create_organisation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<CreateOrganisation>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    use nuage_registry::OrganisationKind as K;
    let request = json_body(body)?;
    let allowed = match (caller.role, request.kind) {
        (Role::Dinum, _) => true,
        (Role::MinistryController, K::Operator) => {
            request.ministry_id.is_some() && request.ministry_id == caller.ministry_id
        }
        _ => false,
    };
    if !allowed {
        return Err(forbidden(
            "DINUM creates ministries; a ministry's controller adds its own operators",
        ));
    }
    let organisation = state
        .registry
        .create_organisation(
            &caller.actor(),
            request.kind,
            &request.name,
            request.ministry_id,
        )
        .await
        .map_err(registry_problem)?;
    Ok((StatusCode::CREATED, Json(organisation)).into_response())
}

async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<CreateProject>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let request = json_body(body)?;
    let (project, stored) = create_project(
        &state,
        &caller,
        request.organisation_id,
        request.dossier,
        request.obstacles,
    )
    .await?;
    let location = format!("/api/v1/projects/{}", project.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ProjectView {
            project,
            latest_assessment: Some(stored.id),
        }),
    )
        .into_response())
}

/// Creates a project from a dossier for `caller` (the API and the pages share it): only a
/// member or a controller, only in their own ministry; a member joins the project's team.
pub(crate) async fn create_project(
    state: &AppState,
    caller: &User,
    organisation_id: OrganisationId,
    dossier: DossierInput,
    obstacles: Vec<String>,
) -> Result<(Project, StoredAssessment), Problem> {
    if !matches!(caller.role, Role::ProjectMember | Role::MinistryController) {
        return Err(forbidden(format!(
            "the role {} does not create projects",
            caller.role.as_str()
        )));
    }
    let organisation = state
        .registry
        .organisation(organisation_id)
        .await
        .map_err(registry_problem)?;
    if caller.ministry_id != Some(organisation.ministry_id) {
        // Same answer as a missing organisation: another ministry's structure stays private.
        return Err(not_found(&format!("organisation {organisation_id}")));
    }
    let evaluated = evaluate(
        Arc::clone(&state.catalog),
        (state.today)(),
        dossier,
        obstacles,
    )
    .await?;
    let team = if caller.role == Role::ProjectMember {
        vec![caller.id]
    } else {
        vec![]
    };
    state
        .registry
        .create_project_with_team(
            &caller.actor(),
            organisation.id,
            &evaluated.name,
            &evaluated.dossier,
            &evaluated.summary,
            &evaluated.assessment,
            &team,
        )
        .await
        .map_err(registry_problem)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    organisation_id: Option<OrganisationId>,
    ministry_id: Option<OrganisationId>,
    verdict: Option<String>,
    hosting_kind: Option<String>,
    sensitivity: Option<String>,
    procedure: Option<String>,
    q: Option<String>,
    after: Option<ProjectId>,
    limit: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|r| Problem::bad_request(r.body_text()))?;
    if let Some(limit) = query.limit
        && !(1..=PageRequest::MAX_LIMIT).contains(&limit)
    {
        let mut p = Problem::bad_request(format!(
            "limit {limit}: from 1 to {}",
            PageRequest::MAX_LIMIT
        ));
        p.field = Some("limit".into());
        return Err(p);
    }
    for (name, id) in [
        ("organisation_id", query.organisation_id.map(|o| o.0)),
        ("ministry_id", query.ministry_id.map(|o| o.0)),
        ("after", query.after.map(|p| p.0)),
    ] {
        if id.is_some_and(|v| v < 1) {
            let mut p = Problem::bad_request(format!("{name}: expected a positive integer"));
            p.field = Some(name.into());
            return Err(p);
        }
    }
    let scope = caller.listing_scope().map_err(registry_problem)?;
    // A caller confined to a ministry asking for another one gets an empty list.
    let ministry = match (scope, query.ministry_id) {
        (Some(own), Some(asked)) if own != asked => return Ok(Json(empty_page()).into_response()),
        (Some(own), _) => Some(own),
        (None, asked) => asked,
    };
    let filter = ProjectFilter {
        ministry,
        organisation: query.organisation_id,
        verdict: query.verdict,
        hosting_kind: query.hosting_kind,
        sensitivity: query.sensitivity,
        procedure: query.procedure,
        name_contains: query.q,
        member: (caller.role == Role::ProjectMember).then_some(caller.id),
        ..ProjectFilter::default()
    };
    let page = PageRequest {
        after: query.after,
        limit: query.limit.unwrap_or(50),
    };
    let page = state
        .registry
        .projects(&filter, page)
        .await
        .map_err(registry_problem)?;
    Ok(Json(page).into_response())
}

fn empty_page() -> nuage_registry::Page<Project> {
    nuage_registry::Page {
        items: vec![],
        next: None,
    }
}

async fn show(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<ProjectView>, Problem> {
    let (project, _) = readable(&state, &caller, ProjectId(id)).await?;
    let latest = state
        .registry
        .assessment_history(project.id, 1)
        .await
        .map_err(registry_problem)?
        .first()
        .map(|a| a.id);
    Ok(Json(ProjectView {
        project,
        latest_assessment: latest,
    }))
}

async fn update_dossier(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    body: Result<Json<UpdateDossier>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ProjectView>, Problem> {
    let request = json_body(body)?;
    let (project, access) = readable(&state, &caller, ProjectId(id)).await?;
    if access != Access::Write {
        return Err(forbidden(format!(
            "{} may read this project, not change it",
            caller.role.as_str()
        )));
    }
    let obstacles = request
        .obstacles
        .unwrap_or_else(|| project.summary.obstacles.clone());
    let evaluated = evaluate(
        Arc::clone(&state.catalog),
        (state.today)(),
        request.dossier,
        obstacles,
    )
    .await?;
    let (project, stored) = state
        .registry
        .update_project(
            &caller.actor(),
            project.id,
            request.expected_version,
            &evaluated.dossier,
            &evaluated.summary,
            &evaluated.assessment,
        )
        .await
        .map_err(registry_problem)?;
    Ok(Json(ProjectView {
        project,
        latest_assessment: Some(stored.id),
    }))
}

/// Adds a dossier version to a project `caller` may change, from the pages: refused (409) if
/// the project moved past `expected_version` meanwhile. The same dossier as the current
/// version adds nothing. Gives the project as it now is.
pub(crate) async fn add_version(
    state: &AppState,
    caller: &User,
    id: ProjectId,
    expected_version: i64,
    dossier: DossierInput,
    obstacles: Option<Vec<String>>,
) -> Result<Project, Problem> {
    let (project, access) = readable(state, caller, id).await?;
    if access != Access::Write {
        return Err(forbidden(format!(
            "{} may read this project, not change it",
            caller.role.as_str()
        )));
    }
    let current = state
        .registry
        .dossier_version(project.id, project.current_version)
        .await
        .map_err(registry_problem)?;
    if project.current_version == expected_version && obstacles.is_none() {
        // The same facts written differently (the questionnaire writes its own TOML) are the
        // same dossier: no version is added.
        let parse = |format: &str, source: &str| {
            let format = Format::from_extension(format).unwrap_or(Format::Toml);
            crate::blocking::read(&state.catalog, source.to_owned(), format)
        };
        let before = parse(&current.format, &current.source).await?.ok();
        let after = parse(&dossier.format, &dossier.source).await?.ok();
        if before.is_some() && before == after {
            return Ok(project);
        }
    }
    let obstacles = obstacles.unwrap_or_else(|| project.summary.obstacles.clone());
    let evaluated = evaluate(
        Arc::clone(&state.catalog),
        (state.today)(),
        dossier,
        obstacles,
    )
    .await?;
    let (project, _) = state
        .registry
        .update_project(
            &caller.actor(),
            project.id,
            Some(expected_version),
            &evaluated.dossier,
            &evaluated.summary,
            &evaluated.assessment,
        )
        .await
        .map_err(registry_problem)?;
    Ok(project)
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct AssessmentMeta {
    id: AssessmentId,
    project_id: ProjectId,
    dossier_version: i64,
    dossier_hash: String,
    edition: String,
    catalog_version: String,
    assessed_on: String,
    verdict: String,
    created_at: String,
    created_by: String,
}

impl From<&StoredAssessment> for AssessmentMeta {
    fn from(a: &StoredAssessment) -> Self {
        AssessmentMeta {
            id: a.id,
            project_id: a.project_id,
            dossier_version: a.dossier_version,
            dossier_hash: a.dossier_hash.clone(),
            edition: a.edition.clone(),
            catalog_version: a.catalog_version.clone(),
            assessed_on: a.assessed_on.clone(),
            verdict: a.verdict.clone(),
            created_at: a.created_at.clone(),
            created_by: a.created_by.as_str().to_owned(),
        }
    }
}

async fn assessments(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<Vec<AssessmentMeta>>, Problem> {
    let (project, _) = readable(&state, &caller, ProjectId(id)).await?;
    let all = state
        .registry
        .assessment_history(project.id, 100_000)
        .await
        .map_err(registry_problem)?;
    Ok(Json(all.iter().map(AssessmentMeta::from).collect()))
}

async fn stored_readable(
    state: &AppState,
    caller: &User,
    id: i64,
) -> Result<StoredAssessment, Problem> {
    let stored = state
        .registry
        .assessment(AssessmentId(id))
        .await
        .map_err(registry_problem)?;
    readable(state, caller, stored.project_id)
        .await
        .map_err(|_| not_found(&format!("assessment {id}")))?;
    Ok(stored)
}

/// The stored assessment JSON, exactly as it was produced.
async fn assessment(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Response, Problem> {
    let stored = stored_readable(&state, &caller, id).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], stored.body).into_response())
}

/// Why a registry without a key seals nothing.
fn no_signing_key() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "urn:nuage:problem:no-signing-key",
        "Pas de clé de signature",
        "this registry seals no evidence: start it with --signing-key FILE (NUAGE_SIGNING_KEY)"
            .to_owned(),
    )
}

/// The registry's public key, to check its bundles with `nuage verify --key`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct EvidenceKey {
    /// `SHA256:` and the SHA-256 of the public key's DER encoding, in hexadecimal.
    fingerprint: String,
    /// The Ed25519 public key, PEM (SubjectPublicKeyInfo).
    public_key_pem: String,
}

async fn evidence_key(State(state): State<AppState>) -> Result<Json<EvidenceKey>, Problem> {
    let key = state
        .signing_key
        .as_deref()
        .ok_or_else(no_signing_key)?
        .public_key();
    Ok(Json(EvidenceKey {
        fingerprint: key.fingerprint(),
        public_key_pem: key.to_pem(),
    }))
}

/// A stored assessment sealed by the registry: the dossier version's bytes, the assessment,
/// the manifest and its signature, as a tar archive that `nuage verify` checks (re-assessing
/// the dossier). The assessment is the stored one, byte for byte: a bundle that does not
/// re-assess alike says so when verified.
async fn evidence(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Response, Problem> {
    evidence_archive(&state, &caller, id).await
}

/// The sealed bundle of assessment `id`, as a download, for `caller` if they may read it (the
/// API and the project page both give it).
pub(crate) async fn evidence_archive(
    state: &AppState,
    caller: &User,
    id: i64,
) -> Result<Response, Problem> {
    let key = Arc::clone(state.signing_key.as_ref().ok_or_else(no_signing_key)?);
    let stored = stored_readable(state, caller, id).await?;
    let version = state
        .registry
        .dossier_version(stored.project_id, stored.dossier_version)
        .await
        .map_err(registry_problem)?;
    let tar = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, Problem> {
        let format = parse_format(&version.format)?;
        let assessment: nuage_doctrine::Assessment = serde_json::from_str(&stored.body)
            .map_err(|e| Problem::internal(format!("stored assessment {}: {e}", stored.id)))?;
        let source = format!(
            "registry: project {}, dossier version {}, assessment {}",
            stored.project_id, stored.dossier_version, stored.id
        );
        let bundle = nuage_evidence::seal(
            &nuage_evidence::SealInput {
                source: &source,
                format,
                dossier: version.source.as_bytes(),
                assessment: &assessment,
                engine: concat!("nuage ", env!("CARGO_PKG_VERSION")),
            },
            &key,
        )
        .map_err(|e| Problem::internal(e.to_string()))?;
        bundle
            .to_tar()
            .map_err(|e| Problem::internal(e.to_string()))
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-tar".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"preuve-evaluation-{id}.tar\""),
            ),
        ],
        tar,
    )
        .into_response())
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Replay {
    assessment_id: AssessmentId,
    dossier_hash: String,
    catalog_version: String,
    /// Whether running the engine again on the stored dossier gives the stored bytes.
    identical: bool,
}

/// Runs the engine again on the stored dossier version, on the stored date, and compares.
async fn replay(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<Replay>, Problem> {
    let stored = stored_readable(&state, &caller, id).await?;
    if stored.catalog_version != state.catalog.version() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "urn:nuage:problem:catalog-version",
            "Version du catalogue différente",
            format!(
                "assessment {id} used catalog {}, this server runs {}: replay it with that catalog (--catalog)",
                stored.catalog_version,
                state.catalog.version()
            ),
        ));
    }
    let version = state
        .registry
        .dossier_version(stored.project_id, stored.dossier_version)
        .await
        .map_err(registry_problem)?;
    let assessed_on: Date = stored
        .assessed_on
        .parse()
        .map_err(|_| Problem::internal(format!("stored date `{}`", stored.assessed_on)))?;
    let catalog = Arc::clone(&state.catalog);
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, Problem> {
        let format = parse_format(&version.format)?;
        let dossier = read_dossier(&version.source, format, &catalog)
            .map_err(|e| Problem::invalid_dossier(&e))?;
        let assessment = assess(&dossier, &catalog, assessed_on, Lang::Fr)
            .map_err(|e| Problem::internal(e.to_string()))?;
        let mut out = Vec::new();
        nuage_report::to_json(&mut out, &assessment)
            .map_err(|e| Problem::internal(e.to_string()))?;
        Ok(out)
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))??;
    Ok(Json(Replay {
        assessment_id: stored.id,
        dossier_hash: stored.dossier_hash.clone(),
        catalog_version: stored.catalog_version.clone(),
        identical: body == stored.body.as_bytes(),
    }))
}
