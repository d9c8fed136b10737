//! The URL holds what a user would share: the view, the query and the trace id.
//! Routing is by query string, not path, so the bundle works from any static sub-path.

use wasm_bindgen::JsValue;

/// Parameters kept across navigation (they configure the app, not the view).
const STICKY: &[&str] = &["api"];

pub fn params() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
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
