//! Readers of infrastructure code — Terraform/OpenTofu (`.tf`, `.tf.json`), plans from
//! `terraform show -json`, Kubernetes manifests — into the engine's [`Inventory`]: each
//! resource with its provider, catalog offer, region, zones, file and line.
//!
//! Files are read and parsed in parallel, each reduced at once to the declarations the scan
//! needs. What cannot be read (invalid syntax, binary, too large, unreadable, a link to a
//! directory) is listed in [`Inventory::skipped`] and the rest of the tree is still scanned.

mod eval;
mod hcl_fast;
mod kubernetes;
mod mapping;
mod observe;
mod plan;
mod terraform;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use nuage_catalog::Catalog;
use nuage_doctrine::{
    Coverage, Inventory, ProviderCoverage, ProviderStatus, Resource, SkipKind, Skipped,
    UnplacedReason,
};

pub use mapping::{
    Hosts, MappingError, Mappings, MultiZone, OfferRule, ProviderMapping, RegionForm, Scalar,
    TypeMapping, ZoneToRegion,
};

use observe::Observed;
use terraform::{ModuleDir, TfFile, TfVars};

/// Byte offsets → 1-based line numbers.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    pub fn line(&self, offset: usize) -> u32 {
        let n = match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files larger than this are skipped, except plans (see `max_plan_size`).
    pub max_file_size: u64,
    /// Plans can be large: up to this size they are read.
    pub max_plan_size: u64,
    /// Parallel readers.
    pub jobs: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: 16 * 1024 * 1024,
            max_plan_size: 512 * 1024 * 1024,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// Counters a caller can watch while a scan runs (for a progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    pub files_total: AtomicUsize,
    pub files_done: AtomicUsize,
}

/// A file the scan will read.
#[derive(Debug, Clone)]
struct Candidate {
    path: PathBuf,
    /// The path shown in reports: relative to the scanned directory.
    display: String,
    /// Its directory, relative to the scanned directory (the module it belongs to).
    dir: PathBuf,
    kind: FileKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Tf,
    TfJson,
    TfVars,
    Json,
    Yaml,
}

fn kind_of(name: &str) -> Option<FileKind> {
    if name.ends_with(".tf") {
        Some(FileKind::Tf)
    } else if name.ends_with(".tf.json") {
        Some(FileKind::TfJson)
    } else if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
        Some(FileKind::TfVars)
    } else if name.ends_with(".json") {
        Some(FileKind::Json)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(FileKind::Yaml)
    } else {
        None
    }
}

/// Directories never worth scanning: caches and dependencies.
fn ignored_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "node_modules" | "target" | "vendor")
}

/// Templates a directory holds, told by their marker files: they are rendered before they can
/// be read, so they are reported as what they are, with how to render them.
fn template_dir(root: &Path, rel: &Path, names: &[String]) -> Option<Skipped> {
    let path = if rel.as_os_str().is_empty() {
        ".".to_owned()
    } else {
        display(rel)
    };
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("Chart.yaml") {
        let chart = std::fs::read_to_string(root.join(rel).join("Chart.yaml"))
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    l.strip_prefix("name:")
                        .map(|n| n.trim().trim_matches(['"', '\'']).to_owned())
                })
            })
            .unwrap_or_else(|| "?".into());
        return Some(Skipped {
            reason: format!(
                "Helm chart `{chart}`: render it (`helm template {chart} {path} -f VALUES > rendered.yaml`) and scan the rendered manifests"
            ),
            path,
            line: None,
            kind: SkipKind::HelmChart,
        });
    }
    if has("kustomization.yaml") || has("kustomization.yml") || has("Kustomization") {
        return Some(Skipped {
            reason: format!(
                "Kustomize overlay: render it (`kubectl kustomize {path} > rendered.yaml`) and scan the rendered manifests (its files alone are bases and patches)"
            ),
            path,
            line: None,
            kind: SkipKind::Kustomize,
        });
    }
    let is_role = rel
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|p| p == "roles")
        || (has("tasks")
            && root.join(rel).join("tasks").is_dir()
            && (has("handlers")
                || has("defaults")
                || has("meta")
                || has("templates")
                || root.join(rel).join("tasks/main.yml").is_file()
                || root.join(rel).join("tasks/main.yaml").is_file()));
    if is_role {
        return Some(Skipped {
            reason: "Ansible role: it configures hosts, it does not create them; scan the infrastructure code that does (Terraform, a plan, the manifests it applies once rendered)".into(),
            path,
            line: None,
            kind: SkipKind::Ansible,
        });
    }
    None
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<Candidate>, skipped: &mut Vec<Skipped>) {
    let dir = root.join(rel);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            skipped.push(Skipped {
                path: display(rel),
                line: None,
                reason: format!("directory not readable: {e}"),
                kind: SkipKind::Unreadable,
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    let names: Vec<String> = entries
        .iter()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    // A template directory: its YAML is not read (Terraform beside it still is).
    let template = template_dir(root, rel, &names);
    let read_yaml = template.is_none();
    let descend = template
        .as_ref()
        .is_none_or(|t| t.kind == SkipKind::Kustomize);
    if let Some(t) = template {
        skipped.push(t);
    }
    for (entry, name) in entries.into_iter().zip(names) {
        let rel_path = rel.join(&name);
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(m) if m.is_dir() => {
                    skipped.push(Skipped {
                        path: display(&rel_path),
                        line: None,
                        reason: "symbolic link to a directory, not followed (it could loop)".into(),
                        kind: SkipKind::Unreadable,
                    });
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    skipped.push(Skipped {
                        path: display(&rel_path),
                        line: None,
                        reason: format!("broken symbolic link: {e}"),
                        kind: SkipKind::Unreadable,
                    });
                    continue;
                }
            }
        } else if ft.is_dir() {
            if descend && !ignored_dir(&name) {
                walk(root, &rel_path, out, skipped);
            }
            continue;
        }
        if let Some(kind) = kind_of(&name) {
            if kind == FileKind::Yaml && !read_yaml {
                continue;
            }
            if !descend
                && kind != FileKind::Tf
                && kind != FileKind::TfJson
                && kind != FileKind::TfVars
            {
                continue;
            }
            out.push(Candidate {
                path: entry.path(),
                display: display(&rel_path),
                dir: rel.to_path_buf(),
                kind,
            });
        }
    }
}

/// The `.tf` and `.tf.json` files of one module directory (not its subdirectories), for a
/// module installed by `terraform init` or vendored, read only when a module calls it.
fn module_files(root: &Path, rel: &Path, out: &mut Vec<Candidate>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if let Some(kind @ (FileKind::Tf | FileKind::TfJson)) = kind_of(&name) {
            out.push(Candidate {
                path: entry.path(),
                display: display(&rel.join(&name)),
                dir: rel.to_path_buf(),
                kind,
            });
        }
    }
}

/// `.terraform/modules/modules.json` of a root module: module key → installed directory
/// (relative to the scanned root).
fn installed_modules(root: &Path, dir: &Path) -> Option<HashMap<String, PathBuf>> {
    let path = root.join(dir).join(".terraform/modules/modules.json");
    let text = nuage_limits::read_regular_text(&path, 16 * 1024 * 1024).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut out = HashMap::new();
    for m in doc.get("Modules")?.as_array()? {
        let (Some(key), Some(d)) = (
            m.get("Key").and_then(serde_json::Value::as_str),
            m.get("Dir").and_then(serde_json::Value::as_str),
        ) else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        let installed = terraform::normalize(&dir.join(d));
        // Never outside the scanned tree.
        if installed.starts_with("..") || installed.is_absolute() {
            continue;
        }
        out.insert(key.to_owned(), installed);
    }
    Some(out)
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// What one file gave.
enum Parsed {
    Tf(PathBuf, TfFile),
    TfVars(PathBuf, TfVars),
    Observed(Vec<Observed>),
    Nothing,
    Skipped(Skipped),
}

fn skip(c: &Candidate, reason: impl Into<String>) -> Parsed {
    Parsed::Skipped(Skipped {
        path: c.display.clone(),
        line: None,
        reason: reason.into(),
        kind: SkipKind::Unreadable,
    })
}

fn read_candidate(c: &Candidate, opts: &ScanOptions, mappings: &Mappings) -> Parsed {
    // Only regular files are opened: a FIFO would wait forever, a device never end.
    let (mut file, meta) = match nuage_limits::file::open_regular(&c.path) {
        Ok(opened) => opened,
        Err(nuage_limits::FileError::Io(e)) => return skip(c, format!("not readable: {e}")),
        Err(e) => return skip(c, e.to_string()),
    };
    let size = meta.len();
    // A peek decides JSON plans from other JSON, and catches binaries early.
    let mut head = vec![0u8; 8192.min(usize::try_from(size).unwrap_or(8192))];
    if let Err(e) = file.read_exact(&mut head) {
        return skip(c, format!("not readable: {e}"));
    }
    if head.contains(&0) {
        return skip(c, "binary file, not text");
    }
    let head_text = String::from_utf8_lossy(&head);
    let is_plan = c.kind == FileKind::Json && plan::looks_like_plan(&head_text);
    if c.kind == FileKind::Json && !is_plan {
        return Parsed::Nothing;
    }
    let limit = if is_plan {
        opts.max_plan_size
    } else {
        opts.max_file_size
    };
    let too_large = |size: u64| {
        format!(
            "{} MiB, above the {} MiB limit (--max-file-size)",
            size / (1024 * 1024),
            limit / (1024 * 1024)
        )
    };
    if size > limit {
        return skip(c, too_large(size));
    }
    // The limit holds while reading too: the file may have grown since its metadata was read.
    let mut bytes = head;
    match nuage_limits::file::read_bounded(&mut file, &mut bytes, limit) {
        Ok(()) => {}
        Err(nuage_limits::FileError::TooLarge { .. }) => {
            return skip(c, too_large(u64::try_from(bytes.len()).unwrap_or(u64::MAX)));
        }
        Err(e) => return skip(c, format!("not readable: {e}")),
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => return skip(c, "not UTF-8 text"),
    };
    parse_text(c.kind, &c.display, &c.dir, &text, mappings)
}

fn parse_text(
    kind: FileKind,
    display: &str,
    dir: &Path,
    text: &str,
    mappings: &Mappings,
) -> Parsed {
    match kind {
        FileKind::Tf => match terraform::parse_hcl(display, text, mappings.wanted()) {
            Ok(f) => Parsed::Tf(dir.to_path_buf(), f),
            Err(s) => Parsed::Skipped(s),
        },
        FileKind::TfJson => match terraform::parse_tf_json(display, text) {
            Ok(f) => Parsed::Tf(dir.to_path_buf(), f),
            Err(s) => Parsed::Skipped(s),
        },
        FileKind::TfVars => match terraform::parse_tfvars(display, text) {
            Ok(v) => Parsed::TfVars(dir.to_path_buf(), v),
            Err(s) => Parsed::Skipped(s),
        },
        FileKind::Json => {
            if !plan::looks_like_plan(text.get(..text.len().min(8192)).unwrap_or(text)) {
                return Parsed::Nothing;
            }
            match plan::parse_plan(display, text) {
                Ok(o) => Parsed::Observed(o),
                Err(s) => Parsed::Skipped(s),
            }
        }
        FileKind::Yaml => {
            if kubernetes::looks_like_playbook(text) {
                return Parsed::Skipped(Skipped {
                    path: display.to_owned(),
                    line: None,
                    reason: "Ansible playbook: it configures hosts, it does not create them; scan the infrastructure code that does".into(),
                    kind: SkipKind::Ansible,
                });
            }
            if !kubernetes::looks_like_manifest(text) {
                return Parsed::Nothing;
            }
            match kubernetes::parse_manifests(display, text, mappings) {
                Ok(o) => Parsed::Observed(o),
                Err(s) => Parsed::Skipped(s),
            }
        }
    }
}

/// Scans one file given as text, named by `name` (its extension decides how it is read):
/// for uploads and fuzzing, where there is no tree on disk.
pub fn scan_source(name: &str, text: &str, mappings: &Mappings, catalog: &Catalog) -> Inventory {
    let file_name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let Some(kind) = kind_of(file_name) else {
        return Inventory {
            resources: Vec::new(),
            coverage: Coverage::default(),
            skipped: vec![Skipped {
                path: name.to_owned(),
                line: None,
                reason: "not infrastructure code (.tf, .tf.json, .tfvars, plan .json, .yaml)"
                    .into(),
                kind: SkipKind::NotInfrastructure,
            }],
        };
    };
    assemble(
        vec![parse_text(kind, name, Path::new(""), text, mappings)],
        Vec::new(),
        mappings,
        catalog,
        1,
        &HashMap::new(),
    )
}

/// Scans a directory (recursively) or a single file.
pub fn scan(
    root: &Path,
    opts: &ScanOptions,
    mappings: &Mappings,
    catalog: &Catalog,
    progress: Option<&Progress>,
) -> Inventory {
    let mut candidates = Vec::new();
    let mut skipped = Vec::new();
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => walk(root, Path::new(""), &mut candidates, &mut skipped),
        Ok(_) => {
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match kind_of(&name) {
                Some(kind) => candidates.push(Candidate {
                    path: root.to_path_buf(),
                    display: display(root),
                    dir: PathBuf::new(),
                    kind,
                }),
                None => skipped.push(Skipped {
                    path: display(root),
                    line: None,
                    reason: "not infrastructure code (.tf, .tf.json, .tfvars, plan .json, .yaml)"
                        .into(),
                    kind: SkipKind::NotInfrastructure,
                }),
            }
        }
        Err(e) => skipped.push(Skipped {
            path: display(root),
            line: None,
            reason: format!("not readable: {e}"),
            kind: SkipKind::Unreadable,
        }),
    }
    if let Some(p) = progress {
        p.files_total.store(candidates.len(), Ordering::Relaxed);
    }

    let read = |c: &Candidate| {
        let p = read_candidate(c, opts, mappings);
        if let Some(p) = progress {
            p.files_done.fetch_add(1, Ordering::Relaxed);
        }
        p
    };
    let mut parsed = par_map(candidates.iter().collect(), opts.jobs, read);
    let installed = if root.is_dir() {
        called_modules(root, &mut parsed, |cs: Vec<Candidate>| {
            par_map(cs.iter().collect(), opts.jobs, |c| {
                read_candidate(c, opts, mappings)
            })
        })
    } else {
        HashMap::new()
    };
    assemble(parsed, skipped, mappings, catalog, opts.jobs, &installed)
}

/// Most module directories read beyond the walk (installed or vendored modules).
const MAX_CALLED_MODULES: usize = 4096;

/// Reads the modules the walk did not: those `terraform init` installed under
/// `.terraform/modules` (from its `modules.json`), and local sources inside directories the walk
/// skips (`vendor/…`). Returns each root module's installed modules by key.
fn called_modules(
    root: &Path,
    parsed: &mut Vec<Parsed>,
    read: impl Fn(Vec<Candidate>) -> Vec<Parsed>,
) -> HashMap<PathBuf, HashMap<String, PathBuf>> {
    let mut known: std::collections::HashSet<PathBuf> = parsed
        .iter()
        .filter_map(|p| match p {
            Parsed::Tf(dir, _) => Some(dir.clone()),
            _ => None,
        })
        .collect();
    let mut installed = HashMap::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    for dir in &known {
        if let Some(m) = installed_modules(root, dir) {
            queue.extend(m.values().cloned());
            installed.insert(dir.clone(), m);
        }
    }
    let wanted = |parsed: &[Parsed], queue: &mut Vec<PathBuf>| {
        for p in parsed {
            if let Parsed::Tf(dir, f) = p {
                for call in &f.modules {
                    if let Some(child) = call
                        .source
                        .as_deref()
                        .and_then(|s| terraform::local_module_dir(dir, s))
                        && terraform::installed_module(&child)
                    {
                        queue.push(child);
                    }
                }
            }
        }
    };
    wanted(parsed, &mut queue);
    let mut read_dirs = 0;
    while !queue.is_empty() && read_dirs < MAX_CALLED_MODULES {
        let mut candidates = Vec::new();
        for dir in std::mem::take(&mut queue) {
            if dir.starts_with("..") || !known.insert(dir.clone()) {
                continue;
            }
            read_dirs += 1;
            module_files(root, &dir, &mut candidates);
        }
        if candidates.is_empty() {
            break;
        }
        let more = read(candidates);
        wanted(&more, &mut queue);
        parsed.extend(more);
    }
    installed
}

/// Applies `f` to every item on up to `jobs` threads, each taking the next item when done
/// with one; the results come back in the items' order.
fn par_map<T: Send, R: Send>(items: Vec<T>, jobs: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let n = items.len();
    let jobs = jobs.clamp(1, n.max(1));
    if jobs == 1 {
        return items.into_iter().map(f).collect();
    }
    let queue = Mutex::new(items.into_iter().enumerate());
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                let mut local = Vec::new();
                loop {
                    let next = queue.lock().map(|mut q| q.next()).unwrap_or(None);
                    let Some((i, item)) = next else { break };
                    local.push((i, f(item)));
                }
                results
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(local);
            });
        }
    });
    let mut results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A share of the work after parsing: a root module to evaluate, or resources a plan or a
/// manifest already gave.
enum Work {
    Root(PathBuf, ModuleDir),
    Seen(Vec<Observed>),
}

/// What a share of the work gave.
#[derive(Default)]
struct Part {
    resources: Vec<Resource>,
    /// Per resource: the other resources its attributes point at, (attribute, address).
    refs: Vec<Vec<(String, String)>>,
    skipped: Vec<Skipped>,
    /// Module outputs and the resources they point at, in evaluation order.
    outputs: Vec<(String, Vec<String>)>,
    /// Provider types the modules declare.
    providers: Vec<String>,
}

/// Resources a plan or manifests give are resolved in shares of this many, in parallel.
const SEEN_SHARE: usize = 2048;

/// Puts parsed files together: modules evaluated, resources resolved and sorted. Root modules
/// are independent of one another: each is evaluated and resolved on its own thread.
fn assemble(
    parsed: Vec<Parsed>,
    mut skipped: Vec<Skipped>,
    mappings: &Mappings,
    catalog: &Catalog,
    jobs: usize,
    installed: &HashMap<PathBuf, HashMap<String, PathBuf>>,
) -> Inventory {
    let mut dirs: BTreeMap<PathBuf, ModuleDir> = BTreeMap::new();
    let mut observed = Vec::new();
    for parsed in parsed {
        match parsed {
            Parsed::Tf(dir, f) => dirs.entry(dir).or_default().files.push(f),
            Parsed::TfVars(dir, v) => dirs.entry(dir).or_default().tfvars.push(v),
            Parsed::Observed(o) => observed.extend(o),
            Parsed::Skipped(s) => skipped.push(s),
            Parsed::Nothing => {}
        }
    }
    dirs.retain(|_, m| !m.files.is_empty());
    // A root module is evaluated once, by one thread, which then frees its parsed files
    // (a million small allocations at 100 000 resources); called modules stay shared.
    let roots: Vec<(PathBuf, ModuleDir)> = terraform::roots(&dirs)
        .into_iter()
        .filter_map(|r| dirs.remove_entry(&r))
        .collect();

    let mut work = Vec::with_capacity(observed.len() / SEEN_SHARE + 1 + roots.len());
    // Each resource moved once (splitting off the rest again and again would copy it over and
    // over: quadratic for a large plan).
    let mut observed = observed.into_iter().peekable();
    while observed.peek().is_some() {
        work.push(Work::Seen(observed.by_ref().take(SEEN_SHARE).collect()));
    }
    work.extend(roots.into_iter().map(|(path, dir)| Work::Root(path, dir)));
    let parts = par_map(work, jobs, |w| {
        let mut part = Part::default();
        let mut observed = match w {
            Work::Seen(o) => o,
            Work::Root(path, dir) => {
                let mut eval = terraform::Evaluator {
                    dirs: &dirs,
                    root: (&path, &dir),
                    installed: installed.get(&path),
                    observed: Vec::new(),
                    skipped: Vec::new(),
                    outputs: Vec::new(),
                    providers: Vec::new(),
                };
                eval.run();
                part.skipped = eval.skipped;
                part.outputs = eval.outputs;
                part.providers = eval.providers;
                eval.observed
            }
        };
        part.refs = observed
            .iter_mut()
            .map(|o| std::mem::take(&mut o.refs))
            .collect();
        part.resources = observe::resolve_all(observed, mappings, catalog);
        part
    });
    join(parts, skipped, mappings)
}

/// Joins the parts in order, follows references through module outputs and sorts.
fn join(parts: Vec<Part>, mut skipped: Vec<Skipped>, mappings: &Mappings) -> Inventory {
    let total = parts.iter().map(|p| p.resources.len()).sum();
    let mut resources = Vec::with_capacity(total);
    let mut refs = Vec::with_capacity(total);
    let mut outputs: HashMap<String, Vec<String>> = HashMap::new();
    let mut declared: Vec<String> = Vec::new();
    for part in parts {
        resources.extend(part.resources);
        refs.extend(part.refs);
        skipped.extend(part.skipped);
        outputs.extend(part.outputs);
        declared.extend(part.providers);
    }
    // References through module outputs lead to the resources the outputs point at.
    if !outputs.is_empty() {
        for r in &mut refs {
            if r.iter().any(|(_, target)| outputs.contains_key(target)) {
                *r = std::mem::take(r)
                    .into_iter()
                    .flat_map(|(attr, target)| match outputs.get(&target) {
                        Some(targets) => {
                            targets.iter().map(|t| (attr.clone(), t.clone())).collect()
                        }
                        None => vec![(attr, target)],
                    })
                    .collect();
            }
        }
    }
    observe::places_through_references(&mut resources, &refs, mappings);
    resources.sort_by(|a, b| (&a.file, a.line, &a.address).cmp(&(&b.file, b.line, &b.address)));
    skipped.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let coverage = coverage(&resources, &skipped, &declared, mappings);
    Inventory {
        resources,
        skipped,
        coverage,
    }
}

/// How much the scan read and placed, and every provider accounted for.
fn coverage(
    resources: &[Resource],
    skipped: &[Skipped],
    declared: &[String],
    mappings: &Mappings,
) -> Coverage {
    let mut c = Coverage {
        resources: resources.len(),
        ..Coverage::default()
    };
    // A handful of providers: counted in a short list (no hashing per resource; resources of
    // one provider mostly follow one another).
    let mut per_provider: Vec<(&str, Hosts, usize)> = Vec::new();
    for r in resources {
        let at = match per_provider
            .iter()
            .rposition(|(name, _, _)| *name == r.provider.as_str())
        {
            Some(at) => at,
            None => {
                let hosts = mappings
                    .provider(&r.provider)
                    .map_or(Hosts::Offer, |p| p.hosts);
                per_provider.push((r.provider.as_str(), hosts, 0));
                per_provider.len() - 1
            }
        };
        let Some((_, hosts, n)) = per_provider.get_mut(at) else {
            continue;
        };
        *n += 1;
        if *hosts == Hosts::Nothing {
            continue;
        }
        c.hosting += 1;
        if r.offer.is_some() {
            c.with_offer += 1;
        }
        let region_known = r.region.is_some()
            && r.unplaced
                .as_ref()
                .is_none_or(|u| u.reason != UnplacedReason::RegionNotInCatalog);
        if region_known {
            c.with_region += 1;
        }
        if !r.placed() {
            let reason = r
                .unplaced
                .as_ref()
                .map_or(UnplacedReason::NotSet, |u| u.reason);
            *c.unplaced.entry(reason.as_str().to_owned()).or_insert(0) += 1;
        }
    }
    for s in skipped {
        *c.skipped.entry(s.kind.as_str().to_owned()).or_insert(0) += 1;
    }
    let mut counted: BTreeMap<String, usize> = per_provider
        .into_iter()
        .map(|(name, _, n)| (name.to_owned(), n))
        .fold(BTreeMap::new(), |mut m, (name, n)| {
            *m.entry(name).or_insert(0) += n;
            m
        });
    for name in declared {
        let name = mappings
            .provider(name)
            .map_or(name.as_str(), |p| p.name.as_str());
        counted.entry(name.to_owned()).or_insert(0);
    }
    c.providers = counted
        .into_iter()
        .map(|(name, n)| {
            let pm = mappings.provider(&name);
            let status = match pm.map(|p| p.hosts) {
                None => ProviderStatus::Unmapped,
                Some(Hosts::Nothing) => ProviderStatus::HostsNothing,
                Some(Hosts::Elsewhere) => ProviderStatus::Elsewhere,
                Some(Hosts::Offer) => {
                    if pm.is_some_and(|p| p.offer.is_some() || !p.rule.is_empty()) {
                        ProviderStatus::Mapped
                    } else {
                        ProviderStatus::Unmapped
                    }
                }
            };
            ProviderCoverage {
                offer: pm.and_then(|p| p.offer.clone()),
                name,
                status,
                resources: n,
            }
        })
        .collect();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_from_offsets() {
        let l = LineIndex::new("ab\ncd\n\nx");
        assert_eq!(l.line(0), 1);
        assert_eq!(l.line(3), 2);
        assert_eq!(l.line(6), 3);
        assert_eq!(l.line(7), 4);
    }
}
