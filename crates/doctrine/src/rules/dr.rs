//! DR — « Diffusion Restreinte » information. Not one of R9's demands: its own texts (the
//! interministerial instruction n° 901 on sensitive information systems) require a system
//! accredited at that level; the doctrine positions only the internal cloud PI for it (§ 2.1).
//! Kept because a project that declares such information needs to hear it; outside the four
//! texts the doctrine consists of.

use super::prelude::*;

/// Environments holding real data whose offer is not positioned for « Diffusion Restreinte ».
fn not_cleared(ctx: &Ctx<'_>) -> Vec<String> {
    r9_envs(ctx)
        .filter(|e| {
            e.offer
                .is_some_and(|o| o.diffusion_restreinte.known() != Some(true))
        })
        .map(|e| env_label(ctx.lang, e))
        .collect()
}

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    let citations = vec![
        ctx.cite_doc("ii-901", None),
        ctx.cite_doc(ctx.ed.circular.as_str(), Some("§ 2.1")),
    ];
    if !ctx.diffusion_restreinte {
        return finding(
            Rule::Dr,
            Status::NotApplicable,
            text!(lang,
                fr: "Le dossier ne déclare aucune information « Diffusion Restreinte ».",
                en: "The dossier declares no « Diffusion Restreinte » information."),
            citations,
            None,
        );
    }
    let list = not_cleared(ctx);
    if list.is_empty() {
        return finding(
            Rule::Dr,
            Status::Compliant,
            text!(lang,
                fr: "Les informations « Diffusion Restreinte » sont hébergées sur une offre positionnée pour elles ou sur les serveurs de l'entité, dont l'homologation à ce niveau relève de l'II 901.",
                en: "« Diffusion Restreinte » information is hosted on an offer positioned for it or on the entity's own servers, whose accreditation at that level is governed by II 901."),
            citations,
            None,
        );
    }
    let list = words::list(lang, &list);
    let offers = alternatives(
        ctx,
        &Needs {
            diffusion_restreinte: true,
            ..Needs::default()
        },
    );
    finding(
        Rule::Dr,
        Status::NonCompliant,
        text!(lang,
            fr: "Des informations « Diffusion Restreinte » sont hébergées sur des offres qui n'y sont pas habilitées ({list}) : elles demandent un système homologué à ce niveau (II 901), et la doctrine ne positionne pour elles que le cloud interne PI du ministère de l'Intérieur (§ 2.1). Ce n'est pas une exigence de R9, qui vise la sensibilité particulière des données.",
            en: "« Diffusion Restreinte » information is hosted on offers not cleared for it ({list}): it needs a system accredited at that level (II 901), and the doctrine positions only the Ministry of the Interior's internal cloud PI for it (§ 2.1). This is not an R9 requirement, which concerns the data's particular sensitivity."),
        citations,
        Some(text!(lang,
            fr: "Héberger les informations « Diffusion Restreinte » sur le cloud PI ou sur un système homologué à ce niveau.",
            en: "Host « Diffusion Restreinte » information on the PI cloud or on a system accredited at that level.")),
    )
    .suggesting(
        text!(lang,
            fr: "Héberger la production, la recette et le secours sur une offre habilitée « Diffusion Restreinte »",
            en: "Host production, staging and disaster recovery on an offer cleared for « Diffusion Restreinte »"),
        offers,
    )
}
