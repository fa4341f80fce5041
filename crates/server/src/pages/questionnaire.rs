//! The questionnaire's pages: drafts, steps, the live verdict, import and export, saving a project.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nuage_doctrine::Format;
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
    value: String,
    /// (value, label, selected)
    options: Vec<(String, String, bool)>,
    error: Option<String>,
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
    questions: Vec<QuestionView>,
    asked_key: String,
    errors: Vec<(String, String)>,
    notices: Vec<String>,
    verdict: Option<VerdictView>,
    missing: Vec<String>,
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
    let questions: Vec<QuestionView> = q
        .questions()
        .iter()
        .filter(|x| x.step == step && evaluation.is_asked(&x.path))
        .map(|x| {
            let given = answers.get(&x.path).cloned().unwrap_or_default();
            let options = match x.kind {
                Kind::Tristate => vec![
                    ("yes".to_owned(), viewer.t("Oui", "Yes").to_owned()),
                    ("no".to_owned(), viewer.t("Non", "No").to_owned()),
                    (
                        String::new(),
                        viewer.t("Non documenté", "Not documented").to_owned(),
                    ),
                ],
                Kind::Offer => {
                    let mut o = vec![
                        (
                            String::new(),
                            viewer
                                .t(
                                    "— Aucun (pas cet environnement) —",
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
                    ];
                    o.extend(state.catalog.offers().iter().map(|offer| {
                        (
                            offer.id.clone(),
                            format!("{} — {}", offer.name, offer.provider),
                        )
                    }));
                    o
                }
                _ => x
                    .options
                    .iter()
                    .map(|c| (c.value.clone(), c.label(lang).to_owned()))
                    .collect(),
            };
            let options = options
                .into_iter()
                .map(|(value, text)| {
                    let selected = if value.is_empty() {
                        given.is_empty()
                    } else {
                        given.contains(&value)
                    };
                    (value, text, selected)
                })
                .collect();
            QuestionView {
                path: x.path.clone(),
                id: x.html_id(),
                kind: kind_name(x.kind),
                label: x.label(lang).to_owned(),
                help: x.help(lang).map(str::to_owned),
                cite: x.cite.clone(),
                value: given.join(", "),
                options,
                error: field_errors.get(x.path.as_str()).map(|m| (*m).to_owned()),
            }
        })
        .collect();
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
    let asked_key = questions
        .iter()
        .map(|x| x.path.as_str())
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
        questions,
        asked_key,
        errors,
        notices,
        verdict: evaluation
            .assessment
            .as_ref()
            .map(|a| VerdictView::of(a, &state.catalog)),
        missing,
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
    q.apply_form(&mut answers, &step, &before.asked, &form);
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
        .map(|e| format!("{} : {}", e.path, e.message))
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
    })
}

/// The draft's dossier as a TOML file, in the contract's format.
pub(super) fn dossier_toml(state: &AppState, answers: &Answers) -> Result<String, String> {
    let dossier = state
        .questionnaire
        .dossier(answers, &state.catalog, false)
        .map_err(|errors| {
            errors
                .into_iter()
                .map(|e| format!("{}: {}", e.path, e.message))
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
    organisation_id: i64,
    #[serde(default)]
    obstacles: String,
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
    let (_, answers) = match open_draft(&state, &viewer, &id).await {
        Ok(x) => x,
        Err(r) => return r,
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
    match crate::projects::create_project(
        &state,
        &user,
        OrganisationId(form.organisation_id),
        input,
        list_of(&form.obstacles),
    )
    .await
    {
        Ok((project, _)) => Redirect::to(&format!("/projets/{}", project.id)).into_response(),
        Err(p) => viewer.problem(&state, p),
    }
}
