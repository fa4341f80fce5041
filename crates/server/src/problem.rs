//! Errors as RFC 9457 problem details (`application/problem+json`), naming the field at fault.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// The field at fault, as a path in the document (`project.full_cost_eur`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: String,
    ) -> Self {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail,
            field: None,
            line: None,
            column: None,
        }
    }

    pub fn invalid_dossier(error: &nuage_doctrine::ReadError) -> Self {
        Problem {
            field: error.field.clone(),
            line: error.line,
            column: error.column,
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "urn:nuage:problem:invalid-dossier",
                "Dossier invalide",
                error.message.clone(),
            )
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "urn:nuage:problem:bad-request",
            "Requête invalide",
            detail.into(),
        )
    }

    /// A failure of the server itself. What went wrong goes to the log, with a reference;
    /// the client gets the reference and nothing of the cause (a query, a path, a host).
    pub fn internal(detail: impl Into<String>) -> Self {
        let reference = reference();
        tracing::error!(reference = %reference, detail = %detail.into(), "internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "urn:nuage:problem:internal",
            "Erreur interne",
            format!("internal error, reference {reference}: the server's log gives its cause"),
        )
    }

    /// The database (or another dependency) does not answer; the cause goes to the log only.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        let reference = reference();
        tracing::warn!(reference = %reference, detail = %detail.into(), "service unavailable");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "urn:nuage:problem:unavailable",
            "Service indisponible",
            format!("service unavailable, reference {reference}: retry later"),
        )
    }

    /// A cap on a resource is reached (429 Too Many Requests).
    pub fn limit(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "urn:nuage:problem:limit",
            "Limite atteinte",
            detail.into(),
        )
    }

    /// The detail with its field, for error pages.
    pub fn detail_with_field(&self) -> String {
        match &self.field {
            Some(field) => format!("{} ({field})", self.detail),
            None => self.detail.clone(),
        }
    }
}

/// A short random reference that ties an error the client saw to the log line that explains it.
fn reference() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 6];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        return "-".into();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}
