//! tracescope, the browser app: fetch → import → model → derive → layout → draw.
//! Everything between the bytes and the pixels lives in `tracescope-core`; this crate
//! fetches, keeps view state, and draws on canvas.

mod app;
mod canvas;
mod config;
mod datetime_input;
mod dependencies;
mod detail;
mod embed;
mod engine_client;
mod error;
mod export;
mod fetch;
mod files;
mod graph_canvas;
mod i18n;
mod progress;
mod search;
mod state;
mod trace_view;
mod url;
mod waterfall;

fn main() {
    console_error_panic_hook::set_once();
    // On its own page (index.html marks its body) the app starts at once; loaded by a host
    // page through `tracescope-embed.js`, it waits for `mount` (src/embed.rs).
    let own_page = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .is_some_and(|b| b.has_attribute("data-tracescope-app"));
    if own_page {
        // The first trace load should not wait for its worker to start.
        engine_client::prewarm();
        // Mounting gets a task of its own: `main` runs in the task that finishes compiling
        // and instantiating the wasm, and the two together made one task of 70–110 ms.
        let mount = wasm_bindgen::closure::Closure::once_into_js(|| {
            leptos::mount::mount_to_body(app::App);
        });
        let deferred = web_sys::window().is_some_and(|w| {
            w.set_timeout_with_callback(wasm_bindgen::JsCast::unchecked_ref(&mount))
                .is_ok()
        });
        if !deferred {
            leptos::mount::mount_to_body(app::App);
        }
    }
}
