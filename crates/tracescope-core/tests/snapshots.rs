//! Every fixture through every stage, snapshotted in a compact, reviewable text form
//! (insta; files in `tests/snapshots/`, named `<folder>.<fixture>.<stage>`).
//!
//! Formats the core cannot read yet snapshot their import error: those snapshots change
//! when the importers land, as they should. A stage added to the pipeline gets a writer
//! here and one line in [`DERIVED_STAGES`].
//!
//! Update after a deliberate change: `INSTA_UPDATE=always cargo test -p tracescope-core
//! --test snapshots` (or `cargo insta review`), then read the diff.

mod common;

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};

use tracescope_core::derive::{derive, Derived};
use tracescope_core::import::{import, ImportError, Imported};
use tracescope_core::model::{SpanIdx, Trace};
use tracescope_core::pipeline::derive_staged;

/// A writer per derived stage, in pipeline order.
type StageWriter = fn(&Derived) -> String;
const DERIVED_STAGES: &[(&str, StageWriter)] = &[
    ("tree", tree),
    ("skew", skew),
    ("summary", summary),
    ("critical-path", critical_path),
    ("stats", stats),
    ("warnings", warnings),
];

#[test]
fn every_fixture_every_stage() {
    let mut failures = Vec::new();
    for (rel, path) in common::all_fixtures() {
        let bytes = std::fs::read(&path).expect("readable");
        // `zipkin-v2/zipkin__yelp.json` → `zipkin-v2.zipkin__yelp`
        let base = rel
            .rsplit_once('.')
            .map_or(rel.as_str(), |(stem, _)| stem)
            .replace('/', ".");
        let result = catch_unwind(AssertUnwindSafe(|| snapshot_fixture(&base, &bytes)));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            failures.push(format!("{rel}: {}", msg.lines().next().unwrap_or("")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ from their snapshots:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn snapshot_fixture(base: &str, bytes: &[u8]) {
    let result = import(bytes);
    insta::assert_snapshot!(format!("{base}.import"), import_stage(&result));
    let Ok(imported) = result else { return };
    let derived: Vec<Derived> = imported
        .traces
        .into_iter()
        .map(|t| {
            let d = derive_staged(t.clone());
            assert_same_derivation(&d, &derive(t, Default::default()));
            d
        })
        .collect();
    for (stage, writer) in DERIVED_STAGES {
        let mut text = String::new();
        for d in &derived {
            let _ = writeln!(text, "trace {}", d.trace.id_string());
            text.push_str(&writer(d));
        }
        insta::assert_snapshot!(format!("{base}.{stage}"), text);
    }
}

/// The staged pipeline (benchmarks, fuzzing, these snapshots) and the app's one-call
/// derivation must not drift apart.
fn assert_same_derivation(a: &Derived, b: &Derived) {
    assert_eq!(a.trace.spans, b.trace.spans);
    assert_eq!(a.tree.preorder, b.tree.preorder);
    assert_eq!(a.tree.start, b.tree.start);
    assert_eq!(a.tree.duration, b.tree.duration);
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.warnings, b.warnings);
}

fn span_label(t: &Trace, i: SpanIdx) -> String {
    let s = t.span(i);
    format!(
        "{} {}:{}",
        s.id.display(&t.strings),
        t.str(s.service),
        t.str(s.name)
    )
}

/// Format, traces, and per span: id, parent, service, name, kind, start (relative to the
/// trace's earliest), duration, tag count.
fn import_stage(result: &Result<Imported, ImportError>) -> String {
    let imported = match result {
        Ok(i) => i,
        Err(e) => return format!("error: {e}\n"),
    };
    let mut out = format!("format: {}\n", imported.format.key());
    for t in &imported.traces {
        let t0 = t
            .spans
            .iter()
            .filter_map(|s| s.start)
            .min()
            .map_or(0, |m| m.0);
        let _ = writeln!(
            out,
            "trace {} ({} spans, t0 {t0} µs)",
            t.id_string(),
            t.spans.len()
        );
        for s in &t.spans {
            let _ = writeln!(
                out,
                "  {} parent={} {}:{} kind={} start={} dur={} tags={}",
                s.id.display(&t.strings),
                s.parent_id
                    .map_or("-".to_string(), |p| p.display(&t.strings).to_string()),
                t.str(s.service),
                t.str(s.name),
                if s.kind.as_str().is_empty() {
                    "-"
                } else {
                    s.kind.as_str()
                },
                s.start
                    .map_or("-".to_string(), |m| format!("+{}", m.0 - t0)),
                s.duration.map_or("-".to_string(), |m| m.0.to_string()),
                s.tags.len()
            );
        }
    }
    out
}

/// Depth-first, indented by depth, with effective times relative to the trace start.
fn tree(d: &Derived) -> String {
    let t0 = d.summary.start_us;
    let mut out = String::new();
    for &i in &d.tree.preorder {
        let k = i.get();
        let _ = writeln!(
            out,
            "{}{} [+{} {}]{}",
            "  ".repeat(d.tree.depth[k] as usize + 1),
            span_label(&d.trace, i),
            d.tree.start[k] - t0,
            d.tree.duration[k],
            if d.trace.span(i).shared {
                " shared"
            } else {
                ""
            }
        );
    }
    out
}

/// Spans moved by clock-skew correction, and by how much.
fn skew(d: &Derived) -> String {
    let mut out = String::new();
    for a in &d.skew {
        let _ = writeln!(
            out,
            "  {} moved {:+} µs",
            span_label(&d.trace, a.span),
            a.delta_us
        );
    }
    if out.is_empty() {
        out.push_str("  (no adjustment)\n");
    }
    out
}

/// Critical-path segments, relative to the trace start.
fn critical_path(d: &Derived) -> String {
    let t0 = d.summary.start_us;
    let mut out = String::new();
    for seg in d.critical_path() {
        let _ = writeln!(
            out,
            "  +{}..+{} {}",
            seg.start_us - t0,
            seg.end_us - t0,
            span_label(&d.trace, seg.span)
        );
    }
    out
}

/// Per-service, then per-operation statistics.
fn stats(d: &Derived) -> String {
    let mut out = String::new();
    for by in [
        tracescope_core::derive::GroupBy::Service,
        tracescope_core::derive::GroupBy::Operation,
    ] {
        for g in d.stats(by) {
            let _ = writeln!(
                out,
                "  {}{}: n={} errors={} total={} self={} min={} p50={} p95={} max={}",
                d.trace.str(g.service),
                g.name
                    .map(|n| format!(" {}", d.trace.str(n)))
                    .unwrap_or_default(),
                g.count,
                g.error_count,
                g.total_us,
                g.self_total_us,
                g.min_us,
                g.p50_us,
                g.p95_us,
                g.max_us
            );
        }
    }
    out
}

fn summary(d: &Derived) -> String {
    let s = &d.summary;
    let services: Vec<String> = s
        .services
        .iter()
        .map(|(id, n)| format!("{}={n}", d.trace.str(*id)))
        .collect();
    format!(
        "  root: {}:{}\n  start_us: {}\n  duration_us: {}\n  spans: {}, errors: {}, roots: {}, max depth: {}\n  services: {}\n",
        d.trace.str(s.root_service),
        d.trace.str(s.root_name),
        s.start_us,
        s.duration_us,
        s.span_count,
        s.error_count,
        s.root_count,
        s.max_depth,
        services.join(", ")
    )
}

fn warnings(d: &Derived) -> String {
    let mut out = String::new();
    for w in &d.warnings {
        let _ = writeln!(
            out,
            "  {} {}: {}",
            w.kind.key(),
            w.span.map_or("-".to_string(), |i| span_label(&d.trace, i)),
            w.detail
        );
    }
    if out.is_empty() {
        out.push_str("  (none)\n");
    }
    out
}
