//! Partial evaluation of Terraform expressions: what can be known statically is computed, the
//! rest is [`Val::Unknown`] with the reason, never guessed. An object or a list with one
//! unknown part keeps its known parts; a conditional whose condition is known takes its branch;
//! a few pure functions (`lower`, `coalesce`, `try`, `lookup`, `merge`…) are applied.

use std::collections::HashMap;

use hcl::eval::{Context, Evaluate};
use hcl::{Expression, ObjectKey, TraversalOperator};
use nuage_doctrine::{Unplaced, UnplacedReason};

use crate::observe::Val;

/// How deep reasons and references are followed through locals.
const MAX_FOLLOW: u8 = 8;

/// The values of one module instance.
pub struct Scope<'e> {
    pub vars: HashMap<String, Val>,
    /// Why a variable the caller passed is unknown (the caller's reason).
    pub var_why: HashMap<String, Unplaced>,
    /// The resources a variable's value points at in the caller (`subnet_id = aws_subnet.a.id`).
    pub var_refs: HashMap<String, Vec<String>>,
    pub locals: HashMap<String, Val>,
    pub local_exprs: HashMap<&'e str, &'e Expression>,
    /// The known parts, for expressions handed to hcl's evaluator (templates, operations).
    pub ctx: Context<'static>,
}

impl<'e> Scope<'e> {
    pub fn new() -> Self {
        Scope {
            vars: HashMap::new(),
            var_why: HashMap::new(),
            var_refs: HashMap::new(),
            locals: HashMap::new(),
            local_exprs: HashMap::new(),
            ctx: Context::new(),
        }
    }

    /// Rebuilds the context of known parts after variables or locals changed.
    pub fn refresh(&mut self) {
        let mut ctx = Context::new();
        ctx.declare_var("var", hcl::Value::Object(known_map(&self.vars)));
        ctx.declare_var("local", hcl::Value::Object(known_map(&self.locals)));
        self.ctx = ctx;
    }

    /// Evaluates the locals, which may refer to one another, until nothing changes.
    pub fn resolve_locals(&mut self, locals: &[&'e (String, Expression)]) {
        for (name, expr) in locals.iter().copied() {
            self.local_exprs.insert(name.as_str(), expr);
        }
        if locals.is_empty() {
            self.refresh();
            return;
        }
        for _ in 0..=locals.len().min(32) {
            self.refresh();
            let mut changed = false;
            for (name, expr) in locals.iter().copied() {
                let v = value(expr, self);
                if self.locals.get(name) != Some(&v) {
                    self.locals.insert(name.clone(), v);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        self.refresh();
    }
}

fn known_map(m: &HashMap<String, Val>) -> hcl::Map<String, hcl::Value> {
    m.iter()
        .filter_map(|(k, v)| Some((k.clone(), known(v)?)))
        .collect()
}

/// The known parts of a value as an HCL value (`None` when nothing is known).
fn known(v: &Val) -> Option<hcl::Value> {
    Some(match v {
        Val::Null => hcl::Value::Null,
        Val::Bool(b) => hcl::Value::Bool(*b),
        // Whole numbers stay integers (`"${var.n}"` is "2", not "2.0").
        Val::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            hcl::Value::Number(hcl::Number::from(*n as i64))
        }
        Val::Num(n) => hcl::Value::Number(hcl::Number::from_f64(*n)?),
        Val::Str(s) => hcl::Value::String(s.clone()),
        Val::List(items) => hcl::Value::Array(items.iter().map(known).collect::<Option<_>>()?),
        Val::Map(entries) => hcl::Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), known(v)?)))
                .collect(),
        ),
        Val::Unknown => return None,
    })
}

/// An HCL value in the scanner's terms.
pub fn val_of(v: &hcl::Value) -> Val {
    match v {
        hcl::Value::Null => Val::Null,
        hcl::Value::Bool(b) => Val::Bool(*b),
        hcl::Value::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
        hcl::Value::String(s) => Val::Str(s.clone()),
        hcl::Value::Array(items) => Val::List(items.iter().map(val_of).collect()),
        hcl::Value::Object(map) => {
            Val::Map(map.iter().map(|(k, v)| (k.clone(), val_of(v))).collect())
        }
    }
}

fn key_text(k: &ObjectKey, s: &Scope<'_>) -> Option<String> {
    match k {
        ObjectKey::Identifier(id) => Some(id.to_string()),
        ObjectKey::Expression(e) => match value(e, s) {
            Val::Str(t) => Some(t),
            _ => match e {
                Expression::Variable(v) => Some(v.to_string()),
                _ => None,
            },
        },
        _ => None,
    }
}

fn attr<'v>(v: &'v Val, key: &str) -> Option<&'v Val> {
    match v {
        Val::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
        Val::Unknown => Some(v),
        _ => None,
    }
}

fn index<'v>(v: &'v Val, i: &Val) -> Option<&'v Val> {
    match (v, i) {
        (Val::Unknown, _) => Some(v),
        (Val::List(items), Val::Num(n)) if *n >= 0.0 && n.fract() == 0.0 => {
            items.get(usize::try_from(*n as u64).ok()?)
        }
        (Val::Map(_), Val::Str(k)) => attr(v, k),
        _ => None,
    }
}

/// The value of `var.x…` or `local.x…`, or `None` when the traversal starts elsewhere.
fn traverse(t: &hcl::Traversal, s: &Scope<'_>) -> Option<Val> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let map = match root.as_str() {
        "var" => &s.vars,
        "local" => &s.locals,
        _ => return None,
    };
    let mut ops = t.operators.iter();
    let Some(TraversalOperator::GetAttr(name)) = ops.next() else {
        return Some(Val::Unknown);
    };
    let Some(mut cur) = map.get(name.as_str()) else {
        return Some(Val::Unknown);
    };
    let mut owned;
    for op in ops {
        let next = match op {
            TraversalOperator::GetAttr(k) => attr(cur, k.as_str()),
            TraversalOperator::Index(e) => {
                owned = value(e, s);
                index(cur, &owned)
            }
            TraversalOperator::LegacyIndex(n) => index(cur, &Val::Num(*n as f64)),
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return Some(Val::Unknown),
        }
    }
    Some(cur.clone())
}

fn call(f: &hcl::FuncCall, s: &Scope<'_>) -> Val {
    if !f.name.namespace.is_empty() || f.expand_final {
        return Val::Unknown;
    }
    let args: Vec<Val> = f.args.iter().map(|e| value(e, s)).collect();
    match (f.name.name.as_str(), args.as_slice()) {
        ("lower", [Val::Str(t)]) => Val::Str(t.to_lowercase()),
        ("upper", [Val::Str(t)]) => Val::Str(t.to_uppercase()),
        ("trimspace", [Val::Str(t)]) => Val::Str(t.trim().to_owned()),
        ("tostring", [v @ Val::Str(_)]) => v.clone(),
        ("try", _) => args
            .into_iter()
            .find(|v| *v != Val::Unknown)
            .unwrap_or(Val::Unknown),
        ("coalesce", _) => {
            for v in args {
                match v {
                    Val::Unknown => return Val::Unknown,
                    Val::Null => {}
                    Val::Str(ref t) if t.is_empty() => {}
                    other => return other,
                }
            }
            Val::Unknown
        }
        ("lookup", [m, Val::Str(k), rest @ ..]) if rest.len() <= 1 => match (attr(m, k), rest) {
            (Some(v), _) => v.clone(),
            (None, [default]) if *m != Val::Unknown => default.clone(),
            _ => Val::Unknown,
        },
        ("element", [Val::List(items), Val::Num(n)]) if !items.is_empty() && *n >= 0.0 => {
            let i = (*n as usize) % items.len();
            items.get(i).cloned().unwrap_or(Val::Unknown)
        }
        ("merge", _) => {
            let mut out: Vec<(String, Val)> = Vec::new();
            for v in args {
                match v {
                    Val::Map(entries) => {
                        for (k, v) in entries {
                            out.retain(|(o, _)| *o != k);
                            out.push((k, v));
                        }
                    }
                    Val::Null => {}
                    _ => return Val::Unknown,
                }
            }
            Val::Map(out)
        }
        _ => Val::Unknown,
    }
}

/// The value of an expression, known in part.
pub fn value(expr: &Expression, s: &Scope<'_>) -> Val {
    match expr {
        Expression::Null => Val::Null,
        Expression::Bool(b) => Val::Bool(*b),
        Expression::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
        Expression::String(t) => Val::Str(t.clone()),
        Expression::Array(items) => Val::List(items.iter().map(|e| value(e, s)).collect()),
        Expression::Object(obj) => Val::Map(
            obj.iter()
                .filter_map(|(k, v)| Some((key_text(k, s)?, value(v, s))))
                .collect(),
        ),
        Expression::Parenthesis(e) => value(e, s),
        Expression::Variable(_) => Val::Unknown,
        Expression::Traversal(t) => traverse(t, s).unwrap_or(Val::Unknown),
        Expression::Conditional(c) => match value(&c.cond_expr, s) {
            Val::Bool(true) => value(&c.true_expr, s),
            Val::Bool(false) => value(&c.false_expr, s),
            _ => {
                let a = value(&c.true_expr, s);
                if a != Val::Unknown && a == value(&c.false_expr, s) {
                    a
                } else {
                    Val::Unknown
                }
            }
        },
        Expression::FuncCall(f) => call(f, s),
        _ => expr.evaluate(&s.ctx).map_or(Val::Unknown, |v| val_of(&v)),
    }
}

fn unplaced(reason: UnplacedReason, detail: String) -> Unplaced {
    Unplaced { reason, detail }
}

/// `aws_vpc.main.id`, `var.x`, `local.a.b`: the traversal as written (attributes and indexes).
fn traversal_words(t: &hcl::Traversal) -> String {
    let mut out = match &t.expr {
        Expression::Variable(v) => v.to_string(),
        _ => "…".to_owned(),
    };
    for op in &t.operators {
        match op {
            TraversalOperator::GetAttr(k) => {
                out.push('.');
                out.push_str(k.as_str());
            }
            TraversalOperator::LegacyIndex(n) => {
                out.push_str(&format!("[{n}]"));
            }
            TraversalOperator::Index(Expression::Number(n)) => out.push_str(&format!("[{n}]")),
            TraversalOperator::Index(Expression::String(k)) => out.push_str(&format!("[\"{k}\"]")),
            _ => out.push_str("[…]"),
        }
    }
    out
}

/// The expression a traversal's attributes lead to inside a local's expression: into an
/// object's attribute (`local.rg.location` → the expression of `location`), through a
/// conditional whose condition is known. `None` when an attribute is missing.
fn descend<'x>(
    mut expr: &'x Expression,
    ops: &[TraversalOperator],
    s: &Scope<'_>,
) -> Option<&'x Expression> {
    let mut ops = ops.iter().peekable();
    for _ in 0..64 {
        match expr {
            Expression::Parenthesis(e) => expr = e,
            Expression::Conditional(c) => match value(&c.cond_expr, s) {
                Val::Bool(true) => expr = &c.true_expr,
                Val::Bool(false) => expr = &c.false_expr,
                _ => return Some(expr),
            },
            Expression::Object(obj) => {
                let Some(TraversalOperator::GetAttr(k)) = ops.peek() else {
                    return Some(expr);
                };
                let (_, v) = obj
                    .iter()
                    .find(|(key, _)| key_text(key, s).as_deref() == Some(k.as_str()))?;
                ops.next();
                expr = v;
            }
            _ => return Some(expr),
        }
    }
    Some(expr)
}

/// Why an expression whose value is unknown is so: the first unknown part, followed through
/// locals and conditionals to its source.
pub fn why(expr: &Expression, s: &Scope<'_>) -> Unplaced {
    why_at(expr, s, 0)
}

fn why_at(expr: &Expression, s: &Scope<'_>, depth: u8) -> Unplaced {
    let not_computed = || {
        unplaced(
            UnplacedReason::Expression,
            "an expression Nuage does not compute statically".into(),
        )
    };
    if depth > MAX_FOLLOW {
        return not_computed();
    }
    match expr {
        Expression::Parenthesis(e) => why_at(e, s, depth),
        Expression::Traversal(t) => why_traversal(t, s, depth),
        Expression::Variable(v) => unplaced(
            UnplacedReason::Expression,
            format!("`{}` is only known when Terraform runs", v.as_str()),
        ),
        Expression::Conditional(c) => match value(&c.cond_expr, s) {
            Val::Bool(true) => why_at(&c.true_expr, s, depth + 1),
            Val::Bool(false) => why_at(&c.false_expr, s, depth + 1),
            _ => why_at(&c.cond_expr, s, depth + 1),
        },
        Expression::FuncCall(f) => {
            let name = f.name.name.as_str();
            if let Some(arg) = f.args.iter().find(|a| value(a, s) == Val::Unknown)
                && matches!(
                    name,
                    "lower"
                        | "upper"
                        | "trimspace"
                        | "tostring"
                        | "try"
                        | "coalesce"
                        | "lookup"
                        | "element"
                        | "merge"
                        | "format"
                )
            {
                return why_at(arg, s, depth + 1);
            }
            unplaced(
                UnplacedReason::Expression,
                format!("function `{name}()` is not computed by Nuage"),
            )
        }
        Expression::TemplateExpr(t) => {
            if let Ok(template) = hcl::Template::from_expr(t) {
                for el in template.elements() {
                    if let hcl::template::Element::Interpolation(i) = el
                        && value(&i.expr, s) == Val::Unknown
                    {
                        return why_at(&i.expr, s, depth + 1);
                    }
                }
            }
            not_computed()
        }
        Expression::Operation(op) => {
            let parts: Vec<&Expression> = match op.as_ref() {
                hcl::Operation::Unary(u) => vec![&u.expr],
                hcl::Operation::Binary(b) => vec![&b.lhs_expr, &b.rhs_expr],
            };
            match parts.into_iter().find(|e| value(e, s) == Val::Unknown) {
                Some(e) => why_at(e, s, depth + 1),
                None => not_computed(),
            }
        }
        Expression::Array(items) => match items.iter().find(|e| value(e, s) == Val::Unknown) {
            Some(e) => why_at(e, s, depth + 1),
            None => not_computed(),
        },
        Expression::ForExpr(_) => unplaced(
            UnplacedReason::Expression,
            "a `for` expression, not computed by Nuage".into(),
        ),
        _ => not_computed(),
    }
}

fn why_traversal(t: &hcl::Traversal, s: &Scope<'_>, depth: u8) -> Unplaced {
    let words = traversal_words(t);
    let Expression::Variable(root) = &t.expr else {
        return unplaced(
            UnplacedReason::Expression,
            format!("`{words}` is not computed by Nuage"),
        );
    };
    let first = match t.operators.first() {
        Some(TraversalOperator::GetAttr(k)) => k.as_str(),
        _ => "",
    };
    match root.as_str() {
        "var" => {
            if let Some(u) = s.var_why.get(first) {
                return u.clone();
            }
            if !s.vars.contains_key(first) {
                return unplaced(
                    UnplacedReason::VariableWithoutValue,
                    format!(
                        "var.{first} has no value in the tree (no default, no .tfvars, no module argument): given at run time (-var, TF_VAR_{first})"
                    ),
                );
            }
            unplaced(
                UnplacedReason::VariableWithoutValue,
                format!("`{words}` is not set in the value of var.{first}"),
            )
        }
        "local" => {
            let Some(expr) = s.local_exprs.get(first) else {
                return unplaced(
                    UnplacedReason::NotSet,
                    format!("local.{first} is not declared"),
                );
            };
            let rest = t.operators.get(1..).unwrap_or_default();
            let Some(expr) = descend(expr, rest, s) else {
                return unplaced(
                    UnplacedReason::NotSet,
                    format!("`{words}`: local.{first} has no such attribute"),
                );
            };
            why_at(expr, s, depth + 1)
        }
        "data" => {
            let name = match t.operators.get(1) {
                Some(TraversalOperator::GetAttr(n)) => n.as_str(),
                _ => "",
            };
            unplaced(
                UnplacedReason::DataSource,
                format!("read from data.{first}.{name} when Terraform plans (`{words}`)"),
            )
        }
        "module" => unplaced(
            UnplacedReason::AfterApply,
            format!("`{words}`: an output of module \"{first}\""),
        ),
        "each" | "count" => unplaced(
            UnplacedReason::Expression,
            format!("`{words}` of a repeated block (count, for_each)"),
        ),
        "path" | "terraform" => unplaced(
            UnplacedReason::Expression,
            format!("`{words}` is only known when Terraform runs"),
        ),
        kind if kind.contains('_') => unplaced(
            UnplacedReason::AfterApply,
            format!("`{words}`: another resource's attribute, known after apply"),
        ),
        _ => unplaced(
            UnplacedReason::Expression,
            format!("`{words}` is not computed by Nuage"),
        ),
    }
}

/// The resources an expression points at (`aws_subnet.a` for `aws_subnet.a.id`), through
/// locals, conditionals (the branch taken when the condition is known), function arguments and
/// templates; module outputs as `module.NAME.OUTPUT`. Addresses are relative to the module,
/// except those a variable brought from the caller, whole and marked with a leading `=`.
pub fn references(expr: &Expression, s: &Scope<'_>) -> Vec<String> {
    let mut out = Vec::new();
    collect(expr, s, 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect(expr: &Expression, s: &Scope<'_>, depth: u8, out: &mut Vec<String>) {
    if depth > MAX_FOLLOW {
        return;
    }
    match expr {
        Expression::Traversal(t) => {
            let (Expression::Variable(root), Some(TraversalOperator::GetAttr(name))) =
                (&t.expr, t.operators.first())
            else {
                return;
            };
            let root = root.as_str();
            match root {
                "module" => {
                    if let Some(TraversalOperator::GetAttr(output)) = t.operators.get(1) {
                        out.push(format!("module.{}.{}", name.as_str(), output.as_str()));
                    }
                }
                "local" => {
                    let Some(local) = s.local_exprs.get(name.as_str()).copied() else {
                        return;
                    };
                    let rest = t.operators.get(1..).unwrap_or_default();
                    let Some(e) = descend(local, rest, s) else {
                        return;
                    };
                    collect(e, s, depth + 1, out);
                }
                "var" => {
                    // The caller's addresses, already whole: marked with `=`.
                    if let Some(refs) = s.var_refs.get(name.as_str()) {
                        out.extend(refs.iter().map(|r| format!("={r}")));
                    }
                }
                "data" | "path" | "each" | "count" | "terraform" | "self" => {}
                kind if kind.contains('_') => out.push(format!("{kind}.{}", name.as_str())),
                _ => {}
            }
        }
        Expression::Array(items) => items.iter().for_each(|e| collect(e, s, depth, out)),
        Expression::Object(obj) => obj.values().for_each(|e| collect(e, s, depth, out)),
        Expression::Parenthesis(e) => collect(e, s, depth, out),
        Expression::Conditional(c) => match value(&c.cond_expr, s) {
            Val::Bool(true) => collect(&c.true_expr, s, depth + 1, out),
            Val::Bool(false) => collect(&c.false_expr, s, depth + 1, out),
            _ => {
                collect(&c.true_expr, s, depth + 1, out);
                collect(&c.false_expr, s, depth + 1, out);
            }
        },
        Expression::FuncCall(f) => f.args.iter().for_each(|e| collect(e, s, depth + 1, out)),
        Expression::TemplateExpr(t) => {
            if let Ok(template) = hcl::Template::from_expr(t) {
                for el in template.elements() {
                    if let hcl::template::Element::Interpolation(i) = el {
                        collect(&i.expr, s, depth + 1, out);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> Expression {
        text.parse().unwrap()
    }

    fn scope<'e>(locals: &'e [(String, Expression)]) -> Scope<'e> {
        let mut s = Scope::new();
        s.vars
            .insert("location".into(), Val::Str("West Europe".into()));
        s.vars.insert("create".into(), Val::Bool(true));
        s.vars.insert("n".into(), Val::Num(2.0));
        let refs: Vec<&(String, Expression)> = locals.iter().collect();
        s.resolve_locals(&refs);
        s
    }

    #[test]
    fn objects_keep_their_known_parts_and_conditionals_take_their_branch() {
        let locals = vec![(
            "rg".to_owned(),
            expr(
                "{ name = var.create ? azurerm_resource_group.main[0].name : var.rg, location = var.location }",
            ),
        )];
        let s = scope(&locals);
        assert_eq!(
            value(&expr("local.rg.location"), &s),
            Val::Str("West Europe".into())
        );
        assert_eq!(value(&expr("local.rg.name"), &s), Val::Unknown);
        assert_eq!(
            references(&expr("local.rg.name"), &s),
            ["azurerm_resource_group.main"]
        );
        let why = why(&expr("local.rg.name"), &s);
        assert_eq!(why.reason, UnplacedReason::AfterApply);
        assert!(
            why.detail.contains("azurerm_resource_group.main[0].name"),
            "{}",
            why.detail
        );
        assert_eq!(value(&expr("\"${var.n}-a\""), &s), Val::Str("2-a".into()));
    }

    #[test]
    fn pure_functions_and_the_reasons_of_what_stays_unknown() {
        let s = scope(&[]);
        assert_eq!(
            value(&expr("lower(coalesce(null, var.location))"), &s),
            Val::Str("west europe".into())
        );
        assert_eq!(
            value(&expr("try(data.x.y.location, \"fr-par\")"), &s),
            Val::Str("fr-par".into())
        );
        assert_eq!(
            value(&expr("lookup({ a = \"eu-west-3\" }, \"a\", \"x\")"), &s),
            Val::Str("eu-west-3".into())
        );
        let u = why(&expr("\"${var.region}a\""), &s);
        assert_eq!(u.reason, UnplacedReason::VariableWithoutValue);
        assert!(u.detail.contains("TF_VAR_region"), "{}", u.detail);
        let u = why(&expr("data.azurerm_resource_group.rg.location"), &s);
        assert_eq!(u.reason, UnplacedReason::DataSource);
        let u = why(&expr("upper(jsondecode(var.x))"), &s);
        assert_eq!(u.reason, UnplacedReason::Expression);
    }
}
