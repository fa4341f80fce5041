//! E-mails about derogations (`nuage serve --smtp-url`): to whoever must act when a step waits
//! for them, and to the team and its ministry's controllers 90, 30 and 7 days before a
//! deadline. Each is sent once: the registry records it under a unique key (derogation, kind,
//! threshold) before it leaves, so that several instances never send it twice; a failed send
//! gives its claim back and the next sweep tries again. Sent after each step and each
//! confirmed deadline, and by a sweep every hour (and at start).

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Body, Mailbox};
use lettre::{Message, SmtpTransport, Transport};
use nuage_doctrine::{Actor, Label, Lang};
use nuage_registry::{NotificationKind, Role, StoredDerogation};

use crate::AppState;
use crate::problem::Problem;
use crate::projects::registry_problem;

/// Days before a deadline when the team and the controllers are told.
pub const DEADLINE_DAYS: [i64; 3] = [90, 30, 7];

/// Time between two sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// An SMTP relay and the address mail comes from.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// `smtp://host:25` (plain), `smtp://host:587?tls=required` (STARTTLS), `smtps://host`
    /// (TLS), with `user:password@` when the relay asks for it; `from`, e.g.
    /// `Nuage <nuage@ministere.gouv.fr>`.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("--smtp-from `{from}`: {e}"))?;
        Ok(Mailer { transport, from })
    }

    fn send(&self, to: &[String], subject: &str, body: String) -> Result<(), String> {
        let mut message = Message::builder().from(self.from.clone()).subject(subject);
        let mut any = false;
        for address in to {
            if let Ok(mailbox) = address.parse::<Mailbox>() {
                message = message.to(mailbox);
                any = true;
            }
        }
        if !any {
            return Err("no valid recipient".into());
        }
        // lettre picks the transfer encoding (quoted-printable for French text).
        let body = Body::new(body);
        let message = message
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// One e-mail to send.
struct Notice {
    kind: NotificationKind,
    threshold: String,
    to: Vec<String>,
    subject: String,
    body: String,
}

fn link(state: &AppState, id: impl std::fmt::Display) -> String {
    format!(
        "{}/derogations/{id}",
        state
            .public_origin
            .as_deref()
            .unwrap_or("http://localhost:8080")
    )
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Who records steps as `actor`, by e-mail address.
async fn addresses_of(
    state: &AppState,
    d: &StoredDerogation,
    actors: &[Actor],
) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for actor in actors {
        let (team, role) = match actor {
            Actor::ProjectTeam => (true, None),
            Actor::MinistryController => (false, Some(Role::MinistryController)),
            Actor::Dinum => (false, Some(Role::Dinum)),
        };
        out.extend(
            state
                .registry
                .addresses(d, team, role)
                .await
                .map_err(registry_problem)?,
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The e-mails `d` calls for today, sent or not yet.
async fn notices(state: &AppState, d: &StoredDerogation) -> Result<Vec<Notice>, Problem> {
    let mut out = Vec::new();
    let project = state
        .registry
        .project(d.project_id)
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    let fr = d.kind.label(Lang::Fr);
    let en = d.kind.label(Lang::En);
    let url = link(state, d.id);
    let workflow = d.workflow();
    if d.state.is_pending()
        && let Some(step) = workflow.path().find(|s| s.from == d.state)
    {
        let to = addresses_of(state, d, &step.by).await?;
        let who_fr: Vec<&str> = step.by.iter().map(|a| a.label(Lang::Fr)).collect();
        let who_en: Vec<&str> = step.by.iter().map(|a| a.label(Lang::En)).collect();
        let what_fr = lower_first(step.transition.label(Lang::Fr));
        let what_en = lower_first(step.transition.label(Lang::En));
        let id = d.id;
        out.push(Notice {
            kind: NotificationKind::Waiting,
            threshold: d.state.as_str().to_owned(),
            to,
            subject: format!("[Nuage] Dérogation n° {id} — {project} : une action vous attend"),
            body: format!(
                "Bonjour,\r\n\r\nLa dérogation n° {id} du projet « {project} » ({fr}) attend une action.\r\n\
                 Prochaine action : {what_fr}, par {}.\r\n\r\nPour agir : {url}\r\n\r\n\
                 -- \r\nEnglish: derogation {id} of the project \"{project}\" ({en}) waits for an action.\r\n\
                 Next action: {what_en}, by {}.\r\nTo act: {url}\r\n",
                who_fr.join(" ou "),
                who_en.join(" or "),
            ),
        });
    }
    let today = (state.today)();
    let deadline: Option<nuage_doctrine::Date> = d.deadline.as_deref().and_then(|s| s.parse().ok());
    if let Some(deadline) = deadline
        && (d.state.is_in_force() || d.state.is_pending())
    {
        let days = today.days_until(deadline);
        if let Some(threshold) = DEADLINE_DAYS
            .iter()
            .rev()
            .find(|t| days >= 0 && days <= **t)
        {
            let to =
                addresses_of(state, d, &[Actor::ProjectTeam, Actor::MinistryController]).await?;
            let when_fr = nuage_doctrine::deadline_words(Lang::Fr, deadline, today);
            let when_en = nuage_doctrine::deadline_words(Lang::En, deadline, today);
            let id = d.id;
            out.push(Notice {
                kind: NotificationKind::Deadline,
                threshold: threshold.to_string(),
                to,
                subject: format!(
                    "[Nuage] Dérogation n° {id} — {project} : échéance le {when_fr}"
                ),
                body: format!(
                    "Bonjour,\r\n\r\nLa dérogation n° {id} du projet « {project} » ({fr}) prend fin le {when_fr}.\r\n\
                     Passé cette date, elle ne couvre plus le projet : la page du projet dit ce qui doit être fait avant.\r\n\r\n\
                     {url}\r\n\r\n-- \r\nEnglish: derogation {id} of the project \"{project}\" ({en}) ends on {when_en}.\r\n\
                     After that day it no longer covers the project: the project's page says what must be done before.\r\n{url}\r\n"
                ),
            });
        }
    }
    Ok(out)
}

/// Sends what `d` calls for and was not sent yet; returns how many left.
pub async fn notify(state: &AppState, d: &StoredDerogation) -> Result<usize, Problem> {
    let Some(mailer) = state.mailer.clone() else {
        return Ok(0);
    };
    let mut sent = 0;
    for notice in notices(state, d).await? {
        // Nobody to tell yet (no address): nothing is recorded, a later sweep tries again.
        if notice.to.is_empty() {
            continue;
        }
        let claimed = state
            .registry
            .claim_notification(
                d.id,
                notice.kind,
                &notice.threshold,
                &notice.to,
                &notice.subject,
            )
            .await
            .map_err(registry_problem)?;
        if !claimed {
            continue;
        }
        let m = Arc::clone(&mailer);
        let (to, subject, body) = (notice.to.clone(), notice.subject.clone(), notice.body);
        let result = tokio::task::spawn_blocking(move || m.send(&to, &subject, body))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
        match result {
            Ok(()) => {
                state
                    .registry
                    .notification_sent(d.id, notice.kind, &notice.threshold)
                    .await
                    .map_err(registry_problem)?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(derogation = %d.id, kind = notice.kind.as_str(), error = %e, "e-mail not sent; retried at the next sweep");
                state
                    .registry
                    .release_notification(d.id, notice.kind, &notice.threshold)
                    .await
                    .map_err(registry_problem)?;
            }
        }
    }
    Ok(sent)
}

/// After a step or a confirmed deadline: the e-mails it calls for, in the background.
pub(crate) fn after_change(state: &AppState, d: &StoredDerogation) {
    if state.mailer.is_none() {
        return;
    }
    let state = state.clone();
    let d = d.clone();
    tokio::spawn(async move {
        if let Err(p) = notify(&state, &d).await {
            tracing::warn!(derogation = %d.id, error = %p.detail, "notifications not sent");
        }
    });
}

/// Every open derogation: the e-mails due and not sent yet.
pub async fn sweep(state: &AppState) -> Result<usize, Problem> {
    let mut sent = 0;
    for d in state
        .registry
        .open_derogations(None, None)
        .await
        .map_err(registry_problem)?
    {
        sent += notify(state, &d).await?;
    }
    Ok(sent)
}

/// The sweep at start, then every [`SWEEP_EVERY`], while the server runs.
pub(crate) fn spawn_sweeps(state: &AppState) {
    if state.mailer.is_none() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        loop {
            every.tick().await;
            match sweep(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sent = n, "derogation e-mails sent"),
                Err(p) => tracing::warn!(error = %p.detail, "derogation e-mails: sweep failed"),
            }
        }
    });
}
