//! App-wide state: small values in signals, big data behind `Arc`s (a signal holding an
//! `Arc` clones a pointer, never a trace).

use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::engine::{LoadInfo, TraceInfo};

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchParams {
    pub service: String,
    pub lookback_ms: u64,
    pub limit: u32,
}

impl Default for SearchParams {
    fn default() -> Self {
        SearchParams {
            service: String::new(),
            lookback_ms: 3_600_000,
            limit: 10,
        }
    }
}

impl SearchParams {
    pub fn to_url_params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("service", self.service.clone()),
            ("lookback", self.lookback_ms.to_string()),
            ("limit", self.limit.to_string()),
        ]
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
        let d = SearchParams::default();
        Route::Search(SearchParams {
            service: get("service").unwrap_or_default(),
            lookback_ms: get("lookback")
                .and_then(|v| v.parse().ok())
                .unwrap_or(d.lookback_ms),
            limit: get("limit")
                .and_then(|v| v.parse().ok())
                .filter(|l| *l > 0)
                .unwrap_or(d.limit),
        })
    }
}

#[derive(Clone, Debug)]
pub struct SearchResults {
    pub params: SearchParams,
    pub rows: Arc<Vec<TraceInfo>>,
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
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            api: RwSignal::new(None),
            route: RwSignal::new(Route::from_url()),
            error: RwSignal::new(None),
            services: RwSignal::new(None),
            results: RwSignal::new(None),
            loaded: RwSignal::new_local(None),
            selected: RwSignal::new(0),
            busy: RwSignal::new(false),
            dark: RwSignal::new(prefers_dark()),
            loading: RwSignal::new(None),
        }
    }

    /// Goes to a view and records it in the history.
    pub fn go(&self, route: Route) {
        match &route {
            Route::Search(p) => crate::url::navigate(&p.to_url_params()),
            Route::Trace(id) => crate::url::navigate(&[("trace", id.clone())]),
            Route::File => crate::url::navigate(&[("view", "file".into())]),
            Route::Dependencies(p) => crate::url::navigate(&p.to_url_params()),
        }
        self.route.set(route);
    }

    pub fn fail(&self, e: AppError) {
        self.error.set(Some(e));
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
