//! Zipkin v2 JSON: an array of spans, an array of traces, a single span object, or JSON
//! Lines of spans.

use std::borrow::Cow;

use serde::Deserialize;

use super::json::for_each_object;
use super::wire::{CowStr, LenientI64, TagList, ZipkinEndpoint};
use super::{status_from_tags, Batch, Format, ImportError};
use crate::model::{Annotation, Kind, Micros, Span, SpanId, StrId, Strings, Tag, TraceId, Value};

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
    local_endpoint: Option<ZipkinEndpoint<'a>>,
    #[serde(borrow, default)]
    remote_endpoint: Option<ZipkinEndpoint<'a>>,
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
struct WireAnnotation<'a> {
    timestamp: LenientI64,
    #[serde(borrow)]
    value: CowStr<'a>,
}

/// Parses Zipkin v2 JSON into spans (not yet grouped into traces).
pub(super) fn parse(bytes: &[u8]) -> Result<Batch, ImportError> {
    let mut batch = Batch::default();
    for_each_object(bytes, Format::ZipkinV2, |w: WireSpan| {
        let span = convert(w, &mut batch.strings);
        batch.spans.push(span);
    })?;
    Ok(batch)
}

fn convert(w: WireSpan<'_>, strings: &mut Strings) -> Span {
    let kind = match w.kind.as_ref().map(|k| k.0.to_ascii_uppercase()).as_deref() {
        Some("CLIENT") => Kind::Client,
        Some("SERVER") => Kind::Server,
        Some("PRODUCER") => Kind::Producer,
        Some("CONSUMER") => Kind::Consumer,
        _ => Kind::Unspecified,
    };
    let local = w.local_endpoint.map(|e| e.convert(strings));
    let remote = w.remote_endpoint.map(|e| e.convert(strings));
    let mut error = false;
    let tags: Vec<Tag> = w
        .tags
        .map(|t| t.0)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            error |= k == "error" || (k == "otel.status_code" && v.eq_ignore_ascii_case("ERROR"));
            Tag {
                key: strings.intern(&k),
                value: Value::Str(v.into_owned().into_boxed_str()),
            }
        })
        .collect();
    let annotations = w
        .annotations
        .unwrap_or_default()
        .into_iter()
        .map(|a| Annotation::new(Micros(a.timestamp.0), a.value.0))
        .collect();
    let name = w.name.map_or(Cow::Borrowed(""), |n| n.0);
    let status = status_from_tags(&tags, strings);
    let trace_id = TraceId::parse(&w.trace_id.0, strings);
    let id = SpanId::parse(&w.id.0, strings);
    Span {
        parent_id: w
            .parent_id
            .filter(|p| !p.0.is_empty())
            .map(|p| SpanId::parse(&p.0, strings)),
        name: strings.intern(&name),
        service: local.as_ref().map_or(StrId::EMPTY, |e| e.service),
        kind,
        // Zipkin treats 0 as absent.
        start: w.timestamp.filter(|t| t.0 != 0).map(|t| Micros(t.0)),
        duration: w.duration.filter(|d| d.0 > 0).map(|d| Micros(d.0)),
        local,
        remote,
        tags,
        annotations,
        status,
        shared: w.shared.unwrap_or(false),
        debug: w.debug.unwrap_or(false),
        error,
        ..Span::new(trace_id, id)
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
