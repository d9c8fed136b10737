//! Several results opened together: one `/traceMany` request loads them into one engine,
//! and a tab strip above the trace view switches between them. The URL holds the tabs
//! (`?trace=<shown>&tabs=a,b,c`), so the set can be shared and back/forward walks the tabs.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::state::{use_app, AppState, LoadKey, Route};

/// The tabs the URL asks for (two or more ids), if any.
pub fn tabs_in_url() -> Option<Vec<String>> {
    let ids: Vec<String> = crate::url::param("tabs")?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    (ids.len() > 1).then_some(ids)
}

fn go_tab(state: AppState, id: &str, ids: &[String]) {
    crate::search::flush_url_write(state);
    crate::url::navigate(&[("trace", id.to_string()), ("tabs", ids.join(","))]);
    state.route.set(Route::Trace(id.to_string()));
}

/// Opens the selected results: one in the trace view, several as tabs.
pub fn open(state: AppState, mut ids: Vec<String>) {
    ids.dedup();
    match ids.len() {
        0 => {}
        1 => state.go(Route::Trace(ids.remove(0))),
        _ => go_tab(state, &ids[0].clone(), &ids),
    }
}

/// Loads `ids` with one `/traceMany` request unless that load is already here.
fn ensure_loaded(state: AppState, ids: Vec<String>) {
    let have = state.loaded.with_untracked(|l| {
        l.as_ref()
            .is_some_and(|l| l.key == LoadKey::Many(ids.clone()))
    });
    if have {
        return;
    }
    let Some(api) = state.api.get_untracked() else {
        return;
    };
    let url = tracescope_core::api::trace_many_url(&api.root, &ids);
    let label = Msg::TraceCount.fill(state.lang.get_untracked(), &[("n", &ids.len().to_string())]);
    let wanted = ids.clone();
    crate::trace_view::load_url(state, url, label, LoadKey::Many(ids), move || {
        tabs_in_url().as_ref() == Some(&wanted)
    });
}

/// The tab strip above the trace view (nothing unless the URL has `tabs`).
#[component]
pub fn TabStrip() -> impl IntoView {
    let state = use_app();
    let tabs = Memo::new(move |_| {
        state.route.track();
        tabs_in_url()
    });
    Effect::new(move |_| {
        if let (Some(ids), Some(_)) = (tabs.get(), state.api.get()) {
            ensure_loaded(state, ids);
        }
    });
    let current = move || match state.route.get() {
        Route::Trace(id) => Some(id),
        _ => None,
    };
    move || {
        let ids = tabs.get()?;
        let labels: Vec<(String, String, bool)> = state.loaded.with(|l| {
            ids.iter()
                .map(|id| {
                    let info = l.as_ref().and_then(|l| {
                        let i = l.index_of(id)?;
                        l.info.traces.get(i).cloned()
                    });
                    let short: String = id.chars().take(8).collect();
                    let label = info.as_ref().map_or_else(
                        || short.clone(),
                        |t| format!("{}: {} · {short}", t.root_service, t.root_name),
                    );
                    (id.clone(), label, info.is_some())
                })
                .collect()
        });
        let cur = current();
        Some(view! {
            <nav class="trace-tabs" data-testid="trace-tabs" data-count=ids.len()>
                {labels.into_iter().map(|(id, label, found)| {
                    let active = cur.as_deref() == Some(id.as_str());
                    let ids = ids.clone();
                    let target = id.clone();
                    view! {
                        <button type="button" class="tab" class:active=active class:missing=!found
                            data-testid="trace-tab" data-trace-id=id.clone() data-active=active.to_string()
                            title=label.clone()
                            on:click=move |_| go_tab(state, &target, &ids)>
                            {label.clone()}
                        </button>
                    }
                }).collect_view()}
            </nav>
        })
    }
}
