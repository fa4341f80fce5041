//! Which facts a controller should look at again: the ones resting on less than an official
//! text, and the ones nobody has checked for twelve months.

use serde::Serialize;

use crate::model::{Confidence, Fact, Offer};
use crate::{Catalog, Date};

/// A fact is stale when its last review is older than this, on the day asked.
pub const STALE_AFTER_MONTHS: i32 = 12;

/// One established fact of the catalog, for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactRecord {
    /// `offer:outscale-iaas`, `jurisdiction:US`, `hds_referential:2024`.
    pub subject: String,
    /// The field, as in the files: `immunity`, `secnumcloud[from 2023-12-11]`, `decision[2023-07-10]`.
    pub field: String,
    /// The value in a few words.
    pub value: String,
    /// Absent for entries that carry no confidence of their own (an offer's description, a
    /// country's membership of the Union).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    pub reviewed_on: Option<Date>,
    pub sources: Vec<String>,
}

impl FactRecord {
    /// Not reviewed within [`STALE_AFTER_MONTHS`] before `date` (or never).
    pub fn stale_on(&self, date: Date) -> bool {
        self.reviewed_on.is_none_or(|reviewed| {
            reviewed
                .add_months(STALE_AFTER_MONTHS)
                .is_none_or(|limit| limit < date)
        })
    }

    /// Secondary or uncertain, or stale on `date`.
    pub fn needs_review_on(&self, date: Date) -> bool {
        self.confidence.is_some_and(|c| c != Confidence::Official) || self.stale_on(date)
    }
}

fn yes_no(v: bool) -> &'static str {
    if v { "oui" } else { "non" }
}

fn bool_fact(out: &mut Vec<FactRecord>, subject: &str, field: &str, fact: &Fact<bool>) {
    if let Some(v) = fact.value {
        out.push(FactRecord {
            subject: subject.to_owned(),
            field: field.to_owned(),
            value: yes_no(v).to_owned(),
            confidence: Some(fact.confidence),
            reviewed_on: fact.reviewed_on,
            sources: fact.sources.clone(),
        });
    }
}

fn offer_records(out: &mut Vec<FactRecord>, o: &Offer) {
    let subject = format!("offer:{}", o.id);
    let push = |out: &mut Vec<FactRecord>,
                field: String,
                value: String,
                confidence: Option<Confidence>,
                reviewed_on: Option<Date>,
                sources: &[String]| {
        out.push(FactRecord {
            subject: subject.clone(),
            field,
            value,
            confidence,
            reviewed_on,
            sources: sources.to_vec(),
        });
    };
    push(
        out,
        "entry".into(),
        o.name.clone(),
        None,
        Some(o.reviewed_on),
        &o.sources,
    );
    bool_fact(out, &subject, "immunity", &o.immunity);
    if let Some(v) = o.hds.value {
        let mut value = yes_no(v).to_owned();
        if let Some(r) = &o.hds.referential {
            value.push_str(&format!(", référentiel {r}"));
        }
        if let Some(scope) = &o.hds.regions {
            value.push_str(&format!(", régions {}", scope.join(", ")));
        }
        push(
            out,
            "hds".into(),
            value,
            Some(o.hds.confidence),
            o.hds.reviewed_on,
            &o.hds.sources,
        );
    }
    bool_fact(
        out,
        &subject,
        "diffusion_restreinte",
        &o.diffusion_restreinte,
    );
    for q in &o.secnumcloud {
        let mut value = format!("qualifiée à partir du {}", q.from);
        if let Some(until) = q.until {
            value.push_str(&format!(" jusqu'au {until}"));
        }
        if let Some(end) = q.validity_end {
            value.push_str(&format!(", validité annoncée jusqu'au {end}"));
        }
        if let Some(scope) = &q.regions {
            value.push_str(&format!(", régions {}", scope.join(", ")));
        }
        push(
            out,
            format!("secnumcloud[from {}]", q.from),
            value,
            Some(q.confidence),
            q.reviewed_on,
            &q.sources,
        );
    }
    if let Some(ev) = &o.secnumcloud_evaluation {
        let mut value = format!("en évaluation, {} le {}", ev.milestone, ev.date);
        for m in &ev.milestones {
            value.push_str(&format!(", {} le {}", m.milestone, m.date));
        }
        push(
            out,
            "secnumcloud_evaluation".into(),
            value,
            Some(ev.confidence),
            ev.reviewed_on,
            &ev.sources,
        );
    }
    if let Some(h) = &o.hosted_on {
        let value = h
            .offer
            .clone()
            .or_else(|| h.description.clone())
            .unwrap_or_else(|| "hébergeur non nommé".into());
        push(
            out,
            "hosted_on".into(),
            value,
            Some(h.confidence),
            h.reviewed_on,
            &h.sources,
        );
    }
    if let Some(a) = &o.availability {
        let value = match (a.from, a.until) {
            (Some(f), Some(u)) => format!("du {f} au {u}"),
            (Some(f), None) => format!("depuis le {f}"),
            (None, Some(u)) => format!("jusqu'au {u}"),
            (None, None) => "dates non établies".into(),
        };
        push(
            out,
            "availability".into(),
            value,
            Some(a.confidence),
            a.reviewed_on,
            &a.sources,
        );
    }
    if !o.regions.is_empty() {
        let codes: Vec<&str> = o.regions.iter().map(|r| r.code.as_str()).collect();
        let reviewed = o
            .regions
            .iter()
            .map(|r| r.reviewed_on.unwrap_or(o.reviewed_on))
            .min();
        let mut sources: Vec<String> = o.regions.iter().flat_map(|r| r.sources.clone()).collect();
        sources.sort();
        sources.dedup();
        // Regions come from the providers' own pages.
        push(
            out,
            "regions".into(),
            codes.join(", "),
            Some(Confidence::Secondary),
            reviewed,
            &sources,
        );
    }
}

impl Catalog {
    /// Every established fact of the catalog, offer by offer, then countries, then the HDS
    /// referentials. Unknown facts are not facts and are left out.
    pub fn fact_records(&self) -> Vec<FactRecord> {
        let mut out = Vec::new();
        for o in self.offers() {
            offer_records(&mut out, o);
        }
        for j in self.jurisdictions() {
            let subject = format!("jurisdiction:{}", j.code);
            out.push(FactRecord {
                subject: subject.clone(),
                field: "status".into(),
                value: format!("{:?}", j.status).to_lowercase(),
                confidence: None,
                reviewed_on: j.reviewed_on,
                sources: j.sources.clone(),
            });
            for d in &j.decisions {
                let mut value = format!("{} à partir du {}", d.title, d.from);
                if let Some(until) = d.until {
                    value.push_str(&format!(" jusqu'au {until}"));
                }
                out.push(FactRecord {
                    subject: subject.clone(),
                    field: format!("decision[{}]", d.from),
                    value,
                    confidence: Some(d.confidence),
                    reviewed_on: d.reviewed_on,
                    sources: d.sources.clone(),
                });
            }
        }
        for r in self.hds_referentials() {
            out.push(FactRecord {
                subject: format!("hds_referential:{}", r.id),
                field: "dates".into(),
                value: r.title.clone(),
                confidence: Some(r.confidence),
                reviewed_on: Some(r.reviewed_on),
                sources: r.sources.clone(),
            });
        }
        out
    }

    /// The facts to look at again on `date`: secondary or uncertain, or not reviewed for
    /// [`STALE_AFTER_MONTHS`].
    pub fn to_review_on(&self, date: Date) -> Vec<FactRecord> {
        self.fact_records()
            .into_iter()
            .filter(|f| f.needs_review_on(date))
            .collect()
    }
}
