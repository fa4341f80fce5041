//! Rules about how the system is hosted: R4 (reversibility), R5 (resilience), R10 (portability).

use super::text::{self, push_text, text};
use super::{Ctx, finding, out_of_scope};
use crate::assessment::{Counterfactual, Finding, Rule, Status};
use crate::dossier::{Approach, EnvironmentKind};

fn commercial_names(ctx: &Ctx<'_>) -> String {
    let mut names: Vec<&str> = ctx
        .commercial_envs()
        .filter_map(|e| e.offer.map(|o| o.name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    text::list(ctx.lang, &names)
}

pub(crate) fn r4(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R4);
    }
    let citations = vec![ctx.cite(Rule::R4)];
    if !ctx.uses_commercial() {
        return finding(
            Rule::R4,
            Status::NotApplicable,
            text!(lang,
                fr: "Aucune offre de cloud commerciale n'est utilisée : R4 vise les projets qui en relèvent.",
                en: "No commercial cloud offer is used: R4 covers projects relying on one."),
            citations,
            None,
        );
    }
    let names = commercial_names(ctx);
    let gaia = text!(lang,
        fr: " La conformité aux règles de GAIA-X (interopérabilité, portabilité) est à rechercher dans la mesure du possible.",
        en: " Alignment with GAIA-X rules (interoperability, portability) should be sought where possible.");
    let s = &ctx.d.safeguards;
    let (status, message) = match (s.reversibility_plan, s.reversibility_funded) {
        (Some(true), Some(true)) => (
            Status::Compliant,
            text!(lang,
            fr: "Le recours à {names} s'accompagne de conditions de fin de contrat et de réversibilité, et des ressources financières, techniques et humaines pour la rendre activable sont provisionnées.{gaia}",
            en: "Relying on {names} comes with end-of-contract and reversibility conditions, and the financial, technical and human resources to make reversibility workable are provisioned.{gaia}"),
        ),
        (Some(false), _) | (_, Some(false)) => {
            let missing = match (s.reversibility_plan, s.reversibility_funded) {
                (Some(false), Some(false)) => text!(lang,
                    fr: "ni conditions de réversibilité ni ressources provisionnées",
                    en: "neither reversibility conditions nor provisioned resources"),
                (Some(false), _) => text!(lang,
                    fr: "pas de conditions de fin de contrat et de réversibilité",
                    en: "no end-of-contract and reversibility conditions"),
                _ => text!(lang,
                    fr: "des conditions de réversibilité sans les ressources pour l'activer",
                    en: "reversibility conditions without the resources to trigger it"),
            };
            (
                Status::NonCompliant,
                text!(lang,
                fr: "Le projet recourt à {names} avec {missing} : R4 demande des conditions de réversibilité soutenables et leur financement dès le lancement.{gaia}",
                en: "The project relies on {names} with {missing}: R4 requires sustainable reversibility conditions funded from the project's start.{gaia}"),
            )
        }
        _ => (
            Status::ToVerify,
            text!(lang,
            fr: "Le projet recourt à {names} ; le dossier ne dit pas si les conditions de réversibilité et leur financement sont prévus.{gaia}",
            en: "The project relies on {names}; the dossier does not say whether reversibility conditions and their funding are planned.{gaia}"),
        ),
    };
    let remedy = (status != Status::Compliant).then(|| text!(lang,
        fr: "Inscrire au contrat les conditions de fin de contrat et de réversibilité, et provisionner dès le lancement les moyens de les activer (`reversibility_plan`, `reversibility_funded`).",
        en: "Write end-of-contract and reversibility conditions into the contract, and provision from the start the means to trigger them (`reversibility_plan`, `reversibility_funded`)."));
    let mut f = finding(Rule::R4, status, message, citations, remedy);
    if status == Status::NonCompliant {
        f.counterfactuals.push(Counterfactual {
            change: text!(lang,
                fr: "Contractualiser la réversibilité et en provisionner le coût",
                en: "Contract for reversibility and provision its cost"),
            offers: Vec::new(),
        });
    }
    f
}

pub(crate) fn r5(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R5);
    }
    let citations = vec![ctx.cite(Rule::R5)];
    if !ctx.uses_cloud() {
        return finding(
            Rule::R5,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne recourt pas au cloud : R5 vise les projets qui y recourent.",
                en: "The project does not rely on the cloud: R5 covers projects that do."),
            citations,
            None,
        );
    }
    let min = ctx.ed.thresholds.min_zones;
    let critical: Vec<_> = ctx
        .envs
        .iter()
        .filter(|e| {
            matches!(
                e.env.kind,
                EnvironmentKind::Production | EnvironmentKind::DisasterRecovery
            )
        })
        .collect();
    let mut zones: Vec<&str> = critical
        .iter()
        .flat_map(|e| e.env.zones.iter().map(String::as_str))
        .collect();
    zones.sort_unstable();
    zones.dedup();
    let mut status;
    let mut message = String::with_capacity(512);
    let mut remedies = Vec::new();
    if critical.is_empty() {
        status = Status::ToVerify;
        push_text!(message, lang,
            fr: "Aucun environnement de production ni de secours n'est décrit : la répartition sur plusieurs zones ne peut pas être vérifiée.",
            en: "No production or disaster recovery environment is described: spreading across several zones cannot be checked.");
        remedies.push(text!(lang,
            fr: "Décrire la production et le secours avec leurs zones.",
            en: "Describe production and disaster recovery with their zones."));
    } else if zones.is_empty() {
        status = Status::ToVerify;
        let who = if ctx.d.hosting.approach == Approach::Saas {
            text!(lang, fr: " (à obtenir de l'éditeur)", en: " (to obtain from the publisher)")
        } else {
            String::new()
        };
        push_text!(message, lang,
            fr: "Les zones de la production et du secours ne sont pas indiquées{who} : R5 demande des services déployés dans plusieurs zones géographiques.",
            en: "The zones of production and disaster recovery are not given{who}: R5 requires services deployed in several geographic zones.");
        remedies.push(text!(lang,
            fr: "Indiquer les zones (`zones`) de la production et du secours.",
            en: "Give the zones (`zones`) of production and disaster recovery."));
    } else if zones.len() < min {
        status = Status::NonCompliant;
        let list = text::ids(lang, &zones);
        push_text!(message, lang,
            fr: "La production et le secours reposent sur une seule zone ({list}) : R5 demande au minimum plusieurs zones géographiques, pour assurer selon la criticité la continuité ou la reprise d'activité.",
            en: "Production and disaster recovery rely on a single zone ({list}): R5 requires at least several geographic zones, to ensure continuity or recovery depending on criticality.");
        remedies.push(text!(lang,
            fr: "Déployer la production ou le secours dans une seconde zone.",
            en: "Deploy production or disaster recovery in a second zone."));
    } else {
        status = Status::Compliant;
        let n = zones.len();
        let list = text::ids(lang, &zones);
        push_text!(message, lang,
            fr: "La production et le secours couvrent {n} zones ({list}).",
            en: "Production and disaster recovery span {n} zones ({list}).");
    }
    if ctx.uses_commercial() {
        match ctx.d.safeguards.compromise_detection {
            Some(true) => {
                push_text!(message, lang,
                fr: "Des mesures de détection et d'isolation contre la propagation d'une compromission accompagnent le recours à une offre commerciale.",
                en: "Detection and isolation measures against the spread of a compromise accompany the use of a commercial offer.");
            }
            Some(false) => {
                status = Status::NonCompliant;
                push_text!(message, lang,
                    fr: "Aucune mesure de détection et d'isolation contre la propagation d'une compromission n'accompagne le recours à une offre commerciale.",
                    en: "No detection and isolation measure against the spread of a compromise accompanies the use of a commercial offer.");
                remedies.push(text!(lang,
                    fr: "Mettre en place la détection et l'isolation (journalisation, supervision, cloisonnement).",
                    en: "Set up detection and isolation (logging, monitoring, segmentation)."));
            }
            None => {
                status = status.worst(Status::ToVerify);
                push_text!(message, lang,
                    fr: "Le dossier ne dit pas si des mesures de détection et d'isolation sont prévues, alors qu'une offre commerciale est retenue.",
                    en: "The dossier does not say whether detection and isolation measures are planned, while a commercial offer is chosen.");
                remedies.push(text!(lang,
                    fr: "Renseigner `compromise_detection`.",
                    en: "Fill in `compromise_detection`."));
            }
        }
    }
    push_text!(message, lang,
        fr: "L'offre doit aussi garantir la mise à jour de ses composants vulnérables et sa transparence en cas de compromission.",
        en: "The offer must also guarantee timely patching of vulnerable components and transparency on compromise.");
    let remedy = (!remedies.is_empty()).then(|| remedies.join(" "));
    let mut f = finding(Rule::R5, status, message, citations, remedy);
    if status == Status::NonCompliant {
        f.counterfactuals.push(Counterfactual {
            change: text!(lang,
                fr: "Répartir la production et le secours sur au moins {min} zones et outiller la détection et l'isolation",
                en: "Spread production and disaster recovery across at least {min} zones and equip detection and isolation"),
            offers: Vec::new(),
        });
    }
    f
}

pub(crate) fn r10(ctx: &Ctx<'_>) -> Finding {
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
    let list = text::ids(lang, services);
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
            let mut f = finding(
                Rule::R10,
                status,
                text!(lang,
                    fr: "Le système adhère à {list} et le surcoût de la réversibilité {state} par les gains de cette adhérence : la portabilité multi-clouds doit être assurée.",
                    en: "The system relies on {list} and the extra cost of reversibility {state} by the gains of that lock-in: multi-cloud portability must be ensured."),
                citations,
                Some(text!(lang,
                    fr: "Remplacer ces services par des standards ouverts (PostgreSQL, stockage compatible S3, Kubernetes) ou financer la réversibilité par les gains qu'ils apportent.",
                    en: "Replace these services with open standards (PostgreSQL, S3-compatible storage, Kubernetes) or finance reversibility from the gains they bring.")),
            );
            if status == Status::NonCompliant {
                f.counterfactuals.push(Counterfactual {
                    change: text!(lang,
                        fr: "Remplacer {list} par des services portables, ou financer la réversibilité par les gains de l'adhérence",
                        en: "Replace {list} with portable services, or finance reversibility from the lock-in's gains"),
                    offers: Vec::new(),
                });
            }
            f
        }
    }
}
