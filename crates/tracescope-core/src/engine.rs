//! The loaded traces and the questions the UI asks about them. The engine owns the full
//! derived data; the UI holds only the flat [`WaterfallModel`] it draws, and asks the
//! engine for everything else (filter matches, span details). In the browser the engine
//! runs in a Web Worker, so answers travel as serialisable values.

use std::cell::OnceCell;

use serde::{Deserialize, Serialize};

use crate::derive::{derive, skew, DeriveOptions, Derived, SpanTree, Summary};
use crate::filter::{Filter, FilterColumns, FilterError};
use crate::import::{import, ImportError};
use crate::layout::model::WaterfallModel;
use crate::layout::time_axis::format_duration;
use crate::model::{Endpoint, SpanId, SpanIdx};

/// What the header and trace picker show about each loaded trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceInfo {
    pub trace_id: String,
    pub root_service: String,
    pub root_name: String,
    pub start_us: i64,
    pub duration_us: i64,
    pub span_count: usize,
    pub error_count: usize,
    pub max_depth: u32,
    pub root_count: usize,
    pub services: Vec<(String, usize)>,
    /// `kind: detail` lines, for the warnings list.
    pub warnings: Vec<String>,
    /// The trace's service dependency links (Zipkin's linker): the trace view's services
    /// tab draws them, and the dependency page sums them over search results.
    #[serde(default)]
    pub links: Vec<crate::derive::DependencyLink>,
}

/// What [`Engine::export`] can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// The trace as Zipkin v2 JSON (normalised: what Zipkin would store).
    ZipkinV2,
    /// Per-service statistics as CSV.
    ServiceStatsCsv,
    /// Per-operation (service and span name) statistics as CSV.
    OperationStatsCsv,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadInfo {
    /// Human name of the detected format.
    pub format: String,
    pub traces: Vec<TraceInfo>,
}

/// Everything the span detail panel shows. Strings are untrusted: render them as text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpanDetail {
    pub span: u32,
    pub trace_id: String,
    pub span_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub service: String,
    pub kind: String,
    pub local_endpoint: Option<String>,
    pub remote_endpoint: Option<String>,
    /// Start relative to the trace start, and absolute (epoch µs).
    pub start_offset_us: i64,
    pub start_us: i64,
    pub duration_us: i64,
    /// Duration not covered by children.
    pub self_time_us: i64,
    /// How far clock-skew correction moved the span (0: not moved).
    pub skew_delta_us: i64,
    pub error: bool,
    pub shared: bool,
    /// Tags sorted by key.
    pub tags: Vec<(String, String)>,
    /// Annotations: offset from the span start (µs) and value.
    pub annotations: Vec<(i64, String)>,
    /// Links and references: kind, trace id, span id, attributes as `key=value`.
    pub links: Vec<LinkDetail>,
    /// OTLP-style status (`OK`, `ERROR` with its message), when the source had one.
    pub status: Option<String>,
    /// Attributes of the resource (OTLP) or process (Jaeger) that reported the span.
    pub resource: Vec<(String, String)>,
    /// Instrumentation scope name and version.
    pub scope: Option<String>,
    /// Warnings the derivation recorded for this span.
    pub warnings: Vec<String>,
    pub child_count: usize,
    /// The span as Zipkin v2 JSON (from the exporter), whatever format it was read from:
    /// the reported times, before any clock-skew correction.
    pub raw_json: String,
}

/// The stages of loading a trace, in order. The engine reports parsing and deriving; whoever
/// reads the bytes (a worker fetching a URL or reading a file) reports reading, and whoever
/// builds the view reports building.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Bytes arrive from the network or a file (`done`/`total` in bytes).
    Reading,
    /// The bytes are imported (`total` in bytes).
    Parsing,
    /// Traces are derived (`done`/`total` in traces).
    Deriving,
    /// The flat view-model of the first trace is built and handed over.
    Building,
}

impl Stage {
    /// Machine name (test hooks, performance marks).
    pub fn key(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Parsing => "parsing",
            Stage::Deriving => "deriving",
            Stage::Building => "building",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading",
            Stage::Parsing => "Parsing",
            Stage::Deriving => "Deriving",
            Stage::Building => "Building view",
        }
    }
}

/// Where a load is: a stage and, where meaningful, how far into it (`total` 0: unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

impl Progress {
    pub fn new(stage: Stage, done: u64, total: u64) -> Progress {
        Progress { stage, done, total }
    }

    /// Percent done, when the total is known.
    pub fn percent(&self) -> Option<u32> {
        (self.total > 0).then(|| (self.done.min(self.total) * 100 / self.total) as u32)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkDetail {
    /// `CHILD_OF`, `FOLLOWS_FROM` or `LINK`.
    pub kind: String,
    pub trace_id: String,
    pub span_id: String,
    pub attributes: Vec<(String, String)>,
}

pub struct Engine {
    format: &'static str,
    traces: Vec<Derived>,
    /// Each trace's filter columns, made on the first filter or by [`Engine::prepare_filter`]
    /// (they do not depend on skew correction).
    filter_columns: Vec<OnceCell<FilterColumns>>,
}

impl Engine {
    /// Imports and derives every trace in `bytes`.
    pub fn load(bytes: &[u8]) -> Result<Engine, ImportError> {
        Engine::load_reporting(bytes, &mut |_| {})
    }

    /// [`Engine::load`], reporting each stage as it starts (and each derived trace).
    pub fn load_reporting(
        bytes: &[u8],
        report: &mut dyn FnMut(Progress),
    ) -> Result<Engine, ImportError> {
        report(Progress::new(Stage::Parsing, 0, bytes.len() as u64));
        let imported = import(bytes)?;
        let total = imported.traces.len() as u64;
        let mut traces = Vec::with_capacity(imported.traces.len());
        for (i, t) in imported.traces.into_iter().enumerate() {
            report(Progress::new(Stage::Deriving, i as u64, total));
            traces.push(derive(t, DeriveOptions::default()));
        }
        Ok(Engine::from_derived(imported.format.name(), traces))
    }

    pub fn from_derived(format: &'static str, traces: Vec<Derived>) -> Engine {
        Engine {
            format,
            filter_columns: traces.iter().map(|_| OnceCell::new()).collect(),
            traces,
        }
    }

    /// Makes `trace`'s filter columns now (≈ a pass over its spans), so that the first
    /// filter does not pay for them: the worker calls this once a load is answered, while the
    /// page draws.
    pub fn prepare_filter(&self, trace: usize) {
        let _ = self.columns(trace);
    }

    fn columns(&self, trace: usize) -> Option<&FilterColumns> {
        let d = self.traces.get(trace)?;
        Some(
            self.filter_columns
                .get(trace)?
                .get_or_init(|| FilterColumns::of(d)),
        )
    }

    pub fn info(&self) -> LoadInfo {
        LoadInfo {
            format: self.format.to_string(),
            traces: self.traces.iter().map(trace_info).collect(),
        }
    }

    pub fn trace(&self, trace: usize) -> Option<&Derived> {
        self.traces.get(trace)
    }

    /// One trace in a downloadable form; `None` when there is no such trace.
    pub fn export(&self, trace: usize, kind: ExportKind) -> Option<Vec<u8>> {
        let d = self.traces.get(trace)?;
        Some(match kind {
            // The cleaned trace (ids normalised, copies merged), times as reported.
            ExportKind::ZipkinV2 => crate::export::to_vec(
                std::slice::from_ref(&d.trace),
                crate::export::Target::ZipkinV2,
            ),
            ExportKind::ServiceStatsCsv | ExportKind::OperationStatsCsv => {
                let by = if kind == ExportKind::ServiceStatsCsv {
                    crate::derive::GroupBy::Service
                } else {
                    crate::derive::GroupBy::Operation
                };
                let self_times = crate::derive::self_times(&d.tree);
                let rows = crate::derive::stats(&d.trace, &d.tree, &self_times, by);
                crate::export::csv::stats_csv(&rows, &d.trace.strings).into_bytes()
            }
        })
    }

    pub fn model(&self, trace: usize) -> Option<WaterfallModel> {
        self.traces.get(trace).map(WaterfallModel::from_derived)
    }

    /// Filter matches by model position. An empty query matches nothing (no filter).
    pub fn filter(&self, trace: usize, query: &str) -> Result<Vec<bool>, FilterError> {
        let Some(by_span) = self.matches_by_span(trace, query)? else {
            return Ok(Vec::new());
        };
        // Positions are the tree's preorder, as in the model.
        Ok(self.traces[trace]
            .tree
            .preorder
            .iter()
            .map(|s| by_span.get(s.get()).copied().unwrap_or(false))
            .collect())
    }

    /// The filter's answer as the page uses it: [`crate::layout::rows::marks`] by model
    /// position (matches, and matches with their ancestors), and the number of matches.
    /// Empty marks: no filter.
    pub fn filter_marks(&self, trace: usize, query: &str) -> Result<(Vec<u8>, usize), FilterError> {
        let Some(by_span) = self.matches_by_span(trace, query)? else {
            return Ok((Vec::new(), 0));
        };
        Ok(marks_of(&self.traces[trace].tree, &by_span))
    }

    /// Matches by span index; `None` for an empty query or a trace that is not there.
    fn matches_by_span(&self, trace: usize, query: &str) -> Result<Option<Vec<bool>>, FilterError> {
        let filter = Filter::parse(query)?;
        let Some(d) = self.traces.get(trace) else {
            return Ok(None);
        };
        if filter.is_empty() {
            return Ok(None);
        }
        let critical = if filter.terms.contains(&crate::filter::Term::Critical) {
            let mut on = vec![false; d.trace.spans.len()];
            for seg in d.critical_path() {
                on[seg.span.get()] = true;
            }
            on
        } else {
            Vec::new()
        };
        Ok(Some(match self.columns(trace) {
            Some(cols) => filter.apply_with(d, &critical, cols),
            None => filter.apply(d, &critical),
        }))
    }

    /// The span (index into the trace) with span id `id` (hex of any case, short ids
    /// left-padded, as imports read them). Several spans can share an id (the client and
    /// server halves of a Zipkin RPC): the first in tree order is the one.
    pub fn find_span(&self, trace: usize, id: &str) -> Option<u32> {
        let d = self.traces.get(trace)?;
        let want = SpanId::lookup(id.trim(), &d.trace.strings)?;
        d.tree
            .preorder
            .iter()
            .find(|s| {
                d.trace
                    .spans
                    .get(s.get())
                    .is_some_and(|span| span.id == want)
            })
            .map(|s| s.0)
    }

    pub fn span_detail(&self, trace: usize, span: u32) -> Option<SpanDetail> {
        let d = self.traces.get(trace)?;
        let k = span as usize;
        let s = d.trace.spans.get(k)?;
        let strings = &d.trace.strings;
        let endpoint = |e: &Option<Endpoint>| {
            e.as_ref().map(|e| {
                let mut out = d.trace.str(e.service).to_string();
                if let Some(ip) = e.ipv4.as_deref().or(e.ipv6.as_deref()) {
                    out.push_str(if out.is_empty() { "" } else { " " });
                    out.push_str(ip);
                }
                if let Some(p) = e.port {
                    out.push_str(&format!(":{p}"));
                }
                out
            })
        };
        let mut tags: Vec<(String, String)> = s
            .tags
            .iter()
            .map(|t| (d.trace.str(t.key).to_string(), t.value.to_string()))
            .collect();
        tags.sort();
        let kv = |tags: &[crate::model::Tag]| -> Vec<(String, String)> {
            tags.iter()
                .map(|t| (d.trace.str(t.key).to_string(), t.value.to_string()))
                .collect()
        };
        let links = s
            .links
            .iter()
            .map(|l| {
                let kind = match l.kind {
                    crate::model::LinkKind::ChildOf => "CHILD_OF",
                    crate::model::LinkKind::FollowsFrom => "FOLLOWS_FROM",
                    crate::model::LinkKind::Link => "LINK",
                };
                LinkDetail {
                    kind: kind.to_string(),
                    trace_id: l.trace_id.display(strings).to_string(),
                    span_id: l.span_id.display(strings).to_string(),
                    attributes: kv(&l.attributes),
                }
            })
            .collect();
        let status = match s.status.code {
            crate::model::StatusCode::Unset => None,
            code => {
                let msg = d.trace.str(s.status.message);
                let name = if code == crate::model::StatusCode::Ok {
                    "OK"
                } else {
                    "ERROR"
                };
                Some(if msg.is_empty() {
                    name.to_string()
                } else {
                    format!("{name}: {msg}")
                })
            }
        };
        let mut resource = d
            .trace
            .resource_of(s)
            .map(|r| kv(&r.attributes))
            .unwrap_or_default();
        resource.sort();
        let scope = d.trace.scope_of(s).map(|sc| {
            let name = d.trace.str(sc.name);
            let version = d.trace.str(sc.version);
            if version.is_empty() {
                name.to_string()
            } else {
                format!("{name} {version}")
            }
        });
        let start = d.tree.start[k];
        Some(SpanDetail {
            span,
            trace_id: s.trace_id.display(strings).to_string(),
            span_id: s.id.display(strings).to_string(),
            parent_id: s.parent_id.map(|p| p.display(strings).to_string()),
            name: d.trace.str(s.name).to_string(),
            service: d.trace.str(s.service).to_string(),
            kind: s.kind.as_str().to_string(),
            local_endpoint: endpoint(&s.local),
            remote_endpoint: endpoint(&s.remote),
            start_offset_us: start.saturating_sub(d.summary.start_us),
            start_us: start,
            duration_us: d.tree.duration[k],
            self_time_us: crate::derive::self_time(&d.tree, SpanIdx(span)),
            skew_delta_us: d.skew_delta(SpanIdx(span)),
            error: s.error,
            shared: s.shared,
            tags,
            annotations: s
                .annotations
                .iter()
                .map(|a| {
                    let mut text = a.value.to_string();
                    for t in a.attributes.iter() {
                        text.push_str(&format!(" {}={}", d.trace.str(t.key), t.value));
                    }
                    (a.at.0.saturating_sub(start), text)
                })
                .collect(),
            links,
            status,
            resource,
            scope,
            warnings: d
                .warnings
                .iter()
                .filter(|w| w.span == Some(SpanIdx(span)))
                .map(|w| format!("{}: {}", w.kind.key(), w.detail))
                .collect(),
            child_count: d.tree.child_count(SpanIdx(span)),
            raw_json: crate::export::span_zipkin_v2(&d.trace, s),
        })
    }

    /// Whether clock-skew correction is on for `trace`.
    pub fn skew_correction(&self, trace: usize) -> Option<bool> {
        self.traces.get(trace).map(|d| d.options.skew_correction)
    }

    /// Switches clock-skew correction of `trace` on or off and returns its new model. The
    /// cleaned spans are kept; the tree, the corrections and the summary are computed again
    /// (the tree's warnings are the same as at load, so they are not recorded twice). Span
    /// indices do not change, so a selection (by span) survives the switch.
    pub fn set_skew_correction(&mut self, trace: usize, on: bool) -> Option<WaterfallModel> {
        let d = self.traces.get_mut(trace)?;
        if d.options.skew_correction != on {
            let mut same_warnings = Vec::new();
            let mut tree = SpanTree::build(&d.trace, &mut same_warnings);
            d.skew = if on {
                skew::correct(&d.trace, &mut tree)
            } else {
                Vec::new()
            };
            d.summary = Summary::of(&d.trace, &tree);
            d.tree = tree;
            d.options.skew_correction = on;
        }
        Some(WaterfallModel::from_derived(d))
    }
}

/// [`crate::layout::rows::filter_marks`] from matches by span index: each match marks its
/// ancestors by walking up the tree until one is marked already, so only matches and the
/// ancestors they add are visited, and one pass puts the marks in preorder. (By position,
/// with a stack of open ancestors, the walk read every position's depth at random: most of
/// a filter's time at a million spans.)
fn marks_of(tree: &SpanTree, by_span: &[bool]) -> (Vec<u8>, usize) {
    use crate::layout::rows::marks::{MATCH, SHOWN};
    let mut marks = vec![0u8; by_span.len()];
    let mut count = 0;
    for (i, _) in by_span.iter().enumerate().filter(|(_, &hit)| hit) {
        count += 1;
        marks[i] |= MATCH | SHOWN;
        let mut up = tree.parent(SpanIdx(i as u32));
        while let Some(a) = up {
            let m = &mut marks[a.get()];
            if *m & SHOWN != 0 {
                break;
            }
            *m |= SHOWN;
            up = tree.parent(a);
        }
    }
    let by_position = tree
        .preorder
        .iter()
        .map(|s| marks.get(s.get()).copied().unwrap_or(0))
        .collect();
    (by_position, count)
}

fn trace_info(d: &Derived) -> TraceInfo {
    let s = &d.summary;
    TraceInfo {
        trace_id: d.trace.id_string(),
        root_service: d.trace.str(s.root_service).to_string(),
        root_name: d.trace.str(s.root_name).to_string(),
        start_us: s.start_us,
        duration_us: s.duration_us,
        span_count: s.span_count,
        error_count: s.error_count,
        max_depth: s.max_depth,
        root_count: s.root_count,
        services: s
            .services
            .iter()
            .map(|(n, c)| (d.trace.str(*n).to_string(), *c))
            .collect(),
        warnings: d
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.kind.key(), w.detail))
            .collect(),
        links: crate::derive::dependency_links([d]),
    }
}

/// A one-line description of a span for tooltips.
pub fn tooltip(m: &WaterfallModel, pos: usize) -> Option<String> {
    if pos >= m.len() {
        return None;
    }
    Some(format!(
        "{} · {}\nduration {} · starts at +{}",
        m.label(m.service[pos]),
        m.label(m.name[pos]),
        format_duration(m.duration[pos]),
        format_duration(m.start[pos]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: &[u8] = br#"[
      {"traceId":"a","id":"1","name":"get /","timestamp":1000,"duration":1000,"localEndpoint":{"serviceName":"gateway","ipv4":"10.0.0.1","port":8080}},
      {"traceId":"a","id":"2","parentId":"1","name":"query","timestamp":1200,"duration":300,"tags":{"z":"1","error":"boom","a":"2"},"annotations":[{"timestamp":1250,"value":"sent"}],"localEndpoint":{"serviceName":"db"}},
      {"traceId":"b","id":"9","name":"other","timestamp":5,"duration":1}
    ]"#;

    #[test]
    fn find_span_by_id() {
        let input = br#"[
          {"traceId":"c","id":"1","name":"rpc","timestamp":1000,"duration":1000,"kind":"CLIENT","localEndpoint":{"serviceName":"front"}},
          {"traceId":"c","id":"1","name":"rpc","timestamp":1100,"duration":800,"kind":"SERVER","shared":true,"localEndpoint":{"serviceName":"back"}},
          {"traceId":"c","id":"AbC","parentId":"1","name":"child","timestamp":1200,"duration":100,"localEndpoint":{"serviceName":"back"}},
          {"traceId":"c","id":"span-x","parentId":"1","name":"odd","timestamp":1300,"duration":10,"localEndpoint":{"serviceName":"back"}}
        ]"#;
        let e = Engine::load(input).expect("valid");
        let name = |id: &str| {
            e.find_span(0, id)
                .and_then(|s| e.span_detail(0, s))
                .map(|d| (d.name, d.kind))
        };
        // The shared id: the client half comes first in tree order.
        let client = Some(("rpc".to_string(), "CLIENT".to_string()));
        assert_eq!(name("1"), client);
        assert_eq!(name("0000000000000001"), client);
        for id in ["abc", "ABC", "0000000000000abc", " 0abc "] {
            assert_eq!(name(id).map(|n| n.0), Some("child".into()), "{id:?}");
        }
        assert_eq!(name("span-x").map(|n| n.0), Some("odd".into()));
        assert_eq!(e.find_span(0, "ffff"), None);
        assert_eq!(e.find_span(0, "span-y"), None);
        assert_eq!(e.find_span(0, ""), None);
        assert_eq!(e.find_span(1, "1"), None);
    }

    #[test]
    fn load_reports_stages_in_order() {
        let mut seen = Vec::new();
        let e = Engine::load_reporting(INPUT, &mut |p| seen.push(p)).expect("valid");
        assert_eq!(e.info().traces.len(), 2);
        assert_eq!(
            seen,
            vec![
                Progress::new(Stage::Parsing, 0, INPUT.len() as u64),
                Progress::new(Stage::Deriving, 0, 2),
                Progress::new(Stage::Deriving, 1, 2),
            ]
        );
        assert_eq!(Progress::new(Stage::Reading, 5, 20).percent(), Some(25));
        assert_eq!(Progress::new(Stage::Parsing, 0, 0).percent(), None);
        let mut stages = Vec::new();
        let err = Engine::load_reporting(b"nope", &mut |p| stages.push(p.stage));
        assert!(err.is_err());
        assert_eq!(stages, vec![Stage::Parsing]);
    }

    #[test]
    fn exports_a_trace() {
        let e = Engine::load(INPUT).expect("valid");
        let json = e.export(0, ExportKind::ZipkinV2).expect("trace 0");
        let back = crate::import(&json).expect("our export reads back");
        assert_eq!(back.traces.len(), 1);
        assert_eq!(back.traces[0].spans.len(), 2);
        let csv = String::from_utf8(e.export(0, ExportKind::ServiceStatsCsv).expect("trace 0"))
            .expect("utf-8");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "header and one row per service: {csv}");
        assert!(lines[1].starts_with("gateway,,1,0,1000,700,"), "{csv}");
        assert!(lines[2].starts_with("db,,1,1,300,300,"), "{csv}");
        let ops = String::from_utf8(e.export(0, ExportKind::OperationStatsCsv).expect("trace 0"))
            .expect("utf-8");
        assert!(ops.contains("\r\ndb,query,1,1,"), "{ops}");
        assert_eq!(e.export(7, ExportKind::ZipkinV2), None);
    }

    #[test]
    fn errors_cross_threads_as_the_same_type() {
        let err = Engine::load(b"[{\"traceId\":\"a\",\"id\":1}]")
            .err()
            .expect("invalid");
        let json = serde_json::to_string(&err).expect("ser");
        let back: ImportError = serde_json::from_str(&json).expect("de");
        assert_eq!(back, err);
        assert_eq!(back.to_string(), err.to_string());
        let e = Engine::load(INPUT).expect("valid");
        let ferr = e.filter(0, "dur>x").expect_err("invalid query");
        let back: FilterError =
            serde_json::from_str(&serde_json::to_string(&ferr).expect("ser")).expect("de");
        assert_eq!(back, ferr);
    }

    #[test]
    fn info_model_filter_and_detail() {
        let e = Engine::load(INPUT).expect("valid");
        let info = e.info();
        assert_eq!(info.format, "Zipkin v2 JSON");
        assert_eq!(info.traces.len(), 2);
        assert_eq!(info.traces[0].span_count, 2);
        assert_eq!(e.model(0).map(|m| m.len()), Some(2));
        assert_eq!(e.filter(0, "is:error").expect("valid"), vec![false, true]);
        assert_eq!(
            e.filter_marks(0, "is:error").expect("valid"),
            (vec![2, 3], 1),
            "the match, and its parent shown with it"
        );
        assert_eq!(e.filter_marks(0, "").expect("valid"), (Vec::new(), 0));
        // The same marks as the positional walk over the model.
        let m = e.model(0).expect("trace 0");
        for q in ["is:error", "service:gateway", "dur>0", "nothing-matches"] {
            let by_position = e.filter(0, q).expect("valid");
            let expected =
                crate::layout::rows::filter_marks(by_position.into_iter(), |p| m.depth[p] as usize);
            assert_eq!(e.filter_marks(0, q).expect("valid"), expected, "{q}");
        }
        assert!(e.filter(0, "").expect("valid").is_empty());
        assert!(e.filter(0, "dur>x").is_err());
        let critical = e.filter(0, "is:critical").expect("valid");
        assert!(critical[0], "the root is on the critical path");
        let d = e.span_detail(0, 1).expect("span 1");
        assert_eq!(d.parent_id.as_deref(), Some("0000000000000001"));
        assert_eq!(d.tags.first().map(|t| t.0.as_str()), Some("a"));
        assert_eq!(d.annotations, vec![(50, "sent".to_string())]);
        assert_eq!(d.start_offset_us, 200);
        let root = e.span_detail(0, 0).expect("span 0");
        assert_eq!(
            root.local_endpoint.as_deref(),
            Some("gateway 10.0.0.1:8080")
        );
        assert!(e.span_detail(0, 99).is_none());
        assert!(e.span_detail(7, 0).is_none());
        let round: SpanDetail =
            serde_json::from_str(&serde_json::to_string(&d).expect("ser")).expect("de");
        assert_eq!(round, d);
        // The raw view is the span as Zipkin v2 JSON, not the detail record.
        let raw: serde_json::Value = serde_json::from_str(&d.raw_json).expect("raw is JSON");
        assert_eq!(raw["id"], "0000000000000002");
        assert_eq!(raw["timestamp"], 1200);
        assert_eq!(raw["tags"]["error"], "boom");
        assert_eq!(raw["localEndpoint"]["serviceName"], "db");
        assert!(raw.get("self_time_us").is_none());
    }

    #[test]
    fn skew_correction_switches_off_and_on() {
        // The server half starts 50 µs before its client on another host: skew.
        let input = br#"[
          {"traceId":"s","id":"1","name":"get","kind":"CLIENT","timestamp":1000,"duration":100,"localEndpoint":{"serviceName":"front","ipv4":"10.0.0.1"}},
          {"traceId":"s","id":"2","parentId":"1","name":"get","kind":"SERVER","timestamp":950,"duration":60,"localEndpoint":{"serviceName":"back","ipv4":"10.0.0.2"}}
        ]"#;
        let mut e = Engine::load(input).expect("valid");
        assert_eq!(e.skew_correction(0), Some(true));
        let on = e.model(0).expect("model");
        let moved = (0..on.len())
            .find(|&p| on.flags[p] & crate::layout::model::flag::SKEW_ADJUSTED != 0)
            .expect("an adjusted span");
        let warnings = e.info().traces[0].warnings.len();
        let off = e.set_skew_correction(0, false).expect("model");
        assert_eq!(e.skew_correction(0), Some(false));
        assert!(off
            .flags
            .iter()
            .all(|f| f & crate::layout::model::flag::SKEW_ADJUSTED == 0));
        let span = on.span[moved];
        let p_off = off.span.iter().position(|&s| s == span).expect("same span");
        assert!(
            off.start[p_off] < on.start[moved],
            "without correction the server starts early"
        );
        assert_eq!(e.span_detail(0, span).map(|d| d.skew_delta_us), Some(0));
        assert_eq!(
            e.info().traces[0].warnings.len(),
            warnings,
            "no warning recorded twice"
        );
        let again = e.set_skew_correction(0, true).expect("model");
        assert_eq!(again, on);
        assert!(e.set_skew_correction(5, true).is_none());
    }
}
