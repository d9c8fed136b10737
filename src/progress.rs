//! Load progress: the strip shown while a trace loads, and the performance
//! marks the browser benchmark reads.
//!
//! A load holds a [`Ticket`]; its reporter shows each [`Progress`] the engine sends, and
//! dropping the ticket (the load finished, failed or was abandoned) hides the strip — unless
//! a newer load took it over meanwhile.
//!
//! Marks (`performance.getEntriesByType("mark")`): `tracescope:load-start`,
//! `tracescope:worker-ready` (the engine's worker listens),
//! `tracescope:stage:<reading|parsing|deriving|building>` when each stage starts,
//! `tracescope:load-end`, and `tracescope:first-frame` when the waterfall of a newly shown
//! model has been drawn for the first time, `tracescope:minimap-ready` when its minimap is
//! complete (for big traces, in slices after the first frame); both only by the view of the
//! latest load. Measures: `tracescope:copy-model` and `tracescope:decode-model`, the
//! main-thread copy and decoding of a model received from the worker;
//! `tracescope:filter-engine` (set by `engine_client`), a filter's round trip to the worker.

use std::cell::Cell;

use leptos::prelude::*;
use tracescope_core::engine::{Progress, Stage};
use wasm_bindgen::JsCast;

use crate::i18n::{stage_msg, tr, Lang, Msg};
use crate::state::{use_app, AppState};

/// What the progress strip shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadStatus {
    ticket: u64,
    /// The file name, or "trace <id>".
    pub what: String,
    /// `None` until the first report.
    pub progress: Option<Progress>,
}

thread_local! {
    static NEXT_TICKET: Cell<u64> = const { Cell::new(1) };
}

const MARKS: &[&str] = &[
    "tracescope:load-start",
    "tracescope:worker-ready",
    "tracescope:stage:reading",
    "tracescope:stage:parsing",
    "tracescope:stage:deriving",
    "tracescope:stage:building",
    "tracescope:load-end",
    "tracescope:first-frame",
    "tracescope:minimap-ready",
];

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

pub fn mark(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(name);
    }
}

pub fn now_ms() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

/// Records the performance measure `name` from `start` (a [`now_ms`]) to now.
pub fn measure_since(name: &str, start: f64) {
    // `performance.measure(name, { start })` (web-sys has it only as an unstable API).
    let Some(p) = performance() else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    if let Ok(measure) = js_sys::Reflect::get(&p, &"measure".into()) {
        let measure: js_sys::Function = measure.unchecked_into();
        let _ = measure.call2(&p, &name.into(), &options);
    }
}

/// The latest load's ticket: a view records it when it is created, so that only the view of
/// the latest load sets its marks (an older view still on screen during a new load may
/// finish its own minimap meanwhile, which must not count as the new load's).
pub fn current_ticket() -> u64 {
    NEXT_TICKET.get() - 1
}

/// Marks the first frame drawn of a newly shown model (once per load), if the view drawing
/// it belongs to the latest load (`ticket`, from [`current_ticket`] when it was created).
pub fn first_frame(ticket: u64) {
    thread_local! {
        static MARKED_FOR: Cell<u64> = const { Cell::new(0) };
    }
    if ticket == current_ticket() && MARKED_FOR.get() != ticket {
        MARKED_FOR.set(ticket);
        mark("tracescope:first-frame");
    }
}

thread_local! {
    /// Cost of recent waterfall frames (ms spent in our frame callback), for the benchmark.
    static FRAME_MS: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Most frame costs kept between two reads (a page nobody measures keeps only these).
const FRAMES_KEPT: usize = 2000;

/// Records the cost of one frame of the waterfall (the work in our rAF callback).
pub fn record_frame(ms: f64) {
    FRAME_MS.with_borrow_mut(|f| {
        if f.len() >= FRAMES_KEPT {
            f.remove(0);
        }
        f.push(ms);
    });
}

/// The frame costs recorded since the last call, in ms, oldest first; clears them. For the
/// browser benchmark: `window.wasmBindings.tracescope_frame_times()` (rAF timestamps only
/// show the display's refresh interval, not what a frame cost).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn tracescope_frame_times() -> Vec<f64> {
    FRAME_MS.with_borrow_mut(std::mem::take)
}

/// Marks the minimap of a newly shown model complete (once per load): for a big trace it is
/// aggregated in slices after the first frame. `ticket` as for [`first_frame`].
pub fn minimap_ready(ticket: u64) {
    thread_local! {
        static MARKED_FOR: Cell<u64> = const { Cell::new(0) };
    }
    if ticket == current_ticket() && MARKED_FOR.get() != ticket {
        MARKED_FOR.set(ticket);
        mark("tracescope:minimap-ready");
    }
}

/// A load in progress, shown in the strip while it lives.
pub struct Ticket {
    id: u64,
    state: AppState,
}

/// Starts showing a load of `what`.
pub fn begin(state: AppState, what: String) -> Ticket {
    let id = NEXT_TICKET.get();
    NEXT_TICKET.set(id + 1);
    if let Some(p) = performance() {
        for m in MARKS {
            p.clear_marks_with_mark_name(m);
        }
        p.clear_measures_with_measure_name("tracescope:copy-model");
        p.clear_measures_with_measure_name("tracescope:decode-model");
    }
    mark("tracescope:load-start");
    state.loading.set(Some(LoadStatus {
        ticket: id,
        what,
        progress: None,
    }));
    Ticket { id, state }
}

impl Ticket {
    /// The callback the engine client reports to.
    pub fn reporter(&self) -> impl Fn(Progress) + 'static {
        let (id, state) = (self.id, self.state);
        let last_stage = Cell::new(None::<Stage>);
        move |p: Progress| {
            if last_stage.get() != Some(p.stage) {
                last_stage.set(Some(p.stage));
                mark(&format!("tracescope:stage:{}", p.stage.key()));
            }
            state.loading.try_update(|l| {
                if let Some(l) = l.as_mut().filter(|l| l.ticket == id) {
                    l.progress = Some(p);
                }
            });
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let id = self.id;
        let mine = self
            .state
            .loading
            .try_with_untracked(|l| l.as_ref().is_some_and(|l| l.ticket == id))
            .unwrap_or(false);
        if mine {
            mark("tracescope:load-end");
            self.state.loading.try_set(None);
        }
    }
}

/// "12.3 MB".
pub fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// The percentage shown, where one is known: bytes read of the total while reading (a
/// file, or a response with a Content-Length), traces derived of several. Parsing reports
/// no fraction, so the bar is indeterminate then rather than stuck at 0.
fn shown_percent(p: &Progress) -> Option<u32> {
    match p.stage {
        Stage::Reading => p.percent(),
        Stage::Deriving if p.total > 1 => p.percent(),
        _ => None,
    }
}

fn detail(p: &Progress, lang: Lang) -> String {
    match p.stage {
        Stage::Reading if p.total > 0 => Msg::BytesOf.fill(
            lang,
            &[
                ("done", &format_bytes(p.done)),
                ("total", &format_bytes(p.total)),
            ],
        ),
        Stage::Reading => format_bytes(p.done),
        Stage::Parsing if p.total > 0 => format_bytes(p.total),
        Stage::Deriving if p.total > 1 => Msg::DerivingTraceNofM.fill(
            lang,
            &[
                ("n", &(p.done + 1).to_string()),
                ("count", &p.total.to_string()),
            ],
        ),
        _ => String::new(),
    }
}

/// The strip: what is loading, the stage, a bar, and the numbers. The rest of the page
/// stays usable meanwhile (the work happens in a worker). The element stays while the load
/// lasts; only its attributes and text follow the progress.
#[component]
pub fn LoadProgress() -> impl IntoView {
    let state = use_app();
    let progress = move || state.loading.with(|l| l.as_ref().and_then(|l| l.progress));
    let what = move || state.loading.with(|l| l.as_ref().map(|l| l.what.clone()));
    view! {
        <Show when=move || state.loading.with(Option::is_some)>
            <div
                class="load-progress"
                role="status"
                aria-live="polite"
                data-testid="load-progress"
                data-stage=move || progress().map_or("starting", |p| p.stage.key())
                data-done=move || progress().map_or(0, |p| p.done)
                data-total=move || progress().map_or(0, |p| p.total)
                data-percent=move || progress().and_then(|p| shown_percent(&p)).map(|n| n.to_string())
            >
                <span class="what">{move || Msg::LoadingWhat.fill(state.lang.get(), &[("what", &what().unwrap_or_default())])}</span>
                <span class="stage">{move || tr(progress().map_or(Msg::StageStarting, |p| stage_msg(p.stage)))()} "…"</span>
                <progress max="100" value=move || progress().and_then(|p| shown_percent(&p))></progress>
                <span class="percent" data-testid="load-percent">
                    {move || progress().and_then(|p| shown_percent(&p)).map(|n| format!("{n}%")).unwrap_or_default()}
                </span>
                <span class="numbers">{move || progress().map(|p| detail(&p, state.lang.get())).unwrap_or_default()}</span>
            </div>
        </Show>
    }
}
