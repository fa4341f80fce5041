//! A sealed bundle verifies; a tampered file, a forged assessment or another key is refused,
//! with what differs.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::path::Path;

use nuage_catalog::Catalog;
use nuage_doctrine::{Format, Lang, assess, read_dossier};
use nuage_evidence::{
    ASSESSMENT, Bundle, MANIFEST, Refusal, SIGNATURE, SealInput, SigningKey, seal, verify,
};

const DOSSIER: &str = include_str!("../../../examples/portail-demarches.toml");

fn sealed(key: &SigningKey) -> (Bundle, Catalog) {
    let catalog = Catalog::embedded().unwrap();
    let dossier = read_dossier(DOSSIER, Format::Toml, &catalog).unwrap();
    let on = dossier.assessed_on.unwrap();
    let a = assess(&dossier, &catalog, on, Lang::Fr).unwrap();
    let bundle = seal(
        &SealInput {
            source: "examples/portail-demarches.toml",
            format: Format::Toml,
            dossier: DOSSIER.as_bytes(),
            assessment: &a,
            engine: "nuage test",
        },
        key,
    )
    .unwrap();
    (bundle, catalog)
}

/// Rewrites the manifest and signs it again, as a forger holding `key` would.
fn resign(bundle: &mut Bundle, key: &SigningKey) {
    let mut manifest = String::new();
    for (name, bytes) in &bundle.files {
        if name == MANIFEST || name == SIGNATURE {
            continue;
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        manifest.push_str(&format!("{hex}  {name}\n"));
    }
    bundle
        .files
        .insert(SIGNATURE.into(), key.sign(manifest.as_bytes()));
    bundle.files.insert(MANIFEST.into(), manifest.into_bytes());
}

#[test]
fn a_sealed_bundle_verifies_and_is_deterministic() {
    let key = SigningKey::generate().unwrap();
    let (bundle, catalog) = sealed(&key);
    let (again, _) = sealed(&key);
    assert_eq!(bundle, again, "same dossier, catalog and key: same bundle");
    let ok = verify(&bundle, Some(&key.public_key()), &catalog).unwrap();
    assert!(ok.trusted);
    assert_eq!(ok.meta.assessed_on, "2024-06-03");
    assert_eq!(
        ok.files,
        [ASSESSMENT, "dossier.toml", "meta.json", "signer.pub"]
    );
    let manifest = String::from_utf8(bundle.files[MANIFEST].clone()).unwrap();
    assert_eq!(manifest.lines().count(), 4, "{manifest}");

    // Written and read back from a directory.
    let dir = std::env::temp_dir().join(format!("nuage-evidence-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    bundle.write(&dir).unwrap();
    assert!(bundle.write(&dir).is_err(), "never over an existing bundle");
    let read = Bundle::read(&dir).unwrap();
    assert_eq!(read, bundle);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(Bundle::read(Path::new("/nonexistent/bundle")).is_err());
}

#[test]
fn a_tampered_file_is_refused_by_name() {
    let key = SigningKey::generate().unwrap();
    let (mut bundle, catalog) = sealed(&key);
    let text = String::from_utf8(bundle.files["dossier.toml"].clone()).unwrap();
    bundle.files.insert(
        "dossier.toml".into(),
        text.replace("full_cost_eur = ", "full_cost_eur = 1")
            .into_bytes(),
    );
    bundle.files.insert("notes.txt".into(), b"added".to_vec());
    let refusals = verify(&bundle, None, &catalog).unwrap_err();
    assert!(
        matches!(&refusals[0], Refusal::Digest { file, .. } if file == "dossier.toml"),
        "{refusals:?}"
    );
    assert!(refusals.contains(&Refusal::Unsealed {
        file: "notes.txt".into()
    }));
    assert!(
        refusals[0]
            .to_string()
            .contains("dossier.toml: modified since sealed")
    );
}

#[test]
fn another_key_is_refused() {
    let key = SigningKey::generate().unwrap();
    let other = SigningKey::generate().unwrap();
    let (bundle, catalog) = sealed(&key);
    let refusals = verify(&bundle, Some(&other.public_key()), &catalog).unwrap_err();
    assert_eq!(
        refusals,
        [Refusal::WrongKey {
            signer: key.public_key().fingerprint(),
            trusted: other.public_key().fingerprint()
        }]
    );
    // A bundle re-signed by another key after a change, with the signer's key swapped in:
    // the signature no longer comes from the trusted key.
    let (mut forged, _) = sealed(&key);
    forged.files.insert(
        "signer.pub".into(),
        other.public_key().to_pem().into_bytes(),
    );
    resign(&mut forged, &other);
    let refusals = verify(&forged, Some(&key.public_key()), &catalog).unwrap_err();
    assert!(
        matches!(refusals[0], Refusal::WrongKey { .. }),
        "{refusals:?}"
    );
    // A signature that does not match the manifest.
    let (mut broken, _) = sealed(&key);
    broken.files.insert(SIGNATURE.into(), other.sign(b"x"));
    let refusals = verify(&broken, None, &catalog).unwrap_err();
    assert!(
        matches!(refusals[0], Refusal::Signature { .. }),
        "{refusals:?}"
    );
}

#[test]
fn an_assessment_the_engine_does_not_give_is_refused_even_when_signed() {
    let key = SigningKey::generate().unwrap();
    let (mut bundle, catalog) = sealed(&key);
    let text = String::from_utf8(bundle.files[ASSESSMENT].clone()).unwrap();
    let forged = text.replacen("\"verdict\": \"", "\"verdict\": \"x", 1);
    assert_ne!(forged, text);
    bundle.files.insert(ASSESSMENT.into(), forged.into_bytes());
    resign(&mut bundle, &key);
    let refusals = verify(&bundle, Some(&key.public_key()), &catalog).unwrap_err();
    match &refusals[..] {
        [Refusal::Differs { sealed, now, .. }] => {
            assert!(sealed.starts_with("\"verdict\": \"x"), "{sealed}");
            assert!(now.starts_with("\"verdict\": \""), "{now}");
        }
        other => panic!("{other:?}"),
    }
}
