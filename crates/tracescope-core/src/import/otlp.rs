//! OTLP/JSON: `{"resourceSpans": [{"resource", "scopeSpans": [{"scope", "spans"}]}]}`, with
//! the variants met in the wild: snake_case keys, `instrumentationLibrarySpans` (before
//! 2022), Jaeger api/v3's `{"result": ...}` and Tempo's `{"batches": [...]}` wrappers, and JSON
//! Lines of whole documents (the collector's file exporter).
//!
//! Ids are hex (any case) or base64 (protobuf JSON). Times are nanoseconds, read as integers
//! and rounded down to microseconds, the model's unit; a duration is the difference of the
//! rounded start and end, so that ends line up with other spans' rounded instants.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::json::{for_each_object_with, ObjectSink};
use super::wire::{CowStr, LenientI64, Nanos, NumberOrName, Raw};
use super::{peer_service, status_from_tags, Batch, Format, ImportError};
use crate::base64;
use crate::model::{
    Annotation, Kind, Link, LinkKind, Micros, Resource, Scope, Span, SpanId, Status, StatusCode,
    StrId, Strings, Tag, TraceId, Value,
};

#[derive(Deserialize)]
struct WireResource<'a> {
    #[serde(borrow, default)]
    attributes: Option<Vec<WireKeyValue<'a>>>,
}

#[derive(Deserialize)]
struct WireScope<'a> {
    #[serde(borrow, default)]
    name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    version: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Vec<WireKeyValue<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSpan<'a> {
    #[serde(borrow, alias = "trace_id")]
    trace_id: CowStr<'a>,
    #[serde(borrow, alias = "span_id")]
    span_id: CowStr<'a>,
    #[serde(borrow, default, alias = "parent_span_id")]
    parent_span_id: Option<CowStr<'a>>,
    #[serde(borrow, default, alias = "trace_state")]
    trace_state: Option<CowStr<'a>>,
    #[serde(default)]
    flags: Option<LenientI64>,
    #[serde(borrow, default)]
    name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    kind: Option<NumberOrName<'a>>,
    #[serde(default, alias = "start_time_unix_nano")]
    start_time_unix_nano: Option<Nanos>,
    #[serde(default, alias = "end_time_unix_nano")]
    end_time_unix_nano: Option<Nanos>,
    #[serde(borrow, default)]
    attributes: Option<Vec<WireKeyValue<'a>>>,
    #[serde(borrow, default)]
    events: Option<Vec<WireEvent<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<WireLink<'a>>>,
    #[serde(borrow, default)]
    status: Option<WireStatus<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEvent<'a> {
    #[serde(default, alias = "time_unix_nano")]
    time_unix_nano: Option<Nanos>,
    #[serde(borrow, default)]
    name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Vec<WireKeyValue<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLink<'a> {
    #[serde(borrow, alias = "trace_id")]
    trace_id: CowStr<'a>,
    #[serde(borrow, alias = "span_id")]
    span_id: CowStr<'a>,
    #[serde(borrow, default)]
    attributes: Option<Vec<WireKeyValue<'a>>>,
}

#[derive(Deserialize)]
struct WireStatus<'a> {
    #[serde(borrow, default)]
    code: Option<NumberOrName<'a>>,
    #[serde(borrow, default)]
    message: Option<CowStr<'a>>,
}

#[derive(Deserialize)]
struct WireKeyValue<'a> {
    #[serde(borrow)]
    key: CowStr<'a>,
    #[serde(default)]
    value: Option<AnyValue>,
}

/// Parses OTLP/JSON into spans (not yet grouped into traces).
pub(super) fn parse(bytes: &[u8]) -> Result<Batch, ImportError> {
    let mut batch = Batch::default();
    for_each_object_with(bytes, Format::Otlp, Objects::<Document>::new(&mut batch))?;
    Ok(batch)
}

/// Reads one kind of OTLP object from a map, converting the spans inside as they are read.
/// What spans refer to but may come after them in the object (the resource, the scope) is
/// filled in when the object ends.
trait ReadObject {
    fn read<'de, A: MapAccess<'de>>(map: A, batch: &mut Batch) -> Result<(), A::Error>;
}

/// An object of kind `R`, or an array of them (`null` is an empty array).
struct Objects<'b, R> {
    batch: &'b mut Batch,
    kind: PhantomData<R>,
}

impl<'b, R> Objects<'b, R> {
    fn new(batch: &'b mut Batch) -> Self {
        Objects {
            batch,
            kind: PhantomData,
        }
    }
}

impl<'de, R: ReadObject> ObjectSink<'de> for Objects<'_, R> {
    fn object<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error> {
        R::read(map, self.batch)
    }

    fn restart(&mut self) {
        *self.batch = Batch::default();
    }
}

impl<'de, R: ReadObject> DeserializeSeed<'de> for Objects<'_, R> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, R: ReadObject> Visitor<'de> for Objects<'_, R> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or an array of objects")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        R::read(map, self.batch)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let batch = self.batch;
        while seq
            .next_element_seed(Objects::<R>::new(&mut *batch))?
            .is_some()
        {}
        Ok(())
    }
}

/// `TracesData`, or a wrapper of it: Jaeger api/v3's `{"result": ...}`, Tempo's `batches`.
struct Document;

impl ReadObject for Document {
    fn read<'de, A: MapAccess<'de>>(mut map: A, batch: &mut Batch) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            match key.0.as_ref() {
                "resourceSpans" | "resource_spans" | "batches" => {
                    map.next_value_seed(Objects::<ResourceSpans>::new(batch))?;
                }
                "result" => map.next_value_seed(Objects::<Document>::new(batch))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `{"resource", "scopeSpans"}` (or `instrumentationLibrarySpans`).
struct ResourceSpans;

impl ReadObject for ResourceSpans {
    fn read<'de, A: MapAccess<'de>>(mut map: A, batch: &mut Batch) -> Result<(), A::Error> {
        let first = batch.spans.len();
        let mut resource: Option<WireResource<'de>> = None;
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            match key.0.as_ref() {
                "resource" => resource = map.next_value()?,
                "scopeSpans"
                | "scope_spans"
                | "instrumentationLibrarySpans"
                | "instrumentation_library_spans" => {
                    map.next_value_seed(Objects::<ScopeSpans>::new(batch))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let attributes =
            convert_attributes(resource.and_then(|r| r.attributes), &mut batch.strings);
        let service = batch
            .strings
            .find("service.name")
            .and_then(|k| attributes.iter().find(|t| t.key == k))
            .map_or(StrId::EMPTY, |t| {
                let name = t.value.to_string();
                batch.strings.intern(&name)
            });
        let idx = batch.add_resource(Resource {
            service,
            attributes: attributes.into_boxed_slice(),
        });
        for span in batch.spans.get_mut(first..).into_iter().flatten() {
            span.service = service;
            span.resource = Some(idx);
        }
        Ok(())
    }
}

/// `{"scope", "spans"}` (or `instrumentationLibrary`).
struct ScopeSpans;

impl ReadObject for ScopeSpans {
    fn read<'de, A: MapAccess<'de>>(mut map: A, batch: &mut Batch) -> Result<(), A::Error> {
        let first = batch.spans.len();
        let mut scope: Option<WireScope<'de>> = None;
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            match key.0.as_ref() {
                "scope" | "instrumentationLibrary" | "instrumentation_library" => {
                    scope = map.next_value()?;
                }
                "spans" => map.next_value_seed(SpanList(&mut *batch))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(s) = scope {
            let strings = &mut batch.strings;
            let scope = Scope {
                name: s.name.map_or(StrId::EMPTY, |n| strings.intern(&n.0)),
                version: s.version.map_or(StrId::EMPTY, |v| strings.intern(&v.0)),
                attributes: convert_attributes(s.attributes, strings).into_boxed_slice(),
            };
            let idx = batch.add_scope(scope);
            for span in batch.spans.get_mut(first..).into_iter().flatten() {
                span.scope = Some(idx);
            }
        }
        Ok(())
    }
}

/// The `spans` array of a scope, converted span by span.
struct SpanList<'b>(&'b mut Batch);

impl<'de> DeserializeSeed<'de> for SpanList<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SpanList<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of OTLP spans")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(w) = seq.next_element::<WireSpan<'de>>()? {
            let span = convert_span(w, &mut self.0.strings);
            self.0.spans.push(span);
        }
        Ok(())
    }
}

/// Converts a span; its service, resource and scope are set by the objects around it.
fn convert_span(w: WireSpan<'_>, strings: &mut Strings) -> Span {
    let trace_id = parse_trace_id(&w.trace_id.0, strings);
    let id = parse_span_id(&w.span_id.0, strings);
    let tags = convert_attributes(w.attributes, strings);
    let start_ns = w.start_time_unix_nano.map_or(0, |n| n.0);
    let end_ns = w.end_time_unix_nano.map_or(0, |n| n.0);
    let start_us = start_ns / 1000;
    let end_us = end_ns / 1000;
    let mut status = match w.status {
        Some(s) => Status {
            code: s
                .code
                .as_ref()
                .and_then(|c| enum_number(c, "STATUS_CODE_", &["UNSET", "OK", "ERROR"]))
                .map_or(StatusCode::Unset, |n| match n {
                    1 => StatusCode::Ok,
                    2 => StatusCode::Error,
                    _ => StatusCode::Unset,
                }),
            message: s.message.map_or(StrId::EMPTY, |m| strings.intern(&m.0)),
        },
        None => Status::default(),
    };
    if status.code == StatusCode::Unset {
        let from_tags = status_from_tags(&tags, strings);
        if from_tags.code != StatusCode::Unset {
            status = from_tags;
        }
    }
    let error_tag = strings
        .find("error")
        .and_then(|k| tags.iter().find(|t| t.key == k))
        .is_some_and(|t| t.value.is_true());
    let kind = w
        .kind
        .as_ref()
        .and_then(|k| {
            enum_number(
                k,
                "SPAN_KIND_",
                &[
                    "UNSPECIFIED",
                    "INTERNAL",
                    "SERVER",
                    "CLIENT",
                    "PRODUCER",
                    "CONSUMER",
                ],
            )
        })
        .map_or(Kind::Unspecified, |n| match n {
            1 => Kind::Internal,
            2 => Kind::Server,
            3 => Kind::Client,
            4 => Kind::Producer,
            5 => Kind::Consumer,
            _ => Kind::Unspecified,
        });
    let annotations = w
        .events
        .into_iter()
        .flatten()
        .map(|e| Annotation {
            at: Micros(micros_from_nanos(e.time_unix_nano.map_or(0, |n| n.0))),
            value: e.name.map_or_else(|| Arc::from(""), |n| n.0.into()),
            attributes: convert_attributes(e.attributes, strings).into_boxed_slice(),
        })
        .collect();
    let links: Vec<Link> = w
        .links
        .into_iter()
        .flatten()
        .map(|l| {
            let attributes = convert_attributes(l.attributes, strings);
            let kind = strings
                .find("opentracing.ref_type")
                .and_then(|k| attributes.iter().find(|t| t.key == k))
                .map_or(LinkKind::Link, |t| match t.value.to_string().as_str() {
                    "child_of" => LinkKind::ChildOf,
                    "follows_from" => LinkKind::FollowsFrom,
                    _ => LinkKind::Link,
                });
            Link {
                trace_id: parse_trace_id(&l.trace_id.0, strings),
                span_id: parse_span_id(&l.span_id.0, strings),
                kind,
                attributes: attributes.into_boxed_slice(),
            }
        })
        .collect();
    let parent_id = w
        .parent_span_id
        .as_ref()
        .map(|p| p.0.trim())
        .filter(|p| !p.is_empty())
        .map(|p| parse_span_id(p, strings));
    let name = w.name.as_ref().map_or("", |n| n.0.as_ref());
    Span {
        parent_id,
        name: strings.intern(name),
        kind,
        start: (start_ns != 0).then(|| Micros(micros_from_u64(start_us))),
        duration: (start_ns != 0 && end_ns >= start_ns)
            .then(|| Micros(micros_from_u64(end_us - start_us))),
        remote: peer_service(&tags, strings),
        error: status.code == StatusCode::Error || error_tag,
        tags,
        annotations,
        links: links.into_boxed_slice(),
        status,
        trace_state: w.trace_state.map_or(StrId::EMPTY, |s| strings.intern(&s.0)),
        flags: w
            .flags
            .and_then(|f| u32::try_from(f.0).ok())
            .unwrap_or_default(),
        ..Span::new(trace_id, id)
    }
}

fn micros_from_u64(us: u64) -> i64 {
    i64::try_from(us).unwrap_or(i64::MAX)
}

/// Nanoseconds since the epoch to whole microseconds, rounded down.
fn micros_from_nanos(ns: u64) -> i64 {
    micros_from_u64(ns / 1000)
}

/// The number of an enum sent as a number, as its full name (`SPAN_KIND_SERVER`) or as its
/// short name (`SERVER`).
fn enum_number(v: &NumberOrName<'_>, prefix: &str, names: &[&str]) -> Option<i64> {
    match v {
        NumberOrName::Number(n) => Some(*n),
        NumberOrName::Name(s) => {
            let s = s.trim();
            let short = s
                .get(..prefix.len())
                .filter(|p| p.eq_ignore_ascii_case(prefix))
                .map_or(s, |_| &s[prefix.len()..]);
            NumberOrName::Name(short.into()).resolve(names)
        }
    }
}

/// A span id: 16 hex digits, or base64 of 8 bytes (protobuf JSON), else as Zipkin reads ids.
fn parse_span_id(s: &str, strings: &mut Strings) -> SpanId {
    let s = s.trim();
    if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        if let Some(bytes) = base64::decode(s).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            return SpanId::Hex(u64::from_be_bytes(bytes));
        }
    }
    SpanId::parse(s, strings)
}

/// A trace id: 32 hex digits, or base64 of 16 (or 8) bytes, else as Zipkin reads ids.
fn parse_trace_id(s: &str, strings: &mut Strings) -> TraceId {
    let s = s.trim();
    if s.len() != 32 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        match base64::decode(s) {
            Some(b) if b.len() == 16 => {
                let mut high = [0u8; 8];
                let mut low = [0u8; 8];
                high.copy_from_slice(&b[..8]);
                low.copy_from_slice(&b[8..]);
                return TraceId::Hex {
                    high: u64::from_be_bytes(high),
                    low: u64::from_be_bytes(low),
                    wide: true,
                };
            }
            Some(b) if b.len() == 8 => {
                let mut low = [0u8; 8];
                low.copy_from_slice(&b);
                return TraceId::Hex {
                    high: 0,
                    low: u64::from_be_bytes(low),
                    wide: false,
                };
            }
            _ => {}
        }
    }
    TraceId::parse(s, strings)
}

fn convert_attributes(wire: Option<Vec<WireKeyValue<'_>>>, strings: &mut Strings) -> Vec<Tag> {
    wire.unwrap_or_default()
        .into_iter()
        .map(|kv| Tag {
            key: strings.intern(&kv.key.0),
            value: kv.value.map_or_else(|| Value::Str("".into()), |v| v.0),
        })
        .collect()
}

/// An OTLP `AnyValue`: `{"stringValue": ...}`, `{"intValue": "5"}`, ... (camelCase or
/// snake_case). Arrays and key-value lists become JSON text.
struct AnyValue(Value);

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OTLP AnyValue object such as {\"stringValue\": \"...\"}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<AnyValue, E> {
                Ok(AnyValue(Value::Str("".into())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyValue, A::Error> {
                let mut out = Value::Str("".into());
                while let Some(key) = map.next_key::<CowStr<'de>>()? {
                    out = match key.0.as_ref() {
                        "stringValue" | "string_value" => {
                            Value::Str(map.next_value::<Raw>()?.text().into())
                        }
                        "boolValue" | "bool_value" => match map.next_value::<Raw>()? {
                            Raw::Bool(b) => Value::Bool(b),
                            raw => {
                                let t = raw.text();
                                if t.eq_ignore_ascii_case("true") {
                                    Value::Bool(true)
                                } else if t.eq_ignore_ascii_case("false") {
                                    Value::Bool(false)
                                } else {
                                    Value::Str(t.into())
                                }
                            }
                        },
                        "intValue" | "int_value" => match map.next_value::<Raw>()? {
                            Raw::Int(i) => Value::Int(i),
                            raw => {
                                let t = raw.text();
                                t.trim()
                                    .parse::<i64>()
                                    .map_or_else(|_| Value::Str(t.into()), Value::Int)
                            }
                        },
                        "doubleValue" | "double_value" => match map.next_value::<Raw>()? {
                            Raw::Float(f) => Value::Double(f),
                            #[allow(clippy::cast_precision_loss)]
                            Raw::Int(i) => Value::Double(i as f64),
                            raw => {
                                // Protobuf JSON writes "NaN", "Infinity", "-Infinity".
                                let t = raw.text();
                                t.trim()
                                    .parse::<f64>()
                                    .map_or_else(|_| Value::Str(t.into()), Value::Double)
                            }
                        },
                        "bytesValue" | "bytes_value" => {
                            let raw = map.next_value::<Raw>()?;
                            let t = raw.text();
                            base64::decode(&t)
                                .map_or_else(|| Value::Str(t.into()), |b| Value::Bytes(b.into()))
                        }
                        "arrayValue" | "array_value" => {
                            let list = map.next_value::<ValueList<AnyValue>>()?;
                            let mut text = String::from("[");
                            for (i, v) in list.0.iter().enumerate() {
                                if i > 0 {
                                    text.push(',');
                                }
                                write_json(&mut text, &v.0);
                            }
                            text.push(']');
                            Value::Json(text.into())
                        }
                        "kvlistValue" | "kvlist_value" => {
                            let list = map.next_value::<ValueList<PlainKeyValue>>()?;
                            let mut text = String::from("{");
                            for (i, kv) in list.0.iter().enumerate() {
                                if i > 0 {
                                    text.push(',');
                                }
                                write_json(&mut text, &Value::Str(kv.key.as_str().into()));
                                text.push(':');
                                write_json(&mut text, &kv.value.0);
                            }
                            text.push('}');
                            Value::Json(text.into())
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            out
                        }
                    };
                }
                Ok(AnyValue(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// `{"values": [...]}` of an array or key-value list.
struct ValueList<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ValueList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire<T> {
            #[serde(default = "Vec::new")]
            values: Vec<T>,
        }
        Option::<Wire<T>>::deserialize(d).map(|w| ValueList(w.map_or_else(Vec::new, |w| w.values)))
    }
}

/// An entry of a key-value list (keys are not interned: the list becomes text).
#[derive(Deserialize)]
struct PlainKeyValue {
    key: String,
    #[serde(default = "empty_any")]
    value: AnyValue,
}

fn empty_any() -> AnyValue {
    AnyValue(Value::Str("".into()))
}

/// Writes a value as JSON: arrays and lists are JSON text already.
fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Str(s) => {
            out.push_str(&serde_json::Value::String(s.to_string()).to_string());
        }
        Value::Json(s) => out.push_str(s),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Double(d) if d.is_finite() => {
            let _ = write!(out, "{d}");
        }
        Value::Double(d) => {
            let _ = write!(out, "\"{d}\"");
        }
        Value::Bytes(b) => {
            let _ = write!(out, "\"{}\"", base64::encode(b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, Format, ImportError};
    use crate::model::Trace;

    fn traces(input: &str) -> Vec<Trace> {
        let imported = import(input.as_bytes()).expect("valid OTLP");
        assert_eq!(imported.format, Format::Otlp);
        imported.traces
    }

    const SPAN: &str = r#"{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
        "parentSpanId":"EEE19B7EC3C1B173","name":"s","kind":2,
        "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"}"#;

    #[test]
    fn uppercase_hex_ids_service_scope_and_kind_number() {
        let input = format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"my.service"}}}}]}},
              "scopeSpans":[{{"scope":{{"name":"lib","version":"1.0.0"}},"spans":[{SPAN}]}}]}}]}}"#
        );
        let t = &traces(&input)[0];
        let s = &t.spans[0];
        assert_eq!(t.id_string(), "5b8efff798038103d269b633813fc60c");
        assert_eq!(s.id, SpanId::Hex(0xeee1_9b7e_c3c1_b174));
        assert_eq!(s.parent_id, Some(SpanId::Hex(0xeee1_9b7e_c3c1_b173)));
        assert_eq!(s.kind, Kind::Server);
        assert_eq!(t.str(s.service), "my.service");
        let scope = t.scope_of(s).expect("scope");
        assert_eq!((t.str(scope.name), t.str(scope.version)), ("lib", "1.0.0"));
        assert_eq!(s.start, Some(Micros(1_544_712_660_000_000)));
        assert_eq!(s.duration, Some(Micros(1_000_000)));
    }

    #[test]
    fn base64_ids_snake_case_and_enum_names() {
        let input = r#"{"resource_spans":[{"resource":{"attributes":[]},"instrumentation_library_spans":[
            {"instrumentation_library":{"name":"old"},"spans":[
            {"trace_id":"QpC1h3qZMN55u0KDZTmOzA==","span_id":"AAAAAAAAAAE=","parent_span_id":"",
             "kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1700000000123456789,
             "end_time_unix_nano":"1700000000123457790","status":{"code":"STATUS_CODE_ERROR","message":"bad"},
             "trace_state":"k=v","flags":769}]}]}]}"#;
        let t = &traces(input)[0];
        let s = &t.spans[0];
        assert_eq!(t.id_string(), "4290b5877a9930de79bb428365398ecc");
        assert_eq!(s.id, SpanId::Hex(1));
        assert_eq!(s.parent_id, None, "empty parentSpanId: a root");
        assert_eq!(s.kind, Kind::Client);
        assert_eq!(s.status.code, StatusCode::Error);
        assert_eq!(t.str(s.status.message), "bad");
        assert!(s.error);
        assert_eq!(t.str(s.trace_state), "k=v");
        assert_eq!(s.flags, 769);
        assert_eq!(t.str(t.scope_of(s).expect("scope").name), "old");
        assert_eq!(s.service, StrId::EMPTY, "no service.name");
    }

    #[test]
    fn nanoseconds_beyond_2_pow_53_keep_their_precision() {
        // As f64 both would be 1700000000123456768.
        let input = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
            {"traceId":"1","spanId":"2","startTimeUnixNano":1700000000123456789,"endTimeUnixNano":1700000000123457999}]}]}]}"#;
        let s = &traces(input)[0].spans[0];
        assert_eq!(s.start, Some(Micros(1_700_000_000_123_456)));
        assert_eq!(
            s.duration,
            Some(Micros(1)),
            "rounded instants: ..457 - ..456"
        );
    }

    #[test]
    fn typed_attributes_events_links_and_negative_counts() {
        let input = r#"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{},"spans":[
            {"traceId":"83a9efd15c1c98a977e0711cc93ee28b","spanId":"e127af99e3b3e074","name":"x",
             "startTimeUnixNano":"1000","endTimeUnixNano":"5000","droppedAttributesCount":-1,
             "attributes":[{"key":"s","value":{"stringValue":"v"}},{"key":"i","value":{"intValue":"9223372036854775807"}},
               {"key":"d","value":{"doubleValue":72.5}},{"key":"b","value":{"boolValue":true}},
               {"key":"y","value":{"bytesValue":"AAAwOQ=="}},
               {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"q\""},{"intValue":"1"},{"arrayValue":{}}]}}},
               {"key":"k","value":{"kvlistValue":{"values":[{"key":"n","value":{"doubleValue":"NaN"}}]}}},
               {"key":"e","value":{}},{"key":"peer.service","value":{"stringValue":"db"}}],
             "events":[{"timeUnixNano":"2500","name":"ev","attributes":[{"key":"x","value":{"intValue":3}}],"droppedAttributesCount":-1},
                       {"timeUnixNano":"2600"}],
             "links":[{"traceId":"83a9efd15c1c98a977e0711cc93ee28c","spanId":"e127af99e3b3e075","droppedAttributesCount":-1,
                       "attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"follows_from"}}]}],
             "status":{}}]}]}]}"#;
        let t = &traces(input)[0];
        let s = &t.spans[0];
        let v: Vec<&Value> = s.tags.iter().map(|t| &t.value).collect();
        assert_eq!(v[0], &Value::from("v"));
        assert_eq!(v[1], &Value::Int(i64::MAX));
        assert_eq!(v[2], &Value::Double(72.5));
        assert_eq!(v[3], &Value::Bool(true));
        assert_eq!(v[4], &Value::Bytes(vec![0, 0, 0x30, 0x39].into()));
        assert_eq!(v[5], &Value::Json(r#"["q\"",1,[]]"#.into()));
        assert_eq!(v[6], &Value::Json(r#"{"n":"NaN"}"#.into()));
        assert_eq!(v[7], &Value::from(""));
        assert_eq!(t.str(s.remote_service()), "db");
        assert_eq!(s.annotations.len(), 2);
        assert_eq!(
            (s.annotations[0].at, &*s.annotations[0].value),
            (Micros(2), "ev")
        );
        assert_eq!(s.annotations[0].attributes[0].value, Value::Int(3));
        assert_eq!(&*s.annotations[1].value, "");
        assert_eq!(s.links.len(), 1);
        assert_eq!(s.links[0].kind, LinkKind::FollowsFrom);
        assert_ne!(s.links[0].trace_id, s.trace_id, "links may cross traces");
        assert_eq!(s.status.code, StatusCode::Unset);
        assert!(!s.error);
    }

    #[test]
    fn wrappers_and_json_lines() {
        let doc = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{SPAN}]}}]}}]}}"#);
        for (input, n) in [
            (format!(r#"{{"result":{doc}}}"#), 1),
            (
                format!(r#"{{"batches":[{{"scopeSpans":[{{"spans":[{SPAN}]}}]}}]}}"#),
                1,
            ),
            (
                format!("{}\n{}\n", doc.replace('\n', " "), doc.replace('\n', " ")),
                2,
            ),
            (format!("[{doc},{doc}]"), 2),
        ] {
            let t = traces(&input);
            let count: usize = t.iter().map(|t| t.spans.len()).sum();
            assert_eq!(count, n, "{input}");
        }
    }

    #[test]
    fn traces_with_equal_low_halves_stay_apart() {
        let input = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
            {"traceId":"00000000000000010000000000000000","spanId":"0000000000000001"},
            {"traceId":"00000000000000020000000000000000","spanId":"0000000000000002"}]}]}]}"#;
        assert_eq!(traces(input).len(), 2);
    }

    #[test]
    fn error_names_path_and_format() {
        let input = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[]},{\"spans\":[\n{\"traceId\":\"1\",\"spanId\":\"2\"},\n{\"traceId\":\"1\",\"spanId\":\"3\",\"startTimeUnixNano\":\"-5\"}]}]}]}";
        let Err(ImportError::Invalid {
            format,
            path,
            position,
            message,
        }) = import(input.as_bytes())
        else {
            panic!("expected an error");
        };
        assert_eq!(format, Format::Otlp);
        assert_eq!(
            path,
            "resourceSpans[0].scopeSpans[1].spans[1].startTimeUnixNano"
        );
        assert_eq!(position.line, 3);
        assert!(message.contains("nanoseconds"), "{message}");
    }

    #[test]
    fn resource_and_scope_after_their_spans_still_apply() {
        let input = r#"{"resourceSpans":[
            {"scopeSpans":[{"spans":[{"traceId":"1","spanId":"2"},{"traceId":"1","spanId":"3"}],"scope":{"name":"late"}}],
             "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]}},
            {"scopeSpans":[{"spans":[{"traceId":"1","spanId":"4"}]}]}]}"#;
        let t = &traces(input)[0];
        let names: Vec<&str> = t.spans.iter().map(|s| t.str(s.service)).collect();
        assert_eq!(names, ["svc", "svc", ""]);
        assert_eq!(t.scope_of(&t.spans[1]).map(|s| t.str(s.name)), Some("late"));
        assert!(t.scope_of(&t.spans[2]).is_none());
        assert_ne!(t.spans[0].resource, t.spans[2].resource);
    }
}
