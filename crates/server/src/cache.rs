//! Recent stateless assessments, by the dossier's exact bytes.
//!
//! The engine is deterministic: the same dossier, format, language, day and catalog give the
//! same bytes (the contract's reproducibility). CI pipelines post the same dossier on every
//! push, so `POST /api/v1/assess` keeps the last answers and serves a repeat without reading,
//! assessing and writing again. A hit compares the whole body, not only its hash: a collision
//! cannot return another dossier's assessment. Bounded in entries and in body size.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use nuage_catalog::Date;
use nuage_doctrine::{Format, Lang};

/// How many assessments are kept.
const ENTRIES: usize = 512;
/// Larger dossiers are not kept (they are rare and would crowd the cache).
pub(crate) const MAX_BODY: usize = 32 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    hash: u64,
    format: u8,
    lang: u8,
    day: Date,
}

#[derive(Debug)]
struct Entry {
    body: Arc<[u8]>,
    json: Arc<[u8]>,
    /// Used since the eviction hand last passed (the CLOCK algorithm: O(1) per eviction,
    /// close to least-recently-used).
    referenced: bool,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    /// Keys in insertion order, for the eviction hand.
    order: VecDeque<Key>,
}

/// Shared by the server's threads.
#[derive(Debug, Clone, Default)]
pub struct AssessCache {
    inner: Arc<Mutex<Inner>>,
}

/// A fast, non-cryptographic hash of the body (a hit is confirmed byte for byte).
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

fn key(body: &[u8], format: Format, lang: Lang, day: Date) -> Key {
    Key {
        hash: hash(body),
        format: match format {
            Format::Toml => 0,
            Format::Json => 1,
            Format::Yaml => 2,
        },
        lang: match lang {
            Lang::Fr => 0,
            Lang::En => 1,
        },
        day,
    }
}

impl AssessCache {
    pub(crate) fn get(
        &self,
        body: &[u8],
        format: Format,
        lang: Lang,
        day: Date,
    ) -> Option<Arc<[u8]>> {
        let key = key(body, format, lang, day);
        let mut inner = self.inner.lock().ok()?;
        let entry = inner.entries.get_mut(&key)?;
        if *entry.body != *body {
            return None;
        }
        entry.referenced = true;
        Some(Arc::clone(&entry.json))
    }

    pub(crate) fn put(&self, body: &[u8], format: Format, lang: Lang, day: Date, json: Arc<[u8]>) {
        if body.len() > MAX_BODY {
            return;
        }
        let key = key(body, format, lang, day);
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.entries.contains_key(&key) {
            return;
        }
        while inner.entries.len() >= ENTRIES {
            let Some(candidate) = inner.order.pop_front() else {
                break;
            };
            match inner.entries.get_mut(&candidate) {
                Some(entry) if entry.referenced => {
                    entry.referenced = false;
                    inner.order.push_back(candidate);
                }
                Some(_) => {
                    inner.entries.remove(&candidate);
                }
                None => {}
            }
        }
        inner.order.push_back(key.clone());
        inner.entries.insert(
            key,
            Entry {
                body: Arc::from(body),
                json,
                referenced: false,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        Date::new(2026, 11, 23).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn a_hit_needs_the_same_bytes_format_language_and_day() {
        let cache = AssessCache::default();
        let json: Arc<[u8]> = Arc::from(&b"{}"[..]);
        cache.put(b"dossier", Format::Toml, Lang::Fr, day(), Arc::clone(&json));
        assert!(
            cache
                .get(b"dossier", Format::Toml, Lang::Fr, day())
                .is_some()
        );
        assert!(
            cache
                .get(b"dossieR", Format::Toml, Lang::Fr, day())
                .is_none()
        );
        assert!(
            cache
                .get(b"dossier", Format::Json, Lang::Fr, day())
                .is_none()
        );
        assert!(
            cache
                .get(b"dossier", Format::Toml, Lang::En, day())
                .is_none()
        );
        assert!(
            cache
                .get(
                    b"dossier",
                    Format::Toml,
                    Lang::Fr,
                    day().tomorrow().unwrap_or_else(|| unreachable!())
                )
                .is_none()
        );
    }

    #[test]
    fn the_cache_stays_bounded_and_keeps_what_is_used() {
        let cache = AssessCache::default();
        let json: Arc<[u8]> = Arc::from(&b"{}"[..]);
        cache.put(b"keep", Format::Toml, Lang::Fr, day(), Arc::clone(&json));
        for i in 0..(ENTRIES * 2) {
            assert!(
                cache.get(b"keep", Format::Toml, Lang::Fr, day()).is_some(),
                "{i}"
            );
            cache.put(
                format!("d{i}").as_bytes(),
                Format::Toml,
                Lang::Fr,
                day(),
                Arc::clone(&json),
            );
        }
        assert!(cache.inner.lock().map(|i| i.entries.len()).unwrap_or(0) <= ENTRIES);
        assert!(
            cache.get(b"d0", Format::Toml, Lang::Fr, day()).is_none(),
            "the oldest went"
        );
        cache.put(
            &vec![b'x'; MAX_BODY + 1],
            Format::Toml,
            Lang::Fr,
            day(),
            json,
        );
        assert!(
            cache
                .get(&vec![b'x'; MAX_BODY + 1], Format::Toml, Lang::Fr, day())
                .is_none()
        );
    }
}
