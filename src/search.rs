//! The search page: service, lookback and limit, and the list of matching traces.

use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::api::TracesQuery;
use tracescope_core::layout::color::{css, service_color};
use tracescope_core::layout::time_axis::format_duration;

use crate::engine_client::EngineClient;
use crate::error::{AppError, Origin};
use tracescope_core::engine::TraceInfo;

use crate::state::{use_app, AppState, Route, SearchParams, SearchResults};

const LOOKBACKS: &[(u64, &str)] = &[
    (900_000, "Last 15 minutes"),
    (3_600_000, "Last hour"),
    (21_600_000, "Last 6 hours"),
    (86_400_000, "Last day"),
    (172_800_000, "Last 2 days"),
    (604_800_000, "Last 7 days"),
];

/// Runs a search; previous results stay on screen when it fails.
/// Numbers searches so that only the newest one's answer is shown: an older search that
/// answers late (the start-up search, a slow worker) must not replace newer results.
static SEARCH_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn run_search(state: AppState, params: SearchParams) {
    let Some(api) = state.api.get_untracked() else {
        return;
    };
    let seq = SEARCH_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let now_ms = js_sys::Date::now() as u64;
    let url = TracesQuery {
        service: params.service.clone(),
        lookback_ms: params.lookback_ms,
        end_ts_ms: now_ms,
        limit: params.limit,
    }
    .url(&api.root);
    state.busy.set(true);
    leptos::task::spawn_local(async move {
        // The answer goes to the engine's worker untouched (transferred, not copied): a
        // search that returns huge traces does not block the page.
        let result = match crate::fetch::get_buffer(&url).await {
            Ok(buf) => EngineClient::summarise(buf)
                .await
                .map_err(|e| AppError::from_load(Origin::Url(&url), e)),
            Err(e) => Err(Some(e)),
        };
        if SEARCH_SEQ.load(std::sync::atomic::Ordering::Relaxed) != seq {
            return;
        }
        state.busy.set(false);
        match result {
            Ok(info) => {
                let mut rows = info.traces;
                rows.sort_by_key(|r| std::cmp::Reverse(r.start_us));
                state.results.set(Some(SearchResults {
                    params,
                    rows: Arc::new(rows),
                }));
            }
            Err(Some(e)) => state.fail(e),
            Err(None) => {}
        }
    });
}

fn load_services(state: AppState) {
    let Some(api) = state.api.get_untracked() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let url = format!("{}/services", api.root);
        match crate::fetch::get_json::<Vec<String>>(&url).await {
            Ok(list) => state.services.set(Some(Arc::new(list))),
            Err(e) => state.fail(e),
        }
    });
}

#[component]
pub fn SearchView() -> impl IntoView {
    let state = use_app();
    let params = Memo::new(move |_| match state.route.get() {
        Route::Search(p) => p,
        _ => SearchParams::default(),
    });
    // Fetch the service list once per API, and search when the query in the URL changes,
    // unless those results are already here (back/forward does not refetch).
    Effect::new(move |_| {
        if state.api.get().is_some() && state.services.with_untracked(Option::is_none) {
            load_services(state);
        }
    });
    Effect::new(move |_| {
        let p = params.get();
        if state.api.get().is_none() {
            return;
        }
        let have = state
            .results
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.params == p));
        if !have {
            run_search(state, p);
        }
    });

    let service = RwSignal::new(params.get_untracked().service);
    let lookback = RwSignal::new(params.get_untracked().lookback_ms);
    let limit = RwSignal::new(params.get_untracked().limit);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = SearchParams {
            service: service.get_untracked(),
            lookback_ms: lookback.get_untracked(),
            limit: limit.get_untracked().max(1),
        };
        // Same query again means "refresh".
        if p == params.get_untracked() {
            run_search(state, p);
        } else {
            state.go(Route::Search(p));
        }
    };

    let service_options = move || {
        let current = service.get();
        let list = state.services.get().unwrap_or_default();
        let mut opts = vec![
            view! { <option value="" selected=current.is_empty()>"All services"</option> }
                .into_any(),
        ];
        for s in list.iter() {
            let selected = *s == current;
            opts.push(
                view! { <option value=s.clone() selected=selected>{s.clone()}</option> }.into_any(),
            );
        }
        opts
    };

    view! {
        <section class="search-page">
            <form class="search-form" data-testid="search-form" on:submit=submit>
                <label>
                    "Service"
                    <select
                        data-testid="service-select"
                        prop:value=move || service.get()
                        on:change=move |ev| service.set(event_target_value(&ev))
                    >
                        {service_options}
                    </select>
                </label>
                <label>
                    "Lookback"
                    <select
                        data-testid="lookback-select"
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse() {
                                lookback.set(v);
                            }
                        }
                    >
                        {LOOKBACKS
                            .iter()
                            .map(|(ms, label)| {
                                view! {
                                    <option value=ms.to_string() selected=move || lookback.get() == *ms>
                                        {*label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Limit"
                    <input
                        type="number"
                        min="1"
                        max="10000"
                        data-testid="limit-input"
                        prop:value=move || limit.get().to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse() {
                                limit.set(v);
                            }
                        }
                    />
                </label>
                <button type="submit" data-testid="search-button">
                    {move || if state.busy.get() { "Searching…" } else { "Search" }}
                </button>
            </form>
            <TraceList/>
        </section>
    }
}

#[component]
fn TraceList() -> impl IntoView {
    let state = use_app();
    let rows = move || state.results.with(|r| r.as_ref().map(|r| r.rows.clone()));
    view! {
        {move || match rows() {
            None => view! { <p class="placeholder">"Searching…"</p> }.into_any(),
            Some(rows) if rows.is_empty() => view! {
                <div class="trace-list empty" data-testid="trace-list" data-count="0">
                    <p>"No traces match. Try a longer lookback or another service."</p>
                </div>
            }.into_any(),
            Some(rows) => {
                let longest = rows.iter().map(|r| r.duration_us).max().unwrap_or(1).max(1);
                let now_us = js_sys::Date::now() * 1000.0;
                let count = rows.len();
                view! {
                    <ol class="trace-list" data-testid="trace-list" data-count=count>
                        {rows.iter().map(|r| trace_row(state, r, longest, now_us)).collect_view()}
                    </ol>
                }.into_any()
            }
        }}
    }
}

fn relative(now_us: f64, start_us: i64) -> String {
    let ago = ((now_us - start_us as f64) / 1e6).max(0.0) as i64;
    match ago {
        0..=59 => format!("{ago}s ago"),
        60..=3599 => format!("{}m ago", ago / 60),
        3600..=86399 => format!("{}h ago", ago / 3600),
        _ => format!("{}d ago", ago / 86400),
    }
}

fn trace_row(state: AppState, r: &TraceInfo, longest: i64, now_us: f64) -> impl IntoView {
    let id = r.trace_id.clone();
    let id2 = r.trace_id.clone();
    let open = move |_| state.go(Route::Trace(id.clone()));
    let open_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            state.go(Route::Trace(id2.clone()));
        }
    };
    let width = format!(
        "width: {:.1}%",
        r.duration_us as f64 / longest as f64 * 100.0
    );
    let root = format!(
        "{}: {}",
        if r.root_service.is_empty() {
            "(unknown)"
        } else {
            &r.root_service
        },
        r.root_name
    );
    let badges = r
        .services
        .iter()
        .take(8)
        .map(|(name, n)| {
            let style = format!("border-color: {}", css(service_color(name)));
            view! { <span class="badge" style=style>{format!("{name} ×{n}")}</span> }
        })
        .collect_view();
    view! {
        <li class="trace-row" data-testid="trace-row" data-trace-id=r.trace_id.clone() on:click=open on:keydown=open_key tabindex="0">
            <div class="row-main">
                <span class="root" title=root.clone()>{root.clone()}</span>
                <span class="when" title=r.start_us.to_string()>{relative(now_us, r.start_us)}</span>
            </div>
            <div class="row-bar"><span class="bar" style=width></span><span class="dur">{format_duration(r.duration_us)}</span></div>
            <div class="row-meta">
                <span>{format!("{} spans", r.span_count)}</span>
                {(r.error_count > 0).then(|| view! { <span class="errors">{format!("{} error{}", r.error_count, if r.error_count == 1 { "" } else { "s" })}</span> })}
                <span class="mono id">{r.trace_id.clone()}</span>
                {badges}
            </div>
        </li>
    }
}
