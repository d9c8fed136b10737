//! OTLP/JSON `TracesData`, as the OTLP/JSON encoding specifies it: camelCase fields, trace
//! and span ids as hex, times as decimal strings of nanoseconds, `kind` and `status.code` as
//! integers, attributes as typed values. Spans are grouped by service into `resourceSpans`
//! (first appearance first), each resource naming its service in `service.name`.
//!
//! OTLP ids are bytes: a 64-bit trace id becomes 128 bits with a zero high half, and
//! non-hex ids (which some test data has) are hashed to stable hex ids, so that parent
//! links survive.

use std::collections::HashMap;
use std::io;

use serde::{Serialize, Serializer};

use crate::model::{Kind, Micros, Span, SpanId, Strings, Trace, TraceId, Value};

pub(super) fn write<W: io::Write>(traces: &[Trace], out: W) -> io::Result<()> {
    serde_json::to_writer(out, &TracesData::group(traces)).map_err(io::Error::from)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TracesData<'a> {
    resource_spans: Vec<ResourceSpans<'a>>,
}

impl<'a> TracesData<'a> {
    fn group(traces: &'a [Trace]) -> TracesData<'a> {
        let mut by_service: HashMap<&'a str, usize> = HashMap::new();
        let mut resource_spans: Vec<ResourceSpans<'a>> = Vec::new();
        for trace in traces {
            for span in &trace.spans {
                let service = trace.str(span.service);
                let at = *by_service.entry(service).or_insert_with(|| {
                    resource_spans.push(ResourceSpans {
                        resource: Resource { service },
                        scope_spans: [ScopeSpans {
                            scope: Scope {},
                            spans: Vec::new(),
                        }],
                    });
                    resource_spans.len() - 1
                });
                resource_spans[at].scope_spans[0]
                    .spans
                    .push(SpanRef { trace, span });
            }
        }
        TracesData { resource_spans }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a> {
    resource: Resource<'a>,
    scope_spans: [ScopeSpans<'a>; 1],
}

struct Resource<'a> {
    service: &'a str,
}

impl Serialize for Resource<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            attributes: Vec<KeyValue<'a>>,
        }
        let mut attributes = Vec::new();
        if !self.service.is_empty() {
            attributes.push(KeyValue::string("service.name", self.service));
        }
        Wire { attributes }.serialize(s)
    }
}

/// The instrumentation scope is unknown after a conversion: left empty, as OTLP allows.
#[derive(Serialize)]
struct Scope {}

#[derive(Serialize)]
struct ScopeSpans<'a> {
    scope: Scope,
    spans: Vec<SpanRef<'a>>,
}

struct SpanRef<'a> {
    trace: &'a Trace,
    span: &'a Span,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireSpan<'a> {
    trace_id: String,
    span_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_span_id: Option<String>,
    name: &'a str,
    kind: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time_unix_nano: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time_unix_nano: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<KeyValue<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    events: Vec<Event<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status<'a>>,
}

impl Serialize for SpanRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (trace, span) = (self.trace, self.span);
        let strings: &Strings = &trace.strings;
        let start = span.start;
        let end = span.end();
        WireSpan {
            trace_id: trace_id_hex(&span.trace_id, strings),
            span_id: span_id_hex(&span.id, strings),
            parent_span_id: span.parent_id.map(|p| span_id_hex(&p, strings)),
            name: trace.str(span.name),
            kind: kind_code(span.kind),
            start_time_unix_nano: start.map(nanos_text),
            end_time_unix_nano: end.map(nanos_text),
            attributes: attributes(span, strings),
            events: span
                .annotations
                .iter()
                .map(|a| Event {
                    time_unix_nano: nanos_text(a.at),
                    name: &a.value,
                })
                .collect(),
            status: span.error.then(|| Status {
                code: STATUS_CODE_ERROR,
                message: error_message(span, strings),
            }),
        }
        .serialize(s)
    }
}

fn attributes<'a>(span: &'a Span, strings: &'a Strings) -> Vec<KeyValue<'a>> {
    let mut out: Vec<KeyValue<'a>> = span
        .tags
        .iter()
        .map(|t| KeyValue::typed(strings.get(t.key), &t.value))
        .collect();
    // Where the endpoints go in OpenTelemetry's semantic conventions.
    if let Some(remote) = &span.remote {
        if remote.service.0 != 0 {
            out.push(KeyValue::string(
                "peer.service",
                strings.get(remote.service),
            ));
        }
        if let Some(ip) = remote.ipv4.as_deref().or(remote.ipv6.as_deref()) {
            out.push(KeyValue::string("network.peer.address", ip));
        }
        if let Some(port) = remote.port {
            out.push(KeyValue::int("network.peer.port", port.into()));
        }
    }
    if let Some(local) = &span.local {
        if let Some(ip) = local.ipv4.as_deref().or(local.ipv6.as_deref()) {
            out.push(KeyValue::string("network.local.address", ip));
        }
        if let Some(port) = local.port {
            out.push(KeyValue::int("network.local.port", port.into()));
        }
    }
    out
}

/// The `error` tag's text, when it has some, explains the failure.
fn error_message<'a>(span: &'a Span, strings: &Strings) -> &'a str {
    span.tags
        .iter()
        .find(|t| strings.get(t.key) == "error")
        .map_or("", |t| t.value.as_str().unwrap_or(""))
}

const STATUS_CODE_ERROR: u8 = 2;

/// `SpanKind` as numbered in the OTLP protocol.
fn kind_code(kind: Kind) -> u8 {
    match kind {
        Kind::Unspecified => 0,
        Kind::Internal => 1,
        Kind::Server => 2,
        Kind::Client => 3,
        Kind::Producer => 4,
        Kind::Consumer => 5,
    }
}

/// Epoch µs as OTLP's uint64 nanoseconds, in a string (values exceed 2^53); times before
/// the epoch, which uint64 cannot hold, become 0.
fn nanos_text(at: Micros) -> String {
    let ns = i128::from(at.0) * 1000;
    u64::try_from(ns.max(0)).unwrap_or(u64::MAX).to_string()
}

fn trace_id_hex(id: &TraceId, strings: &Strings) -> String {
    match *id {
        TraceId::Hex { high, low, .. } => format!("{high:016x}{low:016x}"),
        TraceId::Other(s) => {
            let text = strings.get(s);
            format!("{:016x}{:016x}", fnv1a(text, 1), fnv1a(text, 0))
        }
    }
}

fn span_id_hex(id: &SpanId, strings: &Strings) -> String {
    match *id {
        SpanId::Hex(v) => format!("{v:016x}"),
        SpanId::Other(s) => format!("{:016x}", fnv1a(strings.get(s), 0)),
    }
}

/// FNV-1a, 64-bit: a stable stand-in for ids that are not hex. `salt` gives independent
/// halves of a 128-bit trace id.
fn fnv1a(text: &str, salt: u8) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(salt).chain(text.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    time_unix_nano: String,
    name: &'a str,
}

#[derive(Serialize)]
struct Status<'a> {
    code: u8,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
}

#[derive(Serialize)]
struct KeyValue<'a> {
    key: &'a str,
    value: AnyValue<'a>,
}

impl<'a> KeyValue<'a> {
    fn string(key: &'a str, value: &'a str) -> KeyValue<'a> {
        KeyValue {
            key,
            value: AnyValue::StringValue(std::borrow::Cow::Borrowed(value)),
        }
    }

    /// A typed model value as the matching `AnyValue` arm (bytes and JSON as text).
    fn typed(key: &'a str, value: &'a Value) -> KeyValue<'a> {
        let value = match value {
            Value::Str(s) => AnyValue::StringValue(std::borrow::Cow::Borrowed(s)),
            Value::Bool(b) => AnyValue::BoolValue(*b),
            Value::Int(i) => AnyValue::IntValue(i.to_string()),
            Value::Double(d) => AnyValue::DoubleValue(*d),
            other => AnyValue::StringValue(other.text()),
        };
        KeyValue { key, value }
    }

    fn int(key: &'a str, value: i64) -> KeyValue<'a> {
        KeyValue {
            key,
            value: AnyValue::IntValue(value.to_string()),
        }
    }
}

/// One arm of OTLP's `AnyValue`; `intValue` is a string in OTLP/JSON (int64).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::enum_variant_names)] // the names are OTLP's wire keys
enum AnyValue<'a> {
    StringValue(std::borrow::Cow<'a, str>),
    IntValue(String),
    BoolValue(bool),
    DoubleValue(f64),
}
