//! Reading catalog files and refusing the ones that do not hold together.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::Catalog;
use crate::model::{Fact, Jurisdiction, Offer, Source};

/// One thing wrong with a catalog file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field at fault, as a path (`offer[aws].immunity`).
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A catalog that cannot be used, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CatalogError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    version: String,
    #[serde(default)]
    source: Vec<Spanned<Source>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JurisdictionsFile {
    #[serde(default)]
    jurisdiction: Vec<Spanned<Jurisdiction>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OffersFile {
    #[serde(default)]
    offer: Vec<Spanned<Offer>>,
}

/// The files of a catalog, as text, before parsing.
#[derive(Debug, Clone, Default)]
pub struct CatalogFiles {
    /// `catalog.toml`: version and sources.
    pub catalog: (String, String),
    /// `jurisdictions.toml`: countries and their GDPR standing.
    pub jurisdictions: (String, String),
    /// `offers/*.toml`, each as (name, text).
    pub offers: Vec<(String, String)>,
}

macro_rules! embedded {
    ($name:literal) => {
        (
            $name.to_owned(),
            include_str!(concat!("../data/", $name)).to_owned(),
        )
    };
}

/// The largest catalog file read from a directory (the embedded ones are tens of KiB).
const MAX_CATALOG_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl CatalogFiles {
    /// The catalog compiled into the binary.
    pub fn embedded() -> Self {
        CatalogFiles {
            catalog: embedded!("catalog.toml"),
            jurisdictions: embedded!("jurisdictions.toml"),
            offers: vec![
                embedded!("offers/internal.toml"),
                embedded!("offers/commercial.toml"),
                embedded!("offers/interministerial.toml"),
            ],
        }
    }

    /// Reads `DIR/catalog.toml`, `DIR/jurisdictions.toml` and every `DIR/offers/*.toml`.
    pub fn read_dir(dir: &Path) -> Result<Self, CatalogError> {
        let read = |path: &Path| {
            nuage_limits::read_regular_text(path, MAX_CATALOG_FILE_BYTES).map_err(|e| {
                CatalogError {
                    problems: vec![Problem {
                        file: path.display().to_string(),
                        line: None,
                        column: None,
                        field: None,
                        message: format!("cannot read the file: {e}"),
                    }],
                }
            })
        };
        let named = |path: &Path| -> Result<(String, String), CatalogError> {
            Ok((path.display().to_string(), read(path)?))
        };
        let offers_dir = dir.join("offers");
        let entries = std::fs::read_dir(&offers_dir).map_err(|e| CatalogError {
            problems: vec![Problem {
                file: offers_dir.display().to_string(),
                line: None,
                column: None,
                field: None,
                message: format!("cannot read the directory: {e}"),
            }],
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let offers = paths
            .iter()
            .map(|p| named(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CatalogFiles {
            catalog: named(&dir.join("catalog.toml"))?,
            jurisdictions: named(&dir.join("jurisdictions.toml"))?,
            offers,
        })
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn syntax(file: &str, text: &str, err: &toml::de::Error) -> Problem {
    let (line, column) = match err.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    Problem {
        file: file.to_owned(),
        line,
        column,
        field: None,
        message: err.message().to_owned(),
    }
}

/// Checks gathered while loading, each tied to a file and a line.
struct Checker<'a> {
    problems: Vec<Problem>,
    source_ids: HashSet<&'a str>,
}

impl Checker<'_> {
    fn push(&mut self, file: &str, line: usize, field: String, message: impl Into<String>) {
        self.problems.push(Problem {
            file: file.to_owned(),
            line: Some(line),
            column: None,
            field: Some(field),
            message: message.into(),
        });
    }

    fn sources(
        &mut self,
        file: &str,
        line: usize,
        field: &str,
        sources: &[String],
        required: bool,
    ) {
        if required && sources.is_empty() {
            self.push(
                file,
                line,
                field.to_owned(),
                "a fact needs at least one source",
            );
        }
        for s in sources {
            if !self.source_ids.contains(s.as_str()) {
                self.push(
                    file,
                    line,
                    field.to_owned(),
                    format!("unknown source `{s}` (declare it in catalog.toml)"),
                );
            }
        }
    }

    fn fact<T>(&mut self, file: &str, line: usize, field: &str, fact: &Fact<T>) {
        self.sources(file, line, field, &fact.sources, fact.value.is_some());
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

impl Catalog {
    /// Parses and validates catalog files; every problem is reported, not only the first.
    pub fn from_files(files: &CatalogFiles) -> Result<Catalog, CatalogError> {
        let mut problems = Vec::new();

        let (cat_name, cat_text) = &files.catalog;
        let catalog_file: Option<CatalogFile> = toml::from_str(cat_text)
            .map_err(|e| problems.push(syntax(cat_name, cat_text, &e)))
            .ok();
        let (jur_name, jur_text) = &files.jurisdictions;
        let jurisdictions_file: Option<JurisdictionsFile> = toml::from_str(jur_text)
            .map_err(|e| problems.push(syntax(jur_name, jur_text, &e)))
            .ok();
        let mut offer_files = Vec::new();
        for (name, text) in &files.offers {
            match toml::from_str::<OffersFile>(text) {
                Ok(f) => offer_files.push((name, text, f)),
                Err(e) => problems.push(syntax(name, text, &e)),
            }
        }
        let (Some(catalog_file), Some(jurisdictions_file)) = (catalog_file, jurisdictions_file)
        else {
            return Err(CatalogError { problems });
        };

        let mut checker = Checker {
            problems,
            source_ids: HashSet::new(),
        };
        if catalog_file.version.trim().is_empty() {
            checker.push(cat_name, 1, "version".into(), "the catalog needs a version");
        }
        for s in &catalog_file.source {
            let line = line_col(cat_text, s.span().start).0;
            let src = s.get_ref();
            if !valid_id(&src.id) {
                checker.push(
                    cat_name,
                    line,
                    format!("source[{}].id", src.id),
                    "ids are lowercase letters, digits and dashes",
                );
            }
            if !checker.source_ids.insert(src.id.as_str()) {
                checker.push(
                    cat_name,
                    line,
                    format!("source[{}].id", src.id),
                    "this source id is declared twice",
                );
            }
            if src.title.trim().is_empty() {
                checker.push(
                    cat_name,
                    line,
                    format!("source[{}].title", src.id),
                    "a source needs a title",
                );
            }
        }

        let mut countries = HashSet::new();
        for j in &jurisdictions_file.jurisdiction {
            let line = line_col(jur_text, j.span().start).0;
            let jur = j.get_ref();
            let field = format!("jurisdiction[{}]", jur.code);
            if jur.code.len() != 2 || !jur.code.bytes().all(|b| b.is_ascii_uppercase()) {
                checker.push(
                    jur_name,
                    line,
                    format!("{field}.code"),
                    "a country is an ISO 3166-1 alpha-2 code (FR, DE, …)",
                );
            }
            if !countries.insert(jur.code.clone()) {
                checker.push(
                    jur_name,
                    line,
                    format!("{field}.code"),
                    "this country is listed twice",
                );
            }
            checker.sources(
                jur_name,
                line,
                &format!("{field}.sources"),
                &jur.sources,
                true,
            );
        }

        let mut offers: Vec<Offer> = Vec::new();
        let mut seen: HashMap<String, (String, usize)> = HashMap::new();
        for (name, text, file) in &offer_files {
            for spanned in &file.offer {
                let line = line_col(text, spanned.span().start).0;
                let offer = spanned.get_ref();
                let f = |field: &str| format!("offer[{}].{field}", offer.id);
                if !valid_id(&offer.id) {
                    checker.push(
                        name,
                        line,
                        f("id"),
                        "ids are lowercase letters, digits and dashes",
                    );
                }
                if let Some((other_file, other_line)) = seen.get(&offer.id) {
                    checker.push(
                        name,
                        line,
                        f("id"),
                        format!("this offer id is already used at {other_file}:{other_line}"),
                    );
                } else {
                    seen.insert(offer.id.clone(), ((*name).clone(), line));
                }
                checker.sources(name, line, &f("sources"), &offer.sources, true);
                if offer.service_models.is_empty() {
                    checker.push(
                        name,
                        line,
                        f("service_models"),
                        "list at least one service model",
                    );
                }
                let saas = offer.service_models.contains(&crate::ServiceModel::Saas);
                if saas && offer.services.is_empty() {
                    checker.push(
                        name,
                        line,
                        f("services"),
                        "a SaaS offer lists the services it provides to agents",
                    );
                }
                if !saas && !offer.services.is_empty() {
                    checker.push(
                        name,
                        line,
                        f("services"),
                        "only SaaS offers provide services to agents",
                    );
                }
                checker.fact(name, line, &f("immunity"), &offer.immunity);
                checker.fact(name, line, &f("hds"), &offer.hds);
                checker.fact(
                    name,
                    line,
                    &f("diffusion_restreinte"),
                    &offer.diffusion_restreinte,
                );
                if let Some(ev) = &offer.secnumcloud_evaluation {
                    checker.sources(
                        name,
                        line,
                        &f("secnumcloud_evaluation.sources"),
                        &ev.sources,
                        true,
                    );
                }

                let mut region_codes = HashSet::new();
                for r in &offer.regions {
                    let rf = f(&format!("regions[{}]", r.code));
                    if !region_codes.insert(r.code.as_str()) {
                        checker.push(name, line, rf.clone(), "this region is listed twice");
                    }
                    if !countries.contains(&r.country) {
                        checker.push(
                            name,
                            line,
                            format!("{rf}.country"),
                            format!(
                                "unknown country `{}` (add it to jurisdictions.toml)",
                                r.country
                            ),
                        );
                    }
                    checker.sources(name, line, &format!("{rf}.sources"), &r.sources, true);
                }

                let mut periods: Vec<_> = offer.secnumcloud.iter().collect();
                periods.sort_by_key(|q| q.from);
                for (i, q) in periods.iter().enumerate() {
                    let qf = f(&format!("secnumcloud[from {}]", q.from));
                    checker.sources(name, line, &format!("{qf}.sources"), &q.sources, true);
                    if let Some(until) = q.until
                        && until < q.from
                    {
                        checker.push(
                            name,
                            line,
                            format!("{qf}.until"),
                            "a qualification cannot end before it starts",
                        );
                    }
                    if let Some(prev) = i.checked_sub(1).and_then(|p| periods.get(p))
                        && prev.until.is_none_or(|until| until >= q.from)
                    {
                        checker.push(
                            name,
                            line,
                            qf.clone(),
                            format!("overlaps the period that starts on {}", prev.from),
                        );
                    }
                    for r in q.regions.iter().flatten() {
                        if !region_codes.contains(r.as_str()) {
                            checker.push(
                                name,
                                line,
                                format!("{qf}.regions"),
                                format!("region `{r}` is not among the offer's regions"),
                            );
                        }
                    }
                }
                let mut offer = offer.clone();
                offer.secnumcloud.sort_by_key(|q| q.from);
                offers.push(offer);
            }
        }

        if !checker.problems.is_empty() {
            return Err(CatalogError {
                problems: checker.problems,
            });
        }
        offers.sort_by(|a, b| a.id.cmp(&b.id));
        let mut jurisdictions: Vec<Jurisdiction> = jurisdictions_file
            .jurisdiction
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        jurisdictions.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Catalog::new(
            catalog_file.version,
            catalog_file
                .source
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            offers,
            jurisdictions,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_to_lines_and_columns() {
        assert_eq!(line_col("a\nbc\n", 3), (2, 2));
        assert_eq!(line_col("abc", 0), (1, 1));
    }

    #[test]
    fn ids_are_kebab_case() {
        assert!(valid_id("outscale-iaas"));
        assert!(!valid_id("Outscale"));
        assert!(!valid_id("-x"));
        assert!(!valid_id(""));
    }
}
