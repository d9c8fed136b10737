//! The numbers a trace header shows.

use super::SpanTree;
use crate::model::{StrId, Trace};

#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub root_service: StrId,
    pub root_name: StrId,
    /// Earliest start, epoch µs.
    pub start_us: i64,
    /// From the earliest start to the latest end, µs.
    pub duration_us: i64,
    pub span_count: usize,
    pub error_count: usize,
    /// Services by span count, most first (ties by name id).
    pub services: Vec<(StrId, usize)>,
    /// Levels in the tree (a lone span is 1).
    pub max_depth: u32,
    pub root_count: usize,
}

impl Summary {
    pub fn of(trace: &Trace, tree: &SpanTree) -> Summary {
        let mut per_service = vec![0usize; trace.strings.len()];
        let mut start = i64::MAX;
        let mut end = i64::MIN;
        let mut error_count = 0;
        for (i, s) in trace.spans.iter().enumerate() {
            per_service[s.service.0 as usize] += 1;
            start = start.min(tree.start[i]);
            end = end.max(tree.start[i].saturating_add(tree.duration[i]));
            error_count += usize::from(s.error);
        }
        let mut services: Vec<(StrId, usize)> = per_service
            .into_iter()
            .enumerate()
            .filter(|&(_, c)| c > 0)
            .map(|(i, c)| (StrId(i as u32), c))
            .collect();
        services.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let root = tree.roots.first().map(|&r| trace.span(r));
        Summary {
            root_service: root.map_or(StrId::EMPTY, |r| r.service),
            root_name: root.map_or(StrId::EMPTY, |r| r.name),
            start_us: if start == i64::MAX { 0 } else { start },
            duration_us: if end >= start {
                end.saturating_sub(start)
            } else {
                0
            },
            span_count: trace.spans.len(),
            error_count,
            services,
            max_depth: tree.max_depth(),
            root_count: tree.roots.len(),
        }
    }
}
