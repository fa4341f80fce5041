//! R13 — no bespoke software where an equivalent exists (public or private spheres, digital
//! commons).

use super::prelude::*;

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
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
