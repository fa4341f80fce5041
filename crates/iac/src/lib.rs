//! Readers of infrastructure code — Terraform/OpenTofu (`.tf`, `.tf.json`), plans from
//! `terraform show -json`, Kubernetes manifests — into the engine's [`Inventory`]: each
//! resource with its provider, catalog offer, region, zones, file and line.
//!
//! Files are read and parsed in parallel, each reduced at once to the declarations the scan
//! needs. What cannot be read (invalid syntax, binary, too large, unreadable, a link to a
//! directory) is listed in [`Inventory::skipped`] and the rest of the tree is still scanned.

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
use nuage_doctrine::{Inventory, Resource, Skipped};

pub use mapping::{
    MappingError, Mappings, MultiZone, OfferRule, ProviderMapping, Scalar, TypeMapping,
    ZoneToRegion,
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

fn walk(root: &Path, rel: &Path, out: &mut Vec<Candidate>, skipped: &mut Vec<Skipped>) {
    let dir = root.join(rel);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            skipped.push(Skipped {
                path: display(rel),
                line: None,
                reason: format!("directory not readable: {e}"),
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel_path = rel.join(&name);
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(m) if m.is_dir() => {
                    skipped.push(Skipped {
                        path: display(&rel_path),
                        line: None,
                        reason: "symbolic link to a directory, not followed (it could loop)".into(),
                    });
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    skipped.push(Skipped {
                        path: display(&rel_path),
                        line: None,
                        reason: format!("broken symbolic link: {e}"),
                    });
                    continue;
                }
            }
        } else if ft.is_dir() {
            if !ignored_dir(&name) {
                walk(root, &rel_path, out, skipped);
            }
            continue;
        }
        if let Some(kind) = kind_of(&name) {
            out.push(Candidate {
                path: entry.path(),
                display: display(&rel_path),
                dir: rel.to_path_buf(),
                kind,
            });
        }
    }
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
            skipped: vec![Skipped {
                path: name.to_owned(),
                line: None,
                reason: "not infrastructure code (.tf, .tf.json, .tfvars, plan .json, .yaml)"
                    .into(),
            }],
        };
    };
    assemble(
        vec![parse_text(kind, name, Path::new(""), text, mappings)],
        Vec::new(),
        mappings,
        catalog,
        1,
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
                }),
            }
        }
        Err(e) => skipped.push(Skipped {
            path: display(root),
            line: None,
            reason: format!("not readable: {e}"),
        }),
    }
    if let Some(p) = progress {
        p.files_total.store(candidates.len(), Ordering::Relaxed);
    }

    let parsed = par_map(candidates.iter().collect(), opts.jobs, |c| {
        let p = read_candidate(c, opts, mappings);
        if let Some(p) = progress {
            p.files_done.fetch_add(1, Ordering::Relaxed);
        }
        p
    });
    assemble(parsed, skipped, mappings, catalog, opts.jobs)
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
                    observed: Vec::new(),
                    skipped: Vec::new(),
                    outputs: Vec::new(),
                };
                eval.run();
                part.skipped = eval.skipped;
                part.outputs = eval.outputs;
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
    for part in parts {
        resources.extend(part.resources);
        refs.extend(part.refs);
        skipped.extend(part.skipped);
        outputs.extend(part.outputs);
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
    observe::zones_through_references(&mut resources, &refs, mappings);
    resources.sort_by(|a, b| (&a.file, a.line, &a.address).cmp(&(&b.file, b.line, &b.address)));
    skipped.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Inventory { resources, skipped }
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
