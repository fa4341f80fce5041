#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]
//! Every static file a page names answers 200 (the stylesheet's own icons included), gzipped
//! when the browser accepts it, cacheable for a year under its versioned URL.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{registries, world};
use http_body_util::BodyExt;
use nuage_server::app;
use tower::ServiceExt;

async fn get(
    state: &nuage_server::AppState,
    uri: &str,
    gzip: bool,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::builder()
        .uri(uri)
        .header(header::HOST, "nuage.test");
    if gzip {
        request = request.header(header::ACCEPT_ENCODING, "br, gzip;q=0.8");
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

fn static_urls(html: &str) -> Vec<String> {
    html.split(['"', '\''])
        .filter(|s| s.starts_with("/static/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_static_url_a_page_names_answers() {
    let registry = registries().await.into_iter().next().unwrap();
    let w = world(registry).await;
    let (status, _, home) = get(&w.state, "/", false).await;
    assert_eq!(status, StatusCode::OK);
    let home = String::from_utf8(home).unwrap();
    let urls = static_urls(&home);
    assert!(urls.iter().any(|u| u.contains("nuage.css")), "{urls:?}");
    for url in &urls {
        assert!(url.contains("?v="), "{url} is not versioned");
        let (status, headers, body) = get(&w.state, url, true).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(!body.is_empty(), "{url}");
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{url}"
        );
    }
    if nuage_web::assets::dsfr_available() {
        let (_, headers, gz) = get(&w.state, "/static/dsfr/dsfr.min.css?v=x", true).await;
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
        let (_, headers, plain) = get(&w.state, "/static/dsfr/dsfr.min.css?v=x", false).await;
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert!(gz.len() * 4 < plain.len(), "{} → {}", plain.len(), gz.len());
        // The stylesheet's own icons (menus, accordions) are served, not 404.
        let css = String::from_utf8(plain).unwrap();
        let icons: Vec<&str> = css
            .split("url(icons/")
            .skip(1)
            .filter_map(|r| r.split(')').next())
            .collect();
        assert!(icons.len() > 20, "{} icons", icons.len());
        for icon in icons {
            let (status, headers, _) =
                get(&w.state, &format!("/static/dsfr/icons/{icon}"), false).await;
            assert_eq!(status, StatusCode::OK, "icons/{icon}");
            assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
        }
    }
}
