//! The dashboard: SVG charts with their data tables, and the CSV export.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use nuage_doctrine::DerogationState;
use nuage_doctrine::Lang;
use nuage_registry::{DashboardFilter, DerogationMatch, DueBucket, DueWindow, OrganisationId};
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

/// A money tile: the amount in words and what it counts.
#[derive(Debug)]
pub(super) struct MoneyView {
    id: &'static str,
    amount: String,
    what: String,
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
    money: Vec<MoneyView>,
    /// Filter choices: (value, label, selected).
    organisations: Vec<(String, String, bool)>,
    procedures: Vec<(String, String, bool)>,
    sensitivities: Vec<(String, String, bool)>,
    from: String,
    to: String,
    /// The query string of the filters, for the CSV link.
    query: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DashboardQuery {
    ministere: Option<String>,
    organisation: Option<String>,
    procedure: Option<String>,
    sensibilite: Option<String>,
    du: Option<String>,
    au: Option<String>,
}

fn some(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// An ISO day, or nothing.
pub(super) fn day(value: &Option<String>) -> Option<String> {
    some(value).filter(|v| v.parse::<nuage_doctrine::Date>().is_ok())
}

/// « 12,5 M€ » / « €12.5M », « 850 k€ » below a million.
fn money(lang: Lang, cents: i64) -> String {
    let euros = cents / 100;
    let (value, unit_fr, unit_en) = if euros >= 1_000_000 {
        (euros / 100_000, "M€", "M")
    } else {
        (euros / 100, "k€", "k")
    };
    let (whole, tenth) = (value / 10, value % 10);
    match lang {
        Lang::Fr if tenth == 0 => format!("{whole} {unit_fr}"),
        Lang::Fr => format!("{whole},{tenth} {unit_fr}"),
        Lang::En if tenth == 0 => format!("€{whole}{unit_en}"),
        Lang::En => format!("€{whole}.{tenth}{unit_en}"),
    }
}

/// The DSFR status colour of a verdict.
fn tone(verdict: &str) -> &'static str {
    match nuage_doctrine::Verdict::parse(verdict) {
        Some(nuage_doctrine::Verdict::Compliant) => "success",
        Some(nuage_doctrine::Verdict::NonCompliant) => "error",
        Some(nuage_doctrine::Verdict::ToVerify) => "warning",
        _ => "info",
    }
}

/// `&a=b&c=d` for the filters set (their values percent-encoded).
pub(super) fn encode(pairs: &[(&str, Option<String>)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            out.push('&');
            out.push_str(k);
            out.push('=');
            for b in v.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

/// « 17 décembre 2026 » / « 17 December 2026 ».
pub(super) fn day_in(lang: Lang, iso: &str) -> String {
    iso.parse::<nuage_doctrine::Date>().map_or_else(
        |_| iso.to_owned(),
        |d| nuage_doctrine::vocabulary::long_date(lang, d),
    )
}

/// The words of a deadline bucket, as the dashboard's bars and the list they open say it.
fn due_words(bucket: DueBucket) -> (&'static str, &'static str) {
    match bucket {
        DueBucket::Overdue => ("échéance dépassée", "deadline passed"),
        DueBucket::Within30 => ("échéance sous 30 jours", "due within 30 days"),
        DueBucket::Within90 => ("échéance entre 30 et 90 jours", "due within 30 to 90 days"),
        DueBucket::Later => ("échéance au-delà de 90 jours", "due after 90 days"),
        DueBucket::None => ("échéance à fixer", "deadline to be set"),
        DueBucket::Never => ("sans échéance", "no deadline"),
    }
}

/// The derogation groups of the dashboard: in force first (a validated request is in force),
/// then requested and awaiting a decision.
fn states_of(group: &str) -> Option<Vec<DerogationState>> {
    let of = |keep: fn(DerogationState) -> bool| -> Vec<DerogationState> {
        DerogationState::ALL
            .into_iter()
            .filter(|s| keep(*s))
            .collect()
    };
    match group {
        "in_force" => Some(of(DerogationState::is_in_force)),
        "pending" => Some(of(|s| s.is_pending() && !s.is_in_force())),
        code => DerogationState::parse(code).map(|s| vec![s]),
    }
}

/// A derogation filter of the projects list, with its words.
#[derive(Debug)]
pub(super) struct DerogationFilterView {
    pub(super) matched: DerogationMatch,
    pub(super) words: String,
}

/// The filter a dashboard derogation bar sets: a group or state, and a deadline bucket counted
/// from `today`. Unknown codes filter nothing.
pub(super) fn derogation_match(
    group: &Option<String>,
    bucket: &Option<String>,
    today: nuage_doctrine::Date,
    lang: Lang,
) -> Option<DerogationFilterView> {
    let group = some(group)?;
    let states = states_of(&group)?;
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    let mut words = match group.as_str() {
        "in_force" => t("dérogation en vigueur", "derogation in force").to_owned(),
        "pending" => t("dérogation demandée", "derogation requested").to_owned(),
        code => format!("{} {}", t("dérogation :", "derogation:"), label(lang, code)),
    };
    let horizon = |days| {
        today
            .add_days(days)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let due = some(bucket)
        .and_then(|b| DueBucket::parse(&b))
        .map(|bucket| {
            let (fr, en) = due_words(bucket);
            words.push_str(" — ");
            words.push_str(t(fr, en));
            DueWindow {
                bucket,
                today: today.to_string(),
                in_30_days: horizon(30),
                in_90_days: horizon(90),
            }
        });
    Some(DerogationFilterView {
        matched: DerogationMatch { states, due },
        words,
    })
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
    let organisation = some(&query.organisation)
        .and_then(|o| o.parse().ok())
        .map(OrganisationId);
    let procedure = some(&query.procedure);
    let sensitivity = some(&query.sensibilite);
    let (from, to) = (day(&query.du), day(&query.au));
    let filter = DashboardFilter {
        ministry: asked,
        organisation,
        procedure: procedure.clone(),
        sensitivity: sensitivity.clone(),
        from: from.clone(),
        to: to.clone(),
    };
    let d = match crate::dashboard::dashboard_filtered(&state, user, &filter).await {
        Ok(d) => d,
        Err(p) => return viewer.problem(&state, p),
    };
    // The list behind a bar: the projects page with these filters and the bar's own.
    let filters = encode(&[
        ("organisation", organisation.map(|o| o.to_string())),
        ("procedure", procedure.clone()),
        ("sensibilite", sensitivity.clone()),
        ("du", from.clone()),
        ("au", to.clone()),
    ]);
    let list = |key: &str, value: &str| {
        format!(
            "/projets?{key}={}{filters}",
            encode(&[("", Some(value.to_owned()))]).trim_start_matches("&=")
        )
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
    let linked = |key: &'static str, map: &BTreeMap<String, i64>| -> Vec<Bar> {
        map.iter()
            .map(|(k, v)| {
                Bar::new(label(lang, k), u64::try_from(*v).unwrap_or(0)).linked(list(key, k))
            })
            .collect()
    };
    let verdict_bars: Vec<Bar> = nuage_doctrine::Verdict::ALL
        .iter()
        .filter_map(|v| {
            let code = v.as_str();
            d.by_verdict.get(code).map(|n| {
                Bar::new(label(lang, code), u64::try_from(*n).unwrap_or(0))
                    .linked(list("verdict", code))
                    .toned(tone(code))
            })
        })
        .collect();
    // Open derogations by deadline, requested and in force apart, the passed ones first.
    let mut deadline_bars = Vec::new();
    for bucket in DueBucket::ALL {
        let tone_of = match bucket {
            DueBucket::Overdue => "error",
            DueBucket::Within30 | DueBucket::Within90 => "warning",
            DueBucket::Later | DueBucket::None | DueBucket::Never => "info",
        };
        let (fr, en) = due_words(bucket);
        let by_state = d.derogations_by_deadline.get(bucket.as_str());
        let (mut pending, mut in_force) = (0i64, 0i64);
        for (state_code, n) in by_state.into_iter().flatten() {
            match nuage_doctrine::DerogationState::parse(state_code) {
                Some(s) if s.is_in_force() => in_force += n,
                Some(s) if s.is_pending() => pending += n,
                _ => {}
            }
        }
        for (n, group, fr_kind, en_kind) in [
            (in_force, "in_force", "En vigueur", "In force"),
            (pending, "pending", "Demandées", "Requested"),
        ] {
            if n > 0 {
                deadline_bars.push(
                    Bar::new(
                        format!("{} — {}", viewer.t(fr_kind, en_kind), viewer.t(fr, en)),
                        u64::try_from(n).unwrap_or(0),
                    )
                    .linked(format!(
                        "{}&echeance={}",
                        list("derogation", group),
                        bucket.as_str()
                    ))
                    .toned(tone_of),
                );
            }
        }
    }
    let over_time: Vec<Bar> = d
        .verdicts_over_time
        .iter()
        .map(|p| {
            let all: i64 = p
                .by_verdict
                .iter()
                .filter(|(v, _)| v.as_str() != nuage_doctrine::Verdict::NotApplicable.as_str())
                .map(|(_, n)| n)
                .sum();
            let ok = p
                .by_verdict
                .get(nuage_doctrine::Verdict::Compliant.as_str())
                .copied()
                .unwrap_or(0);
            let share = if all > 0 { ok * 100 / all } else { 0 };
            Bar::new(p.period.clone(), u64::try_from(share).unwrap_or(0))
        })
        .collect();
    let over_time_title = viewer
        .t(
            "Conformité dans le temps : part des projets évalués conformes chaque mois (%)",
            "Compliance over time: share of the projects assessed compliant each month (%)",
        )
        .to_owned();
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
    let charts = vec![
        chart(
            viewer.t("Verdicts", "Verdicts").to_owned(),
            count.clone(),
            verdict_bars,
        ),
        chart(
            viewer
                .t(
                    "Dérogations demandées et en vigueur, par échéance",
                    "Derogations requested and in force, by deadline",
                )
                .to_owned(),
            count.clone(),
            deadline_bars,
        ),
        ChartView {
            svg: charts::timeline(&over_time_title, &over_time),
            title: over_time_title,
            column: viewer.t("Mois", "Month").to_owned(),
            rows: over_time,
        },
        ChartView {
            svg: charts::timeline(&adoption_title, &adoption),
            title: adoption_title,
            column: viewer.t("Mois", "Month").to_owned(),
            rows: adoption,
        },
        chart(
            viewer.t("Modes d'hébergement", "Hosting kinds").to_owned(),
            count.clone(),
            linked("hebergement", &d.by_hosting_kind),
        ),
        chart(
            viewer
                .t("Sensibilité des données", "Data sensitivity")
                .to_owned(),
            count.clone(),
            linked("sensibilite", &d.by_sensitivity),
        ),
        chart(
            viewer
                .t("Procédures de contrôle", "Control procedures")
                .to_owned(),
            count.clone(),
            linked("procedure", &d.by_procedure),
        ),
        chart(
            viewer
                .t("Dérogations par état", "Derogations by state")
                .to_owned(),
            count.clone(),
            linked("derogation", &d.derogations_by_state),
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
    let cost_of = |procedures: &[nuage_doctrine::ControlProcedure]| -> i64 {
        procedures
            .iter()
            .filter_map(|p| d.cost_by_procedure.get(p.as_str()))
            .sum()
    };
    let money_views = vec![
        MoneyView {
            id: "cout-non-conformes",
            amount: money(
                lang,
                d.cost_by_verdict
                    .get(nuage_doctrine::Verdict::NonCompliant.as_str())
                    .copied()
                    .unwrap_or(0),
            ),
            what: viewer
                .t(
                    "coût complet des projets non conformes",
                    "full cost of non-compliant projects",
                )
                .to_owned(),
        },
        MoneyView {
            id: "cout-1m",
            amount: money(
                lang,
                cost_of(&[
                    nuage_doctrine::ControlProcedure::Ministry,
                    nuage_doctrine::ControlProcedure::MajorProjectReview,
                ]),
            ),
            what: viewer
                .t(
                    "coût complet des projets de 1 M€ et plus",
                    "full cost of projects of €1M and more",
                )
                .to_owned(),
        },
        MoneyView {
            id: "cout-9m",
            amount: money(
                lang,
                cost_of(&[nuage_doctrine::ControlProcedure::MajorProjectReview]),
            ),
            what: viewer
                .t(
                    "coût complet des projets de plus de 9 M€",
                    "full cost of projects above €9M",
                )
                .to_owned(),
        },
    ];
    let organisations_choice: Vec<(String, String, bool)> = organisations
        .iter()
        .filter(|o| d.ministry_id.is_none_or(|m| o.ministry_id == m))
        .map(|o| (o.id.to_string(), o.name.clone(), Some(o.id) == organisation))
        .collect();
    let procedures: Vec<(String, String, bool)> = nuage_doctrine::ControlProcedure::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_owned(),
                label(lang, p.as_str()),
                procedure.as_deref() == Some(p.as_str()),
            )
        })
        .collect();
    let sensitivities: Vec<(String, String, bool)> = ["sensitive", "not_sensitive", "undetermined"]
        .iter()
        .map(|s| {
            (
                (*s).to_owned(),
                label(lang, s),
                sensitivity.as_deref() == Some(*s),
            )
        })
        .collect();
    let query_string = encode(&[
        ("ministere", asked.map(|m| m.to_string())),
        ("organisation", organisation.map(|o| o.to_string())),
        ("procedure", procedure.clone()),
        ("sensibilite", sensitivity.clone()),
        ("du", from.clone()),
        ("au", to.clone()),
    ]);
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
        money: money_views,
        organisations: organisations_choice,
        procedures,
        sensitivities,
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        query: query_string.trim_start_matches('&').to_owned(),
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
    let narrowed = nuage_registry::ProjectFilter {
        organisation: some(&query.organisation)
            .and_then(|o| o.parse().ok())
            .map(OrganisationId),
        procedure: some(&query.procedure),
        sensitivity: some(&query.sensibilite),
        registered_from: day(&query.du),
        registered_to: day(&query.au),
        ..nuage_registry::ProjectFilter::default()
    };
    match french_csv(&state, user, asked, &narrowed, viewer.lang).await {
        Ok(csv) => crate::dashboard::csv_response(csv),
        Err(p) => viewer.problem(&state, p),
    }
}

/// « 17/12/2026 »: how a French spreadsheet reads a day.
fn day_fr(iso: &str) -> String {
    match iso.parse::<nuage_doctrine::Date>() {
        Ok(d) => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        Err(_) => iso.to_owned(),
    }
}

/// The projects for a spreadsheet in French: a UTF-8 byte order mark, `;` between cells,
/// labels in words, the organisation's and ministry's names, each project's derogations and
/// nearest deadline, the cost with a decimal comma; a cell that would start a formula is
/// neutralised (`csv_field`).
async fn french_csv(
    state: &AppState,
    user: &nuage_registry::User,
    asked: Option<OrganisationId>,
    narrowed: &nuage_registry::ProjectFilter,
    lang: Lang,
) -> Result<String, crate::Problem> {
    use crate::projects::registry_problem;
    let ministry = crate::dashboard::scope(user, asked)?;
    let member = (user.role == nuage_registry::Role::ProjectMember).then_some(user.id);
    let filter = nuage_registry::ProjectFilter {
        ministry,
        member,
        ..narrowed.clone()
    };
    let organisations = state
        .registry
        .organisations()
        .await
        .map_err(registry_problem)?;
    let name_of = |id: OrganisationId| {
        organisations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    };
    let derogations = state
        .registry
        .open_derogations(ministry, member)
        .await
        .map_err(registry_problem)?;
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    let mut csv = String::from("\u{feff}");
    let header = [
        t("Numéro", "Number"),
        t("Ministère", "Ministry"),
        t("Organisation", "Organisation"),
        t("Projet", "Project"),
        t("Version du dossier", "Dossier version"),
        t("Hébergement", "Hosting"),
        t("Sensibilité", "Sensitivity"),
        t("Procédure de contrôle", "Control procedure"),
        t("Verdict", "Verdict"),
        t("Coût complet (€)", "Full cost (€)"),
        t("Obstacles", "Obstacles"),
        t("Dérogations", "Derogations"),
        t("Prochaine échéance", "Next deadline"),
        t("Mis à jour le", "Updated on"),
    ];
    csv.push_str(&header.join(";"));
    csv.push_str("\r\n");
    let mut page = nuage_registry::PageRequest {
        after: None,
        limit: nuage_registry::PageRequest::MAX_LIMIT,
    };
    loop {
        let got = state
            .registry
            .projects(&filter, page)
            .await
            .map_err(registry_problem)?;
        for p in &got.items {
            let own: Vec<&nuage_registry::StoredDerogation> = derogations
                .iter()
                .filter(|d| d.project_id == p.id)
                .collect();
            let listed: Vec<String> = own
                .iter()
                .map(|d| {
                    use nuage_doctrine::Label;
                    format!("{} ({})", d.kind.label(lang), d.state.label(lang))
                })
                .collect();
            let next = own
                .iter()
                .filter(|d| d.state.is_in_force() || d.state.is_pending())
                .filter_map(|d| d.deadline.clone())
                .min()
                .map(|d| day_fr(&d))
                .unwrap_or_default();
            let cents = p.summary.full_cost_cents;
            let cost = match lang {
                Lang::Fr => format!("{},{:02}", cents / 100, cents % 100),
                Lang::En => format!("{}.{:02}", cents / 100, cents % 100),
            };
            let fields = [
                p.id.to_string(),
                name_of(p.ministry_id),
                name_of(p.organisation_id),
                p.name.clone(),
                p.current_version.to_string(),
                label(lang, &p.summary.hosting_kind),
                label(lang, &p.summary.sensitivity),
                label(lang, &p.summary.procedure),
                label(lang, &p.summary.verdict),
                cost,
                p.summary.obstacles.join(" | "),
                listed.join(" | "),
                next,
                day_fr(p.updated_at.get(..10).unwrap_or_default()),
            ];
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    csv.push(';');
                }
                crate::dashboard::csv_field(&mut csv, f);
            }
            csv.push_str("\r\n");
        }
        match got.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    Ok(csv)
}
