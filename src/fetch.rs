//! HTTP to the Zipkin API. Every failure becomes a specific [`AppError`].

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use crate::error::AppError;

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

async fn send(url: &str) -> Result<Response, AppError> {
    match Request::get(url).send().await {
        Ok(resp) => Ok(resp),
        Err(_) => {
            // fetch() says only "TypeError". A no-cors request succeeds when the server is
            // up, which tells a CORS refusal from a server that is not there.
            let probe = Request::get(url)
                .mode(web_sys::RequestMode::NoCors)
                .send()
                .await;
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
pub async fn get_bytes(url: &str) -> Result<Vec<u8>, AppError> {
    let resp = ok(url, send(url).await?).await?;
    resp.binary().await.map_err(|e| AppError::Json {
        url: url.to_string(),
        message: format!("the body could not be read: {e}"),
    })
}

/// GETs `url` and returns the body of a 2xx answer as the browser read it (off the main
/// thread), without copying it into wasm memory: for handing to the engine's worker.
pub async fn get_buffer(url: &str) -> Result<js_sys::ArrayBuffer, AppError> {
    let resp = ok(url, send(url).await?).await?;
    let read_error = |e: wasm_bindgen::JsValue| AppError::Json {
        url: url.to_string(),
        message: format!(
            "the body could not be read: {}",
            e.as_string().unwrap_or_else(|| format!("{e:?}"))
        ),
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

/// GETs a small JSON document (service lists, config).
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, AppError> {
    let bytes = get_bytes(url).await?;
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
