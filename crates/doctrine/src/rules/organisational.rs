//! R2, R3, R11, R12 — duties of administrations and DINUM, not of a project: `not_applicable` in
//! a project's assessment, never `to_verify`.

use super::prelude::*;

/// R2, R3, R11, R12: duties of administrations and DINUM, not of a project.
pub(crate) fn r2(ctx: &Ctx<'_>) -> Finding {
    check(ctx, Rule::R2)
}

pub(crate) fn r3(ctx: &Ctx<'_>) -> Finding {
    check(ctx, Rule::R3)
}

pub(crate) fn r11(ctx: &Ctx<'_>) -> Finding {
    check(ctx, Rule::R11)
}

pub(crate) fn r12(ctx: &Ctx<'_>) -> Finding {
    check(ctx, Rule::R12)
}

fn check(ctx: &Ctx<'_>, rule: Rule) -> Finding {
    let lang = ctx.lang;
    let message = match rule {
        Rule::R2 => text!(lang,
            fr: "Règle d'organisation : les recrutements et la formation continue des agents et de leurs managers comportent un volet cloud. Elle incombe aux ministères, pas au projet.",
            en: "Organisational rule: recruitment and continuous training of agents and their managers include a cloud component. It falls to the ministries, not to the project."),
        Rule::R3 => text!(lang,
            fr: "Règle d'organisation : chaque administration met en place l'incitation et le contrôle, mesure l'adoption et ses freins et tient un plan d'action. Elle incombe à l'administration, pas au projet.",
            en: "Organisational rule: each administration sets up incentives and control, measures adoption and its obstacles and keeps an action plan. It falls to the administration, not to the project."),
        Rule::R11 => text!(lang,
            fr: "Règle d'organisation : la DINUM pilote, avec les DNUM, l'offre d'outils collaboratifs interministériels. Elle n'impose rien au projet.",
            en: "Organisational rule: DINUM steers, with the ministries' digital directorates, the interministerial collaborative tools. It asks nothing of the project."),
        _ => text!(lang,
            fr: "Règle d'organisation : les ministères peuvent proposer des services logiciels additionnels à leurs agents, sans les priver de la suite interministérielle. L'exigence qui vise le projet est portée par R14.",
            en: "Organisational rule: ministries may offer their agents additional software services, without barring the interministerial suite. The demand on the project is carried by R14."),
    };
    finding(
        rule,
        Status::NotApplicable,
        message,
        vec![ctx.cite(rule)],
        None,
    )
}
