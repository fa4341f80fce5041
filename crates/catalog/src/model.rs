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

/// A record with a French `note` and, when someone has translated it, an English `note_en`.
pub trait Noted {
    /// The note as written, in French.
    fn note_fr(&self) -> Option<&str>;
    /// The note in English, when there is one.
    fn note_en(&self) -> Option<&str>;
    /// The note to print: the English one when `english` and there is one, else the French one.
    fn note_in(&self, english: bool) -> Option<&str> {
        if english {
            self.note_en().or_else(|| self.note_fr())
        } else {
            self.note_fr()
        }
    }
}

macro_rules! noted {
    ($($t:ty),* $(,)?) => {
        $(impl Noted for $t {
            fn note_fr(&self) -> Option<&str> {
                self.note.as_deref()
            }
            fn note_en(&self) -> Option<&str> {
                self.note_en.as_deref()
            }
        })*
    };
}

noted!(
    Qualification,
    Milestone,
    Evaluation,
    Region,
    Hds,
    HdsReferential,
    HostedOn,
    Availability,
    Offer,
    AdequacyDecision,
    Jurisdiction,
);

impl<T> Noted for Fact<T> {
    fn note_fr(&self) -> Option<&str> {
        self.note.as_deref()
    }
    fn note_en(&self) -> Option<&str> {
        self.note_en.as_deref()
    }
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
    /// The day someone last checked the fact against its sources (required once it has a value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
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
            reviewed_on: None,
            note: None,
            note_en: None,
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

/// One period during which ANSSI's SecNumCloud qualification covered the offer, or part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    /// The first day the sources establish the qualification (often later than the real decision).
    pub from: Date,
    /// The last day covered, when the qualification is known to have ended (withdrawn, not renewed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// The end of validity the sources report. Past it, and without a later period, nobody has
    /// established that the qualification was renewed: the answer is unknown, not « qualified ».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_end: Option<Date>,
    /// Version of the SecNumCloud referential (« 3.2 »), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Regions inside the qualified perimeter; absent when the whole offer is covered (allowed only
    /// for an offer with a single region, or none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// Service models inside the qualified perimeter; absent when every model of the offer is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_models: Option<Vec<ServiceModel>>,
    /// `uncertain` periods are never answered « qualified »: they read « unconfirmed ».
    pub confidence: Confidence,
    pub sources: Vec<String>,
    /// The day someone last checked the period against its sources (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

impl Qualification {
    /// Whether the period, as recorded, runs on `date` (its reported validity aside).
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|until| date <= until)
    }

    /// Whether `date` is within the reported validity, when one is reported.
    pub fn valid_on(&self, date: Date) -> bool {
        self.covers(date) && self.validity_end.is_none_or(|end| date <= end)
    }

    /// Whether `region` is inside the qualified perimeter.
    pub fn in_region(&self, region: &str) -> bool {
        self.regions
            .as_ref()
            .is_none_or(|scope| scope.iter().any(|r| r == region))
    }

    /// Whether `model` is inside the qualified perimeter.
    pub fn for_model(&self, model: ServiceModel) -> bool {
        self.service_models
            .as_ref()
            .is_none_or(|scope| scope.contains(&model))
    }

    /// Whether the perimeter takes in every region and every service model of `offer`.
    pub fn covers_whole(&self, offer: &Offer) -> bool {
        offer.regions.iter().all(|r| self.in_region(&r.code))
            && offer.service_models.iter().all(|m| self.for_model(*m))
    }
}

/// A later step of a qualification process (J1, J2, J3…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub milestone: String,
    pub date: Date,
    /// Sources of this step, when they differ from the evaluation's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// A qualification process not yet concluded (ANSSI milestones J0 to J3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// The first step the sources establish (usually J0), and its day.
    pub milestone: String,
    pub date: Date,
    /// Later steps, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<Milestone>,
    /// Service models under evaluation; absent when every model of the offer is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_models: Option<Vec<ServiceModel>>,
    /// Regions under evaluation; absent when not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    /// The day someone last checked the evaluation against its sources (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

impl Evaluation {
    /// The last step reached by `date`, if the evaluation had started.
    pub fn milestone_on(&self, date: Date) -> Option<(&str, Date)> {
        if date < self.date {
            return None;
        }
        let mut last = (self.milestone.as_str(), self.date);
        for m in &self.milestones {
            if m.date <= date {
                last = (m.milestone.as_str(), m.date);
            }
        }
        Some(last)
    }

    /// Whether the evaluation takes in `region` and `model` (`None`: any).
    pub fn covers(&self, region: Option<&str>, model: Option<ServiceModel>) -> bool {
        let region_ok = match (region, &self.regions) {
            (Some(r), Some(scope)) => scope.iter().any(|s| s == r),
            _ => true,
        };
        let model_ok = match (model, &self.service_models) {
            (Some(m), Some(scope)) => scope.contains(&m),
            _ => true,
        };
        region_ok && model_ok
    }
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
    /// When the region was last checked; absent: the offer's `reviewed_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// HDS certification (« hébergeur de données de santé ») of an offer, as a dated fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hds {
    /// Absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<bool>,
    pub confidence: Confidence,
    #[serde(default)]
    pub sources: Vec<String>,
    /// The day someone last checked the fact against its sources (required once it has a value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    /// The certification referential (an `[[hds_referential]]` id of `catalog.toml`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referential: Option<String>,
    /// The first day the sources establish the certification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    /// The certificate's end of validity, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Regions the certification covers; absent when the whole offer is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

impl Hds {
    /// The value as recorded, dates aside (see [`crate::Catalog::hds_on`] for a day).
    pub fn known(&self) -> Option<bool> {
        self.value
    }
}

impl Default for Hds {
    fn default() -> Self {
        Hds {
            value: None,
            confidence: Confidence::Uncertain,
            sources: Vec::new(),
            reviewed_on: None,
            referential: None,
            since: None,
            until: None,
            regions: None,
            note: None,
            note_en: None,
        }
    }
}

/// A version of the HDS certification referential and the dates that govern its certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HdsReferential {
    /// `2018`, `2024`…
    pub id: String,
    pub title: String,
    /// Publication in the Journal officiel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<Date>,
    /// First day new certifications and renewals follow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_from: Option<Date>,
    /// Last day certificates issued under it stay valid (the transition to the next one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificates_valid_until: Option<Date>,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    pub reviewed_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// Where an offer's HDS certification stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HdsStatus<'a> {
    /// Certified that day (in that region, when one was asked).
    Certified(&'a Hds),
    /// Known not to be certified.
    NotCertified,
    /// Nobody has established it.
    Unknown,
    /// Certified, but the sources establish it only from a later day.
    NotYet(&'a Hds),
    /// The certificate's validity ended before that day.
    Expired(&'a Hds),
    /// Certified, but not in the region asked.
    RegionOutOfScope(&'a Hds),
    /// Certified in some regions only, and no region was given.
    PerimeterUnspecified(&'a Hds),
    /// Certified under a referential (or an unnamed one) whose certificates stopped being valid
    /// on `until`; that the host moved to the next referential is not established.
    ReferentialLapsed { hds: &'a Hds, until: Date },
}

impl HdsStatus<'_> {
    /// `Some(true)` certified, `Some(false)` known not to be (there), `None` not established.
    pub fn known(&self) -> Option<bool> {
        match self {
            HdsStatus::Certified(_) => Some(true),
            HdsStatus::NotCertified | HdsStatus::RegionOutOfScope(_) => Some(false),
            _ => None,
        }
    }

    /// A certification is recorded but cannot be relied on that day: someone must check.
    pub fn is_unsettled(&self) -> bool {
        matches!(
            self,
            HdsStatus::NotYet(_)
                | HdsStatus::Expired(_)
                | HdsStatus::PerimeterUnspecified(_)
                | HdsStatus::ReferentialLapsed { .. }
        )
    }
}

/// What runs an offer underneath, when it is not the provider's own infrastructure (R14: the
/// publisher's infrastructure must meet R9 too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostedOn {
    /// The catalog offer the product runs on, when the sources name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Whether the host is a commercial cloud (R9 then reaches the product through it).
    pub commercial: bool,
    /// The host in words, as the sources give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// When an offer is open to its users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// The first day the sources establish the offer as open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// The last day it was open, when it closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
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
    /// The day someone last reviewed the offer's entry as a whole.
    pub reviewed_on: Date,
    /// « Immunisée contre toute réglementation extracommunautaire » (R9).
    #[serde(default)]
    pub immunity: Fact<bool>,
    /// HDS certification (« hébergeur de données de santé »).
    #[serde(default)]
    pub hds: Hds,
    /// Able to host « Diffusion Restreinte » information.
    #[serde(default)]
    pub diffusion_restreinte: Fact<bool>,
    /// Periods of SecNumCloud qualification, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secnumcloud: Vec<Qualification>,
    /// A qualification process under way, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secnumcloud_evaluation: Option<Evaluation>,
    /// The infrastructure underneath, for a product run on another offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_on: Option<HostedOn>,
    /// When the offer opened (and closed), when the sources say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Where the offer's existence and description come from.
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

/// Where a SecNumCloud question stands for one offer, one day, one region (and service model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualificationStatus<'a> {
    /// Qualified on that day (and in that region and service model, when asked).
    Qualified(&'a Qualification),
    /// The offer is qualified that day, but the region is outside the qualified perimeter.
    RegionOutOfScope(&'a Qualification),
    /// The offer is qualified that day, but not for the service model asked.
    ModelOutOfScope(&'a Qualification),
    /// Only part of the offer is qualified (some regions or service models) and the question did
    /// not say which part: to verify, never « qualified ».
    PerimeterUnspecified(&'a Qualification),
    /// The reported validity ended and no renewal is recorded: to verify, never « qualified ».
    RenewalUnknown(&'a Qualification),
    /// Only an `uncertain` source reports the qualification: to verify, never « qualified ».
    Unconfirmed(&'a Qualification),
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

    /// The catalog cannot answer « qualified » or « not qualified » that day: someone must check
    /// (ANSSI's list, the region, the renewal).
    pub fn is_unsettled(&self) -> bool {
        matches!(
            self,
            QualificationStatus::PerimeterUnspecified(_)
                | QualificationStatus::RenewalUnknown(_)
                | QualificationStatus::Unconfirmed(_)
        )
    }

    /// The period the answer rests on, if any.
    pub fn qualification(&self) -> Option<&Qualification> {
        match *self {
            QualificationStatus::Qualified(q)
            | QualificationStatus::RegionOutOfScope(q)
            | QualificationStatus::ModelOutOfScope(q)
            | QualificationStatus::PerimeterUnspecified(q)
            | QualificationStatus::RenewalUnknown(q)
            | QualificationStatus::Unconfirmed(q)
            | QualificationStatus::NotYet(q)
            | QualificationStatus::Lapsed(q) => Some(q),
            QualificationStatus::Never => None,
        }
    }
}

/// The SecNumCloud state of an offer on a day, in the four words the catalog answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecNumCloudState {
    Qualified,
    InEvaluation,
    None,
    /// A qualification is recorded but cannot be relied on (unconfirmed, renewal not established).
    Unknown,
}

impl SecNumCloudState {
    pub fn as_str(self) -> &'static str {
        match self {
            SecNumCloudState::Qualified => "qualified",
            SecNumCloudState::InEvaluation => "in_evaluation",
            SecNumCloudState::None => "none",
            SecNumCloudState::Unknown => "unknown",
        }
    }
}

impl Offer {
    /// The SecNumCloud status on `date`, within `region` when given. Without a region, the
    /// answer is about the offer anywhere: « qualified » when some part of it is. For an
    /// environment, where the part matters, use [`Offer::secnumcloud_for`].
    pub fn secnumcloud_on(&self, date: Date, region: Option<&str>) -> QualificationStatus<'_> {
        self.status(date, region, None, false)
    }

    /// The SecNumCloud status of one use of the offer: on `date`, in `region`, for `model`. A
    /// region or model left out while only part of the offer is qualified answers
    /// [`QualificationStatus::PerimeterUnspecified`], never « qualified ».
    pub fn secnumcloud_for(
        &self,
        date: Date,
        region: Option<&str>,
        model: Option<ServiceModel>,
    ) -> QualificationStatus<'_> {
        self.status(date, region, model, true)
    }

    fn status(
        &self,
        date: Date,
        region: Option<&str>,
        model: Option<ServiceModel>,
        strict: bool,
    ) -> QualificationStatus<'_> {
        let relevant = |q: &Qualification| {
            region.is_none_or(|r| q.in_region(r)) && model.is_none_or(|m| q.for_model(m))
        };
        let in_force: Vec<&Qualification> = self
            .secnumcloud
            .iter()
            .filter(|q| q.covers(date) && relevant(q))
            .collect();
        if !in_force.is_empty() {
            let established =
                |q: &&&Qualification| q.valid_on(date) && q.confidence != Confidence::Uncertain;
            let whole = |q: &&&Qualification| {
                !strict
                    || ((region.is_some() || self.regions.iter().all(|r| q.in_region(&r.code)))
                        && (model.is_some() || self.service_models.iter().all(|m| q.for_model(*m))))
            };
            if let Some(q) = in_force.iter().find(|q| established(q) && whole(q)) {
                return QualificationStatus::Qualified(q);
            }
            if let Some(q) = in_force.iter().find(established) {
                return QualificationStatus::PerimeterUnspecified(q);
            }
            if let Some(q) = in_force.iter().find(|q| q.valid_on(date)) {
                return QualificationStatus::Unconfirmed(q);
            }
            if let Some(q) = in_force.iter().max_by_key(|q| q.validity_end) {
                return QualificationStatus::RenewalUnknown(q);
            }
        }
        // An `uncertain` period says nothing outside its own days.
        let established = |q: &&Qualification| q.confidence != Confidence::Uncertain;
        if let Some(q) = self
            .secnumcloud
            .iter()
            .filter(established)
            .filter(|q| relevant(q) && q.from > date)
            .min_by_key(|q| q.from)
        {
            return QualificationStatus::NotYet(q);
        }
        if let Some(q) = self
            .secnumcloud
            .iter()
            .filter(established)
            .filter(|q| relevant(q) && !q.covers(date))
            .max_by_key(|q| q.from)
        {
            return QualificationStatus::Lapsed(q);
        }
        let other = self
            .secnumcloud
            .iter()
            .filter(established)
            .find(|q| q.covers(date))
            .or_else(|| self.secnumcloud.iter().rev().find(established));
        match other {
            Some(q) if region.is_some_and(|r| !q.in_region(r)) => {
                QualificationStatus::RegionOutOfScope(q)
            }
            Some(q) => QualificationStatus::ModelOutOfScope(q),
            None => QualificationStatus::Never,
        }
    }

    /// The evaluation under way on `date` for `region` and `model` (`None`: any), if one had
    /// started by then.
    pub fn evaluation_on(
        &self,
        date: Date,
        region: Option<&str>,
        model: Option<ServiceModel>,
    ) -> Option<&Evaluation> {
        self.secnumcloud_evaluation
            .as_ref()
            .filter(|ev| ev.date <= date && ev.covers(region, model))
    }

    /// Qualified, in evaluation, none, or unknown on `date` (offer anywhere when no region or
    /// model is given).
    pub fn secnumcloud_state(
        &self,
        date: Date,
        region: Option<&str>,
        model: Option<ServiceModel>,
    ) -> SecNumCloudState {
        let status = self.status(date, region, model, false);
        if status.is_qualified() {
            SecNumCloudState::Qualified
        } else if status.is_unsettled() {
            SecNumCloudState::Unknown
        } else if self.evaluation_on(date, region, model).is_some() {
            SecNumCloudState::InEvaluation
        } else {
            SecNumCloudState::None
        }
    }

    /// The first qualification period resting on more than an `uncertain` source.
    pub fn first_established_qualification(&self) -> Option<&Qualification> {
        self.secnumcloud
            .iter()
            .find(|q| q.confidence != Confidence::Uncertain)
    }

    /// Whether the offer is open on `date`: `None` when the catalog does not say.
    pub fn available_on(&self, date: Date) -> Option<bool> {
        let a = self.availability.as_ref()?;
        if a.from.is_some_and(|from| date < from) || a.until.is_some_and(|until| date > until) {
            return Some(false);
        }
        a.from.map(|_| true)
    }

    /// Commercial offers are the ones R9 constrains.
    pub fn is_commercial(&self) -> bool {
        self.kind == OfferKind::Commercial
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The region a zone belongs to, when the catalog lists the zone.
    pub fn region_of_zone(&self, zone: &str) -> Option<&Region> {
        self.regions
            .iter()
            .find(|r| r.zones.iter().any(|z| z == zone))
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

/// An adequacy decision (GDPR art. 45, or Directive 95/46 art. 25) and the days it covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdequacyDecision {
    /// The decision's reference (« (UE) 2023/1795 »), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub title: String,
    /// The day it was adopted or took effect, as the sources give it.
    pub from: Date,
    /// The last day it applied (invalidated, expired, replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// `adequacy`, or `partial_adequacy` when it covers only some recipients.
    pub scope: DataProtection,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    /// The day someone last checked the decision against its sources (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    /// What the decision covers, said where it is cited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

impl AdequacyDecision {
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|until| date <= until)
    }
}

/// A country and its standing under GDPR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub code: String,
    pub name: String,
    /// The standing on the day of review. With dated decisions, [`Jurisdiction::status_on`] answers
    /// for any day.
    pub status: DataProtection,
    pub sources: Vec<String>,
    /// The day someone last checked the country's standing (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    /// Adequacy decisions over time, oldest first. Absent for EU and EEA members, and for
    /// adequacy decisions older than the doctrine (2021) whose dates the catalog does not hold:
    /// `status` then answers for every day.
    #[serde(default, rename = "decision", skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<AdequacyDecision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in English; never without `note`, never a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_en: Option<String>,
}

impl Jurisdiction {
    /// The adequacy decision in force on `date`, if any is recorded.
    pub fn decision_on(&self, date: Date) -> Option<&AdequacyDecision> {
        self.decisions.iter().rev().find(|d| d.covers(date))
    }

    /// The country's standing on `date`: a decision adopted later is never cited for it.
    pub fn status_on(&self, date: Date) -> DataProtection {
        if self.decisions.is_empty()
            || matches!(self.status, DataProtection::Eu | DataProtection::Eea)
        {
            return self.status;
        }
        self.decision_on(date)
            .map_or(DataProtection::ThirdCountry, |d| d.scope)
    }

    /// What to say about the country on `date`: the decision in force's note, else the country's.
    pub fn note_on(&self, date: Date) -> Option<&str> {
        self.note_on_in(date, false)
    }

    /// [`Jurisdiction::note_on`], in English when `english` and the note is translated.
    pub fn note_on_in(&self, date: Date, english: bool) -> Option<&str> {
        if self.decisions.is_empty() {
            return self.note_in(english);
        }
        self.decision_on(date)
            .and_then(|d| d.note_in(english))
            .or(self.note_in(english))
    }
}
