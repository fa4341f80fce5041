//! The sensitivity test of the edition in force, data set by data set: under 2023, two cumulative
//! criteria (a secret protected by law or an essential mission of the State, and a breach that
//! would harm one of the interests R9 lists); under 2021, also the categories of the press
//! release of 6 October 2021.

use super::prelude::*;

/// The sensitivity test of the edition, data set by data set.
pub(crate) fn assess(ctx: &Ctx<'_>) -> Vec<DataSensitivity> {
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
            let first = !secrets.is_empty()
                || !ds.essential_missions.is_empty()
                || !ds.other_grounds.is_empty();
            let second = !ds.breach_impacts.is_empty();
            let mut grounds = Vec::new();
            if first {
                let mut parts: Vec<&str> = secrets.iter().map(|s| s.label(lang)).collect();
                parts.extend(ds.essential_missions.iter().map(|m| m.label(lang)));
                let others: Vec<String> = ds
                    .other_grounds
                    .iter()
                    .map(|g| format!("{} ({})", g.name, g.text))
                    .collect();
                parts.extend(others.iter().map(String::as_str));
                let parts = words::list(lang, &parts);
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
                let harms: Vec<&str> = ds.breach_impacts.iter().map(|i| i.label(lang)).collect();
                let harms = words::list(lang, &harms);
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
