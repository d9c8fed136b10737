//! Opening trace files from disk: the file picker and drag-and-drop.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine_client::{EngineClient, LoadSource};
use crate::error::{AppError, Origin};
use crate::state::{AppState, LoadKey, Loaded, Route};

/// Reads and imports a file (in the engine's worker); on failure the current view stays as
/// it was.
pub async fn open(state: AppState, file: web_sys::File) {
    let name = file.name();
    let ticket = crate::progress::begin(state, name.clone());
    let result = EngineClient::open(LoadSource::File(file.clone()), ticket.reporter()).await;
    drop(ticket);
    match result {
        Ok((client, info)) => {
            crate::export::remember_file(Some(file));
            state.loaded.set(Some(Loaded {
                key: LoadKey::File(name),
                client,
                info: Arc::new(info),
            }));
            state.selected.set(0);
            state.error.set(None);
            state.go(Route::File);
        }
        Err(e) => {
            if let Some(e) = AppError::from_load(Origin::File(&name), e) {
                state.fail(e);
            }
        }
    }
}
