//! Reading a dossier from TOML, JSON or YAML, with errors that say where.
//!
//! Every error carries the line and column the format's own parser reports, and the path of
//! the field at fault (`hosting.environments[0].offer`). Checks that need the catalog (is this
//! offer id known?) run *inside* deserialization, so their errors carry a position too: the
//! catalog's ids are lent to the deserializer for the duration of one [`read_dossier`] call.

use std::cell::RefCell;
use std::fmt;

use nuage_catalog::Catalog;
use serde::{Deserialize, Deserializer};

use crate::dossier::{Dossier, Nature, Project};

/// A dossier's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Toml,
    Json,
    Yaml,
}

impl Format {
    /// The format a file name's extension implies.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// Why a dossier could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based line, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column, when the parser knows it.
    pub column: Option<usize>,
    /// Path of the field at fault (`project.full_cost_eur`), when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "{line}:")?;
            if let Some(column) = self.column {
                write!(f, "{column}:")?;
            }
            f.write_str(" ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

thread_local! {
    /// The catalog's offer ids, lent by `read_dossier` to the `offer` field's deserializer.
    static KNOWN_OFFERS: RefCell<Option<std::sync::Arc<[String]>>> = const { RefCell::new(None) };
}

/// Restores the previous lent ids when a read ends, even on error.
struct Lend(Option<std::sync::Arc<[String]>>);

impl Lend {
    fn new(ids: std::sync::Arc<[String]>) -> Self {
        Lend(KNOWN_OFFERS.with(|k| k.replace(Some(ids))))
    }
}

impl Drop for Lend {
    fn drop(&mut self) {
        let previous = self.0.take();
        KNOWN_OFFERS.with(|k| k.replace(previous));
    }
}

/// Deserializes an offer id and refuses ids the catalog does not know.
pub(crate) fn known_offer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let id = String::deserialize(d)?;
    let verdict = KNOWN_OFFERS.with(|k| {
        let known = k.borrow();
        match known.as_ref() {
            // Deserialized outside `read_dossier` (e.g. by the registry): checked by the engine.
            None => Ok(()),
            Some(ids) if ids.contains(&id) => Ok(()),
            Some(ids) => Err(unknown_offer_message(&id, ids)),
        }
    });
    verdict.map(|()| Some(id)).map_err(serde::de::Error::custom)
}

fn unknown_offer_message(id: &str, ids: &[String]) -> String {
    let closest = ids
        .iter()
        .map(|k| (edit_distance(id, k), k))
        .min()
        .filter(|(d, _)| *d <= 3.max(id.len() / 3));
    match closest {
        Some((_, k)) => format!(
            "unknown offer `{id}` (did you mean `{k}`? `nuage catalog list` lists the offers)"
        ),
        None => format!("unknown offer `{id}` (`nuage catalog list` lists the offers)"),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// Deserializes the `project` table, then checks what spans several of its fields.
pub(crate) fn validated_project<'de, D: Deserializer<'de>>(d: D) -> Result<Project, D::Error> {
    let p = Project::deserialize(d)?;
    if p.nature == Nature::Evolution && p.evolution_share.is_none() && !p.provider_change {
        return Err(serde::de::Error::custom(
            "`evolution_share` is required when `nature = \"evolution\"` without a change of provider: \
             R6 turns on the evolution's share of the initial build cost",
        ));
    }
    if p.name.trim().is_empty() {
        return Err(serde::de::Error::custom("the project needs a `name`"));
    }
    Ok(p)
}

/// Reads a dossier; offer ids are checked against `catalog`.
pub fn read_dossier(text: &str, format: Format, catalog: &Catalog) -> Result<Dossier, ReadError> {
    let _lend = Lend::new(catalog.offer_ids());
    match format {
        Format::Toml => {
            let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, &e, None))?;
            serde_path_to_error::deserialize(de).map_err(|e| {
                let field = field_of(e.path());
                toml_error(text, e.inner(), field)
            })
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let dossier: Dossier = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let field = field_of(e.path());
                let inner = e.into_inner();
                ReadError {
                    line: Some(inner.line()).filter(|l| *l > 0),
                    column: Some(inner.column()).filter(|c| *c > 0),
                    field,
                    message: strip_json_position(&inner.to_string()),
                }
            })?;
            de.end().map_err(|e| ReadError {
                line: Some(e.line()),
                column: Some(e.column()),
                field: None,
                message: strip_json_position(&e.to_string()),
            })?;
            Ok(dossier)
        }
        Format::Yaml => {
            // Nesting and aliases are bounded before the parser sees the text.
            nuage_limits::yaml::check(text, &nuage_limits::YamlLimits::DEFAULT).map_err(|e| {
                ReadError {
                    line: Some(e.line),
                    column: Some(e.column),
                    field: None,
                    message: e.to_string(),
                }
            })?;
            let de = yaml_serde::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let field = field_of(e.path());
                let inner = e.into_inner();
                let location = inner.location();
                let (line, column) =
                    refine_yaml(text, location.as_ref().map(|l| l.line()), field.as_deref())
                        .unwrap_or((
                            location.as_ref().map(|l| l.line()),
                            location.as_ref().map(|l| l.column()),
                        ));
                ReadError {
                    line,
                    column,
                    field,
                    message: strip_yaml_position(&inner.to_string()),
                }
            })
        }
    }
}

fn field_of(path: &serde_path_to_error::Path) -> Option<String> {
    let p = path.to_string();
    (p != "." && !p.is_empty()).then_some(p)
}

fn toml_error(text: &str, e: &toml::de::Error, field: Option<String>) -> ReadError {
    let (line, column) = match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    ReadError {
        line,
        column,
        field,
        message: e.message().trim().to_owned(),
    }
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

/// yaml_serde places errors raised by a field's own check at the start of the enclosing
/// mapping; the field's key is usually a few lines below: point at it when it is there.
#[allow(
    clippy::type_complexity,
    reason = "a line and a column, each optional: naming the pair would not make it clearer"
)]
fn refine_yaml(
    text: &str,
    line: Option<usize>,
    field: Option<&str>,
) -> Option<(Option<usize>, Option<usize>)> {
    let start = line?;
    let key = field?.rsplit('.').next()?;
    if key.ends_with(']') {
        return None;
    }
    let needle = format!("{key}:");
    for (i, l) in text
        .lines()
        .enumerate()
        .skip(start.saturating_sub(1))
        .take(64)
    {
        let trimmed = l.trim_start().trim_start_matches("- ").trim_start();
        if trimmed.starts_with(&needle) {
            let value_at = l.find(&needle).map(|p| p + needle.len())?;
            let rest = l.get(value_at..).unwrap_or("");
            let col = value_at + (rest.len() - rest.trim_start().len());
            return Some((
                Some(i + 1),
                Some(l.get(..col).map_or(1, |s| s.chars().count()) + 1),
            ));
        }
    }
    None
}

/// yaml_serde prefixes "path: " and appends " at line L column C".
fn strip_yaml_position(message: &str) -> String {
    strip_json_position(message)
}
