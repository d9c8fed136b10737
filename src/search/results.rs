//! The result list and its in-browser filter. The rows that pass the filter are computed in
//! the core (`search::rows`) from the answer's summaries; the list draws only the rows on
//! screen (fixed row height), so 10,000 results filter as fast as 100.

use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::engine::TraceInfo;
use tracescope_core::layout::color::{css, service_color};
use tracescope_core::layout::time_axis::format_duration;
use tracescope_core::search::query::{format_duration_input, parse_duration};
use tracescope_core::search::rows::{counts, SortOrder};

use crate::i18n::{sort_msg, tr, Msg};
use crate::state::{use_app, AppState, ByPtr, ResultView, Route};

/// Height of a row in CSS px (kept equal to `.trace-row` in style/search.css).
pub const ROW_PX: f64 = 60.0;
/// Lists up to this long are drawn whole; longer ones only around what is on screen.
const DRAW_ALL_UP_TO: usize = 100;
/// Rows drawn above and below the screen.
const OVERSCAN: usize = 4;

/// The rows that pass the filter, in order (indices into the answer's rows).
#[derive(Clone)]
pub struct Shown {
    pub rows: Arc<Vec<TraceInfo>>,
    pub order: ByPtr<Vec<u32>>,
}

impl PartialEq for Shown {
    fn eq(&self, o: &Self) -> bool {
        Arc::ptr_eq(&self.rows, &o.rows) && self.order == o.order
    }
}

/// The rows of the current answer that pass `view`'s filter, in its order.
fn shown(state: AppState, view: &ResultView) -> Option<Shown> {
    state.results.with(|r| {
        let r = r.as_ref()?;
        let order = r.index.select(&r.rows, &view.filter, view.sort);
        Some(Shown {
            rows: r.rows.clone(),
            order: ByPtr(Arc::new(order)),
        })
    })
}

#[component]
pub fn Results(view: Signal<ResultView>, on_view: Callback<ResultView>) -> impl IntoView {
    let state = use_app();
    let shown_rows = Memo::new(move |_| view.with(|v| shown(state, v)));
    // Rows filtered by everything but the brushed window: what the scatter plot shows.
    let plotted = Memo::new(move |_| {
        view.with(|v| {
            if v.filter.window.is_none() {
                shown_rows.get()
            } else {
                let unwindowed = ResultView {
                    filter: v.filter.without_window(),
                    sort: v.sort,
                };
                shown(state, &unwindowed)
            }
        })
    });
    let selected = RwSignal::new(Vec::<String>::new());
    // A new answer clears the selection.
    Effect::new(move |_| {
        state.results.track();
        selected.set(Vec::new());
    });
    let has_results = move || state.results.with(Option::is_some);
    let change = move |f: &dyn Fn(&mut ResultView)| {
        let mut v = view.get_untracked();
        f(&mut v);
        on_view.run(v);
    };

    view! {
        {move || if !has_results() {
            let msg = move || if state.searching.with(Option::is_some) { tr(Msg::SearchingShort)() } else { tr(Msg::NoSearchYet)() };
            view! { <p class="placeholder" data-testid="results-placeholder">{msg}</p> }.into_any()
        } else {
            view! {
                <FilterBar view=view shown=shown_rows change=Callback::new(move |f: Arc<dyn Fn(&mut ResultView) + Send + Sync>| change(&*f))/>
                <super::scatter::Scatter plotted=plotted view=view on_view=on_view/>
                <SelectionBar selected=selected/>
                <TraceList shown=shown_rows selected=selected/>
            }.into_any()
        }}
    }
}

type Change = Callback<Arc<dyn Fn(&mut ResultView) + Send + Sync>>;

fn apply(change: Change, f: impl Fn(&mut ResultView) + Send + Sync + 'static) {
    change.run(Arc::new(f));
}

#[component]
fn FilterBar(
    view: Signal<ResultView>,
    shown: Memo<Option<Shown>>,
    change: Change,
) -> impl IntoView {
    let state = use_app();
    let c = Memo::new(move |_| {
        shown.with(|s| {
            s.as_ref()
                .map(|s| counts(&s.rows, &s.order.0))
                .unwrap_or_default()
        })
    });
    let services = move || {
        state
            .results
            .with(|r| r.as_ref().map(|r| r.index.services().to_vec()))
            .unwrap_or_default()
    };
    // Duration fields keep what was typed; the filter takes them once they parse.
    let min_text = RwSignal::new(view.with_untracked(|v| {
        v.filter
            .min_us
            .map(format_duration_input)
            .unwrap_or_default()
    }));
    let max_text = RwSignal::new(view.with_untracked(|v| {
        v.filter
            .max_us
            .map(format_duration_input)
            .unwrap_or_default()
    }));
    Effect::new(move |_| {
        let (min, max) = view.with(|v| (v.filter.min_us, v.filter.max_us));
        if parse_duration(&min_text.get_untracked()).ok().flatten() != min {
            min_text.set(min.map(format_duration_input).unwrap_or_default());
        }
        if parse_duration(&max_text.get_untracked()).ok().flatten() != max {
            max_text.set(max.map(format_duration_input).unwrap_or_default());
        }
    });
    let bad = move |t: RwSignal<String>| move || t.with(|t| parse_duration(t).is_err());
    let on_dur = move |t: RwSignal<String>, is_min: bool| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            t.set(v.clone());
            if let Ok(d) = parse_duration(&v) {
                apply(change, move |view| {
                    if is_min {
                        view.filter.min_us = d;
                    } else {
                        view.filter.max_us = d;
                    }
                });
            }
        }
    };
    view! {
        <div class="filter-bar" data-testid="filter-bar">
            <input type="search" class="filter-text" data-testid="result-filter" placeholder=tr(Msg::FilterResultsPlaceholder)
                prop:value=move || view.with(|v| v.filter.text.clone())
                on:input=move |ev| {
                    let t = event_target_value(&ev);
                    apply(change, move |v| v.filter.text = t.clone());
                }/>
            <select data-testid="filter-service" title=tr(Msg::FilterServiceTitle)
                prop:value=move || view.with(|v| v.filter.service.clone())
                on:change=move |ev| {
                    let s = event_target_value(&ev);
                    apply(change, move |v| v.filter.service = s.clone());
                }>
                <option value="">{tr(Msg::AnyService)}</option>
                {move || {
                    let current = view.with(|v| v.filter.service.clone());
                    services().into_iter().map(|s| {
                        let sel = s == current;
                        view! { <option value=s.clone() selected=sel>{s.clone()}</option> }
                    }).collect_view()
                }}
            </select>
            <input type="text" class="narrow" data-testid="filter-min" placeholder=tr(Msg::FilterMinPlaceholder)
                class:invalid=bad(min_text) prop:value=move || min_text.get() on:input=on_dur(min_text, true)/>
            <input type="text" class="narrow" data-testid="filter-max" placeholder=tr(Msg::FilterMaxPlaceholder)
                class:invalid=bad(max_text) prop:value=move || max_text.get() on:input=on_dur(max_text, false)/>
            <label class="check">
                <input type="checkbox" data-testid="filter-errors"
                    prop:checked=move || view.with(|v| v.filter.errors_only)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        apply(change, move |v| v.filter.errors_only = on);
                    }/>
                {tr(Msg::ErrorsOnly)}
            </label>
            <select data-testid="sort-select" title=tr(Msg::SortTitle)
                prop:value=move || view.with(|v| v.sort.as_str())
                on:change=move |ev| {
                    if let Some(o) = SortOrder::parse(&event_target_value(&ev)) {
                        apply(change, move |v| v.sort = o);
                    }
                }>
                {SortOrder::ALL.into_iter().map(|o| view! {
                    <option value=o.as_str() selected=move || view.with(|v| v.sort == o)>{tr(sort_msg(o))}</option>
                }).collect_view()}
            </select>
            <span class="result-count" data-testid="result-count" data-request=move || state.results.with(|r| r.as_ref().map(|r| r.url.clone()).unwrap_or_default())
                data-shown=move || c.get().shown data-total=move || c.get().total data-errors=move || c.get().errors>
                {move || {
                    let c = c.get();
                    let lang = state.lang.get();
                    let errs = if c.errors > 0 {
                        Msg::ResultCountErrors.fill(lang, &[("n", &c.errors.to_string())])
                    } else {
                        String::new()
                    };
                    let count = if c.shown == c.total {
                        Msg::ResultCount.fill(lang, &[("n", &c.total.to_string())])
                    } else {
                        Msg::ResultCountOf.fill(lang, &[("shown", &c.shown.to_string()), ("total", &c.total.to_string())])
                    };
                    format!("{count}{errs}")
                }}
            </span>
            <Show when=move || view.with(|v| !v.filter.is_empty())>
                <button type="button" data-testid="clear-filter" on:click=move |_| {
                    apply(change, |v| v.filter = Default::default());
                }>{tr(Msg::ClearFilter)}</button>
            </Show>
        </div>
    }
}

#[component]
fn SelectionBar(selected: RwSignal<Vec<String>>) -> impl IntoView {
    let state = use_app();
    let n = move || selected.with(Vec::len);
    view! {
        <Show when=move || { n() > 0 }>
            <div class="selection-bar" data-testid="selection-bar" data-count=n>
                <span>{move || Msg::SelectedCount.fill(state.lang.get(), &[("n", &n().to_string())])}</span>
                <button type="button" class="primary" data-testid="open-selected" on:click=move |_| {
                    let ids = selected.get_untracked();
                    super::tabs::open(state, ids);
                }>{move || if n() == 1 { tr(Msg::Open)().to_string() } else { Msg::OpenAsTabs.fill(state.lang.get(), &[("n", &n().to_string())]) }}</button>
                <button type="button" data-testid="clear-selection" on:click=move |_| selected.set(Vec::new())>{tr(Msg::ClearSelection)}</button>
            </div>
        </Show>
    }
}

#[component]
fn TraceList(shown: Memo<Option<Shown>>, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let state = use_app();
    let scroll_top = RwSignal::new(0.0_f64);
    let height = RwSignal::new(800.0_f64);
    let list_ref = NodeRef::<leptos::html::Div>::new();
    // A new filter starts at the top.
    Effect::new(move |_| {
        shown.track();
        // Only when scrolled: touching scrollTop can force a layout mid-update.
        if scroll_top.get_untracked() > 0.0 {
            if let Some(el) = list_ref.get_untracked() {
                el.set_scroll_top(0);
            }
            scroll_top.set(0.0);
        }
    });
    let count = move || shown.with(|s| s.as_ref().map_or(0, |s| s.order.0.len()));
    let range = Memo::new(move |_| {
        let n = count();
        if n <= DRAW_ALL_UP_TO {
            return (0, n);
        }
        let first = (scroll_top.get() / ROW_PX) as usize;
        let visible = (height.get() / ROW_PX).ceil() as usize + 1;
        (
            first.saturating_sub(OVERSCAN),
            (first + visible + OVERSCAN).min(n),
        )
    });
    let longest = Memo::new(move |_| {
        shown.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.order
                        .0
                        .iter()
                        .map(|i| s.rows[*i as usize].duration_us)
                        .max()
                        .unwrap_or(1)
                })
                .unwrap_or(1)
                .max(1)
        })
    });
    let now_us = js_sys::Date::now() * 1000.0;
    // Rows are keyed by their index in the answer: a row that stays on screen when the
    // filter or the scroll position changes keeps its DOM (only new rows are built).
    let visible = move || {
        let (a, b) = range.get();
        shown.with(|s| {
            s.as_ref()
                .map(|s| s.order.0[a..b].to_vec())
                .unwrap_or_default()
        })
    };
    let row_view = move |i: u32| {
        let r = shown.with_untracked(|s| s.as_ref().and_then(|s| s.rows.get(i as usize).cloned()));
        r.map(|r| {
            let logs = state.ui.with_untracked(|u| u.logs_link(&r.trace_id));
            trace_row(state, &r, longest, now_us, selected, logs)
        })
    };
    // The list's real height, once it is on the page and when the window changes.
    let measure = move || {
        if let Some(el) = list_ref.get_untracked() {
            let h = f64::from(el.client_height());
            if h > 0.0 {
                let _ = height.try_set(h);
            }
        }
    };
    Effect::new(move |_| {
        if list_ref.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let on_scroll = move |_| {
        if let Some(el) = list_ref.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            height.set(f64::from(el.client_height()));
        }
    };
    view! {
        <div class="trace-list-scroll" node_ref=list_ref on:scroll=on_scroll>
            {move || if count() == 0 {
                view! {
                    <div class="trace-list empty" data-testid="trace-list" data-count="0">
                        <p>{move || if state.results.with(|r| r.as_ref().is_some_and(|r| r.rows.is_empty())) {
                            tr(Msg::NoTracesMatch)()
                        } else {
                            tr(Msg::NoResultsPassFilter)()
                        }}</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ol class="trace-list" data-testid="trace-list" data-count=count
                        data-first=move || range.get().0
                        style:height=move || format!("{}px", count() as f64 * ROW_PX)>
                        <li class="spacer" aria-hidden="true" style:height=move || format!("{}px", range.get().0 as f64 * ROW_PX)></li>
                        <For each=visible key=|i| *i children=row_view/>
                    </ol>
                }.into_any()
            }}
        </div>
    }
}

fn relative(now_us: f64, start_us: i64, lang: crate::i18n::Lang) -> String {
    let ago = ((now_us - start_us as f64) / 1e6).max(0.0) as i64;
    let (m, n) = match ago {
        0..=59 => (Msg::SecondsAgo, ago),
        60..=3599 => (Msg::MinutesAgo, ago / 60),
        3600..=86399 => (Msg::HoursAgo, ago / 3600),
        _ => (Msg::DaysAgo, ago / 86400),
    };
    m.fill(lang, &[("n", &n.to_string())])
}

/// Local date and time with milliseconds.
pub fn absolute(start_us: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(start_us as f64 / 1000.0));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        d.get_milliseconds()
    )
}

fn trace_row(
    state: AppState,
    r: &TraceInfo,
    longest: Memo<i64>,
    now_us: f64,
    selected: RwSignal<Vec<String>>,
    logs: Option<String>,
) -> impl IntoView {
    let id = r.trace_id.clone();
    let open = {
        let id = id.clone();
        move |_| state.go(Route::Trace(id.clone()))
    };
    let open_key = {
        let id = id.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Enter" {
                state.go(Route::Trace(id.clone()));
            }
        }
    };
    let duration = r.duration_us;
    let width = move || format!("{:.1}%", duration as f64 / longest.get() as f64 * 100.0);
    let (root_service, root_name) = (r.root_service.clone(), r.root_name.clone());
    let root = move || {
        let lang = state.lang.get();
        format!(
            "{}: {}",
            if root_service.is_empty() {
                Msg::UnknownService.text(lang)
            } else {
                &root_service
            },
            if root_name.is_empty() {
                Msg::Unnamed.text(lang)
            } else {
                &root_name
            }
        )
    };
    let root_title = root.clone();
    // Per-service breakdown: a stacked bar of span counts, and the biggest few as badges.
    let total: usize = r.services.iter().map(|(_, n)| n).sum::<usize>().max(1);
    let mut by_size: Vec<&(String, usize)> = r.services.iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let service_counts: Vec<(String, usize)> =
        by_size.iter().map(|(s, n)| (s.clone(), *n)).collect();
    let all_services = move || {
        let unknown = Msg::Unknown.text(state.lang.get());
        service_counts
            .iter()
            .map(|(s, n)| format!("{} ×{n}", if s.is_empty() { unknown } else { s }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let segments = by_size
        .iter()
        .map(|(s, n)| {
            let width = format!("{:.2}%", *n as f64 / total as f64 * 100.0);
            view! { <span style:width=width style:background=css(service_color(s))></span> }
        })
        .collect_view();
    let badges = by_size
        .iter()
        .take(3)
        .map(|(s, n)| {
            view! { <span class="badge" style:border-color=css(service_color(s))>{format!("{s} ×{n}")}</span> }
        })
        .collect_view();
    let more = (by_size.len() > 3).then(|| format!("+{}", by_size.len() - 3));
    let is_selected = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let is_selected2 = is_selected.clone();
    let toggle = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|x| *x != id);
                if on {
                    s.push(id.clone());
                }
            });
        }
    };
    let errors = r.error_count;
    let (start_us, span_count) = (r.start_us, r.span_count);
    view! {
        <li class="trace-row" class:has-errors={errors > 0} class:selected=is_selected.clone()
            data-testid="trace-row" data-trace-id=id.clone()
            data-start-us=r.start_us data-duration-us=r.duration_us
            data-span-count=r.span_count data-error-count=errors
            tabindex="0" on:keydown=open_key>
            <input type="checkbox" class="row-check" data-testid="row-select" title=tr(Msg::RowSelectTitle)
                prop:checked=is_selected2 on:change=toggle on:click=|ev| ev.stop_propagation()/>
            <div class="row-body" on:click=open>
                <div class="row-main">
                    <span class="root" title=root_title>{root}</span>
                    <span class="row-bar"><span class="bar" style:width=width></span></span>
                    <span class="dur">{format_duration(r.duration_us)}</span>
                </div>
                <div class="row-meta">
                    <span class="when" title=absolute(r.start_us)>{move || relative(now_us, start_us, state.lang.get())}</span>
                    <span class="abs">{absolute(r.start_us)}</span>
                    <span>{move || Msg::SpanCount.fill(state.lang.get(), &[("n", &span_count.to_string())])}</span>
                    {(errors > 0).then(|| view! {
                        <span class="errors" data-testid="row-errors">{move || if errors == 1 { tr(Msg::OneError)().to_string() } else { Msg::ErrorCount.fill(state.lang.get(), &[("n", &errors.to_string())]) }}</span>
                    })}
                    <span class="stack" title=all_services.clone() data-testid="row-services">{segments}</span>
                    {badges}
                    {more.map(|m| view! { <span class="more" title=all_services.clone()>{m}</span> })}
                    <span class="mono id">{id.clone()}</span>
                    {logs.map(|href| view! {
                        <a class="logs" data-testid="row-logs" href=href target="_blank" rel="noopener noreferrer"
                            on:click=|ev| ev.stop_propagation()>{tr(Msg::Logs)}</a>
                    })}
                </div>
            </div>
        </li>
    }
}
