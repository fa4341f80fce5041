//! What the web pages of `nuage serve` need that is not HTTP: the State design system's files
//! (embedded at build time, see `build.rs`), the questionnaire that builds a dossier, and the
//! charts drawn as SVG on the server. Pure: no I/O, no clock.

pub mod assets;
pub mod charts;
pub mod pdf;
pub mod questionnaire;

pub use questionnaire::{Answers, Evaluation, FieldError, Kind, Question, Questionnaire, Step};
