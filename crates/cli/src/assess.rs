//! `nuage assess`: read dossiers, assess them in parallel, print one report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, ValueEnum};
use nuage_catalog::{Catalog, Date};
use nuage_doctrine::{Assessment, Format, Lang, Verdict, assess, read_dossier};
use nuage_report::{Item, TextOptions};

use crate::diagnostic::render_read_error;
use crate::{BAD_INPUT, Common, fail, print, today};

#[derive(Args, Debug)]
pub(crate) struct AssessArgs {
    /// Dossier files (.toml, .json, .yaml, .yml), directories (searched recursively), or `-`
    /// for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    format: OutputFormat,
    /// Exit with status 1 when a verdict is this bad or worse.
    #[arg(long, value_enum, value_name = "VERDICT")]
    fail_on: Option<FailOn>,
    /// Format of standard input (required with `-`).
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Assess as of this day (YYYY-MM-DD), whatever the dossiers say; default: each dossier's
    /// `assessed_on`, else today.
    #[arg(long, value_name = "DATE")]
    assessed_on: Option<Date>,
    /// Print the assessments of valid dossiers even when others are invalid (the exit status
    /// is still 2).
    #[arg(long)]
    keep_going: bool,
    /// Parallel jobs (default: the number of CPUs).
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Refuse dossiers larger than this many MiB (standard input too).
    #[arg(long, value_name = "MIB", default_value_t = nuage_limits::MAX_DOSSIER_BYTES / (1024 * 1024))]
    max_file_size: u64,
    /// Seal the assessment of one dossier into DIR (new or empty): the dossier's bytes, the
    /// assessment JSON, the edition, catalog and engine versions, a SHA-256 manifest signed
    /// with --key. `nuage verify DIR` checks it.
    #[arg(long, value_name = "DIR", requires = "key")]
    seal: Option<PathBuf>,
    /// The Ed25519 private key (PEM, from `nuage keys generate`) that signs --seal.
    #[arg(long, value_name = "FILE", requires = "seal")]
    key: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum OutputFormat {
    /// For people; coloured on a terminal.
    Text,
    /// The contract: one object, or an array for several dossiers.
    Json,
    /// One JSON object per line.
    Jsonl,
    Markdown,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML for CI test reports.
    Junit,
    /// GitLab Code Quality.
    Gitlab,
    /// OSCAL assessment results (JSON, OSCAL 1.0.6).
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
enum InputFormat {
    Toml,
    Json,
    Yaml,
}

/// One input to assess.
#[derive(Debug, Clone)]
enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_owned(),
        }
    }
}

pub(crate) fn dossier_format(path: &Path) -> Option<Format> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
}

/// Expands directories into the dossier files they hold, sorted; symbolic links to
/// directories are not followed (no loops).
fn collect(paths: &[PathBuf], problems: &mut Vec<String>) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut out, problems),
            Ok(_) => out.push(Input::File(path.clone())),
            Err(e) => problems.push(format!("{}: cannot read: {e}", path.display())),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Input>, problems: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(format!("{}: cannot read the directory: {e}", dir.display()));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        match entry.file_type() {
            Ok(t) if t.is_dir() && !hidden => walk(&path, out, problems),
            // Files, links and special files alike: reading refuses what is not a regular
            // file, with its reason, without opening it.
            Ok(t) if !t.is_dir() && !hidden && dossier_format(&path).is_some() => {
                out.push(Input::File(path));
            }
            _ => {}
        }
    }
}

/// What became of one input.
enum Outcome {
    /// The assessment, and the dossier's text when it is to be sealed.
    Assessed(Box<Assessment>, Option<String>),
    Invalid(String),
}

struct Job<'a> {
    catalog: &'a Catalog,
    today: Date,
    assessed_on: Option<Date>,
    lang: Lang,
    stdin_format: Option<Format>,
    color: bool,
    max_bytes: u64,
    keep_text: bool,
}

impl Job<'_> {
    fn run(&self, input: &Input, stdin_text: Option<&str>) -> Outcome {
        let name = input.display();
        let (text, format) = match input {
            Input::Stdin => {
                let Some(format) = self.stdin_format else {
                    return Outcome::Invalid(format!(
                        "{name}: reading standard input needs --input-format toml|json|yaml"
                    ));
                };
                (stdin_text.unwrap_or_default().to_owned(), format)
            }
            Input::File(path) => {
                let Some(format) = dossier_format(path) else {
                    return Outcome::Invalid(format!(
                        "{name}: unknown dossier format (expected a .toml, .json, .yaml or .yml file)"
                    ));
                };
                match nuage_limits::read_regular_file(path, self.max_bytes) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(text) => (text, format),
                        Err(_) => {
                            return Outcome::Invalid(format!("{name}: the file is not UTF-8 text"));
                        }
                    },
                    Err(nuage_limits::FileError::TooLarge { limit }) => {
                        return Outcome::Invalid(format!(
                            "{name}: larger than the {} limit for a dossier (--max-file-size)",
                            nuage_limits::file::size(limit)
                        ));
                    }
                    Err(e) => return Outcome::Invalid(format!("{name}: {e}")),
                }
            }
        };
        let dossier = match read_dossier(&text, format, self.catalog) {
            Ok(d) => d,
            Err(e) => {
                return Outcome::Invalid(
                    render_read_error(self.color, &name, &text, &e)
                        .trim_end()
                        .to_owned(),
                );
            }
        };
        let on = self
            .assessed_on
            .unwrap_or_else(|| dossier.assessment_date(self.today));
        match assess(&dossier, self.catalog, on, self.lang) {
            Ok(a) => Outcome::Assessed(Box::new(a), self.keep_text.then_some(text)),
            Err(e) => {
                let line = text
                    .lines()
                    .position(|l| {
                        l.trim_start()
                            .trim_start_matches('"')
                            .starts_with("assessed_on")
                    })
                    .map(|i| format!(":{}", i + 1))
                    .filter(|_| self.assessed_on.is_none())
                    .unwrap_or_default();
                Outcome::Invalid(format!("{name}{line}: {e}"))
            }
        }
    }
}

fn assess_all(
    job: &Job<'_>,
    inputs: &[Input],
    stdin_text: Option<&str>,
    jobs: usize,
) -> Vec<Outcome> {
    if inputs.len() <= 1 || jobs <= 1 {
        return inputs.iter().map(|i| job.run(i, stdin_text)).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::with_capacity(inputs.len()));
    std::thread::scope(|s| {
        for _ in 0..jobs.min(inputs.len()) {
            s.spawn(|| {
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    local.push((i, job.run(input, stdin_text)));
                }
                if let Ok(mut r) = results.lock() {
                    r.extend(local);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, o)| o).collect()
}

pub(crate) fn run(args: &AssessArgs) -> ExitCode {
    let common = &args.common;
    let catalog = match common.load_catalog() {
        Ok(c) => c,
        Err(e) => return fail(common, &e),
    };
    let mut problems = Vec::new();
    let inputs = collect(&args.paths, &mut problems);
    if inputs.is_empty() && problems.is_empty() {
        return fail(
            common,
            "no dossier found (.toml, .json, .yaml or .yml files)",
        );
    }
    if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
        return fail(common, "standard input (`-`) can be given only once");
    }
    let signing_key = match &args.key {
        Some(path) => match crate::evidence_cmd::signing_key(path) {
            Ok(k) => Some(k),
            Err(e) => return fail(common, &e),
        },
        None => None,
    };
    if let Some(dir) = &args.seal
        && std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
    {
        return fail(
            common,
            &format!(
                "{}: the directory is not empty; --seal writes a bundle into a new or empty one",
                dir.display()
            ),
        );
    }
    if args.seal.is_some() && inputs.len() + problems.len() != 1 {
        return fail(
            common,
            &format!(
                "--seal seals the assessment of one dossier; {} were given",
                inputs.len() + problems.len()
            ),
        );
    }
    let max_bytes = args.max_file_size.saturating_mul(1024 * 1024);
    let stdin_text = if inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        let mut bytes = Vec::new();
        match nuage_limits::file::read_bounded(&mut std::io::stdin().lock(), &mut bytes, max_bytes)
        {
            Ok(()) => {}
            Err(nuage_limits::FileError::TooLarge { limit }) => {
                return fail(
                    common,
                    &format!(
                        "-: standard input is larger than the {} limit for a dossier (--max-file-size)",
                        nuage_limits::file::size(limit)
                    ),
                );
            }
            Err(e) => return fail(common, &format!("-: cannot read standard input: {e}")),
        }
        match String::from_utf8(bytes) {
            Ok(s) => Some(s),
            Err(_) => return fail(common, "-: standard input is not UTF-8 text"),
        }
    } else {
        None
    };
    let job = Job {
        catalog: &catalog,
        today: today(),
        assessed_on: args.assessed_on,
        lang: common.lang(),
        stdin_format: args.input_format.map(|f| match f {
            InputFormat::Toml => Format::Toml,
            InputFormat::Json => Format::Json,
            InputFormat::Yaml => Format::Yaml,
        }),
        color: common.color_stderr(),
        max_bytes,
        keep_text: args.seal.is_some(),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let outcomes = assess_all(&job, &inputs, stdin_text.as_deref(), jobs);

    let mut assessed: Vec<(String, Assessment)> = Vec::with_capacity(outcomes.len());
    let mut texts: Vec<(Option<Format>, String)> = Vec::new();
    for (input, outcome) in inputs.iter().zip(outcomes) {
        match outcome {
            Outcome::Assessed(a, text) => {
                if let Some(text) = text {
                    let format = match input {
                        Input::File(p) => dossier_format(p),
                        Input::Stdin => job.stdin_format,
                    };
                    texts.push((format, text));
                }
                assessed.push((input.display(), *a));
            }
            Outcome::Invalid(message) => problems.push(message),
        }
    }
    let invalid = !problems.is_empty();
    for p in &problems {
        if p.starts_with("error:") || p.starts_with("\x1b[") {
            eprintln!("{p}");
        } else {
            crate::diagnostic::print_error(common.color_stderr(), p);
        }
    }
    if invalid && !args.keep_going {
        if assessed.len() + problems.len() > 1 {
            eprintln!(
                "{} invalid input(s); nothing was printed (use --keep-going to print the valid ones)",
                problems.len()
            );
        }
        return ExitCode::from(BAD_INPUT);
    }

    let items: Vec<Item<'_>> = assessed
        .iter()
        .map(|(path, a)| Item {
            path,
            assessment: a,
        })
        .collect();
    let rendered = match render(args, common, &items) {
        Ok(s) => s,
        Err(e) => return fail(common, &e),
    };
    print(&rendered);

    if invalid {
        return ExitCode::from(BAD_INPUT);
    }
    if let Some(dir) = &args.seal {
        let (Some(key), [(path, a)], [(Some(format), text)]) =
            (&signing_key, assessed.as_slice(), texts.as_slice())
        else {
            return fail(common, "--seal: no single assessed dossier to seal");
        };
        let input = nuage_evidence::SealInput {
            source: path,
            format: *format,
            dossier: text.as_bytes(),
            assessment: a,
            engine: concat!("nuage ", env!("CARGO_PKG_VERSION")),
        };
        match nuage_evidence::seal(&input, key).and_then(|b| b.write(dir)) {
            Ok(()) => eprintln!(
                "sealed in {} (key {}); check with: nuage verify {}",
                dir.display(),
                key.public_key().fingerprint(),
                dir.display()
            ),
            Err(e) => return fail(common, &e.to_string()),
        }
    }
    let failing = |v: Verdict| match args.fail_on {
        Some(FailOn::NonCompliant) => v == Verdict::NonCompliant,
        Some(FailOn::ToVerify) => matches!(v, Verdict::NonCompliant | Verdict::ToVerify),
        None => false,
    };
    if assessed.iter().any(|(_, a)| failing(a.verdict)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn render(args: &AssessArgs, common: &Common, items: &[Item<'_>]) -> Result<String, String> {
    Ok(match args.format {
        OutputFormat::Text => nuage_report::text(
            items,
            TextOptions {
                color: common.color_stdout(),
                width: 100,
            },
        ),
        OutputFormat::Json => match items {
            [one] => pretty(one.assessment)? + "\n",
            many => {
                let all: Vec<&Assessment> = many.iter().map(|i| i.assessment).collect();
                pretty(&all)? + "\n"
            }
        },
        OutputFormat::Jsonl => {
            let mut out = String::new();
            for i in items {
                out.push_str(
                    &nuage_report::to_json_string(i.assessment).map_err(|e| e.to_string())?,
                );
                out.push('\n');
            }
            out
        }
        OutputFormat::Markdown => nuage_report::markdown(items),
        OutputFormat::Sarif => {
            pretty(&nuage_report::sarif(items, env!("CARGO_PKG_VERSION")))? + "\n"
        }
        OutputFormat::Junit => nuage_report::junit(items),
        OutputFormat::Gitlab => {
            let located: Vec<_> = items.iter().flat_map(Item::located).collect();
            pretty(&nuage_report::gitlab(&located))? + "\n"
        }
        OutputFormat::Oscal => {
            pretty(&nuage_report::oscal(items, env!("CARGO_PKG_VERSION")))? + "\n"
        }
    })
}

pub(crate) fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map_err(|e| e.to_string())
}
