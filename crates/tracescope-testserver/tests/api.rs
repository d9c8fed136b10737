//! Conformance of the query API with Zipkin's, on the shared real-world fixtures.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use tracescope_testserver::{app as build_app, ServerConfig};

const P6: &str = "19f84f102048e047";
const RABBIT: &str = "5aab74dbb904746bb33447baae403ed6";
const ASCEND: &str = "ef86c83c0a05a6d6";
/// endTs/lookback (ms) that include every fixture.
const ALL: &str = "endTs=1700000000000&lookback=1700000000000";

// ------------------------------------------------------------------ names

#[tokio::test]
async fn services_are_sorted_local_names_only() {
    let app = fixture_app();
    let r = get(&app, "/api/v2/services").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let names = r.strings();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for s in [
        "bootifulmeters",
        "frontend",
        "backend",
        "mobile-gateway",
        "订单维护服务",
    ] {
        assert!(names.contains(&s.to_string()), "{s} missing from {names:?}");
    }
    // Remote-only services (databases, brokers) are not local services.
    for s in ["app_db", "kafka", "rabbitmq", "个人信息服务"] {
        assert!(!names.contains(&s.to_string()), "{s} should not be listed");
    }
    // Zipkin caches name lists once more than 3 services exist.
    assert_eq!(
        r.header("cache-control"),
        Some("max-age=300, must-revalidate")
    );
    assert_eq!(get(&app, "/zipkin/api/v2/services").await.strings(), names);
}

#[tokio::test]
async fn few_services_are_not_cached() {
    let app = build_app(state_with(
        ServerConfig::default(),
        &[zipkin_v2("zipkin__simple-db-p6.json")],
    ));
    let r = get(&app, "/api/v2/services").await;
    assert_eq!(r.strings(), vec!["bootifulmeters"]);
    assert_eq!(r.header("cache-control"), None);
    assert_eq!(
        get(&app, "/api/v2/spans?serviceName=bootifulmeters")
            .await
            .header("cache-control"),
        None
    );
}

#[tokio::test]
async fn empty_server_answers_empty_lists() {
    let app = build_app(tracescope_testserver::AppState::new(ServerConfig::default()));
    assert_eq!(get(&app, "/api/v2/services").await.text(), "[]");
    assert_eq!(get(&app, "/api/v2/spans?serviceName=x").await.text(), "[]");
    assert_eq!(get(&app, "/api/v2/traces").await.text(), "[]");
    assert_eq!(get(&app, "/api/v2/dependencies?endTs=1").await.text(), "[]");
}

#[tokio::test]
async fn span_names_by_service() {
    let app = fixture_app();
    let r = get(&app, "/api/v2/spans?serviceName=bootifulmeters").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.strings(), vec!["call", "http:/book", "insert"]);
    // Zipkin lower-cases the query; names match regardless of case.
    assert_eq!(
        get(&app, "/api/v2/spans?serviceName=BootifulMeters")
            .await
            .strings(),
        vec!["call", "http:/book", "insert"]
    );
    assert_eq!(
        get(&app, "/api/v2/spans?serviceName=nope").await.text(),
        "[]"
    );
    assert_eq!(get(&app, "/api/v2/spans?serviceName=").await.text(), "[]");
    let missing = get(&app, "/api/v2/spans").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.text(),
        "Mandatory parameter/header is missing: serviceName"
    );
    assert_eq!(
        get(
            &app,
            "/api/v2/spans?serviceName=%E8%AE%A2%E5%8D%95%E7%BB%B4%E6%8A%A4%E6%9C%8D%E5%8A%A1"
        )
        .await
        .strings(),
        vec!["个人信息查询"]
    );
}

#[tokio::test]
async fn remote_services_by_service() {
    let app = fixture_app();
    assert_eq!(
        get(&app, "/api/v2/remoteServices?serviceName=bootifulmeters")
            .await
            .strings(),
        vec!["app_db"]
    );
    let frontend = get(&app, "/zipkin/api/v2/remoteServices?serviceName=frontend")
        .await
        .strings();
    assert!(frontend.contains(&"rabbitmq".to_string()));
    assert!(frontend.contains(&"backend".to_string()));
    let r = get(&app, "/api/v2/remoteServices").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.text(),
        "Mandatory parameter/header is missing: serviceName"
    );
}

// ------------------------------------------------------------------ /traces

#[tokio::test]
async fn traces_default_window_excludes_old_fixtures() {
    // Fixtures are years old and the default lookback is one day before now.
    assert_eq!(get(&fixture_app(), "/api/v2/traces").await.text(), "[]");
}

#[tokio::test]
async fn traces_newest_first_with_limit() {
    let app = fixture_app();
    let r = get(&app, &format!("/api/v2/traces?{ALL}&limit=100")).await;
    assert_eq!(r.status, StatusCode::OK);
    let traces = r.json();
    let traces = traces.as_array().expect("array");
    // 13 files, three of which share one trace id.
    assert_eq!(traces.len(), 11);
    let newest = |t: &Value| {
        t.as_array()
            .expect("trace")
            .iter()
            .filter_map(|s| s["timestamp"].as_u64())
            .max()
            .unwrap_or(0)
            / 1000
    };
    let order: Vec<u64> = traces.iter().map(newest).collect();
    let mut sorted = order.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(order, sorted, "newest first");
    let ids = r.trace_ids();
    assert_eq!(
        get(&app, &format!("/api/v2/traces?{ALL}&limit=3"))
            .await
            .trace_ids(),
        ids[..3].to_vec()
    );
    // Default limit is 10.
    assert_eq!(
        get(&app, &format!("/api/v2/traces?{ALL}"))
            .await
            .trace_ids()
            .len(),
        10
    );
    assert_eq!(
        get(&app, &format!("/zipkin/api/v2/traces?{ALL}&limit=100"))
            .await
            .trace_ids(),
        ids
    );
}

#[tokio::test]
async fn traces_time_window() {
    let app = fixture_app();
    // Only the p6 trace lies in this one-second window.
    let r = get(&app, "/api/v2/traces?endTs=1541485538000&lookback=1000").await;
    assert_eq!(r.trace_ids(), vec![P6]);
    assert_eq!(r.json()[0].as_array().map(Vec::len), Some(5));
    let r = get(&app, "/api/v2/traces?endTs=1541485537000&lookback=1").await;
    assert_eq!(r.text(), "[]");
}

async fn ids(app: &axum::Router, params: &str) -> Vec<String> {
    let r = get(app, &format!("/api/v2/traces?{ALL}&limit=100&{params}")).await;
    assert_eq!(r.status, StatusCode::OK, "{params}: {}", r.text());
    let mut v = r.trace_ids();
    v.sort();
    v
}

#[tokio::test]
async fn traces_by_service_remote_service_and_span_name() {
    let app = fixture_app();
    assert_eq!(ids(&app, "serviceName=bootifulmeters").await, vec![P6]);
    assert_eq!(ids(&app, "serviceName=BOOTIFULMETERS").await, vec![P6]);
    assert_eq!(ids(&app, "remoteServiceName=app_db").await, vec![P6]);
    assert_eq!(
        ids(&app, "serviceName=bootifulmeters&remoteServiceName=app_db").await,
        vec![P6]
    );
    assert!(ids(&app, "serviceName=frontend&remoteServiceName=app_db")
        .await
        .is_empty());
    assert_eq!(ids(&app, "spanName=insert").await, vec![P6]);
    // The service name constrains the span name (span must be of that service).
    assert!(ids(&app, "serviceName=frontend&spanName=insert")
        .await
        .is_empty());
    assert_eq!(
        ids(&app, "spanName=all&serviceName=bootifulmeters").await,
        vec![P6]
    );
    assert_eq!(
        ids(&app, "serviceName=frontend&spanName=publish").await,
        vec![RABBIT]
    );
    assert!(ids(&app, "serviceName=nope").await.is_empty());
}

#[tokio::test]
async fn traces_by_annotation_query() {
    let app = fixture_app();
    let shared = "4d1e00c0db9010db86154a4ba6e91385";
    // Bare word: an annotation value...
    assert_eq!(ids(&app, "annotationQuery=foo").await, vec![shared]);
    assert_eq!(
        ids(&app, "annotationQuery=foo%20and%20bar").await,
        vec![shared]
    );
    assert!(ids(&app, "annotationQuery=foo%20and%20nope")
        .await
        .is_empty());
    // ...or a tag key.
    assert!(ids(&app, "annotationQuery=error")
        .await
        .contains(&shared.to_string()));
    // key=value matches a tag exactly.
    assert_eq!(
        ids(&app, "annotationQuery=http.path%3D%2Fbook").await,
        vec![P6]
    );
    assert!(ids(&app, "annotationQuery=http.path%3D%2Fbo")
        .await
        .is_empty());
    assert_eq!(
        ids(
            &app,
            "annotationQuery=http.path%3D%2Fbook%20and%20http.method%3DPOST"
        )
        .await,
        vec![P6]
    );
    // With a service name, the tag must be on that service's spans.
    assert!(ids(
        &app,
        "serviceName=frontend&annotationQuery=http.path%3D%2Fbook"
    )
    .await
    .is_empty());
    assert_eq!(
        ids(
            &app,
            "serviceName=bootifulmeters&annotationQuery=http.path%3D%2Fbook"
        )
        .await,
        vec![P6]
    );
}

#[tokio::test]
async fn traces_by_duration() {
    let app = fixture_app();
    let svc = "serviceName=bootifulmeters";
    assert_eq!(
        ids(&app, &format!("{svc}&minDuration=252016")).await,
        vec![P6]
    );
    assert!(ids(&app, &format!("{svc}&minDuration=252017"))
        .await
        .is_empty());
    // Some span of the trace lies in [min, max]: the 1118 µs insert.
    assert_eq!(
        ids(&app, &format!("{svc}&minDuration=1000&maxDuration=1200")).await,
        vec![P6]
    );
    assert!(ids(&app, &format!("{svc}&minDuration=1&maxDuration=100"))
        .await
        .is_empty());
}

#[tokio::test]
async fn traces_parameter_errors_use_zipkin_messages() {
    let app = fixture_app();
    for (q, msg) in [
        (
            "maxDuration=5",
            "maxDuration is only valid with minDuration",
        ),
        ("minDuration=10&maxDuration=5", "maxDuration < minDuration"),
        ("minDuration=0", "minDuration <= 0"),
        ("limit=0", "limit <= 0"),
        ("lookback=0", "lookback <= 0"),
        ("endTs=-1", "endTs <= 0"),
        ("limit=abc", "For input string: \"abc\""),
    ] {
        let r = get(&app, &format!("/api/v2/traces?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.text(), msg, "{q}");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    }
}

// ------------------------------------------------------------------ /trace/{id}

#[tokio::test]
async fn trace_round_trips_fixture_fields() {
    // Absent fields stay absent, present ones come back unchanged.
    for file in [
        "zipkin__simple-db-p6.json",
        "zipkin__ascend.json",
        "zipkin__yelp.json",
        "zipkin__envoy.json",
        "zipkin__kong-malformed.json",
        "zipkin__messaging-kafka.json",
        "zipkin__messaging-rabbitmq.json",
        "zipkin__smartthings-oauth-authorization.json",
    ] {
        let path = zipkin_v2(file);
        let expected = read_json(&path);
        let id = expected[0]["traceId"]
            .as_str()
            .expect("traceId")
            .to_string();
        let app = build_app(state_with(ServerConfig::default(), &[path]));
        let r = get(&app, &format!("/api/v2/trace/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{file}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.json(), expected, "{file} does not round-trip");
    }
}

#[tokio::test]
async fn trace_ids_are_normalised_like_zipkin() {
    let app = fixture_app();
    // "2" was stored left-padded; any spelling of it finds it.
    for id in ["2", "0000000000000002", "00000000000000000000000000000002"] {
        let r = get(&app, &format!("/api/v2/trace/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{id}");
        assert_eq!(r.json()[0]["traceId"], "0000000000000002");
        assert_eq!(r.json()[0]["id"], "0000000000000002");
    }
    // A 128-bit id with a zero high half is the 64-bit id.
    let r = get(&app, &format!("/api/v2/trace/0000000000000000{P6}")).await;
    assert_eq!(r.status, StatusCode::OK);
    // strictTraceId: the low half of a 128-bit trace id is a different trace.
    let r = get(&app, &format!("/api/v2/trace/{RABBIT}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let low = &RABBIT[16..];
    let r = get(&app, &format!("/api/v2/trace/{low}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.text(), format!("{low} not found"));
    // A 15-hex parent id is padded.
    let r = get(&app, "/api/v2/trace/091f00370361e578").await;
    assert_eq!(r.json()[0]["parentId"].as_str().map(str::len), Some(16));
}

#[tokio::test]
async fn trace_not_found_and_malformed() {
    let app = fixture_app();
    let r = get(&app, "/api/v2/trace/463ac35c9f6413ad").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.text(), "463ac35c9f6413ad not found");
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    // Not-found names the normalised id, as Zipkin does.
    assert_eq!(
        get(&app, "/zipkin/api/v2/trace/abc").await.text(),
        "0000000000000abc not found"
    );
    for (id, msg) in [
        (
            "0e8b46e1-81b",
            "0e8b46e1-81b should be lower-hex encoded with no prefix",
        ),
        (
            "463AC35C9F6413AD",
            "463AC35C9F6413AD should be lower-hex encoded with no prefix",
        ),
        ("0000", "traceId is all zeros"),
        ("463ac35c9f6413ad463ac35c9f6413ad1", "traceId.length > 32"),
    ] {
        let r = get(&app, &format!("/api/v2/trace/{id}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{id}");
        assert_eq!(r.text(), msg);
    }
}

#[tokio::test]
async fn duplicate_spans_are_stored_once() {
    let app = build_app(state_with(
        ServerConfig::default(),
        &[zipkin_v2("otel-collector__zipkin-v2-duplicate-spans.json")],
    ));
    let r = get(&app, "/api/v2/trace/4d1e00c0db9010db86154a4ba6e91385").await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
}

// ------------------------------------------------------------------ /traceMany

#[tokio::test]
async fn trace_many() {
    let app = fixture_app();
    let r = get(&app, &format!("/api/v2/traceMany?traceIds={P6},{ASCEND}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.trace_ids(), vec![P6, ASCEND]);
    // Missing ones are skipped.
    let r = get(
        &app,
        &format!("/zipkin/api/v2/traceMany?traceIds=abcd,{P6},463ac35c9f6413ad"),
    )
    .await;
    assert_eq!(r.trace_ids(), vec![P6]);
    for (q, msg) in [
        ("traceIds=", "traceIds parameter is empty"),
        (
            "traceIds=abcd",
            "Use /api/v2/trace/{traceId} endpoint to retrieve a single trace",
        ),
        ("traceIds=abcd,000abcd", "redundant traceId: 000abcd"),
        (
            "traceIds=abcd,0e8b46e1-81b",
            "0e8b46e1-81b should be lower-hex encoded with no prefix",
        ),
        ("", "Mandatory parameter/header is missing: traceIds"),
    ] {
        let r = get(&app, &format!("/api/v2/traceMany?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.text(), msg, "{q}");
    }
}

// ------------------------------------------------------------------ /dependencies

fn links(r: &Reply) -> BTreeSet<(String, String, u64, Option<u64>)> {
    r.json()
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l["parent"].as_str().expect("parent").to_string(),
                l["child"].as_str().expect("child").to_string(),
                l["callCount"].as_u64().expect("callCount"),
                l.get("errorCount").map(|e| e.as_u64().expect("number")),
            )
        })
        .collect()
}

fn link(p: &str, c: &str, calls: u64, errors: Option<u64>) -> (String, String, u64, Option<u64>) {
    (p.to_string(), c.to_string(), calls, errors)
}

#[tokio::test]
async fn dependencies_link_like_zipkin() {
    let app = fixture_app();
    // JDBC client spans to an uninstrumented database.
    let r = get(
        &app,
        "/api/v2/dependencies?endTs=1541485538000&lookback=1000",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        links(&r),
        [link("bootifulmeters", "app_db", 4, None)].into()
    );
    // Shared client/server spans: the server side names the link; the root has no caller.
    let r = get(
        &app,
        "/api/v2/dependencies?endTs=1531282089000&lookback=1000",
    )
    .await;
    assert_eq!(
        links(&r),
        [
            link("mobile-gateway", "auth-service", 1, None),
            link("mobile-gateway", "content-service", 1, None),
        ]
        .into()
    );
    // Messaging: producer → broker → consumer.
    let r = get(
        &app,
        "/zipkin/api/v2/dependencies?endTs=1521186012000&lookback=1000",
    )
    .await;
    assert_eq!(
        links(&r),
        [
            link("frontend", "rabbitmq", 1, None),
            link("rabbitmq", "backend", 1, None),
        ]
        .into()
    );
    // errorCount is omitted when zero.
    assert!(!r.text().contains("errorCount"));
}

#[tokio::test]
async fn dependencies_count_errors() {
    let app = build_app(tracescope_testserver::AppState::new(ServerConfig::default()));
    let spans = json!([
        {"traceId":"a1","id":"1","kind":"SERVER","name":"get","timestamp":1000000,"duration":100,
         "localEndpoint":{"serviceName":"web"}},
        {"traceId":"a1","parentId":"1","id":"2","kind":"CLIENT","name":"get","timestamp":1000010,
         "duration":50,"localEndpoint":{"serviceName":"web"},"tags":{"error":"boom"}},
        {"traceId":"a1","parentId":"2","id":"3","kind":"SERVER","name":"get","timestamp":1000020,
         "duration":30,"localEndpoint":{"serviceName":"api"}},
        {"traceId":"a1","parentId":"3","id":"4","kind":"CLIENT","name":"select","timestamp":1000021,
         "duration":5,"localEndpoint":{"serviceName":"api"},"remoteEndpoint":{"serviceName":"db"},
         "tags":{"error":""}},
        {"traceId":"a1","parentId":"3","id":"5","kind":"CLIENT","name":"select","timestamp":1000025,
         "duration":5,"localEndpoint":{"serviceName":"api"},"remoteEndpoint":{"serviceName":"db"}}
    ]);
    let r = post(&app, "/api/v2/spans", &spans.to_string()).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r = get(&app, "/api/v2/dependencies?endTs=2000&lookback=2000").await;
    assert_eq!(
        links(&r),
        [
            // The server span inherits its client's error.
            link("web", "api", 1, Some(1)),
            link("api", "db", 2, Some(1)),
        ]
        .into()
    );
}

#[tokio::test]
async fn dependencies_parameter_errors() {
    let app = fixture_app();
    for (q, msg) in [
        ("", "Mandatory parameter/header is missing: endTs"),
        ("endTs=0", "endTs <= 0"),
        ("endTs=10&lookback=0", "lookback <= 0"),
        ("endTs=x", "For input string: \"x\""),
    ] {
        let r = get(&app, &format!("/api/v2/dependencies?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.text(), msg, "{q}");
    }
}

// ------------------------------------------------------------------ autocomplete, config

#[tokio::test]
async fn autocomplete_keys_and_values() {
    let app = fixture_app();
    let r = get(&app, "/api/v2/autocompleteKeys").await;
    assert_eq!(r.strings(), vec!["environment", "http.method", "http.path"]);
    assert_eq!(
        r.header("cache-control"),
        Some("max-age=300, must-revalidate")
    );
    let methods = get(&app, "/api/v2/autocompleteValues?key=http.method")
        .await
        .strings();
    assert_eq!(methods, vec!["GET", "POST"]);
    // Keys not configured are not indexed.
    assert_eq!(
        get(&app, "/zipkin/api/v2/autocompleteValues?key=component")
            .await
            .text(),
        "[]"
    );
    let r = get(&app, "/api/v2/autocompleteValues").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.text(), "Mandatory parameter/header is missing: key");
    let r = get(&app, "/api/v2/autocompleteValues?key=").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.text(), "key was empty");

    let custom = app_with_keys(vec!["component".into()]);
    assert_eq!(
        get(&custom, "/api/v2/autocompleteKeys").await.strings(),
        vec!["component"]
    );
    assert_eq!(
        get(&custom, "/api/v2/autocompleteValues?key=component")
            .await
            .strings(),
        vec!["kong", "proxy"]
    );
}

fn app_with_keys(keys: Vec<String>) -> axum::Router {
    build_app(state_with(
        ServerConfig {
            autocomplete_keys: keys,
            ..ServerConfig::default()
        },
        &[fixtures().join("zipkin-v2")],
    ))
}

#[tokio::test]
async fn lens_config_json() {
    let app = fixture_app();
    let r = get(&app, "/zipkin/config.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({
            "environment": "",
            "queryLimit": 10,
            "defaultLookback": 900000,
            "searchEnabled": true,
            "dependency": {"enabled": true, "lowErrorRate": 0.5, "highErrorRate": 0.75}
        })
    );
    let mut cfg = ServerConfig::default();
    cfg.ui.logs_url = Some("http://logs/{traceId}".into());
    cfg.ui.environment = "demo".into();
    let app = build_app(tracescope_testserver::AppState::new(cfg));
    let v = get(&app, "/zipkin/config.json").await.json();
    assert_eq!(v["logsUrl"], "http://logs/{traceId}");
    assert_eq!(v["environment"], "demo");
}

#[tokio::test]
async fn skywalking_mode_serves_only_under_zipkin() {
    let cfg = ServerConfig {
        zipkin_prefix_only: true,
        ..ServerConfig::default()
    };
    let app = build_app(state_with(cfg, &[fixtures().join("zipkin-v2")]));
    assert_eq!(
        get(&app, "/api/v2/services").await.status,
        StatusCode::NOT_FOUND
    );
    let r = get(&app, "/zipkin/api/v2/services").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.strings().is_empty());
    assert_eq!(
        get(&app, "/zipkin/config.json").await.status,
        StatusCode::OK
    );
}

// ------------------------------------------------------------------ POST /api/v2/spans

#[tokio::test]
async fn post_spans_then_query_them() {
    let app = build_app(tracescope_testserver::AppState::new(ServerConfig::default()));
    let body = r#"[{"traceId":"86154a4ba6e91385","id":"4d1e00c0db9010db","kind":"CLIENT",
        "name":"get","timestamp":1472470996199000,"duration":207000,
        "localEndpoint":{"serviceName":"frontend"}}]"#;
    let r = post(&app, "/api/v2/spans", body).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert!(r.body.is_empty());
    // Posting the same span again does not duplicate it.
    assert_eq!(
        post(&app, "/zipkin/api/v2/spans", body).await.status,
        StatusCode::ACCEPTED
    );
    let r = get(&app, "/api/v2/trace/86154a4ba6e91385").await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    assert_eq!(
        get(&app, "/api/v2/services").await.strings(),
        vec!["frontend"]
    );
    assert_eq!(
        post(&app, "/api/v2/spans", "").await.status,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        post(&app, "/api/v2/spans", "[]").await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn post_malformed_is_bad_request() {
    let app = build_app(tracescope_testserver::AppState::new(ServerConfig::default()));
    for body in [
        "hello",
        "[{\"traceId\":",
        r#"{"traceId":"a","id":"b"}"#,
        r#"[{"traceId":"zz","id":"b"}]"#,
        r#"[{"traceId":"a","id":"b","kind":"SIDEWAYS"}]"#,
    ] {
        let r = post(&app, "/api/v2/spans", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            r.text()
                .starts_with("Malformed reading List<Span> from json"),
            "{}",
            r.text()
        );
    }
    // Nothing was stored from the rejected messages.
    assert_eq!(get(&app, "/api/v2/services").await.text(), "[]");
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let app = fixture_app();
    assert_eq!(
        get(&app, "/api/v2/nope").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/v2/trace/").await.status,
        StatusCode::NOT_FOUND
    );
    let r = request(
        &app,
        axum::http::Method::DELETE,
        "/api/v2/services",
        &[],
        axum::body::Body::empty(),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn cached_trace_json_and_links_follow_new_spans() {
    let app = build_app(tracescope_testserver::AppState::new(ServerConfig::default()));
    let first = r#"[{"traceId":"b1","id":"1","kind":"CLIENT","timestamp":1000000,"duration":5,
        "localEndpoint":{"serviceName":"web"},"remoteEndpoint":{"serviceName":"db"}}]"#;
    let second = r#"[{"traceId":"b1","parentId":"1","id":"2","kind":"CLIENT","timestamp":1000001,
        "duration":2,"localEndpoint":{"serviceName":"web"},"remoteEndpoint":{"serviceName":"cache"},
        "tags":{"error":"miss"}}]"#;
    assert_eq!(
        post(&app, "/api/v2/spans", first).await.status,
        StatusCode::ACCEPTED
    );
    let deps = "/api/v2/dependencies?endTs=2000&lookback=2000";
    assert_eq!(
        links(&get(&app, deps).await),
        [link("web", "db", 1, None)].into()
    );
    assert_eq!(
        get(&app, "/api/v2/trace/b1")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        post(&app, "/api/v2/spans", second).await.status,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        get(&app, "/api/v2/trace/b1")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // The first client now has a child, so (as in Zipkin) only the leaf client links.
    assert_eq!(
        links(&get(&app, deps).await),
        [link("web", "cache", 1, Some(1))].into()
    );
}
