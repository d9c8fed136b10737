//! The trace view's canvases and tools: the waterfall (only rows on screen are drawn, by
//! one frame scheduler), the minimap, the filter bar, collapse and focus, zoom and pan,
//! selection, tooltip and keyboard. Per-frame state lives outside signals; signals carry
//! only what the DOM shows.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use tracescope_core::draw::{paint_waterfall, Marks};
use tracescope_core::engine::TraceInfo;
use tracescope_core::layout::color::Theme;
use tracescope_core::layout::minimap;
use tracescope_core::layout::model::{flag, WaterfallModel};
use tracescope_core::layout::rows::{
    collapse_all, collapse_shorter_than, collapse_to_depth, marks, rows, RowsRequest,
};
use tracescope_core::layout::time_axis::format_duration;
use tracescope_core::layout::waterfall::{scene, Viewport, ROW_HEIGHT, RULER_HEIGHT};
use wasm_bindgen::JsCast;

use crate::canvas::{prepare, CanvasPainter};
use crate::detail::SpanDetailPanel;
use crate::engine_client::EngineClient;
use crate::i18n::{tr, Lang, Msg};
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
    let filter_error: RwSignal<Option<tracescope_core::filter::FilterError>> = RwSignal::new(None);
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

    // The URL names the selected span by its span id, which the engine knows (the model
    // carries only span indices).
    let engine = StoredValue::new_local(client.clone());
    let trace_id = info.trace_id.clone();

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
            let lang = app.lang.try_get_untracked().unwrap_or_default();
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
                    unknown_service: Msg::Unknown.text(lang),
                    name_header: Msg::NameColumnHeader.text(lang),
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
        match (span, hist) {
            (_, Hist::Keep) => {}
            (None, _) => write_url(hist, &[("span", None)]),
            (Some(sp), _) => {
                let client = engine.get_value();
                leptos::task::spawn_local(async move {
                    let Some(d) = client.span_detail(trace, sp).await else {
                        return;
                    };
                    // Only if the span is still the selection (clicks can outrun the engine).
                    if selected_span.try_get_untracked() == Some(Some(sp)) {
                        app.span_hint
                            .set_value(Some((d.trace_id.clone(), sp, d.span_id.clone())));
                        write_url(hist, &[("span", Some(d.span_id))]);
                    }
                });
            }
        }
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
                    Err(e) => filter_error.set(Some(e)),
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

    // Selects the span the URL's `span=` names (a span id), or nothing when it names none.
    // The engine answers asynchronously; the view may be gone by then.
    let select_from_url = move || {
        let wanted = crate::url::param("span").filter(|v| !v.trim().is_empty());
        let Some(id) = wanted else {
            if st.try_with_value(|s| s.selected).flatten().is_some() {
                select(None, Hist::Keep);
            }
            return;
        };
        // The span selected last, when the URL still names it (no engine round trip, and the
        // same one of two halves sharing the id).
        let hinted = app.span_hint.with_value(|h| {
            h.as_ref()
                .filter(|(t, _, i)| *t == trace_id && i.eq_ignore_ascii_case(id.trim()))
                .map(|(_, span, _)| *span)
        });
        let select_span = move |span: Option<u32>| {
            let Some(Some((pos, selected))) = st.try_with_value(|s| {
                let pos = span.and_then(|sp| s.m.span.iter().position(|&x| x == sp));
                pos.map(|p| (p as u32, s.selected))
            }) else {
                return;
            };
            if Some(pos) != selected {
                select(Some(pos), Hist::Keep);
            }
        };
        if hinted.is_some() {
            select_span(hinted);
            return;
        }
        let client = engine.get_value();
        leptos::task::spawn_local(async move {
            let span = client.find_span(trace, id.clone()).await;
            if crate::url::param("span").as_deref() != Some(id.as_str()) {
                return;
            }
            select_span(span);
        });
    };

    // Restore a shared view from the URL: span, zoom and filter.
    {
        select_from_url();
        let q = filter_text.get_untracked();
        if !q.trim().is_empty() {
            run_filter(q, Hist::Keep);
        }
    }

    // Back/Forward within this trace: the URL's span, filter and zoom are applied again.
    let apply_url = {
        let run_filter = run_filter.clone();
        move || {
            select_from_url();
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
                    let lang = app.lang.get_untracked();
                    tooltip_text = hovered.and_then(|p| span_tooltip(&s.m, p as usize, lang));
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
    // The name column's header and "(unknown)" are drawn in the UI's language.
    Effect::new(move |_| {
        app.lang.track();
        schedule();
    });

    let depth_options = (1..=8u32)
        .map(|d| view! { <option value=d.to_string()>{move || Msg::DepthLevels.fill(app.lang.get(), &[("n", &d.to_string())])}</option> })
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
                        placeholder=tr(Msg::TraceFilterPlaceholder)
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
                        title=tr(Msg::FilterModeTitle)
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
                        <option value="dim">{tr(Msg::FilterDimOthers)}</option>
                        <option value="only">{tr(Msg::FilterOnlyMatches)}</option>
                    </select>
                    <span class="matches" data-testid="match-count">
                        {move || {
                            let lang = app.lang.get();
                            match (filter_error.get(), match_count.get()) {
                                (Some(e), _) => Msg::FilterInvalid.fill(lang, &[("message", &e.message), ("at", &(e.at + 1).to_string())]),
                                (None, Some(1)) => Msg::OneMatch.text(lang).to_string(),
                                (None, Some(n)) => Msg::MatchCount.fill(lang, &[("n", &n.to_string())]),
                                (None, None) => String::new(),
                            }
                        }}
                    </span>
                    <button title=tr(Msg::PrevMatchTitle) on:click=move |_| step_match(false)>"↑"</button>
                    <button title=tr(Msg::NextMatchTitle) on:click=move |_| step_match(true)>"↓"</button>
                    <span class="sep"></span>
                    <button data-testid="collapse-all" on:click=move |_| set_collapsed(st.with_value(|s| collapse_all(&s.m)))>{tr(Msg::CollapseAll)}</button>
                    <button data-testid="expand-all" on:click=move |_| set_collapsed(vec![false; n])>{tr(Msg::ExpandAll)}</button>
                    <select data-testid="collapse-depth" title=tr(Msg::DepthTitle) on:change=move |ev| {
                        if let Ok(d) = event_target_value(&ev).parse::<u32>() {
                            set_collapsed(st.with_value(|s| collapse_to_depth(&s.m, d)));
                        }
                    }>
                        <option value="">{tr(Msg::DepthPlaceholder)}</option>
                        {depth_options}
                    </select>
                    <input
                        class="short"
                        data-testid="collapse-shorter"
                        placeholder=tr(Msg::CollapseShorterPlaceholder)
                        title=tr(Msg::CollapseShorterTitle)
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
                        {tr(Msg::CriticalPath)}
                    </label>
                    <label class="toggle" title=move || Msg::SkewTitle.fill(app.lang.get(), &[("n", &skew_count.to_string())])>
                        <input type="checkbox" data-testid="skew-toggle"
                            prop:checked=move || skew.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                write_url(Hist::Push, &[("skew", (!on).then(|| "off".to_string()))]);
                                skew.set(on);
                            } />
                        {tr(Msg::SkewCorrection)}
                    </label>
                    <button data-testid="zoom-reset" disabled=move || !zoomed.get() on:click=move |_| zoom_reset()>{tr(Msg::ResetZoom)}</button>
                    <button title=tr(Msg::ShortcutsTitle) data-testid="shortcuts-toggle" on:click=move |_| help_open.update(|h| *h = !*h)>"?"</button>
                </div>
                {move || focus_label.get().map(|label| view! {
                    <div class="breadcrumb" data-testid="focus-breadcrumb">
                        <button on:click=move |_| set_focus(None)>{tr(Msg::WholeTrace)}</button>
                        <span>{tr(Msg::FocusedOn)}<b>{label}</b></span>
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
    // Key names (Shift, PageUp, Esc …) are what is printed on keyboards and stay as they are;
    // words around them are translated.
    let keys: &[(Key, Msg)] = &[
        (Key::Plain("↑ ↓  j k"), Msg::KeySelectPrevNext),
        (Key::Plain("← →"), Msg::KeyCollapseExpand),
        (Key::Plain("Shift+← →  h l"), Msg::KeyPan),
        (Key::Plain("+  −"), Msg::KeyZoomInOut),
        (Key::Plain("0"), Msg::ResetZoom),
        (Key::Words(Msg::KeyCtrlWheel), Msg::KeyZoomAtPointer),
        (Key::Words(Msg::KeyShiftWheelDrag), Msg::KeyPanShort),
        (Key::Words(Msg::KeyDragRuler), Msg::KeyZoomRange),
        (Key::Plain("PageUp PageDown Home End Space"), Msg::KeyScroll),
        (Key::Plain("/"), Msg::KeyFocusFilter),
        (Key::Plain("n  N"), Msg::KeyNextPrevMatch),
        (Key::Plain("f"), Msg::KeyFocusSubtree),
        (Key::Plain("Backspace"), Msg::KeyBackToWhole),
        (Key::Plain("c"), Msg::KeyToggleCritical),
        (Key::Plain("Esc"), Msg::KeyClearFilter),
        (Key::Plain("?"), Msg::KeyShowHide),
    ];
    view! {
        <div class="shortcuts" data-testid="shortcuts" role="dialog" aria-label=tr(Msg::ShortcutsHeading)>
            <h3>{tr(Msg::ShortcutsHeading)}</h3>
            <table>
                {keys.iter().map(|&(k, v)| {
                    let key = move || match k {
                        Key::Plain(s) => s,
                        Key::Words(m) => tr(m)(),
                    };
                    view! { <tr><td class="key">{key}</td><td>{tr(v)}</td></tr> }
                }).collect_view()}
            </table>
            <button on:click=move |_| on_close()>{tr(Msg::Close)}</button>
        </div>
    }
}

/// A shortcut's keys: printed key names, or words to translate.
#[derive(Clone, Copy)]
enum Key {
    Plain(&'static str),
    Words(Msg),
}

/// The hover tooltip of span `pos`: name, duration, start and self time.
fn span_tooltip(m: &WaterfallModel, pos: usize, lang: Lang) -> Option<String> {
    if pos >= m.len() {
        return None;
    }
    Some(Msg::SpanTooltip.fill(
        lang,
        &[
            ("service", m.label(m.service[pos])),
            ("name", m.label(m.name[pos])),
            ("duration", &format_duration(m.duration[pos])),
            ("start", &format_duration(m.start[pos])),
            ("self", &format_duration(m.self_time[pos])),
        ],
    ))
}
