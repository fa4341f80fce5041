//! Printable committee documents: the R7 comparative study and the R9 derogation request.
//! Print-styled HTML (the browser's « save as PDF » gives the PDF).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use nuage_catalog::{Catalog, Date, Offer, QualificationStatus, ServiceModel};
use nuage_doctrine::Label;
use nuage_doctrine::dossier::{Approach, EnvironmentKind};
use nuage_doctrine::{Dossier, Format, Lang};
use nuage_registry::ProjectId;
use nuage_web::pdf::Block;

use super::labels::label;
use super::{Chrome, Viewer, html, latest_assessment};
use crate::projects::{readable, registry_problem};
use crate::{AppState, Problem};

#[derive(Debug)]
struct Scenario {
    name: String,
    economic: String,
    legal: String,
    business: String,
    security: String,
}

#[derive(Template)]
#[template(path = "print_r7.html")]
struct ComparativeStudy {
    chrome: Chrome,
    id: String,
    name: String,
    organisation: String,
    cost: String,
    procedure: String,
    sensitive: String,
    /// What the study is for, under which text (the doctrine's words).
    preamble: String,
    /// Who signs after the project manager: those who decide at this cost (the doctrine's).
    signers: Vec<String>,
    edition: String,
    assessed_on: String,
    catalog_version: String,
    scenarios: Vec<Scenario>,
    /// (rule, status, message) for the rules the study is about.
    findings: Vec<(String, String, String)>,
}

fn euros(cents: u64) -> String {
    let euros = cents / 100;
    let digits = euros.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out.push_str(" €");
    out
}

fn tr<'a>(lang: Lang, fr: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The catalog's facts about an offer on a date, on the four grounds.
fn scenario_of(
    catalog: &nuage_catalog::Catalog,
    offer: &Offer,
    on: Date,
    region: Option<&str>,
    lang: Lang,
    economic: String,
) -> Scenario {
    let qualification = match offer.secnumcloud_on(on, region) {
        QualificationStatus::Qualified(q) => format!(
            "{} {}",
            tr(
                lang,
                "qualifiée SecNumCloud depuis le",
                "SecNumCloud-qualified since"
            ),
            nuage_doctrine::vocabulary::long_date(lang, q.from)
        ),
        QualificationStatus::RegionOutOfScope(_) => tr(
            lang,
            "qualifiée SecNumCloud, mais pas dans cette région",
            "SecNumCloud-qualified, but not in this region",
        )
        .to_owned(),
        QualificationStatus::ModelOutOfScope(_) => tr(
            lang,
            "qualifiée SecNumCloud, mais pas pour ce modèle de service",
            "SecNumCloud-qualified, but not for this service model",
        )
        .to_owned(),
        QualificationStatus::PerimeterUnspecified(_) => tr(
            lang,
            "qualifiée SecNumCloud pour une partie de l'offre seulement",
            "SecNumCloud-qualified for part of the offer only",
        )
        .to_owned(),
        QualificationStatus::RenewalUnknown(q) => format!(
            "{} {}",
            tr(
                lang,
                "qualification SecNumCloud à vérifier : validité annoncée jusqu'au",
                "SecNumCloud qualification to verify: reported valid until"
            ),
            q.validity_end
                .map(|d| nuage_doctrine::vocabulary::long_date(lang, d))
                .unwrap_or_default()
        ),
        QualificationStatus::Unconfirmed(_) => tr(
            lang,
            "qualification SecNumCloud non confirmée",
            "SecNumCloud qualification unconfirmed",
        )
        .to_owned(),
        QualificationStatus::NotYet(q) => format!(
            "{} {}",
            tr(
                lang,
                "qualification SecNumCloud à partir du",
                "SecNumCloud qualification from"
            ),
            nuage_doctrine::vocabulary::long_date(lang, q.from)
        ),
        QualificationStatus::Lapsed(q) => format!(
            "{} {}",
            tr(
                lang,
                "qualification SecNumCloud échue le",
                "SecNumCloud qualification ended on"
            ),
            q.until
                .map(|d| nuage_doctrine::vocabulary::long_date(lang, d))
                .unwrap_or_default()
        ),
        QualificationStatus::Never => tr(
            lang,
            "pas de qualification SecNumCloud connue",
            "no SecNumCloud qualification known",
        )
        .to_owned(),
    };
    let immunity = match offer.immunity.known() {
        Some(true) => tr(
            lang,
            "protégée des lois extracommunautaires",
            "immune from extra-EU law",
        ),
        Some(false) => tr(
            lang,
            "exposée à des lois extracommunautaires",
            "exposed to extra-EU law",
        ),
        None => tr(
            lang,
            "exposition aux lois extracommunautaires non établie",
            "exposure to extra-EU law not established",
        ),
    };
    let hds = match catalog.hds_on(offer, on, region).known() {
        Some(true) => tr(lang, "certifiée HDS", "HDS-certified"),
        Some(false) => tr(lang, "non certifiée HDS", "not HDS-certified"),
        None => tr(
            lang,
            "certification HDS non établie",
            "HDS certification not established",
        ),
    };
    let models: Vec<&str> = offer
        .service_models
        .iter()
        .map(|m| match m {
            ServiceModel::Iaas => "IaaS",
            ServiceModel::Paas => "PaaS",
            ServiceModel::Caas => "CaaS",
            ServiceModel::Saas => "SaaS",
        })
        .collect();
    Scenario {
        name: format!("{} ({})", offer.name, offer.provider),
        economic,
        legal: immunity.to_owned(),
        business: format!(
            "{} : {}",
            tr(lang, "modèles de service", "service models"),
            models.join(", ")
        ),
        security: format!("{qualification} ; {hds}"),
    }
}

/// The team's choice, qualified alternatives the assessment names (or the catalog's trusted
/// offers that day), and the non-cloud option R7 is about.
fn scenarios(
    dossier: &Dossier,
    catalog: &Catalog,
    on: Date,
    suggested: &[String],
    lang: Lang,
) -> Vec<Scenario> {
    let to_price = tr(lang, "à chiffrer par l'équipe", "to be costed by the team").to_owned();
    let mut out = Vec::new();
    let production = dossier
        .hosting
        .environments
        .iter()
        .find(|e| e.kind == EnvironmentKind::Production);
    let cost = euros(dossier.project.full_cost_eur.cents());
    let chosen = production
        .and_then(|e| e.offer.as_deref())
        .and_then(|id| catalog.offer(id));
    match (dossier.hosting.approach, chosen) {
        (_, Some(offer)) => {
            let mut s = scenario_of(
                catalog,
                offer,
                on,
                production.and_then(|e| e.region.as_deref()),
                lang,
                cost.clone(),
            );
            s.name = format!(
                "{} : {}",
                tr(lang, "Choix de l'équipe", "Team's choice"),
                s.name
            );
            out.push(s);
        }
        (approach, None) => out.push(Scenario {
            name: format!(
                "{} : {}",
                tr(lang, "Choix de l'équipe", "Team's choice"),
                match approach {
                    Approach::OnPremise => tr(lang, "serveurs de l'administration", "own servers"),
                    Approach::Undecided => tr(lang, "non décidé", "undecided"),
                    Approach::Saas => "SaaS",
                    Approach::Cloud =>
                        tr(lang, "cloud, offre non précisée", "cloud, offer not given"),
                }
            ),
            economic: cost.clone(),
            legal: tr(lang, "selon le contrat", "per the contract").to_owned(),
            business: String::new(),
            security: tr(
                lang,
                "selon l'homologation du système",
                "per the system's security accreditation",
            )
            .to_owned(),
        }),
    }
    let chosen_id = chosen.map(|o| o.id.as_str());
    let mut alternatives: Vec<&Offer> = suggested
        .iter()
        .filter_map(|id| catalog.offer(id))
        .collect();
    if alternatives.is_empty() {
        alternatives = nuage_doctrine::trusted_commercial(catalog, on);
    }
    for offer in alternatives
        .into_iter()
        .filter(|o| Some(o.id.as_str()) != chosen_id)
        .take(3)
    {
        out.push(scenario_of(
            catalog,
            offer,
            on,
            None,
            lang,
            to_price.clone(),
        ));
    }
    if dossier.hosting.approach != Approach::OnPremise {
        out.push(Scenario {
            name: tr(
                lang,
                "Hors cloud (dérogation à R6)",
                "Not cloud (derogation from R6)",
            )
            .to_owned(),
            economic: to_price,
            legal: tr(
                lang,
                "maîtrise par l'administration",
                "under the administration's control",
            )
            .to_owned(),
            business: tr(
                lang,
                "capacités à construire et exploiter",
                "capacity to build and run",
            )
            .to_owned(),
            security: tr(
                lang,
                "selon l'homologation du système",
                "per the system's security accreditation",
            )
            .to_owned(),
        });
    }
    out
}

async fn current_dossier(
    state: &AppState,
    project: &nuage_registry::Project,
) -> Result<Dossier, Problem> {
    let version = state
        .registry
        .dossier_version(project.id, project.current_version)
        .await
        .map_err(registry_problem)?;
    let format = Format::from_extension(&version.format)
        .ok_or_else(|| Problem::internal(format!("stored format `{}`", version.format)))?;
    crate::blocking::read(&state.catalog, version.source, format)
        .await?
        .map_err(|e| Problem::internal(e.to_string()))
}

async fn load_study(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<ComparativeStudy, Problem> {
    let state = state.clone();
    let viewer = viewer.clone();
    {
        let user = viewer.user().ok_or_else(|| {
            Problem::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "urn:nuage:problem:unauthenticated",
                "Connexion requise",
                "log in to see this page".into(),
            )
        })?;
        let (project, _) = readable(&state, user, ProjectId(id)).await?;
        let dossier = current_dossier(&state, &project).await?;
        let (assessment, _) = latest_assessment(&state, project.id)
            .await?
            .ok_or_else(|| Problem::internal("project without assessment"))?;
        let organisation = state
            .registry
            .organisation(project.organisation_id)
            .await
            .map(|o| o.name)
            .unwrap_or_default();
        let lang = viewer.lang;
        let suggested: Vec<String> = assessment
            .findings
            .iter()
            .flat_map(|f| {
                f.counterfactuals
                    .iter()
                    .flat_map(|c| c.offers.iter().cloned())
            })
            .collect();
        let findings = assessment
            .findings
            .iter()
            .filter(|f| matches!(f.rule.as_str(), "R6" | "R7" | "R8" | "R9" | "R15"))
            .map(|f| {
                (
                    f.rule.as_str().to_owned(),
                    f.status.label(lang).to_owned(),
                    f.message.clone(),
                )
            })
            .collect();
        Ok::<_, Problem>(ComparativeStudy {
            chrome: viewer.chrome(
                &state,
                format!(
                    "{} — {}",
                    tr(lang, "Étude comparative", "Comparative study"),
                    project.name
                ),
                "projets",
            ),
            id: project.id.to_string(),
            name: project.name.clone(),
            organisation,
            cost: euros(dossier.project.full_cost_eur.cents()),
            procedure: assessment.control_procedure.label(lang).to_owned(),
            sensitive: label(
                lang,
                if assessment.particularly_sensitive {
                    "sensitive"
                } else {
                    "not_sensitive"
                },
            ),
            preamble: nuage_doctrine::r7_study_preamble(lang, &assessment.edition),
            signers: nuage_doctrine::r7_study_approvers(
                &assessment.edition,
                dossier.project.full_cost_eur,
            )
            .iter()
            .map(|a| a.signature(lang).to_owned())
            .collect(),
            edition: assessment.edition.clone(),
            assessed_on: nuage_doctrine::vocabulary::long_date(lang, assessment.assessed_on),
            catalog_version: assessment.catalog_version.clone(),
            scenarios: scenarios(
                &dossier,
                &state.catalog,
                assessment.assessed_on,
                &suggested,
                lang,
            ),
            findings,
        })
    }
}

pub(super) async fn comparative_study(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    match load_study(&state, &viewer, id).await {
        Ok(page) => html(&page),
        Err(p) => viewer.problem(&state, p),
    }
}

pub(super) async fn comparative_study_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    match load_study(&state, &viewer, id).await {
        Ok(page) => {
            let lang = viewer.lang;
            let mut blocks = vec![
                Block::Title(format!(
                    "{} — {}",
                    tr(
                        lang,
                        "Étude comparative des solutions d'hébergement",
                        "Comparative study of hosting solutions"
                    ),
                    page.name
                )),
                Block::Note(page.preamble.clone()),
                Block::Row(
                    tr(lang, "Organisation", "Organisation").to_owned(),
                    page.organisation.clone(),
                ),
                Block::Row(
                    tr(lang, "Coût complet", "Full cost").to_owned(),
                    page.cost.clone(),
                ),
                Block::Row(
                    tr(lang, "Procédure de contrôle (R8)", "Control procedure (R8)").to_owned(),
                    page.procedure.clone(),
                ),
                Block::Row(
                    tr(lang, "Sensibilité des données", "Data sensitivity").to_owned(),
                    page.sensitive.clone(),
                ),
                Block::Row(
                    tr(lang, "Évaluation", "Assessment").to_owned(),
                    format!(
                        "{} {} {} {}, {} {}",
                        tr(lang, "le", "on"),
                        page.assessed_on,
                        tr(lang, "selon l'édition", "under the edition"),
                        page.edition,
                        tr(lang, "catalogue", "catalog"),
                        page.catalog_version
                    ),
                ),
            ];
            for s in &page.scenarios {
                blocks.push(Block::Heading(s.name.clone()));
                blocks.push(Block::Row(
                    tr(lang, "Économique", "Economic").to_owned(),
                    s.economic.clone(),
                ));
                blocks.push(Block::Row(
                    tr(lang, "Juridique", "Legal").to_owned(),
                    s.legal.clone(),
                ));
                blocks.push(Block::Row(
                    tr(lang, "Métier", "Business").to_owned(),
                    s.business.clone(),
                ));
                blocks.push(Block::Row(
                    tr(lang, "Sécurité", "Security").to_owned(),
                    s.security.clone(),
                ));
            }
            blocks.push(Block::Heading(
                tr(lang, "Ce que dit l'évaluation", "What the assessment says").to_owned(),
            ));
            for (rule, status, message) in &page.findings {
                blocks.push(Block::Row(format!("{rule} ({status})"), message.clone()));
            }
            let sign = tr(lang, "Date, nom, signature :", "Date, name, signature:");
            let signers: Vec<(&str, &str)> =
                std::iter::once((tr(lang, "Chef de projet", "Project manager"), sign))
                    .chain(page.signers.iter().map(|s| (s.as_str(), sign)))
                    .collect();
            signatures(lang, &mut blocks, &signers);
            pdf(&format!("etude-comparative-{id}.pdf"), &page.name, &blocks)
        }
        Err(p) => viewer.problem(&state, p),
    }
}

/// The « Visas » section closing a printed document: one signature block per signer.
fn signatures(lang: Lang, blocks: &mut Vec<Block>, signers: &[(&str, &str)]) {
    blocks.push(Block::Heading(tr(lang, "Visas", "Signatures").to_owned()));
    for (i, (who, prompt)) in signers.iter().enumerate() {
        if i > 0 {
            blocks.push(Block::Gap);
        }
        blocks.push(Block::Row((*who).to_owned(), (*prompt).to_owned()));
    }
}

fn pdf(filename: &str, title: &str, blocks: &[Block]) -> Response {
    let bytes = nuage_web::pdf::render(title, blocks);
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "print_r9.html")]
struct DerogationRequest {
    chrome: Chrome,
    id: String,
    kind: String,
    project: String,
    organisation: String,
    state: String,
    deadline: Option<String>,
    justification: String,
    approvers: String,
    /// One signature block per approver, in the order they decide.
    signatures: Vec<String>,
    /// How the deadline will be set, while it is not.
    pending_deadline: Option<String>,
    conditions: Vec<String>,
    data: Vec<String>,
    events: Vec<(String, String, String, String)>,
}

async fn load_request(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<DerogationRequest, Problem> {
    let state = state.clone();
    let viewer = viewer.clone();
    {
        let user = viewer.user().ok_or_else(|| {
            Problem::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "urn:nuage:problem:unauthenticated",
                "Connexion requise",
                "log in to see this page".into(),
            )
        })?;
        let (d, _) = crate::derogations::readable_derogation(&state, user, id).await?;
        let project = state
            .registry
            .project(d.project_id)
            .await
            .map_err(registry_problem)?;
        let organisation = state
            .registry
            .organisation(project.organisation_id)
            .await
            .map(|o| o.name)
            .unwrap_or_default();
        let lang = viewer.lang;
        let latest = latest_assessment(&state, project.id).await?;
        let offered = latest
            .as_ref()
            .and_then(|(a, _)| a.derogations.iter().find(|x| x.kind == d.kind).cloned());
        let data = latest
            .as_ref()
            .map(|(a, _)| {
                a.data
                    .iter()
                    .map(|x| format!("{} — {}", x.name, x.grounds.join(" ; ")))
                    .collect()
            })
            .unwrap_or_default();
        Ok::<_, Problem>(DerogationRequest {
            chrome: viewer.chrome(
                &state,
                format!(
                    "{} — {}",
                    tr(lang, "Demande de dérogation", "Derogation request"),
                    project.name
                ),
                "projets",
            ),
            id: d.id.to_string(),
            kind: d.kind.label(lang).to_owned(),
            project: project.name.clone(),
            organisation,
            state: d.state.label(lang).to_owned(),
            deadline: d.deadline.clone(),
            justification: d.justification.clone(),
            approvers: d
                .approvers
                .iter()
                .map(|a| a.label(lang).to_owned())
                .collect::<Vec<_>>()
                .join(", "),
            signatures: d
                .approvers
                .iter()
                .map(|a| a.signature(lang).to_owned())
                .collect(),
            pending_deadline: latest
                .as_ref()
                .and_then(|(a, _)| nuage_doctrine::deadline_rule(lang, &a.edition, d.kind)),
            conditions: offered.map(|o| o.conditions).unwrap_or_default(),
            data,
            events: super::events_of(lang, &d),
        })
    }
}

pub(super) async fn derogation_request(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    match load_request(&state, &viewer, id).await {
        Ok(page) => html(&page),
        Err(p) => viewer.problem(&state, p),
    }
}

pub(super) async fn derogation_request_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    match load_request(&state, &viewer, id).await {
        Ok(page) => {
            let lang = viewer.lang;
            let mut blocks = vec![
                Block::Title(format!(
                    "{} — {}",
                    tr(lang, "Demande de dérogation", "Derogation request"),
                    page.kind
                )),
                Block::Row(
                    tr(lang, "Projet", "Project").to_owned(),
                    page.project.clone(),
                ),
                Block::Row(
                    tr(lang, "Organisation", "Organisation").to_owned(),
                    page.organisation.clone(),
                ),
                Block::Row(tr(lang, "État", "State").to_owned(), page.state.clone()),
                Block::Row(
                    tr(lang, "Échéance", "Deadline").to_owned(),
                    page.deadline
                        .clone()
                        .or_else(|| page.pending_deadline.clone())
                        .unwrap_or_else(|| tr(lang, "sans échéance", "no deadline").to_owned()),
                ),
                Block::Row(
                    tr(lang, "Justification", "Justification").to_owned(),
                    page.justification.clone(),
                ),
                Block::Row(
                    tr(lang, "Qui décide", "Who decides").to_owned(),
                    page.approvers.clone(),
                ),
                Block::Heading(
                    tr(
                        lang,
                        "Conditions posées par les textes",
                        "Conditions the texts set",
                    )
                    .to_owned(),
                ),
            ];
            blocks.extend(
                page.conditions
                    .iter()
                    .map(|c| Block::Paragraph(format!("• {c}"))),
            );
            blocks.push(Block::Heading(
                tr(lang, "Sensibilité des données", "Sensitivity of the data").to_owned(),
            ));
            blocks.extend(page.data.iter().map(|d| Block::Paragraph(format!("• {d}"))));
            blocks.push(Block::Heading(tr(lang, "Étapes", "Steps").to_owned()));
            for (when, state_label, who, notes) in &page.events {
                blocks.push(Block::Row(
                    when.clone(),
                    format!(
                        "{state_label} — {who}{}",
                        if notes.is_empty() {
                            String::new()
                        } else {
                            format!(" — {notes}")
                        }
                    ),
                ));
            }
            let sign = tr(lang, "Date, signature :", "Date, signature:");
            let signers: Vec<(&str, &str)> =
                page.signatures.iter().map(|s| (s.as_str(), sign)).collect();
            signatures(lang, &mut blocks, &signers);
            pdf(
                &format!("demande-derogation-{id}.pdf"),
                &page.project,
                &blocks,
            )
        }
        Err(p) => viewer.problem(&state, p),
    }
}
