//! OpenID Connect login, for ProConnect (the State's identity federation) or any provider:
//! the authorization code flow with PKCE, a `state` against forged callbacks and a `nonce`
//! against replayed tokens. The ID token's signature (RS256 or ES256, keys from the provider's
//! JWKS), issuer, audience, expiry and nonce are checked before anyone is logged in.
//!
//! Outgoing calls are blocking (ureq) and run on the blocking pool.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::Value;

/// What an administrator configures (`nuage serve --oidc-…`).
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The provider's issuer, e.g. `https://auth.agentconnect.gouv.fr/api/v2` for ProConnect.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// This server's callback address, registered with the provider.
    pub redirect_uri: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("OpenID provider discovery at {url}: {reason}")]
    Discovery { url: String, reason: String },
    #[error("token request: {0}")]
    Token(String),
    #[error("ID token refused: {0}")]
    InvalidToken(String),
}

/// A provider, discovered.
pub struct Oidc {
    config: OidcConfig,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.config.issuer)
            .field("client_id", &self.config.client_id)
            .finish_non_exhaustive()
    }
}

/// The secrets of one login in progress, kept in a short-lived cookie between the redirect to
/// the provider and its callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

impl LoginState {
    pub fn to_cookie(&self) -> String {
        format!("{}.{}.{}", self.state, self.nonce, self.verifier)
    }

    pub fn from_cookie(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let (state, nonce, verifier) = (parts.next()?, parts.next()?, parts.next()?);
        let ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        (parts.next().is_none() && ok(state) && ok(nonce) && ok(verifier)).then(|| LoginState {
            state: state.to_owned(),
            nonce: nonce.to_owned(),
            verifier: verifier.to_owned(),
        })
    }
}

/// Who the provider says logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub email: Option<String>,
    /// The provider vouches that the person controls `email` (`email_verified`, OpenID
    /// Connect Core §5.1). Without it the e-mail opens no account.
    pub email_verified: bool,
    pub name: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

fn random() -> Result<String, OidcError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| OidcError::Token("no randomness".into()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn get_json(agent: &ureq::Agent, url: &str) -> Result<Value, String> {
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    serde_json::from_str(&body).map_err(|e| format!("not JSON: {e}"))
}

impl Oidc {
    /// Reads the provider's `/.well-known/openid-configuration`; its issuer must be the one
    /// configured (OpenID Connect Discovery 1.0, §4.3).
    pub fn discover(config: OidcConfig) -> Result<Self, OidcError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!(
            "{}/.well-known/openid-configuration",
            config.issuer.trim_end_matches('/')
        );
        let fail = |reason: String| OidcError::Discovery {
            url: url.clone(),
            reason,
        };
        let value = get_json(&agent, &url).map_err(fail)?;
        let metadata: Metadata = serde_json::from_value(value).map_err(|e| fail(e.to_string()))?;
        if metadata.issuer.trim_end_matches('/') != config.issuer.trim_end_matches('/') {
            return Err(fail(format!(
                "the provider calls itself `{}`, not `{}`",
                metadata.issuer, config.issuer
            )));
        }
        Ok(Oidc {
            config,
            authorization_endpoint: metadata.authorization_endpoint,
            token_endpoint: metadata.token_endpoint,
            jwks_uri: metadata.jwks_uri,
            agent,
        })
    }

    /// Where to send the browser, and what to remember until it comes back.
    pub fn begin(&self) -> Result<(String, LoginState), OidcError> {
        let login = LoginState {
            state: random()?,
            nonce: random()?,
            verifier: random()?,
        };
        let challenge = URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            login.verifier.as_bytes(),
        ));
        let query = [
            ("response_type", "code"),
            ("client_id", self.config.client_id.as_str()),
            ("redirect_uri", self.config.redirect_uri.as_str()),
            ("scope", "openid email given_name usual_name"),
            ("state", login.state.as_str()),
            ("nonce", login.nonce.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
        let separator = if self.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok((
            format!("{}{separator}{query}", self.authorization_endpoint),
            login,
        ))
    }

    /// Exchanges the callback's code for an ID token and checks it.
    pub fn finish(&self, code: &str, login: &LoginState, now: u64) -> Result<Claims, OidcError> {
        let basic = STANDARD.encode(format!(
            "{}:{}",
            encode(&self.config.client_id),
            encode(&self.config.client_secret)
        ));
        let mut response = self
            .agent
            .post(&self.token_endpoint)
            .header("Authorization", &format!("Basic {basic}"))
            .send_form([
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", self.config.redirect_uri.as_str()),
                ("code_verifier", login.verifier.as_str()),
            ])
            .map_err(|e| OidcError::Token(e.to_string()))?;
        let status = response.status();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| OidcError::Token(e.to_string()))?;
        if !status.is_success() {
            return Err(OidcError::Token(format!("HTTP {status}: {body}")));
        }
        let value: Value =
            serde_json::from_str(&body).map_err(|e| OidcError::Token(e.to_string()))?;
        let id_token = value
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| OidcError::Token("no id_token in the answer".into()))?;
        let jwks = get_json(&self.agent, &self.jwks_uri).map_err(OidcError::Token)?;
        verify(id_token, &jwks, &self.config, &login.nonce, now)
    }
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn part(text: &str) -> Result<Vec<u8>, OidcError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| OidcError::InvalidToken(format!("base64: {e}")))
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

/// Checks a compact JWS ID token against the JWKS and the claims OpenID Connect Core §3.1.3.7
/// requires of it.
pub fn verify(
    token: &str,
    jwks: &Value,
    config: &OidcConfig,
    nonce: &str,
    now: u64,
) -> Result<Claims, OidcError> {
    let bad = |m: &str| OidcError::InvalidToken(m.to_owned());
    let mut pieces = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return Err(bad("not a compact JWS"));
    };
    let header: Value = serde_json::from_slice(&part(h)?).map_err(|_| bad("header is not JSON"))?;
    let alg = field(&header, "alg").unwrap_or_default();
    let kid = field(&header, "kid");
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("the JWKS has no keys"))?;
    let key = keys
        .iter()
        .find(|k| kid.is_none_or(|kid| field(k, "kid") == Some(kid)))
        .ok_or_else(|| bad("signed with a key the provider does not publish"))?;
    let message = format!("{h}.{p}");
    let signature = part(s)?;
    let verified = match (alg, field(key, "kty")) {
        ("RS256", Some("RSA")) => {
            let n = part(field(key, "n").unwrap_or_default())?;
            let e = part(field(key, "e").unwrap_or_default())?;
            signature::RsaPublicKeyComponents { n, e }
                .verify(
                    &signature::RSA_PKCS1_2048_8192_SHA256,
                    message.as_bytes(),
                    &signature,
                )
                .is_ok()
        }
        ("ES256", Some("EC")) if field(key, "crv") == Some("P-256") => {
            let mut point = vec![4u8];
            point.extend(part(field(key, "x").unwrap_or_default())?);
            point.extend(part(field(key, "y").unwrap_or_default())?);
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message.as_bytes(), &signature)
                .is_ok()
        }
        // `none`, HS256 (a secret shared with every client) and the rest are refused.
        (other, _) => return Err(bad(&format!("algorithm `{other}` is not accepted"))),
    };
    if !verified {
        return Err(bad("the signature does not verify"));
    }
    let claims: Value =
        serde_json::from_slice(&part(p)?).map_err(|_| bad("claims are not JSON"))?;
    if field(&claims, "iss").map(|i| i.trim_end_matches('/'))
        != Some(config.issuer.trim_end_matches('/'))
    {
        return Err(bad("issued by another provider"));
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(a)) => *a == config.client_id,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(&config.client_id)),
        _ => false,
    };
    if !audience_ok {
        return Err(bad("issued for another client"));
    }
    let expires = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
    // A minute of leeway for clocks that drift.
    if expires + 60 < now {
        return Err(bad("expired"));
    }
    if field(&claims, "nonce") != Some(nonce) {
        return Err(bad("the nonce is not this login's"));
    }
    let sub = field(&claims, "sub")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("no subject"))?;
    let name = match (field(&claims, "given_name"), field(&claims, "usual_name")) {
        (Some(g), Some(u)) => Some(format!("{g} {u}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => field(&claims, "name").map(str::to_owned),
    };
    // A boolean by the specification; some providers send the string "true".
    let email_verified = match claims.get("email_verified") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    };
    Ok(Claims {
        sub: sub.to_owned(),
        email: field(&claims, "email").map(str::to_owned),
        email_verified,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_state_survives_its_cookie_and_refuses_junk() {
        let s = LoginState {
            state: "a-b_c".into(),
            nonce: "n1".into(),
            verifier: "v2".into(),
        };
        assert_eq!(LoginState::from_cookie(&s.to_cookie()), Some(s));
        for junk in ["", "a.b", "a.b.c.d", "a.b.c;d", "a..c"] {
            assert_eq!(LoginState::from_cookie(junk), None, "{junk}");
        }
    }

    #[test]
    fn tokens_without_a_real_signature_are_refused() {
        let config = OidcConfig {
            issuer: "http://idp".into(),
            client_id: "nuage".into(),
            client_secret: "s".into(),
            redirect_uri: "http://x/connexion/retour".into(),
        };
        let jwks = serde_json::json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "k", "x": "AA", "y": "AA"}]});
        let claims = URL_SAFE_NO_PAD
            .encode(r#"{"iss":"http://idp","aud":"nuage","sub":"x","nonce":"n","exp":9999999999}"#);
        for header in [
            r#"{"alg":"none"}"#,
            r#"{"alg":"HS256","kid":"k"}"#,
            r#"{"alg":"ES256","kid":"k"}"#,
        ] {
            let token = format!("{}.{claims}.AAAA", URL_SAFE_NO_PAD.encode(header));
            assert!(verify(&token, &jwks, &config, "n", 0).is_err(), "{header}");
        }
        assert!(verify("a.b", &jwks, &config, "n", 0).is_err());
    }
}
