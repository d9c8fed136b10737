//! Zipkin v2 JSON: an array of spans, an array of traces, a single span object, or JSON
//! Lines of spans.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use super::position::Position;
use super::wire::{CowStr, LenientI64, TagList};
use super::{skip_bom_and_ws, Format, ImportError};
use crate::model::{Annotation, Endpoint, Kind, Micros, Span, SpanId, Strings, Tag, TraceId};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSpan<'a> {
    #[serde(borrow)]
    trace_id: CowStr<'a>,
    #[serde(borrow)]
    id: CowStr<'a>,
    #[serde(borrow, default)]
    parent_id: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    kind: Option<CowStr<'a>>,
    #[serde(default)]
    timestamp: Option<LenientI64>,
    #[serde(default)]
    duration: Option<LenientI64>,
    #[serde(borrow, default)]
    local_endpoint: Option<WireEndpoint<'a>>,
    #[serde(borrow, default)]
    remote_endpoint: Option<WireEndpoint<'a>>,
    #[serde(borrow, default)]
    annotations: Option<Vec<WireAnnotation<'a>>>,
    #[serde(borrow, default)]
    tags: Option<TagList<'a>>,
    #[serde(default)]
    debug: Option<bool>,
    #[serde(default)]
    shared: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEndpoint<'a> {
    #[serde(borrow, default)]
    service_name: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    ipv4: Option<CowStr<'a>>,
    #[serde(borrow, default)]
    ipv6: Option<CowStr<'a>>,
    #[serde(default)]
    port: Option<LenientI64>,
}

#[derive(Deserialize)]
struct WireAnnotation<'a> {
    timestamp: LenientI64,
    #[serde(borrow)]
    value: CowStr<'a>,
}

/// Parses Zipkin v2 JSON into spans (not yet grouped into traces).
pub(super) fn parse(bytes: &[u8]) -> Result<(Vec<Span>, Strings), ImportError> {
    let body = skip_bom_and_ws(bytes);
    let lead = bytes.len() - body.len();
    let mut strings = Strings::default();
    let mut spans = Vec::new();
    if body.first() == Some(&b'[') {
        let nested = skip_bom_and_ws(&body[1..]).first() == Some(&b'[');
        if parse_array_fast(body, nested, &mut spans, &mut strings) {
            return Ok((spans, strings));
        }
        // The input is invalid: parse it again, tracking the JSON path, to say where.
        spans.clear();
        strings = Strings::default();
        if nested {
            let traces: Vec<Vec<WireSpan>> =
                parse_with_path(body).map_err(|e| e.shift(bytes, lead))?;
            spans.reserve(traces.iter().map(Vec::len).sum());
            for w in traces.into_iter().flatten() {
                spans.push(convert(w, &mut strings));
            }
        } else {
            let wire: Vec<WireSpan> = parse_with_path(body).map_err(|e| e.shift(bytes, lead))?;
            spans.reserve(wire.len());
            for w in wire {
                spans.push(convert(w, &mut strings));
            }
        }
    } else {
        // One span object, or several (JSON Lines): a stream of values.
        let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<WireSpan>();
        let mut item = 0usize;
        loop {
            let start = stream.byte_offset();
            match stream.next() {
                None => break,
                Some(Ok(w)) => spans.push(convert(w, &mut strings)),
                Some(Err(_)) => {
                    let item_start = start
                        + body[start..]
                            .iter()
                            .position(|b| !b.is_ascii_whitespace())
                            .unwrap_or(0);
                    let err = parse_with_path::<WireSpan>(&body[item_start..])
                        .err()
                        .unwrap_or_else(|| LocatedError::eof(&body[item_start..]));
                    let mut err = err.shift(bytes, lead + item_start);
                    if let ImportError::Invalid { path, .. } = &mut err {
                        *path = if path == "$" {
                            format!("line-item {}", item + 1)
                        } else {
                            format!("line-item {}.{path}", item + 1)
                        };
                    }
                    return Err(err);
                }
            }
            item += 1;
        }
    }
    Ok((spans, strings))
}

/// The common case, fast: spans are converted as they are read (no array of wire spans
/// in between) and no JSON path is tracked. `false` if the input is invalid.
fn parse_array_fast(
    body: &[u8],
    nested: bool,
    spans: &mut Vec<Span>,
    strings: &mut Strings,
) -> bool {
    let mut de = serde_json::Deserializer::from_slice(body);
    let sink = SpanSink { spans, strings };
    let parsed = if nested {
        TraceSink(sink).deserialize(&mut de)
    } else {
        sink.deserialize(&mut de)
    };
    parsed.and_then(|()| de.end()).is_ok()
}

/// Reads a JSON array of spans straight into the model.
struct SpanSink<'s> {
    spans: &'s mut Vec<Span>,
    strings: &'s mut Strings,
}

impl<'de> DeserializeSeed<'de> for SpanSink<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SpanSink<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of spans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(w) = seq.next_element::<WireSpan<'de>>()? {
            self.spans.push(convert(w, self.strings));
        }
        Ok(())
    }
}

/// Reads a JSON array of arrays of spans (`GET /api/v2/traces`) straight into the model.
struct TraceSink<'s>(SpanSink<'s>);

impl<'de> DeserializeSeed<'de> for TraceSink<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TraceSink<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of traces")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let SpanSink { spans, strings } = self.0;
        while seq
            .next_element_seed(SpanSink {
                spans: &mut *spans,
                strings: &mut *strings,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// A parse error located relative to the slice that was parsed.
struct LocatedError {
    path: String,
    offset: usize,
    message: String,
}

impl LocatedError {
    fn eof(slice: &[u8]) -> LocatedError {
        LocatedError {
            path: "$".into(),
            offset: slice.len(),
            message: "unexpected end of input".into(),
        }
    }

    /// Converts into an [`ImportError`] positioned in the whole input.
    fn shift(self, whole: &[u8], base: usize) -> ImportError {
        ImportError::Invalid {
            format: Format::ZipkinV2,
            path: self.path,
            position: Position::from_offset(whole, base + self.offset),
            message: self.message,
        }
    }
}

fn parse_with_path<'a, T: Deserialize<'a>>(slice: &'a [u8]) -> Result<T, LocatedError> {
    let mut de = serde_json::Deserializer::from_slice(slice);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        located(
            slice,
            if path == "." { "$".into() } else { path },
            &e.into_inner(),
        )
    })?;
    // Trailing bytes after a complete value are an error too.
    de.end().map_err(|e| located(slice, "$".into(), &e))?;
    Ok(value)
}

fn located(slice: &[u8], path: String, e: &serde_json::Error) -> LocatedError {
    let at = Position::from_line_column(slice, e.line(), e.column());
    // serde_json appends " at line L column C"; we say where ourselves.
    let text = e.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m)
        .to_string();
    LocatedError {
        path,
        offset: at.offset,
        message,
    }
}

fn convert(w: WireSpan<'_>, strings: &mut Strings) -> Span {
    let kind = match w.kind.as_ref().map(|k| k.0.as_ref()) {
        Some("CLIENT") => Kind::Client,
        Some("SERVER") => Kind::Server,
        Some("PRODUCER") => Kind::Producer,
        Some("CONSUMER") => Kind::Consumer,
        _ => Kind::Unspecified,
    };
    let local = w.local_endpoint.map(|e| endpoint(e, strings));
    let remote = w.remote_endpoint.map(|e| endpoint(e, strings));
    let mut error = false;
    let wire_tags = w.tags.map(|t| t.0).unwrap_or_default();
    // Exactly sized: `collect` would keep the wire list's (twice as large) allocation.
    let mut tags: Vec<Tag> = Vec::with_capacity(wire_tags.len());
    for (k, v) in wire_tags {
        error |= k == "error" || (k == "otel.status_code" && v.eq_ignore_ascii_case("ERROR"));
        tags.push(Tag {
            key: strings.intern(&k),
            value: v.into_owned().into_boxed_str(),
        });
    }
    let wire_annotations = w.annotations.unwrap_or_default();
    let mut annotations = Vec::with_capacity(wire_annotations.len());
    for a in wire_annotations {
        annotations.push(Annotation {
            at: Micros(a.timestamp.0),
            value: a.value.0.into_owned().into_boxed_str(),
        });
    }
    let name = w.name.map_or(Cow::Borrowed(""), |n| n.0);
    Span {
        trace_id: TraceId::parse(&w.trace_id.0, strings),
        id: SpanId::parse(&w.id.0, strings),
        parent_id: w
            .parent_id
            .filter(|p| !p.0.is_empty())
            .map(|p| SpanId::parse(&p.0, strings)),
        name: strings.intern(&name),
        service: local
            .as_ref()
            .map_or(crate::model::StrId::EMPTY, |e| e.service),
        kind,
        // Zipkin treats 0 as absent.
        start: w.timestamp.filter(|t| t.0 != 0).map(|t| Micros(t.0)),
        duration: w.duration.filter(|d| d.0 > 0).map(|d| Micros(d.0)),
        local,
        remote,
        tags,
        annotations,
        shared: w.shared.unwrap_or(false),
        debug: w.debug.unwrap_or(false),
        error,
    }
}

fn endpoint(e: WireEndpoint<'_>, strings: &mut Strings) -> Endpoint {
    Endpoint {
        // Zipkin lower-cases service names.
        service: e.service_name.map_or(crate::model::StrId::EMPTY, |s| {
            strings.intern(&s.0.to_lowercase())
        }),
        ipv4: e.ipv4.map(|s| s.0.into_owned().into_boxed_str()),
        ipv6: e.ipv6.map(|s| s.0.into_owned().into_boxed_str()),
        port: e
            .port
            .and_then(|p| u16::try_from(p.0).ok())
            .filter(|p| *p != 0),
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{import, ImportError};

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
        assert_eq!(&*s.tags[0].value, "5");
    }
}
