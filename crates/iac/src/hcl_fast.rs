//! A fast reader for the plain subset of HCL that almost every `.tf` file is written in.
//!
//! hcl-edit builds a lossless tree (whitespace, comments and spans kept as decor) through
//! parser combinators: exact, but most of a scan's time went there. The scan needs none of the
//! decor, so this reader handles, byte by byte, what generated and hand-written configurations
//! mostly contain — multi-line blocks with quoted or bare labels; attributes whose values are
//! strings, `${a.b}` interpolations, integers, `true`/`false`/`null`, variables with `.name`
//! traversals, tuples and objects — and builds the same `hcl` values hcl-edit's tree converts to.
//!
//! It never decides anything on its own: whatever is outside that subset (escapes, heredocs,
//! operators, function calls, `for` expressions, indexes, one-line blocks, `/* */` comments,
//! carriage returns, non-ASCII identifiers, duplicate keys, and every syntax error) makes it
//! give up on the whole file, which hcl-edit then reads, so results and error messages (file,
//! line, column) are exactly hcl-edit's. Property tests check that whenever this reader accepts
//! a text, hcl-edit accepts it too and both give the same declarations.

use hcl::expr::{TemplateExpr, Traversal, TraversalOperator, Variable};
use hcl::{
    Attribute, Block, BlockLabel, Body, Expression, Identifier, Number, Object, ObjectKey,
    Structure,
};

/// Deeper nesting is left to hcl-edit (which has its own limit), so that this reader's
/// recursion stays shallow whatever the input.
const MAX_DEPTH: usize = 32;

/// Bodies and objects with more entries are left to hcl-edit: duplicate keys are looked for
/// linearly, which must stay cheap on hostile input.
const MAX_ENTRIES: usize = 256;

/// One structure of a body, as read.
#[derive(Debug)]
pub(crate) enum Item<'t> {
    Attr(&'t str, Expression),
    Block {
        ident: &'t str,
        labels: Vec<BlockLabel>,
        /// The line of the block's identifier, where hcl-edit's span of the block starts.
        line: u32,
        body: Vec<Item<'t>>,
    },
}

/// Reads a whole file; `None` when anything in it is outside the subset (hcl-edit decides).
pub(crate) fn read(text: &str) -> Option<Vec<Item<'_>>> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    r.body(0, true)
}

/// The text of a label, as hcl-edit's `as_str` gives it.
pub(crate) fn label_str(label: &BlockLabel) -> &str {
    match label {
        BlockLabel::String(s) => s,
        BlockLabel::Identifier(id) => id.as_str(),
    }
}

/// A block as the `hcl` crate represents it: what `hcl::Block::from(hcl_edit::Block)` gives.
pub(crate) fn to_block(ident: &str, labels: Vec<BlockLabel>, body: Vec<Item<'_>>) -> Block {
    Block {
        identifier: Identifier::unchecked(ident),
        labels,
        body: to_body(body),
    }
}

fn to_body(items: Vec<Item<'_>>) -> Body {
    Body(
        items
            .into_iter()
            .map(|item| match item {
                Item::Attr(key, expr) => Structure::Attribute(Attribute {
                    key: Identifier::unchecked(key),
                    expr,
                }),
                Item::Block {
                    ident,
                    labels,
                    body,
                    ..
                } => Structure::Block(to_block(ident, labels, body)),
            })
            .collect(),
    )
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// The current line, counted as newlines are consumed (strings and comments never span
    /// lines in the subset, so every newline goes through [`Reader::newline`]).
    line: u32,
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.bytes.get(self.pos + k).copied()
    }

    fn newline(&mut self) {
        self.pos += 1;
        self.line = self.line.saturating_add(1);
    }

    /// Spaces and tabs.
    fn sp(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// A `#` or `//` comment up to the end of its line (the newline is left); `Some(false)`
    /// when there is none here.
    fn line_comment(&mut self) -> Option<bool> {
        match (self.peek(), self.peek_at(1)) {
            (Some(b'#'), _) | (Some(b'/'), Some(b'/')) => {
                let rest = self.bytes.get(self.pos..)?;
                let len = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
                if rest.get(..len)?.contains(&b'\r') {
                    return None;
                }
                self.pos += len;
                Some(true)
            }
            (Some(b'/'), Some(b'*')) => None,
            _ => Some(false),
        }
    }

    /// Whitespace, newlines and line comments.
    fn ws(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\n') => self.newline(),
                Some(b'#' | b'/') => {
                    if !self.line_comment()? {
                        return Some(());
                    }
                }
                _ => return Some(()),
            }
        }
    }

    /// The end of a structure's line: spaces, maybe a comment, then a newline (or the end of
    /// the text when `eof` allows it).
    fn end_of_line(&mut self, eof: bool) -> Option<()> {
        self.sp();
        self.line_comment()?;
        match self.peek() {
            Some(b'\n') => {
                self.newline();
                Some(())
            }
            None if eof => Some(()),
            _ => None,
        }
    }

    fn ident(&mut self) -> Option<&'t str> {
        let start = self.pos;
        if !ident_start(self.peek()?) {
            return None;
        }
        self.pos += 1;
        while let Some(b) = self.peek() {
            if ident_continue(b) {
                self.pos += 1;
            } else if b >= 0x80 {
                // Perhaps a Unicode identifier character: hcl-edit knows them.
                return None;
            } else {
                break;
            }
        }
        self.text.get(start..self.pos)
    }

    fn body(&mut self, depth: usize, top: bool) -> Option<Vec<Item<'t>>> {
        let mut items = Vec::new();
        let mut keys: Vec<&str> = Vec::new();
        loop {
            self.ws()?;
            match self.peek() {
                None if top => return Some(items),
                Some(b'}') if !top => return Some(items),
                Some(b) if ident_start(b) => {}
                _ => return None,
            }
            let line = self.line;
            let ident = self.ident()?;
            self.sp();
            match self.peek()? {
                b'=' => {
                    if self.peek_at(1) == Some(b'=')
                        || keys.contains(&ident)
                        || keys.len() >= MAX_ENTRIES
                    {
                        return None;
                    }
                    keys.push(ident);
                    self.pos += 1;
                    self.sp();
                    let expr = self.term(depth)?;
                    items.push(Item::Attr(ident, expr));
                }
                b'{' | b'"' => items.push(self.block(ident, line, depth)?),
                b if ident_start(b) => items.push(self.block(ident, line, depth)?),
                _ => return None,
            }
            self.end_of_line(true)?;
        }
    }

    /// Labels, then a multi-line body (one-line blocks are left to hcl-edit).
    fn block(&mut self, ident: &'t str, line: u32, depth: usize) -> Option<Item<'t>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let mut labels = Vec::new();
        loop {
            self.sp();
            match self.peek()? {
                b'{' => break,
                b'"' => labels.push(BlockLabel::String(self.plain_string()?)),
                b if ident_start(b) => {
                    labels.push(BlockLabel::Identifier(Identifier::unchecked(self.ident()?)));
                }
                _ => return None,
            }
        }
        self.pos += 1;
        self.end_of_line(false)?;
        let body = self.body(depth + 1, false)?;
        // `body` stopped on the closing brace.
        self.pos += 1;
        Some(Item::Block {
            ident,
            labels,
            line,
            body,
        })
    }

    /// A quoted label: no escape, no template marker, no control character.
    fn plain_string(&mut self) -> Option<String> {
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' | b'$' | b'%' => return None,
                b if b < 0x20 || b == 0x7f => return None,
                _ => self.pos += 1,
            }
        }
        let s = self.text.get(start..self.pos)?.to_owned();
        self.pos += 1;
        Some(s)
    }

    /// An expression and what may follow it: in the subset, nothing but the end of the
    /// attribute or a collection separator (an operator, a traversal after spaces, a call or an
    /// index all make the reader give up).
    fn term(&mut self, depth: usize) -> Option<Expression> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let expr = match self.peek()? {
            b'"' => self.string()?,
            b'[' => self.tuple(depth + 1)?,
            b'{' => self.object(depth + 1)?,
            b'0'..=b'9' => self.number()?,
            b if ident_start(b) => self.identlike()?,
            _ => return None,
        };
        self.sp();
        match self.peek() {
            None | Some(b'\n' | b'#' | b',' | b']' | b'}') => Some(expr),
            Some(b'/') if self.peek_at(1) == Some(b'/') => Some(expr),
            _ => None,
        }
    }

    /// A quoted string; with `${a.b}` interpolations (and nothing else) it is a template,
    /// kept as its source text as hcl-edit's conversion does.
    fn string(&mut self) -> Option<Expression> {
        self.pos += 1;
        let start = self.pos;
        let mut template = false;
        loop {
            match self.peek()? {
                b'"' => break,
                b'$' => {
                    if self.peek_at(1) != Some(b'{') {
                        return None;
                    }
                    self.pos += 2;
                    if self.ident()? == "for" {
                        return None;
                    }
                    while self.peek() == Some(b'.') {
                        self.pos += 1;
                        self.ident()?;
                    }
                    if self.peek() != Some(b'}') {
                        return None;
                    }
                    self.pos += 1;
                    template = true;
                }
                b'\\' | b'%' => return None,
                b if b < 0x20 || b == 0x7f => return None,
                _ => self.pos += 1,
            }
        }
        let s = self.text.get(start..self.pos)?.to_owned();
        self.pos += 1;
        Some(if template {
            Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(s)))
        } else {
            Expression::String(s)
        })
    }

    /// A decimal integer that fits in a `u64` (no sign, fraction, exponent nor leading zero).
    fn number(&mut self) -> Option<Expression> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        let digits = self.text.get(start..self.pos)?;
        if digits.len() > 18
            || (digits.len() > 1 && digits.starts_with('0'))
            || self
                .peek()
                .is_some_and(|b| b == b'.' || ident_continue(b) || b >= 0x80)
        {
            return None;
        }
        Some(Expression::Number(Number::from(
            digits.parse::<u64>().ok()?,
        )))
    }

    /// `true`, `false`, `null`, or a variable with `.name` traversals.
    fn identlike(&mut self) -> Option<Expression> {
        let ident = self.ident()?;
        let keyword = match ident {
            "true" => Some(Expression::Bool(true)),
            "false" => Some(Expression::Bool(false)),
            "null" => Some(Expression::Null),
            // `for` opens a for expression inside brackets.
            "for" => return None,
            _ => None,
        };
        if let Some(k) = keyword {
            return (!matches!(self.peek(), Some(b'.' | b'(' | b'['))).then_some(k);
        }
        let root = Expression::Variable(Variable::unchecked(ident));
        let mut operators = Vec::new();
        while self.peek() == Some(b'.') {
            self.pos += 1;
            operators.push(TraversalOperator::GetAttr(Identifier::unchecked(
                self.ident()?,
            )));
        }
        if matches!(self.peek(), Some(b'(' | b'[' | b':')) {
            return None;
        }
        Some(if operators.is_empty() {
            root
        } else {
            Expression::Traversal(Box::new(Traversal::new(root, operators)))
        })
    }

    fn tuple(&mut self, depth: usize) -> Option<Expression> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.ws()?;
            if self.peek()? == b']' {
                self.pos += 1;
                return Some(Expression::Array(items));
            }
            items.push(self.term(depth)?);
            self.ws()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Expression::Array(items));
                }
                _ => return None,
            }
        }
    }

    /// `{ key = value … }` with identifier keys, separated by commas or newlines.
    fn object(&mut self, depth: usize) -> Option<Expression> {
        self.pos += 1;
        let mut object = Object::new();
        let mut keys: Vec<&str> = Vec::new();
        loop {
            self.ws()?;
            if self.peek()? == b'}' {
                self.pos += 1;
                return Some(Expression::Object(object));
            }
            let key = self.ident()?;
            if matches!(key, "true" | "false" | "null" | "for")
                || keys.contains(&key)
                || keys.len() >= MAX_ENTRIES
            {
                return None;
            }
            keys.push(key);
            self.sp();
            match (self.peek()?, self.peek_at(1)) {
                (b'=', Some(b'=')) | (b':', Some(b':')) => return None,
                (b'=' | b':', _) => self.pos += 1,
                _ => return None,
            }
            self.sp();
            let value = self.term(depth)?;
            object.insert(ObjectKey::Identifier(Identifier::unchecked(key)), value);
            match self.peek()? {
                b'}' => {
                    self.pos += 1;
                    return Some(Expression::Object(object));
                }
                b'\n' => self.newline(),
                b',' => self.pos += 1,
                b'#' | b'/' => {
                    self.line_comment()?;
                    if self.peek()? != b'\n' {
                        return None;
                    }
                    self.newline();
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use nuage_catalog::Catalog;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    use super::*;
    use crate::mapping::Mappings;
    use crate::terraform::{parse_hcl, parse_hcl_edit};

    fn mappings() -> &'static Mappings {
        static M: OnceLock<Mappings> = OnceLock::new();
        M.get_or_init(|| Mappings::embedded(&Catalog::embedded().unwrap()).unwrap())
    }

    /// The whole body and the lines of the top-level blocks, as hcl-edit gives them.
    fn edit_body(text: &str) -> Option<(Body, Vec<u32>)> {
        let body = hcl_edit::parser::parse_body(text).ok()?;
        let index = crate::LineIndex::new(text);
        let lines = body
            .iter()
            .filter_map(|s| s.as_block())
            .map(|b| hcl_edit::Span::span(b).map_or(1, |s| index.line(s.start)))
            .collect();
        Some((body.into(), lines))
    }

    fn fast_body(items: Vec<Item<'_>>) -> (Body, Vec<u32>) {
        let lines = items
            .iter()
            .filter_map(|i| match i {
                Item::Block { line, .. } => Some(*line),
                Item::Attr(..) => None,
            })
            .collect();
        (to_body(items), lines)
    }

    /// Whatever the fast reader accepts, hcl-edit accepts too, with the same blocks, lines and
    /// declarations; and a file it declines reads as before.
    fn same_as_hcl_edit(text: &str) -> bool {
        let fast = read(text);
        let accepted = fast.is_some();
        if let Some(items) = fast {
            let edit = edit_body(text);
            assert!(edit.is_some(), "accepted what hcl-edit rejects: {text:?}");
            assert_eq!(Some(fast_body(items)), edit, "{text:?}");
        }
        let a = parse_hcl("main.tf", text, mappings().wanted());
        let b = parse_hcl_edit("main.tf", text, mappings().wanted());
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text:?}");
        accepted
    }

    fn pick(options: &'static [&'static str]) -> BoxedStrategy<String> {
        proptest::sample::select(options)
            .prop_map(str::to_owned)
            .boxed()
    }

    /// `usual`, or with `odd` > 0 sometimes `odd`: files generated with `odd` = 0 stay in the
    /// fast reader's subset (so that the comparison is not vacuous), the others probe its edges.
    fn mostly(
        odd: u32,
        usual: &'static [&'static str],
        edges: &'static [&'static str],
    ) -> BoxedStrategy<String> {
        if odd == 0 {
            pick(usual)
        } else {
            prop_oneof![12 => pick(usual), odd => pick(edges)].boxed()
        }
    }

    fn ident(odd: u32) -> BoxedStrategy<String> {
        mostly(
            odd,
            &[
                "a", "b", "tags", "region", "zone", "name", "var", "local", "x-y", "_u", "a1",
                "provider", "count", "ami", "engine", "multi_az",
            ],
            &["true", "false", "null", "for", "é", "in"],
        )
    }

    fn string(odd: u32) -> BoxedStrategy<String> {
        proptest::collection::vec(
            mostly(
                odd,
                &[
                    "abc",
                    " ",
                    "${var.region}",
                    "${a.b.c}",
                    "{",
                    "}",
                    "é",
                    "#",
                    "//",
                    "ami-0123",
                ],
                &[
                    "$",
                    "${ var.x }",
                    "${for}",
                    "%{",
                    "%",
                    "\\n",
                    "\\\"",
                    "\t",
                    "$${x}",
                    "${a",
                    "\n",
                ],
            ),
            0..4,
        )
        .prop_map(|parts| format!("\"{}\"", parts.concat()))
        .boxed()
    }

    fn leaf(odd: u32) -> BoxedStrategy<String> {
        let traversal =
            (ident(odd), proptest::collection::vec(ident(odd), 0..3)).prop_map(|(root, ops)| {
                let mut s = root;
                for op in ops {
                    s.push('.');
                    s.push_str(&op);
                }
                s
            });
        let number = mostly(
            odd,
            &["0", "7", "42", "443", "123456789012345678"],
            &[
                "007",
                "1.5",
                "1e3",
                "-1",
                "18446744073709551615",
                "99999999999999999999",
                "1a",
            ],
        );
        let keyword = pick(&["true", "false", "null", "var.region", "aws.paris"]);
        let edge = pick(&[
            "a .b",
            "a[0]",
            "f(1)",
            "a.0",
            "a.*.b",
            "<<EOF\nx\nEOF",
            "true.x",
            "a::b(1)",
        ]);
        prop_oneof![4 => string(odd), 2 => number, 3 => traversal, 1 => keyword, odd => edge]
            .boxed()
    }

    fn expr(odd: u32) -> BoxedStrategy<String> {
        leaf(odd)
            .prop_recursive(3, 24, 4, move |inner| {
                let tuple = (
                    proptest::collection::vec(inner.clone(), 0..4),
                    mostly(
                        odd,
                        &[", ", ",\n", " , ", ",# c\n", "\n,"],
                        &["\n", "", " "],
                    ),
                    pick(&["", ",", "\n", ",\n"]),
                )
                    .prop_map(|(items, sep, end)| format!("[{}{end}]", items.join(&sep)));
                let object = (
                    proptest::collection::vec(
                        (
                            ident(odd),
                            mostly(odd, &[" = ", "=", ": "], &[" == ", " ", "\n="]),
                            inner.clone(),
                        ),
                        0..4,
                    ),
                    mostly(odd, &[", ", "\n", ",\n", " # c\n", "\n\n"], &[" ", ""]),
                    pick(&["", "\n", " ", ","]),
                )
                    .prop_map(|(items, sep, end)| {
                        let items: Vec<String> = items
                            .into_iter()
                            .map(|(k, a, v)| format!("{k}{a}{v}"))
                            .collect();
                        format!("{{{}{end}}}", items.join(&sep))
                    });
                let operation = (
                    inner.clone(),
                    pick(&[" + ", " ? 1 : ", " == ", "\n.", "\n", " -"]),
                    inner,
                )
                    .prop_map(|(a, op, b)| format!("{a}{op}{b}"));
                prop_oneof![4 => tuple, 4 => object, odd => operation]
            })
            .boxed()
    }

    fn attribute(odd: u32) -> BoxedStrategy<String> {
        (
            pick(&["", "  ", "\t"]),
            ident(odd),
            mostly(odd, &[" = ", "=", "  =  "], &[" == ", " "]),
            expr(odd),
            mostly(odd, &["", " # c", " // c", "  "], &[" /* c */"]),
        )
            .prop_map(|(indent, k, eq, v, comment)| format!("{indent}{k}{eq}{v}{comment}"))
            .boxed()
    }

    fn block(odd: u32, inner: BoxedStrategy<String>) -> BoxedStrategy<String> {
        (
            pick(&[
                "resource",
                "provider",
                "variable",
                "locals",
                "module",
                "terraform",
                "ingress",
                "nodes",
            ]),
            proptest::collection::vec(
                prop_oneof![
                    string(odd),
                    ident(odd),
                    pick(&[
                        "\"aws_instance\"",
                        "\"r1\"",
                        "\"aws\"",
                        "\"aws_security_group\""
                    ])
                ],
                0..3,
            ),
            mostly(
                odd,
                &[" {\n", "{\n", " { # c\n", " {\n\n"],
                &[" {", " {\r\n", " { "],
            ),
            proptest::collection::vec(inner, 0..4),
            pick(&["\n", "\n\n", "\n# c\n"]),
            mostly(odd, &["}", "  }", "} # c"], &["}}", "} x"]),
        )
            .prop_map(|(ident, labels, open, body, sep, close)| {
                let labels: Vec<String> = labels.into_iter().map(|l| format!(" {l}")).collect();
                let body = if body.is_empty() {
                    String::new()
                } else {
                    format!("{}{sep}", body.join(&sep))
                };
                format!("{ident}{}{open}{body}{close}", labels.concat())
            })
            .boxed()
    }

    fn structure(odd: u32) -> BoxedStrategy<String> {
        attribute(odd)
            .prop_recursive(2, 16, 4, move |inner| {
                prop_oneof![attribute(odd), block(odd, inner)]
            })
            .boxed()
    }

    fn file(odd: u32) -> BoxedStrategy<String> {
        (
            proptest::collection::vec(
                prop_oneof![3 => block(odd, structure(odd)), 1 => attribute(odd)],
                0..5,
            ),
            mostly(
                odd,
                &["\n", "\n\n", "\n# comment\n"],
                &["\r\n", "\n/* c */\n", " "],
            ),
            pick(&["", "\n", "  ", "\n\n"]),
        )
            .prop_map(|(items, sep, end)| format!("{}{end}", items.join(&sep)))
            .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_reader_agrees_with_hcl_edit(text in prop_oneof![file(0), file(1), file(4)]) {
            same_as_hcl_edit(&text);
        }

        #[test]
        fn fast_reader_agrees_on_any_text(text in "[a-z \"={}\\[\\]\n.,#$0-9]{0,60}") {
            same_as_hcl_edit(&text);
        }
    }

    /// The generated inputs are not all declined: the comparison above is not vacuous.
    #[test]
    fn generated_files_are_often_read_fast() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = file(0);
        let mut accepted = 0;
        for _ in 0..500 {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            if same_as_hcl_edit(&text) {
                accepted += 1;
            }
        }
        // About half: the rest has duplicate keys, `{,}` and the like, which hcl-edit rejects.
        assert!(accepted > 200, "only {accepted} of 500 read fast");
    }

    /// The shapes of real configurations (the benchmark's, the fixtures') take the fast path.
    #[test]
    fn real_configurations_are_read_fast() {
        let text = r#"provider "aws" {
  region = var.region
}

variable "region" {
  default = "eu-west-3"
}

terraform {
  required_providers {
    outscale = { source = "outscale/outscale", version = "~> 1.0" }
  }
}

resource "aws_instance" "r0" {
  ami = "ami-0123456789abcdef0"
  instance_type = "t3.medium" # comment
  availability_zone = "${var.region}a"
  tags = { Name = "front-0" }
}

resource "aws_security_group" "r3" {
  name = "sg-3"
  ingress {
    from_port = 443
    to_port = 443
    protocol = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;
        assert!(read(text).is_some());
        assert!(same_as_hcl_edit(text));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "tf") {
                    same_as_hcl_edit(&std::fs::read_to_string(&p).unwrap());
                }
            }
        }
    }
}
