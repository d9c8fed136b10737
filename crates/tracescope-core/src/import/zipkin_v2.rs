//! Zipkin v2 JSON: an array of spans, an array of traces, a single span object, or JSON
//! Lines of spans.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::json::{for_each_object_with, ObjectSink};
use super::wire::{CowStr, LenientI64, ScalarText, ZipkinEndpoint};
use super::{status_from_tags, Batch, Format, ImportError, TextCache};
use crate::model::{
    Annotation, Kind, Micros, Span, SpanId, Status, StrId, Strings, Tag, TraceId, Value,
};

#[derive(Deserialize)]
pub(super) struct WireAnnotation<'a> {
    pub timestamp: LenientI64,
    #[serde(borrow)]
    pub value: CowStr<'a>,
}

/// Parses Zipkin v2 JSON into spans (not yet grouped into traces).
pub(super) fn parse(bytes: &[u8]) -> Result<Batch, ImportError> {
    if let Some(batch) = super::zipkin_v2_fast::parse(bytes) {
        // Fuzzing compares the two readers on every input the fast one accepts.
        #[cfg(fuzzing)]
        assert_same_batch(&batch, parse_with_serde(bytes));
        return Ok(batch);
    }
    parse_with_serde(bytes)
}

#[cfg(fuzzing)]
fn assert_same_batch(fast: &Batch, slow: Result<Batch, ImportError>) {
    let slow = match slow {
        Ok(b) => b,
        Err(e) => panic!("the fast reader accepted what the serde reader rejects: {e}"),
    };
    assert!(fast.spans == slow.spans, "the readers' spans differ");
    assert_eq!(fast.strings.len(), slow.strings.len());
    for i in 0..fast.strings.len() {
        let id = StrId(u32::try_from(i).unwrap_or(u32::MAX));
        assert_eq!(fast.strings.get(id), slow.strings.get(id));
    }
}

/// The reader for every input (the fast one handles the common shape only), and the one
/// that says where an error is.
pub(super) fn parse_with_serde(bytes: &[u8]) -> Result<Batch, ImportError> {
    let mut batch = Batch::default();
    for_each_object_with(
        bytes,
        Format::ZipkinV2,
        Reader {
            batch: &mut batch,
            scratch: Scratch::default(),
        },
    )?;
    Ok(batch)
}

/// Converts each span object as it is read, straight into the model: the wire form of a
/// span lives only in reused buffers, so that a span costs no allocation beyond what the
/// model keeps (sized exactly).
struct Reader<'b, 'de> {
    batch: &'b mut Batch,
    scratch: Scratch<'de>,
}

/// Buffers reused from span to span.
#[derive(Default)]
pub(super) struct Scratch<'de> {
    pub tags: Vec<(Cow<'de, str>, Cow<'de, str>)>,
    pub annotations: Vec<WireAnnotation<'de>>,
    /// The last trace id read, as text and parsed: spans of one trace repeat it, and
    /// comparing text is cheaper than parsing 32 hex digits again.
    pub last_trace_id: Option<(Cow<'de, str>, TraceId)>,
    pub texts: TextCache,
}

impl<'de> ObjectSink<'de> for Reader<'_, 'de> {
    fn object<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error> {
        let span = read_span(map, self)?;
        self.batch.spans.push(span);
        Ok(())
    }

    fn restart(&mut self) {
        *self.batch = Batch::default();
    }
}

/// Reads a field's value once; a second occurrence is an error before its value is read,
/// as with derived structs.
macro_rules! once {
    ($map:ident, $slot:ident, $name:literal) => {{
        if $slot.is_some() {
            return Err(de::Error::duplicate_field($name));
        }
        $slot = Some($map.next_value()?);
    }};
}

/// One span object, with the semantics a derived `Deserialize` would have: `traceId` and
/// `id` required, other fields optional (`null` counts as absent), a repeated field an
/// error, unknown fields ignored.
fn read_span<'de, A: MapAccess<'de>>(
    mut map: A,
    r: &mut Reader<'_, 'de>,
) -> Result<Span, A::Error> {
    let mut trace_id: Option<CowStr<'de>> = None;
    let mut id: Option<CowStr<'de>> = None;
    let mut parent_id: Option<Option<CowStr<'de>>> = None;
    let mut name: Option<Option<CowStr<'de>>> = None;
    let mut kind: Option<Option<CowStr<'de>>> = None;
    let mut timestamp: Option<Option<LenientI64>> = None;
    let mut duration: Option<Option<LenientI64>> = None;
    let mut local: Option<Option<ZipkinEndpoint<'de>>> = None;
    let mut remote: Option<Option<ZipkinEndpoint<'de>>> = None;
    let mut has_annotations: Option<bool> = None;
    let mut has_tags: Option<bool> = None;
    let mut debug: Option<Option<bool>> = None;
    let mut shared: Option<Option<bool>> = None;
    r.scratch.tags.clear();
    r.scratch.annotations.clear();
    while let Some(key) = map.next_key::<CowStr<'de>>()? {
        match &*key.0 {
            "traceId" => once!(map, trace_id, "traceId"),
            "id" => once!(map, id, "id"),
            "parentId" => once!(map, parent_id, "parentId"),
            "name" => once!(map, name, "name"),
            "kind" => once!(map, kind, "kind"),
            "timestamp" => once!(map, timestamp, "timestamp"),
            "duration" => once!(map, duration, "duration"),
            "localEndpoint" => once!(map, local, "localEndpoint"),
            "remoteEndpoint" => once!(map, remote, "remoteEndpoint"),
            "annotations" => {
                if has_annotations.is_some() {
                    return Err(de::Error::duplicate_field("annotations"));
                }
                has_annotations = Some(
                    map.next_value_seed(Optional(AnnotationsSeed(&mut r.scratch.annotations)))?,
                );
            }
            "tags" => {
                if has_tags.is_some() {
                    return Err(de::Error::duplicate_field("tags"));
                }
                has_tags = Some(map.next_value_seed(Optional(TagsSeed(&mut r.scratch.tags)))?);
            }
            "debug" => once!(map, debug, "debug"),
            "shared" => once!(map, shared, "shared"),
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    let trace_id = trace_id.ok_or_else(|| de::Error::missing_field("traceId"))?;
    let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
    let fields = Fields {
        trace_id: trace_id.0,
        id: id.0,
        parent_id: parent_id.flatten().map(|p| p.0),
        name: name.flatten().map(|n| n.0),
        kind: kind.flatten().map(|k| k.0),
        timestamp: timestamp.flatten().map(|t| t.0),
        duration: duration.flatten().map(|d| d.0),
        local: local.flatten(),
        remote: remote.flatten(),
        debug: debug.flatten().unwrap_or(false),
        shared: shared.flatten().unwrap_or(false),
    };
    Ok(build_span(fields, &mut r.scratch, &mut r.batch.strings))
}

/// The fields of one span as read (strings borrowed from the input where possible); its
/// tags and annotations are in the [`Scratch`] buffers.
pub(super) struct Fields<'de> {
    pub trace_id: Cow<'de, str>,
    pub id: Cow<'de, str>,
    pub parent_id: Option<Cow<'de, str>>,
    pub name: Option<Cow<'de, str>>,
    pub kind: Option<Cow<'de, str>>,
    pub timestamp: Option<i64>,
    pub duration: Option<i64>,
    pub local: Option<ZipkinEndpoint<'de>>,
    pub remote: Option<ZipkinEndpoint<'de>>,
    pub debug: bool,
    pub shared: bool,
}

/// The span in the model (both readers end here, so that they agree by construction).
pub(super) fn build_span<'de>(
    f: Fields<'de>,
    scratch: &mut Scratch<'de>,
    strings: &mut Strings,
) -> Span {
    let kind = match f.kind {
        Some(k) if k.eq_ignore_ascii_case("CLIENT") => Kind::Client,
        Some(k) if k.eq_ignore_ascii_case("SERVER") => Kind::Server,
        Some(k) if k.eq_ignore_ascii_case("PRODUCER") => Kind::Producer,
        Some(k) if k.eq_ignore_ascii_case("CONSUMER") => Kind::Consumer,
        _ => Kind::Unspecified,
    };
    let local = f.local.map(|e| e.convert(strings, &mut scratch.texts));
    let remote = f.remote.map(|e| e.convert(strings, &mut scratch.texts));
    let mut error = false;
    let mut has_status = false;
    // Collected from a drain: allocated once, exactly.
    let texts = &mut scratch.texts;
    let tags: Vec<Tag> = scratch
        .tags
        .drain(..)
        .map(|(k, v)| {
            let status_code = k == "otel.status_code";
            has_status |= status_code || k == "otel.status_description";
            error |= k == "error" || (status_code && v.eq_ignore_ascii_case("ERROR"));
            Tag {
                key: strings.intern(&k),
                value: Value::Str(texts.share(&v)),
            }
        })
        .collect();
    let annotations: Vec<Annotation> = scratch
        .annotations
        .drain(..)
        .map(|a| Annotation::new(Micros(a.timestamp.0), texts.share(&a.value.0)))
        .collect();
    let name = f.name.unwrap_or(Cow::Borrowed(""));
    // Without either tag there is no status to read (and no need to look the keys up).
    let status = if has_status {
        status_from_tags(&tags, strings)
    } else {
        Status::default()
    };
    let trace_id = match &scratch.last_trace_id {
        Some((text, id)) if *text == f.trace_id => *id,
        _ => {
            let id = TraceId::parse(&f.trace_id, strings);
            scratch.last_trace_id = Some((f.trace_id, id));
            id
        }
    };
    let id = SpanId::parse(&f.id, strings);
    Span {
        parent_id: f
            .parent_id
            .filter(|p| !p.is_empty())
            .map(|p| SpanId::parse(&p, strings)),
        name: strings.intern(&name),
        service: local.as_ref().map_or(StrId::EMPTY, |e| e.service),
        kind,
        // Zipkin treats 0 as absent.
        start: f.timestamp.filter(|&t| t != 0).map(Micros),
        duration: f.duration.filter(|&d| d > 0).map(Micros),
        local,
        remote,
        tags,
        annotations,
        status,
        shared: f.shared,
        debug: f.debug,
        error,
        ..Span::new(trace_id, id)
    }
}

/// `null` or the value of the inner seed; true when the value was there.
struct Optional<S>(S);

impl<'de, S: DeserializeSeed<'de, Value = ()>> DeserializeSeed<'de> for Optional<S> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de, Value = ()>> Visitor<'de> for Optional<S> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        self.0.deserialize(d).map(|()| true)
    }
}

/// A tags object into the scratch list, in input order: string values as they are, other
/// scalars (numbers, booleans) as their JSON text rather than rejected.
struct TagsSeed<'s, 'de>(&'s mut Vec<(Cow<'de, str>, Cow<'de, str>)>);

impl<'de> DeserializeSeed<'de> for TagsSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of string values")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            let value: ScalarText<'de> = map.next_value()?;
            self.0.push((key.0, value.0));
        }
        Ok(())
    }
}

/// An annotations array into the scratch list.
struct AnnotationsSeed<'s, 'de>(&'s mut Vec<WireAnnotation<'de>>);

impl<'de> DeserializeSeed<'de> for AnnotationsSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AnnotationsSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(a) = seq.next_element::<WireAnnotation<'de>>()? {
            self.0.push(a);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{import, ImportError};
    use crate::model::Value;

    fn invalid(input: &str) -> (String, usize, usize, usize) {
        match import(input.as_bytes()) {
            Err(ImportError::Invalid { path, position, .. }) => {
                (path, position.offset, position.line, position.column)
            }
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn error_says_json_path_and_position() {
        let input = "[{\"traceId\":\"1\",\"id\":\"1\"},\n {\"traceId\":\"1\",\"id\":\"2\",\"annotations\":[{\"timestamp\":\"x\",\"value\":\"a\"}]}]";
        let (path, offset, line, _) = invalid(input);
        assert_eq!(path, "[1].annotations[0].timestamp");
        assert_eq!(line, 2);
        // serde_json points at the last byte of the offending value.
        assert_eq!(&input[offset - 2..=offset], "\"x\"", "offset {offset}");
        let full = import(input.as_bytes()).unwrap_err().to_string();
        assert!(full.starts_with("Zipkin v2 JSON: "), "{full}");
        assert!(full.contains("byte offset"), "{full}");
    }

    #[test]
    fn truncated_input_points_at_the_end() {
        let input = r#"[{"traceId":"1","id":"1","name":"a"#;
        let (_, offset, line, _) = invalid(input);
        assert_eq!(offset, input.len() - 1, "points at the last byte read");
        assert_eq!(line, 1);
    }

    #[test]
    fn missing_required_field_is_named() {
        let err = import(br#"[{"id":"1"}]"#).unwrap_err().to_string();
        assert!(err.contains("traceId"), "{err}");
        assert!(err.contains("[0]"), "{err}");
    }

    #[test]
    fn shapes_array_nested_object_and_lines() {
        let one = r#"{"traceId":"a","id":"1","timestamp":1,"duration":2}"#;
        for (input, spans) in [
            (format!("[{one}]"), 1),
            (format!("[[{one}],[{one}]]"), 2),
            (one.to_string(), 1),
            (format!("{one}\n{one}\n"), 2),
        ] {
            let imported = import(input.as_bytes()).expect("valid shape");
            let n: usize = imported.traces.iter().map(|t| t.spans.len()).sum();
            assert_eq!(n, spans, "{input}");
        }
    }

    #[test]
    fn json_lines_error_names_the_line_item() {
        let input = "{\"traceId\":\"a\",\"id\":\"1\"}\n{\"traceId\":\"a\",\"id\":2}\n";
        let err = import(input.as_bytes()).unwrap_err();
        let ImportError::Invalid { path, position, .. } = err else {
            panic!("expected Invalid")
        };
        assert_eq!(path, "line-item 2.id");
        assert_eq!(position.line, 2);
    }

    #[test]
    fn lenient_numbers_and_tags() {
        let input = r#"[{"traceId":"a","id":"1","timestamp":1.7,"duration":"25","tags":{"n":5,"b":true,"error":""},"localEndpoint":{"serviceName":"Front","port":99999}}]"#;
        let imported = import(input.as_bytes()).expect("lenient input");
        let t = &imported.traces[0];
        let s = &t.spans[0];
        assert_eq!(s.start.map(|m| m.0), Some(2));
        assert_eq!(s.duration.map(|m| m.0), Some(25));
        assert!(s.error);
        assert_eq!(t.str(s.service), "front");
        assert_eq!(s.local.as_ref().and_then(|e| e.port), None);
        assert_eq!(s.tags[0].value, Value::from("5"));
    }

    #[test]
    fn fifteen_hex_parent_is_left_padded() {
        let input = r#"[{"traceId":"2","id":"1","parentId":"23456789abcdef0","kind":"PRODUCER"}]"#;
        let imported = import(input.as_bytes()).expect("valid");
        let t = &imported.traces[0];
        let parent = t.spans[0].parent_id.expect("parent");
        assert_eq!(parent.display(&t.strings).to_string(), "023456789abcdef0");
        assert_eq!(t.id_string(), "0000000000000002");
    }

    #[test]
    fn v1_core_annotations_in_v2_stay_plain_annotations() {
        let input = r#"[{"traceId":"a","id":"1","name":"get","localEndpoint":{"serviceName":"web"},
            "annotations":[{"timestamp":10,"value":"cs"},{"timestamp":30,"value":"cr"}]}]"#;
        let imported = import(input.as_bytes()).expect("valid");
        assert_eq!(imported.format, crate::import::Format::ZipkinV2);
        let s = &imported.traces[0].spans[0];
        assert_eq!(s.annotations.len(), 2);
        assert_eq!(s.kind, crate::model::Kind::Unspecified);
        let d = crate::derive::derive(
            imported.traces.into_iter().next().expect("trace"),
            crate::derive::DeriveOptions::default(),
        );
        let s = &d.trace.spans[0];
        assert_eq!(
            (s.start.map(|m| m.0), s.duration.map(|m| m.0)),
            (Some(10), Some(20))
        );
    }
}
