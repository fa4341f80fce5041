//! `nuage keys` and `nuage verify`: the keys that seal assessments, and the check of a sealed
//! bundle (the logic is `nuage-evidence`'s).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use nuage_evidence::{Bundle, PublicKey, SigningKey};

use crate::{Common, fail, print};

/// Exit status of `nuage verify` when a bundle is refused (tampered, wrong key, different
/// re-assessment); 2 stays for bad input (no such directory, not a bundle, unreadable key).
pub(crate) const VERIFY_FAILED: u8 = 3;

#[derive(Subcommand, Debug)]
pub(crate) enum KeysCommand {
    /// Generate an Ed25519 key pair: FILE (private, PKCS#8 PEM, mode 0600) and FILE.pub
    /// (public, PEM) for `nuage assess --seal`.
    Generate(GenerateArgs),
}

#[derive(Args, Debug)]
pub(crate) struct GenerateArgs {
    /// The private key's file; the public key goes to FILE.pub. Existing files are kept.
    #[arg(long, short, value_name = "FILE", default_value = "nuage-signing.key")]
    out: PathBuf,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
pub(crate) struct VerifyArgs {
    /// A bundle written by `nuage assess --seal DIR`, or the `.tar` archive of one the registry
    /// gives (`GET /api/v1/assessments/{id}/evidence`).
    #[arg(value_name = "DIR|FILE.tar")]
    dir: PathBuf,
    /// The public key (PEM) that must have signed; without it the bundle's own key is used,
    /// which proves integrity but not who signed.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

fn read_text(path: &Path) -> Result<String, String> {
    nuage_limits::file::read_regular_text(path, 1024 * 1024)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The private key in `path`, for `--seal`.
pub(crate) fn signing_key(path: &Path) -> Result<SigningKey, String> {
    SigningKey::from_pem(&read_text(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

fn public_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

pub(crate) fn create_new(path: &Path, text: &str, private: bool) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    options
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn run_keys(command: &KeysCommand) -> ExitCode {
    match command {
        KeysCommand::Generate(args) => {
            let public = public_path(&args.out);
            for path in [&args.out, &public] {
                if path.exists() {
                    return fail(
                        &args.common,
                        &format!(
                            "{}: already exists; a key is never overwritten",
                            path.display()
                        ),
                    );
                }
            }
            let key = match SigningKey::generate() {
                Ok(k) => k,
                Err(e) => return fail(&args.common, &e.to_string()),
            };
            if let Err(e) = create_new(&args.out, &key.to_pem(), true)
                .and_then(|()| create_new(&public, &key.public_key().to_pem(), false))
            {
                return fail(&args.common, &e);
            }
            print(&format!(
                "private key: {}\npublic key:  {}\nfingerprint: {}\n",
                args.out.display(),
                public.display(),
                key.public_key().fingerprint()
            ));
            ExitCode::SUCCESS
        }
    }
}

pub(crate) fn run_verify(args: &VerifyArgs) -> ExitCode {
    let common = &args.common;
    let trusted = match &args.key {
        Some(path) => match read_text(path)
            .and_then(|t| PublicKey::from_pem(&t).map_err(|e| format!("{}: {e}", path.display())))
        {
            Ok(k) => Some(k),
            Err(e) => return fail(common, &e),
        },
        None => None,
    };
    let catalog = match common.load_catalog() {
        Ok(c) => c,
        Err(e) => return fail(common, &e),
    };
    let read = if args.dir.is_file() {
        nuage_limits::read_regular_file(&args.dir, 2 * nuage_evidence::MAX_FILE_BYTES)
            .map_err(|e| format!("{}: {e}", args.dir.display()))
            .and_then(|bytes| {
                Bundle::from_tar(&bytes, &args.dir.display().to_string()).map_err(|e| e.to_string())
            })
    } else {
        Bundle::read(&args.dir).map_err(|e| e.to_string())
    };
    let bundle = match read {
        Ok(b) => b,
        Err(e) => return fail(common, &e),
    };
    let dir = args.dir.display();
    match nuage_evidence::verify(&bundle, trusted.as_ref(), &catalog) {
        Ok(v) => {
            let who = if v.trusted {
                "the key given"
            } else {
                "the bundle's own key (pass --key to check who signed)"
            };
            print(&format!(
                "{dir}: verified\n  digests    {} files match MANIFEST\n  signature  {} — {who}\n  re-assessed {} on {} (edition {}, catalog {}, sealed by {}): {} bytes, identical\n",
                v.files.len(),
                v.signer,
                v.meta.dossier,
                v.meta.assessed_on,
                v.meta.edition,
                v.meta.catalog_version,
                v.meta.engine,
                v.assessment_bytes,
            ));
            ExitCode::SUCCESS
        }
        Err(refusals) => {
            for r in &refusals {
                crate::diagnostic::print_error(common.color_stderr(), &format!("{dir}/{r}"));
            }
            eprintln!("{dir}: refused ({} problem(s))", refusals.len());
            ExitCode::from(VERIFY_FAILED)
        }
    }
}
