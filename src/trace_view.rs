//! The trace page: loading, a header of summary numbers, and the waterfall.

use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::engine::{LoadInfo, TraceInfo};
use tracescope_core::layout::model::WaterfallModel;
use tracescope_core::layout::time_axis::format_duration;

use crate::engine_client::{EngineClient, LoadSource};
use crate::error::{AppError, Origin};
use crate::i18n::{tr, warning_line, Msg};
use crate::state::{use_app, AppState, ByPtr, LoadKey, Loaded, Route};
use crate::waterfall::Waterfall;

/// Fetches `/trace/{id}` unless it is already loaded; a failure keeps what was loaded.
fn ensure_loaded(id: String) {
    let state = use_app();
    let have = state
        .loaded
        .with_untracked(|l| l.as_ref().and_then(|l| l.index_of(&id)));
    // Tabs of several traces are loaded together by the tab strip (`/traceMany`).
    if have.is_some() || crate::search::tabs::tabs_in_url().is_some_and(|t| t.contains(&id)) {
        return;
    }
    let Some(api) = state.api.get_untracked() else {
        return;
    };
    let url = tracescope_core::api::trace_url(&api.root, &id);
    let wanted = Route::Trace(id.clone());
    load_url(
        state,
        url,
        Msg::TraceLabel.fill(state.lang.get_untracked(), &[("id", &id)]),
        LoadKey::Trace(id),
        move || state.route.get_untracked() == wanted,
    );
}

/// Loads `url` in a new engine worker (this page only shows progress meanwhile) and shows it
/// as `key` if `still_wanted()` after the load (the user may have moved on); a failure
/// keeps what was loaded.
pub fn load_url(
    state: AppState,
    url: String,
    label: String,
    key: LoadKey,
    still_wanted: impl Fn() -> bool + 'static,
) {
    state.busy.set(true);
    leptos::task::spawn_local(async move {
        let ticket = crate::progress::begin(state, label);
        let result = EngineClient::open(LoadSource::Url(url.clone()), ticket.reporter()).await;
        drop(ticket);
        state.busy.set(false);
        if !still_wanted() {
            return;
        }
        match result {
            Ok((client, info)) => {
                state.selected.set(0);
                state.loaded.set(Some(Loaded {
                    key,
                    client,
                    info: Arc::new(info),
                }));
            }
            Err(e) => {
                if let Some(e) = AppError::from_load(Origin::Url(&url), e) {
                    state.fail(e);
                }
            }
        }
    });
}

#[component]
pub fn TraceView() -> impl IntoView {
    let state = use_app();
    // Leaving the trace page stops a load in flight (its worker is terminated).
    on_cleanup(crate::engine_client::abandon_loads);
    // Load when the route or the API changes.
    Effect::new(move |_| {
        if let (Route::Trace(id), Some(_)) = (state.route.get(), state.api.get()) {
            ensure_loaded(id);
        }
    });
    let wanted = move || match state.route.get() {
        Route::Trace(id) => Some(id),
        _ => None,
    };
    // Which trace to show: the one the route asks for, or for a file view whatever is loaded.
    let current = Memo::new(move |_| {
        let want = wanted();
        state.loaded.with(|l| {
            let l = l.as_ref()?;
            if let Some(id) = &want {
                // One of several traces opened together (tabs), or the one trace asked for.
                let i = l.index_of(id)?;
                if matches!(l.key, LoadKey::Many(_)) {
                    return Some((i, ByPtr(l.info.clone())));
                }
            }
            let i = state
                .selected
                .get()
                .min(l.info.traces.len().saturating_sub(1));
            Some((i, ByPtr(l.info.clone())))
        })
    });
    // Clock-skew correction, from the URL (`skew=off`); Back/Forward may switch it.
    let skew = RwSignal::new(skew_from_url());
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        let on = skew_from_url();
        if skew.try_get_untracked() != Some(on) {
            skew.set(on);
        }
    });
    on_cleanup(move || popstate.remove());
    // The flat model the waterfall draws, asked of the engine whenever the trace or the
    // skew correction changes (the old one stays on screen until the new one is here). It is
    // keyed by the load too: a newly loaded trace 0 must not be drawn with the model of the
    // trace 0 it replaces (a wasted view of up to a million rows).
    type Keyed = (usize, ByPtr<LoadInfo>, ByPtr<WaterfallModel>);
    let model: RwSignal<Option<Keyed>> = RwSignal::new(None);
    Effect::new(move |_| {
        let Some((i, load)) = current.get() else {
            model.set(None);
            return;
        };
        let on = skew.get();
        let Some(client) = state
            .loaded
            .with_untracked(|l| l.as_ref().map(|l| l.client.clone()))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Some(m) = client.model(i, on).await {
                // The view may have been replaced meanwhile: its signals are then gone.
                if current.try_get_untracked().flatten() == Some((i, load.clone())) {
                    let _ = model.try_set(Some((i, load, ByPtr(m))));
                }
            }
        });
    });

    // The services tab (`?tab=services`) instead of the waterfall.
    let services_tab = RwSignal::new(crate::url::param("tab").as_deref() == Some("services"));
    view! {
        <div class="trace-page">
            {move || match current.get() {
                None => {
                    let msg = move || if state.busy.get() { tr(Msg::LoadingTrace)() } else { tr(Msg::NoTraceLoaded)() };
                    view! {
                        <div class="placeholder" data-testid="trace-placeholder">
                            <p>{msg}</p>
                            <BackButton/>
                        </div>
                    }
                    .into_any()
                }
                Some((index, ByPtr(info))) => {
                    let t = info.traces[index].clone();
                    let count = info.traces.len();
                    let format = info.format.clone();
                    let t2 = t.clone();
                    view! {
                        <TraceHeader t=t.clone() index=index count=count format=format/>
                        <crate::dependencies::TraceTabs services=services_tab/>
                        {move || services_tab.get().then(|| view! { <crate::dependencies::TraceServices info=t2.clone()/> })}
                        {move || {
                            if services_tab.get() {
                                return None;
                            }
                            let client = state.loaded.with(|l| l.as_ref().map(|l| l.client.clone()))?;
                            let (i, _, ByPtr(m)) = model
                                .get()
                                .filter(|(i, load, _)| *i == index && Arc::ptr_eq(&load.0, &info))?;
                            Some(view! { <Waterfall model=m client=client trace=i info=t.clone() skew=skew/> })
                        }}
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

fn skew_from_url() -> bool {
    crate::url::param("skew").as_deref() != Some("off")
}

#[component]
fn BackButton() -> impl IntoView {
    let state = use_app();
    let back = move |_| {
        let params = state
            .results
            .with_untracked(|r| r.as_ref().map(|r| r.params.clone()))
            .unwrap_or_default();
        state.go(Route::Search(params));
    };
    let hidden = move || crate::embed::hidden(state, tracescope_core::embed::Part::Search);
    view! { <button class="back" data-testid="back-to-search" class:hidden=hidden on:click=back>{tr(Msg::BackToSearch)}</button> }
}

fn format_start(us: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(us as f64 / 1000.0));
    let iso: String = date.to_iso_string().into();
    iso.replace('T', " ").trim_end_matches('Z').to_string() + " UTC"
}

fn nonempty(s: &str, fallback: &str) -> String {
    if s.is_empty() { fallback } else { s }.to_string()
}

#[component]
fn TraceHeader(t: TraceInfo, index: usize, count: usize, format: String) -> impl IntoView {
    let state = use_app();
    let (root_service, root_name) = (t.root_service.clone(), t.root_name.clone());
    let root = move || {
        let lang = state.lang.get();
        format!(
            "{}: {}",
            nonempty(&root_service, Msg::UnknownService.text(lang)),
            nonempty(&root_name, Msg::Unnamed.text(lang))
        )
    };
    let root_title = root.clone();
    let service_counts = t.services.clone();
    let services = move || {
        let lang = state.lang.get();
        service_counts
            .iter()
            .map(|(name, n)| format!("{} ({n})", nonempty(name, Msg::Unknown.text(lang))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let picker = (count > 1).then(|| {
        let options = (0..count)
            .map(|i| view! { <option value=i.to_string() selected=i == index>{move || Msg::TraceNofM.fill(state.lang.get(), &[("n", &(i + 1).to_string()), ("count", &count.to_string())])}</option> })
            .collect_view();
        view! {
            <select data-testid="trace-picker" on:change=move |ev| {
                if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                    state.selected.set(i);
                }
            }>{options}</select>
        }
    });
    let warnings = t.warnings.clone();
    let warning_count = warnings.len();
    let warnings_open = RwSignal::new(false);
    view! {
        <header class="trace-header"
            class:hidden=move || crate::embed::hidden(state, tracescope_core::embed::Part::Summary)>
            <BackButton/>
            <h2 class="trace-title" title=root_title>{root}</h2>
            {picker}
            <crate::export::ExportMenu/>
            <dl class="trace-stats">
                <div><dt>{tr(Msg::StatTraceId)}</dt><dd class="mono">{t.trace_id.clone()}</dd></div>
                <div><dt>{tr(Msg::StatStart)}</dt><dd>{format_start(t.start_us)}</dd></div>
                <div><dt>{tr(Msg::StatDuration)}</dt><dd>{format_duration(t.duration_us)}</dd></div>
                <div><dt>{tr(Msg::StatSpans)}</dt><dd>{t.span_count}</dd></div>
                <div><dt>{tr(Msg::StatServices)}</dt><dd title=services>{t.services.len()}</dd></div>
                <div><dt>{tr(Msg::StatDepth)}</dt><dd>{t.max_depth}</dd></div>
                <div><dt>{tr(Msg::StatErrors)}</dt><dd>{t.error_count}</dd></div>
                <div><dt>{tr(Msg::StatWarnings)}</dt><dd>
                    <button class="link" data-testid="warnings-toggle" disabled=warning_count == 0
                        title=tr(Msg::ListWarningsTitle)
                        aria-expanded=move || warnings_open.get().to_string()
                        on:click=move |_| warnings_open.update(|o| *o = !*o)>{warning_count}</button>
                </dd></div>
                <div><dt>{tr(Msg::StatFormat)}</dt><dd>{format}</dd></div>
            </dl>
            <Show when=move || warnings_open.get()>
                <ul class="warnings-list" data-testid="warnings-list">
                    {warnings.iter().take(200).map(|w| { let w = w.clone(); view! { <li>{move || warning_line(&w, state.lang.get())}</li> } }).collect_view()}
                    {(warning_count > 200).then(|| view! { <li class="more">{move || Msg::AndNMore.fill(state.lang.get(), &[("n", &(warning_count - 200).to_string())])}</li> })}
                </ul>
            </Show>
        </header>
    }
}
