//! The query form: every `/traces` parameter, with suggestions from `/services`, `/spans`,
//! `/remoteServices`, `/autocompleteKeys` and `/autocompleteValues`.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::api;
use tracescope_core::search::query::{format_duration_input, parse_duration, suggestions};

use crate::datetime_input::{local_input, parse_local_input};
use crate::fetch::{self, Abort};
use crate::i18n::{tr, Lang, Msg};
use crate::state::{use_app, SearchQuery};

const LOOKBACKS: &[(u64, Msg)] = &[
    (300_000, Msg::Last5Minutes),
    (900_000, Msg::Last15Minutes),
    (1_800_000, Msg::Last30Minutes),
    (3_600_000, Msg::LastHour),
    (7_200_000, Msg::Last2Hours),
    (21_600_000, Msg::Last6Hours),
    (43_200_000, Msg::Last12Hours),
    (86_400_000, Msg::LastDay),
    (172_800_000, Msg::Last2Days),
    (604_800_000, Msg::Last7Days),
];

/// The lookback select's value for a custom start/end.
const CUSTOM: &str = "custom";

/// A name list fetched for the suggestions; a failure only empties the list (suggestions
/// are a help, and some Zipkin-compatible servers lack these endpoints) and is noted under
/// the form.
fn fetch_list(
    url: String,
    into: impl Fn(Arc<Vec<String>>) + 'static,
    note: RwSignal<Option<String>>,
    lang: Lang,
) {
    leptos::task::spawn_local(async move {
        let abort = Abort::with_timeout(crate::config::timeout_seconds());
        match fetch::get_json::<Vec<String>>(&url, &abort).await {
            Ok(list) => into(Arc::new(list)),
            Err(e) => {
                let _ = note.try_set(Some(
                    Msg::SuggestionsUnavailable.fill(lang, &[("error", &e.message(lang))]),
                ));
            }
        }
    });
}

fn lookback_label(ms: u64, lang: Lang) -> String {
    LOOKBACKS
        .iter()
        .find(|(v, _)| *v == ms)
        .map(|(_, l)| l.text(lang).to_string())
        .unwrap_or_else(|| {
            let d = tracescope_core::layout::time_axis::format_duration(ms as i64 * 1000);
            Msg::LastDuration.fill(lang, &[("duration", &d)])
        })
}

#[component]
pub fn SearchForm(query: Memo<SearchQuery>, on_submit: Callback<SearchQuery>) -> impl IntoView {
    let state = use_app();
    let service = RwSignal::new(String::new());
    let remote = RwSignal::new(String::new());
    let span = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let min_d = RwSignal::new(String::new());
    let max_d = RwSignal::new(String::new());
    // Milliseconds as text, or CUSTOM.
    let lookback = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    let limit = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);

    // The fields follow the URL's query (and the server's defaults for lookback and limit).
    Effect::new(move |_| {
        let q = query.get();
        let ui = state.ui.get();
        service.set(q.service.clone());
        remote.set(q.remote_service.clone());
        span.set(q.span_name.clone());
        tags.set(q.tags.clone());
        min_d.set(
            q.min_duration_us
                .map(format_duration_input)
                .unwrap_or_default(),
        );
        max_d.set(
            q.max_duration_us
                .map(format_duration_input)
                .unwrap_or_default(),
        );
        let lb = q.lookback_or(&ui);
        match q.end_ms {
            Some(e) => {
                lookback.set(CUSTOM.into());
                end.set(local_input(e as f64));
                start.set(local_input(e.saturating_sub(lb) as f64));
            }
            None => {
                lookback.set(lb.to_string());
                let now = js_sys::Date::now();
                end.set(local_input(now));
                start.set(local_input(now - lb as f64));
            }
        }
        limit.set(q.limit_or(&ui).to_string());
        problem.set(None);
    });

    // Suggestions: per service (span and remote service names), and tag keys and values.
    let span_names = RwSignal::new(Arc::new(Vec::<String>::new()));
    let remote_names = RwSignal::new(Arc::new(Vec::<String>::new()));
    let keys = RwSignal::new(Arc::new(Vec::<String>::new()));
    let values: RwSignal<HashMap<String, Arc<Vec<String>>>> = RwSignal::new(HashMap::new());
    Effect::new(move |_| {
        let s = service.get();
        let Some(a) = state.api.get() else { return };
        span_names.set(Arc::default());
        remote_names.set(Arc::default());
        if s.is_empty() {
            return;
        }
        fetch_list(
            api::span_names_url(&a.root, &s),
            move |l| {
                if service.try_get_untracked().as_deref() == Some(s.as_str()) {
                    let _ = span_names.try_set(l);
                }
            },
            note,
            state.lang.get_untracked(),
        );
        let s2 = service.get_untracked();
        fetch_list(
            api::remote_services_url(&a.root, &s2),
            move |l| {
                if service.try_get_untracked().as_deref() == Some(s2.as_str()) {
                    let _ = remote_names.try_set(l);
                }
            },
            note,
            state.lang.get_untracked(),
        );
    });
    Effect::new(move |_| {
        let Some(a) = state.api.get() else { return };
        values.set(HashMap::new());
        fetch_list(
            format!("{}/autocompleteKeys", a.root),
            move |l| {
                let _ = keys.try_set(l);
            },
            note,
            state.lang.get_untracked(),
        );
    });
    // The key whose value is being typed, fetched once per key.
    let value_key = Memo::new(move |_| {
        tags.with(|t| match tracescope_core::search::query::completing(t) {
            tracescope_core::search::query::Completing::Value { key, .. } => Some(key.to_string()),
            _ => None,
        })
    });
    Effect::new(move |_| {
        let Some(k) = value_key.get().filter(|k| !k.is_empty()) else {
            return;
        };
        let Some(a) = state.api.get_untracked() else {
            return;
        };
        if values.with_untracked(|v| v.contains_key(&k)) {
            return;
        }
        values.update(|v| {
            v.insert(k.clone(), Arc::default());
        });
        fetch_list(
            api::autocomplete_values_url(&a.root, &k),
            move |l| {
                let _ = values.try_update(|v| {
                    v.insert(k.clone(), l);
                });
            },
            note,
            state.lang.get_untracked(),
        );
    });
    let tag_suggestions = move || {
        let t = tags.get();
        let list = match value_key.get() {
            Some(k) => values.with(|v| v.get(&k).cloned().unwrap_or_default()),
            None => keys.get(),
        };
        suggestions(&t, &list, 50)
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = state.lang.get_untracked();
        let mut errors = Vec::new();
        let dur = |s: &str, errors: &mut Vec<String>| match parse_duration(s) {
            Ok(v) => v,
            Err(e) => {
                errors.push(Msg::DurationInvalid.fill(
                    lang,
                    &[("text", &format!("{:?}", e.text)), ("reason", e.reason)],
                ));
                None
            }
        };
        let min_us = dur(&min_d.get_untracked(), &mut errors);
        let max_us = dur(&max_d.get_untracked(), &mut errors);
        if max_us.is_some() && min_us.is_none() && errors.is_empty() {
            errors.push(Msg::MaxNeedsMin.text(lang).into());
        }
        if let (Some(a), Some(b)) = (min_us, max_us) {
            if b < a {
                errors.push(Msg::MaxBelowMin.text(lang).into());
            }
        }
        let (lookback_ms, end_ms) = if lookback.get_untracked() == CUSTOM {
            match (
                parse_local_input(&start.get_untracked()),
                parse_local_input(&end.get_untracked()),
            ) {
                (Some(s), Some(e)) if e > s => (e - s, Some(e)),
                (Some(_), Some(_)) => {
                    errors.push(Msg::RangeEndBeforeStart.text(lang).into());
                    (0, None)
                }
                _ => {
                    errors.push(Msg::RangeIncomplete.text(lang).into());
                    (0, None)
                }
            }
        } else {
            (lookback.get_untracked().parse().unwrap_or(0), None)
        };
        let limit_v: u32 = match limit.get_untracked().trim().parse() {
            Ok(v) if v > 0 => v,
            _ => {
                errors.push(
                    Msg::LimitInvalid
                        .fill(lang, &[("value", &format!("{:?}", limit.get_untracked()))]),
                );
                0
            }
        };
        if !errors.is_empty() {
            problem.set(Some(errors.join(" ")));
            return;
        }
        problem.set(None);
        on_submit.run(SearchQuery {
            service: service.get_untracked(),
            remote_service: remote.get_untracked().trim().to_string(),
            span_name: span.get_untracked().trim().to_string(),
            tags: tags.get_untracked().trim().to_string(),
            min_duration_us: min_us,
            max_duration_us: max_us,
            lookback_ms,
            end_ms,
            limit: limit_v,
        });
    };

    let service_options = move || {
        let current = service.get();
        let list = state.services.get().unwrap_or_default();
        let mut opts = vec![
            view! { <option value="" selected=current.is_empty()>{tr(Msg::AllServices)}</option> }
                .into_any(),
        ];
        // A service from the URL that the server does not list stays selectable.
        if !current.is_empty() && !list.contains(&current) {
            opts.push(
                view! { <option value=current.clone() selected=true>{current.clone()}</option> }
                    .into_any(),
            );
        }
        for s in list.iter() {
            let selected = *s == current;
            opts.push(
                view! { <option value=s.clone() selected=selected>{s.clone()}</option> }.into_any(),
            );
        }
        opts
    };
    let lookback_options = move || {
        let current = lookback.get();
        let lang = state.lang.get();
        let mut list: Vec<(String, String)> = LOOKBACKS
            .iter()
            .map(|(ms, l)| (ms.to_string(), l.text(lang).to_string()))
            .collect();
        if let Ok(ms) = current.parse::<u64>() {
            if !LOOKBACKS.iter().any(|(v, _)| *v == ms) {
                list.push((current.clone(), lookback_label(ms, lang)));
            }
        }
        list.push((CUSTOM.into(), Msg::CustomRange.text(lang).into()));
        list.into_iter()
            .map(|(v, l)| {
                let selected = v == current;
                view! { <option value=v selected=selected>{l}</option> }
            })
            .collect_view()
    };
    let names = |list: RwSignal<Arc<Vec<String>>>| {
        move || {
            list.get()
                .iter()
                .map(|n| view! { <option value=n.clone()></option> })
                .collect_view()
        }
    };

    view! {
        <form class="search-form" data-testid="search-form" on:submit=submit>
            <label class="field">
                <span>{tr(Msg::Service)}</span>
                <select data-testid="service-select" prop:value=move || service.get()
                    on:change=move |ev| service.set(event_target_value(&ev))>
                    {service_options}
                </select>
            </label>
            <label class="field">
                <span>{tr(Msg::RemoteService)}</span>
                <input type="text" list="remote-service-options" data-testid="remote-service-input"
                    placeholder=tr(Msg::Any) title=tr(Msg::RemoteServiceHint)
                    prop:value=move || remote.get() on:input=move |ev| remote.set(event_target_value(&ev))/>
                <datalist id="remote-service-options" data-testid="remote-service-options">{names(remote_names)}</datalist>
            </label>
            <label class="field">
                <span>{tr(Msg::SpanName)}</span>
                <input type="text" list="span-name-options" data-testid="span-name-input" placeholder=tr(Msg::Any)
                    prop:value=move || span.get() on:input=move |ev| span.set(event_target_value(&ev))/>
                <datalist id="span-name-options" data-testid="span-name-options">{names(span_names)}</datalist>
            </label>
            <label class="field wide">
                <span>{tr(Msg::Tags)}</span>
                <input type="text" list="tag-options" data-testid="tags-input" autocomplete="off"
                    placeholder="http.method=GET and error"
                    prop:value=move || tags.get() on:input=move |ev| tags.set(event_target_value(&ev))/>
                <datalist id="tag-options" data-testid="tag-options">
                    {move || tag_suggestions().into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
                </datalist>
            </label>
            <label class="field narrow">
                <span>{tr(Msg::MinDuration)}</span>
                <input type="text" data-testid="min-duration-input" placeholder=tr(Msg::MinDurationExample)
                    prop:value=move || min_d.get() on:input=move |ev| min_d.set(event_target_value(&ev))/>
            </label>
            <label class="field narrow">
                <span>{tr(Msg::MaxDuration)}</span>
                <input type="text" data-testid="max-duration-input" placeholder=tr(Msg::MaxDurationExample)
                    prop:value=move || max_d.get() on:input=move |ev| max_d.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{tr(Msg::TimeRange)}</span>
                <select data-testid="lookback-select" prop:value=move || lookback.get()
                    on:change=move |ev| lookback.set(event_target_value(&ev))>
                    {lookback_options}
                </select>
            </label>
            <Show when=move || lookback.get() == CUSTOM>
                <label class="field">
                    <span>{tr(Msg::RangeFrom)}</span>
                    <input type="datetime-local" data-testid="range-start" prop:value=move || start.get()
                        on:input=move |ev| start.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{tr(Msg::RangeTo)}</span>
                    <input type="datetime-local" data-testid="range-end" prop:value=move || end.get()
                        on:input=move |ev| end.set(event_target_value(&ev))/>
                </label>
            </Show>
            <label class="field narrow">
                <span>{tr(Msg::Limit)}</span>
                <input type="number" min="1" max="100000" data-testid="limit-input"
                    prop:value=move || limit.get() on:input=move |ev| limit.set(event_target_value(&ev))/>
            </label>
            <button type="submit" class="primary" data-testid="search-button">
                {move || if state.searching.with(Option::is_some) { tr(Msg::SearchAgain)() } else { tr(Msg::SearchButton)() }}
            </button>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="form-error">{p}</p> })}
            {move || note.get().map(|n| view! { <p class="form-note" data-testid="form-note">{n}</p> })}
        </form>
    }
}
