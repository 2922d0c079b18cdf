//! What makes a PDF an archive: the XMP metadata that repeats the document information with
//! the PDF/A and PDF/UA identification, the sRGB output intent every colour is meant in, a
//! date that never comes from the clock, and the source files attached to the document.

use lopdf::{Dictionary, Object, ObjectId, Stream};

use crate::frame::DocumentInfo;

/// The sRGB profile colours are given in (Clinton Ingram's compact sRGB v2, CC0; see
/// `color/LICENSE`).
const SRGB_PROFILE: &[u8] = include_bytes!("../../color/sRGB-v2-magic.icc");

/// A file attached to an archive PDF: its path relative to the source's folder, its bytes and
/// its MIME type.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
    pub mime: String,
    /// How it relates to the document: `Source`, or `Supplement` for the manifest.
    pub relationship: &'static str,
}

/// The document's date: the front matter's `date` (YYYY-MM-DD, or YYYY-MM or YYYY), else
/// `SOURCE_DATE_EPOCH`, else 2000-01-01 — never the clock, so the same input gives the same
/// bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Date {
    pub fn of(info: &DocumentInfo) -> Date {
        info.date
            .as_deref()
            .and_then(Date::parse)
            .or_else(|| {
                std::env::var("SOURCE_DATE_EPOCH")
                    .ok()
                    .and_then(|s| s.trim().parse::<i64>().ok())
                    .map(Date::from_epoch)
            })
            .unwrap_or(Date { year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0 })
    }

    /// `2026-11-27`, `2026-11` or `2026`, possibly followed by other text (`2026-11-27 (월)`).
    fn parse(text: &str) -> Option<Date> {
        let head: String = text.trim().chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
        let mut parts = head.split('-').filter(|p| !p.is_empty());
        let year: u32 = parts.next()?.parse().ok().filter(|y| (1000..=9999).contains(y))?;
        let month: u32 =
            parts.next().and_then(|m| m.parse().ok()).filter(|m| (1..=12).contains(m)).unwrap_or(1);
        let day: u32 =
            parts.next().and_then(|d| d.parse().ok()).filter(|d| (1..=31).contains(d)).unwrap_or(1);
        Some(Date { year, month, day, hour: 0, minute: 0, second: 0 })
    }

    /// Seconds since 1970 (UTC) as a calendar date (Howard Hinnant's days-to-civil).
    fn from_epoch(seconds: i64) -> Date {
        let seconds = seconds.clamp(0, 253_402_300_799);
        let days = seconds.div_euclid(86_400);
        let rest = seconds.rem_euclid(86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u32;
        Date { year, month, day, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60 }
    }

    /// `D:20261127000000Z`, as the document information dictionary writes dates.
    pub fn pdf(&self) -> String {
        format!(
            "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2026-11-27T00:00:00Z`, as XMP writes dates.
    pub fn xmp(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The version and conformance the file claims: PDF/A-2u, or PDF/A-3u when it carries
/// files; PDF/UA-1 always.
pub fn pdfa_part(attachments: &[Attachment]) -> u8 {
    if attachments.is_empty() {
        2
    } else {
        3
    }
}

/// The XMP metadata stream: the same title, author, subject, keywords, tools and dates as
/// the information dictionary, and the PDF/A and PDF/UA identification.
pub fn xmp_metadata(info: &DocumentInfo, date: &Date, part: u8) -> Object {
    let title = escape(&info.title);
    let lang = escape(if info.lang.is_empty() { "x-default" } else { &info.lang });
    let mut body = String::new();
    body.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    body.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    body.push_str("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n");
    body.push_str("<dc:format>application/pdf</dc:format>\n");
    body.push_str(&format!(
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n"
    ));
    if let Some(author) = &info.author {
        body.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            escape(author)
        ));
    }
    if let Some(subject) = &info.subject {
        body.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            escape(subject)
        ));
    }
    body.push_str(&format!("<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n"));
    if !info.keywords.is_empty() {
        body.push_str(&format!("<pdf:Keywords>{}</pdf:Keywords>\n", escape(&info.keywords.join(", "))));
    }
    body.push_str(&format!("<pdf:Producer>{}</pdf:Producer>\n", escape(&producer())));
    body.push_str("<xmp:CreatorTool>Hanji</xmp:CreatorTool>\n");
    let when = date.xmp();
    body.push_str(&format!("<xmp:CreateDate>{when}</xmp:CreateDate>\n<xmp:ModifyDate>{when}</xmp:ModifyDate>\n<xmp:MetadataDate>{when}</xmp:MetadataDate>\n"));
    body.push_str(&format!(
        "<pdfaid:part>{part}</pdfaid:part>\n<pdfaid:conformance>U</pdfaid:conformance>\n"
    ));
    body.push_str("<pdfuaid:part>1</pdfuaid:part>\n");
    body.push_str("</rdf:Description>\n");
    body.push_str(PDFUA_EXTENSION);
    body.push_str("</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    // Left uncompressed, as archive readers expect to find it.
    Object::Stream(Stream::new(dict, body.into_bytes()).with_compression(false))
}

/// PDF/A admits only XMP properties of known schemas: the PDF/UA identification is declared.
const PDFUA_EXTENSION: &str = r#"<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"#;

/// The tool named in the document information and its XMP copy.
pub fn producer() -> String {
    concat!("Hanji ", env!("CARGO_PKG_VERSION")).to_string()
}

/// The output intent: colours are sRGB.
pub fn output_intent(doc: &mut lopdf::Document) -> Object {
    let mut profile = Dictionary::new();
    profile.set("N", Object::Integer(3));
    let profile_id = doc.add_object(super::pdf::compressed(profile, SRGB_PROFILE.to_vec()));
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    intent.set("OutputConditionIdentifier", Object::string_literal("sRGB IEC61966-2.1"));
    intent.set("RegistryName", Object::string_literal("http://www.color.org"));
    intent.set("Info", Object::string_literal("sRGB IEC61966-2.1"));
    intent.set("DestOutputProfile", Object::Reference(profile_id));
    Object::Array(vec![Object::Dictionary(intent)])
}

/// Attaches the files as associated files of the document (`/AF`, relationship Source) and
/// lists them as embedded files. Returns the catalog entries to set.
pub fn attach(
    doc: &mut lopdf::Document,
    attachments: &[Attachment],
    date: &Date,
) -> Vec<(&'static str, Object)> {
    if attachments.is_empty() {
        return Vec::new();
    }
    let mut specs: Vec<(String, ObjectId)> = Vec::new();
    for file in attachments {
        let mut params = Dictionary::new();
        params.set("Size", Object::Integer(file.bytes.len() as i64));
        params.set("ModDate", Object::string_literal(date.pdf()));
        let mut stream = Dictionary::new();
        stream.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
        stream.set("Subtype", Object::Name(mime_name(&file.mime)));
        stream.set("Params", Object::Dictionary(params));
        let stream_id = doc.add_object(super::pdf::compressed(stream, file.bytes.clone()));
        let mut embedded = Dictionary::new();
        embedded.set("F", Object::Reference(stream_id));
        embedded.set("UF", Object::Reference(stream_id));
        let mut spec = Dictionary::new();
        spec.set("Type", Object::Name(b"Filespec".to_vec()));
        spec.set("F", super::pdf::text_string(&file.name));
        spec.set("UF", super::pdf::text_string(&file.name));
        spec.set(
            "Desc",
            super::pdf::text_string(&format!("Hanji {}: {}", file.relationship.to_lowercase(), file.name)),
        );
        spec.set("AFRelationship", Object::Name(file.relationship.as_bytes().to_vec()));
        spec.set("EF", Object::Dictionary(embedded));
        specs.push((file.name.clone(), doc.add_object(Object::Dictionary(spec))));
    }
    let mut sorted = specs.clone();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let names = sorted
        .iter()
        .flat_map(|(name, id)| [super::pdf::text_string(name), Object::Reference(*id)])
        .collect();
    let mut tree = Dictionary::new();
    tree.set("Names", Object::Array(names));
    let mut name_dict = Dictionary::new();
    name_dict.set("EmbeddedFiles", Object::Dictionary(tree));
    vec![
        ("AF", Object::Array(specs.iter().map(|(_, id)| Object::Reference(*id)).collect())),
        ("Names", Object::Dictionary(name_dict)),
    ]
}

/// A MIME type as a PDF name: `/` written `#2F`, as the name syntax needs.
fn mime_name(mime: &str) -> Vec<u8> {
    mime.bytes().filter(|b| b.is_ascii_graphic()).collect()
}

/// Text for XML: the five special characters escaped, control characters dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Takes back the files an archive PDF carries: (name, bytes) in the order written.
pub fn attachments_of(pdf: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let catalog = doc.catalog().ok()?;
    let files = catalog.get(b"AF").ok()?.as_array().ok()?;
    let mut out = Vec::new();
    for spec in files {
        let spec = doc.dereference(spec).ok()?.1.as_dict().ok()?;
        let name =
            spec.get(b"UF").or_else(|_| spec.get(b"F")).ok().and_then(|n| match doc.dereference(n) {
                Ok((_, Object::String(bytes, _))) => Some(decode_text(bytes)),
                _ => None,
            })?;
        let embedded = spec.get(b"EF").ok()?.as_dict().ok()?;
        let stream = doc.dereference(embedded.get(b"F").ok()?).ok()?.1.as_stream().ok()?;
        let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        out.push((name, bytes));
    }
    Some(out)
}

/// A PDF text string: UTF-16BE with its mark, else the bytes as Latin-1.
fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_come_from_the_front_matter_or_the_epoch_never_the_clock() {
        assert_eq!(Date::parse("2026-11-27").map(|d| d.pdf()), Some("D:20261127000000Z".into()));
        assert_eq!(Date::parse("2026-11").map(|d| d.xmp()), Some("2026-11-01T00:00:00Z".into()));
        assert_eq!(Date::parse("2026-11-27 (금)").map(|d| d.day), Some(27));
        assert_eq!(Date::parse("지난 주"), None);
        assert_eq!(Date::from_epoch(0).xmp(), "1970-01-01T00:00:00Z");
        assert_eq!(Date::from_epoch(1_796_000_000).xmp(), "2026-11-30T00:53:20Z");
        assert_eq!(Date::from_epoch(951_782_400).xmp(), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(escape("a < b & \"c\"\u{1}"), "a &lt; b &amp; &quot;c&quot;");
    }
}
