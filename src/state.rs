//! App-wide state: small values in signals, big data behind `Arc`s (a signal holding an
//! `Arc` clones a pointer, never a trace).

use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::api::TracesQuery;
use tracescope_core::engine::{LoadInfo, TraceInfo};
use tracescope_core::search::config::UiConfig;
use tracescope_core::search::query::{format_duration_input, parse_duration};
use tracescope_core::search::rows::{ResultIndex, RowFilter, SortOrder};

use crate::config::Api;
use crate::engine_client::EngineClient;
use crate::error::AppError;

/// Which view the URL asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Search(SearchParams),
    Trace(String),
    /// A trace opened from a file; the bytes are not in the URL.
    File,
    /// The service dependency graph (`?view=dependencies`).
    Dependencies(crate::dependencies::DependencyParams),
}

/// The search page's URL state: the query sent to the API, and the in-browser view of its
/// answer (filter and order), which never causes a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchParams {
    pub query: SearchQuery,
    pub view: ResultView,
}

/// Every `/traces` parameter. `lookback_ms` and `limit` of 0 mean "the server's UI default"
/// (`config.json`'s `defaultLookback` and `queryLimit`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub service: String,
    pub remote_service: String,
    pub span_name: String,
    /// Zipkin's `annotationQuery`.
    pub tags: String,
    pub min_duration_us: Option<i64>,
    pub max_duration_us: Option<i64>,
    pub lookback_ms: u64,
    /// End of a custom time range (ms since the epoch); `None` = now.
    pub end_ms: Option<u64>,
    pub limit: u32,
}

/// Zipkin's defaults when the server has no `config.json`.
pub const DEFAULT_LOOKBACK_MS: u64 = 900_000;
pub const DEFAULT_LIMIT: u32 = 10;

impl SearchQuery {
    pub fn lookback_or(&self, ui: &UiConfig) -> u64 {
        if self.lookback_ms > 0 {
            self.lookback_ms
        } else {
            ui.default_lookback
                .filter(|l| *l > 0)
                .unwrap_or(DEFAULT_LOOKBACK_MS)
        }
    }

    pub fn limit_or(&self, ui: &UiConfig) -> u32 {
        if self.limit > 0 {
            self.limit
        } else {
            ui.query_limit.filter(|l| *l > 0).unwrap_or(DEFAULT_LIMIT)
        }
    }

    /// The request for this query, ending at `now_ms` unless the range is custom.
    pub fn request(&self, ui: &UiConfig, now_ms: u64) -> TracesQuery {
        TracesQuery {
            service: self.service.clone(),
            remote_service: self.remote_service.clone(),
            span_name: self.span_name.clone(),
            annotation_query: self.tags.trim().to_string(),
            min_duration_us: self.min_duration_us,
            max_duration_us: self.max_duration_us,
            lookback_ms: self.lookback_or(ui),
            end_ts_ms: self.end_ms.unwrap_or(now_ms),
            limit: self.limit_or(ui),
        }
    }
}

/// The in-browser filter and order of the result list (`rows::RowFilter`, `SortOrder`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultView {
    pub filter: RowFilter,
    pub sort: SortOrder,
}

fn dur(v: Option<i64>) -> String {
    v.map(format_duration_input).unwrap_or_default()
}

impl SearchParams {
    pub fn to_url_params(&self) -> Vec<(&'static str, String)> {
        let q = &self.query;
        let num = |v: u64| if v == 0 { String::new() } else { v.to_string() };
        let mut out = vec![
            ("service", q.service.clone()),
            ("remoteService", q.remote_service.clone()),
            ("spanName", q.span_name.clone()),
            ("tags", q.tags.clone()),
            ("minDuration", dur(q.min_duration_us)),
            ("maxDuration", dur(q.max_duration_us)),
            ("lookback", num(q.lookback_ms)),
            ("endTs", q.end_ms.map(|e| e.to_string()).unwrap_or_default()),
            ("limit", num(u64::from(q.limit))),
        ];
        out.extend(self.view.to_url_params());
        out
    }

    fn from_pairs(get: &dyn Fn(&str) -> Option<String>) -> SearchParams {
        let d = |k: &str| get(k).and_then(|v| parse_duration(&v).ok().flatten());
        SearchParams {
            query: SearchQuery {
                service: get("service").unwrap_or_default(),
                remote_service: get("remoteService").unwrap_or_default(),
                span_name: get("spanName").unwrap_or_default(),
                tags: get("tags").unwrap_or_default(),
                min_duration_us: d("minDuration"),
                max_duration_us: d("maxDuration"),
                lookback_ms: get("lookback").and_then(|v| v.parse().ok()).unwrap_or(0),
                end_ms: get("endTs").and_then(|v| v.parse().ok()),
                limit: get("limit").and_then(|v| v.parse().ok()).unwrap_or(0),
            },
            view: ResultView::from_pairs(get),
        }
    }
}

impl ResultView {
    /// The filter's URL parameters (`filter`, `fservice`, `fmin`, `fmax`, `errors`,
    /// `window`, `sort`), empty ones left out by the writer.
    pub fn to_url_params(&self) -> Vec<(&'static str, String)> {
        let f = &self.filter;
        vec![
            ("filter", f.text.clone()),
            ("fservice", f.service.clone()),
            ("fmin", dur(f.min_us)),
            ("fmax", dur(f.max_us)),
            (
                "errors",
                if f.errors_only {
                    "1".into()
                } else {
                    String::new()
                },
            ),
            (
                "window",
                f.window
                    .map(|(a, b)| format!("{a},{b}"))
                    .unwrap_or_default(),
            ),
            (
                "sort",
                if self.sort == SortOrder::default() {
                    String::new()
                } else {
                    self.sort.as_str().into()
                },
            ),
        ]
    }

    fn from_pairs(get: &dyn Fn(&str) -> Option<String>) -> ResultView {
        let d = |k: &str| get(k).and_then(|v| parse_duration(&v).ok().flatten());
        ResultView {
            filter: RowFilter {
                text: get("filter").unwrap_or_default(),
                service: get("fservice").unwrap_or_default(),
                min_us: d("fmin"),
                max_us: d("fmax"),
                errors_only: get("errors").is_some_and(|v| v == "1"),
                window: get("window").and_then(|w| {
                    let (a, b) = w.split_once(',')?;
                    Some((a.parse().ok()?, b.parse().ok()?))
                }),
            },
            sort: get("sort")
                .and_then(|s| SortOrder::parse(&s))
                .unwrap_or_default(),
        }
    }
}

impl Route {
    pub fn from_url() -> Route {
        let params = crate::url::params();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if let Some(id) = get("trace").filter(|t| !t.is_empty()) {
            return Route::Trace(id);
        }
        if get("view").as_deref() == Some("file") {
            return Route::File;
        }
        if get("view").as_deref() == Some("dependencies") {
            return Route::Dependencies(crate::dependencies::DependencyParams::from_pairs(&get));
        }
        Route::Search(SearchParams::from_pairs(&get))
    }
}

/// One answer of the API, summarised (the page never holds the traces themselves).
#[derive(Clone, Debug)]
pub struct SearchResults {
    /// The query and the view it was last shown with (for the trace view's way back).
    pub params: SearchParams,
    pub rows: Arc<Vec<TraceInfo>>,
    /// Built once per answer, for filtering as the user types.
    pub index: Arc<ResultIndex>,
    /// The request sent.
    pub url: String,
}

/// Traces on display: one fetched trace, or every trace in an opened file, held by the
/// engine; the page keeps only their summaries.
#[derive(Clone)]
pub struct Loaded {
    /// The trace id asked for, or the file name.
    pub key: LoadKey,
    pub client: EngineClient,
    pub info: Arc<LoadInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadKey {
    Trace(String),
    File(String),
    /// Several traces opened together from the search list (`/traceMany`), shown as tabs.
    Many(Vec<String>),
}

impl Loaded {
    /// Which of the loaded traces is trace `id`, when this load holds it.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        match &self.key {
            LoadKey::Trace(t) if t == id => Some(0),
            LoadKey::Many(ids) if ids.iter().any(|t| t == id) => {
                self.info.traces.iter().position(|t| t.trace_id == id)
            }
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub api: RwSignal<Option<Api>>,
    pub route: RwSignal<Route>,
    pub error: RwSignal<Option<AppError>>,
    pub services: RwSignal<Option<Arc<Vec<String>>>>,
    pub results: RwSignal<Option<SearchResults>>,
    pub loaded: RwSignal<Option<Loaded>, LocalStorage>,
    /// Which trace of `loaded` is shown.
    pub selected: RwSignal<usize>,
    /// True while a request the user waits for is in flight.
    pub busy: RwSignal<bool>,
    /// Dark theme (from the system preference at start; toggled in the header).
    pub dark: RwSignal<bool>,
    /// The trace load in flight, for the progress strip.
    pub loading: RwSignal<Option<crate::progress::LoadStatus>>,
    /// The UI configuration: the server's `config.json` under the deployment's
    /// (`queryLimit`, `defaultLookback`, `dependency.lowErrorRate/highErrorRate` for the
    /// dependency page, `logsUrl`, `environment`).
    pub ui: RwSignal<Arc<UiConfig>>,
    /// The search in flight, for its progress line and cancel button.
    pub searching: RwSignal<Option<crate::search::SearchProgress>>,
    /// Recent answers, newest last, so that back/forward does not refetch.
    pub result_cache: StoredValue<Vec<SearchResults>>,
    /// The settings dialog is open.
    pub settings_open: RwSignal<bool>,
    /// Whether the server's `config.json` was read (shown in the settings dialog).
    pub server_config: RwSignal<Option<crate::config::ServerConfigStatus>>,
    /// What an embedding asked for (`embed=`, `hide=`, `collapse=`, …; `src/embed.rs`).
    pub embed: RwSignal<tracescope_core::embed::EmbedOptions>,
    /// Bumped when view parameters (span, filter, zoom) change from outside the view (the
    /// JS API, a host's message): the trace view applies the URL's again.
    pub url_changed: RwSignal<u64>,
    /// The UI language (`src/i18n.rs`).
    pub lang: RwSignal<crate::i18n::Lang>,
    /// The last span selected in a trace view: trace id, span index, span id. The URL's
    /// `span=` holds only the id, which a Zipkin client and server half share; when the view
    /// is rebuilt (skew switch, Back) and the URL still names this id, the same half is
    /// selected again.
    pub span_hint: StoredValue<Option<(String, u32, String)>>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            api: RwSignal::new(None),
            route: RwSignal::new(Route::from_url()),
            span_hint: StoredValue::new(None),
            error: RwSignal::new(None),
            services: RwSignal::new(None),
            results: RwSignal::new(None),
            loaded: RwSignal::new_local(None),
            selected: RwSignal::new(0),
            busy: RwSignal::new(false),
            dark: RwSignal::new(prefers_dark()),
            loading: RwSignal::new(None),
            ui: RwSignal::new(Arc::new(UiConfig::default())),
            searching: RwSignal::new(None),
            result_cache: StoredValue::new(Vec::new()),
            settings_open: RwSignal::new(false),
            server_config: RwSignal::new(None),
            embed: RwSignal::new(Default::default()),
            url_changed: RwSignal::new(0),
            lang: RwSignal::new(crate::i18n::initial()),
        }
    }

    /// Goes to a view and records it in the history.
    pub fn go(&self, route: Route) {
        crate::search::flush_url_write(*self);
        match &route {
            Route::Search(p) => crate::url::navigate(&p.to_url_params()),
            Route::Trace(id) => crate::url::navigate(&[("trace", id.clone())]),
            Route::File => crate::url::navigate(&[("view", "file".into())]),
            Route::Dependencies(p) => crate::url::navigate(&p.to_url_params()),
        }
        self.route.set(route);
    }

    pub fn fail(&self, e: AppError) {
        // A cancelled request is the user's own doing: nothing to report.
        if e != AppError::Cancelled {
            self.error.set(Some(e));
        }
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// An `Arc` compared by identity: lets memos hold big data without deep comparisons.
#[derive(Debug)]
pub struct ByPtr<T>(pub Arc<T>);

impl<T> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        ByPtr(self.0.clone())
    }
}

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

fn prefers_dark() -> bool {
    match crate::url::param("theme").as_deref() {
        Some("dark") => return true,
        Some("light") => return false,
        _ => {}
    }
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
