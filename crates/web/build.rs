//! Fetches the State design system (DSFR) from the npm registry at a pinned version, checks
//! the tarball against its published integrity, and embeds the few files the pages use.
//!
//! Why at build time and not committed: the DSFR is not ours to commit (its terms of use and the
//! Marianne fonts' terms travel with it), the package weighs 23 MB, and a pinned version with
//! its sha512 gives the same bytes on every machine. `NUAGE_DSFR_TGZ=path/to/gouvfr-dsfr-1.15.3.tgz`
//! builds offline from a tarball fetched elsewhere. Without npm and without that variable, the
//! build still succeeds and the pages fall back to a plain stylesheet, saying so.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha512};

const PACKAGE: &str = "@gouvfr/dsfr";
const VERSION: &str = "1.15.3";
/// `npm view @gouvfr/dsfr@1.15.3 dist.integrity`, in hex.
const SHA512: &str = "47d0002d97352df663b72b5664c39a50838759392594167fb1996c2fc4e9299560177a94297b7fb8d621f8bd43d45878a7dd99a96c5bb4d71e6ec8a00597b9a5";

/// The files served, relative to the package's `dist/`, plus its licence.
const FILES: &[&str] = &[
    "dsfr.min.css",
    "dsfr.module.min.js",
    "dsfr.nomodule.min.js",
    "favicon/favicon.svg",
    "favicon/favicon.ico",
    "favicon/apple-touch-icon.png",
    "fonts/Marianne-Regular.woff2",
    "fonts/Marianne-Regular_Italic.woff2",
    "fonts/Marianne-Medium.woff2",
    "fonts/Marianne-Bold.woff2",
    "fonts/Marianne-Light.woff2",
    "fonts/Spectral-Regular.woff2",
    "fonts/Spectral-ExtraBold.woff2",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=NUAGE_DSFR_TGZ");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let table = match fetch(&out) {
        Ok(dir) => table(&dir),
        Err(reason) => {
            println!(
                "cargo:warning=DSFR {VERSION} not embedded ({reason}); the pages use a plain stylesheet"
            );
            if std::env::var_os("CI").is_some() {
                eprintln!("DSFR {VERSION} is required under CI: {reason}");
                std::process::exit(1);
            }
            "pub static DSFR: &[(&str, &[u8])] = &[];\n".to_owned()
        }
    };
    if let Err(e) = std::fs::write(out.join("dsfr.rs"), table) {
        eprintln!("cannot write dsfr.rs: {e}");
        std::process::exit(1);
    }
}

/// Gets the tarball (given, or `npm pack`), checks it and extracts the files; returns `dist/`.
fn fetch(out: &Path) -> Result<PathBuf, String> {
    let tarball = match std::env::var_os("NUAGE_DSFR_TGZ") {
        Some(path) => PathBuf::from(path),
        None => {
            let target = out.join(format!("gouvfr-dsfr-{VERSION}.tgz"));
            if !target.exists() {
                let status = Command::new("npm")
                    .args([
                        "pack",
                        &format!("{PACKAGE}@{VERSION}"),
                        "--silent",
                        "--pack-destination",
                    ])
                    .arg(out)
                    .stdout(std::process::Stdio::null())
                    .status()
                    .map_err(|e| format!("cannot run npm: {e}"))?;
                if !status.success() {
                    return Err(format!("npm pack {PACKAGE}@{VERSION} failed ({status})"));
                }
            }
            target
        }
    };
    let bytes = std::fs::read(&tarball).map_err(|e| format!("{}: {e}", tarball.display()))?;
    let digest = Sha512::digest(&bytes);
    let hex = digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    if hex != SHA512 {
        return Err(format!(
            "{} does not match the pinned sha512 of {PACKAGE}@{VERSION}",
            tarball.display()
        ));
    }
    let dir = out.join("dsfr");
    let mut tar = Command::new("tar");
    tar.arg("xzf").arg(&tarball).arg("-C").arg(out);
    tar.arg("package/LICENSE.md");
    for file in FILES {
        tar.arg(format!("package/dist/{file}"));
    }
    let status = tar.status().map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("tar failed on {} ({status})", tarball.display()));
    }
    // The icons the stylesheet itself points at (menus, accordions, links, …): extracted too,
    // so that no `url(icons/…)` of the stylesheet answers 404.
    let icons = referenced_icons(&out.join("package/dist/dsfr.min.css"))?;
    if !icons.is_empty() {
        let mut tar = Command::new("tar");
        tar.arg("xzf").arg(&tarball).arg("-C").arg(out);
        for icon in &icons {
            tar.arg(format!("package/dist/{icon}"));
        }
        let status = tar.status().map_err(|e| format!("cannot run tar: {e}"))?;
        if !status.success() {
            return Err(format!(
                "tar failed on the icons of {} ({status})",
                tarball.display()
            ));
        }
    }
    std::fs::write(out.join("package/icons.txt"), icons.join("\n")).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(out.join("package"), &dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// The `icons/…` files `url(…)` references in a stylesheet, sorted, once each.
fn referenced_icons(css: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(css).map_err(|e| format!("{}: {e}", css.display()))?;
    let mut icons: Vec<String> = text
        .split("url(")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|u| u.trim_matches(|c| c == '"' || c == '\''))
        .filter(|u| u.starts_with("icons/") && u.ends_with(".svg") && !u.contains(".."))
        .map(str::to_owned)
        .collect();
    icons.sort();
    icons.dedup();
    Ok(icons)
}

/// The Rust table of embedded files: path under `/static/dsfr/` → bytes.
fn table(dir: &Path) -> String {
    let mut rs = String::from("pub static DSFR: &[(&str, &[u8])] = &[\n");
    let mut entries: Vec<(String, PathBuf)> = FILES
        .iter()
        .map(|f| ((*f).to_owned(), dir.join("dist").join(f)))
        .collect();
    entries.push(("LICENSE.md".to_owned(), dir.join("LICENSE.md")));
    let icons = std::fs::read_to_string(dir.join("icons.txt")).unwrap_or_default();
    entries.extend(
        icons
            .lines()
            .filter(|l| !l.is_empty())
            .map(|icon| (icon.to_owned(), dir.join("dist").join(icon))),
    );
    for (name, path) in entries {
        let _ = writeln!(
            rs,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    rs.push_str("];\n");
    rs
}
