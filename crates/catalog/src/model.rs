//! The catalog's vocabulary: offers, facts with their sources, qualifications over time.

use serde::{Deserialize, Serialize};

use crate::Date;

/// How far a fact can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Read in an official text (circular, DINUM or ANSSI page).
    Official,
    /// Press, a provider's own pages, a report quoted by a third party.
    Secondary,
    /// A hypothesis that should be checked before anyone relies on it.
    Uncertain,
}

/// A document a fact rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the document was published or last read, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

/// A fact about an offer: a value, or `None` when nobody has established it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact<T> {
    /// Absent when unknown: « inconnu » is a state of knowledge, not a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<T>,
    pub confidence: Confidence,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl<T: Copy> Fact<T> {
    /// The value when it is known.
    pub fn known(&self) -> Option<T> {
        self.value
    }
}

impl<T> Default for Fact<T> {
    fn default() -> Self {
        Fact {
            value: None,
            confidence: Confidence::Uncertain,
            sources: Vec::new(),
            note: None,
        }
    }
}

/// Who operates an offer, which decides how the doctrine treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// « Cloud interne de l'État »: built and run by the State (PI, Nubo).
    Internal,
    /// « Offre de cloud commerciale »: run by a private provider; R9 applies.
    Commercial,
    /// « Suite collaborative interministérielle »: products run by or for DINUM.
    Interministerial,
}

/// Cloud service models (« IaaS, PaaS, CaaS, SaaS »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceModel {
    Iaas,
    Paas,
    Caas,
    Saas,
}

/// Services offered to agents, as the dossier and the DINUM note on office suites name them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UserService {
    /// « Messagerie »
    Email,
    /// « Drive personnel »
    PersonalDrive,
    /// « Services documentaires et collaboratifs »
    DocumentCollaboration,
    /// « Messagerie instantanée »
    InstantMessaging,
    /// « Audioconférence »
    AudioConference,
    /// « Visioconférence »
    VideoConference,
    /// « Webinaire »
    Webinar,
    /// « Bureautique »
    OfficeSuite,
    /// « Application métier »
    BusinessApplication,
}

impl UserService {
    pub const ALL: [UserService; 9] = [
        UserService::Email,
        UserService::PersonalDrive,
        UserService::DocumentCollaboration,
        UserService::InstantMessaging,
        UserService::AudioConference,
        UserService::VideoConference,
        UserService::Webinar,
        UserService::OfficeSuite,
        UserService::BusinessApplication,
    ];

    /// The identifier used in files (`personal_drive`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            UserService::Email => "email",
            UserService::PersonalDrive => "personal_drive",
            UserService::DocumentCollaboration => "document_collaboration",
            UserService::InstantMessaging => "instant_messaging",
            UserService::AudioConference => "audio_conference",
            UserService::VideoConference => "video_conference",
            UserService::Webinar => "webinar",
            UserService::OfficeSuite => "office_suite",
            UserService::BusinessApplication => "business_application",
        }
    }
}

/// One period during which ANSSI's SecNumCloud qualification covered the offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    /// The first day the sources establish the qualification (often later than the real decision).
    pub from: Date,
    /// The last day covered, when the qualification ended or is known to end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Version of the SecNumCloud referential (« 3.2 »), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Regions inside the qualified perimeter; absent when the whole offer is covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Qualification {
    /// Whether the period covers `date`.
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|until| date <= until)
    }
}

/// A step of a qualification process not yet concluded (ANSSI milestones J0 to J3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub milestone: String,
    pub date: Date,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A region of an offer and the country that hosts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 code of the hosting country.
    pub country: String,
    /// Availability zones, when the provider publishes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    pub sources: Vec<String>,
}

/// An offer of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub kind: OfferKind,
    pub service_models: Vec<ServiceModel>,
    /// For SaaS: the services to agents this offer provides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<UserService>,
    /// « Immunisée contre toute réglementation extracommunautaire » (R9).
    #[serde(default)]
    pub immunity: Fact<bool>,
    /// HDS certification (« hébergeur de données de santé »).
    #[serde(default)]
    pub hds: Fact<bool>,
    /// Able to host « Diffusion Restreinte » information.
    #[serde(default)]
    pub diffusion_restreinte: Fact<bool>,
    /// Periods of SecNumCloud qualification, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secnumcloud: Vec<Qualification>,
    /// A qualification process under way, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secnumcloud_evaluation: Option<Evaluation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Where the offer's existence and description come from.
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a SecNumCloud question stands for one offer, one day, one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualificationStatus<'a> {
    /// Qualified on that day (and in that region, when one was asked).
    Qualified(&'a Qualification),
    /// The offer is qualified that day, but the region is outside the qualified perimeter.
    RegionOutOfScope(&'a Qualification),
    /// A qualification exists, but only from a later day.
    NotYet(&'a Qualification),
    /// The last qualification ended before that day.
    Lapsed(&'a Qualification),
    /// No qualification recorded.
    Never,
}

impl QualificationStatus<'_> {
    pub fn is_qualified(&self) -> bool {
        matches!(self, QualificationStatus::Qualified(_))
    }
}

impl Offer {
    /// The SecNumCloud status of the offer on `date`, within `region` when given.
    pub fn secnumcloud_on(&self, date: Date, region: Option<&str>) -> QualificationStatus<'_> {
        if let Some(q) = self.secnumcloud.iter().find(|q| q.covers(date)) {
            return match (region, &q.regions) {
                (Some(region), Some(scope)) if !scope.iter().any(|r| r == region) => {
                    QualificationStatus::RegionOutOfScope(q)
                }
                _ => QualificationStatus::Qualified(q),
            };
        }
        if let Some(q) = self.secnumcloud.iter().find(|q| q.from > date) {
            return QualificationStatus::NotYet(q);
        }
        match self.secnumcloud.last() {
            Some(q) => QualificationStatus::Lapsed(q),
            None => QualificationStatus::Never,
        }
    }

    /// Commercial offers are the ones R9 constrains.
    pub fn is_commercial(&self) -> bool {
        self.kind == OfferKind::Commercial
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    pub fn offers_model(&self, model: ServiceModel) -> bool {
        self.service_models.contains(&model)
    }

    pub fn provides(&self, service: UserService) -> bool {
        self.services.contains(&service)
    }
}

/// How GDPR treats a country for hosting personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataProtection {
    /// A member state of the European Union.
    Eu,
    /// The European Economic Area outside the Union (Iceland, Liechtenstein, Norway).
    Eea,
    /// A country covered by an adequacy decision (GDPR art. 45).
    Adequacy,
    /// An adequacy decision that covers only some recipients (e.g. certified organisations).
    PartialAdequacy,
    /// Any other country: a transfer needs other safeguards.
    ThirdCountry,
}

/// A country and its standing under GDPR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub code: String,
    pub name: String,
    pub status: DataProtection,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
