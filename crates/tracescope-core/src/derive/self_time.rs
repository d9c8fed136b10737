//! Self time: how long a span was running with none of its children running, i.e. its
//! duration minus the union of its children's intervals clipped to it (as Jaeger UI's trace
//! statistics count it). Uses the effective (skew-corrected) times of the tree.

use super::SpanTree;
use crate::model::SpanIdx;

/// Self time of each span in µs, by span index.
pub fn self_times(tree: &SpanTree) -> Vec<i64> {
    (0..tree.len())
        .map(|i| self_time(tree, SpanIdx(i as u32)))
        .collect()
}

/// Self time of one span in µs: one pass over its children, which the tree keeps sorted
/// by start.
pub fn self_time(tree: &SpanTree, span: SpanIdx) -> i64 {
    let i = span.get();
    let (s, e) = (tree.start[i], tree.end(span));
    let mut covered = 0i64;
    // The run of overlapping children being merged.
    let mut run: Option<(i64, i64)> = None;
    for c in tree.children(span) {
        let lo = tree.start[c.get()].max(s);
        let hi = tree.end(c).min(e);
        if hi <= lo {
            continue;
        }
        run = match run {
            Some((a, b)) if lo <= b => Some((a, b.max(hi))),
            Some((a, b)) => {
                covered = covered.saturating_add(b.saturating_sub(a));
                Some((lo, hi))
            }
            None => Some((lo, hi)),
        };
    }
    if let Some((a, b)) = run {
        covered = covered.saturating_add(b.saturating_sub(a));
    }
    e.saturating_sub(s).saturating_sub(covered).max(0)
}

#[cfg(test)]
mod tests {
    use crate::derive::testing::{derived, idx};

    #[test]
    fn children_are_united_and_clipped() {
        // Parent 100..200; children 90..120 (clipped to 100..120), 110..130 (overlaps),
        // 150..160, 190..250 (clipped to 190..200), 300..310 (outside).
        let d = derived(
            r#"[{"traceId":"a","id":"1","timestamp":100,"duration":100},
               {"traceId":"a","id":"2","parentId":"1","timestamp":90,"duration":30},
               {"traceId":"a","id":"3","parentId":"1","timestamp":110,"duration":20},
               {"traceId":"a","id":"4","parentId":"1","timestamp":150,"duration":10},
               {"traceId":"a","id":"5","parentId":"1","timestamp":190,"duration":60},
               {"traceId":"a","id":"6","parentId":"1","timestamp":300,"duration":10},
               {"traceId":"a","id":"7","parentId":"3","timestamp":111,"duration":5}]"#,
        );
        let st = d.self_times();
        assert_eq!(st[idx(&d, "1").get()], 100 - 30 - 10 - 10);
        assert_eq!(st[idx(&d, "3").get()], 15);
        assert_eq!(st[idx(&d, "6").get()], 10);
    }

    #[test]
    fn a_span_covered_by_a_longer_child_has_no_self_time() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","timestamp":10,"duration":20},
               {"traceId":"a","id":"2","parentId":"1","timestamp":5,"duration":30}]"#,
        );
        assert_eq!(d.self_times(), vec![0, 30]);
    }
}
