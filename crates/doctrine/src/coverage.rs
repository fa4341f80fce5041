//! What a scan could not read or place.
//!
//! An empty or partial result is never a compliant one: a scan that found no infrastructure,
//! could not read part of the tree or left resources without an offer or a region gets a
//! `to_verify` finding saying how much, so that `--fail-on to_verify` fails it. (R9 by region,
//! with the evidence of each region, is R9's per-resource check, in `rules/r09.rs`.)

use crate::assessment::{Finding, Lang, Rule, Status};
use crate::context::Ctx;
use crate::finding::finding;
use crate::inventory::{Coverage, Inventory, ProviderStatus};
use crate::words::{self, text};

/// The coverage finding.
pub(crate) fn coverage(inv: &Inventory, with_dossier: bool, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // An inventory made elsewhere (read from an older report) may lack its summary: counted
    // from its resources then.
    if inv.coverage.resources == 0 && !inv.resources.is_empty() {
        out.push(summary(&counted(inv), with_dossier, ctx));
    } else {
        out.push(summary(&inv.coverage, with_dossier, ctx));
    }
}

fn counted(inv: &Inventory) -> Coverage {
    let mut c = Coverage {
        resources: inv.resources.len(),
        hosting: inv.resources.len(),
        ..Coverage::default()
    };
    for r in &inv.resources {
        c.with_offer += usize::from(r.offer.is_some());
        c.with_region += usize::from(r.region.is_some());
        if !r.placed() {
            let reason = r.unplaced.as_ref().map_or("not_set", |u| u.reason.as_str());
            *c.unplaced.entry(reason.to_owned()).or_insert(0) += 1;
        }
    }
    for s in &inv.skipped {
        *c.skipped.entry(s.kind.as_str().to_owned()).or_insert(0) += 1;
    }
    c
}

fn reason_label(lang: Lang, code: &str) -> String {
    let (fr, en) = match code {
        "unmapped_provider" => ("fournisseur sans correspondance", "unmapped provider"),
        "hosted_elsewhere" => ("service hébergé ailleurs", "service hosted elsewhere"),
        "variable_without_value" => ("variable sans valeur", "variable without a value"),
        "run_time" => ("fixée à l'exécution", "set at run time"),
        "data_source" => ("source de données", "data source"),
        "after_apply" => ("connue après apply", "known after apply"),
        "expression" => ("expression non calculée", "expression not computed"),
        "outside_code" => ("objet hors du code", "object outside the code"),
        "not_set" => ("jamais indiquée", "never given"),
        "region_not_in_catalog" => ("région absente du catalogue", "region not in the catalog"),
        "syntax" => ("syntaxe", "syntax"),
        "unreadable" => ("illisible", "unreadable"),
        "remote_module" => ("module distant", "remote module"),
        "broken_module" => (
            "module introuvable ou en boucle",
            "missing or looping module",
        ),
        "helm_chart" => ("chart Helm", "Helm chart"),
        "kustomize" => ("Kustomize", "Kustomize"),
        "ansible" => ("Ansible", "Ansible"),
        "template" => ("gabarit", "template"),
        other => (other, other),
    };
    match lang {
        Lang::Fr => fr.to_owned(),
        Lang::En => en.to_owned(),
    }
}

fn counts(
    lang: Lang,
    map: &std::collections::BTreeMap<String, usize>,
    unread_only: bool,
) -> String {
    let mut items: Vec<(&String, &usize)> = map
        .iter()
        .filter(|(k, _)| !unread_only || k.as_str() != "not_infrastructure")
        .collect();
    items.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = items
        .into_iter()
        .map(|(k, n)| format!("{} {n}", reason_label(lang, k)))
        .collect();
    parts.join(", ")
}

fn summary(c: &Coverage, with_dossier: bool, ctx: &Ctx<'_>) -> Finding {
    let lang = ctx.lang;
    let rule = if with_dossier && ctx.secnumcloud_required() {
        Rule::R9
    } else {
        Rule::Gdpr
    };
    let resources = c.resources;
    let hosting = c.hosting;
    let offer = c.with_offer;
    let region = c.with_region;
    let unplaced = c.unplaced_total();
    let unread = c.unread();
    let mut message = if hosting == 0 {
        text!(lang,
            fr: "L'analyse n'a trouvé aucune ressource qui héberge quelque chose ({resources} en tout) : un résultat vide n'est pas un résultat conforme ; ni l'offre ni la région ne peuvent être vérifiées.",
            en: "The scan found no resource that hosts anything ({resources} in all): an empty result is not a compliant one; neither offer nor region can be checked.")
    } else {
        text!(lang,
            fr: "Couverture de l'analyse : {resources} ressource(s) dont {hosting} qui hébergent, {offer} avec une offre, {region} avec une région connue du catalogue.",
            en: "Scan coverage: {resources} resource(s), {hosting} of which host something, {offer} with an offer, {region} with a region the catalog knows.")
    };
    if unplaced > 0 {
        let why = counts(lang, &c.unplaced, false);
        message.push(' ');
        message.push_str(&text!(lang,
            fr: "{unplaced} ne sont pas placées ({why}) : leur localisation et leur offre ne peuvent pas être vérifiées.",
            en: "{unplaced} are not placed ({why}): their location and offer cannot be checked."));
    }
    let unmapped: Vec<String> = c
        .providers
        .iter()
        .filter(|p| p.status == ProviderStatus::Unmapped)
        .map(|p| format!("`{}` ({})", p.name, p.resources))
        .collect();
    if !unmapped.is_empty() {
        let list = words::list(lang, &unmapped);
        message.push(' ');
        message.push_str(&text!(lang,
            fr: "Fournisseurs sans correspondance avec une offre : {list}.",
            en: "Providers not mapped to an offer: {list}."));
    }
    if unread > 0 {
        let why = counts(lang, &c.skipped, true);
        message.push(' ');
        message.push_str(&text!(lang,
            fr: "{unread} fichier(s) ou module(s) non lus ({why}) : ce qu'ils déploient n'est pas dans l'inventaire.",
            en: "{unread} file(s) or module(s) not read ({why}): what they deploy is not in the inventory."));
    }
    let partial = hosting == 0 || unplaced > 0 || unread > 0;
    let remedy = partial.then(|| {
        text!(lang,
            fr: "Donner une valeur aux variables (terraform.tfvars) et la région aux fournisseurs, analyser un plan (`terraform show -json`) ou l'arbre après `terraform init`, rendre les gabarits (`helm template`, `kubectl kustomize`), déclarer les fournisseurs inconnus dans nuage-mappings.toml ; à défaut, vérifier ces ressources à la main.",
            en: "Give the variables a value (terraform.tfvars) and the providers their region, scan a plan (`terraform show -json`) or the tree after `terraform init`, render templates (`helm template`, `kubectl kustomize`), declare unknown providers in nuage-mappings.toml; otherwise check these resources by hand.")
    });
    let mut citations = Vec::new();
    if ctx.in_scope || rule == Rule::R9 {
        citations.push(ctx.cite(Rule::R9));
    }
    citations.push(ctx.cite_doc("rgpd", Some("art. 44 à 46")));
    finding(
        rule,
        if partial {
            Status::ToVerify
        } else {
            Status::Compliant
        },
        message,
        citations,
        remedy,
    )
}

#[cfg(test)]
mod tests {
    use nuage_catalog::Catalog;

    use crate::dossier::EnvironmentKind;
    use crate::{Inventory, Lang, ScanContext, Status, resource_findings};

    fn findings(json: &str) -> Vec<crate::Finding> {
        let inv: Inventory = serde_json::from_str(json).unwrap();
        let catalog = Catalog::embedded().unwrap();
        let sc = ScanContext {
            catalog: &catalog,
            on: "2026-06-01".parse().unwrap(),
            lang: Lang::En,
            environment: EnvironmentKind::Production,
        };
        resource_findings(&inv, None, &sc).unwrap()
    }

    #[test]
    fn an_empty_scan_is_to_verify() {
        let f = findings(r#"{"resources": [], "skipped": []}"#);
        let cov = f.iter().find(|f| f.file.is_none()).unwrap();
        assert_eq!(cov.status, Status::ToVerify);
        assert!(
            cov.message
                .contains("an empty result is not a compliant one")
        );
    }

    #[test]
    fn an_inventory_without_its_summary_is_counted_from_its_resources() {
        let f = findings(
            r#"{"resources": [{"address": "aws_instance.a", "type": "aws_instance",
                "provider": "aws", "offer": "aws", "region": null, "zones": [], "file": "main.tf",
                "line": 1, "service": "compute", "portability": "portable",
                "source": "terraform"}], "skipped": []}"#,
        );
        let cov = f.iter().find(|f| f.file.is_none()).unwrap();
        assert_eq!(cov.status, Status::ToVerify);
        assert!(
            cov.message.starts_with("Scan coverage: 1 resource(s)"),
            "{}",
            cov.message
        );
    }
}
