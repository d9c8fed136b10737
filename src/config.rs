//! Where the API is and what its server says about the UI. The base in effect is the
//! first of: the `?api=` URL parameter, `api` in the `config.json` beside `index.html`
//! (the deployment's), the base saved in the settings dialog (localStorage), the page's
//! own origin. The UI fields come from the server's Zipkin Lens `config.json`
//! (`…/zipkin/config.json`), overridden field by field by the deployment's file.

use leptos::prelude::*;
use tracescope_core::api::{api_root, ui_config_url};
use tracescope_core::search::config::{choose_base, BaseSource, UiConfig};

use crate::error::AppError;
use crate::fetch;

/// localStorage keys of the settings dialog.
const SAVED_BASE_KEY: &str = "tracescope.apiBase";
const SAVED_TIMEOUT_KEY: &str = "tracescope.timeoutSeconds";
/// Requests that take longer are reported as timed out (changeable in the settings).
pub const DEFAULT_TIMEOUT_S: u32 = 30;

/// Every candidate for the base, for the settings dialog to show which one won.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates {
    pub url_param: Option<String>,
    pub config_file: Option<String>,
    pub saved: Option<String>,
    pub origin: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Api {
    /// The base as configured (the page's origin for same origin).
    pub base: String,
    /// Absolute URL of the Zipkin v2 API, `…/api/v2`.
    pub root: String,
    pub source: BaseSource,
    pub candidates: Candidates,
}

impl Api {
    /// The API in effect for these candidates.
    pub fn choose(candidates: Candidates) -> Api {
        let (base, source) = choose_base(
            candidates.url_param.as_deref(),
            candidates.config_file.as_deref(),
            candidates.saved.as_deref(),
        );
        // Same origin is reported as the origin itself, so the page says where it looks.
        let base = if base.is_empty() {
            candidates.origin.clone()
        } else {
            base
        };
        Api {
            root: api_root(&base, &candidates.origin),
            base,
            source,
            candidates,
        }
    }
}

/// The origin "same origin" means: the page's, or, mounted in a host page, the bundle's
/// (the server that hosts tracescope is the likeliest to host its API too).
pub fn origin() -> String {
    if crate::url::is_mounted() {
        if let Ok(u) = web_sys::Url::new(&crate::url::asset_url("./")) {
            return u.origin();
        }
    }
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn saved_base() -> Option<String> {
    storage()?
        .get_item(SAVED_BASE_KEY)
        .ok()
        .flatten()
        .filter(|b| !b.trim().is_empty())
}

/// Saves (or with an empty base, forgets) the dialog's base.
pub fn save_base(base: &str) {
    if let Some(s) = storage() {
        let _ = if base.trim().is_empty() {
            s.remove_item(SAVED_BASE_KEY)
        } else {
            s.set_item(SAVED_BASE_KEY, base.trim())
        };
    }
}

pub fn timeout_seconds() -> u32 {
    storage()
        .and_then(|s| s.get_item(SAVED_TIMEOUT_KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(DEFAULT_TIMEOUT_S)
}

pub fn save_timeout_seconds(v: u32) {
    if let Some(s) = storage() {
        let _ = s.set_item(SAVED_TIMEOUT_KEY, &v.max(1).to_string());
    }
}

/// `config.json` resolved against the document, so sub-path hosting finds its own.
fn config_url() -> String {
    crate::url::asset_url("config.json")
}

/// Reads a `config.json`: `Ok(None)` when there is none (404).
async fn read_config(url: &str) -> Result<Option<UiConfig>, AppError> {
    match fetch::get_bytes(url, &fetch::Abort::with_timeout(5)).await {
        Ok(bytes) => UiConfig::parse(&bytes)
            .map(Some)
            .map_err(|e| AppError::Json {
                url: url.to_string(),
                message: crate::error::Problem::Other(e.to_string()),
            }),
        Err(AppError::Http { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Resolves the API and the deployment's configuration; a broken `config.json` is
/// reported but does not stop the app.
pub async fn resolve() -> (Api, UiConfig, Option<AppError>) {
    let url_param = crate::url::param("api").filter(|b| !b.trim().is_empty());
    let (local, problem) = match read_config(&config_url()).await {
        Ok(c) => (c.unwrap_or_default(), None),
        Err(e) => (UiConfig::default(), Some(e)),
    };
    let api = Api::choose(Candidates {
        url_param,
        config_file: local.api.clone().filter(|a| !a.trim().is_empty()),
        saved: saved_base(),
        origin: origin(),
    });
    (api, local, problem)
}

/// What the server's own `config.json` said, for the settings dialog.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerConfigStatus {
    Loaded,
    Missing,
    Failed(AppError),
}

/// The server's Zipkin Lens `config.json` (`…/zipkin/config.json`). Optional: Zipkin Lens
/// falls back to its defaults without it, and so does this page (a failure is only shown
/// in the settings dialog).
pub async fn server_config(api: &Api) -> (UiConfig, ServerConfigStatus) {
    match read_config(&ui_config_url(&api.root)).await {
        Ok(Some(c)) => (c, ServerConfigStatus::Loaded),
        Ok(None) => (UiConfig::default(), ServerConfigStatus::Missing),
        Err(e) => (UiConfig::default(), ServerConfigStatus::Failed(e)),
    }
}

/// Start-up: finds the API and reads both `config.json`s before the first search (so it
/// uses the server's `queryLimit` and `defaultLookback`).
pub async fn start(state: crate::state::AppState) {
    let (api, local, problem) = resolve().await;
    if let Some(e) = problem {
        state.fail(e);
    }
    let _ = LOCAL.set(local.clone());
    crate::embed::set_allowed_origins(
        local
            .embed
            .as_ref()
            .map(|e| e.allowed_origins.clone())
            .unwrap_or_default(),
    );
    crate::embed::configure(state, &local.embed_defaults());
    apply(state, api, local).await;
}

/// The deployment's `config.json`, read once at start-up.
static LOCAL: std::sync::OnceLock<UiConfig> = std::sync::OnceLock::new();

/// Re-chooses the API after the saved base changed (settings dialog).
pub async fn reapply(state: crate::state::AppState) {
    let Some(current) = state.api.get_untracked() else {
        return;
    };
    let api = Api::choose(Candidates {
        saved: saved_base(),
        ..current.candidates
    });
    apply(state, api, LOCAL.get().cloned().unwrap_or_default()).await;
}

/// Makes `api` the API in effect: reads its server's `config.json`, then sets the UI
/// configuration and the API (which starts the page's requests). Lists and answers of a
/// previous API are dropped.
pub async fn apply(state: crate::state::AppState, api: Api, local: UiConfig) {
    let (server, status) = server_config(&api).await;
    state.server_config.set(Some(status));
    state
        .ui
        .set(std::sync::Arc::new(server.overridden_by(local)));
    if state.api.get_untracked().as_ref() != Some(&api) {
        state.services.set(None);
        state.results.set(None);
        state.result_cache.set_value(Vec::new());
        state.api.set(Some(api));
    }
}

/// The dependency page's edge colours: `dependency.lowErrorRate` / `highErrorRate` of the UI
/// configuration in effect (the server's Zipkin Lens `config.json` under the deployment's);
/// Zipkin's defaults (0.5 / 0.75) otherwise.
pub fn dependency_error_rates(
    state: crate::state::AppState,
) -> leptos::prelude::Signal<tracescope_core::layout::dependency::ErrorRates> {
    use leptos::prelude::*;
    Signal::derive(move || {
        let (low, high) = state.ui.with(|u| u.error_rates());
        tracescope_core::layout::dependency::ErrorRates { low, high }
    })
}
