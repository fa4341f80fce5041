//! A local OpenID Connect provider for the login tests: discovery, an authorization endpoint
//! that consents at once for one configured person, a token endpoint that checks the client's
//! secret and PKCE and signs an ID token (ES256 with a key made at start, or RS256 with the test
//! key in `keys/`, made for these tests and protecting nothing), and its JWKS. It can also
//! misbehave on purpose, so that the tests see the client refuse bad tokens.
//!
//! This crate is only ever a dev-dependency; `expect` on its own set-up is a test failure.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde::Deserialize;
use serde_json::{Value, json};

/// Who logs in.
#[derive(Debug, Clone)]
pub struct Identity {
    pub sub: String,
    pub email: String,
    /// The `email_verified` claim; `None` leaves it out of the token.
    pub email_verified: Option<bool>,
    pub given_name: String,
    pub usual_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Es256,
    Rs256,
}

/// Ways the provider can go wrong, for the negative tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    WrongNonce,
    WrongAudience,
    WrongIssuer,
    Expired,
    /// Signed with a key that is not in the JWKS.
    ForeignKey,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub client_id: String,
    pub client_secret: String,
    pub identity: Identity,
    pub alg: Alg,
    pub fault: Fault,
}

enum Key {
    Ec(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

struct Pending {
    nonce: String,
    challenge: String,
    redirect_uri: String,
}

struct Inner {
    issuer: String,
    options: Options,
    key: Key,
    foreign: EcdsaKeyPair,
    codes: Mutex<HashMap<String, Pending>>,
}

/// A running provider; it stops with the test process.
#[derive(Clone)]
pub struct Provider {
    pub issuer: String,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.issuer)
            .finish()
    }
}

fn ec_key() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .unwrap()
}

/// Starts a provider on a free loopback port, in its own thread.
pub fn start(options: Options) -> Provider {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    let issuer = format!("http://{address}");
    let key = match options.alg {
        Alg::Es256 => Key::Ec(ec_key()),
        Alg::Rs256 => {
            Key::Rsa(RsaKeyPair::from_der(include_bytes!("../keys/test-rsa-2048.der")).unwrap())
        }
    };
    let inner = Arc::new(Inner {
        issuer: issuer.clone(),
        options,
        key,
        foreign: ec_key(),
        codes: Mutex::new(HashMap::new()),
    });
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/jwks", get(jwks))
        .with_state(inner);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    Provider { issuer }
}

async fn discovery(State(p): State<Arc<Inner>>) -> Response {
    let alg = match p.options.alg {
        Alg::Es256 => "ES256",
        Alg::Rs256 => "RS256",
    };
    axum::Json(json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [alg],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "email", "given_name", "usual_name"],
    }))
    .into_response()
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    ring::rand::SecureRandom::fill(&SystemRandom::new(), &mut bytes).unwrap();
    URL_SAFE_NO_PAD.encode(bytes)
}

async fn authorize(State(p): State<Arc<Inner>>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.response_type != "code"
        || q.client_id != p.options.client_id
        || !q.scope.split(' ').any(|s| s == "openid")
        || q.code_challenge_method != "S256"
    {
        return (StatusCode::BAD_REQUEST, "invalid authorization request").into_response();
    }
    let code = random_token();
    p.codes.lock().unwrap().insert(
        code.clone(),
        Pending {
            nonce: q.nonce,
            challenge: q.code_challenge,
            redirect_uri: q.redirect_uri.clone(),
        },
    );
    let separator = if q.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    Redirect::to(&format!(
        "{}{separator}code={code}&state={}",
        q.redirect_uri,
        q.state.replace('&', "%26")
    ))
    .into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn error(code: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": code })),
    )
        .into_response()
}

async fn token(
    State(p): State<Arc<Inner>>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Response {
    // client_secret_basic or client_secret_post
    let (id, secret) = match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok())
    {
        Some(pair) => {
            let (i, s) = pair.split_once(':').unwrap_or_default();
            (i.to_owned(), s.to_owned())
        }
        None => (
            f.client_id.clone().unwrap_or_default(),
            f.client_secret.clone().unwrap_or_default(),
        ),
    };
    if id != p.options.client_id || secret != p.options.client_secret {
        return error("invalid_client");
    }
    if f.grant_type != "authorization_code" {
        return error("unsupported_grant_type");
    }
    let Some(pending) = p.codes.lock().unwrap().remove(&f.code) else {
        return error("invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        f.code_verifier.as_bytes(),
    ));
    if challenge != pending.challenge || f.redirect_uri != pending.redirect_uri {
        return error("invalid_grant");
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let fault = p.options.fault;
    let who = &p.options.identity;
    let claims = json!({
        "iss": if fault == Fault::WrongIssuer { "http://elsewhere.invalid".to_owned() } else { p.issuer.clone() },
        "aud": if fault == Fault::WrongAudience { "someone-else".to_owned() } else { p.options.client_id.clone() },
        "sub": who.sub,
        "email": who.email,
        "given_name": who.given_name,
        "usual_name": who.usual_name,
        "nonce": if fault == Fault::WrongNonce { "not-the-nonce".to_owned() } else { pending.nonce },
        "iat": now,
        "exp": if fault == Fault::Expired { now - 600 } else { now + 300 },
    });
    let mut claims = claims;
    if let (Some(verified), Some(map)) = (who.email_verified, claims.as_object_mut()) {
        map.insert("email_verified".into(), Value::Bool(verified));
    }
    let id_token = sign(&p, &claims);
    axum::Json(json!({
        "access_token": random_token(),
        "token_type": "Bearer",
        "expires_in": 60,
        "id_token": id_token,
    }))
    .into_response()
}

fn sign(p: &Inner, claims: &Value) -> String {
    let rng = SystemRandom::new();
    let (alg, kid) = match (&p.key, p.options.fault) {
        (_, Fault::ForeignKey) => ("ES256", "foreign"),
        (Key::Ec(_), _) => ("ES256", "ec-1"),
        (Key::Rsa(_), _) => ("RS256", "rsa-1"),
    };
    let header = json!({ "alg": alg, "typ": "JWT", "kid": kid });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = match (&p.key, p.options.fault) {
        (_, Fault::ForeignKey) => p
            .foreign
            .sign(&rng, input.as_bytes())
            .unwrap()
            .as_ref()
            .to_vec(),
        (Key::Ec(k), _) => k.sign(&rng, input.as_bytes()).unwrap().as_ref().to_vec(),
        (Key::Rsa(k), _) => {
            let mut sig = vec![0u8; k.public().modulus_len()];
            k.sign(
                &signature::RSA_PKCS1_SHA256,
                &rng,
                input.as_bytes(),
                &mut sig,
            )
            .unwrap();
            sig
        }
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

async fn jwks(State(p): State<Arc<Inner>>) -> Response {
    let key = match &p.key {
        Key::Ec(k) => {
            let point = k.public_key().as_ref();
            json!({
                "kty": "EC", "crv": "P-256", "kid": "ec-1", "use": "sig", "alg": "ES256",
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
            })
        }
        Key::Rsa(k) => {
            let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(k.public());
            json!({
                "kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256",
                "n": URL_SAFE_NO_PAD.encode(&public.n),
                "e": URL_SAFE_NO_PAD.encode(&public.e),
            })
        }
    };
    axum::Json(json!({ "keys": [key] })).into_response()
}
