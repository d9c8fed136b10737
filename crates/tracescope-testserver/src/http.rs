//! The HTTP surface: Zipkin's query API under `/api/v2/` and `/zipkin/api/v2/`, `POST` of spans,
//! Zipkin Lens's `/zipkin/config.json`, optional static files, and — around all of it — fault
//! injection and CORS.
//!
//! Every request goes through [`dispatch`], which strips a `/_fault/<spec>/` prefix (rewriting
//! the URI before routing), applies faults to API paths only, answers CORS preflights and adds
//! CORS headers, then hands the request to the inner router.

use crate::config::ServerConfig;
use crate::fault::{strip_fault_prefix, Fault, FAULT_HEADER};
use crate::ids::normalize_trace_id;
use crate::query::{QueryRequest, RawQuery as TracesQuery};
use crate::store::{Store, TraceData};
use crate::wire::Span;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::{Arc, RwLock};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Shared server state: the span store and the configuration.
pub struct AppState {
    pub store: RwLock<Store>,
    pub cfg: ServerConfig,
}

impl AppState {
    #[must_use]
    pub fn new(cfg: ServerConfig) -> Arc<Self> {
        Arc::new(Self {
            store: RwLock::new(Store::new(cfg.autocomplete_keys.clone())),
            cfg,
        })
    }

    /// Read access; a panic while holding the lock elsewhere cannot corrupt plain data, so a
    /// poisoned lock is still usable.
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn write(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.store
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

struct Shared {
    state: Arc<AppState>,
    inner: Router,
}

/// The whole application. Serve it with `axum::serve`, or call it with `tower::ServiceExt::oneshot`.
pub fn app(state: Arc<AppState>) -> Router {
    let inner = inner_router(Arc::clone(&state));
    Router::new()
        .fallback(dispatch)
        .with_state(Arc::new(Shared { state, inner }))
}

fn api_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v2/services", get(services))
        .route("/api/v2/spans", get(span_names).post(post_spans))
        .route("/api/v2/remoteServices", get(remote_services))
        .route("/api/v2/traces", get(traces))
        .route("/api/v2/trace/{trace_id}", get(trace))
        .route("/api/v2/traceMany", get(trace_many))
        .route("/api/v2/dependencies", get(dependencies))
        .route("/api/v2/autocompleteKeys", get(autocomplete_keys))
        .route("/api/v2/autocompleteValues", get(autocomplete_values))
        // Span uploads can be large (big test traces); Zipkin itself has no small limit.
        .layer(DefaultBodyLimit::max(1 << 30))
}

fn inner_router(state: Arc<AppState>) -> Router {
    let api = api_routes();
    let mut router = Router::new();
    if !state.cfg.zipkin_prefix_only {
        router = router.merge(api.clone());
    }
    router = router
        .nest("/zipkin", api)
        .route("/zipkin/config.json", get(ui_config));
    if let Some(dir) = &state.cfg.static_dir {
        let headers: Arc<[(HeaderName, HeaderValue)]> = state
            .cfg
            .static_headers
            .iter()
            .filter_map(|(n, v)| {
                Some((
                    HeaderName::from_bytes(n.as_bytes()).ok()?,
                    HeaderValue::from_str(v).ok()?,
                ))
            })
            .collect();
        let files = Router::new().fallback_service(ServeDir::new(dir)).layer(
            axum::middleware::map_response_with_state(headers, add_static_headers),
        );
        let mount = state.cfg.static_path.trim_end_matches('/');
        router = if mount.is_empty() {
            router.fallback_service(files)
        } else {
            router.nest_service(mount, files)
        };
    }
    router.with_state(state)
}

/// The `--static-header`s, on every static file response.
async fn add_static_headers(
    State(headers): State<Arc<[(HeaderName, HeaderValue)]>>,
    mut resp: Response,
) -> Response {
    for (name, value) in headers.iter() {
        resp.headers_mut().insert(name.clone(), value.clone());
    }
    resp
}

/// True for paths that faults apply to (static files are never faulted).
fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/zipkin/api/") || path == "/zipkin/config.json"
}

async fn dispatch(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let cfg = &shared.state.cfg;
    let (mut parts, body) = req.into_parts();

    let mut request_fault = Fault::default();
    if let Some((spec, rest)) = strip_fault_prefix(parts.uri.path()) {
        let spec = percent_decode(spec);
        match Fault::parse(&spec) {
            Ok(f) => request_fault = f,
            Err(e) => return text(StatusCode::BAD_REQUEST, e),
        }
        let pq = match parts.uri.query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest.to_string(),
        };
        match pq.parse::<Uri>() {
            Ok(uri) => parts.uri = uri,
            Err(e) => return text(StatusCode::BAD_REQUEST, format!("bad path: {e}")),
        }
    }
    if let Some(h) = parts.headers.get(FAULT_HEADER) {
        let spec = h.to_str().unwrap_or_default().to_string();
        match Fault::parse(&spec) {
            Ok(f) => request_fault = request_fault.overridden_by(&f),
            Err(e) => return text(StatusCode::BAD_REQUEST, e),
        }
    }
    let fault = if is_api_path(parts.uri.path()) {
        cfg.fault.clone().overridden_by(&request_fault)
    } else {
        Fault::default()
    };
    let cors = cfg.cors_enabled && !fault.nocors;
    let origin = parts.headers.get(header::ORIGIN).cloned();

    if cors
        && parts.method == Method::OPTIONS
        && parts
            .headers
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        if let Some(d) = fault.delay {
            tokio::time::sleep(d).await;
        }
        return preflight(cfg, origin.as_ref(), &parts.headers);
    }

    if let Some(d) = fault.delay {
        tokio::time::sleep(d).await;
    }
    let mut resp = match fault.status {
        Some(code) => text(
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            format!("injected fault: status {code}"),
        ),
        None => match shared
            .inner
            .clone()
            .oneshot(Request::from_parts(parts, body))
            .await
        {
            Ok(r) => r,
            Err(never) => match never {},
        },
    };
    if let Some(limit) = fault.truncate {
        resp = truncate(resp, limit).await;
    }
    if let Some(rate) = fault.rate {
        resp = throttle(resp, rate).await;
    }
    if cors {
        if let Some(allowed) = origin.as_ref().and_then(|o| allow_origin(cfg, o)) {
            let h = resp.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
            if !cfg.allowed_origins.iter().any(|o| o == "*") {
                h.append(header::VARY, HeaderValue::from_static("origin"));
            }
        }
    }
    resp
}

/// `*` when any origin is allowed (what Zipkin sends by default), else the matching origin.
fn allow_origin(cfg: &ServerConfig, origin: &HeaderValue) -> Option<HeaderValue> {
    if cfg.allowed_origins.iter().any(|o| o == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    let o = origin.to_str().ok()?;
    cfg.allowed_origins
        .iter()
        .any(|a| a.eq_ignore_ascii_case(o))
        .then(|| origin.clone())
}

/// Zipkin allows GET and POST with the Content-Type header; we also allow our fault header so
/// browser tests can use it.
fn preflight(cfg: &ServerConfig, origin: Option<&HeaderValue>, headers: &HeaderMap) -> Response {
    let method_ok = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|m| m.to_str().ok())
        .is_some_and(|m| m == "GET" || m == "POST");
    let allowed = origin.and_then(|o| allow_origin(cfg, o));
    let (Some(allowed), true) = (allowed, method_ok) else {
        return text(StatusCode::FORBIDDEN, "CORS preflight rejected");
    };
    let mut resp = StatusCode::OK.into_response();
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET,POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type,x-tracescope-fault"),
    );
    if !cfg.allowed_origins.iter().any(|o| o == "*") {
        h.append(header::VARY, HeaderValue::from_static("origin"));
    }
    resp
}

/// Cuts the body after `limit` bytes. Content-Length is set to the cut length, so a client reads
/// the whole (broken) body and fails when parsing it, not on the connection.
async fn truncate(resp: Response, limit: usize) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let cut = bytes.slice(..limit.min(bytes.len()));
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(cut.len()));
    Response::from_parts(parts, Body::from(cut))
}

/// Sends the body at `rate` bytes per second, a tenth of that every 100 ms; Content-Length
/// stays the whole length, so a client can show progress.
async fn throttle(resp: Response, rate: u64) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let chunk = usize::try_from(rate / 10).unwrap_or(usize::MAX).max(1);
    let stream = futures_util::stream::unfold((bytes, true), move |(rest, first)| async move {
        if rest.is_empty() {
            return None;
        }
        if !first {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let n = chunk.min(rest.len());
        let head = rest.slice(..n);
        let tail = rest.slice(n..);
        Some((Ok::<_, std::convert::Infallible>(head), (tail, false)))
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ------------------------------------------------------------------ responses

/// A client error answered as Zipkin does: a status and a plain-text message.
#[derive(Debug)]
struct ApiError(StatusCode, String);

impl ApiError {
    fn bad_request(msg: impl Into<String>) -> Self {
        ApiError(StatusCode::BAD_REQUEST, msg.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        text(self.0, self.1)
    }
}

type ApiResult = Result<Response, ApiError>;

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn json_bytes(body: Bytes) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A sorted list of names, with Zipkin's Cache-Control once the system looks "in use".
fn names(mut values: Vec<String>, cache: bool) -> Response {
    values.sort();
    let body = serde_json::to_vec(&values).unwrap_or_else(|_| b"[]".to_vec());
    let mut resp = json_bytes(Bytes::from(body));
    if cache {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=300, must-revalidate"),
        );
    }
    resp
}

/// `[trace,trace,...]` from cached per-trace JSON, off the async threads (big traces).
async fn encode_traces(traces: Vec<Arc<TraceData>>) -> Response {
    let joined = tokio::task::spawn_blocking(move || {
        let len: usize = traces.iter().map(|t| t.json().len() + 1).sum::<usize>() + 2;
        let mut out = Vec::with_capacity(len);
        out.push(b'[');
        for (i, t) in traces.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(t.json());
        }
        out.push(b']');
        Bytes::from(out)
    })
    .await;
    match joined {
        Ok(body) => json_bytes(body),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

// ------------------------------------------------------------------ parameters

/// Query parameters in order; the first occurrence of a name wins (as in Armeria).
struct Params(Vec<(String, String)>);

impl Params {
    fn new(raw: Option<String>) -> Self {
        Params(
            raw.as_deref()
                .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
                .unwrap_or_default(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required parameter; Armeria's message when missing.
    fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| {
            ApiError::bad_request(format!("Mandatory parameter/header is missing: {name}"))
        })
    }

    /// An optional integer; Java's NumberFormatException text when malformed.
    fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("For input string: \"{v}\""))),
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

// ------------------------------------------------------------------ handlers

async fn services(State(st): State<Arc<AppState>>) -> Response {
    let names_list = st.read().service_names();
    let cache = names_list.len() > 3;
    names(names_list, cache)
}

async fn span_names(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::new(q);
    let service = p.required("serviceName")?;
    let store = st.read();
    let cache = store.service_names().len() > 3;
    Ok(names(store.span_names(service), cache))
}

async fn remote_services(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::new(q);
    let service = p.required("serviceName")?;
    let store = st.read();
    let cache = store.service_names().len() > 3;
    Ok(names(store.remote_service_names(service), cache))
}

async fn traces(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::new(q);
    let raw = TracesQuery {
        service_name: p.get("serviceName").map(String::from),
        remote_service_name: p.get("remoteServiceName").map(String::from),
        span_name: p.get("spanName").map(String::from),
        annotation_query: p.get("annotationQuery").map(String::from),
        min_duration: p.int("minDuration")?,
        max_duration: p.int("maxDuration")?,
        end_ts: p.int("endTs")?,
        lookback: p.int("lookback")?,
        limit: p.int("limit")?,
    };
    let request =
        QueryRequest::build(raw, now_ms(), st.cfg.lookback_ms).map_err(ApiError::bad_request)?;
    let found = st.read().query(&request);
    Ok(encode_traces(found).await)
}

async fn trace(State(st): State<Arc<AppState>>, Path(trace_id): Path<String>) -> ApiResult {
    let id = normalize_trace_id(&trace_id).map_err(ApiError::bad_request)?;
    let found = st.read().trace(&id);
    let t = found.ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("{id} not found")))?;
    // Encoding a million-span trace takes a while the first time: keep it off async threads.
    let body = tokio::task::spawn_blocking(move || t.json().clone())
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(json_bytes(body))
}

async fn trace_many(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::new(q);
    let raw = p.required("traceIds")?;
    if raw.is_empty() {
        return Err(ApiError::bad_request("traceIds parameter is empty"));
    }
    let mut ids: Vec<String> = Vec::new();
    for part in raw.split(',') {
        let id = normalize_trace_id(part).map_err(ApiError::bad_request)?;
        if ids.contains(&id) {
            return Err(ApiError::bad_request(format!("redundant traceId: {part}")));
        }
        ids.push(id);
    }
    if ids.len() == 1 {
        return Err(ApiError::bad_request(
            "Use /api/v2/trace/{traceId} endpoint to retrieve a single trace",
        ));
    }
    let found: Vec<Arc<TraceData>> = {
        let store = st.read();
        ids.iter().filter_map(|id| store.trace(id)).collect()
    };
    Ok(encode_traces(found).await)
}

async fn dependencies(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::new(q);
    p.required("endTs")?;
    let end_ts = p.int("endTs")?.unwrap_or(0);
    let lookback = p.int("lookback")?.unwrap_or(st.cfg.lookback_ms);
    if end_ts <= 0 {
        return Err(ApiError::bad_request("endTs <= 0"));
    }
    if lookback <= 0 {
        return Err(ApiError::bad_request("lookback <= 0"));
    }
    let body = if let Some(file) = &st.cfg.dependencies_file {
        tokio::fs::read(file).await.map_err(|e| {
            ApiError(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("--dependencies-file {}: {e}", file.display()),
            )
        })?
    } else {
        let links = st.read().dependencies(end_ts, lookback);
        serde_json::to_vec(&links).unwrap_or_else(|_| b"[]".to_vec())
    };
    Ok(json_bytes(Bytes::from(body)))
}

async fn autocomplete_keys(State(st): State<Arc<AppState>>) -> Response {
    names(st.read().autocomplete_keys().to_vec(), true)
}

async fn autocomplete_values(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::new(q);
    let key = p.required("key")?;
    if key.is_empty() {
        return Err(ApiError::bad_request("key was empty"));
    }
    let values = st.read().autocomplete_values(key);
    let cache = values.len() > 3;
    Ok(names(values, cache))
}

async fn post_spans(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(StatusCode::ACCEPTED.into_response());
    }
    let malformed = |detail: String| {
        ApiError::bad_request(format!("Malformed reading List<Span> from json: {detail}"))
    };
    let spans: Vec<Span> = serde_json::from_slice(&body).map_err(|e| malformed(e.to_string()))?;
    // Like Zipkin, one bad span rejects the whole message.
    let clean = spans
        .into_iter()
        .map(|s| s.normalize(st.cfg.lowercase_names))
        .collect::<Result<Vec<Span>, String>>()
        .map_err(malformed)?;
    st.write().accept(clean);
    Ok(StatusCode::ACCEPTED.into_response())
}

async fn ui_config(State(st): State<Arc<AppState>>) -> Response {
    let ui = &st.cfg.ui;
    let mut cfg = serde_json::json!({
        "environment": ui.environment,
        "queryLimit": ui.query_limit,
        "defaultLookback": ui.default_lookback_ms,
        "searchEnabled": ui.search_enabled,
        "dependency": {
            "enabled": ui.dependency_enabled,
            "lowErrorRate": ui.low_error_rate,
            "highErrorRate": ui.high_error_rate,
        },
    });
    if let (Some(url), Some(obj)) = (&ui.logs_url, cfg.as_object_mut()) {
        obj.insert("logsUrl".into(), serde_json::Value::String(url.clone()));
    }
    json_bytes(Bytes::from(
        serde_json::to_vec(&cfg).unwrap_or_else(|_| b"{}".to_vec()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("delay%3D5%2Cnocors"), "delay=5,nocors");
        assert_eq!(percent_decode("status=500"), "status=500");
        assert_eq!(percent_decode("bad%zz%4"), "bad%zz%4");
    }

    #[test]
    fn api_paths() {
        assert!(is_api_path("/api/v2/services"));
        assert!(is_api_path("/zipkin/api/v2/trace/abc"));
        assert!(is_api_path("/zipkin/config.json"));
        assert!(!is_api_path("/index.html"));
        assert!(!is_api_path("/app/api/x"));
    }
}
