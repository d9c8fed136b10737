//! Opening trace files from disk: the file picker and drag-and-drop.

use std::sync::Arc;

use leptos::prelude::*;

use wasm_bindgen_futures::JsFuture;

use crate::error::AppError;
use crate::state::{AppState, LoadKey, Loaded, Route};

/// Reads and imports a file; on failure the current view stays as it was.
pub async fn open(state: AppState, file: web_sys::File) {
    let name = file.name();
    let bytes = match JsFuture::from(file.array_buffer()).await {
        Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
        Err(e) => {
            state.fail(AppError::File {
                name,
                message: e
                    .as_string()
                    .unwrap_or_else(|| "the browser could not read it".into()),
            });
            return;
        }
    };
    match crate::engine_client::EngineClient::load(bytes).await {
        Ok((client, info)) => {
            state.loaded.set(Some(Loaded {
                key: LoadKey::File(name),
                client,
                info: Arc::new(info),
            }));
            state.selected.set(0);
            state.error.set(None);
            state.go(Route::File);
        }
        Err(error) => state.fail(AppError::Import {
            source: name,
            error,
        }),
    }
}
