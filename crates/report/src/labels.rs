//! Words of the reports, in both languages.

use nuage_doctrine::{Approver, ControlProcedure, Lang, Status, Verdict};

pub(crate) fn verdict(lang: Lang, v: Verdict) -> &'static str {
    match (lang, v) {
        (Lang::Fr, Verdict::Compliant) => "conforme",
        (Lang::Fr, Verdict::NonCompliant) => "non conforme",
        (Lang::Fr, Verdict::ToVerify) => "à vérifier",
        (Lang::Fr, Verdict::NotApplicable) => "hors champ de la doctrine",
        (Lang::En, Verdict::Compliant) => "compliant",
        (Lang::En, Verdict::NonCompliant) => "non-compliant",
        (Lang::En, Verdict::ToVerify) => "to verify",
        (Lang::En, Verdict::NotApplicable) => "outside the doctrine's scope",
    }
}

pub(crate) fn status_heading(lang: Lang, s: Status) -> &'static str {
    match (lang, s) {
        (Lang::Fr, Status::Compliant) => "Conformes",
        (Lang::Fr, Status::NonCompliant) => "Non conformes",
        (Lang::Fr, Status::ToVerify) => "À vérifier",
        (Lang::Fr, Status::NotApplicable) => "Sans objet",
        (Lang::En, Status::Compliant) => "Compliant",
        (Lang::En, Status::NonCompliant) => "Non-compliant",
        (Lang::En, Status::ToVerify) => "To verify",
        (Lang::En, Status::NotApplicable) => "Not applicable",
    }
}

pub(crate) fn procedure(lang: Lang, p: ControlProcedure) -> &'static str {
    match (lang, p) {
        (Lang::Fr, ControlProcedure::ProjectAuthority) => {
            "par l'autorité en charge du projet (moins de 1 M€)"
        }
        (Lang::Fr, ControlProcedure::Ministry) => {
            "par le ministère, qui informe la DINUM (1 à 9 M€)"
        }
        (Lang::Fr, ControlProcedure::MajorProjectReview) => {
            "contrôle de conception des grands projets (plus de 9 M€)"
        }
        (Lang::En, ControlProcedure::ProjectAuthority) => "by the project's authority (below €1M)",
        (Lang::En, ControlProcedure::Ministry) => {
            "by the ministry, which informs DINUM (€1M to €9M)"
        }
        (Lang::En, ControlProcedure::MajorProjectReview) => {
            "design review of major projects (above €9M)"
        }
    }
}

pub(crate) fn approver(lang: Lang, a: Approver) -> &'static str {
    match (lang, a) {
        (Lang::Fr, Approver::ProjectAuthority) => "autorité du projet",
        (Lang::Fr, Approver::Ministry) => "ministère",
        (Lang::Fr, Approver::Minister) => "ministre",
        (Lang::Fr, Approver::PrimeMinister) => "Premier ministre",
        (Lang::Fr, Approver::Dinum) => "DINUM",
        (Lang::En, Approver::ProjectAuthority) => "project authority",
        (Lang::En, Approver::Ministry) => "ministry",
        (Lang::En, Approver::Minister) => "minister",
        (Lang::En, Approver::PrimeMinister) => "Prime Minister",
        (Lang::En, Approver::Dinum) => "DINUM",
    }
}

pub(crate) fn yes_no(lang: Lang, b: bool) -> &'static str {
    match (lang, b) {
        (Lang::Fr, true) => "oui",
        (Lang::Fr, false) => "non",
        (Lang::En, true) => "yes",
        (Lang::En, false) => "no",
    }
}

/// `fr` or `en` text.
pub(crate) fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

pub(crate) const STATUS_ORDER: [Status; 4] = [
    Status::NonCompliant,
    Status::ToVerify,
    Status::Compliant,
    Status::NotApplicable,
];
