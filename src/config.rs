//! Where the API is: the `?api=` URL parameter, else `config.json` beside index.html,
//! else the page's own origin.

use serde::Deserialize;
use tracescope_core::api::api_root;

use crate::error::AppError;
use crate::fetch;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    UrlParameter,
    ConfigFile,
    SameOrigin,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::UrlParameter => "?api= parameter",
            Source::ConfigFile => "config.json",
            Source::SameOrigin => "same origin",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Api {
    /// The base as configured (empty for same origin).
    pub base: String,
    /// Absolute URL of the Zipkin v2 API, `…/api/v2`.
    pub root: String,
    pub source: Source,
}

#[derive(Deserialize, Default)]
struct ConfigFile {
    #[serde(default)]
    api: Option<String>,
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `config.json` resolved against the document, so sub-path hosting finds its own.
fn config_url() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    web_sys::Url::new_with_base("config.json", &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| "config.json".into())
}

/// Resolves the API; a broken `config.json` is reported but does not stop the app.
pub async fn resolve() -> (Api, Option<AppError>) {
    let make = |base: String, source| {
        // Same origin is reported as the origin itself, so the page says where it looks.
        let base = if base.trim().is_empty() {
            origin()
        } else {
            base
        };
        Api {
            root: api_root(&base, &origin()),
            base,
            source,
        }
    };
    if let Some(base) = crate::url::param("api").filter(|b| !b.trim().is_empty()) {
        return (make(base, Source::UrlParameter), None);
    }
    match fetch::get_json::<ConfigFile>(&config_url()).await {
        Ok(ConfigFile { api: Some(base) }) if !base.trim().is_empty() => {
            (make(base, Source::ConfigFile), None)
        }
        Ok(_) => (make(String::new(), Source::SameOrigin), None),
        // No config.json is the normal case.
        Err(AppError::Http { status: 404, .. }) => (make(String::new(), Source::SameOrigin), None),
        Err(e) => (make(String::new(), Source::SameOrigin), Some(e)),
    }
}

// The dependency page's edge colours: `dependency.lowErrorRate` / `highErrorRate` from the
// server's Zipkin Lens `config.json` (`…/zipkin/config.json`), overridden by the
// deployment's own `config.json`; Zipkin's defaults (0.5 / 0.75) otherwise. Read once per
// page load.

#[derive(Deserialize, Default)]
struct LensConfig {
    #[serde(default)]
    dependency: Option<LensDependency>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct LensDependency {
    low_error_rate: Option<f64>,
    high_error_rate: Option<f64>,
}

thread_local! {
    static ERROR_RATES: std::cell::RefCell<Option<tracescope_core::layout::dependency::ErrorRates>> =
        const { std::cell::RefCell::new(None) };
}

/// The error rates in effect; starts at the defaults and updates once both files are read.
/// A missing or broken file only means the defaults (the page works without them).
pub fn dependency_error_rates(
    state: crate::state::AppState,
) -> leptos::prelude::Signal<tracescope_core::layout::dependency::ErrorRates> {
    use leptos::prelude::*;
    use tracescope_core::layout::dependency::ErrorRates;
    let rates = RwSignal::new(ERROR_RATES.with(|r| *r.borrow()).unwrap_or_default());
    if ERROR_RATES.with(|r| r.borrow().is_none()) {
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let Some(api) = state.api.get() else {
                return false;
            };
            let server = api.root.trim_end_matches('/').trim_end_matches("/api/v2");
            let lens_url = format!("{server}/zipkin/config.json");
            leptos::task::spawn_local(async move {
                let mut r = ErrorRates::default();
                for url in [lens_url, config_url()] {
                    if let Ok(LensConfig {
                        dependency: Some(d),
                    }) = fetch::get_json::<LensConfig>(&url).await
                    {
                        r.low = d.low_error_rate.filter(|v| v.is_finite()).unwrap_or(r.low);
                        r.high = d
                            .high_error_rate
                            .filter(|v| v.is_finite())
                            .unwrap_or(r.high);
                    }
                }
                ERROR_RATES.with(|c| *c.borrow_mut() = Some(r));
                let _ = rates.try_set(r);
            });
            true
        });
    }
    rates.into()
}
