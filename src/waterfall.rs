//! The trace view's canvases and tools: the waterfall (only rows on screen are drawn, by
//! one frame scheduler), the minimap, the filter bar, collapse and focus, zoom and pan,
//! selection, tooltip and keyboard. Per-frame state lives outside signals; signals carry
//! only what the DOM shows.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use tracescope_core::draw::{paint_waterfall, Marks};
use tracescope_core::engine::{tooltip, TraceInfo};
use tracescope_core::layout::color::Theme;
use tracescope_core::layout::minimap;
use tracescope_core::layout::model::{flag, WaterfallModel};
use tracescope_core::layout::rows::{
    collapse_all, collapse_shorter_than, collapse_to_depth, marks, rows, RowsRequest,
};
use tracescope_core::layout::waterfall::{scene, Viewport, ROW_HEIGHT, RULER_HEIGHT};
use wasm_bindgen::JsCast;

use crate::canvas::{prepare, CanvasPainter};
use crate::detail::SpanDetailPanel;
use crate::engine_client::EngineClient;
use crate::state::use_app;

const MINIMAP_HEIGHT: f32 = 56.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterMode {
    Dim,
    Only,
}

/// How a change of the view reaches the URL: as a new history entry (a step Back should
/// undo), in place (continuous changes: wheel, typing, keyboard stepping), or not at all
/// (the change comes from the URL: Back/Forward, a shared link).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hist {
    Push,
    Replace,
    Keep,
}

fn write_url(hist: Hist, changes: &[(&str, Option<String>)]) {
    match hist {
        Hist::Push => crate::url::push_params(changes),
        Hist::Replace => crate::url::set_params(changes),
        Hist::Keep => {}
    }
}

/// The zoom window in the URL (`from`, `to`: µs from the trace start).
fn url_window() -> Option<(f64, f64)> {
    match (
        crate::url::param("from").and_then(|v| v.parse::<f64>().ok()),
        crate::url::param("to").and_then(|v| v.parse::<f64>().ok()),
    ) {
        (Some(from), Some(to)) => Some((from, to)),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug)]
enum Drag {
    /// Dragging the timeline: pans time and scrolls rows.
    Pan { x: f32, y: f32, moved: bool },
    /// Selecting a time range on the ruler to zoom into.
    Brush { from: f32, to: f32 },
    /// Resizing the name column.
    Column,
    /// Moving the minimap's viewport box; `dx` is the grab offset in minimap pixels.
    MiniMove { dx: f32, dy: f32 },
    /// Dragging one edge of the minimap box (true: left edge).
    MiniEdge { left: bool },
    /// Brushing a time range on the minimap.
    MiniBrush { from: f32, to: f32 },
}

struct ViewState {
    m: Arc<WaterfallModel>,
    rows: Vec<u32>,
    collapsed: Vec<bool>,
    /// Filter marks by position (`marks::MATCH`, and `marks::SHOWN` for matches and their
    /// ancestors in "only" mode), as the engine sent them; `None` when no filter is active.
    matches: Option<Vec<u8>>,
    mode: FilterMode,
    focus: Option<u32>,
    vp: Option<Viewport>,
    selected: Option<u32>,
    hovered: Option<u32>,
    critical: bool,
    dark: bool,
    drag: Option<Drag>,
    frame_pending: bool,
    /// The minimap image on display (kept, stale, while a new one is built).
    minimap: Option<web_sys::ImageData>,
    /// Whether `minimap` shows the current rows, filter, theme and size.
    minimap_valid: bool,
    /// A minimap being aggregated in slices (big traces), and its generation: anything that
    /// invalidates the minimap bumps the generation, and a slice of an older one stops.
    minimap_job: Option<minimap::Builder>,
    minimap_gen: u64,
    /// The frame scheduler, for work that finishes outside a frame (minimap slices).
    redraw: Option<std::rc::Rc<dyn Fn()>>,
    /// A zoom window from the URL, applied once the canvas has a size.
    pending_window: Option<(f64, f64)>,
    /// The load this view shows (`progress::current_ticket` at creation), for its marks.
    ticket: u64,
}

impl ViewState {
    fn rebuild_rows(&mut self) {
        let only = match self.mode {
            FilterMode::Only => self.matches.as_deref(),
            FilterMode::Dim => None,
        };
        self.rows = rows(
            &self.m,
            RowsRequest {
                collapsed: &self.collapsed,
                only,
                focus: self.focus,
            },
        );
        self.invalidate_minimap();
    }

    fn invalidate_minimap(&mut self) {
        self.minimap_valid = false;
        self.minimap_job = None;
        self.minimap_gen += 1;
    }

    fn theme(&self) -> &'static Theme {
        if self.dark {
            &Theme::DARK
        } else {
            &Theme::LIGHT
        }
    }

    /// Index in `rows` of a position, if shown.
    fn row_of(&self, pos: u32) -> Option<usize> {
        // Rows are in position order, so a binary search finds it.
        self.rows.binary_search(&pos).ok()
    }

    fn scroll_to_row(&mut self, row: usize) {
        if let Some(vp) = self.vp.as_mut() {
            let top = row as f32 * ROW_HEIGHT;
            let visible = vp.height - RULER_HEIGHT;
            if top < vp.scroll_y {
                vp.scroll_y = top;
            } else if top + ROW_HEIGHT > vp.scroll_y + visible {
                vp.scroll_y = top + ROW_HEIGHT - visible;
            }
        }
    }

    /// Expands every collapsed ancestor of `pos` so it becomes visible.
    fn reveal(&mut self, pos: u32) {
        let target = pos as usize;
        let mut depth = self.m.depth[target];
        let mut p = target;
        while depth > 0 && p > 0 {
            p -= 1;
            if self.m.depth[p] < depth && p + self.m.subtree[p] as usize > target {
                self.collapsed[p] = false;
                depth = self.m.depth[p];
            }
        }
        if let Some(f) = self.focus {
            let f = f as usize;
            if target < f || target >= f + self.m.subtree[f] as usize {
                self.focus = None;
            }
        }
        self.rebuild_rows();
    }

    fn total(&self) -> i64 {
        self.m.trace_duration_us.max(1)
    }
}

#[component]
pub fn Waterfall(
    model: Arc<WaterfallModel>,
    client: EngineClient,
    trace: usize,
    info: TraceInfo,
    /// Clock-skew correction on (the trace page derives the model accordingly).
    skew: RwSignal<bool>,
) -> impl IntoView {
    let app = use_app();
    let host = NodeRef::<html::Div>::new();
    let canvas = NodeRef::<html::Canvas>::new();
    let mini = NodeRef::<html::Canvas>::new();
    let filter_input = NodeRef::<html::Input>::new();

    let first_row = RwSignal::new(0usize);
    let drawn_rows = RwSignal::new(0usize);
    let name_width = RwSignal::new(0u32);
    let ready = RwSignal::new(false);
    let selected_span: RwSignal<Option<u32>> = RwSignal::new(None);
    let match_count: RwSignal<Option<usize>> = RwSignal::new(None);
    let collapsed_count = RwSignal::new(0usize);
    let filter_text = RwSignal::new(
        crate::url::param("q")
            .or_else(|| crate::url::param("filter"))
            .unwrap_or_default(),
    );
    let filter_error: RwSignal<Option<String>> = RwSignal::new(None);
    let mode = RwSignal::new(FilterMode::Dim);
    let critical_on = RwSignal::new(false);
    let focus_label: RwSignal<Option<String>> = RwSignal::new(None);
    let zoomed = RwSignal::new(false);
    let tip: RwSignal<Option<(f32, f32, String)>> = RwSignal::new(None);
    let help_open = RwSignal::new(false);
    let critical_count = model
        .flags
        .iter()
        .filter(|f| *f & flag::CRITICAL != 0)
        .count();
    let skew_count = model
        .flags
        .iter()
        .filter(|f| *f & flag::SKEW_ADJUSTED != 0)
        .count();

    let n = model.len();
    // An embedding may ask for the tree collapsed below a depth (`collapse=`).
    let initial_collapsed = match app.embed.with_untracked(|o| o.collapse) {
        Some(depth) => collapse_to_depth(&model, depth.saturating_add(1)),
        None => vec![false; n],
    };
    let initial_rows = rows(
        &model,
        RowsRequest {
            collapsed: &initial_collapsed,
            ..RowsRequest::default()
        },
    );
    let st = StoredValue::new_local(ViewState {
        collapsed: initial_collapsed,
        rows: initial_rows,
        m: model,
        matches: None,
        mode: FilterMode::Dim,
        focus: None,
        vp: None,
        selected: None,
        hovered: None,
        critical: false,
        dark: app.dark.get_untracked(),
        drag: None,
        frame_pending: false,
        minimap: None,
        minimap_valid: false,
        minimap_job: None,
        minimap_gen: 0,
        redraw: None,
        pending_window: url_window(),
        ticket: crate::progress::current_ticket(),
    });

    // ---- drawing -------------------------------------------------------------------
    let draw = move || {
        let (Some(Some(host)), Some(Some(canvas)), Some(mini)) = (
            host.try_get_untracked(),
            canvas.try_get_untracked(),
            mini.try_get_untracked(),
        ) else {
            return;
        };
        let w = host.client_width() as f32;
        let h = host.client_height() as f32 - MINIMAP_HEIGHT;
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        let started = crate::progress::now_ms();
        let mut slice_minimap = None;
        st.try_update_value(|s| {
            s.frame_pending = false;
            let first_frame = s.vp.is_none();
            let mut vp = s.vp.unwrap_or_else(|| Viewport::fit(&s.m, w, h));
            vp.width = w;
            vp.height = h;
            if let Some((from, to)) = s.pending_window.take() {
                vp.set_window(from, to, s.total());
            }
            let vp = vp.clamped(s.rows.len());
            s.vp = Some(vp);
            if first_frame {
                // A selection restored before the first frame could not scroll yet.
                if let Some(row) = s.selected.and_then(|p| s.row_of(p)) {
                    s.scroll_to_row(row);
                }
            }
            let theme = *s.theme();
            if let Some(ctx) = prepare(&canvas, w, h) {
                let sc = scene(&s.m, &s.rows, &s.collapsed, &vp);
                let marks = Marks {
                    selected: s.selected,
                    hovered: s.hovered,
                    dim: match s.mode {
                        FilterMode::Dim => s.matches.as_deref(),
                        FilterMode::Only => None,
                    },
                    critical: s.critical,
                };
                let mut painter = CanvasPainter::new(&ctx);
                paint_waterfall(&mut painter, &s.m, &sc, &vp, &theme, marks);
                if let Some(Drag::Brush { from, to }) = s.drag {
                    let (a, b) = (from.min(to), from.max(to));
                    ctx.set_fill_style_str("rgba(9,105,218,0.18)");
                    ctx.fill_rect(f64::from(a), 0.0, f64::from(b - a), f64::from(h));
                }
                first_row.try_set(sc.first_row);
                let nw = vp.name_width.round() as u32;
                if name_width.try_get_untracked() != Some(nw) {
                    name_width.try_set(nw);
                }
                drawn_rows.try_set(sc.len());
            }
            if let Some(mini) = mini {
                if draw_minimap(s, &mini, w, &theme, &vp) {
                    slice_minimap = Some(s.minimap_gen);
                }
            }
        });
        crate::progress::record_frame(crate::progress::now_ms() - started);
        if let Some(generation) = slice_minimap {
            minimap_slices(st, generation);
        }
        if ready.try_get_untracked() == Some(false) {
            if let Some(ticket) = st.try_with_value(|s| s.ticket) {
                crate::progress::first_frame(ticket);
            }
            let zoomed_now = st.try_with_value(|s| s.vp.is_some_and(|v| v.is_zoomed(s.total())));
            if let Some(z) = zoomed_now {
                zoomed.try_set(z);
            }
        }
        ready.try_set(true);
    };
    // One frame scheduler: any number of changes before the next frame cost one draw.
    let schedule = move || {
        let pending = st.try_with_value(|s| s.frame_pending).unwrap_or(true);
        if !pending {
            st.update_value(|s| s.frame_pending = true);
            request_animation_frame(draw);
        }
    };
    st.update_value(|s| s.redraw = Some(std::rc::Rc::new(schedule)));
    Effect::new(move |_| {
        if canvas.get().is_some() {
            // The first draw waits until the browser has laid out the new page in a frame of
            // its own, so reading the canvas's size does not force that layout inside our
            // frame: the two made one task of over 100 ms for a 10k-span load here.
            let pending = st.try_with_value(|s| s.frame_pending).unwrap_or(true);
            if !pending {
                st.update_value(|s| s.frame_pending = true);
                request_animation_frame(move || set_timeout(draw, std::time::Duration::ZERO));
            }
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        st.update_value(ViewState::invalidate_minimap);
        schedule();
    });
    on_cleanup(move || resize.remove());
    Effect::new(move |_| {
        let dark = app.dark.get();
        st.update_value(|s| {
            s.dark = dark;
            s.invalidate_minimap();
        });
        schedule();
    });

    // ---- state changes ---------------------------------------------------------------
    let sync_counts = move || {
        st.with_value(|s| {
            collapsed_count.set(s.collapsed.iter().filter(|c| **c).count());
            zoomed.set(s.vp.is_some_and(|v| v.is_zoomed(s.total())));
            focus_label.set(s.focus.map(|f| {
                let f = f as usize;
                format!("{} · {}", s.m.label(s.m.service[f]), s.m.label(s.m.name[f]))
            }));
        });
    };
    let select = move |pos: Option<u32>, hist: Hist| {
        st.update_value(|s| {
            s.selected = pos;
            if let Some(p) = pos {
                s.reveal(p);
                if let Some(row) = s.row_of(p) {
                    s.scroll_to_row(row);
                }
            }
        });
        let span = pos.and_then(|p| st.with_value(|s| s.m.span.get(p as usize).copied()));
        if selected_span.get_untracked() != span {
            crate::embed::span_selected(app, trace, span);
        }
        selected_span.set(span);
        write_url(hist, &[("span", span.map(|s| s.to_string()))]);
        sync_counts();
        schedule();
    };
    let set_collapsed = move |c: Vec<bool>| {
        st.update_value(|s| {
            s.collapsed = c;
            s.rebuild_rows();
        });
        sync_counts();
        schedule();
    };
    let toggle = move |pos: u32| {
        st.update_value(|s| {
            if s.m.flags[pos as usize] & flag::HAS_CHILDREN != 0 {
                let c = &mut s.collapsed[pos as usize];
                *c = !*c;
                s.rebuild_rows();
            }
        });
        sync_counts();
        schedule();
    };
    let set_focus = move |pos: Option<u32>| {
        st.update_value(|s| {
            s.focus = pos;
            if let (Some(p), Some(vp)) = (pos, s.vp.as_mut()) {
                let p = p as usize;
                let total = s.m.trace_duration_us;
                vp.set_window(s.m.start[p] as f64, s.m.end(p) as f64, total);
                vp.scroll_y = 0.0;
            } else if let Some(vp) = s.vp.as_mut() {
                vp.set_window(0.0, f64::MAX, s.m.trace_duration_us);
            }
            s.rebuild_rows();
        });
        sync_counts();
        write_zoom_to_url(st, Hist::Push);
        schedule();
    };
    let zoom_reset = move || {
        st.update_value(|s| {
            let total = s.total();
            if let Some(vp) = s.vp.as_mut() {
                vp.set_window(0.0, total as f64, total);
            }
        });
        sync_counts();
        write_zoom_to_url(st, Hist::Push);
        schedule();
    };
    let zoom_by = move |factor: f64, x: Option<f32>| {
        st.update_value(|s| {
            let total = s.total();
            if let Some(vp) = s.vp.as_mut() {
                let x = x.unwrap_or(vp.name_width + (vp.width - vp.name_width) / 2.0);
                vp.zoom_at(factor, x, total);
            }
        });
        sync_counts();
        write_zoom_to_url(st, Hist::Replace);
        schedule();
    };
    let pan_by = move |dx: f32| {
        st.update_value(|s| {
            let total = s.total();
            if let Some(vp) = s.vp.as_mut() {
                vp.pan_px(dx, total);
            }
        });
        write_zoom_to_url(st, Hist::Replace);
        schedule();
    };
    let scroll_by = move |dy: f32| {
        st.update_value(|s| {
            if let Some(vp) = s.vp.as_mut() {
                vp.scroll_y = (vp.scroll_y + dy).clamp(0.0, vp.max_scroll(s.rows.len()));
            }
        });
        schedule();
    };

    // Filter: asked of the engine; the answer may arrive after newer input.
    let filter_seq = StoredValue::new(0u64);
    let run_filter = {
        let client = client.clone();
        move |query: String, hist: Hist| {
            filter_seq.update_value(|n| *n += 1);
            let seq = filter_seq.get_value();
            write_url(
                hist,
                &[("q", (!query.trim().is_empty()).then(|| query.clone()))],
            );
            let client = client.clone();
            leptos::task::spawn_local(async move {
                let result = client.filter(trace, query).await;
                if filter_seq.try_get_value() != Some(seq) {
                    return;
                }
                match result {
                    Ok((found, count)) => {
                        filter_error.set(None);
                        let matches = (!found.is_empty()).then_some(found);
                        match_count.set(matches.is_some().then_some(count));
                        st.update_value(|s| {
                            s.matches = matches;
                            // Dimming leaves the rows as they are: only the minimap changes.
                            if matches!(s.mode, FilterMode::Only) {
                                s.rebuild_rows();
                            } else {
                                s.invalidate_minimap();
                            }
                        });
                    }
                    Err(e) => filter_error.set(Some(e.to_string())),
                }
                schedule();
            });
        }
    };
    let step_match = move |forward: bool| {
        let next = st.with_value(|s| {
            let matches = s.matches.as_ref()?;
            let n = matches.len();
            let from = s
                .selected
                .map_or(if forward { n - 1 } else { 0 }, |p| p as usize);
            (1..=n)
                .map(|i| {
                    if forward {
                        (from + i) % n
                    } else {
                        (from + n - i % n) % n
                    }
                })
                .find(|&p| matches[p] & marks::MATCH != 0)
                .map(|p| p as u32)
        });
        if let Some(p) = next {
            select(Some(p), Hist::Replace);
        }
    };

    // Restore a shared view from the URL: span, zoom and filter.
    {
        let restore_span = crate::url::param("span").and_then(|v| v.parse::<u32>().ok());
        if let Some(span) = restore_span {
            let pos = st.with_value(|s| s.m.span.iter().position(|&x| x == span));
            if let Some(p) = pos {
                select(Some(p as u32), Hist::Keep);
            }
        }
        let q = filter_text.get_untracked();
        if !q.trim().is_empty() {
            run_filter(q, Hist::Keep);
        }
    }

    // Back/Forward within this trace: the URL's span, filter and zoom are applied again.
    let apply_url = {
        let run_filter = run_filter.clone();
        move || {
            let span = crate::url::param("span").and_then(|v| v.parse::<u32>().ok());
            let Some((pos, selected)) = st.try_with_value(|s| {
                let pos = span.and_then(|sp| s.m.span.iter().position(|&x| x == sp));
                (pos.map(|p| p as u32), s.selected)
            }) else {
                return;
            };
            if pos != selected {
                select(pos, Hist::Keep);
            }
            let q = crate::url::param("q")
                .or_else(|| crate::url::param("filter"))
                .unwrap_or_default();
            if filter_text.get_untracked() != q {
                filter_text.set(q.clone());
                run_filter(q, Hist::Keep);
            }
            let window = url_window();
            st.update_value(|s| {
                let total = s.total();
                match (s.vp.as_mut(), window) {
                    (Some(vp), Some((from, to))) => vp.set_window(from, to, total),
                    (Some(vp), None) => vp.set_window(0.0, total as f64, total),
                    (None, w) => s.pending_window = w,
                }
            });
            sync_counts();
            schedule();
        }
    };
    // The JS API or a host's message changed the parameters (e.g. setFilter).
    {
        let apply_url = apply_url.clone();
        Effect::new(move |prev: Option<u64>| {
            let n = app.url_changed.get();
            if prev.is_some() {
                apply_url();
            }
            n
        });
    }
    let popstate = window_event_listener(leptos::ev::popstate, move |_| apply_url());
    on_cleanup(move || popstate.remove());

    // ---- pointer input on the waterfall ----------------------------------------------
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let scale = match ev.delta_mode() {
            1 => f64::from(ROW_HEIGHT),
            2 => 400.0,
            _ => 1.0,
        };
        let (dx, dy) = ((ev.delta_x() * scale) as f32, (ev.delta_y() * scale) as f32);
        if ev.ctrl_key() || ev.meta_key() {
            zoom_by(1.0015f64.powf(f64::from(dy)), Some(ev.offset_x() as f32));
        } else if ev.shift_key() || dx.abs() > dy.abs() {
            pan_by(if dx.abs() > dy.abs() { dx } else { dy });
        } else {
            scroll_by(dy);
        }
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        let (x, y) = (ev.offset_x() as f32, ev.offset_y() as f32);
        st.update_value(|s| {
            let Some(vp) = s.vp else { return };
            s.drag = Some(if (x - vp.name_width).abs() < 5.0 {
                Drag::Column
            } else if y < RULER_HEIGHT && x > vp.name_width {
                Drag::Brush { from: x, to: x }
            } else {
                Drag::Pan { x, y, moved: false }
            });
        });
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let (x, y) = (ev.offset_x() as f32, ev.offset_y() as f32);
        let mut tooltip_text = None;
        let mut cursor = "default";
        st.update_value(|s| {
            let Some(mut vp) = s.vp else { return };
            let total = s.total();
            match s.drag {
                Some(Drag::Column) => {
                    vp.name_width = x;
                    s.vp = Some(vp.clamped(s.rows.len()));
                    cursor = "col-resize";
                }
                Some(Drag::Brush { from, .. }) => {
                    s.drag = Some(Drag::Brush { from, to: x });
                }
                Some(Drag::Pan {
                    x: x0,
                    y: y0,
                    moved,
                }) => {
                    let (dx, dy) = (x - x0, y - y0);
                    if moved || dx.abs() + dy.abs() > 3.0 {
                        vp.pan_px(-dx, total);
                        vp.scroll_y = (vp.scroll_y - dy).clamp(0.0, vp.max_scroll(s.rows.len()));
                        s.vp = Some(vp);
                        s.drag = Some(Drag::Pan { x, y, moved: true });
                        cursor = "grabbing";
                    }
                }
                _ => {
                    if (x - vp.name_width).abs() < 5.0 {
                        cursor = "col-resize";
                    }
                    let hovered = vp.row_at(y, s.rows.len()).map(|r| s.rows[r]);
                    s.hovered = hovered;
                    tooltip_text = hovered.and_then(|p| {
                        let k = p as usize;
                        let mut t = tooltip(&s.m, k)?;
                        t.push_str(&format!(
                            " · self {}",
                            tracescope_core::layout::time_axis::format_duration(s.m.self_time[k])
                        ));
                        Some(t)
                    });
                }
            }
        });
        if let Some(c) = canvas.get_untracked() {
            let _ = web_sys::HtmlElement::style(&c).set_property("cursor", cursor);
        }
        tip.set(tooltip_text.map(|t| (x, y, t)));
        schedule();
    };
    let on_up = move |ev: web_sys::MouseEvent| {
        let (x, y) = (ev.offset_x() as f32, ev.offset_y() as f32);
        let drag = st.with_value(|s| s.drag);
        st.update_value(|s| s.drag = None);
        match drag {
            Some(Drag::Brush { from, to }) if (to - from).abs() > 3.0 => {
                st.update_value(|s| {
                    let total = s.total();
                    if let Some(vp) = s.vp.as_mut() {
                        let scale = vp.scale();
                        vp.set_window(scale.micros_from_px(from), scale.micros_from_px(to), total);
                    }
                });
                sync_counts();
                write_zoom_to_url(st, Hist::Push);
            }
            Some(Drag::Pan { moved: false, .. }) => {
                // A click: the toggle glyph collapses, anywhere else selects.
                let hit = st.with_value(|s| {
                    let vp = s.vp?;
                    let row = vp.row_at(y, s.rows.len())?;
                    let pos = s.rows[row];
                    let indent = (s.m.depth[pos as usize] as f32 * 14.0).min(vp.name_width * 0.5);
                    let on_glyph = x >= 2.0 + indent && x <= 18.0 + indent;
                    Some((pos, on_glyph))
                });
                match hit {
                    Some((pos, true)) => toggle(pos),
                    Some((pos, false)) => select(Some(pos), Hist::Push),
                    None => {}
                }
            }
            Some(Drag::Pan { moved: true, .. }) => write_zoom_to_url(st, Hist::Replace),
            _ => {}
        }
        schedule();
    };
    let on_leave = move |_: web_sys::MouseEvent| {
        // Leaving ends a drag as releasing would: a pan keeps its result, a brush is dropped.
        let drag = st.with_value(|s| s.drag);
        st.update_value(|s| {
            s.hovered = None;
            if !matches!(s.drag, Some(Drag::Column)) {
                s.drag = None;
            }
        });
        if matches!(drag, Some(Drag::Pan { moved: true, .. })) {
            write_zoom_to_url(st, Hist::Replace);
        }
        tip.set(None);
        schedule();
    };

    // ---- pointer input on the minimap -------------------------------------------------
    let mini_geometry = move |x: f32, y: f32| {
        st.with_value(|s| {
            let vp = s.vp?;
            let w = vp.width;
            let total = s.total() as f32;
            let rows = s.rows.len().max(1) as f32;
            let bx0 = vp.from_us as f32 / total * w;
            let bx1 = vp.to_us as f32 / total * w;
            let visible_rows = ((vp.height - RULER_HEIGHT) / ROW_HEIGHT).max(1.0);
            let by0 = vp.scroll_y / ROW_HEIGHT / rows * MINIMAP_HEIGHT;
            let by1 = by0 + visible_rows / rows * MINIMAP_HEIGHT;
            Some((x, y, bx0, bx1, by0, by1, w, total, rows))
        })
    };
    let on_mini_down = move |ev: web_sys::MouseEvent| {
        let Some((x, y, bx0, bx1, by0, _, _, _, _)) =
            mini_geometry(ev.offset_x() as f32, ev.offset_y() as f32)
        else {
            return;
        };
        let drag = if (x - bx0).abs() < 5.0 {
            Drag::MiniEdge { left: true }
        } else if (x - bx1).abs() < 5.0 {
            Drag::MiniEdge { left: false }
        } else if x > bx0 && x < bx1 {
            Drag::MiniMove {
                dx: x - bx0,
                dy: y - by0,
            }
        } else {
            Drag::MiniBrush { from: x, to: x }
        };
        st.update_value(|s| s.drag = Some(drag));
    };
    let on_mini_move = move |ev: web_sys::MouseEvent| {
        let Some((x, y, bx0, bx1, _, _, w, total, rows)) =
            mini_geometry(ev.offset_x() as f32, ev.offset_y() as f32)
        else {
            return;
        };
        let us = |px: f32| f64::from(px.clamp(0.0, w) / w * total);
        st.update_value(|s| {
            let t = s.total();
            let n = s.rows.len();
            let Some(vp) = s.vp.as_mut() else { return };
            match s.drag {
                Some(Drag::MiniMove { dx, dy }) => {
                    let width = vp.to_us - vp.from_us;
                    let from = us(x - dx);
                    vp.set_window(from, from + width, t);
                    vp.scroll_y = ((y - dy) / MINIMAP_HEIGHT * rows * ROW_HEIGHT)
                        .clamp(0.0, vp.max_scroll(n));
                }
                Some(Drag::MiniEdge { left: true }) => vp.set_window(us(x), us(bx1), t),
                Some(Drag::MiniEdge { left: false }) => vp.set_window(us(bx0), us(x), t),
                Some(Drag::MiniBrush { from, .. }) => {
                    s.drag = Some(Drag::MiniBrush { from, to: x })
                }
                _ => {}
            }
        });
        schedule();
    };
    let on_mini_up = move |_: web_sys::MouseEvent| {
        let drag = st.with_value(|s| s.drag);
        if drag.is_none() {
            return;
        }
        st.update_value(|s| s.drag = None);
        if let Some(Drag::MiniBrush { from, to }) = drag {
            if let Some((_, _, _, _, _, _, w, total, _)) = mini_geometry(0.0, 0.0) {
                st.update_value(|s| {
                    let t = s.total();
                    if let Some(vp) = s.vp.as_mut() {
                        if (to - from).abs() > 3.0 {
                            vp.set_window(
                                f64::from(from / w * total),
                                f64::from(to / w * total),
                                t,
                            );
                        } else {
                            // A click centres the current window there.
                            let width = vp.to_us - vp.from_us;
                            let c = f64::from(from / w * total);
                            vp.set_window(c - width / 2.0, c + width / 2.0, t);
                        }
                    }
                });
            }
        }
        sync_counts();
        write_zoom_to_url(st, Hist::Push);
        schedule();
    };

    // ---- keyboard ------------------------------------------------------------------
    let on_key = {
        let run_filter = run_filter.clone();
        move |ev: web_sys::KeyboardEvent| {
            let target_is_input = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some();
            if target_is_input {
                if ev.key() == "Escape" {
                    if let Some(el) = filter_input.get_untracked() {
                        let _ = el.blur();
                    }
                }
                return;
            }
            let page = st.with_value(|s| s.vp.map_or(400.0, |v| v.height - RULER_HEIGHT));
            let selected = st.with_value(|s| s.selected);
            let mut handled = true;
            match ev.key().as_str() {
                "ArrowDown" | "j" => {
                    let next = st.with_value(|s| {
                        let row = selected.and_then(|p| s.row_of(p)).map_or(0, |r| r + 1);
                        s.rows.get(row.min(s.rows.len().saturating_sub(1))).copied()
                    });
                    select(next, Hist::Replace);
                }
                "ArrowUp" | "k" => {
                    let prev = st.with_value(|s| {
                        let row = selected
                            .and_then(|p| s.row_of(p))
                            .map_or(0, |r| r.saturating_sub(1));
                        s.rows.get(row).copied()
                    });
                    select(prev, Hist::Replace);
                }
                "ArrowLeft" if !ev.shift_key() => {
                    if let Some(p) = selected {
                        let collapsed = st.with_value(|s| s.collapsed[p as usize]);
                        if !collapsed {
                            toggle(p);
                        }
                    }
                }
                "ArrowRight" if !ev.shift_key() => {
                    if let Some(p) = selected {
                        let collapsed = st.with_value(|s| s.collapsed[p as usize]);
                        if collapsed {
                            toggle(p);
                        }
                    }
                }
                "ArrowLeft" | "h" => pan_by(-80.0),
                "ArrowRight" | "l" => pan_by(80.0),
                "PageDown" | " " => scroll_by(page),
                "PageUp" => scroll_by(-page),
                "Home" => scroll_by(-1e12),
                "End" => scroll_by(1e12),
                "+" | "=" => zoom_by(0.7, None),
                "-" | "_" => zoom_by(1.0 / 0.7, None),
                "0" => zoom_reset(),
                "n" => step_match(true),
                "N" => step_match(false),
                "c" => {
                    critical_on.update(|c| *c = !*c);
                }
                "f" => {
                    if selected.is_some() {
                        set_focus(selected);
                    }
                }
                "Backspace" => set_focus(None),
                "/" => {
                    if let Some(el) = filter_input.get_untracked() {
                        let _ = el.focus();
                    }
                }
                "?" => help_open.update(|h| *h = !*h),
                "Escape" => {
                    if help_open.get_untracked() {
                        help_open.set(false);
                    } else if !filter_text.get_untracked().is_empty() {
                        filter_text.set(String::new());
                        run_filter(String::new(), Hist::Push);
                    } else {
                        select(None, Hist::Push);
                    }
                }
                _ => handled = false,
            }
            if handled {
                ev.prevent_default();
            }
        }
    };
    Effect::new(move |_| {
        let on = critical_on.get();
        st.update_value(|s| s.critical = on);
        schedule();
    });

    let depth_options = (1..=8u32)
        .map(|d| view! { <option value=d.to_string()>{format!("{d} levels")}</option> })
        .collect_view();
    let run_filter_input = run_filter.clone();
    let filter_editing = StoredValue::new(false);
    // Reactive view closures must be Send; the engine client is not, so it is stored.
    let client_sv = StoredValue::new_local(client);
    let run_filter_mode = run_filter.clone();

    view! {
        <div class="trace-body">
            <div class="trace-main">
                <div class="toolbar" role="toolbar">
                    <input
                        type="search"
                        class="filter"
                        data-testid="trace-filter"
                        placeholder="Filter: service:api  http.status_code=500  dur>10ms  is:error   ( / )"
                        node_ref=filter_input
                        prop:value=move || filter_text.get()
                        on:keydown=move |ev: web_sys::KeyboardEvent| {
                            // Esc hands the keyboard back to the waterfall.
                            if ev.key() == "Escape" {
                                ev.prevent_default();
                                if let Some(h) = host.get_untracked() {
                                    let _ = h.focus();
                                }
                            }
                        }
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            filter_text.set(v.clone());
                            // The first keystroke of an edit is a step Back undoes; the rest
                            // of the edit updates that entry.
                            let hist = if filter_editing.get_value() { Hist::Replace } else { Hist::Push };
                            filter_editing.set_value(true);
                            run_filter_input(v, hist);
                        }
                        on:change=move |_| filter_editing.set_value(false)
                        on:focus=move |_| filter_editing.set_value(false)
                    />
                    <select
                        data-testid="filter-mode"
                        title="How non-matching spans are shown"
                        on:change=move |ev| {
                            let m = if event_target_value(&ev) == "only" { FilterMode::Only } else { FilterMode::Dim };
                            mode.set(m);
                            st.update_value(|s| {
                                s.mode = m;
                                s.rebuild_rows();
                            });
                            let _ = &run_filter_mode;
                            schedule();
                        }
                    >
                        <option value="dim">"Dim others"</option>
                        <option value="only">"Only matches"</option>
                    </select>
                    <span class="matches" data-testid="match-count">
                        {move || match (filter_error.get(), match_count.get()) {
                            (Some(e), _) => e,
                            (None, Some(n)) => format!("{n} match{}", if n == 1 { "" } else { "es" }),
                            (None, None) => String::new(),
                        }}
                    </span>
                    <button title="Previous match (N)" on:click=move |_| step_match(false)>"↑"</button>
                    <button title="Next match (n)" on:click=move |_| step_match(true)>"↓"</button>
                    <span class="sep"></span>
                    <button data-testid="collapse-all" on:click=move |_| set_collapsed(st.with_value(|s| collapse_all(&s.m)))>"Collapse all"</button>
                    <button data-testid="expand-all" on:click=move |_| set_collapsed(vec![false; n])>"Expand all"</button>
                    <select data-testid="collapse-depth" title="Show this many levels" on:change=move |ev| {
                        if let Ok(d) = event_target_value(&ev).parse::<u32>() {
                            set_collapsed(st.with_value(|s| collapse_to_depth(&s.m, d)));
                        }
                    }>
                        <option value="">"Depth…"</option>
                        {depth_options}
                    </select>
                    <input
                        class="short"
                        data-testid="collapse-shorter"
                        placeholder="collapse < 1ms"
                        title="Collapse every subtree shorter than this (e.g. 500us, 2ms)"
                        on:change=move |ev| {
                            if let Some(us) = tracescope_core::filter::parse_duration(&event_target_value(&ev)) {
                                set_collapsed(st.with_value(|s| collapse_shorter_than(&s.m, us)));
                            }
                        }
                    />
                    <span class="sep"></span>
                    <label class="toggle">
                        <input type="checkbox" data-testid="critical-toggle"
                            prop:checked=move || critical_on.get()
                            on:change=move |ev| critical_on.set(event_target_checked(&ev)) />
                        "Critical path"
                    </label>
                    <label class="toggle" title=format!("Clock-skew correction: moves server spans inside their clients ({skew_count} spans moved)")>
                        <input type="checkbox" data-testid="skew-toggle"
                            prop:checked=move || skew.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                write_url(Hist::Push, &[("skew", (!on).then(|| "off".to_string()))]);
                                skew.set(on);
                            } />
                        "Skew correction"
                    </label>
                    <button data-testid="zoom-reset" disabled=move || !zoomed.get() on:click=move |_| zoom_reset()>"Reset zoom"</button>
                    <button title="Keyboard shortcuts (?)" on:click=move |_| help_open.update(|h| *h = !*h)>"?"</button>
                </div>
                {move || focus_label.get().map(|label| view! {
                    <div class="breadcrumb" data-testid="focus-breadcrumb">
                        <button on:click=move |_| set_focus(None)>"← Whole trace"</button>
                        <span>"Focused on "<b>{label}</b></span>
                    </div>
                })}
                <div
                    class="waterfall"
                    tabindex="0"
                    data-testid="trace-view"
                    data-trace-id=info.trace_id.clone()
                    data-span-count=info.span_count
                    data-service-count=info.services.len()
                    data-max-depth=info.max_depth
                    data-warning-count=info.warnings.len()
                    data-duration-us=info.duration_us
                    data-first-row=move || first_row.get()
                    data-visible-rows=move || drawn_rows.get()
                    data-name-width=move || name_width.get()
                    data-selected-span=move || selected_span.get().map(|s| s.to_string()).unwrap_or_default()
                    data-match-count=move || match_count.get().map(|n| n.to_string()).unwrap_or_default()
                    data-collapsed-count=move || collapsed_count.get()
                    data-critical-path-count=critical_count
                    data-skew=move || if skew.get() { "on" } else { "off" }
                    data-skew-adjusted-count=skew_count
                    data-ready=move || ready.get().to_string()
                    node_ref=host
                    on:keydown=on_key
                >
                    <canvas class="minimap" data-testid="minimap" node_ref=mini
                        class:hidden=move || crate::embed::hidden(app, tracescope_core::embed::Part::Minimap)
                        on:mousedown=on_mini_down on:mousemove=on_mini_move on:mouseup=on_mini_up
                        on:mouseleave=on_mini_up></canvas>
                    <canvas
                        class="main"
                        data-testid="waterfall-canvas"
                        node_ref=canvas
                        on:wheel=on_wheel
                        on:mousedown=on_down
                        on:mousemove=on_move
                        on:mouseup=on_up
                        on:mouseleave=on_leave
                    ></canvas>
                    {move || tip.get().map(|(x, y, text)| {
                        // Keep the tooltip inside the view: left of the pointer on the right half.
                        let width = st.with_value(|s| s.vp.map_or(0.0, |v| v.width));
                        let (left, right) = if x > width / 2.0 {
                            ("auto".to_string(), format!("{}px", width - x + 14.0))
                        } else {
                            (format!("{}px", x + 14.0), "auto".to_string())
                        };
                        let top = format!("{}px", y + MINIMAP_HEIGHT + 14.0);
                        view! {
                            <div class="tooltip" data-testid="tooltip"
                                style:left=left style:right=right style:top=top>{text}</div>
                        }
                    })}
                </div>
                <Show when=move || help_open.get()>
                    <Shortcuts on_close=move || help_open.set(false)/>
                </Show>
            </div>
            {move || selected_span.get()
                .filter(|_| !crate::embed::hidden(app, tracescope_core::embed::Part::Detail))
                .map(|span| view! {
                <SpanDetailPanel
                    client=client_sv.get_value()
                    trace=trace
                    span=span
                    on_close=move || select(None, Hist::Push)
                    on_focus=move || {
                        let pos = st.with_value(|s| s.selected);
                        set_focus(pos);
                    }
                />
            })}
        </div>
    }
}

/// Writes the zoom window to the URL.
fn write_zoom_to_url(st: StoredValue<ViewState, LocalStorage>, hist: Hist) {
    let window = st.try_with_value(|s| s.vp.map(|v| (v.is_zoomed(s.total()), v.from_us, v.to_us)));
    if let Some(Some((zoomed, from, to))) = window {
        let (f, t) = if zoomed {
            (Some(format!("{from:.0}")), Some(format!("{to:.0}")))
        } else {
            (None, None)
        };
        write_url(hist, &[("from", f), ("to", t)]);
    }
}

/// Rows aggregated into the minimap per task: a few ms each, at any trace size.
const MINIMAP_SLICE: usize = 100_000;

fn image_data(img: minimap::Image) -> Option<web_sys::ImageData> {
    web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&img.rgba),
        img.width as u32,
        img.height as u32,
    )
    .ok()
}

/// Adds the next slice of rows to the minimap being built (generation `generation`) in a
/// task of its own, then schedules the next; when complete, draws the view again.
fn minimap_slices(st: StoredValue<ViewState, LocalStorage>, generation: u64) {
    set_timeout(
        move || {
            let status = st.try_update_value(|s| {
                if s.minimap_gen != generation {
                    return None;
                }
                let dim = match s.mode {
                    FilterMode::Dim => s.matches.as_deref(),
                    FilterMode::Only => None,
                };
                let job = s.minimap_job.as_mut()?;
                if !job.add(&s.m, &s.rows, dim, MINIMAP_SLICE) {
                    return Some(false);
                }
                s.minimap = s.minimap_job.take().and_then(|j| image_data(j.finish()));
                s.minimap_valid = true;
                Some(true)
            });
            match status.flatten() {
                Some(false) => minimap_slices(st, generation),
                Some(true) => {
                    if let Some(ticket) = st.try_with_value(|s| s.ticket) {
                        crate::progress::minimap_ready(ticket);
                    }
                    if let Some(redraw) = st.try_with_value(|s| s.redraw.clone()).flatten() {
                        redraw();
                    }
                }
                None => {}
            }
        },
        std::time::Duration::ZERO,
    );
}

/// Draws the minimap; returns whether a sliced build of its image has to be started.
fn draw_minimap(
    s: &mut ViewState,
    canvas: &web_sys::HtmlCanvasElement,
    w: f32,
    theme: &Theme,
    vp: &Viewport,
) -> bool {
    let Some(ctx) = prepare(canvas, w, MINIMAP_HEIGHT) else {
        return false;
    };
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let mut start_slices = false;
    if !s.minimap_valid && s.minimap_job.is_none() {
        let (pw, ph) = (canvas.width() as usize, canvas.height() as usize);
        let mut job = minimap::Builder::new(s.rows.len(), pw, ph, theme.ruler, theme.error);
        if s.rows.len() <= MINIMAP_SLICE {
            let dim = match s.mode {
                FilterMode::Dim => s.matches.as_deref(),
                FilterMode::Only => None,
            };
            job.add(&s.m, &s.rows, dim, s.rows.len());
            s.minimap = image_data(job.finish());
            s.minimap_valid = true;
            crate::progress::minimap_ready(s.ticket);
        } else {
            // Too many rows for one frame: aggregated in slices, each a task of its own, and
            // shown when complete (the previous image stays meanwhile).
            s.minimap_job = Some(job);
            start_slices = true;
        }
    }
    if let Some(img) = &s.minimap {
        let _ = ctx.put_image_data(img, 0.0, 0.0);
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    let total = s.total() as f64;
    let rows = s.rows.len().max(1) as f64;
    let x0 = vp.from_us / total * f64::from(w);
    let x1 = vp.to_us / total * f64::from(w);
    let visible = f64::from(((vp.height - RULER_HEIGHT) / ROW_HEIGHT).max(1.0));
    let y0 = f64::from(vp.scroll_y / ROW_HEIGHT) / rows * f64::from(MINIMAP_HEIGHT);
    let y1 = (y0 + visible / rows * f64::from(MINIMAP_HEIGHT)).min(f64::from(MINIMAP_HEIGHT));
    ctx.set_fill_style_str("rgba(9,105,218,0.12)");
    ctx.fill_rect(x0, 0.0, (x1 - x0).max(2.0), f64::from(MINIMAP_HEIGHT));
    ctx.set_stroke_style_str("rgba(9,105,218,0.9)");
    ctx.set_line_width(1.5);
    ctx.stroke_rect(
        x0 + 0.75,
        y0 + 0.75,
        (x1 - x0 - 1.5).max(2.0),
        (y1 - y0 - 1.5).max(2.0),
    );
    if let Some(Drag::MiniBrush { from, to }) = s.drag {
        ctx.set_fill_style_str("rgba(9,105,218,0.25)");
        ctx.fill_rect(
            f64::from(from.min(to)),
            0.0,
            f64::from((to - from).abs()),
            f64::from(MINIMAP_HEIGHT),
        );
    }
    start_slices
}

#[component]
fn Shortcuts(on_close: impl Fn() + 'static) -> impl IntoView {
    let keys: &[(&str, &str)] = &[
        ("↑ ↓  j k", "Select previous / next span"),
        ("← →", "Collapse / expand the selected span"),
        ("Shift+← →  h l", "Pan the time axis"),
        ("+  −", "Zoom in / out"),
        ("0", "Reset zoom"),
        ("Ctrl+wheel", "Zoom at the pointer"),
        ("Shift+wheel, drag", "Pan"),
        ("Drag on the ruler or minimap", "Zoom into a time range"),
        ("PageUp PageDown Home End Space", "Scroll"),
        ("/", "Focus the filter"),
        ("n  N", "Next / previous match"),
        ("f", "Focus the selected subtree"),
        ("Backspace", "Back to the whole trace"),
        ("c", "Toggle the critical path"),
        ("Esc", "Clear the filter, then the selection"),
        ("?", "Show or hide this list"),
    ];
    view! {
        <div class="shortcuts" data-testid="shortcuts" role="dialog" aria-label="Keyboard shortcuts">
            <h3>"Keyboard shortcuts"</h3>
            <table>
                {keys.iter().map(|(k, v)| view! { <tr><td class="key">{*k}</td><td>{*v}</td></tr> }).collect_view()}
            </table>
            <button on:click=move |_| on_close()>"Close"</button>
        </div>
    }
}
