//! Bytes in, [`Trace`]s out. The format is detected from the content; each format has a
//! private adapter that converts its wire structs into the canonical model.

mod position;
mod wire;
mod zipkin_v2;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::model::{Span, Strings, Trace, TraceId};

pub use position::Position;

/// The input formats tracescope recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
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
    #[error(
        "{format} was detected, but tracescope cannot read it yet; convert it to Zipkin v2 JSON"
    )]
    Unsupported { format: Format },
    #[error("not a trace file: expected JSON (Zipkin, Jaeger or OTLP), but it starts with {seen}")]
    Unrecognised { seen: String },
    #[error("the input holds no spans")]
    NoSpans,
}

/// The result of a successful import: one or more traces, in input order.
#[derive(Debug)]
pub struct Imported {
    pub format: Format,
    pub traces: Vec<Trace>,
}

/// Detects the format of `bytes` and converts them into traces.
pub fn import(bytes: &[u8]) -> Result<Imported, ImportError> {
    import_as(detect(bytes)?, bytes)
}

/// Converts `bytes` as `format`, without looking at what they seem to be: for a caller who
/// knows the format, and for fuzzing one adapter at a time.
pub fn import_as(format: Format, bytes: &[u8]) -> Result<Imported, ImportError> {
    if skip_bom_and_ws(bytes).is_empty() {
        return Err(ImportError::Empty);
    }
    let spans_and_strings = match format {
        Format::ZipkinV2 => zipkin_v2::parse(bytes)?,
        other => return Err(ImportError::Unsupported { format: other }),
    };
    let (spans, strings) = spans_and_strings;
    if spans.is_empty() {
        return Err(ImportError::NoSpans);
    }
    Ok(Imported {
        format,
        traces: group_by_trace(spans, strings),
    })
}

/// Only the beginning is looked at: formats are told apart by the keys they use.
fn detect(bytes: &[u8]) -> Result<Format, ImportError> {
    let body = skip_bom_and_ws(bytes);
    let Some(&first) = body.first() else {
        return Err(ImportError::Empty);
    };
    if first != b'{' && first != b'[' {
        let seen: String = String::from_utf8_lossy(&body[..body.len().min(24)])
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        return Err(ImportError::Unrecognised {
            seen: format!("{seen:?}"),
        });
    }
    let head = &body[..body.len().min(64 * 1024)];
    let has = |needle: &str| head.windows(needle.len()).any(|w| w == needle.as_bytes());
    Ok(
        if has("\"resourceSpans\"") || has("\"resource_spans\"") || has("\"scopeSpans\"") {
            Format::Otlp
        } else if has("\"spanID\"") || has("\"operationName\"") {
            Format::Jaeger
        } else if has("\"binaryAnnotations\"")
            || (!has("\"localEndpoint\"") && !has("\"kind\"") && has("\"endpoint\""))
        {
            Format::ZipkinV1
        } else {
            Format::ZipkinV2
        },
    )
}

pub(crate) fn skip_bom_and_ws(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// Splits spans into traces by trace id, in order of first appearance. A 64-bit id and a
/// 128-bit id with the same low half belong together (Zipkin's rule for mixed reporters).
fn group_by_trace(spans: Vec<Span>, strings: Strings) -> Vec<Trace> {
    #[derive(Hash, PartialEq, Eq)]
    enum Key {
        Low(u64),
        Other(TraceId),
    }
    let key_of = |id: &TraceId| id.low().map_or(Key::Other(*id), Key::Low);

    // One trace (the usual file): no regrouping, no copy of the spans.
    if let Some(first) = spans.first().map(|s| key_of(&s.trace_id)) {
        if spans.iter().all(|s| key_of(&s.trace_id) == first) {
            // As below: the last 128-bit form of the id, else the first id.
            let id = spans
                .iter()
                .map(|s| s.trace_id)
                .rfind(|id| matches!(id, TraceId::Hex { wide: true, .. }))
                .unwrap_or(spans[0].trace_id);
            return vec![Trace {
                id,
                spans,
                strings: Arc::new(strings),
            }];
        }
    }
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut groups: Vec<(TraceId, Vec<Span>)> = Vec::new();
    for span in spans {
        let slot = *index.entry(key_of(&span.trace_id)).or_insert_with(|| {
            groups.push((span.trace_id, Vec::new()));
            groups.len() - 1
        });
        let group = &mut groups[slot];
        // Prefer the 128-bit form of the id when both appear.
        if matches!(span.trace_id, TraceId::Hex { wide: true, .. }) {
            group.0 = span.trace_id;
        }
        group.1.push(span);
    }
    let strings = Arc::new(strings);
    groups
        .into_iter()
        .map(|(id, spans)| Trace {
            id,
            spans,
            strings: strings.clone(),
        })
        .collect()
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
    fn other_formats_are_detected_and_named() {
        let otlp = br#"{"resourceSpans":[]}"#;
        assert_eq!(
            import(otlp).unwrap_err(),
            ImportError::Unsupported {
                format: Format::Otlp
            }
        );
        let jaeger = br#"{"data":[{"traceID":"a","spans":[{"spanID":"b"}]}]}"#;
        assert!(matches!(
            import(jaeger),
            Err(ImportError::Unsupported {
                format: Format::Jaeger
            })
        ));
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
