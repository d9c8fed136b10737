//! The span tree as flat arrays. Every algorithm here is iterative: a trace may be a chain a
//! million spans deep, which recursion would not survive.
//!
//! Parents are found the way Zipkin's `SpanNode.Builder` finds them, with two refinements:
//! - The server half of a shared RPC hangs under its client half. A child of a shared id
//!   hangs under the server half on its own endpoint (Zipkin: the exact endpoint; here also
//!   one with the same service whose IPs and port do not differ), otherwise under the client
//!   half, otherwise (no client reported) under a server half rather than nowhere.
//! - When the trace has exactly one root, spans whose parent is missing (and spans cut out of
//!   a cycle) hang under it, as in Zipkin. Otherwise — no root, or several — the top-level
//!   spans are the children of a *synthetic root*: a node of the tree, not a span, so span
//!   counts stay honest ([`SpanTree::synthetic_root`]).
//!
//! Every span of the trace is in the tree exactly once; each change is a [`Warning`].

use super::{Warning, WarningKind};
use crate::derive::clean::endpoints_compatible;
use crate::hash::{map_with_capacity, FxHashMap};
use crate::model::{Endpoint, Kind, Span, SpanId, SpanIdx, Trace};

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub struct SpanTree {
    /// Parent of each span (by span index), `NONE` for top-level spans.
    parent: Vec<u32>,
    /// Children of span `i` are `child_list[child_start[i]..child_start[i + 1]]`, by start time.
    child_start: Vec<u32>,
    child_list: Vec<u32>,
    /// Top-level spans, by start time: the root, or the children of the synthetic root.
    pub roots: Vec<SpanIdx>,
    /// True when the trace does not have exactly one root span: `roots` are then the
    /// children of a synthetic root, which is not a span.
    pub synthetic_root: bool,
    /// Spans in depth-first order (parents before children, siblings by start).
    pub preorder: Vec<SpanIdx>,
    /// Depth of each span (by span index); top-level spans are 0.
    pub depth: Vec<u32>,
    /// Number of spans in the subtree of each span, itself included.
    pub subtree_size: Vec<u32>,
    /// Effective start (epoch µs) and duration (µs) of each span: the span's own when it has
    /// them, otherwise derived (see [`WarningKind::MissingTimestamp`] and
    /// [`WarningKind::MissingDuration`]); starts are corrected for clock skew when
    /// [`crate::derive::DeriveOptions::skew_correction`] is on.
    pub start: Vec<i64>,
    pub duration: Vec<i64>,
}

/// How a span's parent was found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    /// No parent id: a root of the trace.
    Root,
    Linked,
    /// Its parent id is not in the trace.
    Orphan,
}

impl SpanTree {
    /// Links spans to parents, breaks cycles, places orphans, fills missing times and orders
    /// children by start.
    pub fn build(trace: &Trace, warnings: &mut Vec<Warning>) -> SpanTree {
        let spans = &trace.spans;
        let n = spans.len();
        let (mut parent, link) = link_parents(spans, warnings);
        let detached = break_cycles(&mut parent);

        let roots: Vec<u32> = (0..n)
            .filter(|&i| link[i] == Link::Root)
            .map(|i| i as u32)
            .collect();
        let single_root = match roots.as_slice() {
            [r] => Some(*r),
            _ => None,
        };
        let placed = if single_root.is_some() {
            "attached under the root"
        } else {
            "shown at the top level"
        };
        for i in 0..n {
            if link[i] != Link::Orphan {
                continue;
            }
            parent[i] = single_root.unwrap_or(NONE);
            let pid = spans[i]
                .parent_id
                .map_or_else(String::new, |p| p.display(&trace.strings).to_string());
            warnings.push(Warning {
                kind: WarningKind::MissingParent,
                span: Some(span_idx(i)),
                detail: format!("parent {pid} is not in the trace; {placed}"),
            });
        }
        for &i in &detached {
            parent[i as usize] = single_root.unwrap_or(NONE);
            warnings.push(Warning {
                kind: WarningKind::CycleBroken,
                span: Some(SpanIdx(i)),
                detail: format!("span was its own ancestor; {placed}"),
            });
        }
        if roots.len() > 1 {
            warnings.push(Warning {
                kind: WarningKind::MultipleRoots,
                span: None,
                detail: format!(
                    "{} spans have no parent; shown under a synthetic root",
                    roots.len()
                ),
            });
        }

        // Children lists (CSR), in index order for now.
        let mut child_start = vec![0u32; n + 1];
        for &p in &parent {
            if p != NONE {
                child_start[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            child_start[i + 1] += child_start[i];
        }
        let mut fill = child_start.clone();
        let mut child_list = vec![0u32; child_start[n] as usize];
        let mut top = Vec::new();
        for (i, &p) in parent.iter().enumerate() {
            if p == NONE {
                top.push(SpanIdx(i as u32));
            } else {
                let slot = &mut fill[p as usize];
                child_list[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
        let mut tree = SpanTree {
            parent,
            child_start,
            child_list,
            roots: top,
            synthetic_root: single_root.is_none(),
            preorder: Vec::new(),
            depth: vec![0; n],
            subtree_size: vec![1; n],
            start: vec![0; n],
            duration: vec![0; n],
        };
        tree.preorder = tree.depth_first();
        for &SpanIdx(node) in &tree.preorder {
            let p = tree.parent[node as usize];
            if p != NONE {
                tree.depth[node as usize] = tree.depth[p as usize] + 1;
            }
        }
        // Children come after parents in preorder, so walk it backwards.
        for &SpanIdx(node) in tree.preorder.iter().rev() {
            let p = tree.parent[node as usize];
            if p != NONE {
                tree.subtree_size[p as usize] += tree.subtree_size[node as usize];
            }
        }
        tree.fill_times(spans, warnings);
        tree.reorder();
        tree
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    pub fn parent(&self, span: SpanIdx) -> Option<SpanIdx> {
        let p = *self.parent.get(span.get())?;
        (p != NONE).then_some(SpanIdx(p))
    }

    pub fn children(&self, span: SpanIdx) -> impl ExactSizeIterator<Item = SpanIdx> + '_ {
        self.child_slice(span).iter().map(|&c| SpanIdx(c))
    }

    fn child_slice(&self, span: SpanIdx) -> &[u32] {
        let i = span.get();
        let (a, b) = (
            self.child_start[i] as usize,
            self.child_start[i + 1] as usize,
        );
        &self.child_list[a..b]
    }

    pub fn child_count(&self, span: SpanIdx) -> usize {
        let i = span.get();
        (self.child_start[i + 1] - self.child_start[i]) as usize
    }

    /// Effective end, epoch µs.
    pub fn end(&self, span: SpanIdx) -> i64 {
        self.start[span.get()].saturating_add(self.duration[span.get()])
    }

    /// Levels in the tree: 1 for a lone span, 0 for an empty trace. The synthetic root is
    /// not a level.
    pub fn max_depth(&self) -> u32 {
        self.depth.iter().max().map_or(0, |d| d + 1)
    }

    /// Depth-first order with an explicit stack, children in their current order.
    fn depth_first(&self) -> Vec<SpanIdx> {
        let mut preorder = Vec::with_capacity(self.len());
        let mut stack: Vec<u32> = self.roots.iter().rev().map(|r| r.0).collect();
        while let Some(node) = stack.pop() {
            preorder.push(SpanIdx(node));
            stack.extend(self.child_slice(SpanIdx(node)).iter().rev());
        }
        preorder
    }

    /// Sorts children and top-level spans by effective start (then index) and recomputes the
    /// preorder. Called after the start times change (clock-skew correction).
    pub(crate) fn reorder(&mut self) {
        let start = &self.start;
        let key = |c: &u32| (start[*c as usize], *c);
        for i in 0..self.len() {
            let (a, b) = (
                self.child_start[i] as usize,
                self.child_start[i + 1] as usize,
            );
            if b - a > 1 {
                self.child_list[a..b].sort_unstable_by_key(key);
            }
        }
        self.roots.sort_unstable_by_key(|r| key(&r.0));
        self.preorder = self.depth_first();
    }

    /// Effective times. A span without a timestamp starts with its earliest child, else at its
    /// parent's start; one without a duration ends with its last child, else is an instant.
    fn fill_times(&mut self, spans: &[Span], warnings: &mut Vec<Warning>) {
        const OWN_START: u8 = 1;
        const OWN_DURATION: u8 = 2;
        const LO: u8 = 4;
        const HI: u8 = 8;
        let n = self.len();
        // Each span's own times, read in one pass in index order into `start`/`duration`
        // (flags say which are there): the walks below, in tree order, then touch only
        // these small arrays, not the spans.
        let mut has = vec![0u8; n];
        let mut trace_start: Option<i64> = None;
        for (i, s) in spans.iter().enumerate() {
            if let Some(m) = s.start {
                self.start[i] = m.0;
                has[i] |= OWN_START;
                trace_start = Some(trace_start.map_or(m.0, |t| t.min(m.0)));
            }
            if let Some(d) = s.duration {
                self.duration[i] = d.0;
                has[i] |= OWN_DURATION;
            }
        }
        let trace_start = trace_start.unwrap_or(0);
        // Bottom-up: the earliest start and latest end each subtree shows (flags LO, HI).
        let mut lo = vec![0i64; n];
        let mut hi = vec![0i64; n];
        for &SpanIdx(node) in self.preorder.iter().rev() {
            let i = node as usize;
            let (mut kids_lo, mut kids_hi) = (None::<i64>, None::<i64>);
            for &c in self.child_slice(SpanIdx(node)) {
                let c = c as usize;
                if has[c] & LO != 0 {
                    kids_lo = Some(kids_lo.map_or(lo[c], |v| v.min(lo[c])));
                }
                if has[c] & HI != 0 {
                    kids_hi = Some(kids_hi.map_or(hi[c], |v| v.max(hi[c])));
                }
            }
            let start = if has[i] & OWN_START != 0 {
                Some(self.start[i])
            } else {
                kids_lo
            };
            let end = match (start, has[i] & OWN_DURATION != 0) {
                (Some(st), true) => Some(st.saturating_add(self.duration[i].max(0))),
                (Some(st), false) => Some(kids_hi.map_or(st, |h| h.max(st))),
                (None, _) => None,
            };
            if let Some(st) = start {
                lo[i] = st;
                has[i] |= LO;
            }
            if let Some(e) = end {
                hi[i] = e;
                has[i] |= HI;
            }
        }
        // Top-down: what is still unknown comes from the parent.
        for k in 0..self.preorder.len() {
            let i = self.preorder[k].get();
            let p = self.parent[i];
            let idx = span_idx(i);
            let flags = has[i];
            if flags & OWN_START == 0 {
                self.start[i] = if flags & LO != 0 {
                    warn(
                        warnings,
                        WarningKind::MissingTimestamp,
                        idx,
                        "no timestamp; starts with its earliest child",
                    );
                    lo[i]
                } else if p == NONE {
                    warn(
                        warnings,
                        WarningKind::MissingTimestamp,
                        idx,
                        "no timestamp; placed at the start of the trace",
                    );
                    trace_start
                } else {
                    warn(
                        warnings,
                        WarningKind::MissingTimestamp,
                        idx,
                        "no timestamp; placed at its parent's start",
                    );
                    self.start[p as usize]
                };
            }
            self.duration[i] = if flags & OWN_DURATION != 0 {
                self.duration[i].max(0)
            } else if flags & HI != 0 && hi[i] > self.start[i] {
                warn(
                    warnings,
                    WarningKind::MissingDuration,
                    idx,
                    "no duration; ends with its last child",
                );
                hi[i].saturating_sub(self.start[i])
            } else {
                warn(
                    warnings,
                    WarningKind::MissingDuration,
                    idx,
                    "no duration; shown as an instant",
                );
                0
            };
        }
    }
}

fn warn(warnings: &mut Vec<Warning>, kind: WarningKind, span: SpanIdx, detail: &str) {
    warnings.push(Warning {
        kind,
        span: Some(span),
        detail: detail.into(),
    });
}

fn span_idx(i: usize) -> SpanIdx {
    SpanIdx(u32::try_from(i).unwrap_or(NONE))
}

/// All spans of the trace grouped by id, without an allocation per id: `first` holds the
/// lowest index of each id, `next` chains each span to the next one with its id.
struct IdIndex {
    first: FxHashMap<SpanId, u32>,
    next: Vec<u32>,
}

impl IdIndex {
    fn new(spans: &[Span]) -> IdIndex {
        let mut first = map_with_capacity(spans.len());
        let mut next = vec![NONE; spans.len()];
        // Backwards, so that each chain runs in index order.
        for (i, s) in spans.iter().enumerate().rev() {
            if let Some(later) = first.insert(s.id, i as u32) {
                next[i] = later;
            }
        }
        IdIndex { first, next }
    }

    /// The spans with this id, in index order.
    fn get(&self, id: SpanId) -> Option<SameId<'_>> {
        let &at = self.first.get(&id)?;
        Some(SameId {
            at,
            next: &self.next,
        })
    }
}

/// The spans sharing one id, in index order.
#[derive(Clone, Copy)]
struct SameId<'a> {
    at: u32,
    next: &'a [u32],
}

impl Iterator for SameId<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let at = self.at;
        if at == NONE {
            return None;
        }
        self.at = self.next.get(at as usize).copied().unwrap_or(NONE);
        Some(at)
    }
}

/// Finds each span's parent (see the module docs). Spans naming a missing parent are marked
/// [`Link::Orphan`]; their parent is left unset for the caller to place.
fn link_parents(spans: &[Span], warnings: &mut Vec<Warning>) -> (Vec<u32>, Vec<Link>) {
    let n = spans.len();
    let index = IdIndex::new(spans);
    let mut parent = vec![NONE; n];
    let mut link = vec![Link::Root; n];
    for (i, s) in spans.iter().enumerate() {
        if s.shared {
            // The server half hangs under its client half: the CLIENT with its id, else any
            // other non-shared span with it.
            let same_id = index.get(s.id);
            let plain = |pick: &dyn Fn(&Span) -> bool| {
                same_id
                    .into_iter()
                    .flatten()
                    .find(|&c| !spans[c as usize].shared && pick(&spans[c as usize]))
            };
            if let Some(client) = plain(&|c| c.kind == Kind::Client).or_else(|| plain(&|_| true)) {
                parent[i] = client;
                link[i] = Link::Linked;
                continue;
            }
        }
        let Some(pid) = s.parent_id else { continue };
        match index
            .get(pid)
            .and_then(|same_id| parent_among(same_id, s.local.as_ref(), spans))
        {
            Some(p) if p as usize == i => {
                // Only an uncleaned trace gets here: clean drops a parent id equal to the id.
                link[i] = Link::Orphan;
                warnings.push(Warning {
                    kind: WarningKind::CycleBroken,
                    span: Some(span_idx(i)),
                    detail: "span names itself as its parent".into(),
                });
            }
            Some(p) => {
                parent[i] = p;
                link[i] = Link::Linked;
            }
            None => link[i] = Link::Orphan,
        }
    }
    (parent, link)
}

/// Which of the spans carrying the parent's id a child with `local` endpoint belongs under:
/// a server half on the child's endpoint (exactly, then compatibly), else a non-shared span
/// on it, else the CLIENT, else any non-shared span, else any server half.
fn parent_among(same_id: SameId<'_>, local: Option<&Endpoint>, spans: &[Span]) -> Option<u32> {
    // The common case: one span with the id.
    if same_id.next.get(same_id.at as usize) == Some(&NONE) {
        return Some(same_id.at);
    }
    let find = |shared: bool, pick: &dyn Fn(&Span) -> bool| {
        same_id.into_iter().find(|&c| {
            let c = &spans[c as usize];
            c.shared == shared && pick(c)
        })
    };
    let exact = |c: &Span| c.local.as_ref() == local;
    let compatible = |c: &Span| match (c.local.as_ref(), local) {
        (Some(a), Some(b)) => endpoints_compatible(a, b),
        _ => false,
    };
    find(true, &exact)
        .or_else(|| find(true, &compatible))
        .or_else(|| find(false, &exact))
        .or_else(|| find(false, &compatible))
        .or_else(|| find(false, &|c| c.kind == Kind::Client))
        .or_else(|| find(false, &|_| true))
        .or_else(|| find(true, &|_| true))
}

/// Cuts every parent loop: walks up from each span, and when the walk meets a span already
/// on the current path, that span is detached from its parent. Returns the detached spans.
fn break_cycles(parent: &mut [u32]) -> Vec<u32> {
    const UNSEEN: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![UNSEEN; parent.len()];
    let mut path = Vec::new();
    let mut detached = Vec::new();
    for startnode in 0..parent.len() {
        let mut node = startnode as u32;
        while node != NONE && state[node as usize] == UNSEEN {
            state[node as usize] = ON_PATH;
            path.push(node);
            node = parent[node as usize];
        }
        if node != NONE && state[node as usize] == ON_PATH {
            // `node` is its own ancestor: detach it from its parent.
            parent[node as usize] = NONE;
            detached.push(node);
        }
        for n in path.drain(..) {
            state[n as usize] = DONE;
        }
    }
    detached
}

#[cfg(test)]
mod tests {
    use crate::derive::testing::{derived, idx, idx_where};
    use crate::derive::{warning_counts, WarningKind};
    use crate::model::SpanIdx;

    #[test]
    fn children_sorted_by_start_and_depths() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","timestamp":1,"duration":100},
               {"traceId":"a","id":"3","parentId":"1","timestamp":30,"duration":1},
               {"traceId":"a","id":"2","parentId":"1","timestamp":20,"duration":1},
               {"traceId":"a","id":"4","parentId":"2","timestamp":21,"duration":1}]"#,
        );
        let order: Vec<u32> = d.tree.preorder.iter().map(|s| s.0).collect();
        assert_eq!(order, vec![0, 2, 3, 1]);
        assert_eq!(d.tree.depth, vec![0, 1, 1, 2]);
        assert_eq!(d.tree.subtree_size, vec![4, 1, 2, 1]);
        assert_eq!(d.tree.max_depth(), 3);
        assert!(!d.tree.synthetic_root);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn cycles_and_orphans_go_under_a_synthetic_root_when_there_is_no_root() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","parentId":"2","timestamp":1},
               {"traceId":"a","id":"2","parentId":"1","timestamp":2},
               {"traceId":"a","id":"3","parentId":"9","timestamp":3}]"#,
        );
        assert_eq!(d.tree.preorder.len(), 3, "every span appears once");
        let kinds: Vec<_> = d.warnings.iter().map(|w| w.kind).collect();
        assert!(kinds.contains(&WarningKind::CycleBroken), "{kinds:?}");
        assert!(kinds.contains(&WarningKind::MissingParent), "{kinds:?}");
        assert!(d.tree.synthetic_root);
        assert_eq!(d.tree.roots.len(), 2);
    }

    #[test]
    fn orphans_and_cycles_hang_under_the_only_root() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","timestamp":1,"duration":100},
               {"traceId":"a","id":"2","parentId":"1","timestamp":5,"duration":10},
               {"traceId":"a","id":"3","parentId":"9","timestamp":3,"duration":1},
               {"traceId":"a","id":"4","parentId":"5","timestamp":20,"duration":1},
               {"traceId":"a","id":"5","parentId":"4","timestamp":21,"duration":1}]"#,
        );
        assert!(!d.tree.synthetic_root);
        assert_eq!(d.tree.roots, vec![SpanIdx(0)]);
        assert_eq!(d.tree.parent(idx(&d, "3")), Some(SpanIdx(0)));
        let cut = d
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::CycleBroken)
            .and_then(|w| w.span)
            .expect("a cycle was cut");
        assert_eq!(d.tree.parent(cut), Some(SpanIdx(0)));
        assert_eq!(d.tree.subtree_size[0], 5);
        assert!(d
            .warnings
            .iter()
            .any(|w| w.detail.contains("attached under the root")));
    }

    #[test]
    fn several_roots_get_a_synthetic_root() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","timestamp":10,"duration":5},
               {"traceId":"a","id":"2","timestamp":1,"duration":5},
               {"traceId":"a","id":"3","parentId":"9","timestamp":3,"duration":1}]"#,
        );
        assert!(d.tree.synthetic_root);
        assert_eq!(d.tree.roots, vec![SpanIdx(1), SpanIdx(2), SpanIdx(0)]);
        assert_eq!(d.summary.span_count, 3, "the synthetic root is not a span");
        assert_eq!(
            warning_counts(&d.warnings),
            vec![
                (WarningKind::MissingParent, 1),
                (WarningKind::MultipleRoots, 1)
            ]
        );
    }

    #[test]
    fn a_million_deep_chain_does_not_overflow() {
        let n = 1_000_000;
        let mut json = String::with_capacity(n * 64);
        json.push('[');
        for i in 1..=n {
            if i > 1 {
                json.push(',');
            }
            // Nested: each span starts 1 µs after its parent and ends 1 µs before it.
            json.push_str(&format!(
                r#"{{"traceId":"a","id":"{i:x}","parentId":"{:x}","timestamp":{},"duration":{}}}"#,
                i - 1,
                1000 + i,
                2 * (n - i) + 1
            ));
        }
        json.push(']');
        let d = derived(&json);
        assert_eq!(d.tree.preorder.len(), n);
        assert_eq!(d.tree.max_depth(), n as u32);
        assert_eq!(d.tree.subtree_size[0], n as u32);
        assert_eq!(d.tree.parent(SpanIdx(1)), Some(SpanIdx(0)));
        // The first span names parent 0, which is absent: a headless chain.
        assert!(d.tree.synthetic_root);
        // Every derivation on it stays iterative.
        assert_eq!(d.critical_path().len(), 2 * n - 1);
        assert!(d.skew.is_empty());
        assert_eq!(d.self_times().len(), n);
        assert!(!d.service_graph().nodes.is_empty());
        assert_eq!(crate::derive::dependency_links([&d]).len(), 0);
    }

    #[test]
    fn shared_server_half_is_child_of_client() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","kind":"CLIENT","timestamp":1,"duration":10},
               {"traceId":"a","id":"1","kind":"SERVER","shared":true,"timestamp":2,"duration":8},
               {"traceId":"a","id":"2","parentId":"1","timestamp":3,"duration":1}]"#,
        );
        assert_eq!(d.tree.parent(SpanIdx(1)), Some(SpanIdx(0)));
        assert_eq!(d.tree.parent(SpanIdx(2)), Some(SpanIdx(1)));
    }

    #[test]
    fn children_of_a_shared_id_go_to_the_half_on_their_endpoint() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","kind":"CLIENT","timestamp":1,"duration":100,"localEndpoint":{"serviceName":"web"}},
               {"traceId":"a","id":"1","kind":"SERVER","shared":true,"timestamp":2,"duration":80,"localEndpoint":{"serviceName":"api","port":80}},
               {"traceId":"a","id":"2","parentId":"1","timestamp":3,"duration":1,"localEndpoint":{"serviceName":"api","port":80}},
               {"traceId":"a","id":"3","parentId":"1","timestamp":4,"duration":1,"localEndpoint":{"serviceName":"api"}},
               {"traceId":"a","id":"4","parentId":"1","timestamp":5,"duration":1,"localEndpoint":{"serviceName":"web"}},
               {"traceId":"a","id":"5","parentId":"1","timestamp":6,"duration":1}]"#,
        );
        let client = idx_where(&d, "1", |s| !s.shared);
        let server = idx_where(&d, "1", |s| s.shared);
        assert_eq!(d.tree.parent(idx(&d, "2")), Some(server), "same endpoint");
        assert_eq!(d.tree.parent(idx(&d, "3")), Some(server), "same service");
        assert_eq!(d.tree.parent(idx(&d, "4")), Some(client), "client side");
        assert_eq!(
            d.tree.parent(idx(&d, "5")),
            Some(client),
            "no endpoint: as Zipkin"
        );
    }

    #[test]
    fn server_half_hangs_under_its_client_when_a_local_span_reuses_the_id() {
        // Seen in SmartThings data: a kindless server-side span with the RPC's id, before the
        // client in input order. Zipkin's tree keeps only one of the two non-shared spans;
        // here both stay, and the server half goes under the CLIENT.
        let d = derived(
            r#"[{"traceId":"a","id":"9","kind":"SERVER","timestamp":1,"duration":100,"localEndpoint":{"serviceName":"web"}},
               {"traceId":"a","id":"1","parentId":"9","localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2"}},
               {"traceId":"a","id":"1","parentId":"9","kind":"SERVER","shared":true,"timestamp":12,"duration":50,"localEndpoint":{"serviceName":"api","ipv4":"10.0.0.2"}},
               {"traceId":"a","id":"1","parentId":"9","kind":"CLIENT","timestamp":10,"duration":60,"localEndpoint":{"serviceName":"web"}}]"#,
        );
        assert_eq!(d.trace.spans.len(), 4);
        let client = idx_where(&d, "1", |s| s.kind == crate::model::Kind::Client);
        let server = idx_where(&d, "1", |s| s.shared);
        assert_eq!(d.tree.parent(server), Some(client));
        assert_eq!(d.tree.parent(SpanIdx(1)), Some(SpanIdx(0)));
        assert_eq!(d.tree.preorder.len(), 4);
    }

    #[test]
    fn shared_server_without_client_hangs_under_its_parent() {
        let d = derived(
            r#"[{"traceId":"a","id":"9","timestamp":1,"duration":100},
               {"traceId":"a","id":"1","parentId":"9","kind":"SERVER","shared":true,"timestamp":2,"duration":8},
               {"traceId":"a","id":"2","parentId":"1","timestamp":3,"duration":1,"localEndpoint":{"serviceName":"other"}}]"#,
        );
        assert_eq!(d.tree.parent(SpanIdx(1)), Some(SpanIdx(0)));
        assert_eq!(d.tree.parent(SpanIdx(2)), Some(SpanIdx(1)));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn missing_times_come_from_children_then_parent() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","timestamp":100,"duration":1000},
               {"traceId":"a","id":"2","parentId":"1"},
               {"traceId":"a","id":"3","parentId":"2","timestamp":300,"duration":50},
               {"traceId":"a","id":"4","parentId":"2","timestamp":200,"duration":10},
               {"traceId":"a","id":"5","parentId":"1","timestamp":500},
               {"traceId":"a","id":"6","parentId":"5","timestamp":510,"duration":90},
               {"traceId":"a","id":"7","parentId":"1"}]"#,
        );
        let t = &d.tree;
        let at = |id: &str| idx(&d, id).get();
        assert_eq!((t.start[at("2")], t.duration[at("2")]), (200, 150));
        assert_eq!((t.start[at("5")], t.duration[at("5")]), (500, 100));
        assert_eq!((t.start[at("7")], t.duration[at("7")]), (100, 0));
        assert_eq!(
            warning_counts(&d.warnings),
            vec![
                (WarningKind::MissingTimestamp, 2),
                (WarningKind::MissingDuration, 3)
            ]
        );
        // Children are ordered by their effective start.
        let kids: Vec<_> = t.children(SpanIdx(0)).map(|c| c.0).collect();
        assert_eq!(kids, vec![6, 1, 4]);
    }
}
