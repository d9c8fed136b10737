//! Faults, CORS, static files, loading, shift-to-now, samples and big traces.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tracescope_testserver::fault::Fault;
use tracescope_testserver::{add_samples, app as build_app, load, now_us, AppState, ServerConfig};

const P6: &str = "19f84f102048e047";

// ------------------------------------------------------------------ faults

#[tokio::test]
async fn fault_status_by_path_prefix_and_header() {
    let app = fixture_app();
    let r = get(&app, "/_fault/status=500/api/v2/services").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.text(), "injected fault: status 500");
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let r = get_with(
        &app,
        "/api/v2/services",
        &[("x-tracescope-fault", "status=503")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.text(), "injected fault: status 503");
    // Without a fault the same request works.
    assert_eq!(get(&app, "/api/v2/services").await.status, StatusCode::OK);
    // Query strings survive the prefix.
    let r = get(
        &app,
        "/_fault/delay=1/api/v2/spans?serviceName=bootifulmeters",
    )
    .await;
    assert_eq!(r.strings(), vec!["call", "http:/book", "insert"]);
}

#[tokio::test]
async fn fault_truncate_keeps_content_length_consistent() {
    let app = fixture_app();
    let full = get(&app, &format!("/zipkin/api/v2/trace/{P6}")).await;
    let r = get(
        &app,
        &format!("/_fault/truncate=10/zipkin/api/v2/trace/{P6}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.len(), 10);
    assert_eq!(r.header("content-length"), Some("10"));
    assert_eq!(&r.body[..], &full.body[..10]);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    // Truncating beyond the end changes nothing.
    let r = get(
        &app,
        &format!("/_fault/truncate=100000000/api/v2/trace/{P6}"),
    )
    .await;
    assert_eq!(r.body, full.body);
}

#[tokio::test]
async fn fault_delay_and_combined_specs() {
    let app = fixture_app();
    let t = Instant::now();
    let r = get(
        &app,
        &format!("/_fault/delay=200,truncate=10/zipkin/api/v2/trace/{P6}"),
    )
    .await;
    assert!(t.elapsed() >= Duration::from_millis(200));
    assert_eq!(r.body.len(), 10);
    // Percent-encoded specs work too.
    let r = get(&app, "/_fault/status%3D418/api/v2/services").await;
    assert_eq!(r.status.as_u16(), 418);
}

#[tokio::test]
async fn fault_nocors_drops_cors_headers() {
    let app = fixture_app();
    let origin = [("origin", "http://localhost:8080")];
    let r = get_with(&app, "/api/v2/services", &origin).await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let r = get_with(&app, "/_fault/nocors/api/v2/services", &origin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), None);
    // A status fault still carries CORS headers, so the browser can read it.
    let r = get_with(&app, "/_fault/status=502/api/v2/services", &origin).await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn bad_fault_specs_are_rejected() {
    let app = fixture_app();
    for uri in [
        "/_fault/explode/api/v2/services",
        "/_fault/delay=soon/api/v2/services",
        "/_fault/status=7/api/v2/services",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(r.text().contains("bad fault spec"), "{}", r.text());
    }
    let r = get_with(&app, "/api/v2/services", &[("x-tracescope-fault", "nope")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn fault_flags_apply_to_every_api_request_but_not_static_files() {
    let dir = static_dir("flags");
    let cfg = ServerConfig {
        fault: Fault::parse("status=500").expect("valid"),
        static_dir: Some(dir),
        ..ServerConfig::default()
    };
    let app = build_app(state_with(cfg, &[fixtures().join("zipkin-v2")]));
    for uri in [
        "/api/v2/services",
        "/zipkin/api/v2/traces",
        "/zipkin/config.json",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
    }
    // A per-request spec overrides the flag.
    let r = get_with(
        &app,
        "/api/v2/services",
        &[("x-tracescope-fault", "status=404")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Static files are never faulted, not even with a prefix.
    let r = get(&app, "/app.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), "console.log('hi')");
    let r = get(&app, "/_fault/status=500/app.js").await;
    assert_eq!(r.status, StatusCode::OK);
}

// ------------------------------------------------------------------ CORS

#[tokio::test]
async fn cors_defaults_like_zipkin() {
    let app = fixture_app();
    let r = get_with(
        &app,
        "/api/v2/traces",
        &[("origin", "http://foo.example.com")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("vary"), None);
    assert_eq!(r.header("access-control-allow-credentials"), None);
    // No Origin, no CORS headers.
    assert_eq!(
        get(&app, "/api/v2/traces")
            .await
            .header("access-control-allow-origin"),
        None
    );
}

#[tokio::test]
async fn cors_preflight() {
    let app = fixture_app();
    let r = request(
        &app,
        Method::OPTIONS,
        "/api/v2/spans",
        &[
            ("origin", "http://localhost:8080"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        axum::body::Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let methods = r.header("access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("GET") && methods.contains("POST"),
        "{methods}"
    );
    let headers = r
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(headers.contains("content-type"), "{headers}");
    // Other methods are not allowed.
    let r = request(
        &app,
        Method::OPTIONS,
        "/api/v2/spans",
        &[
            ("origin", "http://localhost:8080"),
            ("access-control-request-method", "DELETE"),
        ],
        axum::body::Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn cors_allowed_origins_list() {
    let cfg = ServerConfig {
        allowed_origins: vec!["http://good.example".into()],
        ..ServerConfig::default()
    };
    let app = build_app(state_with(cfg, &[zipkin_v2("zipkin__simple-db-p6.json")]));
    let r = get_with(
        &app,
        "/api/v2/services",
        &[("origin", "http://good.example")],
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://good.example")
    );
    assert_eq!(r.header("vary"), Some("origin"));
    let r = get_with(
        &app,
        "/api/v2/services",
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = request(
        &app,
        Method::OPTIONS,
        "/api/v2/services",
        &[
            ("origin", "http://evil.example"),
            ("access-control-request-method", "GET"),
        ],
        axum::body::Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn no_cors_flag_sends_no_cors_headers() {
    let cfg = ServerConfig {
        cors_enabled: false,
        ..ServerConfig::default()
    };
    let app = build_app(state_with(cfg, &[zipkin_v2("zipkin__simple-db-p6.json")]));
    let r = get_with(&app, "/api/v2/services", &[("origin", "http://a.example")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), None);
}

// ------------------------------------------------------------------ static files

/// A fresh folder with `index.html` and `app.js` under the target directory.
fn static_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("static-{name}"));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>tracescope</title>",
    )
    .expect("write index");
    std::fs::write(dir.join("app.js"), "console.log('hi')").expect("write js");
    dir
}

#[tokio::test]
async fn static_files_at_root_do_not_hide_the_api() {
    let cfg = ServerConfig {
        static_dir: Some(static_dir("root")),
        ..ServerConfig::default()
    };
    let app = build_app(state_with(cfg, &[zipkin_v2("zipkin__simple-db-p6.json")]));
    let r = get(&app, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("<title>tracescope</title>"));
    assert_eq!(get(&app, "/app.js").await.text(), "console.log('hi')");
    assert_eq!(
        get(&app, "/api/v2/services").await.strings(),
        vec!["bootifulmeters"]
    );
    assert_eq!(get(&app, "/missing.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn static_files_under_a_sub_path() {
    let cfg = ServerConfig {
        static_dir: Some(static_dir("sub")),
        static_path: "/tracescope/".into(),
        ..ServerConfig::default()
    };
    let app = build_app(state_with(cfg, &[zipkin_v2("zipkin__simple-db-p6.json")]));
    for uri in ["/tracescope/", "/tracescope", "/tracescope/index.html"] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(r.text().contains("<title>tracescope</title>"), "{uri}");
    }
    assert_eq!(
        get(&app, "/tracescope/app.js").await.text(),
        "console.log('hi')"
    );
    assert_eq!(get(&app, "/app.js").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/api/v2/services").await.status, StatusCode::OK);
}

// ------------------------------------------------------------------ loading

#[test]
fn loading_the_whole_fixture_tree_skips_other_formats_without_aborting() {
    let state = AppState::new(ServerConfig::default());
    let report = {
        let mut store = state.write();
        load::load_paths(&[fixtures()], false, |spans| store.accept(spans))
    };
    assert_eq!(report.files_loaded, 13, "{:#?}", report.messages);
    assert!(report.files_skipped >= 30, "{:#?}", report.messages);
    let says = |what: &str| report.messages.iter().any(|m| m.contains(what));
    assert!(says("Jaeger"));
    assert!(says("OTLP"));
    assert!(says("Zipkin v1"));
    // 257 spans in the files, 8 of them exact duplicates.
    assert_eq!(state.read().span_count(), 249);
    assert_eq!(report.spans, 249);
}

#[test]
fn loads_json_lines_arrays_of_traces_and_survives_garbage() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("load-shapes");
    let nested = dir.join("a/b/c");
    std::fs::create_dir_all(&nested).expect("tmp dir");
    let span = |t: &str, id: &str| format!(r#"{{"traceId":"{t}","id":"{id}","timestamp":1}}"#);
    std::fs::write(
        dir.join("lines.jsonl"),
        format!("{}\n{}\n", span("a1", "1"), span("a1", "2")),
    )
    .expect("write");
    std::fs::write(
        nested.join("traces.json"),
        format!("[[{}],[{}]]", span("b1", "1"), span("b2", "1")),
    )
    .expect("write");
    std::fs::write(dir.join("garbage.json"), "{ this is not json").expect("write");
    std::fs::write(
        dir.join("bad-ids.json"),
        format!("[{},{}]", span("zz", "1"), span("c1", "1")),
    )
    .expect("write");
    std::fs::write(dir.join("notes.txt"), "ignored").expect("write");
    let state = AppState::new(ServerConfig::default());
    let report = {
        let mut store = state.write();
        load::load_paths(&[dir.clone(), dir.join("missing")], false, |s| {
            store.accept(s)
        })
    };
    assert_eq!(report.files_loaded, 3, "{:#?}", report.messages);
    assert_eq!(report.files_skipped, 2, "{:#?}", report.messages);
    assert_eq!(state.read().trace_count(), 4);
    assert!(report
        .messages
        .iter()
        .any(|m| m.contains("skipped 1 invalid spans")));
}

#[tokio::test]
async fn shift_to_now_moves_each_trace_into_the_default_lookback() {
    let state = state_with(
        ServerConfig::default(),
        &[
            zipkin_v2("zipkin__simple-db-p6.json"),
            zipkin_v2("zipkin__ascend.json"),
        ],
    );
    let before = read_json(&zipkin_v2("zipkin__simple-db-p6.json"));
    let now = now_us();
    state.write().shift_to_now(now, 1_000_000);
    let app = build_app(state);
    // Found with no endTs/lookback at all, like a UI's first search.
    let r = get(&app, "/api/v2/traces").await;
    assert_eq!(r.trace_ids().len(), 2);
    let trace = get(&app, &format!("/api/v2/trace/{P6}")).await.json();
    let spans = trace.as_array().expect("spans");
    let end = spans
        .iter()
        .map(|s| s["timestamp"].as_u64().unwrap_or(0) + s["duration"].as_u64().unwrap_or(0))
        .max()
        .unwrap_or(0);
    assert_eq!(end, now - 1_000_000, "newest span ends just before now");
    // Relative timing is unchanged.
    let delta =
        spans[0]["timestamp"].as_i64().unwrap_or(0) - before[0]["timestamp"].as_i64().unwrap_or(0);
    for (s, b) in spans.iter().zip(before.as_array().expect("spans")) {
        assert_eq!(
            s["timestamp"].as_i64().unwrap_or(0) - b["timestamp"].as_i64().unwrap_or(0),
            delta
        );
        assert_eq!(s["duration"], b["duration"]);
    }
}

#[tokio::test]
async fn samples_land_in_the_last_hour() {
    let state = AppState::new(ServerConfig::default());
    let now = now_us();
    let spans = add_samples(&state, 25, 7, now);
    assert!(spans > 25 * 5);
    let app = build_app(state);
    let services = get(&app, "/api/v2/services").await.strings();
    assert!(
        services.contains(&"api-gateway".to_string()),
        "{services:?}"
    );
    // Default query (last day, limit 10) sees them, newest first.
    let r = get(&app, "/api/v2/traces").await;
    assert_eq!(r.trace_ids().len(), 10);
    let all = get(&app, "/api/v2/traces?limit=100&lookback=3600000").await;
    assert_eq!(all.trace_ids().len(), 25, "all within the last hour");
    for t in all.json().as_array().expect("traces") {
        for s in t.as_array().expect("spans") {
            let ts = s["timestamp"].as_u64().expect("timestamp");
            assert!(ts + s["duration"].as_u64().unwrap_or(0) < now);
            assert!(ts >= now - 3_600_000_000);
        }
    }
    let deps = get(&app, &format!("/api/v2/dependencies?endTs={}", now / 1000))
        .await
        .json();
    assert!(deps
        .as_array()
        .expect("links")
        .iter()
        .any(|l| l["parent"] == "api-gateway" && l["child"] == "auth-service"));
}

#[tokio::test]
async fn big_trace_is_served_whole() {
    let cfg = tracescope_synth::GenConfig {
        seed: 5,
        spans_target: 100_000,
        start_ts_us: now_us() - 60_000_000,
        ..tracescope_synth::GenConfig::default()
    };
    let plan = tracescope_synth::Plan::new(&cfg);
    let mut json = Vec::new();
    plan.write_json(&mut json).expect("in-memory write");
    let id = plan.trace_id().to_string();
    let app = build_app(AppState::new(ServerConfig::default()));
    let r = request(
        &app,
        Method::POST,
        "/api/v2/spans",
        &[("content-type", "application/json")],
        json,
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let t = Instant::now();
    let r = get(&app, &format!("/api/v2/trace/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json().as_array().map(Vec::len), Some(100_000));
    // Second request is served from the cached encoding.
    let first = t.elapsed();
    let t = Instant::now();
    let again = get(&app, &format!("/api/v2/trace/{id}")).await;
    assert_eq!(again.body, r.body);
    assert!(t.elapsed() <= first + Duration::from_millis(50));
}
