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
    Assessment, Dossier, Finding, Inventory, ScanContext, Status, assess_with_inventory,
    read_dossier, resource_findings,
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
    /// OSCAL assessment results (JSON, OSCAL 1.0.6), each resource an inventory item.
    Oscal,
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

/// Writes the JSON report of a scan to stdout: `{ "resources", "findings", "skipped",
/// "coverage" }` without a dossier; with one, the assessment's fields, then `resources`,
/// `skipped` and `coverage`.
/// Indented as `serde_json::to_string_pretty` would (a test compares), with a final newline.
/// A closed pipe (`| head`) is not an error; another failure to write (a full disk) is.
fn print_scan_json(
    assessment: Option<&Assessment>,
    inv: &Inventory,
    findings: Option<&[Finding]>,
    jobs: usize,
) -> Result<(), String> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let split = Split {
        jobs,
        share: ELEMENTS_PER_SHARE,
    };
    match write_scan_json(&mut out, assessment, inv, findings, split) {
        Ok(()) => Ok(()),
        Err(Some(e)) => crate::output_error(e),
        Err(None) => Err("the report could not be written as JSON".into()),
    }
}

/// How the arrays of a report are shared out among threads.
#[derive(Debug, Clone, Copy)]
struct Split {
    jobs: usize,
    /// Elements a thread writes at a time.
    share: usize,
}

/// [`print_scan_json`] into any writer. `Err(Some)` is a write error, `Err(None)` a value
/// that cannot be written as JSON.
fn write_scan_json(
    out: &mut impl std::io::Write,
    assessment: Option<&Assessment>,
    inv: &Inventory,
    findings: Option<&[Finding]>,
    split: Split,
) -> Result<(), Option<std::io::Error>> {
    use nuage_report::to_json_pretty;
    let mut head = vec![b'{'];
    let mut first = true;
    if let Some(a) = assessment {
        // The assessment's own fields, as `#[serde(flatten)]` would put them.
        let mut whole = Vec::new();
        to_json_pretty(&mut whole, a, 0).map_err(|_| None)?;
        if let Some(fields) = whole
            .strip_prefix(b"{")
            .and_then(|w| w.strip_suffix(b"\n}"))
        {
            head.extend_from_slice(fields);
            first = false;
        }
    }
    out.write_all(&head).map_err(Some)?;
    write_field(out, "resources", &inv.resources, first, split)?;
    if let Some(f) = findings {
        write_field(out, "findings", f, false, split)?;
    }
    write_field(out, "skipped", &inv.skipped, false, split)?;
    let mut tail = vec![b','];
    nuage_report::newline_indent(&mut tail, 1);
    tail.extend_from_slice(b"\"coverage\": ");
    nuage_report::to_json_pretty(&mut tail, &inv.coverage, 1).map_err(|_| None)?;
    tail.extend_from_slice(b"\n}\n");
    out.write_all(&tail).map_err(Some)?;
    out.flush().map_err(Some)
}

/// Array elements a thread writes as JSON at a time.
const ELEMENTS_PER_SHARE: usize = 2048;

/// Writes one field of the report's top object, `"name": [ … ]` (after a comma unless it is
/// the `first`), whose array is written by `split.jobs` threads.
///
/// At 100 000 resources the array is 70 MB of JSON: each thread writes a share of the elements
/// into its own buffer, reused from one window of shares to the next, and the buffers are copied
/// out in order, so the text is never whole in memory and the same bytes come out whatever the
/// number of threads. `Err(Some)` is a write error, `Err(None)` a serialization failure.
fn write_field<T: Serialize + Sync>(
    out: &mut impl std::io::Write,
    name: &str,
    items: &[T],
    first: bool,
    split: Split,
) -> Result<(), Option<std::io::Error>> {
    use nuage_report::{newline_indent, to_json_pretty};
    let mut text = Vec::new();
    if !first {
        text.push(b',');
    }
    newline_indent(&mut text, 1);
    text.push(b'"');
    text.extend_from_slice(name.as_bytes());
    text.extend_from_slice(b"\": [");
    out.write_all(&text).map_err(Some)?;
    let jobs = split.jobs.max(1);
    let share = split.share.max(1);
    // Each thread owns its buffer while it writes (a buffer's length shared in one cache line
    // with another thread's would be written back and forth on every byte pushed).
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); jobs];
    let mut done = 0;
    for window in items.chunks(share * jobs) {
        let written: Option<Vec<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = window
                .chunks(share)
                .zip(buffers.iter_mut().map(std::mem::take))
                .enumerate()
                .map(|(k, (part, mut buf))| {
                    let first = done + k * share;
                    s.spawn(move || {
                        buf.clear();
                        for (i, item) in part.iter().enumerate() {
                            if first + i > 0 {
                                buf.push(b',');
                            }
                            newline_indent(&mut buf, 2);
                            to_json_pretty(&mut buf, item, 2).ok()?;
                        }
                        Some(buf)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        });
        let Some(written) = written else {
            return Err(None);
        };
        for buf in &written {
            out.write_all(buf).map_err(Some)?;
        }
        for (slot, buf) in buffers.iter_mut().zip(written) {
            *slot = buf;
        }
        done += window.len();
    }
    text.clear();
    if !items.is_empty() {
        newline_indent(&mut text, 1);
    }
    text.push(b']');
    out.write_all(&text).map_err(Some)
}

/// Writes `value` as indented JSON and a newline straight to stdout, through a buffer: the same
/// bytes as `serde_json::to_string_pretty` + `"\n"`, without first building the whole text in
/// memory. Write errors as [`print_scan_json`].
fn print_pretty<T: Serialize + ?Sized>(value: &T) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match serde_json::to_writer_pretty(&mut out, value) {
        Ok(()) => {}
        Err(e) if e.is_io() => {
            return crate::output_error(std::io::Error::from(
                e.io_error_kind().unwrap_or(std::io::ErrorKind::Other),
            ));
        }
        Err(e) => return Err(e.to_string()),
    }
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .or_else(crate::output_error)
}

fn load_dossier(path: &Path, catalog: &Catalog, color: bool) -> Result<Dossier, String> {
    let name = path.display().to_string();
    let Some(format) = dossier_format(path) else {
        return Err(format!(
            "{name}: unknown dossier format (expected .toml, .json, .yaml or .yml)"
        ));
    };
    let text = nuage_limits::read_regular_text(path, nuage_limits::MAX_DOSSIER_BYTES)
        .map_err(|e| format!("{name}: {e}"))?;
    read_dossier(&text, format, catalog).map_err(|e| {
        render_read_error(color, &name, &text, &e)
            .trim_end()
            .to_owned()
    })
}

/// The largest mappings file read (the embedded tables are a few KiB).
pub(crate) const MAX_MAPPINGS_BYTES: u64 = 4 * 1024 * 1024;

fn load_mappings(args: &ScanArgs, catalog: &Catalog) -> Result<Mappings, String> {
    let user = match &args.mappings {
        Some(p) => Some(p.clone()),
        None => Some(args.path.join("nuage-mappings.toml")).filter(|p| p.is_file()),
    };
    match user {
        Some(p) => {
            let name = p.display().to_string();
            let text = nuage_limits::read_regular_text(&p, MAX_MAPPINGS_BYTES)
                .map_err(|e| format!("{name}: {e}"))?;
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
    // The process ends once the report is written: the system takes the inventory's memory
    // back at once, faster than freeing its hundreds of thousands of strings one by one.
    let inv = std::mem::ManuallyDrop::new(scan_with_progress(args, &opts, &mappings, &catalog));
    if !inv.skipped.is_empty() && args.format != ScanFormat::Text {
        eprintln!(
            "{} file(s) or module(s) not read: see `skipped` in the report",
            inv.skipped.len()
        );
    }
    // A partial result is said on the terminal whatever the format (a CI log shows it).
    let cov = &inv.coverage;
    if args.format != ScanFormat::Text
        && (cov.hosting == 0 || cov.unplaced_total() > 0 || cov.unread() > 0)
    {
        eprintln!(
            "coverage: {}",
            nuage_report::coverage_summary(common.lang(), cov)
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

    let outcome = std::mem::ManuallyDrop::new(match &dossier {
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
    });
    let (findings, assessment) = &*outcome;
    let all_findings: &[Finding] = assessment.as_ref().map_or(findings, |a| &a.findings);
    let report_path = dossier_path.as_deref().unwrap_or(&root);
    // Findings with their report path: the CI formats' input, made only for them.
    let located = || -> Vec<Located<'_>> {
        all_findings
            .iter()
            .map(|finding| Located {
                path: report_path,
                finding,
                subject: "scan",
            })
            .collect()
    };
    let streamed = match args.format {
        ScanFormat::Text | ScanFormat::Markdown => {
            // Without a dossier every finding is the scan's (its coverage has no file); with
            // one, the assessment below prints the others.
            let resource_findings: Vec<Finding> = all_findings
                .iter()
                .filter(|f| assessment.is_none() || f.file.is_some())
                .cloned()
                .collect();
            let view = ScanView {
                root: &root,
                lang: common.lang(),
                resources: &inv.resources,
                findings: &resource_findings,
                skipped: &inv.skipped,
                assessment: assessment.as_ref(),
                dossier: dossier_path.as_deref(),
                coverage: &inv.coverage,
            };
            print(&if args.format == ScanFormat::Text {
                nuage_report::scan_text(
                    &view,
                    TextOptions {
                        color: common.color_stdout(),
                        width: 100,
                    },
                )
            } else {
                nuage_report::scan_markdown(&view)
            });
            Ok(())
        }
        ScanFormat::Json => print_scan_json(
            assessment.as_ref(),
            &inv,
            assessment.is_none().then_some(findings.as_slice()),
            opts.jobs,
        ),
        ScanFormat::Sarif => {
            let mut doc =
                nuage_report::sarif_findings(&located(), common.lang(), env!("CARGO_PKG_VERSION"));
            nuage_report::sarif_coverage(&mut doc, &inv.coverage);
            print_pretty(&doc)
        }
        ScanFormat::Gitlab => {
            let mut issues = nuage_report::gitlab(&located());
            nuage_report::gitlab_coverage(&mut issues, common.lang(), report_path, &inv.coverage);
            print_pretty(&issues)
        }
        ScanFormat::Oscal => print_pretty(&nuage_report::oscal_scan(
            &root,
            on,
            common.lang(),
            &inv.resources,
            &located(),
            assessment.as_ref(),
            env!("CARGO_PKG_VERSION"),
        )),
        ScanFormat::Junit => {
            let xml = nuage_report::junit_findings(
                &format!("nuage scan {root}"),
                &located(),
                common.lang(),
            );
            print(&nuage_report::junit_coverage(&xml, &inv.coverage));
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

#[cfg(test)]
mod tests {
    use super::*;

    use nuage_doctrine::{Coverage, Resource, ScanReport, Skipped};

    #[derive(Serialize)]
    struct ScanAssessment<'a> {
        #[serde(flatten)]
        assessment: &'a Assessment,
        resources: &'a [Resource],
        skipped: &'a [Skipped],
        coverage: &'a Coverage,
    }

    fn written(
        assessment: Option<&Assessment>,
        inv: &Inventory,
        findings: Option<&[Finding]>,
        split: Split,
    ) -> String {
        let mut out = Vec::new();
        write_scan_json(&mut out, assessment, inv, findings, split).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_report_is_serde_jsons_pretty_form_whatever_the_threads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let catalog = Catalog::embedded().unwrap();
        let mappings = Mappings::embedded(&catalog).unwrap();
        let inv = nuage_iac::scan(
            &root.join("crates/iac/tests/fixtures/ministere"),
            &ScanOptions::default(),
            &mappings,
            &catalog,
            None,
        );
        assert!(inv.resources.len() > 20 && !inv.skipped.is_empty());
        let sc = ScanContext {
            catalog: &catalog,
            on: "2026-06-01".parse::<Date>().unwrap(),
            lang: nuage_doctrine::Lang::Fr,
            environment: EnvironmentKind::Production,
        };
        let findings = resource_findings(&inv, None, &sc).unwrap();
        assert!(!findings.is_empty());
        let text = std::fs::read_to_string(root.join("examples/portail-demarches.toml")).unwrap();
        let dossier = read_dossier(&text, nuage_doctrine::Format::Toml, &catalog).unwrap();
        let assessment = assess_with_inventory(&dossier, &inv, &sc).unwrap();

        // The contract's reference form: the shared type, as `serde_json` writes it.
        let report = ScanReport {
            resources: inv.resources.clone(),
            findings: findings.clone(),
            skipped: inv.skipped.clone(),
            coverage: inv.coverage.clone(),
        };
        let plain = serde_json::to_string_pretty(&report).unwrap() + "\n";
        let with_dossier = serde_json::to_string_pretty(&ScanAssessment {
            assessment: &assessment,
            resources: &inv.resources,
            skipped: &inv.skipped,
            coverage: &inv.coverage,
        })
        .unwrap()
            + "\n";
        let empty = Inventory::default();
        let none = serde_json::to_string_pretty(&ScanReport::default()).unwrap() + "\n";
        for (jobs, share) in [(1, 2048), (2, 1), (3, 4), (5, 7)] {
            let split = Split { jobs, share };
            assert_eq!(written(None, &inv, Some(&findings), split), plain);
            assert_eq!(written(Some(&assessment), &inv, None, split), with_dossier);
            assert_eq!(written(None, &empty, Some(&[]), split), none);
        }
        // What the server reads back: both forms, into the same type.
        let read: ScanReport = serde_json::from_str(&plain).unwrap();
        assert_eq!(read, report);
        let read: ScanReport = serde_json::from_str(&with_dossier).unwrap();
        assert_eq!(read.resources, inv.resources);
        assert_eq!(read.findings, assessment.findings);
        assert_eq!(read.coverage, inv.coverage);
    }
}
