//! Wording helpers: every message exists in French and English, side by side.

use nuage_catalog::{Date, UserService};

use crate::assessment::{Approver, Lang};
use crate::dossier::{BreachImpact, EnvironmentKind, EssentialMission, Euros, LegalSecret};

/// `text!(lang, fr: "…{x}…", en: "…{x}…")` formats the message of the requested language.
macro_rules! text {
    ($lang:expr, fr: $fr:literal, en: $en:literal $(,)?) => {
        match $lang {
            $crate::assessment::Lang::Fr => format!($fr),
            $crate::assessment::Lang::En => format!($en),
        }
    };
}
pub(crate) use text;

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// « 31 mai 2023 » / « 31 May 2023 ».
pub(crate) fn date(lang: Lang, d: Date) -> String {
    let idx = usize::try_from(d.month() - 1).unwrap_or(0);
    let months = match lang {
        Lang::Fr => &MONTHS_FR,
        Lang::En => &MONTHS_EN,
    };
    let month = months.get(idx).copied().unwrap_or("?");
    match (lang, d.day()) {
        (Lang::Fr, 1) => format!("1er {month} {}", d.year()),
        _ => format!("{} {month} {}", d.day(), d.year()),
    }
}

/// « 3 500 000 € » / « €3,500,000 ».
pub(crate) fn euros(lang: Lang, amount: Euros) -> String {
    let digits = amount.whole_euros().to_string();
    let sep = match lang {
        Lang::Fr => ' ',
        Lang::En => ',',
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    let cents = amount.cents() % 100;
    match lang {
        Lang::Fr if cents != 0 => format!("{grouped},{cents:02} €"),
        Lang::Fr => format!("{grouped} €"),
        Lang::En if cents != 0 => format!("€{grouped}.{cents:02}"),
        Lang::En => format!("€{grouped}"),
    }
}

/// « 50 % » / « 50% ».
pub(crate) fn percent(lang: Lang, share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    let p = if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    };
    match lang {
        Lang::Fr => format!("{} %", p.replace('.', ",")),
        Lang::En => format!("{p}%"),
    }
}

/// « a, b et c » / « a, b and c ».
pub(crate) fn list<S: AsRef<str>>(lang: Lang, items: &[S]) -> String {
    let and = match lang {
        Lang::Fr => " et ",
        Lang::En => " and ",
    };
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{}{and}{}", head.join(", "), last.as_ref())
        }
    }
}

/// `a`, `b` for identifiers.
pub(crate) fn ids<S: AsRef<str>>(lang: Lang, items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    list(lang, &quoted)
}

pub(crate) fn environment(lang: Lang, kind: EnvironmentKind) -> &'static str {
    match (lang, kind) {
        (Lang::Fr, EnvironmentKind::Production) => "production",
        (Lang::Fr, EnvironmentKind::Staging) => "recette",
        (Lang::Fr, EnvironmentKind::DisasterRecovery) => "secours",
        (Lang::Fr, EnvironmentKind::Development) => "développement",
        (Lang::Fr, EnvironmentKind::Training) => "formation",
        (Lang::Fr, EnvironmentKind::Sandbox) => "bac à sable",
        (Lang::En, EnvironmentKind::Production) => "production",
        (Lang::En, EnvironmentKind::Staging) => "staging",
        (Lang::En, EnvironmentKind::DisasterRecovery) => "disaster recovery",
        (Lang::En, EnvironmentKind::Development) => "development",
        (Lang::En, EnvironmentKind::Training) => "training",
        (Lang::En, EnvironmentKind::Sandbox) => "sandbox",
    }
}

pub(crate) fn service(lang: Lang, s: UserService) -> &'static str {
    match (lang, s) {
        (Lang::Fr, UserService::Email) => "messagerie",
        (Lang::Fr, UserService::PersonalDrive) => "drive personnel",
        (Lang::Fr, UserService::DocumentCollaboration) => "services documentaires et collaboratifs",
        (Lang::Fr, UserService::InstantMessaging) => "messagerie instantanée",
        (Lang::Fr, UserService::AudioConference) => "audioconférence",
        (Lang::Fr, UserService::VideoConference) => "visioconférence",
        (Lang::Fr, UserService::Webinar) => "webinaire",
        (Lang::Fr, UserService::OfficeSuite) => "bureautique",
        (Lang::Fr, UserService::BusinessApplication) => "application métier",
        (Lang::En, UserService::Email) => "email",
        (Lang::En, UserService::PersonalDrive) => "personal drive",
        (Lang::En, UserService::DocumentCollaboration) => "documentary and collaborative services",
        (Lang::En, UserService::InstantMessaging) => "instant messaging",
        (Lang::En, UserService::AudioConference) => "audio conference",
        (Lang::En, UserService::VideoConference) => "video conference",
        (Lang::En, UserService::Webinar) => "webinar",
        (Lang::En, UserService::OfficeSuite) => "office suite",
        (Lang::En, UserService::BusinessApplication) => "business application",
    }
}

pub(crate) fn secret(lang: Lang, s: LegalSecret) -> &'static str {
    match (lang, s) {
        (Lang::Fr, LegalSecret::GovernmentDeliberations) => {
            "secret des délibérations du Gouvernement"
        }
        (Lang::Fr, LegalSecret::NationalDefence) => "secret de la défense nationale",
        (Lang::Fr, LegalSecret::ForeignPolicy) => "conduite de la politique extérieure",
        (Lang::Fr, LegalSecret::StateSecurity) => "sûreté de l'État",
        (Lang::Fr, LegalSecret::JudicialProceedings) => {
            "procédures engagées devant les juridictions"
        }
        (Lang::Fr, LegalSecret::PrivateLife) => "secret de la vie privée",
        (Lang::Fr, LegalSecret::Medical) => "secret médical",
        (Lang::Fr, LegalSecret::Business) => "secret des affaires",
        (Lang::En, LegalSecret::GovernmentDeliberations) => "secrecy of government deliberations",
        (Lang::En, LegalSecret::NationalDefence) => "national defence secrecy",
        (Lang::En, LegalSecret::ForeignPolicy) => "conduct of foreign policy",
        (Lang::En, LegalSecret::StateSecurity) => "State security",
        (Lang::En, LegalSecret::JudicialProceedings) => "court proceedings",
        (Lang::En, LegalSecret::PrivateLife) => "privacy",
        (Lang::En, LegalSecret::Medical) => "medical secrecy",
        (Lang::En, LegalSecret::Business) => "business secrecy",
    }
}

pub(crate) fn mission(lang: Lang, m: EssentialMission) -> &'static str {
    match (lang, m) {
        (Lang::Fr, EssentialMission::NationalSecurity) => "sauvegarde de la sécurité nationale",
        (Lang::Fr, EssentialMission::PublicOrder) => "maintien de l'ordre public",
        (Lang::Fr, EssentialMission::HealthAndLife) => {
            "protection de la santé et de la vie des personnes"
        }
        (Lang::En, EssentialMission::NationalSecurity) => "national security",
        (Lang::En, EssentialMission::PublicOrder) => "maintaining public order",
        (Lang::En, EssentialMission::HealthAndLife) => "protecting people's health and lives",
    }
}

pub(crate) fn impact(lang: Lang, i: BreachImpact) -> &'static str {
    match (lang, i) {
        (Lang::Fr, BreachImpact::PublicOrder) => "l'ordre public",
        (Lang::Fr, BreachImpact::PublicSecurity) => "la sécurité publique",
        (Lang::Fr, BreachImpact::HealthAndLife) => "la santé et la vie des personnes",
        (Lang::Fr, BreachImpact::IntellectualProperty) => "la propriété intellectuelle",
        (Lang::En, BreachImpact::PublicOrder) => "public order",
        (Lang::En, BreachImpact::PublicSecurity) => "public security",
        (Lang::En, BreachImpact::HealthAndLife) => "people's health and lives",
        (Lang::En, BreachImpact::IntellectualProperty) => "intellectual property",
    }
}

pub(crate) fn approver(lang: Lang, a: Approver) -> &'static str {
    match (lang, a) {
        (Lang::Fr, Approver::ProjectAuthority) => "l'autorité en charge du projet",
        (Lang::Fr, Approver::Ministry) => "le ministère",
        (Lang::Fr, Approver::Minister) => "le ministre dont relève le projet",
        (Lang::Fr, Approver::PrimeMinister) => "le Premier ministre",
        (Lang::Fr, Approver::Dinum) => "la DINUM",
        (Lang::En, Approver::ProjectAuthority) => "the project's authority",
        (Lang::En, Approver::Ministry) => "the ministry",
        (Lang::En, Approver::Minister) => "the minister in charge of the project",
        (Lang::En, Approver::PrimeMinister) => "the Prime Minister",
        (Lang::En, Approver::Dinum) => "DINUM",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_amounts_dates_and_lists() {
        assert_eq!(euros(Lang::Fr, Euros::from_euros(3_500_000)), "3 500 000 €");
        assert_eq!(euros(Lang::En, Euros::from_euros(999_999)), "€999,999");
        assert_eq!(euros(Lang::Fr, Euros::from_euros(0)), "0 €");
        assert_eq!(
            date(Lang::Fr, "2023-05-01".parse().unwrap()),
            "1er mai 2023"
        );
        assert_eq!(date(Lang::En, "2023-05-31".parse().unwrap()), "31 May 2023");
        assert_eq!(list(Lang::Fr, &["a", "b", "c"]), "a, b et c");
        assert_eq!(percent(Lang::Fr, 0.5), "50 %");
        assert_eq!(percent(Lang::En, 0.495), "49.5%");
    }
}
