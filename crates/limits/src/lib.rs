//! Bounds on hostile input, checked before a parser builds anything.
//!
//! Nuage reads text that anyone may send: a dossier posted to the anonymous `POST /api/v1/assess`,
//! a file uploaded on the questionnaire's import page, a manifest in a repository handed to
//! `nuage scan`. Parsers are fast on ordinary text and can be slow or greedy on crafted text; the
//! checks here run first, in time linear in the input, and refuse what is beyond the documented
//! limits so that no parser ever sees it.
//!
//! - [`yaml`]: nesting depth, number of aliases and the bytes aliases would add, measured by a
//!   scanner that follows libyaml's own tokenisation (the parser behind `yaml_serde`), so that
//!   what it counts is what the parser would build.
//! - [`file`]: reading a path only when it is a regular file, within a size checked while reading.
//!
//! The limits for the other formats are the parsers' own, stated in [`OTHER_FORMATS`] and tested
//! where those parsers are called.

pub mod file;
pub mod yaml;

pub use file::{FileError, read_regular_file, read_regular_text};
pub use yaml::{YamlLimitError, YamlLimits, YamlShape};

/// The largest dossier Nuage reads, in bytes, from a file (`nuage assess`, `--max-file-size` to
/// change it) or from a request (`nuage serve`).
pub const MAX_DOSSIER_BYTES: u64 = 1024 * 1024;

/// The nesting limits of the other formats Nuage reads, enforced by their parsers (tested in the
/// crates that call them): `(format, limit, what enforces it)`.
pub const OTHER_FORMATS: [(&str, usize, &str); 3] = [
    ("JSON", 128, "serde_json's recursion limit"),
    ("TOML", 80, "the toml parser's recursion limit"),
    ("HCL", 64, "hcl-edit's nesting limit"),
];
