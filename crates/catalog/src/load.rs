//! Reading catalog files and refusing the ones that do not hold together.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::Catalog;
use crate::model::{
    DataProtection, Fact, HdsReferential, Jurisdiction, Noted, Offer, ServiceModel, Source,
};

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
    #[serde(default)]
    hds_referential: Vec<Spanned<HdsReferential>>,
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
        self.note(file, line, field, fact);
        self.sources(file, line, field, &fact.sources, fact.value.is_some());
        if fact.value.is_some() {
            self.reviewed(file, line, field, fact.reviewed_on);
        }
    }

    /// Every fact says when someone last checked it against its sources.
    fn reviewed(&mut self, file: &str, line: usize, field: &str, reviewed_on: Option<crate::Date>) {
        if reviewed_on.is_none() {
            self.push(
                file,
                line,
                format!("{field}.reviewed_on"),
                "a fact needs `reviewed_on`, the day it was last checked against its sources",
            );
        }
    }

    /// An English note translates the French one: never without it, never a copy of it.
    fn note(&mut self, file: &str, line: usize, field: &str, noted: &dyn Noted) {
        let field = format!("{field}.note_en");
        match (noted.note_fr(), noted.note_en()) {
            (None, Some(_)) => self.push(
                file,
                line,
                field,
                "an English `note_en` translates a `note`: write the `note`, or leave `note_en` out",
            ),
            (Some(fr), Some(en)) if fr.trim() == en.trim() => self.push(
                file,
                line,
                field,
                "`note_en` is a copy of `note`: translate it, or leave `note_en` out",
            ),
            _ => {}
        }
    }

    /// `inner` lists only items of `outer`.
    fn subset<T: PartialEq + fmt::Display>(
        &mut self,
        file: &str,
        line: usize,
        field: String,
        inner: &[T],
        outer: &[T],
        what: &str,
    ) {
        if inner.is_empty() {
            self.push(
                file,
                line,
                field.clone(),
                format!("an empty list of {what}: leave the field out instead"),
            );
        }
        for x in inner {
            if !outer.contains(x) {
                self.push(
                    file,
                    line,
                    field.clone(),
                    format!("`{x}` is not among the offer's {what}"),
                );
            }
        }
    }
}

impl fmt::Display for ServiceModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServiceModel::Iaas => "iaas",
            ServiceModel::Paas => "paas",
            ServiceModel::Caas => "caas",
            ServiceModel::Saas => "saas",
        })
    }
}

/// Two optional perimeters (absent: everything) have something in common.
fn meet<T: PartialEq>(a: Option<&[T]>, b: Option<&[T]>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.iter().any(|x| b.contains(x)),
        _ => true,
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

        let mut referential_ids = HashSet::new();
        for r in &catalog_file.hds_referential {
            let line = line_col(cat_text, r.span().start).0;
            let rf = r.get_ref();
            let field = format!("hds_referential[{}]", rf.id);
            checker.note(cat_name, line, &field, rf);
            if !valid_id(&rf.id) || !referential_ids.insert(rf.id.clone()) {
                checker.push(
                    cat_name,
                    line,
                    format!("{field}.id"),
                    "an HDS referential needs a unique id of lowercase letters, digits and dashes",
                );
            }
            checker.sources(
                cat_name,
                line,
                &format!("{field}.sources"),
                &rf.sources,
                true,
            );
            if let (Some(a), Some(b)) = (rf.applies_from, rf.certificates_valid_until)
                && b < a
            {
                checker.push(
                    cat_name,
                    line,
                    format!("{field}.certificates_valid_until"),
                    "certificates cannot stop being valid before the referential applies",
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
            checker.reviewed(jur_name, line, &field, jur.reviewed_on);
            checker.note(jur_name, line, &field, jur);
            let mut previous: Option<&crate::AdequacyDecision> = None;
            for d in &jur.decisions {
                let df = format!("{field}.decision[{}]", d.from);
                checker.sources(jur_name, line, &format!("{df}.sources"), &d.sources, true);
                checker.reviewed(jur_name, line, &df, d.reviewed_on);
                checker.note(jur_name, line, &df, d);
                if !matches!(
                    d.scope,
                    DataProtection::Adequacy | DataProtection::PartialAdequacy
                ) {
                    checker.push(
                        jur_name,
                        line,
                        format!("{df}.scope"),
                        "a decision's scope is `adequacy` or `partial_adequacy`",
                    );
                }
                if d.until.is_some_and(|until| until < d.from) {
                    checker.push(
                        jur_name,
                        line,
                        format!("{df}.until"),
                        "a decision cannot end before it starts",
                    );
                }
                if let Some(p) = previous
                    && (p.from > d.from || p.until.is_none_or(|until| until >= d.from))
                {
                    checker.push(
                        jur_name,
                        line,
                        df.clone(),
                        format!(
                            "decisions are listed oldest first, without overlap (the one from {} runs into it)",
                            p.from
                        ),
                    );
                }
                previous = Some(d);
            }
            if matches!(jur.status, DataProtection::Eu | DataProtection::Eea)
                && !jur.decisions.is_empty()
            {
                checker.push(
                    jur_name,
                    line,
                    format!("{field}.decision"),
                    "members of the EU or the EEA need no adequacy decision",
                );
            } else if let Some(reviewed) = jur.reviewed_on
                && !jur.decisions.is_empty()
                && jur.status_on(reviewed) != jur.status
            {
                checker.push(
                    jur_name,
                    line,
                    format!("{field}.status"),
                    format!(
                        "`status` says {:?} but the decisions give {:?} on the review day {reviewed}",
                        jur.status,
                        jur.status_on(reviewed)
                    ),
                );
            }
        }

        let mut offers: Vec<Offer> = Vec::new();
        let mut seen: HashMap<String, (String, usize)> = HashMap::new();
        // (file, line, offer, host, declared commercial), checked once every offer is known.
        let mut hosts: Vec<(String, usize, String, String, bool)> = Vec::new();
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
                checker.note(name, line, &format!("offer[{}]", offer.id), offer);
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
                checker.fact(
                    name,
                    line,
                    &f("diffusion_restreinte"),
                    &offer.diffusion_restreinte,
                );

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
                    checker.note(name, line, &rf, r);
                }
                let codes: Vec<String> = offer.regions.iter().map(|r| r.code.clone()).collect();
                let several_regions = offer.regions.len() > 1;

                let hds = &offer.hds;
                checker.sources(name, line, &f("hds"), &hds.sources, hds.value.is_some());
                checker.note(name, line, &f("hds"), hds);
                if hds.value.is_some() {
                    checker.reviewed(name, line, &f("hds"), hds.reviewed_on);
                }
                if let Some(r) = &hds.referential
                    && !referential_ids.contains(r)
                {
                    checker.push(
                        name,
                        line,
                        f("hds.referential"),
                        format!("unknown HDS referential `{r}` (declare it in catalog.toml)"),
                    );
                }
                if let (Some(a), Some(b)) = (hds.since, hds.until)
                    && b < a
                {
                    checker.push(
                        name,
                        line,
                        f("hds.until"),
                        "a certification cannot end before it starts",
                    );
                }
                if let Some(scope) = &hds.regions {
                    checker.subset(name, line, f("hds.regions"), scope, &codes, "regions");
                }

                let mut periods: Vec<_> = offer.secnumcloud.iter().collect();
                periods.sort_by_key(|q| q.from);
                for (i, q) in periods.iter().enumerate() {
                    let qf = f(&format!("secnumcloud[from {}]", q.from));
                    checker.sources(name, line, &format!("{qf}.sources"), &q.sources, true);
                    checker.reviewed(name, line, &qf, q.reviewed_on);
                    checker.note(name, line, &qf, *q);
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
                    if let Some(end) = q.validity_end
                        && end < q.from
                    {
                        checker.push(
                            name,
                            line,
                            format!("{qf}.validity_end"),
                            "a qualification's validity cannot end before it starts",
                        );
                    }
                    for prev in periods.iter().take(i) {
                        let prev_end = prev.until.or(prev.validity_end);
                        if prev_end.is_none_or(|end| end >= q.from)
                            && meet(prev.regions.as_deref(), q.regions.as_deref())
                            && meet(prev.service_models.as_deref(), q.service_models.as_deref())
                        {
                            checker.push(
                                name,
                                line,
                                qf.clone(),
                                format!(
                                    "overlaps the period that starts on {} on a common perimeter (give the earlier one an `until`)",
                                    prev.from
                                ),
                            );
                        }
                    }
                    match &q.regions {
                        Some(scope) => {
                            checker.subset(
                                name,
                                line,
                                format!("{qf}.regions"),
                                scope,
                                &codes,
                                "regions",
                            );
                        }
                        None if several_regions => checker.push(
                            name,
                            line,
                            format!("{qf}.regions"),
                            "the offer has several regions: a qualification names the regions it covers",
                        ),
                        None => {}
                    }
                    if let Some(models) = &q.service_models {
                        checker.subset(
                            name,
                            line,
                            format!("{qf}.service_models"),
                            models,
                            &offer.service_models,
                            "service models",
                        );
                    }
                }

                if let Some(ev) = &offer.secnumcloud_evaluation {
                    let ef = f("secnumcloud_evaluation");
                    checker.sources(name, line, &format!("{ef}.sources"), &ev.sources, true);
                    checker.reviewed(name, line, &ef, ev.reviewed_on);
                    checker.note(name, line, &ef, ev);
                    let mut last = ev.date;
                    for m in &ev.milestones {
                        let mf = format!("{ef}.milestones[{}]", m.milestone);
                        checker.sources(name, line, &format!("{mf}.sources"), &m.sources, false);
                        checker.note(name, line, &mf, m);
                        if m.date < last {
                            checker.push(
                                name,
                                line,
                                format!("{mf}.date"),
                                "milestones are listed in order, after the first one",
                            );
                        }
                        last = m.date;
                    }
                    if let Some(models) = &ev.service_models {
                        checker.subset(
                            name,
                            line,
                            format!("{ef}.service_models"),
                            models,
                            &offer.service_models,
                            "service models",
                        );
                    }
                    if let Some(scope) = &ev.regions {
                        checker.subset(
                            name,
                            line,
                            format!("{ef}.regions"),
                            scope,
                            &codes,
                            "regions",
                        );
                    }
                }

                if let Some(h) = &offer.hosted_on {
                    let hf = f("hosted_on");
                    checker.sources(name, line, &format!("{hf}.sources"), &h.sources, true);
                    checker.reviewed(name, line, &hf, h.reviewed_on);
                    checker.note(name, line, &hf, h);
                    if h.offer.as_deref() == Some(offer.id.as_str()) {
                        checker.push(
                            name,
                            line,
                            format!("{hf}.offer"),
                            "an offer cannot be hosted on itself",
                        );
                    }
                    if let Some(host) = &h.offer {
                        hosts.push((
                            name.to_string(),
                            line,
                            offer.id.clone(),
                            host.clone(),
                            h.commercial,
                        ));
                    }
                }
                if let Some(a) = &offer.availability {
                    let af = f("availability");
                    checker.sources(name, line, &format!("{af}.sources"), &a.sources, true);
                    checker.reviewed(name, line, &af, a.reviewed_on);
                    checker.note(name, line, &af, a);
                    if let (Some(from), Some(until)) = (a.from, a.until)
                        && until < from
                    {
                        checker.push(
                            name,
                            line,
                            format!("{af}.until"),
                            "an offer cannot close before it opens",
                        );
                    }
                }
                let mut offer = offer.clone();
                offer.secnumcloud.sort_by_key(|q| q.from);
                offers.push(offer);
            }
        }

        for (file, line, id, host, commercial) in &hosts {
            let field = format!("offer[{id}].hosted_on.offer");
            match offers.iter().find(|o| &o.id == host) {
                None => checker.push(file, *line, field, format!("unknown offer `{host}`")),
                Some(o) if o.is_commercial() != *commercial => checker.push(
                    file,
                    *line,
                    field,
                    format!(
                        "`commercial = {commercial}` but `{host}` is {} offer",
                        if o.is_commercial() {
                            "a commercial"
                        } else {
                            "not a commercial"
                        }
                    ),
                ),
                Some(_) => {}
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
            catalog_file
                .hds_referential
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
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
