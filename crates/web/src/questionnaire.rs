//! The questionnaire: a dossier built step by step from form answers.
//!
//! The questions are data (`questions.toml`). Which of them are asked is decided by the engine
//! itself: a question is shown when one of its possible answers would change what the engine
//! decides (scope, concern, sensitivity, SecNumCloud, control procedure, a finding's status, a
//! derogation), so a question that cannot change the verdict is not asked. Answers already given
//! stay visible so that they can be changed.

use std::collections::BTreeMap;

use nuage_catalog::{Catalog, Date};
use nuage_doctrine::{Assessment, Dossier, Format, Lang, assess, read_dossier};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Form answers by question path (`project.name`, `data.0.health`…); several values for a
/// multiple choice.
pub type Answers = BTreeMap<String, Vec<String>>;

/// How many data sets the questionnaire edits.
pub const DATA_SETS: usize = 4;

const ENVIRONMENT_KINDS: [&str; 6] = [
    "production",
    "staging",
    "disaster_recovery",
    "development",
    "training",
    "sandbox",
];

/// Answers the engine cannot do without; until given, the verdict is provisional and these
/// stand in for them.
const REQUIRED: [(&str, &str); 4] = [
    ("project.entity_kind", "central_administration"),
    ("project.nature", "new"),
    ("project.full_cost_eur", "0"),
    ("hosting.approach", "undecided"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    Choice,
    Multi,
    /// A checkbox: absent is false.
    Bool,
    /// Yes, no, or not documented (`None` in the dossier).
    Tristate,
    Money,
    Percent,
    Date,
    Number,
    /// Comma-separated values.
    List,
    /// A catalog offer, « own servers », or no such environment.
    Offer,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub fr: String,
    pub en: String,
}

impl Choice {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub fr: String,
    pub en: String,
}

impl Step {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub path: String,
    pub step: String,
    pub kind: Kind,
    #[serde(default)]
    pub always: bool,
    pub fr: String,
    pub en: String,
    #[serde(default)]
    pub help_fr: Option<String>,
    #[serde(default)]
    pub help_en: Option<String>,
    #[serde(default)]
    pub cite: Option<String>,
    /// The id of the document `cite` names, among the doctrine's documents (for its link).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub options: Vec<Choice>,
    #[serde(default)]
    pub when: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub probes: Vec<String>,
    /// For `data.N.*` questions: N.
    #[serde(skip)]
    pub data_set: Option<usize>,
    /// For `hosting.environments.KIND.*` questions: KIND's rank (production first).
    #[serde(skip)]
    pub environment: Option<usize>,
}

impl Question {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    pub fn help(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Fr => self.help_fr.as_deref(),
            Lang::En => self.help_en.as_deref(),
        }
    }

    /// The HTML id of its input.
    pub fn html_id(&self) -> String {
        format!("q-{}", self.path.replace('.', "-"))
    }

    /// The values that may change what the engine decides, tried to see if the question matters.
    fn probe_values(&self) -> Vec<Vec<String>> {
        match self.kind {
            Kind::Bool => vec![vec!["true".into()]],
            Kind::Tristate => vec![vec!["yes".into()], vec!["no".into()]],
            Kind::Choice | Kind::Multi => {
                self.options.iter().map(|o| vec![o.value.clone()]).collect()
            }
            _ => self.probes.iter().map(|p| vec![p.clone()]).collect(),
        }
    }
}

/// An answer the dossier cannot take, named by its question's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum QuestionsError {
    #[error("questions.toml: {0}")]
    Parse(String),
    #[error("questions.toml: question `{path}`: {reason}")]
    Invalid { path: String, reason: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    steps: Vec<Step>,
    environments: Vec<Step>,
    questions: Vec<Question>,
}

/// The questions, in order, with `data.*` expanded for each data set.
#[derive(Debug, Clone)]
pub struct Questionnaire {
    steps: Vec<Step>,
    questions: Vec<Question>,
    /// Each dossier field's question as written in the file (before expansion), by its last
    /// path component: what a message naming the field (`engaged_on`) is turned into.
    fields: Vec<(String, Question)>,
}

/// What the questionnaire makes of the answers so far.
#[derive(Debug)]
pub struct Evaluation {
    /// The dossier the answers describe, when they are valid.
    pub dossier: Option<Dossier>,
    pub assessment: Option<Assessment>,
    pub errors: Vec<FieldError>,
    /// The paths of the questions to ask, in order.
    pub asked: Vec<String>,
    /// Required answers still missing (the verdict is provisional until they are given).
    pub missing: Vec<String>,
}

impl Evaluation {
    pub fn is_asked(&self, path: &str) -> bool {
        self.asked.iter().any(|p| p == path)
    }
}

impl Questionnaire {
    /// The questionnaire compiled into the binary.
    pub fn embedded() -> Result<Self, QuestionsError> {
        Self::parse(include_str!("../questions.toml"))
    }

    pub fn parse(text: &str) -> Result<Self, QuestionsError> {
        let file: File = toml::from_str(text).map_err(|e| QuestionsError::Parse(e.to_string()))?;
        let mut questions = Vec::new();
        let mut fields = Vec::new();
        for q in file.questions {
            if let Some((_, last)) = q.path.rsplit_once('.') {
                let mut generic = q.clone();
                generic.fr = q.fr.replace("{env}", "chaque environnement");
                generic.en = q.en.replace("{env}", "each environment");
                fields.push((last.to_owned(), generic));
            }
            if !file.steps.iter().any(|s| s.id == q.step) {
                return Err(QuestionsError::Invalid {
                    path: q.path,
                    reason: format!("unknown step `{}`", q.step),
                });
            }
            if matches!(q.kind, Kind::Choice | Kind::Multi) && q.options.is_empty() {
                return Err(QuestionsError::Invalid {
                    path: q.path,
                    reason: "a choice needs options".into(),
                });
            }
            if let Some(field) = q.path.strip_prefix("data.*.") {
                for n in 0..DATA_SETS {
                    let mut copy = q.clone();
                    copy.path = format!("data.{n}.{field}");
                    copy.data_set = Some(n);
                    questions.push(copy);
                }
            } else if let Some(field) = q.path.strip_prefix("hosting.environments.*.") {
                for (rank, env) in file.environments.iter().enumerate() {
                    if !ENVIRONMENT_KINDS.contains(&env.id.as_str()) {
                        return Err(QuestionsError::Invalid {
                            path: q.path,
                            reason: format!("unknown environment `{}`", env.id),
                        });
                    }
                    let mut copy = q.clone();
                    copy.path = format!("hosting.environments.{}.{field}", env.id);
                    copy.fr = q.fr.replace("{env}", &env.fr);
                    copy.en = q.en.replace("{env}", &env.en);
                    copy.environment = Some(rank);
                    // The help is the same for every environment: said once, at production.
                    if rank > 0 {
                        copy.help_fr = None;
                        copy.help_en = None;
                    }
                    questions.push(copy);
                }
            } else {
                questions.push(q);
            }
        }
        // Data sets and environments one after the other, not field by field.
        questions.sort_by_key(|q| {
            let step = file.steps.iter().position(|s| s.id == q.step).unwrap_or(0);
            (
                step,
                q.data_set.unwrap_or(0),
                q.environment.map_or(0, |e| e + 1),
            )
        });
        Ok(Questionnaire {
            steps: file.steps,
            questions,
            fields,
        })
    }

    /// The embedded questionnaire, parsed once (`None` if the embedded file were invalid,
    /// which a test rules out).
    pub fn shared() -> Option<&'static Questionnaire> {
        static SHARED: std::sync::LazyLock<Option<Questionnaire>> =
            std::sync::LazyLock::new(|| Questionnaire::embedded().ok());
        SHARED.as_ref()
    }

    /// A message of the engine as a person reads it: the dossier fields it names between
    /// backticks (`engaged_on`, `breach_impacts = []`, `[hosting]`) become the questions'
    /// words (« Date d'engagement… »). What names no field (a resource's address) stays code.
    pub fn humanize(&self, text: &str, lang: Lang) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('`') {
            let Some(len) = rest[open + 1..].find('`') else {
                break;
            };
            out.push_str(&rest[..open]);
            let segment = &rest[open + 1..open + 1 + len];
            match self.field_words(segment, lang) {
                Some(words) => out.push_str(&words),
                None => {
                    out.push('`');
                    out.push_str(segment);
                    out.push('`');
                }
            }
            rest = &rest[open + 2 + len..];
        }
        out.push_str(rest);
        out
    }

    fn field_words(&self, segment: &str, lang: Lang) -> Option<String> {
        let (lhs, value) = match segment.split_once('=') {
            Some((l, v)) => (l.trim(), Some(v.trim().trim_matches('"'))),
            None => (segment.trim(), None),
        };
        let key = lhs.trim_matches(['[', ']']).trim();
        let pick = |fr: &str, en: &str| match lang {
            Lang::Fr => format!("« {fr} »"),
            Lang::En => format!("« {en} »"),
        };
        let section = match key {
            "project" => Some(pick("Projet", "Project")),
            "hosting" => Some(pick("Hébergement", "Hosting")),
            "hosting.environments" | "environments" => {
                Some(pick("environnements d'hébergement", "hosting environments"))
            }
            "data" => Some(pick("Données", "Data")),
            "safeguards" => Some(pick("Garanties", "Safeguards")),
            _ => None,
        };
        if section.is_some() && value.is_none() {
            return section;
        }
        // A dotted name is a dossier field only under one of its sections (`aws_instance.name`
        // is a resource's address).
        if let Some((head, _)) = key.split_once('.')
            && !matches!(head, "project" | "hosting" | "data" | "safeguards")
        {
            return None;
        }
        let last = key.rsplit('.').next().unwrap_or(key);
        if last.is_empty() || !last.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return None;
        }
        let q = &self.fields.iter().find(|(field, _)| field == last)?.1;
        let label = q
            .label(lang)
            .trim_end_matches(" (facultatif)")
            .trim_end_matches(" (optional)");
        let mut words = format!("« {label} »");
        if let Some(value) = value {
            let shown = match value {
                "[]" | "" => match lang {
                    Lang::Fr => "aucune réponse".to_owned(),
                    Lang::En => "no answer".to_owned(),
                },
                "true" => nuage_doctrine::vocabulary::yes_no(lang, true).to_owned(),
                "false" => nuage_doctrine::vocabulary::yes_no(lang, false).to_owned(),
                v => q
                    .options
                    .iter()
                    .find(|o| o.value == v)
                    .map_or_else(|| v.to_owned(), |o| o.label(lang).to_owned()),
            };
            words.push_str(" : ");
            words.push_str(&shown);
        }
        Some(words)
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The step after `id`, if any.
    pub fn next_step(&self, id: &str) -> Option<&Step> {
        let at = self.steps.iter().position(|s| s.id == id)?;
        self.steps.get(at + 1)
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn question(&self, path: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.path == path)
    }

    /// Replaces the answers to the questions of `step` that were asked with what the form
    /// posted (an unticked checkbox posts nothing, hence the replacement).
    pub fn apply_form(
        &self,
        answers: &mut Answers,
        step: &str,
        asked: &[String],
        form: &[(String, String)],
    ) {
        for q in self.questions.iter().filter(|q| q.step == step) {
            if !asked.contains(&q.path) {
                continue;
            }
            let values: Vec<String> = form
                .iter()
                .filter(|(k, _)| *k == q.path)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() {
                answers.remove(&q.path);
            } else {
                answers.insert(q.path.clone(), values);
            }
        }
    }

    /// Whether `q`'s `when` conditions hold, and for data sets after the first, whether the
    /// previous set is filled in.
    fn applies(&self, q: &Question, answers: &Answers) -> bool {
        let conditions = q.when.iter().all(|(path, values)| {
            let current = first(answers, path).or_else(|| default_of(path));
            current.is_some_and(|c| values.iter().any(|v| v == c))
        });
        let data_set = match q.data_set {
            None | Some(0) => true,
            Some(n) => {
                let previous_filled = self.data_set_used(answers, n - 1);
                previous_filled && (q.path.ends_with(".name") || self.data_set_used(answers, n))
            }
        };
        // An environment's zones and region once it has an offer (or « own servers »).
        let environment = match q.environment {
            Some(_) if !q.path.ends_with(".offer") => {
                let offer = q
                    .path
                    .rsplit_once('.')
                    .map_or(String::new(), |(env, _)| format!("{env}.offer"));
                first(answers, &offer).is_some()
            }
            _ => true,
        };
        conditions && data_set && environment
    }

    fn data_set_used(&self, answers: &Answers, n: usize) -> bool {
        let prefix = format!("data.{n}.");
        answers.keys().any(|k| k.starts_with(&prefix))
    }

    /// The dossier, as JSON, that the answers describe. With `stand_in`, missing required
    /// answers take a default and the first data set is always present (to probe questions).
    pub fn dossier_json(
        &self,
        answers: &Answers,
        stand_in: bool,
    ) -> Result<Value, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut project = Map::new();
        let mut hosting = Map::new();
        let mut safeguards = Map::new();
        let mut environments: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
        let mut data: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
        if stand_in {
            data.entry(0).or_default();
        }
        for q in &self.questions {
            if !self.applies(q, answers) {
                continue;
            }
            let Some(values) = answers.get(&q.path) else {
                continue;
            };
            let value = match convert(q, values) {
                Ok(Some(v)) => v,
                Ok(None) => continue,
                Err(message) => {
                    errors.push(FieldError {
                        path: q.path.clone(),
                        message,
                    });
                    continue;
                }
            };
            let mut parts = q.path.split('.');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some("project"), Some(field), None, None) => {
                    project.insert(field.into(), value);
                }
                (Some("hosting"), Some(field), None, None) => {
                    hosting.insert(field.into(), value);
                }
                (Some("safeguards"), Some(field), None, None) => {
                    safeguards.insert(field.into(), value);
                }
                (Some("hosting"), Some("environments"), Some(kind), Some(field)) => {
                    let at = ENVIRONMENT_KINDS
                        .iter()
                        .position(|k| *k == kind)
                        .unwrap_or(0);
                    let env = environments.entry(at).or_default();
                    match (field, value) {
                        // « Own servers »: the environment exists, without a catalog offer.
                        ("offer", Value::String(s)) if s == "own" => {}
                        (field, value) => {
                            env.insert(field.into(), value);
                        }
                    }
                    env.insert("kind".into(), json!(kind));
                }
                (Some("data"), Some(n), Some(field), None) => {
                    let n: usize = n.parse().unwrap_or(0);
                    data.entry(n).or_default().insert(field.into(), value);
                }
                _ => {}
            }
        }
        if !project.contains_key("name") {
            project.insert("name".into(), json!(if stand_in { "Projet" } else { "" }));
        }
        for (path, default) in REQUIRED {
            let (section, field) = path.split_once('.').unwrap_or((path, path));
            let target = if section == "project" {
                &mut project
            } else {
                &mut hosting
            };
            if !target.contains_key(field) && stand_in {
                let value = if path == "project.full_cost_eur" {
                    json!(0)
                } else {
                    json!(default)
                };
                target.insert(field.into(), value);
            }
        }
        // An environment row left empty (only its zones, say) is not an environment.
        let environments: Vec<Value> = environments
            .into_values()
            .filter(|env| env.len() > 1 || stand_in)
            .map(Value::Object)
            .collect();
        if !environments.is_empty() {
            hosting.insert("environments".into(), Value::Array(environments));
        }
        let data: Vec<Value> = data
            .into_iter()
            .map(|(n, mut set)| {
                if !set.contains_key("name") {
                    set.insert("name".into(), json!(format!("Jeu de données {}", n + 1)));
                }
                Value::Object(set)
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut dossier = Map::new();
        dossier.insert("project".into(), Value::Object(project));
        dossier.insert("hosting".into(), Value::Object(hosting));
        if !data.is_empty() {
            dossier.insert("data".into(), Value::Array(data));
        }
        if !safeguards.is_empty() {
            dossier.insert("safeguards".into(), Value::Object(safeguards));
        }
        Ok(Value::Object(dossier))
    }

    /// The dossier the answers describe, read like any dossier file (same checks).
    pub fn dossier(
        &self,
        answers: &Answers,
        catalog: &Catalog,
        stand_in: bool,
    ) -> Result<Dossier, Vec<FieldError>> {
        let json = self.dossier_json(answers, stand_in)?;
        read_dossier(&json.to_string(), Format::Json, catalog).map_err(|e| {
            vec![FieldError {
                path: e.field.clone().unwrap_or_default(),
                message: e.message.clone(),
            }]
        })
    }

    /// Assesses the answers and decides which questions to ask.
    pub fn evaluate(
        &self,
        answers: &Answers,
        catalog: &Catalog,
        today: Date,
        lang: Lang,
    ) -> Evaluation {
        let missing: Vec<String> = REQUIRED
            .iter()
            .map(|(p, _)| (*p).to_owned())
            .chain(std::iter::once("project.name".to_owned()))
            .filter(|p| first(answers, p).is_none())
            .collect();
        let (dossier, errors) = match self.dossier(answers, catalog, !missing.is_empty()) {
            Ok(d) => (Some(d), Vec::new()),
            Err(e) => (None, e),
        };
        let assessment = dossier
            .as_ref()
            .and_then(|d| assess(d, catalog, d.assessment_date(today), lang).ok());
        let baseline = self
            .dossier(answers, catalog, true)
            .ok()
            .and_then(|d| assess(&d, catalog, d.assessment_date(today), Lang::Fr).ok())
            .map(|a| Signature::of(&a));
        let signature = |trial: &Answers| {
            self.dossier(trial, catalog, true)
                .ok()
                .and_then(|d| assess(&d, catalog, d.assessment_date(today), Lang::Fr).ok())
                .map(|a| Signature::of(&a))
        };
        let with = |pairs: &[(&Question, &Vec<String>)]| {
            let mut trial = answers.clone();
            for (q, value) in pairs {
                trial.insert(q.path.clone(), (*value).clone());
            }
            trial
        };
        // Questions still open to the probe: they apply, are not always asked, not answered.
        let applying: Vec<&Question> = self
            .questions
            .iter()
            .filter(|q| self.applies(q, answers))
            .collect();
        let open: Vec<&Question> = applying
            .iter()
            .copied()
            .filter(|q| !q.always && !answers.contains_key(&q.path))
            .collect();
        let mut matters: Vec<&str> = Vec::new();
        match &baseline {
            // Nothing to compare with (invalid answers): ask rather than hide.
            None => matters.extend(open.iter().map(|q| q.path.as_str())),
            Some(base) => {
                // One answer alone changes what the engine decides.
                for q in &open {
                    let probes = q.probe_values();
                    if probes
                        .iter()
                        .any(|p| signature(&with(&[(q, p)])).as_ref() != Some(base))
                    {
                        matters.push(&q.path);
                    }
                }
                // Or two together: R9's test is cumulative (a secret or an essential mission,
                // and a harmful breach), so neither answer changes anything alone. Pairs are
                // tried within a step and a data set, each with the other's first value.
                for q in &open {
                    if matters.contains(&q.path.as_str()) {
                        continue;
                    }
                    let partners = open.iter().filter(|r| {
                        r.path != q.path && r.step == q.step && r.data_set == q.data_set
                    });
                    'partners: for r in partners {
                        let Some(r_value) = r.probe_values().into_iter().next() else {
                            continue;
                        };
                        let r_alone = signature(&with(&[(r, &r_value)]));
                        for p in q.probe_values() {
                            if signature(&with(&[(q, &p), (r, &r_value)])) != r_alone {
                                matters.push(&q.path);
                                break 'partners;
                            }
                        }
                    }
                }
            }
        }
        let asked: Vec<String> = applying
            .iter()
            .filter(|q| {
                q.always || answers.contains_key(&q.path) || matters.contains(&q.path.as_str())
            })
            .map(|q| q.path.clone())
            .collect();
        Evaluation {
            dossier,
            assessment,
            errors,
            asked,
            missing,
        }
    }

    /// The answers that describe `dossier` (an imported file), and what the questionnaire
    /// cannot carry (said to the user rather than dropped silently).
    pub fn answers_from(&self, dossier: &Dossier, catalog: &Catalog) -> (Answers, Vec<String>) {
        let mut answers = Answers::new();
        let value = serde_json::to_value(dossier).unwrap_or(Value::Null);
        for q in &self.questions {
            if let Some(found) = lookup(&value, &q.path) {
                let values = to_answer(q, found);
                if !values.is_empty() {
                    answers.insert(q.path.clone(), values);
                }
            }
        }
        if let Some(Value::Array(envs)) = value.pointer("/hosting/environments") {
            for env in envs {
                if env.get("offer").is_none() {
                    let kind = env.get("kind").and_then(Value::as_str).unwrap_or_default();
                    answers.insert(
                        format!("hosting.environments.{kind}.offer"),
                        vec!["own".into()],
                    );
                }
            }
        }
        let mut lost = Vec::new();
        match self.dossier(&answers, catalog, false) {
            Ok(rebuilt) if rebuilt == *dossier => {}
            Ok(rebuilt) => {
                let before = serde_json::to_value(dossier).unwrap_or(Value::Null);
                let after = serde_json::to_value(&rebuilt).unwrap_or(Value::Null);
                differences("", &before, &after, &mut lost);
            }
            Err(errors) => lost.extend(errors.into_iter().map(|e| e.message)),
        }
        (answers, lost)
    }
}

/// What the engine decides, compared to tell whether a question matters.
#[derive(Debug, PartialEq, Eq)]
struct Signature {
    decisions: (bool, bool, bool, bool, &'static str, &'static str),
    findings: Vec<(&'static str, &'static str)>,
    derogations: Vec<(&'static str, bool, Option<Date>)>,
}

impl Signature {
    fn of(a: &Assessment) -> Self {
        Signature {
            decisions: (
                a.in_scope,
                a.concerned,
                a.particularly_sensitive,
                a.secnumcloud_required,
                a.control_procedure.as_str(),
                a.verdict.as_str(),
            ),
            findings: a
                .findings
                .iter()
                .map(|f| (f.rule.as_str(), f.status.as_str()))
                .collect(),
            derogations: a
                .derogations
                .iter()
                .map(|d| (d.kind.as_str(), d.available, d.deadline))
                .collect(),
        }
    }
}

fn first<'a>(answers: &'a Answers, path: &str) -> Option<&'a str> {
    answers
        .get(path)
        .and_then(|v| v.first())
        .map(String::as_str)
}

fn default_of(path: &str) -> Option<&'static str> {
    REQUIRED.iter().find(|(p, _)| *p == path).map(|(_, d)| *d)
}

/// One question's form values as a dossier value; `None` when the answer means « absent ».
fn convert(q: &Question, values: &[String]) -> Result<Option<Value>, String> {
    let Some(one) = values.first().map(String::as_str) else {
        return Ok(None);
    };
    Ok(Some(match q.kind {
        Kind::Text | Kind::Offer => json!(one),
        Kind::Choice => {
            if !q.options.iter().any(|o| o.value == one) {
                return Err(format!("« {one} » n'est pas un choix proposé"));
            }
            json!(one)
        }
        Kind::Multi => {
            for v in values {
                if !q.options.iter().any(|o| o.value == *v) {
                    return Err(format!("« {v} » n'est pas un choix proposé"));
                }
            }
            json!(values)
        }
        Kind::Bool => json!(one == "true"),
        Kind::Tristate => match one {
            "yes" => json!(true),
            "no" => json!(false),
            _ => return Ok(None),
        },
        Kind::Money => {
            let digits: String = one
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
                .collect();
            let euros: u64 = digits.trim_end_matches('€').parse().map_err(|_| {
                format!("« {one} » : un montant en euros, sans centimes (par exemple 3500000)")
            })?;
            json!(euros)
        }
        Kind::Percent => {
            let percent: f64 = one
                .trim_end_matches('%')
                .trim()
                .replace(',', ".")
                .parse()
                .map_err(|_| format!("« {one} » : un pourcentage entre 0 et 100"))?;
            if !(0.0..=100.0).contains(&percent) {
                return Err(format!("« {one} » : un pourcentage entre 0 et 100"));
            }
            json!(percent / 100.0)
        }
        Kind::Date => {
            let parts: Vec<&str> = one.split('-').collect();
            let valid = match parts.as_slice() {
                [y, m, d] => match (y.parse(), m.parse(), d.parse()) {
                    (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).is_some(),
                    _ => false,
                },
                _ => false,
            };
            if !valid {
                return Err(format!("« {one} » : une date AAAA-MM-JJ"));
            }
            json!(one)
        }
        Kind::Number => {
            let n: u32 = one
                .parse()
                .map_err(|_| format!("« {one} » : un nombre entier"))?;
            json!(n)
        }
        Kind::List => {
            let items: Vec<&str> = values
                .iter()
                .flat_map(|v| v.split([',', '\n']))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            json!(items)
        }
    }))
}

/// The value at a question's path in a dossier's JSON.
fn lookup<'a>(dossier: &'a Value, path: &str) -> Option<&'a Value> {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["hosting", "environments", kind, field] => dossier
            .pointer("/hosting/environments")?
            .as_array()?
            .iter()
            .find(|e| e.get("kind").and_then(Value::as_str) == Some(kind))?
            .get(field),
        _ => dossier.pointer(&format!("/{}", parts.join("/"))),
    }
}

fn to_answer(q: &Question, value: &Value) -> Vec<String> {
    match (q.kind, value) {
        (Kind::Tristate, Value::Bool(b)) => vec![if *b { "yes" } else { "no" }.into()],
        (Kind::Bool, Value::Bool(false)) => Vec::new(),
        (Kind::Percent, Value::Number(n)) => {
            vec![format!(
                "{}",
                (n.as_f64().unwrap_or(0.0) * 100.0 * 1000.0).round() / 1000.0
            )]
        }
        (Kind::List, Value::Array(items)) => vec![
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ],
        (_, Value::Array(items)) => items.iter().map(scalar).collect(),
        (_, other) => vec![scalar(other)],
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The dotted paths where two dossiers differ.
fn differences(at: &str, before: &Value, after: &Value, out: &mut Vec<String>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                differences(&path, v, b.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(&format!("{at}[{i}]"), x, y, out);
            }
        }
        (a, b) if a != b => out.push(at.to_owned()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Questionnaire, Catalog) {
        (
            Questionnaire::embedded().unwrap(),
            Catalog::embedded().unwrap(),
        )
    }

    fn today() -> Date {
        Date::new(2026, 11, 23).unwrap()
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        let mut a = Answers::new();
        for (k, v) in pairs {
            a.entry((*k).to_owned()).or_default().push((*v).to_owned());
        }
        a
    }

    #[test]
    fn every_source_is_a_document_of_the_doctrine() {
        let (q, _) = setup();
        let editions = nuage_doctrine::Editions::embedded().unwrap();
        for x in q.questions() {
            if let Some(id) = &x.source {
                let doc = editions.document(id);
                assert!(doc.is_some(), "{}: {id}", x.path);
            }
        }
        let plan = q.question("safeguards.reversibility_plan").unwrap();
        let doc = editions.document(plan.source.as_deref().unwrap()).unwrap();
        assert!(doc.url.is_some(), "the safeguards' source is a link");
    }

    #[test]
    fn messages_name_questions_not_fields() {
        let q = Questionnaire::shared().unwrap();
        let text = q.humanize(
            "Give `engaged_on`; `breach_impacts = []` says nothing; `approach = \"saas\"`; see `aws_instance.name` and `[hosting]`.",
            Lang::Fr,
        );
        assert!(!text.contains("engaged_on"), "{text}");
        assert!(!text.contains("breach_impacts"), "{text}");
        assert!(
            text.contains("« Date d'engagement ou de contractualisation »"),
            "{text}"
        );
        assert!(
            text.contains(
                "« Une violation de ces données porterait atteinte à… » : aucune réponse"
            ),
            "{text}"
        );
        assert!(
            text.contains("Logiciel en tant que service (SaaS)"),
            "{text}"
        );
        assert!(
            text.contains("`aws_instance.name`"),
            "a resource's address stays code: {text}"
        );
        assert!(text.contains("« Hébergement »"), "{text}");
        let en = q.humanize("`engaged_on`", Lang::En);
        assert_eq!(en, "« Date the project was engaged or contracted »");
    }

    #[test]
    fn every_step_has_questions_and_paths_are_unique() {
        let (q, _) = setup();
        for step in q.steps() {
            assert!(
                q.questions().iter().any(|x| x.step == step.id),
                "{}",
                step.id
            );
        }
        let mut paths: Vec<_> = q.questions().iter().map(|x| &x.path).collect();
        let n = paths.len();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), n);
    }

    #[test]
    fn a_local_authority_is_not_asked_about_safeguards() {
        let (q, catalog) = setup();
        let local = answers(&[
            ("project.name", "Cantine"),
            ("project.entity_kind", "local_authority"),
            ("project.nature", "new"),
            ("project.full_cost_eur", "50000"),
            ("hosting.approach", "on_premise"),
        ]);
        let e = q.evaluate(&local, &catalog, today(), Lang::Fr);
        assert_eq!(
            e.assessment.as_ref().unwrap().verdict.as_str(),
            "not_applicable"
        );
        assert!(
            !e.is_asked("safeguards.reversibility_plan"),
            "{:?}",
            e.asked
        );
        let central = answers(&[
            ("project.name", "Portail"),
            ("project.entity_kind", "central_administration"),
            ("project.nature", "new"),
            ("project.full_cost_eur", "50000"),
            ("hosting.approach", "cloud"),
            ("hosting.environments.production.offer", "outscale-iaas"),
        ]);
        let e = q.evaluate(&central, &catalog, today(), Lang::Fr);
        assert!(e.is_asked("safeguards.reversibility_plan"), "{:?}", e.asked);
    }

    #[test]
    fn breach_impacts_are_asked_once_a_first_criterion_holds() {
        let (q, catalog) = setup();
        let mut a = answers(&[
            ("project.name", "Portail"),
            ("project.entity_kind", "central_administration"),
            ("project.nature", "new"),
            ("project.full_cost_eur", "50000"),
            ("hosting.approach", "cloud"),
            ("hosting.environments.production.offer", "aws"),
        ]);
        let before = q.evaluate(&a, &catalog, today(), Lang::Fr);
        // Neither criterion changes anything alone; together they make the data sensitive.
        assert!(
            before.is_asked("data.0.legal_secrets"),
            "{:?}",
            before.asked
        );
        a.insert("data.0.legal_secrets".into(), vec!["private_life".into()]);
        let after = q.evaluate(&a, &catalog, today(), Lang::Fr);
        assert!(after.is_asked("data.0.breach_impacts"), "{:?}", after.asked);
        // Before, it may be asked too: declaring any criterion documents the data, which
        // turns R9's « describe your data » into a decision. The engine decides, not this list.
        let _ = before;
    }

    #[test]
    fn evolution_share_is_only_asked_for_evolutions() {
        let (q, catalog) = setup();
        let mut a = answers(&[("project.nature", "new")]);
        assert!(
            !q.evaluate(&a, &catalog, today(), Lang::Fr)
                .is_asked("project.evolution_share")
        );
        a.insert("project.nature".into(), vec!["evolution".into()]);
        assert!(
            q.evaluate(&a, &catalog, today(), Lang::Fr)
                .is_asked("project.evolution_share")
        );
    }

    #[test]
    fn bad_answers_name_their_field() {
        let (q, catalog) = setup();
        let a = answers(&[
            ("project.full_cost_eur", "trois millions"),
            ("project.engaged_on", "2024-02-30"),
        ]);
        let e = q.evaluate(&a, &catalog, today(), Lang::Fr);
        let fields: Vec<_> = e.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(fields, ["project.full_cost_eur", "project.engaged_on"]);
        assert!(e.assessment.is_none());
    }

    #[test]
    fn an_example_dossier_survives_import_and_rebuild() {
        let (q, catalog) = setup();
        let text = include_str!("../../../examples/portail-demarches.toml");
        let dossier = read_dossier(text, Format::Toml, &catalog).unwrap();
        let (answers, lost) = q.answers_from(&dossier, &catalog);
        let rebuilt = q.dossier(&answers, &catalog, false).unwrap();
        // `assessed_on` is not a question: the form assesses on the day.
        let mut expected = dossier.clone();
        expected.assessed_on = None;
        assert_eq!(rebuilt, expected, "lost: {lost:?}");
    }

    #[test]
    fn a_money_answer_accepts_spaces() {
        let (q, _) = setup();
        let cost = q.question("project.full_cost_eur").unwrap();
        assert_eq!(
            convert(cost, &["3 500 000".into()]).unwrap(),
            Some(json!(3_500_000))
        );
        assert!(convert(cost, &["-5".into()]).is_err());
    }
}
