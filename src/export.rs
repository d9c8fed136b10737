//! Getting things out of the app: the trace (normalised Zipkin v2 JSON, or the original
//! bytes), per-service and per-operation statistics as CSV, canvases as PNG, and a
//! permalink to the current view.
//!
//! Files are made in the engine (its worker) or by the browser (`canvas.toBlob`) and saved
//! through a `blob:` link, so nothing big passes through wasm memory.

use std::cell::RefCell;

use leptos::prelude::*;
use tracescope_core::engine::ExportKind;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::AppError;
use crate::state::{use_app, AppState, LoadKey};

thread_local! {
    /// The file the current trace was opened from, for "original file" (a `File` is a
    /// handle: keeping it holds no bytes).
    static OPENED_FILE: RefCell<Option<web_sys::File>> = const { RefCell::new(None) };
}

/// Remembers the file a load came from (`None` for other sources).
pub fn remember_file(file: Option<web_sys::File>) {
    OPENED_FILE.with(|f| *f.borrow_mut() = file);
}

/// Saves `blob` as `filename` (the browser's download).
pub fn save_blob(blob: &web_sys::Blob, filename: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = link {
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    // The download has its own reference by now; free ours after this task.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000);
    }
}

/// Saves what `canvas` shows as a PNG.
pub fn save_canvas(canvas: &web_sys::HtmlCanvasElement, filename: &str) {
    let name = filename.to_string();
    let done = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
        if let Some(blob) = blob {
            save_blob(&blob, &name);
        }
    });
    let _ = canvas.to_blob(done.unchecked_ref());
}

/// A file name made of the trace id (only `[0-9a-zA-Z_-]` kept: ids come from outside).
fn file_name(stem: &str, ext: &str) -> String {
    let clean: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    let stem = if clean.is_empty() { "trace" } else { &clean };
    format!("{stem}.{ext}")
}

/// The link that reproduces the current view: the page's URL, or, mounted in a host page,
/// tracescope's own page with the view's parameters.
pub fn permalink() -> String {
    let params = crate::url::params();
    if crate::url::is_mounted() {
        let query: Vec<(&str, String)> = params
            .iter()
            .filter(|(k, _)| k != "embed")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let qs = tracescope_core::api::query_string(&query);
        let page = crate::url::asset_url("index.html");
        return if qs.is_empty() {
            page
        } else {
            format!("{page}?{qs}")
        };
    }
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

async fn export_engine(state: AppState, kind: ExportKind) {
    let Some((client, trace_id)) = state.loaded.with_untracked(|l| {
        l.as_ref().map(|l| {
            let i = state.selected.get_untracked();
            let id = l
                .info
                .traces
                .get(i)
                .map(|t| t.trace_id.clone())
                .unwrap_or_default();
            (l.client.clone(), id)
        })
    }) else {
        return;
    };
    let trace = state.selected.get_untracked();
    let (mime, ext, suffix) = match kind {
        ExportKind::ZipkinV2 => ("application/json", "json", ""),
        ExportKind::ServiceStatsCsv => ("text/csv", "csv", "-services"),
        ExportKind::OperationStatsCsv => ("text/csv", "csv", "-operations"),
    };
    if let Some(blob) = client.export(trace, kind, mime).await {
        save_blob(&blob, &file_name(&format!("{trace_id}{suffix}"), ext));
    }
}

/// The bytes the trace came from: the opened file, or the API's answer fetched again.
async fn export_original(state: AppState) {
    let key = state
        .loaded
        .with_untracked(|l| l.as_ref().map(|l| l.key.clone()));
    let root = state.api.get_untracked().map(|a| a.root);
    let (url, stem) = match (key, root) {
        (Some(LoadKey::File(name)), _) => {
            if let Some(file) = OPENED_FILE.with(|f| f.borrow().clone()) {
                let name = if file.name().is_empty() {
                    name
                } else {
                    file.name()
                };
                save_blob(&file, &name);
            }
            return;
        }
        (Some(LoadKey::Trace(id)), Some(root)) => (tracescope_core::api::trace_url(&root, &id), id),
        (Some(LoadKey::Many(ids)), Some(root)) => (
            tracescope_core::api::trace_many_url(&root, &ids),
            "traces".to_string(),
        ),
        _ => return,
    };
    let abort = crate::fetch::Abort::with_timeout(crate::config::timeout_seconds());
    match crate::fetch::get_buffer(&url, &abort, |_, _| {}).await {
        Ok(buf) => {
            let opts = web_sys::BlobPropertyBag::new();
            opts.set_type("application/json");
            if let Ok(blob) = web_sys::Blob::new_with_buffer_source_sequence_and_options(
                &js_sys::Array::of1(&buf),
                &opts,
            ) {
                save_blob(&blob, &file_name(&stem, "json"));
            }
        }
        Err(e) => state.fail(e),
    }
}

fn copy_permalink(state: AppState, copied: RwSignal<bool>) {
    let link = permalink();
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        return;
    };
    let promise = clipboard.write_text(&link);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => {
                let _ = copied.try_set(true);
            }
            Err(_) => state.fail(AppError::Clipboard { link }),
        }
    });
}

/// The trace view's export menu.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let state = use_app();
    let copied = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Details>::new();
    let close = move || {
        if let Some(d) = root.get_untracked() {
            d.set_open(false);
        }
    };
    let engine = move |kind: ExportKind| {
        move |_| {
            close();
            leptos::task::spawn_local(export_engine(state, kind));
        }
    };
    let waterfall_png = move |_| {
        close();
        // The canvas of this view (found from the menu, so it also works in a shadow root).
        let canvas = root
            .get_untracked()
            .and_then(|d| d.closest(".trace-page, .app").ok().flatten())
            .and_then(|scope| {
                scope
                    .query_selector("[data-testid=waterfall-canvas]")
                    .ok()
                    .flatten()
            })
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let id = state.loaded.with_untracked(|l| {
            l.as_ref()
                .and_then(|l| l.info.traces.get(state.selected.get_untracked()))
                .map(|t| t.trace_id.clone())
                .unwrap_or_default()
        });
        if let Some(c) = canvas {
            save_canvas(&c, &file_name(&format!("{id}-waterfall"), "png"));
        }
    };
    use crate::i18n::{tr, Msg};
    view! {
        <details class="export-menu" data-testid="export-menu" node_ref=root>
            <summary>{tr(Msg::ExportMenu)}</summary>
            <div class="export-items">
                <button data-testid="export-zipkin" on:click=engine(ExportKind::ZipkinV2)>{tr(Msg::ExportZipkin)}</button>
                <button data-testid="export-original" on:click=move |_| {
                    close();
                    leptos::task::spawn_local(export_original(state));
                }>{tr(Msg::ExportOriginal)}</button>
                <button data-testid="export-png" on:click=waterfall_png>{tr(Msg::ExportPng)}</button>
                <button data-testid="export-services-csv" on:click=engine(ExportKind::ServiceStatsCsv)>{tr(Msg::ExportServicesCsv)}</button>
                <button data-testid="export-operations-csv" on:click=engine(ExportKind::OperationStatsCsv)>{tr(Msg::ExportOperationsCsv)}</button>
                <button data-testid="copy-permalink" on:click=move |_| {
                    close();
                    copy_permalink(state, copied);
                }>{move || if copied.get() { tr(Msg::LinkCopied)() } else { tr(Msg::CopyPermalink)() }}</button>
            </div>
        </details>
    }
}
