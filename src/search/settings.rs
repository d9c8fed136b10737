//! The settings dialog: the API base (saved in localStorage), which base is in effect and
//! why (`?api=` > `config.json` > saved > same origin), a connection test, and the request
//! timeout. Also the header's settings button and the server's environment badge.

use leptos::prelude::*;
use tracescope_core::api::api_root;
use tracescope_core::search::config::BaseSource;

use crate::config::{self, ServerConfigStatus};
use crate::fetch::{self, Abort};
use crate::i18n::{base_source_msg, tr, Msg};
use crate::state::use_app;

/// The header's part: the environment from `config.json`, and the settings button.
#[component]
pub fn SettingsButton() -> impl IntoView {
    let state = use_app();
    let env = move || {
        state
            .ui
            .with(|u| u.environment.clone().filter(|e| !e.trim().is_empty()))
    };
    view! {
        {move || env().map(|e| view! { <span class="environment" data-testid="environment" title=tr(Msg::EnvironmentTitle)>{e}</span> })}
        <button type="button" class="settings" data-testid="settings-button" title=tr(Msg::ApiSettingsTitle)
            on:click=move |_| state.settings_open.set(true)>{tr(Msg::SettingsButton)}</button>
        <Show when=move || state.settings_open.get()>
            <SettingsDialog/>
        </Show>
    }
}

#[derive(Clone, PartialEq)]
enum Test {
    Idle,
    Running,
    Ok(String),
    Failed(crate::error::AppError),
}

#[component]
fn SettingsDialog() -> impl IntoView {
    let state = use_app();
    let api = move || state.api.get();
    let base = RwSignal::new(config::saved_base().unwrap_or_default());
    let timeout = RwSignal::new(config::timeout_seconds().to_string());
    let test = RwSignal::new(Test::Idle);
    let saved_note = RwSignal::new(None::<Msg>);
    let close = move || state.settings_open.set(false);
    let key_close = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            let _ = state.settings_open.try_set(false);
        }
    });
    on_cleanup(move || key_close.remove());

    let run_test = move |_| {
        let typed = base.get_untracked();
        let root = if typed.trim().is_empty() {
            state
                .api
                .get_untracked()
                .map(|a| a.root)
                .unwrap_or_default()
        } else {
            api_root(&typed, &config::origin())
        };
        test.set(Test::Running);
        let seconds = timeout
            .get_untracked()
            .parse()
            .unwrap_or(config::DEFAULT_TIMEOUT_S)
            .max(1);
        let lang = state.lang.get_untracked();
        leptos::task::spawn_local(async move {
            let url = format!("{root}/services");
            let t0 = js_sys::Date::now();
            let r = fetch::get_json::<Vec<String>>(&url, &Abort::with_timeout(seconds)).await;
            let ms = js_sys::Date::now() - t0;
            let _ = test.try_set(match r {
                Ok(list) => Test::Ok(Msg::ConnectionOk.fill(
                    lang,
                    &[
                        ("root", &root),
                        ("n", &list.len().to_string()),
                        ("ms", &format!("{ms:.0}")),
                    ],
                )),
                Err(e) => Test::Failed(e),
            });
        });
    };
    let save = move |_| {
        let b = base.get_untracked();
        config::save_base(&b);
        if let Ok(t) = timeout.get_untracked().trim().parse::<u32>() {
            config::save_timeout_seconds(t);
        }
        let effective = state.api.get_untracked().map(|a| a.source);
        saved_note.set(Some(match effective {
            Some(BaseSource::UrlParameter) => Msg::SavedUrlWins,
            Some(BaseSource::ConfigFile) => Msg::SavedConfigWins,
            _ => Msg::SavedApplied,
        }));
        leptos::task::spawn_local(config::reapply(state));
    };
    let clear = move |_| {
        base.set(String::new());
        config::save_base("");
        saved_note.set(Some(Msg::SavedCleared));
        leptos::task::spawn_local(config::reapply(state));
    };
    let row = move |source: BaseSource, value: Option<String>| {
        let active = move || api().is_some_and(|a| a.source == source);
        view! {
            <tr class:active=active data-testid="settings-candidate" data-source=source.id() data-active=move || active().to_string()>
                <td>{move || if active() { "▶" } else { "" }}</td>
                <td>{tr(base_source_msg(source))}</td>
                <td class="mono">{value.unwrap_or_else(|| "—".into())}</td>
            </tr>
        }
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| close()>
            <div class="modal settings-dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title"
                data-testid="settings-dialog" on:click=|ev| ev.stop_propagation()>
                <h2 id="settings-title">{tr(Msg::SettingsTitle)}</h2>
                <p class="in-effect" data-testid="settings-in-effect"
                    data-source=move || api().map(|a| a.source.id()).unwrap_or_default()
                    data-root=move || api().map(|a| a.root).unwrap_or_default()>
                    {move || api().map(|a| Msg::InEffect.fill(state.lang.get(), &[("root", &a.root), ("source", base_source_msg(a.source).text(state.lang.get()))])).unwrap_or_default()}
                </p>
                <table class="candidates">
                    <thead><tr><th></th><th>{tr(Msg::SourceFirstWins)}</th><th>{tr(Msg::BaseColumn)}</th></tr></thead>
                    <tbody>
                        {move || api().map(|a| {
                            let c = a.candidates;
                            view! {
                                {row(BaseSource::UrlParameter, c.url_param)}
                                {row(BaseSource::ConfigFile, c.config_file)}
                                {row(BaseSource::Saved, c.saved)}
                                {row(BaseSource::SameOrigin, Some(c.origin))}
                            }
                        })}
                    </tbody>
                </table>
                <label class="field">
                    <span>{tr(Msg::ApiBaseLabel)}</span>
                    <input type="url" data-testid="settings-base-input" placeholder=tr(Msg::ApiBasePlaceholder)
                        prop:value=move || base.get() on:input=move |ev| base.set(event_target_value(&ev))/>
                </label>
                <p class="hint">{tr(Msg::ApiBaseHint)}</p>
                <label class="field narrow">
                    <span>{tr(Msg::RequestTimeout)}</span>
                    <input type="number" min="1" data-testid="settings-timeout"
                        prop:value=move || timeout.get() on:input=move |ev| timeout.set(event_target_value(&ev))/>
                </label>
                <p class="server-config" data-testid="settings-server-config">
                    {move || {
                        let lang = state.lang.get();
                        match state.server_config.get() {
                            Some(ServerConfigStatus::Loaded) => Msg::ServerConfigLoaded.text(lang).to_string(),
                            Some(ServerConfigStatus::Missing) => Msg::ServerConfigMissing.text(lang).to_string(),
                            Some(ServerConfigStatus::Failed(e)) => Msg::ServerConfigFailed.fill(lang, &[("error", &e.message(lang))]),
                            None => String::new(),
                        }
                    }}
                </p>
                <p class="server-config" data-testid="settings-error-rates"
                    data-low=move || state.ui.with(|u| u.error_rates().0.to_string())
                    data-high=move || state.ui.with(|u| u.error_rates().1.to_string())>
                    {move || {
                        let (lo, hi) = state.ui.with(|u| u.error_rates());
                        Msg::ErrorRatesNote.fill(state.lang.get(), &[("low", &lo.to_string()), ("high", &hi.to_string())])
                    }}
                </p>
                <div class="buttons">
                    <button type="button" data-testid="settings-test" on:click=run_test
                        disabled=move || test.get() == Test::Running>{tr(Msg::TestConnection)}</button>
                    <button type="button" class="primary" data-testid="settings-save" on:click=save>{tr(Msg::Save)}</button>
                    <button type="button" data-testid="settings-clear" on:click=clear>{tr(Msg::ClearSaved)}</button>
                    <button type="button" data-testid="settings-close" on:click=move |_| close()>{tr(Msg::Close)}</button>
                </div>
                {move || {
                    let (state_id, text) = match test.get() {
                        Test::Idle => return None,
                        Test::Running => ("running", tr(Msg::Testing)().to_string()),
                        Test::Ok(m) => ("ok", m),
                        Test::Failed(e) => ("error", e.message(state.lang.get())),
                    };
                    Some(view! { <p class=format!("test-result {state_id}") data-testid="settings-test-result" data-state=state_id>{text}</p> })
                }}
                {move || saved_note.get().map(|n| view! { <p class="saved-note" data-testid="settings-saved-note">{tr(n)}</p> })}
            </div>
        </div>
    }
}
