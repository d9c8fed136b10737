//! The duration scatter plot: one point per result (start time → x, duration on a log
//! scale → y), errors in red, drawn with plotters on a canvas. Hovering shows the trace,
//! a click opens it, dragging across the plot brushes a start-time window that filters the
//! list (a click on empty space clears it). Geometry and hit testing are in the core
//! (`search::scatter`); this file only draws and listens. Axes, grid and labels are drawn
//! through plotters-canvas; the points, batched, on the same context.

use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use tracescope_core::layout::time_axis::format_duration;
use tracescope_core::search::scatter::{PlotRect, ScatterPoints, ScatterScale};
use wasm_bindgen::JsCast;

use super::results::{absolute, Shown};
use crate::i18n::{tr, Msg};
use crate::state::{use_app, ResultView, Route};

/// CSS height of the plot.
const HEIGHT_PX: f64 = 180.0;
/// Margins around the plotting area (axis labels).
const LEFT: f32 = 64.0;
const RIGHT: f32 = 14.0;
const TOP: f32 = 10.0;
const BOTTOM: f32 = 24.0;
/// How near (px) the pointer must be to a point to pick it.
const PICK_RADIUS: f32 = 6.0;
/// A drag shorter than this (px) is a click.
const CLICK_SLOP: f32 = 4.0;
/// Radius of a point, CSS px.
const POINT_RADIUS: f64 = 3.0;

struct Palette {
    axis: RGBColor,
    grid: RGBAColor,
    text: RGBColor,
    ok: RGBColor,
    error: RGBColor,
    window: RGBAColor,
}

fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            axis: RGBColor(0x88, 0x90, 0x9c),
            grid: RGBColor(0x88, 0x90, 0x9c).mix(0.18),
            text: RGBColor(0xb8, 0xc0, 0xcc),
            ok: RGBColor(0x5b, 0xa8, 0xff),
            error: RGBColor(0xff, 0x5a, 0x5f),
            window: RGBColor(0x5b, 0xa8, 0xff).mix(0.12),
        }
    } else {
        Palette {
            axis: RGBColor(0x6b, 0x72, 0x80),
            grid: RGBColor(0x6b, 0x72, 0x80).mix(0.15),
            text: RGBColor(0x37, 0x41, 0x51),
            ok: RGBColor(0x25, 0x63, 0xeb),
            error: RGBColor(0xdc, 0x26, 0x26),
            window: RGBColor(0x25, 0x63, 0xeb).mix(0.10),
        }
    }
}

/// `HH:MM` (or `HH:MM:SS` for steps under a minute) in local time.
fn clock(us: i64, seconds: bool) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(us as f64 / 1000.0));
    if seconds {
        format!(
            "{:02}:{:02}:{:02}",
            d.get_hours(),
            d.get_minutes(),
            d.get_seconds()
        )
    } else {
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
    }
}

/// Draws the plot; returns its geometry for hit testing.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    css_width: f64,
    shown: &Shown,
    window: Option<(i64, i64)>,
    dark: bool,
) -> Option<(ScatterScale, ScatterPoints)> {
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    // The width is measured on mount and resize, not here: reading layout right after the
    // list changed would force a layout in the middle of the update.
    let css_w = css_width.max(200.0);
    let (w, h) = (
        (css_w * dpr).round() as u32,
        (HEIGHT_PX * dpr).round() as u32,
    );
    // Resizing reallocates the backing store: only when the size changed.
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .ok()?;
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())?;
    let root = backend.into_drawing_area();
    // Draw in CSS pixels: the context's transform scales to the backing store.
    let area = root.shrink((0, 0), (css_w as u32, HEIGHT_PX as u32));
    let rect = PlotRect {
        left: LEFT,
        top: TOP,
        width: css_w as f32 - LEFT - RIGHT,
        height: HEIGHT_PX as f32 - TOP - BOTTOM,
    };
    let scale = ScatterScale::fit(&shown.rows, rect);
    let p = palette(dark);
    let (l, r, t, b) = (
        rect.left as i32,
        rect.right() as i32,
        rect.top as i32,
        rect.bottom() as i32,
    );
    let font = ("sans-serif", 11).into_font().color(&p.text);
    // The brushed window, behind everything.
    if let Some((a, z)) = window {
        let (xa, xz) = (scale.x(a) as i32, scale.x(z) as i32);
        let _ = area.draw(&Rectangle::new(
            [(xa, t), (xz.max(xa + 1), b)],
            p.window.filled(),
        ));
    }
    for d in scale.duration_ticks() {
        let y = scale.y(d) as i32;
        let _ = area.draw(&PathElement::new(vec![(l, y), (r, y)], p.grid));
        let _ = area.draw(&Text::new(
            format_duration(d),
            (l - 6, y),
            font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ));
    }
    let ticks = scale.time_ticks(((rect.width / 90.0) as usize).max(2));
    let seconds = ticks.windows(2).any(|w| (w[1] - w[0]) < 60_000_000);
    for tick in ticks {
        let x = scale.x(tick) as i32;
        let _ = area.draw(&PathElement::new(vec![(x, t), (x, b)], p.grid));
        let _ = area.draw(&Text::new(
            clock(tick, seconds),
            (x, b + 5),
            font.clone().pos(Pos::new(HPos::Center, VPos::Top)),
        ));
    }
    let _ = area.draw(&PathElement::new(vec![(l, t), (l, b), (r, b)], p.axis));

    // The points go straight to the context, one path per colour: plotters sets a style and
    // begins a path for every element, which costs more than the rest of the plot at 10,000
    // points. Faded points first, errors last (on top).
    let points = ScatterPoints::new(&shown.rows, &shown.order.0, &scale, window);
    let rgba = |c: RGBColor, a: f64| format!("rgba({},{},{},{a})", c.0, c.1, c.2);
    for (error, inside, alpha) in [
        (false, false, 0.15),
        (true, false, 0.15),
        (false, true, 0.75),
        (true, true, 0.8),
    ] {
        ctx.begin_path();
        let mut any = false;
        for k in 0..points.len() {
            if points.error[k] != error || points.inside[k] != inside {
                continue;
            }
            let (x, y) = (f64::from(points.x[k]), f64::from(points.y[k]));
            ctx.move_to(x + POINT_RADIUS, y);
            let _ = ctx.arc(x, y, POINT_RADIUS, 0.0, std::f64::consts::TAU);
            any = true;
        }
        if any {
            ctx.set_fill_style_str(&rgba(if error { p.error } else { p.ok }, alpha));
            ctx.fill();
        }
    }
    Some((scale, points))
}

#[component]
pub fn Scatter(
    plotted: Memo<Option<Shown>>,
    view: Signal<ResultView>,
    on_view: Callback<ResultView>,
) -> impl IntoView {
    let state = use_app();
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let geometry = StoredValue::new(None::<(ScatterScale, ScatterPoints)>);
    let drawn = RwSignal::new((0_usize, 0_usize, 0.0_f64));
    let hover = RwSignal::new(None::<(u32, f32, f32)>);
    let drag = RwSignal::new(None::<(f32, f32)>);
    // CSS width of the canvas.
    let width = RwSignal::new(0.0_f64);
    let measure = move || {
        if let Some(c) = canvas_ref.get_untracked() {
            let w = f64::from(c.client_width());
            if w > 0.0 {
                let _ = width.try_set(w);
            }
        }
    };
    let window = Memo::new(move |_| view.with(|v| v.filter.window));
    // Redraw when the rows, the window, the theme or the width change.
    Effect::new(move |_| {
        let dark = state.dark.get();
        let w = window.get();
        let css_w = width.get();
        plotted.with(|s| {
            let (Some(s), Some(canvas)) = (s, canvas_ref.get()) else {
                return;
            };
            let perf = web_sys::window().and_then(|w| w.performance());
            let start = perf.as_ref().map_or(0.0, |p| p.now());
            if css_w <= 0.0 {
                return;
            }
            let g = draw(&canvas, css_w, s, w, dark);
            let ms = perf.as_ref().map_or(0.0, |p| p.now() - start);
            let stats = g.as_ref().map_or((0, 0), |(_, p)| {
                (p.len(), p.error.iter().filter(|e| **e).count())
            });
            geometry.set_value(g);
            drawn.set((stats.0, stats.1, ms));
            hover.set(None);
        });
    });
    Effect::new(move |_| {
        if canvas_ref.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let local = move |ev: &leptos::ev::MouseEvent| -> Option<(f32, f32)> {
        let c = canvas_ref.get_untracked()?;
        let r = c.get_bounding_client_rect();
        Some((
            (f64::from(ev.client_x()) - r.left()) as f32,
            (f64::from(ev.client_y()) - r.top()) as f32,
        ))
    };
    let pick = move |x: f32, y: f32| {
        geometry.with_value(|g| g.as_ref().and_then(|(_, p)| p.nearest(x, y, PICK_RADIUS)))
    };
    let on_move = move |ev: leptos::ev::MouseEvent| {
        let Some((x, y)) = local(&ev) else { return };
        if let Some((x0, _)) = drag.get_untracked() {
            drag.set(Some((x0, x)));
            hover.set(None);
            return;
        }
        hover.set(pick(x, y).map(|row| (row, x, y)));
    };
    let on_down = move |ev: leptos::ev::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        if let Some((x, _)) = local(&ev) {
            drag.set(Some((x, x)));
        }
    };
    let finish = move |ev: leptos::ev::MouseEvent, released: bool| {
        let Some((x0, _)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let Some((x1, y1)) = local(&ev) else { return };
        let mut v = view.get_untracked();
        if (x1 - x0).abs() < CLICK_SLOP {
            if !released {
                return;
            }
            if let Some(row) = pick(x1, y1) {
                let id = plotted
                    .with_untracked(|s| s.as_ref().map(|s| s.rows[row as usize].trace_id.clone()));
                if let Some(id) = id {
                    state.go(Route::Trace(id));
                }
                return;
            }
            if v.filter.window.is_none() {
                return;
            }
            v.filter.window = None;
        } else {
            let Some(scale) = geometry.with_value(|g| g.as_ref().map(|(s, _)| *s)) else {
                return;
            };
            let (a, b) = (x0.min(x1), x0.max(x1));
            v.filter.window = Some((scale.start_at(a), scale.start_at(b)));
        }
        on_view.run(v);
    };
    let tooltip = move || {
        let (row, x, y) = hover.get()?;
        plotted.with(|s| {
            let s = s.as_ref()?;
            let r = s.rows.get(row as usize)?;
            let lang = state.lang.get();
            let root = format!(
                "{}: {}",
                if r.root_service.is_empty() { Msg::UnknownService.text(lang) } else { &r.root_service },
                if r.root_name.is_empty() { Msg::Unnamed.text(lang) } else { &r.root_name }
            );
            let mut line = format!(
                "{} · {}",
                format_duration(r.duration_us),
                Msg::SpanCount.fill(lang, &[("n", &r.span_count.to_string())])
            );
            if r.error_count > 0 {
                line.push_str(" · ");
                line.push_str(&Msg::ErrorCount.fill(lang, &[("n", &r.error_count.to_string())]));
            }
            Some(view! {
                <div class="scatter-tooltip" data-testid="scatter-tooltip" data-trace-id=r.trace_id.clone()
                    style:left=format!("{}px", x + 12.0) style:top=format!("{}px", y + 12.0)>
                    <div class="root">{root}</div>
                    <div>{line}</div>
                    <div class="muted">{absolute(r.start_us)}</div>
                    <div class="mono muted">{r.trace_id.clone()}</div>
                </div>
            })
        })
    };
    let brush = move || {
        drag.get()
            .filter(|(a, b)| (a - b).abs() >= CLICK_SLOP)
            .map(|(a, b)| {
                view! {
                    <div class="scatter-brush" data-testid="scatter-brush"
                        style:left=format!("{}px", a.min(b))
                        style:width=format!("{}px", (a - b).abs())
                        style:top=format!("{TOP}px")
                        style:height=format!("{}px", HEIGHT_PX as f32 - TOP - BOTTOM)></div>
                }
            })
    };
    view! {
        <div class="scatter-wrap">
            <canvas
                class="scatter"
                data-testid="scatter"
                node_ref=canvas_ref
                style:height=format!("{HEIGHT_PX}px")
                data-points=move || drawn.get().0
                data-error-points=move || drawn.get().1
                data-draw-ms=move || format!("{:.2}", drawn.get().2)
                data-window=move || window.get().map(|(a, b)| format!("{a},{b}")).unwrap_or_default()
                data-plot-left=LEFT
                data-plot-right=RIGHT
                data-plot-top=TOP
                data-plot-bottom=BOTTOM
                class:picking=move || hover.with(Option::is_some)
                on:mousemove=on_move
                on:mousedown=on_down
                on:mouseup=move |ev| finish(ev, true)
                on:mouseleave=move |ev| {
                    hover.set(None);
                    finish(ev, false);
                }
            ></canvas>
            {brush}
            {tooltip}
            <button type="button" class="scatter-png" data-testid="scatter-png" title=tr(Msg::SaveChartPng)
                on:click=move |_| {
                    if let Some(c) = canvas_ref.get_untracked() {
                        crate::export::save_canvas(&c, "traces-scatter.png");
                    }
                }>"PNG"</button>
            <Show when=move || window.get().is_some()>
                <button type="button" class="scatter-clear" data-testid="scatter-clear" on:click=move |_| {
                    let mut v = view.get_untracked();
                    v.filter.window = None;
                    on_view.run(v);
                }>{tr(Msg::ClearTimeWindow)}</button>
            </Show>
        </div>
    }
}
