//! The app's side of the [`Engine`]: loads a trace and answers questions about it. The
//! engine runs in a dedicated Web Worker per load (`crates/tracescope-worker`), so the page's
//! main thread only ever holds summaries and the flat [`WaterfallModel`] it draws. Where
//! `Worker` is missing (or its script does not start) the engine runs in the page instead,
//! behind the same API.
//!
//! Why one worker per load: terminating it is the only way to stop a parse in progress (a
//! busy worker reads no messages), and it is the only way to give memory back (wasm memory
//! never shrinks; a long-lived worker would keep the high-water mark of the biggest trace
//! ever opened). A worker starts in well under the time a big trace takes to read.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use futures_channel::oneshot;
use tracescope_core::engine::{Engine, LoadInfo, Progress, SpanDetail, Stage};
use tracescope_core::filter::FilterError;
use tracescope_core::layout::model::{Decoder, WaterfallModel};
use tracescope_worker::envelope::{bytes_of, wasm_memory_bytes, Envelope};
use tracescope_worker::protocol::{is_empty_array, Reply, Request, Source, NO_REQUEST};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, MessageEvent, Worker, WorkerOptions, WorkerType};

pub use tracescope_worker::protocol::LoadError;

/// How long a worker may take to say `Ready` (fetching and compiling its wasm) before the
/// page gives up on workers and loads by itself.
const START_TIMEOUT_MS: i32 = 15_000;

/// The worker's script, beside `index.html` (Trunk's loader shim for the worker binary).
/// Resolved against the document, so the bundle works from any sub-path.
const WORKER_SCRIPT: &str = "tracescope-worker_loader.js";
/// The wasm-bindgen glue the loader imports (it finds its wasm from its own URL).
const WORKER_GLUE: &str = "tracescope-worker.js";

/// What to load. The bytes never pass through the page: the worker reads the file or
/// fetches the URL itself.
pub enum LoadSource {
    File(web_sys::File),
    Url(String),
}

impl LoadSource {
    fn to_protocol(&self) -> (Source, Option<web_sys::Blob>) {
        match self {
            LoadSource::File(f) => (Source::File { name: f.name() }, Some(f.clone().into())),
            LoadSource::Url(url) => (Source::Url { url: url.clone() }, None),
        }
    }
}

#[derive(Clone)]
pub struct EngineClient {
    inner: Rc<Inner>,
}

enum Inner {
    Worker {
        link: Rc<Link>,
        /// The last model received (the first trace's comes with the load).
        model: RefCell<Option<(usize, Arc<WaterfallModel>)>>,
        /// Traces whose clock-skew correction is switched off in the engine.
        skew_off: RefCell<Vec<usize>>,
    },
    Local(RefCell<Engine>),
}

thread_local! {
    /// Bumped by every load: a load that finds it changed has been superseded.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    /// The worker of the load in flight, to terminate when another load starts.
    static LOADING: RefCell<Option<Weak<Link>>> = const { RefCell::new(None) };
    /// The last worker's wasm memory after its load, for the benchmark.
    static WORKER_MEMORY: Cell<u64> = const { Cell::new(0) };
    /// A worker started ahead of the next load, so that load need not wait for one.
    static SPARE: RefCell<Option<Rc<Link>>> = const { RefCell::new(None) };
    /// Set when a worker failed to start (no script, blocked): the page works alone.
    static NO_WORKERS: Cell<bool> = const { Cell::new(false) };
}

/// Starts a worker in the background for the next load, unless one is waiting already.
/// Called at start-up and after each load; an idle worker costs a few MB.
pub fn prewarm() {
    if worker_available() && SPARE.with_borrow(Option::is_none) {
        SPARE.set(Link::adopt_early().or_else(Link::spawn));
    }
}

/// The global where `start-worker.js` (loaded by `index.html`, see there) leaves the worker
/// it started before the page's wasm had loaded: `{ worker, messages, failed }`.
const EARLY_WORKER: &str = "__tracescopeEarlyWorker";

/// Stops the load in flight, if any: its worker is terminated and its `open` returns
/// [`LoadError::Abandoned`]. Loads already finished are not affected.
pub fn abandon_loads() {
    GENERATION.set(GENERATION.get() + 1);
    if let Some(link) = LOADING.take().and_then(|w| w.upgrade()) {
        link.shut_down();
    }
}

fn current(generation: u64) -> Result<(), LoadError> {
    if GENERATION.get() == generation {
        Ok(())
    } else {
        Err(LoadError::Abandoned)
    }
}

impl EngineClient {
    /// Loads a trace file or URL, reporting progress. Starting another load abandons this
    /// one (it then returns [`LoadError::Abandoned`]).
    pub async fn open(
        source: LoadSource,
        progress: impl Fn(Progress) + 'static,
    ) -> Result<(EngineClient, LoadInfo), LoadError> {
        abandon_loads();
        let generation = GENERATION.get();
        progress(Progress::new(Stage::Reading, 0, 0));
        let link = if worker_available() {
            Link::start().await
        } else {
            None
        };
        current(generation)?;
        let Some(link) = link else {
            return open_in_page(source, progress, generation).await;
        };
        crate::progress::mark("tracescope:worker-ready");
        LOADING.set(Some(Rc::downgrade(&link)));
        let (request, file) = source.to_protocol();
        let mut envelope = Envelope::new(NO_REQUEST, Request::Load { source: request });
        envelope.file = file;
        let answer = link.send(envelope, Some(Box::new(progress))).await;
        current(generation)?;
        LOADING.set(None);
        let done = loaded(link, answer?).await;
        prewarm();
        // Decoding the model yields to the browser: a newer load may have started meanwhile.
        current(generation)?;
        done
    }

    /// Summaries of every trace in a search answer the page fetched. The buffer is
    /// transferred to a worker (no copy), parsed there, and the worker let go; only the
    /// summaries come back. Does not abandon other loads.
    pub async fn summarise(answer: js_sys::ArrayBuffer) -> Result<LoadInfo, LoadError> {
        let link = if worker_available() {
            Link::start().await
        } else {
            None
        };
        let Some(link) = link else {
            let bytes = bytes_of(&answer);
            if is_empty_array(&bytes) {
                return Ok(LoadInfo {
                    format: String::new(),
                    traces: Vec::new(),
                });
            }
            let engine = Engine::load(&bytes).map_err(|error| LoadError::Import { error })?;
            return Ok(engine.info());
        };
        let request = Request::Summarise {
            source: Source::Bytes,
        };
        let answer = link
            .send(Envelope::new(NO_REQUEST, request).with_buf(answer), None)
            .await;
        prewarm();
        match answer?.msg {
            Reply::Loaded { info, .. } => Ok(info),
            Reply::Failed { error } => Err(error),
            other => Err(unexpected(&other)),
        }
    }

    /// The model of `trace`, derived with clock-skew correction on or off.
    pub async fn model(&self, trace: usize, skew: bool) -> Option<Arc<WaterfallModel>> {
        if self.skew_correction(trace) != skew {
            return self.set_skew_correction(trace, skew).await;
        }
        match &*self.inner {
            Inner::Local(engine) => engine.borrow().model(trace).map(Arc::new),
            Inner::Worker { link, model, .. } => {
                if let Some((t, m)) = &*model.borrow() {
                    if *t == trace {
                        return Some(m.clone());
                    }
                }
                let answer = link.request(Request::Model { trace }).await.ok()?;
                let m = match answer.msg {
                    Reply::Model { found: true } => decode_model(answer.buf.as_ref()?).await?,
                    _ => return None,
                };
                model.replace(Some((trace, m.clone())));
                Some(m)
            }
        }
    }

    /// Filter marks by model position (`layout::rows::marks`; empty: no filter) and the
    /// number of matches, computed by the engine and used by the page as they are. If the
    /// worker is gone, nothing matches.
    pub async fn filter(
        &self,
        trace: usize,
        query: String,
    ) -> Result<(Vec<u8>, usize), FilterError> {
        match &*self.inner {
            Inner::Local(engine) => engine.borrow().filter_marks(trace, &query),
            Inner::Worker { link, .. } => {
                let start = crate::progress::now_ms();
                let Ok(answer) = link.request(Request::Filter { trace, query }).await else {
                    return Ok((Vec::new(), 0));
                };
                // The engine's share of a filter's latency, for the benchmark.
                crate::progress::measure_since("tracescope:filter-engine", start);
                match answer.msg {
                    Reply::Filter { result: Err(e) } => Err(e),
                    Reply::Filter { result: Ok(count) } => {
                        Ok((answer.buf.map(|b| bytes_of(&b)).unwrap_or_default(), count))
                    }
                    _ => Ok((Vec::new(), 0)),
                }
            }
        }
    }

    /// Switches clock-skew correction of `trace` on or off; the engine derives the trace
    /// again and answers with its new model (`None` if the worker is gone).
    pub async fn set_skew_correction(&self, trace: usize, on: bool) -> Option<Arc<WaterfallModel>> {
        let m = match &*self.inner {
            Inner::Local(engine) => engine
                .borrow_mut()
                .set_skew_correction(trace, on)
                .map(Arc::new),
            Inner::Worker { link, .. } => {
                let answer = link
                    .request(Request::SkewCorrection { trace, on })
                    .await
                    .ok()?;
                match answer.msg {
                    Reply::Model { found: true } => decode_model(answer.buf.as_ref()?).await,
                    _ => None,
                }
            }
        }?;
        if let Inner::Worker {
            model, skew_off, ..
        } = &*self.inner
        {
            model.replace(Some((trace, m.clone())));
            let mut off = skew_off.borrow_mut();
            off.retain(|&t| t != trace);
            if !on {
                off.push(trace);
            }
        }
        Some(m)
    }

    /// Whether clock-skew correction is on for `trace` in the engine (on after a load).
    fn skew_correction(&self, trace: usize) -> bool {
        match &*self.inner {
            Inner::Local(engine) => engine.borrow().skew_correction(trace).unwrap_or(true),
            Inner::Worker { skew_off, .. } => !skew_off.borrow().contains(&trace),
        }
    }

    /// A trace in a downloadable form, as a `Blob` of type `mime` (bytes from the worker go
    /// straight into it, never through wasm memory).
    pub async fn export(
        &self,
        trace: usize,
        export: tracescope_core::engine::ExportKind,
        mime: &str,
    ) -> Option<web_sys::Blob> {
        let part: JsValue = match &*self.inner {
            Inner::Local(engine) => {
                let bytes = engine.borrow().export(trace, export)?;
                js_sys::Uint8Array::from(&bytes[..]).into()
            }
            Inner::Worker { link, .. } => {
                let answer = link.request(Request::Export { trace, export }).await.ok()?;
                match answer.msg {
                    Reply::Export { found: true } => answer.buf?.into(),
                    _ => return None,
                }
            }
        };
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(mime);
        web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&part), &opts)
            .ok()
    }

    /// The span with span id `id` (see [`tracescope_core::engine::Engine::find_span`]).
    pub async fn find_span(&self, trace: usize, id: String) -> Option<u32> {
        match &*self.inner {
            Inner::Local(engine) => engine.borrow().find_span(trace, &id),
            Inner::Worker { link, .. } => {
                let answer = link.request(Request::FindSpan { trace, id }).await.ok()?;
                match answer.msg {
                    Reply::FindSpan { span } => span,
                    _ => None,
                }
            }
        }
    }

    pub async fn span_detail(&self, trace: usize, span: u32) -> Option<SpanDetail> {
        match &*self.inner {
            Inner::Local(engine) => engine.borrow().span_detail(trace, span),
            Inner::Worker { link, .. } => {
                let answer = link.request(Request::Detail { trace, span }).await.ok()?;
                match answer.msg {
                    Reply::Detail { detail } => detail,
                    _ => None,
                }
            }
        }
    }
}

/// A client for the worker that answered a load with `answer`.
async fn loaded(
    link: Rc<Link>,
    answer: Envelope<Reply>,
) -> Result<(EngineClient, LoadInfo), LoadError> {
    match answer.msg {
        Reply::Loaded {
            info,
            worker_memory_bytes,
        } => {
            WORKER_MEMORY.set(worker_memory_bytes);
            let model = match &answer.buf {
                Some(buf) => decode_model(buf).await,
                None => None,
            };
            let client = EngineClient {
                inner: Rc::new(Inner::Worker {
                    link,
                    model: RefCell::new(model.map(|m| (0, m))),
                    skew_off: RefCell::new(Vec::new()),
                }),
            };
            Ok((client, info))
        }
        Reply::Failed { error } => Err(error),
        other => Err(unexpected(&other)),
    }
}

fn unexpected(reply: &Reply) -> LoadError {
    LoadError::Crashed {
        message: format!("unexpected answer from the engine: {reply:?}"),
    }
}

/// Decodes a model on the main thread. Copying it into wasm memory and decoding it take
/// tens of ms each for a million spans, so the copy gets a task of its own, the decode
/// yields between columns once it has worked for [`TASK_BUDGET_MS`], and the page's reaction
/// to the result (building the view) gets a task of its own. Timed as performance measures
/// for the benchmark (`copy-model` and `decode-model` span their tasks).
async fn decode_model(buf: &js_sys::ArrayBuffer) -> Option<Arc<WaterfallModel>> {
    let start = crate::progress::now_ms();
    let bytes = copy_in_slices(buf).await;
    crate::progress::measure_since("tracescope:copy-model", start);
    yield_to_browser().await;
    let start = crate::progress::now_ms();
    let mut decoder = Decoder::new(&bytes)?;
    let mut task_start = start;
    while !decoder.step()? {
        if crate::progress::now_ms() - task_start > TASK_BUDGET_MS {
            yield_to_browser().await;
            task_start = crate::progress::now_ms();
        }
    }
    let model = decoder.finish().map(Arc::new);
    crate::progress::measure_since("tracescope:decode-model", start);
    drop(bytes);
    yield_to_browser().await;
    model
}

/// A received buffer → bytes in wasm memory, in slices of [`COPY_SLICE`], yielding to the
/// browser once a task has worked for [`TASK_BUDGET_MS`]. The cost of a big copy is the
/// first touch of freshly grown wasm memory (page faults), not the copy: a 1M-span model
/// (≈100 MB) copied in one go took 40–130 ms of one task here.
async fn copy_in_slices(buf: &js_sys::ArrayBuffer) -> Vec<u8> {
    let all = js_sys::Uint8Array::new(buf);
    let n = all.length() as usize;
    if n <= COPY_SLICE {
        return bytes_of(buf);
    }
    let mut out = Vec::with_capacity(n);
    let mut task_start = crate::progress::now_ms();
    while out.len() < n {
        let at = out.len();
        let end = (at + COPY_SLICE).min(n);
        out.resize(end, 0);
        all.subarray(at as u32, end as u32)
            .copy_to(&mut out[at..end]);
        if crate::progress::now_ms() - task_start > TASK_BUDGET_MS {
            yield_to_browser().await;
            task_start = crate::progress::now_ms();
        }
    }
    out
}

const COPY_SLICE: usize = 4 << 20;

/// How long main-thread work on a model may run before it yields to the browser.
const TASK_BUDGET_MS: f64 = 16.0;

/// Ends the current task; continues in a new one (after input and rendering had a chance).
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn worker_available() -> bool {
    !NO_WORKERS.get() && js_sys::Reflect::has(&js_sys::global(), &"Worker".into()).unwrap_or(false)
}

/// Without a worker: read and load on the main thread (the page blocks while it parses).
async fn open_in_page(
    source: LoadSource,
    progress: impl Fn(Progress) + 'static,
    generation: u64,
) -> Result<(EngineClient, LoadInfo), LoadError> {
    let (request, file) = source.to_protocol();
    let mut report = |p: Progress| progress(p);
    let bytes = tracescope_worker::source::read(&request, file.as_ref(), &mut report).await?;
    current(generation)?;
    let engine =
        Engine::load_reporting(&bytes, &mut report).map_err(|error| LoadError::Import { error })?;
    report(Progress::new(Stage::Building, 0, 1));
    let info = engine.info();
    Ok((
        EngineClient {
            inner: Rc::new(Inner::Local(RefCell::new(engine))),
        },
        info,
    ))
}

/// A request waiting for its answer; progress reports go to `progress` meanwhile.
struct Pending {
    answer: oneshot::Sender<Envelope<Reply>>,
    progress: Option<Box<dyn Fn(Progress)>>,
}

type Handlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(Event)>);

/// One worker and the requests in flight to it. Dropping the last client terminates it.
struct Link {
    worker: Worker,
    next_id: Cell<u32>,
    pending: RefCell<HashMap<u32, Pending>>,
    /// Whether the worker listens yet.
    start: RefCell<Start>,
    /// Why the worker stopped, once it has.
    dead: RefCell<Option<String>>,
    handlers: RefCell<Option<Handlers>>,
}

/// A worker's start-up: its script and wasm load, then it says `Ready`.
enum Start {
    /// Still starting; these wait for the outcome.
    Starting(Vec<oneshot::Sender<bool>>),
    Ready,
    Failed,
}

impl Link {
    /// A started worker: the warm spare if there is one (see [`prewarm`]), else a new one.
    /// `None` if no worker can start (the caller then works in the page).
    async fn start() -> Option<Rc<Link>> {
        let spare = SPARE.take().filter(|l| l.dead.borrow().is_none());
        let link = spare.or_else(Link::spawn)?;
        link.started().await.then_some(link)
    }

    /// Creates a worker; it starts in the background.
    fn spawn() -> Option<Rc<Link>> {
        // A module worker: its loader imports the wasm-bindgen glue as an ES module.
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&worker_url(), &options).ok()?;
        Some(Link::wrap(worker))
    }

    /// The worker `start-worker.js` started while the page loaded, if there is one, with
    /// what it said meanwhile (its `Ready`, or its failure to start). Marks it taken either
    /// way, so that script, if it runs only now, starts none.
    fn adopt_early() -> Option<Rc<Link>> {
        let global = js_sys::global();
        let key = JsValue::from_str(EARLY_WORKER);
        let early = js_sys::Reflect::get(&global, &key).ok()?;
        let _ = js_sys::Reflect::set(&global, &key, &JsValue::NULL);
        let field = |name: &str| js_sys::Reflect::get(&early, &name.into()).ok();
        let worker: Worker = field("worker")?.dyn_into().ok()?;
        let link = Link::wrap(worker);
        if let Some(messages) = field("messages").filter(|m| m.is_object()) {
            for message in js_sys::Array::from(&messages).iter() {
                link.on_message(&message);
            }
        }
        if field("failed").and_then(|f| f.as_bool()) == Some(true) {
            link.on_error("");
        }
        Some(link)
    }

    /// Takes charge of a worker that is starting (or has started): its messages and errors
    /// now come here.
    fn wrap(worker: Worker) -> Rc<Link> {
        let link = Rc::new(Link {
            worker,
            next_id: Cell::new(NO_REQUEST + 1),
            pending: RefCell::new(HashMap::new()),
            start: RefCell::new(Start::Starting(Vec::new())),
            dead: RefCell::new(None),
            handlers: RefCell::new(None),
        });
        let weak = Rc::downgrade(&link);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(link) = weak.upgrade() {
                link.on_message(&ev.data());
            }
        });
        let weak = Rc::downgrade(&link);
        let on_error = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            // Handled here (shown to the user as a typed error), not as an uncaught error.
            ev.prevent_default();
            // An `ErrorEvent` when the worker's code threw; a plain `Event` when its script
            // could not be loaded.
            let message = js_sys::Reflect::get(&ev, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            if let Some(link) = weak.upgrade() {
                link.on_error(&message);
            }
        });
        link.worker
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        link.worker
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        link.handlers.replace(Some((on_message, on_error)));
        // A worker whose wasm fails to load rejects a promise inside the worker, which the
        // page never hears of: give up waiting after a while (then the page works alone).
        let weak = Rc::downgrade(&link);
        let give_up = Closure::once_into_js(move || {
            if let Some(link) = weak.upgrade() {
                if link.is_starting() {
                    link.set_started(false);
                }
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                give_up.unchecked_ref(),
                START_TIMEOUT_MS,
            );
        }
        link
    }

    /// Waits until the worker listens (true) or could not start (false).
    async fn started(&self) -> bool {
        let waiting = match &mut *self.start.borrow_mut() {
            Start::Ready => return true,
            Start::Failed => return false,
            Start::Starting(waiters) => {
                let (tx, rx) = oneshot::channel();
                waiters.push(tx);
                rx
            }
        };
        let ok = waiting.await.unwrap_or(false);
        if !ok {
            if self.dead.borrow().is_none() {
                // It failed by itself (not shut down): workers do not work here.
                NO_WORKERS.set(true);
            }
            self.shut_down();
        }
        ok
    }

    fn set_started(&self, ok: bool) {
        let before = self
            .start
            .replace(if ok { Start::Ready } else { Start::Failed });
        if let Start::Starting(waiters) = before {
            for w in waiters {
                let _ = w.send(ok);
            }
        }
    }

    fn is_starting(&self) -> bool {
        matches!(*self.start.borrow(), Start::Starting(_))
    }

    fn on_message(&self, data: &JsValue) {
        let Some(envelope) = Envelope::<Reply>::from_js(data) else {
            return;
        };
        if envelope.id == NO_REQUEST {
            match envelope.msg {
                Reply::Ready => self.set_started(true),
                Reply::Failed { error } => self.fail(match error {
                    LoadError::Crashed { message } => message,
                    other => format!("{other:?}"),
                }),
                _ => {}
            }
            return;
        }
        if let Reply::Progress { progress } = envelope.msg {
            if let Some(report) = self
                .pending
                .borrow()
                .get(&envelope.id)
                .and_then(|p| p.progress.as_ref())
            {
                report(progress);
            }
            return;
        }
        let pending = self.pending.borrow_mut().remove(&envelope.id);
        if let Some(p) = pending {
            let _ = p.answer.send(envelope);
        }
    }

    fn on_error(&self, message: &str) {
        if self.is_starting() {
            // The script did not load or start: the caller falls back to the page.
            self.set_started(false);
            return;
        }
        self.fail(if message.is_empty() {
            "the worker stopped".to_string()
        } else {
            message.to_string()
        });
    }

    /// The worker crashed: every request in flight fails with the reason.
    fn fail(&self, message: String) {
        if self.dead.borrow().is_none() {
            self.dead.replace(Some(message.clone()));
        }
        let pending: Vec<_> = self.pending.borrow_mut().drain().collect();
        for (id, p) in pending {
            let _ = p.answer.send(Envelope::new(
                id,
                Reply::Failed {
                    error: LoadError::Crashed {
                        message: message.clone(),
                    },
                },
            ));
        }
        self.worker.terminate();
    }

    /// Terminates the worker; requests in flight end as abandoned.
    fn shut_down(&self) {
        self.worker.terminate();
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.dead
            .borrow_mut()
            .get_or_insert_with(|| "the worker was stopped".into());
        // Dropping the senders wakes every waiting request with `Canceled`.
        self.pending.borrow_mut().clear();
        if self.is_starting() {
            self.set_started(false);
        }
    }

    async fn request(&self, msg: Request) -> Result<Envelope<Reply>, LoadError> {
        self.send(Envelope::new(NO_REQUEST, msg), None).await
    }

    /// Sends `envelope` (its id is assigned here) and waits for the answer.
    async fn send(
        &self,
        mut envelope: Envelope<Request>,
        progress: Option<Box<dyn Fn(Progress)>>,
    ) -> Result<Envelope<Reply>, LoadError> {
        if let Some(message) = self.dead.borrow().clone() {
            return Err(LoadError::Crashed { message });
        }
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1).max(NO_REQUEST + 1));
        let (answer, received) = oneshot::channel();
        self.pending
            .borrow_mut()
            .insert(id, Pending { answer, progress });
        envelope.id = id;
        let (js, transfer) = envelope.to_js();
        if let Err(e) = self.worker.post_message_with_transfer(&js, &transfer) {
            self.pending.borrow_mut().remove(&id);
            return Err(LoadError::Crashed {
                message: format!("the request could not be sent: {e:?}"),
            });
        }
        received.await.map_err(|_| LoadError::Abandoned)
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.shut_down();
        // The handlers are dropped with the link; the worker can no longer call them.
    }
}

fn worker_url() -> String {
    let url = crate::url::asset_url(WORKER_SCRIPT);
    let page_origin = web_sys::window().and_then(|w| w.location().origin().ok());
    let script_origin = web_sys::Url::new(&url).ok().map(|u| u.origin());
    if page_origin.is_none() || page_origin == script_origin {
        return url;
    }
    // Mounted in a page of another origin (JS API): a worker script must be same-origin,
    // so the worker starts from a same-origin blob that imports the bundle's glue (which
    // the bundle's host serves with CORS, README "Embedding").
    thread_local! {
        static SHIM: RefCell<Option<String>> = const { RefCell::new(None) };
    }
    SHIM.with(|shim| {
        if let Some(u) = shim.borrow().as_ref() {
            return u.clone();
        }
        let glue = crate::url::asset_url(WORKER_GLUE);
        let source = format!(
            "import init from {};await init();",
            serde_json::to_string(&glue).unwrap_or_default()
        );
        let parts = js_sys::Array::of1(&JsValue::from_str(&source));
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("text/javascript");
        let blob_url = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
            .and_then(|b| web_sys::Url::create_object_url_with_blob(&b))
            .unwrap_or(url);
        *shim.borrow_mut() = Some(blob_url.clone());
        blob_url
    })
}

/// Wasm memory in bytes of the page (`main`) and of the last loaded trace's worker
/// (`worker`, measured right after its load). For the browser benchmark:
/// `window.wasmBindings.tracescope_memory()`.
#[wasm_bindgen]
pub fn tracescope_memory() -> JsValue {
    let out = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &out,
        &"main".into(),
        &JsValue::from_f64(wasm_memory_bytes() as f64),
    );
    let _ = js_sys::Reflect::set(
        &out,
        &"worker".into(),
        &JsValue::from_f64(WORKER_MEMORY.get() as f64),
    );
    out.into()
}
