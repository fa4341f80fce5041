//! The life of a derogation, as the texts give it for its kind and edition.
//!
//! A derogation is requested by the project's team, then decided by the people the texts name,
//! in order, and is in force once the last of them has decided. Who they are is not the same
//! for every derogation, and the assessment says it in the derogation's `approvers`:
//!
//! | derogation | approvers | texts |
//! |---|---|---|
//! | `r9_transitional`, 2021 edition | the minister | circular n° 6282-SG, R9 |
//! | `r9_transitional`, 2023 edition | the minister, then the Prime Minister's validation | circular n° 6404/SG, R9 |
//! | `office_suite` | as R9's transitional derogation of the edition (the note applies it) | DINUM note on office suites |
//! | `r7_no_cloud`, below 1 M€ | the project's authority, nothing sent to DINUM | R7, R8 |
//! | `r7_no_cloud`, 1 M€ to 9 M€ | documented to DINUM, controlled by the ministry | R7, R8 |
//! | `r7_no_cloud`, above 9 M€ | documented to DINUM, the design review of major projects | R7, R8, decree n° 2019-1088 art. 3 |
//!
//! [`Workflow::of`] turns a kind and its approvers into the steps; the registry stores the
//! state, the server and the pages offer only the steps the workflow gives, each to the
//! [`Actor`] who records it.

use serde::{Deserialize, Serialize};

use crate::assessment::{Approver, DerogationKind};

/// Where a derogation stands.
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
pub enum DerogationState {
    /// Written, not sent.
    Draft,
    /// Sent by the team; the first decision is awaited.
    Submitted,
    /// Approved under the minister's responsibility, the Prime Minister's validation awaited.
    ApprovedByMinister,
    /// Validated by the Prime Minister, a later decision awaited (versions before 0.2 also
    /// stopped here before an explicit activation; such a derogation is read as in force).
    ValidatedByPrimeMinister,
    /// Granted: in force until its deadline.
    Active,
    /// Its deadline has passed, as recorded by a person.
    Expired,
    /// Refused, with the reason.
    Refused,
}

impl DerogationState {
    pub const ALL: [DerogationState; 7] = [
        DerogationState::Draft,
        DerogationState::Submitted,
        DerogationState::ApprovedByMinister,
        DerogationState::ValidatedByPrimeMinister,
        DerogationState::Active,
        DerogationState::Expired,
        DerogationState::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DerogationState::Draft => "draft",
            DerogationState::Submitted => "submitted",
            DerogationState::ApprovedByMinister => "approved_by_minister",
            DerogationState::ValidatedByPrimeMinister => "validated_by_prime_minister",
            DerogationState::Active => "active",
            DerogationState::Expired => "expired",
            DerogationState::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Refused or expired: nothing more happens.
    pub fn is_closed(self) -> bool {
        matches!(self, DerogationState::Expired | DerogationState::Refused)
    }

    /// Granted and not closed: it covers the project until its deadline (a Prime Minister's
    /// validation recorded before 0.2 is read as in force).
    pub fn is_in_force(self) -> bool {
        matches!(
            self,
            DerogationState::Active | DerogationState::ValidatedByPrimeMinister
        )
    }

    /// Between the request and the last decision.
    pub fn is_pending(self) -> bool {
        !self.is_closed() && !matches!(self, DerogationState::Draft | DerogationState::Active)
    }
}

/// A step of a derogation's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// The team sends its request (and, from 1 M€ for R7, documents it to DINUM).
    Submit,
    /// The project's authority decides (R7 below 1 M€).
    DecideForProjectAuthority,
    /// The ministry controls and decides (R7 from 1 M€ to 9 M€).
    ControlForMinistry,
    /// The minister's decision, recorded by the ministry's controller.
    ApproveForMinister,
    /// The Prime Minister's validation, recorded by DINUM.
    ValidateForPrimeMinister,
    /// The design review of major projects decides (R7 above 9 M€), recorded by DINUM.
    ReviewAsMajorProject,
    /// Whoever decides next refuses, with a reason.
    Refuse,
    /// The deadline has passed.
    Expire,
}

impl Transition {
    pub const ALL: [Transition; 8] = [
        Transition::Submit,
        Transition::DecideForProjectAuthority,
        Transition::ControlForMinistry,
        Transition::ApproveForMinister,
        Transition::ValidateForPrimeMinister,
        Transition::ReviewAsMajorProject,
        Transition::Refuse,
        Transition::Expire,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::DecideForProjectAuthority => "decide_for_project_authority",
            Transition::ControlForMinistry => "control_for_ministry",
            Transition::ApproveForMinister => "approve_for_minister",
            Transition::ValidateForPrimeMinister => "validate_for_prime_minister",
            Transition::ReviewAsMajorProject => "review_as_major_project",
            Transition::Refuse => "refuse",
            Transition::Expire => "expire",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// Who records a step in Nuage (the decision itself may be a minister's or the Prime
/// Minister's: their services record it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The project's team (for the project's authority, its own decision).
    ProjectTeam,
    /// A controller of the project's ministry (the minister's decision, the ministry's control).
    MinistryController,
    /// DINUM (the Prime Minister's validation, the design review of major projects).
    Dinum,
}

/// One step: from a state, by a transition, to a state, recorded by one of `by`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub transition: Transition,
    pub from: DerogationState,
    pub to: DerogationState,
    pub by: Vec<Actor>,
    /// The approver whose decision this step records, if any.
    pub approver: Option<Approver>,
}

/// Why a step cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The transition does not apply in this state for this derogation.
    #[error("`{transition}` does not apply to a derogation {state} ({expected})")]
    WrongState {
        transition: &'static str,
        state: &'static str,
        expected: String,
    },
}

/// The steps of one derogation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    pub kind: DerogationKind,
    /// The approvers, in the order they decide.
    pub approvers: Vec<Approver>,
    steps: Vec<Step>,
}

/// The step recording `approver`'s decision, who records it, and where it leaves a derogation
/// that waits for a later decision. Only the minister's decision is followed by another in the
/// texts (the Prime Minister's validation); the states are the registry's, so a new order of
/// decisions in a future text comes with its state (and its migration).
fn decision(approver: Approver) -> (Transition, Actor, DerogationState) {
    match approver {
        Approver::ProjectAuthority => (
            Transition::DecideForProjectAuthority,
            Actor::ProjectTeam,
            DerogationState::Submitted,
        ),
        Approver::Ministry => (
            Transition::ControlForMinistry,
            Actor::MinistryController,
            DerogationState::Submitted,
        ),
        Approver::Minister => (
            Transition::ApproveForMinister,
            Actor::MinistryController,
            DerogationState::ApprovedByMinister,
        ),
        Approver::PrimeMinister => (
            Transition::ValidateForPrimeMinister,
            Actor::Dinum,
            DerogationState::ValidatedByPrimeMinister,
        ),
        Approver::Dinum => (
            Transition::ReviewAsMajorProject,
            Actor::Dinum,
            DerogationState::Submitted,
        ),
    }
}

impl Workflow {
    /// The steps of a derogation of `kind` decided by `approvers`, in order (as the assessment
    /// that opened it gives them).
    pub fn of(kind: DerogationKind, approvers: &[Approver]) -> Workflow {
        let mut steps = vec![Step {
            transition: Transition::Submit,
            from: DerogationState::Draft,
            to: DerogationState::Submitted,
            by: vec![Actor::ProjectTeam, Actor::MinistryController],
            approver: None,
        }];
        let mut from = DerogationState::Submitted;
        for (i, &approver) in approvers.iter().enumerate() {
            let (transition, by, reached) = decision(approver);
            let to = if i + 1 == approvers.len() {
                DerogationState::Active
            } else {
                reached
            };
            steps.push(Step {
                transition,
                from,
                to,
                by: vec![by],
                approver: Some(approver),
            });
            steps.push(Step {
                transition: Transition::Refuse,
                from,
                to: DerogationState::Refused,
                by: vec![by],
                approver: Some(approver),
            });
            from = to;
        }
        // Before 0.2 a Prime Minister's validation waited for an explicit activation: such a
        // derogation is in force, its expiry recorded the same way.
        for state in [
            DerogationState::Active,
            DerogationState::ValidatedByPrimeMinister,
        ] {
            steps.push(Step {
                transition: Transition::Expire,
                from: state,
                to: DerogationState::Expired,
                by: vec![Actor::MinistryController, Actor::Dinum],
                approver: None,
            });
        }
        Workflow {
            kind,
            approvers: approvers.to_vec(),
            steps,
        }
    }

    /// Every step, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The request and the decisions, in order: what a tracker shows.
    pub fn path(&self) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(|s| !matches!(s.transition, Transition::Refuse | Transition::Expire))
    }

    /// The steps open from `state`.
    pub fn open_from(&self, state: DerogationState) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |s| s.from == state)
    }

    /// Who acts next from `state` (none once in force, refused or expired).
    pub fn next_actors(&self, state: DerogationState) -> Vec<Actor> {
        self.path()
            .find(|s| s.from == state)
            .map(|s| s.by.clone())
            .unwrap_or_default()
    }

    /// The step `transition` from `state`.
    pub fn step(
        &self,
        state: DerogationState,
        transition: Transition,
    ) -> Result<&Step, WorkflowError> {
        self.steps
            .iter()
            .find(|s| s.from == state && s.transition == transition)
            .ok_or_else(|| {
                let mut expected: Vec<&str> = self
                    .steps
                    .iter()
                    .filter(|s| s.transition == transition)
                    .map(|s| s.from.as_str())
                    .collect();
                expected.dedup();
                WorkflowError::WrongState {
                    transition: transition.as_str(),
                    state: state.as_str(),
                    expected: if expected.is_empty() {
                        "no such step for this derogation".to_owned()
                    } else {
                        format!("it applies to a derogation {}", expected.join(" or "))
                    },
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DerogationState as S;
    use Transition as T;

    fn path(w: &Workflow) -> Vec<(T, S, S)> {
        w.path().map(|s| (s.transition, s.from, s.to)).collect()
    }

    #[test]
    fn the_minister_alone_grants_under_2021() {
        let w = Workflow::of(DerogationKind::R9Transitional, &[Approver::Minister]);
        assert_eq!(
            path(&w),
            vec![
                (T::Submit, S::Draft, S::Submitted),
                (T::ApproveForMinister, S::Submitted, S::Active),
            ]
        );
        assert!(w.step(S::Submitted, T::ValidateForPrimeMinister).is_err());
        assert_eq!(w.next_actors(S::Submitted), vec![Actor::MinistryController]);
    }

    #[test]
    fn the_prime_minister_validates_under_2023() {
        let w = Workflow::of(
            DerogationKind::R9Transitional,
            &[Approver::Minister, Approver::PrimeMinister],
        );
        assert_eq!(
            path(&w),
            vec![
                (T::Submit, S::Draft, S::Submitted),
                (T::ApproveForMinister, S::Submitted, S::ApprovedByMinister),
                (
                    T::ValidateForPrimeMinister,
                    S::ApprovedByMinister,
                    S::Active
                ),
            ]
        );
        assert_eq!(w.next_actors(S::ApprovedByMinister), vec![Actor::Dinum]);
        let refuse = w.step(S::ApprovedByMinister, T::Refuse).unwrap();
        assert_eq!(refuse.by, vec![Actor::Dinum]);
        assert_eq!(w.step(S::Active, T::Expire).unwrap().to, S::Expired);
        assert!(w.step(S::Draft, T::Expire).is_err());
    }

    #[test]
    fn r7_follows_the_control_procedure() {
        let small = Workflow::of(DerogationKind::R7NoCloud, &[Approver::ProjectAuthority]);
        assert_eq!(
            path(&small)[1],
            (T::DecideForProjectAuthority, S::Submitted, S::Active)
        );
        assert_eq!(small.next_actors(S::Submitted), vec![Actor::ProjectTeam]);
        let ministry = Workflow::of(DerogationKind::R7NoCloud, &[Approver::Ministry]);
        assert_eq!(
            path(&ministry)[1],
            (T::ControlForMinistry, S::Submitted, S::Active)
        );
        let major = Workflow::of(DerogationKind::R7NoCloud, &[Approver::Dinum]);
        assert_eq!(
            path(&major)[1],
            (T::ReviewAsMajorProject, S::Submitted, S::Active)
        );
        assert_eq!(major.next_actors(S::Submitted), vec![Actor::Dinum]);
        assert!(major.step(S::Submitted, T::ApproveForMinister).is_err());
    }

    #[test]
    fn every_edition_gives_a_path_the_registry_can_store() {
        let editions = crate::edition::Editions::embedded().unwrap();
        let mut lists: Vec<Vec<Approver>> = vec![
            vec![Approver::ProjectAuthority],
            vec![Approver::Ministry],
            vec![Approver::Dinum],
        ];
        for e in editions.all() {
            lists.push(e.r9_transitional.approvers.clone());
            lists.push(e.office_suite.approvers.clone());
        }
        for approvers in lists {
            let w = Workflow::of(DerogationKind::R9Transitional, &approvers);
            let path: Vec<_> = w.path().collect();
            assert_eq!(path.len(), approvers.len() + 1, "{approvers:?}");
            for s in &path {
                assert_ne!(s.from, s.to, "{approvers:?}: a step that goes nowhere");
            }
            assert_eq!(
                path.last().unwrap().to,
                DerogationState::Active,
                "{approvers:?}"
            );
        }
    }

    #[test]
    fn codes_read_back() {
        for s in DerogationState::ALL {
            assert_eq!(DerogationState::parse(s.as_str()), Some(s));
        }
        for t in Transition::ALL {
            assert_eq!(Transition::parse(t.as_str()), Some(t));
        }
    }
}
