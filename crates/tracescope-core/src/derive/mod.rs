//! Pure derivations from a [`Trace`]. Each returns its warnings as data; nothing here logs or
//! reads global state, and nothing recurses over spans (a trace may be a chain a million deep).
//!
//! [`derive`] runs the per-load pipeline: [`clean`] (merge copies, shared halves, times from
//! annotations) → [`tree`] (flat span tree, effective times) → [`skew`] (clock-skew
//! correction of the tree's times) → [`summary`]. The views compute the rest on demand from a
//! [`Derived`]: [`critical_path`], [`self_time`], [`stats`], [`service_graph`], and
//! [`dependencies`] across traces.

pub mod clean;
pub mod critical_path;
pub mod dependencies;
pub mod dependency_graph;
pub mod self_time;
pub mod service_graph;
pub mod skew;
pub mod stats;
pub mod summary;
pub mod tree;

use crate::model::{SpanIdx, Trace};

pub use critical_path::{critical_path, CriticalSegment};
pub use dependencies::{dependency_links, DependencyLink, DependencyLinker};
pub use self_time::{self_time, self_times};
pub use service_graph::{service_graph, ServiceEdge, ServiceGraph, ServiceNode};
pub use skew::SkewAdjustment;
pub use stats::{stats, GroupBy, GroupStats};
pub use summary::Summary;
pub use tree::SpanTree;

/// Why a span was changed, moved or dropped. Nothing is lost silently: every input span is
/// either in the tree or counted in a [`WarningKind::DuplicateMerged`] warning (one per
/// report merged away), so `input spans = trace.spans.len() + count(DuplicateMerged)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningKind {
    /// Another report of this span (same id, same side, compatible endpoint) was merged into
    /// it. One warning per report merged away.
    DuplicateMerged,
    /// The span names a parent that is not in the trace. It is attached under the root when
    /// the trace has exactly one, otherwise shown at the top level (under the synthetic root).
    MissingParent,
    /// The span was its own ancestor (or named itself as its parent); the loop was cut here
    /// and the span placed like a span whose parent is missing.
    CycleBroken,
    /// The span has no timestamp; its start was taken from its annotations, its earliest
    /// child, or its parent, as the detail says.
    MissingTimestamp,
    /// The span has no duration; it was taken from its annotations or its last child, or the
    /// span is shown as an instant, as the detail says.
    MissingDuration,
    /// The trace has several root spans; they are shown under a synthetic root.
    MultipleRoots,
}

impl WarningKind {
    pub const ALL: [WarningKind; 6] = [
        WarningKind::DuplicateMerged,
        WarningKind::MissingParent,
        WarningKind::CycleBroken,
        WarningKind::MissingTimestamp,
        WarningKind::MissingDuration,
        WarningKind::MultipleRoots,
    ];

    pub fn key(self) -> &'static str {
        match self {
            WarningKind::DuplicateMerged => "duplicate_merged",
            WarningKind::MissingParent => "missing_parent",
            WarningKind::CycleBroken => "cycle_broken",
            WarningKind::MissingTimestamp => "missing_timestamp",
            WarningKind::MissingDuration => "missing_duration",
            WarningKind::MultipleRoots => "multiple_roots",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub kind: WarningKind,
    /// The span it concerns, as an index into the cleaned trace.
    pub span: Option<SpanIdx>,
    pub detail: String,
}

/// How many warnings of each kind there are, in [`WarningKind::ALL`] order, kinds with none
/// left out. For the CLI and for tests of "nothing lost".
pub fn warning_counts(warnings: &[Warning]) -> Vec<(WarningKind, usize)> {
    let mut counts = [0usize; WarningKind::ALL.len()];
    for w in warnings {
        counts[w.kind as usize] += 1;
    }
    WarningKind::ALL
        .into_iter()
        .zip(counts)
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// What [`derive`] may do beyond the cleaning every trace gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeriveOptions {
    /// Correct clock skew between CLIENT and SERVER halves of RPCs (see [`skew`]). On by
    /// default; the raw span times stay untouched either way.
    pub skew_correction: bool,
}

impl Default for DeriveOptions {
    fn default() -> Self {
        DeriveOptions {
            skew_correction: true,
        }
    }
}

/// A trace with everything the views need, computed once per load.
#[derive(Debug)]
pub struct Derived {
    /// The cleaned trace: copies merged, shared flags fixed. Times are as reported (or
    /// filled from annotations); corrected times are in `tree.start`/`tree.duration`.
    pub trace: Trace,
    pub tree: SpanTree,
    pub summary: Summary,
    pub warnings: Vec<Warning>,
    /// Spans whose effective start was moved by clock-skew correction, by span index.
    pub skew: Vec<SkewAdjustment>,
    pub options: DeriveOptions,
}

impl Derived {
    /// How far skew correction moved this span's start, in µs (0 when it was not moved).
    pub fn skew_delta(&self, span: SpanIdx) -> i64 {
        self.skew
            .binary_search_by_key(&span, |a| a.span)
            .map_or(0, |i| self.skew[i].delta_us)
    }

    /// The critical path (see [`critical_path()`]).
    pub fn critical_path(&self) -> Vec<CriticalSegment> {
        critical_path(&self.trace, &self.tree)
    }

    /// Self time of each span, by span index (see [`self_times`]).
    pub fn self_times(&self) -> Vec<i64> {
        self_times(&self.tree)
    }

    /// Per-service or per-operation statistics (see [`stats()`]).
    pub fn stats(&self, by: GroupBy) -> Vec<GroupStats> {
        stats(&self.trace, &self.tree, &self.self_times(), by)
    }

    /// The services of this trace and the calls between them (see [`service_graph()`]).
    pub fn service_graph(&self) -> ServiceGraph {
        service_graph(&self.trace, &self.tree)
    }
}

/// Runs the derivation pipeline: clean → tree → skew correction (unless switched off) →
/// summary.
pub fn derive(trace: Trace, options: DeriveOptions) -> Derived {
    let (trace, mut warnings) = clean::clean(trace);
    let mut tree = SpanTree::build(&trace, &mut warnings);
    let skew = if options.skew_correction {
        skew::correct(&trace, &mut tree)
    } else {
        Vec::new()
    };
    let summary = Summary::of(&trace, &tree);
    Derived {
        trace,
        tree,
        summary,
        warnings,
        skew,
        options,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the tests of this module: Zipkin v2 JSON in, [`Derived`] out.
    use super::{derive, DeriveOptions, Derived};
    use crate::import::import;
    use crate::model::SpanIdx;

    pub fn derived(json: &str) -> Derived {
        derived_with(json, DeriveOptions::default())
    }

    pub fn derived_with(json: &str, options: DeriveOptions) -> Derived {
        let mut imported = import(json.as_bytes()).expect("valid test input");
        assert_eq!(imported.traces.len(), 1, "one trace expected");
        derive(imported.traces.remove(0), options)
    }

    /// The index of the span with this (hex) id; the first when several share it.
    pub fn idx(d: &Derived, id: &str) -> SpanIdx {
        idx_where(d, id, |_| true)
    }

    /// The index of the span with this (hex) id that also passes `pick`.
    pub fn idx_where(d: &Derived, id: &str, pick: impl Fn(&crate::model::Span) -> bool) -> SpanIdx {
        let want = u64::from_str_radix(id, 16).expect("hex id");
        let i = d
            .trace
            .spans
            .iter()
            .position(|s| s.id == crate::model::SpanId::Hex(want) && pick(s))
            .unwrap_or_else(|| panic!("no span {id}"));
        SpanIdx(i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_counts_follow_kind_order() {
        let w = |kind| Warning {
            kind,
            span: None,
            detail: String::new(),
        };
        let warnings = [
            w(WarningKind::MissingParent),
            w(WarningKind::DuplicateMerged),
            w(WarningKind::MissingParent),
        ];
        assert_eq!(
            warning_counts(&warnings),
            vec![
                (WarningKind::DuplicateMerged, 1),
                (WarningKind::MissingParent, 2)
            ]
        );
        assert!(warning_counts(&[]).is_empty());
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let d = testing::derived(
            r#"[{"traceId":"a","id":"1","kind":"CLIENT","timestamp":-9223372036854775000,"duration":9223372036854775000,"localEndpoint":{"serviceName":"a"}},
               {"traceId":"a","id":"1","kind":"SERVER","timestamp":9223372036854775000,"duration":9223372036854775000,"localEndpoint":{"serviceName":"b"}},
               {"traceId":"a","id":"2","parentId":"1","timestamp":-9223372036854775000,"localEndpoint":{"serviceName":"b"}},
               {"traceId":"a","id":"3","parentId":"2","timestamp":9223372036854775000,"duration":9223372036854775000}]"#,
        );
        assert_eq!(d.tree.preorder.len(), 4);
        let _ = (d.critical_path(), d.self_times(), d.service_graph());
        let _ = (d.stats(GroupBy::Service), d.stats(GroupBy::Operation));
    }
}
