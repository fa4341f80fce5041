//! The support a project can get when the doctrine asks it to move (`support.toml`).

use std::sync::LazyLock;

use nuage_catalog::Date;
use serde::{Deserialize, Serialize};

use crate::assessment::{Finding, Lang, Rule, Status};
use crate::dossier::EntityKind;

/// One support programme, as an assessment lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Support {
    pub id: String,
    pub name: String,
    pub conditions: String,
    pub url: String,
    /// `official` when read from the administration's own page, else `secondary`.
    pub confidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(default)]
    from: Option<Date>,
    #[serde(rename = "reviewed_on")]
    _reviewed_on: Date,
    confidence: String,
    url: String,
    #[serde(rename = "sources")]
    _sources: Vec<String>,
    #[serde(default)]
    entity_kinds: Option<Vec<EntityKind>>,
    name_fr: String,
    name_en: String,
    conditions_fr: String,
    conditions_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    support: Vec<Entry>,
}

static ENTRIES: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    toml::from_str::<File>(include_str!("../support.toml"))
        .map(|f| f.support)
        .unwrap_or_default()
});

/// The support to name when a finding asks the project to move (R1, R6 or R9 non-compliant).
pub(crate) fn support(
    findings: &[Finding],
    kind: EntityKind,
    on: Date,
    lang: Lang,
) -> Vec<Support> {
    let must_move = findings.iter().any(|f| {
        f.status == Status::NonCompliant && matches!(f.rule, Rule::R1 | Rule::R6 | Rule::R9)
    });
    if !must_move {
        return Vec::new();
    }
    ENTRIES
        .iter()
        .filter(|e| e.from.is_none_or(|from| from <= on))
        .filter(|e| e.entity_kinds.as_ref().is_none_or(|k| k.contains(&kind)))
        .map(|e| Support {
            id: e.id.clone(),
            name: match lang {
                Lang::Fr => e.name_fr.clone(),
                Lang::En => e.name_en.clone(),
            },
            conditions: match lang {
                Lang::Fr => e.conditions_fr.clone(),
                Lang::En => e.conditions_en.clone(),
            },
            url: e.url.clone(),
            confidence: e.confidence.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_loads() {
        let file: File = toml::from_str(include_str!("../support.toml")).unwrap();
        assert!(file.support.len() >= 4);
        assert!(
            file.support
                .iter()
                .all(|e| ["official", "secondary"].contains(&e.confidence.as_str()))
        );
    }
}
