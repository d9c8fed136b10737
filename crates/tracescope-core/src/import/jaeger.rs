//! Jaeger JSON (query API and the UI's "Download JSON"): `{"data": [trace, ...]}`, a bare
//! trace object, or an array of traces. Spans refer to processes (service + tags) by id, or
//! embed their `process`; parents are references; tags and log fields are typed.

use std::borrow::Cow;
use std::collections::HashMap;

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::json::{for_each_object_with, ObjectSink};
use super::wire::{CowStr, Entries, LenientI64, Raw};
use super::{peer_service, status_from_tags, Batch, Format, ImportError};
use crate::base64;
use crate::model::{
    Annotation, Kind, Link, LinkKind, Micros, Resource, ResourceIdx, Span, SpanId, StrId, Strings,
    Tag, TraceId, Value,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSpan<'a> {
    #[serde(borrow, default, rename = "traceID")]
    trace_id: Option<CowStr<'a>>,
    #[serde(borrow, rename = "spanID")]
    span_id: CowStr<'a>,
    /// Older Jaeger JSON names the parent directly.
    #[serde(borrow, default, rename = "parentSpanID")]
    parent_span_id: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    operation_name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    references: Option<Vec<WireReference<'a>>>,
    #[serde(default)]
    flags: Option<LenientI64>,
    #[serde(default)]
    start_time: Option<LenientI64>,
    #[serde(default)]
    duration: Option<LenientI64>,
    #[serde(borrow, default)]
    tags: Option<Vec<WireKeyValue<'a>>>,
    #[serde(borrow, default)]
    logs: Option<Vec<WireLog<'a>>>,
    #[serde(borrow, default, rename = "processID")]
    process_id: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    process: Option<WireProcess<'a>>,
    #[serde(borrow, default)]
    warnings: Option<Vec<Option<CowStr<'a>>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireReference<'a> {
    #[serde(borrow, default)]
    ref_type: Option<CowStr<'a>>,
    #[serde(borrow, default, rename = "traceID")]
    trace_id: Option<CowStr<'a>>,
    #[serde(borrow, rename = "spanID")]
    span_id: CowStr<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireProcess<'a> {
    #[serde(borrow, default)]
    service_name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    tags: Option<Vec<WireKeyValue<'a>>>,
}

#[derive(Deserialize)]
struct WireLog<'a> {
    timestamp: LenientI64,
    #[serde(borrow, default)]
    fields: Option<Vec<WireKeyValue<'a>>>,
}

/// A typed tag or log field: `{key, type, value}`.
#[derive(Deserialize)]
struct WireKeyValue<'a> {
    #[serde(borrow)]
    key: CowStr<'a>,
    #[serde(borrow, default, rename = "type")]
    ty: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    value: Option<Raw<'a>>,
}

/// Parses Jaeger JSON into spans (not yet grouped into traces).
pub(super) fn parse(bytes: &[u8]) -> Result<Batch, ImportError> {
    let mut batch = Batch::default();
    for_each_object_with(bytes, Format::Jaeger, TraceSeed(&mut batch))?;
    Ok(batch)
}

/// A top-level object — an envelope (`data`) or a trace — or a trace inside `data`. Spans are
/// converted as they are read; what they refer to that may come later in the object (the
/// `processes` map, the trace's `traceID`) is filled in when the object ends. Other keys
/// (`total`, `limit`, `errors`, `_comment`, ...) are skipped.
struct TraceSeed<'b>(&'b mut Batch);

/// What a span still needs from its trace object.
struct Pending<'de> {
    at: usize,
    process_id: Option<Cow<'de, str>>,
    /// The span had no `traceID` of its own.
    needs_trace_id: bool,
}

impl<'de> ObjectSink<'de> for TraceSeed<'_> {
    fn object<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error> {
        read_trace(map, self.0)
    }

    fn restart(&mut self) {
        *self.0 = Batch::default();
    }
}

impl<'de> DeserializeSeed<'de> for TraceSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TraceSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Jaeger trace object or an array of them")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        read_trace(map, self.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let batch = self.0;
        while seq.next_element_seed(TraceSeed(&mut *batch))?.is_some() {}
        Ok(())
    }
}

fn read_trace<'de, A: MapAccess<'de>>(mut map: A, batch: &mut Batch) -> Result<(), A::Error> {
    let first_span = batch.spans.len();
    let mut pending: Vec<Pending<'de>> = Vec::new();
    let mut trace_id: Option<CowStr<'de>> = None;
    let mut processes: Option<Entries<'de, WireProcess<'de>>> = None;
    let mut warnings: Option<Vec<Option<CowStr<'de>>>> = None;
    while let Some(key) = map.next_key::<CowStr<'de>>()? {
        match key.0.as_ref() {
            "data" => map.next_value_seed(TraceSeed(&mut *batch))?,
            "traceID" => trace_id = Some(map.next_value()?),
            "spans" => map.next_value_seed(SpansSeed {
                batch: &mut *batch,
                pending: &mut pending,
            })?,
            "processes" => processes = map.next_value()?,
            "warnings" => warnings = map.next_value()?,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }

    let trace_id = trace_id.map(|t| TraceId::parse(&t.0, &mut batch.strings));
    let mut by_id: HashMap<Cow<'de, str>, ResourceIdx> = HashMap::new();
    for (id, p) in processes.map(|p| p.0).unwrap_or_default() {
        let r = process(p, &mut batch.strings);
        by_id.insert(id, batch.add_resource(r));
    }
    for p in pending {
        let resource = p.process_id.and_then(|id| by_id.get(&id).copied());
        let service = resource
            .and_then(|r| batch.resources.get(r.0 as usize))
            .map(|r| r.service);
        let Some(span) = batch.spans.get_mut(p.at) else {
            continue;
        };
        if let (Some(r), Some(service)) = (resource, service) {
            span.resource = Some(r);
            span.service = service;
        }
        if let (true, Some(id)) = (p.needs_trace_id, trace_id) {
            // References without a traceID were given the span's own (unknown) one.
            let placeholder = span.trace_id;
            span.trace_id = id;
            for link in span.links.iter_mut() {
                if link.trace_id == placeholder {
                    link.trace_id = id;
                }
            }
        }
    }
    if let Some(id) = trace_id.or_else(|| batch.spans.get(first_span).map(|s| s.trace_id)) {
        for text in warnings.unwrap_or_default().into_iter().flatten() {
            batch.trace_warnings.push((id, text.0.into()));
        }
    }
    Ok(())
}

/// The `spans` array of a trace, converted span by span.
struct SpansSeed<'b, 'p, 'de> {
    batch: &'b mut Batch,
    pending: &'p mut Vec<Pending<'de>>,
}

impl<'de> DeserializeSeed<'de> for SpansSeed<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SpansSeed<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Jaeger spans")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let batch = self.batch;
        while let Some(mut w) = seq.next_element::<WireSpan<'de>>()? {
            let embedded = w.process.take();
            let process_id = w.process_id.take().map(|p| p.0);
            let needs_trace_id = w.trace_id.is_none();
            let mut span = convert_span(w, &mut batch.strings);
            if let Some(p) = embedded {
                let r = process(p, &mut batch.strings);
                span.service = r.service;
                span.resource = Some(batch.add_resource(r));
            }
            if (span.resource.is_none() && process_id.is_some()) || needs_trace_id {
                self.pending.push(Pending {
                    at: batch.spans.len(),
                    process_id: process_id.filter(|_| span.resource.is_none()),
                    needs_trace_id,
                });
            }
            batch.spans.push(span);
        }
        Ok(())
    }
}

fn process(p: WireProcess<'_>, strings: &mut Strings) -> Resource {
    Resource {
        service: p
            .service_name
            .map_or(StrId::EMPTY, |s| strings.intern(&s.0)),
        attributes: typed_tags(p.tags, strings).into_boxed_slice(),
    }
}

/// Converts a span; without its own `traceID` it gets a placeholder that the trace's id
/// replaces once known.
fn convert_span(s: WireSpan<'_>, strings: &mut Strings) -> Span {
    let own_trace = s
        .trace_id
        .as_ref()
        .map_or(TraceId::Other(StrId::EMPTY), |t| {
            TraceId::parse(&t.0, strings)
        });
    let id = SpanId::parse(&s.span_id.0, strings);
    let links: Vec<Link> = s
        .references
        .unwrap_or_default()
        .into_iter()
        .map(|r| Link {
            trace_id: r
                .trace_id
                .as_ref()
                .map_or(own_trace, |t| TraceId::parse(&t.0, strings)),
            span_id: SpanId::parse(&r.span_id.0, strings),
            kind: match r.ref_type.as_ref().map(|t| t.0.to_ascii_uppercase()) {
                Some(t) if t == "FOLLOWS_FROM" => LinkKind::FollowsFrom,
                // CHILD_OF is the default reference type.
                _ => LinkKind::ChildOf,
            },
            attributes: Box::default(),
        })
        .collect();
    // The parent is the first CHILD_OF reference, else the first FOLLOWS_FROM.
    let parent_id = links
        .iter()
        .find(|l| l.kind == LinkKind::ChildOf)
        .or_else(|| links.first())
        .map(|l| l.span_id)
        .or_else(|| {
            s.parent_span_id
                .as_ref()
                .filter(|p| !p.0.is_empty() && p.0 != "0")
                .map(|p| SpanId::parse(&p.0, strings))
        });
    let tags = typed_tags(s.tags, strings);
    let find = |key: &str| {
        let key = strings.find(key)?;
        tags.iter().find(|t| t.key == key).map(|t| &t.value)
    };
    let kind = match find("span.kind").map(|v| v.to_string().to_ascii_lowercase()) {
        Some(k) if k == "client" => Kind::Client,
        Some(k) if k == "server" => Kind::Server,
        Some(k) if k == "producer" => Kind::Producer,
        Some(k) if k == "consumer" => Kind::Consumer,
        Some(k) if k == "internal" => Kind::Internal,
        _ => Kind::Unspecified,
    };
    let error_tag = find("error").is_some_and(Value::is_true);
    let status = status_from_tags(&tags, strings);
    let error = error_tag || status.code == crate::model::StatusCode::Error;
    let annotations = s
        .logs
        .unwrap_or_default()
        .into_iter()
        .map(|log| {
            let fields = typed_tags(log.fields, strings);
            Annotation {
                at: Micros(log.timestamp.0),
                value: log_text(&fields, strings).into(),
                attributes: fields.into_boxed_slice(),
            }
        })
        .collect();
    let flags = s
        .flags
        .and_then(|f| u32::try_from(f.0).ok())
        .unwrap_or_default();
    let name = s.operation_name.as_ref().map_or("", |n| n.0.as_ref());
    Span {
        parent_id,
        name: strings.intern(name),
        kind,
        start: s.start_time.map(|t| Micros(t.0)),
        duration: s.duration.filter(|d| d.0 >= 0).map(|d| Micros(d.0)),
        remote: peer_service(&tags, strings),
        tags,
        annotations,
        links: links.into_boxed_slice(),
        status,
        flags,
        // Jaeger's flag bits: 1 sampled, 2 debug.
        debug: flags & 2 != 0,
        error,
        warnings: s
            .warnings
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .map(|w| w.0.into())
            .collect(),
        ..Span::new(own_trace, id)
    }
}

/// What a log says in one line: its `event`, else its `message`, else nothing (the fields
/// are kept as attributes either way).
fn log_text(fields: &[Tag], strings: &Strings) -> String {
    ["event", "message"]
        .iter()
        .filter_map(|k| strings.find(k))
        .find_map(|k| fields.iter().find(|t| t.key == k))
        .map(|t| t.value.to_string())
        .unwrap_or_default()
}

fn typed_tags(wire: Option<Vec<WireKeyValue<'_>>>, strings: &mut Strings) -> Vec<Tag> {
    wire.unwrap_or_default()
        .into_iter()
        .map(|kv| Tag {
            key: strings.intern(&kv.key.0),
            value: typed_value(
                kv.ty.as_ref().map(|t| t.0.as_ref()),
                kv.value.unwrap_or(Raw::Null),
            ),
        })
        .collect()
}

/// Converts a value by its declared type, tolerating what real exporters send: int64 beyond
/// 2^53 as strings, bools as `"true"`, binary as base64. A value that does not fit its type
/// is kept as text rather than dropped.
fn typed_value(ty: Option<&str>, raw: Raw<'_>) -> Value {
    let ty = ty.map(str::to_ascii_lowercase);
    match (ty.as_deref(), raw) {
        (Some("bool"), Raw::Bool(b)) => Value::Bool(b),
        (Some("bool"), Raw::Str(s)) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        (Some("bool"), Raw::Str(s)) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        (Some("int64"), Raw::Int(i)) => Value::Int(i),
        (Some("int64"), Raw::Str(s)) => s
            .trim()
            .parse::<i64>()
            .map_or_else(|_| Value::Str(s.into()), Value::Int),
        #[allow(clippy::cast_possible_truncation)]
        (Some("int64"), Raw::Float(f)) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
            Value::Int(f as i64)
        }
        #[allow(clippy::cast_precision_loss)]
        (Some("float64"), Raw::Int(i)) => Value::Double(i as f64),
        #[allow(clippy::cast_precision_loss)]
        (Some("float64"), Raw::UInt(u)) => Value::Double(u as f64),
        (Some("float64"), Raw::Float(f)) => Value::Double(f),
        (Some("float64"), Raw::Str(s)) => s
            .trim()
            .parse::<f64>()
            .map_or_else(|_| Value::Str(s.into()), Value::Double),
        (Some("binary"), Raw::Str(s)) => {
            base64::decode(&s).map_or_else(|| Value::Str(s.into()), |b| Value::Bytes(b.into()))
        }
        (Some("string"), Raw::Json(s)) => Value::Json(s.into()),
        (Some("string"), raw) => Value::Str(raw.text().into()),
        (_, raw) => raw.into_value(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, Format, ImportError};
    use crate::model::{StatusCode, Trace};

    fn one_trace(input: &str) -> Trace {
        let imported = import(input.as_bytes()).expect("valid Jaeger JSON");
        assert_eq!(imported.format, Format::Jaeger);
        assert_eq!(imported.traces.len(), 1);
        imported.traces.into_iter().next().expect("one trace")
    }

    #[test]
    fn envelope_processes_tags_logs_and_references() {
        let t = one_trace(
            r#"{"data":[{"traceID":"0123456789abcdef0123456789abcde","spans":[
              {"traceID":"0123456789abcdef0123456789abcde","spanID":"123456789abcdef","operationName":"get",
               "references":[{"refType":"FOLLOWS_FROM","traceID":"1","spanID":"f"},
                             {"refType":"CHILD_OF","traceID":"0123456789abcdef0123456789abcde","spanID":"abc"}],
               "startTime":10,"duration":5,"flags":3,"processID":"p1",
               "tags":[{"key":"span.kind","type":"string","value":"client"},
                       {"key":"error","type":"bool","value":"true"},
                       {"key":"big","type":"int64","value":"9007199254740993"},
                       {"key":"n","type":"int64","value":42},
                       {"key":"f","type":"float64","value":1},
                       {"key":"blob","type":"binary","value":"AAAwOQ=="},
                       {"key":"peer.service","type":"string","value":"db"}],
               "logs":[{"timestamp":12,"fields":[{"key":"event","type":"string","value":"retry"},{"key":"attempt","type":"int64","value":2}]}],
               "warnings":["clock skew adjusted"],
               "depth":0,"hasChildren":false,"relativeStartTime":0}],
              "processes":{"p1":{"serviceName":"Frontend","tags":[{"key":"hostname","type":"string","value":"h"}]}},
              "warnings":["trace warning"]}],
             "total":0,"limit":0,"offset":0,"errors":null}"#,
        );
        assert_eq!(t.id_string(), "00123456789abcdef0123456789abcde");
        let s = &t.spans[0];
        assert_eq!(s.id.display(&t.strings).to_string(), "0123456789abcdef");
        assert_eq!(s.parent_id, Some(SpanId::Hex(0xabc)), "first CHILD_OF wins");
        assert_eq!(s.links.len(), 2);
        assert_eq!(s.links[0].kind, LinkKind::FollowsFrom);
        assert_eq!(s.kind, Kind::Client);
        assert!(s.error, "bool error sent as the string \"true\"");
        assert!(s.debug);
        assert_eq!(s.flags, 3);
        assert_eq!(s.tags[2].value, Value::Int(9_007_199_254_740_993));
        assert_eq!(s.tags[3].value, Value::Int(42));
        assert_eq!(s.tags[4].value, Value::Double(1.0));
        assert_eq!(s.tags[5].value, Value::Bytes(vec![0, 0, 0x30, 0x39].into()));
        assert_eq!(t.str(s.remote_service()), "db");
        assert_eq!(t.str(s.service), "Frontend");
        let r = t.resource_of(s).expect("process");
        assert_eq!(t.str(r.attributes[0].key), "hostname");
        assert_eq!(&*s.annotations[0].value, "retry");
        assert_eq!(s.annotations[0].attributes[1].value, Value::Int(2));
        assert_eq!(s.annotations[0].at, Micros(12));
        assert_eq!(&*s.warnings[0], "clock skew adjusted");
        assert_eq!(&*t.warnings[0], "trace warning");
    }

    #[test]
    fn follows_from_only_is_the_parent() {
        let t = one_trace(
            r#"{"traceID":"a","spans":[{"traceID":"a","spanID":"1","startTime":1,"duration":1},
               {"traceID":"a","spanID":"2","references":[{"refType":"FOLLOWS_FROM","traceID":"a","spanID":"1"}],"startTime":2,"duration":1}]}"#,
        );
        assert_eq!(t.spans[1].parent_id, Some(SpanId::Hex(1)));
        assert_eq!(t.spans[0].parent_id, None, "no references key: a root");
    }

    #[test]
    fn bare_array_of_traces_and_embedded_processes() {
        let input = r#"[{"traceID":"a","spans":[
              {"spanID":"1","process":{"serviceName":"x","tags":[]}},
              {"spanID":"2","process":{"serviceName":"x","tags":[]}},
              {"spanID":"3","process":{"serviceName":"y"}}]},
            {"traceID":"b","spans":[{"spanID":"1","processID":"missing"}]}]"#;
        let imported = import(input.as_bytes()).expect("valid");
        assert_eq!(imported.traces.len(), 2);
        let t = &imported.traces[0];
        assert_eq!(t.resources.len(), 2, "identical processes stored once");
        assert_eq!(t.spans[0].resource, t.spans[1].resource);
        assert_eq!(t.str(t.spans[2].service), "y");
        assert_eq!(imported.traces[1].spans[0].service, StrId::EMPTY);
    }

    #[test]
    fn otel_status_tags_and_non_hex_ids() {
        let t = one_trace(
            r#"{"traceID":"trace-123","spans":[{"traceID":"trace-123","spanID":"span-A","operationName":"op",
               "tags":[{"key":"otel.status_code","type":"string","value":"ERROR"},
                       {"key":"otel.status_description","type":"string","value":"boom"},
                       {"key":"error","type":"bool","value":false}]}]}"#,
        );
        let s = &t.spans[0];
        assert_eq!(s.id.display(&t.strings).to_string(), "span-A");
        assert_eq!(s.status.code, StatusCode::Error);
        assert_eq!(t.str(s.status.message), "boom");
        assert!(s.error);
    }

    #[test]
    fn typed_values_that_do_not_fit_are_kept_as_text() {
        assert_eq!(
            typed_value(Some("int64"), Raw::Str("x".into())),
            Value::from("x")
        );
        assert_eq!(
            typed_value(Some("bool"), Raw::Str("yes".into())),
            Value::from("yes")
        );
        assert_eq!(
            typed_value(Some("binary"), Raw::Str("!!".into())),
            Value::from("!!")
        );
        assert_eq!(typed_value(Some("string"), Raw::Int(5)), Value::from("5"));
        assert_eq!(typed_value(None, Raw::Bool(true)), Value::Bool(true));
        assert_eq!(
            typed_value(Some("BOOL"), Raw::Bool(true)),
            Value::Bool(true)
        );
    }

    #[test]
    fn error_names_path_and_format() {
        let input = "{\"data\":[{\"traceID\":\"a\",\"spans\":[\n{\"spanID\":\"1\"},\n{\"spanID\":\"2\",\"startTime\":\"soon\"}]}]}";
        let Err(ImportError::Invalid {
            format,
            path,
            position,
            message,
        }) = import(input.as_bytes())
        else {
            panic!("expected an error");
        };
        assert_eq!(format, Format::Jaeger);
        assert_eq!(path, "data[0].spans[1].startTime");
        assert_eq!(position.line, 3);
        assert!(message.contains("microseconds"), "{message}");
    }

    #[test]
    fn processes_and_trace_id_after_the_spans_still_apply() {
        let t = one_trace(
            r#"{"spans":[{"spanID":"1","processID":"p1","references":[{"spanID":"9"}]},
                         {"spanID":"2","processID":"p2","references":[{"refType":"CHILD_OF","spanID":"1"}]}],
                "processes":{"p1":{"serviceName":"a"},"p2":{"serviceName":"b"}},
                "traceID":"abc","warnings":["late"]}"#,
        );
        assert_eq!(t.id_string(), "0000000000000abc");
        assert!(t.spans.iter().all(|s| s.trace_id == t.id));
        assert_eq!(
            t.spans[0].links[0].trace_id, t.id,
            "reference without traceID"
        );
        assert_eq!(
            t.spans[0].links[0].kind,
            LinkKind::ChildOf,
            "refType defaults to CHILD_OF"
        );
        assert_eq!(t.str(t.spans[0].service), "a");
        assert_eq!(t.str(t.spans[1].service), "b");
        assert_eq!(&*t.warnings[0], "late");
    }
}
