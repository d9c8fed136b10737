//! Bytes in, [`Trace`]s out. The format is detected from the content; each format has a
//! private adapter that converts its wire structs into the canonical model.

mod detect;
mod jaeger;
mod json;
mod otlp;
mod position;
mod wire;
mod zipkin_v1;
mod zipkin_v2;
mod zipkin_v2_fast;

use std::collections::HashMap;

use crate::hash::FxHashMap;
use std::fmt;
use std::sync::Arc;

use crate::model::{
    Endpoint, Resource, ResourceIdx, Scope, ScopeIdx, Span, Status, StatusCode, StrId, Strings,
    Tag, Trace, TraceId,
};

pub use position::Position;

/// The input formats tracescope recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    ZipkinV2,
    ZipkinV1,
    Jaeger,
    Otlp,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::ZipkinV2 => "Zipkin v2 JSON",
            Format::ZipkinV1 => "Zipkin v1 JSON",
            Format::Jaeger => "Jaeger JSON",
            Format::Otlp => "OTLP/JSON",
        }
    }

    /// Machine name used by the CLI and in test hooks.
    pub fn key(self) -> &'static str {
        match self {
            Format::ZipkinV2 => "zipkin-v2",
            Format::ZipkinV1 => "zipkin-v1",
            Format::Jaeger => "jaeger",
            Format::Otlp => "otlp",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why bytes could not be read as a trace. Every variant says what and where.
/// Serialisable, so it crosses from the engine's worker to the page as the same type.
#[derive(Clone, Debug, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ImportError {
    #[error("the input is empty")]
    Empty,
    #[error("{format}: {message} at {path} ({position})")]
    Invalid {
        format: Format,
        /// JSON path of the offending value, like `[3].annotations[0].timestamp`.
        path: String,
        position: Position,
        message: String,
    },
    #[error("not a trace file: expected JSON (Zipkin, Jaeger or OTLP), but {seen}")]
    Unrecognised { seen: String },
    #[error("{format}: the input holds no spans")]
    NoSpans { format: Format },
}

/// The result of a successful import: one or more traces, in input order.
#[derive(Debug)]
pub struct Imported {
    pub format: Format,
    pub traces: Vec<Trace>,
}

/// Detects the format of `bytes` and converts them into traces.
pub fn import(bytes: &[u8]) -> Result<Imported, ImportError> {
    let format = detect::detect(bytes)?;
    import_as(bytes, format)
}

/// Converts `bytes` as the given format, without detection.
pub fn import_as(bytes: &[u8], format: Format) -> Result<Imported, ImportError> {
    if skip_bom_and_ws(bytes).is_empty() {
        return Err(ImportError::Empty);
    }
    let batch = match format {
        Format::ZipkinV2 => zipkin_v2::parse(bytes)?,
        Format::ZipkinV1 => zipkin_v1::parse(bytes)?,
        Format::Jaeger => jaeger::parse(bytes)?,
        Format::Otlp => otlp::parse(bytes)?,
    };
    if batch.spans.is_empty() {
        return Err(ImportError::NoSpans { format });
    }
    Ok(Imported {
        format,
        traces: batch.into_traces(),
    })
}

/// The format `bytes` appear to be in, judged from the keys near the start.
pub fn detect_format(bytes: &[u8]) -> Result<Format, ImportError> {
    detect::detect(bytes)
}

/// Repeated texts (tag and annotation values, addresses) shared instead of allocated once per
/// span: a direct-mapped cache of texts by hash. Memory stays bounded (a text that falls out
/// is simply stored again when it comes back), and a text that does not repeat costs a hash
/// and a comparison more than allocating it.
///
/// Unique texts (statements, URLs with ids) are common. Were each one cached, it would evict
/// a text that repeats, and evicting is slow (the old text's reference count is in memory
/// that has left the processor's cache). So a text takes a slot that is in use only when it
/// is seen there the second time in a row (its hash is remembered), and only if the text in
/// the slot has not been used since the last miss.
pub(crate) struct TextCache {
    slots: Box<[Slot]>,
}

#[derive(Clone, Default)]
struct Slot {
    text: Option<Arc<str>>,
    /// The text in the slot was used since the last miss.
    hit: bool,
    /// The high bits of the hash of the text that missed last.
    missed: u32,
}

impl TextCache {
    /// 4096 slots (96 KiB): room for the values of the tags a trace repeats.
    const BITS: u32 = 12;

    pub(crate) fn share(&mut self, text: &str) -> Arc<str> {
        // The top bits of a multiplicative hash are the well-mixed ones.
        let hash = crate::hash::quick_text_hash(text.as_bytes());
        let slot = &mut self.slots[(hash >> (64 - Self::BITS)) as usize];
        if let Some(shared) = &slot.text {
            if **shared == *text {
                slot.hit = true;
                return shared.clone();
            }
        }
        let new: Arc<str> = Arc::from(text);
        let fingerprint = (hash >> 20) as u32;
        let again = std::mem::replace(&mut slot.missed, fingerprint) == fingerprint;
        let used = std::mem::take(&mut slot.hit);
        if slot.text.is_none() || (again && !used) {
            slot.text = Some(new.clone());
        }
        new
    }
}

impl Default for TextCache {
    fn default() -> TextCache {
        TextCache {
            slots: vec![Slot::default(); 1 << Self::BITS].into_boxed_slice(),
        }
    }
}

/// What an adapter produces: spans in input order, not yet grouped into traces, and the
/// tables they refer to.
#[derive(Default)]
struct Batch {
    spans: Vec<Span>,
    strings: Strings,
    resources: Vec<Resource>,
    scopes: Vec<Scope>,
    /// Warnings the backend attached to a whole trace (Jaeger), by trace id.
    trace_warnings: Vec<(TraceId, Box<str>)>,
    /// Resources and scopes already stored, by their content: JSON Lines and Jaeger's
    /// embedded processes repeat the same one many times.
    resource_index: HashMap<String, ResourceIdx>,
    scope_index: HashMap<String, ScopeIdx>,
}

impl Batch {
    /// Stores a resource (or finds the same one stored before).
    fn add_resource(&mut self, r: Resource) -> ResourceIdx {
        let key = content_key(&[r.service], &r.attributes, &self.strings);
        let resources = &mut self.resources;
        *self.resource_index.entry(key).or_insert_with(|| {
            resources.push(r);
            ResourceIdx(u32::try_from(resources.len() - 1).unwrap_or(u32::MAX))
        })
    }

    /// Stores a scope (or finds the same one stored before).
    fn add_scope(&mut self, s: Scope) -> ScopeIdx {
        let key = content_key(&[s.name, s.version], &s.attributes, &self.strings);
        let scopes = &mut self.scopes;
        *self.scope_index.entry(key).or_insert_with(|| {
            scopes.push(s);
            ScopeIdx(u32::try_from(scopes.len() - 1).unwrap_or(u32::MAX))
        })
    }

    /// Splits spans into traces by trace id, in order of first appearance. A 64-bit id joins
    /// the 128-bit trace with the same low half (Zipkin's rule for mixed reporters); two
    /// 128-bit ids are one trace only when they are equal.
    fn into_traces(self) -> Vec<Trace> {
        #[derive(Hash, PartialEq, Eq, Clone, Copy)]
        enum Key {
            Wide(u64, u64),
            Low(u64),
            Other(StrId),
        }
        // The common case, one trace id throughout: one pass, no maps.
        if let (Some(first), true) = (self.spans.first(), self.trace_warnings.is_empty()) {
            let id = first.trace_id;
            if self.spans.iter().all(|s| s.trace_id == id) {
                let mut spans = self.spans;
                spans.shrink_to_fit();
                return vec![Trace {
                    id,
                    spans,
                    strings: Arc::new(self.strings),
                    resources: self.resources.into(),
                    scopes: self.scopes.into(),
                    warnings: Vec::new(),
                }];
            }
        }
        // The first 128-bit id seen for each low half, for 64-bit ids to join.
        let mut wide_for_low: FxHashMap<u64, (u64, u64)> = FxHashMap::default();
        for s in &self.spans {
            if let TraceId::Hex {
                high,
                low,
                wide: true,
            } = s.trace_id
            {
                wide_for_low.entry(low).or_insert((high, low));
            }
        }
        let key_of = |id: &TraceId| match *id {
            TraceId::Hex {
                high,
                low,
                wide: true,
            } => Key::Wide(high, low),
            TraceId::Hex { low, .. } => wide_for_low
                .get(&low)
                .map_or(Key::Low(low), |&(h, l)| Key::Wide(h, l)),
            TraceId::Other(s) => Key::Other(s),
        };

        // First the group of each span, so that each trace's Vec is allocated once, exactly;
        // a single trace (the common case) keeps the adapter's Vec.
        let mut index: FxHashMap<Key, usize> = FxHashMap::default();
        let mut ids: Vec<TraceId> = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        let mut slot_of: Vec<u32> = Vec::with_capacity(self.spans.len());
        // Spans of one trace mostly come together: the previous span's slot, by its id.
        let mut previous: Option<(TraceId, usize)> = None;
        for span in &self.spans {
            let slot = match previous {
                Some((id, slot)) if id == span.trace_id => slot,
                _ => *index.entry(key_of(&span.trace_id)).or_insert_with(|| {
                    ids.push(span.trace_id);
                    counts.push(0);
                    ids.len() - 1
                }),
            };
            previous = Some((span.trace_id, slot));
            // Prefer the 128-bit form of the id when both appear.
            if let (true, Some(id)) = (
                matches!(span.trace_id, TraceId::Hex { wide: true, .. }),
                ids.get_mut(slot),
            ) {
                *id = span.trace_id;
            }
            if let Some(c) = counts.get_mut(slot) {
                *c += 1;
            }
            slot_of.push(u32::try_from(slot).unwrap_or(u32::MAX));
        }
        let groups: Vec<(TraceId, Vec<Span>)> = if ids.len() == 1 {
            let mut spans = self.spans;
            spans.shrink_to_fit();
            ids.into_iter()
                .map(|id| (id, std::mem::take(&mut spans)))
                .collect()
        } else {
            let mut groups: Vec<(TraceId, Vec<Span>)> = ids
                .into_iter()
                .zip(&counts)
                .map(|(id, &n)| (id, Vec::with_capacity(n)))
                .collect();
            for (span, slot) in self.spans.into_iter().zip(slot_of) {
                if let Some(g) = groups.get_mut(slot as usize) {
                    g.1.push(span);
                }
            }
            groups
        };
        let mut warnings: Vec<Vec<Box<str>>> = vec![Vec::new(); groups.len()];
        for (id, text) in self.trace_warnings {
            if let Some(w) = index.get(&key_of(&id)).and_then(|&i| warnings.get_mut(i)) {
                w.push(text);
            }
        }
        let strings = Arc::new(self.strings);
        let resources: Arc<[Resource]> = self.resources.into();
        let scopes: Arc<[Scope]> = self.scopes.into();
        groups
            .into_iter()
            .zip(warnings)
            .map(|((id, spans), warnings)| Trace {
                id,
                spans,
                strings: strings.clone(),
                resources: resources.clone(),
                scopes: scopes.clone(),
                warnings,
            })
            .collect()
    }
}

pub(crate) fn skip_bom_and_ws(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// A text that is equal for equal (ids, attributes).
fn content_key(ids: &[StrId], attributes: &[Tag], strings: &Strings) -> String {
    use std::fmt::Write;
    let mut key = String::new();
    for id in ids {
        let _ = write!(key, "{}\0", id.0);
    }
    for t in attributes {
        let _ = write!(
            key,
            "{}\0{}\0{}\0",
            strings.get(t.key),
            t.value.type_name(),
            t.value
        );
    }
    key
}

/// Status from the OpenTelemetry tags that Zipkin and Jaeger exporters write
/// (`otel.status_code`, `otel.status_description`).
fn status_from_tags(tags: &[Tag], strings: &mut Strings) -> Status {
    let mut status = Status::default();
    let (Some(code_key), description_key) = (
        strings.find("otel.status_code"),
        strings.find("otel.status_description"),
    ) else {
        return status;
    };
    for t in tags {
        if t.key == code_key {
            let code = t.value.to_string();
            status.code = if code.eq_ignore_ascii_case("ERROR") {
                StatusCode::Error
            } else if code.eq_ignore_ascii_case("OK") {
                StatusCode::Ok
            } else {
                StatusCode::Unset
            };
        } else if Some(t.key) == description_key {
            status.message = strings.intern(&t.value.to_string());
        }
    }
    status
}

/// The remote side named by a `peer.service` tag (Jaeger and OTLP spans).
fn peer_service(tags: &[Tag], strings: &mut Strings) -> Option<Endpoint> {
    let key = strings.find("peer.service")?;
    let value = tags.iter().find(|t| t.key == key)?.value.to_string();
    if value.is_empty() {
        return None;
    }
    Some(Endpoint {
        service: strings.intern(&value),
        ..Endpoint::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_garbage_inputs_say_what_was_seen() {
        assert_eq!(import(b"  \n").unwrap_err(), ImportError::Empty);
        let err = import(b"hello world").unwrap_err().to_string();
        assert!(err.contains("\"hello world\""), "{err}");
    }

    #[test]
    fn empty_documents_say_no_spans_and_name_the_format() {
        assert_eq!(
            import(b"[]").unwrap_err(),
            ImportError::NoSpans {
                format: Format::ZipkinV2
            }
        );
        assert_eq!(
            import(br#"{"resourceSpans":[]}"#).unwrap_err(),
            ImportError::NoSpans {
                format: Format::Otlp
            }
        );
        assert_eq!(
            import(br#"{"data":[],"total":0}"#).unwrap_err().to_string(),
            "Jaeger JSON: the input holds no spans"
        );
        assert_eq!(
            import(br#"{"foo":[],"bar":0}"#).unwrap_err().to_string(),
            "not a trace file: expected JSON (Zipkin, Jaeger or OTLP), but it is JSON with the keys \"foo\", \"bar\" and none of traceId, spanID or resourceSpans"
        );
    }

    #[test]
    fn explicit_format_skips_detection() {
        let input = br#"[{"traceId":"a","id":"1","timestamp":1}]"#;
        let imported = import_as(input, Format::ZipkinV1).expect("v1 reads v2-shaped spans");
        assert_eq!(imported.format, Format::ZipkinV1);
        assert_eq!(imported.traces[0].spans.len(), 1);
    }

    #[test]
    fn mixed_64_and_128_bit_ids_are_one_trace() {
        let input = br#"[
          {"traceId":"48485a3953bb6124","id":"1","name":"a","timestamp":1,"duration":5},
          {"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"2","parentId":"1","timestamp":2,"duration":1}
        ]"#;
        let imported = import(input).expect("valid input");
        assert_eq!(imported.traces.len(), 1);
        assert_eq!(
            imported.traces[0].id_string(),
            "463ac35c9f6413ad48485a3953bb6124"
        );
    }
}
