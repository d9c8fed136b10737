//! Helpers shared by the integration tests: where the fixtures are, and a readable view
//! of a span that does not depend on string interning.
#![allow(dead_code)] // each test crate uses a different part

use std::path::{Path, PathBuf};

use tracescope_core::model::{Endpoint, Span, Trace};

/// The shared trace fixtures, read in place (override: `TRACESCOPE_FIXTURES`). Missing
/// fixtures fail the test rather than skip it.
pub fn fixtures() -> PathBuf {
    let dir = std::env::var_os("TRACESCOPE_FIXTURES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    );
    assert!(
        dir.join("zipkin-v2").is_dir(),
        "trace fixtures not found at {} (set TRACESCOPE_FIXTURES)",
        dir.display()
    );
    dir
}

/// Every file in a fixture folder, sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Every fixture file of every format (`zipkin-v2/…`, `otlp/…`, …), with its name relative
/// to the fixtures folder. The README is documentation, not a fixture.
pub fn all_fixtures() -> Vec<(String, PathBuf)> {
    let root = fixtures();
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures folder is readable")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        for path in files_in(&dir) {
            let rel = path
                .strip_prefix(&root)
                .expect("inside the fixtures")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
    assert!(
        out.len() >= 40,
        "expected the shared fixture set, found {}",
        out.len()
    );
    out
}

/// Service, ipv4, ipv6, port.
pub type EndpointView = (String, Option<String>, Option<String>, Option<u16>);

/// A span with every string resolved, for comparing spans of differently interned traces.
/// Empty endpoints and empty addresses count as absent, as in Zipkin.
#[derive(Debug, PartialEq)]
pub struct SpanView {
    pub trace_id: String,
    pub id: String,
    pub parent: Option<String>,
    pub name: String,
    pub service: String,
    pub kind: &'static str,
    pub start: Option<i64>,
    pub duration: Option<i64>,
    pub local: Option<EndpointView>,
    pub remote: Option<EndpointView>,
    pub tags: Vec<(String, String)>,
    pub annotations: Vec<(i64, String)>,
    pub shared: bool,
    pub debug: bool,
    pub error: bool,
}

pub fn span_view(trace: &Trace, s: &Span) -> SpanView {
    let endpoint = |e: &Option<Endpoint>| {
        e.as_ref().and_then(|e| {
            let text = |v: &Option<std::sync::Arc<str>>| {
                v.as_deref().filter(|s| !s.is_empty()).map(String::from)
            };
            let v = (
                trace.str(e.service).to_string(),
                text(&e.ipv4),
                text(&e.ipv6),
                e.port,
            );
            (v != (String::new(), None, None, None)).then_some(v)
        })
    };
    SpanView {
        trace_id: s.trace_id.display(&trace.strings).to_string(),
        id: s.id.display(&trace.strings).to_string(),
        parent: s.parent_id.map(|p| p.display(&trace.strings).to_string()),
        name: trace.str(s.name).to_string(),
        service: trace.str(s.service).to_string(),
        kind: s.kind.as_str(),
        start: s.start.map(|m| m.0),
        duration: s.duration.map(|m| m.0),
        local: endpoint(&s.local),
        remote: endpoint(&s.remote),
        tags: s
            .tags
            .iter()
            .map(|t| (trace.str(t.key).to_string(), t.value.to_string()))
            .collect(),
        annotations: s
            .annotations
            .iter()
            .map(|a| (a.at.0, a.value.to_string()))
            .collect(),
        shared: s.shared,
        debug: s.debug,
        error: s.error,
    }
}
