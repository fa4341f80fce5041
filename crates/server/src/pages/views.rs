//! What the templates show, prepared from the engine's and the registry's types.

use nuage_doctrine::Label;
use nuage_doctrine::vocabulary::long_date;
use nuage_doctrine::{Assessment, Lang, Status};

use super::labels::badge;

#[derive(Debug)]
pub(crate) struct FindingView {
    pub rule: String,
    /// The rule's short title (« données d'une sensibilité particulière »).
    pub rule_title: &'static str,
    pub status: String,
    /// The message's start, for the accordion's button.
    pub title: String,
    pub message: String,
    pub remedy: Option<String>,
    pub citations: Vec<String>,
    pub place: Option<String>,
}

#[derive(Debug)]
pub(crate) struct GroupView {
    pub status: String,
    pub label: String,
    pub badge: &'static str,
    pub findings: Vec<FindingView>,
}

#[derive(Debug)]
pub(crate) struct DerogationView {
    pub kind: String,
    pub label: String,
    pub available: bool,
    pub deadline: Option<String>,
    pub approvers: Vec<String>,
    pub conditions: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct FixView {
    pub rule: String,
    pub rule_title: &'static str,
    pub change: String,
    pub offers: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct DataView {
    pub name: String,
    pub sensitive: bool,
    pub grounds: Vec<String>,
}

/// An assessment as the verdict panel and page show it.
#[derive(Debug)]
pub(crate) struct VerdictView {
    pub verdict: String,
    pub verdict_label: String,
    pub badge: &'static str,
    pub edition: String,
    pub assessed_on: String,
    pub catalog_version: String,
    pub in_scope: bool,
    pub concerned: bool,
    pub sensitive: bool,
    pub secnumcloud: bool,
    pub procedure: String,
    pub groups: Vec<GroupView>,
    pub derogations: Vec<DerogationView>,
    pub fixes: Vec<FixView>,
    pub data: Vec<DataView>,
    /// How the derogations granted to the project cover it (the doctrine's words), if they do.
    pub covered: Option<String>,
}

impl VerdictView {
    pub(crate) fn of(a: &Assessment, catalog: &nuage_catalog::Catalog) -> Self {
        let lang = a.lang;
        // The engine names dossier fields (`engaged_on`) for those who write files; a page
        // names the questions instead.
        let human = |text: &str| match nuage_web::Questionnaire::shared() {
            Some(q) => q.humanize(text, lang),
            None => text.to_owned(),
        };
        let cite = |c: &nuage_doctrine::Citation| {
            let title = a
                .document(&c.document)
                .map_or_else(|| c.document.to_string(), |d| d.title.to_string());
            let mut out = title;
            if let Some(rule) = &c.rule {
                out.push_str(", ");
                out.push_str(rule);
            }
            if let Some(section) = &c.section {
                out.push_str(", ");
                out.push_str(section);
            }
            out
        };
        let groups = [
            Status::NonCompliant,
            Status::ToVerify,
            Status::Compliant,
            Status::NotApplicable,
        ]
        .into_iter()
        .filter_map(|status| {
            let findings: Vec<FindingView> = a
                .findings
                .iter()
                .filter(|f| f.status == status)
                .map(|f| FindingView {
                    rule: f.rule.as_str().to_owned(),
                    rule_title: f.rule.title(lang),
                    status: f.status.as_str().to_owned(),
                    title: headline(&human(&f.message)),
                    message: human(&f.message),
                    remedy: f.remedy.as_deref().map(human),
                    citations: f.citations.iter().map(cite).collect(),
                    place: f.file.as_ref().map(|file| match f.line {
                        Some(line) => format!("{file}:{line}"),
                        None => file.clone(),
                    }),
                })
                .collect();
            (!findings.is_empty()).then(|| GroupView {
                status: status.as_str().to_owned(),
                label: status.label(lang).to_owned(),
                badge: badge(status.as_str()),
                findings,
            })
        })
        .collect();
        let offer_name = |id: &String| {
            catalog
                .offer(id)
                .map_or_else(|| id.clone(), |o| format!("{} ({})", o.name, o.provider))
        };
        VerdictView {
            verdict: a.verdict.as_str().to_owned(),
            verdict_label: a.verdict.label(lang).to_owned(),
            badge: badge(a.verdict.as_str()),
            edition: a
                .edition
                .parse::<nuage_doctrine::Date>()
                .map_or_else(|_| a.edition.clone(), |d| long_date(lang, d)),
            assessed_on: long_date(lang, a.assessed_on),
            catalog_version: a.catalog_version.clone(),
            in_scope: a.in_scope,
            concerned: a.concerned,
            sensitive: a.particularly_sensitive,
            secnumcloud: a.secnumcloud_required,
            procedure: a.control_procedure.label(lang).to_owned(),
            groups,
            derogations: a
                .derogations
                .iter()
                .map(|d| DerogationView {
                    kind: d.kind.as_str().to_owned(),
                    label: d.kind.label(lang).to_owned(),
                    available: d.available,
                    deadline: d.deadline.map(|d| long_date(lang, d)),
                    approvers: d
                        .approvers
                        .iter()
                        .map(|x| x.label(lang).to_owned())
                        .collect(),
                    conditions: d.conditions.iter().map(|c| human(c)).collect(),
                })
                .collect(),
            fixes: a
                .findings
                .iter()
                .flat_map(|f| f.counterfactuals.iter().map(move |c| (f.rule, c)))
                .map(|(rule, c)| FixView {
                    rule: rule.as_str().to_owned(),
                    rule_title: rule.title(lang),
                    change: human(&c.change),
                    offers: c.offers.iter().map(offer_name).collect(),
                })
                .collect(),
            data: a
                .data
                .iter()
                .map(|d| DataView {
                    name: d.name.clone(),
                    sensitive: d.particularly_sensitive,
                    grounds: d.grounds.iter().map(|g| human(g)).collect(),
                })
                .collect(),
            covered: None,
        }
    }

    /// Askama passes template values by reference.
    pub(crate) fn yes_no(&self, lang: &Lang, value: &bool) -> &'static str {
        match (*lang, *value) {
            (Lang::Fr, true) => "oui",
            (Lang::Fr, false) => "non",
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
        }
    }
}

/// The first words of a message, without its code marks, cut at a word near 110 characters.
fn headline(message: &str) -> String {
    let plain = message.replace('`', "");
    if plain.chars().count() <= 110 {
        return plain;
    }
    let cut: String = plain.chars().take(110).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}
