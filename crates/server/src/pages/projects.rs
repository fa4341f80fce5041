//! The projects' pages: the list, a project with its verdict, inventory and history, the derogation workflow.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use nuage_doctrine::Label;
use nuage_doctrine::{Assessment, Format, Lang, read_dossier};
use nuage_registry::{
    ATTACHMENT_MAX_BYTES, Access, PageRequest, ProjectFilter, ProjectId, Role, StoredDerogation,
    Transition,
};
use serde::Deserialize;

use super::labels::{badge, label};
use super::questionnaire::list_of;
use super::views::VerdictView;
use super::{Chrome, Viewer, filters, html};
use crate::derogations::{RequestDerogation, TransitionRequest};
use crate::projects::{readable, registry_problem};
use crate::{AppState, Problem};

#[derive(Debug)]
pub(super) struct ProjectRow {
    id: String,
    name: String,
    verdict: String,
    badge: &'static str,
    hosting: String,
    sensitivity: String,
    procedure: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "projects.html")]
pub(super) struct ProjectsPage {
    chrome: Chrome,
    rows: Vec<ProjectRow>,
    q: String,
    /// The filters a dashboard bar set, in words.
    narrowed: Vec<String>,
    /// The dashboard's filters, kept as hidden fields of the search form: (name, value).
    hidden: Vec<(String, String)>,
    verdicts: Vec<(String, String, bool)>,
    /// The query string of the next page (`after=…` and the filters).
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProjectsQuery {
    q: Option<String>,
    verdict: Option<String>,
    after: Option<i64>,
    /// The dashboard's bars open the list with these.
    hebergement: Option<String>,
    sensibilite: Option<String>,
    procedure: Option<String>,
    organisation: Option<i64>,
    /// A derogation state's code, or `in_force`, `pending` (as the dashboard groups them).
    derogation: Option<String>,
    /// A deadline bucket of the dashboard (`overdue`, `within_30`, …), with `derogation`.
    echeance: Option<String>,
    /// Registered from / to (ISO days), the dashboard's period.
    du: Option<String>,
    au: Option<String>,
}

pub(super) async fn projects(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ProjectsQuery>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let scope = match user.listing_scope() {
        Ok(s) => s,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let q = query.q.clone().unwrap_or_default();
    let verdict = query.verdict.clone().unwrap_or_default();
    let lang = viewer.lang;
    let today = (state.today)();
    let derogation =
        super::dashboard::derogation_match(&query.derogation, &query.echeance, today, lang);
    let period = |v: &Option<String>| super::dashboard::day(v);
    let filter = ProjectFilter {
        ministry: scope,
        verdict: (!verdict.is_empty()).then(|| verdict.clone()),
        name_contains: (!q.is_empty()).then(|| q.clone()),
        member: (user.role == Role::ProjectMember).then_some(user.id),
        hosting_kind: query.hebergement.clone().filter(|v| !v.is_empty()),
        sensitivity: query.sensibilite.clone().filter(|v| !v.is_empty()),
        procedure: query.procedure.clone().filter(|v| !v.is_empty()),
        organisation: query.organisation.map(nuage_registry::OrganisationId),
        registered_from: period(&query.du),
        registered_to: period(&query.au),
        derogation: derogation.as_ref().map(|d| d.matched.clone()),
    };
    let mut narrowed: Vec<String> = [
        query.hebergement.as_deref(),
        query.sensibilite.as_deref(),
        query.procedure.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|v| !v.is_empty())
    .map(|v| label(lang, v))
    .collect();
    if let Some(d) = &derogation {
        narrowed.push(d.words.clone());
    }
    for (day, fr, en) in [
        (
            &filter.registered_from,
            "enregistrés à partir du",
            "registered from",
        ),
        (
            &filter.registered_to,
            "enregistrés jusqu'au",
            "registered until",
        ),
    ] {
        if let Some(day) = day {
            narrowed.push(format!(
                "{} {}",
                viewer.t(fr, en),
                super::dashboard::day_in(lang, day)
            ));
        }
    }
    // The search form keeps the dashboard's filters, the next page every filter.
    let hidden: Vec<(String, String)> = [
        ("hebergement", query.hebergement.clone()),
        ("sensibilite", query.sensibilite.clone()),
        ("procedure", query.procedure.clone()),
        ("organisation", query.organisation.map(|o| o.to_string())),
        ("derogation", query.derogation.clone()),
        ("echeance", query.echeance.clone()),
        ("du", filter.registered_from.clone()),
        ("au", filter.registered_to.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_owned(), v)))
    .collect();
    let kept: Vec<(&str, Option<String>)> =
        [("q", query.q.clone()), ("verdict", query.verdict.clone())]
            .into_iter()
            .chain(hidden.iter().map(|(k, v)| (k.as_str(), Some(v.clone()))))
            .collect();
    let kept = super::dashboard::encode(&kept);
    let page = match state
        .registry
        .projects(
            &filter,
            PageRequest {
                after: query.after.map(ProjectId),
                limit: 100,
            },
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let rows = page
        .items
        .iter()
        .map(|p| ProjectRow {
            id: p.id.to_string(),
            name: p.name.clone(),
            verdict: label(lang, &p.summary.verdict),
            badge: badge(&p.summary.verdict),
            hosting: label(lang, &p.summary.hosting_kind),
            sensitivity: label(lang, &p.summary.sensitivity),
            procedure: label(lang, &p.summary.procedure),
            version: p.current_version,
        })
        .collect();
    let verdicts = ["non_compliant", "to_verify", "compliant", "not_applicable"]
        .iter()
        .map(|v| ((*v).to_owned(), label(lang, v), *v == verdict))
        .collect();
    html(&ProjectsPage {
        chrome: viewer.chrome(&state, viewer.t("Projets", "Projects"), "projets"),
        rows,
        q,
        narrowed,
        hidden,
        verdicts,
        next: page.next.map(|n| format!("after={n}{kept}")),
    })
}

/// The project's latest assessment sealed by the registry (a tar archive for `nuage verify`).
pub(super) async fn sealed_evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let latest = match readable(&state, user, ProjectId(id)).await {
        Ok(_) => state.registry.latest_assessment(ProjectId(id)).await,
        Err(p) => return viewer.problem(&state, p),
    };
    match latest {
        Ok(Some(stored)) => {
            match crate::projects::evidence_archive(&state, user, stored.id.0).await {
                Ok(r) => r,
                Err(p) => viewer.problem(&state, p),
            }
        }
        Ok(None) => viewer.problem(&state, Problem::internal("project without assessment")),
        Err(e) => viewer.problem(&state, registry_problem(e)),
    }
}

/// The latest assessment of a project, as the engine's type.
pub(super) async fn latest_assessment(
    state: &AppState,
    project: ProjectId,
) -> Result<Option<(Assessment, nuage_registry::StoredAssessment)>, Problem> {
    let stored = state
        .registry
        .latest_assessment(project)
        .await
        .map_err(registry_problem)?;
    match stored {
        None => Ok(None),
        Some(s) => {
            let a: Assessment =
                serde_json::from_str(&s.body).map_err(|e| Problem::internal(e.to_string()))?;
            Ok(Some((a, s)))
        }
    }
}

/// The stored assessment in the reader's language: stored in French, it is assessed again in
/// English from the same dossier version and date (the engine is deterministic, so only the
/// words change). Falls back to the stored one if the dossier no longer reads.
pub(super) async fn in_language(
    state: &AppState,
    project: ProjectId,
    stored: &Assessment,
    meta: &nuage_registry::StoredAssessment,
    lang: Lang,
) -> Assessment {
    if stored.lang == lang {
        return stored.clone();
    }
    let Ok(version) = state
        .registry
        .dossier_version(project, meta.dossier_version)
        .await
    else {
        return stored.clone();
    };
    let Some(format) = Format::from_extension(&version.format) else {
        return stored.clone();
    };
    let catalog = std::sync::Arc::clone(&state.catalog);
    let on = stored.assessed_on;
    crate::blocking::run(move || {
        read_dossier(&version.source, format, &catalog)
            .ok()
            .and_then(|dossier| nuage_doctrine::assess(&dossier, &catalog, on, lang).ok())
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_else(|| stored.clone())
}

#[derive(Template)]
#[template(path = "project.html")]
pub(super) struct ProjectPage {
    chrome: Chrome,
    id: String,
    name: String,
    organisation: String,
    version: i64,
    verdict: Option<VerdictView>,
    /// (id, kind label, state label, badge, deadline)
    derogations: Vec<(String, String, String, &'static str, Option<String>)>,
    can_request: bool,
    open_kinds: Vec<(String, String)>,
    /// (when, what, who)
    history: Vec<(String, String, String)>,
    scan: Option<ScanView>,
    /// The registry seals evidence (it has a signing key): the page offers the bundle.
    sealed: bool,
}

#[derive(Debug)]
pub(super) struct ScanView {
    id: String,
    when: String,
    who: String,
    resources: i64,
    findings_count: i64,
    /// provider, offer, region, resources
    groups: Vec<[String; 4]>,
    more_groups: usize,
    /// rule, status label, badge, message, place
    findings: Vec<(String, String, &'static str, String, String)>,
    more_findings: usize,
    /// The summary is missing (a scan attached before summaries were made).
    summarised: bool,
}

/// What the page shows of the latest scan: its summary, never the inventory itself.
pub(super) fn scan_view(
    lang: Lang,
    catalog: &nuage_catalog::Catalog,
    stored: &nuage_registry::StoredScan,
    summary: Option<&str>,
) -> ScanView {
    let summary: Option<crate::projects::ScanSummary> =
        summary.and_then(|s| serde_json::from_str(s).ok());
    let summarised = summary.is_some();
    let summary = summary.unwrap_or_default();
    let groups = summary
        .groups
        .iter()
        .map(|(provider, offer, region, n)| {
            [
                provider.clone(),
                offer.as_deref().map_or_else(
                    || "—".to_owned(),
                    |id| {
                        catalog
                            .offer(id)
                            .map_or_else(|| id.to_owned(), |o| o.name.clone())
                    },
                ),
                region.clone().unwrap_or_else(|| "—".to_owned()),
                n.to_string(),
            ]
        })
        .collect();
    let findings = summary
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.status.label(lang).to_owned(),
                badge(f.status.as_str()),
                f.message.clone(),
                f.place.clone(),
            )
        })
        .collect();
    ScanView {
        id: stored.id.to_string(),
        when: stored.created_at.clone(),
        who: stored.created_by.0.clone(),
        resources: stored.resources,
        findings_count: stored.findings,
        groups,
        more_groups: summary.more_groups,
        findings,
        more_findings: summary.more_findings,
        summarised,
    }
}

pub(super) async fn project_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (project, access) = match readable(&state, user, ProjectId(id)).await {
        Ok(x) => x,
        Err(p) => return viewer.problem(&state, p),
    };
    let lang = viewer.lang;
    let latest = match latest_assessment(&state, project.id).await {
        Ok(l) => l,
        Err(p) => return viewer.problem(&state, p),
    };
    let derogations = match state.registry.derogations_of(project.id).await {
        Ok(d) => d,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    // The history lists the latest assessments, never their bodies.
    let assessments = match state.registry.assessment_history(project.id, 200).await {
        Ok(a) => a,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let organisation = state
        .registry
        .organisation(project.organisation_id)
        .await
        .map(|o| o.name)
        .unwrap_or_default();
    let scans = match state.registry.scans(project.id).await {
        Ok(s) => s,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let latest_scan = match state.registry.latest_scan(project.id).await {
        Ok(s) => s,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let pending = |kind: nuage_doctrine::DerogationKind| {
        derogations
            .iter()
            .any(|d| d.kind == kind && !d.state.is_closed())
    };
    let open_kinds = latest
        .as_ref()
        .map(|(a, _)| {
            a.derogations
                .iter()
                .filter(|d| d.available && !pending(d.kind))
                .map(|d| (d.kind.as_str().to_owned(), d.kind.label(lang).to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let mut history: Vec<(String, String, String)> = assessments
        .iter()
        .map(|a| {
            (
                a.created_at.clone(),
                format!(
                    "{} {} ({}) — {}",
                    viewer.t("Évaluation de la version", "Assessment of version"),
                    a.dossier_version,
                    a.edition,
                    label(lang, &a.verdict)
                ),
                a.created_by.0.clone(),
            )
        })
        .collect();
    for s in &scans {
        history.push((
            s.created_at.clone(),
            format!(
                "{} ({} {})",
                viewer.t(
                    "Inventaire du code d'infrastructure",
                    "Infrastructure code inventory"
                ),
                s.resources,
                viewer.t("ressources", "resources")
            ),
            s.created_by.0.clone(),
        ));
    }
    for d in &derogations {
        for e in &d.events {
            history.push((
                e.at.clone(),
                format!(
                    "{} — {}",
                    d.kind.label(lang).to_owned(),
                    e.to_state.label(lang).to_owned()
                ),
                format!("{} ({})", e.actor.0, label(lang, e.role.as_str())),
            ));
        }
    }
    history.sort_by(|a, b| b.0.cmp(&a.0));
    html(&ProjectPage {
        chrome: viewer.chrome(&state, project.name.clone(), "projets"),
        id: project.id.to_string(),
        name: project.name.clone(),
        organisation,
        version: project.current_version,
        verdict: match &latest {
            None => None,
            Some((a, stored)) => {
                let mut a = in_language(&state, project.id, a, stored, lang).await;
                let cover = nuage_doctrine::cover(&mut a, &granted(&derogations), (state.today)());
                let mut view = VerdictView::of(&a, &state.catalog);
                if let Some(c) = cover {
                    if c.whole {
                        view.badge = "fr-badge--warning";
                    }
                    view.covered = Some(c.headline);
                }
                Some(view)
            }
        },
        derogations: derogations
            .iter()
            .map(|d| {
                (
                    d.id.to_string(),
                    d.kind.label(lang).to_owned(),
                    d.state.label(lang).to_owned(),
                    badge(d.state.as_str()),
                    d.deadline.clone(),
                )
            })
            .collect(),
        can_request: access == Access::Write,
        open_kinds,
        history,
        scan: latest_scan
            .as_ref()
            .map(|(s, summary)| scan_view(lang, &state.catalog, s, summary.as_deref())),
        sealed: state.signing_key.is_some(),
    })
}

/// The derogations in force among `derogations`, as the doctrine reads them on a verdict.
pub(super) fn granted(derogations: &[StoredDerogation]) -> Vec<nuage_doctrine::Granted> {
    derogations
        .iter()
        .filter(|d| d.state.is_in_force())
        .map(|d| nuage_doctrine::Granted {
            kind: d.kind,
            deadline: d.deadline.as_deref().and_then(|s| s.parse().ok()),
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub(super) struct DerogationForm {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
    kind: String,
    justification: String,
    #[serde(default)]
    documents: String,
}

pub(super) async fn request_derogation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<DerogationForm>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if form.justification.trim().is_empty() {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Justification manquante", "Missing justification"),
            viewer.t(
                "Une demande de dérogation se justifie.",
                "A derogation request needs a justification.",
            ),
        );
    }
    let Some(kind) = nuage_doctrine::DerogationKind::parse(&form.kind) else {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Dérogation inconnue", "Unknown derogation"),
            viewer.t(
                "Choisissez l'une des dérogations que l'évaluation ouvre au projet.",
                "Choose one of the derogations the assessment opens to the project.",
            ),
        );
    };
    let request = RequestDerogation {
        kind,
        justification: form.justification,
        documents: list_of(&form.documents),
    };
    let created =
        match crate::derogations::request_derogation(&state, &user, ProjectId(id), request).await {
            Ok(d) => d,
            Err(p) => return viewer.problem(&state, p),
        };
    // On the page, « request » means drafting and sending in one step.
    let submit = TransitionRequest {
        transition: Transition::Submit,
        reason: None,
        documents: Vec::new(),
    };
    match crate::derogations::move_derogation(&state, &user, created.id.0, submit).await {
        Ok(d) => Redirect::to(&format!(
            "/derogations/{}?fait={}",
            d.id,
            Transition::Submit.as_str()
        ))
        .into_response(),
        Err(p) => viewer.problem(&state, p),
    }
}

#[derive(Template)]
#[template(path = "derogation.html")]
pub(super) struct DerogationPage {
    chrome: Chrome,
    id: String,
    project_id: String,
    project: String,
    kind: String,
    state: String,
    state_code: String,
    badge: &'static str,
    deadline: Option<String>,
    deadline_source: Option<String>,
    suggested_deadline: Option<String>,
    suggested_deadline_source: Option<String>,
    can_confirm_deadline: bool,
    justification: String,
    actions: Vec<(String, String)>,
    tracker: Vec<TrackerStep>,
    events: Vec<(String, String, String, String)>,
    /// The confirmation of the step just taken (after the form's redirect).
    flash: Option<String>,
    /// Who acts next and what they record, while the derogation waits for someone.
    waiting: Option<String>,
    /// The stepper: the current step (1-based), the count, its title, the next one's.
    step_current: usize,
    step_count: usize,
    step_title: String,
    step_next: Option<String>,
    /// The deadline in words with its countdown.
    deadline_words: Option<String>,
    /// (id, name, size in words, sha256)
    attachments: Vec<(String, String, String, String)>,
    can_attach: bool,
    max_attachment: String,
}

/// « Enregistrer l'accord » → « enregistrer l'accord », in a sentence.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `?fait=` after a form: which step was just recorded, for the confirmation.
#[derive(Debug, Deserialize)]
pub(super) struct DoneQuery {
    fait: Option<String>,
}

/// Marks the confirmation shown after the deadline form.
const DEADLINE_DONE: &str = "echeance";
/// Marks the confirmation shown after an upload.
const ATTACHED: &str = "piece";

/// « 1,2 Mo » / « 1.2 MB ».
fn size_words(lang: Lang, bytes: i64) -> String {
    if bytes < 1024 {
        return match lang {
            Lang::Fr => format!("{bytes} octets"),
            Lang::En => format!("{bytes} bytes"),
        };
    }
    let (value, unit_fr, unit_en) = if bytes >= 1024 * 1024 {
        (bytes * 10 / (1024 * 1024), "Mo", "MB")
    } else {
        (bytes * 10 / 1024, "ko", "kB")
    };
    let (whole, tenth) = (value / 10, value % 10);
    match lang {
        Lang::Fr => format!("{whole},{tenth} {unit_fr}"),
        Lang::En => format!("{whole}.{tenth} {unit_en}"),
    }
}

/// Who may attach a document to a derogation: those who may change its project, and DINUM.
fn may_attach(user: &nuage_registry::User, access: Access) -> bool {
    access == Access::Write || user.role == Role::Dinum
}

/// A PDF sent with the derogation page's form (`multipart/form-data`: `_csrf`, `file`).
pub(super) async fn upload_attachment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> Response {
    let mut csrf: Option<String> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let filename = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if name == "_csrf" => {
                        csrf = Some(String::from_utf8_lossy(&bytes).into_owned());
                    }
                    Ok(bytes) if name == "file" => file = Some((filename, bytes.to_vec())),
                    Ok(_) => {}
                    Err(_) => return too_large(&state, &viewer),
                }
            }
            Ok(None) => break,
            Err(_) => return too_large(&state, &viewer),
        }
    }
    let user = match viewer.acting(&state, csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (d, access) = match crate::derogations::readable_derogation(&state, &user, id).await {
        Ok(x) => x,
        Err(p) => return viewer.problem(&state, p),
    };
    if !may_attach(&user, access) || d.state.is_closed() {
        return viewer.error(
            &state,
            StatusCode::FORBIDDEN,
            viewer.t("Pièce refusée", "Document refused"),
            viewer.t(
                "Seuls l'équipe du projet, son contrôleur ministériel et la DINUM joignent des pièces, tant que la dérogation n'est ni refusée ni échue.",
                "Only the project's team, its ministry's controller and DINUM attach documents, while the derogation is neither refused nor expired.",
            ),
        );
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Aucun fichier", "No file"),
            viewer.t(
                "Choisissez un fichier PDF à joindre.",
                "Choose a PDF file to attach.",
            ),
        );
    };
    if !nuage_registry::is_pdf(&bytes) {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Ce fichier n'est pas un PDF", "This file is not a PDF"),
            viewer.t(
                "Seuls les fichiers PDF sont acceptés : enregistrez le document au format PDF puis joignez-le.",
                "Only PDF files are accepted: save the document as PDF, then attach it.",
            ),
        );
    }
    match state.registry.attach(&user, &d, &name, &bytes).await {
        Ok(_) => Redirect::to(&format!("/derogations/{}?fait={ATTACHED}", d.id)).into_response(),
        Err(e) => viewer.problem(&state, registry_problem(e)),
    }
}

fn too_large(state: &AppState, viewer: &Viewer) -> Response {
    viewer.error(
        state,
        StatusCode::PAYLOAD_TOO_LARGE,
        viewer.t(
            "Fichier trop gros ou envoi interrompu",
            "File too large or upload cut short",
        ),
        viewer.t(
            "Une pièce jointe pèse au plus 10 Mo.",
            "An attachment weighs at most 10 MB.",
        ),
    )
}

/// A document attached to a derogation, for those who may read it.
pub(super) async fn download_attachment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, piece)): Path<(i64, i64)>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (d, _) = match crate::derogations::readable_derogation(&state, user, id).await {
        Ok(x) => x,
        Err(p) => return viewer.problem(&state, p),
    };
    match state.registry.attachment(d.id, piece).await {
        Ok((info, content)) => {
            let ascii: String = info
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/pdf".to_owned(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{ascii}\""),
                    ),
                    (
                        axum::http::header::X_CONTENT_TYPE_OPTIONS,
                        "nosniff".to_owned(),
                    ),
                ],
                content,
            )
                .into_response()
        }
        Err(e) => viewer.problem(&state, registry_problem(e)),
    }
}

/// One step of a derogation's path as the tracker shows it.
pub(super) struct TrackerStep {
    label: String,
    approver: Option<String>,
    who: String,
    /// `done`, `next` or `later`.
    state: &'static str,
}

pub(super) fn events_of(lang: Lang, d: &StoredDerogation) -> Vec<(String, String, String, String)> {
    d.events
        .iter()
        .map(|e| {
            let mut notes = e.reason.clone().unwrap_or_default();
            if !e.documents.is_empty() {
                if !notes.is_empty() {
                    notes.push_str(" — ");
                }
                notes.push_str(&e.documents.join(", "));
            }
            (
                e.at.clone(),
                e.to_state.label(lang).to_owned(),
                format!("{} ({})", e.actor.0, label(lang, e.role.as_str())),
                notes,
            )
        })
        .collect()
}

pub(super) async fn derogation_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(done): Query<DoneQuery>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (d, access) = match crate::derogations::readable_derogation(&state, user, id).await {
        Ok(x) => x,
        Err(p) => return viewer.problem(&state, p),
    };
    let project = state
        .registry
        .project(d.project_id)
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    let lang = viewer.lang;
    let today = (state.today)().to_string();
    let workflow = d.workflow();
    let may = |by: &[nuage_doctrine::Actor]| {
        by.iter()
            .any(|a| nuage_registry::may_act(user.role, access, *a))
    };
    let mut actions: Vec<(String, String)> = Vec::new();
    for step in workflow.open_from(d.state).filter(|s| may(&s.by)) {
        if step.transition == Transition::Expire
            && d.deadline
                .as_deref()
                .is_none_or(|deadline| deadline >= today.as_str())
        {
            continue;
        }
        let code = step.transition.as_str().to_owned();
        if !actions.iter().any(|(c, _)| *c == code) {
            actions.push((code, step.transition.label(lang).to_owned()));
        }
    }
    // The tracker: the request and each decision, done, next (with who acts) or to come.
    let reached =
        |state: nuage_doctrine::DerogationState| d.events.iter().any(|e| e.to_state == state);
    let mut next_found = d.state.is_closed();
    let tracker: Vec<TrackerStep> = workflow
        .path()
        .map(|step| {
            let done = reached(step.to);
            let is_next = !done && !next_found && step.from == d.state;
            if is_next {
                next_found = true;
            }
            let who: Vec<&str> = step.by.iter().map(|a| a.label(lang)).collect();
            TrackerStep {
                label: step.transition.label(lang).to_owned(),
                approver: step.approver.map(|a| a.label(lang).to_owned()),
                who: who.join(viewer.t(" ou ", " or ")),
                state: if done {
                    "done"
                } else if is_next {
                    "next"
                } else {
                    "later"
                },
            }
        })
        .collect();
    let today_date = (state.today)();
    let deadline_date: Option<nuage_doctrine::Date> =
        d.deadline.as_deref().and_then(|s| s.parse().ok());
    let deadline_words = deadline_date.map(|x| nuage_doctrine::deadline_words(lang, x, today_date));
    let next_step = workflow
        .path()
        .find(|s| s.from == d.state && !d.state.is_closed());
    let waiting = next_step.map(|step| {
        let who: Vec<&str> = step.by.iter().map(|a| a.label(lang)).collect();
        format!(
            "{} {}, {} {}.",
            viewer.t("Prochaine action :", "Next action:"),
            lower_first(step.transition.label(lang)),
            viewer.t("par", "by"),
            who.join(viewer.t(" ou ", " or "))
        )
    });
    let flash = done.fait.as_deref().and_then(|f| {
        let said = if f == DEADLINE_DONE {
            viewer.t("L'échéance est confirmée.", "The deadline is confirmed.")
        } else if f == ATTACHED {
            viewer.t(
                "La pièce est jointe, avec son empreinte SHA-256.",
                "The document is attached, with its SHA-256 hash.",
            )
        } else {
            Transition::parse(f)?.confirmation(lang)
        };
        let then = if let Some(w) = &waiting {
            w.clone()
        } else if d.state.is_in_force() {
            match &deadline_words {
                Some(w) => format!(
                    "{} {w}.",
                    viewer.t(
                        "La dérogation est en vigueur jusqu'au",
                        "The derogation is in force until"
                    )
                ),
                None => viewer
                    .t(
                        "La dérogation est en vigueur ; son échéance reste à fixer.",
                        "The derogation is in force; its deadline is still to be set.",
                    )
                    .to_owned(),
            }
        } else {
            String::new()
        };
        Some(format!("{said} {then}").trim_end().to_owned())
    });
    let step_count = tracker.len();
    let current = tracker
        .iter()
        .position(|t| t.state != "done")
        .unwrap_or(step_count.saturating_sub(1));
    let step_title = if d.state.is_closed() || d.state.is_in_force() {
        d.state.label(lang).to_owned()
    } else {
        tracker
            .get(current)
            .map(|t| t.label.clone())
            .unwrap_or_default()
    };
    let step_next = if d.state.is_closed() {
        None
    } else {
        tracker.get(current + 1).map(|t| t.label.clone())
    };
    let attachments = match state.registry.attachments_of(d.id).await {
        Ok(a) => a,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let can_confirm_deadline = !d.state.is_closed()
        && (nuage_registry::may_act(user.role, access, nuage_doctrine::Actor::MinistryController)
            || nuage_registry::may_act(user.role, access, nuage_doctrine::Actor::Dinum));
    html(&DerogationPage {
        chrome: viewer.chrome(&state, d.kind.label(lang).to_owned(), "projets"),
        id: d.id.to_string(),
        project_id: d.project_id.to_string(),
        project,
        kind: d.kind.label(lang).to_owned(),
        state: d.state.label(lang).to_owned(),
        state_code: d.state.as_str().to_owned(),
        badge: badge(d.state.as_str()),
        deadline: d.deadline.clone(),
        deadline_source: d.deadline_source.clone(),
        suggested_deadline: d.suggested_deadline.clone(),
        suggested_deadline_source: d.suggested_deadline_source.clone(),
        can_confirm_deadline,
        justification: d.justification.clone(),
        actions,
        tracker,
        events: events_of(lang, &d),
        flash,
        waiting,
        step_current: (current + 1).min(step_count),
        step_count,
        step_title,
        step_next,
        deadline_words,
        attachments: attachments
            .iter()
            .map(|a| {
                (
                    a.id.to_string(),
                    a.name.clone(),
                    size_words(lang, a.size),
                    a.sha256.clone(),
                )
            })
            .collect(),
        can_attach: may_attach(user, access) && !d.state.is_closed(),
        max_attachment: size_words(lang, i64::try_from(ATTACHMENT_MAX_BYTES).unwrap_or(0)),
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct TransitionForm {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
    transition: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    documents: String,
}

pub(super) async fn move_derogation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<TransitionForm>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(transition) = Transition::parse(&form.transition) else {
        return viewer.error(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("Étape inconnue", "Unknown step"),
            viewer.t(
                "Cette étape n'existe pas pour cette dérogation.",
                "This step does not exist for this derogation.",
            ),
        );
    };
    let request = TransitionRequest {
        transition,
        reason: Some(form.reason).filter(|r| !r.trim().is_empty()),
        documents: list_of(&form.documents),
    };
    match crate::derogations::move_derogation(&state, &user, id, request).await {
        Ok(d) => Redirect::to(&format!(
            "/derogations/{}?fait={}",
            d.id,
            transition.as_str()
        ))
        .into_response(),
        Err(p) => viewer.problem(&state, p),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct DeadlineForm {
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
    deadline: String,
}

/// The ministry's controller or DINUM confirms a derogation's deadline.
pub(super) async fn confirm_deadline(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<DeadlineForm>,
) -> Response {
    let user = match viewer.acting(&state, form.csrf.as_deref()) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match crate::derogations::set_deadline(&state, &user, id, form.deadline.trim()).await {
        Ok(d) => {
            Redirect::to(&format!("/derogations/{}?fait={DEADLINE_DONE}", d.id)).into_response()
        }
        Err(p) => viewer.problem(&state, p),
    }
}
