//! Per-service and per-operation statistics of one trace: how many spans, how long in total
//! and by themselves (self time), the spread of durations, and errors. Durations are the
//! tree's effective ones.

use super::SpanTree;
use crate::hash::FxHashMap;
use crate::model::{StrId, Trace};

/// What spans are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// The local service.
    Service,
    /// The local service and the span name.
    Operation,
}

/// Statistics of one group of spans. Durations in µs.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupStats {
    pub service: StrId,
    /// The span name when grouped by [`GroupBy::Operation`].
    pub name: Option<StrId>,
    pub count: usize,
    pub total_us: i64,
    /// Sum of the spans' self times (see [`crate::derive::self_times`]).
    pub self_total_us: i64,
    pub min_us: i64,
    pub max_us: i64,
    pub avg_us: f64,
    /// Nearest-rank percentiles: the smallest duration that at least 50 % (95 %) of the
    /// spans do not exceed.
    pub p50_us: i64,
    pub p95_us: i64,
    pub error_count: usize,
}

/// Groups the spans and computes their statistics, largest total first (ties by service
/// then name, alphabetically). `self_times` is indexed by span, as
/// [`crate::derive::self_times`] returns it.
pub fn stats(trace: &Trace, tree: &SpanTree, self_times: &[i64], by: GroupBy) -> Vec<GroupStats> {
    let mut groups: FxHashMap<(StrId, StrId), Vec<u32>> = FxHashMap::default();
    for (i, s) in trace.spans.iter().enumerate() {
        let name = match by {
            GroupBy::Service => StrId::EMPTY,
            GroupBy::Operation => s.name,
        };
        groups.entry((s.service, name)).or_default().push(i as u32);
    }
    let mut out: Vec<GroupStats> = groups
        .into_iter()
        .map(|((service, name), members)| {
            let mut durations: Vec<i64> =
                members.iter().map(|&i| tree.duration[i as usize]).collect();
            durations.sort_unstable();
            let total = durations.iter().fold(0i64, |a, &d| a.saturating_add(d));
            let count = durations.len();
            GroupStats {
                service,
                name: (by == GroupBy::Operation).then_some(name),
                count,
                total_us: total,
                self_total_us: members
                    .iter()
                    .map(|&i| self_times.get(i as usize).copied().unwrap_or(0))
                    .fold(0i64, i64::saturating_add),
                min_us: durations.first().copied().unwrap_or(0),
                max_us: durations.last().copied().unwrap_or(0),
                avg_us: total as f64 / count.max(1) as f64,
                p50_us: nearest_rank(&durations, 50),
                p95_us: nearest_rank(&durations, 95),
                error_count: members
                    .iter()
                    .filter(|&&i| trace.spans[i as usize].error)
                    .count(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.total_us
            .cmp(&a.total_us)
            .then_with(|| trace.str(a.service).cmp(trace.str(b.service)))
            .then_with(|| {
                let name = |g: &GroupStats| g.name.map_or("", |n| trace.str(n));
                name(a).cmp(name(b))
            })
    });
    out
}

/// The `p`-th percentile of sorted values by the nearest-rank method.
fn nearest_rank(sorted: &[i64], p: usize) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::testing::derived;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=20).collect();
        assert_eq!(nearest_rank(&v, 50), 10);
        assert_eq!(nearest_rank(&v, 95), 19);
        assert_eq!(nearest_rank(&[7], 95), 7);
        assert_eq!(nearest_rank(&[1, 2, 3], 50), 2);
        assert_eq!(nearest_rank(&[], 50), 0);
    }

    #[test]
    fn by_service_and_operation() {
        let d = derived(
            r#"[{"traceId":"a","id":"1","name":"get","timestamp":100,"duration":100,"localEndpoint":{"serviceName":"web"}},
               {"traceId":"a","id":"2","parentId":"1","name":"query","timestamp":110,"duration":20,"localEndpoint":{"serviceName":"db"}},
               {"traceId":"a","id":"3","parentId":"1","name":"query","timestamp":140,"duration":40,"localEndpoint":{"serviceName":"db"},"tags":{"error":""}},
               {"traceId":"a","id":"4","parentId":"1","name":"render","timestamp":185,"duration":10,"localEndpoint":{"serviceName":"web"}}]"#,
        );
        let s = d.stats(GroupBy::Service);
        assert_eq!(s.len(), 2);
        let web = &s[0];
        assert_eq!(d.trace.str(web.service), "web");
        assert_eq!((web.count, web.total_us, web.self_total_us), (2, 110, 40));
        assert_eq!(
            (web.min_us, web.max_us, web.p50_us, web.p95_us),
            (10, 100, 10, 100)
        );
        assert!((web.avg_us - 55.0).abs() < 1e-9);
        let db = &s[1];
        assert_eq!((db.count, db.total_us, db.error_count), (2, 60, 1));
        let ops = d.stats(GroupBy::Operation);
        let names: Vec<_> = ops
            .iter()
            .map(|g| d.trace.str(g.name.expect("named")).to_string())
            .collect();
        assert_eq!(names, vec!["get", "query", "render"]);
    }
}
