//! A lopdf document written out as a PDF file (objects, then a cross-reference stream or
//! table and trailer, as the document says), byte for byte as lopdf's own `save_to` writes it, but straight into one buffer:
//! lopdf goes through `write!` and a dynamic writer for every name, number and reference,
//! which was a tenth of the PDF stage of a sheet.

use lopdf::xref::XrefType;
use lopdf::{Dictionary, Document, Object, StringFormat};

/// Objects written out ahead of the rest (the structure tree's hundreds of small
/// dictionaries): kept as bytes rather than as lopdf dictionaries, whose maps took a sixth of
/// a sheet's memory. The document holds `null` in their place, for their numbers.
#[derive(Default)]
pub struct Prewritten {
    bytes: Vec<u8>,
    spans: std::collections::BTreeMap<u32, std::ops::Range<usize>>,
}

impl Prewritten {
    /// Writes `dict` as object `id` of the document, and puts `null` there in `doc`.
    pub fn insert(&mut self, doc: &mut Document, id: lopdf::ObjectId, dict: &Dictionary) {
        self.insert_entries(doc, id, |entries| {
            for (key, value) in dict {
                entries.entry(key, value);
            }
        });
    }

    /// As [`Prewritten::insert`] for a dictionary given entry by entry, in order: the bytes are
    /// the same, without building a `Dictionary` (a hash map) for each of a structure tree's
    /// hundreds of elements.
    pub fn insert_entries(
        &mut self,
        doc: &mut Document,
        id: lopdf::ObjectId,
        entries: impl FnOnce(&mut Entries),
    ) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(b"<<");
        entries(&mut Entries { out: &mut self.bytes });
        self.bytes.extend_from_slice(b">>");
        self.spans.insert(id.0, start..self.bytes.len());
        doc.objects.insert(id, Object::Null);
    }
}

/// The entries of a dictionary being written (see [`Prewritten::insert_entries`]).
pub struct Entries<'a> {
    out: &'a mut Vec<u8>,
}

impl Entries<'_> {
    pub fn entry(&mut self, key: &[u8], value: &Object) {
        write_name(self.out, key);
        if separated(value) {
            self.out.push(b' ');
        }
        write_object(self.out, value);
    }

    /// An entry whose value is a name.
    pub fn name(&mut self, key: &[u8], value: &[u8]) {
        write_name(self.out, key);
        write_name(self.out, value);
    }
}

/// Appends the whole file to `out`.
pub fn write_document(doc: &Document, out: &mut Vec<u8>) {
    write_with(doc, &Prewritten::default(), out);
}

/// Appends the whole file to `out`, objects in `early` as they were written there.
pub fn write_with(doc: &Document, early: &Prewritten, out: &mut Vec<u8>) {
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(doc.version.as_bytes());
    out.push(b'\n');
    if doc.binary_mark.iter().all(|&b| b >= 128) {
        out.push(b'%');
        out.extend_from_slice(&doc.binary_mark);
        out.push(b'\n');
    }
    let size = doc.max_id as usize + 1;
    let mut offsets: Vec<Option<(usize, u16)>> = vec![None; size];
    for (&(id, generation), object) in &doc.objects {
        if is_structural(object) {
            continue;
        }
        if let Some(slot) = offsets.get_mut(id as usize) {
            *slot = Some((out.len(), generation));
        }
        integer(out, i64::from(id));
        out.push(b' ');
        integer(out, i64::from(generation));
        out.extend_from_slice(b" obj\n");
        if let Some(span) = early.spans.get(&id) {
            // Dictionaries and arrays: no separator on either side.
            out.extend_from_slice(&early.bytes[span.clone()]);
        } else {
            if separated(object) {
                out.push(b' ');
            }
            write_object(out, object);
            if separated(object) || matches!(object, Object::Name(_) | Object::Stream(_)) {
                out.push(b' ');
            }
        }
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_start = out.len();
    match doc.reference_table.cross_reference_type {
        XrefType::CrossReferenceTable => {
            write_xref(out, &offsets);
            out.extend_from_slice(b"trailer\n");
            let mut trailer = doc.trailer.clone();
            trailer.set("Size", size as i64);
            write_dictionary(out, &trailer);
        }
        XrefType::CrossReferenceStream => write_xref_stream(doc, out, &mut offsets, xref_start),
    }
    out.extend_from_slice(b"\nstartxref\n");
    integer(out, xref_start as i64);
    out.extend_from_slice(b"\n%%EOF");
}

/// The cross-reference stream: one more object, after all others, whose dictionary is the
/// trailer; entries `[1 4 2]` bytes wide (type, offset, generation) for runs of present
/// object numbers from 1.
fn write_xref_stream(doc: &Document, out: &mut Vec<u8>, offsets: &mut Vec<Option<(usize, u16)>>, at: usize) {
    let id = offsets.len();
    offsets.push(Some((at, 0)));
    let mut table = Vec::with_capacity(offsets.len() * 7);
    for (offset, generation) in offsets.iter().flatten() {
        table.push(1);
        table.extend_from_slice(&(*offset as u32).to_be_bytes());
        table.extend_from_slice(&generation.to_be_bytes());
    }
    let index = runs(offsets, 1)
        .into_iter()
        .flat_map(|(start, count)| [Object::Integer(start as i64), Object::Integer(count as i64)])
        .collect();
    let mut dict = doc.trailer.clone();
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", offsets.len() as i64);
    dict.set("W", Object::Array(vec![Object::Integer(1), Object::Integer(4), Object::Integer(2)]));
    dict.set("Index", Object::Array(index));
    dict.remove(b"Filter");
    dict.set("Length", table.len() as i64);
    integer(out, id as i64);
    out.extend_from_slice(b" 0 obj\n");
    write_dictionary(out, &dict);
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(&table);
    out.extend_from_slice(b"\nendstream \nendobj\n");
}

/// Object and cross-reference streams and linearization dictionaries read from a file; lopdf
/// leaves them out when saving, and so does this.
fn is_structural(object: &Object) -> bool {
    matches!(object.type_name(), Ok(b"ObjStm" | b"XRef" | b"Linearized"))
}

/// The cross-reference table: one section per run of present object numbers, entry 0 free.
fn write_xref(out: &mut Vec<u8>, offsets: &[Option<(usize, u16)>]) {
    out.extend_from_slice(b"xref\n");
    for (start, count) in runs(offsets, 0) {
        integer(out, start as i64);
        out.push(b' ');
        integer(out, count as i64);
        out.push(b'\n');
        for entry in &offsets[start..start + count] {
            match entry {
                Some((offset, generation)) => {
                    padded(out, *offset as u64, 10);
                    out.push(b' ');
                    padded(out, u64::from(*generation), 5);
                    out.extend_from_slice(b" n \n");
                }
                None => out.extend_from_slice(b"0000000000 65535 f \n"),
            }
        }
    }
}

/// Runs of consecutive object numbers from `first` that have an entry, as (start, count).
/// Number 0, the head of the free list, always has one.
fn runs(offsets: &[Option<(usize, u16)>], first: usize) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for n in (first..offsets.len()).filter(|&n| n == 0 || offsets[n].is_some()) {
        match runs.last_mut() {
            Some((start, count)) if *start + *count == n => *count += 1,
            _ => runs.push((n, 1)),
        }
    }
    runs
}

/// Numbers, booleans, null and references need a space before them after a name or another
/// such token; strings, arrays and dictionaries bring their own delimiters.
fn separated(object: &Object) -> bool {
    matches!(
        object,
        Object::Null | Object::Boolean(_) | Object::Integer(_) | Object::Real(_) | Object::Reference(_)
    )
}

fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => integer(out, *value),
        Object::Real(value) => real(out, *value),
        Object::Name(name) => write_name(out, name),
        Object::String(text, StringFormat::Literal) => literal(out, text),
        Object::String(text, StringFormat::Hexadecimal) => hex_string(out, text),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && separated(item) {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            write_dictionary(out, &stream.dict);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            integer(out, i64::from(*id));
            out.push(b' ');
            integer(out, i64::from(*generation));
            out.extend_from_slice(b" R");
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        write_name(out, key);
        if separated(value) {
            out.push(b' ');
        }
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Bytes a name writes as `#xx`: white space, delimiters and all outside `!`..`~`.
const ESCAPED_IN_NAME: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = byte < 33 || byte > 126;
        byte += 1;
    }
    let delimiters = b"()<>[]{}/%#";
    let mut i = 0;
    while i < delimiters.len() {
        table[delimiters[i] as usize] = true;
        i += 1;
    }
    table
};

/// A name, with white space, delimiters and bytes outside `!`..`~` as `#xx`.
fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &byte in name {
        if ESCAPED_IN_NAME[usize::from(byte)] {
            out.extend_from_slice(&[b'#', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]);
        } else {
            out.push(byte);
        }
    }
}

/// A literal string: backslashes, carriage returns and unbalanced parentheses escaped.
fn literal(out: &mut Vec<u8>, text: &[u8]) {
    let mut escaped = Vec::new();
    let mut open = Vec::new();
    for (index, &byte) in text.iter().enumerate() {
        match byte {
            b'(' => open.push(index),
            // A closing parenthesis balances the last open one, or is escaped.
            b')' if open.pop().is_none() => escaped.push(index),
            b'\\' | b'\r' => escaped.push(index),
            _ => {}
        }
    }
    escaped.extend(open);
    out.push(b'(');
    if escaped.is_empty() {
        out.extend_from_slice(text);
    } else {
        for (index, &byte) in text.iter().enumerate() {
            if escaped.contains(&index) {
                out.push(b'\\');
                out.push(if byte == b'\r' { b'r' } else { byte });
            } else {
                out.push(byte);
            }
        }
    }
    out.push(b')');
}

fn hex_string(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'<');
    for &byte in text {
        out.extend_from_slice(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]);
    }
    out.push(b'>');
}

pub(super) fn integer(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    let (digits, start) = decimal(value.unsigned_abs());
    out.extend_from_slice(&digits[start..]);
}

/// The decimal digits of `n` at the end of a buffer of zeros, and where they start.
fn decimal(mut n: u64) -> ([u8; 20], usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return (digits, at);
        }
    }
}

/// Reals as Rust displays an `f32` (shortest round trip), as lopdf writes them; a document
/// has a few dozen.
fn real(out: &mut Vec<u8>, value: f32) {
    use std::io::Write as _;
    let _ = write!(out, "{value}");
}

/// A decimal number padded with zeros to `width` digits.
fn padded(out: &mut Vec<u8>, value: u64, width: usize) {
    let (digits, start) = decimal(value);
    out.extend_from_slice(&digits[start.min(digits.len() - width)..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    fn both(doc: &mut Document) -> (Vec<u8>, Vec<u8>) {
        let mut ours = Vec::new();
        write_document(doc, &mut ours);
        let mut theirs = Vec::new();
        doc.save_to(&mut theirs).unwrap_or_else(|e| panic!("lopdf: {e}"));
        (ours, theirs)
    }

    #[test]
    fn writes_what_lopdf_writes_for_every_kind_of_object() {
        for kind in [XrefType::CrossReferenceStream, XrefType::CrossReferenceTable] {
            let mut doc = every_kind_of_object();
            doc.reference_table.cross_reference_type = kind;
            let (ours, theirs) = both(&mut doc);
            assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
            assert_eq!(ours, theirs);
        }
    }

    fn every_kind_of_object() -> Document {
        let mut doc = Document::with_version("1.7");
        let stream = doc.add_object(Stream::new(dictionary! { "Filter" => "FlateDecode" }, b"q Q".to_vec()));
        let strings = doc.add_object(Object::Array(vec![
            Object::string_literal("a (balanced) one"),
            Object::string_literal("un)balanced( \\ back\rslash"),
            Object::String(vec![0, 0xAB, 0xFF], StringFormat::Hexadecimal),
            Object::Real(0.5),
            Object::Real(-12.25),
            Object::Real(1e9),
            Object::Integer(-42),
            Object::Integer(i64::MIN),
            Object::Null,
            Object::Boolean(true),
            Object::Boolean(false),
            Object::Name(b"A name#with (odd) bytes\x01\xC3".to_vec()),
            Object::Name((0u8..=255).collect()),
            Object::Reference(stream),
        ]));
        doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Kids" => vec![Object::Reference(strings), 3.into()],
            "Nested" => dictionary! { "Deep" => dictionary! { "N" => 1 } },
            "Empty" => Object::Array(Vec::new()),
        });
        doc.add_object(Object::Name(b"Alone".to_vec()));
        doc.add_object(Object::Integer(7));
        // A gap in the numbering makes a second cross-reference section.
        doc.objects.insert((9, 0), Object::string_literal("after a gap"));
        doc.max_id = 9;
        doc.trailer.set("Root", Object::Reference((3, 0)));
        doc.trailer.set("Filter", Object::Name(b"Dropped".to_vec()));
        doc
    }

    #[test]
    fn zero_padding_keeps_long_offsets_whole() {
        let mut out = Vec::new();
        padded(&mut out, 0, 10);
        padded(&mut out, 1234, 5);
        padded(&mut out, 12_345_678_901, 10);
        assert_eq!(out, b"00000000000123412345678901");
    }
}
