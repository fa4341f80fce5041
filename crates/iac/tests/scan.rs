//! The scanner on a realistic multi-provider tree and on bad inputs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a broken fixture or setup should fail loudly, at once"
)]

use std::path::{Path, PathBuf};

use nuage_catalog::Catalog;
use nuage_doctrine::{Inventory, Portability, Resource, SourceKind};
use nuage_iac::{Mappings, ScanOptions, scan};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ministere")
}

fn run(path: &Path, user_mappings: Option<&str>) -> Inventory {
    let catalog = Catalog::embedded().unwrap();
    let m = Mappings::with_overrides(&catalog, user_mappings.map(|t| ("test-mappings.toml", t)))
        .unwrap();
    scan(path, &ScanOptions::default(), &m, &catalog, None)
}

fn find<'a>(inv: &'a Inventory, address: &str) -> &'a Resource {
    inv.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address}"))
}

#[test]
fn inventory_of_a_multi_provider_tree() {
    let inv = run(&fixture(), None);
    insta::assert_json_snapshot!("ministere_inventory", inv);

    // Variables with defaults, locals and templates give the zone and the region.
    let front = find(&inv, "aws_instance.front");
    assert_eq!(
        (front.offer.as_deref(), front.region.as_deref()),
        (Some("aws"), Some("eu-west-3"))
    );
    assert_eq!(front.zones, ["eu-west-3a"]);
    assert_eq!(front.repeated.as_deref(), Some("count"));
    assert_eq!((front.file.as_str(), front.line), ("envs/prod/main.tf", 17));

    // Subnets reached through a local module's outputs give the group two zones.
    assert_eq!(
        find(&inv, "aws_autoscaling_group.workers").zones,
        ["eu-west-3a", "eu-west-3b"]
    );

    // An aliased provider places a resource elsewhere.
    assert_eq!(
        find(&inv, "aws_s3_bucket.archives").region.as_deref(),
        Some("us-east-1")
    );

    // The Google provider pointed at S3NS's universe deploys on PREMI3NS.
    let s3ns = find(&inv, "google_compute_instance.traitements");
    assert_eq!(s3ns.offer.as_deref(), Some("s3ns-premi3ns"));
    assert!(
        s3ns.evidence.iter().any(|e| e.contains("universe_domain")),
        "{:?}",
        s3ns.evidence
    );

    // Module arguments reach the module's resources; defaults apply otherwise.
    assert_eq!(
        find(&inv, "module.db.aws_db_instance.main").multi_zone,
        Some(true)
    );
    assert_eq!(
        find(&inv, "module.db.aws_db_instance.reporting").multi_zone,
        Some(false)
    );

    // Proprietary services are told from portable ones.
    assert_eq!(
        find(&inv, "aws_dynamodb_table.sessions").portability,
        Portability::Proprietary
    );
    assert_eq!(
        find(&inv, "azurerm_cosmosdb_account.notifications").portability,
        Portability::Proprietary
    );
    assert_eq!(
        find(&inv, "google_bigquery_dataset.statistiques").portability,
        Portability::Proprietary
    );
    assert_eq!(
        find(&inv, "aws_lambda_function.thumbnails").portability,
        Portability::Proprietary
    );
    assert_eq!(
        find(&inv, "module.db.aws_db_instance.main").portability,
        Portability::Portable
    );

    // Azure zones carry their region; nested blocks are read.
    assert_eq!(
        find(&inv, "azurerm_linux_virtual_machine.bastion").zones,
        ["westeurope-1"]
    );
    assert_eq!(
        find(&inv, "azurerm_postgresql_flexible_server.annuaire").multi_zone,
        Some(true)
    );

    // OpenStack's endpoint decides the offer.
    assert_eq!(
        find(&inv, "openstack_compute_instance_v2.batch")
            .offer
            .as_deref(),
        Some("ovhcloud-public-cloud")
    );

    // .tf.json with a template and the provider's default zone.
    let rdb = find(&inv, "scaleway_rdb_instance.dossiers");
    assert_eq!(
        (rdb.source, rdb.line, rdb.zones.as_slice()),
        (
            SourceKind::TerraformJson,
            10,
            ["fr-par-2".to_owned()].as_slice()
        )
    );

    // Plans: instances, modules, provider region from a variable, unknown after apply.
    let web1 = find(&inv, "aws_instance.web[1]");
    assert_eq!(web1.region.as_deref(), Some("eu-central-1"));
    assert_eq!(web1.unknown, ["availability_zone"]);
    assert!(web1.zones.is_empty(), "an unknown zone is never guessed");
    assert!(!inv.resources.iter().any(|r| r.address.starts_with("data.")));

    // Kubernetes: spread, single replica pinned to one zone, provisioner → offer.
    assert_eq!(find(&inv, "Deployment/portail/api").multi_zone, Some(true));
    assert_eq!(
        find(&inv, "StatefulSet/portail/indexeur").multi_zone,
        Some(false)
    );
    assert_eq!(
        find(&inv, "StorageClass/bsu-gp2").offer.as_deref(),
        Some("outscale-iaas")
    );

    // The broken file is reported with its line; the rest of the tree is scanned.
    let broken = inv
        .skipped
        .iter()
        .find(|s| s.path == "broken/main.tf")
        .unwrap();
    assert_eq!(broken.line, Some(7));
    assert!(broken.reason.contains("invalid HCL"), "{}", broken.reason);
}

#[test]
fn a_single_file_can_be_scanned() {
    let inv = run(&fixture().join("plan/plan.json"), None);
    assert_eq!(inv.resources.len(), 3);
    assert!(inv.resources.iter().all(|r| r.source == SourceKind::Plan));
}

#[test]
fn user_mappings_name_the_state_s_internal_clouds() {
    let dir = tempdir("mappings");
    std::fs::write(
        dir.join("main.tf"),
        "provider \"openstack\" {\n  auth_url = \"https://identity.pi.interieur.example/v3\"\n  region = \"ile-de-france\"\n}\nresource \"openstack_compute_instance_v2\" \"app\" {\n  name = \"app\"\n  availability_zone = \"az1\"\n}\n",
    )
    .unwrap();
    let mappings = "[[provider]]\nname = \"openstack\"\n[[provider.rule]]\nattribute = \"auth_url\"\ncontains = \"pi.interieur\"\noffer = \"pi-interieur\"\n";
    let inv = run(&dir, Some(mappings));
    let app = find(&inv, "openstack_compute_instance_v2.app");
    assert_eq!(app.offer.as_deref(), Some("pi-interieur"));
    assert_eq!(app.zones, ["az1"]);
    let inv = run(&dir, None);
    assert_eq!(
        find(&inv, "openstack_compute_instance_v2.app").offer,
        None,
        "unknown endpoints stay unknown"
    );
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nuage-iac-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bad_inputs_are_skipped_with_a_reason_and_the_rest_is_scanned() {
    let dir = tempdir("bad");
    std::fs::write(
        dir.join("good.tf"),
        "resource \"aws_instance\" \"ok\" {\n  availability_zone = \"eu-west-3a\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("invalid.tf"),
        "resource \"aws_instance\" \"x\" {\n  ami = \n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("binary.tf"),
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3],
    )
    .unwrap();
    std::fs::write(dir.join("latin1.tf"), [b'#', b' ', 0xe9, b'\n']).unwrap();
    let big = "# filler line for a very large file\n".repeat(50 * 1024 * 1024 / 36 + 1);
    std::fs::write(dir.join("huge.tf"), big).unwrap();
    std::fs::write(
        dir.join("broken.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("helm.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("plan.json"),
        "{\"format_version\": \"1.2\", \"terraform_version\": \"1.9\", \"planned_values\": [",
    )
    .unwrap();
    std::fs::write(dir.join("package.json"), "{\"name\": \"not-a-plan\"}").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
        std::os::unix::fs::symlink(dir.join("nowhere.tf"), dir.join("dangling.tf")).unwrap();
    }
    let inv = run(&dir, None);
    assert_eq!(inv.resources.len(), 1, "{:#?}", inv.resources);
    assert_eq!(inv.resources[0].zones, ["eu-west-3a"]);
    let reason = |p: &str| {
        inv.skipped
            .iter()
            .find(|s| s.path == p)
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{p} not skipped: {:#?}", inv.skipped))
    };
    assert!(
        reason("invalid.tf").contains("invalid HCL at line"),
        "{}",
        reason("invalid.tf")
    );
    assert!(reason("binary.tf").contains("binary"));
    assert!(reason("latin1.tf").contains("UTF-8"));
    assert!(reason("huge.tf").contains("limit"), "{}", reason("huge.tf"));
    assert!(reason("broken.yaml").contains("invalid YAML"));
    assert!(reason("helm.yaml").contains("helm template"));
    assert!(reason("plan.json").contains("invalid JSON"));
    assert!(
        !inv.skipped.iter().any(|s| s.path == "package.json"),
        "other JSON is ignored, not reported"
    );
    #[cfg(unix)]
    {
        assert!(reason("loop").contains("not followed"));
        assert!(reason("dangling.tf").contains("broken symbolic link"));
    }
}

#[test]
fn a_missing_path_is_reported() {
    let inv = run(Path::new("/nonexistent/nuage/path"), None);
    assert!(inv.resources.is_empty());
    assert!(inv.skipped[0].reason.contains("not readable"));
}

#[test]
fn module_cycles_and_remote_modules_are_reported() {
    let dir = tempdir("modules");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("main.tf"), "module \"a\" {\n  source = \"./a\"\n}\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n").unwrap();
    std::fs::write(
        dir.join("a/main.tf"),
        "module \"again\" {\n  source = \"../a\"\n}\nresource \"aws_instance\" \"x\" {}\n",
    )
    .unwrap();
    let inv = run(&dir, None);
    assert!(
        inv.resources
            .iter()
            .any(|r| r.address == "module.a.aws_instance.x")
    );
    assert!(
        inv.skipped
            .iter()
            .any(|s| s.reason.contains("remote source")),
        "{:#?}",
        inv.skipped
    );
    assert!(
        inv.skipped
            .iter()
            .any(|s| s.reason.contains("calls itself")),
        "{:#?}",
        inv.skipped
    );
}

#[test]
fn a_root_module_calling_itself_is_reported_and_its_resources_kept() {
    let dir = tempdir("self-root");
    std::fs::write(
        dir.join("main.tf"),
        "module \"me\" {\n  source = \"./\"\n}\nresource \"aws_instance\" \"x\" {}\n",
    )
    .unwrap();
    // A second, independent root evaluated on another thread.
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::write(
        dir.join("other/main.tf"),
        "resource \"aws_instance\" \"y\" {}\n",
    )
    .unwrap();
    let inv = run(&dir, None);
    let addresses: Vec<&str> = inv.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(addresses, ["aws_instance.x", "aws_instance.y"]);
    assert_eq!(inv.skipped.len(), 1, "{:#?}", inv.skipped);
    assert!(inv.skipped[0].reason.contains("calls itself"));
    assert_eq!(inv.skipped[0].line, Some(1));
}

#[test]
fn a_large_plan_is_resolved_in_parallel_shares_with_the_same_result() {
    let resources: Vec<serde_json::Value> = (0..5000)
        .map(|i| {
            serde_json::json!({
                "address": format!("aws_instance.web[{i}]"),
                "mode": "managed",
                "type": if i % 3 == 0 { "aws_dynamodb_table" } else { "aws_instance" },
                "name": "web",
                "index": i,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "values": { "availability_zone": format!("eu-west-3{}", ["a", "b", "c"][i % 3]) }
            })
        })
        .collect();
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": { "resources": resources } },
        "configuration": { "provider_config": { "aws": { "name": "aws", "expressions": {
            "region": { "constant_value": "eu-west-3" } } } } }
    });
    let dir = tempdir("large-plan");
    let text = serde_json::to_string(&plan).unwrap();
    std::fs::write(dir.join("plan.json"), &text).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let m = Mappings::embedded(&catalog).unwrap();
    let one = nuage_iac::scan_source("plan.json", &text, &m, &catalog);
    assert_eq!(one.resources.len(), 5000);
    for jobs in [2, 3] {
        let opts = ScanOptions {
            jobs,
            ..ScanOptions::default()
        };
        let many = scan(&dir, &opts, &m, &catalog, None);
        assert_eq!(many.resources, one.resources, "jobs = {jobs}");
    }
    let r = find(&one, "aws_instance.web[4999]");
    assert_eq!(r.zones, ["eu-west-3b"]);
    assert_eq!(r.region.as_deref(), Some("eu-west-3"));
}

/// The readers' nesting limits (docs/server.md, « limites ») on crafted files: HCL stops at
/// hcl-edit's 64 levels, JSON at serde_json's 128, YAML at Nuage's 128 before parsing; each file
/// is skipped with the reason and its line, the rest of the scan goes on.
#[test]
fn deep_files_are_skipped_with_the_parsers_limit() {
    let catalog = Catalog::embedded().unwrap();
    let m = Mappings::embedded(&catalog).unwrap();
    let n = 100_000;
    let cases = [
        (
            "main.tf",
            format!("locals {{\n  x = {}{}\n}}\n", "[".repeat(n), "]".repeat(n)),
            "nesting depth",
        ),
        (
            "deep.tf",
            format!(
                "resource \"aws_s3_bucket\" \"b\" {{\n{}{}}}\n",
                "b {\n".repeat(n),
                "}\n".repeat(n)
            ),
            "nesting depth",
        ),
        (
            "plan.json",
            format!(
                "{{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\",\"planned_values\":{}{}}}",
                "[".repeat(n),
                "]".repeat(n)
            ),
            "recursion limit",
        ),
        (
            "k8s.yaml",
            format!(
                "apiVersion: v1\nkind: ConfigMap\ndata: {}{}\n",
                "{a: ".repeat(n),
                "}".repeat(n)
            ),
            "nested deeper than 128",
        ),
    ];
    for (name, text, reason) in cases {
        let inv = nuage_iac::scan_source(name, &text, &m, &catalog);
        assert!(inv.resources.is_empty(), "{name}");
        let skipped = inv
            .skipped
            .first()
            .unwrap_or_else(|| panic!("{name} not skipped"));
        assert!(
            skipped.reason.contains(reason),
            "{name}: {}",
            skipped.reason
        );
        assert!(skipped.line.is_some(), "{name}: {skipped:?}");
    }
}

fn placement() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/placement")
}

#[test]
fn locations_in_every_form_and_through_what_resources_point_at() {
    use nuage_doctrine::UnplacedReason;
    let inv = run(&placement(), None);
    let region = |a: &str| find(&inv, a).region.clone();
    let reason = |a: &str| find(&inv, a).unplaced.as_ref().map(|u| u.reason);
    // Azure: a local object with one unknown attribute still gives its location, written as
    // Azure's display name; children take their network's or resource group's.
    assert_eq!(
        region("azurerm_virtual_network.test").as_deref(),
        Some("westeurope")
    );
    assert_eq!(
        region("azurerm_resource_group.main").as_deref(),
        Some("westeurope")
    );
    let subnet = find(&inv, "azurerm_subnet.test");
    assert_eq!(subnet.region.as_deref(), Some("westeurope"));
    assert!(
        subnet
            .evidence
            .iter()
            .any(|e| e.starts_with("region = westeurope ← ") && e.contains(" → azurerm_")),
        "{:?}",
        subnet.evidence
    );
    assert_eq!(
        region("azurerm_storage_account.archives").as_deref(),
        Some("eastus")
    );
    assert_eq!(
        region("azurerm_storage_container.pieces").as_deref(),
        Some("eastus")
    );
    assert_eq!(
        reason("azurerm_key_vault.existing_rg"),
        Some(UnplacedReason::OutsideCode)
    );
    // Google: multi-regions and codes in capitals.
    assert_eq!(
        region("google_storage_bucket.exports").as_deref(),
        Some("us")
    );
    assert_eq!(
        region("google_storage_bucket.archives").as_deref(),
        Some("eu")
    );
    assert_eq!(
        region("google_storage_bucket.pieces").as_deref(),
        Some("europe-west9")
    );
    // Outscale: `api { region }`, the qualified region of an alias, the zone before the
    // provider's default.
    let front = find(&inv, "outscale_vm.front");
    assert_eq!(front.region.as_deref(), Some("eu-west-2"));
    assert!(
        front
            .evidence
            .iter()
            .any(|e| e == "region = eu-west-2 ← provider \"outscale\"")
    );
    assert_eq!(
        region("outscale_vm.dossiers").as_deref(),
        Some("cloudgouv-eu-west-1")
    );
    assert_eq!(
        region("outscale_volume.export").as_deref(),
        Some("us-east-2")
    );
    // Unknown, with the reason: a variable given at run time, a region from the environment.
    let data = find(&inv, "outscale_volume.data");
    let u = data.unplaced.as_ref().unwrap();
    assert_eq!(u.reason, UnplacedReason::VariableWithoutValue);
    assert!(u.detail.contains("var.region"), "{}", u.detail);
    let app = find(&inv, "outscale_vm.app");
    let u = app.unplaced.as_ref().unwrap();
    assert_eq!(u.reason, UnplacedReason::RunTime);
    assert!(u.detail.contains("OSC_REGION"), "{}", u.detail);
    // OVHcloud: a datacentre of a site, lower or upper case.
    assert_eq!(
        region("ovh_cloud_project_kube.cluster").as_deref(),
        Some("GRA")
    );
    assert_eq!(
        region("ovh_cloud_project_database.db").as_deref(),
        Some("GRA")
    );
    // Every resource that hosts something and is not placed says why.
    for r in &inv.resources {
        if r.offer.is_none() || r.region.is_none() {
            let hosts_nothing = ["random", "tls", "null"].contains(&r.provider.as_str());
            assert!(
                hosts_nothing || r.unplaced.is_some(),
                "{} has no reason",
                r.address
            );
        }
    }
}

#[test]
fn modules_installed_by_terraform_init_and_vendored_modules_are_read() {
    let inv = run(&placement(), None);
    let subnet = find(&inv, "module.vpc.aws_subnet.private");
    assert_eq!(subnet.file, "registry/.terraform/modules/vpc/main.tf");
    assert_eq!(subnet.line, 10);
    assert_eq!(subnet.region.as_deref(), Some("eu-west-3"));
    assert_eq!(subnet.zones, ["eu-west-3a"]);
    assert!(
        inv.resources
            .iter()
            .any(|r| r.address == "module.vpc.module.flow.aws_flow_log.this")
    );
    // An installed module is not a root module of its own.
    assert!(!inv.resources.iter().any(|r| r.address == "aws_vpc.this"));
    assert_eq!(
        find(&inv, "module.net.scaleway_vpc_private_network.pn")
            .region
            .as_deref(),
        Some("fr-par")
    );
    let remote = inv
        .skipped
        .iter()
        .find(|s| s.path == "registry/main.tf")
        .unwrap();
    assert_eq!(remote.kind, nuage_doctrine::SkipKind::RemoteModule);
    assert!(remote.reason.contains("not_installed"), "{}", remote.reason);
}

#[test]
fn every_provider_is_accounted_for_and_templates_are_named() {
    use nuage_doctrine::{ProviderStatus, SkipKind};
    let inv = run(&placement(), None);
    let status = |name: &str| {
        inv.coverage
            .providers
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no provider {name}"))
    };
    assert_eq!(status("random").status, ProviderStatus::HostsNothing);
    assert_eq!(status("tls").status, ProviderStatus::HostsNothing);
    assert_eq!(status("null").status, ProviderStatus::HostsNothing);
    assert_eq!(status("helm").status, ProviderStatus::Elsewhere);
    assert_eq!(status("exoscale").offer.as_deref(), Some("exoscale"));
    assert_eq!(status("clevercloud").status, ProviderStatus::Mapped);
    let cf = status("cloudflare");
    assert_eq!((cf.status, cf.resources), (ProviderStatus::Unmapped, 1));
    assert_eq!(
        find(&inv, "exoscale_compute_instance.app")
            .region
            .as_deref(),
        Some("ch-gva-2")
    );
    assert_eq!(
        find(&inv, "clevercloud_postgresql.db").region.as_deref(),
        Some("par")
    );
    let kinds: Vec<(&str, SkipKind)> = inv
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.kind))
        .collect();
    for expected in [
        ("templates/chart", SkipKind::HelmChart),
        ("templates/overlay", SkipKind::Kustomize),
        ("templates/ansible/roles/web", SkipKind::Ansible),
        ("templates/ansible/site.yml", SkipKind::Ansible),
    ] {
        assert!(kinds.contains(&expected), "{expected:?} in {kinds:?}");
    }
    let chart = inv
        .skipped
        .iter()
        .find(|s| s.kind == SkipKind::HelmChart)
        .unwrap();
    assert!(
        chart.reason.contains("helm template portail"),
        "{}",
        chart.reason
    );
    assert!(!inv.resources.iter().any(|r| r.kind == "Deployment"));
    // The summary counts it all.
    let c = &inv.coverage;
    assert_eq!(c.resources, inv.resources.len());
    assert_eq!(c.hosting, c.resources - 3);
    assert_eq!(c.unplaced.get("variable_without_value"), Some(&1));
    assert_eq!(c.unplaced.get("run_time"), Some(&1));
    assert_eq!(c.unplaced.get("unmapped_provider"), Some(&1));
    assert_eq!(c.skipped.get("helm_chart"), Some(&1));
    assert_eq!(
        c.with_region,
        inv.resources
            .iter()
            .filter(|r| r.placed() || (r.region.is_some() && r.offer.is_none()))
            .count()
    );
}

#[test]
fn a_tree_without_infrastructure_has_an_empty_coverage() {
    let inv = run(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/empty-tree"),
        None,
    );
    assert!(inv.resources.is_empty());
    assert_eq!(inv.coverage.hosting, 0);
}
