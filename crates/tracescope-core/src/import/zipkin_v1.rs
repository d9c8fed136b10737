//! Zipkin v1 JSON: spans whose kind, service and times live in annotations.
//!
//! A v1 span is split into one model span per local endpoint, the way Zipkin converts v1 to v2:
//! `cs`/`cr` make a CLIENT half, `sr`/`ss` a SERVER half (shared: it reuses the client's id),
//! `ms`/`mr` PRODUCER/CONSUMER halves; other annotations and binary annotations go to the half
//! whose service logged them. `sa`/`ca`/`ma` binary annotations give the remote endpoint and
//! `lc` marks a local span. Missing span timestamps and durations are taken from the core
//! annotations.

use serde::Deserialize;

use super::json::for_each_object;
use super::wire::{CowStr, LenientI64, ScalarText, ZipkinEndpoint};
use super::{status_from_tags, Batch, Format, ImportError, TextCache};
use crate::model::{
    Annotation, Endpoint, Kind, Micros, Span, SpanId, StrId, Strings, Tag, TraceId, Value,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSpan<'a> {
    #[serde(borrow)]
    trace_id: CowStr<'a>,
    /// Thrift-era JSON sends the upper 64 bits of a 128-bit trace id separately.
    #[serde(borrow, default)]
    trace_id_high: Option<CowStr<'a>>,
    #[serde(borrow)]
    id: CowStr<'a>,
    #[serde(borrow, default)]
    parent_id: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    name: Option<CowStr<'a>>,
    #[serde(default)]
    timestamp: Option<LenientI64>,
    #[serde(default)]
    duration: Option<LenientI64>,
    #[serde(borrow, default)]
    annotations: Option<Vec<WireAnnotation<'a>>>,
    #[serde(borrow, default)]
    binary_annotations: Option<Vec<WireBinaryAnnotation<'a>>>,
    #[serde(default)]
    debug: Option<bool>,
}

#[derive(Deserialize)]
struct WireAnnotation<'a> {
    timestamp: LenientI64,
    #[serde(borrow)]
    value: CowStr<'a>,
    #[serde(borrow, default)]
    endpoint: Option<ZipkinEndpoint<'a>>,
}

#[derive(Deserialize)]
struct WireBinaryAnnotation<'a> {
    #[serde(borrow)]
    key: CowStr<'a>,
    #[serde(borrow, default)]
    value: Option<ScalarText<'a>>,
    #[serde(borrow, default)]
    endpoint: Option<ZipkinEndpoint<'a>>,
}

/// Parses Zipkin v1 JSON into spans (not yet grouped into traces).
pub(super) fn parse(bytes: &[u8]) -> Result<Batch, ImportError> {
    let mut batch = Batch::default();
    let mut texts = TextCache::default();
    for_each_object(bytes, Format::ZipkinV1, |w: WireSpan| {
        convert(w, &mut batch.strings, &mut texts, &mut batch.spans);
    })?;
    Ok(batch)
}

/// A core annotation: when, and where it was logged.
#[derive(Clone)]
struct Core {
    at: i64,
    endpoint: Endpoint,
}

/// The model spans one v1 span becomes, one per local endpoint.
struct Halves {
    template: Span,
    parts: Vec<Span>,
}

impl Halves {
    /// The half logged by `endpoint`: the one with a matching local endpoint, else the first
    /// without one (which takes it), else a new one. `None` means the first half.
    fn for_endpoint(&mut self, endpoint: Option<&Endpoint>) -> usize {
        let Some(e) = endpoint else {
            if self.parts.is_empty() {
                self.parts.push(self.template.clone());
            }
            return 0;
        };
        if let Some(i) = self
            .parts
            .iter()
            .position(|p| p.local.as_ref().is_some_and(|l| close_enough(l, e)))
        {
            return i;
        }
        if let Some(i) = self.parts.iter().position(|p| p.local.is_none()) {
            self.set_local(i, e);
            return i;
        }
        self.new_half(e)
    }

    /// A new half even if one with this endpoint exists (loopback RPCs: both sides in one
    /// service still make two spans).
    fn new_half(&mut self, e: &Endpoint) -> usize {
        self.parts.push(self.template.clone());
        let i = self.parts.len() - 1;
        self.set_local(i, e);
        i
    }

    fn set_local(&mut self, i: usize, e: &Endpoint) {
        if let Some(p) = self.parts.get_mut(i) {
            p.service = e.service;
            p.local = Some(e.clone());
        }
    }

    fn part(&mut self, i: usize) -> &mut Span {
        if self.parts.is_empty() {
            self.parts.push(self.template.clone());
        }
        let last = self.parts.len() - 1;
        &mut self.parts[i.min(last)]
    }
}

/// Zipkin's "close enough": the same service name, or when either lacks one, the same address.
fn close_enough(a: &Endpoint, b: &Endpoint) -> bool {
    if a.service != StrId::EMPTY && b.service != StrId::EMPTY {
        a.service == b.service
    } else {
        a.ipv4 == b.ipv4 && a.ipv6 == b.ipv6
    }
}

#[allow(clippy::too_many_lines)]
fn convert(w: WireSpan<'_>, strings: &mut Strings, texts: &mut TextCache, out: &mut Vec<Span>) {
    let trace_id = match &w.trace_id_high {
        Some(high) if !high.0.is_empty() && w.trace_id.0.len() <= 16 => {
            TraceId::parse(&format!("{}{:0>16}", high.0, w.trace_id.0), strings)
        }
        _ => TraceId::parse(&w.trace_id.0, strings),
    };
    let id = SpanId::parse(&w.id.0, strings);
    let name = w.name.as_ref().map_or("", |n| n.0.as_ref());
    let template = Span {
        parent_id: w
            .parent_id
            .as_ref()
            .filter(|p| !p.0.is_empty())
            .map(|p| SpanId::parse(&p.0, strings)),
        name: strings.intern(name),
        debug: w.debug.unwrap_or(false),
        ..Span::new(trace_id, id)
    };
    // Zipkin treats 0 as absent.
    let src_start = w.timestamp.map(|t| t.0).filter(|&t| t != 0);
    let src_duration = w.duration.map(|d| d.0).filter(|&d| d > 0);
    let mut halves = Halves {
        template,
        parts: Vec::with_capacity(2),
    };

    // Core annotations need an endpoint; without one they are ordinary annotations.
    let [mut cs, mut sr, mut ss, mut cr, mut ms, mut mr, mut ws, mut wr]: [Option<Core>; 8] =
        Default::default();
    for a in w.annotations.unwrap_or_default() {
        let endpoint = a.endpoint.map(|e| e.convert(strings, texts));
        let value = a.value.0;
        let slot = match (value.as_ref(), endpoint.is_some()) {
            ("cs", true) => Some(&mut cs),
            ("sr", true) => Some(&mut sr),
            ("ss", true) => Some(&mut ss),
            ("cr", true) => Some(&mut cr),
            ("ms", true) => Some(&mut ms),
            ("mr", true) => Some(&mut mr),
            ("ws", true) => Some(&mut ws),
            ("wr", true) => Some(&mut wr),
            _ => None,
        };
        match (slot, endpoint) {
            (Some(slot), Some(endpoint)) if slot.is_none() => {
                // Creates the half in the order the endpoints appear, as Zipkin does.
                halves.for_endpoint(Some(&endpoint));
                *slot = Some(Core {
                    at: a.timestamp.0,
                    endpoint,
                });
            }
            (_, endpoint) => {
                let i = halves.for_endpoint(endpoint.as_ref());
                let part = halves.part(i);
                part.error |= value == "error";
                part.annotations
                    .push(Annotation::new(Micros(a.timestamp.0), value));
            }
        }
    }

    // A missing start, when the end matches the span's own end (data bridged from events).
    let reflects_end = |end: &Option<Core>| match (end, src_start, src_duration) {
        (Some(e), Some(t), Some(d)) => t.checked_add(d) == Some(e.at),
        _ => false,
    };
    if cs.is_none() && reflects_end(&cr) {
        cs = cr.as_ref().and_then(|e| {
            src_start.map(|at| Core {
                at,
                endpoint: e.endpoint.clone(),
            })
        });
    }
    if sr.is_none() && reflects_end(&ss) {
        sr = ss.as_ref().and_then(|e| {
            src_start.map(|at| Core {
                at,
                endpoint: e.endpoint.clone(),
            })
        });
    }
    let any_core = [&cs, &sr, &ss, &cr, &ms, &mr].iter().any(|c| c.is_some());

    // Start and duration of a half: the span's own when it has both, else from annotations.
    let own_or = |begin: &Core, end: Option<&Core>| match (src_start, src_duration) {
        (Some(t), Some(d)) => (Some(t), Some(d)),
        _ => (
            Some(begin.at),
            end.map(|e| e.at - begin.at).filter(|&d| d > 0),
        ),
    };
    let set_times = |span: &mut Span, (start, duration): (Option<i64>, Option<i64>)| {
        span.start = start.filter(|&t| t != 0).map(Micros);
        span.duration = duration.filter(|&d| d > 0).map(Micros);
    };

    let mut client = None;
    let mut server = None;
    match (&cs, &sr) {
        (Some(c), Some(s)) => {
            let ci = halves.for_endpoint(Some(&c.endpoint));
            let si = if close_enough(&c.endpoint, &s.endpoint) {
                halves.new_half(&s.endpoint)
            } else {
                halves.for_endpoint(Some(&s.endpoint))
            };
            let (start, duration) = own_or(c, cr.as_ref());
            let one_way = cr.is_none() && src_duration.is_none();
            let part = halves.part(ci);
            part.kind = Kind::Client;
            set_times(part, (start, if one_way { None } else { duration }));
            // The server half is timed by its own annotations.
            let part = halves.part(si);
            part.kind = Kind::Server;
            part.shared = true;
            set_times(
                part,
                (
                    Some(s.at),
                    ss.as_ref().map(|e| e.at - s.at).filter(|&d| d > 0),
                ),
            );
            client = Some(ci);
            server = Some(si);
        }
        (Some(c), None) => {
            let ci = halves.for_endpoint(Some(&c.endpoint));
            let times = own_or(c, cr.as_ref());
            let part = halves.part(ci);
            part.kind = Kind::Client;
            set_times(part, times);
            client = Some(ci);
            keep_as_annotation(&mut halves, ss.as_ref(), "ss");
        }
        (None, Some(s)) => {
            let si = halves.for_endpoint(Some(&s.endpoint));
            let times = own_or(s, ss.as_ref());
            let part = halves.part(si);
            part.kind = Kind::Server;
            set_times(part, times);
            // v1 had no shared flag: a server side without its own timestamp is shared.
            part.shared = src_start.is_none() || (ss.is_some() && src_duration.is_none());
            server = Some(si);
            keep_as_annotation(&mut halves, cr.as_ref(), "cr");
        }
        (None, None) => {
            // Ends without starts: an incomplete RPC; the annotations are kept as they were.
            keep_as_annotation(&mut halves, cr.as_ref(), "cr");
            keep_as_annotation(&mut halves, ss.as_ref(), "ss");
        }
    }

    let mut producer = None;
    let mut consumer = None;
    match (&ms, &mr) {
        (Some(m), Some(r)) => {
            let pi = halves.for_endpoint(Some(&m.endpoint));
            let ci = if close_enough(&m.endpoint, &r.endpoint) {
                halves.new_half(&r.endpoint)
            } else {
                halves.for_endpoint(Some(&r.endpoint))
            };
            let part = halves.part(pi);
            part.kind = Kind::Producer;
            set_times(part, (Some(m.at), ws.as_ref().map(|e| e.at - m.at)));
            let part = halves.part(ci);
            part.kind = Kind::Consumer;
            part.shared = true;
            match &wr {
                Some(w) => set_times(part, (Some(w.at), Some(r.at - w.at))),
                None => set_times(part, (Some(r.at), None)),
            }
            producer = Some(pi);
            consumer = Some(ci);
            ws = None;
            wr = None;
        }
        (Some(m), None) => {
            let pi = halves.for_endpoint(Some(&m.endpoint));
            let times = own_or(m, ws.as_ref());
            let part = halves.part(pi);
            part.kind = Kind::Producer;
            set_times(part, times);
            producer = Some(pi);
            ws = None;
        }
        (None, Some(r)) => {
            let ci = halves.for_endpoint(Some(&r.endpoint));
            let times = match &wr {
                Some(w) => own_or(w, Some(r)),
                None => own_or(r, None),
            };
            let part = halves.part(ci);
            part.kind = Kind::Consumer;
            set_times(part, times);
            consumer = Some(ci);
            wr = None;
        }
        (None, None) => {}
    }
    // Wire send/receive without messaging annotations are ordinary annotations.
    keep_as_annotation(&mut halves, ws.as_ref(), "ws");
    keep_as_annotation(&mut halves, wr.as_ref(), "wr");

    // Binary annotations: address annotations name the remote side; the rest are tags.
    let mut addresses: Vec<(u8, Endpoint)> = Vec::new();
    for b in w.binary_annotations.unwrap_or_default() {
        let endpoint = b.endpoint.map(|e| e.convert(strings, texts));
        let key = b.key.0;
        let value = b.value.map_or(std::borrow::Cow::Borrowed(""), |v| v.0);
        let address = match key.as_ref() {
            "sa" => Some(b's'),
            "ca" => Some(b'c'),
            "ma" => Some(b'm'),
            _ => None,
        };
        if let (Some(kind), Some(e), true) = (address, &endpoint, value == "true" || value == "1") {
            addresses.push((kind, e.clone()));
            continue;
        }
        let i = halves.for_endpoint(endpoint.as_ref());
        let key_id = strings.intern(&key);
        let part = halves.part(i);
        part.error |= key == "error";
        part.tags.push(Tag {
            key: key_id,
            value: Value::Str(value.into()),
        });
    }
    let first = |kind: u8, local: Option<&Endpoint>| {
        addresses
            .iter()
            .find(|(k, e)| *k == kind && local.is_none_or(|l| !close_enough(l, e)))
            .map(|(_, e)| e.clone())
    };
    if !any_core {
        let sa = first(b's', None);
        let ca = first(b'c', None);
        let ma = first(b'm', None);
        match (ca, sa) {
            // Both addresses but no core annotations: the client address is the local side.
            (Some(ca), Some(sa)) => {
                let i = halves.for_endpoint(Some(&ca));
                halves.part(i).remote = Some(sa);
            }
            (None, Some(sa)) => {
                let part = halves.part(0);
                part.kind = Kind::Client;
                part.remote = Some(sa);
            }
            (Some(ca), None) => {
                let part = halves.part(0);
                part.kind = Kind::Server;
                part.remote = Some(ca);
            }
            (None, None) => {
                if let Some(ma) = ma {
                    halves.part(0).remote = Some(ma);
                }
            }
        }
    } else {
        for (half, kind) in [
            (client, b's'),
            (server, b'c'),
            (producer, b'm'),
            (consumer, b'm'),
        ] {
            let Some(i) = half else { continue };
            let local = halves.part(i).local.clone();
            if let Some(e) = first(kind, local.as_ref()) {
                halves.part(i).remote = Some(e);
            }
        }
    }

    if halves.parts.is_empty() {
        halves.parts.push(halves.template.clone());
    }
    // A half the annotations did not time (local spans, the only half of an incomplete
    // span) has the span's own timestamp and duration, if it is the first half.
    if let Some(p) = halves.parts.first_mut() {
        if p.start.is_none() && p.duration.is_none() {
            p.start = src_start.map(Micros);
            p.duration = src_duration.map(Micros);
        }
    }
    for mut p in halves.parts {
        p.status = status_from_tags(&p.tags, strings);
        out.push(p);
    }
}

fn keep_as_annotation(halves: &mut Halves, core: Option<&Core>, value: &str) {
    if let Some(c) = core {
        let i = halves.for_endpoint(Some(&c.endpoint));
        halves
            .part(i)
            .annotations
            .push(Annotation::new(Micros(c.at), value));
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{import, Format, ImportError};
    use crate::model::{Kind, Micros, Span, Trace};

    fn spans(input: &str) -> (Trace, Vec<Span>) {
        let imported = import(input.as_bytes()).expect("valid v1");
        assert_eq!(imported.format, Format::ZipkinV1);
        let trace = imported.traces.into_iter().next().expect("a trace");
        let spans = trace.spans.clone();
        (trace, spans)
    }

    #[test]
    fn combined_client_and_server_span_becomes_two_halves() {
        let (t, s) = spans(
            r#"{"traceId":"1","id":"2","name":"get","timestamp":100,"duration":50,
            "annotations":[
              {"timestamp":100,"value":"cs","endpoint":{"serviceName":"Web","ipv4":"1.1.1.1"}},
              {"timestamp":100,"value":"ws","endpoint":{"serviceName":"web","ipv4":"1.1.1.1"}},
              {"timestamp":110,"value":"sr","endpoint":{"serviceName":"api","ipv4":"2.2.2.2","port":80}},
              {"timestamp":120,"value":"ss","endpoint":{"serviceName":"api","ipv4":"2.2.2.2","port":80}},
              {"timestamp":150,"value":"cr","endpoint":{"serviceName":"web","ipv4":"1.1.1.1"}}],
            "binaryAnnotations":[
              {"key":"http.path","value":"/a","endpoint":{"serviceName":"api"}},
              {"key":"sa","value":true,"endpoint":{"serviceName":"api","ipv4":"2.2.2.2","port":80}},
              {"key":"ca","value":true,"endpoint":{"serviceName":"web","ipv4":"1.1.1.1","port":4444}},
              {"key":"http.uri","value":"/a","endpoint":{"serviceName":"web"}}]}"#,
        );
        assert_eq!(s.len(), 2);
        let (c, sv) = (&s[0], &s[1]);
        assert_eq!((c.kind, t.str(c.service)), (Kind::Client, "web"));
        assert_eq!((c.start, c.duration), (Some(Micros(100)), Some(Micros(50))));
        assert!(!c.shared);
        assert_eq!(t.str(c.remote_service()), "api");
        assert_eq!(c.annotations.len(), 1, "ws kept as an annotation");
        assert_eq!(t.str(c.tags[0].key), "http.uri");
        assert_eq!((sv.kind, t.str(sv.service)), (Kind::Server, "api"));
        assert_eq!(
            (sv.start, sv.duration),
            (Some(Micros(110)), Some(Micros(10)))
        );
        assert!(sv.shared);
        assert_eq!(sv.id, c.id);
        assert_eq!(t.str(sv.remote_service()), "web");
        assert_eq!(sv.remote.as_ref().and_then(|e| e.port), Some(4444));
        assert_eq!(t.str(sv.tags[0].key), "http.path");
    }

    #[test]
    fn loopback_rpc_in_one_service_still_makes_two_halves() {
        let (_, s) = spans(
            r#"[{"traceId":"1","id":"2","annotations":[
              {"timestamp":1,"value":"cs","endpoint":{"serviceName":"a"}},
              {"timestamp":2,"value":"sr","endpoint":{"serviceName":"a"}},
              {"timestamp":3,"value":"ss","endpoint":{"serviceName":"a"}},
              {"timestamp":4,"value":"cr","endpoint":{"serviceName":"a"}}]}]"#,
        );
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].kind, s[1].kind), (Kind::Client, Kind::Server));
        assert_eq!(s[0].duration, Some(Micros(3)));
        assert_eq!(s[1].duration, Some(Micros(1)));
    }

    #[test]
    fn lc_marks_a_local_span_and_gives_its_service() {
        let (t, s) = spans(
            r#"[{"traceId":"1","id":"2","timestamp":5,"duration":7,"annotations":[],
              "binaryAnnotations":[{"key":"lc","value":"JDBC","endpoint":{"serviceName":"zipkin-server"}}]},
              {"traceId":"1","id":"3","timestamp":5,"duration":7,
              "binaryAnnotations":[{"key":"lc","value":"x"}]}]"#,
        );
        assert_eq!(s[0].kind, Kind::Unspecified);
        assert_eq!(t.str(s[0].service), "zipkin-server");
        assert_eq!(
            (s[0].start, s[0].duration),
            (Some(Micros(5)), Some(Micros(7)))
        );
        assert_eq!(t.str(s[0].tags[0].key), "lc");
        assert_eq!(s[0].tags[0].value.to_string(), "JDBC");
        assert_eq!(t.str(s[1].service), "", "no endpoint: no service");
    }

    #[test]
    fn times_come_from_annotations_when_missing() {
        let (_, s) = spans(
            r#"[{"traceId":"1","id":"2","annotations":[
              {"timestamp":10,"value":"sr","endpoint":{"serviceName":"a"}},
              {"timestamp":12,"value":"custom","endpoint":{"serviceName":"a"}},
              {"timestamp":30,"value":"ss","endpoint":{"serviceName":"a"}}]},
              {"traceId":"1","id":"3","parentId":"2","annotations":[
              {"timestamp":15,"value":"cs","endpoint":{"serviceName":"a"}}]}]"#,
        );
        assert_eq!(
            (s[0].start, s[0].duration),
            (Some(Micros(10)), Some(Micros(20)))
        );
        assert!(
            s[0].shared,
            "a server side without its own timestamp is shared"
        );
        assert_eq!(&*s[0].annotations[0].value, "custom");
        assert_eq!(
            (s[1].kind, s[1].start, s[1].duration),
            (Kind::Client, Some(Micros(15)), None)
        );
    }

    #[test]
    fn non_hex_ids_trace_id_high_and_errors_are_tolerated() {
        let (t, s) = spans(
            r#"[{"traceIdHigh":"463ac35c9f6413ad","traceId":"48485a3953bb6124","id":"span-x","parentId":"BADID",
              "binaryAnnotations":[{"key":"error","value":"boom"},{"key":"n","value":3},
              {"key":"sa","value":true,"endpoint":{"ipv4":"10.0.0.1"}}]}]"#,
        );
        assert_eq!(t.id_string(), "463ac35c9f6413ad48485a3953bb6124");
        assert_eq!(s[0].id.display(&t.strings).to_string(), "span-x");
        assert!(s[0].error);
        assert_eq!(s[0].tags[1].value.to_string(), "3");
        assert_eq!(s[0].kind, Kind::Client, "sa alone marks a client");
    }

    #[test]
    fn messaging_halves() {
        let (_, s) = spans(
            r#"[{"traceId":"1","id":"2","annotations":[
              {"timestamp":1,"value":"ms","endpoint":{"serviceName":"p"}},
              {"timestamp":2,"value":"ws","endpoint":{"serviceName":"p"}},
              {"timestamp":5,"value":"wr","endpoint":{"serviceName":"c"}},
              {"timestamp":6,"value":"mr","endpoint":{"serviceName":"c"}}],
              "binaryAnnotations":[{"key":"ma","value":true,"endpoint":{"serviceName":"kafka"}}]}]"#,
        );
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].kind, s[0].duration),
            (Kind::Producer, Some(Micros(1)))
        );
        assert_eq!(
            (s[1].kind, s[1].start, s[1].duration),
            (Kind::Consumer, Some(Micros(5)), Some(Micros(1)))
        );
        assert!(s[0].remote.is_some() && s[1].remote.is_some());
    }

    #[test]
    fn error_names_path_and_format() {
        let input = "[{\"traceId\":\"1\",\"id\":\"2\",\"binaryAnnotations\":[]},\n{\"traceId\":\"1\",\"id\":\"3\",\"annotations\":[{\"timestamp\":{},\"value\":\"cs\",\"endpoint\":{}}]}]";
        let Err(ImportError::Invalid {
            format,
            path,
            position,
            ..
        }) = import(input.as_bytes())
        else {
            panic!("expected an error");
        };
        assert_eq!(format, Format::ZipkinV1);
        assert_eq!(path, "[1].annotations[0].timestamp");
        assert_eq!(position.line, 2);
    }
}
