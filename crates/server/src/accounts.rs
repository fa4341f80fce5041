//! Accounts and API tokens under `/api/v1`: the same lifecycle as `nuage users` and
//! `nuage tokens`, for an administrator (DINUM for every account, a ministry's controller for
//! its ministry's). Every change is in the audit log (the registry writes it).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use nuage_registry::{
    NewToken, OrganisationId, Role, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenId, TokenInfo,
    TokenScope, User, UserId,
};
use serde::{Deserialize, Serialize};

use crate::projects::{Caller, Id, forbidden, json_body, not_found, registry_problem};
use crate::{AppState, Problem};

pub(crate) fn routes() -> Router<AppState> {
    let api = Router::new()
        .route("/users", get(users))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
        .route("/users/{id}/role", put(set_role))
        .route("/tokens", get(tokens).post(issue))
        .route("/tokens/{id}/revoke", post(revoke));
    Router::new().nest("/api/v1", api)
}

fn invalid(field: &str, detail: String) -> Problem {
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "urn:nuage:problem:invalid",
        "Donnée invalide",
        detail,
    );
    p.field = Some(field.into());
    p
}

/// The account `id` if `caller` administers it; 404 otherwise, like a project of another
/// ministry (an account's existence does not leak either).
async fn administered(state: &AppState, caller: &User, id: i64) -> Result<User, Problem> {
    if !matches!(caller.role, Role::Dinum | Role::MinistryController) {
        return Err(forbidden(
            "accounts are administered by DINUM and by each ministry's controllers",
        ));
    }
    let target = match state.registry.user(UserId(id)).await {
        Ok(u) => u,
        Err(nuage_registry::Error::NotFound { .. }) => {
            return Err(not_found(&format!("user {id}")));
        }
        Err(e) => return Err(registry_problem(e)),
    };
    if !caller.administers(&target) {
        return Err(not_found(&format!("user {id}")));
    }
    Ok(target)
}

/// The accounts the caller administers.
async fn users(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<User>>, Problem> {
    let ministry = match caller.role {
        Role::Dinum => None,
        Role::MinistryController => Some(caller.ministry_id.ok_or_else(|| {
            Problem::internal(format!("controller {} without a ministry", caller.id))
        })?),
        Role::ProjectMember | Role::Auditor => {
            return Err(forbidden(
                "accounts are administered by DINUM and by each ministry's controllers",
            ));
        }
    };
    let all = state
        .registry
        .users(ministry)
        .await
        .map_err(registry_problem)?;
    Ok(Json(
        all.into_iter().filter(|u| caller.administers(u)).collect(),
    ))
}

async fn switch(
    state: &AppState,
    caller: &User,
    id: i64,
    disabled: bool,
) -> Result<Json<User>, Problem> {
    let target = administered(state, caller, id).await?;
    if disabled && target.id == caller.id {
        return Err(invalid(
            "id",
            "an administrator does not disable their own account".into(),
        ));
    }
    state
        .registry
        .set_disabled(&caller.actor(), target.id, disabled)
        .await
        .map(Json)
        .map_err(registry_problem)
}

async fn disable(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<User>, Problem> {
    switch(&state, &caller, id, true).await
}

async fn enable(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<User>, Problem> {
    switch(&state, &caller, id, false).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetRole {
    pub(crate) role: Role,
    /// Required for project_member and ministry_controller, absent for dinum, optional for
    /// auditor (none: every ministry).
    #[serde(default)]
    pub(crate) ministry_id: Option<OrganisationId>,
}

async fn set_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    body: Result<Json<SetRole>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<User>, Problem> {
    let request = json_body(body)?;
    let target = administered(&state, &caller, id).await?;
    if target.id == caller.id {
        return Err(invalid(
            "id",
            "an administrator does not change their own role".into(),
        ));
    }
    if !caller.may_grant(request.role, request.ministry_id) {
        return Err(forbidden(format!(
            "{} may not give the role {} in this ministry",
            caller.role.as_str(),
            request.role.as_str()
        )));
    }
    state
        .registry
        .set_role(
            &caller.actor(),
            target.id,
            request.role,
            request.ministry_id,
        )
        .await
        .map(Json)
        .map_err(registry_problem)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokensQuery {
    /// Another account's tokens (an administrator); the caller's own by default.
    user_id: Option<UserId>,
}

async fn tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
    query: Result<Query<TokensQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<TokenInfo>>, Problem> {
    let Query(query) = query.map_err(|r| Problem::bad_request(r.body_text()))?;
    let owner = match query.user_id {
        None => caller.id,
        Some(id) if id == caller.id => caller.id,
        Some(id) => administered(&state, &caller, id.0).await?.id,
    };
    state
        .registry
        .tokens(Some(owner))
        .await
        .map(Json)
        .map_err(registry_problem)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueToken {
    /// What the token is for (`gitlab-ci`), shown in lists.
    #[schemars(
        length(min = 1, max = 200),
        regex(pattern = r"^[^\u0000]*[^\u0000\s][^\u0000]*$")
    )]
    pub(crate) name: String,
    /// `read` only reads; `write` (the default) does all the owner's role allows.
    #[serde(default)]
    pub(crate) scope: Option<TokenScope>,
    /// Days until it expires (default 90, at most 366).
    #[serde(default)]
    #[schemars(range(min = 1, max = 366))]
    pub(crate) expires_in_days: Option<i64>,
    /// Another account (an administrator); the caller's own by default.
    #[serde(default)]
    pub(crate) user_id: Option<UserId>,
}

/// A new token: its secret is in this answer only.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Issued {
    pub(crate) token: TokenInfo,
    pub(crate) secret: String,
}

async fn issue(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<IssueToken>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let request = json_body(body)?;
    let owner = match request.user_id {
        None => caller.clone(),
        Some(id) if id == caller.id => caller.clone(),
        Some(id) => administered(&state, &caller, id.0).await?,
    };
    let days = request.expires_in_days.unwrap_or(TOKEN_DEFAULT_DAYS);
    if !(1..=TOKEN_MAX_DAYS).contains(&days) {
        return Err(invalid(
            "expires_in_days",
            format!("expires_in_days {days}: from 1 to {TOKEN_MAX_DAYS}"),
        ));
    }
    let issued = state
        .registry
        .issue_token_with(
            &caller.actor(),
            &owner,
            &NewToken::for_days(
                &request.name,
                request.scope.unwrap_or(TokenScope::Write),
                days,
            ),
        )
        .await
        .map_err(registry_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(Issued {
            token: issued.info,
            secret: issued.secret,
        }),
    )
        .into_response())
}

async fn revoke(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> Result<Json<TokenInfo>, Problem> {
    let token = match state.registry.token(TokenId(id)).await {
        Ok(t) => t,
        Err(nuage_registry::Error::NotFound { .. }) => {
            return Err(not_found(&format!("token {id}")));
        }
        Err(e) => return Err(registry_problem(e)),
    };
    if token.user_id != caller.id {
        administered(&state, &caller, token.user_id.0)
            .await
            .map_err(|_| not_found(&format!("token {id}")))?;
    }
    if token.revoked_at.is_none() {
        state
            .registry
            .revoke_token(&caller.actor(), token.id)
            .await
            .map_err(registry_problem)?;
    }
    state
        .registry
        .token(token.id)
        .await
        .map(Json)
        .map_err(registry_problem)
}
