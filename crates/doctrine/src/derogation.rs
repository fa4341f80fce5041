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
    if !kind.has_deadline() {
        return None;
    }
    let editions = crate::edition::Editions::embedded().ok()?;
    let ed = editions.all().iter().find(|e| e.id == edition)?;
    let months = ed.thresholds.derogation_months_after_acceptable_offer;
    Some(text!(lang,
        fr: "à fixer : {months} mois après la date à laquelle une offre de cloud acceptable est disponible en France",
        en: "to be set: {months} months after the day an acceptable cloud offer is available in France"))
}

/// The rules a derogation of `kind` lets a project break while it is in force.
pub fn covered_rules(
    kind: crate::assessment::DerogationKind,
) -> &'static [crate::assessment::Rule] {
    use crate::assessment::{DerogationKind as K, Rule};
    match kind {
        K::R9Transitional | K::R9EquivalentGuarantees => &[Rule::R9],
        K::OfficeSuite => &[Rule::Office],
        K::R7NoCloud => &[Rule::R6, Rule::R7],
    }
}

/// A derogation granted to a project (in force in the registry), as the verdict reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub kind: crate::assessment::DerogationKind,
    /// The deadline recorded for it, if one is set.
    pub deadline: Option<Date>,
}

/// How a non-compliant project stands with the derogations it was granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// « Non conforme — couvert par une dérogation jusqu'au 17 décembre 2026 (J-15) ».
    pub headline: String,
    /// The earliest deadline among the derogations that cover the findings.
    pub deadline: Option<Date>,
    /// Days from the day of reading to that deadline (negative once passed).
    pub days_left: Option<i64>,
    /// Every non-compliant finding is covered by a derogation still running.
    pub whole: bool,
    /// A derogation that covered the project has passed its deadline.
    pub lapsed: bool,
}

/// « J-15 », « J+3 » (« D-15 » in English): days before (or after) a deadline.
pub fn countdown(lang: crate::assessment::Lang, days_left: i64) -> String {
    let sign = if days_left < 0 { '+' } else { '-' };
    let n = days_left.unsigned_abs();
    text!(lang, fr: "J{sign}{n}", en: "D{sign}{n}")
}

/// A deadline in words with its countdown from `today`: « 17 décembre 2026 (J-15) ».
pub fn deadline_words(lang: crate::assessment::Lang, deadline: Date, today: Date) -> String {
    let when = words::date(lang, deadline);
    let j = countdown(lang, today.days_until(deadline));
    format!("{when} ({j})")
}

/// Reads `assessment` (non-compliant) with the derogations `granted` to its project on `today`:
/// the verdict's words, and the remedy of each finding a derogation covers rewritten to say
/// what must be done before its deadline. `None` when no granted derogation concerns a
/// non-compliant finding.
pub fn cover(
    assessment: &mut crate::assessment::Assessment,
    granted: &[Granted],
    today: Date,
) -> Option<Cover> {
    use crate::assessment::{DerogationKind, Status, Verdict};
    use crate::vocabulary::Label;
    if assessment.verdict != Verdict::NonCompliant {
        return None;
    }
    let lang = assessment.lang;
    let covering = |rule| {
        granted
            .iter()
            .filter(move |g| covered_rules(g.kind).contains(&rule))
    };
    let mut any = false;
    let mut whole = true;
    let mut lapsed = false;
    let mut deadline: Option<Date> = None;
    // A derogation whose kind has no deadline (R7) covers without end.
    let mut open_ended = false;
    for f in assessment
        .findings
        .iter_mut()
        .filter(|f| f.status == Status::NonCompliant)
    {
        // The derogation that runs longest covers the finding.
        let mut running: Option<&Granted> = None;
        for g in covering(f.rule) {
            if g.deadline.is_some_and(|d| d < today) {
                lapsed = true;
                continue;
            }
            let longer = match (running.and_then(|r| r.deadline), g.deadline) {
                (_, None) => true,
                (None, Some(_)) => running.is_none(),
                (Some(a), Some(b)) => b > a,
            };
            if running.is_none() || longer {
                running = Some(g);
            }
        }
        let Some(g) = running else {
            whole = false;
            continue;
        };
        any = true;
        open_ended |= g.kind == DerogationKind::R7NoCloud;
        if let Some(d) = g.deadline {
            deadline = Some(deadline.map_or(d, |e: Date| e.min(d)));
        }
        let kind = g.kind.label(lang);
        let action = f.remedy.clone().unwrap_or_else(|| match g.kind {
            DerogationKind::R9Transitional | DerogationKind::R9EquivalentGuarantees => text!(lang,
                fr: "héberger le projet sur une offre qualifiée SecNumCloud et protégée contre les lois extra-européennes, ou sur un cloud interne de l'État.",
                en: "host the project on an offer that is SecNumCloud-qualified and protected from extra-EU law, or on a State internal cloud."),
            DerogationKind::OfficeSuite => text!(lang,
                fr: "passer aux produits collaboratifs interministériels ou à une offre qualifiée SecNumCloud.",
                en: "move to the interministerial collaborative products or to a SecNumCloud-qualified offer."),
            DerogationKind::R7NoCloud => text!(lang,
                fr: "réexaminer le choix d'un hébergement hors cloud à chaque évolution du projet.",
                en: "review the choice of hosting outside the cloud at each evolution of the project."),
        });
        f.remedy = Some(match g.deadline {
            Some(d) => {
                let when = words::date(lang, d);
                let j = countdown(lang, today.days_until(d));
                text!(lang,
                    fr: "Couvert jusqu'au {when} ({j}) par : {kind}. Avant cette date : {action} À l'échéance, la dérogation ne couvre plus le projet, qui redevient non conforme.",
                    en: "Covered until {when} ({j}) by: {kind}. Before that day: {action} Once the deadline has passed, the derogation no longer covers the project, which is non-compliant again.")
            }
            None if g.kind == DerogationKind::R7NoCloud => text!(lang,
                fr: "Couvert par : {kind}, sans échéance. À faire : {action}",
                en: "Covered by: {kind}, without deadline. To do: {action}"),
            None => text!(lang,
                fr: "Couvert par : {kind}, dont l'échéance n'est pas encore fixée. En attendant : {action}",
                en: "Covered by: {kind}, whose deadline is not set yet. Meanwhile: {action}"),
        });
    }
    if !any && !lapsed {
        return None;
    }
    let verdict = Verdict::NonCompliant.label(lang);
    let days_left = deadline.map(|d| today.days_until(d));
    let headline = match (any, whole, deadline) {
        (false, _, _) => text!(lang,
            fr: "{verdict} — la dérogation accordée a atteint son échéance : elle ne couvre plus le projet",
            en: "{verdict} — the derogation granted has reached its deadline: it no longer covers the project"),
        (true, true, Some(d)) => {
            let when = words::date(lang, d);
            let j = countdown(lang, today.days_until(d));
            text!(lang,
                fr: "{verdict} — couvert par une dérogation jusqu'au {when} ({j})",
                en: "{verdict} — covered by a derogation until {when} ({j})")
        }
        (true, true, None) if open_ended => text!(lang,
            fr: "{verdict} — couvert par une dérogation, sans échéance",
            en: "{verdict} — covered by a derogation, without deadline"),
        (true, true, None) => text!(lang,
            fr: "{verdict} — couvert par une dérogation, échéance à fixer",
            en: "{verdict} — covered by a derogation, deadline to be set"),
        (true, false, Some(d)) => {
            let when = words::date(lang, d);
            let j = countdown(lang, today.days_until(d));
            text!(lang,
                fr: "{verdict} — en partie couvert par une dérogation jusqu'au {when} ({j}) ; d'autres constats restent non conformes",
                en: "{verdict} — partly covered by a derogation until {when} ({j}); other findings remain non-compliant")
        }
        (true, false, None) if open_ended => text!(lang,
            fr: "{verdict} — en partie couvert par une dérogation, sans échéance ; d'autres constats restent non conformes",
            en: "{verdict} — partly covered by a derogation, without deadline; other findings remain non-compliant"),
        (true, false, None) => text!(lang,
            fr: "{verdict} — en partie couvert par une dérogation ; d'autres constats restent non conformes",
            en: "{verdict} — partly covered by a derogation; other findings remain non-compliant"),
    };
    Some(Cover {
        headline,
        deadline,
        days_left,
        whole: any && whole,
        lapsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{DerogationKind, Lang, Rule, Status};

    fn assessment(lang: Lang) -> crate::assessment::Assessment {
        let catalog = nuage_catalog::Catalog::embedded().unwrap();
        let source = r#"
assessed_on = 2026-06-01
[project]
name = "Portail"
entity = "Ministère de l'Intérieur"
entity_kind = "central_administration"
nature = "new"
full_cost_eur = 2000000
engaged_on = 2021-03-01
[hosting]
approach = "cloud"
[[hosting.environments]]
kind = "production"
offer = "aws"
[[data]]
name = "Titres"
personal = true
citizens = true
legal_secrets = ["private_life"]
breach_impacts = ["public_security"]
"#;
        let d = crate::read_dossier(source, crate::Format::Toml, &catalog).unwrap();
        crate::assess(&d, &catalog, "2026-06-01".parse().unwrap(), lang).unwrap()
    }

    #[test]
    fn a_granted_derogation_covers_its_rule_until_its_deadline() {
        let mut a = assessment(Lang::Fr);
        let r9 = a.finding(Rule::R9).unwrap();
        assert_eq!(r9.status, Status::NonCompliant, "{}", r9.message);
        let only_r9 = a
            .findings
            .iter()
            .filter(|f| f.status == Status::NonCompliant)
            .all(|f| f.rule == Rule::R9);
        let today: Date = "2026-12-02".parse().unwrap();
        let granted = [Granted {
            kind: DerogationKind::R9Transitional,
            deadline: Some("2026-12-17".parse().unwrap()),
        }];
        let c = cover(&mut a, &granted, today).unwrap();
        assert_eq!(c.days_left, Some(15));
        if only_r9 {
            assert_eq!(
                c.headline,
                "Non conforme — couvert par une dérogation jusqu'au 17 décembre 2026 (J-15)"
            );
        } else {
            assert!(c.headline.contains("en partie couvert"), "{}", c.headline);
        }
        let remedy = a.finding(Rule::R9).unwrap().remedy.clone().unwrap();
        assert!(
            remedy.starts_with(
                "Couvert jusqu'au 17 décembre 2026 (J-15) par : Dérogation transitoire"
            ),
            "{remedy}"
        );
        assert!(remedy.contains("Avant cette date :"), "{remedy}");
    }

    #[test]
    fn a_derogation_past_its_deadline_covers_nothing() {
        let mut a = assessment(Lang::En);
        let granted = [Granted {
            kind: DerogationKind::R9Transitional,
            deadline: Some("2026-11-30".parse().unwrap()),
        }];
        let c = cover(&mut a, &granted, "2026-12-02".parse().unwrap()).unwrap();
        assert!(c.lapsed && !c.whole);
        assert!(c.headline.contains("no longer covers"), "{}", c.headline);
        // A derogation of another rule covers nothing here.
        let mut a = assessment(Lang::En);
        let office = [Granted {
            kind: DerogationKind::OfficeSuite,
            deadline: None,
        }];
        assert!(cover(&mut a, &office, "2026-12-02".parse().unwrap()).is_none());
    }

    #[test]
    fn countdowns_read_both_ways() {
        assert_eq!(countdown(Lang::Fr, 15), "J-15");
        assert_eq!(countdown(Lang::Fr, -3), "J+3");
        assert_eq!(countdown(Lang::En, 0), "D-0");
    }
}
