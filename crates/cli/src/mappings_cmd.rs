//! `nuage mappings`: how the scanner maps providers to offers and resource types to classes.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use nuage_iac::Mappings;

use crate::{Common, fail, print};

#[derive(Args, Debug)]
pub(crate) struct MappingsArgs {
    /// Include a mappings file (same format as `nuage-mappings.toml`).
    #[arg(long, value_name = "FILE")]
    mappings: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

/// The tables, as Markdown (docs/scan.md embeds them; a test keeps them in sync).
pub(crate) fn markdown(m: &Mappings) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#### Fournisseurs → offres\n");
    let _ = writeln!(
        out,
        "| fournisseur Terraform | offre | règles | région lue dans | zones lues dans |\n|---|---|---|---|---|"
    );
    let mut elsewhere = Vec::new();
    let mut nothing = Vec::new();
    for p in m.providers() {
        match p.hosts {
            nuage_iac::Hosts::Elsewhere if p.offer.is_none() => {
                elsewhere.push(code(&p.name));
                continue;
            }
            nuage_iac::Hosts::Nothing => {
                nothing.push(code(&p.name));
                continue;
            }
            _ => {}
        }
        let mut names = vec![code(&p.name)];
        names.extend(p.aliases.iter().map(|a| code(a)));
        let rules: Vec<String> = p
            .rule
            .iter()
            .map(|r| {
                let test = match (&r.equals, &r.contains) {
                    (Some(e), _) => format!("{} = \"{e}\"", r.attribute),
                    (_, Some(c)) => format!("{} contient \"{c}\"", r.attribute),
                    _ => r.attribute.clone(),
                };
                format!("{test} → {}", code(&r.offer))
            })
            .collect();
        let zones: Vec<String> = p
            .zone_attributes
            .iter()
            .chain(&p.zone_via)
            .map(|z| code(z))
            .collect();
        let regions: Vec<String> = p.region_attributes.iter().map(|r| code(r)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            names.join(", "),
            p.offer.as_deref().map_or_else(|| "—".to_owned(), code),
            if rules.is_empty() {
                "—".to_owned()
            } else {
                rules.join(" ; ")
            },
            if regions.is_empty() {
                "—".to_owned()
            } else {
                regions.join(", ")
            },
            if zones.is_empty() {
                "—".to_owned()
            } else {
                zones.join(", ")
            },
        );
    }
    if !elsewhere.is_empty() {
        let _ = writeln!(
            out,
            "| {} | hébergé ailleurs (un cluster, un serveur, un service que le code ne nomme pas) | — | — | — |",
            elsewhere.join(", ")
        );
    }
    if !nothing.is_empty() {
        let _ = writeln!(
            out,
            "| {} | n'héberge rien (valeurs, clés, fichiers faits là où Terraform s'exécute) | — | — | — |",
            nothing.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\n#### Types de ressources → classe de service et portabilité\n"
    );
    let _ = writeln!(
        out,
        "| type (`*` : tout suffixe) | service | portabilité | nom | réplication multi-zones |\n|---|---|---|---|---|"
    );
    for t in m.types() {
        let mz = match &t.multi_zone {
            Some(z) if z.always => "toujours".to_owned(),
            Some(z) => match (&z.attribute, &z.equals) {
                (Some(a), Some(e)) => format!(
                    "{} = {}",
                    code(a),
                    match e {
                        nuage_iac::Scalar::Bool(b) => b.to_string(),
                        nuage_iac::Scalar::Number(n) => n.to_string(),
                        nuage_iac::Scalar::Text(s) => format!("\"{s}\""),
                    }
                ),
                _ => "—".to_owned(),
            },
            None => "—".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            code(&t.pattern),
            serde_json::to_value(t.service)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            serde_json::to_value(t.portability)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            t.label.as_deref().unwrap_or("—"),
            mz
        );
    }
    out
}

pub(crate) fn run(args: &MappingsArgs) -> ExitCode {
    let catalog = match args.common.load_catalog() {
        Ok(c) => c,
        Err(e) => return fail(&args.common, &e),
    };
    let mappings = match &args.mappings {
        Some(p) => {
            let name = p.display().to_string();
            match nuage_limits::read_regular_text(p, crate::scan_cmd::MAX_MAPPINGS_BYTES) {
                Ok(text) => Mappings::with_overrides(&catalog, Some((&name, &text))),
                Err(e) => return fail(&args.common, &format!("{name}: {e}")),
            }
        }
        None => Mappings::embedded(&catalog),
    };
    match mappings {
        Ok(m) => {
            print(&markdown(&m));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&args.common, &e.to_string()),
    }
}
