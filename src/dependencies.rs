//! The service dependency page (`?view=dependencies`): links from `/api/v2/dependencies`
//! for a time range, or derived from the current search results; drawn by
//! [`crate::graph_canvas::GraphCanvas`]. Also the trace view's services tab
//! ([`TraceServices`]), the same graph for one trace.
//!
//! The URL holds the source, the range (`endTs`, `lookback`), the selected service, the hop
//! count, the name filter and the call threshold.

use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::derive::dependencies::merge_links;
use tracescope_core::derive::dependency_graph::{parse_links, DependencyGraph};
use tracescope_core::derive::DependencyLink;
use tracescope_core::engine::TraceInfo;
use tracescope_core::layout::dependency::{
    dependency_scene, short_count, DependencyRequest, DependencyScene, ErrorRates,
};

use crate::datetime_input::{local_input, parse_local_input};
use crate::error::AppError;
use crate::graph_canvas::{GraphCanvas, GraphData};
use crate::i18n::{tr, Lang, Msg};
use crate::state::{use_app, AppState, ByPtr, Route};

pub const LOOKBACKS: &[(u64, Msg)] = &[
    (900_000, Msg::Last15Minutes),
    (3_600_000, Msg::LastHour),
    (21_600_000, Msg::Last6Hours),
    (86_400_000, Msg::LastDay),
    (172_800_000, Msg::Last2Days),
    (604_800_000, Msg::Last7Days),
];

/// The graph's scene with the node's traffic line ("12 calls") in `lang`.
pub fn localised_scene(
    graph: &DependencyGraph,
    req: &DependencyRequest,
    lang: Lang,
) -> DependencyScene {
    let mut scene = dependency_scene(graph, req);
    for (label, &s) in scene.traffic.iter_mut().zip(&scene.nodes) {
        let n = graph.traffic(s);
        *label = if n == 1 {
            Msg::OneCall.text(lang).to_string()
        } else {
            Msg::CallCount.fill(lang, &[("n", &short_count(n))])
        };
    }
    scene
}
const DEFAULT_LOOKBACK_MS: u64 = 3_600_000;
pub const MAX_HOPS: u32 = 3;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LinkSource {
    /// `/api/v2/dependencies` for the range.
    #[default]
    Api,
    /// Derived from the traces of the current search results.
    Search,
}

/// The dependency page's URL state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyParams {
    pub source: LinkSource,
    /// End of the range (ms since the epoch); `None`: now.
    pub end_ms: Option<u64>,
    pub lookback_ms: u64,
    pub selected: Option<String>,
    /// 1 to [`MAX_HOPS`].
    pub hops: u32,
    pub filter: String,
    pub min_calls: u64,
}

impl Default for DependencyParams {
    fn default() -> Self {
        DependencyParams {
            source: LinkSource::Api,
            end_ms: None,
            lookback_ms: DEFAULT_LOOKBACK_MS,
            selected: None,
            hops: 1,
            filter: String::new(),
            min_calls: 0,
        }
    }
}

impl DependencyParams {
    pub fn to_url_params(&self) -> Vec<(&'static str, String)> {
        let d = DependencyParams::default();
        let non_default = |on: bool, v: String| if on { v } else { String::new() };
        vec![
            ("view", "dependencies".into()),
            (
                "source",
                non_default(self.source == LinkSource::Search, "search".into()),
            ),
            (
                "endTs",
                self.end_ms.map(|e| e.to_string()).unwrap_or_default(),
            ),
            ("lookback", self.lookback_ms.to_string()),
            ("service", self.selected.clone().unwrap_or_default()),
            (
                "hops",
                non_default(self.hops != d.hops, self.hops.to_string()),
            ),
            ("filter", self.filter.clone()),
            (
                "minCalls",
                non_default(self.min_calls > 0, self.min_calls.to_string()),
            ),
        ]
    }

    pub fn from_pairs(get: &dyn Fn(&str) -> Option<String>) -> DependencyParams {
        let d = DependencyParams::default();
        DependencyParams {
            source: if get("source").as_deref() == Some("search") {
                LinkSource::Search
            } else {
                LinkSource::Api
            },
            end_ms: get("endTs").and_then(|v| v.parse().ok()).filter(|v| *v > 0),
            lookback_ms: get("lookback")
                .and_then(|v| v.parse().ok())
                .filter(|v| *v > 0)
                .unwrap_or(d.lookback_ms),
            selected: get("service").filter(|s| !s.is_empty()),
            hops: get("hops")
                .and_then(|v| v.parse().ok())
                .unwrap_or(d.hops)
                .clamp(1, MAX_HOPS),
            filter: get("filter").unwrap_or_default(),
            min_calls: get("minCalls").and_then(|v| v.parse().ok()).unwrap_or(0),
        }
    }

    /// What is fetched: changing it refetches.
    fn range_key(&self) -> (LinkSource, Option<u64>, u64) {
        (self.source, self.end_ms, self.lookback_ms)
    }
}

/// Opens the search page for traces of `service` (calling `remote`, when given) in `range`.
pub fn search_traces(state: AppState, service: &str, remote: Option<&str>, p: &DependencyParams) {
    crate::url::navigate(&[
        ("service", service.to_string()),
        ("remoteService", remote.unwrap_or_default().to_string()),
        ("lookback", p.lookback_ms.to_string()),
        ("endTs", p.end_ms.map(|e| e.to_string()).unwrap_or_default()),
    ]);
    state.route.set(Route::from_url());
}

fn dependencies_url(root: &str, end_ms: u64, lookback_ms: u64) -> String {
    format!(
        "{root}/dependencies?{}",
        tracescope_core::api::query_string(&[
            ("endTs", end_ms.to_string()),
            ("lookback", lookback_ms.to_string()),
        ])
    )
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Links and what they came from, for the test hooks.
#[derive(Clone, PartialEq)]
struct Fetched {
    key: (LinkSource, Option<u64>, u64),
    graph: ByPtr<DependencyGraph>,
}

static FETCH_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[component]
pub fn DependenciesView() -> impl IntoView {
    let state = use_app();
    let params = Memo::new(move |_| match state.route.get() {
        Route::Dependencies(p) => p,
        _ => DependencyParams::default(),
    });
    // Small changes (selection, hops, filter) replace the history entry; a new range adds one.
    let update = move |f: &dyn Fn(&mut DependencyParams)| {
        let mut p = params.get_untracked();
        f(&mut p);
        let changes: Vec<(&str, Option<String>)> = p
            .to_url_params()
            .into_iter()
            .map(|(k, v)| (k, (!v.is_empty()).then_some(v)))
            .collect();
        crate::url::set_params(&changes);
        state.route.set(Route::Dependencies(p));
    };
    let rates = crate::config::dependency_error_rates(state);

    let fetched: RwSignal<Option<Fetched>> = RwSignal::new(None);
    let loading = RwSignal::new(false);
    let layout_ms = RwSignal::new(0.0f64);
    // Fetch when the range or source changes (or the API resolves, or search results change
    // while they are the source).
    // Bumped by the Refresh button: fetch again with the same range.
    let refresh = RwSignal::new(0u32);
    Effect::new(move |_| {
        let p = params.get();
        refresh.track();
        let Some(api) = state.api.get() else {
            return;
        };
        let key = p.range_key();
        if p.source == LinkSource::Search {
            let links: Vec<DependencyLink> = state.results.with(|r| {
                r.as_ref()
                    .map(|r| {
                        r.rows
                            .iter()
                            .flat_map(|t| t.links.iter().cloned())
                            .collect()
                    })
                    .unwrap_or_default()
            });
            let graph = DependencyGraph::from_links(&merge_links(links));
            fetched.set(Some(Fetched {
                key,
                graph: ByPtr(Arc::new(graph)),
            }));
            return;
        }
        if fetched.with_untracked(|f| f.as_ref().is_some_and(|f| f.key == key)) {
            return;
        }
        let seq = FETCH_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let url = dependencies_url(&api.root, p.end_ms.unwrap_or_else(now_ms), p.lookback_ms);
        loading.set(true);
        leptos::task::spawn_local(async move {
            let abort = crate::fetch::Abort::with_timeout(crate::config::timeout_seconds());
            let result = crate::fetch::get_bytes(&url, &abort)
                .await
                .and_then(|bytes| {
                    parse_links(&bytes).map_err(|e| AppError::Json {
                        url: url.clone(),
                        message: crate::error::Problem::Json {
                            message: e.message,
                            line: e.line,
                            column: e.column,
                        },
                    })
                });
            if FETCH_SEQ.load(std::sync::atomic::Ordering::Relaxed) != seq {
                return;
            }
            let _ = loading.try_set(false);
            match result {
                Ok(links) => {
                    let _ = fetched.try_set(Some(Fetched {
                        key,
                        graph: ByPtr(Arc::new(DependencyGraph::from_links(&links))),
                    }));
                }
                Err(e) => state.fail(e),
            }
        });
    });
    let request = Memo::new(move |_| {
        let p = params.get();
        DependencyRequest {
            filter: p.filter,
            min_calls: p.min_calls,
        }
    });
    let data: Memo<Option<GraphData>> = Memo::new(move |_| {
        let graph = fetched.with(|f| f.as_ref().map(|f| f.graph.clone()))?;
        let req = request.get();
        let lang = state.lang.get();
        let t = web_sys::window().and_then(|w| w.performance());
        let start = t.as_ref().map_or(0.0, |p| p.now());
        let scene = localised_scene(&graph.0, &req, lang);
        if let Some(p) = t {
            layout_ms.set(p.now() - start);
        }
        Some(GraphData {
            graph,
            scene: ByPtr(Arc::new(scene)),
        })
    });

    let selected = RwSignal::new(params.get_untracked().selected);
    // The canvas sets `selected`; the URL follows, and back/forward sets it.
    Effect::new(move |_| {
        let s = selected.get();
        if params.get_untracked().selected != s {
            update(&|p| p.selected = s.clone());
        }
    });
    Effect::new(move |_| {
        let s = params.get().selected;
        if selected.get_untracked() != s {
            selected.set(s);
        }
    });
    let hops = Signal::derive(move || params.get().hops);
    let on_edge = Callback::new(move |(parent, child): (String, String)| {
        search_traces(state, &parent, Some(&child), &params.get_untracked());
    });

    let loaded_attr = move || {
        fetched.with(|f| {
            f.as_ref()
                .map(|f| format!("{}:{}", f.key.1.unwrap_or(0), f.key.2))
                .unwrap_or_default()
        })
    };
    let totals = move || {
        fetched.with(|f| {
            f.as_ref().map(|f| {
                let g = &f.graph.0;
                let calls: u64 = g.edges.iter().map(|e| e.calls).sum();
                Msg::DependencyTotals.fill(
                    state.lang.get(),
                    &[
                        ("services", &g.services.len().to_string()),
                        ("links", &g.edges.len().to_string()),
                        ("calls", &short_count(calls)),
                    ],
                )
            })
        })
    };
    let search_count = move || {
        state
            .results
            .with(|r| r.as_ref().map_or(0, |r| r.rows.len()))
    };

    view! {
        <section
            class="deps-page"
            data-testid="dependencies-page"
            data-state=move || if loading.get() { "loading" } else if fetched.with(Option::is_some) { "ready" } else { "empty" }
            data-loaded-range=loaded_attr
            data-source=move || if params.get().source == LinkSource::Search { "search" } else { "api" }
            data-layout-ms=move || format!("{:.1}", layout_ms.get())
        >
            <div class="deps-controls">
                <label>
                    {tr(Msg::DependencySource)}
                    <select data-testid="dependency-source" on:change=move |ev| {
                        let search = event_target_value(&ev) == "search";
                        update(&|p| p.source = if search { LinkSource::Search } else { LinkSource::Api });
                    }>
                        <option value="api" selected=move || params.get().source == LinkSource::Api>{tr(Msg::DependencySourceApi)}</option>
                        <option value="search" selected=move || params.get().source == LinkSource::Search>
                            {move || Msg::DependencySourceSearch.fill(state.lang.get(), &[("n", &search_count().to_string())])}
                        </option>
                    </select>
                </label>
                <RangeControls params=params update=update/>
                <button data-testid="dependency-refresh" title=tr(Msg::FetchAgain)
                    disabled=move || params.get().source == LinkSource::Search
                    on:click=move |_| {
                        fetched.set(None);
                        refresh.update(|n| *n += 1);
                    }>
                    {move || if loading.get() { tr(Msg::Loading)() } else { tr(Msg::Refresh)() }}
                </button>
                <span class="deps-totals" data-testid="dependency-totals">{totals}</span>
            </div>
            <div class="deps-tools">
                <label>
                    {tr(Msg::FilterServices)}
                    <input type="search" placeholder=tr(Msg::NameContains) data-testid="dependency-filter"
                        prop:value=move || params.get().filter
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            update(&|p| p.filter = v.clone());
                        }/>
                </label>
                <label>
                    {tr(Msg::MinCalls)}
                    <input type="number" min="0" data-testid="dependency-min-calls"
                        prop:value=move || params.get().min_calls.to_string()
                        on:change=move |ev| {
                            let v = event_target_value(&ev).parse().unwrap_or(0);
                            update(&|p| p.min_calls = v);
                        }/>
                </label>
                <label title=tr(Msg::HighlightTitle)>
                    {tr(Msg::Highlight)}
                    <select data-testid="dependency-hops" on:change=move |ev| {
                        let v = event_target_value(&ev).parse().unwrap_or(1u32).clamp(1, MAX_HOPS);
                        update(&|p| p.hops = v);
                    }>
                        {(1..=MAX_HOPS).map(|h| view! {
                            <option value=h.to_string() selected=move || params.get().hops == h>
                                {move || hops_label(h, state.lang.get())}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <Legend rates=rates/>
            </div>
            <div class="deps-body">
                <GraphCanvas data=data.into() selected=selected hops=hops rates=rates on_edge=on_edge/>
                {move || {
                    let s = selected.get()?;
                    let graph = fetched.with(|f| f.as_ref().map(|f| f.graph.clone()))?;
                    let v = graph.0.service(&s)?;
                    Some(view! {
                        <ServicePanel graph=graph.0 service=v selected=selected rates=rates
                            on_search=Callback::new(move |name: String| search_traces(state, &name, None, &params.get_untracked()))/>
                    })
                }}
            </div>
        </section>
    }
}

#[component]
fn RangeControls(
    params: Memo<DependencyParams>,
    update: impl Fn(&dyn Fn(&mut DependencyParams)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let custom = RwSignal::new(
        !LOOKBACKS
            .iter()
            .any(|(ms, _)| *ms == params.get_untracked().lookback_ms),
    );
    let start_input = RwSignal::new(String::new());
    let end_input = RwSignal::new(
        params
            .get_untracked()
            .end_ms
            .map(|ms| local_input(ms as f64))
            .unwrap_or_default(),
    );
    let apply_custom = move || {
        let end = parse_local_input(&end_input.get_untracked());
        let start = parse_local_input(&start_input.get_untracked());
        if let (Some(s), end) = (start, end) {
            let e = end.unwrap_or_else(now_ms);
            if e > s {
                update(&|p| {
                    p.end_ms = end;
                    p.lookback_ms = e - s;
                });
            }
        }
    };
    view! {
        <label>
            {tr(Msg::Range)}
            <select data-testid="dependency-lookback" on:change=move |ev| {
                let v = event_target_value(&ev);
                if v == "custom" {
                    let p = params.get_untracked();
                    let end = p.end_ms.unwrap_or_else(now_ms);
                    start_input.set(local_input(end.saturating_sub(p.lookback_ms) as f64));
                    end_input.set(local_input(end as f64));
                    custom.set(true);
                } else if let Ok(ms) = v.parse::<u64>() {
                    custom.set(false);
                    update(&|p| p.lookback_ms = ms);
                }
            }>
                {LOOKBACKS.iter().map(|(ms, label)| view! {
                    <option value=ms.to_string() selected=move || !custom.get() && params.get().lookback_ms == *ms>{tr(*label)}</option>
                }).collect_view()}
                <option value="custom" selected=move || custom.get()>{tr(Msg::CustomRange)}</option>
            </select>
        </label>
        <Show when=move || custom.get()>
            <label>
                {tr(Msg::RangeFrom)}
                <input type="datetime-local" data-testid="dependency-start"
                    prop:value=move || start_input.get()
                    on:change=move |ev| { start_input.set(event_target_value(&ev)); apply_custom(); }/>
            </label>
        </Show>
        <label title=tr(Msg::EndingTitle)>
            {move || if custom.get() { tr(Msg::RangeTo)() } else { tr(Msg::Ending)() }}
            <input type="datetime-local" data-testid="dependency-end"
                prop:value=move || end_input.get()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    end_input.set(v.clone());
                    if custom.get_untracked() {
                        apply_custom();
                    } else {
                        let end = parse_local_input(&v);
                        update(&|p| p.end_ms = end);
                    }
                }/>
        </label>
    }
}

#[component]
fn Legend(rates: Signal<ErrorRates>) -> impl IntoView {
    let state = use_app();
    let text = move || {
        let r = rates.get();
        (
            Msg::LegendErrorsBelow.fill(
                state.lang.get(),
                &[("percent", &format!("{:.0}", r.low * 100.0))],
            ),
            format!("≥ {:.0}%", r.low * 100.0),
            format!("≥ {:.0}%", r.high * 100.0),
        )
    };
    view! {
        <span class="deps-legend" data-testid="dependency-legend" title=tr(Msg::LegendTitle)>
            <span class="swatch normal"></span>{move || text().0}
            <span class="swatch warning"></span>{move || text().1}
            <span class="swatch failing"></span>{move || text().2}
        </span>
    }
}

fn rate(errors: u64, calls: u64) -> String {
    if calls == 0 {
        "–".into()
    } else {
        format!("{:.1}%", errors as f64 / calls as f64 * 100.0)
    }
}

/// Calls in and out of the selected service, error rates, top peers, and a search button.
#[component]
fn ServicePanel(
    graph: Arc<DependencyGraph>,
    service: u32,
    selected: RwSignal<Option<String>>,
    rates: Signal<ErrorRates>,
    on_search: Callback<String>,
) -> impl IntoView {
    let s = service as usize;
    let name = graph.services[s].clone();
    let peers = graph.peers(service);
    let g = graph.clone();
    let peer_list = move |list: Vec<(u32, u64, u64)>, testid: &'static str| {
        let g = g.clone();
        let total = list.len();
        let shown = total.min(8);
        let more = total - shown;
        view! {
            <ol class="peers" data-testid=testid data-count=total>
                {list.into_iter().take(shown).map(|(peer, calls, errors)| {
                    let peer_name = g.services[peer as usize].clone();
                    let pick = peer_name.clone();
                    let health = rates.get_untracked().health(if calls == 0 { 0.0 } else { errors as f64 / calls as f64 });
                    let class = format!("peer {}", match health {
                        tracescope_core::layout::dependency::Health::Normal => "normal",
                        tracescope_core::layout::dependency::Health::Warning => "warning",
                        tracescope_core::layout::dependency::Health::Failing => "failing",
                    });
                    view! {
                        <li class=class>
                            <button class="link" title=tr(Msg::SelectTitle) on:click=move |_| selected.set(Some(pick.clone()))>{peer_name}</button>
                            <span class="num">{short_count(calls)}</span>
                            <span class="num err">{rate(errors, calls)}</span>
                        </li>
                    }
                }).collect_view()}
                {(more > 0).then(|| view! { <li class="more">{tr_fill(Msg::AndNMore, &[("n", more.to_string())])}</li> })}
            </ol>
        }
    };
    let (calls_in, errors_in, calls_out, errors_out) = (
        graph.calls_in[s],
        graph.errors_in[s],
        graph.calls_out[s],
        graph.errors_out[s],
    );
    let search_name = name.clone();
    view! {
        <aside class="deps-panel" data-testid="dependency-panel" data-service=name.clone()>
            <header>
                <h3 title=name.clone()>{name.clone()}</h3>
                <button class="close" title=tr(Msg::ClearSelection) data-testid="dependency-panel-close" on:click=move |_| selected.set(None)>"×"</button>
            </header>
            <dl class="deps-stats">
                <div><dt>{tr(Msg::CallsIn)}</dt><dd data-testid="dependency-calls-in">{calls_in.to_string()}</dd></div>
                <div><dt>{tr(Msg::ErrorsIn)}</dt><dd>{format!("{errors_in} ({})", rate(errors_in, calls_in))}</dd></div>
                <div><dt>{tr(Msg::CallsOut)}</dt><dd data-testid="dependency-calls-out">{calls_out.to_string()}</dd></div>
                <div><dt>{tr(Msg::ErrorsOut)}</dt><dd>{format!("{errors_out} ({})", rate(errors_out, calls_out))}</dd></div>
            </dl>
            <h4>{tr(Msg::CalledBy)}</h4>
            {peer_list(peers.callers, "dependency-callers")}
            <h4>{tr(Msg::Calls)}</h4>
            {peer_list(peers.callees, "dependency-callees")}
            <button class="primary" data-testid="dependency-search-service"
                on:click=move |_| on_search.run(search_name.clone())>
                {tr(Msg::SearchTracesOfService)}
            </button>
        </aside>
    }
}

/// The trace view's services tab: the dependency graph of one trace (its links by Zipkin's
/// linker, computed by the engine with the trace's summary).
#[component]
pub fn TraceServices(info: TraceInfo) -> impl IntoView {
    let state = use_app();
    let rates = crate::config::dependency_error_rates(state);
    let graph = Arc::new(DependencyGraph::from_links(&info.links));
    let empty = graph.edges.is_empty();
    // A new scene only when the language changes (the traffic lines are translated).
    let data = Memo::new(move |_| {
        let scene = localised_scene(&graph, &DependencyRequest::default(), state.lang.get());
        Some(GraphData {
            graph: ByPtr(graph.clone()),
            scene: ByPtr(Arc::new(scene)),
        })
    });
    let selected = RwSignal::new(None::<String>);
    let hops = RwSignal::new(1u32);
    let on_edge = Callback::new(move |(parent, child): (String, String)| {
        search_traces(state, &parent, Some(&child), &DependencyParams::default());
    });
    view! {
        <div class="trace-services" data-testid="trace-services">
            <div class="deps-tools">
                <label>
                    {tr(Msg::Highlight)}
                    <select data-testid="dependency-hops" on:change=move |ev| {
                        hops.set(event_target_value(&ev).parse().unwrap_or(1u32).clamp(1, MAX_HOPS));
                    }>
                        {(1..=MAX_HOPS).map(|h| view! {
                            <option value=h.to_string()>{move || hops_label(h, state.lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Legend rates=rates/>
                {empty.then(|| view! { <span class="note">{tr(Msg::NoCallsInTrace)}</span> })}
            </div>
            <div class="deps-body">
                <GraphCanvas data=data.into() selected=selected hops=hops.into() rates=rates on_edge=on_edge/>
            </div>
        </div>
    }
}

/// The trace view's tab strip: the waterfall ("Timeline") or the services graph. The choice
/// is kept in the URL (`tab=services`).
#[component]
pub fn TraceTabs(services: RwSignal<bool>) -> impl IntoView {
    let pick = move |on: bool| {
        services.set(on);
        crate::url::set_params(&[("tab", on.then(|| "services".to_string()))]);
    };
    view! {
        <div class="trace-tabs" role="tablist" data-testid="trace-tabs">
            <button role="tab" data-testid="tab-timeline" class:current=move || !services.get()
                aria-selected=move || (!services.get()).to_string() on:click=move |_| pick(false)>{tr(Msg::TabTimeline)}</button>
            <button role="tab" data-testid="tab-services" class:current=move || services.get()
                aria-selected=move || services.get().to_string() on:click=move |_| pick(true)>{tr(Msg::StatServices)}</button>
        </div>
    }
}

fn hops_label(h: u32, lang: Lang) -> String {
    if h == 1 {
        Msg::OneHop.text(lang).to_string()
    } else {
        Msg::HopCount.fill(lang, &[("n", &h.to_string())])
    }
}

/// A filled message that follows the UI language.
fn tr_fill(m: Msg, args: &[(&'static str, String)]) -> impl Fn() -> String + Send + Sync + 'static {
    let state = use_app();
    let args = args.to_vec();
    move || {
        let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        m.fill(state.lang.get(), &pairs)
    }
}
