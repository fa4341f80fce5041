//! The one vocabulary: how every code of the doctrine reads, in French and in English.
//!
//! Reports, the API's human-readable fields and the pages all take their words from here, so a
//! status reads the same everywhere (« Sans objet », not « Non applicable » on one page and « Sans
//! objet » in a report).

use nuage_catalog::UserService;

use crate::assessment::{Approver, ControlProcedure, DerogationKind, Lang, Rule, Status, Verdict};
use crate::dossier::{BreachImpact, EnvironmentKind, EssentialMission, LegalSecret};
use crate::trust::OfferGroup;
use crate::workflow::{Actor, DerogationState, Transition};

/// A code's words.
pub trait Label {
    /// The code in a sentence or a table cell.
    fn label(&self, lang: Lang) -> &'static str;
}

fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

impl Label for Status {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Status::Compliant => pick(lang, "Conforme", "Compliant"),
            Status::NonCompliant => pick(lang, "Non conforme", "Non-compliant"),
            Status::ToVerify => pick(lang, "À vérifier", "To verify"),
            Status::NotApplicable => pick(lang, "Sans objet", "Not applicable"),
        }
    }
}

impl Status {
    /// The heading of a group of findings with this status.
    pub fn heading(self, lang: Lang) -> &'static str {
        match self {
            Status::Compliant => pick(lang, "Conformes", "Compliant"),
            Status::NonCompliant => pick(lang, "Non conformes", "Non-compliant"),
            Status::ToVerify => pick(lang, "À vérifier", "To verify"),
            Status::NotApplicable => pick(lang, "Sans objet", "Not applicable"),
        }
    }

    /// The order reports and pages show statuses in: what needs action first.
    pub const REPORT_ORDER: [Status; 4] = [
        Status::NonCompliant,
        Status::ToVerify,
        Status::Compliant,
        Status::NotApplicable,
    ];
}

impl Label for Verdict {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Verdict::Compliant => pick(lang, "Conforme", "Compliant"),
            Verdict::NonCompliant => pick(lang, "Non conforme", "Non-compliant"),
            Verdict::ToVerify => pick(lang, "À vérifier", "To verify"),
            Verdict::NotApplicable => pick(
                lang,
                "Hors champ de la doctrine",
                "Outside the doctrine's scope",
            ),
        }
    }
}

impl Label for ControlProcedure {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            ControlProcedure::ProjectAuthority => pick(
                lang,
                "Autorité en charge du projet (moins de 1 M€)",
                "The project's authority (below €1M)",
            ),
            ControlProcedure::Ministry => pick(
                lang,
                "Ministère, qui informe la DINUM (1 à 9 M€)",
                "The ministry, which informs DINUM (€1M to €9M)",
            ),
            ControlProcedure::MajorProjectReview => pick(
                lang,
                "Contrôle de conception des grands projets (plus de 9 M€)",
                "Design review of major projects (above €9M)",
            ),
        }
    }
}

impl Label for Approver {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Approver::ProjectAuthority => pick(
                lang,
                "Autorité en charge du projet",
                "The project's authority",
            ),
            Approver::Ministry => pick(lang, "Ministère", "Ministry"),
            Approver::Minister => pick(
                lang,
                "Ministre dont relève le projet",
                "The project's minister",
            ),
            Approver::PrimeMinister => pick(lang, "Premier ministre", "Prime Minister"),
            Approver::Dinum => pick(
                lang,
                "DINUM (contrôle de conception des grands projets)",
                "DINUM (design review of major projects)",
            ),
        }
    }
}

impl Approver {
    /// The approver in a sentence, with its article (« sous la responsabilité du … »).
    pub fn in_sentence(self, lang: Lang) -> &'static str {
        match self {
            Approver::ProjectAuthority => pick(
                lang,
                "l'autorité en charge du projet",
                "the project's authority",
            ),
            Approver::Ministry => pick(lang, "le ministère", "the ministry"),
            Approver::Minister => pick(
                lang,
                "le ministre dont relève le projet",
                "the minister in charge of the project",
            ),
            Approver::PrimeMinister => pick(lang, "le Premier ministre", "the Prime Minister"),
            Approver::Dinum => pick(lang, "la DINUM", "DINUM"),
        }
    }
}

impl Approver {
    /// What this approver does in the decision (« sous la responsabilité du ministre », « après
    /// validation du Premier ministre »): the minister is responsible, the Prime Minister
    /// validates, the others decide or control.
    pub fn part_in_decision(self, lang: Lang) -> &'static str {
        match self {
            Approver::ProjectAuthority => pick(
                lang,
                "décidée et contrôlée par l'autorité en charge du projet",
                "decided and controlled by the project's authority",
            ),
            Approver::Ministry => pick(
                lang,
                "contrôlée par le ministère",
                "controlled by the ministry",
            ),
            Approver::Minister => pick(
                lang,
                "accordée sous la responsabilité du ministre dont relève le projet",
                "granted under the responsibility of the minister in charge of the project",
            ),
            Approver::PrimeMinister => pick(
                lang,
                "après validation du Premier ministre",
                "after the Prime Minister's validation",
            ),
            Approver::Dinum => pick(
                lang,
                "examinée par le contrôle de conception des grands projets (DINUM)",
                "examined by the design review of major projects (DINUM)",
            ),
        }
    }

    /// The heading of this approver's signature block on a printed request.
    pub fn signature(self, lang: Lang) -> &'static str {
        match self {
            Approver::ProjectAuthority => pick(
                lang,
                "Décision de l'autorité en charge du projet",
                "Decision of the project's authority",
            ),
            Approver::Ministry => pick(lang, "Contrôle du ministère", "Control by the ministry"),
            Approver::Minister => pick(
                lang,
                "Le ministre dont relève le projet (sous sa responsabilité)",
                "The minister in charge of the project (under their responsibility)",
            ),
            Approver::PrimeMinister => pick(
                lang,
                "Validation du Premier ministre",
                "Prime Minister's validation",
            ),
            Approver::Dinum => pick(
                lang,
                "Avis du contrôle de conception des grands projets (DINUM)",
                "Opinion of the design review of major projects (DINUM)",
            ),
        }
    }
}

impl Label for DerogationKind {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            DerogationKind::R9Transitional => pick(
                lang,
                "Dérogation transitoire à R9 (projet déjà engagé)",
                "Transitional derogation from R9 (project already engaged)",
            ),
            DerogationKind::R7NoCloud => pick(
                lang,
                "Dérogation à R6 (hébergement hors cloud, R7)",
                "Derogation from R6 (hosting outside the cloud, R7)",
            ),
            DerogationKind::OfficeSuite => pick(
                lang,
                "Dérogation de la note DINUM sur les suites bureautiques",
                "Derogation of the DINUM note on office suites",
            ),
            DerogationKind::R9EquivalentGuarantees => pick(
                lang,
                "Dérogation à R9 sur preuve de garanties équivalentes à SecNumCloud (FAQ)",
                "Derogation from R9 on proof of guarantees equivalent to SecNumCloud (FAQ)",
            ),
        }
    }
}

impl Label for DerogationState {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            DerogationState::Draft => pick(lang, "Brouillon", "Draft"),
            DerogationState::Submitted => pick(lang, "Demandée", "Requested"),
            DerogationState::ApprovedByMinister => pick(
                lang,
                "Accordée par le ministre, en attente du Premier ministre",
                "Granted by the minister, awaiting the Prime Minister",
            ),
            DerogationState::ValidatedByPrimeMinister => pick(
                lang,
                "Validée par le Premier ministre",
                "Validated by the Prime Minister",
            ),
            DerogationState::Active => pick(lang, "En vigueur", "In force"),
            DerogationState::Expired => pick(lang, "Échue", "Expired"),
            DerogationState::Refused => pick(lang, "Refusée", "Refused"),
        }
    }
}

impl Label for Transition {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Transition::Submit => pick(lang, "Envoyer la demande", "Send the request"),
            Transition::DecideForProjectAuthority => pick(
                lang,
                "Enregistrer la décision de l'autorité du projet",
                "Record the project authority's decision",
            ),
            Transition::ControlForMinistry => pick(
                lang,
                "Enregistrer le contrôle du ministère",
                "Record the ministry's control",
            ),
            Transition::ApproveForMinister => pick(
                lang,
                "Enregistrer l'accord du ministre",
                "Record the minister's approval",
            ),
            Transition::ValidateForPrimeMinister => pick(
                lang,
                "Enregistrer la validation du Premier ministre",
                "Record the Prime Minister's validation",
            ),
            Transition::ReviewAsMajorProject => pick(
                lang,
                "Enregistrer l'avis du contrôle des grands projets",
                "Record the major project review's opinion",
            ),
            Transition::Refuse => pick(lang, "Refuser", "Refuse"),
            Transition::Expire => pick(lang, "Constater l'échéance", "Record the expiry"),
        }
    }
}

impl Transition {
    /// What the confirmation after the step says was recorded.
    pub fn confirmation(self, lang: Lang) -> &'static str {
        match self {
            Transition::Submit => pick(lang, "La demande est envoyée.", "The request is sent."),
            Transition::DecideForProjectAuthority => pick(
                lang,
                "La décision de l'autorité du projet est enregistrée.",
                "The project authority's decision is recorded.",
            ),
            Transition::ControlForMinistry => pick(
                lang,
                "Le contrôle du ministère est enregistré.",
                "The ministry's control is recorded.",
            ),
            Transition::ApproveForMinister => pick(
                lang,
                "L'accord du ministre est enregistré.",
                "The minister's approval is recorded.",
            ),
            Transition::ValidateForPrimeMinister => pick(
                lang,
                "La validation du Premier ministre est enregistrée.",
                "The Prime Minister's validation is recorded.",
            ),
            Transition::ReviewAsMajorProject => pick(
                lang,
                "L'avis du contrôle des grands projets est enregistré.",
                "The major project review's opinion is recorded.",
            ),
            Transition::Refuse => {
                pick(lang, "Le refus est enregistré.", "The refusal is recorded.")
            }
            Transition::Expire => {
                pick(lang, "L'échéance est constatée.", "The expiry is recorded.")
            }
        }
    }
}

impl Label for Actor {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            Actor::ProjectTeam => pick(lang, "l'équipe projet", "the project team"),
            Actor::MinistryController => pick(
                lang,
                "le contrôleur ministériel",
                "the ministry's controller",
            ),
            Actor::Dinum => pick(lang, "la DINUM", "DINUM"),
        }
    }
}

impl Label for EnvironmentKind {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            EnvironmentKind::Production => pick(lang, "production", "production"),
            EnvironmentKind::Staging => pick(lang, "recette", "staging"),
            EnvironmentKind::DisasterRecovery => pick(lang, "secours", "disaster recovery"),
            EnvironmentKind::Development => pick(lang, "développement", "development"),
            EnvironmentKind::Training => pick(lang, "formation", "training"),
            EnvironmentKind::Sandbox => pick(lang, "bac à sable", "sandbox"),
        }
    }
}

impl Label for UserService {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            UserService::Email => pick(lang, "messagerie", "email"),
            UserService::PersonalDrive => pick(lang, "drive personnel", "personal drive"),
            UserService::DocumentCollaboration => pick(
                lang,
                "services documentaires et collaboratifs",
                "documentary and collaborative services",
            ),
            UserService::InstantMessaging => {
                pick(lang, "messagerie instantanée", "instant messaging")
            }
            UserService::AudioConference => pick(lang, "audioconférence", "audio conference"),
            UserService::VideoConference => pick(lang, "visioconférence", "video conference"),
            UserService::Webinar => pick(lang, "webinaire", "webinar"),
            UserService::OfficeSuite => pick(lang, "bureautique", "office suite"),
            UserService::BusinessApplication => {
                pick(lang, "application métier", "business application")
            }
        }
    }
}

impl Label for LegalSecret {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            LegalSecret::GovernmentDeliberations => pick(
                lang,
                "secret des délibérations du Gouvernement",
                "secrecy of government deliberations",
            ),
            LegalSecret::NationalDefence => pick(
                lang,
                "secret de la défense nationale",
                "national defence secrecy",
            ),
            LegalSecret::ForeignPolicy => pick(
                lang,
                "conduite de la politique extérieure",
                "conduct of foreign policy",
            ),
            LegalSecret::StateSecurity => pick(lang, "sûreté de l'État", "State security"),
            LegalSecret::JudicialProceedings => pick(
                lang,
                "procédures engagées devant les juridictions",
                "court proceedings",
            ),
            LegalSecret::PrivateLife => pick(lang, "secret de la vie privée", "privacy"),
            LegalSecret::Medical => pick(lang, "secret médical", "medical secrecy"),
            LegalSecret::Business => pick(lang, "secret des affaires", "business secrecy"),
        }
    }
}

impl Label for EssentialMission {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            EssentialMission::NationalSecurity => pick(
                lang,
                "sauvegarde de la sécurité nationale",
                "national security",
            ),
            EssentialMission::PublicOrder => pick(
                lang,
                "maintien de l'ordre public",
                "maintaining public order",
            ),
            EssentialMission::HealthAndLife => pick(
                lang,
                "protection de la santé et de la vie des personnes",
                "protecting people's health and lives",
            ),
        }
    }
}

impl Label for BreachImpact {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            BreachImpact::PublicOrder => pick(lang, "l'ordre public", "public order"),
            BreachImpact::PublicSecurity => pick(lang, "la sécurité publique", "public security"),
            BreachImpact::HealthAndLife => pick(
                lang,
                "la santé et la vie des personnes",
                "people's health and lives",
            ),
            BreachImpact::IntellectualProperty => {
                pick(lang, "la propriété intellectuelle", "intellectual property")
            }
        }
    }
}

impl Rule {
    /// The rule's short title (« R9 — données d'une sensibilité particulière »).
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Rule::R1 => pick(
                lang,
                "rechercher une solution cloud",
                "look for a cloud solution",
            ),
            Rule::R2 => pick(lang, "former au cloud", "train for the cloud"),
            Rule::R3 => pick(lang, "inciter et mesurer", "incentives and measurement"),
            Rule::R4 => pick(lang, "réversibilité", "reversibility"),
            Rule::R5 => pick(
                lang,
                "résilience sur plusieurs zones",
                "resilience across zones",
            ),
            Rule::R6 => pick(lang, "le cloud par défaut", "cloud by default"),
            Rule::R7 => pick(lang, "déroger à R6", "derogating from R6"),
            Rule::R8 => pick(lang, "procédure de contrôle", "control procedure"),
            Rule::R9 => pick(
                lang,
                "données d'une sensibilité particulière",
                "particularly sensitive data",
            ),
            Rule::R10 => pick(lang, "portabilité", "portability"),
            Rule::R11 => pick(
                lang,
                "outils collaboratifs de l'État",
                "the State's collaborative tools",
            ),
            Rule::R12 => pick(
                lang,
                "services logiciels des ministères",
                "ministries' software services",
            ),
            Rule::R13 => pick(
                lang,
                "pas de sur-mesure redondant",
                "no redundant bespoke software",
            ),
            Rule::R14 => pick(
                lang,
                "services aux agents conformes à R9",
                "services for agents meet R9",
            ),
            Rule::R15 => pick(lang, "évaluer plusieurs offres", "evaluate several offers"),
            Rule::Gdpr => pick(
                lang,
                "localisation des données personnelles",
                "location of personal data",
            ),
            Rule::Hds => pick(
                lang,
                "hébergement des données de santé",
                "health data hosting",
            ),
            Rule::Office => pick(
                lang,
                "note DINUM sur les suites bureautiques",
                "DINUM note on office suites",
            ),
            Rule::Dr => pick(
                lang,
                "informations « Diffusion Restreinte »",
                "« Diffusion Restreinte » information",
            ),
        }
    }
}

/// `oui` / `yes`.
pub fn yes_no(lang: Lang, b: bool) -> &'static str {
    match (lang, b) {
        (Lang::Fr, true) => "oui",
        (Lang::Fr, false) => "non",
        (Lang::En, true) => "yes",
        (Lang::En, false) => "no",
    }
}

/// A date as people write it: « 2 décembre 2026 », « 2 December 2026 ».
pub fn long_date(lang: Lang, d: nuage_catalog::Date) -> String {
    crate::words::date(lang, d)
}

/// Every rule, in the texts' order (for a glossary).
pub const RULES: [Rule; 19] = [
    Rule::R1,
    Rule::R2,
    Rule::R3,
    Rule::R4,
    Rule::R5,
    Rule::R6,
    Rule::R7,
    Rule::R8,
    Rule::R9,
    Rule::R10,
    Rule::R11,
    Rule::R12,
    Rule::R13,
    Rule::R14,
    Rule::R15,
    Rule::Gdpr,
    Rule::Hds,
    Rule::Office,
    Rule::Dr,
];

impl Label for OfferGroup {
    fn label(&self, lang: Lang) -> &'static str {
        match self {
            OfferGroup::Internal => pick(
                lang,
                "Clouds internes de l'État",
                "The State's internal clouds",
            ),
            OfferGroup::Qualified => pick(
                lang,
                "Offres commerciales qualifiées SecNumCloud et immunisées (selon la région)",
                "Commercial offers SecNumCloud-qualified and immune (depending on the region)",
            ),
            OfferGroup::InEvaluation => pick(
                lang,
                "Offres commerciales en cours de qualification SecNumCloud",
                "Commercial offers under SecNumCloud evaluation",
            ),
            OfferGroup::NotQualified => pick(
                lang,
                "Offres commerciales non qualifiées SecNumCloud",
                "Commercial offers not SecNumCloud-qualified",
            ),
            OfferGroup::Saas => pick(
                lang,
                "Logiciels en tant que service (SaaS) et suite interministérielle",
                "Software as a service (SaaS) and the interministerial suite",
            ),
        }
    }
}

impl LegalSecret {
    /// Kinds of data this secret usually covers, for people answering the sensitivity test.
    pub fn examples(self, lang: Lang) -> &'static str {
        match self {
            LegalSecret::PrivateLife => pick(
                lang,
                "dossiers des usagers, état civil, adresses, situation fiscale, sociale ou familiale d'une personne, données des agents",
                "users' files, civil status, addresses, a person's tax, social or family situation, agents' data",
            ),
            LegalSecret::Medical => pick(
                lang,
                "dossiers médicaux, résultats d'examens, données de santé d'un patient ou d'un agent",
                "medical files, test results, health data of a patient or an agent",
            ),
            LegalSecret::Business => pick(
                lang,
                "offres remises dans un marché public, comptes et procédés des entreprises, dossiers d'aides économiques",
                "bids in public procurement, companies' accounts and processes, economic aid files",
            ),
            LegalSecret::JudicialProceedings => pick(
                lang,
                "enquêtes, dossiers de contentieux, procédures en cours devant un tribunal",
                "investigations, litigation files, proceedings before a court",
            ),
            LegalSecret::StateSecurity => pick(
                lang,
                "plans de sécurité des bâtiments, dispositifs de police, données de gestion de crise",
                "building security plans, police arrangements, crisis management data",
            ),
            LegalSecret::NationalDefence => pick(
                lang,
                "informations classifiées ou intéressant la défense (hors du champ du cloud commercial)",
                "classified or defence information (outside commercial cloud)",
            ),
            LegalSecret::ForeignPolicy => pick(
                lang,
                "télégrammes diplomatiques, positions de négociation",
                "diplomatic cables, negotiating positions",
            ),
            LegalSecret::GovernmentDeliberations => pick(
                lang,
                "notes préparatoires aux décisions du Gouvernement, comptes rendus de réunions interministérielles",
                "papers preparing Government decisions, minutes of interministerial meetings",
            ),
        }
    }

    pub const ALL: [LegalSecret; 8] = [
        LegalSecret::PrivateLife,
        LegalSecret::Medical,
        LegalSecret::Business,
        LegalSecret::JudicialProceedings,
        LegalSecret::StateSecurity,
        LegalSecret::NationalDefence,
        LegalSecret::ForeignPolicy,
        LegalSecret::GovernmentDeliberations,
    ];
}

/// A word of the doctrine and what it means, for a glossary.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    /// A stable anchor (`secnumcloud`).
    pub id: &'static str,
    pub term: &'static str,
    pub definition: &'static str,
}

/// The doctrine's words, in our own summary.
pub fn glossary(lang: Lang) -> Vec<Term> {
    vec![
        Term {
            id: "secnumcloud",
            term: "SecNumCloud",
            definition: pick(
                lang,
                "Qualification de l'ANSSI pour les offres de cloud : un référentiel d'exigences de sécurité, dont la protection contre les lois extra-européennes (version 3.2). Une qualification vaut pour une période, des régions et des modèles de service.",
                "ANSSI's qualification of cloud offers: a set of security requirements, including protection from non-EU law (version 3.2). A qualification holds for a period, some regions and service models.",
            ),
        },
        Term {
            id: "immunite",
            term: pick(
                lang,
                "Immunité aux réglementations extracommunautaires",
                "Immunity from non-EU law",
            ),
            definition: pick(
                lang,
                "L'offre et son fournisseur échappent à toute loi d'un État hors de l'Union européenne qui pourrait exiger l'accès aux données.",
                "The offer and its provider escape any law of a non-EU State that could demand access to the data.",
            ),
        },
        Term {
            id: "cloud-interne",
            term: pick(
                lang,
                "Cloud interne de l'État",
                "The State's internal cloud",
            ),
            definition: pick(
                lang,
                "Offres construites et exploitées par l'État (par exemple celles du ministère de l'Intérieur ou des ministères économiques et financiers), ouvertes aux autres administrations.",
                "Offers built and run by the State (for instance those of the Interior or of the economic and financial ministries), open to other administrations.",
            ),
        },
        Term {
            id: "offre-de-confiance",
            term: pick(
                lang,
                "Offre commerciale de confiance",
                "Trusted commercial offer",
            ),
            definition: pick(
                lang,
                "Offre commerciale qualifiée SecNumCloud et immunisée, dans la région utilisée : la seule admise pour des données d'une sensibilité particulière hors des clouds internes.",
                "A commercial offer SecNumCloud-qualified and immune, in the region used: the only one allowed for particularly sensitive data outside the internal clouds.",
            ),
        },
        Term {
            id: "derogation",
            term: pick(lang, "Dérogation", "Derogation"),
            definition: pick(
                lang,
                "Exception prévue par les textes, accordée par les personnes qu'ils désignent et limitée dans le temps (par exemple douze mois après qu'une offre acceptable existe).",
                "An exception the texts provide, granted by the people they name and limited in time (for instance twelve months after an acceptable offer exists).",
            ),
        },
        Term {
            id: "procedure",
            term: pick(lang, "Procédure de contrôle", "Control procedure"),
            definition: pick(
                lang,
                "Qui examine le projet, selon son coût complet : l'autorité du projet en dessous d'un premier seuil, le ministère jusqu'à un second, le contrôle des grands projets de l'État au-delà (R7, R8 ; les seuils sont ceux de l'édition en vigueur, donnés avec chaque verdict).",
                "Who reviews the project, by its full cost: the project authority below a first threshold, the ministry up to a second, the State's major project review above (R7, R8; the thresholds are the edition's in force, given with each verdict).",
            ),
        },
        Term {
            id: "cout-complet",
            term: pick(lang, "Coût complet", "Full cost"),
            definition: pick(
                lang,
                "Tout ce que le projet coûte sur sa durée : construction, exploitation, personnel, licences, hébergement.",
                "Everything the project costs over its life: build, operation, staff, licences, hosting.",
            ),
        },
        Term {
            id: "reversibilite",
            term: pick(lang, "Réversibilité", "Reversibility"),
            definition: pick(
                lang,
                "La capacité de quitter un fournisseur en récupérant ses données et ses traitements, prévue au contrat et financée.",
                "The ability to leave a provider with one's data and processing, planned in the contract and funded.",
            ),
        },
    ]
}
