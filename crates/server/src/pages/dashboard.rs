//! The dashboard: SVG charts with their data tables, and the CSV export.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use nuage_doctrine::Lang;
use nuage_registry::OrganisationId;
use nuage_web::charts::{self, Bar};
use serde::Deserialize;

use super::labels::label;
use super::{Chrome, Viewer, html};
use crate::AppState;

#[derive(Debug)]
pub(super) struct ChartView {
    title: String,
    column: String,
    svg: String,
    rows: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub(super) struct DashboardPage {
    chrome: Chrome,
    scope: String,
    ministries: Vec<(String, String, bool)>,
    projects: i64,
    compliance: String,
    expiring_30: i64,
    expiring_90: i64,
    overdue: i64,
    charts: Vec<ChartView>,
    selected: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DashboardQuery {
    ministere: Option<String>,
}

impl DashboardQuery {
    /// The ministry asked for; an empty or malformed value means « all I may see ».
    fn ministry(&self) -> Option<OrganisationId> {
        self.ministere
            .as_deref()
            .filter(|m| !m.is_empty())
            .and_then(|m| m.parse().ok())
            .map(OrganisationId)
    }
}

pub(super) fn chart(title: String, column: String, rows: Vec<Bar>) -> ChartView {
    ChartView {
        svg: charts::bars(&title, &rows),
        title,
        column,
        rows,
    }
}

pub(super) fn bars_of(lang: Lang, map: &BTreeMap<String, i64>) -> Vec<Bar> {
    map.iter()
        .map(|(k, v)| Bar::new(label(lang, k), u64::try_from(*v).unwrap_or(0)))
        .collect()
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let asked = query.ministry();
    let d = match crate::dashboard::dashboard_for(&state, user, asked).await {
        Ok(d) => d,
        Err(p) => return viewer.problem(&state, p),
    };
    let lang = viewer.lang;
    let organisations = state.registry.organisations().await.unwrap_or_default();
    let name_of = |id: OrganisationId| {
        organisations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    };
    let scope = match d.ministry_id {
        Some(m) => name_of(m),
        None => viewer.t("tous les ministères", "all ministries").to_owned(),
    };
    let ministries = match user.listing_scope() {
        Ok(None) => organisations
            .iter()
            .filter(|o| o.id == o.ministry_id)
            .map(|o| {
                (
                    o.id.to_string(),
                    o.name.clone(),
                    Some(o.id) == d.ministry_id,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let count = viewer.t("Catégorie", "Category").to_owned();
    let adoption: Vec<Bar> = d
        .adoption
        .iter()
        .map(|p| Bar::new(p.period.clone(), u64::try_from(p.cloud).unwrap_or(0)))
        .collect();
    let adoption_title = viewer
        .t(
            "Adoption : projets hébergés dans le cloud, par mois d'enregistrement",
            "Adoption: cloud-hosted projects, by month registered",
        )
        .to_owned();
    let deadlines = vec![
        Bar::new(
            viewer.t("Échéance sous 30 jours", "Due within 30 days"),
            u64::try_from(d.derogations_expiring_30_days).unwrap_or(0),
        ),
        Bar::new(
            viewer.t("Échéance sous 90 jours", "Due within 90 days"),
            u64::try_from(d.derogations_expiring_90_days).unwrap_or(0),
        ),
        Bar::new(
            viewer.t("Échues", "Overdue"),
            u64::try_from(d.derogations_overdue).unwrap_or(0),
        ),
    ];
    let charts = vec![
        ChartView {
            svg: charts::timeline(&adoption_title, &adoption),
            title: adoption_title,
            column: viewer.t("Mois", "Month").to_owned(),
            rows: adoption,
        },
        chart(
            viewer.t("Modes d'hébergement", "Hosting kinds").to_owned(),
            count.clone(),
            bars_of(lang, &d.by_hosting_kind),
        ),
        chart(
            viewer
                .t("Sensibilité des données", "Data sensitivity")
                .to_owned(),
            count.clone(),
            bars_of(lang, &d.by_sensitivity),
        ),
        chart(
            viewer.t("Verdicts", "Verdicts").to_owned(),
            count.clone(),
            bars_of(lang, &d.by_verdict),
        ),
        chart(
            viewer
                .t("Procédures de contrôle", "Control procedures")
                .to_owned(),
            count.clone(),
            bars_of(lang, &d.by_procedure),
        ),
        chart(
            viewer
                .t("Dérogations par état", "Derogations by state")
                .to_owned(),
            count.clone(),
            bars_of(lang, &d.derogations_by_state),
        ),
        chart(
            viewer
                .t(
                    "Dérogations en vigueur par échéance",
                    "Active derogations by deadline",
                )
                .to_owned(),
            count.clone(),
            deadlines,
        ),
        chart(
            viewer
                .t(
                    "Obstacles signalés par les équipes (R3)",
                    "Obstacles teams report (R3)",
                )
                .to_owned(),
            viewer.t("Obstacle", "Obstacle").to_owned(),
            bars_of(lang, &d.obstacles),
        ),
    ];
    let compliance = d
        .compliance_per_mille
        .map_or_else(|| "—".to_owned(), |pm| format!("{},{} %", pm / 10, pm % 10));
    html(&DashboardPage {
        chrome: viewer.chrome(&state, viewer.t("Tableau de bord", "Dashboard"), "tableau"),
        scope,
        ministries,
        projects: d.projects,
        compliance,
        expiring_30: d.derogations_expiring_30_days,
        expiring_90: d.derogations_expiring_90_days,
        overdue: d.derogations_overdue,
        charts,
        selected: asked.map(|m| m.to_string()),
    })
}

pub(super) async fn export_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let user = match viewer.require(&state) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let asked = query.ministry();
    match crate::dashboard::export_csv(&state, user, asked).await {
        Ok(csv) => crate::dashboard::csv_response(csv),
        Err(p) => viewer.problem(&state, p),
    }
}
