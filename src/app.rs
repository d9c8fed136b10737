//! The app shell: header with file opening, the error panel, and the routed view.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::search::SearchView;
use crate::state::{AppState, Route};
use crate::trace_view::TraceView;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    crate::embed::start(state);
    crate::i18n::follow_document_lang(state);
    use crate::i18n::{tr, Msg};
    let embedded = move || state.embed.with(|o| o.embed);
    let search_hidden = move || crate::embed::hidden(state, tracescope_core::embed::Part::Search);
    leptos::task::spawn_local(crate::config::start(state));
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        state.route.set(Route::from_url());
    });
    on_cleanup(move || popstate.remove());

    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            leptos::task::spawn_local(crate::files::open(state, file));
        }
        // Let the same file be chosen again.
        input.set_value("");
    };
    let dragging = RwSignal::new(false);
    // The page under the header is rendered in a task of its own: the first render of the
    // whole app in one task was 35 ms here (over 100 ms on a busy machine), most of it V8
    // compiling the wasm's functions at their first call.
    let page_shown = RwSignal::new(false);
    set_timeout(
        move || {
            let _ = page_shown.try_set(true);
        },
        std::time::Duration::ZERO,
    );
    // Pages are rebuilt only when the kind of page changes, not on every route change.
    let on_search_page = Memo::new(move |_| matches!(state.route.get(), Route::Search(_)));
    let on_dependency_page =
        Memo::new(move |_| matches!(state.route.get(), Route::Dependencies(_)));
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0))
        {
            leptos::task::spawn_local(crate::files::open(state, file));
        }
    };
    let api_base = move || state.api.get().map(|a| a.base).unwrap_or_default();
    let api_root = move || state.api.get().map(|a| a.root).unwrap_or_default();
    let api_label = move || {
        state
            .api
            .get()
            .map(|a| {
                format!(
                    "{} ({})",
                    a.root,
                    crate::i18n::base_source_msg(a.source).text(state.lang.get())
                )
            })
            .unwrap_or_else(|| Msg::ApiResolving.text(state.lang.get()).into())
    };

    view! {
        <div
            class="app"
            class:dragging=move || dragging.get()
            class:dark=move || state.dark.get()
            data-theme=move || if state.dark.get() { "dark" } else { "light" }
            data-testid="app"
            data-api-base=api_base
            data-api-root=api_root
            data-embed=move || embedded().to_string()
            data-hide=move || state.embed.with(|o| o.hide.names())
            class:embedded=embedded
            class:mounted=crate::url::is_mounted()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <header class="top" class:hidden=embedded>
                <a class="brand" href="?" on:click=move |ev| {
                    ev.prevent_default();
                    if !search_hidden() {
                        state.go(Route::Search(Default::default()));
                    }
                }>"tracescope"</a>
                <nav class="pages">
                    <a href="?" data-testid="nav-search" class:hidden=search_hidden class:current=on_search_page on:click=move |ev| {
                        ev.prevent_default();
                        state.go(Route::Search(Default::default()));
                    }>{tr(Msg::NavSearch)}</a>
                    <a href="?view=dependencies" data-testid="nav-dependencies" class:current=on_dependency_page on:click=move |ev| {
                        ev.prevent_default();
                        state.go(Route::Dependencies(Default::default()));
                    }>{tr(Msg::NavDependencies)}</a>
                </nav>
                                <span class="api" data-testid="api-label" title=tr(Msg::ApiTitle)>{api_label}</span>
                <crate::search::settings::SettingsButton/>
                <crate::i18n::LanguageSelect/>
                <button class="theme" data-testid="theme-toggle" title=tr(Msg::ThemeTitle)
                    on:click=move |_| state.dark.update(|d| *d = !*d)>
                    {move || if state.dark.get() { tr(Msg::ThemeLight)() } else { tr(Msg::ThemeDark)() }}
                </button>
                <label class="open-file" data-testid="open-file">
                    {tr(Msg::OpenFile)}
                    <input
                        type="file"
                        data-testid="file-input"
                        accept=".json,.jsonl,.ndjson,application/json"
                        on:change=on_file
                    />
                </label>
            </header>
            <ErrorPanel/>
            <crate::progress::LoadProgress/>
            <main>
                {move || if !page_shown.get() {
                    ().into_any()
                } else if on_search_page.get() && search_hidden() {
                    view! { <p class="empty" data-testid="no-trace">{tr(Msg::NoTrace)}</p> }.into_any()
                } else if on_dependency_page.get() {
                    view! { <crate::dependencies::DependenciesView/> }.into_any()
                } else if on_search_page.get() {
                    view! { <SearchView/> }.into_any()
                } else {
                    view! { <crate::search::tabs::TabStrip/><TraceView/> }.into_any()
                }}
            </main>
            <div class="drop-hint">{tr(Msg::DropHint)}</div>
        </div>
    }
}

#[component]
fn ErrorPanel() -> impl IntoView {
    let state = crate::state::use_app();
    view! {
        <Show when=move || state.error.with(Option::is_some)>
            <div class="error" role="alert" data-testid="error">
                <p class="message">{move || state.error.with(|e| e.as_ref().map(|e| e.message(state.lang.get()))).unwrap_or_default()}</p>
                <button data-testid="error-dismiss" on:click=move |_| state.error.set(None)>{crate::i18n::tr(crate::i18n::Msg::Dismiss)}</button>
            </div>
        </Show>
    }
}
