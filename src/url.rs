//! The URL holds what a user would share: the view, the query and the trace id.
//! Routing is by query string, not path, so the bundle works from any static sub-path.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

thread_local! {
    /// Set while the app is mounted into a host page by the JS API (`src/embed.rs`): the
    /// view's parameters then live here, never in the host's address bar, and the bundle's
    /// own files are found from the bundle's URL, not the host document's base.
    static MOUNTED: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

struct Mounted {
    query: String,
    asset_base: String,
}

/// Switches to in-memory parameters (starting from `initial`) with the bundle at `asset_base`.
pub fn use_memory(initial: &[(String, String)], asset_base: String) {
    let query: Vec<(&str, String)> = initial
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let query = tracescope_core::api::query_string(&query);
    MOUNTED.with(|m| *m.borrow_mut() = Some(Mounted { query, asset_base }));
}

/// Back to the address bar (the mounted app was destroyed).
pub fn use_address_bar() {
    MOUNTED.with(|m| *m.borrow_mut() = None);
}

/// True when the app lives inside a host page (JS API), not on its own page.
pub fn is_mounted() -> bool {
    MOUNTED.with(|m| m.borrow().is_some())
}

/// A file of the bundle (`config.json`, the worker's loader) as an absolute URL.
pub fn asset_url(relative: &str) -> String {
    let base = MOUNTED
        .with(|m| m.borrow().as_ref().map(|m| m.asset_base.clone()))
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.base_uri().ok().flatten())
        })
        .unwrap_or_default();
    web_sys::Url::new_with_base(relative, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| relative.to_string())
}

/// Parameters kept across navigation (they configure the app, not the view).
const STICKY: &[&str] = &["api"];

pub fn params() -> Vec<(String, String)> {
    let search = MOUNTED
        .with(|m| m.borrow().as_ref().map(|m| m.query.clone()))
        .or_else(|| web_sys::window().and_then(|w| w.location().search().ok()));
    let Some(search) = search else {
        return Vec::new();
    };
    let Ok(p) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // UrlSearchParams is iterable as [key, value] pairs.
    if let Ok(Some(iter)) = js_sys::try_iter(&p) {
        for entry in iter.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out.push((k, v));
            }
        }
    }
    out
}

pub fn param(name: &str) -> Option<String> {
    params()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Replaces the view parameters, keeping sticky ones, and records a history entry.
pub fn navigate(view: &[(&str, String)]) {
    let mut pairs: Vec<(String, String)> = params()
        .into_iter()
        .filter(|(k, _)| STICKY.contains(&k.as_str()))
        .collect();
    pairs.extend(
        view.iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_string(), v.clone())),
    );
    write(&pairs, false);
}

/// Sets (or, with `None`, removes) parameters in place, without a history entry: for
/// view details (selection, filter, zoom) that a shared link should reproduce.
pub fn set_params(changes: &[(&str, Option<String>)]) {
    change_params(changes, true);
}

/// Like [`set_params`], but records a history entry (when anything changes): for steps
/// a user would want Back to undo (a span clicked, a zoom range chosen, a filter entered).
pub fn push_params(changes: &[(&str, Option<String>)]) {
    change_params(changes, false);
}

fn change_params(changes: &[(&str, Option<String>)], replace: bool) {
    let before = params();
    let mut pairs = before.clone();
    for (key, value) in changes {
        pairs.retain(|(k, _)| k != key);
        if let Some(v) = value {
            pairs.push(((*key).to_string(), v.clone()));
        }
    }
    if !replace && pairs == before {
        return;
    }
    write(&pairs, replace);
}

/// Puts `pairs` in the address bar: a new history entry, or in place when `replace`.
fn write(pairs: &[(String, String)], replace: bool) {
    let query: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let qs = tracescope_core::api::query_string(&query);
    let stored = MOUNTED.with(|m| {
        m.borrow_mut()
            .as_mut()
            .map(|m| m.query.clone_from(&qs))
            .is_some()
    });
    if stored {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let target = if qs.is_empty() {
        path
    } else {
        format!("{path}?{qs}")
    };
    if let Ok(history) = window.history() {
        let _ = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&target))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(&target))
        };
    }
}
