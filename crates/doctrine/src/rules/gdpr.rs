//! GDPR — where personal data are hosted (EU, EEA or adequacy) and their exposure to
//! third-country authorities (art. 48). The scan's per-resource check flags regions outside.

use super::prelude::*;

/// Where an environment's personal data sit, and what GDPR makes of it.
fn location_status(ctx: &Ctx<'_>, e: &Env<'_>, offer: &Offer) -> (Status, Option<String>) {
    let lang = ctx.lang;
    let label = env_label(lang, e);
    let country_status = |code: &str| {
        ctx.catalog.jurisdiction(code).map(|j| {
            (
                j.status_on(ctx.on),
                j.name.as_str(),
                j.note_on_in(ctx.on, lang == Lang::En),
            )
        })
    };
    let judge = |status: DataProtection,
                 country: &str,
                 note: Option<&str>|
     -> (Status, Option<String>) {
        match status {
            DataProtection::Eu | DataProtection::Eea => (Status::Compliant, None),
            DataProtection::Adequacy => (Status::Compliant, None),
            DataProtection::PartialAdequacy => {
                let note = note.unwrap_or_default();
                (
                    Status::ToVerify,
                    Some(text!(lang,
                    fr: "{label} : hébergement en {country}, couvert par une décision d'adéquation partielle ({note})",
                    en: "{label}: hosted in {country}, covered by a partial adequacy decision ({note})")),
                )
            }
            // Outside the EU, the EEA and adequacy, GDPR still allows a transfer with appropriate
            // safeguards (art. 46), and the circular says « notamment »: the absence of
            // safeguards, declared, is the failure; not knowing is to verify.
            DataProtection::ThirdCountry => match ctx.d.safeguards.transfer_safeguards {
                Some(false) => (
                    Status::NonCompliant,
                    Some(text!(lang,
                    fr: "{label} : hébergement en {country}, hors UE/EEE, sans décision d'adéquation et sans garanties appropriées (le dossier le déclare)",
                    en: "{label}: hosted in {country}, outside the EU/EEA, without an adequacy decision and without appropriate safeguards (as the dossier declares)")),
                ),
                Some(true) => (
                    Status::ToVerify,
                    Some(text!(lang,
                    fr: "{label} : hébergement en {country}, hors UE/EEE et sans décision d'adéquation ; le dossier déclare des garanties appropriées (RGPD, art. 46), à vérifier, et l'exposition aux autorités du pays demeure",
                    en: "{label}: hosted in {country}, outside the EU/EEA and without an adequacy decision; the dossier declares appropriate safeguards (GDPR art. 46), to verify, and exposure to that country's authorities remains")),
                ),
                None => (
                    Status::ToVerify,
                    Some(text!(lang,
                    fr: "{label} : hébergement en {country}, hors UE/EEE et sans décision d'adéquation : un transfert n'y est possible qu'avec des garanties appropriées (RGPD, art. 46), que le dossier ne décrit pas (`transfer_safeguards`)",
                    en: "{label}: hosted in {country}, outside the EU/EEA and without an adequacy decision: a transfer there needs appropriate safeguards (GDPR art. 46), which the dossier does not describe (`transfer_safeguards`)")),
                ),
            },
        }
    };
    if let Some(code) = e.env.region.as_deref() {
        return match offer.region(code).and_then(|r| country_status(&r.country)) {
            Some((status, country, note)) => judge(status, country, note),
            None => (
                Status::ToVerify,
                Some(text!(lang,
                fr: "{label} : la région `{code}` n'est pas décrite dans le catalogue, sa localisation reste à établir",
                en: "{label}: region `{code}` is not in the catalog, its location remains to be established")),
            ),
        };
    }
    if offer.regions.is_empty() {
        return (
            Status::ToVerify,
            Some(text!(lang,
            fr: "{label} : la localisation des données n'est pas établie",
            en: "{label}: the data's location is not established")),
        );
    }
    let outside: Vec<&str> = offer
        .regions
        .iter()
        .filter(|r| {
            !country_status(&r.country).is_some_and(|(s, _, _)| {
                matches!(
                    s,
                    DataProtection::Eu | DataProtection::Eea | DataProtection::Adequacy
                )
            })
        })
        .map(|r| r.code.as_str())
        .collect();
    if outside.is_empty() {
        (Status::Compliant, None)
    } else {
        (
            Status::ToVerify,
            Some(text!(lang,
            fr: "{label} : aucune région indiquée alors que l'offre en compte hors UE/EEE ; préciser la région",
            en: "{label}: no region given while the offer has regions outside the EU/EEA; give the region")),
        )
    }
}

pub(crate) fn check(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    let mut citations = vec![
        ctx.cite(Rule::R9),
        ctx.cite_doc("rgpd", Some("art. 28, 45 et 48")),
    ];
    if !ctx.in_scope {
        citations.remove(0);
    }
    if !ctx.personal {
        return finding(
            Rule::Gdpr,
            Status::NotApplicable,
            text!(lang,
                fr: "Aucune donnée à caractère personnel n'est déclarée.",
                en: "No personal data are declared."),
            citations,
            None,
        );
    }
    // The GDPR paragraph sits in R9, which reaches production, staging and disaster recovery:
    // the environments that hold real data.
    let hosted: Vec<(&Env<'_>, &Offer)> = r9_envs(ctx)
        .filter_map(|e| e.offer.map(|o| (e, o)))
        .collect();
    if hosted.is_empty() {
        let (status, message) = if ctx.d.hosting.approach == Approach::Undecided
            || ctx.envs.is_empty() && ctx.d.hosting.approach != Approach::OnPremise
        {
            (
                Status::ToVerify,
                text!(lang,
                fr: "Des données personnelles sont traitées et l'hébergement n'est pas encore décrit : il devra se situer dans l'UE, l'EEE ou un pays adéquat, à l'abri des demandes d'autorités d'États tiers.",
                en: "Personal data are processed and hosting is not described yet: it must be in the EU, the EEA or an adequate country, shielded from requests of third-country authorities."),
            )
        } else {
            (
                Status::Compliant,
                text!(lang,
                fr: "Les données personnelles restent sur les serveurs de l'entité : aucun transfert vers un hébergeur tiers n'est déclaré.",
                en: "Personal data stay on the entity's own servers: no transfer to a third-party host is declared."),
            )
        };
        return finding(Rule::Gdpr, status, message, citations, None);
    }
    let other: Vec<String> = ctx
        .envs
        .iter()
        .filter(|e| !e.env.kind.under_r9())
        .filter(|e| {
            e.offer
                .is_some_and(|o| o.is_commercial() && o.immunity.known() != Some(true))
        })
        .map(|e| env_label(lang, e))
        .collect();
    let mut status = Status::Compliant;
    let mut problems = Vec::new();
    let mut exposed = Vec::new();
    for (e, offer) in &hosted {
        let (s, why) = location_status(ctx, e, offer);
        status = status.worst(s);
        problems.extend(why);
        if offer.is_commercial()
            && offer.immunity.known() != Some(true)
            && !exposed.contains(&offer.name.as_str())
        {
            exposed.push(offer.name.as_str());
        }
    }
    let mut message = if problems.is_empty() {
        text!(lang,
            fr: "Les données personnelles sont hébergées dans l'UE, l'EEE ou un pays bénéficiant d'une décision d'adéquation.",
            en: "Personal data are hosted in the EU, the EEA or a country with an adequacy decision.")
    } else {
        let list = problems.join(" ; ");
        text!(lang,
            fr: "Localisation des données personnelles : {list}.",
            en: "Location of personal data: {list}.")
    };
    if !exposed.is_empty() {
        status = status.worst(Status::ToVerify);
        let list = words::list(lang, &exposed);
        push_text!(message, lang,
            fr: "Même localisées dans l'Union, les données confiées à {list} ne sont pas établies comme immunisées contre les demandes d'autorités d'États tiers hors accord international (RGPD, art. 48) : vérifier les garanties contractuelles et techniques.",
            en: "Even located in the Union, data entrusted to {list} are not established as shielded from requests of third-country authorities outside an international agreement (GDPR art. 48): check the contractual and technical safeguards.");
    }
    if !other.is_empty() {
        let list = words::list(lang, &other);
        push_text!(message, lang,
            fr: "Les environnements {list} reposent sur une offre dont l'immunité contre les lois extracommunautaires n'est pas établie : n'y copier aucune donnée personnelle réelle (jeux anonymisés ou fictifs).",
            en: "The {list} environments rely on an offer whose immunity from extra-EU law is not established: copy no real personal data there (anonymised or synthetic sets).");
    }
    let remedy = match status {
        Status::Compliant | Status::NotApplicable => None,
        _ => Some(text!(lang,
            fr: "Choisir une région dans l'UE ou l'EEE et, pour les offres exposées à un droit extracommunautaire, documenter les garanties (chiffrement maîtrisé, clauses) ou retenir une offre immunisée.",
            en: "Choose a region in the EU or EEA and, for offers exposed to extra-EU law, document the safeguards (customer-held encryption, clauses) or choose an immune offer.")),
    };
    let f = finding(Rule::Gdpr, status, message, citations, remedy);
    if f.status != Status::NonCompliant {
        return f;
    }
    let offers = alternatives(
        ctx,
        &Needs {
            eu_location: true,
            ..Needs::of_project(ctx)
        },
    );
    f.suggesting(
        text!(lang,
                fr: "Héberger les données personnelles dans une région de l'UE ou de l'EEE",
                en: "Host the personal data in an EU or EEA region"),
        offers,
    )
}

pub(crate) fn resources(s: &Scanned<'_>, out: &mut Vec<Finding>) {
    let (inv, dossier, ctx) = (s.inventory, s.dossier, s.ctx);
    if dossier.is_some() && !ctx.personal {
        return;
    }
    let lang = ctx.lang;
    for r in &inv.resources {
        let (Some(offer), Some(region)) = (offer_of(ctx.catalog, r), r.region.as_deref()) else {
            continue;
        };
        let Some(country) = offer
            .region(region)
            .and_then(|reg| ctx.catalog.jurisdiction(&reg.country))
        else {
            continue;
        };
        let address = &r.address;
        let name = &country.name;
        let (status, message) = match country.status_on(ctx.on) {
            DataProtection::Eu | DataProtection::Eea => continue,
            DataProtection::Adequacy => (
                Status::ToVerify,
                text!(lang,
                fr: "`{address}` est déployé dans la région `{region}` ({name}), hors UE/EEE : une décision d'adéquation (RGPD, art. 45) couvre ce pays ; vérifier que les données personnelles y sont admises et la doctrine respectée.",
                en: "`{address}` is deployed in region `{region}` ({name}), outside the EU/EEA: an adequacy decision (GDPR art. 45) covers that country; check that personal data may go there and that the doctrine is met."),
            ),
            DataProtection::PartialAdequacy => {
                let note = country
                    .note_on_in(ctx.on, lang == Lang::En)
                    .unwrap_or_default();
                (
                    Status::ToVerify,
                    text!(lang,
                    fr: "`{address}` est déployé dans la région `{region}` ({name}), hors UE/EEE, couvert par une décision d'adéquation partielle : {note}",
                    en: "`{address}` is deployed in region `{region}` ({name}), outside the EU/EEA, covered by a partial adequacy decision: {note}"),
                )
            }
            DataProtection::ThirdCountry => (
                if dossier.is_some_and(|d| d.safeguards.transfer_safeguards == Some(false)) {
                    Status::NonCompliant
                } else {
                    Status::ToVerify
                },
                text!(lang,
                fr: "`{address}` est déployé dans la région `{region}` ({name}), hors UE/EEE et sans décision d'adéquation : des données personnelles ne peuvent y être hébergées qu'avec des garanties appropriées (RGPD, art. 46).",
                en: "`{address}` is deployed in region `{region}` ({name}), outside the EU/EEA and without an adequacy decision: personal data can be hosted there only with appropriate safeguards (GDPR art. 46)."),
            ),
        };
        let mut citations = vec![ctx.cite_doc("rgpd", Some("art. 44 à 46"))];
        if ctx.in_scope {
            citations.insert(0, ctx.cite(Rule::R9));
        }
        out.push(
            finding(
                Rule::Gdpr,
                status,
                message,
                citations,
                Some(text!(lang,
                    fr: "Déployer dans une région de l'Union européenne ou de l'EEE.",
                    en: "Deploy in a region of the European Union or the EEA.")),
            )
            .at(r),
        );
    }
}
