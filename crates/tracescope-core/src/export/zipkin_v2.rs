//! Zipkin v2 JSON, as Zipkin itself writes it: fields in Zipkin's order, absent values and
//! empty collections left out, `debug`/`shared` only when true, service names lower-case.

use std::io;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::AsText;
use crate::model::{Annotation, Endpoint, IdDisplay, Kind, Span, StrId, Strings, Tag, Trace};

pub(super) fn write<W: io::Write>(traces: &[Trace], out: W) -> io::Result<()> {
    let result = if let [one] = traces {
        serde_json::to_writer(out, &WireTrace(one))
    } else {
        let all: Vec<WireTrace<'_>> = traces.iter().map(WireTrace).collect();
        serde_json::to_writer(out, &all)
    };
    result.map_err(io::Error::from)
}

/// One span as Zipkin v2 JSON, indented (the span detail panel's raw view).
pub(super) fn span_pretty(trace: &Trace, span: &Span) -> String {
    serde_json::to_string_pretty(&WireSpan::new(trace, span)).unwrap_or_default()
}

struct WireTrace<'a>(&'a Trace);

impl Serialize for WireTrace<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let trace = self.0;
        s.collect_seq(trace.spans.iter().map(|span| WireSpan::new(trace, span)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireSpan<'a> {
    trace_id: AsText<IdDisplay<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_id: Option<AsText<IdDisplay<'a>>>,
    id: AsText<IdDisplay<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_endpoint: Option<WireEndpoint<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_endpoint: Option<WireEndpoint<'a>>,
    #[serde(skip_serializing_if = "WireAnnotations::is_empty")]
    annotations: WireAnnotations<'a>,
    #[serde(skip_serializing_if = "WireTags::is_empty")]
    tags: WireTags<'a>,
    #[serde(skip_serializing_if = "is_false")]
    debug: bool,
    #[serde(skip_serializing_if = "is_false")]
    shared: bool,
}

impl<'a> WireSpan<'a> {
    fn new(trace: &'a Trace, span: &'a Span) -> WireSpan<'a> {
        let strings: &Strings = &trace.strings;
        WireSpan {
            trace_id: AsText(span.trace_id.display(strings)),
            parent_id: span.parent_id.map(|p| AsText(p.display(strings))),
            id: AsText(span.id.display(strings)),
            kind: match span.kind {
                Kind::Client | Kind::Server | Kind::Producer | Kind::Consumer => {
                    Some(span.kind.as_str())
                }
                // Zipkin has no INTERNAL: a local span is one without a kind.
                Kind::Unspecified | Kind::Internal => None,
            },
            name: trace.str(span.name),
            // Zipkin reads 0 as "not set".
            timestamp: span.start.map(|m| m.0).filter(|&t| t != 0),
            duration: span.duration.map(|m| m.0).filter(|&d| d > 0),
            // The span's service is its local endpoint's, or the only place Zipkin has for a
            // service that an importer found elsewhere.
            local_endpoint: WireEndpoint::new(
                span.local.as_ref(),
                if span.service.0 == 0 {
                    span.local.as_ref().map_or(span.service, |e| e.service)
                } else {
                    span.service
                },
                strings,
            ),
            remote_endpoint: WireEndpoint::new(
                span.remote.as_ref(),
                span.remote_service(),
                strings,
            ),
            annotations: WireAnnotations(&span.annotations),
            tags: WireTags {
                tags: &span.tags,
                strings,
                add_error: span.error && !has_error_tag(span, strings),
            },
            debug: span.debug,
            shared: span.shared,
        }
    }
}

fn has_error_tag(span: &Span, strings: &Strings) -> bool {
    span.tags.iter().any(|t| {
        let key = strings.get(t.key);
        key == "error"
            || (key == "otel.status_code" && t.value.text().eq_ignore_ascii_case("ERROR"))
    })
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireEndpoint<'a> {
    #[serde(skip_serializing_if = "String::is_empty")]
    service_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv4: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv6: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
}

impl<'a> WireEndpoint<'a> {
    /// `None` for an endpoint with nothing in it: Zipkin drops empty endpoints.
    fn new(e: Option<&'a Endpoint>, service: StrId, strings: &Strings) -> Option<WireEndpoint<'a>> {
        let w = WireEndpoint {
            service_name: strings.get(service).to_lowercase(),
            ipv4: e.and_then(|e| e.ipv4.as_deref()).filter(|s| !s.is_empty()),
            ipv6: e.and_then(|e| e.ipv6.as_deref()).filter(|s| !s.is_empty()),
            port: e.and_then(|e| e.port).filter(|&p| p != 0),
        };
        let empty =
            w.service_name.is_empty() && w.ipv4.is_none() && w.ipv6.is_none() && w.port.is_none();
        (!empty).then_some(w)
    }
}

struct WireAnnotations<'a>(&'a [Annotation]);

impl WireAnnotations<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for WireAnnotations<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|a| WireAnnotation {
            timestamp: a.at.0,
            value: &a.value,
        }))
    }
}

#[derive(Serialize)]
struct WireAnnotation<'a> {
    timestamp: i64,
    value: &'a str,
}

/// Tags as a JSON object in model order; an `error` tag is added when the span failed but
/// says so only in the model (a status from another format).
struct WireTags<'a> {
    tags: &'a [Tag],
    strings: &'a Strings,
    add_error: bool,
}

impl WireTags<'_> {
    fn is_empty(&self) -> bool {
        self.tags.is_empty() && !self.add_error
    }
}

impl Serialize for WireTags<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.tags.len() + usize::from(self.add_error)))?;
        for t in self.tags {
            m.serialize_entry(self.strings.get(t.key), &*t.value.text())?;
        }
        if self.add_error {
            m.serialize_entry("error", "")?;
        }
        m.end()
    }
}
