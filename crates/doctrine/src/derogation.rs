//! What the derogations of every kind share: their deadline under the edition in force and the
//! words that say it, and who is responsible.

use crate::assessment::Approver;
use crate::context::Ctx;
use crate::words::{self, text};
use nuage_catalog::Date;

/// « 12 mois après la date à laquelle une offre de cloud acceptable sera disponible en France ».
pub(crate) fn deadline(ctx: &Ctx<'_>) -> Option<Date> {
    ctx.d
        .project
        .acceptable_offer_available_on
        .and_then(|d| d.add_months(ctx.ed.thresholds.derogation_months_after_acceptable_offer))
}

pub(crate) fn deadline_conditions(
    ctx: &Ctx<'_>,
    deadline: Option<Date>,
    conditions: &mut Vec<String>,
) -> bool {
    let lang = ctx.lang;
    let months = ctx.ed.thresholds.derogation_months_after_acceptable_offer;
    match deadline {
        Some(d) => {
            let when = words::date(lang, d);
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

pub(crate) fn approvers_sentence(ctx: &Ctx<'_>, approvers: &[Approver]) -> String {
    let lang = ctx.lang;
    let parts: Vec<&str> = approvers.iter().map(|a| a.part_in_decision(lang)).collect();
    let mut sentence = parts.join(", ");
    if let Some(first) = sentence.get(..1) {
        sentence = first.to_uppercase() + sentence.get(1..).unwrap_or("");
    }
    sentence.push('.');
    sentence
}

/// How the deadline of a derogation of `kind` is set under the edition `edition` (its id), in
/// words, while it is not known: « N mois après … ». `None` for a derogation without deadline.
pub fn deadline_rule(
    lang: crate::assessment::Lang,
    edition: &str,
    kind: crate::assessment::DerogationKind,
) -> Option<String> {
    if kind == crate::assessment::DerogationKind::R7NoCloud {
        return None;
    }
    let editions = crate::edition::Editions::embedded().ok()?;
    let ed = editions.all().iter().find(|e| e.id == edition)?;
    let months = ed.thresholds.derogation_months_after_acceptable_offer;
    Some(text!(lang,
        fr: "à fixer : {months} mois après la date à laquelle une offre de cloud acceptable est disponible en France",
        en: "to be set: {months} months after the day an acceptable cloud offer is available in France"))
}
