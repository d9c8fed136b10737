//! Shared helpers: fixture location, app construction and one-shot requests on the router.
#![allow(dead_code)] // each test binary uses a different subset

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tracescope_testserver::{app, load, AppState, ServerConfig};

/// The shared fixture folder: `$TRACESCOPE_FIXTURES`, else `/work/shared/fixtures` relative to this
/// crate. Missing fixtures fail the test loudly rather than skipping it.
pub fn fixtures() -> PathBuf {
    let dir = std::env::var_os("TRACESCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"));
    assert!(
        dir.join("zipkin-v2").is_dir(),
        "fixture folder {} (with a zipkin-v2/ subfolder) not found: set TRACESCOPE_FIXTURES to the \
         shared fixtures folder",
        dir.display()
    );
    dir
}

pub fn zipkin_v2(name: &str) -> PathBuf {
    let p = fixtures().join("zipkin-v2").join(name);
    assert!(p.is_file(), "fixture {} missing", p.display());
    p
}

/// State with the given files or folders loaded (panics if nothing loads).
pub fn state_with(cfg: ServerConfig, paths: &[PathBuf]) -> Arc<AppState> {
    let state = AppState::new(cfg);
    if !paths.is_empty() {
        let report = {
            let mut store = state.write();
            load::load_paths(paths, false, |spans| store.accept(spans))
        };
        assert!(
            report.files_loaded > 0,
            "nothing loaded: {:?}",
            report.messages
        );
    }
    state
}

/// App over every Zipkin v2 fixture.
pub fn fixture_app() -> Router {
    app(state_with(
        ServerConfig::default(),
        &[fixtures().join("zipkin-v2")],
    ))
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `[[span...], ...]` → trace ids in order.
    pub fn trace_ids(&self) -> Vec<String> {
        self.json()
            .as_array()
            .expect("array of traces")
            .iter()
            .map(|t| t[0]["traceId"].as_str().expect("traceId").to_string())
            .collect()
    }

    pub fn strings(&self) -> Vec<String> {
        serde_json::from_slice(&self.body).expect("array of strings")
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let resp = app
        .clone()
        .oneshot(req)
        .await
        .expect("router is infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body readable");
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(
        app,
        Request::get(uri)
            .body(Body::empty())
            .expect("valid request"),
    )
    .await
}

pub async fn get_with(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut b = Request::get(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    send(app, b.body(Body::empty()).expect("valid request")).await
}

pub async fn request(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Reply {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    send(app, b.body(body.into()).expect("valid request")).await
}

pub async fn post(app: &Router, uri: &str, body: &str) -> Reply {
    request(
        app,
        Method::POST,
        uri,
        &[("content-type", "application/json")],
        body.to_string(),
    )
    .await
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("fixture readable")).expect("fixture JSON")
}
