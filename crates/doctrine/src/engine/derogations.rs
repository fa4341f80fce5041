//! The derogations the texts open, whether this project can claim them and until when.

use super::Ctx;
use super::offers::r9_gaps;
use super::project::departs_from_r6;
use super::text::{self, text};
use crate::assessment::{Approver, Derogation, DerogationKind, Rule};
use nuage_catalog::Date;

pub(crate) fn derogations(ctx: &Ctx<'_>) -> Vec<Derogation> {
    let mut out = Vec::new();
    if !ctx.in_scope {
        return out;
    }
    if ctx.secnumcloud_required() {
        out.push(r9_transitional(ctx));
    }
    // Listed when the project departs from R6, or has not chosen its hosting yet.
    if ctx.concerned
        && (departs_from_r6(ctx) || ctx.d.hosting.approach == crate::dossier::Approach::Undecided)
    {
        out.push(r7_no_cloud(ctx));
    }
    if !ctx.office_services.is_empty() && office_offer_falls_short(ctx) {
        out.push(office_suite(ctx));
    }
    out
}

/// « 12 mois après la date à laquelle une offre de cloud acceptable sera disponible en France ».
fn deadline(ctx: &Ctx<'_>) -> Option<Date> {
    ctx.d
        .project
        .acceptable_offer_available_on
        .and_then(|d| d.add_months(ctx.ed.thresholds.derogation_months_after_acceptable_offer))
}

fn deadline_conditions(
    ctx: &Ctx<'_>,
    deadline: Option<Date>,
    conditions: &mut Vec<String>,
) -> bool {
    let lang = ctx.lang;
    let months = ctx.ed.thresholds.derogation_months_after_acceptable_offer;
    match deadline {
        Some(d) => {
            let when = text::date(lang, d);
            conditions.push(text!(lang,
                fr: "Échéance : {when}, soit {months} mois après la date à laquelle une offre de cloud acceptable est disponible en France (jugement déclaré par le projet).",
                en: "Deadline: {when}, {months} months after the day an acceptable cloud offer is available in France (a judgement the project declares)."));
            if d < ctx.on {
                conditions.push(text!(lang,
                    fr: "Cette échéance est dépassée à la date d'évaluation : la dérogation ne peut plus couvrir le projet.",
                    en: "This deadline has passed on the assessment date: the derogation can no longer cover the project."));
                return false;
            }
            true
        }
        None => {
            conditions.push(text!(lang,
                fr: "Échéance inconnue : elle tombera {months} mois après la date à laquelle une offre de cloud acceptable sera disponible en France ; renseigner `acceptable_offer_available_on` quand elle est connue.",
                en: "Deadline unknown: it falls {months} months after the day an acceptable cloud offer is available in France; fill in `acceptable_offer_available_on` once known."));
            true
        }
    }
}

fn approvers_sentence(ctx: &Ctx<'_>, approvers: &[Approver]) -> String {
    let lang = ctx.lang;
    let names: Vec<&str> = approvers.iter().map(|a| text::approver(lang, *a)).collect();
    let names = text::list(lang, &names);
    text!(lang,
        fr: "Accordée sous la responsabilité de : {names}.",
        en: "Granted under the responsibility of: {names}.")
}

fn r9_transitional(ctx: &Ctx<'_>) -> Derogation {
    let lang = ctx.lang;
    let edition_day = ctx.ed.in_force_from;
    let day = text::date(lang, edition_day);
    let mut conditions = Vec::new();
    let engaged = match ctx.d.project.engaged_on {
        Some(e) if e < edition_day => {
            let when = text::date(lang, e);
            conditions.push(text!(lang,
                fr: "Projet déjà engagé : engagé le {when}, avant l'entrée en vigueur de la circulaire le {day}.",
                en: "Project already engaged: engaged on {when}, before the circular came into force on {day}."));
            true
        }
        Some(e) => {
            let when = text::date(lang, e);
            conditions.push(text!(lang,
                fr: "Réservée aux projets déjà engagés : celui-ci l'a été le {when}, pas avant le {day}.",
                en: "Reserved to projects already engaged: this one was engaged on {when}, not before {day}."));
            false
        }
        None => {
            conditions.push(text!(lang,
                fr: "Réservée aux projets déjà engagés avant le {day} : la date d'engagement (`engaged_on`) n'est pas renseignée.",
                en: "Reserved to projects already engaged before {day}: the engagement date (`engaged_on`) is not given."));
            false
        }
    };
    let approvers = ctx.ed.r9_transitional.approvers.clone();
    conditions.push(approvers_sentence(ctx, &approvers));
    let deadline = deadline(ctx);
    let open = deadline_conditions(ctx, deadline, &mut conditions);
    if ctx.ed.r9_transitional.faq_proof_of_guarantees {
        conditions.push(text!(lang,
            fr: "La DINUM juge une telle dérogation inappropriée ; l'entité doit apporter la preuve que les garanties de SecNumCloud sont réunies, notamment en cybersécurité et en isolation juridique (FAQ, « Dérogations »).",
            en: "DINUM deems such a derogation inappropriate; the entity must prove that SecNumCloud's guarantees are met, notably on cybersecurity and legal isolation (FAQ, « Dérogations »)."));
    }
    let mut citations = vec![ctx.cite(Rule::R9)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Dérogations")));
    } else {
        citations.push(ctx.cite_doc("communique-dinum-2021-10-06", None));
    }
    Derogation {
        kind: DerogationKind::R9Transitional,
        available: engaged && open,
        deadline,
        approvers,
        covers: Vec::new(),
        conditions,
        citations,
    }
}

fn r7_no_cloud(ctx: &Ctx<'_>) -> Derogation {
    let lang = ctx.lang;
    let t = &ctx.ed.thresholds;
    let cost = ctx.d.project.full_cost_eur;
    let low = text::euros(lang, t.dinum_documentation_from_eur);
    let high = text::euros(lang, t.major_project_review_above_eur);
    let mut conditions = Vec::new();
    let approvers = if cost < t.dinum_documentation_from_eur {
        conditions.push(text!(lang,
            fr: "Coût complet inférieur à {low} : l'autorité en charge du projet décide et contrôle ; pas d'étude à transmettre à la DINUM.",
            en: "Full cost below {low}: the project's authority decides and controls; no study to send to DINUM."));
        vec![Approver::ProjectAuthority]
    } else {
        conditions.push(text!(lang,
            fr: "Coût complet d'au moins {low} : documenter la dérogation auprès de la DINUM par une étude comparative des scénarios (aspects économiques, juridiques, métiers et de sécurité).",
            en: "Full cost of at least {low}: document the derogation to DINUM with a comparative study of the scenarios (economic, legal, business and security aspects)."));
        if cost <= t.major_project_review_above_eur {
            vec![Approver::Ministry]
        } else {
            conditions.push(text!(lang,
                fr: "Au-delà de {high}, la procédure de contrôle de conception des grands projets (décret n° 2019-1088, art. 3) examine ce choix.",
                en: "Above {high}, the design review of major projects (decree n° 2019-1088, art. 3) examines this choice."));
            vec![Approver::Ministry, Approver::Dinum]
        }
    };
    let mut citations = vec![ctx.cite(Rule::R7), ctx.cite(Rule::R6)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Contrôle")));
    }
    Derogation {
        kind: DerogationKind::R7NoCloud,
        available: true,
        deadline: None,
        approvers,
        covers: Vec::new(),
        conditions,
        citations,
    }
}

/// The production offer of the agents' tools is not a trusted one.
fn office_offer_falls_short(ctx: &Ctx<'_>) -> bool {
    ctx.envs.iter().filter(|e| e.env.kind.under_r9()).any(|e| {
        e.offer
            .is_some_and(|o| !r9_gaps(ctx, o, e.env.region.as_deref()).is_empty())
    })
}

fn office_suite(ctx: &Ctx<'_>) -> Derogation {
    let lang = ctx.lang;
    let rules = &ctx.ed.office_suite;
    let covers: Vec<_> = ctx
        .office_services
        .iter()
        .copied()
        .filter(|s| rules.covers.contains(s))
        .collect();
    let never: Vec<&str> = ctx
        .office_services
        .iter()
        .filter(|s| !rules.covers.contains(s))
        .map(|s| text::service(lang, *s))
        .collect();
    let day = text::date(lang, rules.well_advanced_on);
    let mut conditions = Vec::new();
    let advanced = match ctx.d.project.engaged_on {
        Some(e) if e < rules.well_advanced_on => {
            let when = text::date(lang, e);
            conditions.push(text!(lang,
                fr: "Projet engagé le {when} : la note réserve la dérogation aux projets très avancés au {day}, ce que l'entité doit pouvoir établir.",
                en: "Project engaged on {when}: the note reserves the derogation to projects very advanced on {day}, which the entity must be able to show."));
            true
        }
        Some(e) => {
            let when = text::date(lang, e);
            conditions.push(text!(lang,
                fr: "Réservée aux projets très avancés au {day} : celui-ci a été engagé le {when}.",
                en: "Reserved to projects very advanced on {day}: this one was engaged on {when}."));
            false
        }
        None => {
            conditions.push(text!(lang,
                fr: "Réservée aux projets très avancés au {day} : la date d'engagement n'est pas renseignée.",
                en: "Reserved to projects very advanced on {day}: the engagement date is not given."));
            false
        }
    };
    if covers.is_empty() {
        conditions.push(text!(lang,
            fr: "Elle ne couvre que la messagerie et le drive personnel, qu'aucun service du projet ne fournit.",
            en: "It only covers email and personal drive, which the project does not provide."));
    } else {
        conditions.push(text!(lang,
            fr: "Limitée aux seuls services de messagerie et de drive personnel.",
            en: "Limited to email and personal drive services only."));
    }
    if !never.is_empty() {
        let list = text::list(lang, &never);
        conditions.push(text!(lang,
            fr: "Jamais pour : {list}. Issue : les produits interministériels (Tchap, Resana, Osmose, Audioconf, Webconférence de l'État, La Suite numérique).",
            en: "Never for: {list}. Way out: the interministerial products (Tchap, Resana, Osmose, Audioconf, the State web conference, La Suite numérique)."));
    }
    let approvers = rules.approvers.clone();
    conditions.push(approvers_sentence(ctx, &approvers));
    let deadline = deadline(ctx);
    let open = deadline_conditions(ctx, deadline, &mut conditions);
    Derogation {
        kind: DerogationKind::OfficeSuite,
        available: advanced && open && !covers.is_empty(),
        deadline,
        approvers,
        covers,
        conditions,
        citations: vec![
            ctx.cite_doc("note-dinum-office-365", None),
            ctx.cite(Rule::R9),
        ],
    }
}
