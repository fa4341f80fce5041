//! The questionnaire's pages: drafts, steps, the live verdict, import and export, saving a project.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nuage_doctrine::Format;
use nuage_doctrine::Label as _;
use nuage_registry::{DraftId, OrganisationId, Role};
use nuage_web::{Answers, Kind};
use serde::Deserialize;

use super::login::CsrfOnly;
use super::views::VerdictView;
use super::{Chrome, Viewer, filters, html};
use crate::AppState;
use crate::limits::Client;
use crate::projects::{DossierInput, registry_problem};

/// A draft the viewer may open: anyone with its address while nobody owns it, then its owner.
pub(super) async fn open_draft(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<(DraftId, Answers), Response> {
    let not_found = || {
        viewer.error(
            state,
            StatusCode::NOT_FOUND,
            viewer.t("Brouillon introuvable", "Draft not found"),
            viewer.t(
                "Ce brouillon n'existe pas ou n'est pas le vôtre.",
                "This draft does not exist or is not yours.",
            ),
        )
    };
    let id = DraftId::parse(id).ok_or_else(not_found)?;
    let draft = match state.registry.draft(&id).await {
        Ok(d) => d,
        Err(nuage_registry::Error::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(viewer.problem(state, registry_problem(e))),
    };
    if let Some(owner) = draft.user_id
        && viewer.user().map(|u| u.id) != Some(owner)
    {
        return Err(not_found());
    }
    let answers = serde_json::from_str(&draft.answers).unwrap_or_default();
    Ok((id, answers))
}

/// A client that is not logged in starts a bounded number of drafts an hour.
fn anonymous_draft_allowed(
    state: &AppState,
    viewer: &Viewer,
    client: Client,
) -> Result<(), Response> {
    if viewer.user().is_some()
        || state.anonymous_drafts.allow(
            client.0,
            state.limits.anonymous_drafts_per_hour,
            std::time::Duration::from_secs(3600),
        )
    {
        return Ok(());
    }
    Err(viewer.error(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        viewer.t("Trop de brouillons", "Too many drafts"),
        viewer.t(
            "Vous avez commencé beaucoup de brouillons sans vous connecter : connectez-vous, ou réessayez dans une heure.",
            "You started many drafts without logging in: log in, or try again in an hour.",
        ),
    ))
}

pub(super) async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    client: Client,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&state, form.csrf.as_deref()) {
        return r;
    }
    if let Err(r) = anonymous_draft_allowed(&state, &viewer, client) {
        return r;
    }
    match state.registry.create_draft(viewer.user(), "{}").await {
        Ok(draft) => Redirect::to(&format!("/questionnaire/{}/entite", draft.id)).into_response(),
        Err(e) => viewer.problem(&state, registry_problem(e)),
    }
}

pub(super) async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    client: Client,
    mut form: Multipart,
) -> Response {
    let mut csrf = None;
    let mut file: Option<(String, String)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let filename = field.file_name().unwrap_or_default().to_owned();
                let Ok(text) = field.text().await else {
                    return viewer.error(
                        &state,
                        StatusCode::BAD_REQUEST,
                        viewer.t("Fichier illisible", "Unreadable file"),
                        viewer.t(
                            "Le dossier doit être un fichier texte UTF-8.",
                            "The dossier must be a UTF-8 text file.",
                        ),
                    );
                };
                match name.as_str() {
                    "_csrf" => csrf = Some(text),
                    "dossier" => file = Some((filename, text)),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => return viewer.error(&state, StatusCode::BAD_REQUEST, "400", &e.body_text()),
        }
    }
    if let Err(r) = viewer.check_csrf(&state, csrf.as_deref()) {
        return r;
    }
    let Some((filename, text)) = file.filter(|(_, t)| !t.trim().is_empty()) else {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Aucun fichier", "No file"),
            viewer.t(
                "Choisissez un fichier de dossier à importer.",
                "Choose a dossier file to import.",
            ),
        );
    };
    let format = filename
        .rsplit_once('.')
        .and_then(|(_, ext)| Format::from_extension(ext))
        .unwrap_or(Format::Toml);
    let read = match crate::blocking::read(&state.catalog, text, format).await {
        Ok(read) => read,
        Err(p) => return viewer.problem(&state, p),
    };
    let dossier = match read {
        Ok(d) => d,
        Err(e) => {
            let detail = format!("{filename}: {e}");
            return viewer.error(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                viewer.t("Dossier invalide", "Invalid dossier"),
                &detail,
            );
        }
    };
    let (answers, lost) = state.questionnaire.answers_from(&dossier, &state.catalog);
    let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    if let Err(r) = anonymous_draft_allowed(&state, &viewer, client) {
        return r;
    }
    let draft = match state.registry.create_draft(viewer.user(), &json).await {
        Ok(d) => d,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let mut notices = vec![format!(
        "{} {filename}.",
        viewer.t("Dossier importé depuis", "Dossier imported from")
    )];
    if !lost.is_empty() {
        notices.push(format!(
            "{} {}",
            viewer.t(
                "Ces champs du fichier ne sont pas repris par le questionnaire (utilisez l'API ou la ligne de commande pour les garder) :",
                "These fields of the file are not carried by the questionnaire (use the API or the command line to keep them):"
            ),
            lost.join(", ")
        ));
    }
    render_step(
        &state,
        &viewer,
        &draft.id,
        "entite",
        &answers,
        Vec::new(),
        notices,
    )
    .await
}

#[derive(Debug)]
pub(super) struct QuestionView {
    path: String,
    id: String,
    kind: &'static str,
    label: String,
    help: Option<String>,
    cite: Option<String>,
    /// The cited text's address, from the doctrine's documents.
    source_url: Option<String>,
    value: String,
    /// (value, label, selected)
    options: Vec<(String, String, bool)>,
    /// For an offer: the catalog's offers by group (the doctrine's grouping).
    groups: Vec<OptionGroup>,
    error: Option<String>,
}

#[derive(Debug)]
pub(super) struct OptionGroup {
    label: String,
    /// Whether these offers may host particularly sensitive data (in some region).
    trusted: bool,
    /// (value, label, selected)
    options: Vec<(String, String, bool)>,
}

/// Questions shown together: a data set, an environment; the ones not yet needed folded
/// behind a button (« ajouter un jeu de données », « ajouter un environnement »).
#[derive(Debug)]
pub(super) struct BlockView {
    id: String,
    title: Option<String>,
    /// Folded under this summary, unless `open`.
    fold: Option<String>,
    open: bool,
    questions: Vec<QuestionView>,
}

/// Environments asked first; the others come with « ajouter un environnement ».
const COMMON_ENVIRONMENTS: usize = 3;

/// The catalog's regions and zones of each offer, for the script that fills the region and
/// zone choices when the offer changes: `{offer: [[region, label, [zones…]], …]}`.
fn regions_json(state: &AppState) -> String {
    let map: serde_json::Map<String, serde_json::Value> = state
        .catalog
        .offers()
        .iter()
        .filter(|o| !o.regions.is_empty())
        .map(|o| {
            let regions: Vec<serde_json::Value> = o
                .regions
                .iter()
                .map(|r| serde_json::json!([r.code, region_label(r), r.zones]))
                .collect();
            (o.id.clone(), serde_json::Value::Array(regions))
        })
        .collect();
    // Inside a <script> element: `<` escaped so that no text closes it.
    serde_json::Value::Object(map)
        .to_string()
        .replace('<', "\\u003c")
}

fn region_label(r: &nuage_catalog::Region) -> String {
    match &r.name {
        Some(name) => format!("{} — {name} ({})", r.code, r.country),
        None => format!("{} ({})", r.code, r.country),
    }
}

/// Which of the engine's decisions the answers so far can carry: before an answer, nothing is
/// shown as decided (the engine would decide it on stand-in values).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Known {
    scope: bool,
    concern: bool,
    data: bool,
    cost: bool,
}

impl Known {
    pub(super) fn of(answers: &Answers) -> Self {
        Known {
            scope: answers.contains_key("project.entity_kind"),
            concern: answers.contains_key("project.nature"),
            data: answers.keys().any(|k| k.starts_with("data.")),
            cost: answers.contains_key("project.full_cost_eur"),
        }
    }

    pub(super) fn any(&self) -> bool {
        self.scope || self.concern || self.data || self.cost
    }
}

#[derive(Template)]
#[template(path = "questionnaire.html")]
pub(super) struct StepPage {
    chrome: Chrome,
    draft: String,
    step: String,
    step_label: String,
    step_number: usize,
    step_count: usize,
    next_label: Option<String>,
    previous: Option<String>,
    steps: Vec<(String, String)>,
    blocks: Vec<BlockView>,
    asked_key: String,
    /// For the hosting step's script: the catalog's regions and zones by offer (JSON).
    regions: Option<String>,
    errors: Vec<(String, String)>,
    notices: Vec<String>,
    verdict: Option<VerdictView>,
    missing: Vec<String>,
    known: Known,
}

pub(super) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Choice => "choice",
        Kind::Multi => "multi",
        Kind::Bool => "bool",
        Kind::Tristate => "tristate",
        Kind::Money => "money",
        Kind::Percent => "percent",
        Kind::Date => "date",
        Kind::Number => "number",
        Kind::List => "list",
        Kind::Offer => "offer",
    }
}

pub(super) async fn render_step(
    state: &AppState,
    viewer: &Viewer,
    draft: &DraftId,
    step: &str,
    answers: &Answers,
    extra_errors: Vec<(String, String)>,
    notices: Vec<String>,
) -> Response {
    let q = &state.questionnaire;
    let Some(current) = q.step(step) else {
        return viewer.error(
            state,
            StatusCode::NOT_FOUND,
            "404",
            viewer.t("Étape inconnue.", "Unknown step."),
        );
    };
    let lang = viewer.lang;
    let evaluation =
        match crate::blocking::evaluate(q, &state.catalog, answers, (state.today)(), lang).await {
            Ok(e) => e,
            Err(p) => return viewer.problem(state, p),
        };
    let field_errors: BTreeMap<&str, &str> = evaluation
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    let editions = nuage_doctrine::Editions::embedded().ok();
    let today = (state.today)();
    let offer_of = |path: &str| -> Option<&nuage_catalog::Offer> {
        let (env, _) = path.rsplit_once('.')?;
        let chosen = answers.get(&format!("{env}.offer"))?.first()?;
        state.catalog.offer(chosen)
    };
    let view = |x: &nuage_web::Question| -> QuestionView {
        let given = answers.get(&x.path).cloned().unwrap_or_default();
        let mut kind = kind_name(x.kind);
        let mut groups = Vec::new();
        let options: Vec<(String, String)> = match x.kind {
            Kind::Tristate => vec![
                ("yes".to_owned(), viewer.t("Oui", "Yes").to_owned()),
                ("no".to_owned(), viewer.t("Non", "No").to_owned()),
                (
                    "unknown".to_owned(),
                    viewer
                        .t("Je ne sais pas encore", "I do not know yet")
                        .to_owned(),
                ),
            ],
            Kind::Offer => {
                let mut by_group: BTreeMap<nuage_doctrine::OfferGroup, Vec<(String, String)>> =
                    BTreeMap::new();
                for offer in state.catalog.offers() {
                    by_group
                        .entry(nuage_doctrine::OfferGroup::of(&state.catalog, offer, today))
                        .or_default()
                        .push((
                            offer.id.clone(),
                            format!("{} — {}", offer.name, offer.provider),
                        ));
                }
                groups = nuage_doctrine::OfferGroup::ALL
                    .iter()
                    .filter_map(|g| {
                        let offers = by_group.remove(g)?;
                        Some(OptionGroup {
                            label: g.label(lang).to_owned(),
                            trusted: g.suits_sensitive_data(),
                            options: offers
                                .into_iter()
                                .map(|(v, l)| {
                                    let selected = given.contains(&v);
                                    (v, l, selected)
                                })
                                .collect(),
                        })
                    })
                    .collect();
                vec![
                    (
                        String::new(),
                        viewer
                            .t(
                                "— Aucune (pas cet environnement) —",
                                "— None (no such environment) —",
                            )
                            .to_owned(),
                    ),
                    (
                        "own".to_owned(),
                        viewer
                            .t(
                                "Serveurs de l'administration (hors catalogue)",
                                "The administration's own servers (not in the catalog)",
                            )
                            .to_owned(),
                    ),
                ]
            }
            // The chosen offer's regions, from the catalog (free text when it lists none).
            Kind::Text if x.path.ends_with(".region") => match offer_of(&x.path) {
                Some(offer) if !offer.regions.is_empty() => {
                    kind = "region";
                    let mut o = vec![(
                        String::new(),
                        viewer.t("— Non précisée —", "— Not given —").to_owned(),
                    )];
                    o.extend(
                        offer
                            .regions
                            .iter()
                            .map(|r| (r.code.clone(), region_label(r))),
                    );
                    // A region the catalog does not list stays visible, to be changed.
                    if let Some(v) = given.first()
                        && !offer.regions.iter().any(|r| &r.code == v)
                    {
                        o.push((v.clone(), v.clone()));
                    }
                    o
                }
                _ => Vec::new(),
            },
            // The chosen region's zones, when the catalog lists them.
            Kind::List if x.path.contains(".environments.") && x.path.ends_with(".zones") => {
                let region = x
                    .path
                    .rsplit_once('.')
                    .and_then(|(env, _)| answers.get(&format!("{env}.region")))
                    .and_then(|v| v.first());
                let zones = offer_of(&x.path)
                    .zip(region)
                    .and_then(|(o, r)| o.region(r))
                    .map(|r| r.zones.clone())
                    .unwrap_or_default();
                if zones.is_empty() {
                    Vec::new()
                } else {
                    kind = "zones";
                    zones.into_iter().map(|z| (z.clone(), z)).collect()
                }
            }
            _ => x
                .options
                .iter()
                .map(|c| (c.value.clone(), c.label(lang).to_owned()))
                .collect(),
        };
        let chosen: Vec<String> = given
            .iter()
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .collect();
        let options = options
            .into_iter()
            .map(|(value, text)| {
                let selected = if value.is_empty() {
                    given.is_empty()
                } else {
                    chosen.contains(&value)
                };
                (value, text, selected)
            })
            .collect();
        QuestionView {
            path: x.path.clone(),
            id: x.html_id(),
            kind,
            label: x.label(lang).to_owned(),
            help: x.help(lang).map(str::to_owned),
            cite: x.cite.clone(),
            source_url: x
                .source
                .as_deref()
                .and_then(|id| editions.and_then(|e| e.document(id)))
                .and_then(|d| d.url.clone()),
            value: given.join(", "),
            options,
            groups,
            error: field_errors.get(x.path.as_str()).map(|m| (*m).to_owned()),
        }
    };
    let mut blocks: Vec<BlockView> = Vec::new();
    let mut rare_open = false;
    for x in q
        .questions()
        .iter()
        .filter(|x| x.step == step && evaluation.is_asked(&x.path))
    {
        let (id, title, fold, open) = match (x.data_set, x.environment) {
            (Some(n), _) => {
                let used = answers.keys().any(|k| k.starts_with(&format!("data.{n}.")));
                let title = format!("{} {}", viewer.t("Jeu de données", "Data set"), n + 1);
                let fold = (n > 0 && !used).then(|| {
                    viewer
                        .t("Ajouter un jeu de données", "Add a data set")
                        .to_owned()
                });
                (format!("jeu-{}", n + 1), Some(title), fold, used)
            }
            (_, Some(rank)) if rank >= COMMON_ENVIRONMENTS => {
                if answers.contains_key(&x.path) {
                    rare_open = true;
                }
                (
                    "environnements-rares".to_owned(),
                    None,
                    Some(
                        viewer
                            .t(
                                "Ajouter un environnement (développement, formation, bac à sable)",
                                "Add an environment (development, training, sandbox)",
                            )
                            .to_owned(),
                    ),
                    false,
                )
            }
            _ => ("questions-generales".to_owned(), None, None, true),
        };
        let question = view(x);
        match blocks.last_mut() {
            Some(b) if b.id == id => b.questions.push(question),
            _ => blocks.push(BlockView {
                id,
                title,
                fold,
                open,
                questions: vec![question],
            }),
        }
    }
    for b in &mut blocks {
        if b.id == "environnements-rares" {
            b.open = rare_open;
        }
    }
    let mut errors: Vec<(String, String)> = evaluation
        .errors
        .iter()
        .map(|e| {
            let label = q
                .question(&e.path)
                .map_or(e.path.as_str(), |x| x.label(lang));
            let anchor = q
                .question(&e.path)
                .map_or_else(|| "questionnaire".to_owned(), |x| x.html_id());
            (anchor, format!("{label} : {}", e.message))
        })
        .collect();
    errors.extend(extra_errors);
    let steps = q.steps();
    let at = steps.iter().position(|s| s.id == step).unwrap_or(0);
    let missing = evaluation
        .missing
        .iter()
        .map(|p| {
            q.question(p)
                .map_or(p.clone(), |x| x.label(lang).to_owned())
        })
        .collect();
    // What the questions on screen depend on: which are asked, and the offers and regions
    // that give their choices (the script redraws the questions when this changes).
    let asked_key = blocks
        .iter()
        .flat_map(|b| &b.questions)
        .map(|x| match x.kind {
            "offer" | "region" => format!("{}={}", x.path, x.value),
            _ => x.path.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let page = StepPage {
        chrome: viewer.chrome(
            state,
            format!(
                "{} — {}",
                viewer.t("Questionnaire", "Questionnaire"),
                current.label(lang)
            ),
            "questionnaire",
        ),
        draft: draft.to_string(),
        step: step.to_owned(),
        step_label: current.label(lang).to_owned(),
        step_number: at + 1,
        step_count: steps.len(),
        next_label: q.next_step(step).map(|s| s.label(lang).to_owned()),
        previous: at
            .checked_sub(1)
            .and_then(|i| steps.get(i))
            .map(|s| s.id.clone()),
        steps: steps
            .iter()
            .map(|s| (s.id.clone(), s.label(lang).to_owned()))
            .collect(),
        regions: (step == "hebergement").then(|| regions_json(state)),
        blocks,
        asked_key,
        errors,
        notices,
        verdict: evaluation
            .assessment
            .as_ref()
            .map(|a| VerdictView::of(a, &state.catalog)),
        missing,
        known: Known::of(answers),
    };
    html(&page)
}

pub(super) async fn step_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, step)): Path<(String, String)>,
) -> Response {
    let (draft, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    render_step(
        &state,
        &viewer,
        &draft,
        &step,
        &answers,
        Vec::new(),
        Vec::new(),
    )
    .await
}

pub(super) async fn step_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, step)): Path<(String, String)>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let token = form
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    if let Err(r) = viewer.check_csrf(&state, token) {
        return r;
    }
    let (draft, mut answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let q = &state.questionnaire;
    if q.step(&step).is_none() {
        return viewer.error(
            &state,
            StatusCode::NOT_FOUND,
            "404",
            viewer.t("Étape inconnue.", "Unknown step."),
        );
    }
    let today = (state.today)();
    let before =
        match crate::blocking::evaluate(q, &state.catalog, &answers, today, viewer.lang).await {
            Ok(e) => e,
            Err(p) => return viewer.problem(&state, p),
        };
    let previous = answers.clone();
    q.apply_form(&mut answers, &step, &before.asked, &form);
    reset_places(&state.catalog, &previous, &mut answers);
    let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    if let Err(e) = state
        .registry
        .save_draft(&draft, viewer.user(), &json)
        .await
    {
        return viewer.problem(&state, registry_problem(e));
    }
    let action = form
        .iter()
        .find(|(k, _)| k == "_action")
        .map_or("save", |(_, v)| v.as_str());
    if headers.contains_key("x-nuage-partial") || action != "next" {
        return render_step(
            &state,
            &viewer,
            &draft,
            &step,
            &answers,
            Vec::new(),
            Vec::new(),
        )
        .await;
    }
    let after =
        match crate::blocking::evaluate(q, &state.catalog, &answers, today, viewer.lang).await {
            Ok(e) => e,
            Err(p) => return viewer.problem(&state, p),
        };
    let in_step = |e: &nuage_web::Evaluation| -> Vec<String> {
        e.asked
            .iter()
            .filter(|p| q.question(p).is_some_and(|x| x.step == step))
            .cloned()
            .collect()
    };
    let step_errors = after
        .errors
        .iter()
        .any(|e| q.question(&e.path).is_some_and(|x| x.step == step));
    let appeared: Vec<String> = in_step(&after)
        .into_iter()
        .filter(|p| !before.asked.contains(p) && !answers.contains_key(p))
        .collect();
    if step_errors || !appeared.is_empty() {
        let notices = if appeared.is_empty() {
            Vec::new()
        } else {
            vec![
                viewer
                    .t(
                        "Vos réponses appellent de nouvelles questions dans cette étape.",
                        "Your answers call for new questions in this step.",
                    )
                    .to_owned(),
            ]
        };
        return render_step(
            &state,
            &viewer,
            &draft,
            &step,
            &answers,
            Vec::new(),
            notices,
        )
        .await;
    }
    let target = match q.next_step(&step) {
        Some(next) => format!("/questionnaire/{draft}/{}", next.id),
        None => format!("/questionnaire/{draft}/verdict"),
    };
    Redirect::to(&target).into_response()
}

/// When an environment's offer changes, its region and zones chosen for the previous offer
/// go (unless the new offer has them too): an old region must not linger and decide the
/// verdict unseen.
fn reset_places(catalog: &nuage_catalog::Catalog, before: &Answers, answers: &mut Answers) {
    let offers: Vec<String> = answers
        .keys()
        .chain(before.keys())
        .filter(|k| k.starts_with("hosting.environments.") && k.ends_with(".offer"))
        .cloned()
        .collect();
    for key in offers {
        let Some(env) = key.strip_suffix(".offer") else {
            continue;
        };
        let old = before.get(&key).and_then(|v| v.first());
        let new = answers.get(&key).and_then(|v| v.first()).cloned();
        if old == new.as_ref() {
            continue;
        }
        let offer = new.as_deref().and_then(|id| catalog.offer(id));
        let region_key = format!("{env}.region");
        let zones_key = format!("{env}.zones");
        let region = answers.get(&region_key).and_then(|v| v.first()).cloned();
        let kept = match (offer, region) {
            (Some(o), Some(r)) => o.region(&r).map(|r| r.zones.clone()),
            _ => None,
        };
        match kept {
            Some(zones) => {
                if let Some(given) = answers.get_mut(&zones_key) {
                    let list: Vec<String> = given
                        .iter()
                        .flat_map(|v| v.split(','))
                        .map(|z| z.trim().to_owned())
                        .filter(|z| zones.contains(z))
                        .collect();
                    if list.is_empty() {
                        answers.remove(&zones_key);
                    } else {
                        *given = list;
                    }
                }
            }
            None => {
                answers.remove(&region_key);
                answers.remove(&zones_key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_offer_drops_the_old_offers_region_and_zones() {
        let catalog = nuage_catalog::Catalog::embedded().unwrap();
        let mut before = Answers::new();
        let env = "hosting.environments.production";
        before.insert(format!("{env}.offer"), vec!["aws".into()]);
        before.insert(format!("{env}.region"), vec!["eu-west-3".into()]);
        before.insert(
            format!("{env}.zones"),
            vec!["eu-west-3a, eu-west-3b".into()],
        );
        let mut after = before.clone();
        after.insert(format!("{env}.offer"), vec!["outscale-iaas".into()]);
        reset_places(&catalog, &before, &mut after);
        assert!(!after.contains_key(&format!("{env}.region")), "{after:?}");
        assert!(!after.contains_key(&format!("{env}.zones")), "{after:?}");
        // The same offer keeps its places; a new offer's own region chosen with it stays.
        let mut same = before.clone();
        reset_places(&catalog, &before, &mut same);
        assert_eq!(same, before);
        let mut chosen = before.clone();
        chosen.insert(format!("{env}.offer"), vec!["outscale-iaas".into()]);
        chosen.insert(format!("{env}.region"), vec!["cloudgouv-eu-west-1".into()]);
        chosen.insert(
            format!("{env}.zones"),
            vec!["cloudgouv-eu-west-1a".into(), "eu-west-3a".into()],
        );
        reset_places(&catalog, &before, &mut chosen);
        assert_eq!(
            chosen[&format!("{env}.zones")],
            vec!["cloudgouv-eu-west-1a".to_owned()]
        );
    }
}

#[derive(Template)]
#[template(path = "draft_verdict.html")]
pub(super) struct DraftVerdictPage {
    chrome: Chrome,
    draft: String,
    title: String,
    verdict: Option<VerdictView>,
    errors: Vec<String>,
    /// (id, name) of the organisations the viewer may create a project in.
    organisations: Vec<(String, String)>,
    /// The project this draft became or edits: (id, name, dossier version it is in step with).
    linked: Option<(i64, String, i64)>,
}

pub(super) async fn draft_verdict(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let (draft, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let linked = match linked_project(&state, &viewer, &draft).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let evaluation = match crate::blocking::evaluate(
        &state.questionnaire,
        &state.catalog,
        &answers,
        (state.today)(),
        viewer.lang,
    )
    .await
    {
        Ok(e) => e,
        Err(p) => return viewer.problem(&state, p),
    };
    let organisations = match viewer.user() {
        Some(user) if matches!(user.role, Role::ProjectMember | Role::MinistryController) => {
            match state.registry.organisations().await {
                Ok(all) => all
                    .into_iter()
                    .filter(|o| Some(o.ministry_id) == user.ministry_id)
                    .map(|o| (o.id.to_string(), o.name))
                    .collect(),
                Err(e) => return viewer.problem(&state, registry_problem(e)),
            }
        }
        _ => Vec::new(),
    };
    let title = answers
        .get("project.name")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_else(|| viewer.t("Projet sans nom", "Unnamed project").to_owned());
    let verdict = if evaluation.missing.is_empty() {
        evaluation
            .assessment
            .as_ref()
            .map(|a| VerdictView::of(a, &state.catalog))
    } else {
        None
    };
    let mut errors: Vec<String> = evaluation
        .errors
        .iter()
        .map(|e| {
            let label = state
                .questionnaire
                .question(&e.path)
                .map_or(e.path.as_str(), |x| x.label(viewer.lang));
            format!("{label} : {}", e.message)
        })
        .collect();
    errors.extend(evaluation.missing.iter().map(|p| {
        let label = state
            .questionnaire
            .question(p)
            .map_or(p.as_str(), |x| x.label(viewer.lang));
        format!(
            "{} : {label}",
            viewer.t("réponse manquante", "missing answer")
        )
    }));
    html(&DraftVerdictPage {
        chrome: viewer.chrome(
            &state,
            format!("{} — {title}", viewer.t("Verdict", "Verdict")),
            "questionnaire",
        ),
        draft: draft.to_string(),
        title,
        verdict,
        errors,
        organisations,
        linked,
    })
}

/// The project a draft became or edits, as its verdict page names it: (id, name, version the
/// draft is in step with). A project the viewer may no longer read is not named.
async fn linked_project(
    state: &AppState,
    viewer: &Viewer,
    draft: &DraftId,
) -> Result<Option<(i64, String, i64)>, Response> {
    let stored = match state.registry.draft(draft).await {
        Ok(d) => d,
        Err(e) => return Err(viewer.problem(state, registry_problem(e))),
    };
    let (Some((project, version)), Some(user)) = (stored.project, viewer.user()) else {
        return Ok(None);
    };
    Ok(crate::projects::readable(state, user, project)
        .await
        .ok()
        .map(|(p, _)| (p.id.0, p.name, version)))
}

/// The draft's dossier as a TOML file, in the contract's format.
pub(super) fn dossier_toml(state: &AppState, answers: &Answers) -> Result<String, String> {
    let dossier = state
        .questionnaire
        .dossier(answers, &state.catalog, false)
        .map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let label = state
                        .questionnaire
                        .question(&e.path)
                        .map_or(e.path.as_str(), |x| x.label(nuage_doctrine::Lang::Fr));
                    format!("{label} : {}", e.message)
                })
                .collect::<Vec<_>>()
                .join("; ")
        })?;
    toml::to_string(&dossier).map_err(|e| e.to_string())
}

pub(super) async fn export_dossier(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let (_, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match dossier_toml(&state, &answers) {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"dossier.toml\"",
                ),
            ],
            text,
        )
            .into_response(),
        Err(detail) => viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Dossier incomplet", "Incomplete dossier"),
            &detail,
        ),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct CreateForm {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
    /// Absent when the draft already has its project (a new version is added to it).
    #[serde(default)]
    organisation_id: Option<i64>,
    #[serde(default)]
    obstacles: String,
}

/// Drafts being saved right now: a second click while the first save runs is refused rather
/// than racing it into a second project.
static SAVING: std::sync::LazyLock<std::sync::Mutex<std::collections::BTreeSet<String>>> =
    std::sync::LazyLock::new(Default::default);

/// Holds a draft's place in [`SAVING`] until dropped.
struct Saving(String);

impl Saving {
    fn claim(id: &str) -> Option<Saving> {
        let mut set = SAVING.lock().ok()?;
        set.insert(id.to_owned()).then(|| Saving(id.to_owned()))
    }
}

impl Drop for Saving {
    fn drop(&mut self) {
        if let Ok(mut set) = SAVING.lock() {
            set.remove(&self.0);
        }
    }
}

pub(super) fn list_of(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) async fn create_project(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CreateForm>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (draft, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(_saving) = Saving::claim(draft.as_str()) else {
        return viewer.error(
            &state,
            StatusCode::CONFLICT,
            viewer.t("Enregistrement en cours", "Saving in progress"),
            viewer.t(
                "Ce brouillon est déjà en cours d'enregistrement : attendez un instant puis ouvrez la liste des projets.",
                "This draft is already being saved: wait a moment, then open the list of projects.",
            ),
        );
    };
    let stored = match state.registry.draft(&draft).await {
        Ok(d) => d,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let source = match dossier_toml(&state, &answers) {
        Ok(s) => s,
        Err(detail) => {
            return viewer.error(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                viewer.t("Dossier incomplet", "Incomplete dossier"),
                &detail,
            );
        }
    };
    let input = DossierInput {
        format: "toml".into(),
        source,
    };
    // Saved before (or opened from a project): the draft's project gets a new version.
    if let Some((project, version)) = stored.project {
        let obstacles = (!form.obstacles.trim().is_empty()).then(|| list_of(&form.obstacles));
        return match crate::projects::add_version(&state, &user, project, version, input, obstacles)
            .await
        {
            Ok(saved) => {
                if let Err(e) = state
                    .registry
                    .link_draft(&draft, saved.id, saved.current_version)
                    .await
                {
                    return viewer.problem(&state, registry_problem(e));
                }
                Redirect::to(&format!("/projets/{}", saved.id)).into_response()
            }
            Err(p) => viewer.problem(&state, p),
        };
    }
    let Some(organisation) = form.organisation_id else {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Organisation manquante", "Missing organisation"),
            viewer.t(
                "Choisissez l'organisation porteuse du projet.",
                "Choose the organisation in charge of the project.",
            ),
        );
    };
    match crate::projects::create_project(
        &state,
        &user,
        OrganisationId(organisation),
        input,
        list_of(&form.obstacles),
    )
    .await
    {
        Ok((project, _)) => {
            if let Err(e) = state
                .registry
                .link_draft(&draft, project.id, project.current_version)
                .await
            {
                return viewer.problem(&state, registry_problem(e));
            }
            Redirect::to(&format!("/projets/{}", project.id)).into_response()
        }
        Err(p) => viewer.problem(&state, p),
    }
}

/// Deletes a draft (its owner, or anyone while nobody owns it); a project it became stays.
pub(super) async fn delete_draft(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Response {
    if let Err(r) = viewer.check_csrf(&state, form.csrf.as_deref()) {
        return r;
    }
    let (draft, _) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match state.registry.delete_draft(&draft, viewer.user()).await {
        Ok(()) => Redirect::to("/?brouillon=supprime").into_response(),
        Err(e) => viewer.problem(&state, registry_problem(e)),
    }
}

/// A project's latest dossier as a new draft: the pages edit it step by step, and saving adds
/// the next version (refused if someone added one meanwhile).
pub(super) async fn edit_project(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (project, access) =
        match crate::projects::readable(&state, &user, nuage_registry::ProjectId(id)).await {
            Ok(x) => x,
            Err(p) => return viewer.problem(&state, p),
        };
    if access != nuage_registry::Access::Write {
        return viewer.error(
            &state,
            StatusCode::FORBIDDEN,
            viewer.t("Modification refusée", "Change refused"),
            viewer.t(
                "Votre rôle permet de lire ce projet, pas de le modifier.",
                "Your role may read this project, not change it.",
            ),
        );
    }
    let version = match state
        .registry
        .dossier_version(project.id, project.current_version)
        .await
    {
        Ok(v) => v,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let format = Format::from_extension(&version.format).unwrap_or(Format::Toml);
    let read = match crate::blocking::read(&state.catalog, version.source.clone(), format).await {
        Ok(read) => read,
        Err(p) => return viewer.problem(&state, p),
    };
    let dossier = match read {
        Ok(d) => d,
        Err(e) => {
            return viewer.error(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                viewer.t("Dossier illisible", "Unreadable dossier"),
                &e.to_string(),
            );
        }
    };
    let (answers, lost) = state.questionnaire.answers_from(&dossier, &state.catalog);
    let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    let draft = match state
        .registry
        .create_draft_for_project(&user, &json, project.id, project.current_version)
        .await
    {
        Ok(d) => d,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let mut notices = vec![format!(
        "{} « {} » ({} {}). {}",
        viewer.t("Vous modifiez le projet", "You are editing the project"),
        project.name,
        viewer.t("version", "version"),
        project.current_version,
        viewer.t(
            "Vos réponses sont enregistrées comme brouillon ; le projet ne change qu'à l'enregistrement, depuis la page du verdict, qui ajoute une nouvelle version du dossier.",
            "Your answers are saved as a draft; the project changes only when you save it from the verdict page, which adds a new dossier version.",
        )
    )];
    if !lost.is_empty() {
        notices.push(format!(
            "{} {}",
            viewer.t(
                "Ces champs du dossier enregistré ne sont pas repris par le questionnaire ; la nouvelle version ne les aura plus :",
                "These fields of the saved dossier are not carried by the questionnaire; the new version will not have them:"
            ),
            lost.join(", ")
        ));
    }
    render_step(
        &state,
        &viewer,
        &draft.id,
        "entite",
        &answers,
        Vec::new(),
        notices,
    )
    .await
}
