//! tracescope, the browser app: fetch → import → model → derive → layout → draw.
//! Everything between the bytes and the pixels lives in `tracescope-core`; this crate
//! fetches, keeps view state, and draws on canvas.

mod app;
mod canvas;
mod config;
mod dependencies;
mod detail;
mod engine_client;
mod error;
mod fetch;
mod files;
mod graph_canvas;
mod progress;
mod search;
mod state;
mod trace_view;
mod url;
mod waterfall;

fn main() {
    console_error_panic_hook::set_once();
    // The first trace load should not wait for its worker to start.
    engine_client::prewarm();
    leptos::mount::mount_to_body(app::App);
}
