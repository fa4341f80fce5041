//! Renders assessments for people (text, Markdown) and for CI tools (SARIF 2.1.0, JUnit XML).
//!
//! JSON is the assessment's own serialization (the contract); [`to_json`] writes it compactly.

mod json;
mod junit;
mod labels;
mod markdown;
mod sarif;
mod text;

use nuage_doctrine::Assessment;

pub use json::{JsonError, to_json, to_json_string};
pub use junit::junit;
pub use markdown::markdown;
pub use sarif::sarif;
pub use text::{TextOptions, text};

/// One assessed input: where it came from and what the engine said.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The dossier's path as the user gave it (`-` for standard input).
    pub path: &'a str,
    pub assessment: &'a Assessment,
}
