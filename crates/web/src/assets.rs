//! Static files: the DSFR (fetched and checked by `build.rs`) and Nuage's own.

include!(concat!(env!("OUT_DIR"), "/dsfr.rs"));

/// The DSFR version the pages are built for.
pub const DSFR_VERSION: &str = "1.15.3";

/// Whether the build embedded the DSFR (it falls back to `nuage.css` alone when it could not).
pub fn dsfr_available() -> bool {
    !DSFR.is_empty()
}

/// Nuage's own stylesheet and script, served under `/static/`.
pub const OWN: &[(&str, &[u8])] = &[
    ("nuage.css", include_bytes!("../static/nuage.css")),
    ("nuage.js", include_bytes!("../static/nuage.js")),
];

/// The bytes and media type of `/static/{path}`, if it is one of ours.
pub fn get(path: &str) -> Option<(&'static [u8], &'static str)> {
    let bytes = match path.strip_prefix("dsfr/") {
        Some(rest) => DSFR.iter().find(|(name, _)| *name == rest)?.1,
        None => OWN.iter().find(|(name, _)| *name == path)?.1,
    };
    Some((bytes, media_type(path)))
}

fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "woff2" => "font/woff2",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "png" => "image/png",
        "md" => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_files_are_found_with_their_type() {
        assert_eq!(
            get("nuage.css").map(|(_, t)| t),
            Some("text/css; charset=utf-8")
        );
        assert!(get("../Cargo.toml").is_none());
        assert!(get("dsfr/../../secret").is_none());
    }

    #[test]
    fn dsfr_files_are_embedded_when_the_build_fetched_them() {
        if dsfr_available() {
            let (css, kind) = get("dsfr/dsfr.min.css").unwrap();
            assert!(css.len() > 100_000, "dsfr.min.css is {} bytes", css.len());
            assert_eq!(kind, "text/css; charset=utf-8");
            assert!(get("dsfr/fonts/Marianne-Regular.woff2").is_some());
        } else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI builds must embed the DSFR"
            );
        }
    }
}
