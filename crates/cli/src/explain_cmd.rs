//! `nuage explain`: a rule in words, with its sources.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use nuage_doctrine::{Rule, explain};

use crate::{Common, fail, print};

#[derive(Args, Debug)]
pub(crate) struct ExplainArgs {
    /// The rule: R1 … R15, GDPR (RGPD), HDS, OFFICE.
    #[arg(required_unless_present = "all")]
    rule: Option<String>,
    /// Every rule.
    #[arg(long)]
    all: bool,
    #[arg(long, value_enum, default_value = "text")]
    format: ExplainFormat,
    #[command(flatten)]
    common: Common,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ExplainFormat {
    Text,
    Markdown,
}

pub(crate) fn run(args: &ExplainArgs) -> ExitCode {
    let lang = args.common.lang();
    let rules: Vec<Rule> = if args.all {
        Rule::ALL.to_vec()
    } else {
        let name = args.rule.as_deref().unwrap_or_default();
        match Rule::parse(name) {
            Some(r) => vec![r],
            None => {
                return fail(
                    &args.common,
                    &format!("unknown rule `{name}`: expected R1 … R15, GDPR, HDS or OFFICE"),
                );
            }
        }
    };
    if args.format == ExplainFormat::Markdown && args.all {
        print(&nuage_doctrine::explain::doctrine_markdown(lang));
        return ExitCode::SUCCESS;
    }
    let color = args.common.color_stdout();
    let bold = |s: &str| {
        if color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    for rule in rules {
        let Some(e) = explain(rule, lang) else {
            return fail(
                &args.common,
                "the rule explanations are missing from this build",
            );
        };
        let (said, read, judged, sources) = match lang {
            nuage_doctrine::Lang::Fr => (
                "Ce que disent les textes",
                "Lecture de Nuage",
                "Jugement ou désaccord",
                "Sources",
            ),
            nuage_doctrine::Lang::En => (
                "What the texts say",
                "Nuage's reading",
                "Judgement or disagreement",
                "Sources",
            ),
        };
        match args.format {
            ExplainFormat::Markdown => {
                out.push_str(&format!(
                    "## {} — {}\n\n**{said}.** {}\n\n**{read}.** {}\n\n",
                    e.rule, e.title, e.text, e.reading
                ));
                if let Some(j) = &e.judgement {
                    out.push_str(&format!("**{judged}.** {j}\n\n"));
                }
                out.push_str(&format!("*{sources} :* {}\n\n", e.sources.join(" ; ")));
            }
            ExplainFormat::Text => {
                out.push_str(&format!(
                    "{}\n\n{}\n  {}\n\n{}\n  {}\n\n",
                    bold(&format!("{} — {}", e.rule, e.title)),
                    bold(said),
                    e.text,
                    bold(read),
                    e.reading
                ));
                if let Some(j) = &e.judgement {
                    out.push_str(&format!("{}\n  {j}\n\n", bold(judged)));
                }
                out.push_str(&format!("{}\n", bold(sources)));
                for s in &e.sources {
                    out.push_str(&format!("  - {s}\n"));
                }
                out.push('\n');
            }
        }
    }
    print(out.trim_end());
    print("\n");
    ExitCode::SUCCESS
}
