//! Every fixture imports with the right format, derives and lays out without losing a span.
//! Fixtures are read in place from `../shared/fixtures` (override: TRACESCOPE_FIXTURES).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use tracescope_core::derive::{derive as derive_with, DeriveOptions, Derived, WarningKind};
use tracescope_core::import::{import, Format, ImportError};
use tracescope_core::layout::model::WaterfallModel;
use tracescope_core::layout::waterfall::{scene, visible_rows, Viewport};
use tracescope_core::model::{
    Kind, LinkKind, Micros, SpanId, StatusCode, StrId, Trace, TraceId, Value,
};

fn derive(trace: Trace) -> Derived {
    derive_with(trace, DeriveOptions::default())
}

fn fixtures() -> PathBuf {
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

fn files(sub: &str) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(fixtures().join(sub)) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = dir
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file() && p.file_name().is_none_or(|n| n != "README.md"))
        .collect();
    v.sort();
    v
}

const FOLDERS: [(&str, Format); 4] = [
    ("zipkin-v2", Format::ZipkinV2),
    ("zipkin-v1", Format::ZipkinV1),
    ("jaeger", Format::Jaeger),
    ("otlp", Format::Otlp),
];

fn load(sub: &str, name: &str) -> Vec<Trace> {
    let path = fixtures().join(sub).join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    import(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .traces
}

fn one(sub: &str, name: &str) -> Trace {
    let mut traces = load(sub, name);
    assert_eq!(traces.len(), 1, "{name}: one trace");
    traces.remove(0)
}

/// The keys of a span's tags and their values as text.
fn tag<'t>(t: &'t Trace, tags: &'t [tracescope_core::model::Tag], key: &str) -> Option<&'t Value> {
    tags.iter().find(|x| t.str(x.key) == key).map(|x| &x.value)
}

/// Whether `span_trace` belongs in a trace with id `trace`: the same id, or a 64-bit id with
/// the same low half as the trace's 128-bit id.
fn same_trace(trace: TraceId, span_trace: TraceId) -> bool {
    match (trace, span_trace) {
        (a, b) if a == b => true,
        (TraceId::Hex { low: a, .. }, TraceId::Hex { low: b, wide, .. }) => a == b && !wide,
        _ => false,
    }
}

#[test]
fn every_fixture_is_detected_and_read_whole() {
    let mut total = 0;
    for (sub, format) in FOLDERS {
        let paths = files(sub);
        assert!(!paths.is_empty(), "no fixtures in {sub}");
        for path in paths {
            let what = path.display().to_string();
            let bytes = std::fs::read(&path).expect("readable");
            let imported = import(&bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(imported.format, format, "{what}");
            assert!(!imported.traces.is_empty(), "{what}");
            // Every span is in exactly one trace: its own, and trace ids are distinct.
            let mut ids = HashSet::new();
            for trace in &imported.traces {
                assert!(ids.insert(trace.id), "{what}: trace id twice");
                assert!(!trace.spans.is_empty(), "{what}: empty trace");
                for s in &trace.spans {
                    assert!(
                        same_trace(trace.id, s.trace_id),
                        "{what}: span in wrong trace"
                    );
                    assert!(s
                        .resource
                        .is_none_or(|r| (r.0 as usize) < trace.resources.len()));
                    assert!(s.scope.is_none_or(|r| (r.0 as usize) < trace.scopes.len()));
                }
            }
            for trace in imported.traces {
                let d = derive(trace);
                // Nothing lost: every cleaned span is in the tree exactly once.
                assert_eq!(d.tree.preorder.len(), d.trace.spans.len(), "{what}");
                let mut seen = vec![false; d.trace.spans.len()];
                for s in &d.tree.preorder {
                    assert!(!seen[s.get()], "span twice in {what}");
                    seen[s.get()] = true;
                }
                let m = WaterfallModel::from_derived(&d);
                assert_eq!(m.len(), d.trace.spans.len(), "{what}");
                let rows = visible_rows(&m, &[]);
                let vp = Viewport::fit(&m, 1200.0, 800.0);
                let s = scene(&m, &rows, &[], &vp);
                assert!(!s.is_empty(), "{what}");
            }
            total += 1;
        }
    }
    assert!(total >= 42, "expected the 42 trace fixtures, read {total}");
}

/// Per file: spans as imported, traces, and spans per trace after cleaning (copies of one
/// span merged). Imported counts are the README's, except Zipkin v1, where a span holding
/// both client and server annotations becomes two spans.
const EXPECTED: &[(&str, &str, usize, Option<&[usize]>)] = &[
    // Five SERVER spans reuse one CLIENT id; which of them merge is the cleaning's rule
    // (tested in derive_fixtures.rs), not the importer's: only the trace count is checked.
    (
        "zipkin-v2",
        "zipkin__smartthings-oauth-authorization.json",
        175,
        None,
    ),
    ("zipkin-v2", "zipkin__yelp.json", 16, Some(&[16])),
    ("zipkin-v2", "zipkin__ascend.json", 8, Some(&[8])),
    ("zipkin-v2", "zipkin__envoy.json", 1, Some(&[1])),
    (
        "zipkin-v2",
        "zipkin__messaging-rabbitmq.json",
        4,
        Some(&[4]),
    ),
    ("zipkin-v2", "zipkin__messaging-kafka.json", 28, Some(&[28])),
    ("zipkin-v2", "zipkin__simple-db-p6.json", 5, Some(&[5])),
    ("zipkin-v2", "zipkin__kong-malformed.json", 7, Some(&[7])),
    (
        "zipkin-v2",
        "zipkin__span-chinese-unicode.json",
        1,
        Some(&[1]),
    ),
    (
        "zipkin-v2",
        "jaeger__zipkin-v2-short-trace-id.json",
        1,
        Some(&[1]),
    ),
    (
        "zipkin-v2",
        "jaeger__zipkin-v2-producer-15hex-parent.json",
        1,
        Some(&[1]),
    ),
    // Nine copies of one client span are one span.
    (
        "zipkin-v2",
        "otel-collector__zipkin-v2-duplicate-spans.json",
        9,
        Some(&[1]),
    ),
    (
        "zipkin-v2",
        "otel-contrib__zipkin-v2-otel-status-tags.json",
        1,
        Some(&[1]),
    ),
    // One v1 object with cs, sr, ss, cr: a client and a shared server span.
    (
        "zipkin-v1",
        "zipkin__v1-rpc-shared-span.json",
        2,
        Some(&[2]),
    ),
    ("zipkin-v1", "zipkin__v1-local-span-lc.json", 1, Some(&[1])),
    ("zipkin-v1", "zipkin__v1-client-128bit.json", 1, Some(&[1])),
    (
        "zipkin-v1",
        "zipkin__v1-sofa-long-service-name.json",
        2,
        Some(&[2]),
    ),
    // Client and server halves sent separately: each (id, side) once, so nothing merges.
    (
        "zipkin-v1",
        "otel-collector__zipkin-v1-list-of-traces.json",
        5,
        Some(&[5]),
    ),
    (
        "zipkin-v1",
        "otel-collector__zipkin-v1-local-component.json",
        2,
        Some(&[2]),
    ),
    (
        "jaeger",
        "jaeger-analytics-java__ui-trace-jaeger-query.json",
        2,
        Some(&[2]),
    ),
    (
        "jaeger",
        "jaeger-ui__critical-path-single-letter-ids.json",
        4,
        Some(&[4]),
    ),
    (
        "jaeger",
        "jaeger-ui__critical-path-happy-trace.json",
        5,
        Some(&[5]),
    ),
    (
        "jaeger",
        "jaeger-ui__trace-graph-producer-consumer.json",
        11,
        Some(&[11]),
    ),
    (
        "jaeger",
        "jaeger-ui__stats-among-each-other-grouped.json",
        17,
        Some(&[17]),
    ),
    (
        "jaeger",
        "jaeger-ui__stats-span-longer-than-parent.json",
        8,
        Some(&[8]),
    ),
    ("jaeger", "jaeger-ui__stats-normal.json", 5, Some(&[5])),
    (
        "jaeger",
        "jaeger-ui__stats-overlapping-children-longer-than-parent.json",
        4,
        Some(&[4]),
    ),
    (
        "jaeger",
        "jaeger-ui__genai-agent-57-spans.json",
        57,
        Some(&[57]),
    ),
    // The same spanID twice: one span after cleaning.
    (
        "jaeger",
        "jaeger-ui__otlp2jaeger-out-duplicate-span.json",
        2,
        Some(&[1]),
    ),
    (
        "jaeger",
        "jaeger-ui__upload-test-file-a.json",
        2,
        Some(&[2]),
    ),
    (
        "otlp",
        "opentelemetry-proto__examples-trace.json",
        1,
        Some(&[1]),
    ),
    (
        "otlp",
        "jaeger__hotrod-n-plus-one-serial.json",
        16,
        Some(&[16]),
    ),
    (
        "otlp",
        "jaeger__hotrod-fan-out-overlapping.json",
        12,
        Some(&[12]),
    ),
    (
        "otlp",
        "jaeger-ui__api-v3-get-trace-hotrod.json",
        40,
        Some(&[40]),
    ),
    (
        "otlp",
        "jaeger__integration-example-trace.json",
        5,
        Some(&[5]),
    ),
    ("otlp", "jaeger__integration-span-links.json", 1, Some(&[1])),
    (
        "otlp",
        "jaeger__integration-events-attributes.json",
        1,
        Some(&[1]),
    ),
    // Two traces whose 128-bit ids have equal (zero) low halves stay two traces.
    (
        "otlp",
        "jaeger__memory-two-traces-links-tracestate.json",
        4,
        Some(&[2, 2]),
    ),
    ("otlp", "jaeger-ui__otlp-duplicate-span.json", 2, Some(&[1])),
    ("otlp", "jaeger-ui__otlp-nodejs-4-spans.json", 4, Some(&[4])),
    (
        "otlp",
        "jaeger-ui__otlp-negative-dropped-counts.json",
        1,
        Some(&[1]),
    ),
    (
        "otlp",
        "jaeger-ui__otlp-ndjson-4-lines.jsonl",
        4,
        Some(&[4]),
    ),
];

#[test]
fn known_fixture_span_and_trace_counts() {
    // With another fixture set (TRACESCOPE_FIXTURES), files not in it are skipped.
    let other_set = std::env::var_os("TRACESCOPE_FIXTURES").is_some();
    let mut by_format = [0usize; 4];
    for &(sub, name, spans, per_trace) in EXPECTED {
        if other_set && !fixtures().join(sub).join(name).is_file() {
            continue;
        }
        let traces = load(sub, name);
        let imported: usize = traces.iter().map(|t| t.spans.len()).sum();
        assert_eq!(imported, spans, "{sub}/{name}: spans as imported");
        let slot = FOLDERS
            .iter()
            .position(|f| f.0 == sub)
            .expect("known folder");
        by_format[slot] += spans;
        let Some(per_trace) = per_trace else {
            assert_eq!(traces.len(), 1, "{sub}/{name}: traces");
            continue;
        };
        let cleaned: Vec<usize> = traces
            .into_iter()
            .map(|t| derive(t).trace.spans.len())
            .collect();
        assert_eq!(
            cleaned, per_trace,
            "{sub}/{name}: spans per trace after cleaning"
        );
    }
    if !other_set {
        // The README's totals (v1: 12 objects, one of them two spans).
        assert_eq!(by_format, [257, 13, 117, 91]);
    }
}

#[test]
fn zipkin_v2_summaries() {
    let summary = |name: &str| derive(one("zipkin-v2", name)).summary;
    let s = summary("zipkin__smartthings-oauth-authorization.json");
    assert_eq!(s.services.len(), 8);
    let s = summary("zipkin__yelp.json");
    assert_eq!((s.span_count, s.services.len()), (16, 6));
    let s = summary("otel-contrib__zipkin-v2-otel-status-tags.json");
    assert_eq!(s.error_count, 1);
    let t = one("zipkin-v2", "otel-contrib__zipkin-v2-otel-status-tags.json");
    assert_eq!(t.spans[0].status.code, StatusCode::Error);
    let t = one("zipkin-v2", "jaeger__zipkin-v2-producer-15hex-parent.json");
    assert_eq!(t.spans[0].kind, Kind::Producer);
    assert!(matches!(t.spans[0].parent_id, Some(SpanId::Hex(_))));
}

#[test]
fn zipkin_v1_rpc_span_splits_into_client_and_shared_server() {
    let t = one("zipkin-v1", "zipkin__v1-rpc-shared-span.json");
    let (c, s) = (&t.spans[0], &t.spans[1]);
    assert_eq!((c.kind, t.str(c.service)), (Kind::Client, "zipkin-web"));
    assert_eq!((s.kind, t.str(s.service)), (Kind::Server, "zipkin-query"));
    assert_eq!(c.id, s.id);
    assert!(s.shared && !c.shared);
    assert_eq!(
        (c.start, c.duration),
        (Some(Micros(1_461_750_491_274_000)), Some(Micros(51_000)))
    );
    assert_eq!(
        (s.start, s.duration),
        (Some(Micros(1_461_750_491_298_000)), Some(Micros(4_000)))
    );
    // sa names the server for the client, ca the client for the server.
    assert_eq!(t.str(c.remote_service()), "zipkin-query");
    assert_eq!(c.remote.as_ref().and_then(|e| e.port), Some(9411));
    assert_eq!(t.str(s.remote_service()), "zipkin-web");
    assert_eq!(s.remote.as_ref().and_then(|e| e.port), Some(42291));
    // Tags go to the side that logged them; ws/wr stay as annotations on the client.
    assert!(tag(&t, &s.tags, "srv/finagle.version").is_some());
    assert!(tag(&t, &c.tags, "clnt/finagle.version").is_some());
    let values: Vec<&str> = c.annotations.iter().map(|a| &*a.value).collect();
    assert_eq!(values, ["ws", "wr"]);
    let d = derive(t);
    assert_eq!(d.tree.max_depth(), 2, "server half under the client half");
}

#[test]
fn zipkin_v1_local_and_incomplete_spans() {
    let t = one("zipkin-v1", "zipkin__v1-local-span-lc.json");
    let s = &t.spans[0];
    assert_eq!(
        (s.kind, t.str(s.service)),
        (Kind::Unspecified, "zipkin-server")
    );
    assert_eq!(tag(&t, &s.tags, "lc"), Some(&Value::from("JDBCSpanStore")));
    assert_eq!(s.duration, Some(Micros(15_495)));

    let t = one(
        "zipkin-v1",
        "otel-collector__zipkin-v1-local-component.json",
    );
    assert_eq!(
        t.str(t.spans[0].service),
        "",
        "lc without an endpoint: no service"
    );
    assert_eq!(t.str(t.spans[1].service), "myservicename");

    let t = one("zipkin-v1", "zipkin__v1-sofa-long-service-name.json");
    let child = &t.spans[1];
    assert_eq!(child.kind, Kind::Client);
    assert_eq!(child.start, Some(Micros(1_484_722_952_100_852)), "from cs");
    assert_eq!(child.duration, None);
    assert_eq!(t.str(child.service).len(), 110);

    let t = one("zipkin-v1", "zipkin__v1-client-128bit.json");
    assert_eq!(t.id_string(), "4d1e00c0db9010db86154a4ba6e91385");
    assert_eq!(t.str(t.spans[0].remote_service()), "backend");
    assert_eq!(t.spans[0].annotations.len(), 2, "foo and bar");

    let d = derive(one(
        "zipkin-v1",
        "otel-collector__zipkin-v1-list-of-traces.json",
    ));
    // front-proxy client → service1 server → service1 client → service2 server.
    assert_eq!(d.tree.max_depth(), 4);
    assert_eq!(d.tree.roots.len(), 1);
    let server = d
        .trace
        .spans
        .iter()
        .find(|s| s.kind == Kind::Server && d.trace.str(s.service) == "service1")
        .expect("service1 server half");
    assert!(server.shared, "no timestamp on a v1 server side: shared");
    assert_eq!(
        (server.start, server.duration),
        (Some(Micros(1_544_805_927_448_081)), Some(Micros(12_021)))
    );
    assert_eq!(&*server.annotations[0].value, "custom time event");
}

#[test]
fn jaeger_fields() {
    let t = one(
        "jaeger",
        "jaeger-analytics-java__ui-trace-jaeger-query.json",
    );
    let (root, child) = (&t.spans[0], &t.spans[1]);
    assert_eq!(
        child.id.display(&t.strings).to_string(),
        "0ec2b4e0bcea566d",
        "15-hex spanID left-padded"
    );
    assert_eq!(child.parent_id, Some(root.id));
    assert_eq!(root.kind, Kind::Server);
    assert_eq!(
        tag(&t, &root.tags, "sampler.param"),
        Some(&Value::Double(1.0))
    );
    assert_eq!(
        tag(&t, &root.tags, "http.status_code"),
        Some(&Value::Int(200))
    );
    assert_eq!(t.str(root.service), "jaeger-query");
    let process = t.resource_of(root).expect("process");
    assert_eq!(process.attributes.len(), 4);
    assert_eq!(root.flags, 1);

    let t = one("jaeger", "jaeger-ui__stats-among-each-other-grouped.json");
    assert_eq!(
        t.id_string(),
        "0df84e36b9e2ee3815d07f0867a5be1f",
        "31-hex traceID"
    );

    let t = one("jaeger", "jaeger-ui__critical-path-happy-trace.json");
    let a = t
        .spans
        .iter()
        .find(|s| s.id.display(&t.strings).to_string() == "span-A")
        .expect("non-hex id kept");
    assert!(a.error, "bool error tag sent as the string \"true\"");
    assert_eq!(a.kind, Kind::Client);

    let t = one("jaeger", "jaeger-ui__trace-graph-producer-consumer.json");
    let follows: Vec<_> = t
        .spans
        .iter()
        .filter(|s| s.links.iter().any(|l| l.kind == LinkKind::FollowsFrom))
        .collect();
    assert_eq!(follows.len(), 1);
    assert_eq!(follows[0].parent_id, Some(follows[0].links[0].span_id));
    let kinds: HashSet<Kind> = t.spans.iter().map(|s| s.kind).collect();
    for k in [Kind::Client, Kind::Server, Kind::Producer, Kind::Consumer] {
        assert!(kinds.contains(&k), "{k:?}");
    }

    let d = derive(one("jaeger", "jaeger-ui__genai-agent-57-spans.json"));
    assert_eq!(
        (
            d.summary.span_count,
            d.summary.services.len(),
            d.summary.error_count
        ),
        (57, 10, 1)
    );
    assert!(d.trace.spans.iter().any(|s| s.kind == Kind::Internal));

    let d = derive(one(
        "jaeger",
        "jaeger-ui__otlp2jaeger-out-duplicate-span.json",
    ));
    assert!(d
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::DuplicateMerged));
    assert!(d
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::MissingParent));
}

#[test]
fn otlp_fields() {
    let t = one("otlp", "opentelemetry-proto__examples-trace.json");
    let s = &t.spans[0];
    assert_eq!(
        t.id_string(),
        "5b8efff798038103d269b633813fc60c",
        "upper-case hex"
    );
    assert_eq!(s.kind, Kind::Server);
    assert_eq!(t.str(s.service), "my.service");
    let scope = t.scope_of(s).expect("scope");
    assert_eq!(t.str(scope.name), "my.library");
    assert_eq!(scope.attributes.len(), 1);

    let d = derive(one("otlp", "jaeger-ui__api-v3-get-trace-hotrod.json"));
    let events: usize = d.trace.spans.iter().map(|s| s.annotations.len()).sum();
    assert_eq!(
        (d.summary.services.len(), d.summary.error_count, events),
        (6, 3, 52)
    );
    let flags: HashSet<u32> = d.trace.spans.iter().map(|s| s.flags).collect();
    assert_eq!(flags, HashSet::from([257, 769]));

    let t = one("otlp", "jaeger__integration-example-trace.json");
    assert_eq!(
        derive(t.clone()).tree.roots.len(),
        5,
        "no parentSpanId: five roots"
    );
    let services: HashSet<StrId> = t.spans.iter().map(|s| s.service).collect();
    assert_eq!(services.len(), 3, "three resources");
    assert!(t.spans[0].annotations.iter().all(|a| a.value.is_empty()));

    let t = one("otlp", "jaeger__integration-span-links.json");
    let kinds: Vec<LinkKind> = t.spans[0].links.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [LinkKind::ChildOf, LinkKind::ChildOf, LinkKind::FollowsFrom]
    );
    assert!(
        t.spans[0].links.iter().all(|l| l.trace_id != t.id),
        "other traces"
    );
    let first = &t.spans[0].links[0].attributes;
    assert_eq!(
        tag(&t, first, "linkblob"),
        Some(&Value::Bytes(vec![0, 0, 0x30, 0x39].into()))
    );
    assert_eq!(
        tag(&t, first, "sameplacelinkattribute2"),
        Some(&Value::Int(123))
    );

    let t = one("otlp", "jaeger__integration-events-attributes.json");
    let a = &t.spans[0].annotations[0].attributes;
    assert_eq!(tag(&t, a, "sameplacetag4"), Some(&Value::Bool(true)));
    assert_eq!(tag(&t, a, "sameplacetag3"), Some(&Value::Double(72.5)));

    let traces = load("otlp", "jaeger__memory-two-traces-links-tracestate.json");
    assert_eq!(traces.len(), 2);
    let t = &traces[0];
    let s = &t.spans[0];
    assert_eq!(t.str(s.trace_state), "state.2");
    assert!(s.error && s.status.code == StatusCode::Error);
    assert_eq!(tag(t, &s.tags, "temperature"), Some(&Value::Double(72.5)));
    assert_eq!(tag(t, &s.tags, "peer.ipv4"), Some(&Value::Int(23456)));
    assert_eq!(t.str(s.remote_service()), "service-y");

    let t = one("otlp", "jaeger-ui__otlp-negative-dropped-counts.json");
    let s = &t.spans[0];
    assert_eq!(s.service, StrId::EMPTY, "no service.name");
    assert_eq!((s.annotations.len(), s.links.len()), (1, 1));

    let t = one("otlp", "jaeger-ui__otlp-ndjson-4-lines.jsonl");
    assert_eq!(
        t.resources.len(),
        1,
        "the same resource on every line is stored once"
    );
    assert_eq!(t.scopes.len(), 2);
    assert_eq!(derive(t).tree.max_depth(), 3);

    let t = one("otlp", "jaeger-ui__otlp-nodejs-4-spans.json");
    assert!(t.spans.iter().all(|s| s.kind == Kind::Internal));
}

/// Reads a fixture, applies one edit in memory, and imports it, expecting an error.
fn broken(sub: &str, name: &str, find: &str, replace: &str) -> (Format, String, usize, usize) {
    let path: &Path = &fixtures().join(sub).join(name);
    let text = std::fs::read_to_string(path).expect("readable");
    assert!(text.contains(find), "{name} has no {find:?}");
    let text = text.replacen(find, replace, 1);
    match import(text.as_bytes()) {
        Err(ImportError::Invalid {
            format,
            path,
            position,
            ..
        }) => {
            // The position is inside the edited value.
            let at = text.find(replace).expect("edit present");
            assert!(
                (at..at + replace.len()).contains(&position.offset),
                "{name}: offset {} not in the edit at {at}",
                position.offset
            );
            (format, path, position.line, position.column)
        }
        other => panic!(
            "{name}: expected Invalid, got {:?}",
            other.map(|i| i.format)
        ),
    }
}

#[test]
fn errors_in_real_files_say_format_path_and_position() {
    let (f, path, line, _) = broken(
        "zipkin-v1",
        "zipkin__v1-sofa-long-service-name.json",
        "\"timestamp\": 1484722952100852",
        "\"timestamp\": \"later\"",
    );
    assert_eq!(
        (f, path.as_str(), line),
        (Format::ZipkinV1, "[1].annotations[0].timestamp", 32)
    );

    let (f, path, _, _) = broken(
        "jaeger",
        "jaeger-analytics-java__ui-trace-jaeger-query.json",
        "\"duration\": 3873",
        "\"duration\": true",
    );
    assert_eq!(
        (f, path.as_str()),
        (Format::Jaeger, "data[0].spans[1].duration")
    );

    let (f, path, line, _) = broken(
        "otlp",
        "opentelemetry-proto__examples-trace.json",
        "\"startTimeUnixNano\": \"1544712660000000000\"",
        "\"startTimeUnixNano\": \"15447126600000000001544712660000000000\"",
    );
    assert_eq!(
        (f, path.as_str(), line),
        (
            Format::Otlp,
            "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano",
            34
        )
    );

    let (f, path, line, _) = broken(
        "otlp",
        "jaeger-ui__otlp-ndjson-4-lines.jsonl",
        "\"spanId\":\"49b8e9efa1e8a3b1\"",
        "\"spanId\":49",
    );
    assert_eq!(
        (f, path.as_str(), line),
        (
            Format::Otlp,
            "line-item 3.resourceSpans[0].scopeSpans[0].spans[0].spanId",
            3
        )
    );

    let (f, path, _, _) = broken(
        "zipkin-v2",
        "zipkin__ascend.json",
        "\"duration\":",
        "\"duration\":[],\"x\":",
    );
    assert_eq!(f, Format::ZipkinV2);
    assert!(
        path.starts_with("[0]") && path.ends_with("duration"),
        "{path}"
    );
}

#[test]
fn dependency_links_are_not_traces_and_say_what_they_are() {
    for path in files("dependencies") {
        let bytes = std::fs::read(&path).expect("readable");
        match import(&bytes) {
            Err(ImportError::Unrecognised { seen }) => {
                assert!(seen.contains("\"parent\""), "{}: {seen}", path.display());
            }
            other => panic!(
                "{}: expected Unrecognised, got {:?}",
                path.display(),
                other.map(|i| i.format)
            ),
        }
    }
}

#[test]
fn every_truncation_of_a_fixture_fails_cleanly() {
    // Cut each format's smallest interesting file at many points: an error, never a panic.
    for (sub, name) in [
        ("zipkin-v1", "zipkin__v1-rpc-shared-span.json"),
        ("jaeger", "jaeger-ui__upload-test-file-a.json"),
        ("otlp", "jaeger-ui__otlp-negative-dropped-counts.json"),
        ("otlp", "jaeger-ui__otlp-ndjson-4-lines.jsonl"),
    ] {
        let bytes = std::fs::read(fixtures().join(sub).join(name)).expect("readable");
        for cut in (0..bytes.len()).step_by(7) {
            let _ = import(&bytes[..cut]);
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    // A deterministic stream of single-byte edits with JSON-significant bytes.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const BYTES: &[u8] = b"{}[]\",:0-9eE.tn \\\n";
    for (sub, _) in FOLDERS {
        for path in files(sub) {
            let original = std::fs::read(&path).expect("readable");
            if original.is_empty() {
                continue;
            }
            for _ in 0..60 {
                let mut bytes = original.clone();
                for _ in 0..1 + next() % 3 {
                    let at = (next() % bytes.len() as u64) as usize;
                    bytes[at] = BYTES[(next() % BYTES.len() as u64) as usize];
                }
                if let Ok(imported) = import(&bytes) {
                    for t in imported.traces {
                        let d = derive(t);
                        assert_eq!(d.tree.preorder.len(), d.trace.spans.len());
                    }
                }
            }
        }
    }
}
