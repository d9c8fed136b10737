//! Loading span files given with `--load`: a file or a folder (walked recursively, `.json`,
//! `.jsonl` and `.ndjson` files). A file may hold a JSON array of spans, an array of traces
//! (`/api/v2/traces` output), a single span object, or JSON Lines of either. Files that are not
//! Zipkin v2 (Zipkin v1, Jaeger, OTLP) or do not parse are reported and skipped; loading goes on.

use crate::wire::Span;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What happened to each file, for the caller to print.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub files_loaded: usize,
    pub files_skipped: usize,
    pub spans: usize,
    pub messages: Vec<String>,
}

/// Parses one document into (not yet normalised) spans.
///
/// # Errors
/// Why the document is not Zipkin v2 JSON.
pub fn parse_document(bytes: &[u8]) -> Result<Vec<Span>, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut non_ws = bytes.iter().copied().filter(|b| !b.is_ascii_whitespace());
    match non_ws.next() {
        None => Ok(Vec::new()),
        Some(b'[') => {
            reject_other_formats(bytes)?;
            match non_ws.next() {
                Some(b'[') => serde_json::from_slice::<Vec<Vec<Span>>>(bytes)
                    .map(|t| t.into_iter().flatten().collect())
                    .map_err(|e| format!("not a Zipkin v2 list of traces: {e}")),
                Some(b']') => Ok(Vec::new()),
                _ => serde_json::from_slice::<Vec<Span>>(bytes)
                    .map_err(|e| format!("not a Zipkin v2 span list: {e}")),
            }
        }
        Some(b'{') => {
            let mut spans = Vec::new();
            for (line, value) in serde_json::Deserializer::from_slice(bytes)
                .into_iter::<Value>()
                .enumerate()
            {
                let value = value.map_err(|e| format!("invalid JSON: {e}"))?;
                spans_from_value(value, &mut spans).map_err(|e| {
                    if line == 0 {
                        e
                    } else {
                        format!("JSON value {}: {e}", line + 1)
                    }
                })?;
            }
            Ok(spans)
        }
        Some(_) => Err("not JSON (expected an array or object)".into()),
    }
}

/// Zipkin v1 also comes as arrays of spans; it parses as v2 with most fields lost, so look for
/// its tell-tale fields first.
fn reject_other_formats(bytes: &[u8]) -> Result<(), String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    if head.contains("\"binaryAnnotations\"")
        || (head.contains("\"endpoint\"") && !head.contains("Endpoint\""))
    {
        return Err("looks like Zipkin v1 JSON; only Zipkin v2 is served".into());
    }
    if head.contains("\"resourceSpans\"") || head.contains("\"scopeSpans\"") {
        return Err("looks like OTLP JSON; only Zipkin v2 is served".into());
    }
    if head.contains("\"traceID\"") && head.contains("\"spanID\"") {
        return Err("looks like Jaeger JSON; only Zipkin v2 is served".into());
    }
    Ok(())
}

fn spans_from_value(value: Value, out: &mut Vec<Span>) -> Result<(), String> {
    match value {
        Value::Array(items) => {
            for item in items {
                spans_from_value(item, out)?;
            }
            Ok(())
        }
        Value::Object(ref o) if o.contains_key("traceId") && o.contains_key("id") => {
            if o.contains_key("binaryAnnotations") {
                return Err("looks like Zipkin v1 JSON; only Zipkin v2 is served".into());
            }
            out.push(serde_json::from_value(value).map_err(|e| format!("bad span: {e}"))?);
            Ok(())
        }
        Value::Object(o) => {
            let has = |k: &str| o.contains_key(k);
            if has("resourceSpans") || has("resource_spans") || has("batches") || has("result") {
                Err("looks like OTLP JSON; only Zipkin v2 is served".into())
            } else if has("data") || has("traceID") || has("processes") || has("spans") {
                Err("looks like Jaeger JSON; only Zipkin v2 is served".into())
            } else {
                Err("not Zipkin v2 JSON: an object without traceId and id".into())
            }
        }
        other => Err(format!(
            "not Zipkin v2 JSON: unexpected {}",
            type_name(&other)
        )),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Normalises spans, dropping (and counting) those with invalid ids.
pub fn normalize_all(spans: Vec<Span>, lowercase: bool) -> (Vec<Span>, usize, Option<String>) {
    let mut ok = Vec::with_capacity(spans.len());
    let mut bad = 0;
    let mut first_error = None;
    for s in spans {
        match s.normalize(lowercase) {
            Ok(s) => ok.push(s),
            Err(e) => {
                bad += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    (ok, bad, first_error)
}

/// Files under `path`: itself if a file, else every JSON-ish file below it, sorted, without
/// recursion (explicit stack) so deep trees cannot overflow.
#[must_use]
pub fn files_under(path: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if path.is_file() {
        files.push(path.to_path_buf());
        return (files, errors);
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!("cannot read {}: {e}", dir.display()));
                continue;
            }
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths.into_iter().rev() {
            if p.is_dir() {
                stack.push(p);
            } else if is_json_file(&p) {
                files.push(p);
            }
        }
    }
    files.sort();
    (files, errors)
}

fn is_json_file(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "json" | "jsonl" | "ndjson"))
}

/// Loads every file under `paths`, handing normalised spans of each file to `accept`.
pub fn load_paths(
    paths: &[PathBuf],
    lowercase: bool,
    mut accept: impl FnMut(Vec<Span>) -> usize,
) -> LoadReport {
    let mut report = LoadReport::default();
    for root in paths {
        if !root.exists() {
            report.files_skipped += 1;
            report.messages.push(format!(
                "skipped {}: no such file or folder",
                root.display()
            ));
            continue;
        }
        let (files, errors) = files_under(root);
        report.messages.extend(errors);
        for file in files {
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => {
                    report.files_skipped += 1;
                    report
                        .messages
                        .push(format!("skipped {}: {e}", file.display()));
                    continue;
                }
            };
            match parse_document(&bytes) {
                Ok(spans) => {
                    let (spans, bad, first_error) = normalize_all(spans, lowercase);
                    let n = spans.len();
                    let added = accept(spans);
                    report.files_loaded += 1;
                    report.spans += added;
                    let mut msg = format!("loaded {}: {n} spans", file.display());
                    if added < n {
                        msg.push_str(&format!(" ({} duplicates)", n - added));
                    }
                    if bad > 0 {
                        msg.push_str(&format!(
                            ", skipped {bad} invalid spans (first: {})",
                            first_error.unwrap_or_default()
                        ));
                    }
                    report.messages.push(msg);
                }
                Err(e) => {
                    report.files_skipped += 1;
                    report
                        .messages
                        .push(format!("skipped {}: {e}", file.display()));
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(json: &str) -> Result<usize, String> {
        parse_document(json.as_bytes()).map(|s| s.len())
    }

    #[test]
    fn accepts_every_zipkin_v2_shape() {
        let span = r#"{"traceId":"a","id":"b"}"#;
        assert_eq!(count(&format!("[{span},{span}]")), Ok(2));
        assert_eq!(count(&format!("[[{span}],[{span},{span}]]")), Ok(3));
        assert_eq!(count(span), Ok(1));
        assert_eq!(count(&format!("{span}\n{span}\n[{span}]\n")), Ok(3));
        assert_eq!(count(" [ ] "), Ok(0));
        assert_eq!(count(""), Ok(0));
        assert_eq!(count(&format!("\u{feff}[{span}]")), Ok(1));
    }

    #[test]
    fn rejects_other_formats_with_a_reason() {
        assert!(count(r#"{"resourceSpans":[]}"#)
            .err()
            .is_some_and(|e| e.contains("OTLP")));
        assert!(count(r#"{"data":[{"traceID":"a","spans":[]}]}"#)
            .err()
            .is_some_and(|e| e.contains("Jaeger")));
        assert!(
            count(r#"[{"traceId":"a","id":"b","binaryAnnotations":[]}]"#)
                .err()
                .is_some_and(|e| e.contains("v1"))
        );
        assert!(count("[{\"traceId\": 1").is_err());
        assert!(count("hello").is_err());
    }
}
