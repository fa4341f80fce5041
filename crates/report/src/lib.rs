//! Renders assessments for people (text, Markdown) and for CI tools (SARIF 2.1.0, JUnit XML).
//!
//! JSON is the assessment's own serialization (the contract); [`to_json`] writes it compactly.

mod gitlab;
mod json;
mod junit;
mod labels;
mod markdown;
mod oscal;
mod sarif;
mod scan;
mod text;

use nuage_doctrine::{Assessment, Finding};

pub use gitlab::gitlab;
pub use json::{JsonError, newline_indent, to_json, to_json_pretty, to_json_string};
pub use junit::{junit, junit_findings};
pub use markdown::markdown;
pub use oscal::{AssessmentResultsDocument, OSCAL_VERSION, oscal, oscal_scan};
pub use sarif::{sarif, sarif_findings};
pub use scan::{
    ScanView, coverage_lines, coverage_summary, gitlab_coverage, junit_coverage, sarif_coverage,
    scan_markdown, scan_text,
};
pub use text::{TextOptions, text};

/// One assessed input: where it came from and what the engine said.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The dossier's path as the user gave it (`-` for standard input).
    pub path: &'a str,
    pub assessment: &'a Assessment,
}

impl<'a> Item<'a> {
    /// Every finding, against the dossier's file unless it names its own.
    pub fn located(&self) -> impl Iterator<Item = Located<'a>> + 'a {
        let path = self.path;
        let subject = self.assessment.project.as_str();
        self.assessment.findings.iter().map(move |finding| Located {
            path,
            finding,
            subject,
        })
    }
}

/// A finding and the file it is reported against.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    /// The file to report against when the finding does not name one.
    pub path: &'a str,
    pub finding: &'a Finding,
    /// What the finding is about: a project's name, or « scan ».
    pub subject: &'a str,
}

impl Located<'_> {
    pub fn path(&self) -> &str {
        self.finding.file.as_deref().unwrap_or(self.path)
    }

    pub fn line(&self) -> u32 {
        self.finding.line.unwrap_or(1).max(1)
    }

    /// Stable across runs, distinct for two findings on one line (FNV-1a of the message).
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.finding.message.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!(
            "{}:{}:{}:{h:016x}",
            self.path(),
            self.finding.rule.as_str(),
            self.line()
        )
    }
}
