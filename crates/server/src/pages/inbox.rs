//! « À traiter »: what waits for the person looking — the controller's approvals, DINUM's
//! validations and reviews, the team's own decisions — then what waits for others, and the
//! deadlines of the derogations in force, the nearest (or passed) first.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use nuage_doctrine::{Label, Lang};
use nuage_registry::{Role, StoredDerogation};

use super::labels::badge;
use super::{Chrome, Viewer, html};
use crate::AppState;
use crate::projects::registry_problem;

/// One derogation in a list of the page.
#[derive(Debug)]
pub(super) struct InboxRow {
    id: String,
    project_id: String,
    project: String,
    kind: String,
    state: String,
    badge: &'static str,
    /// The next action and who records it.
    next: String,
    /// The deadline in words with its countdown, or what is known of it.
    deadline: String,
    /// Days left (negative once passed), for sorting and the overdue mark.
    days_left: Option<i64>,
}

impl InboxRow {
    pub(super) fn overdue(&self) -> bool {
        self.days_left.is_some_and(|d| d < 0)
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
pub(super) struct InboxPage {
    chrome: Chrome,
    heading: String,
    intro: String,
    sections: Vec<Section>,
}

/// A list of the page: what waits for me, for others, the deadlines.
#[derive(Debug)]
pub(super) struct Section {
    id: &'static str,
    heading: String,
    caption: String,
    empty: String,
    rows: Vec<InboxRow>,
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) async fn inbox(State(state): State<AppState>, viewer: Viewer) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let scope = match user.listing_scope() {
        Ok(s) => s,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let member = (user.role == Role::ProjectMember).then_some(user.id);
    let open = match state.registry.open_derogations(scope, member).await {
        Ok(d) => d,
        Err(e) => return viewer.problem(&state, registry_problem(e)),
    };
    let lang = viewer.lang;
    let today = (state.today)();
    let mut mine = Vec::new();
    let mut others = Vec::new();
    let mut deadlines = Vec::new();
    for d in open {
        let Ok(project) = state.registry.project(d.project_id).await else {
            continue;
        };
        let access = match state.registry.access(&user, &project).await {
            Ok(a) => a,
            Err(e) => return viewer.problem(&state, registry_problem(e)),
        };
        let row = row_of(&viewer, lang, today, &d, project.name.clone());
        let workflow = d.workflow();
        let next = workflow.path().find(|s| s.from == d.state);
        if d.state.is_in_force() {
            deadlines.push(row);
        } else if let Some(step) = next {
            let for_me = step
                .by
                .iter()
                .any(|a| nuage_registry::may_act(user.role, access, *a));
            // A draft the team has not sent yet is theirs to send.
            if for_me {
                mine.push(row);
            } else {
                others.push(row);
            }
        }
    }
    let by_deadline = |a: &InboxRow, b: &InboxRow| {
        a.days_left
            .unwrap_or(i64::MAX)
            .cmp(&b.days_left.unwrap_or(i64::MAX))
    };
    mine.sort_by(by_deadline);
    others.sort_by(by_deadline);
    deadlines.sort_by(by_deadline);
    let (heading, intro) = match user.role {
        Role::MinistryController => (
            viewer.t("Les accords et contrôles qui vous attendent", "Approvals and controls waiting for you"),
            viewer.t(
                "Les dérogations de votre ministère dont l'étape suivante vous revient (accord du ministre, contrôle du ministère), puis celles qui attendent d'autres personnes et les échéances.",
                "Your ministry's derogations whose next step is yours (the minister's approval, the ministry's control), then those waiting for others, and the deadlines.",
            ),
        ),
        Role::Dinum => (
            viewer.t("Les validations qui vous attendent", "Validations waiting for you"),
            viewer.t(
                "Les dérogations de tous les ministères qui attendent la validation du Premier ministre ou l'avis du contrôle des grands projets, puis les autres et les échéances.",
                "Derogations of every ministry waiting for the Prime Minister's validation or the major project review, then the others, and the deadlines.",
            ),
        ),
        Role::ProjectMember => (
            viewer.t("Les échéances de vos projets", "Your projects' deadlines"),
            viewer.t(
                "Ce que vos projets doivent faire, les demandes en cours chez d'autres personnes et les échéances des dérogations en vigueur.",
                "What your projects must do, the requests waiting for other people, and the deadlines of the derogations in force.",
            ),
        ),
        Role::Auditor => (
            viewer.t("Les dérogations en cours", "Derogations under way"),
            viewer.t(
                "Vous lisez sans agir : les demandes en cours et les échéances.",
                "You read without acting: requests under way and deadlines.",
            ),
        ),
    };
    html(&InboxPage {
        chrome: viewer.chrome(&state, viewer.t("À traiter", "To do"), "a-traiter"),
        heading: heading.to_owned(),
        intro: intro.to_owned(),
        sections: vec![
            Section {
                id: "a-vous",
                heading: viewer.t("À vous d'agir", "Your move").to_owned(),
                caption: viewer
                    .t(
                        "Dérogations dont l'étape suivante vous revient",
                        "Derogations whose next step is yours",
                    )
                    .to_owned(),
                empty: viewer
                    .t("Rien ne vous attend.", "Nothing waits for you.")
                    .to_owned(),
                rows: mine,
            },
            Section {
                id: "chez-les-autres",
                heading: viewer
                    .t("En attente d'autres personnes", "Waiting for other people")
                    .to_owned(),
                caption: viewer
                    .t(
                        "Dérogations qui attendent quelqu'un d'autre",
                        "Derogations waiting for someone else",
                    )
                    .to_owned(),
                empty: viewer.t("Aucune.", "None.").to_owned(),
                rows: others,
            },
            Section {
                id: "echeances",
                heading: viewer
                    .t(
                        "Échéances des dérogations en vigueur",
                        "Deadlines of the derogations in force",
                    )
                    .to_owned(),
                caption: viewer
                    .t(
                        "Dérogations en vigueur, la plus proche échéance d'abord",
                        "Derogations in force, nearest deadline first",
                    )
                    .to_owned(),
                empty: viewer
                    .t("Aucune dérogation en vigueur.", "No derogation in force.")
                    .to_owned(),
                rows: deadlines,
            },
        ],
    })
}

fn row_of(
    viewer: &Viewer,
    lang: Lang,
    today: nuage_doctrine::Date,
    d: &StoredDerogation,
    project: String,
) -> InboxRow {
    let workflow = d.workflow();
    let next = match workflow.path().find(|s| s.from == d.state) {
        Some(step) if !d.state.is_in_force() => {
            let who: Vec<&str> = step.by.iter().map(|a| a.label(lang)).collect();
            format!(
                "{}, {} {}",
                step.transition.label(lang),
                viewer.t("par", "by"),
                who.join(viewer.t(" ou ", " or "))
            )
        }
        _ if d.state.is_in_force() && !d.kind.has_deadline() => viewer
            .t(
                "rien à faire tant que le projet reste tel que documenté",
                "nothing to do while the project stays as documented",
            )
            .to_owned(),
        _ if d.state.is_in_force() => viewer
            .t(
                "se mettre en conformité avant l'échéance",
                "comply before the deadline",
            )
            .to_owned(),
        _ => lower_first(d.state.label(lang)),
    };
    let deadline: Option<nuage_doctrine::Date> = d.deadline.as_deref().and_then(|s| s.parse().ok());
    InboxRow {
        id: d.id.to_string(),
        project_id: d.project_id.to_string(),
        project,
        kind: d.kind.label(lang).to_owned(),
        state: d.state.label(lang).to_owned(),
        badge: badge(d.state.as_str()),
        next,
        deadline: match deadline {
            Some(x) => nuage_doctrine::deadline_words(lang, x, today),
            None if !d.kind.has_deadline() => viewer.t("sans échéance", "no deadline").to_owned(),
            None => viewer.t("à fixer", "to be set").to_owned(),
        },
        days_left: deadline.map(|x| today.days_until(x)),
    }
}
