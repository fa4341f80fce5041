//! Opposable evidence: a sealed bundle of one assessment, and its verification.
//!
//! A bundle is a directory of plain files that anyone can check without Nuage:
//!
//! | file | what |
//! | --- | --- |
//! | `dossier.toml` (`.json`, `.yaml`) | the dossier's bytes, as read |
//! | `assessment.json` | the assessment, as `nuage assess --format json` prints it |
//! | `meta.json` | format, edition, assessment day, catalog and engine versions, language, signer |
//! | `signer.pub` | the signer's Ed25519 public key (PEM, SubjectPublicKeyInfo) |
//! | `MANIFEST` | the SHA-256 of each file above, sorted, in `sha256sum` format |
//! | `MANIFEST.sig` | the Ed25519 signature of `MANIFEST` (64 raw bytes) |
//!
//! `sha256sum -c MANIFEST` checks the digests and `openssl pkeyutl -verify -pubin -inkey
//! signer.pub -rawin -in MANIFEST -sigfile MANIFEST.sig` the signature. [`verify`] does both
//! and re-assesses the dossier to show that the assessment is the engine's, byte for byte.
//! Everything is deterministic: the same dossier, edition, catalog and key give the same bundle,
//! signature included (Ed25519 signatures are deterministic).

mod archive;
mod keys;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use nuage_catalog::{Catalog, Date};
use nuage_doctrine::{Assessment, Format, Lang, assess, read_dossier};
use serde::{Deserialize, Serialize};

pub use archive::MAX_ENTRIES;
pub use keys::{KeyError, PublicKey, SigningKey};

/// The bundle format's name and version, in `meta.json`.
pub const FORMAT: &str = "nuage-evidence/1";
pub const MANIFEST: &str = "MANIFEST";
pub const SIGNATURE: &str = "MANIFEST.sig";
pub const SIGNER: &str = "signer.pub";
pub const META: &str = "meta.json";
pub const ASSESSMENT: &str = "assessment.json";
/// The largest file a bundle may hold.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// What `meta.json` says: enough to re-assess the dossier as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub format: String,
    /// The dossier's file in the bundle.
    pub dossier: String,
    /// Where the dossier came from (the path given to `nuage assess`, or a registry address).
    pub source: String,
    pub project: String,
    pub edition: String,
    pub assessed_on: String,
    pub catalog_version: String,
    /// The program that assessed, with its version (`nuage 0.1.0`).
    pub engine: String,
    pub lang: Lang,
    /// The fingerprint of the key that signed.
    pub signer: String,
}

/// Errors of reading, writing or sealing a bundle: bad input, not a failed verification.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("{path}: the directory is not empty; a bundle is written into a new or empty one")]
    NotEmpty { path: String },
    #[error("{path}: no {MANIFEST}; not an evidence bundle")]
    NotABundle { path: String },
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The assessment as `nuage assess --format json` prints it: the bytes a bundle seals.
pub fn assessment_json(assessment: &Assessment) -> Result<Vec<u8>, EvidenceError> {
    let mut bytes = serde_json::to_vec_pretty(assessment)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The files of a bundle, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bundle {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Entries of the directory that are not regular files (they are never sealed).
    pub others: Vec<String>,
}

/// What to seal.
#[derive(Debug, Clone, Copy)]
pub struct SealInput<'a> {
    /// Where the dossier came from, for people.
    pub source: &'a str,
    pub format: Format,
    pub dossier: &'a [u8],
    pub assessment: &'a Assessment,
    /// The program and its version (`nuage 0.1.0`).
    pub engine: &'a str,
}

/// Seals one assessment: the bundle's files, manifest and signature.
pub fn seal(input: &SealInput<'_>, key: &SigningKey) -> Result<Bundle, EvidenceError> {
    let a = input.assessment;
    let dossier_name = format!("dossier.{}", input.format.name());
    let meta = Meta {
        format: FORMAT.to_owned(),
        dossier: dossier_name.clone(),
        source: input.source.to_owned(),
        project: a.project.clone(),
        edition: a.edition.clone(),
        assessed_on: a.assessed_on.to_string(),
        catalog_version: a.catalog_version.clone(),
        engine: input.engine.to_owned(),
        lang: a.lang,
        signer: key.public_key().fingerprint(),
    };
    let mut meta_bytes = serde_json::to_vec_pretty(&meta)?;
    meta_bytes.push(b'\n');
    let mut files = BTreeMap::new();
    files.insert(dossier_name, input.dossier.to_vec());
    files.insert(ASSESSMENT.to_owned(), assessment_json(a)?);
    files.insert(META.to_owned(), meta_bytes);
    files.insert(SIGNER.to_owned(), key.public_key().to_pem().into_bytes());
    let manifest = manifest(&files);
    files.insert(SIGNATURE.to_owned(), key.sign(manifest.as_bytes()));
    files.insert(MANIFEST.to_owned(), manifest.into_bytes());
    Ok(Bundle {
        files,
        others: Vec::new(),
    })
}

/// `sha256sum` lines for `files`, sorted by name.
fn manifest(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (name, bytes) in files {
        out.push_str(&sha256_hex(bytes));
        out.push_str("  ");
        out.push_str(name);
        out.push('\n');
    }
    out
}

impl Bundle {
    /// Writes the bundle into `dir`, created if needed; an existing directory must be empty.
    pub fn write(&self, dir: &Path) -> Result<(), EvidenceError> {
        let path = dir.display().to_string();
        let io = |source| EvidenceError::Io {
            path: path.clone(),
            source,
        };
        if dir.exists() {
            if std::fs::read_dir(dir).map_err(io)?.next().is_some() {
                return Err(EvidenceError::NotEmpty { path: path.clone() });
            }
        } else {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        for (name, bytes) in &self.files {
            let file = dir.join(name);
            std::fs::write(&file, bytes).map_err(|source| EvidenceError::Io {
                path: file.display().to_string(),
                source,
            })?;
        }
        Ok(())
    }

    /// Reads every entry of `dir`; the directory must hold a `MANIFEST`.
    pub fn read(dir: &Path) -> Result<Bundle, EvidenceError> {
        let path = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|source| EvidenceError::Io {
            path: path.clone(),
            source,
        })?;
        let mut bundle = Bundle::default();
        for entry in entries {
            let entry = entry.map_err(|source| EvidenceError::Io {
                path: path.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let file = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_file() => {
                    let bytes =
                        nuage_limits::read_regular_file(&file, MAX_FILE_BYTES).map_err(|e| {
                            EvidenceError::File {
                                path: file.display().to_string(),
                                reason: e.to_string(),
                            }
                        })?;
                    bundle.files.insert(name, bytes);
                }
                _ => bundle.others.push(name),
            }
        }
        bundle.others.sort();
        if !bundle.files.contains_key(MANIFEST) {
            return Err(EvidenceError::NotABundle { path });
        }
        Ok(bundle)
    }
}

/// Why a bundle is refused, naming what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    ManifestLine {
        line: usize,
        text: String,
    },
    Missing {
        file: String,
    },
    Unsealed {
        file: String,
    },
    Digest {
        file: String,
        sealed: String,
        actual: String,
    },
    NoSignature,
    BadSigner {
        reason: String,
    },
    WrongKey {
        signer: String,
        trusted: String,
    },
    Signature {
        key: String,
    },
    Meta {
        reason: String,
    },
    Catalog {
        sealed: String,
        current: String,
    },
    Dossier {
        reason: String,
    },
    Differs {
        line: usize,
        sealed: String,
        now: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::ManifestLine { line, text } => write!(
                f,
                "{MANIFEST}:{line}: `{text}` is not a line `SHA256  FILE`"
            ),
            Refusal::Missing { file } => write!(f, "{file}: listed in {MANIFEST} but absent"),
            Refusal::Unsealed { file } => {
                write!(f, "{file}: in the bundle but not sealed in {MANIFEST}")
            }
            Refusal::Digest {
                file,
                sealed,
                actual,
            } => write!(
                f,
                "{file}: modified since sealed (SHA-256 {actual}, {MANIFEST} says {sealed})"
            ),
            Refusal::NoSignature => write!(f, "{SIGNATURE}: absent; the bundle is not signed"),
            Refusal::BadSigner { reason } => write!(f, "{SIGNER}: {reason}"),
            Refusal::WrongKey { signer, trusted } => write!(
                f,
                "{SIGNER}: the bundle was signed by the key {signer}, not by the key given ({trusted})"
            ),
            Refusal::Signature { key } => write!(
                f,
                "{SIGNATURE}: not a signature of {MANIFEST} by the key {key}"
            ),
            Refusal::Meta { reason } => write!(f, "{META}: {reason}"),
            Refusal::Catalog { sealed, current } => write!(
                f,
                "{META}: sealed with the catalog {sealed}, the catalog here is {current}; re-assess with the catalog of that version (--catalog DIR)"
            ),
            Refusal::Dossier { reason } => {
                write!(f, "the sealed dossier cannot be re-assessed: {reason}")
            }
            Refusal::Differs { line, sealed, now } => write!(
                f,
                "{ASSESSMENT}:{line}: re-assessing the dossier gives `{now}` where the bundle has `{sealed}`"
            ),
        }
    }
}

/// What a verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub meta: Meta,
    /// The signer's fingerprint.
    pub signer: String,
    /// Whether the signer is the key the caller trusts (else only the bundle's own key).
    pub trusted: bool,
    /// The files whose digests matched.
    pub files: Vec<String>,
    /// The size of the assessment that re-assessing reproduced.
    pub assessment_bytes: usize,
}

/// Checks the digests, the signature (against `trusted` when given) and re-assesses the dossier
/// with `catalog`, which must be the version sealed. Every digest that differs is listed; later
/// checks run only when the earlier ones pass.
pub fn verify(
    bundle: &Bundle,
    trusted: Option<&PublicKey>,
    catalog: &Catalog,
) -> Result<Verified, Vec<Refusal>> {
    let manifest_bytes = bundle
        .files
        .get(MANIFEST)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let manifest_text = String::from_utf8_lossy(manifest_bytes);
    let mut refusals = Vec::new();
    let mut listed = BTreeMap::new();
    for (i, line) in manifest_text.lines().enumerate() {
        match line.split_once("  ") {
            Some((digest, name))
                if digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                listed.insert(name.to_owned(), digest.to_ascii_lowercase());
            }
            _ => refusals.push(Refusal::ManifestLine {
                line: i + 1,
                text: line.to_owned(),
            }),
        }
    }
    for (name, sealed) in &listed {
        match bundle.files.get(name) {
            None => refusals.push(Refusal::Missing { file: name.clone() }),
            Some(bytes) => {
                let actual = sha256_hex(bytes);
                if &actual != sealed {
                    refusals.push(Refusal::Digest {
                        file: name.clone(),
                        sealed: sealed.clone(),
                        actual,
                    });
                }
            }
        }
    }
    for name in bundle.files.keys().chain(bundle.others.iter()) {
        if name != MANIFEST && name != SIGNATURE && !listed.contains_key(name) {
            refusals.push(Refusal::Unsealed { file: name.clone() });
        }
    }
    for required in [ASSESSMENT, META, SIGNER] {
        if !listed.contains_key(required) && !bundle.files.contains_key(required) {
            refusals.push(Refusal::Missing {
                file: required.to_owned(),
            });
        }
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }

    // The signature, by the key the caller trusts or else by the bundle's own.
    let file = |name: &str| {
        bundle
            .files
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let signer = PublicKey::from_pem(&String::from_utf8_lossy(file(SIGNER))).map_err(|e| {
        vec![Refusal::BadSigner {
            reason: e.to_string(),
        }]
    })?;
    if let Some(trusted) = trusted
        && *trusted != signer
    {
        return Err(vec![Refusal::WrongKey {
            signer: signer.fingerprint(),
            trusted: trusted.fingerprint(),
        }]);
    }
    let Some(signature) = bundle.files.get(SIGNATURE) else {
        return Err(vec![Refusal::NoSignature]);
    };
    if !signer.verify(manifest_bytes, signature) {
        return Err(vec![Refusal::Signature {
            key: signer.fingerprint(),
        }]);
    }

    // The metadata, then the assessment again.
    let meta: Meta = serde_json::from_slice(file(META)).map_err(|e| {
        vec![Refusal::Meta {
            reason: e.to_string(),
        }]
    })?;
    let meta_refusal = |reason: String| vec![Refusal::Meta { reason }];
    if meta.format != FORMAT {
        return Err(meta_refusal(format!(
            "format `{}`, this program reads `{FORMAT}`",
            meta.format
        )));
    }
    if meta.signer != signer.fingerprint() {
        return Err(meta_refusal(format!(
            "names the signer {}, {SIGNER} is {}",
            meta.signer,
            signer.fingerprint()
        )));
    }
    if meta.catalog_version != catalog.version() {
        return Err(vec![Refusal::Catalog {
            sealed: meta.catalog_version.clone(),
            current: catalog.version().to_owned(),
        }]);
    }
    let format = Path::new(&meta.dossier)
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .filter(|_| listed.contains_key(&meta.dossier))
        .ok_or_else(|| {
            meta_refusal(format!(
                "the dossier `{}` is not a sealed .toml, .json or .yaml file",
                meta.dossier
            ))
        })?;
    let on: Date = meta
        .assessed_on
        .parse()
        .map_err(|_| meta_refusal(format!("assessed_on `{}` is not a date", meta.assessed_on)))?;
    let dossier_refusal = |reason: String| vec![Refusal::Dossier { reason }];
    let text = std::str::from_utf8(file(&meta.dossier))
        .map_err(|_| dossier_refusal(format!("{}: not UTF-8 text", meta.dossier)))?;
    let dossier = read_dossier(text, format, catalog)
        .map_err(|e| dossier_refusal(format!("{}: {e}", meta.dossier)))?;
    let again = assess(&dossier, catalog, on, meta.lang)
        .map_err(|e| dossier_refusal(format!("{}: {e}", meta.dossier)))?;
    let now = assessment_json(&again).map_err(|e| dossier_refusal(e.to_string()))?;
    let sealed = file(ASSESSMENT);
    if now != sealed {
        let sealed_text = String::from_utf8_lossy(sealed);
        let now_text = String::from_utf8_lossy(&now);
        let mut a = sealed_text.lines();
        let mut b = now_text.lines();
        let mut line = 1;
        loop {
            match (a.next(), b.next()) {
                (Some(x), Some(y)) if x == y => line += 1,
                (x, y) => {
                    return Err(vec![Refusal::Differs {
                        line,
                        sealed: x.unwrap_or("(end of file)").trim().to_owned(),
                        now: y.unwrap_or("(end of file)").trim().to_owned(),
                    }]);
                }
            }
        }
    }
    if again.edition != meta.edition {
        return Err(meta_refusal(format!(
            "names the edition {}, the assessment's is {}",
            meta.edition, again.edition
        )));
    }
    Ok(Verified {
        meta,
        signer: signer.fingerprint(),
        trusted: trusted.is_some(),
        files: listed.into_keys().collect(),
        assessment_bytes: now.len(),
    })
}
