//! Exporters against the real fixtures: Zipkin v2 → model → Zipkin v2 → model gives the
//! same spans; OTLP output has the shape the OTLP/JSON encoding prescribes.

mod common;

use std::collections::{HashMap, HashSet};

use common::{files_in, fixtures, span_view, SpanView};
use serde_json::Value;
use tracescope_core::export::{to_vec, Target};
use tracescope_core::import::{import, Format};
use tracescope_core::model::Trace;

fn views(traces: &[Trace]) -> Vec<(String, Vec<SpanView>)> {
    traces
        .iter()
        .map(|t| {
            (
                t.id_string(),
                t.spans.iter().map(|s| span_view(t, s)).collect(),
            )
        })
        .collect()
}

#[test]
fn zipkin_v2_fixtures_survive_export_and_import() {
    let paths = files_in(&fixtures().join("zipkin-v2"));
    assert!(paths.len() >= 13);
    for path in paths {
        let bytes = std::fs::read(&path).expect("readable");
        let first = import(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let exported = to_vec(&first.traces, Target::ZipkinV2);
        let second = import(&exported).unwrap_or_else(|e| {
            panic!(
                "{}: re-import failed: {e}\n{}",
                path.display(),
                String::from_utf8_lossy(&exported)
            )
        });
        assert_eq!(second.format, Format::ZipkinV2);
        assert_eq!(
            views(&first.traces),
            views(&second.traces),
            "{}",
            path.display()
        );
        // A second round changes nothing, byte for byte.
        assert_eq!(
            to_vec(&second.traces, Target::ZipkinV2),
            exported,
            "{}",
            path.display()
        );
    }
}

#[test]
fn zipkin_v2_export_leaves_out_what_zipkin_leaves_out() {
    let input = br#"[{"traceId":"a","id":"1","name":"","timestamp":0,"duration":0,
        "localEndpoint":{},"remoteEndpoint":{"port":8080},"annotations":[],"tags":{},
        "debug":false,"shared":false,"kind":"CLIENT"}]"#;
    let imported = import(input).expect("valid");
    let out = String::from_utf8(to_vec(&imported.traces, Target::ZipkinV2)).expect("utf-8");
    assert_eq!(
        out,
        r#"[{"traceId":"000000000000000a","id":"0000000000000001","kind":"CLIENT","remoteEndpoint":{"port":8080}}]"#
    );
}

#[test]
fn several_traces_are_an_array_of_arrays() {
    let input = br#"[{"traceId":"a","id":"1"},{"traceId":"b","id":"1"}]"#;
    let imported = import(input).expect("valid");
    let v: Value =
        serde_json::from_slice(&to_vec(&imported.traces, Target::ZipkinV2)).expect("json");
    let traces = v.as_array().expect("array");
    assert_eq!(traces.len(), 2);
    assert!(traces.iter().all(|t| t.as_array().map(Vec::len) == Some(1)));
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn otlp_export_is_grouped_by_service_with_hex_ids_and_nanos() {
    for path in files_in(&fixtures().join("zipkin-v2")) {
        let bytes = std::fs::read(&path).expect("readable");
        let imported = import(&bytes).expect("valid");
        let out = to_vec(&imported.traces, Target::Otlp);
        let v: Value = serde_json::from_slice(&out).expect("json");
        let name = path.display();

        let mut spans_seen = 0;
        let mut services_seen = HashSet::new();
        let mut parent_of: HashMap<(String, String), Option<String>> = HashMap::new();
        for rs in v["resourceSpans"].as_array().expect("resourceSpans") {
            let attrs = rs["resource"]["attributes"].as_array().expect("attributes");
            let service =
                attrs
                    .iter()
                    .find(|a| a["key"] == "service.name")
                    .map_or(String::new(), |a| {
                        a["value"]["stringValue"]
                            .as_str()
                            .expect("string")
                            .to_string()
                    });
            assert!(
                services_seen.insert(service.clone()),
                "{name}: one resource per service"
            );
            for span in rs["scopeSpans"][0]["spans"].as_array().expect("spans") {
                spans_seen += 1;
                let tid = span["traceId"].as_str().expect("traceId");
                let sid = span["spanId"].as_str().expect("spanId");
                assert!(is_hex(tid, 32) && is_hex(sid, 16), "{name}: {span}");
                let start = span["startTimeUnixNano"].as_str().map(str::parse::<u64>);
                let end = span["endTimeUnixNano"].as_str().map(str::parse::<u64>);
                if let (Some(Ok(s)), Some(Ok(e))) = (start, end) {
                    assert!(e >= s && s % 1000 == 0, "{name}: {span}");
                }
                assert!(span["kind"].as_u64().is_some_and(|k| k <= 5));
                let parent = span["parentSpanId"].as_str().map(String::from);
                parent_of.insert((sid.to_string(), span["kind"].to_string()), parent);
            }
        }
        let model_spans: usize = imported.traces.iter().map(|t| t.spans.len()).sum();
        assert_eq!(spans_seen, model_spans, "{name}: every span written once");
        let model_services: HashSet<String> = imported
            .traces
            .iter()
            .flat_map(|t| t.spans.iter().map(|s| t.str(s.service).to_string()))
            .collect();
        assert_eq!(services_seen, model_services, "{name}");
        for t in &imported.traces {
            for s in &t.spans {
                let key = (
                    s.id.display(&t.strings).to_string(),
                    kind_code(s.kind).to_string(),
                );
                let parent = s.parent_id.map(|p| p.display(&t.strings).to_string());
                if let Some(p) = parent_of.get(&key) {
                    assert_eq!(p, &parent, "{name}: parent of {key:?}");
                }
            }
        }
    }
}

fn kind_code(kind: tracescope_core::model::Kind) -> u8 {
    use tracescope_core::model::Kind;
    match kind {
        Kind::Unspecified => 0,
        Kind::Internal => 1,
        Kind::Server => 2,
        Kind::Client => 3,
        Kind::Producer => 4,
        Kind::Consumer => 5,
    }
}

#[test]
fn otlp_export_carries_status_events_and_endpoints() {
    let input = br#"[{"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"b","parentId":"a",
        "kind":"CLIENT","name":"get","timestamp":1700000000000001,"duration":5,
        "localEndpoint":{"serviceName":"web","ipv4":"10.0.0.1"},
        "remoteEndpoint":{"serviceName":"db","ipv6":"::1","port":5432},
        "annotations":[{"timestamp":1700000000000002,"value":"retry"}],
        "tags":{"error":"timeout","http.method":"GET"}}]"#;
    let imported = import(input).expect("valid");
    let v: Value = serde_json::from_slice(&to_vec(&imported.traces, Target::Otlp)).expect("json");
    let rs = &v["resourceSpans"][0];
    assert_eq!(rs["resource"]["attributes"][0]["key"], "service.name");
    assert_eq!(
        rs["resource"]["attributes"][0]["value"]["stringValue"],
        "web"
    );
    let span = &rs["scopeSpans"][0]["spans"][0];
    assert_eq!(span["traceId"], "463ac35c9f6413ad48485a3953bb6124");
    assert_eq!(span["spanId"], "000000000000000b");
    assert_eq!(span["parentSpanId"], "000000000000000a");
    assert_eq!(span["kind"], 3);
    assert_eq!(span["startTimeUnixNano"], "1700000000000001000");
    assert_eq!(span["endTimeUnixNano"], "1700000000000006000");
    assert_eq!(span["status"]["code"], 2);
    assert_eq!(span["status"]["message"], "timeout");
    assert_eq!(span["events"][0]["timeUnixNano"], "1700000000000002000");
    assert_eq!(span["events"][0]["name"], "retry");
    let attr = |k: &str| {
        span["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .find(|a| a["key"] == k)
            .map(|a| a["value"].clone())
    };
    assert_eq!(attr("http.method").expect("tag")["stringValue"], "GET");
    assert_eq!(attr("peer.service").expect("peer")["stringValue"], "db");
    assert_eq!(
        attr("network.peer.address").expect("ip")["stringValue"],
        "::1"
    );
    assert_eq!(attr("network.peer.port").expect("port")["intValue"], "5432");
    assert_eq!(
        attr("network.local.address").expect("ip")["stringValue"],
        "10.0.0.1"
    );
}

/// The OTLP export reads back as OTLP with the same ids, parents, names, services, times
/// and tags.
#[test]
fn otlp_export_reads_back_as_otlp() {
    for path in files_in(&fixtures().join("zipkin-v2")) {
        let bytes = std::fs::read(&path).expect("readable");
        let first = import(&bytes).expect("valid");
        let out = to_vec(&first.traces, Target::Otlp);
        match import(&out) {
            Err(e) => panic!("{}: {e}", path.display()),
            Ok(second) => {
                assert_eq!(second.format, Format::Otlp);
                let key = |v: &SpanView| (v.id.clone(), v.start, v.name.clone(), v.service.clone());
                let mut a: Vec<SpanView> =
                    views(&first.traces).into_iter().flat_map(|t| t.1).collect();
                let mut b: Vec<SpanView> = views(&second.traces)
                    .into_iter()
                    .flat_map(|t| t.1)
                    .collect();
                a.sort_by_key(key);
                b.sort_by_key(key);
                assert_eq!(a.len(), b.len(), "{}", path.display());
                for (x, y) in a.iter().zip(&b) {
                    assert_eq!(
                        (
                            &x.id,
                            &x.parent,
                            &x.name,
                            &x.service,
                            x.start,
                            x.duration.unwrap_or(0)
                        ),
                        (
                            &y.id,
                            &y.parent,
                            &y.name,
                            &y.service,
                            y.start,
                            y.duration.unwrap_or(0)
                        ),
                        "{}",
                        path.display()
                    );
                    for tag in &x.tags {
                        assert!(y.tags.contains(tag), "{}: {tag:?} lost", path.display());
                    }
                }
            }
        }
    }
}
