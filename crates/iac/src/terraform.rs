//! Terraform and OpenTofu configuration: `.tf` (HCL, parsed with hcl-edit for positions) and
//! `.tf.json`. Each file is reduced at once to what the scan needs (declarations and
//! expressions); modules are then evaluated from the roots, with variables (defaults,
//! `terraform.tfvars`, `*.auto.tfvars`, module arguments), locals, providers and their aliases.
//! An expression that cannot be computed statically (a function call, a reference to another
//! resource's attribute) is *unknown*, never guessed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use hcl::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::Span;
use nuage_doctrine::{SkipKind, Skipped, SourceKind, Unplaced};

use crate::LineIndex;
use crate::eval;
use crate::hcl_fast;
use crate::mapping::Wanted;
use crate::observe::{Attrs, Observed, Val};

/// A provider block.
#[derive(Debug, Clone)]
pub struct ProviderDecl {
    pub local: String,
    pub alias: Option<String>,
    pub attrs: Vec<(String, Expression)>,
}

/// A resource block, reduced.
#[derive(Debug, Clone)]
pub struct ResourceDecl {
    pub kind: String,
    pub name: String,
    pub file: String,
    pub line: u32,
    pub provider_ref: Option<String>,
    pub repeated: Option<String>,
    /// Attributes, nested blocks flattened to dotted paths.
    pub attrs: Vec<(String, Expression)>,
}

/// A module call.
#[derive(Debug, Clone)]
pub struct ModuleDecl {
    pub name: String,
    pub file: String,
    pub line: u32,
    pub source: Option<String>,
    pub args: Vec<(String, Expression)>,
    /// `providers = { aws = aws.paris }`: child key → parent key.
    pub providers: Vec<(String, String)>,
}

/// What one configuration file declares.
#[derive(Debug, Clone, Default)]
pub struct TfFile {
    pub variables: Vec<(String, Option<Expression>)>,
    pub locals: Vec<(String, Expression)>,
    pub providers: Vec<ProviderDecl>,
    /// `required_providers`: local name → provider type (`outscale/outscale` → `outscale`).
    pub required: Vec<(String, String)>,
    pub resources: Vec<ResourceDecl>,
    pub modules: Vec<ModuleDecl>,
    /// `output "x" { value = … }`: what a module exposes to its caller.
    pub outputs: Vec<(String, Expression)>,
}

/// `var.x = value` lines of a `.tfvars` file.
#[derive(Debug, Clone, Default)]
pub struct TfVars(pub Vec<(String, Expression)>);

fn traversal_text(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(v) => Some(v.to_string()),
        Expression::Traversal(t) => {
            let mut s = traversal_text(&t.expr)?;
            for op in &t.operators {
                if let TraversalOperator::GetAttr(id) = op {
                    s.push('.');
                    s.push_str(id.as_str());
                }
            }
            Some(s)
        }
        Expression::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn flatten_body(prefix: &str, body: &hcl::Body, out: &mut Vec<(String, Expression)>) {
    for attr in body.attributes() {
        out.push((format!("{prefix}{}", attr.key()), attr.expr().clone()));
    }
    for block in body.blocks() {
        let p = format!("{prefix}{}.", block.identifier());
        flatten_body(&p, block.body(), out);
    }
}

fn label(block: &hcl::Block, i: usize) -> Option<String> {
    block.labels().get(i).map(|l| l.as_str().to_owned())
}

impl TfFile {
    fn push_resource(
        &mut self,
        file: &str,
        kind: String,
        name: String,
        line: u32,
        attrs: Vec<(String, Expression)>,
    ) {
        let provider_ref = attrs
            .iter()
            .find(|(k, _)| k == "provider")
            .and_then(|(_, e)| traversal_text(e));
        let repeated = ["count", "for_each"]
            .into_iter()
            .find(|k| attrs.iter().any(|(a, _)| a == k))
            .map(str::to_owned);
        self.resources.push(ResourceDecl {
            kind,
            name,
            file: file.to_owned(),
            line,
            provider_ref,
            repeated,
            attrs,
        });
    }

    fn add_block(&mut self, file: &str, block: hcl::Block, line: u32) {
        match block.identifier() {
            "resource" => {
                let (Some(kind), Some(name)) = (label(&block, 0), label(&block, 1)) else {
                    return;
                };
                let mut attrs = Vec::new();
                flatten_body("", block.body(), &mut attrs);
                self.push_resource(file, kind, name, line, attrs);
            }
            "provider" => {
                let Some(local) = label(&block, 0) else {
                    return;
                };
                let mut attrs = Vec::new();
                flatten_body("", block.body(), &mut attrs);
                let alias = attrs
                    .iter()
                    .find(|(k, _)| k == "alias")
                    .and_then(|(_, e)| traversal_text(e));
                self.providers.push(ProviderDecl {
                    local,
                    alias,
                    attrs,
                });
            }
            "variable" => {
                let Some(name) = label(&block, 0) else { return };
                let default = block
                    .body()
                    .attributes()
                    .find(|a| a.key() == "default")
                    .map(|a| a.expr().clone());
                self.variables.push((name, default));
            }
            "output" => {
                let Some(name) = label(&block, 0) else { return };
                if let Some(v) = block.body().attributes().find(|a| a.key() == "value") {
                    self.outputs.push((name, v.expr().clone()));
                }
            }
            "locals" => {
                for a in block.body().attributes() {
                    self.locals.push((a.key().to_owned(), a.expr().clone()));
                }
            }
            "module" => {
                let Some(name) = label(&block, 0) else { return };
                let mut source = None;
                let mut args = Vec::new();
                let mut providers = Vec::new();
                for a in block.body().attributes() {
                    match a.key() {
                        "source" => source = traversal_text(a.expr()),
                        "providers" => {
                            if let Expression::Object(obj) = a.expr() {
                                for (k, v) in obj {
                                    let key = match k {
                                        ObjectKey::Identifier(id) => id.to_string(),
                                        ObjectKey::Expression(e) => {
                                            traversal_text(e).unwrap_or_default()
                                        }
                                        _ => continue,
                                    };
                                    if let Some(parent) = traversal_text(v) {
                                        providers.push((key, parent));
                                    }
                                }
                            }
                        }
                        "version" | "count" | "for_each" | "depends_on" => {}
                        k => args.push((k.to_owned(), a.expr().clone())),
                    }
                }
                self.modules.push(ModuleDecl {
                    name,
                    file: file.to_owned(),
                    line,
                    source,
                    args,
                    providers,
                });
            }
            "terraform" => {
                for rp in block
                    .body()
                    .blocks()
                    .filter(|b| b.identifier() == "required_providers")
                {
                    for a in rp.body().attributes() {
                        let kind = match a.expr() {
                            Expression::Object(obj) => obj.iter().find_map(|(k, v)| {
                                let is_source = matches!(k, ObjectKey::Identifier(id) if id.as_str() == "source");
                                if is_source { traversal_text(v) } else { None }
                            }),
                            Expression::String(s) => Some(s.clone()),
                            _ => None,
                        };
                        if let Some(source) = kind {
                            let kind = source.rsplit('/').next().unwrap_or(&source).to_owned();
                            self.required.push((a.key().to_owned(), kind));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Keeps a resource body's wanted attributes, nested blocks flattened to dotted paths, straight
/// from hcl-edit's tree (no conversion of what is not read).
fn wanted_attributes(
    prefix: &str,
    body: &hcl_edit::structure::Body,
    wanted: &Wanted,
    out: &mut Vec<(String, Expression)>,
) {
    for s in body.iter() {
        match s {
            hcl_edit::structure::Structure::Attribute(a) => {
                let key = a.key.as_str();
                let path = if prefix.is_empty() {
                    key.to_owned()
                } else {
                    format!("{prefix}.{key}")
                };
                if wanted.attribute(&path) {
                    out.push((path, a.value.clone().into()));
                }
            }
            hcl_edit::structure::Structure::Block(b) => {
                let key = b.ident.as_str();
                let path = if prefix.is_empty() {
                    key.to_owned()
                } else {
                    format!("{prefix}.{key}")
                };
                if wanted.block(&path) {
                    wanted_attributes(&path, &b.body, wanted, out);
                }
            }
        }
    }
}

/// Line numbers for increasing offsets, counted as the reader moves forward.
struct LineCounter<'t> {
    text: &'t [u8],
    pos: usize,
    line: u32,
}

impl LineCounter<'_> {
    fn at(&mut self, offset: usize) -> u32 {
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let end = offset.min(self.text.len());
        let newlines = self
            .text
            .get(self.pos..end)
            .map_or(0, |s| s.iter().filter(|b| **b == b'\n').count());
        self.line = self
            .line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.pos = end;
        self.line
    }
}

/// Keeps a resource body's wanted attributes, nested blocks flattened to dotted paths, from
/// the fast reader's items: the same list as [`wanted_attributes`] makes from hcl-edit's tree.
fn wanted_items(
    prefix: &str,
    items: Vec<hcl_fast::Item<'_>>,
    wanted: &Wanted,
    out: &mut Vec<(String, Expression)>,
) {
    for item in items {
        let (key, expr, body) = match item {
            hcl_fast::Item::Attr(key, expr) => (key, Some(expr), None),
            hcl_fast::Item::Block { ident, body, .. } => (ident, None, Some(body)),
        };
        let path = if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        };
        match (expr, body) {
            (Some(expr), _) if wanted.attribute(&path) => out.push((path, expr)),
            (_, Some(body)) if wanted.block(&path) => wanted_items(&path, body, wanted, out),
            _ => {}
        }
    }
}

/// Reads a `.tf` file; resource bodies keep only the attributes in `wanted`. The fast reader
/// is tried first; a file it does not fully understand is read by hcl-edit, which gives the
/// same declarations (and, for invalid files, the precise error).
pub fn parse_hcl(path: &str, text: &str, wanted: &Wanted) -> Result<TfFile, Skipped> {
    match hcl_fast::read(text) {
        Some(items) => Ok(file_from_items(path, items, wanted)),
        None => parse_hcl_edit(path, text, wanted),
    }
}

fn file_from_items(path: &str, items: Vec<hcl_fast::Item<'_>>, wanted: &Wanted) -> TfFile {
    let mut file = TfFile::default();
    for item in items {
        let hcl_fast::Item::Block {
            ident,
            labels,
            line,
            body,
        } = item
        else {
            continue;
        };
        if ident == "resource" {
            let label = |i: usize| labels.get(i).map(|l| hcl_fast::label_str(l).to_owned());
            let (Some(kind), Some(name)) = (label(0), label(1)) else {
                continue;
            };
            let mut attrs = Vec::new();
            wanted_items("", body, wanted, &mut attrs);
            file.push_resource(path, kind, name, line, attrs);
        } else {
            file.add_block(path, hcl_fast::to_block(ident, labels, body), line);
        }
    }
    file
}

/// Reads a `.tf` file with hcl-edit.
pub(crate) fn parse_hcl_edit(path: &str, text: &str, wanted: &Wanted) -> Result<TfFile, Skipped> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| Skipped {
        path: path.to_owned(),
        line: u32::try_from(e.location().line()).ok(),
        reason: format!(
            "invalid HCL at line {}, column {}: {}",
            e.location().line(),
            e.location().column(),
            e.message()
        ),
        kind: SkipKind::Syntax,
    })?;
    let mut lines = LineCounter {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut file = TfFile::default();
    for structure in body {
        if let hcl_edit::structure::Structure::Block(block) = structure {
            let line = block.span().map_or(1, |s| lines.at(s.start));
            if block.ident.as_str() == "resource" {
                let label = |i: usize| block.labels.get(i).map(|l| l.as_str().to_owned());
                let (Some(kind), Some(name)) = (label(0), label(1)) else {
                    continue;
                };
                let mut attrs = Vec::new();
                wanted_attributes("", &block.body, wanted, &mut attrs);
                file.push_resource(path, kind, name, line, attrs);
            } else {
                file.add_block(path, block.into(), line);
            }
        }
    }
    Ok(file)
}

/// Reads a `.tfvars` file (HCL attributes).
pub fn parse_tfvars(path: &str, text: &str) -> Result<TfVars, Skipped> {
    let body = hcl::parse(text).map_err(|e| Skipped {
        path: path.to_owned(),
        line: None,
        reason: format!("invalid HCL: {e}"),
        kind: SkipKind::Syntax,
    })?;
    Ok(TfVars(
        body.attributes()
            .map(|a| (a.key().to_owned(), a.expr().clone()))
            .collect(),
    ))
}

/// A JSON value as an HCL expression; strings are templates, as in Terraform's JSON syntax.
fn json_expr(v: &serde_json::Value) -> Expression {
    match v {
        serde_json::Value::Null => Expression::Null,
        serde_json::Value::Bool(b) => Expression::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_f64()
            .and_then(hcl::Number::from_f64)
            .map_or(Expression::Null, Expression::Number),
        serde_json::Value::String(s) => {
            if s.contains("${") {
                serde_json::to_string(s)
                    .ok()
                    .and_then(|quoted| quoted.parse::<Expression>().ok())
                    .unwrap_or_else(|| Expression::String(s.clone()))
            } else {
                Expression::String(s.clone())
            }
        }
        serde_json::Value::Array(items) => Expression::Array(items.iter().map(json_expr).collect()),
        serde_json::Value::Object(map) => {
            let mut obj = hcl::Object::new();
            for (k, v) in map {
                obj.insert(ObjectKey::from(k.as_str()), json_expr(v));
            }
            Expression::Object(obj)
        }
    }
}

fn flatten_json(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, Expression)>) {
    if let serde_json::Value::Object(map) = v {
        for (k, v) in map {
            let path = format!("{prefix}{k}");
            match v {
                serde_json::Value::Object(_) => flatten_json(&format!("{path}."), v, out),
                serde_json::Value::Array(items)
                    if items.first().is_some_and(serde_json::Value::is_object) =>
                {
                    if let Some(first) = items.first() {
                        flatten_json(&format!("{path}."), first, out);
                    }
                }
                _ => {}
            }
            out.push((path, json_expr(v)));
        }
    }
}

/// The line where `"key"` first appears at or after `from`, and the offset found.
fn find_key(text: &str, lines: &LineIndex, key: &str, from: usize) -> (u32, usize) {
    let needle = format!("\"{key}\"");
    match text.get(from..).and_then(|t| t.find(&needle)) {
        Some(i) => (lines.line(from + i), from + i),
        None => (1, from),
    }
}

fn entries(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// Reads a `.tf.json` file.
pub fn parse_tf_json(path: &str, text: &str) -> Result<TfFile, Skipped> {
    let root: serde_json::Value = serde_json::from_str(text).map_err(|e| Skipped {
        path: path.to_owned(),
        line: u32::try_from(e.line()).ok(),
        reason: format!(
            "invalid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ),
        kind: SkipKind::Syntax,
    })?;
    let lines = LineIndex::new(text);
    let mut file = TfFile::default();
    let str_of = |e: &Expression| traversal_text(e);
    if let Some(resources) = root.get("resource").and_then(|r| r.as_object()) {
        for (kind, by_name) in resources {
            let (_, at) = find_key(text, &lines, kind, 0);
            for (name, body) in by_name.as_object().into_iter().flatten() {
                let (line, _) = find_key(text, &lines, name, at);
                for body in entries(body) {
                    let mut attrs = Vec::new();
                    flatten_json("", body, &mut attrs);
                    let provider_ref = attrs
                        .iter()
                        .find(|(k, _)| k == "provider")
                        .and_then(|(_, e)| str_of(e));
                    let repeated = ["count", "for_each"]
                        .into_iter()
                        .find(|k| attrs.iter().any(|(a, _)| a == k))
                        .map(str::to_owned);
                    file.resources.push(ResourceDecl {
                        kind: kind.clone(),
                        name: name.clone(),
                        file: path.to_owned(),
                        line,
                        provider_ref,
                        repeated,
                        attrs,
                    });
                }
            }
        }
    }
    if let Some(providers) = root.get("provider").and_then(|p| p.as_object()) {
        for (local, configs) in providers {
            for cfg in entries(configs) {
                let mut attrs = Vec::new();
                flatten_json("", cfg, &mut attrs);
                let alias = attrs
                    .iter()
                    .find(|(k, _)| k == "alias")
                    .and_then(|(_, e)| str_of(e));
                file.providers.push(ProviderDecl {
                    local: local.clone(),
                    alias,
                    attrs,
                });
            }
        }
    }
    if let Some(outputs) = root.get("output").and_then(|o| o.as_object()) {
        for (name, decl) in outputs {
            if let Some(v) = decl.get("value") {
                file.outputs.push((name.clone(), json_expr(v)));
            }
        }
    }
    if let Some(vars) = root.get("variable").and_then(|v| v.as_object()) {
        for (name, decl) in vars {
            file.variables
                .push((name.clone(), decl.get("default").map(json_expr)));
        }
    }
    for locals in root.get("locals").map(entries).into_iter().flatten() {
        for (k, v) in locals.as_object().into_iter().flatten() {
            file.locals.push((k.clone(), json_expr(v)));
        }
    }
    if let Some(modules) = root.get("module").and_then(|m| m.as_object()) {
        for (name, body) in modules {
            let (line, _) = find_key(text, &lines, name, 0);
            let mut decl = ModuleDecl {
                name: name.clone(),
                file: path.to_owned(),
                line,
                source: None,
                args: Vec::new(),
                providers: Vec::new(),
            };
            for (k, v) in body.as_object().into_iter().flatten() {
                match k.as_str() {
                    "source" => decl.source = v.as_str().map(str::to_owned),
                    "providers" => {
                        for (ck, pv) in v.as_object().into_iter().flatten() {
                            if let Some(p) = pv.as_str() {
                                decl.providers.push((ck.clone(), p.to_owned()));
                            }
                        }
                    }
                    "version" | "count" | "for_each" | "depends_on" => {}
                    _ => decl.args.push((k.clone(), json_expr(v))),
                }
            }
            file.modules.push(decl);
        }
    }
    for tf in root.get("terraform").map(entries).into_iter().flatten() {
        for (local, req) in tf
            .get("required_providers")
            .and_then(|r| r.as_object())
            .into_iter()
            .flatten()
        {
            let source = req
                .get("source")
                .and_then(|s| s.as_str())
                .or_else(|| req.as_str());
            if let Some(source) = source {
                let kind = source.rsplit('/').next().unwrap_or(source).to_owned();
                file.required.push((local.clone(), kind));
            }
        }
    }
    Ok(file)
}

/// A provider configuration as resources see it.
#[derive(Debug, Clone)]
struct ProviderConfig {
    kind: String,
    attrs: std::sync::Arc<Attrs>,
    /// Why each unknown attribute is unknown.
    why: std::sync::Arc<Vec<(String, Unplaced)>>,
}

/// A module directory: its files, and where its module calls point.
#[derive(Debug, Default)]
pub struct ModuleDir {
    pub files: Vec<TfFile>,
    pub tfvars: Vec<TfVars>,
}

impl ModuleDir {
    fn required(&self) -> HashMap<&str, &str> {
        self.files
            .iter()
            .flat_map(|f| f.required.iter())
            .map(|(l, k)| (l.as_str(), k.as_str()))
            .collect()
    }
}

/// Where a local module call leads.
pub fn local_module_dir(dir: &Path, source: &str) -> Option<PathBuf> {
    (source.starts_with("./") || source.starts_with("../")).then(|| normalize(&dir.join(source)))
}

/// `a/b/../c` → `a/c`, without touching the file system (no symbolic link resolution).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Root modules: directories with configuration that no other module calls.
pub fn roots(dirs: &BTreeMap<PathBuf, ModuleDir>) -> Vec<PathBuf> {
    let mut called = HashSet::new();
    for (dir, m) in dirs {
        for f in &m.files {
            for call in &f.modules {
                if let Some(child) = call
                    .source
                    .as_deref()
                    .and_then(|s| local_module_dir(dir, s))
                    && child != *dir
                {
                    called.insert(child);
                }
            }
        }
    }
    dirs.keys()
        .filter(|d| !called.contains(*d) && !installed_module(d))
        .cloned()
        .collect()
}

/// A module `terraform init` installed (under `.terraform/modules`) or a vendored one: only
/// evaluated when a module calls it.
pub fn installed_module(dir: &Path) -> bool {
    dir.components()
        .any(|c| matches!(c.as_os_str().to_str(), Some(".terraform" | "vendor")))
}

/// Evaluates the configuration: every root module and the local modules it calls.
pub struct Evaluator<'a> {
    /// The modules that other modules call.
    pub dirs: &'a BTreeMap<PathBuf, ModuleDir>,
    /// The root module being evaluated (no other module calls it, so it is not in `dirs`).
    pub root: (&'a Path, &'a ModuleDir),
    /// Modules `terraform init` installed for this root: module key (`vpc`, `vpc.subnets`) →
    /// directory.
    pub installed: Option<&'a HashMap<String, PathBuf>>,
    pub observed: Vec<Observed>,
    pub skipped: Vec<Skipped>,
    /// `module.network.subnet_a` → the resources its value points at, in evaluation order.
    pub outputs: Vec<(String, Vec<String>)>,
    /// Provider types the modules declare (`required_providers`, provider blocks).
    pub providers: Vec<String>,
}

const MAX_DEPTH: usize = 16;

/// What a module call passes to the called module.
struct Call {
    args: HashMap<String, Val>,
    why: HashMap<String, Unplaced>,
    refs: HashMap<String, Vec<String>>,
}

/// An address relative to a module, or whole when marked (see [`eval::references`]).
fn qualified(prefix: &str, target: &str) -> String {
    match target.strip_prefix('=') {
        Some(whole) => whole.to_owned(),
        None => format!("{prefix}{target}"),
    }
}

impl<'a> Evaluator<'a> {
    /// Evaluates the root module and the local modules it calls.
    pub fn run(&mut self) {
        let root = self.root.0;
        let mut stack = vec![root.to_path_buf()];
        self.module(root, "", "", HashMap::new(), None, &mut stack);
        self.providers.sort();
        self.providers.dedup();
    }

    fn dir(&self, path: &Path) -> Option<&'a ModuleDir> {
        if path == self.root.0 {
            Some(self.root.1)
        } else {
            self.dirs.get(path)
        }
    }

    #[allow(
        clippy::too_many_lines,
        reason = "a module walk reads its blocks in one place"
    )]
    fn module(
        &mut self,
        dir: &Path,
        prefix: &str,
        key: &str,
        inherited: HashMap<String, ProviderConfig>,
        call: Option<Call>,
        stack: &mut Vec<PathBuf>,
    ) {
        let Some(m) = self.dir(dir) else { return };
        // Variables: defaults, then tfvars (root) or the caller's arguments.
        let mut scope = eval::Scope::new();
        {
            let empty = eval::Scope::new();
            for f in &m.files {
                for (name, default) in &f.variables {
                    if let Some(e) = default {
                        scope.vars.insert(name.clone(), eval::value(e, &empty));
                    }
                }
            }
            match call {
                Some(call) => {
                    scope.vars.extend(call.args);
                    scope.var_why = call.why;
                    scope.var_refs = call.refs;
                }
                None => {
                    for tv in &m.tfvars {
                        for (k, e) in &tv.0 {
                            scope.vars.insert(k.clone(), eval::value(e, &empty));
                        }
                    }
                }
            }
        }
        // Locals may refer to each other: evaluated until nothing changes.
        let locals: Vec<&(String, Expression)> =
            m.files.iter().flat_map(|f| f.locals.iter()).collect();
        scope.resolve_locals(&locals);
        let required = m.required();
        self.providers
            .extend(required.values().map(|k| (*k).to_owned()));

        // Providers: inherited defaults, then this module's own blocks.
        let mut providers = inherited;
        for f in &m.files {
            for p in &f.providers {
                let key = match &p.alias {
                    Some(alias) => format!("{}.{alias}", p.local),
                    None => p.local.clone(),
                };
                let kind = required
                    .get(p.local.as_str())
                    .map_or_else(|| p.local.clone(), |k| (*k).to_owned());
                self.providers.push(kind.clone());
                let mut why = Vec::new();
                let attrs: Attrs = p
                    .attrs
                    .iter()
                    .map(|(k, e)| {
                        let v = eval::value(e, &scope);
                        if v == Val::Unknown {
                            why.push((k.clone(), eval::why(e, &scope)));
                        }
                        (k.clone(), v)
                    })
                    .collect();
                providers.insert(
                    key,
                    ProviderConfig {
                        kind,
                        attrs: std::sync::Arc::new(attrs),
                        why: std::sync::Arc::new(why),
                    },
                );
            }
        }

        // Resources.
        for f in &m.files {
            for r in &f.resources {
                let local = match &r.provider_ref {
                    Some(p) => p.split('.').next().unwrap_or(p).to_owned(),
                    None => r.kind.split('_').next().unwrap_or(&r.kind).to_owned(),
                };
                let key = r.provider_ref.clone().unwrap_or_else(|| local.clone());
                let config = providers.get(&key).or_else(|| providers.get(&local));
                let kind = config.map_or_else(
                    || {
                        required
                            .get(local.as_str())
                            .map_or_else(|| local.clone(), |k| (*k).to_owned())
                    },
                    |c| c.kind.clone(),
                );
                let mut o = Observed::new(
                    format!("{prefix}{}.{}", r.kind, r.name),
                    r.kind.clone(),
                    kind,
                    r.file.clone(),
                    r.line,
                    SourceKind::Terraform,
                );
                if r.file.ends_with(".json") {
                    o.source = SourceKind::TerraformJson;
                }
                o.provider_config_name = r.provider_ref.clone();
                if let Some(c) = config {
                    o.provider_attrs = c.attrs.clone();
                    o.provider_why = Some(c.why.clone());
                    o.provider_block = true;
                }
                o.repeated = r.repeated.clone();
                for (k, e) in &r.attrs {
                    if matches!(
                        k.as_str(),
                        "provider" | "count" | "for_each" | "depends_on" | "lifecycle"
                    ) {
                        continue;
                    }
                    let v = eval::value(e, &scope);
                    if v.has_unknown() {
                        for target in eval::references(e, &scope) {
                            o.refs.push((k.clone(), qualified(prefix, &target)));
                        }
                        o.why.push((k.clone(), eval::why(e, &scope)));
                    }
                    o.attrs.insert(k.clone(), v);
                }
                self.observed.push(o);
            }
        }

        // Outputs: what resources they point at, for references through modules.
        for f in &m.files {
            for (name, expr) in &f.outputs {
                let targets: Vec<String> = eval::references(expr, &scope)
                    .into_iter()
                    .map(|t| qualified(prefix, &t))
                    .collect();
                if !targets.is_empty() {
                    self.outputs.push((format!("{prefix}{name}"), targets));
                }
            }
        }

        // Called modules: local sources, and remote ones `terraform init` installed.
        for f in &m.files {
            for call in &f.modules {
                let Some(source) = &call.source else { continue };
                let child_key = if key.is_empty() {
                    call.name.clone()
                } else {
                    format!("{key}.{}", call.name)
                };
                let child = match local_module_dir(dir, source) {
                    Some(child) => child,
                    None => match self.installed.and_then(|i| i.get(&child_key)) {
                        Some(installed) => installed.clone(),
                        None => {
                            self.skipped.push(Skipped {
                                path: call.file.clone(),
                                line: Some(call.line),
                                reason: format!("module \"{}\": remote source `{source}` not installed here (run `terraform init`, whose .terraform/modules Nuage then reads, or scan a plan, or vendor the module)", call.name),
                                kind: SkipKind::RemoteModule,
                            });
                            continue;
                        }
                    },
                };
                if self.dir(&child).is_none() {
                    self.skipped.push(Skipped {
                        path: call.file.clone(),
                        line: Some(call.line),
                        reason: format!("module \"{}\": no configuration in `{source}`", call.name),
                        kind: SkipKind::BrokenModule,
                    });
                    continue;
                }
                if stack.contains(&child) || stack.len() >= MAX_DEPTH {
                    self.skipped.push(Skipped {
                        path: call.file.clone(),
                        line: Some(call.line),
                        reason: format!(
                            "module \"{}\": `{source}` calls itself or nests too deep",
                            call.name
                        ),
                        kind: SkipKind::BrokenModule,
                    });
                    continue;
                }
                let mut passed = Call {
                    args: HashMap::new(),
                    why: HashMap::new(),
                    refs: HashMap::new(),
                };
                for (k, e) in &call.args {
                    let v = eval::value(e, &scope);
                    if v.has_unknown() {
                        passed.why.insert(k.clone(), eval::why(e, &scope));
                        let refs: Vec<String> = eval::references(e, &scope)
                            .into_iter()
                            .map(|t| qualified(prefix, &t))
                            .collect();
                        if !refs.is_empty() {
                            passed.refs.insert(k.clone(), refs);
                        }
                    }
                    passed.args.insert(k.clone(), v);
                }
                let mut child_providers: HashMap<String, ProviderConfig> = providers
                    .iter()
                    .filter(|(k, _)| !k.contains('.'))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (child_key, parent_key) in &call.providers {
                    if let Some(cfg) = providers.get(parent_key) {
                        child_providers.insert(child_key.clone(), cfg.clone());
                    }
                }
                stack.push(child.clone());
                let child_prefix = format!("{prefix}module.{}.", call.name);
                self.module(
                    &child,
                    &child_prefix,
                    &child_key,
                    child_providers,
                    Some(passed),
                    stack,
                );
                stack.pop();
            }
        }
    }
}
