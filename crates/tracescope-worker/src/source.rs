//! Reading the bytes of a load, with progress: a `File` through its stream, a URL through
//! `fetch` and the response's stream. Works in a worker and, for the in-page fallback, on
//! the main thread (only globals both have are used).

use js_sys::{Promise, Reflect, Uint8Array};
use tracescope_core::engine::{Progress, Stage};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader, RequestInit, RequestMode, Response};

use crate::protocol::{LoadError, Source, MAX_ERROR_BODY};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, in a window and in a worker alike.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &web_sys::Request) -> Promise;
}

/// Progress is reported at most once per this share of the total (or per this many bytes
/// when the total is unknown).
const REPORT_PERCENT: u64 = 1;
const REPORT_BYTES_UNKNOWN: u64 = 4 << 20;
/// Never reserve more than this up front, whatever a header claims.
const MAX_RESERVE: u64 = 1 << 30;

/// Reads `source` (`file`: the `Blob` handle that came with it).
pub async fn read(
    source: &Source,
    file: Option<&web_sys::Blob>,
    report: &mut dyn FnMut(Progress),
) -> Result<Vec<u8>, LoadError> {
    match source {
        Source::File { .. } => {
            let Some(file) = file else {
                return Err(LoadError::Read {
                    message: "no file came with the request".into(),
                });
            };
            read_blob(file, report)
                .await
                .map_err(|message| LoadError::Read { message })
        }
        Source::Url { url } => fetch(url, report).await,
        // The bytes came with the request (see `serve`); there is nothing to read.
        Source::Bytes => Err(LoadError::Read {
            message: "no bytes came with the request".into(),
        }),
    }
}

async fn send(url: &str, mode: RequestMode) -> Result<Response, JsValue> {
    let init = RequestInit::new();
    init.set_mode(mode);
    let request = web_sys::Request::new_with_str_and_init(url, &init)?;
    JsFuture::from(global_fetch(&request))
        .await?
        .dyn_into::<Response>()
}

/// The origin of this global (page or worker; a worker has its page's origin).
fn origin() -> String {
    let global = js_sys::global();
    Reflect::get(&global, &"location".into())
        .and_then(|l| Reflect::get(&l, &"origin".into()))
        .ok()
        .and_then(|o| o.as_string())
        .unwrap_or_default()
}

async fn fetch(url: &str, report: &mut dyn FnMut(Progress)) -> Result<Vec<u8>, LoadError> {
    report(Progress::new(Stage::Reading, 0, 0));
    let resp = match send(url, RequestMode::Cors).await {
        Ok(resp) => resp,
        Err(_) => {
            // fetch() says only "TypeError". A no-cors request succeeds when the server is
            // up, which tells a CORS refusal from a server that is not there.
            return Err(match send(url, RequestMode::NoCors).await {
                Ok(_) => LoadError::Cors {
                    url: url.to_string(),
                    origin: origin(),
                },
                Err(_) => LoadError::Unreachable {
                    url: url.to_string(),
                },
            });
        }
    };
    if !resp.ok() {
        let body = match resp.text() {
            Ok(p) => JsFuture::from(p)
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        return Err(LoadError::Http {
            url: url.to_string(),
            status: resp.status(),
            body: body.chars().take(MAX_ERROR_BODY).collect(),
        });
    }
    // Content-Length counts encoded bytes; with an encoding the decoded total is unknown.
    let headers = resp.headers();
    let encoded = headers
        .get("content-encoding")
        .ok()
        .flatten()
        .is_some_and(|e| !e.is_empty() && e != "identity");
    let total = headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .filter(|_| !encoded);
    let Some(body) = resp.body() else {
        return Ok(Vec::new());
    };
    read_stream(&body, total, report)
        .await
        .map_err(|message| LoadError::Read {
            message: format!("the body could not be read: {message}"),
        })
}

fn js_message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            Reflect::get(e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".into())
}

/// A file is read in slices of this size: each slice is read by the browser off-thread
/// (`Blob.arrayBuffer`) and copied once into wasm memory. A stream would hand over ~64 KB
/// chunks, one await each: thousands for a big file.
const BLOB_SLICE: u64 = 8 << 20;

/// Reads a `Blob` (a `File`) in slices, reporting `Reading` progress after each.
async fn read_blob(
    blob: &web_sys::Blob,
    report: &mut dyn FnMut(Progress),
) -> Result<Vec<u8>, String> {
    let total = blob.size() as u64;
    report(Progress::new(Stage::Reading, 0, total));
    let mut out = Vec::with_capacity(usize::try_from(total.min(MAX_RESERVE)).unwrap_or(0));
    let mut at = 0u64;
    while at < total {
        let end = (at + BLOB_SLICE).min(total);
        let slice = blob
            .slice_with_f64_and_f64(at as f64, end as f64)
            .map_err(|e| js_message(&e))?;
        let buf = JsFuture::from(slice.array_buffer())
            .await
            .map_err(|e| js_message(&e))?;
        let bytes = Uint8Array::new(&buf);
        let from = out.len();
        out.resize(from + bytes.length() as usize, 0);
        bytes.copy_to(&mut out[from..]);
        at = end;
        report(Progress::new(Stage::Reading, at, total));
    }
    Ok(out)
}

/// The buffer a stream is read into, reused from chunk to chunk (a byte stream's "bring your
/// own buffer" reader). The default reader allocates a new buffer per chunk (≈650 of them,
/// 454 MB in all, for a 1M-span trace), which cost a quarter of the read.
const STREAM_BUFFER: u32 = 4 << 20;

/// Progress is reported at most this often while reading: each report redraws the page's
/// progress strip, which at one report per 1 % of a fast download took main-thread time
/// away from the worker on a machine with two cores.
const REPORT_INTERVAL_MS: f64 = 100.0;

/// Reads a byte stream to its end, reporting `Reading` progress along the way.
async fn read_stream(
    stream: &ReadableStream,
    total: Option<u64>,
    report: &mut dyn FnMut(Progress),
) -> Result<Vec<u8>, String> {
    // A response body is a byte stream; anything else falls back to the default reader.
    let byob = web_sys::ReadableStreamByobReader::new(stream).ok();
    let reader: Option<ReadableStreamDefaultReader> = match byob {
        Some(_) => None,
        None => Some(stream.get_reader().unchecked_into()),
    };
    let mut buffer = js_sys::ArrayBuffer::new(STREAM_BUFFER);
    let reserve = usize::try_from(total.unwrap_or(0).min(MAX_RESERVE)).unwrap_or(0);
    let mut out = Vec::with_capacity(reserve);
    let step = total.map_or(REPORT_BYTES_UNKNOWN, |t| (t * REPORT_PERCENT / 100).max(1));
    let mut next_report = step;
    let mut last_report = js_sys::Date::now();
    loop {
        let read = match (&byob, &reader) {
            (Some(byob), _) => byob.read_with_array_buffer_view(
                &Uint8Array::new_with_byte_offset_and_length(&buffer, 0, STREAM_BUFFER),
            ),
            (None, Some(reader)) => reader.read(),
            (None, None) => return Err("the stream has no reader".into()),
        };
        let result = JsFuture::from(read).await.map_err(|e| js_message(&e))?;
        let done = Reflect::get(&result, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let chunk: Uint8Array = Reflect::get(&result, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or("the stream gave something other than bytes")?;
        // One copy, straight from the chunk into its place (no temporary Vec per chunk).
        let at = out.len();
        out.resize(at + chunk.length() as usize, 0);
        chunk.copy_to(&mut out[at..]);
        if byob.is_some() {
            // The bytes came in our buffer, which the read moved into the chunk: reuse it.
            buffer = chunk.buffer();
        }
        let read = out.len() as u64;
        if read >= next_report && js_sys::Date::now() - last_report >= REPORT_INTERVAL_MS {
            report(Progress::new(Stage::Reading, read, total.unwrap_or(0)));
            next_report = read + step;
            last_report = js_sys::Date::now();
        }
    }
    let read = out.len() as u64;
    report(Progress::new(Stage::Reading, read, total.unwrap_or(read)));
    Ok(out)
}
