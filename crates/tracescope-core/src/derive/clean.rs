//! Span cleaning, after Zipkin's rules: copies of one span are merged, the server half of
//! an RPC that reuses the client's id is marked shared, and times missing on the span are
//! taken from its annotations.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::{Warning, WarningKind};
use crate::model::{Kind, Micros, Span, SpanId, SpanIdx, StatusCode, Trace};

/// Returns the trace with duplicates merged, plus a warning per merge.
pub fn clean(mut trace: Trace) -> (Trace, Vec<Warning>) {
    let mut warnings = Vec::new();
    let input = std::mem::take(&mut trace.spans);
    let mut out: Vec<Span> = Vec::with_capacity(input.len());
    // (id, is server half) → index in `out`. A client and its shared server half are two
    // spans; two copies of the same half are one.
    let mut seen: HashMap<(SpanId, bool), usize> = HashMap::with_capacity(input.len());
    let mut merged_per_span: HashMap<usize, u32> = HashMap::new();
    for mut span in input {
        fill_times_from_annotations(&mut span);
        let key = (span.id, is_server_half(&span));
        match seen.entry(key) {
            Entry::Occupied(e) => {
                let at = *e.get();
                merge_into(&mut out[at], span);
                *merged_per_span.entry(at).or_default() += 1;
            }
            Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(span);
            }
        }
    }
    // Older reporters omit `shared` on the server half; it is shared when a client-side
    // span has the same id.
    for span in &mut out {
        if !span.shared && span.kind == Kind::Server && seen.contains_key(&(span.id, false)) {
            span.shared = true;
        }
    }
    let mut merged: Vec<_> = merged_per_span.into_iter().collect();
    merged.sort_unstable();
    for (at, copies) in merged {
        warnings.push(Warning {
            kind: WarningKind::DuplicateMerged,
            span: Some(SpanIdx(u32::try_from(at).unwrap_or(u32::MAX))),
            detail: format!(
                "{copies} duplicate cop{} merged",
                if copies == 1 { "y" } else { "ies" }
            ),
        });
    }
    trace.spans = out;
    (trace, warnings)
}

fn is_server_half(span: &Span) -> bool {
    span.shared || span.kind == Kind::Server
}

fn fill_times_from_annotations(span: &mut Span) {
    if span.annotations.is_empty() {
        return;
    }
    let first = span.annotations.iter().map(|a| a.at).min();
    let last = span.annotations.iter().map(|a| a.at).max();
    if span.start.is_none() {
        span.start = first;
    }
    if span.duration.is_none() {
        if let (Some(start), Some(last)) = (span.start, last) {
            if last > start {
                span.duration = Some(Micros(last.0 - start.0));
            }
        }
    }
}

/// Combines two reports of one span: union of tags and annotations, widest time range,
/// first non-empty name and endpoints.
fn merge_into(into: &mut Span, from: Span) {
    let into_end = into.end();
    let from_end = from.end();
    if into.name.0 == 0 {
        into.name = from.name;
    }
    if into.service.0 == 0 {
        into.service = from.service;
    }
    if into.kind == Kind::Unspecified {
        into.kind = from.kind;
    }
    if into.parent_id.is_none() {
        into.parent_id = from.parent_id;
    }
    if into.local.is_none() {
        into.local = from.local;
    }
    if into.remote.is_none() {
        into.remote = from.remote;
    }
    if into.links.is_empty() {
        into.links = from.links;
    }
    if into.status.code == StatusCode::Unset {
        into.status = from.status;
    }
    into.resource = into.resource.or(from.resource);
    into.scope = into.scope.or(from.scope);
    into.start = match (into.start, from.start) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let (Some(start), Some(end)) = (into.start, into_end.max(from_end)) {
        if end > start {
            into.duration = Some(Micros(end.0 - start.0));
        }
    }
    for tag in from.tags {
        if !into.tags.iter().any(|t| t.key == tag.key) {
            into.tags.push(tag);
        }
    }
    for a in from.annotations {
        if !into.annotations.contains(&a) {
            into.annotations.push(a);
        }
    }
    into.shared |= from.shared;
    into.debug |= from.debug;
    into.error |= from.error;
}

#[cfg(test)]
mod tests {
    use crate::derive::{derive, WarningKind};
    use crate::import::import;

    #[test]
    fn duplicates_merge_and_shared_halves_stay_two_spans() {
        let input = br#"[
          {"traceId":"a","id":"1","kind":"CLIENT","name":"get","timestamp":10,"duration":100,"localEndpoint":{"serviceName":"web"}},
          {"traceId":"a","id":"1","kind":"SERVER","name":"get","timestamp":20,"duration":50,"localEndpoint":{"serviceName":"api"}},
          {"traceId":"a","id":"1","kind":"SERVER","name":"get","tags":{"x":"y"},"localEndpoint":{"serviceName":"api"}},
          {"traceId":"a","id":"2","parentId":"1","name":"db","timestamp":30,"duration":10,"localEndpoint":{"serviceName":"api"}}
        ]"#;
        let mut imported = import(input).expect("valid");
        let d = derive(imported.traces.remove(0));
        assert_eq!(d.trace.spans.len(), 3);
        let server = &d.trace.spans[1];
        assert!(server.shared, "server half of a reused id is shared");
        assert_eq!(server.tags.len(), 1, "tags of the copy are kept");
        assert_eq!(
            d.warnings
                .iter()
                .filter(|w| w.kind == WarningKind::DuplicateMerged)
                .count(),
            1
        );
    }
}
