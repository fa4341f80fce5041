//! R8 — who controls: the project's authority below 1 M€, the ministry up to 9 M€ inclusive, the
//! design review of major projects (decree n° 2019-1088, art. 3) above.

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R8);
    }
    let mut citations = vec![
        ctx.cite(Rule::R8),
        ctx.cite_doc("decret-2019-1088", Some("art. 3")),
    ];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Contrôle")));
    }
    let cost = words::euros(lang, ctx.d.project.full_cost_eur);
    let low = words::euros(lang, ctx.ed.thresholds.dinum_documentation_from_eur);
    let high = words::euros(lang, ctx.ed.thresholds.major_project_review_above_eur);
    let mut message = match ctx.control_procedure() {
        ControlProcedure::ProjectAuthority => text!(lang,
            fr: "Coût complet de {cost}, sous {low} : l'autorité en charge du projet assure aussi le contrôle de la doctrine.",
            en: "Full cost of {cost}, below {low}: the project's authority also controls compliance with the doctrine."),
        ControlProcedure::Ministry => text!(lang,
            fr: "Coût complet de {cost}, entre {low} et {high} inclus : le contrôle relève du ministère, qui en informe la DINUM.",
            en: "Full cost of {cost}, between {low} and {high} inclusive: the ministry controls, and informs DINUM."),
        ControlProcedure::MajorProjectReview => text!(lang,
            fr: "Coût complet de {cost}, au-delà de {high} : le contrôle de la doctrine est intégré à la procédure de contrôle de conception des grands projets informatiques de l'État (décret n° 2019-1088, art. 3).",
            en: "Full cost of {cost}, above {high}: the doctrine's control is part of the design review of the State's major IT projects (decree n° 2019-1088, art. 3)."),
    };
    if ctx.faq_applies() && ctx.control_procedure() == ControlProcedure::Ministry {
        push_text!(message, lang,
            fr: "Le tableau de la FAQ demande une étude comparative à tout projet de 1 à 9 M€ ; R7 ne l'exige qu'en cas de dérogation à R6. Nuage suit la circulaire, mais l'étude reste utile au contrôle ministériel.",
            en: "The FAQ's table asks every project from €1M to €9M for a comparative study; R7 only requires one when derogating from R6. Nuage follows the circular, but the study still helps the ministry's control.");
    }
    finding(Rule::R8, Status::Compliant, message, citations, None)
}
