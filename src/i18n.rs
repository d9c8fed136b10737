//! The language of the UI: English or Simplified Chinese (the table and its checks are in
//! `crates/tracescope-i18n`). Chosen by `?lang=` (or `config.json`'s `language`), else the
//! user's last choice (localStorage), else the browser's languages; switchable in the header.

use leptos::prelude::*;
pub use tracescope_i18n::{Lang, Msg};

use crate::state::{use_app, AppState};

const SAVED_KEY: &str = "tracescope.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// True when the user picked a language before (it then wins over the deployment's default).
pub fn has_saved_choice() -> bool {
    storage()
        .and_then(|s| s.get_item(SAVED_KEY).ok().flatten())
        .is_some()
}

/// The language at start-up, from the URL, the saved choice or the browser.
pub fn initial() -> Lang {
    if let Some(lang) = crate::url::param("lang").as_deref().and_then(Lang::parse) {
        return lang;
    }
    if let Some(lang) = storage()
        .and_then(|s| s.get_item(SAVED_KEY).ok().flatten())
        .as_deref()
        .and_then(Lang::parse)
    {
        return lang;
    }
    let preferred: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| list.iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    Lang::negotiate(preferred.iter().map(String::as_str))
}

/// Switches the language (a user's choice is remembered).
pub fn choose(state: AppState, lang: Lang, remember: bool) {
    state.lang.set(lang);
    if remember {
        if let Some(s) = storage() {
            let _ = s.set_item(SAVED_KEY, lang.tag());
        }
    }
}

/// Keeps `<html lang>` equal to the UI language (screen readers, fonts, hyphenation).
/// Mounted in a host page, the host's `lang` is left alone.
pub fn follow_document_lang(state: AppState) {
    Effect::new(move |_| {
        let lang = state.lang.get();
        if crate::url::is_mounted() {
            return;
        }
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", lang.tag());
        }
    });
}

/// A message in the current language, as a reactive text for views.
pub fn tr(m: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let state = use_app();
    move || m.text(state.lang.get())
}

/// The header's language switch.
#[component]
pub fn LanguageSelect() -> impl IntoView {
    let state = use_app();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(lang) = Lang::parse(&event_target_value(&ev)) {
            choose(state, lang, true);
        }
    };
    view! {
        <select class="lang" data-testid="lang-select" title=tr(Msg::Language) on:change=on_change
            prop:value=move || state.lang.get().tag()>
            {Lang::ALL.iter().map(|l| view! { <option value=l.tag()>{l.native_name()}</option> }).collect_view()}
        </select>
    }
}

/// The sort order's name in the result list's select.
pub fn sort_msg(o: tracescope_core::search::rows::SortOrder) -> Msg {
    use tracescope_core::search::rows::SortOrder as S;
    match o {
        S::Newest => Msg::SortNewest,
        S::Oldest => Msg::SortOldest,
        S::Longest => Msg::SortLongest,
        S::Shortest => Msg::SortShortest,
        S::MostSpans => Msg::SortMostSpans,
        S::MostErrors => Msg::SortMostErrors,
    }
}

/// Where the API base came from, in the settings dialog and the header.
pub fn base_source_msg(s: tracescope_core::search::config::BaseSource) -> Msg {
    use tracescope_core::search::config::BaseSource as B;
    match s {
        B::UrlParameter => Msg::SourceUrlParameter,
        B::ConfigFile => Msg::SourceConfigFile,
        B::Saved => Msg::SourceSaved,
        B::SameOrigin => Msg::SourceSameOrigin,
    }
}

/// A loading stage's name.
pub fn stage_msg(s: tracescope_core::engine::Stage) -> Msg {
    use tracescope_core::engine::Stage;
    match s {
        Stage::Reading => Msg::StageReading,
        Stage::Parsing => Msg::StageParsing,
        Stage::Deriving => Msg::StageDeriving,
        Stage::Building => Msg::StageBuilding,
    }
}

/// A trace warning's kind, as a short title.
pub fn warning_msg(k: tracescope_core::derive::WarningKind) -> Msg {
    use tracescope_core::derive::WarningKind as W;
    match k {
        W::DuplicateMerged => Msg::WarnDuplicateMerged,
        W::MissingParent => Msg::WarnMissingParent,
        W::CycleBroken => Msg::WarnCycleBroken,
        W::MissingTimestamp => Msg::WarnMissingTimestamp,
        W::MissingDuration => Msg::WarnMissingDuration,
        W::MultipleRoots => Msg::WarnMultipleRoots,
    }
}

/// A `kind_key: detail` warning line (as the engine sends them) with the kind translated.
/// The detail is the core's free-form technical description and stays as it is.
pub fn warning_line(line: &str, lang: Lang) -> String {
    use tracescope_core::derive::WarningKind;
    let (key, detail) = line.split_once(": ").unwrap_or((line, ""));
    match WarningKind::ALL.into_iter().find(|k| k.key() == key) {
        Some(k) if detail.is_empty() => warning_msg(k).text(lang).to_string(),
        Some(k) => format!(
            "{}{}{detail}",
            warning_msg(k).text(lang),
            Msg::Colon.text(lang)
        ),
        None => line.to_string(),
    }
}
