//! `tracescope inspect`: one JSON summary per trace. The numbers come from the core's
//! derivation; this file only chooses what to show and names it.

use std::collections::BTreeMap;

use serde::Serialize;
use tracescope_core::derive::{Derived, WarningKind};
use tracescope_core::import::Imported;
use tracescope_core::model::StrId;
use tracescope_core::pipeline::derive_staged;

#[derive(Serialize)]
struct Report {
    format: &'static str,
    traces: Vec<TraceReport>,
}

#[derive(Serialize)]
struct TraceReport {
    trace_id: String,
    span_count: usize,
    /// Services with a name; spans without one are not a service.
    service_count: usize,
    max_depth: u32,
    root_count: usize,
    duration_us: i64,
    error_count: usize,
    warnings: Vec<WarningCount>,
}

#[derive(Serialize)]
struct WarningCount {
    kind: &'static str,
    count: usize,
}

impl TraceReport {
    fn of(d: &Derived) -> TraceReport {
        let s = &d.summary;
        let mut per_kind: BTreeMap<WarningKind, usize> = BTreeMap::new();
        for w in &d.warnings {
            *per_kind.entry(w.kind).or_default() += 1;
        }
        TraceReport {
            trace_id: d.trace.id_string(),
            span_count: s.span_count,
            service_count: s
                .services
                .iter()
                .filter(|(id, _)| *id != StrId::EMPTY)
                .count(),
            max_depth: s.max_depth,
            root_count: s.root_count,
            duration_us: s.duration_us,
            error_count: s.error_count,
            warnings: per_kind
                .into_iter()
                .map(|(kind, count)| WarningCount {
                    kind: kind.key(),
                    count,
                })
                .collect(),
        }
    }
}

/// The report for every trace of `imported`, as pretty JSON with a final newline.
pub fn report_json(imported: Imported) -> Vec<u8> {
    let report = Report {
        format: imported.format.key(),
        traces: imported
            .traces
            .into_iter()
            .map(|t| TraceReport::of(&derive_staged(t)))
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&report).unwrap_or_default();
    out.push(b'\n');
    out
}
