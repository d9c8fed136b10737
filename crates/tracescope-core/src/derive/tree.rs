//! The span tree as flat arrays. Every algorithm here is iterative: a trace may be a chain
//! a million spans deep, which recursion would not survive.

use std::collections::HashMap;

use super::{Warning, WarningKind};
use crate::model::{SpanId, SpanIdx, Trace};

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub struct SpanTree {
    /// Parent of each span (by span index), `None` for roots.
    parent: Vec<u32>,
    /// Children of span `i` are `child_list[child_start[i]..child_start[i + 1]]`, by start time.
    child_start: Vec<u32>,
    child_list: Vec<u32>,
    /// Top-level spans, by start time.
    pub roots: Vec<SpanIdx>,
    /// Spans in depth-first order (parents before children, siblings by start).
    pub preorder: Vec<SpanIdx>,
    /// Depth of each span (by span index); roots are 0.
    pub depth: Vec<u32>,
    /// Number of spans in the subtree of each span, itself included.
    pub subtree_size: Vec<u32>,
    /// Effective start and duration of each span in µs: the span's own when it has them,
    /// otherwise derived (see [`WarningKind::MissingTimestamp`]).
    pub start: Vec<i64>,
    pub duration: Vec<i64>,
}

impl SpanTree {
    /// Links spans to parents, breaks cycles, orders children and fills missing times.
    pub fn build(trace: &Trace, warnings: &mut Vec<Warning>) -> SpanTree {
        let spans = &trace.spans;
        let n = spans.len();
        let idx = |i: usize| SpanIdx(u32::try_from(i).unwrap_or(NONE));

        // Children of a shared RPC hang under its server half; the server half under the client.
        // One map, one lookup per span: for each id, the span its children hang under
        // (the last shared half, else the first span) and its first unshared (client) half.
        #[derive(Clone, Copy)]
        struct Halves {
            parent_of_children: u32,
            client: u32,
        }
        let mut by_id: HashMap<SpanId, Halves> = HashMap::with_capacity(n);
        for (i, s) in spans.iter().enumerate() {
            let i = i as u32;
            let h = by_id.entry(s.id).or_insert(Halves {
                parent_of_children: NONE,
                client: NONE,
            });
            if s.shared {
                h.parent_of_children = i;
            } else {
                if h.parent_of_children == NONE {
                    h.parent_of_children = i;
                }
                if h.client == NONE {
                    h.client = i;
                }
            }
        }
        let mut parent = vec![NONE; n];
        for (i, s) in spans.iter().enumerate() {
            let me = i as u32;
            if s.shared {
                if let Some(c) = by_id.get(&s.id).map(|h| h.client) {
                    if c != NONE && c != me {
                        parent[i] = c;
                        continue;
                    }
                }
            }
            let Some(pid) = s.parent_id else { continue };
            match by_id.get(&pid).map(|h| h.parent_of_children) {
                Some(p) if p != me => parent[i] = p,
                Some(_) => warnings.push(Warning {
                    kind: WarningKind::CycleBroken,
                    span: Some(idx(i)),
                    detail: "span names itself as its parent".into(),
                }),
                None => warnings.push(Warning {
                    kind: WarningKind::MissingParent,
                    span: Some(idx(i)),
                    detail: format!("parent {} is not in the trace", pid.display(&trace.strings)),
                }),
            }
        }
        break_cycles(&mut parent, warnings);

        // Children lists (CSR), each sorted by start time then input order.
        let start_key: Vec<i64> = spans
            .iter()
            .map(|s| s.start.map_or(i64::MAX, |m| m.0))
            .collect();
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
        let mut roots = Vec::new();
        for (i, &p) in parent.iter().enumerate() {
            if p == NONE {
                roots.push(i as u32);
            } else {
                let slot = &mut fill[p as usize];
                child_list[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
        let by_start =
            |a: &u32, b: &u32| (start_key[*a as usize], *a).cmp(&(start_key[*b as usize], *b));
        for i in 0..n {
            let (a, b) = (child_start[i] as usize, child_start[i + 1] as usize);
            if b - a > 1 {
                child_list[a..b].sort_unstable_by(by_start);
            }
        }
        roots.sort_unstable_by(by_start);
        if roots.len() > 1 {
            warnings.push(Warning {
                kind: WarningKind::MultipleRoots,
                span: None,
                detail: format!("{} spans have no parent in the trace", roots.len()),
            });
        }

        // Depth-first order with an explicit stack.
        let mut preorder = Vec::with_capacity(n);
        let mut depth = vec![0u32; n];
        let mut stack: Vec<u32> = roots.iter().rev().copied().collect();
        while let Some(node) = stack.pop() {
            preorder.push(SpanIdx(node));
            let (a, b) = (
                child_start[node as usize] as usize,
                child_start[node as usize + 1] as usize,
            );
            for &c in child_list[a..b].iter().rev() {
                depth[c as usize] = depth[node as usize] + 1;
                stack.push(c);
            }
        }
        // Subtree sizes: children come after parents in preorder, so walk it backwards.
        let mut subtree_size = vec![1u32; n];
        for &SpanIdx(node) in preorder.iter().rev() {
            let p = parent[node as usize];
            if p != NONE {
                subtree_size[p as usize] += subtree_size[node as usize];
            }
        }

        // Effective times: a span without a start sits at its parent's start.
        let mut start = vec![0i64; n];
        let mut duration = vec![0i64; n];
        let trace_start = spans
            .iter()
            .filter_map(|s| s.start)
            .min()
            .map_or(0, |m| m.0);
        for &SpanIdx(node) in &preorder {
            let s = &spans[node as usize];
            let p = parent[node as usize];
            start[node as usize] = match s.start {
                Some(m) => m.0,
                None => {
                    warnings.push(Warning {
                        kind: WarningKind::MissingTimestamp,
                        span: Some(SpanIdx(node)),
                        detail: "no timestamp; placed at its parent's start".into(),
                    });
                    if p == NONE {
                        trace_start
                    } else {
                        start[p as usize]
                    }
                }
            };
            duration[node as usize] = s.duration.map_or(0, |m| m.0);
        }

        SpanTree {
            parent,
            child_start,
            child_list,
            roots: roots.into_iter().map(SpanIdx).collect(),
            preorder,
            depth,
            subtree_size,
            start,
            duration,
        }
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
        let i = span.get();
        let (a, b) = (
            self.child_start[i] as usize,
            self.child_start[i + 1] as usize,
        );
        self.child_list[a..b].iter().map(|&c| SpanIdx(c))
    }

    pub fn child_count(&self, span: SpanIdx) -> usize {
        let i = span.get();
        (self.child_start[i + 1] - self.child_start[i]) as usize
    }

    /// Levels in the tree: 1 for a lone span, 0 for an empty trace.
    pub fn max_depth(&self) -> u32 {
        self.depth.iter().max().map_or(0, |d| d + 1)
    }
}

/// Cuts every parent loop: walks up from each span, and when the walk meets a span already
/// on the current path, that span becomes a root.
fn break_cycles(parent: &mut [u32], warnings: &mut Vec<Warning>) {
    const UNSEEN: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![UNSEEN; parent.len()];
    let mut path = Vec::new();
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
            warnings.push(Warning {
                kind: WarningKind::CycleBroken,
                span: Some(SpanIdx(node)),
                detail: "span was its own ancestor; shown as a root".into(),
            });
        }
        for n in path.drain(..) {
            state[n as usize] = DONE;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::derive::{derive, WarningKind};
    use crate::import::import;
    use crate::model::SpanIdx;

    fn derived(json: &str) -> crate::derive::Derived {
        let mut imported = import(json.as_bytes()).expect("valid");
        derive(imported.traces.remove(0))
    }

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
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn cycles_are_broken_and_orphans_become_roots() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","parentId":"2","timestamp":1},
               {"traceId":"a","id":"2","parentId":"1","timestamp":2},
               {"traceId":"a","id":"3","parentId":"9","timestamp":3}]"#,
        );
        assert_eq!(d.tree.preorder.len(), 3, "every span appears once");
        let kinds: Vec<_> = d.warnings.iter().map(|w| w.kind).collect();
        assert!(kinds.contains(&WarningKind::CycleBroken), "{kinds:?}");
        assert!(kinds.contains(&WarningKind::MissingParent), "{kinds:?}");
        assert_eq!(d.tree.roots.len(), 2);
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
            json.push_str(&format!(
                r#"{{"traceId":"a","id":"{i:x}","parentId":"{:x}","timestamp":{i},"duration":1}}"#,
                i - 1
            ));
        }
        json.push(']');
        let d = derived(&json);
        assert_eq!(d.tree.preorder.len(), n);
        assert_eq!(d.tree.max_depth(), n as u32);
        assert_eq!(d.tree.subtree_size[0], n as u32);
        assert_eq!(d.tree.parent(SpanIdx(1)), Some(SpanIdx(0)));
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
}
