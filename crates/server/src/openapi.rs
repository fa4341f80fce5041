//! The API's OpenAPI 3.1 description, served at `/api/v1/openapi.json`, and a reference page
//! rendered from it at `/api/v1/docs` (plain HTML, no script, nothing fetched elsewhere).
//!
//! Schemas come from the very types the handlers (de)serialise (schemars, JSON Schema
//! 2020-12, which OpenAPI 3.1 uses); the list of operations is [`OPERATIONS`], which a test
//! checks against the router.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use schemars::{JsonSchema, SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};

use crate::accounts::{IssueToken, Issued, SetRole};
use crate::derogations::{DeadlineRequest, RequestDerogation, TransitionRequest};
use crate::problem::Problem;
use crate::projects::{
    AssessmentMeta, CreateOrganisation, CreateProject, EvidenceKey, ProjectView, Replay,
    ScanUpload, UpdateDossier,
};

/// One operation: method, path, summary, request body schema, success status and schema.
#[derive(Debug)]
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    request: Option<fn(&mut SchemaGenerator) -> Value>,
    /// A raw body (the stateless assessment takes the dossier file itself).
    raw_request: bool,
    pub status: u16,
    response: fn(&mut SchemaGenerator) -> Value,
    pub authenticated: bool,
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

fn any_json(_: &mut SchemaGenerator) -> Value {
    json!({"type": "object", "description": "The assessment JSON contract (DESIGN.md)."})
}

fn text(_: &mut SchemaGenerator) -> Value {
    json!({"type": "string"})
}

macro_rules! op {
    ($method:literal, $path:literal, $tag:literal, $summary:literal, req: $req:ty, $status:literal => $resp:expr, auth: $auth:literal) => {
        Operation {
            method: $method,
            path: $path,
            tag: $tag,
            summary: $summary,
            request: Some(schema::<$req>),
            raw_request: false,
            status: $status,
            response: $resp,
            authenticated: $auth,
        }
    };
    ($method:literal, $path:literal, $tag:literal, $summary:literal, raw, $status:literal => $resp:expr, auth: $auth:literal) => {
        Operation {
            method: $method,
            path: $path,
            tag: $tag,
            summary: $summary,
            request: None,
            raw_request: true,
            status: $status,
            response: $resp,
            authenticated: $auth,
        }
    };
    ($method:literal, $path:literal, $tag:literal, $summary:literal, $status:literal => $resp:expr, auth: $auth:literal) => {
        Operation {
            method: $method,
            path: $path,
            tag: $tag,
            summary: $summary,
            request: None,
            raw_request: false,
            status: $status,
            response: $resp,
            authenticated: $auth,
        }
    };
}

/// Every operation of the API under `/api/v1`.
pub const OPERATIONS: &[Operation] = &[
    op!("post", "/assess", "évaluation", "Évaluer un dossier sans rien enregistrer (corps : le fichier TOML, JSON ou YAML)", raw, 200 => any_json, auth: false),
    op!("get", "/me", "personnes", "L'utilisateur du jeton", 200 => schema::<nuage_registry::User>, auth: true),
    op!("get", "/organisations", "organisations", "Organisations visibles (son ministère et ses opérateurs, ou toutes)", 200 => schema::<Vec<nuage_registry::Organisation>>, auth: true),
    op!("post", "/organisations", "organisations", "Créer un ministère (DINUM) ou un opérateur (contrôleur du ministère)", req: CreateOrganisation, 201 => schema::<nuage_registry::Organisation>, auth: true),
    op!("post", "/projects", "projets", "Créer un projet à partir de son dossier (évalué et enregistré)", req: CreateProject, 201 => schema::<ProjectView>, auth: true),
    op!("get", "/projects", "projets", "Lister les projets visibles, filtrés, par pages (paramètres : organisation_id, ministry_id, verdict, hosting_kind, sensitivity, procedure, q, after, limit)", 200 => schema::<nuage_registry::Page<nuage_registry::Project>>, auth: true),
    op!("get", "/projects/{id}", "projets", "Un projet et sa dernière évaluation", 200 => schema::<ProjectView>, auth: true),
    op!("put", "/projects/{id}/dossier", "projets", "Nouvelle version du dossier (réévaluée ; expected_version contre les écritures concurrentes)", req: UpdateDossier, 200 => schema::<ProjectView>, auth: true),
    op!("get", "/projects/{id}/assessments", "évaluation", "Historique des évaluations, la plus récente d'abord", 200 => schema::<Vec<AssessmentMeta>>, auth: true),
    op!("get", "/assessments/{id}", "évaluation", "Une évaluation enregistrée, octet pour octet", 200 => any_json, auth: true),
    op!("post", "/assessments/{id}/replay", "évaluation", "Rejouer une évaluation et comparer les octets", 200 => schema::<Replay>, auth: true),
    op!("get", "/assessments/{id}/evidence", "évaluation", "La preuve scellée d'une évaluation par le registre (archive tar que `nuage verify` vérifie ; 503 sans --signing-key)", 200 => tar_archive, auth: true),
    op!("get", "/evidence/key", "évaluation", "La clé publique qui scelle les preuves du registre (pour `nuage verify --key`)", 200 => schema::<EvidenceKey>, auth: false),
    op!("post", "/projects/{id}/derogations", "dérogations", "Demander une dérogation ouverte par la doctrine au projet", req: RequestDerogation, 201 => schema::<nuage_registry::StoredDerogation>, auth: true),
    op!("get", "/projects/{id}/derogations", "dérogations", "Les dérogations d'un projet", 200 => schema::<Vec<nuage_registry::StoredDerogation>>, auth: true),
    op!("get", "/derogations/{id}", "dérogations", "Une dérogation et son historique", 200 => schema::<nuage_registry::StoredDerogation>, auth: true),
    op!("post", "/derogations/{id}/transitions", "dérogations", "Faire avancer une dérogation d'une des étapes que la doctrine donne pour son type et son édition (voir `approvers`)", req: TransitionRequest, 200 => schema::<nuage_registry::StoredDerogation>, auth: true),
    op!("post", "/derogations/{id}/deadline", "dérogations", "Confirmer l'échéance d'une dérogation (contrôleur ministériel ou DINUM) : celle que le catalogue suggère ou une autre", req: DeadlineRequest, 200 => schema::<nuage_registry::StoredDerogation>, auth: true),
    op!("post", "/projects/{id}/scans", "projets", "Joindre au projet l'inventaire de son code d'infrastructure (la sortie de nuage scan --format json)", req: ScanUpload, 201 => schema::<nuage_registry::StoredScan>, auth: true),
    op!("get", "/projects/{id}/scans", "projets", "Les inventaires joints au projet, le plus récent d'abord", 200 => schema::<Vec<nuage_registry::StoredScan>>, auth: true),
    op!("get", "/projects/{id}/scans/{scan}", "projets", "Un inventaire, tel qu'il a été envoyé", 200 => any_scan, auth: true),
    op!("get", "/dashboard", "tableaux de bord", "Tableau de bord d'un ministère, ou de tous (DINUM)", 200 => schema::<nuage_registry::Dashboard>, auth: true),
    op!("get", "/export/projects.csv", "tableaux de bord", "Export CSV des projets visibles", 200 => text, auth: true),
    op!("get", "/users", "personnes", "Les comptes que l'appelant administre (DINUM : tous ; contrôleur : ceux de son ministère)", 200 => schema::<Vec<nuage_registry::User>>, auth: true),
    op!("post", "/users/{id}/disable", "personnes", "Désactiver un compte : ses sessions se ferment, ses jetons n'ouvrent plus rien", 200 => schema::<nuage_registry::User>, auth: true),
    op!("post", "/users/{id}/enable", "personnes", "Réactiver un compte", 200 => schema::<nuage_registry::User>, auth: true),
    op!("put", "/users/{id}/role", "personnes", "Changer le rôle (et le ministère) d'un compte", req: SetRole, 200 => schema::<nuage_registry::User>, auth: true),
    op!("get", "/tokens", "personnes", "Les jetons de l'appelant, ou d'un compte qu'il administre (user_id), sans leur secret", 200 => schema::<Vec<nuage_registry::TokenInfo>>, auth: true),
    op!("post", "/tokens", "personnes", "Émettre un jeton (portée, échéance) ; son secret n'est donné qu'ici", req: IssueToken, 201 => schema::<Issued>, auth: true),
    op!("post", "/tokens/{id}/revoke", "personnes", "Révoquer un jeton", 200 => schema::<nuage_registry::TokenInfo>, auth: true),
];

fn tar_archive(_: &mut SchemaGenerator) -> Value {
    json!({"type": "string", "contentMediaType": "application/x-tar", "description": "The bundle's files (MANIFEST, MANIFEST.sig, signer.pub, meta.json, assessment.json, the dossier)."})
}

fn any_scan(_: &mut SchemaGenerator) -> Value {
    json!({"type": "object", "description": "The inventory `nuage scan --format json` printed, as it was sent."})
}

/// An id in a path: what the server accepts, exactly.
fn id_parameter(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true,
           "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX}})
}

fn id_query(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description,
           "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX}})
}

fn text_query(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description,
           "schema": {"type": "string"}})
}

/// The query parameters of an operation.
fn query_parameters(method: &str, path: &str) -> Vec<Value> {
    match (method, path) {
        ("post", "/assess") => vec![
            json!({"name": "lang", "in": "query", "required": false, "schema": {"type": "string", "enum": ["fr", "en"]}}),
        ],
        ("get", "/projects") => vec![
            id_query("organisation_id", "Les projets d'une organisation"),
            id_query(
                "ministry_id",
                "Les projets d'un ministère et de ses opérateurs",
            ),
            text_query(
                "verdict",
                "non_compliant, to_verify, compliant, not_applicable",
            ),
            text_query("hosting_kind", "Mode d'hébergement"),
            text_query("sensitivity", "sensitive, not_sensitive, undetermined"),
            text_query("procedure", "Procédure de contrôle"),
            text_query("q", "Un mot du nom du projet"),
            id_query("after", "Le dernier id de la page précédente"),
            json!({"name": "limit", "in": "query", "required": false, "description": "Projets par page",
                   "schema": {"type": "integer", "minimum": 1, "maximum": nuage_registry::PageRequest::MAX_LIMIT}}),
        ],
        ("get", "/dashboard") | ("get", "/export/projects.csv") => {
            vec![id_query(
                "ministry_id",
                "Un ministère (DINUM, auditeurs de tous les ministères)",
            )]
        }
        ("get", "/tokens") => vec![id_query("user_id", "Un compte que l'appelant administre")],
        _ => vec![],
    }
}

/// Operations whose body carries what JSON Schema cannot describe: a dossier's text (read as
/// TOML, JSON or YAML), or a request the doctrine or the workflow decides on. They answer 422,
/// naming the field, when it does not hold.
pub const VALIDATED_BEYOND_SCHEMA: &[(&str, &str, &str)] = &[
    (
        "post",
        "/assess",
        "the dossier does not read, or its date has no edition",
    ),
    ("post", "/projects", "the dossier's text does not read"),
    (
        "put",
        "/projects/{id}/dossier",
        "the dossier's text does not read",
    ),
    (
        "post",
        "/projects/{id}/derogations",
        "the project's latest assessment does not open this derogation",
    ),
    (
        "post",
        "/derogations/{id}/transitions",
        "the step needs a reason, or a deadline that has passed",
    ),
    (
        "post",
        "/organisations",
        "ministry_id does not name a ministry",
    ),
    (
        "put",
        "/users/{id}/role",
        "the role and the ministry do not go together, or ministry_id is not a ministry",
    ),
    ("post", "/tokens", "the account is disabled"),
];

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let problem = schema::<Problem>(&mut generator);
    let mut paths: Map<String, Value> = Map::new();
    for op in OPERATIONS {
        let mut responses = Map::new();
        let content_type = if op.path.ends_with(".csv") {
            "text/csv"
        } else if op.path.ends_with("/evidence") {
            "application/x-tar"
        } else {
            "application/json"
        };
        responses.insert(
            op.status.to_string(),
            json!({"description": "Succès", "content": {content_type: {"schema": (op.response)(&mut generator)}}}),
        );
        responses.insert(
            "default".into(),
            json!({"description": "Problème (RFC 9457) : 400, 401, 403, 404, 409, 413, 415, 421, 422, 429, 500, 503", "content": {"application/problem+json": {"schema": problem}}}),
        );
        let mut operation = Map::new();
        operation.insert("summary".into(), json!(op.summary));
        operation.insert("tags".into(), json!([op.tag]));
        operation.insert(
            "operationId".into(),
            json!(format!(
                "{}_{}",
                op.method,
                op.path
                    .trim_start_matches('/')
                    .replace(['/', '{', '}', '.'], "_")
            )),
        );
        operation.insert("responses".into(), Value::Object(responses));
        if let Some(request) = op.request {
            operation.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": request(&mut generator)}}}),
            );
        }
        if op.raw_request {
            operation.insert(
                "requestBody".into(),
                json!({"required": true, "content": {
                    "application/toml": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "object"}},
                    "application/yaml": {"schema": {"type": "string"}}
                }}),
            );
        }
        let mut parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(id_parameter)
            .collect();
        parameters.extend(query_parameters(op.method, op.path));
        if !parameters.is_empty() {
            operation.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some((_, _, why)) = VALIDATED_BEYOND_SCHEMA
            .iter()
            .find(|(m, p, _)| *m == op.method && *p == op.path)
            && let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
        {
            responses.insert(
                "422".into(),
                json!({"description": format!("Problème (RFC 9457) : {why}"), "content": {"application/problem+json": {"schema": problem}}}),
            );
        }
        if !op.authenticated {
            operation.insert("security".into(), json!([]));
        }
        if let Some(item) = paths
            .entry(format!("/api/v1{}", op.path))
            .or_insert_with(|| json!({}))
            .as_object_mut()
        {
            item.insert(op.method.into(), Value::Object(operation));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Nuage — API du registre « cloud au centre »",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Projets, dossiers, évaluations, dérogations et tableaux de bord. Authentification : `Authorization: Bearer <jeton d'API>`. Erreurs : application/problem+json (RFC 9457) nommant le champ fautif."
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": generator.take_definitions(true),
        }
    })
}

pub(crate) async fn openapi_json() -> Response {
    let body = serde_json::to_string_pretty(&document()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A readable reference page, generated from the same table.
/// The reference page, in the page language (the `nuage_lang` cookie the pages set).
pub(crate) async fn reference_page(headers: axum::http::HeaderMap) -> Html<String> {
    let english = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim() == "nuage_lang=en");
    let (lang, title, intro, heads) = if english {
        (
            "en",
            "Nuage API — reference",
            "OpenAPI 3.1 description: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>. \
             Authentication: <code>Authorization: Bearer &lt;token&gt;</code>. Errors as <code>application/problem+json</code>.",
            ["Method", "Path", "What it does", "Success"],
        )
    } else {
        (
            "fr",
            "API Nuage — référence",
            "Description OpenAPI 3.1 : <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>. \
             Authentification : <code>Authorization: Bearer &lt;jeton&gt;</code>. Erreurs en <code>application/problem+json</code>.",
            ["Méthode", "Chemin", "Ce qu'elle fait", "Succès"],
        )
    };
    let mut html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}\
         code{{background:#f0f0f0;padding:0 .2rem}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}}</style></head><body>\
         <h1>{title}</h1><p>{intro}</p>\
         <table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        heads[0], heads[1], heads[2], heads[3]
    );
    for op in OPERATIONS {
        let summary = if english {
            summary_en(op.method, op.path).unwrap_or(op.summary)
        } else {
            op.summary
        };
        html.push_str(&format!(
            "<tr><td><code>{}</code></td><td><code>/api/v1{}</code></td><td>{}</td><td>{}</td></tr>",
            op.method.to_uppercase(),
            escape(op.path),
            escape(summary),
            op.status
        ));
    }
    html.push_str("</tbody></table></body></html>");
    Html(html)
}

/// Each operation's summary in English (the French one stands in for an operation not listed).
fn summary_en(method: &str, path: &str) -> Option<&'static str> {
    Some(match (method, path) {
        ("post", "/assess") => {
            "Assess a dossier without storing anything (body: the TOML, JSON or YAML file)"
        }
        ("get", "/me") => "The token's user",
        ("get", "/organisations") => {
            "Visible organisations (one's ministry and its operators, or all)"
        }
        ("post", "/organisations") => {
            "Create a ministry (DINUM) or an operator (the ministry's controller)"
        }
        ("post", "/projects") => "Create a project from its dossier (assessed and stored)",
        ("get", "/projects") => {
            "List visible projects, filtered, by pages (parameters: organisation_id, ministry_id, verdict, hosting_kind, sensitivity, procedure, q, after, limit)"
        }
        ("get", "/projects/{id}") => "A project and its latest assessment",
        ("put", "/projects/{id}/dossier") => {
            "New dossier version (reassessed; expected_version against concurrent writes)"
        }
        ("get", "/projects/{id}/assessments") => "Assessment history, latest first",
        ("get", "/assessments/{id}") => "A stored assessment, byte for byte",
        ("post", "/assessments/{id}/replay") => "Replay an assessment and compare the bytes",
        ("get", "/assessments/{id}/evidence") => {
            "An assessment sealed by the registry (a tar archive `nuage verify` checks; 503 without --signing-key)"
        }
        ("get", "/evidence/key") => {
            "The public key the registry seals its evidence with (for `nuage verify --key`)"
        }
        ("post", "/projects/{id}/derogations") => {
            "Request a derogation the doctrine opens to the project"
        }
        ("get", "/projects/{id}/derogations") => "A project's derogations",
        ("get", "/derogations/{id}") => "A derogation and its history",
        ("post", "/derogations/{id}/transitions") => {
            "Move a derogation through one of the steps the doctrine gives for its kind and edition (see `approvers`)"
        }
        ("post", "/derogations/{id}/deadline") => {
            "Confirm a derogation's deadline (ministry controller or DINUM): the one the catalog suggests or another"
        }
        ("post", "/projects/{id}/scans") => {
            "Attach the inventory of the project's infrastructure code (the output of nuage scan --format json)"
        }
        ("get", "/projects/{id}/scans") => "The inventories attached to the project, latest first",
        ("get", "/projects/{id}/scans/{scan}") => "An inventory, as it was sent",
        ("get", "/dashboard") => "Dashboard of a ministry, or of all (DINUM)",
        ("get", "/export/projects.csv") => "CSV export of the visible projects",
        ("get", "/users") => {
            "The accounts the caller administers (DINUM: all; controller: those of their ministry)"
        }
        ("post", "/users/{id}/disable") => {
            "Disable an account: its sessions close, its tokens open nothing"
        }
        ("post", "/users/{id}/enable") => "Enable an account again",
        ("put", "/users/{id}/role") => "Change an account's role (and ministry)",
        ("get", "/tokens") => {
            "The caller's tokens, or those of an account they administer (user_id), without their secret"
        }
        ("post", "/tokens") => "Issue a token (scope, expiry); its secret is given only here",
        ("post", "/tokens/{id}/revoke") => "Revoke a token",
        _ => return None,
    })
}

#[cfg(test)]
mod reference_tests {
    #[test]
    fn every_operation_has_an_english_summary() {
        for op in super::OPERATIONS {
            assert!(
                super::summary_en(op.method, op.path).is_some(),
                "{} {} has no English summary",
                op.method,
                op.path
            );
        }
    }
}
