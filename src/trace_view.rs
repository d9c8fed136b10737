//! The trace page: a header of summary numbers and the canvas waterfall.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use tracescope_core::derive::{derive, DeriveOptions, Derived};
use tracescope_core::draw::paint_waterfall;
use tracescope_core::layout::color::Theme;
use tracescope_core::layout::time_axis::format_duration;
use tracescope_core::layout::waterfall::{scene, visible_rows, Viewport, ROW_HEIGHT};
use tracescope_core::model::SpanIdx;
use tracescope_core::{import, ImportError};

use crate::canvas::{prepare, CanvasPainter};
use crate::error::AppError;
use crate::state::{use_app, ByPtr, LoadKey, Loaded, Route};

/// Imports bytes and derives every trace in them.
pub fn import_all(bytes: &[u8]) -> Result<(&'static str, Vec<Arc<Derived>>), ImportError> {
    let imported = import(bytes)?;
    let format = imported.format.name();
    let traces = imported
        .traces
        .into_iter()
        .map(|t| Arc::new(derive(t, DeriveOptions::default())))
        .collect();
    Ok((format, traces))
}

/// Fetches `/trace/{id}` unless it is already loaded; a failure keeps what was loaded.
fn ensure_loaded(id: String) {
    let state = use_app();
    let have = state
        .loaded
        .with_untracked(|l| l.as_ref().map(|l| l.key == LoadKey::Trace(id.clone())));
    if have == Some(true) {
        return;
    }
    let Some(api) = state.api.get_untracked() else {
        return;
    };
    state.busy.set(true);
    leptos::task::spawn_local(async move {
        let url = tracescope_core::api::trace_url(&api.root, &id);
        let result = match crate::fetch::get_bytes(&url).await {
            Ok(bytes) => import_all(&bytes).map_err(|error| AppError::Import {
                source: url.clone(),
                error,
            }),
            Err(e) => Err(e),
        };
        state.busy.set(false);
        // The user may have moved on while this was in flight.
        if state.route.get_untracked() != Route::Trace(id.clone()) {
            return;
        }
        match result {
            Ok((format, traces)) => {
                state.selected.set(0);
                state.loaded.set(Some(Loaded {
                    key: LoadKey::Trace(id),
                    traces: Arc::new(traces),
                    format,
                }));
            }
            Err(e) => state.fail(e),
        }
    });
}

#[component]
pub fn TraceView() -> impl IntoView {
    let state = use_app();
    // Load when the route or the API changes.
    Effect::new(move |_| {
        if let (Route::Trace(id), Some(_)) = (state.route.get(), state.api.get()) {
            ensure_loaded(id);
        }
    });
    let wanted = move || match state.route.get() {
        Route::Trace(id) => Some(LoadKey::Trace(id)),
        _ => None,
    };
    // The trace to show: the one the route asks for, or for a file view whatever is loaded.
    let current = Memo::new(move |_| {
        let want = wanted();
        state.loaded.with(|l| {
            let l = l.as_ref()?;
            if want.as_ref().is_some_and(|w| *w != l.key) {
                return None;
            }
            let i = state.selected.get().min(l.traces.len().saturating_sub(1));
            Some((
                l.key.clone(),
                i,
                ByPtr(l.traces.get(i)?.clone()),
                l.traces.len(),
                l.format,
            ))
        })
    });
    view! {
        <div class="trace-page">
            {move || match current.get() {
                None => {
                    let msg = if state.busy.get() { "Loading trace…" } else { "No trace loaded." };
                    view! {
                        <div class="placeholder" data-testid="trace-placeholder">
                            <p>{msg}</p>
                            <BackButton/>
                        </div>
                    }
                    .into_any()
                }
                Some((_key, index, ByPtr(d), count, format)) => view! {
                    <TraceHeader d=d.clone() index=index count=count format=format/>
                    <Waterfall d=d/>
                }
                .into_any(),
            }}
        </div>
    }
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
    view! { <button class="back" data-testid="back-to-search" on:click=back>"← Search"</button> }
}

fn format_start(us: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(us as f64 / 1000.0));
    let iso: String = date.to_iso_string().into();
    iso.replace('T', " ").trim_end_matches('Z').to_string() + " UTC"
}

#[component]
fn TraceHeader(d: Arc<Derived>, index: usize, count: usize, format: &'static str) -> impl IntoView {
    let state = use_app();
    let s = &d.summary;
    let root = format!(
        "{}: {}",
        nonempty(d.trace.str(s.root_service), "(unknown service)"),
        nonempty(d.trace.str(s.root_name), "(unnamed)")
    );
    let services: Vec<String> = s
        .services
        .iter()
        .map(|(name, n)| format!("{} ({n})", nonempty(d.trace.str(*name), "(unknown)")))
        .collect();
    let picker = (count > 1).then(|| {
        let options = (0..count)
            .map(|i| view! { <option value=i.to_string() selected=i == index>{format!("Trace {} of {count}", i + 1)}</option> })
            .collect_view();
        view! {
            <select data-testid="trace-picker" on:change=move |ev| {
                if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                    state.selected.set(i);
                }
            }>{options}</select>
        }
    });
    view! {
        <header class="trace-header">
            <BackButton/>
            <h2 class="trace-title" title=root.clone()>{root.clone()}</h2>
            {picker}
            <dl class="trace-stats">
                <div><dt>"Trace ID"</dt><dd class="mono">{d.trace.id_string()}</dd></div>
                <div><dt>"Start"</dt><dd>{format_start(s.start_us)}</dd></div>
                <div><dt>"Duration"</dt><dd>{format_duration(s.duration_us)}</dd></div>
                <div><dt>"Spans"</dt><dd>{s.span_count}</dd></div>
                <div><dt>"Services"</dt><dd title=services.join(", ")>{s.services.len()}</dd></div>
                <div><dt>"Depth"</dt><dd>{s.max_depth}</dd></div>
                <div><dt>"Errors"</dt><dd>{s.error_count}</dd></div>
                <div><dt>"Warnings"</dt><dd title=warning_text(&d)>{d.warnings.len()}</dd></div>
                <div><dt>"Format"</dt><dd>{format}</dd></div>
            </dl>
        </header>
    }
}

fn warning_text(d: &Derived) -> String {
    d.warnings
        .iter()
        .take(20)
        .map(|w| format!("{}: {}", w.kind.key(), w.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

fn nonempty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.is_empty() {
        fallback
    } else {
        s
    }
}

/// Per-view state of the waterfall; lives outside signals because it changes every frame.
struct WaterfallState {
    d: Arc<Derived>,
    rows: Vec<SpanIdx>,
    collapsed: Vec<bool>,
    vp: Option<Viewport>,
    frame_pending: bool,
}

#[component]
fn Waterfall(d: Arc<Derived>) -> impl IntoView {
    let host = NodeRef::<html::Div>::new();
    let canvas = NodeRef::<html::Canvas>::new();
    let first_row = RwSignal::new(0usize);
    let drawn_rows = RwSignal::new(0usize);
    let ready = RwSignal::new(false);
    let summary = d.summary.clone();
    let warning_count = d.warnings.len();
    let trace_id = d.trace.id_string();
    let rows = visible_rows(&d, &[]);
    let st = StoredValue::new_local(WaterfallState {
        collapsed: vec![false; d.trace.spans.len()],
        d,
        rows,
        vp: None,
        frame_pending: false,
    });

    let draw = move || {
        let (Some(host), Some(canvas)) = (host.get_untracked(), canvas.get_untracked()) else {
            return;
        };
        let w = host.client_width() as f32;
        let h = host.client_height() as f32;
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        st.update_value(|s| {
            s.frame_pending = false;
            let mut vp = s.vp.unwrap_or_else(|| Viewport::fit(&s.d, w, h));
            vp.width = w;
            vp.height = h;
            let vp = vp.clamped(s.rows.len());
            s.vp = Some(vp);
            let Some(ctx) = prepare(&canvas, w, h) else {
                return;
            };
            let sc = scene(&s.d, &s.rows, &s.collapsed, &vp);
            paint_waterfall(&mut CanvasPainter::new(&ctx), &s.d, &sc, &vp, &Theme::LIGHT);
            first_row.set(sc.first_row);
            drawn_rows.set(sc.len());
        });
        ready.set(true);
    };
    // One frame scheduler: any number of changes before the next frame cost one draw.
    let schedule = move || {
        let already = st.with_value(|s| s.frame_pending);
        if !already {
            st.update_value(|s| s.frame_pending = true);
            request_animation_frame(draw);
        }
    };
    Effect::new(move |_| {
        if canvas.get().is_some() {
            schedule();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| schedule());
    on_cleanup(move || resize.remove());

    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        // deltaMode 1 is lines, 2 pages; most mice and touchpads send pixels.
        let dy = match ev.delta_mode() {
            1 => ev.delta_y() * f64::from(ROW_HEIGHT),
            2 => ev.delta_y() * 400.0,
            _ => ev.delta_y(),
        } as f32;
        st.update_value(|s| {
            if let Some(vp) = s.vp.as_mut() {
                vp.scroll_y = (vp.scroll_y + dy).clamp(0.0, vp.max_scroll(s.rows.len()));
            }
        });
        schedule();
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let x = ev.offset_x() as f32;
        let y = ev.offset_y() as f32;
        let toggled = st.try_update_value(|s| {
            let vp = s.vp?;
            if x > vp.name_width {
                return None;
            }
            let row = vp.row_at(y, s.rows.len())?;
            let span = s.rows[row];
            if s.d.tree.child_count(span) == 0 {
                return None;
            }
            let c = &mut s.collapsed[span.get()];
            *c = !*c;
            s.rows = visible_rows(&s.d, &s.collapsed);
            Some(())
        });
        if toggled.flatten().is_some() {
            schedule();
        }
    };

    view! {
        <div
            class="waterfall"
            data-testid="trace-view"
            data-trace-id=trace_id
            data-span-count=summary.span_count
            data-service-count=summary.services.len()
            data-max-depth=summary.max_depth
            data-warning-count=warning_count
            data-duration-us=summary.duration_us
            data-first-row=move || first_row.get()
            data-visible-rows=move || drawn_rows.get()
            data-ready=move || ready.get().to_string()
            node_ref=host
        >
            <canvas
                data-testid="waterfall-canvas"
                node_ref=canvas
                on:wheel=on_wheel
                on:click=on_click
            ></canvas>
        </div>
    }
}
