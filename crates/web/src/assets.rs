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

/// A version string for the static files' URLs (`?v=…`): they change with Nuage's version and
/// the DSFR's, so they can be cached for a year.
pub const ASSET_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "-dsfr-1.15.3");

/// The gzip form of `/static/{path}` when compressing it is worth it (text formats), computed
/// once for every such file on first use.
pub fn get_gzip(path: &str) -> Option<&'static [u8]> {
    static GZIPPED: std::sync::LazyLock<Vec<(String, Vec<u8>)>> = std::sync::LazyLock::new(|| {
        DSFR.iter()
            .map(|(name, bytes)| (format!("dsfr/{name}"), *bytes))
            .chain(OWN.iter().map(|(name, bytes)| ((*name).to_owned(), *bytes)))
            .filter(|(name, _)| compressible(name))
            .filter_map(|(name, bytes)| gzip(bytes).map(|gz| (name, gz)))
            .collect()
    });
    GZIPPED
        .iter()
        .find(|(name, _)| name == path)
        .map(|(_, gz)| gz.as_slice())
}

fn compressible(path: &str) -> bool {
    matches!(
        path.rsplit('.').next().unwrap_or_default(),
        "css" | "js" | "svg" | "md" | "ico"
    )
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).ok()?;
    let gz = encoder.finish().ok()?;
    (gz.len() < bytes.len()).then_some(gz)
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
    fn text_files_are_served_compressed_too() {
        let (css, _) = get("nuage.css").unwrap();
        let gz = get_gzip("nuage.css").unwrap();
        assert!(gz.len() < css.len());
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz), &mut back).unwrap();
        assert_eq!(back, css);
        if dsfr_available() {
            let (css, _) = get("dsfr/dsfr.min.css").unwrap();
            let gz = get_gzip("dsfr/dsfr.min.css").unwrap();
            assert!(gz.len() * 4 < css.len(), "{} → {}", css.len(), gz.len());
            // Every icon the stylesheet points at is embedded.
            let text = std::str::from_utf8(css).unwrap();
            for icon in text.split("url(icons/").skip(1) {
                let name = icon.split(')').next().unwrap();
                assert!(
                    get(&format!("dsfr/icons/{name}")).is_some(),
                    "icons/{name} missing"
                );
            }
        }
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
