//! The canvas waterfall: draws only the rows on screen, through one frame scheduler.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use tracescope_core::draw::paint_waterfall;
use tracescope_core::engine::TraceInfo;
use tracescope_core::layout::color::Theme;
use tracescope_core::layout::model::{flag, WaterfallModel};
use tracescope_core::layout::waterfall::{scene, visible_rows, Viewport, ROW_HEIGHT};

use crate::canvas::{prepare, CanvasPainter};
use crate::engine_client::EngineClient;

/// Per-view state of the waterfall; lives outside signals because it changes every frame.
struct WaterfallState {
    m: Arc<WaterfallModel>,
    rows: Vec<u32>,
    collapsed: Vec<bool>,
    vp: Option<Viewport>,
    frame_pending: bool,
}

#[component]
pub fn Waterfall(
    model: Arc<WaterfallModel>,
    client: EngineClient,
    trace: usize,
    info: TraceInfo,
) -> impl IntoView {
    let _ = (client, trace);
    let host = NodeRef::<html::Div>::new();
    let canvas = NodeRef::<html::Canvas>::new();
    let first_row = RwSignal::new(0usize);
    let drawn_rows = RwSignal::new(0usize);
    let ready = RwSignal::new(false);
    let m = model;
    let rows = visible_rows(&m, &[]);
    let st = StoredValue::new_local(WaterfallState {
        collapsed: vec![false; m.len()],
        m,
        rows,
        vp: None,
        frame_pending: false,
    });

    let draw = move || {
        // A frame may fire after the view was replaced; its state is then gone.
        let (Some(Some(host)), Some(Some(canvas))) =
            (host.try_get_untracked(), canvas.try_get_untracked())
        else {
            return;
        };
        let w = host.client_width() as f32;
        let h = host.client_height() as f32;
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        st.try_update_value(|s| {
            s.frame_pending = false;
            let mut vp = s.vp.unwrap_or_else(|| Viewport::fit(&s.m, w, h));
            vp.width = w;
            vp.height = h;
            let vp = vp.clamped(s.rows.len());
            s.vp = Some(vp);
            let Some(ctx) = prepare(&canvas, w, h) else {
                return;
            };
            let sc = scene(&s.m, &s.rows, &s.collapsed, &vp);
            paint_waterfall(&mut CanvasPainter::new(&ctx), &s.m, &sc, &vp, &Theme::LIGHT);
            first_row.try_set(sc.first_row);
            drawn_rows.try_set(sc.len());
        });
        if ready.try_get_untracked() == Some(false) {
            crate::progress::first_frame();
        }
        ready.try_set(true);
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
            let pos = s.rows[row] as usize;
            if s.m.flags[pos] & flag::HAS_CHILDREN == 0 {
                return None;
            }
            let c = &mut s.collapsed[pos];
            *c = !*c;
            s.rows = visible_rows(&s.m, &s.collapsed);
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
            data-trace-id=info.trace_id.clone()
            data-span-count=info.span_count
            data-service-count=info.services.len()
            data-max-depth=info.max_depth
            data-warning-count=info.warnings.len()
            data-duration-us=info.duration_us
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
