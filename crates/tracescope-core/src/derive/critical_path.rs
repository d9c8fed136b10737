//! The critical path, as Jaeger UI defines it (`TracePage/CriticalPath`): the chain of work
//! that the root's end waited for.
//!
//! 1. Children are clipped to their parent (already clipped) interval; a child wholly outside
//!    it is dropped with its subtree, and so is a CONSUMER child of a PRODUCER (the producer
//!    does not wait for it).
//! 2. Walk back from the end of the root: at a span, with a time bound `t` (the span's end at
//!    first), the last-finishing child that ends before `t` is on the path. The span owns
//!    `[that child's end, t]`; the walk goes down into the child with no bound. A span
//!    without such a child owns `[its start, t]`, and the walk returns to its parent with
//!    `t` = the span's start.
//!
//! Sections are contiguous, so the path covers the root exactly and never overlaps itself.
//! Jaeger computes a path per root span and concatenates them; here, when the trace has no
//! single root, the top-level spans are children of the synthetic root covering the whole
//! trace, so there is still one path, with gaps where no span was running.
//!
//! The walk is a loop: each span is entered once and left once, and each span's children are
//! scanned once in all (sorted by end, with a cursor, because `t` only decreases).

use super::SpanTree;
use crate::model::{Kind, SpanIdx, Trace};

/// A stretch of time on the critical path, attributed to the span doing the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CriticalSegment {
    pub span: SpanIdx,
    /// Epoch µs, after clock-skew correction and clipping to the parent.
    pub start_us: i64,
    pub end_us: i64,
}

const VIRTUAL: u32 = u32::MAX;

/// The critical path in time order (Jaeger lists it from the end backwards). Empty segments
/// are left out.
pub fn critical_path(trace: &Trace, tree: &SpanTree) -> Vec<CriticalSegment> {
    let n = tree.len();
    if n == 0 {
        return Vec::new();
    }
    // 1. Clip to the parent; drop what lies outside it or does not block it.
    let mut lo = vec![0i64; n];
    let mut hi = vec![0i64; n];
    let mut keep = vec![false; n];
    // Kinds read in index order once: the walk in tree order then reads a byte per span.
    let kinds: Vec<Kind> = trace.spans.iter().map(|s| s.kind).collect();
    for &node in &tree.preorder {
        let i = node.get();
        let (mut s, mut e) = (tree.start[i], tree.end(node));
        if let Some(p) = tree.parent(node) {
            let p = p.get();
            if !keep[p] || (kinds[p] == Kind::Producer && kinds[i] == Kind::Consumer) {
                continue;
            }
            let (ps, pe) = (lo[p], hi[p]);
            if s >= ps {
                if s >= pe {
                    continue;
                }
                e = e.min(pe);
            } else {
                if e <= ps {
                    continue;
                }
                s = ps;
                e = e.min(pe);
            }
        }
        keep[i] = true;
        lo[i] = s;
        hi[i] = e;
    }

    // Kept children of each span, latest end first (ties: earliest start, as Jaeger's scan
    // keeps the first of equal ends). The virtual root's children are the top-level spans.
    let mut kid_start = vec![0u32; n + 2];
    let mut kids: Vec<u32> = Vec::with_capacity(n);
    let by_end = |a: &u32, b: &u32| hi[*b as usize].cmp(&hi[*a as usize]);
    for i in 0..n {
        kid_start[i] = kids.len() as u32;
        if keep[i] {
            let from = kids.len();
            kids.extend(
                tree.children(SpanIdx(i as u32))
                    .map(|c| c.0)
                    .filter(|&c| keep[c as usize]),
            );
            kids[from..].sort_by(by_end);
        }
    }
    kid_start[n] = kids.len() as u32;
    let from = kids.len();
    kids.extend(tree.roots.iter().map(|r| r.0));
    kids[from..].sort_by(by_end);
    kid_start[n + 1] = kids.len() as u32;
    let slot = |node: u32| if node == VIRTUAL { n } else { node as usize };
    let mut cursor: Vec<u32> = kid_start[..=n].to_vec();

    let (walk_root, root_end) = if tree.synthetic_root {
        let end = tree.roots.iter().map(|r| hi[r.get()]).max().unwrap_or(0);
        (VIRTUAL, end)
    } else {
        let r = tree.roots[0].0;
        (r, hi[r as usize])
    };
    let start_of = |node: u32| {
        if node == VIRTUAL {
            i64::MIN
        } else {
            lo[node as usize]
        }
    };
    let end_of = |node: u32| {
        if node == VIRTUAL {
            root_end
        } else {
            hi[node as usize]
        }
    };

    // 2. Walk back from the end.
    let mut path = Vec::new();
    let mut emit = |node: u32, start: i64, end: i64| {
        if node != VIRTUAL && start != end {
            path.push(CriticalSegment {
                span: SpanIdx(node),
                start_us: start,
                end_us: end,
            });
        }
    };
    let mut cur = walk_root;
    let mut bound: Option<i64> = None;
    loop {
        let k = slot(cur);
        let end = kid_start[k + 1] as usize;
        let mut c = cursor[k] as usize;
        if let Some(t) = bound {
            while c < end && hi[kids[c] as usize] >= t {
                c += 1;
            }
        }
        cursor[k] = c as u32;
        let section_end = bound.unwrap_or_else(|| end_of(cur));
        if c < end {
            let child = kids[c];
            emit(cur, hi[child as usize], section_end);
            cur = child;
            bound = None;
        } else {
            if cur == VIRTUAL {
                break;
            }
            emit(cur, start_of(cur), section_end);
            if cur == walk_root {
                break;
            }
            bound = Some(start_of(cur));
            cur = tree.parent(SpanIdx(cur)).map_or(VIRTUAL, |p| p.0);
        }
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    //! The Jaeger UI cases (`CriticalPath/testCases/test1..9`, and the fixtures
    //! `jaeger/jaeger-ui__critical-path-happy-trace.json` and
    //! `jaeger/jaeger-ui__critical-path-single-letter-ids.json`), written as Jaeger JSON and
    //! read by the Jaeger importer, as Jaeger UI reads them: parents are `CHILD_OF`
    //! references, kinds are `span.kind` tags, services come from `processes`. Each expected
    //! path is Jaeger's, in time order.
    use crate::derive::{derive, DeriveOptions};
    use crate::import::{import_as, Format};

    /// Spans as (id, parent, start, duration, kind), kind as Jaeger's `span.kind` tag value.
    fn trace(spans: &[(&str, &str, i64, i64, &str)]) -> crate::derive::Derived {
        let body: Vec<String> = spans
            .iter()
            .map(|(id, parent, start, dur, kind)| {
                let references = if parent.is_empty() {
                    String::new()
                } else {
                    format!(r#"{{"refType":"CHILD_OF","traceID":"1","spanID":"{parent}"}}"#)
                };
                let tags = if kind.is_empty() {
                    String::new()
                } else {
                    format!(r#"{{"key":"span.kind","type":"string","value":"{kind}"}}"#)
                };
                format!(
                    r#"{{"traceID":"1","spanID":"{id}","operationName":"{id}","references":[{references}],"startTime":{start},"duration":{dur},"tags":[{tags}],"logs":[],"processID":"p1"}}"#
                )
            })
            .collect();
        let json = format!(
            r#"{{"data":[{{"traceID":"1","spans":[{}],"processes":{{"p1":{{"serviceName":"svc","tags":[]}}}}}}],"total":0,"limit":0,"offset":0,"errors":null}}"#,
            body.join(",")
        );
        let mut imported = import_as(json.as_bytes(), Format::Jaeger).expect("valid Jaeger JSON");
        assert_eq!(imported.traces.len(), 1, "one trace expected");
        derive(imported.traces.remove(0), DeriveOptions::default())
    }

    /// The path as (span name, start, end).
    fn path(d: &crate::derive::Derived) -> Vec<(String, i64, i64)> {
        d.critical_path()
            .into_iter()
            .map(|s| {
                (
                    d.trace.str(d.trace.span(s.span).name).to_string(),
                    s.start_us,
                    s.end_us,
                )
            })
            .collect()
    }

    fn expect(want: &[(&str, i64, i64)]) -> Vec<(String, i64, i64)> {
        want.iter()
            .map(|&(n, s, e)| (n.to_string(), s, e))
            .collect()
    }

    #[test]
    fn jaeger_test1_two_sequential_children() {
        let d = trace(&[
            ("e", "c", 50, 10, ""),
            ("c", "", 1, 100, ""),
            ("d", "c", 20, 20, ""),
        ]);
        assert_eq!(
            path(&d),
            expect(&[
                ("c", 1, 20),
                ("d", 20, 40),
                ("c", 40, 50),
                ("e", 50, 60),
                ("c", 60, 101)
            ])
        );
    }

    #[test]
    fn jaeger_test2_overlapping_children() {
        let d = trace(&[
            ("a0", "", 1, 100, ""),
            ("a1", "a0", 10, 40, ""),
            ("a2", "a0", 20, 40, ""),
        ]);
        assert_eq!(
            path(&d),
            expect(&[("a0", 1, 20), ("a2", 20, 60), ("a0", 60, 101)])
        );
    }

    #[test]
    fn jaeger_test3_and_test4_children_after_the_parent_are_dropped() {
        let d = trace(&[("a", "", 100, 40, ""), ("b", "a", 150, 60, "")]);
        assert_eq!(path(&d), expect(&[("a", 100, 140)]));
        let d = trace(&[
            ("a", "", 1, 30, ""),
            ("b", "a", 40, 40, ""),
            ("c", "b", 50, 10, ""),
        ]);
        assert_eq!(path(&d), expect(&[("a", 1, 31)]));
    }

    #[test]
    fn jaeger_test5_consumer_of_a_producer_does_not_block() {
        let d = trace(&[
            ("a", "", 1, 30, "producer"),
            ("b", "a", 10, 10, "consumer"),
            ("c", "b", 12, 2, ""),
        ]);
        assert_eq!(path(&d), expect(&[("a", 1, 31)]));
    }

    #[test]
    fn jaeger_test6_and_test7_children_clipped_to_parents() {
        let d = trace(&[
            ("a", "", 1, 29, ""),
            ("b", "a", 15, 20, ""),
            ("c", "b", 10, 15, ""),
        ]);
        assert_eq!(
            path(&d),
            expect(&[("a", 1, 15), ("c", 15, 25), ("b", 25, 30)])
        );
        let d = trace(&[
            ("a", "", 1, 29, ""),
            ("b", "a", 15, 20, ""),
            ("c", "b", 20, 20, ""),
        ]);
        assert_eq!(
            path(&d),
            expect(&[("a", 1, 15), ("b", 15, 20), ("c", 20, 30)])
        );
    }

    #[test]
    fn jaeger_test8_and_test9_child_around_or_before_the_parent() {
        let d = trace(&[("a", "", 10, 20, ""), ("b", "a", 5, 30, "")]);
        assert_eq!(path(&d), expect(&[("b", 10, 30)]));
        let d = trace(&[("a", "", 10, 20, ""), ("b", "a", 1, 4, "")]);
        assert_eq!(path(&d), expect(&[("a", 10, 30)]));
    }

    #[test]
    fn jaeger_happy_trace_fixture() {
        // X 1..10 with A 2..6 (B 4..5 under it), C 3..7, D 8..9.
        let d = trace(&[
            ("f", "", 1, 9, "server"),
            ("a", "f", 2, 4, "client"),
            ("b", "a", 4, 1, "client"),
            ("c", "f", 3, 4, "client"),
            ("d", "f", 8, 1, "server"),
        ]);
        assert_eq!(
            path(&d),
            expect(&[
                ("f", 1, 3),
                ("c", 3, 7),
                ("f", 7, 8),
                ("d", 8, 9),
                ("f", 9, 10)
            ])
        );
    }

    #[test]
    fn jaeger_single_letter_ids_fixture() {
        // Upper-case single-letter ids and a trace starting at 0, as in the fixture.
        let d = trace(&[
            ("A", "", 0, 100, ""),
            ("B", "A", 10, 20, ""),
            ("C", "A", 40, 10, ""),
            ("D", "A", 60, 30, ""),
        ]);
        assert_eq!(
            path(&d),
            expect(&[
                ("A", 0, 10),
                ("B", 10, 30),
                ("A", 30, 40),
                ("C", 40, 50),
                ("A", 50, 60),
                ("D", 60, 90),
                ("A", 90, 100)
            ])
        );
    }

    #[test]
    fn several_roots_share_one_path_with_gaps() {
        let d = trace(&[
            ("a", "", 10, 20, ""),
            ("b", "", 50, 10, ""),
            ("c", "", 15, 5, ""),
        ]);
        assert!(d.tree.synthetic_root);
        assert_eq!(path(&d), expect(&[("a", 10, 30), ("b", 50, 60)]));
    }

    #[test]
    fn equal_ends_pick_the_earliest_start() {
        let d = trace(&[
            ("a", "", 1, 100, ""),
            ("b", "a", 20, 30, ""),
            ("c", "a", 10, 40, ""),
        ]);
        assert_eq!(
            path(&d),
            expect(&[("a", 1, 10), ("c", 10, 50), ("a", 50, 101)])
        );
    }
}
