#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! OpenID Connect login against a local OpenID provider started here (crates/testoidc): the
//! whole flow over HTTP, with ES256 and RS256 tokens, and every way a token can be wrong.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use nuage_registry::{Actor, Role};
use nuage_server::oidc::{Oidc, OidcConfig};
use nuage_server::{AppState, app};
use nuage_testoidc::{Alg, Fault, Identity, Options};
use tower::ServiceExt;

const CALLBACK: &str = "http://nuage.test/connexion/retour";

fn provider(alg: Alg, fault: Fault, sub: &str) -> nuage_testoidc::Provider {
    provider_vouching(alg, fault, sub, Some(true))
}

/// A provider whose person has Alice's e-mail, `email_verified` as given.
fn provider_vouching(
    alg: Alg,
    fault: Fault,
    sub: &str,
    email_verified: Option<bool>,
) -> nuage_testoidc::Provider {
    nuage_testoidc::start(Options {
        client_id: "nuage".into(),
        client_secret: "s3cret".into(),
        identity: Identity {
            sub: sub.into(),
            email: "Alice.Martin@a.gouv.fr".into(),
            email_verified,
            given_name: "Alice".into(),
            usual_name: "Martin".into(),
        },
        alg,
        fault,
    })
}

fn configured(state: &AppState, issuer: &str, secret: &str) -> AppState {
    let oidc = Oidc::discover(OidcConfig {
        issuer: issuer.into(),
        client_id: "nuage".into(),
        client_secret: secret.into(),
        redirect_uri: CALLBACK.into(),
    })
    .unwrap();
    state.clone().with_oidc(oidc, false)
}

struct Answer {
    status: StatusCode,
    location: String,
    cookies: Vec<String>,
    body: String,
}

async fn get(state: &AppState, uri: &str, cookie: Option<&str>) -> Answer {
    let mut request = Request::get(uri).header(header::HOST, "nuage.test");
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes())
        .into_owned();
    Answer {
        status,
        location,
        cookies,
        body,
    }
}

/// What the browser does at the provider: follow the authorization URL, get sent back.
fn at_provider(authorize: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent.get(authorize).call().unwrap();
    assert_eq!(
        response.status(),
        303,
        "the provider consents and sends the browser back"
    );
    response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// Runs a login; returns the callback's answer.
async fn login(state: &AppState, tamper_state: bool) -> Answer {
    let start = get(state, "/connexion/proconnect", None).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let oidc_cookie = start
        .cookies
        .iter()
        .find(|c| c.starts_with("nuage_oidc="))
        .unwrap()
        .clone();
    let back = at_provider(&start.location);
    assert!(back.starts_with(CALLBACK), "{back}");
    let mut path = back.trim_start_matches("http://nuage.test").to_owned();
    if tamper_state {
        path = path.replace("state=", "state=x");
    }
    get(state, &path, Some(&oidc_cookie)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_local_openid_provider() {
    for registry in common::registries().await {
        let w = common::world(registry).await;
        // An account the ministry opened before the first login, by e-mail address.
        let ministry = nuage_registry::OrganisationId(w.ministry_a);
        w.state
            .registry
            .create_user(
                &Actor("setup".into()),
                "email:alice.martin@a.gouv.fr",
                "Alice Martin",
                Role::ProjectMember,
                Some(ministry),
            )
            .await
            .unwrap();

        for alg in [Alg::Es256, Alg::Rs256] {
            let idp = provider(alg, Fault::None, "proconnect-sub-1");
            let state = configured(&w.state, &idp.issuer, "s3cret");
            let page = get(&state, "/connexion", None).await;
            assert!(
                page.body.contains("id=\"proconnect\""),
                "the login page offers ProConnect"
            );

            let done = login(&state, false).await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{alg:?}: {}", done.body);
            let session = done
                .cookies
                .iter()
                .find(|c| c.starts_with("nuage_session=") && c.len() > 20)
                .unwrap()
                .clone();
            let home = get(&state, "/", Some(&session)).await;
            assert!(
                home.body.contains("Alice Martin"),
                "{alg:?}: logged in as the provisioned account"
            );

            // A callback whose state is not the browser's is refused.
            let forged = login(&state, true).await;
            assert_eq!(forged.status, StatusCode::BAD_REQUEST);
            assert!(
                forged
                    .cookies
                    .iter()
                    .all(|c| !c.starts_with("nuage_session="))
            );
        }

        // Every way the provider's token can be wrong: refused, nobody logged in.
        for fault in [
            Fault::WrongNonce,
            Fault::WrongAudience,
            Fault::WrongIssuer,
            Fault::Expired,
            Fault::ForeignKey,
        ] {
            let idp = provider(Alg::Es256, fault, "proconnect-sub-1");
            let state = configured(&w.state, &idp.issuer, "s3cret");
            let refused = login(&state, false).await;
            assert_eq!(
                refused.status,
                StatusCode::BAD_REQUEST,
                "{fault:?}: {}",
                refused.body
            );
            assert!(
                refused
                    .cookies
                    .iter()
                    .all(|c| !c.starts_with("nuage_session=")),
                "{fault:?}"
            );
        }

        // A wrong client secret: the provider refuses the code exchange.
        let idp = provider(Alg::Es256, Fault::None, "proconnect-sub-1");
        let state = configured(&w.state, &idp.issuer, "not-the-secret");
        assert_eq!(login(&state, false).await.status, StatusCode::BAD_REQUEST);

        // Someone the registry does not know: a clear refusal, no account made up.
        let idp = nuage_testoidc::start(Options {
            client_id: "nuage".into(),
            client_secret: "s3cret".into(),
            identity: Identity {
                sub: "stranger".into(),
                email: "eve@ailleurs.fr".into(),
                email_verified: Some(true),
                given_name: "Eve".into(),
                usual_name: "X".into(),
            },
            alg: Alg::Es256,
            fault: Fault::None,
        });
        let state = configured(&w.state, &idp.issuer, "s3cret");
        let unknown = login(&state, false).await;
        assert_eq!(unknown.status, StatusCode::FORBIDDEN);
        assert!(unknown.body.contains("stranger"));
    }
}

fn session_of(answer: &Answer) -> Option<String> {
    answer
        .cookies
        .iter()
        .find(|c| c.starts_with("nuage_session=") && c.len() > 20)
        .cloned()
}

/// The security review's account takeover: an account opened by e-mail went to whoever logged
/// in with that e-mail, verified or not, and to every subject that did. Now an unverified
/// e-mail opens nothing, and the first verified subject keeps the account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_opened_by_email_goes_to_the_first_verified_subject_only() {
    for registry in common::registries().await {
        let w = common::world(registry).await;
        let ministry = nuage_registry::OrganisationId(w.ministry_a);
        w.state
            .registry
            .create_user(
                &Actor("setup".into()),
                "email:alice.martin@a.gouv.fr",
                "Alice Martin",
                Role::MinistryController,
                Some(ministry),
            )
            .await
            .unwrap();
        // Someone at a provider that does not vouch for the address (absent, or false).
        for verified in [None, Some(false)] {
            let idp = provider_vouching(Alg::Es256, Fault::None, "attacker", verified);
            let state = configured(&w.state, &idp.issuer, "s3cret");
            let refused = login(&state, false).await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "{verified:?}: {}",
                refused.body
            );
            assert_eq!(session_of(&refused), None, "{verified:?}");
            assert!(refused.body.contains("ne certifie pas"), "{}", refused.body);
        }
        // The person herself, verified: her account, bound to her subject.
        let idp = provider(Alg::Es256, Fault::None, "alice-sub");
        let state = configured(&w.state, &idp.issuer, "s3cret");
        let done = login(&state, false).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert!(session_of(&done).is_some());
        let bound = w
            .state
            .registry
            .user_by_subject("alice-sub")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bound.display_name, "Alice Martin");
        // A second subject with the same verified e-mail does not share the account.
        let idp = provider(Alg::Es256, Fault::None, "other-sub");
        let state = configured(&w.state, &idp.issuer, "s3cret");
        let second = login(&state, false).await;
        assert_eq!(second.status, StatusCode::FORBIDDEN, "{}", second.body);
        assert_eq!(session_of(&second), None);
        // A disabled account does not log in, even with its own subject.
        w.state
            .registry
            .set_disabled(&Actor("setup".into()), bound.id, true)
            .await
            .unwrap();
        let idp = provider(Alg::Es256, Fault::None, "alice-sub");
        let state = configured(&w.state, &idp.issuer, "s3cret");
        let off = login(&state, false).await;
        assert_eq!(off.status, StatusCode::FORBIDDEN, "{}", off.body);
        assert_eq!(session_of(&off), None);
    }
}

#[test]
fn discovery_refuses_an_issuer_that_is_not_the_configured_one() {
    let idp = provider(Alg::Es256, Fault::None, "x");
    let elsewhere = format!("{}/", idp.issuer.replace("127.0.0.1", "localhost"));
    let error = Oidc::discover(OidcConfig {
        issuer: elsewhere,
        client_id: "nuage".into(),
        client_secret: "s".into(),
        redirect_uri: CALLBACK.into(),
    })
    .unwrap_err();
    assert!(error.to_string().contains("calls itself"), "{error}");
}
