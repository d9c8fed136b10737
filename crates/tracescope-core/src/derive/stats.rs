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
            let total = durations.iter().fold(0i64, |a, &d| a.saturating_add(d));
            let count = durations.len();
            let (min, max) = durations
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &d| (lo.min(d), hi.max(d)));
            let (p50, p95) = percentiles_50_95(&mut durations);
            GroupStats {
                service,
                name: (by == GroupBy::Operation).then_some(name),
                count,
                total_us: total,
                self_total_us: members
                    .iter()
                    .map(|&i| self_times.get(i as usize).copied().unwrap_or(0))
                    .fold(0i64, i64::saturating_add),
                min_us: if count == 0 { 0 } else { min },
                max_us: if count == 0 { 0 } else { max },
                avg_us: total as f64 / count.max(1) as f64,
                p50_us: p50,
                p95_us: p95,
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
#[cfg(test)]
fn nearest_rank(sorted: &[i64], p: usize) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[rank_index(p, sorted.len())]
}

/// Where the nearest-rank `p`-th percentile of `n` sorted values is.
fn rank_index(p: usize, n: usize) -> usize {
    (p * n).div_ceil(100).max(1) - 1
}

/// The nearest-rank 50th and 95th percentiles of `values` (reordered), without sorting
/// them: two selections, linear in time (a million spans sorted twice was a third of the
/// statistics' time).
fn percentiles_50_95(values: &mut [i64]) -> (i64, i64) {
    let n = values.len();
    if n == 0 {
        return (0, 0);
    }
    let (k50, k95) = (rank_index(50, n), rank_index(95, n));
    let (lower, &mut p95, _) = values.select_nth_unstable(k95);
    // The k95 smallest values are in `lower`; the k50-th smallest is among them (or is
    // the p95 value itself when k50 = k95).
    let p50 = if k50 == k95 {
        p95
    } else {
        *lower.select_nth_unstable(k50).1
    };
    (p50, p95)
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
        for n in [1usize, 2, 3, 19, 20, 21, 100, 101] {
            let sorted: Vec<i64> = (0..n as i64).map(|x| x * 3 % 7 + x).collect();
            let mut shuffled: Vec<i64> = sorted.iter().rev().copied().collect();
            let mut sorted = sorted;
            sorted.sort_unstable();
            assert_eq!(
                percentiles_50_95(&mut shuffled),
                (nearest_rank(&sorted, 50), nearest_rank(&sorted, 95)),
                "{n} values"
            );
        }
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
