//! HTTP to the Zipkin API. Every failure becomes a specific [`AppError`]; every request can
//! be cancelled and has a timeout ([`Abort`]).

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::AppError;

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
    timer: Option<i32>,
    // Kept alive until the timer is cleared.
    _on_timeout: Option<Closure<dyn FnMut()>>,
}

impl Drop for AbortInner {
    fn drop(&mut self) {
        if let (Some(t), Some(w)) = (self.timer, web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
    }
}

impl Abort {
    /// Aborts the requests after `seconds`, reporting a timeout.
    pub fn with_timeout(seconds: u32) -> Abort {
        let controller = web_sys::AbortController::new().ok();
        let reason = Rc::new(Cell::new(Reason::Running));
        let (timer, closure) = match (&controller, web_sys::window()) {
            (Some(c), Some(w)) => {
                let c = c.clone();
                let r = reason.clone();
                let closure = Closure::<dyn FnMut()>::new(move || {
                    if r.get() == Reason::Running {
                        r.set(Reason::TimedOut);
                        c.abort();
                    }
                });
                let ms = i32::try_from(u64::from(seconds) * 1000).unwrap_or(i32::MAX);
                let t = w
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        closure.as_ref().unchecked_ref(),
                        ms,
                    )
                    .ok();
                (t, Some(closure))
            }
            _ => (None, None),
        };
        Abort {
            inner: Rc::new(AbortInner {
                controller,
                reason,
                seconds,
                timer,
                _on_timeout: closure,
            }),
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
            message: format!("the body could not be read: {e}"),
        })
    })
}

/// GETs `url` and returns the body of a 2xx answer as the browser read it (off the main
/// thread), without copying it into wasm memory: for handing to the engine's worker.
pub async fn get_buffer(url: &str, abort: &Abort) -> Result<js_sys::ArrayBuffer, AppError> {
    let resp = ok(url, send(url, abort).await?).await?;
    let read_error = |e: wasm_bindgen::JsValue| {
        abort.stopped(url).unwrap_or_else(|| AppError::Json {
            url: url.to_string(),
            message: format!(
                "the body could not be read: {}",
                e.as_string().unwrap_or_else(|| format!("{e:?}"))
            ),
        })
    };
    let raw: web_sys::Response = resp.into();
    let promise = raw.array_buffer().map_err(read_error)?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(read_error)?
        .dyn_into::<js_sys::ArrayBuffer>()
        .map_err(read_error)
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
        message: format!(
            "{} (line {}, column {})",
            e.to_string()
                .rsplit_once(" at line ")
                .map_or(e.to_string(), |(m, _)| m.to_string()),
            e.line(),
            e.column()
        ),
    })
}
