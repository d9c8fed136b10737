//! The whole pipeline as named stages, for the tools that look at one stage at a time:
//! benchmarks (a time per stage), fuzzing and snapshot tests. [`crate::derive::derive`] stays the
//! way the app runs it; this module runs the same steps one by one, and a test checks that
//! both agree.
//!
//! A new derivation is one more entry in [`DERIVE_STAGES`] (plus its field in [`Work`]):
//! every benchmark table, fuzz target and snapshot test picks it up from there.

use crate::derive::{
    clean, skew, stats, CriticalSegment, DeriveOptions, Derived, GroupBy, SkewAdjustment, SpanTree,
    Summary, Warning,
};
use crate::draw::{paint_waterfall, Marks, Painter, TextStyle};
use crate::import::{import, ImportError, Imported};
use crate::layout::color::Theme;
use crate::layout::model::WaterfallModel;
use crate::layout::waterfall::{scene, visible_rows, Scene, Viewport};
use crate::model::Trace;

/// The first stage: bytes to traces.
pub const IMPORT_STAGE: &str = "import";

/// One step of the derivation, in pipeline order.
pub struct Stage {
    pub name: &'static str,
    pub run: fn(&mut Work),
}

/// The derivation, step by step, in the order [`crate::derive::derive`] runs it, then
/// what the views derive on demand (critical path, self time, statistics).
pub const DERIVE_STAGES: &[Stage] = &[
    Stage {
        name: "clean+tree",
        run: clean_and_tree,
    },
    Stage {
        name: "skew",
        run: correct_skew,
    },
    Stage {
        name: "summary",
        run: summarize,
    },
    Stage {
        name: "critical path+stats",
        run: critical_path_and_stats,
    },
];

/// What the derivation stages have computed so far for one trace.
pub struct Work {
    /// The trace as imported, then as cleaned.
    pub trace: Trace,
    pub warnings: Vec<Warning>,
    pub tree: Option<SpanTree>,
    pub skew: Vec<SkewAdjustment>,
    pub summary: Option<Summary>,
    pub critical_path: Vec<CriticalSegment>,
    /// Statistics rows per service and per operation (count only: kept to be measured).
    pub stats_rows: usize,
}

impl Work {
    pub fn new(trace: Trace) -> Work {
        Work {
            trace,
            warnings: Vec::new(),
            tree: None,
            skew: Vec::new(),
            summary: None,
            critical_path: Vec::new(),
            stats_rows: 0,
        }
    }

    /// The finished derivation, or `None` if a stage was skipped.
    pub fn into_derived(self) -> Option<Derived> {
        Some(Derived {
            trace: self.trace,
            tree: self.tree?,
            summary: self.summary?,
            warnings: self.warnings,
            skew: self.skew,
            options: DeriveOptions::default(),
        })
    }
}

fn clean_and_tree(w: &mut Work) {
    let empty = Trace::new(w.trace.id, Vec::new(), w.trace.strings.clone());
    let (trace, mut warnings) = clean::clean(std::mem::replace(&mut w.trace, empty));
    let tree = SpanTree::build(&trace, &mut warnings);
    w.trace = trace;
    w.warnings.append(&mut warnings);
    w.tree = Some(tree);
}

fn correct_skew(w: &mut Work) {
    if let Some(tree) = w.tree.as_mut() {
        w.skew = skew::correct(&w.trace, tree);
    }
}

fn critical_path_and_stats(w: &mut Work) {
    if let Some(tree) = &w.tree {
        w.critical_path = crate::derive::critical_path(&w.trace, tree);
        let self_times = crate::derive::self_times(tree);
        w.stats_rows = stats(&w.trace, tree, &self_times, GroupBy::Service).len()
            + stats(&w.trace, tree, &self_times, GroupBy::Operation).len();
    }
}

fn summarize(w: &mut Work) {
    if let Some(tree) = &w.tree {
        w.summary = Some(Summary::of(&w.trace, tree));
    }
}

/// Runs every derivation stage; the same result as [`crate::derive::derive`].
pub fn derive_staged(trace: Trace) -> Derived {
    let mut work = Work::new(trace);
    for stage in DERIVE_STAGES {
        (stage.run)(&mut work);
    }
    // Not about the input: DERIVE_STAGES is a constant, and its tests run every stage.
    work.into_derived()
        .expect("DERIVE_STAGES fills every field of Derived")
}

/// The view-model stage: the rows of a waterfall and the scene for `viewport`.
pub fn layout(m: &WaterfallModel, viewport: &Viewport) -> (Vec<u32>, Scene) {
    let rows = visible_rows(m, &[]);
    let s = scene(m, &rows, &[], viewport);
    (rows, s)
}

/// Bytes to painted scenes, every stage: import, derive, then for each trace the rows and
/// scene of three viewports (the whole trace; scrolled half-way and zoomed into the middle;
/// a tiny canvas) painted through a painter that only counts calls. What the fuzzers and
/// the fuzz regression tests run: it returns the import error, if any, and must never
/// panic. The count is of paint calls, so that nothing is optimised away.
pub fn run_all(bytes: &[u8]) -> Result<usize, ImportError> {
    let Imported { traces, .. } = import(bytes)?;
    let mut calls = 0;
    for t in traces {
        let d = derive_staged(t);
        let m = WaterfallModel::from_derived(&d);
        let fit = Viewport::fit(&m, 1200.0, 800.0);
        let span = fit.to_us - fit.from_us;
        let rows = visible_rows(&m, &[]);
        let zoomed = Viewport {
            scroll_y: rows.len() as f32 * crate::layout::waterfall::ROW_HEIGHT / 2.0,
            from_us: fit.from_us + span * 0.45,
            to_us: fit.from_us + span * 0.55,
            ..fit
        };
        let tiny = Viewport::fit(&m, 3.0, 2.0);
        for vp in [fit, zoomed, tiny] {
            let (_, scene) = layout(&m, &vp);
            let mut p = CountingPainter(0);
            let marks = Marks {
                critical: true,
                selected: rows.first().copied(),
                ..Marks::default()
            };
            paint_waterfall(&mut p, &m, &scene, &vp, &Theme::LIGHT, marks);
            calls += p.0;
        }
    }
    Ok(calls)
}

/// A painter that draws nothing and counts what it was asked to draw.
struct CountingPainter(usize);

impl Painter for CountingPainter {
    fn fill_rect(&mut self, _: f32, _: f32, _: f32, _: f32, _: u32) {
        self.0 += 1;
    }
    fn text(&mut self, _: f32, _: f32, _: &str, _: TextStyle) {
        self.0 += 1;
    }
    fn clip(&mut self, _: f32, _: f32, _: f32, _: f32) {}
    fn unclip(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_derivation_equals_derive() {
        let input = br#"[
          {"traceId":"a","id":"1","kind":"CLIENT","timestamp":10,"duration":100,"localEndpoint":{"serviceName":"web"}},
          {"traceId":"a","id":"1","kind":"SERVER","timestamp":20,"duration":50,"localEndpoint":{"serviceName":"api"}},
          {"traceId":"a","id":"2","parentId":"1","timestamp":30,"localEndpoint":{"serviceName":"api"}},
          {"traceId":"a","id":"3","parentId":"9","localEndpoint":{"serviceName":"db"}}
        ]"#;
        let trace = || import(input).expect("valid").traces.remove(0);
        let a = crate::derive::derive(trace(), Default::default());
        let b = derive_staged(trace());
        assert_eq!(a.trace.spans, b.trace.spans);
        assert_eq!(a.tree.preorder, b.tree.preorder);
        assert_eq!(a.tree.start, b.tree.start);
        assert_eq!(a.summary, b.summary);
        assert_eq!(a.warnings, b.warnings);
    }

    #[test]
    fn run_all_paints_each_trace() {
        let input = br#"[[{"traceId":"a","id":"1","timestamp":1,"duration":2}],
                         [{"traceId":"b","id":"1","timestamp":1,"duration":2}]]"#;
        let calls = run_all(input).expect("valid");
        assert!(calls > 0);
        assert!(run_all(b"[").is_err());
    }
}
