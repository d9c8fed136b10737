//! The worker: owns one [`Engine`] and answers the page's requests (see [`crate::protocol`]).
//! Everything heavy — reading the bytes, importing, deriving, building view-models — runs
//! here, off the page's main thread.

use std::cell::RefCell;

use tracescope_core::engine::{Engine, LoadInfo, Progress, Stage};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::envelope::{buffer_from, bytes_of, wasm_memory_bytes, Envelope};
use crate::protocol::{is_empty_array, LoadError, Reply, Request, Source, NO_REQUEST};

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(envelope: &Envelope<Reply>) {
    let (msg, transfer) = envelope.to_js();
    // Fails only for values that cannot be cloned; ours are plain objects and buffers.
    let _ = scope().post_message_with_transfer(&msg, &transfer);
}

fn reply(id: u32, msg: Reply) {
    post(&Envelope::new(id, msg));
}

/// Starts listening and says `Ready`. Called once, from the worker binary's `main`.
pub fn run() {
    // A panic (or running out of memory) ends this worker: tell the page why, typed, before
    // the abort. Every request of this worker has then failed.
    std::panic::set_hook(Box::new(|info| {
        reply(
            NO_REQUEST,
            Reply::Failed {
                error: LoadError::Crashed {
                    message: info.to_string(),
                },
            },
        );
    }));
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
        if let Some(envelope) = Envelope::<Request>::from_js(&ev.data()) {
            handle(envelope);
        }
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    onmessage.forget();
    reply(NO_REQUEST, Reply::Ready);
}

fn with_engine<T>(f: impl FnOnce(&Engine) -> Option<T>) -> Option<T> {
    ENGINE.with_borrow(|e| e.as_ref().and_then(f))
}

fn handle(envelope: Envelope<Request>) {
    let id = envelope.id;
    match envelope.msg {
        Request::Load { source } => {
            let (file, buf) = (envelope.file, envelope.buf);
            wasm_bindgen_futures::spawn_local(load(id, source, file, buf, true));
        }
        Request::Summarise { source } => {
            let (file, buf) = (envelope.file, envelope.buf);
            wasm_bindgen_futures::spawn_local(load(id, source, file, buf, false));
        }
        Request::Model { trace } => reply_model(id, with_engine(|e| e.model(trace))),
        Request::SkewCorrection { trace, on } => {
            let model = ENGINE.with_borrow_mut(|e| e.as_mut()?.set_skew_correction(trace, on));
            reply_model(id, model);
        }
        Request::Filter { trace, query } => {
            let result =
                with_engine(|e| Some(e.filter_marks(trace, &query))).unwrap_or(Ok((Vec::new(), 0)));
            match result {
                Ok((marks, count)) => {
                    post(
                        &Envelope::new(id, Reply::Filter { result: Ok(count) })
                            .with_buf(buffer_from(&marks)),
                    );
                }
                Err(e) => reply(id, Reply::Filter { result: Err(e) }),
            }
        }
        Request::Export { trace, export } => match with_engine(|e| e.export(trace, export)) {
            Some(bytes) => post(
                &Envelope::new(id, Reply::Export { found: true }).with_buf(buffer_from(&bytes)),
            ),
            None => reply(id, Reply::Export { found: false }),
        },
        Request::Detail { trace, span } => reply(
            id,
            Reply::Detail {
                detail: with_engine(|e| e.span_detail(trace, span)),
            },
        ),
        Request::FindSpan { trace, id: span_id } => reply(
            id,
            Reply::FindSpan {
                span: with_engine(|e| e.find_span(trace, &span_id)),
            },
        ),
    }
}

fn reply_model(id: u32, model: Option<tracescope_core::layout::model::WaterfallModel>) {
    match model.map(|m| buffer_from(&m.to_bytes())) {
        Some(buf) => post(&Envelope::new(id, Reply::Model { found: true }).with_buf(buf)),
        None => reply(id, Reply::Model { found: false }),
    }
}

/// Reads, imports and derives; with `view`, also builds the first trace's model (a `Load`),
/// else only summarises (a `Summarise`).
async fn load(
    id: u32,
    source: Source,
    file: Option<web_sys::Blob>,
    buf: Option<js_sys::ArrayBuffer>,
    view: bool,
) {
    let mut report = |progress: Progress| reply(id, Reply::Progress { progress });
    let read = match (&source, buf) {
        (Source::Bytes, Some(buf)) => Ok(bytes_of(&buf)),
        _ => crate::source::read(&source, file.as_ref(), &mut report).await,
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(error) => return reply(id, Reply::Failed { error }),
    };
    if !view && is_empty_array(&bytes) {
        let info = LoadInfo {
            format: String::new(),
            traces: Vec::new(),
        };
        return reply(
            id,
            Reply::Loaded {
                info,
                worker_memory_bytes: wasm_memory_bytes(),
            },
        );
    }
    let engine = match Engine::load_reporting(&bytes, &mut report) {
        Ok(engine) => engine,
        Err(error) => {
            return reply(
                id,
                Reply::Failed {
                    error: LoadError::Import { error },
                },
            )
        }
    };
    // The input is no longer needed; its memory is reused for the model.
    drop(bytes);
    let info = engine.info();
    let model = if view {
        report(Progress::new(Stage::Building, 0, 1));
        engine.model(0).map(|m| buffer_from(&m.to_bytes()))
    } else {
        None
    };
    ENGINE.set(Some(engine));
    let mut envelope = Envelope::new(
        id,
        Reply::Loaded {
            info,
            worker_memory_bytes: wasm_memory_bytes(),
        },
    );
    envelope.buf = model;
    post(&envelope);
    if view {
        // While the page copies, decodes and draws the model, this worker is idle: make the
        // filter's columns now, so the first filter does not wait for them.
        let prepare = wasm_bindgen::closure::Closure::once_into_js(|| {
            ENGINE.with_borrow(|e| {
                if let Some(e) = e {
                    e.prepare_filter(0);
                }
            });
        });
        let _ = scope().set_timeout_with_callback(prepare.unchecked_ref());
    }
}
