//! Words shown on the pages for codes stored as text (the registry's summaries). The doctrine's
//! codes read through its vocabulary (`nuage_doctrine::vocabulary`); only the registry's own
//! (roles, the dashboard's classes) have their words here.

use nuage_doctrine::{
    Approver, ControlProcedure, DerogationKind, DerogationState, Label, Lang, Transition, Verdict,
};

/// The doctrine's words for a code it defines (a stored verdict reads as a verdict).
fn doctrine_label(lang: Lang, code: &str) -> Option<&'static str> {
    DerogationState::parse(code)
        .map(|x| x.label(lang))
        .or_else(|| Transition::parse(code).map(|x| x.label(lang)))
        .or_else(|| DerogationKind::parse(code).map(|x| x.label(lang)))
        .or_else(|| Verdict::parse(code).map(|x| x.label(lang)))
        .or_else(|| ControlProcedure::parse(code).map(|x| x.label(lang)))
        .or_else(|| Approver::parse(code).map(|x| x.label(lang)))
}

/// The label of a code, or the code itself when it has none.
pub(crate) fn label(lang: Lang, code: &str) -> String {
    if let Some(words) = doctrine_label(lang, code) {
        return words.to_owned();
    }
    let (fr, en) = match code {
        // Hosting kinds and sensitivity (dashboard)
        "internal_cloud" => ("Cloud interne", "Internal cloud"),
        "commercial_cloud" => ("Cloud commercial", "Commercial cloud"),
        "interministerial" => ("Offre interministérielle", "Interministerial offer"),
        "saas" => ("SaaS", "SaaS"),
        "on_premise" => ("Hors cloud", "Not cloud"),
        "undecided" => ("Non décidé", "Undecided"),
        "unknown" => ("Inconnu", "Unknown"),
        "sensitive" => ("Sensibilité particulière", "Particularly sensitive"),
        "not_sensitive" => (
            "Pas de sensibilité particulière",
            "Not particularly sensitive",
        ),
        "undetermined" => ("Données non décrites", "Data not described"),
        // Roles
        "project_member" => ("Membre d'équipe projet", "Project team member"),
        "ministry_controller" => ("Contrôleur ministériel", "Ministry controller"),
        "auditor" => ("Auditeur", "Auditor"),
        _ => return code.to_owned(),
    };
    match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The DSFR badge class for a verdict, a finding's status or a derogation's state.
pub(crate) fn badge(code: &str) -> &'static str {
    if let Some(state) = DerogationState::parse(code) {
        return match state {
            DerogationState::Active | DerogationState::ValidatedByPrimeMinister => {
                "fr-badge--success"
            }
            DerogationState::Refused | DerogationState::Expired => "fr-badge--error",
            s if s.is_pending() => "fr-badge--warning",
            _ => "fr-badge--info",
        };
    }
    match Verdict::parse(code) {
        Some(Verdict::Compliant) => "fr-badge--success",
        Some(Verdict::NonCompliant) => "fr-badge--error",
        Some(Verdict::ToVerify) => "fr-badge--warning",
        _ => "fr-badge--info",
    }
}
