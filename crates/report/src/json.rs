//! JSON for the assessment and scan contracts, written straight into a byte buffer.
//!
//! The output is byte-for-byte what `serde_json::to_vec` gives, or `serde_json::to_vec_pretty`
//! in the indented form (tests hold it to that); it exists because escaping strings one byte at
//! a time was half the cost of an assessment. Strings are scanned eight bytes at a time for the
//! few bytes JSON must escape. The indented form can start at any depth, so that the parts of
//! a large report can be written on several threads and joined.

use std::fmt::Display;

use serde::ser::{self, Serialize};

/// Why a value cannot be written as JSON (a map key that is not a string, or a type's own
/// serialization error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JsonError(String);

impl ser::Error for JsonError {
    fn custom<T: Display>(msg: T) -> Self {
        JsonError(msg.to_string())
    }
}

/// Appends the compact JSON of `value` to `out`.
pub fn to_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), JsonError> {
    value.serialize(&mut Writer { out, indent: None })
}

/// Appends the indented JSON of `value` to `out` (two spaces a level, as `serde_json`'s pretty
/// printer), as if it stood `depth` levels deep in a larger document.
pub fn to_json_pretty<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    depth: usize,
) -> Result<(), JsonError> {
    value.serialize(&mut Writer {
        out,
        indent: Some(depth),
    })
}

/// A line break and the indentation of `depth` levels.
pub fn newline_indent(out: &mut Vec<u8>, depth: usize) {
    /// A line break and 16 levels: most lines take a slice of it in one copy.
    const LINE: &[u8; 33] = b"\n                                ";
    match LINE.get(..1 + 2 * depth) {
        Some(line) => out.extend_from_slice(line),
        None => {
            out.extend_from_slice(LINE);
            for _ in 16..depth {
                out.extend_from_slice(b"  ");
            }
        }
    }
}

/// The compact JSON of `value` as a string.
pub fn to_json_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    let mut out = Vec::with_capacity(16 * 1024);
    to_json(&mut out, value)?;
    String::from_utf8(out).map_err(|e| JsonError(e.to_string()))
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// `None`: compact; `Some(depth)`: indented, currently `depth` levels deep.
    indent: Option<usize>,
}

impl Writer<'_> {
    /// Opens an array or an object.
    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        if let Some(depth) = &mut self.indent {
            *depth += 1;
        }
    }

    /// Closes an array or an object; indented, a non-empty one closes on its own line.
    fn close(&mut self, bracket: u8, non_empty: bool) {
        if let Some(depth) = &mut self.indent {
            *depth = depth.saturating_sub(1);
            if non_empty {
                newline_indent(self.out, *depth);
            }
        }
        self.out.push(bracket);
    }

    /// Before an element or a key.
    fn separate(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
        }
        if let Some(depth) = self.indent {
            newline_indent(self.out, depth);
        }
    }

    /// Between a key and its value.
    fn colon(&mut self) {
        if self.indent.is_some() {
            self.out.extend_from_slice(b": ");
        } else {
            self.out.push(b':');
        }
    }

    /// `{"variant":` of an externally tagged enum variant with data.
    fn open_variant(&mut self, variant: &str) {
        self.open(b'{');
        self.separate(true);
        write_str(self.out, variant);
        self.colon();
    }
}

const LOW: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes is a control character, `"` or `\`.
#[inline]
fn needs_escape(word: u64) -> bool {
    let has_zero = |v: u64| v.wrapping_sub(LOW) & !v & HIGH;
    let control = word.wrapping_sub(LOW * 0x20) & !word & HIGH;
    (control | has_zero(word ^ (LOW * u64::from(b'"'))) | has_zero(word ^ (LOW * u64::from(b'\\'))))
        != 0
}

fn escape_byte(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
            out.push(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0'));
        }
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if needs_escape(u64::from_le_bytes(word)) {
            for (k, &b) in chunk.iter().enumerate() {
                if b < 0x20 || b == b'"' || b == b'\\' {
                    out.extend_from_slice(bytes.get(start..at + k).unwrap_or_default());
                    escape_byte(out, b);
                    start = at + k + 1;
                }
            }
        }
        at += 8;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b < 0x20 || b == b'"' || b == b'\\' {
            out.extend_from_slice(bytes.get(start..at + k).unwrap_or_default());
            escape_byte(out, b);
            start = at + k + 1;
        }
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    out.push(b'"');
}

/// Struct field names are Rust identifiers (or `rename`s of our own types): nothing to escape.
fn write_key(out: &mut Vec<u8>, key: &'static str) {
    out.reserve(key.len() + 4);
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.push(b'"');
}

/// Separates the elements of arrays and objects.
struct Compound<'w, 'a> {
    w: &'w mut Writer<'a>,
    first: bool,
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        self.w.separate(self.first);
        self.first = false;
    }
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), JsonError> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), JsonError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), JsonError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), JsonError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), JsonError> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), JsonError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), JsonError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), JsonError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), JsonError> {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    // Floats are rare in the contract: serde_json writes them, so the notation is its own.
    fn serialize_f32(self, v: f32) -> Result<(), JsonError> {
        serde_json::to_writer(&mut *self.out, &v).map_err(|e| JsonError(e.to_string()))
    }
    fn serialize_f64(self, v: f64) -> Result<(), JsonError> {
        serde_json::to_writer(&mut *self.out, &v).map_err(|e| JsonError(e.to_string()))
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), JsonError> {
        let mut seq = ser::Serializer::serialize_seq(self, Some(v.len()))?;
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.close(b'}', true);
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w, 'a>, JsonError> {
        self.open(b'[');
        Ok(Compound {
            w: self,
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'a>, JsonError> {
        self.open_variant(variant);
        self.open(b'[');
        Ok(Compound {
            w: self,
            first: true,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, 'a>, JsonError> {
        self.open(b'{');
        Ok(Compound {
            w: self,
            first: true,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'w, 'a>, JsonError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'a>, JsonError> {
        self.open_variant(variant);
        self.open(b'{');
        Ok(Compound {
            w: self,
            first: true,
        })
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.comma();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        self.w.close(b']', !self.first);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        self.w.close(b']', !self.first);
        self.w.close(b'}', true);
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JsonError> {
        self.comma();
        key.serialize(KeyWriter { out: self.w.out })?;
        self.w.colon();
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        self.w.close(b'}', !self.first);
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.comma();
        write_key(self.w.out, key);
        self.w.colon();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        self.w.close(b'}', !self.first);
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), JsonError> {
        self.w.close(b'}', !self.first);
        self.w.close(b'}', true);
        Ok(())
    }
}

/// Object keys: strings only, as JSON wants (numbers are quoted, like serde_json does).
struct KeyWriter<'a> {
    out: &'a mut Vec<u8>,
}

fn key_error() -> JsonError {
    JsonError("a JSON object key must be a string".into())
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = ser::Impossible<(), JsonError>;
    type SerializeTuple = ser::Impossible<(), JsonError>;
    type SerializeTupleStruct = ser::Impossible<(), JsonError>;
    type SerializeTupleVariant = ser::Impossible<(), JsonError>;
    type SerializeMap = ser::Impossible<(), JsonError>;
    type SerializeStruct = ser::Impossible<(), JsonError>;
    type SerializeStructVariant = ser::Impossible<(), JsonError>;

    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_i64(self, v: i64) -> Result<(), JsonError> {
        self.serialize_str(itoa::Buffer::new().format(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), JsonError> {
        self.serialize_str(itoa::Buffer::new().format(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), JsonError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), JsonError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), JsonError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_u8(self, v: u8) -> Result<(), JsonError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), JsonError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), JsonError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_bool(self, _: bool) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_f32(self, _: f32) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), JsonError> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, JsonError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, JsonError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, JsonError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same_as_serde_json<T: Serialize>(v: &T) {
        let mut ours = Vec::new();
        to_json(&mut ours, v).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string(v).unwrap()
        );
        let mut pretty = Vec::new();
        to_json_pretty(&mut pretty, v, 0).unwrap();
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            serde_json::to_string_pretty(v).unwrap()
        );
    }

    #[test]
    fn pretty_deeper_than_the_prepared_indentation() {
        let mut deep = serde_json::json!(["leaf", {}]);
        for _ in 0..20 {
            deep = serde_json::json!({ "k": [deep, 1] });
        }
        same_as_serde_json(&deep);
    }

    #[test]
    fn pretty_from_any_depth_joins_into_the_whole_document() {
        let items = vec![
            serde_json::json!({"a": [1, {"b": []}], "c": {}}),
            serde_json::json!([]),
            serde_json::json!("x"),
        ];
        let whole = serde_json::to_string_pretty(&serde_json::json!({ "items": items })).unwrap();
        let mut joined = b"{".to_vec();
        newline_indent(&mut joined, 1);
        joined.extend_from_slice(b"\"items\": [");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                joined.push(b',');
            }
            newline_indent(&mut joined, 2);
            to_json_pretty(&mut joined, item, 2).unwrap();
        }
        newline_indent(&mut joined, 1);
        joined.extend_from_slice(b"]\n}");
        assert_eq!(String::from_utf8(joined).unwrap(), whole);
    }

    #[test]
    fn matches_serde_json_on_shapes() {
        same_as_serde_json(&serde_json::json!({
            "a": [1, -2, 3.5, null, true, "x\"y\\z\n\u{1}é»"],
            "b": {"c": [], "d": {}},
            "e": 1e300,
            "f": u64::MAX
        }));
        #[derive(serde::Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, u8),
            Struct { x: u8 },
        }
        same_as_serde_json(&vec![
            E::Unit,
            E::New(1),
            E::Tuple(1, 2),
            E::Struct { x: 3 },
        ]);
        let mut m = std::collections::BTreeMap::new();
        m.insert(3u32, "three");
        same_as_serde_json(&m);
        same_as_serde_json(&f64::NAN);
        same_as_serde_json(&'q');
    }

    proptest! {
        #[test]
        fn strings_match_serde_json(s in "\\PC{0,64}|[\\x00-\\x7f]{0,64}") {
            same_as_serde_json(&s);
        }
    }
}
