//! The dependency graph on a canvas: the core's [`GraphPainter`] on a 2D context, and the
//! interactive component shared by the dependency page and the trace view's services tab.
//!
//! Per-frame state (camera, hover, drag) lives outside signals; every change marks the
//! canvas dirty and one `requestAnimationFrame` callback draws. Pan and zoom never touch
//! the DOM except the tooltip. Each draw is timed for the browser benchmark (see
//! [`record_draw`]): the real cost of a frame, not the frame interval.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use tracescope_core::derive::dependency_graph::DependencyGraph;
use tracescope_core::draw_graph::{
    paint_dependency_graph, GraphMarks, GraphPainter, GraphPlan, GraphText,
};
use tracescope_core::layout::color::{css, Theme};
use tracescope_core::layout::dependency::{edge_at, node_at, Camera, DependencyScene, ErrorRates};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::i18n::{tr, Lang, Msg};
use crate::state::{use_app, ByPtr};

const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

struct Painter2d<'a> {
    ctx: &'a CanvasRenderingContext2d,
    font: Option<(u32, bool)>,
}

impl GraphPainter for Painter2d<'_> {
    fn clear(&mut self, width: f32, height: f32, color: u32) {
        self.ctx.set_global_alpha(1.0);
        self.ctx.set_fill_style_str(&css(color));
        self.ctx
            .fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    }
    fn begin_path(&mut self) {
        self.ctx.begin_path();
    }
    fn move_to(&mut self, p: [f32; 2]) {
        self.ctx.move_to(f64::from(p[0]), f64::from(p[1]));
    }
    fn line_to(&mut self, p: [f32; 2]) {
        self.ctx.line_to(f64::from(p[0]), f64::from(p[1]));
    }
    fn curve_to(&mut self, c1: [f32; 2], c2: [f32; 2], p: [f32; 2]) {
        self.ctx.bezier_curve_to(
            f64::from(c1[0]),
            f64::from(c1[1]),
            f64::from(c2[0]),
            f64::from(c2[1]),
            f64::from(p[0]),
            f64::from(p[1]),
        );
    }
    fn round_rect(&mut self, x: f32, y: f32, w: f32, h: f32, r: f32) {
        let (x, y, w, h, r) = (
            f64::from(x),
            f64::from(y),
            f64::from(w),
            f64::from(h),
            f64::from(r.min(w / 2.0).min(h / 2.0).max(0.0)),
        );
        let c = self.ctx;
        c.move_to(x + r, y);
        let _ = c.arc_to(x + w, y, x + w, y + h, r);
        let _ = c.arc_to(x + w, y + h, x, y + h, r);
        let _ = c.arc_to(x, y + h, x, y, r);
        let _ = c.arc_to(x, y, x + w, y, r);
        c.close_path();
    }
    fn stroke(&mut self, color: u32, width: f32, alpha: f32) {
        self.ctx.set_global_alpha(f64::from(alpha));
        self.ctx.set_stroke_style_str(&css(color));
        self.ctx.set_line_width(f64::from(width));
        self.ctx.stroke();
    }
    fn fill(&mut self, color: u32, alpha: f32) {
        self.ctx.set_global_alpha(f64::from(alpha));
        self.ctx.set_fill_style_str(&css(color));
        self.ctx.fill();
    }
    fn text(&mut self, x: f32, y: f32, text: &str, style: GraphText) {
        let GraphText {
            size,
            bold,
            color,
            alpha,
        } = style;
        let px = size.round().max(1.0) as u32;
        if self.font != Some((px, bold)) {
            let weight = if bold { "600 " } else { "" };
            self.ctx.set_font(&format!("{weight}{px}px {FONT_FAMILY}"));
            self.font = Some((px, bold));
        }
        self.ctx.set_global_alpha(f64::from(alpha));
        self.ctx.set_fill_style_str(&css(color));
        let _ = self.ctx.fill_text(text, f64::from(x), f64::from(y));
    }
}

/// What the canvas shows; the page computes the scene (a layout) only when its request
/// changes.
#[derive(Clone, PartialEq)]
pub struct GraphData {
    pub graph: ByPtr<DependencyGraph>,
    pub scene: ByPtr<DependencyScene>,
}

/// Per-frame state, outside the reactive graph.
struct Frame {
    cam: Camera,
    /// The camera was set by the user (pan/zoom), so a resize does not refit.
    moved: bool,
    size: (f32, f32),
    hovered_node: Option<usize>,
    hovered_edge: Option<usize>,
    drag: Option<(f32, f32, f32, f32)>,
    dragged: bool,
    pending: bool,
    /// The scene the camera was fitted to.
    fitted: Option<usize>,
    /// A picture of the whole graph, and one of the region around the view when the whole
    /// graph at this zoom would be too big for one; blitted (stretched while zooming).
    whole: Option<Picture>,
    window: Option<Picture>,
    /// The picture being painted, a slice per frame.
    job: Option<Job>,
    /// Zooming has rested: the next frame wants pictures at exactly the current zoom.
    sharp: bool,
    /// Pending "zoom rested" timer, and how to ask for a frame.
    settle_timer: Option<i32>,
    redraw: Option<Rc<dyn Fn()>>,
    /// What the canvas shows when it was drawn directly (no picture yet): key, camera, size,
    /// hover.
    direct: Option<DirectKey>,
    /// Asks for another frame (a picture is being painted).
    again: Option<Rc<dyn Fn()>>,
}

/// After the last stretched frame, draws sharp again 150 ms later.
fn settle(f: &mut Frame) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(t) = f.settle_timer.take() {
        window.clear_timeout_with_handle(t);
    }
    let Some(redraw) = f.redraw.clone() else {
        return;
    };
    let cb = Closure::once_into_js(move || redraw());
    f.settle_timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 150)
        .ok();
}

/// What a picture shows besides the camera: pictures of another key are dropped. Hover is
/// not part of it (it is painted over the pictures each frame).
#[derive(Clone, PartialEq)]
struct CacheKey {
    scene: usize,
    selected: Option<usize>,
    hops: u32,
    dark: bool,
    rates: (u64, u64),
}

type DirectKey = (CacheKey, Camera, (f32, f32), (Option<usize>, Option<usize>));

/// Part of the graph (or all of it) painted at one zoom, in tiles: a canvas of millions of
/// pixels costs milliseconds just to allocate (or to write to again while the screen still
/// holds a copy), a tile a fraction of one.
struct Picture {
    key: CacheKey,
    scale: f32,
    /// Layout coordinates of the picture's top-left corner; its size in CSS pixels.
    origin: [f32; 2],
    w: f32,
    h: f32,
    whole: bool,
    tiles: Vec<Tile>,
}

/// A piece of a picture: its canvas and its place in the picture, CSS pixels.
struct Tile {
    canvas: HtmlCanvasElement,
    at: [f32; 4],
}

/// Tile side, CSS pixels.
const TILE: f32 = 512.0;

impl Picture {
    /// Where it lands on screen through `cam`: x, y, width, height.
    fn placed(&self, cam: &Camera) -> [f32; 4] {
        let [x, y] = cam.screen(self.origin);
        let k = cam.scale / self.scale;
        [x, y, self.w * k, self.h * k]
    }

    fn covers(&self, cam: &Camera, w: f32, h: f32) -> bool {
        let [x, y, pw, ph] = self.placed(cam);
        self.whole || (x <= 0.5 && y <= 0.5 && x + pw >= w - 0.5 && y + ph >= h - 0.5)
    }

    /// Draws the tiles that land on the `w × h` screen.
    fn blit(&self, ctx: &CanvasRenderingContext2d, cam: &Camera, w: f32, h: f32) {
        let [x, y, _, _] = self.placed(cam);
        let k = cam.scale / self.scale;
        let d = f64::from(dpr());
        for t in &self.tiles {
            let [tx, ty, tw, th] = t.at;
            let (sx, sy, sw, sh) = (x + tx * k, y + ty * k, tw * k, th * k);
            if sx > w || sy > h || sx + sw < 0.0 || sy + sh < 0.0 {
                continue;
            }
            let _ = ctx
                .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    &t.canvas,
                    0.0,
                    0.0,
                    f64::from(tw) * d,
                    f64::from(th) * d,
                    f64::from(sx),
                    f64::from(sy),
                    f64::from(sw),
                    f64::from(sh),
                );
        }
    }
}

/// A picture being painted, a few plan steps per frame (a plan per tile, culled to it), so
/// that a big graph never costs one long frame.
struct Job {
    picture: Picture,
    /// Tiles still to paint (their place in the picture), nearest the view's centre last.
    todo: Vec<[f32; 4]>,
    current: Option<(Tile, CanvasRenderingContext2d, GraphPlan, usize)>,
    /// The selection and its neighbourhood (nodes, edges), for each tile's plan.
    selected: Option<usize>,
    lit: Option<(Vec<bool>, Vec<bool>)>,
    theme: Theme,
    rates: ErrorRates,
    /// The last frame had no time for it.
    starved: bool,
}

/// Room around the graph in a whole picture (arrowheads, self-loops), CSS pixels.
const CACHE_MARGIN: f32 = 48.0;
/// Largest picture side, in device pixels.
const CACHE_MAX_PX: f32 = 4096.0;
/// While zooming, a picture within this factor of the zoom is good enough (it is redrawn
/// exactly when zooming rests).
const NEAR_ENOUGH: f32 = 1.25;
/// Time a frame may spend painting pictures (with the blits), in ms: the rest of a 16 ms
/// frame is the browser's.
const FRAME_BUDGET_MS: f64 = 6.0;

fn dpr() -> f32 {
    web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0) as f32
}

/// The largest zoom at which the whole graph fits in one picture.
fn whole_max_scale(scene: &DependencyScene) -> f32 {
    let room = CACHE_MAX_PX / dpr() - 2.0 * CACHE_MARGIN;
    (room / scene.layout.width.max(1.0)).min(room / scene.layout.height.max(1.0))
}

impl Job {
    /// Plans the picture a frame through `cam` (`w × h`) wants: the whole graph at this zoom
    /// when it fits, else the region around the view (half a view more on each side).
    fn new(
        scene: &DependencyScene,
        cam: &Camera,
        (w, h): (f32, f32),
        key: &CacheKey,
        theme: Theme,
        rates: ErrorRates,
        marks: GraphMarks<'_>,
    ) -> Option<Job> {
        let s = cam.scale;
        let whole = s <= whole_max_scale(scene);
        let m = CACHE_MARGIN / s;
        let (origin, pw, ph) = if whole {
            (
                [-m, -m],
                scene.layout.width * s + 2.0 * CACHE_MARGIN,
                scene.layout.height * s + 2.0 * CACHE_MARGIN,
            )
        } else {
            // In layout coordinates, clipped to the graph (and its margin).
            let x0 = ((-w / 2.0 - cam.x) / s).max(-m);
            let y0 = ((-h / 2.0 - cam.y) / s).max(-m);
            let x1 = ((1.5 * w - cam.x) / s).min(scene.layout.width + m);
            let y1 = ((1.5 * h - cam.y) / s).min(scene.layout.height + m);
            if x1 <= x0 || y1 <= y0 {
                return None;
            }
            ([x0, y0], (x1 - x0) * s, (y1 - y0) * s)
        };
        // Tiles, painted from the view's centre outwards (`todo` is popped from the end).
        let centre = [
            w / 2.0 - (origin[0] * s + cam.x),
            h / 2.0 - (origin[1] * s + cam.y),
        ];
        let mut todo = Vec::new();
        let mut ty = 0.0;
        while ty < ph {
            let mut tx = 0.0;
            while tx < pw {
                todo.push([tx, ty, TILE.min(pw - tx), TILE.min(ph - ty)]);
                tx += TILE;
            }
            ty += TILE;
        }
        let dist = |t: &[f32; 4]| {
            let dx = t[0] + t[2] / 2.0 - centre[0];
            let dy = t[1] + t[3] / 2.0 - centre[1];
            dx * dx + dy * dy
        };
        todo.sort_by(|a, b| dist(b).total_cmp(&dist(a)));
        Some(Job {
            picture: Picture {
                key: key.clone(),
                scale: s,
                origin,
                w: pw,
                h: ph,
                whole,
                tiles: Vec::with_capacity(todo.len()),
            },
            todo,
            current: None,
            selected: marks.selected,
            lit: marks.lit.map(|(n, e)| (n.to_vec(), e.to_vec())),
            theme,
            rates,
            starved: false,
        })
    }

    fn done(&self) -> bool {
        self.current.is_none() && self.todo.is_empty()
    }

    /// Paints one step: the next step of the current tile, or starts the next tile.
    fn step(&mut self, g: &DependencyGraph, scene: &DependencyScene) {
        if let Some((_, ctx, plan, next)) = &mut self.current {
            let mut p = Painter2d { ctx, font: None };
            plan.paint(&mut p, scene, *next..*next + 1);
            *next += 1;
            if *next >= plan.len() {
                if let Some((tile, ..)) = self.current.take() {
                    self.picture.tiles.push(tile);
                }
            }
            return;
        }
        let Some(at) = self.todo.pop() else {
            return;
        };
        let Some(canvas) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        else {
            return;
        };
        let Some(ctx) = crate::canvas::prepare(&canvas, at[2], at[3]) else {
            return;
        };
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_line_cap("round");
        let s = self.picture.scale;
        let tcam = Camera {
            scale: s,
            x: -self.picture.origin[0] * s - at[0],
            y: -self.picture.origin[1] * s - at[1],
        };
        let marks = GraphMarks {
            selected: self.selected,
            hovered_node: None,
            hovered_edge: None,
            lit: self.lit.as_ref().map(|(n, e)| (n.as_slice(), e.as_slice())),
        };
        let plan = GraphPlan::new(
            g,
            scene,
            &tcam,
            at[2],
            at[3],
            &self.theme,
            self.rates,
            marks,
        );
        self.current = Some((Tile { canvas, at }, ctx, plan, 0));
    }
}

/// Whether `p` (a finished picture or a job's) is what a frame through `cam` wants.
fn good_enough(p: &Picture, cam: &Camera, w: f32, h: f32, exact: bool, whole: bool) -> bool {
    let r = cam.scale / p.scale;
    let near = if exact {
        r == 1.0
    } else {
        (1.0 / NEAR_ENOUGH..=NEAR_ENOUGH).contains(&r)
    };
    near && p.whole == whole && p.covers(cam, w, h)
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Most nodes on screen for which `data-nodes` is written.
const NODE_HOOK_MAX: usize = 60;

/// Test hook: `data-nodes` on the graph element lists the nodes on screen as JSON
/// `[[name, x, y, width, height, column], …]` (centre and size in CSS pixels of the canvas),
/// when there are at most [`NODE_HOOK_MAX`]; empty otherwise, so a big graph costs nothing.
fn write_node_hook(
    wrap: &NodeRef<leptos::html::Div>,
    scene: &DependencyScene,
    g: &DependencyGraph,
    cam: &Camera,
    w: f32,
    h: f32,
) {
    let Some(el) = wrap.get_untracked() else {
        return;
    };
    let l = &scene.layout;
    let mut out = Vec::new();
    for v in 0..scene.node_count() {
        let c = cam.screen([l.x[v], l.y[v]]);
        if c[0] < 0.0 || c[1] < 0.0 || c[0] > w || c[1] > h {
            continue;
        }
        if out.len() == NODE_HOOK_MAX {
            out.clear();
            break;
        }
        out.push(serde_json::json!([
            g.services[scene.nodes[v] as usize],
            c[0].round(),
            c[1].round(),
            (l.w[v] * cam.scale).round(),
            (l.h[v] * cam.scale).round(),
            l.layer[v]
        ]));
    }
    let text = serde_json::Value::Array(out).to_string();
    if el.get_attribute("data-nodes").as_deref() != Some(text.as_str()) {
        let _ = el.set_attribute("data-nodes", &text);
    }
}

/// Appends a draw's duration to `globalThis.__tracescopeDepsDraws` when a benchmark has
/// put an array there (nothing otherwise).
fn record_draw(ms: f64) {
    let global = js_sys::global();
    let Ok(list) = js_sys::Reflect::get(&global, &JsValue::from_str("__tracescopeDepsDraws"))
    else {
        return;
    };
    if let Some(list) = list.dyn_ref::<js_sys::Array>() {
        list.push(&JsValue::from_f64(ms));
    }
}

/// The graph canvas with zoom (wheel, buttons), pan (drag), fit, hover tooltips, node
/// selection (`selected` holds a service name) and edge clicks (`on_edge(parent, child)`).
#[component]
pub fn GraphCanvas(
    data: Signal<Option<GraphData>>,
    selected: RwSignal<Option<String>>,
    hops: Signal<u32>,
    rates: Signal<ErrorRates>,
    on_edge: Callback<(String, String)>,
) -> impl IntoView {
    let state = use_app();
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let wrap_ref = NodeRef::<leptos::html::Div>::new();
    let frame = StoredValue::new_local(Rc::new(RefCell::new(Frame {
        cam: Camera::default(),
        moved: false,
        size: (0.0, 0.0),
        hovered_node: None,
        hovered_edge: None,
        drag: None,
        dragged: false,
        pending: false,
        fitted: None,
        whole: None,
        window: None,
        job: None,
        sharp: false,
        settle_timer: None,
        redraw: None,
        again: None,
        direct: None,
    })));
    let tooltip = RwSignal::new(None::<(f32, f32, String)>);
    let hover_cursor = RwSignal::new(false);

    // Draws now (from the rAF callback). Reads signals untracked: drawing is not reactive.
    let draw = move || {
        let f = frame.get_value();
        let mut f = f.borrow_mut();
        f.pending = false;
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let Some(Some(d)) = data.try_get_untracked() else {
            return;
        };
        if let Some(el) = wrap_ref.get_untracked() {
            let size = (el.client_width() as f32, el.client_height() as f32);
            if size != f.size {
                f.size = size;
                if !f.moved {
                    f.fitted = None;
                }
            }
        }
        let (w, h) = f.size;
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        let scene = &d.scene.0;
        let key = Arc::as_ptr(&d.scene.0) as usize;
        if f.fitted != Some(key) {
            f.cam = Camera::fit(scene, w, h);
            f.fitted = Some(key);
            f.moved = false;
            f.hovered_node = None;
            f.hovered_edge = None;
        }
        let start = now_ms();
        let canvas: &HtmlCanvasElement = &canvas;
        let Some(ctx) = crate::canvas::prepare(canvas, w, h) else {
            return;
        };
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_line_cap("round");
        let theme = if state.dark.get_untracked() {
            Theme::DARK
        } else {
            Theme::LIGHT
        };
        let sel = selected
            .try_get_untracked()
            .flatten()
            .and_then(|s| d.graph.0.service(&s))
            .and_then(|s| scene.node_of(s));
        let hops_now = hops.try_get_untracked().unwrap_or(1);
        let lit = sel.map(|v| scene.neighbourhood(v, hops_now));
        let marks = GraphMarks {
            selected: sel,
            hovered_node: f.hovered_node,
            hovered_edge: f.hovered_edge,
            lit: lit.as_ref().map(|(n, e)| (n.as_slice(), e.as_slice())),
        };
        let rates_now = rates.try_get_untracked().unwrap_or_default();
        let key = CacheKey {
            scene: key,
            selected: sel,
            hops: hops_now,
            dark: theme == Theme::DARK,
            rates: (rates_now.low.to_bits(), rates_now.high.to_bits()),
        };
        let g = &d.graph.0;
        let cam = f.cam;
        // Panning and zooming blit pictures: one of the whole graph, and, zoomed in further
        // than a whole picture allows, one of the region around the view on top. While
        // zooming they are stretched; a picture nearer the zoom (exactly it once the wheel
        // rests) is painted a slice per frame, never in one long frame. Only a graph seen for
        // the first time (or a new selection, theme or error rates) is drawn directly.
        let exact = std::mem::take(&mut f.sharp);
        if f.whole.as_ref().is_some_and(|p| p.key != key) {
            f.whole = None;
        }
        if f.window.as_ref().is_some_and(|p| p.key != key) {
            f.window = None;
        }
        if f.job.as_ref().is_some_and(|j| j.picture.key != key) {
            f.job = None;
        }
        let mut p = Painter2d {
            ctx: &ctx,
            font: None,
        };
        let want_whole = cam.scale <= whole_max_scale(scene);
        if want_whole {
            f.window = None;
        }
        let shown = if want_whole {
            f.whole.as_ref()
        } else {
            f.window.as_ref().filter(|p| p.covers(&cam, w, h))
        };
        let stretched = shown.is_some_and(|p| p.scale != cam.scale);
        let satisfied =
            shown.is_some_and(|p| good_enough(p, &cam, w, h, exact || !stretched, want_whole));
        let no_picture = f.whole.is_none() && shown.is_none();
        // The region picture covers the view: the whole graph under it would not show.
        let covered = !want_whole && shown.is_some();
        let direct = (key.clone(), cam, (w, h), (f.hovered_node, f.hovered_edge));
        // Still painting the first picture and nothing moved: the canvas shows this already.
        let paint_view = !(no_picture && f.direct.as_ref() == Some(&direct));
        f.direct = no_picture.then_some(direct);
        if paint_view && no_picture {
            let marks = GraphMarks {
                hovered_node: None,
                hovered_edge: None,
                ..marks
            };
            paint_dependency_graph(&mut p, g, scene, &cam, w, h, &theme, rates_now, marks);
        } else if paint_view {
            ctx.set_global_alpha(1.0);
            ctx.set_fill_style_str(&css(theme.background));
            ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
            // The whole graph, the region around the view over it, and the tiles of the
            // picture being painted over both: sharper tiles appear as they are done.
            let job = f.job.as_ref().map(|j| &j.picture);
            let under = f.whole.as_ref().filter(|_| !covered);
            for pic in [under, f.window.as_ref(), job].into_iter().flatten() {
                pic.blit(&ctx, &cam, w, h);
            }
            if stretched {
                settle(&mut f);
            }
        }
        if paint_view {
            GraphPlan::hover(g, scene, &cam, w, h, &theme, rates_now, marks).paint(
                &mut p,
                scene,
                0..usize::MAX,
            );
        }
        // The picture this view wants: keep painting one that will do, else start anew.
        let job_fits = f.job.as_ref().is_some_and(|j| {
            let exact = exact || j.picture.scale == cam.scale;
            good_enough(&j.picture, &cam, w, h, exact, want_whole)
        });
        if !satisfied && !job_fits {
            f.job = Job::new(scene, &cam, (w, h), &key, theme, rates_now, marks);
        } else if f.job.is_none() && f.whole.is_none() {
            // Zoomed in: the whole graph too, as sharp as one picture allows, for panning
            // out of the region and zooming out.
            let whole_cam = Camera {
                scale: whole_max_scale(scene),
                ..cam
            };
            f.job = Job::new(scene, &whole_cam, (w, h), &key, theme, rates_now, marks);
        }
        let mut more = false;
        if let Some(mut job) = f.job.take() {
            // Within the frame's budget; but a step at least every other frame, so that a
            // machine too slow for the budget still gets there.
            let mut stepped = false;
            while !job.done() && (now_ms() - start < FRAME_BUDGET_MS || (!stepped && job.starved)) {
                job.step(g, scene);
                stepped = true;
            }
            job.starved = !stepped;
            if job.done() {
                let slot = if job.picture.whole {
                    &mut f.whole
                } else {
                    &mut f.window
                };
                *slot = Some(job.picture);
            } else {
                f.job = Some(job);
            }
            // Show the new tiles, or go on painting.
            more = true;
        }
        ctx.set_global_alpha(1.0);
        record_draw(now_ms() - start);
        write_node_hook(&wrap_ref, scene, &d.graph.0, &f.cam, w, h);
        let again = f.again.clone();
        drop(f);
        if let (true, Some(again)) = (more, again) {
            again();
        }
    };
    let draw = StoredValue::new_local(Rc::new(draw) as Rc<dyn Fn()>);
    let schedule = move || {
        let f = frame.get_value();
        if f.borrow().pending {
            return;
        }
        f.borrow_mut().pending = true;
        let d = draw.get_value();
        let cb = Closure::once_into_js(move || d());
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(cb.unchecked_ref());
        }
    };

    frame.with_value(|f| {
        f.borrow_mut().again = Some(Rc::new(schedule));
        f.borrow_mut().redraw = Some(Rc::new(move || {
            let f = frame.get_value();
            {
                let mut f = f.borrow_mut();
                f.settle_timer = None;
                f.sharp = true;
            }
            schedule();
        }));
    });

    // Redraw when the data, selection, hops, rates or theme change.
    Effect::new(move |_| {
        data.track();
        selected.track();
        hops.track();
        rates.track();
        state.dark.track();
        schedule();
    });

    // Follow the window's size (the draw measures the element).
    let resize = window_event_listener(leptos::ev::resize, move |_| schedule());
    on_cleanup(move || resize.remove());

    let local = move |ev: &web_sys::MouseEvent| -> (f32, f32) {
        let Some(c) = canvas_ref.get_untracked() else {
            return (0.0, 0.0);
        };
        let r = c.get_bounding_client_rect();
        (
            (f64::from(ev.client_x()) - r.left()) as f32,
            (f64::from(ev.client_y()) - r.top()) as f32,
        )
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (x, y) = local(&ev);
        let f = frame.get_value();
        {
            let mut f = f.borrow_mut();
            if ev.ctrl_key() || ev.delta_mode() != 0 || ev.delta_x() == 0.0 {
                let factor = (-ev.delta_y() as f32 * 0.0015).exp();
                f.cam.zoom_at(x, y, factor);
            } else {
                // Two-finger scroll on a touchpad pans.
                f.cam.pan(-ev.delta_x() as f32, -ev.delta_y() as f32);
            }
            f.moved = true;
        }
        tooltip.set(None);
        schedule();
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        let (x, y) = local(&ev);
        let f = frame.get_value();
        let mut f = f.borrow_mut();
        f.drag = Some((x, y, f.cam.x, f.cam.y));
        f.dragged = false;
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let (x, y) = local(&ev);
        let Some(Some(d)) = data.try_get_untracked() else {
            return;
        };
        let f = frame.get_value();
        let mut f = f.borrow_mut();
        if let Some((x0, y0, cx, cy)) = f.drag {
            if (x - x0).abs() + (y - y0).abs() > 3.0 {
                f.dragged = true;
            }
            if f.dragged {
                f.cam.x = cx + x - x0;
                f.cam.y = cy + y - y0;
                f.moved = true;
                drop(f);
                tooltip.set(None);
                schedule();
                return;
            }
        }
        let scene = &d.scene.0;
        let node = node_at(scene, &f.cam, x, y);
        let edge = if node.is_none() {
            edge_at(scene, &f.cam, x, y)
        } else {
            None
        };
        if (node, edge) != (f.hovered_node, f.hovered_edge) {
            f.hovered_node = node;
            f.hovered_edge = edge;
            drop(f);
            let lang = state.lang.get_untracked();
            let text = node
                .map(|v| node_tooltip(&d.graph.0, scene, v, lang))
                .or_else(|| edge.map(|e| edge_tooltip(&d.graph.0, scene, e, lang)));
            hover_cursor.set(text.is_some());
            tooltip.set(text.map(|t| (x, y, t)));
            schedule();
        } else if let Some((_, _, t)) = tooltip.get_untracked() {
            tooltip.set(Some((x, y, t)));
        }
    };
    let on_up = move |ev: web_sys::MouseEvent| {
        let (x, y) = local(&ev);
        let f = frame.get_value();
        let (was_drag, cam) = {
            let mut f = f.borrow_mut();
            let was = f.drag.is_some() && f.dragged;
            f.drag = None;
            (was, f.cam)
        };
        if was_drag {
            return;
        }
        let Some(Some(d)) = data.try_get_untracked() else {
            return;
        };
        let scene = &d.scene.0;
        let g = &d.graph.0;
        if let Some(v) = node_at(scene, &cam, x, y) {
            let name = g.services[scene.nodes[v] as usize].clone();
            let again = selected.get_untracked().as_deref() == Some(name.as_str());
            selected.set(if again { None } else { Some(name) });
        } else if let Some(e) = edge_at(scene, &cam, x, y) {
            let ge = g.edges[scene.edges[e] as usize];
            on_edge.run((
                g.services[ge.parent as usize].clone(),
                g.services[ge.child as usize].clone(),
            ));
        } else {
            selected.set(None);
        }
    };
    let on_leave = move |_| {
        let f = frame.get_value();
        {
            let mut f = f.borrow_mut();
            f.drag = None;
            f.hovered_node = None;
            f.hovered_edge = None;
        }
        tooltip.set(None);
        schedule();
    };
    let zoom_by = move |factor: f32| {
        let f = frame.get_value();
        {
            let mut f = f.borrow_mut();
            let (w, h) = f.size;
            f.cam.zoom_at(w / 2.0, h / 2.0, factor);
            f.moved = true;
        }
        schedule();
    };
    let fit = move |_| {
        let f = frame.get_value();
        f.borrow_mut().fitted = None;
        schedule();
    };

    let node_count = move || data.with(|d| d.as_ref().map_or(0, |d| d.scene.0.node_count()));
    let edge_count = move || data.with(|d| d.as_ref().map_or(0, |d| d.scene.0.edge_count()));
    let selected_attr = move || {
        // Only a service that is shown counts as selected.
        let s = selected.get()?;
        data.with(|d| {
            let d = d.as_ref()?;
            let v = d.graph.0.service(&s)?;
            d.scene.0.node_of(v).map(|_| s.clone())
        })
    };
    let lit_count = move || {
        let s = selected.get()?;
        let h = hops.get();
        data.with(|d| {
            let d = d.as_ref()?;
            let v = d.scene.0.node_of(d.graph.0.service(&s)?)?;
            let (nodes, _) = d.scene.0.neighbourhood(v, h);
            Some(nodes.iter().filter(|n| **n).count())
        })
    };

    view! {
        <div
            class="graph-canvas"
            class:pointing=move || hover_cursor.get()
            node_ref=wrap_ref
            data-testid="dependency-graph"
            data-node-count=node_count
            data-edge-count=edge_count
            data-selected-service=move || selected_attr().unwrap_or_default()
            data-hops=move || hops.get()
            data-highlighted-count=move || lit_count().map(|c| c.to_string()).unwrap_or_default()
        >
            <canvas
                node_ref=canvas_ref
                data-testid="dependency-canvas"
                on:wheel=on_wheel
                on:mousedown=on_down
                on:mousemove=on_move
                on:mouseup=on_up
                on:mouseleave=on_leave
            ></canvas>
            <div class="graph-zoom">
                <button title=tr(Msg::ZoomIn) data-testid="graph-zoom-in" on:click=move |_| zoom_by(1.25)>"+"</button>
                <button title=tr(Msg::ZoomOut) data-testid="graph-zoom-out" on:click=move |_| zoom_by(0.8)>"−"</button>
                <button title=tr(Msg::FitTitle) data-testid="graph-fit" on:click=fit>{tr(Msg::Fit)}</button>
                <button title=tr(Msg::SaveGraphPng) data-testid="graph-png" on:click=move |_| {
                    if let Some(c) = canvas_ref.get_untracked() {
                        crate::export::save_canvas(&c, "dependencies.png");
                    }
                }>"PNG"</button>
            </div>
            {move || tooltip.get().map(|(x, y, text)| {
                view! {
                    <div class="graph-tooltip" data-testid="graph-tooltip"
                        style:left=format!("{}px", x + 14.0) style:top=format!("{}px", y + 14.0)>{text}</div>
                }
            })}
        </div>
    }
}

/// Hover card of a shown edge: its two services, calls and errors.
fn edge_tooltip(g: &DependencyGraph, scene: &DependencyScene, e: usize, lang: Lang) -> String {
    let ge = &g.edges[scene.edges[e] as usize];
    Msg::GraphEdgeCard.fill(
        lang,
        &[
            ("parent", &g.services[ge.parent as usize]),
            ("child", &g.services[ge.child as usize]),
            ("calls", &ge.calls.to_string()),
            ("errors", &ge.errors.to_string()),
            ("rate", &format!("{:.1}", ge.error_rate() * 100.0)),
        ],
    )
}

/// Hover card of a shown node: its service, calls and errors in and out.
fn node_tooltip(g: &DependencyGraph, scene: &DependencyScene, v: usize, lang: Lang) -> String {
    let s = scene.nodes[v] as usize;
    Msg::GraphNodeCard.fill(
        lang,
        &[
            ("service", &g.services[s]),
            ("calls_in", &g.calls_in[s].to_string()),
            ("errors_in", &g.errors_in[s].to_string()),
            ("calls_out", &g.calls_out[s].to_string()),
            ("errors_out", &g.errors_out[s].to_string()),
        ],
    )
}
