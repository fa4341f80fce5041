//! Rules about the project itself: R1, R6, R7, R8, R13, R15 and the organisational rules.

use super::text::{self, push_text, text};
use super::{Ctx, finding, out_of_scope};
use crate::assessment::{Assumption, ControlProcedure, Counterfactual, Finding, Rule, Status};
use crate::dossier::{Approach, Nature};

/// Why the project is, or is not, concerned by R1 and R6.
fn concern_sentence(ctx: &Ctx<'_>, rule: Rule) -> String {
    let lang = ctx.lang;
    let p = &ctx.d.project;
    let threshold = || text::percent(lang, ctx.ed.thresholds.major_evolution_share);
    match p.nature {
        Nature::New => text!(lang, fr: "C'est un nouveau projet.", en: "This is a new project."),
        Nature::Evolution => {
            let share = p.evolution_share.map(|s| text::percent(lang, s.value()));
            let mut s = match (share, p.provider_change) {
                (_, true) => text!(lang,
                    fr: "C'est une évolution avec changement de prestataire, donc une évolution majeure.",
                    en: "This is an evolution with a change of provider, hence a major evolution."),
                (Some(share), false) => {
                    let threshold = threshold();
                    if ctx.concerned {
                        text!(lang,
                            fr: "C'est une évolution représentant {share} du coût de fabrication initial, donc au moins {threshold} : une évolution majeure.",
                            en: "This is an evolution worth {share} of the initial build cost, so at least {threshold}: a major evolution.")
                    } else {
                        text!(lang,
                            fr: "C'est une évolution représentant {share} du coût de fabrication initial, sous le seuil de {threshold} et sans changement de prestataire : ce n'est pas une évolution majeure.",
                            en: "This is an evolution worth {share} of the initial build cost, below the {threshold} threshold and without a change of provider: not a major evolution.")
                    }
                }
                (None, false) => String::new(),
            };
            if rule == Rule::R6 {
                push_text!(s, lang,
                fr: "R6 retient les évolutions « représentant au moins 50 % » du coût de fabrication, la FAQ parle d'une refonte « de plus de 50 % » : la circulaire l'emporte, une évolution d'exactement 50 % est donc concernée.",
                en: "R6 counts evolutions « worth at least 50 % » of the build cost, while the FAQ speaks of a rework « of more than 50 % »: the circular prevails, so an evolution of exactly 50 % is concerned.");
            }
            s
        }
        Nature::Existing if p.provider_change => text!(lang,
            fr: "C'est un produit existant qui change de prestataire : R6 s'applique par extension.",
            en: "This is an existing product changing provider: R6 applies by extension."),
        Nature::Existing => text!(lang,
            fr: "C'est un produit existant sans évolution majeure (ni changement de prestataire, ni évolution d'au moins 50 % du coût de fabrication initial).",
            en: "This is an existing product without a major evolution (no change of provider, no evolution worth at least 50 % of the initial build cost)."),
    }
}

pub(crate) fn r1(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R1);
    }
    let mut citations = vec![ctx.cite(Rule::R1)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Premiers pas")));
    }
    let why = concern_sentence(ctx, Rule::R1);
    if !ctx.concerned {
        return finding(
            Rule::R1,
            Status::NotApplicable,
            text!(lang,
                fr: "{why} La recherche d'une solution cloud vise les nouveaux projets et les évolutions majeures.",
                en: "{why} Looking for a cloud solution is required of new projects and major evolutions."),
            citations,
            None,
        );
    }
    match ctx.d.hosting.approach {
        Approach::Cloud | Approach::Saas => finding(
            Rule::R1,
            Status::Compliant,
            text!(lang,
                fr: "{why} Une solution cloud a été retenue. R1 demande aussi de privilégier le mode produit : équipes autonomes, exploitation continue, confrontation rapide aux utilisateurs, jalons fondés sur l'impact.",
                en: "{why} A cloud solution was chosen. R1 also asks for the product mode: autonomous teams, continuous operations, early contact with users, impact-based milestones."),
            citations,
            None,
        ),
        Approach::OnPremise => {
            let mut f = finding(
                Rule::R1,
                Status::NonCompliant,
                text!(lang,
                    fr: "{why} Une solution cloud doit être recherchée, quelle que soit la taille du projet : SaaS d'abord, sinon une solution dédiée sur le cloud interne ou commercial. Le dossier retient un hébergement sur les serveurs de l'entité.",
                    en: "{why} A cloud solution must be looked for, whatever the project's size: SaaS first, otherwise a dedicated solution on the internal or commercial cloud. The dossier chooses the entity's own servers."),
                citations,
                Some(text!(lang,
                    fr: "Étudier une solution SaaS, puis une solution sur le cloud interne de l'État ou une offre commerciale ; si aucune ne convient, documenter la dérogation à R6 (R7).",
                    en: "Study a SaaS solution, then one on the State's internal cloud or a commercial offer; if none fits, document the derogation from R6 (R7).")),
            );
            f.counterfactuals.push(Counterfactual {
                change: text!(lang,
                    fr: "Retenir une solution SaaS ou un hébergement sur une offre de cloud interne ou commerciale (`approach = \"saas\"` ou `\"cloud\"`)",
                    en: "Choose a SaaS solution or hosting on an internal or commercial cloud offer (`approach = \"saas\"` or `\"cloud\"`)"),
                offers: Vec::new(),
            });
            f
        }
        Approach::Undecided => finding(
            Rule::R1,
            Status::ToVerify,
            text!(lang,
                fr: "{why} L'hébergement n'est pas encore choisi : une solution cloud doit être recherchée en premier (SaaS, puis cloud interne ou commercial).",
                en: "{why} Hosting is not chosen yet: a cloud solution must be looked for first (SaaS, then internal or commercial cloud)."),
            citations,
            Some(text!(lang,
                fr: "Arrêter le choix d'hébergement et le décrire dans `[hosting]`.",
                en: "Settle the hosting choice and describe it in `[hosting]`.")),
        ),
    }
}

pub(crate) fn r6(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R6);
    }
    let mut citations = vec![ctx.cite(Rule::R6)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Périmètre")));
    }
    let why = concern_sentence(ctx, Rule::R6);
    if !ctx.concerned {
        return finding(
            Rule::R6,
            Status::NotApplicable,
            text!(lang,
                fr: "{why} L'hébergement par défaut sur le cloud ne s'impose qu'aux nouveaux projets et aux évolutions majeures.",
                en: "{why} Cloud hosting by default is only required of new projects and major evolutions."),
            citations,
            None,
        );
    }
    let r7_hint = || {
        text!(lang,
        fr: "Pour déroger à R6, documenter la dérogation selon R7.",
        en: "To derogate from R6, document the derogation under R7.")
    };
    match ctx.d.hosting.approach {
        Approach::OnPremise => finding(
            Rule::R6,
            Status::NonCompliant,
            text!(lang,
                fr: "{why} Les équipes doivent par défaut s'appuyer sur des offres de cloud interne ou commercial pour tout le cycle de vie (développement, recette, production, secours, bac à sable, formation) ; le dossier retient les serveurs de l'entité.",
                en: "{why} Teams must by default rely on internal or commercial cloud offers for the whole lifecycle (development, staging, production, disaster recovery, sandbox, training); the dossier chooses the entity's own servers."),
            citations,
            Some(format!(
                "{} {}",
                text!(lang,
                fr: "Héberger le cycle de vie sur le cloud interne de l'État (PI, Nubo) ou une offre commerciale.",
                en: "Host the lifecycle on the State's internal cloud (PI, Nubo) or a commercial offer."),
                r7_hint()
            )),
        ),
        Approach::Undecided => finding(
            Rule::R6,
            Status::ToVerify,
            text!(lang,
                fr: "{why} L'hébergement n'est pas choisi : par défaut, tout le cycle de vie doit reposer sur des offres de cloud interne ou commercial.",
                en: "{why} Hosting is not chosen: by default the whole lifecycle must rely on internal or commercial cloud offers."),
            citations,
            Some(r7_hint()),
        ),
        Approach::Saas => finding(
            Rule::R6,
            Status::Compliant,
            text!(lang,
                fr: "{why} Le besoin est couvert par un service logiciel à la demande : l'éditeur héberge le cycle de vie.",
                en: "{why} The need is met by a software service on demand: the publisher hosts the lifecycle."),
            citations,
            None,
        ),
        Approach::Cloud => {
            if ctx.envs.is_empty() {
                return finding(
                    Rule::R6,
                    Status::ToVerify,
                    text!(lang,
                        fr: "{why} Aucun environnement n'est décrit : impossible de vérifier que tout le cycle de vie repose sur des offres cloud.",
                        en: "{why} No environment is described: there is no way to check that the whole lifecycle relies on cloud offers."),
                    citations,
                    Some(text!(lang,
                        fr: "Décrire chaque environnement et son offre dans `[[hosting.environments]]`.",
                        en: "Describe each environment and its offer in `[[hosting.environments]]`.")),
                );
            }
            let off: Vec<&str> = ctx
                .envs
                .iter()
                .filter(|e| e.offer.is_none())
                .map(|e| text::environment(lang, e.env.kind))
                .collect();
            if off.is_empty() {
                finding(
                    Rule::R6,
                    Status::Compliant,
                    text!(lang,
                        fr: "{why} Chaque environnement décrit repose sur une offre de cloud interne ou commerciale.",
                        en: "{why} Every environment described relies on an internal or commercial cloud offer."),
                    citations,
                    None,
                )
            } else {
                let list = text::list(lang, &off);
                let mut f = finding(
                    Rule::R6,
                    Status::NonCompliant,
                    text!(lang,
                        fr: "{why} Tout le cycle de vie doit reposer sur des offres cloud ; ces environnements restent sur les serveurs de l'entité : {list}.",
                        en: "{why} The whole lifecycle must rely on cloud offers; these environments stay on the entity's own servers: {list}."),
                    citations,
                    Some(r7_hint()),
                );
                f.counterfactuals.push(Counterfactual {
                    change: text!(lang,
                        fr: "Héberger aussi {list} sur une offre du catalogue",
                        en: "Also host {list} on a catalog offer"),
                    offers: Vec::new(),
                });
                f
            }
        }
    }
}

/// The project departs from R6's default (own servers somewhere in its lifecycle).
pub(crate) fn departs_from_r6(ctx: &Ctx<'_>) -> bool {
    ctx.concerned
        && (ctx.d.hosting.approach == Approach::OnPremise
            || (ctx.d.hosting.approach == Approach::Cloud
                && ctx.envs.iter().any(|e| e.offer.is_none())))
}

pub(crate) fn r7(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R7);
    }
    let mut citations = vec![ctx.cite(Rule::R7)];
    if ctx.faq_applies() {
        citations.push(ctx.cite_doc("faq-dinum", Some("Contrôle")));
    }
    if !departs_from_r6(ctx) {
        return finding(
            Rule::R7,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne déroge pas à R6 : aucune étude comparative n'est à transmettre à la DINUM.",
                en: "The project does not derogate from R6: no comparative study has to be sent to DINUM."),
            citations,
            None,
        );
    }
    let threshold = text::euros(lang, ctx.ed.thresholds.dinum_documentation_from_eur);
    let cost = text::euros(lang, ctx.d.project.full_cost_eur);
    if ctx.d.project.full_cost_eur < ctx.ed.thresholds.dinum_documentation_from_eur {
        return finding(
            Rule::R7,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet déroge à R6 mais son coût complet ({cost}) est inférieur à {threshold} : la dérogation n'a pas à être documentée auprès de la DINUM ; l'autorité en charge du projet en assure le contrôle.",
                en: "The project derogates from R6 but its full cost ({cost}) is below {threshold}: the derogation need not be documented to DINUM; the project's authority controls it."),
            citations,
            None,
        );
    }
    match ctx.d.safeguards.comparative_study {
        Some(true) => finding(
            Rule::R7,
            Status::Compliant,
            text!(lang,
                fr: "Le projet déroge à R6 pour un coût complet de {cost} (au moins {threshold}) et déclare avoir documenté la dérogation auprès de la DINUM par une étude comparative (aspects économiques, juridiques, métiers et de sécurité).",
                en: "The project derogates from R6 at a full cost of {cost} (at least {threshold}) and declares it documented the derogation to DINUM with a comparative study (economic, legal, business and security aspects)."),
            citations,
            None,
        ),
        other => {
            let (status, state) = match other {
                Some(false) => (
                    Status::NonCompliant,
                    text!(lang, fr: "n'a pas été produite", en: "was not produced"),
                ),
                _ => (
                    Status::ToVerify,
                    text!(lang, fr: "n'est pas documentée dans le dossier", en: "is not documented in the dossier"),
                ),
            };
            let mut f = finding(
                Rule::R7,
                status,
                text!(lang,
                    fr: "Le projet déroge à R6 pour un coût complet de {cost}, au moins {threshold} : la dérogation doit être documentée auprès de la DINUM par une étude comparative des scénarios (aspects économiques, juridiques, métiers et de sécurité), qui {state}.",
                    en: "The project derogates from R6 at a full cost of {cost}, at least {threshold}: the derogation must be documented to DINUM with a comparative study of the scenarios (economic, legal, business and security aspects), which {state}."),
                citations,
                Some(text!(lang,
                    fr: "Produire l'étude comparative et la transmettre à la DINUM (`comparative_study = true` une fois fait).",
                    en: "Produce the comparative study and send it to DINUM (`comparative_study = true` once done).")),
            );
            if status == Status::NonCompliant {
                f.counterfactuals.push(Counterfactual {
                    change: text!(lang,
                        fr: "Transmettre à la DINUM l'étude comparative des scénarios",
                        en: "Send DINUM the comparative study of the scenarios"),
                    offers: Vec::new(),
                });
            }
            f
        }
    }
}

pub(crate) fn r8(ctx: &Ctx<'_>) -> Finding {
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
    let cost = text::euros(lang, ctx.d.project.full_cost_eur);
    let low = text::euros(lang, ctx.ed.thresholds.dinum_documentation_from_eur);
    let high = text::euros(lang, ctx.ed.thresholds.major_project_review_above_eur);
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

/// R2, R3, R11, R12: duties of administrations and DINUM, not of a project.
pub(crate) fn organisational(ctx: &Ctx<'_>, rule: Rule) -> Finding {
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

pub(crate) fn r13(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R13);
    }
    let citations = vec![ctx.cite(Rule::R13)];
    if !ctx.concerned {
        return finding(
            Rule::R13,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne crée pas de nouveau produit : R13 vise la création de logiciels sur mesure.",
                en: "The project does not create a new product: R13 covers building bespoke software."),
            citations,
            None,
        );
    }
    let s = &ctx.d.safeguards;
    match (s.bespoke_development, s.equivalent_exists) {
        (Some(false), _) => finding(
            Rule::R13,
            Status::Compliant,
            text!(lang,
                fr: "Le projet ne développe pas de logiciel sur mesure : il s'appuie sur des solutions existantes.",
                en: "The project builds no bespoke software: it relies on existing solutions."),
            citations,
            None,
        ),
        (Some(true), Some(false)) => finding(
            Rule::R13,
            Status::Compliant,
            text!(lang,
                fr: "Le projet développe du sur-mesure et déclare qu'aucun équivalent n'existe dans les sphères publique ou privée ni parmi les communs numériques. Ce jugement de l'équipe est repris comme hypothèse ; le développement doit rester limité au périmètre non couvert.",
                en: "The project builds bespoke software and declares no equivalent exists in the public or private spheres or among digital commons. The team's judgement is taken as an assumption; the development must stay limited to the scope no solution covers."),
            citations,
            None,
        ),
        (Some(true), Some(true)) => {
            let mut f = finding(
                Rule::R13,
                Status::NonCompliant,
                text!(lang,
                    fr: "Le projet développe un logiciel sur mesure alors qu'un équivalent existe : les administrations doivent privilégier les solutions disponibles (SaaS commercial, solution libre déployée sur le cloud interne).",
                    en: "The project builds bespoke software while an equivalent exists: administrations must prefer the solutions available (commercial SaaS, open-source solution deployed on the internal cloud)."),
                citations,
                Some(text!(lang,
                    fr: "Adopter la solution existante et limiter le développement au périmètre spécifique qu'elle ne couvre pas.",
                    en: "Adopt the existing solution and limit development to the specific scope it does not cover.")),
            );
            f.counterfactuals.push(Counterfactual {
                change: text!(lang,
                    fr: "Recourir à l'équivalent existant plutôt qu'au développement sur mesure",
                    en: "Use the existing equivalent rather than bespoke development"),
                offers: Vec::new(),
            });
            f
        }
        _ => finding(
            Rule::R13,
            Status::ToVerify,
            text!(lang,
                fr: "Le dossier ne dit pas si le projet développe du sur-mesure ni si un équivalent existe (sphères publique ou privée, communs numériques).",
                en: "The dossier does not say whether the project builds bespoke software nor whether an equivalent exists (public or private spheres, digital commons)."),
            citations,
            Some(text!(lang,
                fr: "Renseigner `bespoke_development` et, le cas échéant, `equivalent_exists`.",
                en: "Fill in `bespoke_development` and, if relevant, `equivalent_exists`.")),
        ),
    }
}

pub(crate) fn r15(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R15);
    }
    let citations = vec![ctx.cite(Rule::R15)];
    if !ctx.concerned {
        return finding(
            Rule::R15,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne choisit pas de nouvelle offre : l'évaluation de plusieurs offres ne se pose pas.",
                en: "The project chooses no new offer: evaluating several offers does not arise."),
            citations,
            None,
        );
    }
    let min = ctx.ed.thresholds.min_offers_compared;
    let domains = if ctx.office_services.is_empty() {
        String::new()
    } else {
        text!(lang,
            fr: " La circulaire insiste sur la bureautique, la messagerie et les solutions collaboratives.",
            en: " The circular stresses office, email and collaborative solutions.")
    };
    match ctx.d.safeguards.offers_compared {
        Some(n) if n >= min => finding(
            Rule::R15,
            Status::Compliant,
            text!(lang,
                fr: "{n} offres ont été évaluées : la diversité des fournisseurs a été recherchée.{domains}",
                en: "{n} offers were evaluated: supplier diversity was sought.{domains}"),
            citations,
            None,
        ),
        Some(n) => finding(
            Rule::R15,
            Status::ToVerify,
            text!(lang,
                fr: "Seulement {n} offre(s) évaluée(s) : les administrations doivent, chaque fois que possible, en évaluer plusieurs pour éviter les marchés captifs.{domains}",
                en: "Only {n} offer(s) evaluated: administrations must, whenever possible, evaluate several to avoid captive markets.{domains}"),
            citations,
            Some(text!(lang,
                fr: "Évaluer au moins {min} offres couvrant le besoin, ou justifier pourquoi ce n'était pas possible.",
                en: "Evaluate at least {min} offers meeting the need, or justify why it was not possible.")),
        ),
        None => finding(
            Rule::R15,
            Status::ToVerify,
            text!(lang,
                fr: "Le dossier ne dit pas combien d'offres ont été évaluées.{domains}",
                en: "The dossier does not say how many offers were evaluated.{domains}"),
            citations,
            Some(text!(lang,
                fr: "Renseigner `offers_compared`.",
                en: "Fill in `offers_compared`.")),
        ),
    }
}

/// Inputs that carry a judgement, shown as assumptions.
pub(crate) fn assumptions(ctx: &Ctx<'_>) -> Vec<Assumption> {
    let lang = ctx.lang;
    let mut out = Vec::new();
    let p = &ctx.d.project;
    if let Some(d) = p.acceptable_offer_available_on {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("project.acceptable_offer_available_on"),
            value: d.to_string(),
            note: text!(lang,
                fr: "Jugement du projet : date à laquelle une offre de cloud acceptable (inconvénients supportables ou compensables) existe en France ; elle fixe l'échéance des dérogations transitoires.",
                en: "The project's judgement: the day an acceptable cloud offer (drawbacks bearable or compensable) exists in France; it sets the deadline of transitional derogations."),
        });
    }
    if let Some(d) = p.engaged_on {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("project.engaged_on"),
            value: d.to_string(),
            note: text!(lang,
                fr: "Date d'engagement déclarée ; elle ouvre ou ferme les dérogations transitoires.",
                en: "Declared engagement date; it opens or closes the transitional derogations."),
        });
    }
    if ctx
        .d
        .data
        .iter()
        .any(|d| !d.breach_impacts.is_empty() || !d.legal_secrets.is_empty())
    {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("data[].breach_impacts"),
            value: text!(lang, fr: "déclarées par l'entité", en: "declared by the entity"),
            note: text!(lang,
                fr: "L'entité porteuse du projet évalue la sensibilité (FAQ), avec ses méthodes d'analyse de risque, sous l'angle disponibilité, intégrité, confidentialité et traçabilité.",
                en: "The entity carrying the project assesses sensitivity (FAQ), with its risk analysis methods, from the availability, integrity, confidentiality and traceability angles."),
        });
    }
    if let Some(v) = ctx.d.safeguards.equivalent_exists {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("safeguards.equivalent_exists"),
            value: v.to_string(),
            note: text!(lang,
                fr: "Jugement de l'équipe sur l'existence d'un équivalent (R13).",
                en: "The team's judgement on whether an equivalent exists (R13)."),
        });
    }
    if let Some(v) = ctx.d.safeguards.lock_in_financed {
        out.push(Assumption {
            field: std::borrow::Cow::Borrowed("safeguards.lock_in_financed"),
            value: v.to_string(),
            note: text!(lang,
                fr: "Déclaration du projet : le surcoût de réversibilité est financé par les gains de l'adhérence (R10).",
                en: "The project's statement: the extra cost of reversibility is financed by the gains of the lock-in (R10)."),
        });
    }
    out
}
