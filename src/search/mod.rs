//! The search page: the query form (`form`), the result list with its in-browser filter
//! (`results`), the duration scatter plot (`scatter`), the API settings dialog
//! (`settings`) and the tab strip of traces opened together (`tabs`).
//!
//! One search runs at a time: a new one cancels the one in flight ([`fetch::Abort`]), and
//! only the newest search's answer is ever shown. Answers are kept in a small cache keyed by
//! query, so back/forward shows them again without a request.

mod form;
mod results;
mod scatter;
pub mod settings;
pub mod tabs;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::search::rows::ResultIndex;

use crate::engine_client::EngineClient;
use crate::error::{AppError, Origin};
use crate::fetch::{self, Abort};
use crate::i18n::{tr, Msg};
use crate::state::{use_app, AppState, Route, SearchParams, SearchQuery, SearchResults};

/// How many answers back/forward can show again without a request.
const CACHED_ANSWERS: usize = 6;

/// Where a search is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Request sent, no answer yet.
    Waiting,
    /// The answer's body is arriving.
    Reading,
    /// The engine's worker reads the answer into summaries.
    Summarising,
}

impl Phase {
    pub fn id(self) -> &'static str {
        match self {
            Phase::Waiting => "waiting",
            Phase::Reading => "reading",
            Phase::Summarising => "summarising",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchProgress {
    pub url: String,
    /// `Date.now()` when it started.
    pub started_ms: f64,
    pub phase: Phase,
    /// Bytes of the answer read, and its announced length (0 when unknown).
    pub bytes: f64,
    pub total: f64,
}

/// Numbers searches so that only the newest one's answer is shown: an older search that
/// answers late (the start-up search, a slow worker) must not replace newer results.
static SEARCH_SEQ: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The search in flight, to cancel it.
    static IN_FLIGHT: RefCell<Option<Abort>> = const { RefCell::new(None) };
}

/// Stops the search in flight, if any; the results on screen stay.
pub fn cancel_search(state: AppState) {
    SEARCH_SEQ.fetch_add(1, Ordering::Relaxed);
    if let Some(a) = IN_FLIGHT.with(|f| f.borrow_mut().take()) {
        a.cancel();
    }
    state.searching.set(None);
}

/// Runs a search, cancelling the one in flight; previous results stay on screen when it
/// fails.
fn run_search(state: AppState, params: SearchParams) {
    let Some(api) = state.api.get_untracked() else {
        return;
    };
    cancel_search(state);
    let seq = SEARCH_SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    let now_ms = js_sys::Date::now();
    let url = state
        .ui
        .with_untracked(|ui| params.query.request(ui, now_ms as u64))
        .url(&api.root);
    let abort = Abort::with_timeout(crate::config::timeout_seconds());
    IN_FLIGHT.with(|f| *f.borrow_mut() = Some(abort.clone()));
    state.searching.set(Some(SearchProgress {
        url: url.clone(),
        started_ms: now_ms,
        phase: Phase::Waiting,
        bytes: 0.0,
        total: 0.0,
    }));
    let current = move || SEARCH_SEQ.load(Ordering::Relaxed) == seq;
    leptos::task::spawn_local(async move {
        // The answer goes to the engine's worker untouched (transferred, not copied): a
        // search that returns huge traces does not block the page.
        // Progress is shown at most every 100 ms (a big answer arrives in many chunks).
        let last = std::cell::Cell::new(0.0_f64);
        let on_bytes = move |bytes: f64, total: f64| {
            let now = js_sys::Date::now();
            if !current() || (now - last.get() < 100.0 && bytes < total) {
                return;
            }
            last.set(now);
            state.searching.update(|s| {
                if let Some(s) = s {
                    s.phase = Phase::Reading;
                    s.bytes = bytes;
                    s.total = total;
                }
            });
        };
        let result = match fetch::get_buffer(&url, &abort, on_bytes).await {
            Ok(buf) => {
                if current() {
                    state.searching.update(|s| {
                        if let Some(s) = s {
                            s.phase = Phase::Summarising;
                        }
                    });
                }
                EngineClient::summarise(buf)
                    .await
                    .map_err(|e| AppError::from_load(Origin::Url(&url), e))
            }
            Err(e) => Err(Some(e)),
        };
        if !current() {
            return;
        }
        IN_FLIGHT.with(|f| f.borrow_mut().take());
        state.searching.set(None);
        match result {
            Ok(info) => {
                let rows = info.traces;
                let results = SearchResults {
                    index: Arc::new(ResultIndex::new(&rows)),
                    rows: Arc::new(rows),
                    params,
                    url,
                };
                state.result_cache.update_value(|c| {
                    c.retain(|r| r.params.query != results.params.query);
                    c.push(results.clone());
                    if c.len() > CACHED_ANSWERS {
                        c.remove(0);
                    }
                });
                state.results.set(Some(results));
            }
            Err(Some(e)) => state.fail(e),
            Err(None) => {}
        }
    });
}

/// The answer to `query` if the page has it (on screen or cached).
fn cached(state: AppState, query: &SearchQuery) -> Option<SearchResults> {
    state
        .result_cache
        .with_value(|c| c.iter().rev().find(|r| r.params.query == *query).cloned())
}

fn load_services(state: AppState) {
    let Some(api) = state.api.get_untracked() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let url = format!("{}/services", api.root);
        let abort = Abort::with_timeout(crate::config::timeout_seconds());
        match fetch::get_json::<Vec<String>>(&url, &abort).await {
            Ok(list) => state.services.set(Some(Arc::new(list))),
            Err(e) => state.fail(e),
        }
    });
}

/// Changes the in-browser view (filter, order) in place: the URL follows without a history
/// entry, and nothing is fetched.
fn set_view(state: AppState, view: crate::state::ResultView) {
    let mut changed = false;
    state.route.update(|r| {
        if let Route::Search(p) = r {
            if p.view != view {
                p.view = view.clone();
                changed = true;
            }
        }
    });
    if !changed {
        return;
    }
    // The trace view's way back returns to this view.
    state.results.update_untracked(|r| {
        if let Some(r) = r {
            r.params.view = view;
        }
    });
    schedule_url_write(state);
}

thread_local! {
    static URL_TIMER: RefCell<Option<leptos::prelude::TimeoutHandle>> = const { RefCell::new(None) };
}

/// How long the URL waits for typing to pause. `history.replaceState` costs several
/// milliseconds in Chromium, more than filtering 10,000 results, so it is not done per
/// keystroke.
const URL_WRITE_DELAY_MS: u64 = 120;

/// Writes the filter of the view on screen into the URL (in place). Off the search page it
/// writes nothing.
fn write_view_to_url(state: AppState) {
    let Some(Route::Search(p)) = state.route.try_get_untracked() else {
        return;
    };
    let params: Vec<(&str, Option<String>)> = p
        .view
        .to_url_params()
        .into_iter()
        .map(|(k, v)| (k, (!v.is_empty()).then_some(v)))
        .collect();
    crate::url::set_params(&params);
}

/// Writes a pending filter change into the URL now: called before a navigation, so that the
/// entry being left keeps its filter for back/forward.
pub fn flush_url_write(state: AppState) {
    if let Some(h) = URL_TIMER.with(|t| t.borrow_mut().take()) {
        h.clear();
        write_view_to_url(state);
    }
}

/// Writes the filter of the view on screen into the URL once typing pauses.
fn schedule_url_write(state: AppState) {
    if let Some(h) = URL_TIMER.with(|t| t.borrow_mut().take()) {
        h.clear();
    }
    let h = set_timeout_with_handle(
        move || {
            URL_TIMER.with(|t| t.borrow_mut().take());
            write_view_to_url(state);
        },
        std::time::Duration::from_millis(URL_WRITE_DELAY_MS),
    )
    .ok();
    URL_TIMER.with(|t| *t.borrow_mut() = h);
}

#[component]
pub fn SearchView() -> impl IntoView {
    let state = use_app();
    // Leaving the search page drops the search in flight (its answer would not be shown).
    on_cleanup(move || cancel_search(state));
    let params = Memo::new(move |_| match state.route.get() {
        Route::Search(p) => p,
        _ => SearchParams::default(),
    });
    let query = Memo::new(move |_| params.with(|p| p.query.clone()));
    // Fetch the service list once per API, and search when the query in the URL changes,
    // unless that answer is already here (back/forward does not refetch).
    Effect::new(move |_| {
        if state.api.get().is_some() && state.services.with_untracked(Option::is_none) {
            load_services(state);
        }
    });
    Effect::new(move |_| {
        let q = query.get();
        if state.api.get().is_none() {
            return;
        }
        let shown = state
            .results
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.params.query == q));
        if shown {
            return;
        }
        match cached(state, &q) {
            Some(mut r) => {
                cancel_search(state);
                r.params = params.get_untracked();
                state.results.set(Some(r));
            }
            None => run_search(state, params.get_untracked()),
        }
    });
    let submit = move |q: SearchQuery| {
        let p = SearchParams {
            query: q,
            view: params.get_untracked().view,
        };
        // Same query again means "refresh".
        if p.query == params.get_untracked().query {
            run_search(state, p);
        } else {
            state.go(Route::Search(p));
        }
    };
    let view_now = Signal::derive(move || params.with(|p| p.view.clone()));
    let on_view = Callback::new(move |v| set_view(state, v));

    view! {
        <section class="search-page">
            <form::SearchForm query=query on_submit=Callback::new(submit)/>
            <SearchProgressLine/>
            <results::Results view=view_now on_view=on_view/>
        </section>
    }
}

/// "Searching… 3.2 s" with a cancel button, while a search is in flight.
#[component]
fn SearchProgressLine() -> impl IntoView {
    let state = use_app();
    // Ticks while a search runs, so the elapsed time counts up.
    let now = RwSignal::new(js_sys::Date::now());
    let handle = StoredValue::new_local(None::<leptos::prelude::IntervalHandle>);
    Effect::new(move |_| {
        let running = state.searching.with(Option::is_some);
        if let Some(h) = handle.try_get_value().flatten() {
            h.clear();
            handle.set_value(None);
        }
        if running {
            now.set(js_sys::Date::now());
            let h = set_interval_with_handle(
                move || {
                    let _ = now.try_set(js_sys::Date::now());
                },
                std::time::Duration::from_millis(100),
            )
            .ok();
            handle.set_value(h);
        }
    });
    on_cleanup(move || {
        if let Some(h) = handle.try_get_value().flatten() {
            h.clear();
        }
    });
    move || {
        state.searching.get().map(|s| {
            let secs = ((now.get() - s.started_ms) / 1000.0).max(0.0);
            let mb = |b: f64| format!("{:.1} MB", b / 1e6);
            let lang = state.lang.get();
            let what = match s.phase {
                Phase::Waiting => Msg::SearchWaiting.text(lang).to_string(),
                Phase::Reading if s.total > 0.0 => Msg::SearchReceivingOf.fill(
                    lang,
                    &[
                        ("done", &mb(s.bytes)),
                        ("total", &mb(s.total)),
                        ("percent", &format!("{:.0}", s.bytes / s.total * 100.0)),
                    ],
                ),
                Phase::Reading => Msg::SearchReceiving.fill(lang, &[("done", &mb(s.bytes))]),
                Phase::Summarising => Msg::SearchSummarising.text(lang).to_string(),
            };
            let line = Msg::Searching.fill(
                lang,
                &[("what", &what), ("seconds", &format!("{secs:.1}"))],
            );
            view! {
                <div class="search-progress" data-testid="search-progress" data-phase=s.phase.id()
                    data-bytes=s.bytes data-total=s.total>
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{line}</span>
                    <span class="mono url" title=s.url.clone()>{s.url.clone()}</span>
                    <button type="button" data-testid="search-cancel" on:click=move |_| cancel_search(state)>
                        {tr(Msg::Cancel)}
                    </button>
                </div>
            }
        })
    }
}
