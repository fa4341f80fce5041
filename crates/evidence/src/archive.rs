//! A bundle as one file: a POSIX tar archive of its files, for a bundle downloaded from the
//! registry (`GET /api/v1/assessments/{id}/evidence`). `tar xf` unpacks it into the directory
//! `nuage verify` reads; `nuage verify` also reads the archive itself.
//!
//! Written deterministically (sorted names, owner 0, mode 0644, time 0). Read as hostile input:
//! at most [`MAX_ENTRIES`] entries, each of at most [`crate::MAX_FILE_BYTES`], names of one plain
//! component; anything but a regular file is kept aside as `others` (and so refused as unsealed).

use std::io::Read;

use crate::{Bundle, EvidenceError, MANIFEST, MAX_FILE_BYTES};

/// The most entries an archive may hold (a bundle has six files).
pub const MAX_ENTRIES: usize = 64;

impl Bundle {
    /// The bundle as a tar archive.
    pub fn to_tar(&self) -> Result<Vec<u8>, EvidenceError> {
        let io = |source| EvidenceError::Io {
            path: "(archive)".to_owned(),
            source,
        };
        let mut builder = tar::Builder::new(Vec::new());
        for (name, bytes) in &self.files {
            let mut header = tar::Header::new_ustar();
            header.set_path(name).map_err(io)?;
            header.set_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
            header.set_mode(0o644);
            header.set_uid(0);
            header.set_gid(0);
            header.set_mtime(0);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_cksum();
            builder.append(&header, bytes.as_slice()).map_err(io)?;
        }
        builder.into_inner().map_err(io)
    }

    /// Reads a bundle from a tar archive's bytes; `path` names it in errors.
    pub fn from_tar(bytes: &[u8], path: &str) -> Result<Bundle, EvidenceError> {
        let bad = |reason: String| EvidenceError::File {
            path: path.to_owned(),
            reason,
        };
        let mut archive = tar::Archive::new(bytes);
        let mut bundle = Bundle::default();
        let entries = archive
            .entries()
            .map_err(|e| bad(format!("not a tar archive: {e}")))?;
        for (i, entry) in entries.enumerate() {
            if i >= MAX_ENTRIES {
                return Err(bad(format!(
                    "more than {MAX_ENTRIES} entries; not a bundle"
                )));
            }
            let entry = entry.map_err(|e| bad(format!("entry {}: {e}", i + 1)))?;
            let raw = entry.path_bytes().into_owned();
            let name = String::from_utf8(raw)
                .map_err(|_| bad(format!("entry {}: a name that is not UTF-8", i + 1)))?;
            let name = name.strip_prefix("./").unwrap_or(&name).to_owned();
            // The archive's own top directory (`tar cf b.tar -C DIR .` writes `./`).
            if entry.header().entry_type().is_dir() && (name.is_empty() || name == ".") {
                continue;
            }
            let plain = !name.is_empty()
                && name != "."
                && name != ".."
                && !name.contains('/')
                && !name.contains('\\')
                && !name.contains('\0');
            if !entry.header().entry_type().is_file() || !plain {
                bundle.others.push(name);
                continue;
            }
            let size = entry
                .header()
                .size()
                .map_err(|e| bad(format!("{name}: {e}")))?;
            if size > MAX_FILE_BYTES {
                return Err(bad(format!(
                    "{name}: {size} bytes, more than the {MAX_FILE_BYTES} a bundle's file may hold"
                )));
            }
            let mut content = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            entry
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut content)
                .map_err(|e| bad(format!("{name}: {e}")))?;
            if bundle.files.insert(name.clone(), content).is_some() {
                return Err(bad(format!("{name}: twice in the archive")));
            }
        }
        bundle.others.sort();
        if !bundle.files.contains_key(MANIFEST) {
            return Err(EvidenceError::NotABundle {
                path: path.to_owned(),
            });
        }
        Ok(bundle)
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "test code: a broken fixture should fail loudly"
    )]
    use super::*;

    fn bundle() -> Bundle {
        let mut b = Bundle::default();
        b.files.insert(MANIFEST.to_owned(), b"abc  x\n".to_vec());
        b.files.insert("x".to_owned(), b"contenu".to_vec());
        b
    }

    #[test]
    fn an_archive_reads_back_as_the_same_bundle_and_is_deterministic() {
        let tar = bundle().to_tar().unwrap();
        assert_eq!(tar, bundle().to_tar().unwrap());
        assert_eq!(Bundle::from_tar(&tar, "b.tar").unwrap(), bundle());
    }

    #[test]
    fn hostile_archives_are_refused_or_set_aside() {
        assert!(Bundle::from_tar(b"not a tar archive at all", "x.tar").is_err());
        // A path with a directory is never a bundle's file.
        let mut builder = tar::Builder::new(Vec::new());
        for name in [MANIFEST, "../evil"] {
            let mut h = tar::Header::new_gnu();
            h.set_size(1);
            h.set_entry_type(tar::EntryType::Regular);
            // set_path refuses `..`: write the name field directly, as an attacker would.
            h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            h.set_cksum();
            builder.append(&h, &b"x"[..]).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let b = Bundle::from_tar(&tar, "x.tar").unwrap();
        assert_eq!(b.others, ["../evil"]);
        assert!(!b.files.contains_key("../evil"));
        // No MANIFEST: not a bundle.
        let mut only = bundle();
        only.files.remove(MANIFEST);
        let tar = only.to_tar().unwrap();
        assert!(matches!(
            Bundle::from_tar(&tar, "x.tar"),
            Err(EvidenceError::NotABundle { .. })
        ));
    }
}
