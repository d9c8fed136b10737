//! Pure derivations from a [`Trace`]: cleaning, the span tree, the summary. Each returns
//! its warnings as data; nothing here logs or reads global state.

pub mod clean;
pub mod summary;
pub mod tree;

use crate::model::{SpanIdx, Trace};

pub use summary::Summary;
pub use tree::SpanTree;

/// Why a span was changed, moved or dropped. Nothing is lost silently: every input span is
/// either in the tree or counted in a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningKind {
    /// Several copies of one span (same id and side) were merged into one.
    DuplicateMerged,
    /// The span names a parent that is not in the trace; it is shown as a root.
    MissingParent,
    /// The span was its own ancestor; the loop was cut here.
    CycleBroken,
    /// Neither the span nor its annotations give a start; it was placed at its parent's.
    MissingTimestamp,
    /// The span has no duration and none could be derived.
    MissingDuration,
    /// The trace has several roots.
    MultipleRoots,
}

impl WarningKind {
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

/// A trace with everything the views need, computed once per load.
#[derive(Debug)]
pub struct Derived {
    pub trace: Trace,
    pub tree: SpanTree,
    pub summary: Summary,
    pub warnings: Vec<Warning>,
}

/// Runs the derivation pipeline: clean → tree → summary.
pub fn derive(trace: Trace) -> Derived {
    let (trace, mut warnings) = clean::clean(trace);
    let tree = SpanTree::build(&trace, &mut warnings);
    let summary = Summary::of(&trace, &tree);
    Derived {
        trace,
        tree,
        summary,
        warnings,
    }
}
