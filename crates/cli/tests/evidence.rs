//! `nuage keys generate`, `nuage assess --seal`, `nuage verify` as a user runs them: a bundle
//! verifies, a tampered file or another key is refused with status 3 naming what differs, bad
//! input is status 2. Also `nuage man` and `nuage completions`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn nuage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nuage"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nuage-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn seal_then_verify_then_refuse() {
    let dir = scratch("seal");
    let key = dir.join("signing.key");
    let o = nuage(&["keys", "generate", "--out", s(&key)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("fingerprint: SHA256:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the private key is the owner's only");
    }
    let again = nuage(&["keys", "generate", "--out", s(&key)]);
    assert_eq!(again.status.code(), Some(2), "a key is never overwritten");

    let bundle = dir.join("bundle");
    let o = nuage(&[
        "assess",
        "examples/portail-demarches.toml",
        "--format",
        "json",
        "--seal",
        s(&bundle),
        "--key",
        s(&key),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The sealed assessment is what --format json printed.
    assert_eq!(
        std::fs::read(bundle.join("assessment.json")).unwrap(),
        o.stdout
    );
    assert_eq!(
        std::fs::read(bundle.join("dossier.toml")).unwrap(),
        std::fs::read(root().join("examples/portail-demarches.toml")).unwrap()
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["assessed_on"], "2024-06-03");
    assert!(meta["engine"].as_str().unwrap().starts_with("nuage "));
    assert!(!meta["catalog_version"].as_str().unwrap().is_empty());

    // Sealing again gives the same bytes, signature included.
    let twin = dir.join("twin");
    let o = nuage(&[
        "assess",
        "examples/portail-demarches.toml",
        "--seal",
        s(&twin),
        "--key",
        s(&key),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for f in ["MANIFEST", "MANIFEST.sig", "meta.json", "assessment.json"] {
        assert_eq!(
            std::fs::read(bundle.join(f)).unwrap(),
            std::fs::read(twin.join(f)).unwrap(),
            "{f}"
        );
    }
    // Never into a bundle already there.
    let o = nuage(&[
        "assess",
        "examples/portail-demarches.toml",
        "--seal",
        s(&twin),
        "--key",
        s(&key),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not empty"), "{}", text(&o.stderr));

    let public = dir.join("signing.key.pub");
    let o = nuage(&["verify", s(&bundle), "--key", s(&public)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("verified"), "{out}");
    assert!(out.contains("identical"), "{out}");
    assert!(out.contains("the key given"), "{out}");

    // Another key.
    let other = dir.join("other.key");
    assert!(
        nuage(&["keys", "generate", "--out", s(&other)])
            .status
            .success()
    );
    let o = nuage(&["verify", s(&bundle), "--key", &format!("{}.pub", s(&other))]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        text(&o.stderr).contains("not by the key given"),
        "{}",
        text(&o.stderr)
    );

    // A tampered file, named.
    let assessment = bundle.join("assessment.json");
    let original = std::fs::read_to_string(&assessment).unwrap();
    std::fs::write(
        &assessment,
        original.replacen("\"verdict\"", "\"verdict\" ", 1),
    )
    .unwrap();
    let o = nuage(&["verify", s(&bundle)]);
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o.stderr);
    assert!(
        err.contains("assessment.json: modified since sealed"),
        "{err}"
    );
    std::fs::write(&assessment, &original).unwrap();
    assert!(nuage(&["verify", s(&bundle)]).status.success());

    // The bundle as one archive, as the registry gives it or as `tar` packs it.
    let archive = dir.join("preuve.tar");
    let packed = std::process::Command::new("tar")
        .arg("-cf")
        .arg(&archive)
        .arg("-C")
        .arg(&bundle)
        .arg(".")
        .status()
        .unwrap();
    assert!(packed.success());
    let o = nuage(&["verify", s(&archive), "--key", s(&public)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("identical"));
    let garbage = dir.join("garbage.tar");
    std::fs::write(&garbage, b"not an archive").unwrap();
    let o = nuage(&["verify", s(&garbage)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("garbage.tar"),
        "{}",
        text(&o.stderr)
    );

    // Bad input: no bundle, a key that is not one, two dossiers for one seal.
    assert_eq!(
        nuage(&["verify", s(&dir.join("none"))]).status.code(),
        Some(2)
    );
    assert_eq!(
        nuage(&["verify", s(&dir)]).status.code(),
        Some(2),
        "no MANIFEST"
    );
    let o = nuage(&["verify", s(&bundle), "--key", s(&key)]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a private key is not a public one"
    );
    assert!(
        text(&o.stderr).contains("signing.key"),
        "{}",
        text(&o.stderr)
    );
    let o = nuage(&[
        "assess",
        "examples",
        "--seal",
        s(&dir.join("many")),
        "--key",
        s(&key),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("one dossier"),
        "{}",
        text(&o.stderr)
    );
    let o = nuage(&[
        "assess",
        "examples/portail-demarches.toml",
        "--seal",
        s(&dir.join("x")),
    ]);
    assert_eq!(o.status.code(), Some(2), "--seal needs --key");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn man_pages_and_completions_come_from_the_commands() {
    let dir = scratch("man");
    let o = nuage(&["man", s(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for page in [
        "nuage.1",
        "nuage-assess.1",
        "nuage-verify.1",
        "nuage-catalog-list.1",
        "nuage-keys-generate.1",
    ] {
        let t = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(t.starts_with(".ie") || t.contains(".TH"), "{page}: {t}");
    }
    let assess = std::fs::read_to_string(dir.join("nuage-assess.1")).unwrap();
    assert!(assess.contains("seal"), "the page has the flags");
    std::fs::remove_dir_all(&dir).unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let o = nuage(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let t = text(&o.stdout);
        assert!(t.contains("verify") && t.contains("--seal"), "{shell}: {t}");
    }
    assert_eq!(nuage(&["completions", "tcsh"]).status.code(), Some(2));
}
