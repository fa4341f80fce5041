//! The rules, one room each.
//!
//! A room holds everything about its rule: the check of a dossier, the check of scanned
//! resources when the rule has one, the derogations the rule opens, its citations and its words
//! in French and English. Its scenario table sits beside it (`r09.toml` beside `r09.rs`), run by
//! `tests/scenarios.rs`. Below the rooms: the context (`crate::context`), the finding
//! constructor (`crate::finding`) and the one test of a trusted offer (`crate::trust`). Above
//! them: [`crate::assess`] walks [`ROOMS`] and [`DEROGATIONS`]; [`crate::scan`] walks
//! [`RESOURCE_CHECKS`].

pub(crate) mod dr;
pub(crate) mod gdpr;
pub(crate) mod hds;
pub(crate) mod office;
pub(crate) mod organisational;
pub(crate) mod r01;
pub(crate) mod r04;
pub(crate) mod r05;
pub(crate) mod r06;
pub(crate) mod r07;
pub(crate) mod r08;
pub(crate) mod r09;
pub(crate) mod r10;
pub(crate) mod r13;
pub(crate) mod r14;
pub(crate) mod r15;
pub(crate) mod sensitivity;

use crate::assessment::{Derogation, Finding, Rule};
use crate::context::Ctx;
use crate::dossier::Dossier;
use crate::inventory::Inventory;

/// What every room uses.
pub(crate) mod prelude {
    pub(crate) use nuage_catalog::{DataProtection, Date, Offer, OfferKind, UserService};

    pub(crate) use super::Scanned;
    pub(crate) use crate::assessment::{
        Approver, ControlProcedure, Counterfactual, DataSensitivity, Derogation, DerogationKind,
        Finding, Lang, Rule, Status,
    };
    pub(crate) use crate::context::{Ctx, Env, concern_sentence, env_label, r9_envs};
    pub(crate) use crate::derogation::{approvers_sentence, deadline, deadline_conditions};
    pub(crate) use crate::dossier::{Approach, EnvironmentKind, LegalSecret};
    pub(crate) use crate::edition::ExtraCategory;
    pub(crate) use crate::finding::{finding, out_of_scope};
    pub(crate) use crate::inventory::{Portability, Resource, ServiceClass};
    pub(crate) use crate::scan::{holds_data, offer_of};
    pub(crate) use crate::trust::{
        Needs, R9Gap, alternatives, check_offers, describe_gap, env_falls_short,
        on_commercial_cloud, r9_gaps, region_used, saas_alternatives,
    };
    pub(crate) use crate::vocabulary::Label;
    pub(crate) use crate::words::{self, push_text, text};
}

/// A rule's room, as the assessment walks it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Room {
    pub rule: Rule,
    /// The dossier check.
    pub check: fn(&Ctx<'_>) -> Finding,
}

/// Every rule, in the order of the findings (`Rule::ALL`).
pub(crate) const ROOMS: [Room; 19] = [
    Room {
        rule: Rule::R1,
        check: r01::check,
    },
    Room {
        rule: Rule::R2,
        check: organisational::r2,
    },
    Room {
        rule: Rule::R3,
        check: organisational::r3,
    },
    Room {
        rule: Rule::R4,
        check: r04::check,
    },
    Room {
        rule: Rule::R5,
        check: r05::check,
    },
    Room {
        rule: Rule::R6,
        check: r06::check,
    },
    Room {
        rule: Rule::R7,
        check: r07::check,
    },
    Room {
        rule: Rule::R8,
        check: r08::check,
    },
    Room {
        rule: Rule::R9,
        check: r09::check,
    },
    Room {
        rule: Rule::R10,
        check: r10::check,
    },
    Room {
        rule: Rule::R11,
        check: organisational::r11,
    },
    Room {
        rule: Rule::R12,
        check: organisational::r12,
    },
    Room {
        rule: Rule::R13,
        check: r13::check,
    },
    Room {
        rule: Rule::R14,
        check: r14::check,
    },
    Room {
        rule: Rule::R15,
        check: r15::check,
    },
    Room {
        rule: Rule::Gdpr,
        check: gdpr::check,
    },
    Room {
        rule: Rule::Hds,
        check: hds::check,
    },
    Room {
        rule: Rule::Office,
        check: office::check,
    },
    Room {
        rule: Rule::Dr,
        check: dr::check,
    },
];

/// A derogation a rule opens, when the project can be concerned by it.
pub(crate) type Opener = fn(&Ctx<'_>) -> Option<Derogation>;

/// The derogations, in the contract's order (`r9_transitional`, `r7_no_cloud`, `office_suite`),
/// then those added since (`r9_equivalent_guarantees`).
pub(crate) const DEROGATIONS: [Opener; 4] = [
    r09::derogation,
    r07::derogation,
    office::derogation,
    r09::equivalent_guarantees,
];

/// What a per-resource check reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scanned<'a> {
    pub inventory: &'a Inventory,
    /// The dossier the scan completes, when one was given.
    pub dossier: Option<&'a Dossier>,
    pub ctx: &'a Ctx<'a>,
    pub environment: crate::dossier::EnvironmentKind,
}

/// A rule's check of scanned resources.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceCheck {
    /// Only with a dossier that says what the data are, for production, staging and recovery.
    pub needs_data: bool,
    pub check: fn(&Scanned<'_>, &mut Vec<Finding>),
}

/// The per-resource checks, in the order of the scan's findings.
pub(crate) const RESOURCE_CHECKS: [ResourceCheck; 5] = [
    ResourceCheck {
        needs_data: false,
        check: r05::resources,
    },
    ResourceCheck {
        needs_data: false,
        check: r10::resources,
    },
    ResourceCheck {
        needs_data: false,
        check: gdpr::resources,
    },
    ResourceCheck {
        needs_data: true,
        check: r09::resources,
    },
    ResourceCheck {
        needs_data: true,
        check: hds::resources,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_its_room_in_order() {
        let rules: Vec<Rule> = ROOMS.iter().map(|r| r.rule).collect();
        assert_eq!(rules, Rule::ALL.to_vec());
    }
}
