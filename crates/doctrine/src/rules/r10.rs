//! R10 — portability: the IT teams' platforms stay portable across clouds; a proprietary service
//! is acceptable when its immediate gains finance the extra cost of reversibility. The scan's
//! per-resource check lists the proprietary services the code uses.

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let mut f = platform(ctx);
    // What Nuage applies to a system R1 and R6 do not concern: R10 still, since what runs on a
    // cloud platform must stay portable whatever its age.
    if ctx.in_scope && !ctx.concerned && f.status != Status::NotApplicable {
        let lang = ctx.lang;
        let mut note = text!(lang,
            fr: "Le système n'est pas un nouveau projet ni une évolution majeure (R1 et R6 ne le visent pas) ; Nuage lui applique néanmoins R10, la portabilité étant exigée de ce qui tourne sur une plateforme cloud.",
            en: "The system is neither a new project nor a major evolution (R1 and R6 do not cover it); Nuage still applies R10 to it, as portability is required of what runs on a cloud platform.");
        note.push(' ');
        note.push_str(&f.message);
        f.message = note;
    }
    f
}

fn platform(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R10);
    }
    let citations = vec![ctx.cite(Rule::R10)];
    if !ctx.uses_cloud() {
        return finding(
            Rule::R10,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne recourt pas au cloud : la portabilité multi-clouds ne se pose pas.",
                en: "The project does not rely on the cloud: multi-cloud portability does not arise."),
            citations,
            None,
        );
    }
    // R10 sits in § 3.2, « le cloud pour les équipes informatiques »: the portability of the
    // platform the teams build on. A software service bought whole leaves no platform to them.
    if ctx.d.hosting.approach == Approach::Saas {
        return finding(
            Rule::R10,
            Status::NotApplicable,
            text!(lang,
                fr: "R10 (« cloud pour les équipes informatiques », § 3.2) vise la portabilité de la plateforme sur laquelle les équipes construisent ; le projet recourt à un service logiciel complet, dont la réversibilité relève de R4.",
                en: "R10 (« cloud for IT teams », § 3.2) covers the portability of the platform the teams build on; the project uses a complete software service, whose reversibility falls under R4."),
            citations,
            None,
        );
    }
    let s = &ctx.d.safeguards;
    let Some(services) = &s.lock_in_services else {
        return finding(
            Rule::R10,
            Status::ToVerify,
            text!(lang,
                fr: "Le dossier ne liste pas les services propriétaires de la plateforme dont le système dépend : la portabilité multi-clouds ne peut pas être appréciée.",
                en: "The dossier does not list the platform's proprietary services the system depends on: multi-cloud portability cannot be judged."),
            citations,
            Some(text!(lang,
                fr: "Renseigner `lock_in_services` (liste vide s'il n'y en a pas).",
                en: "Fill in `lock_in_services` (an empty list if there are none).")),
        );
    };
    if services.is_empty() {
        return finding(
            Rule::R10,
            Status::Compliant,
            text!(lang,
                fr: "Aucune adhérence à un service propriétaire n'est déclarée : la réversibilité et le changement de fournisseur restent possibles.",
                en: "No reliance on a proprietary service is declared: reversibility and a change of provider remain possible."),
            citations,
            None,
        );
    }
    let list = words::ids(lang, services);
    match s.lock_in_financed {
        Some(true) => finding(
            Rule::R10,
            Status::Compliant,
            text!(lang,
                fr: "Le système adhère à {list} ; le projet déclare cette adhérence justifiée par des gains opérationnels immédiats qui financent le surcoût de la réversibilité.",
                en: "The system relies on {list}; the project declares this lock-in justified by immediate operational gains that finance the extra cost of reversibility."),
            citations,
            None,
        ),
        other => {
            let status = if other == Some(false) {
                Status::NonCompliant
            } else {
                Status::ToVerify
            };
            let state = if other == Some(false) {
                text!(lang, fr: "n'est pas financé", en: "is not financed")
            } else {
                text!(lang, fr: "n'est pas documenté", en: "is not documented")
            };
            finding(
                Rule::R10,
                status,
                text!(lang,
                    fr: "Le système adhère à {list} et le surcoût de la réversibilité {state} par les gains de cette adhérence : la portabilité multi-clouds doit être assurée.",
                    en: "The system relies on {list} and the extra cost of reversibility {state} by the gains of that lock-in: multi-cloud portability must be ensured."),
                citations,
                Some(text!(lang,
                    fr: "Remplacer ces services par des standards ouverts (PostgreSQL, stockage compatible S3, Kubernetes) ou financer la réversibilité par les gains qu'ils apportent.",
                    en: "Replace these services with open standards (PostgreSQL, S3-compatible storage, Kubernetes) or finance reversibility from the gains they bring.")),
            )
            .suggesting_if_non_compliant(|| text!(lang,
                        fr: "Remplacer {list} par des services portables, ou financer la réversibilité par les gains de l'adhérence",
                        en: "Replace {list} with portable services, or finance reversibility from the lock-in's gains"))
        }
    }
}

pub(crate) fn resources(s: &Scanned<'_>, out: &mut Vec<Finding>) {
    let (inv, dossier, ctx) = (s.inventory, s.dossier, s.ctx);
    let lang = ctx.lang;
    let financed = dossier.and_then(|d| d.safeguards.lock_in_financed);
    for r in inv
        .resources
        .iter()
        .filter(|r| r.portability == Portability::Proprietary)
    {
        let name = r.label.clone().unwrap_or_else(|| r.kind.clone());
        let address = &r.address;
        let (status, message) = match financed {
            Some(true) => continue,
            Some(false) => (
                Status::NonCompliant,
                text!(lang,
                fr: "`{address}` repose sur {name}, un service propre à ce fournisseur, et le dossier déclare que le surcoût de réversibilité n'est pas financé par les gains de cette adhérence.",
                en: "`{address}` relies on {name}, a service of this provider only, and the dossier declares the extra cost of reversibility is not financed by the lock-in's gains."),
            ),
            None => (
                Status::ToVerify,
                text!(lang,
                fr: "`{address}` repose sur {name}, un service propre à ce fournisseur : la portabilité multi-clouds n'est assurée que si l'adhérence est justifiée et le surcoût de réversibilité financé par ses gains.",
                en: "`{address}` relies on {name}, a service of this provider only: multi-cloud portability is ensured only if the lock-in is justified and the extra cost of reversibility financed by its gains."),
            ),
        };
        out.push(finding(
                Rule::R10,
                status,
                message,
                vec![ctx.cite(Rule::R10)],
                Some(text!(lang,
                    fr: "Préférer un standard ouvert (PostgreSQL, stockage compatible S3, Kubernetes, conteneurs) ou documenter le financement de la réversibilité (`lock_in_financed`).",
                    en: "Prefer an open standard (PostgreSQL, S3-compatible storage, Kubernetes, containers) or document how reversibility is financed (`lock_in_financed`).")),
            ).at(r));
    }
}
