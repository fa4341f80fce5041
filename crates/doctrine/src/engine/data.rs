//! Data-driven rules: the sensitivity test, R9, R14, GDPR, HDS and the DINUM note on office suites.

use nuage_catalog::{DataProtection, Offer, OfferKind, UserService};

use super::offers::{Needs, alternatives, describe_gap, r9_gaps};
use super::text::{self, push_text, text};
use super::{Ctx, Env, finding, out_of_scope};
use crate::assessment::{Counterfactual, DataSensitivity, Finding, Lang, Rule, Status};
use crate::dossier::{Approach, LegalSecret};
use crate::edition::ExtraCategory;

/// The sensitivity test of the edition, data set by data set.
pub(crate) fn sensitivity(ctx: &Ctx<'_>) -> Vec<DataSensitivity> {
    let lang = ctx.lang;
    ctx.d
        .data
        .iter()
        .map(|ds| {
            let mut secrets: Vec<LegalSecret> = ds.legal_secrets.clone();
            let mut implied = Vec::new();
            if ds.special_category && !secrets.contains(&LegalSecret::PrivateLife) {
                secrets.push(LegalSecret::PrivateLife);
                implied.push(text!(lang,
                    fr: "données des articles 9 ou 10 du RGPD : secret de la vie privée",
                    en: "GDPR art. 9 or 10 data: privacy"));
            }
            if ds.health && !secrets.contains(&LegalSecret::Medical) {
                secrets.push(LegalSecret::Medical);
                implied.push(text!(lang,
                    fr: "données de santé : secret médical",
                    en: "health data: medical secrecy"));
            }
            secrets.sort();
            let first = !secrets.is_empty() || !ds.essential_missions.is_empty();
            let second = !ds.breach_impacts.is_empty();
            let mut grounds = Vec::new();
            if first {
                let mut parts: Vec<&str> = secrets.iter().map(|s| text::secret(lang, *s)).collect();
                parts.extend(ds.essential_missions.iter().map(|m| text::mission(lang, *m)));
                let parts = text::list(lang, &parts);
                let implied = if implied.is_empty() { String::new() } else { format!(" ({})", implied.join(" ; ")) };
                grounds.push(text!(lang,
                    fr: "critère 1 rempli — secret protégé par la loi ou mission essentielle de l'État : {parts}{implied}",
                    en: "criterion 1 met — secret protected by law or essential mission of the State: {parts}{implied}"));
            } else {
                grounds.push(text!(lang,
                    fr: "critère 1 non rempli — ni secret protégé par la loi ni mission essentielle de l'État déclarés",
                    en: "criterion 1 not met — no secret protected by law and no essential mission of the State declared"));
            }
            if second {
                let harms: Vec<&str> = ds.breach_impacts.iter().map(|i| text::impact(lang, *i)).collect();
                let harms = text::list(lang, &harms);
                grounds.push(text!(lang,
                    fr: "critère 2 rempli — une violation porterait atteinte à {harms}",
                    en: "criterion 2 met — a breach would harm {harms}"));
            } else if first && (ds.special_category || ds.health) {
                grounds.push(text!(lang,
                    fr: "critère 2 non rempli — aucune atteinte à l'ordre public, à la sécurité publique, à la santé et à la vie des personnes ni à la propriété intellectuelle déclarée ; des données des articles 9 et 10 du RGPD ou de santé ne suffisent pas seules (FAQ)",
                    en: "criterion 2 not met — no harm to public order, public security, people's health and lives or intellectual property declared; GDPR art. 9/10 or health data are not enough on their own (FAQ)"));
            } else {
                grounds.push(text!(lang,
                    fr: "critère 2 non rempli — aucune atteinte à l'ordre public, à la sécurité publique, à la santé et à la vie des personnes ni à la propriété intellectuelle déclarée",
                    en: "criterion 2 not met — no harm to public order, public security, people's health and lives or intellectual property declared"));
            }
            let mut sensitive = first && second;
            let ed = ctx.ed;
            let mut extra = |applies: bool, fr: String, en: String| {
                if applies {
                    sensitive = true;
                    grounds.push(match lang {
                        Lang::Fr => fr,
                        Lang::En => en,
                    });
                }
            };
            extra(
                ed.extra(ExtraCategory::CitizensPersonalData) && ds.citizens,
                "édition 2021 : données à caractère personnel de citoyens (communiqué DINUM du 6 octobre 2021)".into(),
                "2021 edition: personal data of citizens (DINUM press release of 6 October 2021)".into(),
            );
            extra(
                ed.extra(ExtraCategory::CompaniesEconomicData) && ds.companies,
                "édition 2021 : données économiques d'entreprises françaises (communiqué DINUM du 6 octobre 2021)".into(),
                "2021 edition: economic data of French companies (DINUM press release of 6 October 2021)".into(),
            );
            extra(
                ed.extra(ExtraCategory::AgentsBusinessApplications) && ds.agents,
                "édition 2021 : applications métiers relatives aux agents publics (communiqué DINUM du 6 octobre 2021)".into(),
                "2021 edition: business applications about State agents (DINUM press release of 6 October 2021)".into(),
            );
            extra(
                ed.extra(ExtraCategory::AgentsOfficeTools) && !ctx.office_services.is_empty(),
                "édition 2021 : outils collaboratifs, bureautiques et de messagerie des agents (note DINUM sur Office 365)".into(),
                "2021 edition: the agents' collaborative, office and messaging tools (DINUM note on Office 365)".into(),
            );
            DataSensitivity {
                name: ds.name.clone(),
                legal_secret_or_essential_mission: first,
                breach_harm: second,
                particularly_sensitive: sensitive,
                grounds,
            }
        })
        .collect()
}

fn r9_citations(ctx: &Ctx<'_>) -> Vec<crate::assessment::Citation> {
    let mut c = vec![ctx.cite(Rule::R9)];
    if ctx.faq_applies() {
        c.push(ctx.cite_doc("faq-dinum", Some("Données particulièrement sensibles")));
    } else {
        c.push(ctx.cite_doc("communique-dinum-2021-10-06", None));
    }
    for basis in ctx
        .ed
        .legal_basis
        .iter()
        .filter(|b| b.rule == Rule::R9 && b.from <= ctx.on)
    {
        c.push(crate::assessment::Citation {
            document: std::borrow::Cow::Borrowed(basis.document.as_str()),
            rule: None,
            section: Some(std::borrow::Cow::Borrowed(basis.section.as_str())),
        });
    }
    c
}

/// One sentence on the sensitivity conclusion.
fn sensitivity_sentence(ctx: &Ctx<'_>) -> String {
    let lang = ctx.lang;
    let names: Vec<&str> = ctx
        .sensitivity
        .iter()
        .filter(|s| s.particularly_sensitive)
        .map(|s| s.name.as_str())
        .collect();
    if ctx.particularly_sensitive && names.is_empty() {
        return text!(lang,
            fr: "Sous l'édition 2021, les outils collaboratifs, bureautiques et de messagerie des agents manipulent des données sensibles (note DINUM).",
            en: "Under the 2021 edition, the agents' collaborative, office and messaging tools handle sensitive data (DINUM note).");
    }
    if ctx.particularly_sensitive {
        let names = text::list(lang, &names);
        if ctx.ed.sensitivity.also_sensitive.is_empty() {
            text!(lang,
                fr: "Les données « {names} » sont d'une sensibilité particulière : elles relèvent d'un secret protégé par la loi ou d'une mission essentielle de l'État, et leur violation porterait atteinte à l'un des intérêts que R9 énumère.",
                en: "The data « {names} » are particularly sensitive: they fall under a secret protected by law or an essential mission of the State, and a breach would harm one of the interests R9 lists.")
        } else {
            text!(lang,
                fr: "Les données « {names} » sont sensibles au sens de l'édition 2021 de la doctrine.",
                en: "The data « {names} » are sensitive under the 2021 edition of the doctrine.")
        }
    } else if ctx.ed.sensitivity.also_sensitive.is_empty() {
        text!(lang,
            fr: "Aucune donnée déclarée ne réunit les deux critères cumulatifs de R9 (secret protégé par la loi ou mission essentielle de l'État, et violation portant atteinte à l'ordre public, à la sécurité publique, à la santé et à la vie des personnes ou à la propriété intellectuelle).",
            en: "No declared data meet both of R9's cumulative criteria (a secret protected by law or an essential mission of the State, and a breach harming public order, public security, people's health and lives or intellectual property).")
    } else {
        text!(lang,
            fr: "Aucune donnée déclarée n'est sensible au sens de l'édition 2021.",
            en: "No declared data are sensitive under the 2021 edition.")
    }
}

/// Environments reached by R9 (production, staging, disaster recovery) and their offers.
fn r9_envs<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = &'c Env<'a>> {
    ctx.envs.iter().filter(|e| e.env.kind.under_r9())
}

fn env_label(lang: Lang, e: &Env<'_>) -> String {
    let kind = text::environment(lang, e.env.kind);
    match e.offer {
        Some(o) => format!("{kind} ({})", o.id),
        None => kind.to_owned(),
    }
}

/// Diffusion Restreinte: only an offer positioned for it (today PI) or the entity's own
/// approved servers will do.
fn dr_failures(ctx: &Ctx<'_>) -> Vec<String> {
    if !ctx.diffusion_restreinte {
        return Vec::new();
    }
    r9_envs(ctx)
        .filter(|e| {
            e.offer
                .is_some_and(|o| o.diffusion_restreinte.known() != Some(true))
        })
        .map(|e| env_label(ctx.lang, e))
        .collect()
}

/// Checks R9's test on the offers of `envs`; returns (failures in words, failing offers,
/// whether every shortfall is one the catalog cannot settle and someone must verify).
fn check_offers<'a>(ctx: &Ctx<'a>, envs: &[&Env<'a>]) -> (Vec<String>, Vec<&'a Offer>, bool) {
    // (labels of the environments, reasons) per distinct shortfall, in the order met.
    let mut groups: Vec<(Vec<String>, String)> = Vec::new();
    let mut failing = Vec::new();
    let mut unsettled_only = true;
    for e in envs {
        let Some(offer) = e.offer else { continue };
        let gaps = r9_gaps(ctx, offer, e.env.region.as_deref());
        if gaps.is_empty() {
            continue;
        }
        unsettled_only &= gaps.iter().all(|g| g.is_unsettled());
        let why: Vec<String> = gaps
            .iter()
            .map(|g| describe_gap(ctx.lang, ctx, offer, g))
            .collect();
        let why = why.join(" ; ");
        let label = env_label(ctx.lang, e);
        match groups.iter_mut().find(|(_, w)| *w == why) {
            Some((labels, _)) => {
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
            None => groups.push((vec![label], why)),
        }
        if !failing.iter().any(|o: &&Offer| o.id == offer.id) {
            failing.push(offer);
        }
    }
    let failures = groups
        .into_iter()
        .map(|(labels, why)| format!("{} : {why}", text::list(ctx.lang, &labels)))
        .collect();
    (failures, failing, unsettled_only)
}

fn qualified_alternatives(ctx: &Ctx<'_>, failing: &[&Offer]) -> Vec<Counterfactual> {
    let lang = ctx.lang;
    let on = text::date(lang, ctx.on);
    let mut out = Vec::new();
    let mut services_done = false;
    for offer in failing {
        // A SaaS providing several services to agents is replaced service by service.
        if offer.offers_model(nuage_catalog::ServiceModel::Saas)
            && !ctx.d.hosting.services.is_empty()
        {
            if !services_done {
                out.extend(saas_alternatives(ctx));
                services_done = true;
            }
            continue;
        }
        let needs = Needs {
            secnumcloud: true,
            ..Needs::of_project(ctx)
        }
        .like(offer);
        let offers = alternatives(ctx, &needs);
        let name = &offer.name;
        let change = if offers.is_empty() {
            text!(lang,
                fr: "Aucune offre du catalogue ne remplit au {on} tous les besoins que couvre {name} : envisager le cloud interne de l'État ou une offre qualifiée d'un autre modèle de service",
                en: "No catalog offer meets on {on} every need {name} covers: consider the State's internal cloud or a qualified offer of another service model")
        } else {
            text!(lang,
                fr: "Remplacer {name} par une offre du cloud interne de l'État ou une offre qualifiée SecNumCloud et immunisée au {on}",
                en: "Replace {name} with the State's internal cloud or an offer SecNumCloud-qualified and immune on {on}")
        };
        out.push(Counterfactual { change, offers });
    }
    out
}

pub(crate) fn r9(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R9);
    }
    let citations = r9_citations(ctx);
    if ctx.d.data.is_empty() {
        return finding(
            Rule::R9,
            Status::ToVerify,
            text!(lang,
                fr: "Le dossier ne décrit aucune donnée : la sensibilité particulière ne peut pas être appréciée. L'entité porteuse du projet mène cette analyse (FAQ).",
                en: "The dossier describes no data: particular sensitivity cannot be judged. The entity carrying the project performs that analysis (FAQ)."),
            citations,
            Some(text!(lang,
                fr: "Décrire chaque famille de données (`[[data]]`) : secrets protégés par la loi, missions essentielles, atteintes qu'une violation causerait.",
                en: "Describe each family of data (`[[data]]`): secrets protected by law, essential missions, harms a breach would cause.")),
        );
    }
    let sentence = sensitivity_sentence(ctx);
    let dr = dr_failures(ctx);
    let envs: Vec<&Env<'_>> = r9_envs(ctx).collect();
    let commercial: Vec<&Env<'_>> = envs
        .iter()
        .copied()
        .filter(|e| e.offer.is_some_and(Offer::is_commercial))
        .collect();
    let dev_note = dev_note(ctx);

    let mut status;
    let mut message;
    let mut remedy = None;
    let mut counterfactuals = Vec::new();

    if !ctx.secnumcloud_required() {
        if commercial.is_empty() {
            status = Status::NotApplicable;
            message = text!(lang,
                fr: "{sentence} Aucune offre commerciale n'héberge la production, la recette ou le secours : R9 ne s'applique qu'au recours à une offre de cloud commerciale.",
                en: "{sentence} No commercial offer hosts production, staging or disaster recovery: R9 only applies when a commercial cloud offer is used.");
        } else {
            status = Status::Compliant;
            message = text!(lang,
                fr: "{sentence} La qualification SecNumCloud et l'immunité ne sont donc pas exigées pour les offres commerciales retenues.",
                en: "{sentence} SecNumCloud qualification and immunity are therefore not required of the commercial offers chosen.");
            if ctx.ed.sensitivity.prefer_trusted_cloud_otherwise {
                push_text!(message, lang,
                    fr: "L'édition 2021 invite néanmoins à privilégier, chaque fois que possible, une offre qualifiée et immunisée.",
                    en: "The 2021 edition still asks to prefer, wherever possible, a qualified and immune offer.");
            }
        }
    } else if commercial.is_empty() {
        let undecided = ctx.d.hosting.approach == Approach::Undecided || envs.is_empty();
        if undecided {
            status = Status::ToVerify;
            message = text!(lang,
                fr: "{sentence} L'hébergement de la production, de la recette et du secours n'est pas encore décrit : s'il repose sur une offre commerciale, elle devra être qualifiée SecNumCloud et immunisée contre les lois extracommunautaires.",
                en: "{sentence} Hosting of production, staging and disaster recovery is not described yet: if it relies on a commercial offer, that offer must be SecNumCloud-qualified and immune from extra-EU law.");
            remedy = Some(text!(lang,
                fr: "Décrire les environnements de production, de recette et de secours et leur offre (`[[hosting.environments]]`).",
                en: "Describe the production, staging and disaster recovery environments and their offer (`[[hosting.environments]]`)."));
        } else {
            status = Status::Compliant;
            message = text!(lang,
                fr: "{sentence} La production, la recette et le secours sont hébergés hors offre commerciale (cloud interne de l'État, produits interministériels ou serveurs de l'entité) : l'exigence de qualification de R9 ne vise que les offres commerciales.",
                en: "{sentence} Production, staging and disaster recovery are hosted outside commercial offers (the State's internal cloud, interministerial products or the entity's own servers): R9's qualification demand only targets commercial offers.");
        }
    } else {
        let (failures, failing, unsettled_only) = check_offers(ctx, &commercial);
        if !failures.is_empty() && unsettled_only {
            status = Status::ToVerify;
            let list = failures.join(" ; ");
            message = text!(lang,
                fr: "{sentence} Une offre commerciale retenue doit alors être qualifiée SecNumCloud et immunisée contre les lois extracommunautaires, ce que le catalogue ne permet pas d'établir : {list}.",
                en: "{sentence} A commercial offer chosen must then be SecNumCloud-qualified and immune from extra-EU law, which the catalog cannot establish: {list}.");
            remedy = Some(text!(lang,
                fr: "Vérifier la qualification sur la liste de l'ANSSI (cyber.gouv.fr) pour la région et le jour, puis mettre le catalogue à jour avec la source ; préciser la région de chaque environnement.",
                en: "Check the qualification on ANSSI's list (cyber.gouv.fr) for the region and the day, then update the catalog with the source; give each environment's region."));
        } else if failures.is_empty() {
            status = Status::Compliant;
            let on = text::date(lang, ctx.on);
            message = text!(lang,
                fr: "{sentence} Les offres commerciales de production, de recette et de secours sont qualifiées SecNumCloud au {on} et immunisées contre les lois extracommunautaires.",
                en: "{sentence} The commercial offers used for production, staging and disaster recovery are SecNumCloud-qualified on {on} and immune from extra-EU law.");
        } else {
            status = Status::NonCompliant;
            let list = failures.join(" ; ");
            message = text!(lang,
                fr: "{sentence} Une offre commerciale retenue doit alors être qualifiée SecNumCloud et immunisée contre les lois extracommunautaires, ce qui n'est pas le cas : {list}.",
                en: "{sentence} A commercial offer chosen must then be SecNumCloud-qualified and immune from extra-EU law, which is not the case: {list}.");
            remedy = Some(text!(lang,
                fr: "Héberger la production, la recette et le secours sur le cloud interne de l'État ou sur une offre commerciale qualifiée SecNumCloud et immunisée ; à défaut, seule la dérogation transitoire de R9 est ouverte, aux projets déjà engagés.",
                en: "Host production, staging and disaster recovery on the State's internal cloud or on a SecNumCloud-qualified, immune commercial offer; otherwise only R9's transitional derogation is open, to projects already engaged."));
            counterfactuals = qualified_alternatives(ctx, &failing);
            if ctx.ed.sensitivity.also_sensitive.is_empty() {
                counterfactuals.push(Counterfactual {
                    change: text!(lang,
                        fr: "Ou, seulement si une analyse de risque documentée (disponibilité, intégrité, confidentialité, traçabilité) conclut qu'aucune violation ne porterait atteinte aux intérêts énumérés par R9, déclarer `breach_impacts = []` : la qualification ne serait plus requise",
                        en: "Or, only if a documented risk analysis (availability, integrity, confidentiality, traceability) concludes that no breach would harm the interests R9 lists, declare `breach_impacts = []`: qualification would no longer be required"),
                    offers: Vec::new(),
                });
            }
        }
    }
    if !dr.is_empty() {
        status = Status::NonCompliant;
        let list = text::list(lang, &dr);
        push_text!(message, lang,
            fr: "Des informations « Diffusion Restreinte » sont hébergées sur des offres qui n'y sont pas habilitées ({list}) : seul le cloud interne PI du ministère de l'Intérieur est positionné pour elles (doctrine, § 2.1).",
            en: "« Diffusion Restreinte » information is hosted on offers not cleared for it ({list}): only the Ministry of the Interior's internal cloud PI is positioned for it (doctrine, § 2.1).");
        remedy.get_or_insert_with(|| text!(lang,
            fr: "Héberger les informations « Diffusion Restreinte » sur le cloud PI ou sur un système homologué à ce niveau.",
            en: "Host « Diffusion Restreinte » information on the PI cloud or on a system accredited at that level."));
        let offers = alternatives(
            ctx,
            &Needs {
                diffusion_restreinte: true,
                ..Needs::default()
            },
        );
        counterfactuals.push(Counterfactual {
            change: text!(lang,
                fr: "Héberger la production, la recette et le secours sur une offre habilitée « Diffusion Restreinte »",
                en: "Host production, staging and disaster recovery on an offer cleared for « Diffusion Restreinte »"),
            offers,
        });
    }
    if let Some(note) = dev_note {
        message.push(' ');
        message.push_str(&note);
    }
    let mut f = finding(Rule::R9, status, message, citations, remedy);
    f.counterfactuals = counterfactuals;
    f
}

/// Development, training and sandbox on a non-qualified commercial offer: outside R9's
/// reach, worth one sentence when the data are particularly sensitive.
fn dev_note(ctx: &Ctx<'_>) -> Option<String> {
    if !ctx.secnumcloud_required() {
        return None;
    }
    let lang = ctx.lang;
    let outside: Vec<String> = ctx
        .envs
        .iter()
        .filter(|e| !e.env.kind.under_r9())
        .filter(|e| {
            e.offer
                .is_some_and(|o| !r9_gaps(ctx, o, e.env.region.as_deref()).is_empty())
        })
        .map(|e| env_label(lang, e))
        .collect();
    if outside.is_empty() {
        return None;
    }
    let list = text::list(lang, &outside);
    Some(text!(lang,
        fr: "Les environnements {list} reposent sur une offre non qualifiée : R9 ne vise que la production, la recette et le secours, à condition qu'aucune donnée réelle d'une sensibilité particulière n'y soit copiée.",
        en: "The {list} environments rely on a non-qualified offer: R9 only reaches production, staging and disaster recovery, provided no real particularly sensitive data are copied there."))
}

pub(crate) fn r14(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::R14);
    }
    let citations = vec![ctx.cite(Rule::R14), ctx.cite(Rule::R9)];
    if ctx.d.hosting.approach != Approach::Saas {
        return finding(
            Rule::R14,
            Status::NotApplicable,
            text!(lang,
                fr: "R14 vise les services logiciels à la demande proposés aux agents (R11, R12) ; le projet n'est pas une offre SaaS.",
                en: "R14 covers software services offered to agents on demand (R11, R12); the project is not a SaaS offer."),
            citations,
            None,
        );
    }
    let envs: Vec<&Env<'_>> = r9_envs(ctx).filter(|e| e.offer.is_some()).collect();
    if envs.is_empty() {
        return finding(
            Rule::R14,
            Status::ToVerify,
            text!(lang,
                fr: "Le service SaaS retenu n'est pas indiqué : l'infrastructure et les services de l'éditeur doivent respecter R9.",
                en: "The SaaS chosen is not given: the publisher's infrastructure and services must meet R9."),
            citations,
            Some(text!(lang,
                fr: "Indiquer l'offre SaaS de production dans `[[hosting.environments]]`.",
                en: "Give the production SaaS offer in `[[hosting.environments]]`.")),
        );
    }
    if !ctx.secnumcloud_required() {
        return finding(
            Rule::R14,
            Status::Compliant,
            text!(lang,
                fr: "Les données ne sont pas d'une sensibilité particulière : R9, que R14 rend impératif pour l'éditeur, n'exige pas ici d'offre qualifiée SecNumCloud.",
                en: "The data are not particularly sensitive: R9, which R14 makes mandatory for the publisher, does not require a SecNumCloud-qualified offer here."),
            citations,
            None,
        );
    }
    let (failures, _, unsettled_only) = check_offers(ctx, &envs);
    if !failures.is_empty() && unsettled_only {
        let list = failures.join(" ; ");
        return finding(
            Rule::R14,
            Status::ToVerify,
            text!(lang,
                fr: "L'infrastructure et les services de l'éditeur doivent respecter R9 pour des données d'une sensibilité particulière, ce que le catalogue ne permet pas d'établir : {list}.",
                en: "The publisher's infrastructure and services must meet R9 for particularly sensitive data, which the catalog cannot establish: {list}."),
            citations,
            Some(text!(lang,
                fr: "Vérifier la qualification de l'éditeur et de son hébergeur sur la liste de l'ANSSI, puis mettre le catalogue à jour avec la source.",
                en: "Check the qualification of the publisher and its host on ANSSI's list, then update the catalog with the source.")),
        );
    }
    if failures.is_empty() {
        return finding(
            Rule::R14,
            Status::Compliant,
            text!(lang,
                fr: "Le service proposé aux agents respecte R9 : produit interministériel, cloud interne ou offre commerciale qualifiée SecNumCloud et immunisée.",
                en: "The service offered to agents meets R9: an interministerial product, the internal cloud or a SecNumCloud-qualified, immune commercial offer."),
            citations,
            None,
        );
    }
    let list = failures.join(" ; ");
    let mut f = finding(
        Rule::R14,
        Status::NonCompliant,
        text!(lang,
            fr: "L'infrastructure et les services de l'éditeur doivent respecter R9 pour des données d'une sensibilité particulière : {list}.",
            en: "The publisher's infrastructure and services must meet R9 for particularly sensitive data: {list}."),
        citations,
        Some(text!(lang,
            fr: "Retenir un produit interministériel ou une offre SaaS qualifiée SecNumCloud et immunisée.",
            en: "Choose an interministerial product or a SecNumCloud-qualified, immune SaaS offer.")),
    );
    f.counterfactuals = saas_alternatives(ctx);
    f
}

/// Per requested service, the products that provide it and meet the project's needs.
fn saas_alternatives(ctx: &Ctx<'_>) -> Vec<Counterfactual> {
    let lang = ctx.lang;
    let services: Vec<UserService> = if ctx.d.hosting.services.is_empty() {
        Vec::new()
    } else {
        ctx.d.hosting.services.clone()
    };
    let mut out = Vec::new();
    for s in services {
        let needs = Needs {
            secnumcloud: true,
            services: vec![s],
            model: Some(nuage_catalog::ServiceModel::Saas),
            ..Needs::of_project(ctx)
        };
        let offers = alternatives(ctx, &needs);
        let name = text::service(lang, s);
        let change = if offers.is_empty() {
            text!(lang,
                fr: "Aucune offre du catalogue ne fournit « {name} » en respectant R9 à cette date",
                en: "No catalog offer provides « {name} » while meeting R9 on that date")
        } else {
            text!(lang,
                fr: "Pour « {name} », utiliser un produit conforme",
                en: "For « {name} », use a compliant product")
        };
        out.push(Counterfactual { change, offers });
    }
    out
}

/// Where an environment's personal data sit, and what GDPR makes of it.
fn location_status(ctx: &Ctx<'_>, e: &Env<'_>, offer: &Offer) -> (Status, Option<String>) {
    let lang = ctx.lang;
    let label = env_label(lang, e);
    let country_status = |code: &str| {
        ctx.catalog
            .jurisdiction(code)
            .map(|j| (j.status_on(ctx.on), j.name.as_str(), j.note_on(ctx.on)))
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
            DataProtection::ThirdCountry => (
                Status::NonCompliant,
                Some(text!(lang,
                fr: "{label} : hébergement en {country}, hors UE/EEE et sans décision d'adéquation",
                en: "{label}: hosted in {country}, outside the EU/EEA and without an adequacy decision")),
            ),
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

pub(crate) fn gdpr(ctx: &Ctx<'_>) -> Finding {
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
        let list = text::list(lang, &exposed);
        push_text!(message, lang,
            fr: "Même localisées dans l'Union, les données confiées à {list} ne sont pas établies comme immunisées contre les demandes d'autorités d'États tiers hors accord international (RGPD, art. 48) : vérifier les garanties contractuelles et techniques.",
            en: "Even located in the Union, data entrusted to {list} are not established as shielded from requests of third-country authorities outside an international agreement (GDPR art. 48): check the contractual and technical safeguards.");
    }
    if !other.is_empty() {
        let list = text::list(lang, &other);
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
    let mut f = finding(Rule::Gdpr, status, message, citations, remedy);
    if status == Status::NonCompliant {
        let offers = alternatives(
            ctx,
            &Needs {
                eu_location: true,
                ..Needs::of_project(ctx)
            },
        );
        f.counterfactuals.push(Counterfactual {
            change: text!(lang,
                fr: "Héberger les données personnelles dans une région de l'UE ou de l'EEE",
                en: "Host the personal data in an EU or EEA region"),
            offers,
        });
    }
    f
}

pub(crate) fn hds(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    let mut citations = vec![ctx.cite(Rule::R9), ctx.cite_doc("csp-l1111-8", None)];
    if !ctx.in_scope {
        citations.remove(0);
    }
    if !ctx.health {
        return finding(
            Rule::Hds,
            Status::NotApplicable,
            text!(lang,
                fr: "Aucune donnée de santé n'est déclarée.",
                en: "No health data are declared."),
            citations,
            None,
        );
    }
    let envs: Vec<&Env<'_>> = r9_envs(ctx).collect();
    if envs.is_empty() {
        let status = if ctx.d.hosting.approach == Approach::OnPremise {
            Status::Compliant
        } else {
            Status::ToVerify
        };
        let message = match status {
            Status::Compliant => text!(lang,
                fr: "Les données de santé restent sur les serveurs de l'entité, qui ne les confie pas à un hébergeur tiers.",
                en: "Health data stay on the entity's own servers; no third-party host holds them."),
            _ => text!(lang,
                fr: "Des données de santé sont traitées et l'hébergement de la production, de la recette et du secours n'est pas décrit : l'hébergeur devra être certifié HDS.",
                en: "Health data are processed and hosting of production, staging and disaster recovery is not described: the host must be HDS-certified."),
        };
        return finding(Rule::Hds, status, message, citations, None);
    }
    let mut status = Status::Compliant;
    let mut missing = Vec::new();
    let mut unknown_internal = Vec::new();
    let mut unsettled = Vec::new();
    for e in &envs {
        let Some(offer) = e.offer else { continue };
        let hds = ctx.catalog.hds_on(offer, ctx.on, e.env.region.as_deref());
        match (hds.known(), offer.kind) {
            (Some(true), _) => {}
            (_, OfferKind::Internal | OfferKind::Interministerial) => {
                status = status.worst(Status::ToVerify);
                unknown_internal.push(env_label(lang, e));
            }
            (None, _) if hds.is_unsettled() => {
                status = status.worst(Status::ToVerify);
                unsettled.push(env_label(lang, e));
            }
            _ => {
                status = Status::NonCompliant;
                missing.push(env_label(lang, e));
            }
        }
    }
    let mut message = match status {
        Status::Compliant => text!(lang,
            fr: "Les données de santé de production, de recette et de secours sont confiées à des hébergeurs certifiés HDS ou restent sur les serveurs de l'entité.",
            en: "Production, staging and disaster recovery health data are entrusted to HDS-certified hosts or stay on the entity's own servers."),
        _ => String::new(),
    };
    if !missing.is_empty() {
        let list = text::list(lang, &missing);
        message = text!(lang,
            fr: "Aucune certification HDS n'est enregistrée dans le catalogue pour l'hébergeur de : {list}. Un hébergeur de données de santé doit être certifié (CSP, art. L.1111-8) ; si l'offre l'est, mettre le catalogue à jour avec sa source.",
            en: "No HDS certification is recorded in the catalog for the host of: {list}. A health data host must be certified (public health code, art. L.1111-8); if the offer is, update the catalog with its source.");
    }
    if !unknown_internal.is_empty() {
        let list = text::list(lang, &unknown_internal);
        if !message.is_empty() {
            message.push(' ');
        }
        message.push_str(&text!(lang,
            fr: "La certification HDS de l'offre de l'État utilisée pour {list} n'est pas documentée : la vérifier auprès de l'opérateur, la loi visant tout hébergement pour le compte d'un tiers.",
            en: "The HDS certification of the State offer used for {list} is not documented: check it with the operator, as the law covers any hosting on behalf of another entity."));
    }
    if !unsettled.is_empty() {
        let list = text::list(lang, &unsettled);
        if !message.is_empty() {
            message.push(' ');
        }
        message.push_str(&text!(lang,
            fr: "La certification HDS enregistrée pour l'hébergeur de {list} ne s'établit pas à cette date (référentiel antérieur à celui de 2024, dont les certificats valaient jusqu'au 16 mai 2026, date ou région non couvertes) : la vérifier auprès de l'hébergeur et mettre le catalogue à jour avec sa source.",
            en: "The HDS certification recorded for the host of {list} cannot be established on that date (a referential older than the 2024 one, whose certificates were valid until 16 May 2026, or a date or region not covered): check it with the host and update the catalog with its source."));
    }
    let remedy = (status != Status::Compliant).then(|| {
        text!(lang,
        fr: "Retenir un hébergeur certifié HDS pour la production, la recette et le secours.",
        en: "Choose an HDS-certified host for production, staging and disaster recovery.")
    });
    let mut f = finding(Rule::Hds, status, message, citations, remedy);
    if status == Status::NonCompliant {
        let offers = alternatives(
            ctx,
            &Needs {
                hds: true,
                ..Needs::of_project(ctx)
            },
        );
        f.counterfactuals.push(Counterfactual {
            change: text!(lang,
                fr: "Confier les données de santé à une offre certifiée HDS qui remplit aussi les autres besoins du projet",
                en: "Entrust the health data to an HDS-certified offer that also meets the project's other needs"),
            offers,
        });
    }
    f
}

pub(crate) fn office(ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    let citations = vec![
        ctx.cite_doc("note-dinum-office-365", None),
        ctx.cite_doc("communique-dinum-2021-10-06", None),
        ctx.cite(Rule::R14),
    ];
    if ctx.office_services.is_empty() {
        return finding(
            Rule::Office,
            Status::NotApplicable,
            text!(lang,
                fr: "Le projet ne fournit aux agents ni messagerie, ni bureautique, ni outil collaboratif : la note DINUM sur les suites bureautiques ne le vise pas.",
                en: "The project provides agents with no email, office or collaborative tool: the DINUM note on office suites does not cover it."),
            citations,
            None,
        );
    }
    if !ctx.in_scope {
        return out_of_scope(ctx, Rule::Office);
    }
    let envs: Vec<&Env<'_>> = r9_envs(ctx).filter(|e| e.offer.is_some()).collect();
    if envs.is_empty() {
        return finding(
            Rule::Office,
            Status::ToVerify,
            text!(lang,
                fr: "Les outils collaboratifs, bureautiques ou de messagerie des agents ne disent pas quelle offre les fournit : la DINUM les range parmi les systèmes manipulant des données sensibles.",
                en: "The agents' collaborative, office or messaging tools do not say which offer provides them: DINUM counts them among systems handling sensitive data."),
            citations,
            Some(text!(lang,
                fr: "Indiquer l'offre retenue dans `[[hosting.environments]]`.",
                en: "Give the chosen offer in `[[hosting.environments]]`.")),
        );
    }
    let bad: Vec<&Offer> = {
        let mut v: Vec<&Offer> = Vec::new();
        for e in &envs {
            if let Some(o) = e.offer
                && !r9_gaps(ctx, o, e.env.region.as_deref()).is_empty()
                && !v.iter().any(|x| x.id == o.id)
            {
                v.push(o);
            }
        }
        v
    };
    if bad.is_empty() {
        return finding(
            Rule::Office,
            Status::Compliant,
            text!(lang,
                fr: "Les outils des agents reposent sur des produits interministériels, le cloud interne ou des offres qualifiées SecNumCloud et immunisées.",
                en: "The agents' tools rely on interministerial products, the internal cloud or SecNumCloud-qualified, immune offers."),
            citations,
            None,
        );
    }
    let names: Vec<&str> = bad.iter().map(|o| o.name.as_str()).collect();
    let names = text::list(lang, &names);
    let coverable: Vec<&str> = ctx
        .office_services
        .iter()
        .filter(|s| ctx.ed.office_suite.covers.contains(s))
        .map(|s| text::service(lang, *s))
        .collect();
    let never: Vec<&str> = ctx
        .office_services
        .iter()
        .filter(|s| ctx.ed.office_suite.never.contains(s))
        .map(|s| text::service(lang, *s))
        .collect();
    let strict = ctx.ed.extra(ExtraCategory::AgentsOfficeTools) || ctx.particularly_sensitive;
    let mut message = if strict {
        text!(lang,
            fr: "Les solutions collaboratives, bureautiques et de messagerie des agents manipulent des données sensibles : les confier à {names}, ni qualifiée SecNumCloud ni immunisée, n'est pas conforme à la doctrine (note DINUM).",
            en: "The agents' collaborative, office and messaging tools handle sensitive data: entrusting them to {names}, neither SecNumCloud-qualified nor immune, does not comply with the doctrine (DINUM note).")
    } else {
        text!(lang,
            fr: "La note DINUM range les outils collaboratifs, bureautiques et de messagerie des agents parmi les systèmes sensibles et juge leur migration vers une offre comme {names} non conforme. Elle précède le critère cumulatif de 2023, qui demande d'établir la sensibilité au cas par cas : le dossier ne déclare pas les données de ces outils d'une sensibilité particulière, ce que l'entité doit pouvoir justifier.",
            en: "The DINUM note counts the agents' collaborative, office and messaging tools among sensitive systems and deems their migration to an offer such as {names} non-compliant. It predates the 2023 cumulative test, which requires sensitivity to be established case by case: the dossier does not declare these tools' data particularly sensitive, which the entity must be able to justify.")
    };
    if !never.is_empty() {
        let list = text::list(lang, &never);
        push_text!(message, lang,
            fr: "Aucune dérogation n'est possible pour : {list} ; l'offre interministérielle les couvre.",
            en: "No derogation is possible for: {list}; the interministerial offer covers them.");
    }
    if !coverable.is_empty() {
        let list = text::list(lang, &coverable);
        push_text!(message, lang,
            fr: "Pour {list}, une dérogation transitoire existe pour les seuls projets très avancés au 5 juillet 2021 (voir les dérogations).",
            en: "For {list}, a transitional derogation exists for projects very advanced on 5 July 2021 only (see the derogations).");
    }
    let status = if strict {
        Status::NonCompliant
    } else {
        Status::ToVerify
    };
    let mut f = finding(
        Rule::Office,
        status,
        message,
        citations,
        Some(text!(lang,
            fr: "Recourir aux produits interministériels (Tchap, Resana, Audioconf, Webconférence de l'État, La Suite numérique), à une offre mutualisée sur le cloud interne ou le cloud de confiance, ou à une offre qualifiée SecNumCloud ; à défaut, différer le remplacement des outils existants.",
            en: "Use the interministerial products (Tchap, Resana, Audioconf, the State web conference, La Suite numérique), a pooled offer on the internal or trusted cloud, or a SecNumCloud-qualified offer; failing that, postpone replacing the existing tools.")),
    );
    f.counterfactuals = office_alternatives(ctx);
    f
}

fn office_alternatives(ctx: &Ctx<'_>) -> Vec<Counterfactual> {
    let lang = ctx.lang;
    ctx.office_services
        .iter()
        .map(|s| {
            let needs = Needs {
                secnumcloud: true,
                services: vec![*s],
                model: Some(nuage_catalog::ServiceModel::Saas),
                ..Needs::of_project(ctx)
            };
            let offers = alternatives(ctx, &needs);
            let name = text::service(lang, *s);
            Counterfactual {
                change: if offers.is_empty() {
                    text!(lang,
                        fr: "Pour « {name} », aucun produit du catalogue ne convient à cette date : mutualiser une offre sur le cloud interne ou de confiance avec la DINUM",
                        en: "For « {name} », no catalog product fits on that date: pool an offer on the internal or trusted cloud with DINUM")
                } else {
                    text!(lang,
                        fr: "Pour « {name} », utiliser un produit interministériel ou qualifié",
                        en: "For « {name} », use an interministerial or qualified product")
                },
                offers,
            }
        })
        .collect()
}
