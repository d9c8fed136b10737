//! Embedding tracescope in a dashboard, by `<iframe>` or by the JS API.
//!
//! - Options (`embed`, `hide`, `theme`, `collapse`, `lang`; parsed in
//!   `tracescope_core::embed`) come from `config.json`'s `embed` defaults, then the URL (or
//!   the mount options), later ones winning.
//! - Events (`trace-load`, `span-select`, `error`) go to the host: as DOM `CustomEvent`s on
//!   the mount element (JS API), and by `postMessage` to the framing page when the page runs
//!   in an `<iframe>`, only to origins the deployment allows (`embed.allowedOrigins` in
//!   `config.json`; the app's own origin always).
//! - Commands (`loadTrace`, `loadJson`, `setFilter`) come from the JS API's handle, or by
//!   `postMessage` from the framing page, checked against the same allow-list.
//! - The JS API: `mount(element, options, bundleBase)` (wrapped by the bundle's
//!   `tracescope-embed.js`, which also defines `<tracescope-view>`), returning a [`Handle`].

use std::any::Any;
use std::cell::RefCell;

use leptos::prelude::*;
use tracescope_core::embed::{origin_allowed, EmbedOptions, Part, ThemeChoice};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::AppError;
use crate::state::{AppState, Route};

/// Messages from and to the host carry this `source`, so a page can tell ours apart.
const MESSAGE_SOURCE: &str = "tracescope";

thread_local! {
    /// The running app's state, for the JS API's handle and the message listener.
    static APP: RefCell<Option<AppState>> = const { RefCell::new(None) };
    /// The element the app is mounted in (JS API): events are dispatched on it.
    static HOST: RefCell<Option<web_sys::HtmlElement>> = const { RefCell::new(None) };
    /// Origins allowed to exchange messages, from `config.json`.
    static ALLOWED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Start-up: reads the options from the URL, reports bad ones, and connects the events.
pub fn start(state: AppState) {
    APP.with(|a| *a.borrow_mut() = Some(state));
    configure(state, &[]);
    bridge_events(state);
    listen_for_commands();
    on_cleanup(|| {
        APP.with(|a| *a.borrow_mut() = None);
    });
}

/// Applies `config.json`'s embed defaults (`defaults` as parameter pairs) under the URL's
/// parameters. Called at start and again once `config.json` is read.
pub fn configure(state: AppState, defaults: &[(String, String)]) {
    let url = crate::url::params();
    let pairs = defaults
        .iter()
        .chain(url.iter())
        .map(|(k, v)| (k.as_str(), v.as_str()));
    let (options, errors) = EmbedOptions::from_params(pairs);
    if let Some(theme) = options.theme {
        apply_theme(state, theme);
    }
    // `?lang=` wins over everything; the deployment's `language` only over the browser's,
    // not over a language the user chose before.
    let url_lang = url.iter().any(|(k, _)| k == "lang");
    if let Some(lang) = options.lang.as_deref() {
        match crate::i18n::Lang::parse(lang) {
            Some(l) if url_lang || !crate::i18n::has_saved_choice() => {
                crate::i18n::choose(state, l, false)
            }
            Some(_) => {}
            None => state.fail(AppError::Param {
                errors: vec![tracescope_core::embed::ParamError {
                    param: "lang".into(),
                    value: lang.to_string(),
                    expected: "en, zh-CN",
                }],
            }),
        }
    }
    state.embed.set(options);
    if !errors.is_empty() {
        state.fail(AppError::Param { errors });
    }
}

/// `config.json`'s `embed.allowedOrigins`.
pub fn set_allowed_origins(origins: Vec<String>) {
    ALLOWED.with(|a| *a.borrow_mut() = origins);
}

fn apply_theme(state: AppState, theme: ThemeChoice) {
    match theme {
        ThemeChoice::Light => state.dark.set(false),
        ThemeChoice::Dark => state.dark.set(true),
        ThemeChoice::Auto => {
            let Some(query) = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            else {
                return;
            };
            state.dark.set(query.matches());
            // Follow the system while the app lives.
            let follow = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
                move |ev: web_sys::MediaQueryListEvent| {
                    let _ = state.dark.try_set(ev.matches());
                },
            );
            let _ =
                query.add_event_listener_with_callback("change", follow.as_ref().unchecked_ref());
            follow.forget();
        }
    }
}

/// True when `part` is hidden by `hide=`.
pub fn hidden(state: AppState, part: Part) -> bool {
    state.embed.with(|o| o.hide.contains(part))
}

// ---- events to the host -------------------------------------------------------------

fn framed() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let parent = w.parent().ok().flatten()?;
    // A top-level page is its own parent.
    (!js_sys::Object::is(&parent, &w)).then_some(parent)
}

/// Sends one event to whoever hosts the app. Nothing happens on a standalone page.
pub fn emit(kind: &str, detail: &serde_json::Value) {
    let host = HOST.with(|h| h.borrow().clone());
    let parent = framed();
    if host.is_none() && parent.is_none() {
        return;
    }
    let detail_js = serde_json::to_string(detail)
        .ok()
        .and_then(|s| js_sys::JSON::parse(&s).ok())
        .unwrap_or(JsValue::NULL);
    if let Some(el) = host {
        let init = web_sys::CustomEventInit::new();
        init.set_detail(&detail_js);
        init.set_bubbles(true);
        init.set_composed(true);
        if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(kind, &init) {
            let _ = el.dispatch_event(&ev);
        }
    }
    if let Some(parent) = parent {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"source".into(), &MESSAGE_SOURCE.into());
        let _ = js_sys::Reflect::set(&message, &"type".into(), &kind.into());
        let _ = js_sys::Reflect::set(&message, &"detail".into(), &detail_js);
        // The browser delivers a message only when the target origin is the parent's
        // actual origin, so posting once per allowed origin reaches an allowed parent and
        // nobody else.
        let mut targets = vec![crate::config::origin()];
        ALLOWED.with(|a| targets.extend(a.borrow().iter().cloned()));
        targets.sort();
        targets.dedup();
        for target in targets {
            let target = target.trim().trim_end_matches('/');
            let _ = parent.post_message(&message, if target.is_empty() { "/" } else { target });
        }
    }
}

fn bridge_events(state: AppState) {
    // trace-load: every new load (a trace, a file, several traces).
    Effect::new(move |_| {
        state.loaded.with(|l| {
            let Some(l) = l else { return };
            let traces: Vec<_> = l
                .info
                .traces
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "traceId": t.trace_id,
                        "rootService": t.root_service,
                        "rootName": t.root_name,
                        "startUs": t.start_us,
                        "durationUs": t.duration_us,
                        "spanCount": t.span_count,
                        "errorCount": t.error_count,
                    })
                })
                .collect();
            emit(
                "trace-load",
                &serde_json::json!({ "format": l.info.format, "traces": traces }),
            );
        });
    });
    // error: what the error panel shows, in words and by kind.
    Effect::new(move |_| {
        if let Some(e) = state.error.get() {
            emit(
                "error",
                &serde_json::json!({ "kind": e.kind(), "message": e.to_string() }),
            );
        }
    });
}

/// The waterfall selected span `span` (an index into the trace) or cleared the selection.
/// The host gets the span's ids, names and times (the detail the panel shows).
pub fn span_selected(state: AppState, trace: usize, span: Option<u32>) {
    if HOST.with(|h| h.borrow().is_none()) && framed().is_none() {
        return;
    }
    let Some(span) = span else {
        emit("span-select", &serde_json::Value::Null);
        return;
    };
    let Some(client) = state
        .loaded
        .with_untracked(|l| l.as_ref().map(|l| l.client.clone()))
    else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Some(d) = client.span_detail(trace, span).await {
            emit(
                "span-select",
                &serde_json::json!({
                    "traceId": d.trace_id,
                    "spanId": d.span_id,
                    "parentId": d.parent_id,
                    "name": d.name,
                    "service": d.service,
                    "kind": d.kind,
                    "startUs": d.start_us,
                    "durationUs": d.duration_us,
                    "error": d.error,
                    "tags": d.tags.iter().map(|(k, v)| serde_json::json!([k, v])).collect::<Vec<_>>(),
                }),
            );
        }
    });
}

// ---- commands from the host -----------------------------------------------------------

fn with_app<R>(f: impl FnOnce(AppState) -> R) -> Result<R, JsValue> {
    APP.with(|a| *a.borrow())
        .map(f)
        .ok_or_else(|| JsValue::from_str("tracescope: the view was destroyed"))
}

fn load_trace(state: AppState, id: &str) {
    let id = id.trim();
    if !id.is_empty() {
        state.go(Route::Trace(id.to_string()));
    }
}

/// Opens JSON text as if it were a dropped file (parsed in the engine's worker).
fn load_json(state: AppState, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::FilePropertyBag::new();
    opts.set_type("application/json");
    let file = web_sys::File::new_with_str_sequence_and_options(&parts, "embedded.json", &opts)?;
    leptos::task::spawn_local(crate::files::open(state, file));
    Ok(())
}

fn set_filter(state: AppState, query: &str) {
    let q = query.trim();
    crate::url::set_params(&[("q", (!q.is_empty()).then(|| q.to_string()))]);
    state.url_changed.update(|n| *n += 1);
}

/// One command by name, from the handle or a message.
fn command(state: AppState, kind: &str, arg: &JsValue) -> Result<(), JsValue> {
    match kind {
        "loadTrace" => load_trace(state, &arg.as_string().unwrap_or_default()),
        "loadJson" => {
            let text = match arg.as_string() {
                Some(s) => s,
                None => js_sys::JSON::stringify(arg)
                    .map(String::from)
                    .map_err(|_| JsValue::from_str("tracescope.loadJson: not JSON-serialisable"))?,
            };
            load_json(state, &text)?;
        }
        "setFilter" => set_filter(state, &arg.as_string().unwrap_or_default()),
        other => {
            return Err(JsValue::from_str(&format!(
                "tracescope: unknown command {other:?} (loadTrace, loadJson, setFilter)"
            )))
        }
    }
    Ok(())
}

/// In an `<iframe>`: commands from the framing page, if its origin is allowed.
fn listen_for_commands() {
    let Some(parent) = framed() else { return };
    let on_message = move |ev: web_sys::MessageEvent| {
        let data = ev.data();
        let field = |k: &str| js_sys::Reflect::get(&data, &k.into()).unwrap_or(JsValue::UNDEFINED);
        if field("source").as_string().as_deref() != Some(MESSAGE_SOURCE) {
            return;
        }
        let from_parent = ev.source().is_some_and(|s| js_sys::Object::is(&s, &parent));
        let allowed =
            ALLOWED.with(|a| origin_allowed(&ev.origin(), &crate::config::origin(), &a.borrow()));
        if !from_parent || !allowed {
            web_sys::console::warn_1(&JsValue::from_str(&format!(
                "tracescope: ignored a command from {} (not an allowed origin: set embed.allowedOrigins in config.json)",
                ev.origin()
            )));
            return;
        }
        let kind = field("type").as_string().unwrap_or_default();
        let result = with_app(|state| command(state, &kind, &field("arg")));
        if let Err(e) | Ok(Err(e)) = result {
            web_sys::console::warn_1(&e);
        }
    };
    let handle = window_event_listener(leptos::ev::message, on_message);
    on_cleanup(move || handle.remove());
}

// ---- the JS API -----------------------------------------------------------------------

/// A mounted view, returned by `mount`. Methods throw once it is destroyed.
#[wasm_bindgen]
pub struct Handle {
    unmount: Option<Box<dyn Any>>,
}

#[wasm_bindgen]
impl Handle {
    /// Shows the trace with this id, fetched from the API.
    #[wasm_bindgen(js_name = loadTrace)]
    pub fn load_trace(&self, id: &str) -> Result<(), JsValue> {
        self.live()?;
        with_app(|s| load_trace(s, id))
    }

    /// Shows a trace given as JSON text or as an object (any format a file may have).
    #[wasm_bindgen(js_name = loadJson)]
    pub fn load_json(&self, json: JsValue) -> Result<(), JsValue> {
        self.live()?;
        with_app(|s| command(s, "loadJson", &json))?
    }

    /// Sets the in-trace filter (the query language of the filter box).
    #[wasm_bindgen(js_name = setFilter)]
    pub fn set_filter(&self, query: &str) -> Result<(), JsValue> {
        self.live()?;
        with_app(|s| set_filter(s, query))
    }

    /// Removes the view and frees what it loaded.
    pub fn destroy(&mut self) {
        if let Some(unmount) = self.unmount.take() {
            drop(unmount);
            HOST.with(|h| *h.borrow_mut() = None);
            crate::url::use_address_bar();
        }
    }

    fn live(&self) -> Result<(), JsValue> {
        match self.unmount {
            Some(_) => Ok(()),
            None => Err(JsValue::from_str("tracescope: the view was destroyed")),
        }
    }
}

/// Option names of `mount` and the URL parameters they stand for.
const MOUNT_OPTIONS: &[(&str, &str)] = &[
    ("api", "api"),
    ("traceId", "trace"),
    ("service", "service"),
    ("theme", "theme"),
    ("hide", "hide"),
    ("collapse", "collapse"),
    ("filter", "q"),
    ("span", "span"),
    ("lang", "lang"),
    ("embed", "embed"),
];

/// Mounts the app into `element`. `bundle_base` is the URL of the folder that holds the
/// bundle (the loader passes its own), so the app finds its worker and `config.json`.
#[wasm_bindgen]
pub fn mount(
    element: web_sys::HtmlElement,
    options: JsValue,
    bundle_base: String,
) -> Result<Handle, JsValue> {
    if APP.with(|a| a.borrow().is_some()) {
        return Err(JsValue::from_str(
            "tracescope: one view per page is mounted already; destroy() it first, or embed more views by <iframe>",
        ));
    }
    // Without an explicit `embed: false`, a mounted view has no header: the host is the page.
    let mut params = vec![("embed".to_string(), "1".to_string())];
    for (key, param) in MOUNT_OPTIONS {
        let v = js_sys::Reflect::get(&options, &(*key).into()).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() || v.is_null() {
            continue;
        }
        let text = if let Some(s) = v.as_string() {
            s
        } else if let Some(b) = v.as_bool() {
            if b { "1" } else { "0" }.to_string()
        } else if let Some(n) = v.as_f64() {
            n.to_string()
        } else if js_sys::Array::is_array(&v) {
            js_sys::Array::from(&v)
                .iter()
                .filter_map(|x| x.as_string())
                .collect::<Vec<_>>()
                .join(",")
        } else {
            return Err(JsValue::from_str(&format!(
                "tracescope.mount: option {key} is not a string"
            )));
        };
        params.push(((*param).to_string(), text));
    }
    crate::url::use_memory(&params, bundle_base);
    HOST.with(|h| *h.borrow_mut() = Some(element.clone()));
    crate::engine_client::prewarm();
    let unmount = leptos::mount::mount_to(element, crate::app::App);
    Ok(Handle {
        unmount: Some(Box::new(unmount)),
    })
}
