//! YAML measured before it is parsed: nesting depth, aliases, and the bytes aliases would add.
//!
//! Two crafted inputs take a YAML parser down. Deep flow nesting (`{a: {a: {a: …`) makes libyaml's
//! scanner walk its stack of possible keys, one entry per open flow collection, at every token:
//! time grows with the square of the input (64 000 levels in 320 KB took 26 s). Aliases let a
//! small text stand for a huge one (one 100 KB anchor named by 20 000 `*a` is 2 GB once built).
//!
//! [`check`] refuses both before any parser runs. It walks the text once, in linear time, with a
//! scanner that reproduces the token boundaries of libyaml's scanner (the one `yaml_serde` uses):
//! plain, quoted and block scalars, comments, anchors, aliases, tags, flow and block collections
//! and the indentation rules that decide where a plain or block scalar ends. So a `[` inside a
//! string or a block scalar is text, as it is for the parser, and a `[` that opens a collection
//! is counted, wherever it is. Where libyaml would stop on an error, the scanner goes on: it may
//! count more than the parser would have built, never less.
//!
//! An anchored node's size is the text from its anchor to the token that ends it (plus what the
//! aliases inside it add); a node's end is found from the indentation (block) or the enclosing
//! flow collection (flow), erring on the long side when in doubt. Each alias adds the size of the
//! node it names; their sum is bounded by [`YamlLimits::max_alias_bytes`].

use std::collections::HashMap;
use std::fmt;

/// What [`check`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YamlLimits {
    /// Nesting of collections (flow and block together).
    pub max_depth: usize,
    /// Aliases (`*name`) in one stream.
    pub max_aliases: usize,
    /// Bytes the aliases would add once each is replaced by the node it names.
    pub max_alias_bytes: u64,
}

impl YamlLimits {
    /// The limits every YAML entry point of Nuage applies (dossiers, questionnaire imports, the
    /// API, Kubernetes manifests). Depth 128 is also `yaml_serde`'s own recursion limit.
    pub const DEFAULT: YamlLimits = YamlLimits {
        max_depth: 128,
        max_aliases: 1_000,
        max_alias_bytes: 1024 * 1024,
    };
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits::DEFAULT
    }
}

/// What [`check`] measured on an accepted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YamlShape {
    /// Deepest nesting of collections seen (flow and block).
    pub max_depth: usize,
    /// Deepest nesting of flow collections alone.
    pub max_flow_depth: usize,
    /// Aliases in the stream.
    pub aliases: usize,
    /// Bytes the aliases would add.
    pub alias_bytes: u64,
}

/// Which limit a text went beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    Depth {
        limit: usize,
    },
    Aliases {
        limit: usize,
    },
    AliasBytes {
        limit: u64,
    },
    /// An alias inside the node it names: its expansion never ends.
    RecursiveAlias,
}

/// A text beyond [`YamlLimits`], with where it crossed the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlLimitError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub exceeded: Exceeded,
}

impl fmt::Display for YamlLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.exceeded {
            Exceeded::Depth { limit } => write!(
                f,
                "YAML nested deeper than {limit} levels: refused before parsing (limit of Nuage's YAML readers)"
            ),
            Exceeded::Aliases { limit } => write!(
                f,
                "more than {limit} YAML aliases (`*name`): refused before parsing (limit of Nuage's YAML readers)"
            ),
            Exceeded::AliasBytes { limit } => write!(
                f,
                "YAML aliases would add more than {} of text once expanded: refused before parsing (limit of Nuage's YAML readers)",
                crate::file::size(limit)
            ),
            Exceeded::RecursiveAlias => f.write_str(
                "a YAML alias names the node that contains it (its expansion never ends): refused before parsing",
            ),
        }
    }
}

impl std::error::Error for YamlLimitError {}

/// Measures `text` and refuses it when it goes beyond `limits`. Linear in the length of `text`.
pub fn check(text: &str, limits: &YamlLimits) -> Result<YamlShape, YamlLimitError> {
    let mut scanner = Scanner::new(text, *limits);
    scanner.run()?;
    Ok(scanner.shape)
}

/// The last token that says what an anchor that follows it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Structural {
    None,
    BlockEntry,
    Key,
    Value,
    Other,
}

/// How an anchored node's end is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The value of a block sequence entry: ends at the next token at or left of the sequence.
    SeqEntry,
    /// The value of a block mapping key: as above, except that an indentless sequence (`- ` at
    /// the key's own column) still belongs to it.
    MapValue,
    /// Anything else in block context: a key anchored on its own line ends at its `:` when that
    /// comes on the same line; otherwise as a sequence entry.
    Other,
    /// In a flow collection, before any `:` of its entry (a key or a whole entry): ends at the
    /// entry's `:`, its `,` or the collection's end.
    FlowKey,
    /// In a flow collection, after the entry's `:`: ends at the `,` or the collection's end.
    FlowValue,
}

#[derive(Debug)]
struct OpenAnchor<'a> {
    name: &'a str,
    start: usize,
    line: usize,
    alias_bytes_before: u64,
    /// Flow level when the anchor was read (0: block context).
    flow: usize,
    /// Block indentation when the anchor was read.
    indent: i64,
    owner: Owner,
}

/// The possible simple key of block context (libyaml keeps one per flow level; only the block
/// one decides indentation, so only it is followed).
#[derive(Debug, Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    line: usize,
    pos: usize,
    column: usize,
}

/// What a token at the current position is, for closing anchored nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    BlockEntry,
    Value,
    FlowEntry,
    FlowEnd,
    Other,
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    limits: YamlLimits,
    pos: usize,
    line: usize,
    column: usize,
    flow: usize,
    indent: i64,
    indents: Vec<i64>,
    key: SimpleKey,
    key_allowed: bool,
    last: Structural,
    /// Line of `last`.
    last_line: usize,
    anchors: HashMap<&'a str, u64>,
    open: Vec<OpenAnchor<'a>>,
    shape: YamlShape,
}

fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_uri(b: u8, verbatim: bool) -> bool {
    is_alpha(b)
        || b";/?:@&=+$.%!~*'()".contains(&b)
        || (verbatim && matches!(b, b',' | b'[' | b']'))
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, limits: YamlLimits) -> Self {
        let mut s = Scanner {
            text,
            bytes: text.as_bytes(),
            limits,
            pos: 0,
            line: 0,
            column: 0,
            flow: 0,
            indent: -1,
            indents: Vec::new(),
            key: SimpleKey::default(),
            key_allowed: true,
            last: Structural::None,
            last_line: 0,
            anchors: HashMap::new(),
            open: Vec::new(),
            shape: YamlShape::default(),
        };
        // The reader takes a leading byte order mark away before the scanner sees anything.
        if s.bytes.starts_with("\u{feff}".as_bytes()) {
            s.pos = 3;
        }
        s
    }

    // ---- characters -------------------------------------------------------------------------

    fn byte(&self, k: usize) -> u8 {
        self.bytes.get(self.pos + k).copied().unwrap_or(0)
    }

    /// End of input. A NUL character ends it too: libyaml's reader refuses it.
    fn at_end(&self) -> bool {
        self.byte(0) == 0
    }

    fn break_len_at(&self, k: usize) -> usize {
        match self.byte(k) {
            b'\n' => 1,
            b'\r' => {
                if self.byte(k + 1) == b'\n' {
                    2
                } else {
                    1
                }
            }
            0xC2 if self.byte(k + 1) == 0x85 => 2,
            0xE2 if self.byte(k + 1) == 0x80 && matches!(self.byte(k + 2), 0xA8 | 0xA9) => 3,
            _ => 0,
        }
    }

    fn is_break_at(&self, k: usize) -> bool {
        self.break_len_at(k) > 0
    }

    fn is_blank_at(&self, k: usize) -> bool {
        matches!(self.byte(k), b' ' | b'\t')
    }

    /// Blank, line break or end, at byte offset `k` (the characters before it being ASCII).
    fn is_blankz_at(&self, k: usize) -> bool {
        self.is_blank_at(k) || self.is_break_at(k) || self.byte(k) == 0
    }

    fn is_breakz(&self) -> bool {
        self.is_break_at(0) || self.at_end()
    }

    /// Moves over one character that is not a line break.
    fn advance(&mut self) {
        let width = match self.byte(0) {
            0 => return,
            b if b < 0x80 => 1,
            b if b >= 0xF0 => 4,
            b if b >= 0xE0 => 3,
            _ => 2,
        };
        self.pos = (self.pos + width).min(self.bytes.len());
        self.column += 1;
    }

    /// Moves over one line break (CR LF counts as one).
    fn skip_line(&mut self) {
        let n = self.break_len_at(0);
        if n > 0 {
            self.pos += n;
            self.line += 1;
            self.column = 0;
        }
    }

    fn starts_document_marker(&self) -> bool {
        self.column == 0
            && (self.bytes.get(self.pos..self.pos + 3) == Some(b"---")
                || self.bytes.get(self.pos..self.pos + 3) == Some(b"..."))
            && self.is_blankz_at(3)
    }

    fn error(&self, exceeded: Exceeded) -> YamlLimitError {
        let start = self
            .text
            .get(..self.pos)
            .map_or(0, |t| t.rfind(['\n', '\r']).map_or(0, |i| i + 1));
        let column = self
            .text
            .get(start..self.pos)
            .map_or(self.column, |t| t.chars().count())
            + 1;
        YamlLimitError {
            line: self.line + 1,
            column,
            exceeded,
        }
    }

    // ---- structure ---------------------------------------------------------------------------

    fn depth_check(&mut self) -> Result<(), YamlLimitError> {
        let depth = self.flow + self.indents.len();
        self.shape.max_depth = self.shape.max_depth.max(depth);
        self.shape.max_flow_depth = self.shape.max_flow_depth.max(self.flow);
        if depth > self.limits.max_depth {
            return Err(self.error(Exceeded::Depth {
                limit: self.limits.max_depth,
            }));
        }
        Ok(())
    }

    fn roll_indent(&mut self, column: usize) -> Result<(), YamlLimitError> {
        let column = i64::try_from(column).unwrap_or(i64::MAX);
        if self.flow == 0 && self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
            self.depth_check()?;
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: i64) {
        if self.flow != 0 {
            return;
        }
        while self.indent > column {
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn save_key(&mut self) {
        if self.flow == 0 && self.key_allowed {
            self.key = SimpleKey {
                possible: true,
                line: self.line,
                pos: self.pos,
                column: self.column,
            };
        }
    }

    fn remove_key(&mut self) {
        if self.flow == 0 {
            self.key.possible = false;
        }
    }

    fn stale_key(&mut self) {
        if self.key.possible && (self.key.line < self.line || self.key.pos + 1024 < self.pos) {
            self.key.possible = false;
        }
    }

    fn scan_to_next_token(&mut self) {
        loop {
            if self.column == 0
                && self.bytes.get(self.pos..self.pos + 3) == Some("\u{feff}".as_bytes())
            {
                self.advance();
            }
            while self.byte(0) == b' '
                || ((self.flow != 0 || !self.key_allowed) && self.byte(0) == b'\t')
            {
                self.advance();
            }
            if self.byte(0) == b'#' {
                while !self.is_breakz() {
                    self.advance();
                }
            }
            if !self.is_break_at(0) {
                break;
            }
            self.skip_line();
            if self.flow == 0 {
                self.key_allowed = true;
            }
        }
    }

    // ---- anchors -----------------------------------------------------------------------------

    /// Closes the anchored nodes that end where a token of kind `token` starts.
    fn close_anchors(&mut self, token: Token) {
        while let Some(top) = self.open.last() {
            let ends = if top.flow > 0 {
                self.flow < top.flow
                    || (self.flow == top.flow
                        && (matches!(token, Token::FlowEntry | Token::FlowEnd)
                            || (token == Token::Value && top.owner == Owner::FlowKey)))
            } else if self.flow > 0 {
                false
            } else {
                let column = i64::try_from(self.column).unwrap_or(i64::MAX);
                // The `:` of a simple key that starts at or before the anchor: the anchor is
                // part of that key (`- &a k: v`, `!t &a k: v`).
                let key_of_value = token == Token::Value
                    && self.key.possible
                    && self.key.line == top.line
                    && self.key.pos <= top.start;
                key_of_value
                    || match top.owner {
                        Owner::SeqEntry => column <= top.indent,
                        Owner::MapValue => {
                            column < top.indent
                                || (column == top.indent && token != Token::BlockEntry)
                        }
                        Owner::Other | Owner::FlowKey | Owner::FlowValue => {
                            (token == Token::Value && self.line == top.line) || column <= top.indent
                        }
                    }
            };
            if !ends {
                break;
            }
            self.close_top();
        }
    }

    fn close_top(&mut self) {
        if let Some(a) = self.open.pop() {
            let raw = u64::try_from(self.pos.saturating_sub(a.start)).unwrap_or(u64::MAX);
            let size =
                raw.saturating_add(self.shape.alias_bytes.saturating_sub(a.alias_bytes_before));
            self.anchors.insert(a.name, size);
        }
    }

    /// A document ends: its anchors end with it.
    fn end_document(&mut self) {
        while !self.open.is_empty() {
            self.close_top();
        }
        self.anchors.clear();
    }

    fn anchor_or_alias(&mut self, alias: bool) -> Result<(), YamlLimitError> {
        let start = self.pos;
        let (line, column) = (self.line, self.column);
        self.advance();
        let name_start = self.pos;
        while is_alpha(self.byte(0)) {
            self.advance();
        }
        let name = self.text.get(name_start..self.pos).unwrap_or("");
        if alias {
            self.shape.aliases += 1;
            if self.open.iter().any(|a| a.name == name) {
                self.pos = start;
                self.column = column;
                return Err(self.error(Exceeded::RecursiveAlias));
            }
            let size = self.anchors.get(name).copied().unwrap_or(0);
            self.shape.alias_bytes = self.shape.alias_bytes.saturating_add(size);
            if self.shape.aliases > self.limits.max_aliases {
                self.pos = start;
                self.column = column;
                return Err(self.error(Exceeded::Aliases {
                    limit: self.limits.max_aliases,
                }));
            }
            if self.shape.alias_bytes > self.limits.max_alias_bytes {
                self.pos = start;
                self.column = column;
                return Err(self.error(Exceeded::AliasBytes {
                    limit: self.limits.max_alias_bytes,
                }));
            }
        } else {
            // On a later line, left of or at the block's indentation, the anchor starts a new
            // entry whatever came before.
            let last = if self.flow == 0
                && line > self.last_line
                && i64::try_from(column).unwrap_or(i64::MAX) <= self.indent
            {
                Structural::Other
            } else {
                self.last
            };
            let owner = match (self.flow > 0, last) {
                (true, Structural::Value) => Owner::FlowValue,
                (true, _) => Owner::FlowKey,
                (false, Structural::BlockEntry) => Owner::SeqEntry,
                (false, Structural::Key | Structural::Value) => Owner::MapValue,
                (false, Structural::None | Structural::Other) => Owner::Other,
            };
            self.open.push(OpenAnchor {
                name,
                start,
                line,
                alias_bytes_before: self.shape.alias_bytes,
                flow: self.flow,
                indent: self.indent,
                owner,
            });
        }
        Ok(())
    }

    // ---- scalars and tags --------------------------------------------------------------------

    fn tag(&mut self) {
        self.advance();
        if self.byte(0) == b'<' {
            self.advance();
            while is_uri(self.byte(0), true) {
                self.advance();
            }
            if self.byte(0) == b'>' {
                self.advance();
            }
        } else {
            while is_uri(self.byte(0), false) {
                self.advance();
            }
        }
    }

    fn flow_scalar(&mut self) {
        let single = self.byte(0) == b'\'';
        self.advance();
        loop {
            if self.at_end() {
                return;
            }
            let b = self.byte(0);
            if single && b == b'\'' {
                if self.byte(1) == b'\'' {
                    self.advance();
                    self.advance();
                    continue;
                }
                self.advance();
                return;
            }
            if !single && b == b'\\' {
                self.advance();
                if self.is_break_at(0) {
                    self.skip_line();
                } else {
                    self.advance();
                }
                continue;
            }
            if !single && b == b'"' {
                self.advance();
                return;
            }
            if self.is_break_at(0) {
                self.skip_line();
            } else {
                self.advance();
            }
        }
    }

    fn plain_scalar(&mut self) {
        let start = self.pos;
        let indent = self.indent + 1;
        let mut leading_blanks = false;
        'scalar: loop {
            if self.starts_document_marker() || self.byte(0) == b'#' {
                break;
            }
            while !self.is_blankz_at(0) {
                let b = self.byte(0);
                if self.flow != 0 && b == b':' && b",?[]{}".contains(&self.byte(1)) {
                    // libyaml stops on an error here.
                    break 'scalar;
                }
                if (b == b':' && self.is_blankz_at(1))
                    || (self.flow != 0 && matches!(b, b',' | b'[' | b']' | b'{' | b'}'))
                {
                    break;
                }
                leading_blanks = false;
                self.advance();
            }
            if !(self.is_blank_at(0) || self.is_break_at(0)) {
                break;
            }
            while self.is_blank_at(0) || self.is_break_at(0) {
                if self.is_blank_at(0) {
                    self.advance();
                } else {
                    self.skip_line();
                    leading_blanks = true;
                }
            }
            if self.flow == 0 && i64::try_from(self.column).unwrap_or(i64::MAX) < indent {
                break;
            }
        }
        if self.pos == start {
            self.advance();
        }
        if leading_blanks {
            self.key_allowed = true;
        }
    }

    /// Line breaks and indentation before and between a block scalar's lines; sets the content
    /// indentation when it is still to be found (0).
    fn block_scalar_breaks(&mut self, content: &mut i64) {
        let mut max_indent: i64 = 0;
        loop {
            while (*content == 0 || self.col() < *content) && self.byte(0) == b' ' {
                self.advance();
            }
            max_indent = max_indent.max(self.col());
            if (*content == 0 || self.col() < *content) && self.byte(0) == b'\t' {
                // libyaml stops on an error here; the main loop goes on from this tab.
                break;
            }
            if !self.is_break_at(0) {
                break;
            }
            self.skip_line();
        }
        if *content == 0 {
            *content = max_indent.max(self.indent + 1).max(1);
        }
    }

    fn col(&self) -> i64 {
        i64::try_from(self.column).unwrap_or(i64::MAX)
    }

    fn block_scalar(&mut self) {
        self.advance();
        let mut increment: i64 = 0;
        if matches!(self.byte(0), b'+' | b'-') {
            self.advance();
            if self.byte(0).is_ascii_digit() && self.byte(0) != b'0' {
                increment = i64::from(self.byte(0) - b'0');
                self.advance();
            }
        } else if self.byte(0).is_ascii_digit() && self.byte(0) != b'0' {
            increment = i64::from(self.byte(0) - b'0');
            self.advance();
            if matches!(self.byte(0), b'+' | b'-') {
                self.advance();
            }
        }
        while self.is_blank_at(0) {
            self.advance();
        }
        if self.byte(0) == b'#' {
            while !self.is_breakz() {
                self.advance();
            }
        }
        if !self.is_breakz() {
            // libyaml stops on an error here; the main loop goes on from this character.
            return;
        }
        self.skip_line();
        let mut content = if increment > 0 {
            if self.indent >= 0 {
                self.indent + increment
            } else {
                increment
            }
        } else {
            0
        };
        self.block_scalar_breaks(&mut content);
        while self.col() == content && !self.at_end() {
            while !self.is_breakz() {
                self.advance();
            }
            self.skip_line();
            self.block_scalar_breaks(&mut content);
        }
    }

    // ---- tokens ------------------------------------------------------------------------------

    fn is_plain_start(&self) -> bool {
        let b = self.byte(0);
        let indicator = self.is_blankz_at(0) || b"-?:,[]{}#&*!|>'\"%@`".contains(&b);
        !indicator
            || (b == b'-' && !self.is_blank_at(1))
            || (self.flow == 0 && matches!(b, b'?' | b':') && !self.is_blankz_at(1))
    }

    fn run(&mut self) -> Result<(), YamlLimitError> {
        loop {
            let before = self.pos;
            self.scan_to_next_token();
            self.stale_key();
            self.unroll_indent(self.col());
            if self.at_end() {
                self.end_document();
                return Ok(());
            }
            let b = self.byte(0);
            if self.column == 0 && b == b'%' {
                self.unroll_indent(-1);
                self.remove_key();
                self.key_allowed = false;
                while !self.is_breakz() {
                    self.advance();
                }
            } else if self.starts_document_marker() {
                self.unroll_indent(-1);
                self.remove_key();
                self.key_allowed = false;
                self.end_document();
                self.last = Structural::None;
                self.last_line = self.line;
                self.advance();
                self.advance();
                self.advance();
            } else {
                self.token(b)?;
            }
            if self.pos == before {
                self.advance();
            }
        }
    }

    fn token(&mut self, b: u8) -> Result<(), YamlLimitError> {
        match b {
            b'[' | b'{' => {
                self.close_anchors(Token::Other);
                self.save_key();
                self.flow += 1;
                self.depth_check()?;
                self.key_allowed = true;
                self.last = Structural::Other;
                self.last_line = self.line;
                self.advance();
            }
            b']' | b'}' => {
                self.close_anchors(Token::FlowEnd);
                self.remove_key();
                self.flow = self.flow.saturating_sub(1);
                self.key_allowed = false;
                self.last = Structural::Other;
                self.last_line = self.line;
                self.advance();
            }
            b',' => {
                self.close_anchors(Token::FlowEntry);
                self.remove_key();
                self.key_allowed = true;
                self.last = Structural::Other;
                self.last_line = self.line;
                self.advance();
            }
            b'-' if self.is_blankz_at(1) => {
                self.close_anchors(Token::BlockEntry);
                if self.flow == 0 {
                    self.roll_indent(self.column)?;
                }
                self.remove_key();
                self.key_allowed = true;
                self.last = Structural::BlockEntry;
                self.last_line = self.line;
                self.advance();
            }
            b'?' if self.flow != 0 || self.is_blankz_at(1) => {
                self.close_anchors(Token::Other);
                if self.flow == 0 {
                    self.roll_indent(self.column)?;
                }
                self.remove_key();
                self.key_allowed = self.flow == 0;
                self.last = Structural::Key;
                self.last_line = self.line;
                self.advance();
            }
            b':' if self.flow != 0 || self.is_blankz_at(1) => {
                self.close_anchors(Token::Value);
                if self.flow == 0 {
                    if self.key.possible {
                        self.key.possible = false;
                        self.roll_indent(self.key.column)?;
                        self.key_allowed = false;
                    } else {
                        self.roll_indent(self.column)?;
                        self.key_allowed = true;
                    }
                } else {
                    self.key_allowed = false;
                }
                self.last = Structural::Value;
                self.last_line = self.line;
                self.advance();
            }
            b'*' | b'&' => {
                self.close_anchors(Token::Other);
                self.save_key();
                self.key_allowed = false;
                if b == b'*' {
                    self.last = Structural::Other;
                    self.last_line = self.line;
                }
                self.anchor_or_alias(b == b'*')?;
            }
            b'!' => {
                self.close_anchors(Token::Other);
                self.save_key();
                self.key_allowed = false;
                self.tag();
            }
            b'|' | b'>' if self.flow == 0 => {
                self.close_anchors(Token::Other);
                self.remove_key();
                self.key_allowed = true;
                self.last = Structural::Other;
                self.last_line = self.line;
                self.block_scalar();
            }
            b'\'' | b'"' => {
                self.close_anchors(Token::Other);
                self.save_key();
                self.key_allowed = false;
                self.last = Structural::Other;
                self.last_line = self.line;
                self.flow_scalar();
            }
            _ if self.is_plain_start() => {
                self.close_anchors(Token::Other);
                self.save_key();
                self.key_allowed = false;
                self.last = Structural::Other;
                self.last_line = self.line;
                self.plain_scalar();
            }
            _ => {
                // No token starts here: libyaml stops on an error. Go on past it.
                self.close_anchors(Token::Other);
                self.advance();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
