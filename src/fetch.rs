//! HTTP to the Zipkin API. Every failure becomes a specific [`AppError`].

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

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
    let resp = send(url).await?;
    if !resp.ok() {
        let body = resp.text().await.unwrap_or_default();
        return Err(AppError::Http {
            url: url.to_string(),
            status: resp.status(),
            body,
        });
    }
    resp.binary().await.map_err(|e| AppError::Json {
        url: url.to_string(),
        message: format!("the body could not be read: {e}"),
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
