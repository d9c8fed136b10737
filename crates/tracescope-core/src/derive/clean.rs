//! Span cleaning, after Zipkin's rules (`zipkin2.internal.Trace.merge` and Lens's
//! `span-cleaner`):
//!
//! - A span naming itself as its parent loses that parent; `shared` set on a CLIENT span is
//!   dropped (only a server half can be shared); annotations are de-duplicated and sorted.
//! - Reports with the same span id are grouped; within a group, non-shared spans come first
//!   (CLIENT first), then by local endpoint (none first). Neighbours are merged when they are
//!   on the same side (same `shared` flag) and their local endpoints do not contradict each
//!   other (service, IPs and port equal where both have them): they were one span sent in
//!   pieces. The first report wins for single values (name, kind, parent, timestamp,
//!   duration), later reports win for tags, endpoints are filled field by field, annotations
//!   are united. Unlike Zipkin, two reports whose kinds contradict (CLIENT and SERVER) are
//!   never merged: they are the two halves of an RPC, whatever their endpoints say.
//! - A SERVER span after a CLIENT span with its id is the server half of a shared RPC even
//!   without `shared: true` (older instrumentation omits it); a shared server half without a
//!   parent id takes its client's.
//! - If the only root span is marked shared, the mark is dropped (its client is not there).
//! - Finally (not Zipkin's: its v1 converter does this at import) a span without timestamp or
//!   duration takes them from its annotations, with a warning.
//!
//! Spans keep their input order: a merged span sits where its first report was.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{Warning, WarningKind};
use crate::hash::FxHashSet;
use crate::model::{
    Endpoint, Kind, Micros, Span, SpanId, SpanIdx, StatusCode, StrId, Strings, Trace,
};

/// Returns the cleaned trace and a warning per change that affects what is shown.
///
/// Works in place: spans are never moved except to close the gaps merged copies leave, and
/// only reports that share an id (few, in real traces) are compared with Zipkin's ordering.
pub fn clean(mut trace: Trace) -> (Trace, Vec<Warning>) {
    let strings = trace.strings.clone();
    let spans = &mut trace.spans;
    // Notes about input spans, turned into warnings once their cleaned index is known.
    let mut notes: Vec<(usize, WarningKind, String)> = Vec::new();

    let unknown = strings_lookup(&strings, "unknown");
    // One pass: per-span fixes, and the key that groups reports of one id (the id as a
    // number, the index with the id's variant in its top bit), sorted below.
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(spans.len());
    for (i, span) in spans.iter_mut().enumerate() {
        if span.parent_id == Some(span.id) {
            span.parent_id = None;
            notes.push((
                i,
                WarningKind::CycleBroken,
                "span names itself as its parent; shown without one".into(),
            ));
        }
        if span.shared && span.kind == Kind::Client {
            span.shared = false;
        }
        if span.local.as_ref().is_some_and(endpoint_is_empty) {
            span.local = None;
        }
        if span.remote.as_ref().is_some_and(endpoint_is_empty) {
            span.remote = None;
        }
        if span.annotations.len() > 1 {
            sort_annotations(span);
        }
        keys.push(id_key(span.id, i));
    }
    keys.sort_unstable();
    // Positions left empty by reports merged into another (sorted at the end).
    let mut removed: Vec<u32> = Vec::new();
    // (position of a cleaned span, reports merged into it)
    let mut merges: Vec<(u32, u32)> = Vec::new();
    // (input index of a report, position of the cleaned span it became part of), for the
    // reports of ids that occur more than once.
    let mut moved: Vec<(u32, u32)> = Vec::new();
    let mut group: Vec<usize> = Vec::new();
    let mut g = 0;
    while g < keys.len() {
        let mut end = g + 1;
        while end < keys.len() && keys[end].0 == keys[g].0 && same_variant(keys[end].1, keys[g].1) {
            end += 1;
        }
        if end - g > 1 {
            group.clear();
            group.extend(keys[g..end].iter().map(|k| (k.1 & INDEX_MASK) as usize));
            merge_group(
                spans,
                &group,
                &strings,
                unknown,
                &mut removed,
                &mut merges,
                &mut moved,
            );
        }
        g = end;
    }
    drop(keys);
    removed.sort_unstable();

    // Close the gaps: spans keep input order (a merged span sits where its first report was).
    // The cleaned index of position `p` is `p` minus the gaps before it.
    let final_idx = |p: u32| span_idx(p as usize - removed.partition_point(|&r| r < p));
    if !removed.is_empty() {
        let mut i = 0usize;
        let mut next_gap = 0usize;
        spans.retain(|_| {
            let gone = removed.get(next_gap) == Some(&(i as u32));
            next_gap += usize::from(gone);
            i += 1;
            !gone
        });
    }

    let mut warnings = Vec::new();
    for &(pos, merged) in &merges {
        let idx = final_idx(pos);
        let id = spans[idx.get()].id.display(&strings).to_string();
        for copy in 1..=merged {
            warnings.push(Warning {
                kind: WarningKind::DuplicateMerged,
                span: Some(idx),
                detail: format!(
                    "report {} of {} of span {id} merged into this one",
                    copy + 1,
                    merged + 1,
                ),
            });
        }
    }
    // A note on any report concerns the span it became part of; once per span and kind.
    moved.sort_unstable();
    let mut noted: FxHashSet<(SpanIdx, WarningKind)> = FxHashSet::default();
    for (input_idx, kind, detail) in notes {
        let input = input_idx as u32;
        let pos = match moved.binary_search_by_key(&input, |m| m.0) {
            Ok(m) => moved[m].1,
            Err(_) => input,
        };
        let k = final_idx(pos);
        if noted.insert((k, kind)) {
            warnings.push(Warning {
                kind,
                span: Some(k),
                detail,
            });
        }
    }
    // One pass: times from annotations, and the roots.
    let (mut root, mut roots) = (0, 0);
    for (k, span) in spans.iter_mut().enumerate() {
        if !span.annotations.is_empty() {
            fill_times_from_annotations(span, span_idx(k), &mut warnings);
        }
        if span.parent_id.is_none() {
            root = k;
            roots += 1;
        }
    }
    // A lone root marked shared has no client here: it is just the root.
    if roots == 1 {
        spans[root].shared = false;
    }
    warnings.sort_by_key(|w| (w.span, w.kind));
    (trace, warnings)
}

/// Takes a span out, leaving an empty one (no allocation) in its place.
fn take_span(spans: &mut [Span], i: usize) -> Span {
    let empty = Span::new(spans[i].trace_id, spans[i].id);
    std::mem::replace(&mut spans[i], empty)
}

/// The top bit of a key's index says that the id is not hex (`SpanId::Other`).
const OTHER_BIT: u32 = 1 << 31;
const INDEX_MASK: u32 = OTHER_BIT - 1;

fn same_variant(a: u32, b: u32) -> bool {
    (a ^ b) & OTHER_BIT == 0
}

/// A small key per span (16 bytes, instead of sorting the spans themselves): sorted, the
/// reports of one id are neighbours, in input order.
fn id_key(id: SpanId, i: usize) -> (u64, u32) {
    // Span indices fit in 31 bits: a trace holds at most u32::MAX spans, and far fewer fit
    // in memory at 100+ bytes each.
    let i = (i as u32) & INDEX_MASK;
    match id {
        SpanId::Hex(v) => (v, i),
        SpanId::Other(StrId(s)) => (u64::from(s), i | OTHER_BIT),
    }
}

/// Merges the reports of one id (`group`: their positions, in input order) the way Zipkin
/// does: ordered non-shared first (CLIENT first), then by local endpoint; neighbours on the
/// same side with compatible endpoints and kinds become one span, placed at the position of
/// its earliest report.
fn merge_group(
    spans: &mut [Span],
    group: &[usize],
    strings: &Strings,
    unknown: Option<StrId>,
    removed: &mut Vec<u32>,
    merges: &mut Vec<(u32, u32)>,
    moved: &mut Vec<(u32, u32)>,
) {
    let mut order = group.to_vec();
    order.sort_by(|&a, &b| {
        let (x, y) = (&spans[a], &spans[b]);
        compare_shared(x, y)
            .then_with(|| compare_endpoint(x.local.as_ref(), y.local.as_ref(), strings))
            .then(a.cmp(&b))
    });
    // Previous cleaned span of this id (Zipkin's `last`), by position.
    let mut last: Option<usize> = None;
    let mut i = 0;
    while i < order.len() {
        let head = order[i];
        let mut span = take_span(spans, head);
        let mut first = head;
        let mut tracker = EndpointTracker::default();
        tracker.try_merge(span.local.as_ref());
        let mut j = i + 1;
        while j < order.len() {
            let next = &spans[order[j]];
            let same_side = span.shared == next.shared;
            let kinds_agree = span.kind == next.kind
                || span.kind == Kind::Unspecified
                || next.kind == Kind::Unspecified;
            if !(same_side && kinds_agree && tracker.try_merge(next.local.as_ref())) {
                break;
            }
            let taken = take_span(spans, order[j]);
            merge_into(&mut span, taken, unknown);
            first = first.min(order[j]);
            j += 1;
        }
        if let Some(l) = last {
            let prev = &spans[l];
            if prev.kind == Kind::Client && span.kind == Kind::Server && !span.shared {
                span.shared = true;
            }
            if span.shared && span.parent_id.is_none() && prev.parent_id.is_some() {
                span.parent_id = prev.parent_id;
            }
        }
        // Reports merged away leave their positions empty; the span takes the earliest.
        for &r in &order[i..j] {
            if r != first {
                removed.push(r as u32);
            }
            moved.push((r as u32, first as u32));
        }
        if j - i > 1 {
            merges.push((first as u32, (j - i - 1) as u32));
        }
        spans[first] = span;
        last = Some(first);
        i = j;
    }
}

fn span_idx(i: usize) -> SpanIdx {
    SpanIdx(u32::try_from(i).unwrap_or(u32::MAX))
}

fn strings_lookup(strings: &Strings, s: &str) -> Option<StrId> {
    (1..strings.len())
        .map(|i| StrId(i as u32))
        .find(|&id| strings.get(id) == s)
}

pub(crate) fn endpoint_is_empty(e: &Endpoint) -> bool {
    e.service == StrId::EMPTY && e.ipv4.is_none() && e.ipv6.is_none() && e.port.is_none()
}

fn sort_annotations(span: &mut Span) {
    span.annotations
        .sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.value.cmp(&b.value)));
    span.annotations.dedup();
}

/// Non-shared before shared; among non-shared, CLIENT first (Zipkin's `compareShared`).
fn compare_shared(a: &Span, b: &Span) -> Ordering {
    match (a.shared, b.shared) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let (ac, bc) = (a.kind == Kind::Client, b.kind == Kind::Client);
            bc.cmp(&ac)
        }
    }
}

/// No endpoint first, then by service name, IPv4, IPv6 (a missing field last).
fn compare_endpoint(a: Option<&Endpoint>, b: Option<&Endpoint>, strings: &Strings) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => {
            let service =
                |e: &Endpoint| (e.service != StrId::EMPTY).then(|| strings.get(e.service));
            none_last(service(a), service(b))
                .then_with(|| none_last(a.ipv4.as_deref(), b.ipv4.as_deref()))
                .then_with(|| none_last(a.ipv6.as_deref(), b.ipv6.as_deref()))
        }
    }
}

fn none_last(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => a.cmp(b),
    }
}

/// The local endpoint a run of reports has shown so far: a report may join the run when it
/// contradicts none of it (Zipkin's `EndpointTracker`).
#[derive(Default)]
struct EndpointTracker {
    service: Option<StrId>,
    ipv4: Option<Arc<str>>,
    ipv6: Option<Arc<str>>,
    port: Option<u16>,
}

impl EndpointTracker {
    fn try_merge(&mut self, e: Option<&Endpoint>) -> bool {
        let Some(e) = e else { return true };
        let service = (e.service != StrId::EMPTY).then_some(e.service);
        if conflicts(&self.service, &service)
            || conflicts(&self.ipv4, &e.ipv4)
            || conflicts(&self.ipv6, &e.ipv6)
            || conflicts(&self.port, &e.port)
        {
            return false;
        }
        self.service = self.service.or(service);
        if self.ipv4.is_none() {
            self.ipv4.clone_from(&e.ipv4);
        }
        if self.ipv6.is_none() {
            self.ipv6.clone_from(&e.ipv6);
        }
        self.port = self.port.or(e.port);
        true
    }
}

fn conflicts<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a != b)
}

/// Fills the missing fields of `into` from `from` (Zipkin's `Endpoint.Builder.merge`).
fn merge_endpoint(into: &mut Option<Endpoint>, from: Option<Endpoint>) {
    let Some(from) = from else { return };
    let Some(e) = into else {
        *into = Some(from);
        return;
    };
    if e.service == StrId::EMPTY {
        e.service = from.service;
    }
    if e.ipv4.is_none() {
        e.ipv4 = from.ipv4;
    }
    if e.ipv6.is_none() {
        e.ipv6 = from.ipv6;
    }
    if e.port.is_none() {
        e.port = from.port;
    }
}

/// Combines two reports of one span (Zipkin's `Span.Builder.merge`): the first report wins for
/// single values, the later one for tags; endpoints are filled, annotations united. As in
/// Zipkin, the name "unknown" counts as no name.
fn merge_into(into: &mut Span, from: Span, unknown: Option<StrId>) {
    let unnamed = |name: StrId| name == StrId::EMPTY || Some(name) == unknown;
    if unnamed(into.name) && !unnamed(from.name) {
        into.name = from.name;
    }
    if into.kind == Kind::Unspecified {
        into.kind = from.kind;
    }
    if into.parent_id.is_none() {
        into.parent_id = from.parent_id;
    }
    if into.start.is_none() {
        into.start = from.start;
    }
    if into.duration.is_none() {
        into.duration = from.duration;
    }
    merge_endpoint(&mut into.local, from.local);
    merge_endpoint(&mut into.remote, from.remote);
    if into.service == StrId::EMPTY {
        into.service = from.service;
    }
    if into.links.is_empty() {
        into.links = from.links;
    }
    if into.status.code == StatusCode::Unset {
        into.status = from.status;
    }
    into.resource = into.resource.or(from.resource);
    into.scope = into.scope.or(from.scope);
    for tag in from.tags {
        match into.tags.iter_mut().find(|t| t.key == tag.key) {
            Some(t) => t.value = tag.value,
            None => into.tags.push(tag),
        }
    }
    if !from.annotations.is_empty() {
        into.annotations.extend(from.annotations);
        sort_annotations(into);
    }
    into.shared |= from.shared;
    into.debug |= from.debug;
    into.error |= from.error;
}

/// Zipkin v1 data carries an RPC's times in its core annotations: a span without timestamp
/// starts at its earliest `cs`/`sr`/`ms`/`mr` (else at its earliest annotation, which cannot
/// precede it), one without duration ends at its latest `cr`/`ss`. Other annotations say
/// nothing about the end (Brave's `brave.flush` marks a span abandoned, not finished).
fn fill_times_from_annotations(span: &mut Span, idx: SpanIdx, warnings: &mut Vec<Warning>) {
    let Some(earliest) = span.annotations.first().map(|a| a.at) else {
        return;
    };
    // Annotations are sorted by time: the first core start is the earliest, the last core
    // end the latest.
    let (mut core_start, mut core_end) = (None, None);
    for a in &span.annotations {
        match &*a.value {
            "cs" | "sr" | "ms" | "mr" => core_start = core_start.or(Some(a.at)),
            "cr" | "ss" => core_end = Some(a.at),
            _ => {}
        }
    }
    if span.start.is_none() {
        span.start = Some(core_start.unwrap_or(earliest));
        warnings.push(Warning {
            kind: WarningKind::MissingTimestamp,
            span: Some(idx),
            detail: if core_start.is_some() {
                "no timestamp; taken from its core annotations".into()
            } else {
                "no timestamp; starts at its earliest annotation".into()
            },
        });
    }
    if span.duration.is_none() {
        if let (Some(start), Some(end)) = (span.start, core_end) {
            if end > start {
                span.duration = Some(Micros(end.0 - start.0));
                warnings.push(Warning {
                    kind: WarningKind::MissingDuration,
                    span: Some(idx),
                    detail: "no duration; taken from its core annotations".into(),
                });
            }
        }
    }
}

/// Whether `a` and `b` could be the same endpoint: same service name, and no IP or port that
/// differs where both have one. Used to find the server half a child belongs to.
pub(crate) fn endpoints_compatible(a: &Endpoint, b: &Endpoint) -> bool {
    a.service != StrId::EMPTY
        && a.service == b.service
        && !conflicts(&a.ipv4, &b.ipv4)
        && !conflicts(&a.ipv6, &b.ipv6)
        && !conflicts(&a.port, &b.port)
}

#[cfg(test)]
mod tests {
    use crate::derive::testing::{derived, idx_where};
    use crate::derive::{warning_counts, WarningKind};
    use crate::model::Kind;

    fn count(d: &crate::derive::Derived, kind: WarningKind) -> usize {
        d.warnings.iter().filter(|w| w.kind == kind).count()
    }

    #[test]
    fn duplicates_merge_and_shared_halves_stay_two_spans() {
        let d = derived(
            r#"[
          {"traceId":"a","id":"1","kind":"CLIENT","name":"get","timestamp":10,"duration":100,"localEndpoint":{"serviceName":"web"}},
          {"traceId":"a","id":"1","kind":"SERVER","name":"get","timestamp":20,"duration":50,"localEndpoint":{"serviceName":"api"}},
          {"traceId":"a","id":"1","kind":"SERVER","name":"get","tags":{"x":"y"},"localEndpoint":{"serviceName":"api"}},
          {"traceId":"a","id":"2","parentId":"1","name":"db","timestamp":30,"duration":10,"localEndpoint":{"serviceName":"api"}}
        ]"#,
        );
        assert_eq!(d.trace.spans.len(), 3);
        let server = &d.trace.spans[1];
        assert_eq!(server.kind, Kind::Server);
        assert!(server.shared, "server half of a reused id is shared");
        assert_eq!(server.tags.len(), 1, "tags of the copy are kept");
        assert_eq!(server.start.map(|m| m.0), Some(20));
        assert_eq!(count(&d, WarningKind::DuplicateMerged), 1);
    }

    #[test]
    fn reports_on_different_endpoints_are_not_merged() {
        // Two servers answered the same shared id (a retry): Zipkin keeps both.
        let d = derived(
            r#"[
          {"traceId":"a","id":"1","kind":"CLIENT","timestamp":10,"duration":100,"localEndpoint":{"serviceName":"web"}},
          {"traceId":"a","id":"1","kind":"SERVER","shared":true,"timestamp":20,"duration":10,"localEndpoint":{"serviceName":"api","ipv4":"10.0.0.1"}},
          {"traceId":"a","id":"1","kind":"SERVER","shared":true,"timestamp":50,"duration":10,"localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2"}},
          {"traceId":"a","id":"1","kind":"SERVER","shared":true,"annotations":[{"timestamp":55,"value":"x"}],"localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2","port":80}}
        ]"#,
        );
        assert_eq!(d.trace.spans.len(), 3, "{:#?}", d.trace.spans);
        assert_eq!(count(&d, WarningKind::DuplicateMerged), 1);
        let second = &d.trace.spans[2];
        assert_eq!(second.start.map(|m| m.0), Some(50));
        assert_eq!(second.annotations.len(), 1);
        assert_eq!(second.local.as_ref().and_then(|e| e.port), Some(80));
    }

    #[test]
    fn self_parent_on_every_copy_is_one_warning() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","parentId":"1","timestamp":5},
               {"traceId":"a","id":"1","parentId":"1","duration":7}]"#,
        );
        assert_eq!(
            warning_counts(&d.warnings),
            vec![
                (WarningKind::DuplicateMerged, 1),
                (WarningKind::CycleBroken, 1)
            ]
        );
    }

    #[test]
    fn first_report_wins_for_times_and_later_for_tags() {
        let d = derived(
            r#"[
          {"traceId":"a","id":"1","name":"unknown","timestamp":10,"tags":{"k":"old","a":"1"}},
          {"traceId":"a","id":"1","name":"real","timestamp":5,"duration":7,"tags":{"k":"new"}}
        ]"#,
        );
        let s = &d.trace.spans[0];
        assert_eq!(s.start.map(|m| m.0), Some(10));
        assert_eq!(s.duration.map(|m| m.0), Some(7));
        assert_eq!(d.trace.str(s.name), "real");
        let k = s
            .tags
            .iter()
            .find(|t| d.trace.str(t.key) == "k")
            .expect("tag");
        assert_eq!(k.value.text(), "new");
        assert_eq!(s.tags.len(), 2);
    }

    #[test]
    fn client_and_unshared_server_with_one_endpoint_stay_two_spans() {
        // Zipkin would merge these (same side, same endpoint); contradicting kinds mean they
        // are the two halves of an RPC to the same service.
        let d = derived(
            r#"[
          {"traceId":"a","id":"1","kind":"CLIENT","timestamp":10,"duration":100},
          {"traceId":"a","id":"1","kind":"SERVER","timestamp":20,"duration":50}
        ]"#,
        );
        assert_eq!(d.trace.spans.len(), 2);
        assert!(d.trace.spans[1].shared, "missing shared flag is backfilled");
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn shared_server_without_parent_takes_its_clients() {
        let d = derived(
            r#"[
          {"traceId":"a","id":"9","timestamp":1,"duration":500},
          {"traceId":"a","id":"1","parentId":"9","kind":"CLIENT","timestamp":10,"duration":100,"localEndpoint":{"serviceName":"web"}},
          {"traceId":"a","id":"1","kind":"SERVER","shared":true,"timestamp":20,"duration":50,"localEndpoint":{"serviceName":"api"}}
        ]"#,
        );
        let server = idx_where(&d, "1", |s| s.shared);
        assert_eq!(
            d.trace.span(server).parent_id,
            Some(crate::model::SpanId::Hex(9))
        );
    }

    #[test]
    fn lone_shared_root_is_unshared_and_client_shared_flag_dropped() {
        let d = derived(
            r#"[
          {"traceId":"a","id":"1","kind":"SERVER","shared":true,"timestamp":20,"duration":50},
          {"traceId":"a","id":"2","parentId":"1","kind":"CLIENT","shared":true,"timestamp":21,"duration":5}
        ]"#,
        );
        assert!(!d.trace.spans[0].shared);
        assert!(!d.trace.spans[1].shared);
    }

    #[test]
    fn self_parent_is_dropped_with_a_warning() {
        let d = derived(r#"[{"traceId":"a","id":"1","parentId":"1","timestamp":1,"duration":2}]"#);
        assert_eq!(d.trace.spans[0].parent_id, None);
        assert_eq!(
            warning_counts(&d.warnings),
            vec![(WarningKind::CycleBroken, 1)]
        );
        assert!(!d.tree.synthetic_root);
    }

    #[test]
    fn times_come_from_core_annotations() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","annotations":[{"timestamp":30,"value":"cr"},{"timestamp":5,"value":"x"},{"timestamp":10,"value":"cs"}]}]"#,
        );
        let s = &d.trace.spans[0];
        assert_eq!(
            (s.start, s.duration),
            (
                Some(crate::model::Micros(10)),
                Some(crate::model::Micros(20))
            )
        );
        assert_eq!(
            warning_counts(&d.warnings),
            vec![
                (WarningKind::MissingTimestamp, 1),
                (WarningKind::MissingDuration, 1)
            ]
        );
    }

    #[test]
    fn other_annotations_give_a_start_but_never_an_end() {
        // Brave flushes abandoned spans with a `brave.flush` annotation: no end.
        let d = derived(
            r#"[{"traceId":"a","id":"1","kind":"CLIENT","timestamp":10,"annotations":[{"timestamp":9000,"value":"brave.flush"}]},
               {"traceId":"a","id":"2","parentId":"1","annotations":[{"timestamp":20,"value":"x"},{"timestamp":40,"value":"y"}]}]"#,
        );
        assert_eq!(d.trace.spans[0].duration, None);
        assert_eq!(d.tree.duration[0], 10, "ends with its last child");
        assert_eq!(d.trace.spans[1].start, Some(crate::model::Micros(20)));
        assert_eq!(d.trace.spans[1].duration, None);
    }

    #[test]
    fn nine_copies_are_one_span_and_eight_warnings() {
        let one = r#"{"traceId":"a","id":"1","parentId":"2","kind":"CLIENT","timestamp":1,"duration":2,"localEndpoint":{"serviceName":"x"}}"#;
        let json = format!("[{}]", [one; 9].join(","));
        let d = derived(&json);
        assert_eq!(d.trace.spans.len(), 1);
        assert_eq!(count(&d, WarningKind::DuplicateMerged), 8);
    }
}
