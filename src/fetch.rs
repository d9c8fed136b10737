//! HTTP to the Zipkin API. Every failure becomes a specific [`AppError`]; every request can
//! be cancelled and has a timeout ([`Abort`]).

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{AppError, Problem};

fn origin() -> String {
    crate::config::origin()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reason {
    Running,
    Cancelled,
    TimedOut,
}

/// Cancels a request (the user's cancel button, or a newer search) or times it out. One
/// `Abort` may cover several requests (a search's fetch and its body).
#[derive(Clone)]
pub struct Abort {
    inner: Rc<AbortInner>,
}

struct AbortInner {
    controller: Option<web_sys::AbortController>,
    reason: Rc<Cell<Reason>>,
    seconds: u32,
    timer: Cell<Option<i32>>,
    // Kept alive until the timer is cleared (and restarted with it).
    on_timeout: Option<Closure<dyn FnMut()>>,
}

impl Drop for AbortInner {
    fn drop(&mut self) {
        if let (Some(t), Some(w)) = (self.timer.get(), web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
    }
}

fn start_timer(closure: &Closure<dyn FnMut()>, seconds: u32) -> Option<i32> {
    let ms = i32::try_from(u64::from(seconds) * 1000).unwrap_or(i32::MAX);
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(closure.as_ref().unchecked_ref(), ms)
        .ok()
}

impl Abort {
    /// Aborts the requests after `seconds` without an answer or without data, reporting a
    /// timeout.
    pub fn with_timeout(seconds: u32) -> Abort {
        let controller = web_sys::AbortController::new().ok();
        let reason = Rc::new(Cell::new(Reason::Running));
        let closure = controller.as_ref().map(|c| {
            let c = c.clone();
            let r = reason.clone();
            Closure::<dyn FnMut()>::new(move || {
                if r.get() == Reason::Running {
                    r.set(Reason::TimedOut);
                    c.abort();
                }
            })
        });
        let timer = closure.as_ref().and_then(|c| start_timer(c, seconds));
        Abort {
            inner: Rc::new(AbortInner {
                controller,
                reason,
                seconds,
                timer: Cell::new(timer),
                on_timeout: closure,
            }),
        }
    }

    /// Data arrived: the timeout counts again from now (it is a limit on silence, so a big
    /// answer that keeps arriving is not cut off).
    fn restart(&self) {
        let i = &self.inner;
        if i.reason.get() != Reason::Running {
            return;
        }
        if let (Some(t), Some(w)) = (i.timer.take(), web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
        if let Some(c) = &i.on_timeout {
            i.timer.set(start_timer(c, i.seconds));
        }
    }

    /// Stops the requests; they fail with [`AppError::Cancelled`].
    pub fn cancel(&self) {
        if self.inner.reason.get() == Reason::Running {
            self.inner.reason.set(Reason::Cancelled);
            if let Some(c) = &self.inner.controller {
                c.abort();
            }
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.inner.controller.as_ref().map(|c| c.signal())
    }

    /// The error for a request this stopped, if it stopped it.
    fn stopped(&self, url: &str) -> Option<AppError> {
        match self.inner.reason.get() {
            Reason::Running => None,
            Reason::Cancelled => Some(AppError::Cancelled),
            Reason::TimedOut => Some(AppError::Timeout {
                url: url.to_string(),
                seconds: self.inner.seconds,
            }),
        }
    }
}

async fn send(url: &str, abort: &Abort) -> Result<Response, AppError> {
    let signal = abort.signal();
    match Request::get(url).abort_signal(signal.as_ref()).send().await {
        Ok(resp) => Ok(resp),
        Err(_) => {
            if let Some(e) = abort.stopped(url) {
                return Err(e);
            }
            // fetch() says only "TypeError". A no-cors request succeeds when the server is
            // up, which tells a CORS refusal from a server that is not there.
            let probe = Request::get(url)
                .mode(web_sys::RequestMode::NoCors)
                .abort_signal(signal.as_ref())
                .send()
                .await;
            if let Some(e) = abort.stopped(url) {
                return Err(e);
            }
            Err(match probe {
                Ok(_) => AppError::Cors {
                    url: url.to_string(),
                    origin: origin(),
                },
                Err(_) => AppError::Unreachable {
                    url: url.to_string(),
                },
            })
        }
    }
}

/// GETs `url` and returns the body bytes of a 2xx answer.
pub async fn get_bytes(url: &str, abort: &Abort) -> Result<Vec<u8>, AppError> {
    let resp = ok(url, send(url, abort).await?).await?;
    resp.binary().await.map_err(|e| {
        abort.stopped(url).unwrap_or_else(|| AppError::Json {
            url: url.to_string(),
            message: Problem::Unreadable(e.to_string()),
        })
    })
}

/// GETs `url` and returns the body of a 2xx answer without copying it into wasm memory:
/// for handing to the engine's worker. The body is read as a stream, and `progress` hears
/// the bytes read so far and the length the server announced (0 when it did not).
pub async fn get_buffer(
    url: &str,
    abort: &Abort,
    progress: impl Fn(f64, f64),
) -> Result<js_sys::ArrayBuffer, AppError> {
    let resp = ok(url, send(url, abort).await?).await?;
    let total: f64 = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    let read_error = |e: JsValue| {
        abort.stopped(url).unwrap_or_else(|| AppError::Json {
            url: url.to_string(),
            message: Problem::Unreadable(e.as_string().unwrap_or_else(|| format!("{e:?}"))),
        })
    };
    let raw: web_sys::Response = resp.into();
    let Some(reader) = body_reader(&raw) else {
        // No streams: the browser reads the whole body off the main thread.
        let promise = raw.array_buffer().map_err(read_error)?;
        return wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(read_error)?
            .dyn_into::<js_sys::ArrayBuffer>()
            .map_err(read_error);
    };
    let read = js_sys::Reflect::get(&reader, &"read".into())
        .map_err(read_error)?
        .dyn_into::<js_sys::Function>()
        .map_err(read_error)?;
    // The body stays in JS memory. With a known length each chunk is copied into place as it
    // arrives (no big copy at the end, which would be one long main-thread task for a large
    // answer); otherwise the chunks are joined by a Blob, whose bytes the browser reads off
    // the main thread.
    let mut whole = (total > 0.0 && total < f64::from(u32::MAX))
        .then(|| js_sys::Uint8Array::new_with_length(total as u32));
    let mut chunks: Vec<js_sys::Uint8Array> = Vec::new();
    let mut done_bytes = 0.0;
    loop {
        let promise = read
            .call0(&reader)
            .map_err(read_error)?
            .dyn_into::<js_sys::Promise>()
            .map_err(read_error)?;
        let step = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(read_error)?;
        let done = js_sys::Reflect::get(&step, &"done".into())
            .map_err(read_error)?
            .as_bool()
            .unwrap_or(true);
        if done {
            break;
        }
        let chunk = js_sys::Reflect::get(&step, &"value".into())
            .map_err(read_error)?
            .dyn_into::<js_sys::Uint8Array>()
            .map_err(read_error)?;
        let len = f64::from(chunk.length());
        match &whole {
            Some(w) if done_bytes + len <= total => w.set(&chunk, done_bytes as u32),
            _ => {
                // More than announced: keep what was placed, then collect chunks.
                if let Some(w) = whole.take() {
                    chunks.push(w.subarray(0, done_bytes as u32));
                }
                chunks.push(chunk);
            }
        }
        done_bytes += len;
        abort.restart();
        progress(done_bytes, total);
    }
    if let Some(w) = whole {
        return Ok(if done_bytes == total {
            w.buffer()
        } else {
            w.slice(0, done_bytes as u32).buffer()
        });
    }
    let parts = js_sys::Array::new();
    for c in &chunks {
        parts.push(c);
    }
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(read_error)?;
    wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(read_error)?
        .dyn_into::<js_sys::ArrayBuffer>()
        .map_err(read_error)
}

/// `response.body.getReader()`, where the browser has readable streams.
fn body_reader(raw: &web_sys::Response) -> Option<JsValue> {
    let body = js_sys::Reflect::get(raw, &"body".into()).ok()?;
    if body.is_null() || body.is_undefined() {
        return None;
    }
    let get_reader = js_sys::Reflect::get(&body, &"getReader".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    get_reader.call0(&body).ok()
}

/// The response if it is a 2xx, else the HTTP error with the body the server sent.
async fn ok(url: &str, resp: Response) -> Result<Response, AppError> {
    if resp.ok() {
        return Ok(resp);
    }
    let body = resp.text().await.unwrap_or_default();
    Err(AppError::Http {
        url: url.to_string(),
        status: resp.status(),
        body,
    })
}

/// GETs a small JSON document (name lists, config).
pub async fn get_json<T: DeserializeOwned>(url: &str, abort: &Abort) -> Result<T, AppError> {
    let bytes = get_bytes(url, abort).await?;
    serde_json::from_slice(&bytes).map_err(|e| AppError::Json {
        url: url.to_string(),
        message: Problem::Json {
            message: e
                .to_string()
                .rsplit_once(" at line ")
                .map_or(e.to_string(), |(m, _)| m.to_string()),
            line: e.line(),
            column: e.column(),
        },
    })
}
