//! Format detection from the object keys near the start of the input. Only keys count (not
//! string values), and keys inside a Zipkin `tags` map are skipped, since those are free text.

use super::{skip_bom_and_ws, Format, ImportError};

/// How much of the input is looked at.
const HEAD: usize = 64 * 1024;

/// Keys that tell the formats apart, counted.
#[derive(Default, Debug)]
struct Keys {
    otlp: usize,
    jaeger: usize,
    zipkin: usize,
    zipkin_v1: usize,
    zipkin_v2: usize,
    /// Keys of Jaeger's query envelope (`{"data": [], "total": 0, ...}`).
    envelope: usize,
    /// Keys of dependency links (`parent`, `child`, `callCount`).
    links: usize,
    /// The first few distinct keys, to say what was seen when nothing matched.
    first: Vec<String>,
}

impl Keys {
    fn count(&mut self, key: &[u8]) {
        match key {
            b"resourceSpans"
            | b"resource_spans"
            | b"scopeSpans"
            | b"scope_spans"
            | b"instrumentationLibrarySpans"
            | b"instrumentation_library_spans" => self.otlp += 1,
            b"spanID" | b"operationName" | b"processID" => self.jaeger += 1,
            b"traceId" | b"id" | b"parentId" | b"annotations" => self.zipkin += 1,
            b"binaryAnnotations" | b"endpoint" => {
                self.zipkin += 1;
                self.zipkin_v1 += 1;
            }
            b"localEndpoint" | b"remoteEndpoint" => {
                self.zipkin += 1;
                self.zipkin_v2 += 1;
            }
            b"kind" | b"shared" | b"tags" => self.zipkin_v2 += 1,
            b"data" | b"total" | b"limit" | b"offset" | b"errors" => self.envelope += 1,
            b"parent" | b"child" | b"callCount" => self.links += 1,
            _ => {}
        }
        if self.first.len() < 8 {
            let key = String::from_utf8_lossy(key).into_owned();
            if !self.first.contains(&key) {
                self.first.push(key);
            }
        }
    }
}

/// Detects the format of `bytes`.
///
/// OTLP containers (`resourceSpans`, ...) win over Jaeger keys (`spanID`, ...), which win over
/// Zipkin's. Zipkin v1 and v2 share most keys: v1 alone has `binaryAnnotations` and annotation
/// `endpoint`s, v2 alone has `localEndpoint`/`remoteEndpoint`, `kind`, `shared` and `tags`.
/// Whichever has more of its own keys wins; a tie is v2 (a span with none of them reads the
/// same either way; in particular v2 spans with v1 core annotations as plain annotations and
/// no `kind` stay v2, since their annotations carry no endpoint).
pub(super) fn detect(bytes: &[u8]) -> Result<Format, ImportError> {
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
            seen: format!("it starts with {seen:?}"),
        });
    }
    let keys = scan_keys(&body[..body.len().min(HEAD)]);
    if keys.otlp > 0 {
        Ok(Format::Otlp)
    } else if keys.jaeger > 0 {
        Ok(Format::Jaeger)
    } else if keys.zipkin > 0 {
        Ok(if keys.zipkin_v1 > keys.zipkin_v2 {
            Format::ZipkinV1
        } else {
            Format::ZipkinV2
        })
    } else if keys.envelope >= 2 && keys.links == 0 {
        // An empty Jaeger search result.
        Ok(Format::Jaeger)
    } else if keys.first.is_empty() && first == b'[' {
        // `[]` and arrays of empty arrays: a Zipkin answer with no spans.
        Ok(Format::ZipkinV2)
    } else if keys.first.is_empty() {
        Err(ImportError::Unrecognised {
            seen: "it is JSON without any span fields".into(),
        })
    } else {
        let list: Vec<String> = keys.first.iter().map(|k| format!("{k:?}")).collect();
        Err(ImportError::Unrecognised {
            seen: format!(
                "it is JSON with the keys {} and none of traceId, spanID or resourceSpans",
                list.join(", ")
            ),
        })
    }
}

/// Counts the object keys in `head` (which may end anywhere, even inside a string).
fn scan_keys(head: &[u8]) -> Keys {
    let mut keys = Keys::default();
    // One entry per open container: (is an object, is inside a Zipkin `tags` map).
    let mut stack: Vec<(bool, bool)> = Vec::new();
    let mut last_key_is_tags = false;
    let mut i = 0;
    while let Some(&b) = head.get(i) {
        match b {
            b'"' => {
                let Some(len) = string_len(&head[i + 1..]) else {
                    break;
                };
                let text = &head[i + 1..i + 1 + len];
                i += len + 2;
                let next = head[i..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .and_then(|p| head.get(i + p));
                let (in_object, in_tags) = stack.last().copied().unwrap_or((false, false));
                if in_object && next == Some(&b':') {
                    if !in_tags {
                        keys.count(text);
                    }
                    last_key_is_tags = text == b"tags";
                } else {
                    last_key_is_tags = false;
                }
                continue;
            }
            b'{' | b'[' => {
                let parent_in_tags = stack.last().is_some_and(|f| f.1);
                let is_object = b == b'{';
                stack.push((is_object, parent_in_tags || (is_object && last_key_is_tags)));
                last_key_is_tags = false;
            }
            b'}' | b']' => {
                stack.pop();
                last_key_is_tags = false;
            }
            b',' => last_key_is_tags = false,
            _ => {}
        }
        i += 1;
    }
    keys
}

/// Length of the string body starting right after an opening quote, up to (not including) the
/// closing quote; `None` when the string does not end within `rest`.
fn string_len(rest: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_of(input: &str) -> Result<Format, ImportError> {
        detect(input.as_bytes())
    }

    #[test]
    fn each_format_by_its_keys() {
        assert_eq!(format_of(r#"{"resourceSpans":[]}"#), Ok(Format::Otlp));
        assert_eq!(
            format_of(r#"{"result":{"resourceSpans":[]}}"#),
            Ok(Format::Otlp)
        );
        assert_eq!(
            format_of(r#"{"batches":[{"resource":{},"instrumentationLibrarySpans":[]}]}"#),
            Ok(Format::Otlp)
        );
        assert_eq!(format_of(r#"{"resource_spans":[]}"#), Ok(Format::Otlp));
        assert_eq!(
            format_of(r#"{"data":[{"traceID":"a","spans":[{"spanID":"b"}]}]}"#),
            Ok(Format::Jaeger)
        );
        assert_eq!(
            format_of(r#"[{"traceId":"a","id":"b","binaryAnnotations":[]}]"#),
            Ok(Format::ZipkinV1)
        );
        assert_eq!(
            format_of(
                r#"[{"traceId":"a","id":"b","annotations":[{"timestamp":1,"value":"cs","endpoint":{}}]}]"#
            ),
            Ok(Format::ZipkinV1)
        );
        assert_eq!(
            format_of(r#"[{"traceId":"a","id":"b","localEndpoint":{}}]"#),
            Ok(Format::ZipkinV2)
        );
        assert_eq!(format_of("[]"), Ok(Format::ZipkinV2));
        assert_eq!(format_of("[[],[]]"), Ok(Format::ZipkinV2));
    }

    #[test]
    fn v2_with_v1_core_annotations_and_no_kind_is_v2() {
        let input = r#"[{"traceId":"a","id":"b","name":"get","timestamp":1,"duration":5,
            "localEndpoint":{"serviceName":"web"},
            "annotations":[{"timestamp":1,"value":"cs"},{"timestamp":6,"value":"cr"}]}]"#;
        assert_eq!(format_of(input), Ok(Format::ZipkinV2));
        let bare = r#"[{"traceId":"a","id":"b","annotations":[{"timestamp":1,"value":"sr"}]}]"#;
        assert_eq!(format_of(bare), Ok(Format::ZipkinV2));
    }

    #[test]
    fn values_and_tag_keys_do_not_count() {
        // Words that are keys elsewhere, as values and as Zipkin tag keys.
        let input = r#"[{"traceId":"a","id":"b","name":"resourceSpans","localEndpoint":{},
            "tags":{"spanID":"1","operationName":"x","binaryAnnotations":"y","endpoint":"z"}}]"#;
        assert_eq!(format_of(input), Ok(Format::ZipkinV2));
        let escaped = r#"[{"traceId":"a\"spanID\":","id":"b"}]"#;
        assert_eq!(format_of(escaped), Ok(Format::ZipkinV2));
    }

    #[test]
    fn unknown_json_says_what_was_seen() {
        let err = format_of(r#"[{"parent":"a","child":"b","callCount":3}]"#)
            .expect_err("dependency links are not spans")
            .to_string();
        assert!(err.contains(r#""parent", "child", "callCount""#), "{err}");
        let err = format_of(r#"{"data":[{"parent":"a","child":"b","callCount":1}],"total":1}"#)
            .expect_err("Jaeger-style dependency links are not spans")
            .to_string();
        assert!(err.contains("callCount"), "{err}");
        assert_eq!(
            format_of(r#"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#),
            Ok(Format::Jaeger)
        );
        let err = format_of("{}").expect_err("no keys").to_string();
        assert!(err.contains("without any span fields"), "{err}");
        let err = format_of("<html>").expect_err("not JSON").to_string();
        assert!(err.contains("\"<html>\""), "{err}");
        assert_eq!(format_of(" \n\t"), Err(ImportError::Empty));
    }

    #[test]
    fn truncated_heads_do_not_panic() {
        for input in [
            "[{\"tra",
            "{\"a\":\"\\",
            "[{\"a\":\"b\\\"",
            "{{{{[[[",
            "]]]}}}",
        ] {
            let _ = format_of(input);
        }
    }
}
