//! What each rule says and how Nuage reads it, from `rules.toml`.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::assessment::{Lang, Rule};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bilingual {
    fr: String,
    en: String,
}

impl Bilingual {
    fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    id: Rule,
    sources: Vec<String>,
    title: Bilingual,
    text: Bilingual,
    reading: Bilingual,
    #[serde(default)]
    judgement: Option<Bilingual>,
}

#[derive(Debug, Deserialize)]
struct RulesFile {
    rule: Vec<RuleDoc>,
}

static RULES: LazyLock<Result<Vec<RuleDoc>, String>> = LazyLock::new(|| {
    let file: RulesFile =
        toml::from_str(include_str!("../rules.toml")).map_err(|e| e.to_string())?;
    for rule in Rule::ALL {
        if !file.rule.iter().any(|r| r.id == rule) {
            return Err(format!("rules.toml: no entry for {rule}"));
        }
    }
    Ok(file.rule)
});

/// A rule explained in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub rule: Rule,
    pub title: String,
    /// What the texts say, paraphrased.
    pub text: String,
    /// How Nuage applies it.
    pub reading: String,
    /// Where the texts leave a judgement to people or disagree.
    pub judgement: Option<String>,
    pub sources: Vec<String>,
}

/// The explanation of `rule`; `None` only if `rules.toml` is broken (a test guards it).
pub fn explain(rule: Rule, lang: Lang) -> Option<Explanation> {
    let rules = RULES.as_ref().ok()?;
    let doc = rules.iter().find(|r| r.id == rule)?;
    Some(Explanation {
        rule,
        title: doc.title.get(lang).to_owned(),
        text: doc.text.get(lang).to_owned(),
        reading: doc.reading.get(lang).to_owned(),
        judgement: doc.judgement.as_ref().map(|j| j.get(lang).to_owned()),
        sources: doc.sources.clone(),
    })
}

/// `docs/doctrine.md`'s rule sections, generated so that the docs match the code.
pub fn doctrine_markdown(lang: Lang) -> String {
    let mut out = String::new();
    let (said, read, judged, sources) = match lang {
        Lang::Fr => (
            "Ce que disent les textes",
            "Lecture de Nuage",
            "Jugement ou désaccord",
            "Sources",
        ),
        Lang::En => (
            "What the texts say",
            "Nuage's reading",
            "Judgement or disagreement",
            "Sources",
        ),
    };
    for rule in Rule::ALL {
        let Some(e) = explain(rule, lang) else {
            continue;
        };
        out.push_str(&format!("### {} — {}\n\n", e.rule, e.title));
        out.push_str(&format!("**{said}.** {}\n\n", e.text));
        out.push_str(&format!("**{read}.** {}\n\n", e.reading));
        if let Some(j) = &e.judgement {
            out.push_str(&format!("**{judged}.** {j}\n\n"));
        }
        out.push_str(&format!("*{sources} :* {}\n\n", e.sources.join(" ; ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_explained_in_both_languages() {
        assert!(RULES.is_ok(), "{:?}", RULES.as_ref().err());
        for rule in Rule::ALL {
            for lang in [Lang::Fr, Lang::En] {
                let e = explain(rule, lang).unwrap();
                assert!(
                    !e.title.is_empty() && !e.text.is_empty() && !e.reading.is_empty(),
                    "{rule}"
                );
            }
        }
    }
}
