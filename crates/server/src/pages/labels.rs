//! Words shown on the pages for the engine's and the registry's codes, in French and English.

use nuage_doctrine::Lang;

/// The label of a code, or the code itself when it has none.
pub(crate) fn label(lang: Lang, code: &str) -> String {
    let (fr, en) = match code {
        // Verdicts and statuses
        "compliant" => ("Conforme", "Compliant"),
        "non_compliant" => ("Non conforme", "Non-compliant"),
        "to_verify" => ("À vérifier", "To verify"),
        "not_applicable" => ("Non applicable", "Not applicable"),
        // Control procedures (R8)
        "project_authority" => ("Autorité responsable du projet", "Project's authority"),
        "ministry" => ("Ministère", "Ministry"),
        "major_project_review" => (
            "Contrôle des grands projets (avis DINUM)",
            "Major project review (DINUM)",
        ),
        "minister" => ("Ministre", "Minister"),
        "prime_minister" => ("Premier ministre", "Prime Minister"),
        "dinum" => ("DINUM", "DINUM"),
        // Derogations
        "r9_transitional" => (
            "Dérogation transitoire à R9 (projet déjà engagé)",
            "Transitional derogation from R9 (project already engaged)",
        ),
        "r7_no_cloud" => (
            "Dérogation à R6 documentée à la DINUM (R7)",
            "Derogation from R6 documented to DINUM (R7)",
        ),
        "office_suite" => (
            "Dérogation de la note sur les suites bureautiques",
            "Office suite note derogation",
        ),
        "draft" => ("Brouillon", "Draft"),
        "submitted" => ("Demandée", "Submitted"),
        "approved_by_minister" => ("Approuvée par le ministre", "Approved by the minister"),
        "validated_by_prime_minister" => (
            "Validée par le Premier ministre",
            "Validated by the Prime Minister",
        ),
        "active" => ("En vigueur", "Active"),
        "expired" => ("Échue", "Expired"),
        "refused" => ("Refusée", "Refused"),
        // Transitions
        "submit" => ("Soumettre la demande", "Submit the request"),
        "approve_for_minister" => (
            "Enregistrer l'approbation du ministre",
            "Record the minister's approval",
        ),
        "refuse" => ("Refuser", "Refuse"),
        "validate_for_prime_minister" => (
            "Enregistrer la validation du Premier ministre",
            "Record the Prime Minister's validation",
        ),
        "activate" => ("Mettre en vigueur", "Put into effect"),
        "expire" => ("Constater l'échéance", "Record expiry"),
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

/// The DSFR badge class for a status or a state.
pub(crate) fn badge(code: &str) -> &'static str {
    match code {
        "compliant" | "active" | "validated_by_prime_minister" => "fr-badge--success",
        "non_compliant" | "refused" | "expired" => "fr-badge--error",
        "to_verify" | "submitted" | "approved_by_minister" => "fr-badge--warning",
        _ => "fr-badge--info",
    }
}
