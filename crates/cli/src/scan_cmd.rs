//! `nuage scan`: infrastructure code → resources, offers, regions, zones → findings.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use clap::{Args, ValueEnum};
use nuage_catalog::{Catalog, Date};
use nuage_doctrine::dossier::EnvironmentKind;
use nuage_doctrine::{
    Assessment, Dossier, Finding, Inventory, Resource, ScanContext, Skipped, Status,
    assess_with_inventory, read_dossier, resource_findings,
};
use nuage_iac::{Mappings, Progress, ScanOptions};
use nuage_report::{Located, ScanView, TextOptions};
use serde::Serialize;

use crate::assess::dossier_format;
use crate::diagnostic::render_read_error;
use crate::{Common, fail, print, today};

#[derive(Args, Debug)]
pub(crate) struct ScanArgs {
    /// A directory (scanned recursively) or a file: .tf, .tf.json, .tfvars, a plan from
    /// `terraform show -json`, Kubernetes .yaml.
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Merge what the scan finds into this dossier and print its whole assessment.
    #[arg(long, value_name = "FILE")]
    dossier: Option<PathBuf>,
    #[arg(long, short, value_enum, default_value = "text")]
    format: ScanFormat,
    /// Exit with status 1 when a finding is this bad or worse.
    #[arg(long, value_enum, value_name = "STATUS")]
    fail_on: Option<FailOn>,
    /// The lifecycle stage the scanned code deploys.
    #[arg(long, value_enum, default_value = "production")]
    environment: Stage,
    /// Extra provider and resource-type mappings (e.g. the OpenStack endpoints of PI and Nubo);
    /// default: `nuage-mappings.toml` in the scanned directory, when present.
    #[arg(long, value_name = "FILE")]
    mappings: Option<PathBuf>,
    /// Assess as of this day (YYYY-MM-DD); default: the dossier's `assessed_on`, else today.
    #[arg(long, value_name = "DATE")]
    assessed_on: Option<Date>,
    /// Skip files larger than this many MiB (plans: up to 512 MiB).
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    max_file_size: u64,
    /// Parallel readers (default: the number of CPUs).
    #[arg(long, short)]
    jobs: Option<usize>,
    #[command(flatten)]
    common: Common,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ScanFormat {
    Text,
    Json,
    Sarif,
    Junit,
    /// GitLab Code Quality.
    Gitlab,
    Markdown,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum FailOn {
    #[value(name = "non_compliant", alias = "non-compliant")]
    NonCompliant,
    #[value(name = "to_verify", alias = "to-verify")]
    ToVerify,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Production,
    Staging,
    #[value(name = "disaster_recovery", alias = "disaster-recovery")]
    DisasterRecovery,
    Development,
    Training,
    Sandbox,
}

impl Stage {
    fn kind(self) -> EnvironmentKind {
        match self {
            Stage::Production => EnvironmentKind::Production,
            Stage::Staging => EnvironmentKind::Staging,
            Stage::DisasterRecovery => EnvironmentKind::DisasterRecovery,
            Stage::Development => EnvironmentKind::Development,
            Stage::Training => EnvironmentKind::Training,
            Stage::Sandbox => EnvironmentKind::Sandbox,
        }
    }
}

/// `{ "resources": …, "findings": …, "skipped": … }`, the contract of a scan without a dossier.
#[derive(Serialize)]
struct ScanReport<'a> {
    resources: &'a [Resource],
    findings: &'a [Finding],
    skipped: &'a [Skipped],
}

/// The assessment of a dossier completed by a scan, with the resources as evidence.
#[derive(Serialize)]
struct ScanAssessment<'a> {
    #[serde(flatten)]
    assessment: &'a Assessment,
    resources: &'a [Resource],
    skipped: &'a [Skipped],
}

/// Writes `value` as indented JSON and a newline straight to stdout, through a buffer: the same
/// bytes as `serde_json::to_string_pretty` + `"\n"`, without first building the whole text in
/// memory (70 MB at 100 000 resources, whose doubling reallocations and page faults cost more
/// than the serialization itself). As with [`print`], a closed pipe is not an error.
fn print_pretty<T: Serialize + ?Sized>(value: &T) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match serde_json::to_writer_pretty(&mut out, value) {
        Ok(()) => {}
        Err(e) if e.is_io() => return Ok(()),
        Err(e) => return Err(e.to_string()),
    }
    let _ = out.write_all(b"\n").and_then(|()| out.flush());
    Ok(())
}

fn load_dossier(path: &Path, catalog: &Catalog, color: bool) -> Result<Dossier, String> {
    let name = path.display().to_string();
    let Some(format) = dossier_format(path) else {
        return Err(format!(
            "{name}: unknown dossier format (expected .toml, .json, .yaml or .yml)"
        ));
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    read_dossier(&text, format, catalog).map_err(|e| {
        render_read_error(color, &name, &text, &e)
            .trim_end()
            .to_owned()
    })
}

fn load_mappings(args: &ScanArgs, catalog: &Catalog) -> Result<Mappings, String> {
    let user = match &args.mappings {
        Some(p) => Some(p.clone()),
        None => Some(args.path.join("nuage-mappings.toml")).filter(|p| p.is_file()),
    };
    match user {
        Some(p) => {
            let name = p.display().to_string();
            let text =
                std::fs::read_to_string(&p).map_err(|e| format!("{name}: cannot read: {e}"))?;
            Mappings::with_overrides(catalog, Some((&name, &text))).map_err(|e| e.to_string())
        }
        None => Mappings::embedded(catalog).map_err(|e| e.to_string()),
    }
}

/// Runs the scan, with a progress line on stderr when it is a terminal and the scan takes time.
fn scan_with_progress(
    args: &ScanArgs,
    opts: &ScanOptions,
    mappings: &Mappings,
    catalog: &Catalog,
) -> Inventory {
    let progress = Progress::default();
    let show = std::io::stderr().is_terminal();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        if show {
            s.spawn(|| {
                let mut shown = false;
                let mut waited = 0;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    waited += 100;
                    let total = progress.files_total.load(Ordering::Relaxed);
                    if waited >= 500 && total > 0 {
                        let n = progress.files_done.load(Ordering::Relaxed);
                        eprint!("\r\x1b[2Kanalyse : {n}/{total} fichiers");
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            });
        }
        let inv = nuage_iac::scan(&args.path, opts, mappings, catalog, Some(&progress));
        done.store(true, Ordering::Relaxed);
        inv
    })
}

pub(crate) fn run(args: &ScanArgs) -> ExitCode {
    let common = &args.common;
    let catalog = match common.load_catalog() {
        Ok(c) => c,
        Err(e) => return fail(common, &e),
    };
    if !args.path.exists() {
        return fail(
            common,
            &format!("{}: no such file or directory", args.path.display()),
        );
    }
    let mappings = match load_mappings(args, &catalog) {
        Ok(m) => m,
        Err(e) => return fail(common, &e),
    };
    let dossier = match &args.dossier {
        Some(p) => match load_dossier(p, &catalog, common.color_stderr()) {
            Ok(d) => Some(d),
            Err(e) => {
                if e.starts_with("error:") || e.starts_with("\x1b[") {
                    eprintln!("{e}");
                    return ExitCode::from(crate::BAD_INPUT);
                }
                return fail(common, &e);
            }
        },
        None => None,
    };
    let mut opts = ScanOptions {
        max_file_size: args.max_file_size.saturating_mul(1024 * 1024),
        ..ScanOptions::default()
    };
    if let Some(j) = args.jobs {
        opts.jobs = j.max(1);
    }
    let inv = scan_with_progress(args, &opts, &mappings, &catalog);
    if !inv.skipped.is_empty() && args.format != ScanFormat::Text {
        eprintln!(
            "{} file(s) or module(s) not read: see `skipped` in the report",
            inv.skipped.len()
        );
    }

    let on = args
        .assessed_on
        .or_else(|| dossier.as_ref().and_then(|d| d.assessed_on))
        .unwrap_or_else(today);
    let sc = ScanContext {
        catalog: &catalog,
        on,
        lang: common.lang(),
        environment: args.environment.kind(),
    };
    let root = args.path.display().to_string();
    let dossier_path = args.dossier.as_ref().map(|p| p.display().to_string());

    let (findings, assessment) = match &dossier {
        Some(d) => match assess_with_inventory(d, &inv, &sc) {
            Ok(a) => (Vec::new(), Some(a)),
            Err(e) => {
                return fail(
                    common,
                    &format!("{}: {e}", dossier_path.as_deref().unwrap_or("-")),
                );
            }
        },
        None => match resource_findings(&inv, None, &sc) {
            Ok(f) => (f, None),
            Err(e) => return fail(common, &e.to_string()),
        },
    };
    let all_findings: &[Finding] = assessment.as_ref().map_or(&findings, |a| &a.findings);
    let resource_findings_only: Vec<Finding> = all_findings
        .iter()
        .filter(|f| f.file.is_some())
        .cloned()
        .collect();
    let view = ScanView {
        root: &root,
        lang: common.lang(),
        resources: &inv.resources,
        findings: &resource_findings_only,
        skipped: &inv.skipped,
        assessment: assessment.as_ref(),
        dossier: dossier_path.as_deref(),
    };
    let subject = "scan";
    let report_path = dossier_path.as_deref().unwrap_or(&root);
    let located: Vec<Located<'_>> = all_findings
        .iter()
        .map(|finding| Located {
            path: report_path,
            finding,
            subject,
        })
        .collect();
    let streamed = match args.format {
        ScanFormat::Text => {
            print(&nuage_report::scan_text(
                &view,
                TextOptions {
                    color: common.color_stdout(),
                    width: 100,
                },
            ));
            Ok(())
        }
        ScanFormat::Markdown => {
            print(&nuage_report::scan_markdown(&view));
            Ok(())
        }
        ScanFormat::Json => match &assessment {
            Some(a) => print_pretty(&ScanAssessment {
                assessment: a,
                resources: &inv.resources,
                skipped: &inv.skipped,
            }),
            None => print_pretty(&ScanReport {
                resources: &inv.resources,
                findings: &findings,
                skipped: &inv.skipped,
            }),
        },
        ScanFormat::Sarif => print_pretty(&nuage_report::sarif_findings(
            &located,
            common.lang(),
            env!("CARGO_PKG_VERSION"),
        )),
        ScanFormat::Gitlab => print_pretty(&nuage_report::gitlab(&located)),
        ScanFormat::Junit => {
            print(&nuage_report::junit_findings(
                &format!("nuage scan {root}"),
                &located,
                common.lang(),
            ));
            Ok(())
        }
    };
    if let Err(e) = streamed {
        return fail(common, &e);
    }
    let failing = |s: Status| match args.fail_on {
        Some(FailOn::NonCompliant) => s == Status::NonCompliant,
        Some(FailOn::ToVerify) => matches!(s, Status::NonCompliant | Status::ToVerify),
        None => false,
    };
    if all_findings.iter().any(|f| failing(f.status)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
